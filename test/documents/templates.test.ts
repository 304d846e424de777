import {
  DocumentInputError,
  noticeClaim,
  parseDocumentInput,
  renderTemplate,
  type DocumentInputRaw,
} from '../../connector/documents';
import { formatMoney } from '../../connector/model';
import { consumerInput, documentInput, formalNoticeInput, legalData } from './fixtures';
import { plainSpaces } from './pdf-text';

/** Texts compared with plain spaces: formatMoney writes no-break spaces. */
function render(template: string, input: unknown): { subject: string; text: string; html: string } {
  const r = renderTemplate(template, input);
  return { subject: plainSpaces(r.subject), text: plainSpaces(r.text), html: plainSpaces(r.html) };
}

function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof DocumentInputError) return e.problems;
    throw e;
  }
  throw new Error('expected a DocumentInputError');
}

const TEMPLATES = ['reminder-pre-due', 'reminder-1', 'reminder-2', 'formal-notice'] as const;

function inputFor(template: string, base: DocumentInputRaw = documentInput()): unknown {
  return template === 'formal-notice' ? formalNoticeInput(base) : base;
}

describe('e-mail templates', () => {
  test.each([
    ['reminder-pre-due', 'Rappel : la facture FAC-2025-0044 arrive à échéance le 19/04/2025 — Atelier Durand SAS'],
    ['reminder-1', 'Rappel de paiement : 2 factures échues — 1 590,50 € — Atelier Durand SAS'],
    ['reminder-2', 'Deuxième rappel : 2 factures impayées — 1 590,50 € — Atelier Durand SAS'],
    ['formal-notice', 'Mise en demeure de payer — 1 703,45 € — Atelier Durand SAS'],
  ])('%s subject', (template, subject) => {
    expect(render(template, inputFor(template)).subject).toBe(subject);
  });

  test.each(TEMPLATES)(
    '%s states every overdue invoice with its dates, days late and open amount, in text and HTML',
    (template) => {
      const { text, html } = render(template, inputFor(template));
      expect(text).toContain(
        'Facture FAC-2025-0012 du 10/01/2025, échue le 09/02/2025 (60 jours de retard) : 1 200,00 €',
      );
      expect(text).toContain(
        'Facture FAC-2025-0031 du 03/02/2025, échue le 05/03/2025 (36 jours de retard) : 540,50 €',
      );
      expect(text).toContain('Avoir AV-2025-0003 du 01/03/2025 : -150,00 €');
      for (const cell of [
        'FAC-2025-0012',
        '10/01/2025',
        '09/02/2025',
        '>60<',
        '1 200,00 €',
        'FAC-2025-0031',
        '>36<',
        '540,50 €',
        'AV-2025-0003',
        '-150,00 €',
      ]) {
        expect(html).toContain(cell);
      }
      expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="fr">/);
    },
  );

  test.each(['reminder-1', 'reminder-2'])(
    '%s nets the credit notes: 1 740,50 € overdue - 150,00 € = 1 590,50 €',
    (template) => {
      const { text } = render(template, documentInput());
      expect(text).toContain('Total échu : 1 740,50 €');
      expect(text).toContain('Avoirs déduits : -150,00 €');
      expect(text).toContain('Reste à régler : 1 590,50 €');
    },
  );

  test('the courtesy reminder lists what falls due, and what is already overdue', () => {
    const { text } = render('reminder-pre-due', documentInput());
    expect(text).toContain('Facture FAC-2025-0044 du 20/03/2025, à régler au plus tard le 19/04/2025 : 300,00 €');
    expect(text).toContain('les factures suivantes sont déjà échues');
    expect(text).toContain('Reste à régler : 1 890,50 €');
  });

  test('reminders are courteous: no threat, no legal costs, an invitation to report a dispute', () => {
    const { text } = render('reminder-1', documentInput());
    expect(text).toContain('Sauf erreur ou omission de notre part');
    expect(text).toContain('contestation');
    expect(text).not.toMatch(/mise en demeure|injonction|judiciaire|L441-10/i);
  });

  test("every e-mail says who processes the debtor's data and how to reach them (GDPR)", () => {
    for (const template of TEMPLATES) {
      const { text } = render(template, inputFor(template));
      expect(text).toContain('intérêt légitime (article 6.1.f du RGPD)');
      expect(text).toContain('recouvrement@atelier-durand.example');
      expect(text).toContain('Atelier Durand SAS — 12 rue des Lilas, 69003 Lyon — SIREN 552 100 554');
    }
  });

  test('payment instructions appear when given and not otherwise', () => {
    expect(render('reminder-1', documentInput()).text).toContain(
      'IBAN FR76 3000 6000 0112 3456 7890 189 (BIC AGRIFRPP), en indiquant la référence DUP-2025-001',
    );
    expect(render('reminder-1', documentInput({ payment: undefined })).text).not.toContain('IBAN');
    expect(render('reminder-1', documentInput({ payment: { url: 'https://pay.example/x' } })).text).toContain(
      'régler en ligne : https://pay.example/x',
    );
  });
});

