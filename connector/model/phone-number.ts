/**
 * Phone numbers as the SMS contract wants them (E.164) and as logs may show them (masked).
 * A number is personal data: errors and logs carry the masked form only (GDPR minimisation,
 * french-recovery-law.md §9).
 */

/** "+", a country code that does not start with 0, at most 15 digits in all (ITU-T E.164). */
const E164 = /^\+[1-9]\d{6,14}$/;

export function isE164(value: string): boolean {
  return E164.test(value);
}

/**
 * A French number as people write it ("06 12 34 56 78", "0033 6 12…", "+33 (0)6 12…") in E.164;
 * undefined when it is not a 10-digit French number. Foreign numbers must already be E.164.
 */
export function frenchNumberToE164(input: string): string | undefined {
  const compact = input.replace(/\(0\)/g, '').replace(/[\s.\-()]/g, '');
  if (/^0[1-9]\d{8}$/.test(compact)) return `+33${compact.slice(1)}`;
  if (/^0033[1-9]\d{8}$/.test(compact)) return `+33${compact.slice(4)}`;
  if (/^\+33[1-9]\d{8}$/.test(compact)) return compact;
  return undefined;
}

/**
 * Metropolitan French mobile numbers start with 06 or 07 (+336, +337); an SMS to any other
 * French number cannot be delivered. [UNVERIFIED] The numbering plan (ARCEP) is not in the
 * reference sheet, and overseas mobile ranges (+262 6…, +590 6…) are other country codes.
 */
export function isFrenchMobile(e164: string): boolean {
  return /^\+33[67]\d{8}$/.test(e164);
}

/** "+33612345678" → "+336******78": enough to tell two numbers apart, not enough to call one. */
export function maskPhoneNumber(value: string): string {
  const v = value.trim();
  if (v.length <= 6) return '*'.repeat(v.length);
  return `${v.slice(0, 4)}${'*'.repeat(v.length - 6)}${v.slice(-2)}`;
}
