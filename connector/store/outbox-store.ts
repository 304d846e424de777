import type { Action } from '../model/action.schema';
import type { Case } from '../model/case.schema';
import type { CaseJournalEntry } from '../model/journal.schema';
import type { NewDelivery } from './delivery-store';

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

/** Which case a claimed outbox row may belong to, by the connection its items come from (`claimAction`). */
export type ClaimConnectionFilter = { only: string } | { except: readonly string[] };

/** Policy decisions and the outbox rows they, and every other change, create. */
export interface OutboxStore {
  /**
   * Records a decision, its outbox rows, its journal entries and the case's new state in one
   * transaction. Returns `false`, writing nothing, when a decision with the same idempotency
   * key already exists, or, with `expected`, when the stored case no longer equals it.
   */
  recordDecision(input: RecordDecisionInput): Promise<boolean>;

  getDecision(idempotencyKey: string): Promise<Decision | undefined>;

  /** The decision with this id (the one an outbox row's subject names). */
  getDecisionById(id: string): Promise<Decision | undefined>;

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
}
