import { computeClaim, type ClaimInput } from '../../connector/claim';
import { DocumentInputError, formalNoticeLetter, noticeClaim, parseDocumentInput } from '../../connector/documents';
import { consumerInput, DATE, documentInput, formalNoticeInput, legalData } from './fixtures';

/** The notice's claim is computeClaim's, on the overdue invoices and the credit notes only. */

function b2bClaimInput(invoices: ClaimInput['invoices']): ClaimInput {
  return {
    creditor: { kind: 'company' },
    debtor: { kind: 'company' },
    currency: 'EUR',
    contractualRatePercent: null,
    formalNoticeDate: null,
    insolvencyOpenedOn: null,
    invoices,
  };
}

describe('noticeClaim', () => {
  test('B2B: principal net of credit notes, L441-10 penalties per invoice, 40 EUR per late invoice', () => {
    const claim = noticeClaim(parseDocumentInput(documentInput()), legalData());
    // 2025-H1 default rate 13.15 % (ECB 3.15 + 10), actual/365, from the day after each due date to 10 April:
    // 1200.00 × 13.15 % × 60 / 365 = 25.94; 540.50 × 13.15 % × 36 / 365 = 7.01.
    expect(claim.invoices.map((i) => [i.id, i.principal, i.interest, i.indemnity])).toEqual([
      ['odoo:move:12', 120000, 2594, 4000],
      ['odoo:move:31', 54050, 701, 4000],
      ['odoo:move:50', -15000, 0, 0],
    ]);
    expect([claim.principal, claim.interest, claim.indemnity, claim.total]).toEqual([159050, 3295, 8000, 170345]);
    // The invoice not yet due (FAC-2025-0044) is not claimed.
    expect(claim.invoices.some((i) => i.id === 'odoo:move:44')).toBe(false);

    const direct = computeClaim(
      b2bClaimInput([
        {
          id: 'odoo:move:12',
          kind: 'invoice',
          total: 120000,
          issueDate: '2025-01-10',
          dueDate: '2025-02-09',
          payments: [],
        },
        {
          id: 'odoo:move:31',
          kind: 'invoice',
          total: 54050,
          issueDate: '2025-02-03',
          dueDate: '2025-03-05',
          payments: [],
        },
        {
          id: 'odoo:move:50',
          kind: 'credit_note',
          total: 15000,
          issueDate: '2025-03-01',
          dueDate: '2025-03-01',
          payments: [],
        },
      ]),
      DATE,
      legalData(),
    );
    expect(claim).toEqual(direct);
  });

  test('with the payment history, interest runs on the full total until each payment, which pays it first (C. civ. 1343-1)', () => {
    const input = documentInput();
    const items = input.items.map((i) =>
      i.number === 'FAC-2025-0031' ? { ...i, payments: [{ date: '2025-03-20', amount: 30000 }] } : i,
    );
    const claim = noticeClaim(parseDocumentInput({ ...input, items }), legalData());
    // 840.50 × 13.15 % × 15 / 365 = 4.5422 → 4.54 accrued on 03-20: the 300.00 pay 4.54 of interest, 295.46 of principal;
    // 545.04 × 13.15 % × 21 / 365 = 4.1236 → 4.12 left; principal 540.50 + 4.54 = 545.04
    expect(claim.invoices.find((i) => i.id === 'odoo:move:31')).toMatchObject({
      principal: 54504,
      interest: 412,
      imputed: [{ date: '2025-03-20', amount: 30000, toInterest: 454, toPrincipal: 29546 }],
    });
    // Principal-first: 4.5422 + 540.50 × 13.15 % × 21 / 365 (4.0893) → 8.63 on the ledger's 540.50
    const principalFirst = noticeClaim(parseDocumentInput({ ...input, items }), legalData(), {
      imputation: 'principal-first',
    });
    expect(principalFirst.invoices.find((i) => i.id === 'odoo:move:31')).toMatchObject({
      principal: 54050,
      interest: 863,
    });
  });

  test('the letter says which payments paid interest first, and its table shows the principal that leaves', () => {
    const base = documentInput();
    const items = base.items.map((i) =>
      i.number === 'FAC-2025-0031' ? { ...i, payments: [{ date: '2025-03-20', amount: 30000 }] } : i,
    );
    const letter = formalNoticeLetter(formalNoticeInput({ ...base, items }));
    const text = JSON.stringify(letter);
    expect(text).toContain(
      "Conformément à l'article 1343-1 du Code civil, vos paiements partiels ont été imputés d'abord sur les pénalités de retard échus à leur date, soit 4,54",
    );
    expect(text).toContain('(FAC-2025-0031)');
    expect(text).toContain('545,04');
    // Without partial payments the sentence is not there.
    expect(JSON.stringify(formalNoticeLetter(formalNoticeInput()))).not.toContain('1343-1');
    // A claim whose principal does not match the items plus the interest paid first is refused.
    const claim = noticeClaim(parseDocumentInput({ ...base, items }), legalData(), { imputation: 'principal-first' });
    const forged = {
      ...formalNoticeInput({ ...base, items }),
      notice: {
        ...formalNoticeInput({ ...base, items }).notice,
        claim: {
          ...claim,
          invoices: claim.invoices.map((i) => (i.id === 'odoo:move:31' ? { ...i, principal: 54504 } : i)),
          principal: claim.principal + 454,
        },
      },
    };
    expect(() => formalNoticeLetter(forged)).toThrow(
      /invoice FAC-2025-0031 has 54504 open in the claim but 54050 in the items/,
    );
  });

  test('a payment history that does not add up to the open amount is refused', () => {
    const input = documentInput();
    const items = input.items.map((i) =>
      i.number === 'FAC-2025-0031' ? { ...i, payments: [{ date: '2025-03-20', amount: 1 }] } : i,
    );
    expect(() => parseDocumentInput({ ...input, items })).toThrow(
      'items[1].payments: total minus the listed payments must equal the open amount',
    );
  });

  test('consumer: no penalties and no indemnity; legal interest only from an earlier notice', () => {
    const first = noticeClaim(parseDocumentInput(consumerInput()), legalData());
    expect([first.principal, first.interest, first.indemnity, first.total]).toEqual([159050, 0, 0, 159050]);
    const second = noticeClaim(parseDocumentInput(consumerInput()), legalData(), { formalNoticeDate: '2025-03-11' });
    // 2025-H1 legal rate "autres cas" 3.71 %: 1200.00 × 30 days → 3.66; 540.50 × 30 days → 1.65.
    expect([second.interest, second.indemnity]).toEqual([366 + 165, 0]);
  });

  test('a claim that cannot be computed is reported as a document problem', () => {
    const input = parseDocumentInput(documentInput({ currency: 'JPY' }));
    expect(() => noticeClaim({ ...input, date: '2031-01-10' }, legalData())).toThrow(/no rate configured for semester/);
    expect(() => noticeClaim({ ...input, items: input.items.map((i) => ({ ...i, id: 'same' })) }, legalData())).toThrow(
      DocumentInputError,
    );
  });
});
