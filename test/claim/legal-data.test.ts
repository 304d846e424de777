import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IndemnityFileSchema, LimitationFileSchema, RatesFileSchema } from '../../config/legal/legal-data.schema';
import {
  contractualFloorBps,
  formatBasisPoints,
  l441DefaultRateBps,
  LegalDataError,
  loadFrenchLegalData,
  percentToBasisPoints,
  type LegalData,
} from '../../connector/claim';
import { bundledPath } from '../../connector/paths';

const BUNDLED = bundledPath('config', 'legal', 'fr');

describe('bundled French legal data', () => {
  const legal: LegalData = loadFrenchLegalData();

  test('covers 2023-H1 … 2026-H1 and deliberately not 2026-H2', () => {
    expect([...legal.rates.keys()]).toEqual([
      '2023-H1',
      '2023-H2',
      '2024-H1',
      '2024-H2',
      '2025-H1',
      '2025-H2',
      '2026-H1',
    ]);
    expect(legal.rates.has('2026-H2')).toBe(false);
  });

  // Reference table 1.4 / §2 (machine-readable CSV): semester, individual, other, ECB, L441-10 default, 3 × legal floor.
  const REFERENCE: [string, string, string, string, string, string][] = [
    ['2023-H1', '4.47', '2.06', '2.50', '12.50', '6.18'],
    ['2023-H2', '6.82', '4.22', '4.00', '14.00', '12.66'],
    ['2024-H1', '8.01', '5.07', '4.50', '14.50', '15.21'],
    ['2024-H2', '8.16', '4.92', '4.25', '14.25', '14.76'],
    ['2025-H1', '7.21', '3.71', '3.15', '13.15', '11.13'],
    ['2025-H2', '6.65', '2.76', '2.15', '12.15', '8.28'],
    ['2026-H1', '6.67', '2.62', '2.15', '12.15', '7.86'],
  ];

  test.each(REFERENCE)(
    '%s: stored rates, derived L441-10 default and floor match the reference',
    (semester, individual, other, ecb, defaultRate, floor) => {
      const rates = legal.rates.get(semester as never)!;
      expect(formatBasisPoints(rates.legalRateIndividualCreditorBps)).toBe(individual);
      expect(formatBasisPoints(rates.legalRateOtherBps)).toBe(other);
      expect(formatBasisPoints(rates.ecbMroBps)).toBe(ecb);
      expect(formatBasisPoints(l441DefaultRateBps(rates))).toBe(defaultRate);
      expect(formatBasisPoints(contractualFloorBps(rates))).toBe(floor);
      expect(rates.sources.length).toBeGreaterThan(0);
    },
  );

  test('indemnity is 40.00 EUR since 2013 (D441-5), limitation periods 5 / 2 / 5 years', () => {
    expect(legal.indemnity).toMatchObject({
      amount: 4000,
      currency: 'EUR',
      since: '2013-01-01',
      article: 'C. com. D441-5',
    });
    expect(legal.limitation.betweenProfessionals).toMatchObject({ years: 5, article: 'C. com. L110-4' });
    expect(legal.limitation.professionalToConsumer).toMatchObject({ years: 2, article: 'C. conso L218-2' });
    expect(legal.limitation.civil).toMatchObject({ years: 5, article: 'C. civ. 2224' });
  });
});

describe('percentToBasisPoints', () => {
  test.each([
    ['12.15', 1215],
    [12.15, 1215],
    ['2.5', 250],
    [2.5, 250],
    ['8', 800],
    [0.07, 7],
    [4.47, 447],
  ] as const)('%p → %p', (input, bps) => expect(percentToBasisPoints(input)).toBe(bps));

  test.each(['2.155', '-1', 'abc', '', '1e3', 2.155, Number.NaN, -0.5])('rejects %p', (input) =>
    expect(percentToBasisPoints(input)).toBeNull(),
  );
});

