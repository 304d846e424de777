/**
 * The dashboard's language: templates are compiled once per language at build time, so only the
 * texts built in code (status messages, labels of API codes) are looked up here, in the same
 * catalogue (templates/fr.json). The build refuses a literal passed to `t` that the catalogue lacks.
 */

export type Lang = 'fr' | 'en';

let current: Lang = 'fr';
let catalogue: Readonly<Record<string, string>> = {};

export function setLanguage(lang: Lang, messages: Readonly<Record<string, string>>): void {
  current = lang;
  catalogue = messages;
  digitsCache.clear();
}

export function language(): Lang {
  return current;
}

/** The Intl locale of the language: English dates in day-month order, as the controllers read them. */
export function locale(): string {
  return current === 'fr' ? 'fr-FR' : 'en-GB';
}

/** `term` is an English literal: the build checks every such literal against the catalogue. */
export function t(term: string): string {
  return catalogue[term] ?? term;
}

/** A text the API sends in both languages (formulas, risk reasons). */
export function pick(text: { fr: string; en: string } | null | undefined): string {
  if (!text) return '';
  return current === 'fr' ? text.fr : text.en;
}

const digitsCache = new Map<string, number>();

/** The currency's minor digits as Intl knows them (EUR 2, JPY 0, TND 3). */
export function minorDigits(currency: string): number {
  let digits = digitsCache.get(currency);
  if (digits === undefined) {
    digits =
      new Intl.NumberFormat(locale(), { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    digitsCache.set(currency, digits);
  }
  return digits;
}

/** An amount in integer minor units, e.g. 123456 EUR → "1 234,56 €" in French (with U+202F between thousands). */
export function formatMoney(minor: number | null | undefined, currency: string): string {
  if (minor === null || minor === undefined) return '—';
  const digits = minorDigits(currency);
  return new Intl.NumberFormat(locale(), { style: 'currency', currency }).format(minor / 10 ** digits);
}

/** Major units typed by a person (a filter's amount) → minor units; null when it is not a number. */
export function toMinorUnits(text: string, currency: string | null): number | null {
  const cleaned = text
    .trim()
    .replace(/[\s\u00a0\u202f]/g, '')
    .replace(',', '.');
  if (cleaned === '' || !/^\d+(\.\d+)?$/.test(cleaned)) return null;
  const digits = currency ? minorDigits(currency) : 2;
  return Math.round(Number(cleaned) * 10 ** digits);
}

export function formatNumber(n: number | null | undefined, fractionDigits = 0): string {
  if (n === null || n === undefined) return '—';
  return new Intl.NumberFormat(locale(), {
    minimumFractionDigits: fractionDigits,
    maximumFractionDigits: fractionDigits,
  }).format(n);
}

/** A percentage the API gives as a number of percent (12.5 → "12,5 %" in French). */
export function formatPercent(percent: number | null | undefined): string {
  if (percent === null || percent === undefined) return '—';
  return new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 1 }).format(percent / 100);
}

/** A business date (YYYY-MM-DD): a calendar day, shown as such whatever the browser's time zone. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return iso;
  const at = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeZone: 'UTC' }).format(at);
}

/** An instant (ISO 8601), in the browser's time zone. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(at);
}
