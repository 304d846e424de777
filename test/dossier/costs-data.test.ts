import { LegalDataError } from '../../connector/claim/legal-data';
import { loadCostsData, parseCostsData } from '../../connector/dossier/costs-data';

/** config/legal/fr/costs.yaml: no figure the sources disagree on may reach a dossier as the tariff. */

function problemsOf(text: string): readonly string[] {
  try {
    parseCostsData(text);
  } catch (e) {
    if (e instanceof LegalDataError) return e.problems;
    throw e;
  }
  return [];
}

const entry = (over: string) =>
  [
    'courtFees:',
    '  - procedure: injonction_de_payer',
    '    court: tribunal_de_commerce',
    '    what: "greffe fee"',
    '    sources: ["reference §6"]',
    ...over.split('\n').map((l) => `    ${l}`),
    '',
  ].join('\n');

describe('court costs data', () => {
  it('the bundled file: the tribunal judiciaire verified at 0, the tribunal de commerce [UNVERIFIED] with no figure', () => {
    const data = loadCostsData();
    const tj = data.courtFees.find((e) => e.procedure === 'injonction_de_payer' && e.court === 'tribunal_judiciaire');
    expect(tj).toMatchObject({ amount: { amount: 0, currency: 'EUR' }, verified: true });
    const tc = data.courtFees.find((e) => e.procedure === 'injonction_de_payer' && e.court === 'tribunal_de_commerce');
    // Reference §6: 33.47 (memory) to 38.40 (heropay) EUR.
    expect(tc).toMatchObject({ amount: null, verified: false, range: { from: 3_347, to: 3_840, currency: 'EUR' } });
    expect(tc!.note).toMatch(/^\[UNVERIFIED\] /);
    for (const e of data.courtFees.filter((x) => !x.verified)) expect(e.amount).toBeNull();
  });

  it('refuses an unverified fee with a figure, a verified one without, a range upside down, and a pair given twice', () => {
    expect(
      problemsOf(
        entry(
          'amount: { amount: 3521, currency: EUR }\nverified: false\nrange: { from: 3347, to: 3840, currency: EUR }\nnote: "[UNVERIFIED] sources disagree"',
        ),
      ),
    ).toEqual([
      'costs.yaml: courtFees[0].amount: an unverified fee must not carry an amount (it would reach dossiers as the tariff): give its range and set amount: null, or verify it',
    ]);
    expect(problemsOf(entry('amount: null\nverified: true'))).toEqual([
      'costs.yaml: courtFees[0].amount: a verified fee needs its amount',
    ]);
    expect(
      problemsOf(
        entry(
          'amount: null\nverified: false\nrange: { from: 3840, to: 3347, currency: EUR }\nnote: "sources disagree"',
        ),
      ),
    ).toEqual([
      'costs.yaml: courtFees[0].note: an unverified fee needs a note starting "[UNVERIFIED]" saying why and what to apply',
      'costs.yaml: courtFees[0].range.to: range.to must not be below range.from',
    ]);
    const twice = [
      'courtFees:',
      ...[1, 2].flatMap(() => [
        '  - procedure: injonction_de_payer',
        '    court: tribunal_judiciaire',
        '    what: "greffe fee"',
        '    amount: { amount: 0, currency: EUR }',
        '    verified: true',
        '    sources: ["x"]',
      ]),
      '',
    ].join('\n');
    expect(problemsOf(twice)).toEqual([
      'costs.yaml: courtFees[1]: injonction_de_payer before the tribunal_judiciaire is already given at courtFees[0]',
    ]);
  });

  it('a missing file is an error naming it', () => {
    expect(() => loadCostsData('/nonexistent')).toThrow(
      /costs\.yaml: \(file\): cannot read \/nonexistent\/costs\.yaml: ENOENT/,
    );
  });
});