describe('legal data schemas', () => {
  const entry = {
    semester: '2025-H1',
    ecbMroPercent: '3.15',
    legalRateOtherPercent: '3.71',
    legalRateIndividualCreditorPercent: '7.21',
    sources: ['x'],
  };

  test('rates: every problem has a path', () => {
    const r = RatesFileSchema.safeParse({
      rates: [
        { ...entry, ecbMroPercent: '3.155', extra: 1 },
        { ...entry, semester: '2025-H3', sources: [] },
      ],
    });
    expect(r.success).toBe(false);
    const problems = r.error!.issues.map((i) => `${i.path.join('.')}|${i.code}`);
    expect(problems).toEqual(
      expect.arrayContaining([
        'rates.0.ecbMroPercent|custom',
        'rates.0|unrecognized_keys',
        'rates.1.semester|invalid_format',
        'rates.1.sources|too_small',
      ]),
    );
  });

  test('rates: a semester defined twice is refused', () => {
    const r = RatesFileSchema.safeParse({ rates: [entry, { ...entry }] });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]).toMatchObject({
      path: ['rates', 1, 'semester'],
      message: 'semester 2025-H1 is already defined at rates[0]',
    });
  });

  test('indemnity: negative or fractional amounts, unknown currencies and missing sources are refused', () => {
    expect(
      IndemnityFileSchema.safeParse({
        amount: -4000,
        currency: 'EUR',
        since: '2013-01-01',
        article: 'D441-5',
        sources: ['x'],
      }).success,
    ).toBe(false);
    expect(
      IndemnityFileSchema.safeParse({
        amount: 40.5,
        currency: 'EUR',
        since: '2013-01-01',
        article: 'D441-5',
        sources: ['x'],
      }).success,
    ).toBe(false);
    expect(
      IndemnityFileSchema.safeParse({
        amount: 4000,
        currency: 'EURO',
        since: '2013-01-01',
        article: 'D441-5',
        sources: ['x'],
      }).success,
    ).toBe(false);
    expect(
      IndemnityFileSchema.safeParse({ amount: 4000, currency: 'EUR', since: '2013-01-01', article: 'D441-5' }).success,
    ).toBe(false);
    expect(
      IndemnityFileSchema.safeParse({
        amount: 4000,
        currency: 'EUR',
        since: '2013-01-01',
        article: 'D441-5',
        sources: ['x'],
      }).success,
    ).toBe(true);
  });

  test('limitation: the three periods are required and must be whole years', () => {
    const period = { years: 5, article: 'a', startRule: 's', sources: ['x'] };
    expect(
      LimitationFileSchema.safeParse({ betweenProfessionals: period, professionalToConsumer: period, civil: period })
        .success,
    ).toBe(true);
    expect(
      LimitationFileSchema.safeParse({
        betweenProfessionals: period,
        professionalToConsumer: { ...period, years: 2.5 },
        civil: period,
      }).success,
    ).toBe(false);
    expect(
      LimitationFileSchema.safeParse({ betweenProfessionals: period, professionalToConsumer: period }).success,
    ).toBe(false);
  });
});

describe('loadFrenchLegalData on broken files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'recouvra-legal-'));
    for (const f of ['rates.yaml', 'indemnity.yaml', 'limitation.yaml']) copyFileSync(join(BUNDLED, f), join(dir, f));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function loadError(): LegalDataError {
    try {
      loadFrenchLegalData(dir);
    } catch (e) {
      if (e instanceof LegalDataError) return e;
      throw e;
    }
    throw new Error('expected loadFrenchLegalData to fail');
  }

  test('a copy of the bundled files loads', () => {
    expect(loadFrenchLegalData(dir).rates.size).toBe(7);
  });

  test('lists every problem of every file as file: path: message', () => {
    const rates = readFileSync(join(dir, 'rates.yaml'), 'utf8')
      .replace('ecbMroPercent: "3.15"', 'ecbMroPercent: "3.155"')
      .replace('semester: "2023-H2"', 'semester: "2023-H1"');
    writeFileSync(join(dir, 'rates.yaml'), rates);
    writeFileSync(
      join(dir, 'indemnity.yaml'),
      'amount: 40.5\ncurrency: EUR\nsince: "2013-01-01"\narticle: D441-5\nsources: [x]\ncolour: red\n',
    );
    const e = loadError();
    expect(e.problems).toEqual([
      expect.stringMatching(
        /^rates\.yaml: rates\[4\]\.ecbMroPercent: rate must be a percentage below 100 with at most two decimals/,
      ),
      expect.stringMatching(/^rates\.yaml: rates\[1\]\.semester: semester 2023-H1 is already defined at rates\[0\]$/),
      expect.stringMatching(/^indemnity\.yaml: amount: amount must be a whole number of minor units/),
      'indemnity.yaml: (top level): unknown key "colour"',
    ]);
    expect(e.message).toContain(dir);
  });

  test('a YAML syntax error is reported with its line', () => {
    writeFileSync(join(dir, 'limitation.yaml'), 'betweenProfessionals:\n  years: 5\n  article: [unclosed\n');
    const e = loadError();
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0]).toMatch(/^limitation\.yaml: line \d+, column \d+: /);
  });

  test('a missing file is named', () => {
    rmSync(join(dir, 'indemnity.yaml'));
    expect(loadError().problems).toEqual([
      expect.stringMatching(/^indemnity\.yaml: \(file\): cannot read .*indemnity\.yaml: ENOENT$/),
    ]);
  });
});
