import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import type { RequestLimiter, RequestLimiterFactory, RequestLimits } from '../../connector/ports/request-limiter';

/**
 * Request limits shared by every worker process through Redis (queue.driver: redis): one sliding
 * 60 s window of starts, one set of requests in flight and one hold per key, changed atomically by
 * a Lua script that reads the time from Redis itself, so that workers on hosts with skewed clocks
 * agree. A worker that dies with requests in flight frees them when their lease ends.
 */

/** How long a request may count as in flight before its slot is taken back (Intuit times out at 120 s). */
const IN_FLIGHT_LEASE_MS = 130_000;
/** How long to wait before asking again when the in-flight limit is reached. */
const IN_FLIGHT_POLL_MS = 25;

// KEYS: starts (zset), inflight (zset), held (string). ARGV: perMinute, inFlight, member, leaseMs.
// Returns 0 when the slot is taken, else the milliseconds to wait before asking again.
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local held = tonumber(redis.call('GET', KEYS[3]) or '0')
if held > now then return held - now end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - 60000)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[2]) then return -1 end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(1, tonumber(oldest[2]) + 60000 - now)
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[4]), ARGV[3])
redis.call('PEXPIRE', KEYS[1], 120000)
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[4]) + 60000)
return 0
`;

// KEYS: held. ARGV: ms. Keeps the later of the current hold and now + ms.
const HOLD = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local until_ = now + tonumber(ARGV[1])
local held = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ > held then redis.call('SET', KEYS[1], until_, 'PX', tonumber(ARGV[1])) end
return until_
`;

export class RedisRequestLimiter implements RequestLimiter {
  private readonly keys: [string, string, string];

  constructor(
    private readonly redis: Redis,
    key: string,
    private readonly limits: RequestLimits,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    const base = `recouvra:limits:{${key}}`;
    this.keys = [`${base}:starts`, `${base}:inflight`, `${base}:held`];
  }

  async acquire(): Promise<() => void> {
    const member = randomUUID();
    for (;;) {
      const wait = Number(
        await this.redis.eval(
          ACQUIRE,
          3,
          ...this.keys,
          this.limits.perMinute,
          this.limits.inFlight,
          member,
          IN_FLIGHT_LEASE_MS,
        ),
      );
      if (wait === 0) break;
      await this.sleep(wait < 0 ? IN_FLIGHT_POLL_MS : wait);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // A lost release only keeps the slot until its lease ends.
      this.redis.zrem(this.keys[1], member).catch(() => undefined);
    };
  }

  hold(ms: number): void {
    this.redis.eval(HOLD, 1, this.keys[2], Math.max(1, Math.round(ms))).catch(() => undefined);
  }
}

/**
 * The factory the composition root hands to adapters when the queue runs on Redis: one connection
 * for every limiter of the process, opened when the first limiter is asked for (an Odoo-only
 * deployment never opens it), closed with `close()`.
 */
export function redisRequestLimiters(url: string): { factory: RequestLimiterFactory; close: () => Promise<void> } {
  let redis: Redis | undefined;
  const limiters = new Map<string, RedisRequestLimiter>();
  return {
    factory: (key, limits) => {
      if (!redis) {
        redis = new Redis(url, { maxRetriesPerRequest: 3 });
        // A Redis that restarts is reported by the queue; the limiter's own errors surface on its calls.
        redis.on('error', () => undefined);
      }
      let limiter = limiters.get(key);
      if (!limiter) limiters.set(key, (limiter = new RedisRequestLimiter(redis, key, limits)));
      return limiter;
    },
    close: async () => {
      await redis?.quit().catch(() => undefined);
    },
  };
}
