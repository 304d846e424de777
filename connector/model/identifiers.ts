/**
 * French company identifiers (reference: french-recovery-law.md §10).
 * SIREN is 9 digits, SIRET 14 (SIREN + 5-digit NIC); both pass the Luhn checksum,
 * except La Poste (SIREN 356000000), whose SIRETs do not.
 */

const LA_POSTE_SIREN = '356000000';

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export function isValidSiren(value: string): boolean {
  return /^\d{9}$/.test(value) && luhnValid(value);
}

export function isValidSiret(value: string): boolean {
  if (!/^\d{14}$/.test(value)) return false;
  // La Poste establishments do not follow Luhn (reference §10, [M]); accept them as the
  // Annuaire des Entreprises does.
  if (value.startsWith(LA_POSTE_SIREN)) return true;
  return luhnValid(value);
}

/** FR + 2-digit key + SIREN, key = (12 + 3 × (SIREN mod 97)) mod 97 (reference §10, [M]: verify before relying on it). */
export function frenchVatFromSiren(siren: string): string {
  const key = (12 + 3 * (Number(siren) % 97)) % 97;
  return `FR${String(key).padStart(2, '0')}${siren}`;
}

export function isValidFrenchVat(value: string): boolean {
  const m = /^FR(\d{2})(\d{9})$/.exec(value);
  if (!m) return false;
  return frenchVatFromSiren(m[2]!) === value;
}
