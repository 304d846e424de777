import type { Action } from '../model/action.schema';
import type { Case } from '../model/case.schema';
import type { Debtor } from '../model/debtor.schema';
import type { CaseJournalEntry } from '../model/journal.schema';
import type { Payment } from '../model/payment.schema';
import type { Receivable } from '../model/receivable.schema';

/**
 * The store: one interface, two drivers (SQLite embedded by default, PostgreSQL when scaled
 * out), the same schema through the same migrations, and the same contract tests.
 *
 * Every method is atomic on its own. Writes that belong together go through `transaction`,
 * whose callback receives a store bound to that transaction.
 */

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

/** A policy decision, recorded before anything is sent. */
export interface Decision {
  id: string;
  /** `caseId/stepId`: a step is decided at most once per case. */
  idempotencyKey: string;
  caseId: string;
  stepId: string;
  stepIndex: number;
  policyId: string;
  policyVersion: number;
  asOf: string;
  decidedAt: string;
  requiresApproval: boolean;
  /** The full evaluation (step, items, amounts, reasons) as the engine returned it. */
  evaluation: Record<string, unknown>;
}

export interface RecordDecisionInput {
  decision: Decision;
  /** The outbox rows the decision creates (while it waits for approval: only the activity asking for it). */
  actions: Action[];
  journal: Omit<CaseJournalEntry, 'seq'>[];
  /** The case as it must be after the decision (stage, lastStep, lastContactOn, pendingApproval). */
  caseAfter: Case;
}

export interface ActionFilter {
  status?: Action['status'];
  caseId?: string;
  kind?: Action['kind'];
  limit?: number;
}

/** The outcome of one attempt at an action, written with its journal entries in one transaction. */
export interface CompleteActionInput {
  id: string;
  status: 'done' | 'failed' | 'pending';
  /** Attempts made so far, this one included. */
  attempts: number;
  lastError: string | null;
  /** ISO 8601 timestamp of the attempt; becomes the row's `updatedAt`. */
  at: string;
  /** ISO 8601 timestamp before which the action must not be tried again (a retry); unchanged when absent. */
  notBefore?: string;
  journal?: Omit<CaseJournalEntry, 'seq'>[];
}

export interface CaseFilter {
  stage?: Case['stage'];
  debtorId?: string;
  limit?: number;
  /** Keyset paging: ids strictly greater than this one. */
  afterId?: string;
}

/** The data the policy engine needs for one case, as the store streams it. */
export interface CaseSnapshot {
  case: Case;
  debtor: Debtor;
  /** Invoices and credit notes of the case with an open amount > 0, ordered by due date then id. */
  items: Receivable[];
}

export interface Store {
  readonly driver: 'sqlite' | 'postgres';

  /** Applies pending migrations; safe to call at every start and from several processes. */
  migrate(): Promise<void>;
  close(): Promise<void>;

  /** Runs `fn` in one transaction; nested calls join the outer transaction. */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;

  upsertDebtors(debtors: Debtor[]): Promise<void>;
  getDebtor(id: string): Promise<Debtor | undefined>;

  /** Inserts or replaces receivables, and creates the case each one belongs to if it is missing. */
  upsertReceivables(receivables: Receivable[], at: string): Promise<void>;
  getReceivable(id: string): Promise<Receivable | undefined>;
  /** Receivables of a case, open or not, ordered by due date then id. */
  listReceivablesOfCase(caseId: string): Promise<Receivable[]>;
  /** The state of each id the store holds, one query per 500 ids; ids it does not hold are absent. */
  receivableStates(ids: readonly string[]): Promise<Map<string, ReceivableState>>;
  /** Ids of the receivables of a connection (`source.connection`) with an open amount > 0, in byte order. */
  listOpenReceivableIds(connection: string): Promise<string[]>;

  upsertPayments(payments: Payment[]): Promise<void>;
  listPaymentsOfReceivable(receivableId: string): Promise<Payment[]>;

  getCase(id: string): Promise<Case | undefined>;
  listCases(filter?: CaseFilter): Promise<Case[]>;
  saveCase(c: Case): Promise<void>;

  /** Appends to the case journal and returns the entry with its `seq`. The journal is never updated or deleted. */
  appendJournal(entry: Omit<CaseJournalEntry, 'seq'>): Promise<CaseJournalEntry>;
  readJournal(caseId: string, afterSeq?: number): Promise<CaseJournalEntry[]>;

  /**
   * Records a decision, its outbox rows, its journal entries and the case's new state in one
   * transaction. Returns `false`, writing nothing, when a decision with the same idempotency
   * key already exists.
   */
  recordDecision(input: RecordDecisionInput): Promise<boolean>;
  getDecision(idempotencyKey: string): Promise<Decision | undefined>;
  listDecisions(caseId: string): Promise<Decision[]>;

  listActions(filter?: ActionFilter): Promise<Action[]>;
  getAction(id: string): Promise<Action | undefined>;
  /**
   * Records the outcome of an attempt (status, attempts, last error, and `notBefore` when
   * given) and appends its journal entries, atomically. An unknown id is a StoreError.
   */
  completeAction(input: CompleteActionInput): Promise<void>;

  getCursor(connection: string, stream: string): Promise<SyncCursor | undefined>;
  /**
   * Upserts the page's records, applies its closures, releases from quarantine the records of
   * the page's connection and stream that now map, quarantines its rejected ones, appends its
   * journal entries and saves its cursor, atomically.
   */
  savePage(page: SyncPage): Promise<void>;
  listQuarantined(connection?: string): Promise<QuarantinedRecord[]>;

  /** Streams every case with its debtor and open items, ordered by case id, without loading all in memory. */
  streamCaseSnapshots(options?: { batchSize?: number }): AsyncIterable<CaseSnapshot>;
}
