/**
 * Limits a remote system sets on the requests made to it (QuickBooks Online: 500 a minute and 10
 * in flight per company, erp-apis.md §2.9). An adapter asks the limiter of its key before each
 * request; the composition root decides where the count lives: in the process (one worker), or in
 * Redis when several workers share the work (queue.driver: redis).
 */

export interface RequestLimits {
  /** Requests started in any 60 s window. */
  perMinute: number;
  /** Requests in flight at once. */
  inFlight: number;
}

export interface RequestLimiter {
  /** Waits for a slot; the returned function frees it (call it once, when the answer is in). */
  acquire(): Promise<() => void>;
  /** The system asked to slow down (a 429): no request under this limiter starts for `ms`. */
  hold(ms: number): void;
}

/** The limiter of `key` (e.g. `quickbooks:<api host>:<realm>`), created on first use and shared after. */
export type RequestLimiterFactory = (key: string, limits: RequestLimits) => RequestLimiter;
