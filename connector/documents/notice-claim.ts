import { parseClaimInput, type ClaimInvoice } from '../claim/claim-input.schema';
import { computeClaim, type ClaimResult, type ComputeClaimOptions } from '../claim/compute-claim';
import type { LegalData } from '../claim/legal-data';
import type { IsoDate } from '../time/calendar-date';
import { DocumentInputError, type DocumentInput } from './document-input.schema';
import { buildStatement } from './statement';

export interface NoticeClaimOptions extends ComputeClaimOptions {
  /** Annual late-payment rate of the creditor's terms of sale, in %; null or absent when none (L441-10 default applies). */
  contractualRatePercent?: number | null;
  /**
   * Receipt of an EARLIER formal notice, if one was sent: for a consumer, legal interest has run
   * since then (C. civ. 1344-1). Absent for a first notice, which itself starts it.
   */
  formalNoticeDate?: IsoDate | null;
}

/**
 * The claim a formal notice demands, as of the document's date: the overdue invoices and every
 * open credit note, through `computeClaim` (principal, interest by semester, fixed indemnity).
 * Invoices not yet due are left out: nothing can be demanded on them yet.
 */
export function noticeClaim(input: DocumentInput, legal: LegalData, options: NoticeClaimOptions = {}): ClaimResult {
  const statement = buildStatement(input);
  const overdueIds = new Set(statement.overdue.map((l) => l.id));
  const invoices: ClaimInvoice[] = input.items
    .filter((item) => overdueIds.has(item.id))
    .map((item) => ({
      id: item.id,
      kind: 'invoice',
      // Without the payment history, interest runs on what is still open (see DocumentItemSchema).
      total: item.payments ? item.total : item.open,
      issueDate: item.issueDate,
      dueDate: item.dueDate,
      payments: item.payments ?? [],
    }));
  for (const note of statement.creditNotes) {
    invoices.push({
      id: note.id,
      kind: 'credit_note',
      total: note.open,
      issueDate: note.issueDate,
      dueDate: note.issueDate,
      payments: [],
    });
  }
  const parsed = parseClaimInput({
    creditor: { kind: 'company' },
    debtor: { kind: input.debtor.kind },
    currency: input.currency,
    contractualRatePercent: options.contractualRatePercent ?? null,
    formalNoticeDate: options.formalNoticeDate ?? null,
    invoices,
  });
  if (!parsed.success) throw new DocumentInputError('the claim of the formal notice', parsed.problems);
  return computeClaim(parsed.data, input.date, legal, {
    ...(options.dayCount ? { dayCount: options.dayCount } : {}),
    ...(options.imputation ? { imputation: options.imputation } : {}),
    ...(options.prescriptionWarnDays !== undefined ? { prescriptionWarnDays: options.prescriptionWarnDays } : {}),
  });
}
