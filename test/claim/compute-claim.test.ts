/**
 * Worked cases for computeClaim. Each expectation was computed by hand in the comment above
 * it; rates are those of config/legal/fr/rates.yaml:
 *   L441-10 default (ECB + 10): 2023-H1 12.50, 2023-H2 14.00, 2024-H1 14.50, 2024-H2 14.25,
 *   2025-H1 13.15, 2025-H2 12.15, 2026-H1 12.15;
 *   legal rate "autres cas": 2024-H1 5.07, 2024-H2 4.92, 2025-H1 3.71, 2025-H2 2.76;
 *   legal rate, private-individual creditor: 2025-H1 7.21.
 * Amounts are cents; "days" are due+1 … as-of inclusive.
 */
import { computeClaim, loadFrenchLegalData, MissingRateError, type ClaimResult } from '../../connector/claim';
import { claimInput, creditNote, invoice } from './fixtures';
import { parseClaimInput } from '../../connector/claim/claim-input.schema';

const legal = loadFrenchLegalData();

function only(result: ClaimResult) {
  expect(result.invoices).toHaveLength(1);
  return result.invoices[0]!;
}

describe('computeClaim — between professionals (L441-10)', () => {
  test('single invoice within one semester', () => {
    // due 2025-02-10, as-of 2025-03-01: 2025-02-11 … 2025-03-01 = 18 + 1 = 19 days in 2025-H1 at 13.15 %
    // on 1200.00 € = 1200.00 × 0.1315 × 19/365 = 8.214247 → 8.21 €; + 40 € (D441-5)
    const r = computeClaim(claimInput([invoice('F1', 120000, '2025-01-10', '2025-02-10')]), '2025-03-01', legal);
    const f1 = only(r);
    expect(f1.segments).toEqual([
      expect.objectContaining({
        from: '2025-02-11',
        to: '2025-03-01',
        days: 19,
        ratePercent: 13.15,
        base: 120000,
        interest: 821,
        semester: '2025-H1',
        rateKind: 'l441-10-default',
      }),
    ]);
    expect(f1).toMatchObject({ id: 'F1', principal: 120000, interest: 821, indemnity: 4000 });
    expect(r).toMatchObject({
      currency: 'EUR',
      principal: 120000,
      interest: 821,
      indemnity: 4000,
      total: 124821,
      rule: 'C. com. L441-10 (between professionals)',
    });
    expect(Object.keys(r).slice(0, 7)).toEqual([
      'currency',
      'principal',
      'interest',
      'indemnity',
      'total',
      'invoices',
      'warnings',
    ]);
    expect(Object.keys(f1).slice(0, 5)).toEqual(['id', 'principal', 'interest', 'indemnity', 'segments']);
    expect(Object.keys(f1.segments[0]!).slice(0, 6)).toEqual(['from', 'to', 'days', 'ratePercent', 'base', 'interest']);
    expect(r.warnings).toEqual([]);
  });

  test('a run split at the 1 July semester boundary', () => {
    // due 2025-06-15, as-of 2025-07-20, 1000.00 €:
    //   2025-06-16 … 06-30 = 15 days at 13.15 %: 1000 × 0.1315 × 15/365 = 5.404110
    //   2025-07-01 … 07-20 = 20 days at 12.15 %: 1000 × 0.1215 × 20/365 = 6.657534
    //   sum 12.061644 → 12.06 €
    const f1 = only(computeClaim(claimInput([invoice('F1', 100000, '2025-05-15', '2025-06-15')]), '2025-07-20', legal));
    expect(f1.segments.map((s) => [s.from, s.to, s.days, s.ratePercent, s.interest])).toEqual([
      ['2025-06-16', '2025-06-30', 15, 13.15, 540],
      ['2025-07-01', '2025-07-20', 20, 12.15, 666],
    ]);
    expect(f1.interest).toBe(1206);
  });

  test('several semesters across years 2023 → 2024 (leap year, actual/365)', () => {
    // due 2023-05-31, as-of 2024-03-15, 5000.00 €:
    //   2023-06-01 … 06-30 =  30 days at 12.50 %: 5000 × 0.125 × 30/365  =  51.369863
    //   2023-07-01 … 12-31 = 184 days at 14.00 %: 5000 × 0.14  × 184/365 = 352.876712
    //   2024-01-01 … 03-15 =  31 + 29 + 15 = 75 days at 14.50 %: 5000 × 0.145 × 75/365 = 148.972603
    //   sum 553.219178 → 553.22 €
    const f1 = only(computeClaim(claimInput([invoice('F1', 500000, '2023-05-01', '2023-05-31')]), '2024-03-15', legal));
    expect(f1.segments.map((s) => [s.semester, s.days, s.ratePercent, s.interest, s.yearDays])).toEqual([
      ['2023-H1', 30, 12.5, 5137, 365],
      ['2023-H2', 184, 14, 35288, 365],
      ['2024-H1', 75, 14.5, 14897, 365],
    ]);
    expect(f1.interest).toBe(55322);
  });

  test('partial payments lower the base from the day after they are received, interest first (C. civ. 1343-1)', () => {
    // 1200.00 € due 2025-02-10; 200.00 € on 2025-03-01, 500.00 € on 2025-04-15; as-of 2025-05-31; 13.15 %:
    //   2025-02-11 … 03-01 = 19 days on 1200.00: 1200 × 0.1315 × 19/365 = 8.214247 → 8.21 € accrued on 03-01
    //     the 200.00 € pay 8.21 € of interest and 191.79 € of principal: base 1008.21 €
    //   2025-03-02 … 04-15 = 30 + 15 = 45 days on 1008.21: 1008.21 × 0.1315 × 45/365 = 16.345432 → 16.35 € on 04-15
    //     the 500.00 € pay 16.35 € of interest and 483.65 € of principal: base 524.56 €
    //   2025-04-16 … 05-31 = 15 + 31 = 46 days on 524.56: 524.56 × 0.1315 × 46/365 = 8.693324 → 8.69 € unpaid
    //   principal 524.56 + interest 8.69 + 40.00 = 573.25 €
    const input = claimInput([
      invoice('F1', 120000, '2025-01-10', '2025-02-10', [
        { date: '2025-04-15', amount: 50000 },
        { date: '2025-03-01', amount: 20000 },
      ]),
    ]);
    const r = computeClaim(input, '2025-05-31', legal);
    const f1 = only(r);
    expect(r.imputation).toBe('interest-first');
    expect(f1.segments.map((s) => [s.from, s.to, s.days, s.base, s.interest])).toEqual([
      ['2025-02-11', '2025-03-01', 19, 120000, 821],
      ['2025-03-02', '2025-04-15', 45, 100821, 1635],
      ['2025-04-16', '2025-05-31', 46, 52456, 869],
    ]);
    expect(f1.imputed).toEqual([
      { date: '2025-03-01', amount: 20000, toInterest: 821, toPrincipal: 19179 },
      { date: '2025-04-15', amount: 50000, toInterest: 1635, toPrincipal: 48365 },
    ]);
    expect(f1).toMatchObject({ principal: 52456, interest: 869, indemnity: 4000 });
    expect(r.total).toBe(57325);
    // Principal-first (the creditor's option): the payments lower the base by their whole amount:
    //   8.214247 + 1000 × 0.1315 × 45/365 (16.212329) + 500 × 0.1315 × 46/365 (8.286301) = 32.712877 → 32.71 €
    const p = computeClaim(input, '2025-05-31', legal, { imputation: 'principal-first' });
    expect(only(p).segments.map((s) => [s.base, s.interest])).toEqual([
      [120000, 821],
      [100000, 1621],
      [50000, 829],
    ]);
    expect(only(p)).toMatchObject({ principal: 50000, interest: 3271, indemnity: 4000 });
    expect(p.total).toBe(57271);
  });

  test('a payment on the due date lowers the base from the first late day', () => {
    // 1000.00 € due 2025-03-31, 400.00 € paid on 2025-03-31, as-of 2025-04-30:
    //   2025-04-01 … 04-30 = 30 days on 600.00 at 13.15 %: 600 × 0.1315 × 30/365 = 6.484932 → 6.48 €
    //   the rest was late, so the 40 € indemnity is due.
    const f1 = only(
      computeClaim(
        claimInput([invoice('F1', 100000, '2025-03-01', '2025-03-31', [{ date: '2025-03-31', amount: 40000 }])]),
        '2025-04-30',
        legal,
      ),
    );
    expect(f1.segments).toHaveLength(1);
    expect(f1.segments[0]).toMatchObject({ from: '2025-04-01', base: 60000, days: 30 });
    expect(f1).toMatchObject({ principal: 60000, interest: 648, indemnity: 4000 });
  });

  test('an invoice paid in full on its due date owes nothing more', () => {
    const r = computeClaim(
      claimInput([invoice('F1', 100000, '2025-03-01', '2025-03-31', [{ date: '2025-03-31', amount: 100000 }])]),
      '2025-04-30',
      legal,
    );
    expect(only(r)).toMatchObject({ principal: 0, interest: 0, indemnity: 0, segments: [] });
    expect(r.total).toBe(0);
  });

  test('a late invoice paid its price: the payment paid the interest first, the price left keeps accruing, and the 40 € stays', () => {
    // 1000.00 € due 2025-01-31, 1000.00 € paid on 2025-03-02, as-of 2025-06-30, 13.15 %:
    //   2025-02-01 … 03-02 = 28 + 2 = 30 days (the payment day counts): 1000 × 0.1315 × 30/365 = 10.808219 → 10.81 €
    //   C. civ. 1343-1: the 1000.00 € pay 10.81 € of interest and 989.19 € of principal: 10.81 € of the price is still owed
    //   2025-03-03 … 06-30 = 120 days on 10.81: 10.81 × 0.1315 × 120/365 = 0.467347 → 0.47 €
    //   principal 10.81 + interest 0.47 + 40.00 = 51.28 €
    const input = claimInput([
      invoice('F1', 100000, '2025-01-15', '2025-01-31', [{ date: '2025-03-02', amount: 100000 }]),
    ]);
    const r = computeClaim(input, '2025-06-30', legal);
    const f1 = only(r);
    expect(f1.segments.map((s) => [s.from, s.to, s.days, s.base])).toEqual([
      ['2025-02-01', '2025-03-02', 30, 100000],
      ['2025-03-03', '2025-06-30', 120, 1081],
    ]);
    expect(f1.imputed).toEqual([{ date: '2025-03-02', amount: 100000, toInterest: 1081, toPrincipal: 98919 }]);
    expect(f1).toMatchObject({ principal: 1081, interest: 47, indemnity: 4000 });
    expect(r.total).toBe(5128);
    // Principal-first: the payment settles the price on its day; 10.81 € of interest and the 40 € remain: 50.81 €.
    const p = computeClaim(input, '2025-06-30', legal, { imputation: 'principal-first' });
    expect(only(p).segments.map((s) => [s.from, s.to, s.days])).toEqual([['2025-02-01', '2025-03-02', 30]]);
    expect(only(p)).toMatchObject({ principal: 0, interest: 1081, indemnity: 4000 });
    expect(p.total).toBe(5081);
  });

  test('a credit note nets the principal and bears no interest or indemnity', () => {
    // F1 1000.00 € due 2025-03-31, as-of 2025-04-30: 30 days at 13.15 % = 10.808219 → 10.81 €, + 40 €
    // A1 credit note 300.00 € → principal −300.00 €
    // principal 1000 − 300 = 700.00 €; total 700.00 + 10.81 + 40.00 = 750.81 €
    const r = computeClaim(
      claimInput([invoice('F1', 100000, '2025-03-01', '2025-03-31'), creditNote('A1', 30000, '2025-04-10')]),
      '2025-04-30',
      legal,
    );
    expect(r.invoices[1]).toMatchObject({
      id: 'A1',
      kind: 'credit_note',
      principal: -30000,
      interest: 0,
      indemnity: 0,
      segments: [],
      prescription: null,
    });
    expect(r).toMatchObject({ principal: 70000, interest: 1081, indemnity: 4000, total: 75081 });
    expect(r.warnings).toEqual([
      expect.stringMatching(
        /^A1 : l'avoir vient en déduction du principal mais ne réduit l'assiette des intérêts d'aucune facture ; /,
      ),
    ]);
  });

  test('a credit note that relates to an invoice comes off its interest base from the day after its date', () => {
    // F1 8000.00 € due 2025-01-31, A1 1000.00 € credit note of F1 dated 2025-03-01, as-of 2025-04-30, 2025-H1 at 13.15 %:
    //   2025-02-01 … 2025-03-01: 29 days on 8000 € = 8000 × 0.1315 × 29/365 = 83.583562
    //   2025-03-02 … 2025-04-30: 60 days on 7000 € = 7000 × 0.1315 × 60/365 = 151.315068
    //   interest 234.898630 → 234.90 €; principal 7000.00 €; + 40 €; A1 nets nothing more
    // Without the relation the interest ran on 8000 € for 89 days: 256.515068 → 256.52 € (21.62 € too much).
    const credit = { ...creditNote('A1', 100_000, '2025-03-01'), relatesTo: 'F1' };
    const r = computeClaim(
      claimInput([invoice('F1', 800_000, '2025-01-01', '2025-01-31'), credit]),
      '2025-04-30',
      legal,
    );
    expect(r.invoices[0]).toMatchObject({
      id: 'F1',
      principal: 700_000,
      interest: 23_490,
      indemnity: 4000,
      credited: [{ id: 'A1', date: '2025-03-01', amount: 100_000 }],
    });
    expect(r.invoices[0]!.segments.map((x) => [x.from, x.to, x.base])).toEqual([
      ['2025-02-01', '2025-03-01', 800_000],
      ['2025-03-02', '2025-04-30', 700_000],
    ]);
    expect(r.invoices[1]).toMatchObject({ id: 'A1', principal: 0, interest: 0 });
    expect(r).toMatchObject({ principal: 700_000, interest: 23_490, indemnity: 4000, total: 727_490 });
    expect(r.warnings).toEqual([]);
    const unrelated = computeClaim(
      claimInput([invoice('F1', 800_000, '2025-01-01', '2025-01-31'), creditNote('A1', 100_000, '2025-03-01')]),
      '2025-04-30',
      legal,
    );
    expect(unrelated).toMatchObject({ principal: 700_000, interest: 25_652 });
  });

  test('a credit note larger than what its invoice still owes nets only the rest; one dated after as-of is ignored', () => {
    // F1 1000.00 € due 2025-03-31, 700.00 € paid on 2025-04-05, A1 500.00 € of F1 on 2025-04-10, as-of 2025-04-30, 13.15 %:
    //   2025-04-01 … 04-05  5 d on 1000.00 = 1.801370 → 1.80 €: the 700.00 € pay 1.80 € of interest, 698.20 € of principal
    //   2025-04-06 … 04-10  5 d on 301.80 = 301.80 × 0.1315 × 5/365 = 0.543636 → 0.54 €
    //   A1 takes the 301.80 € F1 still owes on 04-10; its other 198.20 € net the total; nothing accrues after
    //   total: 0.00 + 0.54 + 40.00 − 198.20 = −157.66 €
    const input = claimInput([
      invoice('F1', 100_000, '2025-03-01', '2025-03-31', [{ date: '2025-04-05', amount: 70_000 }]),
      { ...creditNote('A1', 50_000, '2025-04-10'), relatesTo: 'F1' },
      { ...creditNote('A2', 10_000, '2025-05-10'), relatesTo: 'F1' },
    ]);
    const r = computeClaim(input, '2025-04-30', legal);
    expect(r.invoices[0]).toMatchObject({ principal: 0, interest: 54, credited: [{ id: 'A1', amount: 30_180 }] });
    expect(r.invoices[1]).toMatchObject({ id: 'A1', principal: -19_820 });
    expect(r.invoices[2]).toMatchObject({ id: 'A2', principal: -10_000 });
    expect(r.total).toBe(54 + 4000 - 19_820 - 10_000);
    expect(r.warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^A1 : l'avoir excède de 198,20\s€ ce qui restait dû sur F1 le 10\/04\/2025 ; /),
        expect.stringMatching(
          /^A2 : l'avoir du 10\/05\/2025 est postérieur à la date d'arrêté du décompte \(30\/04\/2025\) et n'a pas été déduit de F1$/,
        ),
      ]),
    );
    // Principal-first: 300.00 € of A1 come off F1 (its price less the payment), 200.00 € net the total.
    const p = computeClaim(input, '2025-04-30', legal, { imputation: 'principal-first' });
    expect(p.invoices[0]).toMatchObject({ principal: 0, credited: [{ id: 'A1', amount: 30_000 }] });
    expect(p.invoices[1]).toMatchObject({ id: 'A1', principal: -20_000 });
    expect(p.warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^A1 : l'avoir excède de 200,00\s€ ce qui restait dû sur F1 le 10\/04\/2025/),
      ]),
    );
  });

  test('C. civ. 1343-1 (interest-first, the default): a partial payment pays the accrued interest first', () => {
    // F1 1000.00 € due 2025-01-31, 500.00 € paid 2025-03-02, as-of 2025-04-30, 2025-H1 at 13.15 %:
    //   2025-02-01 … 03-02  30 d on 1000.00: 1000 × 0.1315 × 30/365 = 10.808219 → 10.81 € owed when paid
    //   the 500.00 € pay 10.81 € of interest and 489.19 € of principal: the base is 510.81 € from 03-03
    //   2025-03-03 … 04-30  59 d on 510.81: 510.81 × 0.1315 × 59/365 = 10.857862 → 10.86 € of interest left
    //   principal 510.81 + interest 10.86 + 40.00 = 561.67 €
    // Principal-first: 10.808219 + 500 × 0.1315 × 59/365 (10.628767) = 21.44 €, principal 500.00: 561.44 €.
    const input = claimInput([
      invoice('F1', 100_000, '2025-01-15', '2025-01-31', [{ date: '2025-03-02', amount: 50_000 }]),
    ]);
    const first = computeClaim(input, '2025-04-30', legal, { imputation: 'interest-first' });
    expect(first).toMatchObject({
      imputation: 'interest-first',
      principal: 51_081,
      interest: 1_086,
      indemnity: 4_000,
      total: 56_167,
    });
    expect(first.invoices[0]!.imputed).toEqual([
      { date: '2025-03-02', amount: 50_000, toInterest: 1_081, toPrincipal: 48_919 },
    ]);
    expect(first.invoices[0]!.segments.map((x) => [x.from, x.to, x.base])).toEqual([
      ['2025-02-01', '2025-03-02', 100_000],
      ['2025-03-03', '2025-04-30', 51_081],
    ]);
    expect(computeClaim(input, '2025-04-30', legal)).toEqual(first);
    const principalFirst = computeClaim(input, '2025-04-30', legal, { imputation: 'principal-first' });
    expect(principalFirst).toMatchObject({
      imputation: 'principal-first',
      principal: 50_000,
      interest: 2_144,
      total: 56_144,
    });
    expect(principalFirst.invoices[0]!.imputed).toBeUndefined();
    // A credit note is a reduction of the debt, not a payment: it never pays interest.
    const credited = computeClaim(
      claimInput([
        invoice('F1', 100_000, '2025-01-15', '2025-01-31'),
        { ...creditNote('A1', 50_000, '2025-03-02'), relatesTo: 'F1' },
      ]),
      '2025-04-30',
      legal,
      { imputation: 'interest-first' },
    );
    expect(credited).toMatchObject({ principal: 50_000, interest: 2_144 });
  });

  test('insolvency proceedings: interest stops at the opening judgment, the 40 € only for invoices already late then', () => {
    // Opening judgment 2025-03-01 (C. com. L622-28), as-of 2025-04-30, 2025-H1 at 13.15 %:
    //   F1 1000.00 € due 2025-01-31: 2025-02-01 … 02-28, 28 days: 1000 × 0.1315 × 28/365 = 10.087671 → 10.09 €, + 40 €
    //   F2 500.00 € due 2025-04-15: not late on 2025-03-01: no interest, no indemnity, principal declared
    //   total 1500.00 + 10.09 + 40.00 = 1550.09 €
    const input = claimInput(
      [invoice('F1', 100_000, '2025-01-01', '2025-01-31'), invoice('F2', 50_000, '2025-03-15', '2025-04-15')],
      { insolvencyOpenedOn: '2025-03-01' },
    );
    const r = computeClaim(input, '2025-04-30', legal);
    expect(r.invoices.map((i) => [i.id, i.principal, i.interest, i.indemnity])).toEqual([
      ['F1', 100_000, 1_009, 4_000],
      ['F2', 50_000, 0, 0],
    ]);
    expect(r.invoices[0]!.segments.map((x) => [x.from, x.to])).toEqual([['2025-02-01', '2025-02-28']]);
    expect(r.total).toBe(155_009);
    expect(r.warnings).toContain(
      "procédure collective ouverte le 01/03/2025 : les intérêts sont comptés jusqu'au 28/02/2025 (le jugement d'ouverture en arrête le cours, C. com. L622-28) et l'indemnité forfaitaire pour frais de recouvrement n'est retenue que sur les factures déjà en retard à cette date ; déclarer la créance telle qu'elle s'établissait au jour du jugement d'ouverture, le 01/03/2025 (C. com. R622-23)",
    );
    // Without the proceedings: interest to as-of and 40 € on both.
    expect(computeClaim({ ...input, insolvencyOpenedOn: null }, '2025-04-30', legal)).toMatchObject({
      indemnity: 8_000,
    });
  });

  test('relatesTo: only on a credit note, and only to an invoice of the claim', () => {
    const parsed = parseClaimInput({
      ...claimInput([
        invoice('F1', 1000, '2025-01-01', '2025-01-31'),
        { ...invoice('F2', 1000, '2025-01-01', '2025-01-31'), relatesTo: 'F1' },
        { ...creditNote('A1', 100, '2025-02-01'), relatesTo: 'F9' },
      ]),
    });
    expect(parsed.success).toBe(false);
    expect(!parsed.success && parsed.problems).toEqual([
      'invoices[1].relatesTo: only a credit note relates to an invoice',
      'invoices[2].relatesTo: no invoice "F9" in this claim',
    ]);
  });

  test('40 € per late invoice; an invoice not yet due gets none', () => {
    // as-of 2025-10-31, 2025-H2 at 12.15 %:
    //   F1 500.00 € due 2025-09-30: 31 days: 500 × 0.1215 × 31/365 = 5.159589 → 5.16 €, + 40 €
    //   F2 800.00 € due 2025-10-15: 16 days: 800 × 0.1215 × 16/365 = 4.260822 → 4.26 €, + 40 €
    //   F3 200.00 € due 2025-11-15: not due → 0, no indemnity
    //   principal 1500.00, interest 9.42, indemnity 80.00, total 1589.42 €
    const r = computeClaim(
      claimInput([
        invoice('F1', 50000, '2025-09-01', '2025-09-30'),
        invoice('F2', 80000, '2025-09-15', '2025-10-15'),
        invoice('F3', 20000, '2025-10-15', '2025-11-15'),
      ]),
      '2025-10-31',
      legal,
    );
    expect(r.invoices.map((i) => [i.id, i.interest, i.indemnity])).toEqual([
      ['F1', 516, 4000],
      ['F2', 426, 4000],
      ['F3', 0, 0],
    ]);
    expect(r).toMatchObject({ principal: 150000, interest: 942, indemnity: 8000, total: 158942 });
    expect(r.warnings).toEqual([
      expect.stringMatching(
        /^F3 : l'échéance du 15\/11\/2025 n'est pas dépassée au 31\/10\/2025 : ni intérêts de retard ni indemnité à ce jour ; son principal restant dû \(200,00\s€\) est compris dans le total$/,
      ),
    ]);
  });

  test('a contractual rate above the floor is honoured, even below the default rate', () => {
    // 15.00 % agreed; 2025-H1 floor = 3 × 3.71 = 11.13 %. 1000.00 € due 2025-02-28, as-of 2025-03-30:
    //   2025-03-01 … 03-30 = 30 days: 1000 × 0.15 × 30/365 = 12.328767 → 12.33 €
    const high = computeClaim(
      claimInput([invoice('F1', 100000, '2025-02-01', '2025-02-28')], { contractualRatePercent: 15 }),
      '2025-03-30',
      legal,
    );
    expect(only(high).segments[0]).toMatchObject({ ratePercent: 15, rateKind: 'contractual' });
    expect(only(high).interest).toBe(1233);
    // 10.00 % agreed in 2025-H2: floor 3 × 2.76 = 8.28 % < 10 % < default 12.15 %: 10 % applies.
    //   1000.00 € due 2025-08-31, as-of 2025-09-30: 30 days: 1000 × 0.10 × 30/365 = 8.219178 → 8.22 €
    const low = computeClaim(
      claimInput([invoice('F1', 100000, '2025-08-01', '2025-08-31')], { contractualRatePercent: 10 }),
      '2025-09-30',
      legal,
    );
    expect(only(low).segments[0]).toMatchObject({ ratePercent: 10, rateKind: 'contractual' });
    expect(only(low).interest).toBe(822);
    expect(high.warnings).toEqual([]);
    expect(low.warnings).toEqual([]);
  });

  test('a contractual rate below 3 × the legal rate is raised to the floor, with a warning per semester', () => {
    // 8.00 % agreed; floors: 2024-H1 3 × 5.07 = 15.21 %, 2024-H2 3 × 4.92 = 14.76 %.
    // 1000.00 € due 2024-06-15, as-of 2024-07-15:
    //   2024-06-16 … 06-30 = 15 days at 15.21 %: 1000 × 0.1521 × 15/365 = 6.250685
    //   2024-07-01 … 07-15 = 15 days at 14.76 %: 1000 × 0.1476 × 15/365 = 6.065753
    //   sum 12.316438 → 12.32 €
    const r = computeClaim(
      claimInput([invoice('F1', 100000, '2024-06-01', '2024-06-15')], { contractualRatePercent: 8 }),
      '2024-07-15',
      legal,
    );
    const f1 = only(r);
    expect(f1.segments.map((s) => [s.ratePercent, s.rateKind, s.interest])).toEqual([
      [15.21, 'contractual-floor', 625],
      [14.76, 'contractual-floor', 607],
    ]);
    expect(f1.interest).toBe(1232);
    expect(r.warnings).toHaveLength(2);
    expect(r.warnings[0]).toMatch(
      /^le taux contractuel de 8,00 % est inférieur au plancher de L441-10 pour le premier semestre 2024 \(3 × le taux de l'intérêt légal de 5,07 % = 15,21 %\) : le taux de 15,21 % a été appliqué/,
    );
    expect(r.warnings[1]).toMatch(
      /^le taux contractuel de 8,00 % .*second semestre 2024 \(3 × le taux de l'intérêt légal de 4,92 % = 14,76 %\)/,
    );
    // The court may instead set the clause aside: the L441-10 default, ECB + 10 points (2024-H1 4.50 → 14.50 %, 2024-H2 4.25 → 14.25 %).
    expect(r.warnings[0]).toMatch(
      /le juge peut aussi tenir la clause pour inefficace et appliquer le taux supplétif de L441-10, soit le taux BCE de 4,50 % majoré de 10 points = 14,50 % pour le premier semestre 2024 ; /,
    );
    expect(r.warnings[1]).toMatch(
      /le taux BCE de 4,25 % majoré de 10 points = 14,25 % pour le second semestre 2024 ; /,
    );
    expect(r.warnings[0]).toMatch(/\(un taux non conforme est passible de sanction, L441-16\)$/);
  });

  test('as-of before (or on) the due date: no interest, no indemnity', () => {
    const before = computeClaim(claimInput([invoice('F1', 100000, '2025-03-01', '2025-03-31')]), '2025-03-20', legal);
    expect(only(before)).toMatchObject({ principal: 100000, interest: 0, indemnity: 0, segments: [] });
    expect(before.warnings).toEqual([
      expect.stringContaining("F1 : l'échéance du 31/03/2025 n'est pas dépassée au 20/03/2025"),
    ]);
    const onDue = computeClaim(claimInput([invoice('F1', 100000, '2025-03-01', '2025-03-31')]), '2025-03-31', legal);
    expect(only(onDue)).toMatchObject({ interest: 0, indemnity: 0, segments: [] });
  });

  test('a payment dated after as-of is ignored, with a warning', () => {
    // 1000.00 € due 2025-03-31, 1000.00 € paid 2025-05-10, as-of 2025-04-30: still open;
    //   30 days at 13.15 % = 10.808219 → 10.81 €
    const r = computeClaim(
      claimInput([invoice('F1', 100000, '2025-03-01', '2025-03-31', [{ date: '2025-05-10', amount: 100000 }])]),
      '2025-04-30',
      legal,
    );
    expect(only(r)).toMatchObject({ principal: 100000, interest: 1081, indemnity: 4000 });
    expect(r.warnings.map((w) => w.replace(/\s/g, ' '))).toEqual([
      "F1 : le paiement de 1 000,00 € du 10/05/2025 est postérieur à la date d'arrêté du décompte (30/04/2025) et n'a pas été pris en compte",
    ]);
  });

  test('no indemnity outside EUR, with a warning naming D441-5', () => {
    const r = computeClaim(
      claimInput([invoice('F1', 100000, '2025-03-01', '2025-03-31')], { currency: 'USD' }),
      '2025-04-30',
      legal,
    );
    expect(only(r)).toMatchObject({ interest: 1081, indemnity: 0 });
    expect(r.warnings).toEqual([
      expect.stringMatching(
        /^aucune indemnité forfaitaire pour frais de recouvrement n'est calculée : C\. com\. D441-5 la fixe à 40,00\s€ et la créance est libellée en USD ; .*\(L441-10 II\)$/,
      ),
    ]);
    // Nothing late yet: no indemnity to miss, so no warning about it.
    const early = computeClaim(
      claimInput([invoice('F1', 100000, '2025-03-01', '2025-03-31')], { currency: 'USD' }),
      '2025-03-15',
      legal,
    );
    expect(early.warnings.filter((w) => w.includes('D441-5'))).toEqual([]);
  });
});

