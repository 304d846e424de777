import { z } from 'zod';

/**
 * Money is an integer count of the currency's minor unit (cents for EUR, yen for JPY)
 * together with its ISO 4217 code. Never a float.
 */

const KNOWN_CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

export const CurrencySchema = z
  .string()
  .regex(/^[A-Z]{3}$/, { error: 'currency must be an ISO 4217 code in capitals, e.g. "EUR"' })
  .refine((c) => KNOWN_CURRENCIES.has(c), { error: (iss) => `unknown ISO 4217 currency "${String(iss.input)}"` });
export type Currency = z.infer<typeof CurrencySchema>;

export const MinorUnitsSchema = z
  .number({ error: 'amount must be a number of minor units (e.g. cents)' })
  .int({ error: 'amount must be a whole number of minor units (e.g. 12050 for 120.50 EUR), not a decimal' })
  .refine(Number.isSafeInteger, { error: 'amount is too large to be exact' });
export type MinorUnits = z.infer<typeof MinorUnitsSchema>;

export const NonNegativeMinorUnitsSchema = MinorUnitsSchema.refine((n) => n >= 0, {
  error: 'amount must not be negative',
});
export const PositiveMinorUnitsSchema = MinorUnitsSchema.refine((n) => n > 0, {
  error: 'amount must be greater than zero',
});

export const MoneySchema = z.strictObject({
  amount: MinorUnitsSchema,
  currency: CurrencySchema,
});
export type Money = z.infer<typeof MoneySchema>;

const DIGITS = new Map<string, number>();

/** Number of decimals of the currency's minor unit (2 for EUR, 0 for JPY, 3 for KWD). */
export function minorUnitDigits(currency: string): number {
  let digits = DIGITS.get(currency);
  if (digits === undefined) {
    // Building a NumberFormat costs microseconds; a sync asks twice per invoice.
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    DIGITS.set(currency, digits);
  }
  return digits;
}

/**
 * An amount sent as a JSON decimal (QuickBooks, Sage Active) → whole minor units of THAT currency,
 * or what is wrong with it. Exactness is checked on the number's shortest decimal form (what the
 * JSON text said): 12.345 USD is refused, never rounded to 12.35. `source` names the system in the
 * message for a number no such system writes (an exponent form).
 */
export function decimalToMinorUnits(amount: number, currency: string, source: string): number | string {
  const digits = minorUnitDigits(currency);
  const text = String(amount);
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m || !Number.isFinite(amount)) return `${text} is not an amount ${source} sends`;
  const decimals = m[3] ?? '';
  if (decimals.length > digits) return `${text} has more decimals than ${currency} allows (${digits})`;
  const minor = Number(`${m[1]}${m[2]}${decimals.padEnd(digits, '0')}`);
  if (!Number.isSafeInteger(minor)) return `${text} ${currency} is too large to be exact`;
  return minor === 0 ? 0 : minor;
}

/** Human display, e.g. `1 234,50 €` in French. Only for display: never parse it back. */
export function formatMoney(amount: number, currency: string, locale = 'fr-FR'): string {
  const digits = minorUnitDigits(currency);
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(amount / 10 ** digits);
}
