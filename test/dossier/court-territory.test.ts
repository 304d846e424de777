import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runConfigCheck } from '../../connector/app/cli/config-command';
import { checkCourts, loadProcedureData, parseCourtsData } from '../../connector/dossier/procedure-data';
import { bundledPath } from '../../connector/paths';
import {
  communeIndex,
  normalizeCity,
  resolveCommunes,
  resolveCourt,
  type SeatAddress,
} from '../../connector/dossier/court-territory';
import { LegalDataError } from '../../connector/claim/legal-data';
import { PROCEDURES } from './fixtures';

/** The commune of a seat, and the court whose territory holds it (config/legal/fr/courts.yaml). */

const seat = (postalCode: string, city: string, communeCode?: string): SeatAddress => ({
  kind: 'registered_office',
  lines: ['1 rue X'],
  postalCode,
  city,
  country: 'FR',
  ...(communeCode ? { communeCode } : {}),
});
const COURTS = PROCEDURES.courts;
const courtOf = (kind: 'tribunal_judiciaire' | 'tribunal_de_commerce', s: SeatAddress) => {
  const r = resolveCourt(kind, s, COURTS);
  return r.status === 'certain' ? r.court.seat : r.status;
};

describe('commune of a seat', () => {
  it.each([
    ['92100', 'Boulogne-Billancourt', ['92012']],
    ['92400', 'COURBEVOIE CEDEX', ['92026']],
    ['69100', 'Villeurbanne', ['69266']],
    ['76600', 'Le Havre', ['76351']],
    // An arrondissement of Paris, Lyon or Marseille is its commune.
    ['75008', 'Paris 8e', ['75056']],
    ['69003', 'LYON 3EME', ['69123']],
    // Several communes share 37160: the city picks one, "St"/"Ste" and accents aside.
    ['37160', 'Descartes', ['37115']],
    ['37160', 'BUXEUIL', ['86042']],
    ['37160', 'La Celle St Avant', ['37045']],
    // A CEDEX code is not a distribution code: the city, within the postal code's département.
    ['92060', 'La Défense Cedex', ['92026', '92062', '92050', '92035']],
    ['20090', 'Ajaccio', ['2A004']],
  ])('%s %s', (postalCode, city, codes) => {
    const r = resolveCommunes(seat(postalCode, city));
    expect(r.found && r.communes.map((c) => c.code).sort()).toEqual([...codes].sort());
  });

  it('a postal code of several communes and a city naming none of them gives them all', () => {
    const r = resolveCommunes(seat('37160', 'Les Bois'));
    expect(r.found && r.communes.length).toBe(7);
    expect(r.found && r.how).toMatch(
      /^le code postal 37160 couvre Abilly \(37001\), .*Buxeuil \(86042\), et la ville « Les Bois » ne désigne aucune d'elles à elle seule$/,
    );
  });

  it('an explicit communeCode wins over the postal code and the city; an unknown one is said to be unknown', () => {
    const r = resolveCommunes(seat('37160', 'Descartes', '86042'));
    expect(r.found && r.communes.map((c) => c.code)).toEqual(['86042']);
    expect(resolveCommunes(seat('37160', 'Descartes', '2A999'))).toEqual({
      found: false,
      why: "le code commune indiqué, 2A999, n'est pas une commune INSEE des données",
    });
  });

  it('normalises names: accents, case, hyphens, Saint/St, CEDEX, arrondissements', () => {
    expect(normalizeCity('SAINT-BRIEUC CEDEX 1')).toBe('saint brieuc');
    expect(normalizeCity('St-Brieuc')).toBe('saint brieuc');
    expect(normalizeCity('Marseille 2ème arrondissement')).toBe('marseille');
    expect(normalizeCity("L'Haÿ-les-Roses")).toBe('l hay les roses');
  });

  it('builds the commune index once and keeps it', () => {
    expect(communeIndex()).toBe(communeIndex());
  });
});

describe('court of a seat', () => {
  it.each([
    ['92100', 'Boulogne-Billancourt', 'Nanterre', 'Nanterre'],
    ['92400', 'Courbevoie', 'Nanterre', 'Nanterre'],
    ['92800', 'La Défense', 'Nanterre', 'Nanterre'],
    ['92060', 'La Défense Cedex', 'Nanterre', 'Nanterre'],
    ['69100', 'Villeurbanne', 'Lyon', 'Lyon'],
    ['76600', 'Le Havre', 'Le Havre', 'Le Havre'],
    ['75008', 'Paris', 'Paris', 'Paris'],
    ['72000', 'Le Mans', 'Le Mans', 'Le Mans'],
    ['13005', 'Marseille', 'Marseille', 'Marseille'],
    ['37160', 'Descartes', 'Tours', 'Tours'],
    ['37160', 'Buxeuil', 'Poitiers', 'Poitiers'],
  ])('%s %s: tribunal judiciaire of %s, tribunal de commerce of %s', (postalCode, city, tj, tc) => {
    expect(courtOf('tribunal_judiciaire', seat(postalCode, city))).toBe(tj);
    expect(courtOf('tribunal_de_commerce', seat(postalCode, city))).toBe(tc);
  });

  it('a postal code shared by communes under different courts names every court, with its communes', () => {
    const r = resolveCourt('tribunal_judiciaire', seat('37160', 'Les Bois'), COURTS);
    expect(r.status).toBe('ambiguous');
    expect(r.status === 'ambiguous' && r.options.map((o) => [o.court.seat, o.communes.map((c) => c.code)])).toEqual([
      ['Tours', ['37001', '37045', '37080', '37115', '37145', '37168']],
      ['Poitiers', ['86042']],
    ]);
  });

  it('a commune outside the covered data is to be confirmed, with the département it lies in', () => {
    // The Rhône is shared between Lyon and Villefranche-sur-Saône by pre-2015 cantons: Craponne is in none the data maps.
    const r = resolveCourt('tribunal_judiciaire', seat('69290', 'Craponne'), COURTS);
    expect(r).toMatchObject({ status: 'to_confirm', departements: ['69'] });
    expect(r.status === 'to_confirm' && r.why).toMatch(
      /Craponne \(INSEE 69069\) ne figure dans le ressort d'aucun tribunal des données$/,
    );
    // Alsace-Moselle has no tribunal de commerce in the data.
    expect(courtOf('tribunal_de_commerce', seat('67000', 'Strasbourg'))).toBe('to_confirm');
  });
});

