import { AdapterError } from './adapter-error';

/**
 * The one place that decides whether a failed call is tried again, after how long, and why.
 * Retries live in this layer only; the queue above treats a rate limit as "slow down", not as
 * a failed attempt.
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
 * `attempt` is the number of the attempt that just failed (1 for the first).
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
    error.kind !== 'config' &&
    (error.outcomeUnknown || (isWrite && error.kind === 'system'))
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
  if (error.kind === 'config') return `${error.code}: fix the configuration (${error.userMessage})`;
  if (error.kind === 'system' && !error.outcomeUnknown) return `${error.code}: ${error.userMessage}`;
  return undefined;
}

/** Runs `call` until it succeeds or `decideRetry` says stop; the last error is thrown. */
export async function withRetry<T>(
  call: () => Promise<T>,
  opts: {
    isWrite: boolean;
    retry?: RetryOptions;
    sleep?: (ms: number) => Promise<void>;
    onRetry?: (d: RetryDecision & { retry: true }, error: unknown) => void;
  },
): Promise<T> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const d = decideRetry(error, attempt, opts.isWrite, opts.retry);
      if (!d.retry) throw error;
      opts.onRetry?.(d, error);
      await sleep(d.delayMs);
    }
  }
}
