import type { StoreDriver } from './driver';
import type { Action } from '../model/action.schema';
import type { Case } from '../model/case.schema';
import type { Debtor } from '../model/debtor.schema';
import type { CaseJournalEntry } from '../model/journal.schema';
import type { Payment } from '../model/payment.schema';
import type { Receivable } from '../model/receivable.schema';
import type { ProcedureState } from '../model/procedure-event.schema';
import type { CredentialStore } from '../ports/credentials';
import type { CredentialStoreOptions } from './credential-store';
import type { MigrateOptions, MigrationReport } from './migrate';

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
  /**
   * The case as the decision saw it: the decision is recorded only if the stored case still
   * equals it. A controller who paused the case, or approved a step, while the evaluation ran
   * is not overwritten; the next evaluation decides again from what they did.
   */
  expected?: Case;
}

/**
 * The annotations a controller keeps on a receivable. A key that is present is written (null
 * clears it); an absent key leaves the stored value as it is.
 */
export type ReceivableAnnotations = Partial<Pick<Receivable, 'disputed' | 'excluded' | 'promiseToPay' | 'paymentPlan'>>;

/**
 * A change to one case made by a person (approval, rejection, pause, an item disputed…): the
 * case's new state, the outbox rows and item annotations it brings, and its journal lines.
 */
export interface CaseChangeInput {
  /** The case as the caller read it: the change is applied only if the stored case still equals it. */
  expected?: Case;
  /** The case as it must be after the change. */
  caseAfter: Case;
  /** Outbox rows of this case. */
  actions?: Action[];
  /** Items of this case whose annotations change. */
  annotations?: { receivableId: string; set: ReceivableAnnotations }[];
  /** Lines of this case's journal. */
  journal: Omit<CaseJournalEntry, 'seq'>[];
  /** Documents of this case the change brings (a receipt the controller enters); an id already stored keeps what it holds. */
  documents?: NewDocument[];
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
  /**
   * Start of the row's current run of failures: kept as it is when absent on a failure, set to
   * `at` when the row had none, cleared when the row is done. Pass it to start the run over.
   */
  firstFailedAt?: string | null;
  journal?: Omit<CaseJournalEntry, 'seq'>[];
  /** With `done`: the provider accepted the message; its delivery is tracked from now on (`deliveries`). */
  delivery?: NewDelivery;
}

export type DeliveryChannel = 'sms' | 'letter' | 'registered_letter';

/** A message a provider accepted, to follow until its status is final. */
export interface NewDelivery {
  channel: DeliveryChannel;
  providerId: string;
  /** The provider's status at acceptance. */
  status: string;
  /** First check (ISO 8601). */
  nextCheckAt: string;
}

export interface Delivery extends NewDelivery {
  actionId: string;
  caseId: string;
  /** Provider events already journalled (letters report a list; an SMS only its latest status). */
  eventsSeen: number;
  /** Proof kinds already stored as documents. */
  proofs: string[];
  /** Checks recorded so far: also the version a check's record is guarded by. */
  checks: number;
  final: boolean;
  lastError: string | null;
  /** When the provider accepted it (the action's completion). */
  sentAt: string;
  updatedAt: string;
}

/** Evidence kept for the dossier. */
export interface NewDocument {
  /** Deterministic, e.g. `proof:<action id>:acknowledgement_of_receipt`: the same proof is stored once. */
  id: string;
  caseId: string;
  actionId: string | null;
  kind: string;
  mediaType: string;
  content: Buffer;
  /** When the proven event happened, as the provider says. */
  provenAt: string | null;
  createdAt: string;
}

export interface StoredDocument extends Omit<NewDocument, 'content'> {
  sha256: string;
  size: number;
}

/** The result of one check of a delivery, recorded with its journal lines and documents at once. */
export interface DeliveryCheckInput {
  actionId: string;
  /** The `checks` value the check started from: nothing is written if another check was recorded since. */
  expectedChecks: number;
  status: string;
  eventsSeen: number;
  proofs: string[];
  final: boolean;
  nextCheckAt: string;
  lastError: string | null;
  at: string;
  journal?: Omit<CaseJournalEntry, 'seq'>[];
  documents?: NewDocument[];
}

