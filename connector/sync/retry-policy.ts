import { AdapterError, failureClass, type AdapterErrorKind } from '../ports/adapter-error';

/**
 * The one place that decides, from an error's class (adapter-error.ts), whether a failed piece of
 * work is tried again, after how long, and why. Adapters never retry (nor sleep) inside a
 * connection's lane; the layer that owns the work does, once:
 * - a write into the ledger or to a channel is an outbox row, retried by the outbox
 *   (connector/outbox/dispatch.ts, with the time budgets of retry-budget.ts);
 * - a sync's reads are one job, retried by the job queue with backoff (`decideSyncRetry`); the
 *   retried sync resumes from the cursor saved with its last page.
 * A rate limit is a wait, not a failed attempt.
 */

export interface RetryOptions {
  /** Attempts in total, the first included. */
  maxAttempts: number;
  /** Delay before the second attempt (ms); doubles each time. */
  baseDelayMs: number;
  /** Upper bound of one delay (ms). */
  maxDelayMs: number;
  /** Random source in [0, 1), injected so that tests are deterministic. */
  random: () => number;
}

export const DEFAULT_RETRY: RetryOptions = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  random: Math.random,
};

export type RetryDecision = { retry: true; delayMs: number; reason: string } | { retry: false; reason: string };

/**
 * A fixed number of attempts (the outbox run with `retry:`, tests that count attempts).
 * `attempt` is the number of the attempt that just failed (1 for the first); `isWrite`: the
 * failed call was a write, which is not repeated when it may have been applied or was refused.
 * Exponential backoff with "full jitter": a random delay between 0 and the exponential bound,
 * so that many clients failing together do not come back together.
 */
export function decideRetry(
  error: unknown,
  attempt: number,
  isWrite: boolean,
  options: RetryOptions = DEFAULT_RETRY,
): RetryDecision {
  if (
    error instanceof AdapterError &&
    (failureClass(error) === 'outcome_unknown' || (isWrite && failureClass(error) === 'refused'))
  ) {
    return { retry: false, reason: `${error.code}: the write may have been applied; check before repeating it` };
  }
  const permanent = permanentFailure(error);
  if (permanent !== undefined) return { retry: false, reason: permanent };
  if (!(error instanceof AdapterError)) throw error;
  if (attempt >= options.maxAttempts)
    return { retry: false, reason: `${error.code}: gave up after ${attempt} attempts` };
  const bound = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  const jittered = Math.floor(options.random() * bound);
  const delayMs = error.retryAfterMs !== undefined ? Math.max(error.retryAfterMs, jittered) : jittered;
  return {
    retry: true,
    delayMs,
    reason: `${error.code} (${error.kind}), attempt ${attempt} of ${options.maxAttempts}`,
  };
}

/** Why an error is not worth another attempt (unexpected, configuration, a refusal), or undefined when it is temporary. */
export function permanentFailure(error: unknown): string | undefined {
  if (!(error instanceof AdapterError))
    return `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
  const failure = failureClass(error);
  if (failure === 'config') return `${error.code}: fix the configuration (${error.userMessage})`;
  if (failure === 'refused') return `${error.code}: ${error.userMessage}`;
  return undefined;
}

/**
 * How the job queue retries a sync or reconciliation job: six attempts, waiting 5, 10, 20, 40 and
 * 80 s between them — 2.5 minutes in all, long enough for a server restart, short of the next
 * scheduled sync (every 5 minutes by default), which starts again anyway.
 */
export const SYNC_JOB_RETRY = { attempts: 6, backoffMs: 5_000 } as const;

/** A sync's error as its summary carries it (`SyncSummary.error`): `kind` is absent when no adapter raised it. */
export interface SyncFailure {
  code: string;
  message: string;
  kind?: AdapterErrorKind;
  retryAfterMs?: number;
}

export type SyncRetryDecision =
  /** Counted as an attempt; the queue waits its backoff (SYNC_JOB_RETRY) before the next one. */
  | { retry: 'backoff'; reason: string }
  /** The server asked to slow down: back after `delayMs`, no attempt counted. */
  | { retry: 'after'; delayMs: number; reason: string }
  /** Not retried; the next scheduled sync asks again. */
  | { retry: 'never'; reason: string };

/** Without Retry-After, a rate-limited sync comes back after a minute. */
const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;

/**
 * What the job queue does with a sync that stopped on `error`. Pages saved before it stay saved,
 * so a retried sync re-reads nothing it kept. A failure outside the adapter (the store restarting)
 * is retried like a transient one.
 */
export function decideSyncRetry(error: SyncFailure): SyncRetryDecision {
  const what = `${error.code}: ${error.message}`;
  switch (error.kind) {
    case 'rate_limit':
      return { retry: 'after', delayMs: error.retryAfterMs ?? DEFAULT_RATE_LIMIT_WAIT_MS, reason: what };
    case 'config':
      return { retry: 'never', reason: `${what} (fix the configuration; the next scheduled sync tries again)` };
    case 'system':
      return { retry: 'never', reason: `${what} (the same request would get the same answer)` };
    case 'transient':
    case undefined:
      return { retry: 'backoff', reason: what };
  }
}
