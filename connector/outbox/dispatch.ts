import type { Logger } from '../log/logger';
import type { Action, ActionKind } from '../model/action.schema';
import type { CaseJournalEntry } from '../model/journal.schema';
import type { DeliveryChannel, Store } from '../store/store';
import { firstCheckAt } from './delivery-tracking';
import type { Clock } from '../time/clock';
import { AdapterError } from '../sync/adapter-error';
import { decideRetry, type RetryOptions } from '../sync/retry-policy';
import { decideBudgetedRetry, DEFAULT_RETRY_BUDGETS, type RetryBudget } from './retry-budget';

/**
 * Decide, record, then act: performs pending outbox rows through one performer per action kind
 * and records each outcome with the row, in one transaction with its journal line.
 *
 * A row is performed at most once in effect: each performer either hands the row's idempotency
 * key to a system that deduplicates by it, or checks before it repeats (the ledger marker), so
 * performing a row again after a crash — between the effect and its record — changes nothing.
 */

export interface PerformResult {
  /** The journal line: what was done, in words a controller reads. */
  summary: string;
  data?: Record<string, unknown>;
  /** The provider accepted a message whose delivery it reports later (SMS, letters): it is tracked (delivery-tracking.ts). */
  delivery?: { channel: DeliveryChannel; providerId: string; status: string };
}

/** Performs one action; throws an AdapterError (or any error) when it could not. */
export type Performer = (action: Action) => Promise<PerformResult>;

export interface DispatchResult {
  done: number;
  retried: number;
  failed: number;
  /** Rows of a kind no performer handles here (left pending). */
  skipped: number;
  /** Set when a channel asked to slow down: its remaining rows were left for a later run. */
  rateLimitedMs?: number;
}

export interface DispatchOptions {
  store: Store;
  performers: Partial<Record<ActionKind, Performer>>;
  clock: Clock;
  logger: Logger;
  /** How long each kind is retried after its first failure; default DEFAULT_RETRY_BUDGETS (config `daemon.retry`). */
  budgets?: Partial<Record<ActionKind, RetryBudget>>;
  /** A fixed number of attempts instead of the time budgets (tests that count attempts). */
  retry?: RetryOptions;
  /** Jitter source of the budgeted retries, injected so that tests are deterministic. */
  random?: () => number;
  /** At most this many rows per kind per run. Default 500. */
  limit?: number;
  /** How long a taken row stays this worker's before another may take it (its worker died), in ms. Default 20,000. */
  leaseMs?: number;
  /** Told the outcome of each row (metrics). */
  onOutcome?: (kind: ActionKind, outcome: 'done' | 'retried' | 'failed') => void;
}

const DEFAULT_LIMIT = 500;
const DEFAULT_LEASE_MS = 20_000;

export async function dispatchActions(options: DispatchOptions): Promise<DispatchResult> {
  const { store, clock, logger } = options;
  const result: DispatchResult = { done: 0, retried: 0, failed: 0, skipped: 0 };
  const now = clock.now().toISOString();
  const leaseUntil = () => new Date(clock.now().getTime() + (options.leaseMs ?? DEFAULT_LEASE_MS)).toISOString();
  // Claiming is a write transaction per kind: only the kinds with a row due now are tried.
  const due = new Set(await store.dueActionKinds(now));
  for (const [kind, perform] of Object.entries(options.performers) as [ActionKind, Performer][]) {
    if (!due.has(kind)) continue;
    for (let n = 0; n < (options.limit ?? DEFAULT_LIMIT); n++) {
      // One row at a time: a worker killed while performing leaves one row leased, not a batch.
      const action = await store.claimAction({ kind, now, leaseUntil: leaseUntil() });
      if (!action) break;
      const outcome = await performOne(options, action, perform);
      options.onOutcome?.(kind, outcome.kind === 'rate_limited' ? 'retried' : outcome.kind);
      if (outcome.kind === 'rate_limited') {
        // The channel asked to slow down (or may not be used now): its other rows wait for the
        // next run; other channels go on.
        result.rateLimitedMs = Math.max(result.rateLimitedMs ?? 0, outcome.retryAfterMs);
        result.retried++;
        break;
      }
      result[outcome.kind]++;
      if (outcome.kind !== 'done') logger.warn(`outbox ${action.kind} ${action.idempotencyKey}: ${outcome.kind}: ${outcome.message}`, { actionId: action.id, caseId: action.caseId });
    }
  }
  return result;
}

type Outcome = { kind: 'done' } | { kind: 'retried' | 'failed'; message: string } | { kind: 'rate_limited'; retryAfterMs: number };

async function performOne(options: DispatchOptions, action: Action, perform: Performer): Promise<Outcome> {
  const { store, clock } = options;
  const attempts = action.attempts + 1;
  const at = clock.now().toISOString();
  const actor = { kind: 'system' as const, id: 'outbox' };
  const journal = (type: CaseJournalEntry['type'], summary: string, data: Record<string, unknown>): Omit<CaseJournalEntry, 'seq'> => ({ caseId: action.caseId, at, actor, type, summary, data: { actionId: action.id, idempotencyKey: action.idempotencyKey, kind: action.kind, ...data } });
  try {
    const done = await perform(action);
    await store.completeAction({
      id: action.id,
      status: 'done',
      attempts,
      lastError: null,
      at,
      journal: [journal('action_performed', done.summary, done.data ?? {})],
      ...(done.delivery ? { delivery: { ...done.delivery, nextCheckAt: firstCheckAt(done.delivery.channel, clock.now()) } } : {}),
    });
    return { kind: 'done' };
  } catch (e) {
    const message = e instanceof AdapterError ? `${e.code}: ${e.userMessage}` : e instanceof Error ? e.message : String(e);
    if (e instanceof AdapterError && e.kind === 'rate_limit') {
      const retryAfterMs = e.retryAfterMs ?? 60_000;
      // Not an attempt: the row goes back as it was, later.
      // Not a failure either: the run of failures, if any, is left as it was.
      await store.completeAction({ id: action.id, status: 'pending', attempts: action.attempts, lastError: message, at, notBefore: new Date(clock.now().getTime() + retryAfterMs).toISOString(), firstFailedAt: action.firstFailedAt ?? null });
      return { kind: 'rate_limited', retryAfterMs };
    }
    // A write whose outcome is unknown may be tried again: every performer checks or deduplicates first.
    const retriable = e instanceof AdapterError && e.outcomeUnknown ? new AdapterError({ code: e.code, kind: 'transient', userMessage: e.userMessage }) : e;
    const decision = options.retry
      ? decideRetry(retriable, attempts, false, options.retry)
      : decideBudgetedRetry(retriable, {
          attempt: attempts,
          firstFailedAt: new Date(action.firstFailedAt ?? at),
          now: clock.now(),
          budget: options.budgets?.[action.kind] ?? DEFAULT_RETRY_BUDGETS[action.kind],
          random: options.random ?? Math.random,
        });
    if (decision.retry) {
      const notBefore = new Date(clock.now().getTime() + decision.delayMs).toISOString();
      await store.completeAction({ id: action.id, status: 'pending', attempts, lastError: message, at, notBefore });
      return { kind: 'retried', message };
    }
    await store.completeAction({ id: action.id, status: 'failed', attempts, lastError: message, at, journal: [journal('action_failed', `${action.kind} failed: ${message}`, { reason: decision.reason })] });
    return { kind: 'failed', message };
  }
}
