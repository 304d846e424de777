import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { RedisRequestLimiter } from '../../adapters/redis/request-limiter';
import { describeWithRedis, TEST_REDIS_URL } from '../helpers/redis';

/**
 * Limits shared through Redis by several workers: two limiters on two connections (two processes'
 * worth) never let more than the limits through together, a hold stops both, and a worker that
 * died with a slot in flight does not keep it.
 */
describeWithRedis('request limits shared through Redis', () => {
  let redis: Redis[];
  const key = () => `test-${randomBytes(6).toString('hex')}`;

  beforeEach(() => {
    redis = [new Redis(TEST_REDIS_URL), new Redis(TEST_REDIS_URL)];
  });
  afterEach(async () => {
    await Promise.all(redis.map((r) => r.quit()));
  });

  it('two workers together start at most perMinute requests and keep inFlight', async () => {
    const k = key();
    const limits = { perMinute: 6, inFlight: 2 };
    const waits: number[] = [];
    // Waiting for the window to reopen would take a minute: a wait asked is recorded, then given up.
    const sleep = async (ms: number) => {
      waits.push(ms);
      if (ms > 1_000) throw new Error('window full');
      await new Promise((r) => setTimeout(r, ms));
    };
    const workers = redis.map((r) => new RedisRequestLimiter(r, k, limits, sleep));
    let inFlight = 0;
    let most = 0;
    const started: number[] = [];
    const run = async (w: RedisRequestLimiter) => {
      const release = await w.acquire();
      inFlight++;
      most = Math.max(most, inFlight);
      started.push(Date.now());
      await new Promise((r) => setTimeout(r, 20));
      inFlight--;
      release();
    };
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => run(workers[i % 2]!)));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(6);
    expect(most).toBeLessThanOrEqual(2);
    expect(waits.some((ms) => ms > 50_000 && ms <= 60_000)).toBe(true);
    await redis[0]!.del(`recouvra:limits:{${k}}:starts`, `recouvra:limits:{${k}}:inflight`);
  });

  it('a hold asked by one worker stops the other', async () => {
    const k = key();
    const waits: number[] = [];
    const a = new RedisRequestLimiter(redis[0]!, k, { perMinute: 500, inFlight: 10 });
    const b = new RedisRequestLimiter(redis[1]!, k, { perMinute: 500, inFlight: 10 }, async (ms) => {
      waits.push(ms);
      throw new Error('held');
    });
    a.hold(60_000);
    await new Promise((r) => setTimeout(r, 50));
    await expect(b.acquire()).rejects.toThrow('held');
    expect(waits[0]).toBeGreaterThan(59_000);
    await redis[0]!.del(`recouvra:limits:{${k}}:held`);
  });

  it('a slot left in flight by a dead worker is taken back when its lease ends', async () => {
    const k = key();
    const limits = { perMinute: 500, inFlight: 1 };
    // The dead worker's slot, its lease already over (as if it had been taken 130 s ago).
    await redis[0]!.zadd(`recouvra:limits:{${k}}:inflight`, Date.now() - 1, 'dead-worker');
    const release = await new RedisRequestLimiter(redis[1]!, k, limits).acquire();
    release();
    await redis[0]!.del(`recouvra:limits:{${k}}:starts`, `recouvra:limits:{${k}}:inflight`);
  });
});
