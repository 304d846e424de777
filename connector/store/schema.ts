import type { Generated } from 'kysely';

/**
 * Kysely table types: the rows as both drivers return them once `postgres.ts` has parsed
 * int8 into numbers. Same schema on SQLite and PostgreSQL, created by `migrations/`.
 *
 * Conventions, so that one mapper serves both drivers:
 * - business dates are ISO `YYYY-MM-DD` text and timestamps ISO 8601 text, stored verbatim
 *   (an offset such as `+02:00` survives the round trip);
 * - money is an integer count of minor units (`integer` on SQLite, `bigint` on PostgreSQL);
 * - flags are integers 0/1 because better-sqlite3 cannot bind booleans;
 * - structured values are JSON text, `null` when absent;
 * - `data` holds the canonical fields that have no column of their own, `null` when none.
 */

export interface DebtorsTable {
  id: string;
  source_system: string;
  source_connection: string;
  source_id: string;
  name: string;
  kind: string;
  language: string;
  do_not_contact: number;
  /** JSON of `flags.insolvency`. */
  insolvency: string | null;
  /** JSON of registration, addresses, emails, phones and any later field. */
  data: string;
}

export interface ReceivablesTable {
  id: string;
  /** caseIdOf(debtor_id, company_id, currency). */
  case_id: string;
  source_system: string;
  source_connection: string;
  source_id: string;
  kind: string;
  number: string;
  debtor_id: string;
  company_id: string;
  issue_date: string;
  due_date: string;
  completion_date: string | null;
  currency: string;
  total: number;
  open: number;
  /** JSON of `disputed`. */
  disputed: string | null;
  /** JSON of `excluded`. */
  excluded: string | null;
  /** JSON of `promiseToPay`. */
  promise_to_pay: string | null;
  /** JSON of `paymentPlan`. */
  payment_plan: string | null;
  document_url: string | null;
  source_version: string | null;
  /**
   * JSON of any canonical field added after this schema, null when there is none: every
   * field known today has a column, so that streaming a receivable parses no JSON at all
   * unless it is disputed, excluded, promised or on a plan.
   */
  data: string | null;
}

export interface PaymentsTable {
  id: string;
  source_system: string;
  source_connection: string;
  source_id: string;
  debtor_id: string;
  company_id: string;
  date: string;
  currency: string;
  amount: number;
  /** JSON of any canonical field added after this schema, null when there is none. */
  data: string | null;
}

export interface PaymentAllocationsTable {
  payment_id: string;
  /** Keeps the allocations in the order the source listed them. */
  position: number;
  receivable_id: string;
  amount: number;
}

export interface CasesTable {
  id: string;
  debtor_id: string;
  company_id: string;
  currency: string;
  stage: string;
  policy_id: string | null;
  /** JSON of `lastStep`. */
  last_step: string | null;
  last_contact_on: string | null;
  /** JSON of `manualPause`. */
  manual_pause: string | null;
  /** JSON of `pendingApproval`. */
  pending_approval: string | null;
  opened_at: string;
  updated_at: string;
  /** Last journal seq handed out for this case; the row lock on it serialises concurrent appends. */
  journal_seq: Generated<number>;
  /** The summary of its open invoices (migration 0013, kysely-case-summaries.ts): minor units. */
  open_total: Generated<number>;
  open_items: Generated<number>;
  /** Due date of the oldest open invoice; null when none is open. */
  oldest_due: string | null;
  /** Orders the cases as their risk scores do (connector/kpis/risk.ts `riskOrderKey`). */
  risk_key: Generated<number>;
  /** The debtor's name ('' until its row arrives) and source connection (null until then), copied from its row. */
  debtor_name: string | null;
  connection: string | null;
  /** The version of the rules the summary was computed with (`CASE_SUMMARY_REV`). */
  summary_rev: Generated<number>;
  /**
   * The day it first reached each step of the recovery funnel (migration 0016, set by a trigger
   * on its stage), and the open amount the ledger took off its invoices (minor units).
   */
  reminded_on: Generated<string | null>;
  noticed_on: Generated<string | null>;
  escalated_on: Generated<string | null>;
  recovered_on: Generated<string | null>;
  recovered_total: Generated<number>;
  /** How late its settled invoices were paid, amount-weighted days (migration 0018); null without any. */
  paid_late_days: Generated<number | null>;
}

/** Open amounts the ledger took off invoices, per month, currency and the case's stage then (migration 0016). */
export interface RecoveriesMonthlyTable {
  /** YYYY-MM of the business day the sync saw the amount fall. */
  period: string;
  currency: string;
  stage: string;
  amount: number;
  items: number;
}

