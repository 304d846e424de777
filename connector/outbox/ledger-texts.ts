import { formatMoney } from '../model/money.schema';
import type { Amounts, StepDecision } from '../policy/evaluate';

/**
 * What the connector writes into the ledger, in French by default (DESIGN.md: user-facing texts
 * are French and translatable). Plain text: each adapter turns it into its ledger's format.
 */

const CHANNEL_FR: Record<string, string> = {
  email: 'e-mail',
  sms: 'SMS',
  letter: 'courrier',
  registered_letter: 'lettre recommandée',
  phone_task: 'appel téléphonique',
};

function stepLabel(step: Pick<StepDecision, 'id' | 'kind'>): string {
  if (step.kind === 'formal_notice') return 'Mise en demeure';
  if (step.kind === 'escalation') return 'Transmission au cabinet partenaire';
  return `Relance (${step.id})`;
}

/**
 * The case reference, as the letters and SMS print it (`Réf. case_…`, the case id): a controller
 * reading the note in the ledger types it, or the invoice's number, into `recouvra cases show`
 * or the API (connector/cases/case-reference.ts).
 */
function referenceLine(caseRef: string | undefined): string[] {
  return caseRef ? [`Réf. Recouvra : ${caseRef}`] : [];
}

/** `2026-04-03` or an ISO 8601 instant → `03/04/2026` (the calendar date as written). */
export function frenchDate(iso: string): string {
  const [y, m, d] = iso.slice(0, 10).split('-');
  return `${d}/${m}/${y}`;
}

/**
 * The note written on each invoice a step claims when it is decided. `itemCount` counts those
 * invoices; the credit notes deducted get no note of their own, so their numbers are named here.
 */
export function stageNoteText(input: {
  step: Pick<StepDecision, 'id' | 'kind' | 'channels'>;
  asOf: string;
  amounts: Amounts;
  itemCount: number;
  creditNoteNumbers?: readonly string[];
  locale?: string;
  caseRef?: string;
}): string {
  const { step, amounts } = input;
  const channels = step.channels.map((c) => CHANNEL_FR[c] ?? c).join(', ');
  const numbers = input.creditNoteNumbers?.length ? ` (${input.creditNoteNumbers.join(', ')})` : '';
  return [
    `Recouvra — ${stepLabel(step)} décidée le ${frenchDate(input.asOf)}${channels ? ` (${channels})` : ''}.`,
    `Le dossier couvre ${input.itemCount} pièce(s) : ${formatMoney(amounts.open, amounts.currency, input.locale)} ouverts, dont ${formatMoney(amounts.overdue, amounts.currency, input.locale)} échus${amounts.credit > 0 ? `, après ${formatMoney(amounts.credit, amounts.currency, input.locale)} d'avoirs${numbers}` : ''}.`,
    ...referenceLine(input.caseRef),
  ].join('\n');
}

/** The activity asking a controller to approve a step (escalation by default needs it). */
export function approvalActivity(input: {
  step: Pick<StepDecision, 'id' | 'kind'>;
  asOf: string;
  amounts: Amounts;
  debtorName: string;
  locale?: string;
  caseRef?: string;
}): { summary: string; text: string } {
  return {
    summary: `Recouvra : approuver « ${stepLabel(input.step)} »`,
    text: [
      `${stepLabel(input.step)} pour ${input.debtorName} attend votre approbation depuis le ${frenchDate(input.asOf)}.`,
      `Montant ouvert : ${formatMoney(input.amounts.open, input.amounts.currency, input.locale)}. Approuvez ou refusez l'étape dans Recouvra.`,
      ...referenceLine(input.caseRef),
    ].join('\n'),
  };
}

/** The phone task: an activity asking the responsible person to call the debtor. */
export function phoneCallActivity(input: {
  asOf: string;
  amounts: Amounts;
  debtorName: string;
  phones: readonly string[];
  locale?: string;
  caseRef?: string;
}): { summary: string; text: string } {
  return {
    summary: `Recouvra : appeler ${input.debtorName}`,
    text: [
      `Appel de relance à passer à ${input.debtorName}${input.phones.length ? ` (${input.phones.join(', ')})` : ' (aucun numéro connu)'}.`,
      `Montant échu : ${formatMoney(input.amounts.overdue, input.amounts.currency, input.locale)} sur ${formatMoney(input.amounts.open, input.amounts.currency, input.locale)} ouverts.`,
      `Notez le résultat de l'appel (promesse de paiement, litige, injoignable) dans Recouvra.`,
      ...referenceLine(input.caseRef),
    ].join('\n'),
  };
}
