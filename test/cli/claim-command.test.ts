import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runClaim } from '../../connector/app/cli/claim-command';
import { claimCommand } from '../../connector/app/cli/definitions/claim';

const SAMPLE =
  '{"creditor":{"kind":"company"},"debtor":{"kind":"company"},"currency":"EUR","contractualRatePercent":null,"formalNoticeDate":null,' +
  '"invoices":[{"id":"F1","kind":"invoice","total":120000,"issueDate":"2025-01-10","dueDate":"2025-02-10","payments":[{"date":"2025-03-01","amount":20000}]}]}';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'recouvra-claim-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('runClaim', () => {
  test('the documented sample at 2025-06-30, as JSON', () => {
    // B2B (L441-10), 2025-H1 default rate 3.15 + 10 = 13.15 %, payments imputed on interest first (C. civ. 1343-1):
    //   2025-02-11 … 2025-03-01 = 19 days on 1200.00 €: 1200 × 0.1315 × 19/365 = 8.214247 → 8.21 € accrued on 03-01
    //   the 200.00 € paid on 2025-03-01 pay 8.21 € of interest and 191.79 € of principal: base 1008.21 €
    //   2025-03-02 … 2025-06-30 = 30 + 30 + 31 + 30 = 121 days on 1008.21 €: 1008.21 × 0.1315 × 121/365 = 43.951340 → 43.95 €
    //   total 1008.21 + 43.95 + 40.00 (D441-5) = 1092.16 €
    //   prescription: restarted by the 2025-03-01 payment, 5 years → end of 2030-03-01, 1705 days after 2025-06-30.
    const out = runClaim({ input: file('claim.json', SAMPLE), asOf: '2025-06-30', json: true });
    expect(out.stderr).toBe('');
    expect(out.exitCode).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual({
      imputation: 'interest-first',
      currency: 'EUR',
      principal: 100821,
      interest: 4395,
      indemnity: 4000,
      total: 109216,
      invoices: [
        {
          id: 'F1',
          imputed: [{ date: '2025-03-01', amount: 20000, toInterest: 821, toPrincipal: 19179 }],
          principal: 100821,
          interest: 4395,
          indemnity: 4000,
          segments: [
            {
              from: '2025-02-11',
              to: '2025-03-01',
              days: 19,
              ratePercent: 13.15,
              base: 120000,
              interest: 821,
              semester: '2025-H1',
              rateKind: 'l441-10-default',
              yearDays: 365,
            },
            {
              from: '2025-03-02',
              to: '2025-06-30',
              days: 121,
              ratePercent: 13.15,
              base: 100821,
              interest: 4395,
              semester: '2025-H1',
              rateKind: 'l441-10-default',
              yearDays: 365,
            },
          ],
          kind: 'invoice',
          prescription: { startsOn: '2025-03-01', prescribesOn: '2030-03-01', prescribed: false, daysLeft: 1705 },
        },
      ],
      warnings: [],
      asOf: '2025-06-30',
      rule: 'C. com. L441-10 (between professionals)',
      dayCount: 'actual/365',
    });
    expect(out.stdout.indexOf('"currency"')).toBeLessThan(out.stdout.indexOf('"principal"'));
  });

  test('without --json: a readable summary', () => {
    const out = runClaim({ input: file('claim.json', SAMPLE), asOf: '2025-06-30', json: false });
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toContain('Créance au 2025-06-30');
    expect(out.stdout).toContain('Facture F1');
    expect(out.stdout).toMatch(/2025-03-02 → 2025-06-30 {2}121 j {2}13,15 %/);
    expect(out.stdout).toMatch(/= 1\s092,16\s€/);
    expect(out.stdout).toContain("paiements imputés d'abord sur les intérêts (C. civ. 1343-1)");
    expect(out.stdout).toMatch(
      /paiement du 2025-03-01 de 200,00\s€ : 8,21\s€ sur les intérêts échus, 191,79\s€ sur le principal/,
    );
  });

  test("the summary lists the claim's warnings, in French, after the figures", () => {
    // The 200.00 € payment moved after as-of: ignored, so 1200.00 € runs from 2025-02-11 to 2025-06-30.
    const late = SAMPLE.replace('"date":"2025-03-01"', '"date":"2025-07-05"');
    const out = runClaim({ input: file('claim.json', late), asOf: '2025-06-30', json: false });
    expect(out.exitCode).toBe(0);
    const lines = out.stdout.split('\n');
    const heading = lines.indexOf('Avertissements:');
    expect(heading).toBeGreaterThan(lines.findIndex((l) => l.startsWith('Total:')));
    expect(
      lines
        .slice(heading + 1)
        .filter((l) => l !== '')
        .map((l) => l.replace(/\s/g, ' ')),
    ).toEqual([
      "  - F1 : le paiement de 200,00 € du 05/07/2025 est postérieur à la date d'arrêté du décompte (30/06/2025) et n'a pas été pris en compte",
    ]);
    const json = runClaim({ input: file('claim.json', late), asOf: '2025-06-30', json: true });
    expect((JSON.parse(json.stdout) as { warnings: string[] }).warnings.map((w) => w.replace(/\s/g, ' '))).toEqual([
      "F1 : le paiement de 200,00 € du 05/07/2025 est postérieur à la date d'arrêté du décompte (30/06/2025) et n'a pas été pris en compte",
    ]);
  });

  test("--imputation principal-first, or the configuration's legal.imputation, claims on the ledger's principal", () => {
    // 8.214247 + 1000 × 0.1315 × 121/365 (43.593151) = 51.807397 → 51.81 €; 1000.00 + 51.81 + 40.00 = 1091.81 €
    const flag = runClaim({
      input: file('claim.json', SAMPLE),
      asOf: '2025-06-30',
      json: true,
      imputation: 'principal-first',
    });
    expect(JSON.parse(flag.stdout)).toMatchObject({
      imputation: 'principal-first',
      principal: 100000,
      interest: 5181,
      total: 109181,
    });
    const config = file('recouvra.yaml', 'version: 1\nlegal:\n  imputation: principal-first\n');
    const configured = runClaim({ input: file('claim.json', SAMPLE), asOf: '2025-06-30', json: true, config });
    expect(configured.stderr).toBe('');
    expect(JSON.parse(configured.stdout)).toMatchObject({ imputation: 'principal-first', total: 109181 });
    // The flag wins over the configuration.
    const both = runClaim({
      input: file('claim.json', SAMPLE),
      asOf: '2025-06-30',
      json: true,
      config,
      imputation: 'interest-first',
    });
    expect(JSON.parse(both.stdout)).toMatchObject({ imputation: 'interest-first', total: 109216 });
    expect(
      runClaim({ input: file('claim.json', SAMPLE), asOf: '2025-06-30', json: true, imputation: 'interest' }),
    ).toMatchObject({
      exitCode: 1,
      stderr: 'recouvra claim: --imputation "interest" is not one of interest-first, principal-first\n',
    });
  });

  test('invalid JSON: exit 1, the file and the line/column on stderr, nothing on stdout', () => {
    const path = file('broken.json', '{\n  "creditor": {"kind": "company"},\n  "debtor": }\n');
    const out = runClaim({ input: path, asOf: '2025-06-30', json: true });
    expect(out.exitCode).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain(`${path} is not valid JSON`);
    expect(out.stderr).toMatch(/at line 3, column 13/);
    // A trailing comma is reported where the next value should be: line 3, column 1.
    const trailing = runClaim({
      input: file('trailing.json', '{\n  "currency": "EUR",\n}'),
      asOf: '2025-06-30',
      json: true,
    });
    expect(trailing).toMatchObject({ exitCode: 1, stdout: '' });
    expect(trailing.stderr).toMatch(/at line 3, column 1\b/);
  });

  test('invalid data: every problem with its path', () => {
    const bad = SAMPLE.replace('"total":120000', '"total":1200.5').replace(
      '"dueDate":"2025-02-10"',
      '"dueDate":"2025-02-31"',
    );
    const out = runClaim({ input: file('bad.json', bad), asOf: '2025-06-30', json: true });
    expect(out.exitCode).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(/is not a valid claim input \(2 problems\)/);
    expect(out.stderr).toMatch(/^ {2}invoices\[0\]\.total: amount must be a whole number of minor units/m);
    expect(out.stderr).toMatch(/^ {2}invoices\[0\]\.dueDate: "2025-02-31" is not a calendar date/m);
  });

  test('a semester without a configured rate: exit 1 naming it', () => {
    const out = runClaim({
      input: file('claim.json', SAMPLE.replace('"dueDate":"2025-02-10"', '"dueDate":"2026-06-10"')),
      asOf: '2026-07-15',
      json: true,
    });
    expect(out.exitCode).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(/no rate configured for semester 2026-H2/);
    // The fix goes in the user's configuration, and the status command says where to find the figures.
    expect(out.stderr).toContain('`legal.rates` in the configuration');
    expect(out.stderr).toContain('recouvra legal status');
  });

  test('an unreadable input file, a bad --as-of, a bad --day-count, a bad legal dir', () => {
    const missing = runClaim({ input: join(dir, 'nope.json'), asOf: '2025-06-30', json: true });
    expect(missing).toMatchObject({ exitCode: 1, stdout: '' });
    expect(missing.stderr).toContain(`cannot read the input file ${join(dir, 'nope.json')}: no such file`);

    const path = file('claim.json', SAMPLE);
    expect(runClaim({ input: path, asOf: '2025-06-31', json: true })).toMatchObject({
      exitCode: 1,
      stdout: '',
      stderr: expect.stringContaining('--as-of "2025-06-31" is not a calendar date'),
    });
    expect(runClaim({ input: path, asOf: '2025-06-30', json: true, dayCount: '30/360' })).toMatchObject({
      exitCode: 1,
      stderr: expect.stringContaining('--day-count "30/360"'),
    });
    const legal = runClaim({ input: path, asOf: '2025-06-30', json: true, legalDir: dir });
    expect(legal).toMatchObject({ exitCode: 1, stdout: '' });
    expect(legal.stderr).toMatch(/rates\.yaml: \(file\): cannot read/);
  });

  test('--day-count actual/actual is passed through', () => {
    // 1000.00 € due 2024-01-31, as-of 2024-03-31: 60 days at 14.50 % / 366 = 23.770492 → 23.77 €
    const input = SAMPLE.replace(
      '"issueDate":"2025-01-10","dueDate":"2025-02-10","payments":[{"date":"2025-03-01","amount":20000}]',
      '"issueDate":"2024-01-01","dueDate":"2024-01-31","payments":[]',
    ).replace('120000', '100000');
    const out = runClaim({
      input: file('claim.json', input),
      asOf: '2024-03-31',
      json: true,
      dayCount: 'actual/actual',
    });
    expect(out.exitCode).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ interest: 2377, dayCount: 'actual/actual' });
  });
});

describe('claimCommand', () => {
  test('parses the options, prints the JSON and sets the exit code', async () => {
    const writes: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    const previous = process.exitCode;
    try {
      await claimCommand().parseAsync(['--input', file('claim.json', SAMPLE), '--as-of', '2025-06-30', '--json'], {
        from: 'user',
      });
      expect(process.exitCode).toBe(0);
    } finally {
      spy.mockRestore();
      process.exitCode = previous;
    }
    expect(JSON.parse(writes.join(''))).toMatchObject({ total: 109216 });
  });

  test('a failing run writes to stderr and sets exit code 1', async () => {
    const errors: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      errors.push(String(chunk));
      return true;
    });
    const previous = process.exitCode;
    try {
      await claimCommand().parseAsync(['--input', file('claim.json', '{'), '--as-of', '2025-06-30'], { from: 'user' });
      expect(process.exitCode).toBe(1);
    } finally {
      spy.mockRestore();
      process.exitCode = previous;
    }
    expect(errors.join('')).toContain('is not valid JSON');
  });
});
