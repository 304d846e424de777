import type { RequestLimiter, RequestLimiterFactory } from '../../connector/ports/request-limiter';
import { MinuteWindowLimiter } from '../minute-window-limiter';
import { SAGE_ACTIVE_MAX_MUTATIONS } from './config.schema';

/**
 * The limits Sage sets per app (sage.md §2.2 [UNVERIFIED: the best-practices page is cut before its
 * limits]): 3000 requests a minute, counted per app (its client id) on one gateway, whatever the
 * organisation; at most 10 mutations at once, which bounds the requests in flight here too (the
 * reader sends one request at a time, the writer a few). After a 429, nothing starts before its
 * Retry-After.
 *
 * The counting is the minute-window limiter QuickBooks uses too (one clock, one window, holds after a
 * 429). With several workers (queue.driver: redis) the composition root gives
 * adapters limiters kept in Redis instead (AdapterDeps.limiters).
 */

const limiters = new Map<string, MinuteWindowLimiter>();

/** The key of an app's limiter: the gateway and the client id (never a secret). */
export function appLimiterKey(graphqlUrl: string, clientId: string): string {
  return `sage-active:${new URL(graphqlUrl).host}:${clientId}`;
}

/** The limiter of one app on one gateway: shared by every connection of the app, from `factory` when given, else this process's. */
export function appLimiter(
  graphqlUrl: string,
  clientId: string,
  requestsPerMinute: number,
  factory?: RequestLimiterFactory,
): RequestLimiter {
  const key = appLimiterKey(graphqlUrl, clientId);
  if (factory) return factory(key, { perMinute: requestsPerMinute, inFlight: SAGE_ACTIVE_MAX_MUTATIONS });
  let limiter = limiters.get(key);
  if (!limiter || limiter.limits.requestsPerMinute !== requestsPerMinute)
    limiters.set(
      key,
      (limiter = new MinuteWindowLimiter({ requestsPerMinute, maxInFlight: SAGE_ACTIVE_MAX_MUTATIONS })),
    );
  return limiter;
}
