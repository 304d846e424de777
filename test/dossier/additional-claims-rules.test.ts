import { additionalClaimsOf, type AdditionalClaimsInput } from '../../connector/dossier/additional-claims';
import { frDate } from '../../connector/dossier/fr.wording';
import type { ClaimLine } from '../../connector/model/dossier.schema';

/** The pure builder of the dossier's additional claims, on hand-made claims: the edges the worlds do not reach. */

function line(number: string, from: string, to: string, interest: number): ClaimLine {
  return {
    kind: 'invoice',
    number,
    issueDate: '2024-01-01',
    dueDate: from,
    total: 100_000,
    principal: 100_000,
    interest,
    indemnity: 4_000,
    payments: [],
    imputed: [],
    segments: [
      {
        from,
        to,
        days: 1,
        semester: '2024-H1',
        ratePercent: '12.15',
        rateKind: 'l441-10-default',
        base: 100_000,
        interest,
      },
    ],
    prescribesOn: null,
    documentRef: null,
  };
}

function input(over: Partial<AdditionalClaimsInput> = {}): AdditionalClaimsInput {
  return {
    asOf: '2025-02-28',
    claim: {
      currency: 'EUR',
      principal: 100_000,
      indemnity: 4_000,
      lines: [line('F-1', '2024-02-29', '2025-02-28', 12_150)],
    },
    debtorKind: 'company',
    creditorKind: 'company',
    recommendedProcedure: 'assignation_au_fond',
    courtKind: 'tribunal_de_commerce',
    costs: [],
    documents: [],
    takenNames: new Set(),
    ...over,
  };
}

describe('additionalClaimsOf', () => {
  it.each([
    // Interest from 29 Feb 2024 (due 28 Feb): a full year on 28 Feb 2025, 366 days counted.
    ['2024-02-29', '2025-02-28', true, '2025-02-28'],
    ['2024-02-29', '2025-02-27', false, '2025-02-28'],
    // Interest from 1 Mar 2024 (due 29 Feb): a full year on 28 Feb 2025, 365 days counted.
    ['2024-03-01', '2025-02-28', true, '2025-02-28'],
    ['2024-07-01', '2025-06-30', true, '2025-06-30'],
    ['2024-07-01', '2025-06-29', false, '2025-06-30'],
  ])('interest from %s to %s: a full year is %s (on %s)', (from, to, proposed, on) => {
    const { additionalClaims } = additionalClaimsOf(
      input({
        asOf: to,
        claim: { currency: 'EUR', principal: 100_000, indemnity: 4_000, lines: [line('F-1', from, to, 12_150)] },
      }),
    );
    expect(additionalClaims.capitalisation.proposed).toBe(proposed);
    // The reason, in French, writes the date 28/02/2025; the machine field keeps it ISO.
    if (additionalClaims.capitalisation.proposed)
      expect(additionalClaims.capitalisation.invoices[0]!.fullYearOn).toBe(on);
    else expect(additionalClaims.capitalisation.reason).toContain(`l'atteindra le ${frDate(on)}`);
  });

  it('a claim in USD: the penalty rate applies without its EUR minimum, and the CPC 700 amount in EUR is left to the firm', () => {
    const { additionalClaims, warnings } = additionalClaimsOf(
      input({
        claim: { currency: 'USD', principal: 100_001, indemnity: 0, lines: [] },
        termsOfSale: {
          penaltyClause: { percent: '7.5', minimum: 50_000, reference: 'T&C 12' },
          article700: { amount: 100_000 },
        },
      }),
    );
    // 1,000.01 × 7.5 % = 75.00075 → 75.00 USD; the 500.00 EUR minimum is not applied.
    expect(additionalClaims.penaltyClause).toMatchObject({
      ratePercent: '7.50',
      base: 100_001,
      minimum: null,
      amount: 7_500,
    });
    expect(warnings).toEqual([
      'le minimum de la clause pénale est paramétré en EUR et la créance est libellée en USD : seul son taux est appliqué',
    ]);
    expect(additionalClaims.article700).toMatchObject({
      amount: null,
      note: expect.stringContaining('le montant paramétré est en EUR et la créance en USD'),
    });
  });

  it('a creditor who is not a professional claims no complementary indemnity', () => {
    const cost = {
      documentId: 'receipt:1',
      date: '2025-01-10',
      label: 'acte',
      amount: 9_000,
      currency: 'EUR',
      mediaType: 'application/pdf',
      sha256: 'a'.repeat(64),
      journalSeq: 1,
      enteredBy: 'claire',
      enteredAt: '2025-01-10T10:00:00.000Z',
    };
    const { additionalClaims, warnings } = additionalClaimsOf(input({ creditorKind: 'individual', costs: [cost] }));
    expect(additionalClaims.recoveryCosts).toBeNull();
    expect(warnings).toEqual([
      "les frais de recouvrement enregistrés sur le dossier (1 dépense) ne sont pas réclamés : l'indemnisation complémentaire de C. com. L441-10 II n'est due qu'entre professionnels",
    ]);
  });
});
