import { caseIdOf, type Case, type Debtor, type Receivable } from '../../connector/model';
import type { CaseSnapshot } from '../../connector/store/store';

/** Small builders for canonical records, with defaults a test overrides field by field. */

export function debtor(over: Partial<Debtor> = {}): Debtor {
  const id = over.id ?? 'demo:partner:1';
  return {
    id,
    source: { system: 'demo', connection: 'demo', id: id.split(':').pop() ?? id },
    name: 'Dupont Industrie SAS',
    kind: 'company',
    registration: {},
    addresses: [],
    emails: ['compta@dupont.example'],
    phones: [],
    language: 'fr',
    flags: { doNotContact: false, insolvency: null },
    ...over,
  };
}

let counter = 0;
export function invoice(over: Partial<Receivable> = {}): Receivable {
  counter += 1;
  const id = over.id ?? `demo:move:${counter}`;
  const total = over.total ?? 100_000;
  return {
    id,
    source: { system: 'demo', connection: 'demo', id: id.split(':').pop() ?? id },
    kind: 'invoice',
    number: over.number ?? `FAC-${String(counter).padStart(4, '0')}`,
    debtorId: 'demo:partner:1',
    companyId: 'demo:company:1',
    issueDate: '2025-02-08',
    dueDate: '2025-03-10',
    currency: 'EUR',
    total,
    open: total,
    disputed: null,
    excluded: null,
    promiseToPay: null,
    paymentPlan: null,
    ...over,
  };
}

export function creditNote(over: Partial<Receivable> = {}): Receivable {
  return invoice({ kind: 'credit_note', number: `AV-${counter + 1}`, ...over });
}

export function caseOf(d: Debtor, currency = 'EUR', over: Partial<Case> = {}): Case {
  return {
    id: caseIdOf(d.id, 'demo:company:1', currency),
    debtorId: d.id,
    companyId: 'demo:company:1',
    currency,
    stage: 'open',
    policyId: null,
    lastStep: null,
    lastContactOn: null,
    manualPause: null,
    pendingApproval: null,
    openedAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    ...over,
  };
}

export function snapshot(
  items: Receivable[],
  over: { debtor?: Partial<Debtor>; case?: Partial<Case>; currency?: string } = {},
): CaseSnapshot {
  const d = debtor(over.debtor);
  const currency = over.currency ?? items[0]?.currency ?? 'EUR';
  return {
    debtor: d,
    case: caseOf(d, currency, over.case),
    items: items.map((i) => ({ ...i, debtorId: d.id, currency: i.currency })),
  };
}
