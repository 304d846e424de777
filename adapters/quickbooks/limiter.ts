import { MinuteWindowLimiter, type WindowLimits } from '../minute-window-limiter';

/**
 * The limits QuickBooks Online sets per company (realm): 500 requests a minute, and at most 10
 * in flight (erp-apis.md §2.9: the limits page for the first; the stricter of two sources for the
 * second); after a 429, wait 60 s before trying again (same page). One limiter per company and
 * process; a throttled company slows only itself.
 *
 * This one counts in its process. With several workers (queue.driver: redis) the composition root
 * gives adapters limiters kept in Redis instead (adapters/redis/request-limiter.ts).
 */

/** A company's limiter: the shared minute-window limiter, under the name the QuickBooks code knows it by. */
export { MinuteWindowLimiter as RealmLimiter, type WindowLimits as RealmLimits };

const limiters = new Map<string, MinuteWindowLimiter>();

/** The process's limiter of one company of one API host: adapters of the same company share it. */
export function realmLimiter(apiBase: string, realmId: string, limits: WindowLimits): MinuteWindowLimiter {
  const key = `${apiBase}|${realmId}`;
  let limiter = limiters.get(key);
  if (!limiter) limiters.set(key, (limiter = new MinuteWindowLimiter(limits)));
  return limiter;
}
