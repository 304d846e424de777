import { minorUnitDigits } from '../../model/money.schema';
import { isIsoDate, type IsoDate } from '../../time/calendar-date';
import { ArgumentError } from './store-command';

/**
 * The arguments of the controller's commands, checked as the API checks its request bodies
 * (connector/app/http/case-routes.ts) and before the store is opened.
 */

/** As the API's `reason`: 1 to 2,000 characters once trimmed. */
const MAX_TEXT = 2_000;

export function requireText(value: string | undefined, option: string, what: string): string {
  const text = value?.trim() ?? '';
  if (text === '') throw new ArgumentError(`${option} is required: ${what}`);
  if (text.length > MAX_TEXT) throw new ArgumentError(`${option} is longer than 2,000 characters`);
  return text;
}

export function optionalText(value: string | undefined, option: string): string | undefined {
  const text = value?.trim() ?? '';
  if (text.length > MAX_TEXT) throw new ArgumentError(`${option} is longer than 2,000 characters`);
  return text === '' ? undefined : text;
}

export function requireId(value: string | undefined, what: string): string {
  const id = value?.trim() ?? '';
  if (id === '') throw new ArgumentError(`say which ${what}`);
  if (id.length > 200) throw new ArgumentError(`${what} id is longer than 200 characters`);
  return id;
}

/** `--connection ID`: where an invoice number is looked up when it is in several connections. */
export function referenceScope(connection: string | undefined): { connection?: string } {
  if (connection === undefined) return {};
  return { connection: requireId(connection, 'connection (--connection)') };
}

export function requireDate(value: string | undefined, option: string): IsoDate {
  if (value === undefined) throw new ArgumentError(`${option} is required (YYYY-MM-DD)`);
  return date(value, option);
}

export function optionalDate(value: string | undefined, option: string): IsoDate | undefined {
  return value === undefined ? undefined : date(value, option);
}

function date(value: string, option: string): IsoDate {
  if (!isIsoDate(value))
    throw new ArgumentError(`${option} must be a calendar date written YYYY-MM-DD, got "${value}"`);
  return value;
}

/** A whole number from `min` to `max`, written in digits. */
export function wholeNumber(value: string | undefined, option: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new ArgumentError(`${option} must be a whole number from ${min} to ${max}, got "${value}"`);
  return n;
}

/** An amount as typed, in major units: its syntax is checked at once, its decimals once the currency is known. */
export interface TypedAmount {
  text: string;
  whole: string;
  fraction: string;
}

const AMOUNT = /^(\d+)(?:[.,](\d+))?$/;
/** A space, no-break space or narrow no-break space between groups of three digits, as `formatMoney` writes `1 234,50`. */
const GROUP_SEPARATOR = /(?<=\d)[ \u00a0\u202f](?=\d{3}(?:\D|$))/g;

export function typedAmount(value: string | undefined, option = '--amount'): TypedAmount | undefined {
  if (value === undefined) return undefined;
  const m = AMOUNT.exec(value.trim().replace(GROUP_SEPARATOR, ''));
  if (!m)
    throw new ArgumentError(
      `${option} must be an amount in major units with a dot or a comma, such as 120.50 or 120,50, got "${value}"`,
    );
  const whole = m[1]!;
  const fraction = m[2] ?? '';
  if (/^0*$/.test(whole + fraction)) throw new ArgumentError(`${option} must be above 0, got "${value}"`);
  return { text: value.trim(), whole, fraction };
}

/**
 * The amount in integer minor units of `currency`, by moving the decimal point in the digits
 * (`12,50` EUR is 1250): no binary float ever holds a fraction. More decimals than the
 * currency has is an error, not a rounding.
 */
export function toMinorUnits(amount: TypedAmount, currency: string, option = '--amount'): number {
  const digits = minorUnitDigits(currency);
  if (amount.fraction.length > digits) {
    throw new ArgumentError(
      `${option} ${amount.text} has ${amount.fraction.length} decimals: ${currency} amounts have ${digits === 0 ? 'none' : `at most ${digits}`}`,
    );
  }
  const minor = Number(`${amount.whole}${amount.fraction.padEnd(digits, '0')}`);
  if (!Number.isSafeInteger(minor)) throw new ArgumentError(`${option} ${amount.text} is too large`);
  return minor;
}