describe('court data file', () => {
  it('every entry names a known source; each of the 12 TAE has a tribunal de commerce entry', () => {
    for (const court of COURTS.courts) expect(COURTS.sources[court.source]).toBeDefined();
    for (const seatName of PROCEDURES.economicActivitiesCourts.seats)
      expect(COURTS.courts.some((c) => c.kind === 'tribunal_de_commerce' && c.seat === seatName)).toBe(true);
  });

  it('refuses a bad code, an unknown source and a commune inside a département given to another court, all at once', () => {
    const text = `
sources:
  s: { text: "C. com. annexe 7-1", version: "v", versionDate: "2013-06-28", readFrom: "here" }
verification: "[UNVERIFIED]"
departementNotes: {}
courts:
  - { kind: tribunal_de_commerce, seat: A, source: s, territory: { departements: ["92"] } }
  - { kind: tribunal_de_commerce, seat: B, source: nope, territory: { communes: ["92026", "9202"] } }
  - { kind: tribunal_de_commerce, seat: C, source: s, territory: { departements: ["92"] } }
`;
    const problems = (() => {
      try {
        parseCourtsData(text);
      } catch (e) {
        expect(e).toBeInstanceOf(LegalDataError);
        return (e as LegalDataError).problems;
      }
      return [];
    })();
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^courts\.yaml: courts\[1\]\.territory\.communes\[1\]: an INSEE commune code has 5 characters/,
        ),
        'courts.yaml: courts[1].source: unknown source "nope" (known: s)',
        'courts.yaml: courts[1].territory.communes: commune 92026 lies in a département given wholly to the tribunal_de_commerce of A',
        'courts.yaml: courts[2].territory: département 92 is already in the territory of the tribunal_de_commerce of A',
      ]),
    );
  });
});

describe('courts.yaml is read when a court is first looked up', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'recouvra-courts-'));
    copyFileSync(join(bundledPath('config', 'legal', 'fr'), 'procedures.yaml'), join(dir, 'procedures.yaml'));
    writeFileSync(join(dir, 'courts.yaml'), 'courts: [unclosed\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads the procedures without it, and names the broken file when the courts are needed', () => {
    const data = loadProcedureData(dir);
    expect(data.injonctionDePayer).toBeDefined();
    expect(() => checkCourts(data)).toThrow(LegalDataError);
    expect(() => data.courts).toThrow(/courts\.yaml: line 2, column 1: Flow sequence/);
  });

  it('config check reads it up front and reports it', () => {
    const config = join(dir, 'recouvra.yaml');
    copyFileSync(join(bundledPath('config', 'legal', 'fr'), 'rates.yaml'), join(dir, 'rates.yaml'));
    copyFileSync(join(bundledPath('config', 'legal', 'fr'), 'indemnity.yaml'), join(dir, 'indemnity.yaml'));
    copyFileSync(join(bundledPath('config', 'legal', 'fr'), 'limitation.yaml'), join(dir, 'limitation.yaml'));
    writeFileSync(config, `version: 1\nlegal:\n  dir: ${dir}\n`);
    const out = runConfigCheck(config, {}, new Date('2026-05-01T00:00:00Z'));
    expect(out.exitCode).toBe(1);
    // Both in one run: the broken courts file and the missing court costs the dossier lists.
    expect(out.stderr).toMatch(/courts\.yaml:2:1 +YAML: Flow sequence/);
    expect(out.stderr).toMatch(/costs\.yaml +\(file\): cannot read .*ENOENT/);
    copyFileSync(join(bundledPath('config', 'legal', 'fr'), 'courts.yaml'), join(dir, 'courts.yaml'));
    expect(runConfigCheck(config, {}, new Date('2026-05-01T00:00:00Z')).stderr).toMatch(
      /costs\.yaml +\(file\): cannot read .*ENOENT/,
    );
    copyFileSync(join(bundledPath('config', 'legal', 'fr'), 'costs.yaml'), join(dir, 'costs.yaml'));
    expect(runConfigCheck(config, {}, new Date('2026-05-01T00:00:00Z'))).toMatchObject({ exitCode: 0 });
  });
});
