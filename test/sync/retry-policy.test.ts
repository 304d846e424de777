import { AdapterError, failureClass } from '../../connector/ports/adapter-error';
import {
  decideRetry,
  decideSyncRetry,
  permanentFailure,
  SYNC_JOB_RETRY,
  type RetryOptions,
} from '../../connector/sync/retry-policy';

const opts = (random = 0.5): RetryOptions => ({
  maxAttempts: 4,
  baseDelayMs: 100,
  maxDelayMs: 1_000,
  random: () => random,
});
const err = (kind: AdapterError['kind'], extra: Partial<ConstructorParameters<typeof AdapterError>[0]> = {}) =>
  new AdapterError({ code: `X_${kind.toUpperCase()}`, kind, userMessage: 'msg', ...extra });

describe('retry policy', () => {
  it('never retries configuration errors', () => {
    expect(decideRetry(err('config'), 1, false, opts())).toEqual({
      retry: false,
      reason: 'X_CONFIG: fix the configuration (msg)',
    });
  });
  it('backs off exponentially with full jitter, within the cap', () => {
    expect(decideRetry(err('transient'), 1, false, opts(0.5))).toMatchObject({ retry: true, delayMs: 50 });
    expect(decideRetry(err('transient'), 3, false, opts(0.5))).toMatchObject({ retry: true, delayMs: 200 });
    expect(decideRetry(err('transient'), 3, false, opts(0.999))).toMatchObject({ retry: true, delayMs: 399 });
    expect(decideRetry(err('transient'), 3, false, { ...opts(0.999), maxAttempts: 10, maxDelayMs: 250 })).toMatchObject(
      { delayMs: 249 },
    );
  });
  it('gives up after the last attempt', () => {
    expect(decideRetry(err('transient'), 4, false, opts())).toEqual({
      retry: false,
      reason: 'X_TRANSIENT: gave up after 4 attempts',
    });
  });
  it('waits at least as long as the server asked', () => {
    expect(decideRetry(err('rate_limit', { retryAfterMs: 5_000 }), 1, false, opts())).toMatchObject({
      retry: true,
      delayMs: 5_000,
    });
  });
  it('never repeats a write whose outcome is unknown', () => {
    const d = decideRetry(err('transient', { outcomeUnknown: true }), 1, true, opts());
    expect(d).toEqual({
      retry: false,
      reason: 'X_TRANSIENT: the write may have been applied; check before repeating it',
    });
  });
  it('does not retry errors it does not know', () => {
    expect(decideRetry(new Error('boom'), 1, false, opts())).toEqual({
      retry: false,
      reason: 'unexpected error: boom',
    });
  });
});

describe('failure classes', () => {
  it('names the five classes an adapter error can fall in', () => {
    expect(failureClass(err('transient'))).toBe('transient');
    expect(failureClass(err('rate_limit', { retryAfterMs: 1_000 }))).toBe('rate_limit');
    expect(failureClass(err('config'))).toBe('config');
    expect(failureClass(err('system'))).toBe('refused');
    expect(failureClass(err('transient', { outcomeUnknown: true }))).toBe('outcome_unknown');
    expect(failureClass(err('system', { outcomeUnknown: true }))).toBe('outcome_unknown');
  });
  it('a configuration error stays one when a write may have been applied: never retried', () => {
    const e = err('config', { outcomeUnknown: true });
    expect(failureClass(e)).toBe('config');
    expect(permanentFailure(e)).toBe('X_CONFIG: fix the configuration (msg)');
    expect(decideRetry(e, 1, true, opts())).toEqual({ retry: false, reason: 'X_CONFIG: fix the configuration (msg)' });
  });
});

describe('sync retries (the job queue)', () => {
  const failure = (kind?: AdapterError['kind'], retryAfterMs?: number) => ({
    code: 'X',
    message: 'msg',
    ...(kind ? { kind } : {}),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
  it('a transient failure, or one outside the adapter (the store restarting), is an attempt the queue backs off from', () => {
    expect(decideSyncRetry(failure('transient'))).toEqual({ retry: 'backoff', reason: 'X: msg' });
    expect(decideSyncRetry(failure())).toEqual({ retry: 'backoff', reason: 'X: msg' });
  });
  it('a rate limit waits what the server asked (a minute when it did not say), without an attempt', () => {
    expect(decideSyncRetry(failure('rate_limit', 7_000))).toMatchObject({ retry: 'after', delayMs: 7_000 });
    expect(decideSyncRetry(failure('rate_limit'))).toMatchObject({ retry: 'after', delayMs: 60_000 });
  });
  it('a configuration error or a refusal is not retried: the next scheduled sync asks again', () => {
    expect(decideSyncRetry(failure('config'))).toEqual({
      retry: 'never',
      reason: 'X: msg (fix the configuration; the next scheduled sync tries again)',
    });
    expect(decideSyncRetry(failure('system'))).toEqual({
      retry: 'never',
      reason: 'X: msg (the same request would get the same answer)',
    });
  });
  it('the backoff spans a server restart, and ends before the next 5-minute sync', () => {
    const waits = Array.from({ length: SYNC_JOB_RETRY.attempts - 1 }, (_, i) => SYNC_JOB_RETRY.backoffMs * 2 ** i);
    const total = waits.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(60_000);
    expect(total).toBeLessThan(5 * 60_000);
  });
});
