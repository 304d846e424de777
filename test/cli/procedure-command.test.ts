import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProcedure } from '../../connector/app/cli/procedure-command';
import { loadProcedureData } from '../../connector/dossier/procedure-data';
import { recommendProcedure } from '../../connector/dossier/recommend-procedure';

/** `recouvra procedure`: the dossier's own advice, from facts in a file. */

const dir = mkdtempSync(join(tmpdir(), 'recouvra-procedure-'));
const write = (name: string, value: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
};
const seat = {
  kind: 'registered_office',
  lines: ['12 quai de Southampton'],
  postalCode: '76600',
  city: 'Le Havre',
  country: 'FR',
};
const FACTS = {
  currency: 'EUR',
  claim: { principal: 500_000, interest: 0, indemnity: 4_000 },
  debtor: { kind: 'company', name: 'Transports Martin', legalForm: { inseeCode: '5710' }, seat },
  creditor: { kind: 'company', legalForm: { category: 'merchant', label: 'SAS' } },
};

describe('recouvra procedure', () => {
  it('gives, as JSON, exactly what the dossier would recommend on the same facts', () => {
    const out = runProcedure({ input: write('facts.json', FACTS), asOf: '2026-12-05', json: true });
    expect(out).toMatchObject({ exitCode: 0, stderr: '' });
    const advice = JSON.parse(out.stdout) as ReturnType<typeof recommendProcedure>;
    const expected = recommendProcedure(
      {
        asOf: '2026-12-05',
        currency: 'EUR',
        claim: { principal: 500_000, interest: 0, indemnity: 4_000, total: 504_000 },
        debtor: {
          kind: 'company',
          legalForm: { category: 'merchant', label: 'société commerciale (INSEE 5710)', source: 'insee' },
          seat: seat as never,
          insolvency: null,
        },
        creditor: {
          legalForm: { category: 'merchant', label: 'SAS', source: 'declared' },
          outsideMetropolitanFrance: false,
        },
        disputed: [],
        prescribesOn: null,
      },
      loadProcedureData(),
    );
    expect(advice).toEqual(expected);
    // Exactly 5,000.00 EUR of principal and interest: not below the petites créances ceiling (CPCE L125-1).
    expect(advice).toMatchObject({
      procedure: 'injonction_de_payer',
      court: { kind: 'tribunal_des_activites_economiques', name: 'Tribunal des activités économiques du Havre' },
      lawyer: { compulsory: false },
    });
  });

  it('a readable summary names the procedure, the court, the lawyer rule, the reasons and the deadlines', () => {
    const out = runProcedure({
      input: write('facts2.json', { ...FACTS, disputed: ['FAC-1 (marchandise endommagée)'] }),
      asOf: '2026-12-05',
    });
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toMatch(
      /^Procedure as of 2026-12-05, claim 5\s040,00\s€: assignation au fond\ncourt: Tribunal des activités économiques du Havre/,
    );
    expect(out.stdout).toMatch(/\nlawyer: not compulsory/);
    // The framing of the summary is the CLI's (English); the reasons are the dossier's, in French.
    expect(out.stdout).toMatch(/\nwhy:\n {2}- la créance est contestée : FAC-1 \(marchandise endommagée\)\n/);
  });

  it('the seat may state its INSEE commune: it wins over a postal code shared by communes under different courts; a malformed one is refused', () => {
    const shared = { ...seat, lines: ['1 route de Descartes'], postalCode: '37160', city: 'Les Bois' };
    const ask = JSON.parse(
      runProcedure({
        input: write('shared.json', { ...FACTS, debtor: { ...FACTS.debtor, seat: shared } }),
        asOf: '2026-12-05',
        json: true,
      }).stdout,
    ) as ReturnType<typeof recommendProcedure>;
    expect(ask.court.name).toBeUndefined();
    expect(ask.warnings.join('\n')).toMatch(
      /tribunal À CONFIRMER, demander la commune .*Tribunal de commerce de Tours pour .* ; Tribunal de commerce de Poitiers pour Buxeuil \(86042\)/,
    );
    const stated = JSON.parse(
      runProcedure({
        input: write('stated.json', {
          ...FACTS,
          debtor: { ...FACTS.debtor, seat: { ...shared, communeCode: '37115' } },
        }),
        asOf: '2026-12-05',
        json: true,
      }).stdout,
    ) as ReturnType<typeof recommendProcedure>;
    expect(stated.court).toMatchObject({ kind: 'tribunal_de_commerce', name: 'Tribunal de commerce de Tours' });
    expect(stated.reasons.join('\n')).toMatch(
      /commune indiquée dans les données transmises : Descartes \(INSEE 37115\) : dans le ressort du Tribunal de commerce de Tours/,
    );
    const bad = runProcedure({
      input: write('badcommune.json', {
        ...FACTS,
        debtor: { ...FACTS.debtor, seat: { ...shared, communeCode: '3711' } },
      }),
      asOf: '2026-12-05',
    });
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(/debtor\.seat\.communeCode: an INSEE commune code has 5 characters/);
  });

  it('lists every problem of a bad input at once, and refuses a bad date or a missing file', () => {
    const bad = runProcedure({
      input: write('bad.json', { currency: 'EUR', claim: { principal: -5 }, debtor: { kind: 'firm' } }),
      asOf: '2026-12-05',
    });
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(/3 problems/);
    expect(bad.stderr).toMatch(/claim\.principal: /);
    expect(bad.stderr).toMatch(/debtor\.kind: /);
    expect(bad.stderr).toMatch(/creditor: /);
    expect(runProcedure({ input: write('ok.json', FACTS), asOf: '2026-13-01' }).stderr).toMatch(
      /--as-of "2026-13-01" is not a calendar date/,
    );
    expect(runProcedure({ input: join(dir, 'none.json'), asOf: '2026-12-05' }).stderr).toMatch(
      /cannot read the input file .*no such file/,
    );
    expect(runProcedure({ input: write('notjson.json', '{'), asOf: '2026-12-05' }).stderr).toMatch(/is not valid JSON/);
  });
});
