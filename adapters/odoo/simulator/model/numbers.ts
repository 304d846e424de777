/**
 * Arithmetic without global built-ins. Under jest every call to a global (`Math.floor`, `String`,
 * `Number.isInteger`) costs ~300 ns, which turned a 2.6 s seed of 200,000 invoices into 11 s; these
 * operator-only versions keep hot loops fast wherever the model runs.
 */

/** Math.floor for finite numbers. */
export function floor(x: number): number {
  const r = x % 1;
  return r === 0 ? x : x < 0 ? x - r - 1 : x - r;
}

/** Math.round (half up) for finite numbers. */
export function round(x: number): number {
  return floor(x + 0.5);
}

export function isInt(x: number): boolean {
  return x % 1 === 0;
}

/** Math.imul: the low 32 bits of a * b, as a signed int. */
export function imul(a: number, b: number): number {
  const aHi = (a >>> 16) & 0xffff;
  const aLo = a & 0xffff;
  const bHi = (b >>> 16) & 0xffff;
  const bLo = b & 0xffff;
  return (aLo * bLo + (((aHi * bLo + aLo * bHi) << 16) >>> 0)) | 0;
}
