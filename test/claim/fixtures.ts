import type { ClaimInput, ClaimInvoice } from '../../connector/claim';

/** A B2B claim in EUR with no contractual rate and no formal notice, unless overridden. */
export function claimInput(
  invoices: ClaimInvoice[],
  overrides: Partial<Omit<ClaimInput, 'invoices'>> = {},
): ClaimInput {
  return {
    creditor: { kind: 'company' },
    debtor: { kind: 'company' },
    currency: 'EUR',
    contractualRatePercent: null,
    formalNoticeDate: null,
    insolvencyOpenedOn: null,
    ...overrides,
    invoices,
  };
}

export function invoice(
  id: string,
  total: number,
  issueDate: string,
  dueDate: string,
  payments: { date: string; amount: number }[] = [],
): ClaimInvoice {
  return { id, kind: 'invoice', total, issueDate, dueDate, payments };
}

export function creditNote(id: string, total: number, issueDate: string): ClaimInvoice {
  return { id, kind: 'credit_note', total, issueDate, dueDate: issueDate, payments: [] };
}
