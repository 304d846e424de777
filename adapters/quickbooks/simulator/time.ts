import { floor } from '../../odoo/simulator/model/numbers';
import { dayToString, SECONDS_PER_DAY } from '../../odoo/simulator/model/time';

/**
 * QBO's wire forms of time (erp-apis.md §2.3): dates "YYYY-MM-DD", timestamps with an offset and no
 * fraction ("2020-04-06T08:39:26-07:00", sample https://pastebin.com/A4JGEijL). Internally dates are
 * epoch day numbers and timestamps whole epoch seconds, so the 100,000-invoice columns stay numeric.
 * Each company renders its timestamps at a fixed offset of its own [UNVERIFIED: which zone QBO uses,
 * and whether it follows daylight saving; the reference's samples all show -07:00].
 */

export { dayToString, SECONDS_PER_DAY };

function pad2(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

function offsetText(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = offsetMinutes < 0 ? -offsetMinutes : offsetMinutes;
  return `${sign}${pad2(floor(abs / 60))}:${pad2(abs % 60)}`;
}

/** Epoch seconds → "YYYY-MM-DDTHH:MM:SS±hh:mm" in the company's offset. */
export function timestampText(seconds: number, offsetMinutes: number): string {
  const local = seconds + offsetMinutes * 60;
  const day = floor(local / SECONDS_PER_DAY);
  const inDay = local - day * SECONDS_PER_DAY;
  const h = floor(inDay / 3600);
  const m = floor((inDay - h * 3600) / 60);
  const s = inDay - h * 3600 - m * 60;
  return `${dayToString(day)}T${pad2(h)}:${pad2(m)}:${pad2(s)}${offsetText(offsetMinutes)}`;
}

/** The `time` of a response: milliseconds and an offset ("2017-09-29T09:17:31.892-07:00", erp-apis.md §2.4). */
export function responseTimeText(ms: number, offsetMinutes: number): string {
  const seconds = floor(ms / 1000);
  const base = timestampText(seconds, offsetMinutes);
  const frac = `${ms - seconds * 1000}`.padStart(3, '0');
  return `${base.slice(0, 19)}.${frac}${base.slice(19)}`;
}

const INSTANT_RE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * A timestamp a client sends (query values, `changedSince`) → epoch seconds, possibly fractional.
 * Without an offset, or a date alone, it is read in the company's offset [UNVERIFIED].
 */
export function parseInstant(text: string, offsetMinutes: number): number | undefined {
  const m = INSTANT_RE.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const utc = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(utc);
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
  let offset = offsetMinutes;
  const zone = m[8];
  if (zone === 'Z') offset = 0;
  else if (zone !== undefined) {
    const digits = zone.replace(':', '');
    const sign = digits.startsWith('-') ? -1 : 1;
    offset = sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
  }
  return utc / 1000 - offset * 60 + (m[7] ? Number(m[7]) : 0);
}

export function isDateText(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text);
}
