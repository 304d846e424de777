import { formatMoney } from '../model/money.schema';
import type { DocumentInput } from './document-input.schema';
import { buildStatement } from './statement';

/**
 * The reminder SMS: short (it is billed per part), factual, no personal detail beyond what the
 * debtor already knows, and pointing to the e-mail or the creditor for the details.
 */
export function reminderSms(input: DocumentInput): string {
  const statement = buildStatement(input);
  const overdue = statement.overdue.length;
  const amount = formatMoney(statement.totals.netOverdue, input.currency);
  const contact = input.creditor.contact.phone ?? input.creditor.contact.email;
  return `${input.creditor.name} : ${overdue} facture(s) échue(s) restent impayées (${amount}). Merci de régulariser sous 8 jours ou de nous contacter : ${contact}. Réf. ${input.caseRef}`;
}
