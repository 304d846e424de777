import { dateInZone, type IsoDate } from './calendar-date';

/** Every rule that depends on "now" receives a clock, so it can be tested at any date. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock frozen at one instant (tests, `--as-of`). */
export function fixedClock(at: Date | string): Clock {
  const instant = typeof at === 'string' ? new Date(at.length === 10 ? `${at}T12:00:00Z` : at) : at;
  if (Number.isNaN(instant.getTime())) throw new RangeError(`fixedClock: "${String(at)}" is not a valid instant`);
  return { now: () => new Date(instant.getTime()) };
}

/** Today's business date in the company's time zone. */
export function businessDate(clock: Clock, timeZone: string): IsoDate {
  return dateInZone(clock.now(), timeZone);
}

/**
 * A clock that runs `speed` times faster than real time from `start` (the demo's
 * `--clock-speed`: 86,400 makes a real second a simulated day).
 */
export function scaledClock(start: Date, speed: number, realNow: () => number = Date.now): Clock {
  if (!(speed > 0) || !Number.isFinite(speed))
    throw new RangeError(`clock speed must be a positive number, got ${speed}`);
  const realStart = realNow();
  const simulatedStart = start.getTime();
  return { now: () => new Date(simulatedStart + (realNow() - realStart) * speed) };
}

/**
 * A simulated clock that survives restarts: business time is `start` when real time is `anchor`
 * and runs `speed` times faster, whenever the process started — a daemon killed and started
 * again reads the same time as if it had run throughout. It stops at `stopAt` when given.
 * Configured as `daemon.simulatedClock` for rehearsals and crash tests; never in production.
 */
export function anchoredClock(
  input: { start: Date; anchor: Date; speed: number; stopAt?: Date },
  realNow: () => number = Date.now,
): Clock {
  const { start, anchor, speed, stopAt } = input;
  if (!(speed > 0) || !Number.isFinite(speed))
    throw new RangeError(`clock speed must be a positive number, got ${speed}`);
  const cap = stopAt?.getTime() ?? Number.POSITIVE_INFINITY;
  return { now: () => new Date(Math.min(cap, start.getTime() + (realNow() - anchor.getTime()) * speed)) };
}

/**
 * A simulator's clock: still unless told to move (`advance`), or running `speed` times real
 * time from `startMs`, or both. Tests move it; the demo runs it at the demo's speed.
 */
export class SimulatedClock implements Clock {
  private offsetMs = 0;
  private readonly realStart = Date.now();

  constructor(
    private readonly startMs: number,
    private readonly speed: number,
    /** Running time stops here (`advance` still moves it on). */
    private readonly stopAtMs: number = Number.POSITIVE_INFINITY,
  ) {}

  now(): Date {
    const running =
      this.speed > 0
        ? Math.min(this.stopAtMs, this.startMs + (Date.now() - this.realStart) * this.speed)
        : this.startMs;
    return new Date(running + this.offsetMs);
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  advanceDays(days: number): void {
    this.advance(days * 86_400_000);
  }
}