/** A dossier handed to a law firm, and where its procedure stands. */
export interface StoredDossier {
  id: string;
  caseId: string;
  /** The outbox row that submitted it. */
  actionId: string | null;
  /** The partner's id in the configuration. */
  partner: string;
  /** The firm's reference for the file, once it has one. */
  fileId: string | null;
  /**
   * `prepared`: stored, being sent, the firm's answer not known yet (a submission in doubt after a
   * crash or a lost answer: the next attempt sends the same bytes). The others follow the firm.
   */
  status: 'prepared' | 'submitted' | 'accepted' | 'rejected' | 'withdrawn' | 'closed';
  /** The state of the latest event by occurrence (`submitted` before any). */
  state: ProcedureState;
  stateAt: string;
  /** Events applied so far. */
  events: number;
  /** The dossier as sent. */
  content: Record<string, unknown>;
  /** SHA-256 of the JSON sent (absent on dossiers recorded before it was kept). */
  contentSha256?: string;
  /** Its documents as sent, each held by a stored document (absent on dossiers recorded before). */
  parts?: DossierPart[];
  /** When it was first stored (prepared), then when the firm received it. */
  submittedAt: string;
  updatedAt: string;
}

/** A document of a dossier as sent: its bytes are the stored document `documentId`. */
export interface DossierPart {
  name: string;
  kind: string;
  mediaType: string;
  sha256: string;
  documentId: string;
}

/** A dossier stored before it is first sent, with the documents it carries that the store does not hold yet. */
export interface PrepareDossierInput {
  dossier: StoredDossier & { status: 'prepared'; contentSha256: string; parts: DossierPart[] };
  documents: NewDocument[];
  journal: Omit<CaseJournalEntry, 'seq'>[];
}

/** The firm's answer to a submission (or an event naming the file first): the file id, once. */
export interface RecordSubmissionInput {
  id: string;
  fileId: string;
  at: string;
  /** Written only when this call sets the file id. */
  journal: Omit<CaseJournalEntry, 'seq'>[];
}

export interface StoredProcedureEvent {
  /** `<partner>:<the firm's event id>`. */
  id: string;
  dossierId: string;
  caseId: string;
  /** Order of application within the dossier, from 1. */
  seq: number;
  state: ProcedureState;
  sourceState: string;
  occurredAt: string;
  receivedAt: string;
  data: Record<string, unknown>;
}

