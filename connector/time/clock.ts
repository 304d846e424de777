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
  if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError(`clock speed must be a positive number, got ${speed}`);
  const realStart = realNow();
  const simulatedStart = start.getTime();
  return { now: () => new Date(simulatedStart + (realNow() - realStart) * speed) };
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
  ) {}

  now(): Date {
    return new Date(this.startMs + this.offsetMs + (this.speed > 0 ? (Date.now() - this.realStart) * this.speed : 0));
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  advanceDays(days: number): void {
    this.advance(days * 86_400_000);
  }
}
