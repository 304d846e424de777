/**
 * Everything the escalation gate and the dossier read about one case, loaded from the store
 * in one place so that both work on the same facts and stay pure functions of them.
 */
import type { Action } from '../model/action.schema';
import type { Case } from '../model/case.schema';
import type { Debtor } from '../model/debtor.schema';
import type { CaseJournalEntry } from '../model/journal.schema';
import type { Receivable } from '../model/receivable.schema';
import type { Decision, Store, StoredDocument } from '../store/store';
import type { IsoDate } from '../time/calendar-date';
import { DossierError } from './dossier-error';

/** One payment as it settles one receivable. */
export interface ItemPayment {
  paymentId: string;
  /** The day the funds were made available to the creditor. */
  date: IsoDate;
  /** The part of the payment allocated to this receivable (minor units). */
  amount: number;
}

export interface CaseRecords {
  case: Case;
  debtor: Debtor;
  /** Every receivable of the case, open or not, by due date then id. */
  receivables: Receivable[];
  /** Allocated payments per receivable id, oldest first. */
  payments: ReadonlyMap<string, ItemPayment[]>;
  journal: CaseJournalEntry[];
  decisions: Decision[];
  actions: Action[];
  documents: StoredDocument[];
}

export async function loadCaseRecords(store: Store, caseId: string): Promise<CaseRecords> {
  const c = await store.cases.getCase(caseId);
  if (!c) throw new DossierError('CASE_NOT_FOUND', `no case ${caseId}`);
  const debtor = await store.sync.getDebtor(c.debtorId);
  if (!debtor) throw new DossierError('DEBTOR_MISSING', `case ${caseId}: its debtor ${c.debtorId} is not synced yet`);
  const [receivables, journal, decisions, actions, documents] = await Promise.all([
    store.sync.listReceivablesOfCase(caseId),
    store.cases.readJournal(caseId),
    store.outbox.listDecisions(caseId),
    store.outbox.listActions({ caseId }),
    store.deliveries.listDocuments(caseId),
  ]);
  const payments = new Map<string, ItemPayment[]>();
  for (const r of receivables) {
    const list = (await store.sync.listPaymentsOfReceivable(r.id)).flatMap((p) =>
      p.allocations
        .filter((a) => a.receivableId === r.id)
        .map((a): ItemPayment => ({ paymentId: p.id, date: p.date, amount: a.amount })),
    );
    list.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.paymentId < b.paymentId ? -1 : 1));
    payments.set(r.id, list);
  }
  return { case: c, debtor, receivables, payments, journal, decisions, actions, documents };
}
