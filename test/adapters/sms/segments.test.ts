import { segmentSms } from '../../../adapters/sms/segments';

describe('SMS segments (3GPP TS 23.038 / 23.040)', () => {
  const a = (n: number) => 'a'.repeat(n);

  it.each([
    ['empty', '', 'GSM-7', 0, 0, 160],
    ['one character', 'a', 'GSM-7', 1, 1, 160],
    ['160 GSM characters fit one SMS', a(160), 'GSM-7', 160, 1, 160],
    ['161 make two parts of 153', a(161), 'GSM-7', 161, 2, 153],
    ['306 = 2 × 153', a(306), 'GSM-7', 306, 2, 153],
    ['307 need a third part', a(307), 'GSM-7', 307, 3, 153],
    ['é è à ù É Ç are GSM-7', 'é è à ù É Ç', 'GSM-7', 11, 1, 160],
    ['€ costs two septets (escape)', '€'.repeat(80), 'GSM-7', 160, 1, 160],
    ['81 € overflow: 76 a part, never a split escape', '€'.repeat(81), 'GSM-7', 162, 2, 153],
    ['an escape pair at a boundary moves whole to the next part', `${a(152)}€${a(152)}`, 'GSM-7', 306, 3, 153],
    ['[ ] { } | ~ ^ \\ each cost two', '[]{}|~^\\', 'GSM-7', 16, 1, 160],
    ['ê turns the text to UCS-2', 'Vous êtes en retard', 'UCS-2', 19, 1, 70],
    ['lower-case ç is not GSM-7', 'reçu', 'UCS-2', 4, 1, 70],
    ['70 UCS-2 characters fit one SMS', 'ê'.repeat(70), 'UCS-2', 70, 1, 70],
    ['71 make two parts of 67', 'ê'.repeat(71), 'UCS-2', 71, 2, 67],
    ['an emoji is two UTF-16 units', '😀'.repeat(35), 'UCS-2', 70, 1, 70],
    ['a surrogate pair is never split across parts', `${'ê'.repeat(66)}😀${'ê'.repeat(66)}`, 'UCS-2', 134, 3, 67],
  ])('%s', (_label, text, encoding, units, segments, perSegment) => {
    expect(segmentSms(text)).toMatchObject({ encoding, units, segments, perSegment });
  });

  it('names the characters that forced UCS-2, once each, in order', () => {
    expect(segmentSms('Relance : vous êtes prié de régler à réception, merci. Ô ê').nonGsmCharacters).toEqual([
      'ê',
      'Ô',
    ]);
    expect(segmentSms('Relance : facture échue, merci de régler.').nonGsmCharacters).toEqual([]);
  });

  it('counts what is left in the last part', () => {
    expect(segmentSms(a(150)).remaining).toBe(10);
    expect(segmentSms(a(161)).remaining).toBe(153 - 8);
  });

  it('a typical French reminder stays in one GSM-7 SMS when it avoids ê, â, î, ô, û, ç', () => {
    const text =
      'ACME : la facture F-2026-0042 de 1 250,00 EUR est échue depuis le 02/03/2026. Merci de régler sous 8 jours. Contact : 01 23 45 67 89';
    expect(segmentSms(text)).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    expect(segmentSms(text.replace('Merci', 'Vous êtes prié'))).toMatchObject({ encoding: 'UCS-2', segments: 3 });
  });
});
