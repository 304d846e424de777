/**
 * The alphanumeric sender an SMS shows instead of a number ("RECOUVRA").
 *
 * 11 characters at most: an alphanumeric originating address is 7-bit packed into 10 octets
 * (3GPP TS 23.040 §9.1.2.5). Letters and digits only, at least one letter, because French
 * operators refuse spaces and punctuation and read an all-digit sender as a number.
 * [UNVERIFIED] The French operator rules (character set, registration of senders with the
 * provider) are not in the reference sheet; providers document them in their own terms.
 */
export const SENDER_ID_MAX = 11;

export function senderIdProblem(value: string): string | undefined {
  if (value.length === 0) return 'the sender id must not be empty';
  if (value.length > SENDER_ID_MAX)
    return `the sender id "${value}" has ${value.length} characters; French operators accept at most ${SENDER_ID_MAX}`;
  if (!/^[A-Za-z0-9]+$/.test(value))
    return `the sender id "${value}" may hold only letters A–Z and digits (no spaces, accents or punctuation)`;
  if (!/[A-Za-z]/.test(value))
    return `the sender id "${value}" needs at least one letter: an all-digit sender reads as a phone number`;
  return undefined;
}