/** One procedure event with everything it changes, applied at once and only once. */
export interface ApplyProcedureEventInput {
  event: Omit<StoredProcedureEvent, 'seq'>;
  /** The dossier's status after the event, when it changes (accepted, rejected, withdrawn, closed). */
  status?: StoredDossier['status'];
  /** The case's stage after the event, when it changes. */
  caseStage?: Case['stage'];
  journal: Omit<CaseJournalEntry, 'seq'>[];
  /** Outbox rows the event brings (the note in the ledger, an activity for the controller). */
  actions: Action[];
  at: string;
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

/**
 * A job of the embedded queue (connector/jobs/store-queue.ts). Instants are epoch milliseconds
 * of the queue's clock. `delayed` is not a stored status: it is a waiting job whose `runAt` is
 * still ahead.
 */
export interface StoredJob {
  id: string;
  name: string;
  /** Ids only, never payloads or credentials. */
  data: Record<string, string | number | boolean>;
  status: 'waiting' | 'active' | 'completed' | 'failed';
  /** Attempts finished so far (a rate-limited return is not one; an attempt whose lease expired is). */
  attemptsMade: number;
  maxAttempts: number;
  /** Backoff before the second attempt (ms), doubled at each further one. */
  backoffMs: number;
  /** Not claimed before this instant. */
  runAt: number;
  /** The claim holding an active job: worker id and claim number. */
  lockedBy: string | undefined;
  /** An active job whose lease ends before it is settled is claimable again. */
  lockedUntil: number | undefined;
  lastError: string | undefined;
  createdAt: number;
  finishedAt: number | undefined;
}

export interface NewJob {
  id: string;
  name: string;
  data: Record<string, string | number | boolean>;
  maxAttempts: number;
  backoffMs: number;
  runAt: number;
}

export interface EnqueueJobInput {
  job: NewJob;
  now: number;
  /** A job that completed less than this long ago (ms) still holds its id. */
  completedRetentionMs: number;
}

export interface ClaimJobInput {
  /** Job names this worker has room for. */
  names: readonly string[];
  now: number;
  /** How long the claim holds the job (ms) unless it is extended. */
  leaseMs: number;
  /** Unique per claim: a settle or an extension must present it. */
  lockedBy: string;
}

/** How an attempt ended. */
export type JobOutcome =
  | { status: 'completed' }
  /** The attempt failed and another one is due at `runAt`. */
  | { status: 'retry'; runAt: number; error: string }
  /** The attempt failed and no other will be made: the job is parked. */
  | { status: 'failed'; error: string }
  /** Rate limited: back to waiting without counting an attempt; no job of its name is claimed before `holdNameUntil`. */
  | { status: 'postponed'; runAt: number; holdNameUntil: number }
  /** Not started after all (the queue closed while claiming): back to waiting as it was. */
  | { status: 'released' };

export interface SettleJobInput {
  id: string;
  lockedBy: string;
  now: number;
  outcome: JobOutcome;
}

/** Which case a claimed outbox row may belong to, by the connection its items come from (`claimAction`). */
export type ClaimConnectionFilter = { only: string } | { except: readonly string[] };

export interface Store {
  readonly driver: StoreDriver;

  /**
   * Applies pending migrations; safe to call at every start and from several processes. Refuses
   * (NewerSchemaError) a store that holds migrations this version does not know; on a SQLite
   * file with data, copies it aside first (the report says where); runs them in one transaction.
   */
  migrate(options?: MigrateOptions): Promise<MigrationReport>;
  /** The store as messages name it: `the SQLite store /path/file`, `the PostgreSQL store host:port/db (schema s)`. */
  readonly location: string;
  close(): Promise<void>;
  /** One cheap round trip to the database (readiness checks); a StoreError when it cannot be reached. */
  ping(): Promise<void>;

  /** Runs `fn` in one transaction; nested calls join the outer transaction. */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;

  /**
   * The encrypted OAuth credentials of one ERP connection (connector/store/credential-store.ts).
   * Refused on the store a transaction hands to its callback: a refreshed token is kept on its own.
   */
  credentials(connectionId: string, options: CredentialStoreOptions): CredentialStore;

  upsertDebtors(debtors: Debtor[]): Promise<void>;
  getDebtor(id: string): Promise<Debtor | undefined>;

  /**
   * Inserts or replaces receivables, and creates the case each one belongs to if it is missing.
   * The annotations a controller records (disputed, excluded, promiseToPay, paymentPlan) are
   * kept when the incoming record has null for them: an ERP that knows nothing of a dispute must
   * not erase it at its next sync. One the record brings replaces the stored one. They are
   * cleared through `applyCaseChange`.
   */
  upsertReceivables(receivables: Receivable[], at: string): Promise<void>;
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
  /** Ids of the receivables of a connection (`source.connection`) with an open amount > 0, in byte order. */
  listOpenReceivableIds(connection: string): Promise<string[]>;

  upsertPayments(payments: Payment[]): Promise<void>;
  listPaymentsOfReceivable(receivableId: string): Promise<Payment[]>;

  getCase(id: string): Promise<Case | undefined>;
  listCases(filter?: CaseFilter): Promise<Case[]>;
  saveCase(c: Case): Promise<void>;

