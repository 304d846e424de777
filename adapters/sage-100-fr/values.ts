import type { SageDateTime, SageDecimal } from './schema/layout';

/**
 * Sage stores an empty date as 1753-01-01 00:00:00, not NULL (shared/reference/sage.md §4.2,
 * [SECONDARY]); 1753-01-01 is also the smallest value SQL Server's datetime holds.
 */
export const SAGE_NO_DATE = '1753-01-01T00:00:00.000';

/**
 * The canonical text of a Sage datetime: `YYYY-MM-DDTHH:MM:SS.mmm`, the wall-clock value Sage
 * stored (datetime has no time zone). ISO 8601 with the `T` because SQL Server reads that form
 * the same whatever the login's language and DATEFORMAT, while `YYYY-MM-DD HH:MM:SS` is read
 * as year-day-month under a French login
 * (https://learn.microsoft.com/en-us/sql/t-sql/data-types/datetime-transact-sql, "Supported
 * string literal formats for datetime"). Cursors carry this text back into the queries.
 */
const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$/;
/** What PostgreSQL prints for a timestamp(3) (its fraction without trailing zeros). */
const POSTGRES_TEXT = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d{1,3}))?$/;

export function sageDateTime(value: SageDateTime, where: string): string {
  if (value instanceof Date) {
    // tedious reads datetime as UTC by default (its useUTC option), so the ISO text in UTC is
    // the wall-clock value stored. UNVERIFIED against a real server.
    if (Number.isNaN(value.getTime())) throw new Error(`${where}: invalid date`);
    return value.toISOString().slice(0, 23);
  }
  if (CANONICAL.test(value)) return value;
  const m = POSTGRES_TEXT.exec(value);
  if (m === null) throw new Error(`${where}: "${value}" is not a datetime (expected YYYY-MM-DDTHH:MM:SS.mmm)`);
  return `${m[1]}T${m[2]}.${(m[3] ?? '').padEnd(3, '0')}`;
}

/** The calendar date of a Sage datetime, or null for the 1753-01-01 "no date" sentinel. */
export function sageDate(value: SageDateTime, where: string): string | null {
  const text = sageDateTime(value, where);
  return text === SAGE_NO_DATE ? null : text.slice(0, 10);
}

/**
 * Below 2^31, doubles are closer together than a millionth, so a double that is the nearest to a
 * number of whole cents also reads as that number to six decimals (the text path's test): both
 * paths agree there.
 */
const EXACT_CENTS_BELOW = 2 ** 31;

/**
 * A numeric(24,6) amount in integer cents. Sage keeps six decimals; a euro amount with anything
 * beyond the cent is refused rather than rounded, so a surprise shows up as an error naming the
 * column instead of a silently different debt.
 */
export function amountToMinorUnits(value: SageDecimal, where: string): number {
  if (typeof value === 'number' && Math.abs(value) < EXACT_CENTS_BELOW) {
    // The usual case, without going through text: an amount of whole cents is the double nearest to
    // them, which dividing the rounded cents by 100 gives back exactly (IEEE division is correctly
    // rounded). Anything else (a fraction of a cent, a large or non-finite number) takes the text
    // path below, and its errors.
    const cents = Math.round(value * 100);
    if (cents / 100 === value) return cents === 0 ? 0 : cents;
  }
  const text = typeof value === 'number' ? value.toFixed(6) : value.trim();
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (m === null) throw new Error(`${where}: "${String(value)}" is not a decimal amount`);
  const fraction = (m[3] ?? '').padEnd(6, '0');
  if (!/^\d{2}0*$/.test(fraction)) throw new Error(`${where}: ${String(value)} has a fraction of a cent`);
  const cents = Number(m[2]) * 100 + Number(fraction.slice(0, 2));
  if (!Number.isSafeInteger(cents)) throw new Error(`${where}: ${String(value)} is too large`);
  return m[1] === '-' && cents !== 0 ? -cents : cents;
}