describe('computeClaim — day count and rounding', () => {
  test('actual/actual divides leap-year days by 366', () => {
    // 1000.00 € due 2024-01-31, as-of 2024-03-31: 2024-02-01 … 03-31 = 29 + 31 = 60 days at 14.50 %
    //   actual/365:    1000 × 0.145 × 60/365 = 23.835616 → 23.84 €
    //   actual/actual: 1000 × 0.145 × 60/366 = 23.770492 → 23.77 €
    const input = claimInput([invoice('F1', 100000, '2024-01-01', '2024-01-31')]);
    expect(only(computeClaim(input, '2024-03-31', legal)).interest).toBe(2384);
    const aa = only(computeClaim(input, '2024-03-31', legal, { dayCount: 'actual/actual' }));
    expect(aa.interest).toBe(2377);
    expect(aa.segments[0]!.yearDays).toBe(366);
  });

  test('actual/actual across a year end uses 366 then 365', () => {
    // 1000.00 € due 2024-12-15, as-of 2025-01-14:
    //   2024-12-16 … 12-31 = 16 days at 14.25 %: /366 → 6.229508; /365 → 6.246575
    //   2025-01-01 … 01-14 = 14 days at 13.15 %: 1000 × 0.1315 × 14/365 = 5.043836
    //   actual/actual 11.273344 → 11.27 €; actual/365 11.290411 → 11.29 €
    const input = claimInput([invoice('F1', 100000, '2024-11-15', '2024-12-15')]);
    const aa = only(computeClaim(input, '2025-01-14', legal, { dayCount: 'actual/actual' }));
    expect(aa.segments.map((s) => [s.days, s.yearDays])).toEqual([
      [16, 366],
      [14, 365],
    ]);
    expect(aa.interest).toBe(1127);
    expect(only(computeClaim(input, '2025-01-14', legal)).interest).toBe(1129);
  });

  test('exactly half a cent rounds up', () => {
    // 365.00 € due 2024-03-10, as-of 2024-03-11: 1 day at 14.50 %:
    //   365.00 × 0.145 × 1/365 = 0.145 € = 14.5 cents exactly → 15 (half-up; half-even or truncation would give 14)
    const f1 = only(computeClaim(claimInput([invoice('F1', 36500, '2024-03-01', '2024-03-10')]), '2024-03-11', legal));
    expect(f1.segments[0]!.interest).toBe(15);
    expect(f1.interest).toBe(15);
  });

  test('the invoice is rounded once, so it may differ from the sum of displayed segments', () => {
    // 1200.00 € due 2025-02-10, 200.00 € paid 2025-03-01, as-of 2025-06-30 at 13.15 %:
    //   19 days on 1200: 8.214247 (shown 8.21); 121 days on 1000: 1000 × 0.1315 × 121/365 = 43.593151 (shown 43.59)
    //   exact sum 51.807397 → 51.81 €, while 8.21 + 43.59 = 51.80 €
    //   (principal-first, so that the second segment's base is a round 1000.00)
    const f1 = only(
      computeClaim(
        claimInput([invoice('F1', 120000, '2025-01-10', '2025-02-10', [{ date: '2025-03-01', amount: 20000 }])]),
        '2025-06-30',
        legal,
        { imputation: 'principal-first' },
      ),
    );
    expect(f1.segments.map((s) => s.interest)).toEqual([821, 4359]);
    expect(f1.interest).toBe(5181);
  });
});

