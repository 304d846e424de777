import {
  DocumentInputError,
  formalNoticeLetter,
  renderFormalNoticePdf,
  toWinAnsi,
  type DocumentInputRaw,
} from '../../connector/documents';
import { consumerInput, documentInput, formalNoticeInput } from './fixtures';
import { readPdf } from './pdf-text';

/** The formal notice letter as PDF: what French practice expects it to say, and stable bytes. */

describe('formal notice PDF', () => {
  test('the same input gives the same bytes; another date gives others', async () => {
    const a = await renderFormalNoticePdf(formalNoticeInput());
    const b = await renderFormalNoticePdf(formalNoticeInput());
    expect(a.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(a.equals(b)).toBe(true);
    const later = await renderFormalNoticePdf(formalNoticeInput(documentInput({ date: '2025-04-11' })));
    expect(later.equals(a)).toBe(false);
  });

  test('its creation date and title come from the input, not the clock', async () => {
    const read = await readPdf(await renderFormalNoticePdf(formalNoticeInput()));
    expect(read.info).toMatchObject({
      CreationDate: 'D:20250410000000Z',
      Title: 'Mise en demeure de payer',
      Author: 'Atelier Durand SAS',
      Producer: 'Recouvra',
    });
  });

  test('a letter to a company says what French practice expects (reference §5, §1.2, §1.5)', async () => {
    const { text, pages } = await readPdf(await renderFormalNoticePdf(formalNoticeInput()));
    const expected = [
      // creditor and debtor identified
      'Atelier Durand SAS',
      '12 rue des Lilas',
      'SIREN 552 100 554',
      'recouvrement@atelier-durand.example',
      'Dupont Industrie SAS',
      '3 avenue de la Gare',
      '38000 Grenoble',
      'SIREN 812 345 676',
      // how it is sent, the words "mise en demeure"
      'Lettre recommandée avec demande d’avis de réception',
      'MISE EN DEMEURE DE PAYER',
      'Objet : Mise en demeure de payer',
      // origin of the debt: invoices with numbers and dates
      'FAC-2025-0012',
      '10/01/2025',
      '09/02/2025',
      'FAC-2025-0031',
      '03/02/2025',
      '05/03/2025',
      'AV-2025-0003',
      // amount broken down, as of the date, with its legal basis
      'Principal restant dû (net des avoirs)',
      '1 590,50 €',
      'Pénalités de retard arrêtées au 10/04/2025',
      '32,95 €',
      'Indemnité forfaitaire pour frais de recouvrement (2 × 40,00 €)',
      '80,00 €',
      'Total dû',
      '1 703,45 €',
      'article L441-10 II du Code de commerce',
      'articles L441-10 II et D441-5 du Code de commerce',
      '13,15 %',
      // deadline, payment, consequences, legal effect
      'dans un délai de 8 jours à compter de la réception de la présente',
      'IBAN FR76 3000 6000 0112 3456 7890 189',
      'injonction de payer (articles 1405 et suivants du Code de procédure civile)',
      'frais et dépens seront sollicités à votre charge',
      'article 1344 du Code civil',
      // date, place, signature
      'À Lyon, le 10 avril 2025',
      'Fait à Lyon, le 10 avril 2025',
      'Claire Durand',
      'Présidente',
    ];
    const flat = text.replace(/\s+/g, ' ');
    for (const s of expected) expect(flat).toContain(s);
    expect(flat).not.toContain('1344-1');
    expect(pages).toBeGreaterThanOrEqual(1);
    expect(flat).toMatch(new RegExp(`Page 1/${pages}`));
  });

  test('a letter to a consumer claims no penalties, no fixed indemnity and no costs; interest at the legal rate from the notice', async () => {
    const { text } = await readPdf(
      await renderFormalNoticePdf(formalNoticeInput(consumerInput(), {}, { deadlineDays: 15, signatory: undefined })),
    );
    const flat = text.replace(/\s+/g, ' ');
    expect(flat).toContain('Jeanne Martin');
    expect(flat).toContain('articles 1231-6 et 1344-1 du Code civil');
    expect(flat).toContain('dans un délai de 15 jours');
    expect(flat).toContain('Total dû 1 590,50 €');
    expect(flat).toContain('Le service recouvrement');
    for (const absent of ['D441-5', 'L441-10', 'ndemnité forfaitaire', 'Pénalités', 'à votre charge', 'SIREN 8'])
      expect(flat).not.toContain(absent);
  });

  test('a long statement runs over several numbered pages and keeps every invoice', async () => {
    const items = Array.from({ length: 70 }, (_, i) => ({
      id: `m${i}`,
      number: `FAC-2024-${String(i + 1).padStart(4, '0')}`,
      issueDate: '2025-01-02',
      dueDate: '2025-02-01',
      total: 10_000 + i,
      open: 10_000 + i,
    }));
    const base: DocumentInputRaw = documentInput({ items, creditNotes: [] });
    const { text, pages } = await readPdf(await renderFormalNoticePdf(formalNoticeInput(base)));
    expect(pages).toBeGreaterThanOrEqual(3);
    for (const item of items) expect(text).toContain(item.number);
    for (let p = 1; p <= pages; p++) expect(text).toContain(`Page ${p}/${pages}`);
  });

  test("a letter needs the debtor's postal address", () => {
    const base = documentInput({
      debtor: { name: 'Dupont Industrie SAS', kind: 'company', emails: ['compta@dupont-industrie.example'] },
    });
    expect(() => formalNoticeLetter(formalNoticeInput(base))).toThrow(DocumentInputError);
    expect(() => formalNoticeLetter(formalNoticeInput(base))).toThrow(
      "debtor.address: a formal notice letter needs the debtor's postal address",
    );
  });

  test('the letter content: sender and recipient blocks, mentions, default signatory, e-mail only', () => {
    const letter = formalNoticeLetter(
      formalNoticeInput(consumerInput(), {}, { signatory: undefined, sentBy: ['email'], place: 'Villeurbanne' }),
    );
    expect(letter.sender).toEqual([
      'Atelier Durand SAS',
      '12 rue des Lilas',
      '69003 Lyon',
      'SIREN 552 100 554',
      'recouvrement@atelier-durand.example',
      '04 72 00 00 00',
    ]);
    expect(letter.recipient).toEqual(['Jeanne Martin', '8 impasse des Roses', '69100 Villeurbanne']);
    expect(letter.mentions).toEqual(['Copie adressée par courrier électronique', 'Réf. : DUP-2025-001']);
    expect(letter.signature).toEqual([
      'Fait à Villeurbanne, le 10 avril 2025',
      'Le service recouvrement',
      'Atelier Durand SAS',
    ]);
  });
});

describe('toWinAnsi', () => {
  test.each([
    ['1\u202F234,50\u00A0€', '1\u00A0234,50\u00A0€'],
    ['Société Générale d’Équipement « Œuvre »', 'Société Générale d’Équipement « Œuvre »'],
    ['−40,00 €', '-40,00 €'],
    ['Łódź Spółka', '?ódz Spó?ka'],
    ['Ärzte 日本', 'Ärzte ??'],
  ])('%j → %j', (input, output) => {
    expect(toWinAnsi(input)).toBe(output);
  });
});
