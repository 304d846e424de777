/**
 * Interest rates as integer basis points (1 % = 100 bp, 12.15 % = 1215 bp).
 *
 * Rates are published with two decimals (arrêtés on the taux de l'intérêt légal, ECB
 * press releases). Going through the decimal string keeps them exact: no interest is ever
 * computed on a float.
 */

const PERCENT = /^(\d{1,3})(?:\.(\d{1,2}))?$/;

/**
 * `"12.15"` or `12.15` → 1215; null when the value is not a non-negative percentage with at
 * most two decimals. A number is read through its shortest decimal form (`String(2.15)` is
 * `"2.15"`), which is exactly what YAML or JSON held.
 */
export function percentToBasisPoints(value: string | number): number | null {
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value.trim();
  const m = PERCENT.exec(text);
  if (!m) return null;
  const whole = Number(m[1]);
  const fraction = Number((m[2] ?? '').padEnd(2, '0'));
  return whole * 100 + fraction;
}

/** 1215 → `"12.15"` (display and messages). */
export function formatBasisPoints(bps: number): string {
  const sign = bps < 0 ? '-' : '';
  const abs = Math.abs(bps);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** 1215 → 12.15, for JSON output only; never computed with. */
export function basisPointsToPercent(bps: number): number {
  return Number(formatBasisPoints(bps));
}
