import type { Debtor } from '../model/debtor.schema';
import type { Payment } from '../model/payment.schema';
import type { Receivable } from '../model/receivable.schema';
import type { CaseJournalEntry } from '../model/journal.schema';
import type { RecoveredAmount } from './kpi-store';

/** A sync position for one stream of one connection, saved with the page it covers. */
export interface SyncCursor {
  connection: string;
  stream: string;
  /** Opaque to the store: the adapter decides its shape (e.g. `{ writeDate, id }`). */
  value: Record<string, unknown>;
  updatedAt: string;
}

/** A raw record the mapping rejected: kept with its reason, never dropped. */
export interface QuarantinedRecord {
  connection: string;
  stream: string;
  sourceId: string;
  reason: string;
  /** The raw record, with secrets already removed by the adapter. */
  raw: unknown;
  at: string;
}

/** One page of a sync, written in one transaction with the cursor that follows it. */
export interface SyncPage {
  connection: string;
  stream: string;
  /** Saved with the page; absent: the stream's saved cursor stays as it is. */
  cursor?: Record<string, unknown>;
  debtors?: Debtor[];
  receivables?: Receivable[];
  payments?: Payment[];
  quarantined?: Omit<QuarantinedRecord, 'connection' | 'stream'>[];
  /** Applied after the page's receivables, so a closure wins over the same id's upsert. */
  closures?: ReceivableClosure[];
  /**
   * The open amounts the page lowered on invoices the store held, for the recovery figures
   * (KpiStore.tallyRecoveries); added up before the page closes the cases it settles.
   */
  recovered?: RecoveredAmount[];
  /** Appended after every other write of the page, so they may name a case the page creates. */
  journal?: Omit<CaseJournalEntry, 'seq'>[];
  at: string;
}

/**
 * A receivable that is no longer owed, though the source did not send it as paid: settled
 * elsewhere, cancelled, or deleted at the source. Its open amount becomes 0; an id the store
 * does not hold is ignored. The store keeps no column for the reason: the caller journals it.
 */
export interface ReceivableClosure {
  id: string;
  reason: string;
}

/** What the sync engine compares an incoming receivable with, to count it new, changed or closed. */
export interface ReceivableState {
  caseId: string;
  sourceVersion: string | undefined;
  /** Open amount in minor units. */
  open: number;
  number: string;
}

/**
 * The annotations a controller keeps on a receivable. A key that is present is written (null
 * clears it); an absent key leaves the stored value as it is.
 */
export type ReceivableAnnotations = Partial<Pick<Receivable, 'disputed' | 'excluded' | 'promiseToPay' | 'paymentPlan'>>;

/**
 * The records pulled from the ledgers (debtors, receivables, payments), the sync cursors and the
 * quarantine. It decides nothing about cases: connector/sync/save-page.ts and
 * connector/cases/case-lifecycle.ts do, in the same unit of work.
 */
export interface SyncStore {
  upsertDebtors(debtors: Debtor[]): Promise<void>;

  getDebtor(id: string): Promise<Debtor | undefined>;

  /**
   * Inserts or replaces receivables. The annotations a controller records (disputed, excluded,
   * promiseToPay, paymentPlan) are kept when the incoming record has null for them: an ERP that
   * knows nothing of a dispute must not erase it at its next sync. One the record brings replaces
   * the stored one. They are cleared through `cases.applyCaseChange`. Creates no case: callers go
   * through `saveReceivables` (connector/cases/case-lifecycle.ts), which opens the missing ones.
   */
  upsertReceivables(receivables: Receivable[]): Promise<void>;

  getReceivable(id: string): Promise<Receivable | undefined>;

  /**
   * The receivables whose number (as the ledger prints it, `INV/2025/00137`) is exactly this one,
   * in every connection, ordered by connection then id. Not indexed: for a person's look-up, not
   * for a loop.
   */
  findReceivablesByNumber(number: string): Promise<Receivable[]>;

  /** Receivables of a case, open or not, ordered by due date then id. */
  listReceivablesOfCase(caseId: string): Promise<Receivable[]>;

  /** The state of each id the store holds, one query per 500 ids; ids it does not hold are absent. */
  receivableStates(ids: readonly string[]): Promise<Map<string, ReceivableState>>;

  /** Ids of the receivables of a connection (`source.connection`) with an open amount > 0, in no particular order. */
  listOpenReceivableIds(connection: string): Promise<string[]>;

  upsertPayments(payments: Payment[]): Promise<void>;

  listPaymentsOfReceivable(receivableId: string): Promise<Payment[]>;

  getCursor(connection: string, stream: string): Promise<SyncCursor | undefined>;

  /**
   * Upserts the page's records, applies its closures, releases from quarantine the records of
   * the page's connection and stream that now map, quarantines its rejected ones and saves its
   * cursor. Neither its journal nor its cases: `saveSyncPage` (connector/sync/save-page.ts) writes
   * them with it, in one unit of work.
   */
  writePage(page: Omit<SyncPage, 'journal'>): Promise<void>;

  /** The case of each receivable id the store holds (one query per 500 ids). */
  caseIdsOfReceivables(ids: readonly string[]): Promise<string[]>;

  /** Those of these cases that still have an item with an open amount > 0. */
  casesWithOpenItems(caseIds: readonly string[]): Promise<Set<string>>;

  listQuarantined(connection?: string): Promise<QuarantinedRecord[]>;
}