describe('computeClaim — consumer debtor and private-individual creditor', () => {
  test('professional → consumer: legal rate "autres cas" from the formal notice, no 40 €', () => {
    // 1500.00 € due 2025-03-31, mise en demeure received 2025-05-05, as-of 2025-08-04:
    //   2025-05-06 … 06-30 = 26 + 30 = 56 days at 3.71 %: 1500 × 0.0371 × 56/365 = 8.538082
    //   2025-07-01 … 08-04 = 31 + 4  = 35 days at 2.76 %: 1500 × 0.0276 × 35/365 = 3.969863
    //   sum 12.507945 → 12.51 €; no indemnity (L441-10 does not apply to a consumer)
    const r = computeClaim(
      claimInput([invoice('F1', 150000, '2025-03-01', '2025-03-31')], {
        debtor: { kind: 'individual' },
        formalNoticeDate: '2025-05-05',
      }),
      '2025-08-04',
      legal,
    );
    const f1 = only(r);
    expect(f1.segments.map((s) => [s.from, s.to, s.days, s.ratePercent, s.rateKind])).toEqual([
      ['2025-05-06', '2025-06-30', 56, 3.71, 'legal-rate-other'],
      ['2025-07-01', '2025-08-04', 35, 2.76, 'legal-rate-other'],
    ]);
    expect(f1).toMatchObject({ principal: 150000, interest: 1251, indemnity: 0 });
    expect(r.total).toBe(151251);
    expect(r.rule).toMatch(/autres cas/);
    expect(r.warnings).toEqual([]);
  });

  test('professional → consumer without a formal notice: no interest, and a warning', () => {
    const r = computeClaim(
      claimInput([invoice('F1', 150000, '2025-03-01', '2025-03-31')], { debtor: { kind: 'individual' } }),
      '2025-08-04',
      legal,
    );
    expect(only(r)).toMatchObject({ interest: 0, indemnity: 0, segments: [] });
    expect(r.total).toBe(150000);
    expect(r.warnings).toEqual([
      expect.stringMatching(
        /^aucune date de mise en demeure : les intérêts moratoires ne courent qu'à compter de la mise en demeure \(C\. civ\. 1344-1\), aucun intérêt n'est donc réclamé ; .*renseigner formalNoticeDate/,
      ),
    ]);
  });

  test('a contractual rate is not applied to a consumer', () => {
    const r = computeClaim(
      claimInput([invoice('F1', 150000, '2025-03-01', '2025-03-31')], {
        debtor: { kind: 'individual' },
        formalNoticeDate: '2025-05-05',
        contractualRatePercent: 20,
      }),
      '2025-08-04',
      legal,
    );
    expect(only(r).interest).toBe(1251);
    expect(r.warnings).toEqual([
      expect.stringMatching(
        /^taux contractuel \(contractualRatePercent\) de 20,00 % non appliqué à l'encontre d'un consommateur : le taux de l'intérêt légal « autres cas » est réclamé à sa place \(C\. civ\. 1231-6, 1344-1\) ; .*\(C\. conso L212-1\).*\(C\. civ\. 1231-5\)$/,
      ),
    ]);
  });

  test('private-individual creditor: the higher legal rate, from the due date when the notice came earlier', () => {
    // notice 2025-01-15 before the due date 2025-01-31: interest runs from the due date.
    //   2025-02-01 … 03-01 = 28 + 1 = 29 days at 7.21 %: 1000 × 0.0721 × 29/365 = 5.728493 → 5.73 €; no indemnity
    const r = computeClaim(
      claimInput([invoice('F1', 100000, '2025-01-01', '2025-01-31')], {
        creditor: { kind: 'individual' },
        formalNoticeDate: '2025-01-15',
      }),
      '2025-03-01',
      legal,
    );
    const f1 = only(r);
    expect(f1.segments).toEqual([
      expect.objectContaining({
        from: '2025-02-01',
        days: 29,
        ratePercent: 7.21,
        rateKind: 'legal-rate-individual-creditor',
      }),
    ]);
    expect(f1).toMatchObject({ interest: 573, indemnity: 0 });
    expect(r.rule).toMatch(/private-individual creditor/);
  });
});