  /** Appends to the case journal and returns the entry with its `seq`. The journal is never updated or deleted. */
  appendJournal(entry: Omit<CaseJournalEntry, 'seq'>): Promise<CaseJournalEntry>;
  /** In seq order, after `afterSeq` when given, at most `limit` entries when given. */
  readJournal(caseId: string, afterSeq?: number, limit?: number): Promise<CaseJournalEntry[]>;

  /**
   * Records a decision, its outbox rows, its journal entries and the case's new state in one
   * transaction. Returns `false`, writing nothing, when a decision with the same idempotency
   * key already exists, or, with `expected`, when the stored case no longer equals it.
   */
  recordDecision(input: RecordDecisionInput): Promise<boolean>;
  getDecision(idempotencyKey: string): Promise<Decision | undefined>;
  /** The decision with this id (the one an outbox row's subject names). */
  getDecisionById(id: string): Promise<Decision | undefined>;
  /**
   * Writes the case's new state, its outbox rows, its items' annotations and its journal lines
   * in one transaction. Returns `false`, writing nothing, when the case does not exist or, with
   * `expected`, when it no longer equals it (someone else changed it first). An annotation of a
   * receivable that is not an item of the case, or a row or document of another case, is a StoreError.
   */
  applyCaseChange(input: CaseChangeInput): Promise<boolean>;
  listDecisions(caseId: string): Promise<Decision[]>;

  listActions(filter?: ActionFilter): Promise<Action[]>;
  getAction(id: string): Promise<Action | undefined>;
  /**
   * Records the outcome of an attempt (status, attempts, last error, and `notBefore` when
   * given) and appends its journal entries, atomically. An unknown id is a StoreError.
   */
  completeAction(input: CompleteActionInput): Promise<void>;
  /**
   * A failed action made pending again, due now, with its attempts counted afresh, and its journal
   * line, atomically: only while it is still failed, so that two daemons starting together requeue
   * it once. Resolves to false when it was no longer failed.
   */
  requeueFailedAction(input: { id: string; at: string; journal: Omit<CaseJournalEntry, 'seq'>[] }): Promise<boolean>;
  /**
   * Takes the next due row of `kind` for this worker: a pending row whose `notBefore` has come, or
   * an in-progress row whose lease ran out (its worker died). The row becomes `in_progress` with
   * `notBefore` = `leaseUntil`. Several processes never take the same row (PostgreSQL:
   * `FOR UPDATE SKIP LOCKED`; SQLite: one writer at a time). With `connection`, only a row whose
   * case has items from that connection (`only`), or from none of those connections (`except`):
   * each ERP connection's ledger rows are taken by a lane of their own (connector/outbox/lanes.ts).
   */
  claimAction(input: {
    kind: Action['kind'];
    now: string;
    leaseUntil: string;
    connection?: ClaimConnectionFilter;
  }): Promise<Action | undefined>;
  /** The kinds that have a row `claimAction` would take now (a read: the dispatcher claims only those). */
  dueActionKinds(now: string): Promise<Action['kind'][]>;

