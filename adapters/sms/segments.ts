/**
 * How many SMS a text costs. Sources: the GSM 7-bit default alphabet and its extension table
 * (3GPP TS 23.038 §6.2.1), and concatenated SMS, whose 6-octet header leaves 153 septets or
 * 67 UCS-2 characters per part (3GPP TS 23.040 §9.2.3.24.1).
 *
 * French texts fall out of GSM-7 easily: é è à ù are in it, but ê â î ô û ç ë ï are not, and one
 * of them turns the whole message into UCS-2 (70 characters instead of 160).
 */

export type SmsEncoding = 'GSM-7' | 'UCS-2';

/** One message alone, then each part of a concatenated message (septets or UTF-16 units). */
export const SMS_LIMITS = {
  'GSM-7': { single: 160, part: 153 },
  'UCS-2': { single: 70, part: 67 },
} as const;

// 3GPP TS 23.038 §6.2.1.1, positions 0x00–0x7F, the escape (0x1B) left out.
const GSM7_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
// §6.2.1.2: each costs the escape plus itself, two septets, and the pair is never split across parts.
const GSM7_EXTENSION = new Set('\f^{}\\[~]|€');

export interface SmsSegmentation {
  encoding: SmsEncoding;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2) the text takes. */
  units: number;
  /** Messages billed: 0 for an empty text. */
  segments: number;
  /** Capacity of each part for this text: 160/70 alone, 153/67 when concatenated. */
  perSegment: number;
  /** Units still free in the last part. */
  remaining: number;
  /** The characters that forced UCS-2, each once, in order of appearance. */
  nonGsmCharacters: string[];
}

export function segmentSms(text: string): SmsSegmentation {
  // eslint-disable-next-line @typescript-eslint/no-misused-spread -- code points are counted: a surrogate pair costs its two units below
  const chars = [...text];
  const nonGsm = [...new Set(chars.filter((c) => !GSM7_BASIC.has(c) && !GSM7_EXTENSION.has(c)))];
  const encoding: SmsEncoding = nonGsm.length === 0 ? 'GSM-7' : 'UCS-2';
  // A code point beyond U+FFFF (an emoji) takes two UTF-16 units; providers send it as a surrogate pair.
  const costs = chars.map((c) => (encoding === 'GSM-7' ? (GSM7_EXTENSION.has(c) ? 2 : 1) : c.length));
  const units = costs.reduce((a, b) => a + b, 0);
  const limits = SMS_LIMITS[encoding];
  if (units === 0)
    return {
      encoding,
      units,
      segments: 0,
      perSegment: limits.single,
      remaining: limits.single,
      nonGsmCharacters: nonGsm,
    };
  if (units <= limits.single)
    return {
      encoding,
      units,
      segments: 1,
      perSegment: limits.single,
      remaining: limits.single - units,
      nonGsmCharacters: nonGsm,
    };
  let segments = 1;
  let fill = 0;
  for (const cost of costs) {
    if (fill + cost > limits.part) {
      segments++;
      fill = 0;
    }
    fill += cost;
  }
  return {
    encoding,
    units,
    segments,
    perSegment: limits.part,
    remaining: limits.part - fill,
    nonGsmCharacters: nonGsm,
  };
}