/** Metered ERP calls per connection and calendar month (migration 0017, erp-call-store.ts). */
export interface ErpCallTalliesTable {
  connection: string;
  /** YYYY-MM, the month in UTC. */
  period: string;
  reads: number;
  updated_at: string;
}

/** The overview's figures of one day and currency (migration 0015). */
export interface PortfolioSnapshotsTable {
  as_of: string;
  currency: string;
  receivables: number;
  current: number;
  overdue: number;
  dso_standard: number | null;
  dso_countback: number | null;
  recorded_at: string;
}

/** Sign-in sessions (migration 0014): the SHA-256 of the token, never the token. */
export interface SessionsTable {
  id: string;
  username: string;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
}

/** Cases whose summary must be computed again (migration 0013). */
export interface CaseSummariesDueTable {
  case_id: string;
}

export interface CaseJournalTable {
  case_id: string;
  seq: number;
  at: string;
  actor_kind: string;
  actor_id: string;
  type: string;
  summary: string;
  data: string;
}

export interface DecisionsTable {
  id: string;
  idempotency_key: string;
  case_id: string;
  step_id: string;
  step_index: number;
  policy_id: string;
  policy_version: number;
  as_of: string;
  decided_at: string;
  requires_approval: number;
  evaluation: string;
}

export interface OutboxTable {
  id: string;
  idempotency_key: string;
  case_id: string;
  decision_id: string | null;
  kind: string;
  /** The row's subject (`ActionSubject`) as JSON: what its performer reads, by id. */
  subject: string;
  template: string | null;
  status: string;
  attempts: number;
  not_before: string;
  last_error: string | null;
  /** Start of the row's current run of failures; null when it has none. */
  first_failed_at?: string | null;
  created_at: string;
  updated_at: string;
}

export interface SyncCursorsTable {
  connection: string;
  stream: string;
  value: string;
  updated_at: string;
}

export interface QuarantineTable {
  connection: string;
  stream: string;
  source_id: string;
  reason: string;
  raw: string;
  at: string;
}

/** Instants in epoch milliseconds (migration 0003 says why). */
export interface JobsTable {
  id: string;
  name: string;
  /** JSON of the job's data (ids only). */
  data: string;
  /** waiting | active | completed | failed. */
  status: string;
  attempts_made: number;
  max_attempts: number;
  backoff_ms: number;
  run_at: number;
  locked_by: string | null;
  locked_until: number | null;
  last_error: string | null;
  created_at: number;
  finished_at: number | null;
}

export interface JobHoldsTable {
  /** A job name a rate limit holds back. */
  name: string;
  held_until: number;
}

export interface Database {
  debtors: DebtorsTable;
  receivables: ReceivablesTable;
  payments: PaymentsTable;
  payment_allocations: PaymentAllocationsTable;
  cases: CasesTable;
  case_summaries_due: CaseSummariesDueTable;
  sessions: SessionsTable;
  portfolio_snapshots: PortfolioSnapshotsTable;
  recoveries_monthly: RecoveriesMonthlyTable;
  erp_call_tallies: ErpCallTalliesTable;
  case_journal: CaseJournalTable;
  decisions: DecisionsTable;
  outbox: OutboxTable;
  sync_cursors: SyncCursorsTable;
  quarantine: QuarantineTable;
  jobs: JobsTable;
  job_holds: JobHoldsTable;
  deliveries: DeliveriesTable;
  documents: DocumentsTable;
  dossiers: DossiersTable;
  procedure_events: ProcedureEventsTable;
}

export interface DossiersTable {
  id: string;
  case_id: string;
  action_id: string | null;
  partner: string;
  file_id: string | null;
  status: string;
  state: string;
  state_at: string;
  events: number;
  /** JSON of the dossier as sent. */
  content: string;
  /** SHA-256 of `content`; null on rows recorded before it was kept. */
  content_sha256: string | null;
  /** JSON of DossierPart[]; null on rows recorded before it was kept. */
  parts: string | null;
  submitted_at: string;
  updated_at: string;
}

export interface ProcedureEventsTable {
  id: string;
  dossier_id: string;
  case_id: string;
  seq: number;
  state: string;
  source_state: string;
  occurred_at: string;
  received_at: string;
  /** JSON: label, amount, documents, note, the firm's event id and file id. */
  data: string;
}

export interface DeliveriesTable {
  action_id: string;
  case_id: string;
  channel: string;
  provider_id: string;
  status: string;
  events_seen: number;
  /** JSON array of proof kinds. */
  proofs: string;
  checks: number;
  final: number;
  next_check_at: string;
  last_error: string | null;
  sent_at: string;
  updated_at: string;
}

export interface DocumentsTable {
  id: string;
  case_id: string;
  action_id: string | null;
  kind: string;
  media_type: string;
  sha256: string;
  size: number;
  content: Buffer;
  proven_at: string | null;
  created_at: string;
}
