import type { Logger } from '../log/logger';
import type { Action, ActionKind } from '../model/action.schema';
import type { CaseJournalEntry } from '../model/journal.schema';
import type { ClaimConnectionFilter, DeliveryChannel, Store } from '../store/store';
import { firstCheckAt } from './delivery-tracking';
import type { Clock } from '../time/clock';
import { AdapterError, failureClass } from '../ports/adapter-error';
import { isStoreUnavailable } from '../store/errors';
import { decideRetry, type RetryOptions } from '../sync/retry-policy';
import { decideBudgetedRetry, DEFAULT_RETRY_BUDGETS, type RetryBudget } from './retry-budget';
import { DEFAULT_LANES, destinationDown, LANE_OF_KIND, type LaneSettings } from './lanes';
import type { LaneName } from './lanes.schema';

/**
 * Decide, record, then act: performs pending outbox rows through one performer per action kind
 * and records each outcome with the row, in one transaction with its journal line. Each
 * destination has a lane of its own (lanes.ts).
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
  /**
   * Done without a journal line: nothing was performed, and the journal already told why (a
   * ledger that cannot take this kind of write, said once per case: ledger-write-back.ts).
   */
  silent?: boolean;
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
  /** The lanes that stopped before their rows were all taken (a destination down, or asking to slow down), with why; absent when none did. */
  stopped?: { lane: string; reason: string }[];
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
  /** At most this many rows per kind and lane per run. Default 500. */
  limit?: number;
  /** How long a taken row stays this worker's before another may take it (its worker died), in ms. Default 20,000. */
  leaseMs?: number;
  /** Workers per destination; lanes left out keep DEFAULT_LANES (config `daemon.lanes`). */
  lanes?: Partial<Record<LaneName, LaneSettings>>;
  /**
   * The configured ERP connections: each one's ledger rows get a lane of their own, and the rows
   * of any other connection one more. Absent: all ledger rows share one lane.
   */
  connections?: readonly string[];
  /** Told the outcome of each row (metrics). */
  onOutcome?: (kind: ActionKind, outcome: 'done' | 'retried' | 'failed') => void;
}

const DEFAULT_LIMIT = 500;
const DEFAULT_LEASE_MS = 20_000;

interface Lane {
  name: string;
  /** The kinds it performs, in the order it takes them. */
  kinds: [ActionKind, Performer][];
  connection?: ClaimConnectionFilter;
  concurrency: number;
  /** Why it stopped before its rows were all taken. */
  stopped?: string;
}

/**
 * Each destination's rows go through a lane of their own, and the lanes run together: an ERP
 * that does not answer holds its ledger rows only, not the e-mails. Within a lane, a few workers
 * take rows one at a time (a worker killed while performing leaves one row leased, not a batch),
 * and rows of one case go one after another. A lane whose destination cannot be reached, or asks
 * to slow down, stops for this run after that row: its other rows wait for the next run.
 */