  /**
   * Takes the next delivery that is not final and whose next check has come, pushing its next
   * check to `leaseUntil` so that no other worker takes it meanwhile (same guarantees as `claimAction`).
   */
  claimDelivery(input: { now: string; leaseUntil: string }): Promise<Delivery | undefined>;
  getDelivery(actionId: string): Promise<Delivery | undefined>;
  listDeliveries(filter?: { caseId?: string; final?: boolean }): Promise<Delivery[]>;
  /**
   * Records a check: the delivery's new state, its journal lines and its documents (a document
   * whose id is taken is kept as it was), atomically. Returns false, writing nothing, when the
   * delivery's `checks` is no longer `expectedChecks` (another worker recorded a check first).
   */
  recordDeliveryCheck(input: DeliveryCheckInput): Promise<boolean>;
  /** Records a dossier handed to a firm with its journal lines; false, writing nothing, when its id is already recorded. */
  recordDossier(dossier: StoredDossier, journal: Omit<CaseJournalEntry, 'seq'>[]): Promise<boolean>;
  /**
   * Stores a dossier before its first sending, with its documents, once: when its id is already
   * stored nothing is written and the stored one is returned (a retry sends what was stored).
   */
  prepareDossier(input: PrepareDossierInput): Promise<{ dossier: StoredDossier; created: boolean }>;
  /**
   * Sets a dossier's file id, and moves a `prepared` one to `submitted`; false when the file id
   * was already set (the journal is then not written). An event may have moved the status on first.
   */
  recordSubmission(input: RecordSubmissionInput): Promise<boolean>;
  /** A prepared dossier the firm refused for good (no file opened): `rejected`, so it no longer counts as open. */
  refusePreparedDossier(input: { id: string; at: string; journal: Omit<CaseJournalEntry, 'seq'>[] }): Promise<boolean>;
  getDossier(id: string): Promise<StoredDossier | undefined>;
  findDossierByFile(partner: string, fileId: string): Promise<StoredDossier | undefined>;
  listDossiers(filter?: { caseId?: string; open?: boolean }): Promise<StoredDossier[]>;
  /**
   * Applies one procedure event: stores it with the next seq of its dossier, moves the dossier's
   * state when the event is the latest by occurrence, sets its status and the case's stage when
   * given, appends the journal lines and inserts the outbox rows — atomically. Returns the stored
   * event, or undefined, writing nothing, when an event with that id was already applied.
   */
  applyProcedureEvent(input: ApplyProcedureEventInput): Promise<StoredProcedureEvent | undefined>;
  listProcedureEvents(dossierId: string): Promise<StoredProcedureEvent[]>;
  /** The procedure event with this id (`<partner>:<event id>`, the one an outbox row's subject names). */
  getProcedureEvent(id: string): Promise<StoredProcedureEvent | undefined>;
  /** Document metadata of a case, oldest first. */
  listDocuments(caseId: string): Promise<StoredDocument[]>;
  /** A document with its bytes. */
  getDocument(id: string): Promise<(StoredDocument & { content: Buffer }) | undefined>;
  /**
   * Stores a document once and returns what the store holds under its id: the bytes given when the
   * id is new, the bytes first kept otherwise (a letter re-rendered on a retry is not the one sent).
   */
  keepDocument(document: NewDocument): Promise<StoredDocument & { content: Buffer }>;

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

  /**
   * Adds a waiting job unless its id is taken: by a job waiting, active or failed, or by one that
   * completed within the retention window (an older completed job is replaced). Returns whether
   * it was added; atomic against concurrent enqueues of the same id.
   */
  enqueueJob(input: EnqueueJobInput): Promise<boolean>;
  /**
   * Takes the oldest runnable job of the given names, whose name no rate limit holds back, and
   * marks it active under `lockedBy` until `now + leaseMs`. Runnable: waiting and due, or active
   * with an expired lease (its worker died): such an attempt counts as made, and a job that has
   * no attempt left then is parked as failed instead. Several processes may claim at once (row
   * locks skipped on PostgreSQL, one writer at a time on SQLite); none gets the same job.
   */
  claimJob(input: ClaimJobInput): Promise<StoredJob | undefined>;
  /** Pushes an active job's lease to `lockedUntil`; false when the claim is no longer held. */
  extendJobLease(input: { id: string; lockedBy: string; lockedUntil: number }): Promise<boolean>;
  /** Records how an attempt ended; false, changing nothing, when the claim is no longer held. */
  settleJob(input: SettleJobInput): Promise<boolean>;
  getJob(id: string): Promise<StoredJob | undefined>;
  /** Jobs parked as failed, the most recently failed first. */
  listFailedJobs(filter?: { name?: string; limit?: number }): Promise<StoredJob[]>;
  /** Jobs per status, waiting ones due after `now` counted as delayed. */
  countJobs(filter: { name?: string; now: number }): Promise<Record<StoredJob['status'] | 'delayed', number>>;
  /** Deletes jobs that completed before `finishedBefore`; returns how many. */
  removeCompletedJobs(finishedBefore: number): Promise<number>;
}
