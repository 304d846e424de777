/**
 * Dates in the French texts (the dossier, the claim's notes): an ISO calendar date written as a
 * French reader writes it, `05/12/2026` (jj/mm/aaaa). Machine fields stay `YYYY-MM-DD`.
 */

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `2026-12-05` → `05/12/2026`; anything else as it is (a date the journal stored in another form). */
export function frDate(value: string): string {
  const m = ISO.exec(value);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : value;
}