export async function dispatchActions(options: DispatchOptions): Promise<DispatchResult> {
  const { store, clock, logger } = options;
  const result: DispatchResult = { done: 0, retried: 0, failed: 0, skipped: 0 };
  const now = clock.now().toISOString();
  const leaseUntil = () => new Date(clock.now().getTime() + (options.leaseMs ?? DEFAULT_LEASE_MS)).toISOString();
  const limit = options.limit ?? DEFAULT_LIMIT;
  // Claiming is a write transaction: only the kinds with a row due now are tried.
  const due = new Set(await store.outbox.dueActionKinds(now));
  const lanes = planLanes(options).filter((lane) => lane.kinds.some(([kind]) => due.has(kind)));

  const runLane = async (lane: Lane): Promise<void> => {
    const taken = new Map<ActionKind, number>();
    const exhausted = new Set<ActionKind>();
    /** The row of each case being performed in this lane: the next row of that case waits for it. */
    const performing = new Map<string, Promise<void>>();
    const worker = async (): Promise<void> => {
      for (;;) {
        if (lane.stopped !== undefined) return;
        const next = lane.kinds.find(
          ([kind]) => due.has(kind) && !exhausted.has(kind) && (taken.get(kind) ?? 0) < limit,
        );
        if (!next) return;
        const [kind, perform] = next;
        taken.set(kind, (taken.get(kind) ?? 0) + 1);
        const action = await store.outbox.claimAction({
          kind,
          now,
          leaseUntil: leaseUntil(),
          ...(lane.connection ? { connection: lane.connection } : {}),
        });
        if (!action) {
          taken.set(kind, (taken.get(kind) ?? 1) - 1);
          exhausted.add(kind);
          continue;
        }
        const before = performing.get(action.caseId);
        let finished!: () => void;
        const mine = new Promise<void>((resolve) => (finished = resolve));
        performing.set(action.caseId, mine);
        let outcome: Outcome | undefined;
        try {
          if (before) await before;
          // The lane stopped while this row was being taken: it goes back untouched, due now.
          // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- another row of the lane may have stopped it during the awaits
          if (lane.stopped === undefined) outcome = await performOne(options, action, perform);
          else
            await store.outbox.completeAction({
              id: action.id,
              status: 'pending',
              attempts: action.attempts,
              lastError: action.lastError,
              at: clock.now().toISOString(),
              notBefore: now,
              firstFailedAt: action.firstFailedAt ?? null,
            });
        } finally {
          finished();
          if (performing.get(action.caseId) === mine) performing.delete(action.caseId);
        }
        if (!outcome) return;
        options.onOutcome?.(kind, outcome.kind === 'rate_limited' ? 'retried' : outcome.kind);
        if (outcome.kind === 'rate_limited') {
          // The destination asked to slow down (or may not be used now): its other rows wait for
          // the next run; other lanes go on.
          result.rateLimitedMs = Math.max(result.rateLimitedMs ?? 0, outcome.retryAfterMs);
          result.retried++;
          lane.stopped ??= `asked to wait ${outcome.retryAfterMs} ms`;
          continue;
        }
        result[outcome.kind]++;
        if (outcome.kind !== 'done') {
          logger.warn(`outbox ${action.kind} ${action.idempotencyKey}: ${outcome.kind}: ${outcome.message}`, {
            actionId: action.id,
            caseId: action.caseId,
          });
          // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- another row of the lane may have stopped it during the awaits
          if (outcome.destinationDown && lane.stopped === undefined) {
            lane.stopped = outcome.message;
            logger.warn(
              `outbox lane ${lane.name}: its destination cannot be reached (${outcome.message}); its other rows wait for the next run, the other lanes go on`,
              { lane: lane.name },
            );
          }
        }
      }
    };
    await settleAll(Array.from({ length: lane.concurrency }, worker));
  };

  await settleAll(lanes.map(runLane));
  const stopped = lanes.filter((l) => l.stopped !== undefined).map((l) => ({ lane: l.name, reason: l.stopped! }));
  if (stopped.length) result.stopped = stopped;
  return result;
}

