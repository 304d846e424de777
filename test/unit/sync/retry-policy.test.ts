import { AdapterError } from '../../../connector/sync/adapter-error';
import { decideRetry, withRetry, type RetryOptions } from '../../../connector/sync/retry-policy';

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
  it('withRetry retries transient failures then returns, sleeping the decided delays', async () => {
    const slept: number[] = [];
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls++;
        if (calls < 3) throw err('transient');
        return 'ok';
      },
      { isWrite: false, retry: opts(0.5), sleep: async (ms) => void slept.push(ms) },
    );
    expect(result).toBe('ok');
    expect(slept).toEqual([50, 100]);
  });
  it('withRetry throws the last error when it stops', async () => {
    await expect(
      withRetry(async () => Promise.reject(err('config')), {
        isWrite: false,
        retry: opts(),
        sleep: async () => undefined,
      }),
    ).rejects.toMatchObject({ code: 'X_CONFIG' });
  });
});