describe('B2B and consumer wording', () => {
  test.each([
    // template, debtor, must contain, must not contain
    [
      'reminder-2',
      'company',
      ['indemnité forfaitaire pour frais de recouvrement de 40,00 € par facture', 'L441-10', 'D441-5'],
      [],
    ],
    ['reminder-2', 'individual', [], ['indemnité', 'L441-10', 'D441-5', 'pénalités', '40,00']],
    [
      'formal-notice',
      'company',
      [
        'Pénalités de retard arrêtées au 10/04/2025 : 32,95 €',
        'Indemnité forfaitaire pour frais de recouvrement (2 × 40,00 €) : 80,00 €',
        'L441-10 II',
        'D441-5',
        'frais et dépens seront sollicités à votre charge',
      ],
      ['1344-1'],
    ],
    [
      'formal-notice',
      'individual',
      ['articles 1231-6 et 1344-1 du Code civil', 'injonction de payer'],
      ['ndemnité forfaitaire', 'L441-10', 'D441-5', 'Pénalités', 'à votre charge', '40,00'],
    ],
  ] as const)('%s to a %s', (template, kind, present, absent) => {
    const base = kind === 'company' ? documentInput() : consumerInput();
    const { text, html } = render(template, inputFor(template, base));
    for (const p of present) {
      expect(text).toContain(p);
      // In HTML the claim's figures sit in table cells: the label is enough there.
      expect(html).toContain((p.split(' : ')[0] ?? p).replace(/'/g, '&#39;'));
    }
    for (const a of absent) {
      expect(text).not.toContain(a);
      expect(html).not.toContain(a);
    }
  });

  test('the fixed indemnity of the second reminder comes from the configured figure, never a constant', () => {
    expect(render('reminder-2', documentInput({ fixedIndemnity: { amount: 4500, currency: 'EUR' } })).text).toContain(
      'de 45,00 € par facture',
    );
    const without = render('reminder-2', documentInput({ fixedIndemnity: undefined })).text;
    expect(without).toContain('indemnité forfaitaire pour frais de recouvrement par facture');
    expect(without).not.toContain('40,00');
  });
});

describe('formal notice cover e-mail', () => {
  test("its totals are computeClaim's, in minor units formatted once", () => {
    const input = formalNoticeInput();
    const claim = input.notice.claim;
    expect([claim.principal, claim.interest, claim.indemnity, claim.total]).toEqual([159050, 3295, 8000, 170345]);
    const { text } = render('formal-notice', input);
    expect(text).toContain(
      `Principal restant dû (net des avoirs) : ${plainSpaces(formatMoney(claim.principal, 'EUR'))}`,
    );
    expect(text).toContain('Total dû : 1 703,45 €');
    expect(text).toContain(
      'nous vous mettons en demeure de nous régler la somme totale de 1 703,45 € dans un délai de 8 jours à compter de la réception de la présente',
    );
    expect(text).toContain('Taux appliqués : 1er semestre 2025 : 13,15 %');
    expect(text).toContain('taux de refinancement de la Banque centrale européenne majoré de 10 points');
    expect(text).toContain(
      'Facture FAC-2025-0012 du 10/01/2025, échue le 09/02/2025 (60 jours de retard) : 1 200,00 €, pénalités de retard 25,94 €, indemnité forfaitaire 40,00 €',
    );
    expect(text).toContain('également adressée ce jour par lettre recommandée');
  });

  test("the deadline is the policy step's", () => {
    expect(render('formal-notice', formalNoticeInput(consumerInput(), {}, { deadlineDays: 15 })).text).toContain(
      'dans un délai de 15 jours',
    );
    expect(render('formal-notice', formalNoticeInput(documentInput(), {}, { deadlineDays: 1 })).text).toContain(
      'dans un délai de 1 jour à compter',
    );
  });

  test('a contractual rate, and the legal floor when it is too low, are named as such', () => {
    const contractual = render(
      'formal-notice',
      formalNoticeInput(documentInput(), { contractualRatePercent: 15 }),
    ).text;
    expect(contractual).toContain('au taux prévu par nos conditions générales de vente');
    expect(contractual).toContain('1er semestre 2025 : 15,00 %');
    // 2025-H1 legal rate "autres cas" 3.71 % × 3 = 11.13 %.
    const floor = render('formal-notice', formalNoticeInput(documentInput(), { contractualRatePercent: 5 })).text;
    expect(floor).toContain("taux minimal de trois fois le taux de l'intérêt légal");
    expect(floor).toContain('1er semestre 2025 : 11,13 %');
  });

  test('a second notice to a consumer shows the legal interest run since the first', () => {
    const { text } = render('formal-notice', formalNoticeInput(consumerInput(), { formalNoticeDate: '2025-03-11' }));
    expect(text).toContain('Intérêts au taux légal arrêtés au 10/04/2025 : 5,31 €');
    expect(text).toContain('déjà courus depuis notre précédente mise en demeure');
    expect(text).toContain('Total dû : 1 595,81 €');
  });

  test('a claim that does not match the listed invoices is refused, with every mismatch', () => {
    const claimForOther = noticeClaim(
      parseDocumentInput(documentInput({ items: [documentInput().items[0]!], creditNotes: [] })),
      legalData(),
    );
    const input = { ...documentInput(), notice: { claim: claimForOther, deadlineDays: 8 } };
    expect(problemsOf(() => renderTemplate('formal-notice', input))).toEqual([
      'notice.claim.invoices: overdue invoice FAC-2025-0031 (id odoo:move:31) is missing from the claim',
      'notice.claim.invoices: credit note AV-2025-0003 (id odoo:move:50) is missing from the claim',
    ]);
    const usd = { ...formalNoticeInput(), currency: 'USD' };
    expect(problemsOf(() => renderTemplate('formal-notice', usd))).toEqual([
      'notice.claim.currency: EUR, but the document is in USD',
    ]);
  });

  test('nothing is demanded when the credit notes cover the overdue invoices', () => {
    const base = documentInput({ creditNotes: [{ id: 'c', number: 'AV-BIG', issueDate: '2025-03-01', open: 200000 }] });
    expect(problemsOf(() => renderTemplate('formal-notice', formalNoticeInput(base)))).toEqual([
      'notice.claim.principal: -25950: the credit notes cover the overdue invoices, there is nothing to demand',
    ]);
  });
});

describe('input problems', () => {
  test('are all listed at once, with their paths', () => {
    const bad = documentInput({
      date: '2025-02-30',
      currency: 'EURO',
      items: [{ id: 'x', number: 'F1', issueDate: '2025-01-10', dueDate: '2025-01-01', total: 100.5, open: 200 }],
    });
    expect(problemsOf(() => renderTemplate('reminder-1', bad))).toEqual(
      expect.arrayContaining([
        'date: "2025-02-30" is not a calendar date written YYYY-MM-DD',
        'currency: currency must be an ISO 4217 code in capitals, e.g. "EUR"',
        'items[0].total: amount must be a whole number of minor units (e.g. 12050 for 120.50 EUR), not a decimal',
      ]),
    );
  });

  test('a reminder with nothing overdue, or a courtesy reminder with nothing to fall due, is refused', () => {
    expect(problemsOf(() => renderTemplate('reminder-1', documentInput({ date: '2025-01-15' })))).toEqual([
      'items: no invoice is overdue at the document date',
    ]);
    expect(problemsOf(() => renderTemplate('reminder-pre-due', documentInput({ date: '2025-06-01' })))).toEqual([
      'items: no invoice is still to fall due at the document date',
    ]);
  });

  test('names are escaped in HTML', () => {
    const input = documentInput({ creditor: { ...documentInput().creditor, name: 'Durand <b>&</b> "Fils"' } });
    const { html, text } = render('reminder-1', input);
    expect(html).toContain('Durand &lt;b&gt;&amp;&lt;/b&gt; &quot;Fils&quot;');
    expect(html).not.toContain('<b>&</b>');
    expect(text).toContain('Durand <b>&</b> "Fils"');
  });

  test('a language without wording yet falls back to French and says so', () => {
    const r = renderTemplate('reminder-1', documentInput({ language: 'de' }));
    expect(r.language).toBe('fr');
    expect(r.subject).toMatch(/^Rappel de paiement/);
  });
});