/** Waits for every worker, so that none is still performing when the run ends; then throws the first error (a store that failed), if any. */
async function settleAll(work: Promise<void>[]): Promise<void> {
  const failed = (await Promise.allSettled(work)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** The lanes of this run: one per destination that has a performer here, one per ERP connection. */
function planLanes(options: DispatchOptions): Lane[] {
  const byLane = new Map<LaneName, [ActionKind, Performer][]>();
  for (const [kind, perform] of Object.entries(options.performers) as [ActionKind, Performer | undefined][]) {
    if (!perform) continue;
    const name = LANE_OF_KIND[kind];
    byLane.set(name, [...(byLane.get(name) ?? []), [kind, perform]]);
  }
  const concurrency = (name: LaneName) => options.lanes?.[name]?.concurrency ?? DEFAULT_LANES[name].concurrency;
  const lanes: Lane[] = [];
  for (const [name, kinds] of byLane) {
    const connections = name === 'erp' ? [...new Set(options.connections ?? [])] : [];
    if (connections.length === 0) {
      lanes.push({ name, kinds, concurrency: concurrency(name) });
      continue;
    }
    for (const connection of connections)
      lanes.push({
        name: `erp:${connection}`,
        kinds,
        connection: { only: connection },
        concurrency: concurrency(name),
      });
    // Cases of a connection no longer configured (their rows are done writing nothing), or with no item left.
    lanes.push({ name: 'erp:other', kinds, connection: { except: connections }, concurrency: 1 });
  }
  return lanes;
}

type Outcome =
  | { kind: 'done' }
  | { kind: 'retried' | 'failed'; message: string; destinationDown: boolean }
  | { kind: 'rate_limited'; retryAfterMs: number };

async function performOne(options: DispatchOptions, action: Action, perform: Performer): Promise<Outcome> {
  const { store, clock } = options;
  const attempts = action.attempts + 1;
  const at = clock.now().toISOString();
  const actor = { kind: 'system' as const, id: 'outbox' };
  const journal = (
    type: CaseJournalEntry['type'],
    summary: string,
    data: Record<string, unknown>,
  ): Omit<CaseJournalEntry, 'seq'> => ({
    caseId: action.caseId,
    at,
    actor,
    type,
    summary,
    data: { actionId: action.id, idempotencyKey: action.idempotencyKey, kind: action.kind, ...data },
  });
  let done: PerformResult;
  try {
    done = await perform(action);
  } catch (e) {
    return failedOnce(options, action, e, { attempts, at, journal });
  }
  // The effect happened: its record must not be lost to a store that is restarting. Recorded
  // as done, never as a failure; tried again while the store is unreachable, within the lease
  // (after that another worker may take the row, and repeat what only deduplication absorbs).
  const performed = done;
  await whileStoreUnavailable(
    () =>
      store.outbox.completeAction({
        id: action.id,
        status: 'done',
        attempts,
        lastError: null,
        at,
        journal: performed.silent ? [] : [journal('action_performed', performed.summary, performed.data ?? {})],
        ...(performed.delivery
          ? { delivery: { ...performed.delivery, nextCheckAt: firstCheckAt(performed.delivery.channel, clock.now()) } }
          : {}),
      }),
    ((options.leaseMs ?? DEFAULT_LEASE_MS) * 3) / 4,
  );
  return { kind: 'done' };
}

/** Runs `write` again, waiting longer each time, while the store cannot be reached, for at most `budgetMs` of real time. */
async function whileStoreUnavailable<T>(write: () => Promise<T>, budgetMs: number): Promise<T> {
  const deadline = Date.now() + budgetMs;
  for (let wait = 100; ; wait = Math.min(wait * 2, 2_000)) {
    try {
      return await write();
    } catch (e) {
      if (!isStoreUnavailable(e) || Date.now() + wait > deadline) throw e;
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

async function failedOnce(
  options: DispatchOptions,
  action: Action,
  e: unknown,
  ctx: {
    attempts: number;
    at: string;
    journal: (
      type: CaseJournalEntry['type'],
      summary: string,
      data: Record<string, unknown>,
    ) => Omit<CaseJournalEntry, 'seq'>;
  },
): Promise<Outcome> {
  const { store, clock } = options;
  const { attempts, at, journal } = ctx;
  const message =
    e instanceof AdapterError ? `${e.code}: ${e.userMessage}` : e instanceof Error ? e.message : String(e);
  if (e instanceof AdapterError && e.kind === 'rate_limit') {
    const retryAfterMs = e.retryAfterMs ?? 60_000;
    // Not an attempt: the row goes back as it was, later.
    // Not a failure either: the run of failures, if any, is left as it was.
    await store.outbox.completeAction({
      id: action.id,
      status: 'pending',
      attempts: action.attempts,
      lastError: message,
      at,
      notBefore: new Date(clock.now().getTime() + retryAfterMs).toISOString(),
      firstFailedAt: action.firstFailedAt ?? null,
    });
    return { kind: 'rate_limited', retryAfterMs };
  }
  // The outbox is the one layer that retries a write (adapters never do: retry-policy.ts). A write
  // whose outcome is unknown may be tried again: every performer checks or deduplicates first. So
  // may a performer that could not read the store (PostgreSQL restarting): nothing was sent. A
  // configuration error is not, whatever became of the write: a person must act before it can succeed.
  const retriable =
    e instanceof AdapterError && failureClass(e) === 'outcome_unknown'
      ? new AdapterError({ code: e.code, kind: 'transient', userMessage: e.userMessage })
      : isStoreUnavailable(e)
        ? new AdapterError({ code: 'STORE_UNAVAILABLE', kind: 'transient', userMessage: message })
        : e;
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
    await store.outbox.completeAction({
      id: action.id,
      status: 'pending',
      attempts,
      lastError: message,
      at,
      notBefore,
    });
    return { kind: 'retried', message, destinationDown: destinationDown(e) };
  }
  await store.outbox.completeAction({
    id: action.id,
    status: 'failed',
    attempts,
    lastError: message,
    at,
    journal: [journal('action_failed', `${action.kind} failed: ${message}`, { reason: decision.reason })],
  });
  return { kind: 'failed', message, destinationDown: destinationDown(e) };
}
