import cron from 'node-cron';
import type { Logger } from '../../log/logger';
import type { Clock } from '../../time/clock';

/**
 * Schedules only ENQUEUE (STYLE.md habit 8, DESIGN.md "Two ways to run"): each tick names its
 * job after the tick's time, so several daemons ticking together enqueue one job between them.
 *
 * In production the ticks come from node-cron on real time. The demo runs on a faster clock,
 * where a cron expression means nothing: there each entry ticks every `everySimulatedSeconds`
 * of the demo's clock instead.
 */

export interface ScheduleEntry {
  /** For logs: `sync odoo`, `evaluate`, … */
  label: string;
  /** Five or six fields (seconds first when six), in the company's time zone. */
  cron: string;
  /** The demo's period, in simulated seconds. */
  everySimulatedSeconds: number;
  /** Enqueues the tick's job; `tick` is the scheduled instant, which names the job. */
  enqueue(tick: Date): Promise<void>;
}

export interface Scheduler {
  stop(): void;
}

export function startCronScheduler(
  entries: readonly ScheduleEntry[],
  options: { timezone: string; logger: Logger },
): Scheduler {
  const tasks = entries.map((entry) =>
    cron.schedule(
      entry.cron,
      async (context) => {
        // The scheduled instant, not the moment the callback ran: daemons a few ms apart agree.
        const tick = new Date(Math.floor(context.date.getTime() / 1000) * 1000);
        await enqueueTick(entry, tick, options.logger);
      },
      { timezone: options.timezone, name: entry.label, noOverlap: true },
    ),
  );
  // Said once at start, so that whoever reads the log knows when something will happen next.
  entries.forEach((entry, i) => {
    const next = tasks[i]!.getNextRun();
    options.logger.info(
      `schedule ${entry.label} (${entry.cron}): next at ${next ? `${localTime(next, options.timezone)} ${options.timezone} (${next.toISOString()})` : 'never'}`,
      { schedule: entry.label },
    );
  });
  return { stop: () => tasks.forEach((t) => void t.stop()) };
}

/** `2026-12-05 07:10:00` in `timeZone`: the Swedish locale writes dates and times the ISO way. */
function localTime(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('sv-SE', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(at);
}

/** Ticks on the demo's clock: every entry at each multiple of its period in simulated time. */
export function startSimulatedScheduler(
  entries: readonly ScheduleEntry[],
  options: { clock: Clock; logger: Logger; realPollMs?: number },
): Scheduler {
  const last = new Map<ScheduleEntry, number>();
  let running = false;
  const poll = async () => {
    if (running) return;
    running = true;
    try {
      const now = options.clock.now().getTime();
      for (const entry of entries) {
        const period = entry.everySimulatedSeconds * 1000;
        const tick = Math.floor(now / period) * period;
        if (last.get(entry) === tick) continue;
        last.set(entry, tick);
        await enqueueTick(entry, new Date(tick), options.logger);
      }
    } finally {
      running = false;
    }
  };
  // The first poll ticks every entry at once (its current period has not been ticked yet), the next
  // one a period on: seconds away in real time, so said at debug only.
  const now = options.clock.now().getTime();
  for (const entry of entries) {
    const period = entry.everySimulatedSeconds * 1000;
    options.logger.debug(
      `schedule ${entry.label} (every ${entry.everySimulatedSeconds} s of demo time): now, then at ${new Date(Math.floor(now / period) * period + period).toISOString()} demo time`,
      { schedule: entry.label },
    );
  }
  void poll();
  const timer = setInterval(() => void poll(), options.realPollMs ?? 250);
  return { stop: () => clearInterval(timer) };
}

async function enqueueTick(entry: ScheduleEntry, tick: Date, logger: Logger): Promise<void> {
  try {
    await entry.enqueue(tick);
  } catch (e) {
    // A failed enqueue (store or Redis down) must not stop the schedule: the next tick tries again.
    logger.error(`schedule ${entry.label}: could not enqueue the ${tick.toISOString()} tick: ${(e as Error).message}`);
  }
}
