/**
 * Odoo's wire forms of dates (erp-apis.md §1.3): `Date.to_string` gives "YYYY-MM-DD" and
 * `Datetime.to_string` "YYYY-MM-DD HH:MM:SS", UTC, no offset, no microseconds. Internally dates are
 * day numbers and datetimes whole epoch seconds, so comparisons and the write_date index stay numeric.
 */

import { floor } from './numbers';

export const SECONDS_PER_DAY = 86_400;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME_RE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?$/;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

// Reads format a few thousand distinct days over and over; formatting each once keeps Date (a slow
// global under jest) out of the read path.
const dayStrings = new Map<number, string>();

export function dayToString(day: number): string {
  let text = dayStrings.get(day);
  if (text === undefined) {
    const d = new Date(day * SECONDS_PER_DAY * 1000);
    text = `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
    dayStrings.set(day, text);
  }
  return text;
}

export function secondsToString(seconds: number): string {
  const day = floor(seconds / SECONDS_PER_DAY);
  const inDay = seconds - day * SECONDS_PER_DAY;
  const h = floor(inDay / 3600);
  const m = floor((inDay - h * 3600) / 60);
  const s = floor(inDay - h * 3600 - m * 60);
  return `${dayToString(day)} ${pad2(h)}:${pad2(m)}:${pad2(s)}`;
}

function validDate(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** "YYYY-MM-DD" (a datetime string is cut to its date, as PostgreSQL's cast does) → day number. */
export function parseDay(text: string): number | undefined {
  const m = DATE_RE.exec(text) ?? DATETIME_RE.exec(text);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (!validDate(y, mo, d)) return undefined;
  return Date.UTC(y, mo - 1, d) / 1000 / SECONDS_PER_DAY;
}

/** "YYYY-MM-DD HH:MM[:SS[.ffffff]]" or "YYYY-MM-DD" (midnight) → epoch seconds, possibly fractional. */
export function parseSeconds(text: string): number | undefined {
  const m = DATETIME_RE.exec(text);
  if (!m) {
    const day = parseDay(text);
    return day === undefined || text.length !== 10 ? undefined : day * SECONDS_PER_DAY;
  }
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const h = Number(m[4]);
  const mi = Number(m[5]);
  const s = Number(m[6] ?? 0);
  if (!validDate(y, mo, d) || h > 23 || mi > 59 || s > 59) return undefined;
  return Date.UTC(y, mo - 1, d, h, mi, s) / 1000 + (m[7] ? Number(m[7]) : 0);
}

export function dateToSeconds(date: Date): number {
  return floor(date.getTime() / 1000);
}

export function secondsToDay(seconds: number): number {
  return floor(seconds / SECONDS_PER_DAY);
}

export function isDateString(text: string): boolean {
  return DATE_RE.test(text);
}
