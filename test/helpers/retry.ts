import { decideRetry, type RetryDecision, type RetryOptions } from '../../connector/sync/retry-policy';

/**
 * Calls `call` again each time the retry policy says so, recording the delays it decided instead
 * of waiting them: for tests of what a provider does across the retries its caller makes (the
 * same idempotency key, one effect). Production code never loops like this: the outbox and the
 * job queue retry, each row or job at its own time.
 */
export async function retryAsDecided<T>(
  call: () => Promise<T>,
  opts: { isWrite: boolean; retry: RetryOptions; sleep?: (ms: number) => Promise<void> },
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const d: RetryDecision = decideRetry(error, attempt, opts.isWrite, opts.retry);
      if (!d.retry) throw error;
      await opts.sleep?.(d.delayMs);
    }
  }
}
