import { isFrenchPublicHoliday } from '../../connector/time/business-calendar';
import { addDays, dateInZone, parts, toEpochDay, type IsoDate } from '../../connector/time/calendar-date';

/**
 * When a debt-collection SMS may leave, as a pure function of the instant.
 *
 * [UNVERIFIED] No statutory time-of-day window for amicable debt-collection contacts was found
 * (french-recovery-law.md §3, "Prohibited practices, harassment and hours"). The windows of
 * décret 2022-1313 — weekdays 10h–13h and 14h–20h — govern telephone canvassing, not recovery;
 * the reference calls using them as a safe harbour good practice ([M]/[?]), so they are the
 * default here and every part of the window is configurable. Leaving out public holidays comes
 * from the same décret [UNVERIFIED: not in the reference]. Repeated unwanted solicitations are an
 * aggressive practice (C. conso L121-7, [V] in §3): how often to write is the dunning policy's call.
 */

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface ContactWindow {
  /** IANA zone the hours are read in (the debtor's, by default the company's: Europe/Paris). */
  timeZone: string;
  days: readonly Weekday[];
  /** Local wall-clock ranges "HH:MM" (from included, to excluded; "24:00" ends the day). */
  ranges: readonly { from: string; to: string }[];
  /** `FR`: no sending on the French public holidays (connector/time/business-calendar.ts). */
  publicHolidays: 'FR' | 'none';
  /** More days without sending, e.g. 26 December and Good Friday in Alsace-Moselle. */
  extraHolidays: readonly IsoDate[];
}

export const DEFAULT_CONTACT_WINDOW: ContactWindow = Object.freeze({
  timeZone: 'Europe/Paris',
  days: Object.freeze(['mon', 'tue', 'wed', 'thu', 'fri'] as const),
  ranges: Object.freeze([Object.freeze({ from: '10:00', to: '13:00' }), Object.freeze({ from: '14:00', to: '20:00' })]),
  publicHolidays: 'FR',
  extraHolidays: Object.freeze([]),
});

export type ContactWindowDecision =
  { allowed: true } | { allowed: false; reason: string; nextAllowedAt: string | undefined };

export function checkContactWindow(at: Date, window: ContactWindow): ContactWindowDecision {
  const local = wallClock(at, window.timeZone);
  const closed = dayClosedReason(local.date, window);
  const minute = local.hour * 60 + local.minute;
  const ranges = sortedRanges(window);
  if (!closed && ranges.some((r) => minute >= r.from && minute < r.to)) return { allowed: true };
  const hhmm = `${pad(local.hour)}:${pad(local.minute)}`;
  const reason =
    closed ??
    `${hhmm} on ${local.date} is outside ${window.ranges.map((r) => `${r.from}–${r.to}`).join(', ')} (${window.timeZone})`;
  return { allowed: false, reason, nextAllowedAt: nextOpening(at, local.date, window, ranges)?.toISOString() };
}

/** Why nothing may be sent on that local date at all, or undefined when some hours are open. */
function dayClosedReason(date: IsoDate, window: ContactWindow): string | undefined {
  const day = weekday(date);
  if (!window.days.includes(day)) return `${date} is a ${day}, not one of ${window.days.join(', ')}`;
  if (window.extraHolidays.includes(date)) return `${date} is a configured holiday`;
  if (window.publicHolidays === 'FR' && isFrenchPublicHoliday(date)) return `${date} is a French public holiday`;
  return undefined;
}

const SEARCH_DAYS = 370;

function nextOpening(
  at: Date,
  today: IsoDate,
  window: ContactWindow,
  ranges: { from: number; to: number }[],
): Date | undefined {
  for (let d = 0; d < SEARCH_DAYS; d++) {
    const date = addDays(today, d);
    if (dayClosedReason(date, window)) continue;
    for (const r of ranges) {
      const start = zonedInstant(date, r.from, window.timeZone);
      if (start.getTime() > at.getTime()) return start;
    }
  }
  return undefined;
}

function sortedRanges(window: ContactWindow): { from: number; to: number }[] {
  return window.ranges.map((r) => ({ from: minutes(r.from), to: minutes(r.to) })).sort((a, b) => a.from - b.from);
}

export function minutes(hhmm: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
  if (!m) throw new RangeError(`"${hhmm}" is not a time written HH:MM`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Monday first; 1970-01-01 was a Thursday. */
export function weekday(date: IsoDate): Weekday {
  return WEEKDAYS[(((toEpochDay(date) + 3) % 7) + 7) % 7]!;
}

function wallClock(at: Date, timeZone: string): { date: IsoDate; hour: number; minute: number } {
  const p = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (type: string) => Number(p.find((x) => x.type === type)?.value);
  return { date: dateInZone(at, timeZone), hour: get('hour'), minute: get('minute') };
}

/** Milliseconds the zone is ahead of UTC at that instant. */
function offsetMs(at: Date, timeZone: string): number {
  const p = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (type: string) => Number(p.find((x) => x.type === type)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/** The instant a local wall-clock time happens; "24:00" is the next day's midnight. */
export function zonedInstant(date: IsoDate, hhmm: number | string, timeZone: string): Date {
  const { year, month, day } = parts(date);
  const guess = Date.UTC(year, month - 1, day) + (typeof hhmm === 'number' ? hhmm : minutes(hhmm)) * 60_000;
  const first = guess - offsetMs(new Date(guess), timeZone);
  // Second pass: the offset at the guess and at the answer differ when a DST change lies between.
  return new Date(guess - offsetMs(new Date(first), timeZone));
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
