import type { Logger } from '../log/logger';
import type { AdapterRegistry, AdapterUsage } from '../ports/erp';
import type { ErpCallTally, Store } from '../store/store';
import type { Clock } from '../time/clock';

/**
 * The reads made to each connection whose provider meters them per calendar month (QuickBooks
 * Online: CorePlus calls, erp-apis.md §2.9), counted against its allowance and kept in the store
 * (erp-call-store.ts), so that a restart does not start the month again at 0 and several workers
 * on one store add up.
 *
 * Every read the adapter counts is taken, whoever made it: syncs, write-backs that read before
 * they write, invoice PDFs for the law firm. Writes ("Core" calls) are not metered by Intuit and
 * are left out. The counts are written in batches, every FLUSH_EVERY_MS and when the daemon stops,
 * never one write per call; what is not written yet is added when read (`monthlyReads`).
 */

/** How often the reads counted are added to the store (ms): a crash loses at most this much counting. */
export const FLUSH_EVERY_MS = 60_000;

/** Share of the allowance from which the health screen warns. */
export const READ_ALLOWANCE_WARNING_SHARE = 0.8;

export interface MeteredConnection {
  id: string;
  /** Reads allowed per calendar month. */
  allowance: number;
  /** The adapter's count since it was created; undefined when it counts nothing. */
  usage: () => AdapterUsage | undefined;
}

/** One connection's reads in the current month, as GET /connections gives them (`reads`). */
export interface MonthlyReads {
  /** The calendar month, `YYYY-MM` (UTC). */
  period: string;
  used: number;
  allowance: number;
  /** used ÷ allowance (1 and above: Intuit refuses reads until `resetsAt`), 4 decimals. */
  share: number;
  /** When the next month starts (ISO 8601, UTC). */
  resetsAt: string;
}

/**
 * The calendar month of `at`, `YYYY-MM`, in UTC. [unverified] Intuit does not document in which
 * time zone its monthly CorePlus allowance starts again; UTC is assumed, so near the turn of a
 * month the count may differ from Intuit's by the reads of a few hours.
 */
export function monthOf(at: Date): string {
  return at.toISOString().slice(0, 7);
}

/** The first instant of the month after `period` (`YYYY-MM`), UTC. */
export function nextMonthStart(period: string): Date {
  const [year, month] = period.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, month, 1));
}

/** used ÷ allowance, to 4 decimals. */
export function shareOf(used: number, allowance: number): number {
  return Math.round((used / allowance) * 10_000) / 10_000;
}

/** The metered connections of a configuration, through their adapters' definitions (no adapter code loaded). */
export function meteredConnections(
  connections: readonly { id: string; type: string }[],
  registry: AdapterRegistry,
  usageOf: (id: string) => AdapterUsage | undefined,
): MeteredConnection[] {
  return connections.flatMap((c) => {
    const allowance = registry[c.type]?.monthlyReadAllowance?.(c);
    return allowance === undefined ? [] : [{ id: c.id, allowance, usage: () => usageOf(c.id) }];
  });
}

export interface ErpReadMeterOptions {
  store: Pick<Store, 'erpCalls'>;
  connections: readonly MeteredConnection[];
  /** Real time: Intuit's months are real ones, also under the demo's faster business clock. */
  clock: Clock;
  logger: Logger;
  flushEveryMs?: number;
}

export class ErpReadMeter {
  /** Reads of each connection's adapter already added to the store. */
  private readonly written = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly options: ErpReadMeterOptions) {}

  get connections(): readonly MeteredConnection[] {
    return this.options.connections;
  }

  /** Adds the counts every `flushEveryMs`; the timer does not hold the process. */
  start(): void {
    if (this.timer || this.options.connections.length === 0) return;
    this.timer = setInterval(() => void this.flush(), this.options.flushEveryMs ?? FLUSH_EVERY_MS);
    this.timer.unref();
  }

  /** Stops the timer and adds what was counted since the last write. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  /**
   * Adds the reads counted since the last write to the current month, in one write. The reads
   * counted just before a month ends and written after it count in the new month (at most
   * FLUSH_EVERY_MS of them). A write that fails is logged and tried again with the next one.
   */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.flushOnce());
    return this.flushing;
  }

  private async flushOnce(): Promise<void> {
    try {
      const now = this.options.clock.now();
      const period = monthOf(now);
      const counted = this.options.connections.map((c) => ({ id: c.id, reads: c.usage()?.reads ?? 0 }));
      const tallies: ErpCallTally[] = counted
        .map((c) => ({ connection: c.id, period, reads: c.reads - (this.written.get(c.id) ?? 0) }))
        .filter((t) => t.reads > 0);
      if (tallies.length === 0) return;
      await this.options.store.erpCalls.addCalls(tallies, now.toISOString());
      for (const c of counted) this.written.set(c.id, c.reads);
    } catch (e) {
      this.options.logger.warn(
        `the ERP reads counted since the last write could not be kept; they are added at the next one: ${(e as Error).message}`,
      );
    }
  }

  /** Each metered connection's reads this month: those kept in the store and those not written yet. */
  async monthlyReads(): Promise<Map<string, MonthlyReads>> {
    const period = monthOf(this.options.clock.now());
    const kept = await this.options.store.erpCalls.readsIn(period);
    const resetsAt = nextMonthStart(period).toISOString();
    return new Map(
      this.options.connections.map((c) => {
        const pending = Math.max(0, (c.usage()?.reads ?? 0) - (this.written.get(c.id) ?? 0));
        const used = (kept.get(c.id) ?? 0) + pending;
        return [c.id, { period, used, allowance: c.allowance, share: shareOf(used, c.allowance), resetsAt }];
      }),
    );
  }
}
