import type { RequestLimiter } from '../connector/ports/request-limiter';

/**
 * Requests per rolling minute and in flight at once, counted in this process, and held back after a
 * 429 until its wait has passed: QuickBooks Online's limits per company (quickbooks/limiter.ts) and
 * Sage Active's per app (sage-active/limiter.ts). With several workers (queue.driver: redis) the
 * composition root gives adapters limiters kept in Redis instead (adapters/redis/request-limiter.ts).
 */

export interface LimiterTime {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realTime: LimiterTime = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface WindowLimits {
  requestsPerMinute: number;
  maxInFlight: number;
}

const WINDOW_MS = 60_000;

export class MinuteWindowLimiter implements RequestLimiter {
  /**
   * When the answers of the requests still counted came back, oldest first. The provider counts a
   * request when it arrives (QuickBooks: erp-apis.md §2.9 says how many, not from when, UNVERIFIED),
   * which we do not see: it is between our start and our answer. Counting it until 60 s after the
   * answer, the next request arrives after the provider's minute of it has passed, whatever the time
   * on the wire; counted from our start, a request sent as the minute opened could arrive before the
   * provider's did and be answered 429 (the QuickBooks simulator did, one request in a few at the
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
    readonly limits: WindowLimits,
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

  /** A 429 came back: no request under this limiter starts before `ms` from now. */
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
