import type { RequestLimiter } from '../../connector/ports/request-limiter';

/**
 * The limits QuickBooks Online sets per company (realm): 500 requests a minute, and at most 10
 * in flight (erp-apis.md §2.9: the limits page for the first; the stricter of two sources for the
 * second); after a 429, wait 60 s before trying again (same page). One limiter per company and
 * process; a throttled company slows only itself.
 *
 * This one counts in its process. With several workers (queue.driver: redis) the composition root
 * gives adapters limiters kept in Redis instead (adapters/redis/request-limiter.ts).
 */

export interface LimiterTime {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realTime: LimiterTime = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface RealmLimits {
  requestsPerMinute: number;
  maxInFlight: number;
}

const WINDOW_MS = 60_000;

export class RealmLimiter implements RequestLimiter {
  /**
   * When the answers of the requests still counted came back, oldest first. Intuit counts a request
   * when it arrives [UNVERIFIED: §2.9 says how many, not from when], which we do not see: it is
   * between our start and our answer. Counting it until 60 s
   * after the answer, the next request arrives after Intuit's minute of it has passed, whatever the
   * time on the wire; counted from our start, a request sent as the minute opened could arrive
   * before Intuit's did and be answered 429 (the simulator did, one request in a few at the
   * minute's edge). A request in flight counts too, until its answer.
   */
  private readonly answered: number[] = [];
  private inFlight = 0;
  private heldUntil = 0;
  private readonly waiting: (() => void)[] = [];
  private pumping = false;
  /** The most requests in flight at once so far (tests, metrics). */
  maxSeenInFlight = 0;

  constructor(
    readonly limits: RealmLimits,
    private readonly time: LimiterTime = realTime,
  ) {}

  /** Waits for a slot; the returned function frees it (call it once, when the answer is in). */
  async acquire(): Promise<() => void> {
    await new Promise<void>((resolve) => {
      this.waiting.push(resolve);
      void this.pump();
    });
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight--;
      this.answered.push(this.time.now());
      void this.pump();
    };
  }

  /** A 429 came back: no request of this company starts before `ms` from now. */
  hold(ms: number): void {
    this.heldUntil = Math.max(this.heldUntil, this.time.now() + ms);
  }

  /** Until when requests are held back (epoch ms), 0 when they are not. */
  get heldUntilMs(): number {
    return this.heldUntil > this.time.now() ? this.heldUntil : 0;
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.waiting.length > 0 && this.inFlight < this.limits.maxInFlight) {
        const now = this.time.now();
        while (this.answered.length > 0 && this.answered[0]! + WINDOW_MS <= now) this.answered.shift();
        const full = this.inFlight + this.answered.length >= this.limits.requestsPerMinute;
        // Full with every counted request still in flight: the next answer frees a place (pump runs again then).
        if (full && this.answered.length === 0) return;
        const windowOpensAt = full ? this.answered[0]! + WINDOW_MS : now;
        const at = Math.max(windowOpensAt, this.heldUntil);
        if (at > now) {
          await this.time.sleep(at - now);
          continue;
        }
        this.inFlight++;
        this.maxSeenInFlight = Math.max(this.maxSeenInFlight, this.inFlight);
        this.waiting.shift()!();
      }
    } finally {
      this.pumping = false;
    }
  }
}

const limiters = new Map<string, RealmLimiter>();

/** The process's limiter of one company of one API host: adapters of the same company share it. */
export function realmLimiter(apiBase: string, realmId: string, limits: RealmLimits): RealmLimiter {
  const key = `${apiBase}|${realmId}`;
  let limiter = limiters.get(key);
  if (!limiter) limiters.set(key, (limiter = new RealmLimiter(limits)));
  return limiter;
}
