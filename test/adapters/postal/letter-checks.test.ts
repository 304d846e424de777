import { addressProblems, pdfProblems } from '../../../adapters/postal/letter-checks';
import type { PostalAddress } from '../../../connector/ports/postal';
import { textPdf } from '../../../adapters/postal/simulator/proof-pdf';

const ok: PostalAddress = {
  name: 'SARL DUPONT BATIMENT',
  addressLines: ['Service comptabilité', '12 RUE DES LILAS'],
  postalCode: '69003',
  city: 'LYON',
  country: 'FR',
};

describe('address checks (NF Z10-011 figures, unverified)', () => {
  it.each([
    ['a French address', {}, []],
    ['38 characters on a line', { addressLines: ['x'.repeat(38)] }, []],
    ['six lines in all (name, 4 lines, postcode city)', { addressLines: ['a', 'b', 'c', 'd'] }, []],
    ['a British postcode abroad', { postalCode: 'SW1A 1AA', city: 'LONDON', country: 'GB' }, []],
    ['no postcode abroad (Hong Kong)', { postalCode: '', city: 'HONG KONG', country: 'HK' }, []],
    [
      '39 characters on a line',
      { addressLines: ['x'.repeat(39)] },
      ['recipient.addressLines[0] has 39 characters; an address line holds at most 38 (NF Z10-011)'],
    ],
    [
      'seven lines',
      { addressLines: ['a', 'b', 'c', 'd', 'e'] },
      ['recipient: the address takes 7 lines (name, 5 address lines, postcode and city); at most 6 (NF Z10-011)'],
    ],
    [
      'a 4-digit French postcode',
      { postalCode: '7500' },
      ['recipient.postalCode "7500" is not a French postcode (5 digits)'],
    ],
    [
      'letters in a French postcode',
      { postalCode: '75OO2' },
      ['recipient.postalCode "75OO2" is not a French postcode (5 digits)'],
    ],
    ['no street line', { addressLines: [] }, ['recipient.addressLines is empty: give at least the street line']],
    ['a blank line', { addressLines: ['  '] }, ['recipient.addressLines[0] is empty']],
    [
      'a line break inside a line',
      { addressLines: ['12 rue\ndes Lilas'] },
      ['recipient.addressLines[0] contains a line break or control character'],
    ],
    [
      'a lower-case country',
      { country: 'fr' },
      ['recipient.country "fr" is not an ISO 3166-1 alpha-2 code such as FR'],
    ],
    [
      'a city that fits but not beside its postcode',
      { city: 'C'.repeat(33) },
      ['recipient: the line "postcode city" has 39 characters; at most 38 (NF Z10-011)'],
    ],
    ['a city that fits beside its postcode', { city: 'C'.repeat(32) }, []],
  ])('%s', (_label, change, problems) => {
    expect(addressProblems({ ...ok, ...change }, 'recipient')).toEqual(problems);
  });

  it('reports every problem at once, naming fields, never the address text', () => {
    const problems = addressProblems(
      {
        name: '',
        addressLines: ['Chez Madame Martine Durand-Lefebvre-Dupont', 'b', 'c', 'd', 'e'],
        postalCode: '123',
        city: 'PARIS',
        country: 'FR',
      },
      'sender',
    );
    expect(problems).toHaveLength(4);
    expect(problems.every((p) => p.startsWith('sender'))).toBe(true);
    expect(problems.join(' ')).not.toContain('Martine');
  });
});

describe('PDF checks', () => {
  const pdf = textPdf('Mise en demeure', ['Mise en demeure de payer']);
  it.each([
    ['a valid PDF', pdf, []],
    ['trailing bytes after %%EOF (tolerated within 1024)', Buffer.concat([pdf, Buffer.alloc(500, 0x20)]), []],
    ['an empty buffer', Buffer.alloc(0), ['the PDF is empty']],
    [
      'a Word document',
      Buffer.from('PK\u0003\u0004word/document.xml'),
      ['the document is not a PDF: it does not start with "%PDF-"'],
    ],
    ['a truncated PDF', pdf.subarray(0, pdf.length - 40), ['the PDF is truncated: no "%%EOF" marker at its end']],
    [
      'too large',
      Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(3_000, 0x20), Buffer.from('%%EOF\n')]),
      ['the PDF has 3015 bytes; `maxPdfBytes` allows 2048'],
    ],
  ])('%s', (_label, buffer, problems) => {
    expect(pdfProblems(buffer, 2_048)).toEqual(problems);
  });
});

describe('the simulator proof writer makes a structurally valid PDF', () => {
  const pdf = textPdf('Avis de réception', [
    'Avis de réception (lettre recommandée)',
    'Numéro : 1A00000000001',
    'Chemin C:\\courrier',
    '€ hors Latin-1',
  ]);
  const text = pdf.toString('latin1');

  it('header, every xref offset on its object, startxref on the table, %%EOF last', () => {
    expect(text.startsWith('%PDF-1.4\n')).toBe(true);
    expect(text.endsWith('%%EOF\n')).toBe(true);
    const startxref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(text)![1]);
    expect(text.slice(startxref, startxref + 5)).toBe('xref\n');
    const entries = text.slice(startxref).split('\n').slice(2, 9);
    expect(entries[0]).toBe('0000000000 65535 f ');
    entries.slice(1).forEach((entry, i) => {
      expect(entry).toMatch(/^\d{10} 00000 n $/);
      expect(text.slice(Number(entry.slice(0, 10))).startsWith(`${i + 1} 0 obj\n`)).toBe(true);
    });
  });

  it('the content stream is as long as its /Length says; text is WinAnsi with escapes', () => {
    const m = /<< \/Length (\d+) >>\nstream\n/.exec(text)!;
    const start = m.index + m[0].length;
    expect(text.slice(start + Number(m[1]), start + Number(m[1]) + 10)).toBe('\nendstream');
    expect(pdf.includes(Buffer.from('(Avis de r\xe9ception \\(lettre recommand\xe9e\\)) Tj', 'latin1'))).toBe(true);
    expect(text).toContain('(Chemin C:\\\\courrier) Tj');
    expect(text).toContain('(? hors Latin-1) Tj');
  });
});