describe('computeClaim — missing rates', () => {
  test('a day in 2026-H2 needs a configured rate: MissingRateError naming the semester', () => {
    const input = claimInput([invoice('F1', 100000, '2026-06-01', '2026-06-15')]);
    let error: unknown;
    try {
      computeClaim(input, '2026-07-10', legal);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MissingRateError);
    expect((error as MissingRateError).semester).toBe('2026-H2');
    // The fix is in the user's configuration (legal.rates), not in the bundled file.
    expect((error as Error).message).toMatch(
      /^no rate configured for semester 2026-H2: add under `legal\.rates` in the configuration an entry `semester: "2026-H2"`.*1 July 2026.*recouvra legal status/,
    );
  });

  test('no rate is needed when nothing accrues in the missing semester', () => {
    // 1000.00 € paid on 2026-06-20: 2026-06-16 … 06-20 = 5 days at 12.15 % on 1000.00 = 1.664384 → 1.66 €
    const input = claimInput([
      invoice('F1', 100000, '2026-06-01', '2026-06-15', [{ date: '2026-06-20', amount: 100000 }]),
    ]);
    const r = computeClaim(input, '2026-09-30', legal, { imputation: 'principal-first' });
    expect(only(r)).toMatchObject({ principal: 0, interest: 166, indemnity: 4000 });
    // Interest-first, the payment paid those 1.66 € first: 1.66 € of the price runs on into 2026-H2, which needs its rate.
    expect(() => computeClaim(input, '2026-09-30', legal)).toThrow(MissingRateError);
    expect(only(computeClaim(input, '2026-06-30', legal))).toMatchObject({
      principal: 166,
      imputed: [{ toInterest: 166 }],
    });
  });
});

describe('computeClaim — prescription in the result', () => {
  test('each invoice carries its prescription; a prescribed one is flagged in the warnings', () => {
    // B2C, issued 2023-01-10, due 2023-02-10, no completion date: starts 2023-01-10, 2 years (L218-2)
    //   → prescribes at the end of 2025-01-10; as-of 2025-03-01 is later: prescribed.
    const r = computeClaim(
      claimInput([invoice('F1', 100000, '2023-01-10', '2023-02-10')], {
        debtor: { kind: 'individual' },
        formalNoticeDate: '2024-12-01',
      }),
      '2025-03-01',
      legal,
    );
    expect(only(r).prescription).toEqual({
      startsOn: '2023-01-10',
      prescribesOn: '2025-01-10',
      prescribed: true,
      daysLeft: -50,
    });
    expect(r.warnings).toEqual([
      expect.stringMatching(
        /^F1 : la créance s'est prescrite à l'issue du 10\/01\/2025 \(2 ans, C\. conso L218-2, à compter du 10\/01\/2023\)/,
      ),
    ]);
  });
});
