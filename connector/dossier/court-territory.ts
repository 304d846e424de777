/**
 * The court of a place: the commune of the debtor's seat (its INSEE code, given or found from the
 * postal code and the city), then the court whose territory in config/legal/fr/courts.yaml holds
 * that commune. A postal code can cover several communes, and a commune may be missing from the
 * data: the answer then says so and why, instead of guessing.
 *
 * The communes and their postal codes come from @etalab/decoupage-administratif (the INSEE code
 * officiel géographique and La Poste's base), loaded on the first court resolved: the file is
 * 8.6 MB and its index takes 0.3 to 1 s and about 45 MB of heap to build; most commands never
 * need it.
 */
import { departementOf, type CourtEntry, type CourtTerritoryKind } from '../../config/legal/courts-data.schema';
import type { Address } from '../model/debtor.schema';
import { FR } from './fr.wording';
import type { CourtsData } from './procedure-data';

export interface CommuneRef {
  code: string;
  name: string;
  departement: string;
}

/** The seat as the advice receives it: an address, and the commune when the input states it. */
export type SeatAddress = Address & { communeCode?: string };

export type CommuneResolution = { found: true; communes: CommuneRef[]; how: string } | { found: false; why: string };

export interface CommuneIndex {
  byCode(code: string): CommuneRef | undefined;
  byPostalCode(postalCode: string): CommuneRef[];
  /** Communes of these départements whose current or former (merged) name is `city`. */
  byName(departements: readonly string[], city: string): CommuneRef[];
}

export type CourtResolution =
  | { status: 'certain'; court: CourtEntry; communes: CommuneRef[]; how: string }
  | { status: 'ambiguous'; options: { court: CourtEntry; communes: CommuneRef[] }[]; how: string }
  | { status: 'to_confirm'; why: string; departements: string[] };

/**
 * La Défense is a business district, not a commune: its addresses are in Courbevoie, Puteaux,
 * Nanterre and La Garenne-Colombes (all Hauts-de-Seine), and its CEDEX codes (92060, 92092…) are
 * not in La Poste's distribution base.
 */
const LA_DEFENSE = ['92026', '92062', '92050', '92035'];

const W = FR.commune;

export function resolveCommunes(seat: SeatAddress, index: CommuneIndex = communeIndex()): CommuneResolution {
  if (seat.communeCode) {
    const commune = index.byCode(seat.communeCode);
    return commune
      ? { found: true, communes: [commune], how: W.stated(commune) }
      : { found: false, why: W.statedUnknown(seat.communeCode) };
  }
  const city = normalizeCity(seat.city);
  const byPostalCode = index.byPostalCode(seat.postalCode.trim());
  const list = (cs: CommuneRef[]) => cs.map((c) => `${c.name} (${c.code})`).join(', ');
  if (byPostalCode.length === 1) {
    const [only] = byPostalCode as [CommuneRef];
    const differs =
      city !== '' &&
      normalizeCity(only.name) !== city &&
      !index.byName([only.departement], seat.city).some((c) => c.code === only.code);
    return {
      found: true,
      communes: [only],
      how: W.onlyOne({
        postalCode: seat.postalCode,
        name: only.name,
        code: only.code,
        city: differs ? seat.city : null,
      }),
    };
  }
  if (byPostalCode.length > 1) {
    const named = byPostalCode.filter(
      (c) => normalizeCity(c.name) === city || index.byName([c.departement], seat.city).some((n) => n.code === c.code),
    );
    if (named.length === 1)
      return {
        found: true,
        communes: named,
        how: W.named({
          postalCode: seat.postalCode,
          count: byPostalCode.length,
          city: seat.city,
          name: named[0]!.name,
          code: named[0]!.code,
        }),
      };
    if (/\bla defense\b/.test(city)) {
      const defense = byPostalCode.filter((c) => LA_DEFENSE.includes(c.code));
      if (defense.length)
        return {
          found: true,
          communes: defense,
          how: W.defenseByPostalCode({ postalCode: seat.postalCode, communes: list(defense) }),
        };
    }
    return {
      found: true,
      communes: byPostalCode,
      how: W.several({ postalCode: seat.postalCode, communes: list(byPostalCode), city: seat.city }),
    };
  }
  // Not a distribution code (a CEDEX code, a typo): the city, within the postal code's département.
  if (/\bla defense\b/.test(city) && seat.postalCode.startsWith('92')) {
    const defense = LA_DEFENSE.map((code) => index.byCode(code)).filter((c): c is CommuneRef => c !== undefined);
    return { found: true, communes: defense, how: W.defense(list(defense)) };
  }
  const departements = departementsOfPostalCode(seat.postalCode);
  const named = index.byName(departements, seat.city);
  if (named.length)
    return {
      found: true,
      communes: named,
      how: W.byCity({ postalCode: seat.postalCode, city: seat.city, communes: list(named) }),
    };
  return { found: false, why: W.notFound({ postalCode: seat.postalCode, departements, city: seat.city }) };
}

export function resolveCourt(
  kind: CourtTerritoryKind,
  seat: SeatAddress,
  courts: CourtsData,
  index: CommuneIndex = communeIndex(),
): CourtResolution {
  const found = resolveCommunes(seat, index);
  if (!found.found)
    return {
      status: 'to_confirm',
      why: found.why,
      departements: seat.communeCode ? [] : departementsOfPostalCode(seat.postalCode),
    };
  const territories = courtIndex(courts);
  const courtOf = (c: CommuneRef) =>
    territories.get(`${kind} ${c.code}`) ?? territories.get(`${kind} ${c.departement}`);
  const uncovered = found.communes.filter((c) => !courtOf(c));
  const departements = [...new Set(found.communes.map((c) => c.departement))];
  if (uncovered.length) {
    return {
      status: 'to_confirm',
      why: W.notCovered({
        how: found.how,
        communes: uncovered.map((c) => `${c.name} (INSEE ${c.code})`).join(', '),
        count: uncovered.length,
      }),
      departements,
    };
  }
  const options: { court: CourtEntry; communes: CommuneRef[] }[] = [];
  for (const commune of found.communes) {
    const court = courtOf(commune)!;
    const option = options.find((o) => o.court === court);
    if (option) option.communes.push(commune);
    else options.push({ court, communes: [commune] });
  }
  if (options.length === 1)
    return { status: 'certain', court: options[0]!.court, communes: found.communes, how: found.how };
  return { status: 'ambiguous', options, how: found.how };
}

/** The courts of that kind with some territory in these départements, for a "to confirm" answer. */
export function courtsIn(kind: CourtTerritoryKind, departements: readonly string[], courts: CourtsData): CourtEntry[] {
  return courts.courts.filter(
    (c) =>
      c.kind === kind &&
      (c.territory.departements.some((d) => departements.includes(d)) ||
        c.territory.communes.some((code) => departements.includes(departementOf(code)))),
  );
}

const courtIndexes = new WeakMap<CourtsData, Map<string, CourtEntry>>();
function courtIndex(courts: CourtsData): Map<string, CourtEntry> {
  let index = courtIndexes.get(courts);
  if (!index) {
    index = new Map();
    for (const court of courts.courts) {
      for (const place of [...court.territory.departements, ...court.territory.communes])
        index.set(`${court.kind} ${place}`, court);
    }
    courtIndexes.set(courts, index);
  }
  return index;
}

/** "75008" → 75; "20000" → Corse-du-Sud or Haute-Corse; "97411" → 974. */
export function departementsOfPostalCode(postalCode: string): string[] {
  const pc = postalCode.trim();
  if (pc.startsWith('20')) return ['2A', '2B'];
  if (pc.startsWith('97') || pc.startsWith('98')) return [pc.slice(0, 3)];
  return [pc.slice(0, 2)];
}

/** "SAINT-BRIEUC CEDEX 1", "St Brieuc" and "Saint Brieuc" name the same place; "Paris 8e", "Lyon 3ème" are Paris and Lyon. */
export function normalizeCity(city: string): string {
  return city
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/\bcedex\b.*$/, '')
    .replace(/\b(\d+ ?(e|er|eme|ème)?|arrondissement)\b/g, ' ')
    .replace(/[^a-z]+/g, ' ')
    .replace(/\bste\b/g, 'sainte')
    .replace(/\bst\b/g, 'saint')
    .replace(/\s+/g, ' ')
    .trim();
}

interface RawCommune {
  code: string;
  nom: string;
  type: 'commune-actuelle' | 'commune-deleguee' | 'commune-associee' | 'arrondissement-municipal';
  departement: string;
  codesPostaux?: string[];
  /** For a commune déléguée or associée: the current commune. */
  chefLieu?: string;
  /** For an arrondissement municipal of Paris, Lyon or Marseille: the commune. */
  commune?: string;
}

let loaded: CommuneIndex | undefined;

/** The index over @etalab/decoupage-administratif, built on first use and kept. */
export function communeIndex(): CommuneIndex {
  if (!loaded)
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the communes table is large: read on first use only
    loaded = buildCommuneIndex(require('@etalab/decoupage-administratif/data/communes.json') as RawCommune[]);
  return loaded;
}

export function buildCommuneIndex(raw: readonly RawCommune[]): CommuneIndex {
  const current = new Map<string, CommuneRef>();
  for (const r of raw)
    if (r.type === 'commune-actuelle') current.set(r.code, { code: r.code, name: r.nom, departement: r.departement });
  // An arrondissement of Paris, Lyon or Marseille, a commune déléguée or associée: the commune it belongs to.
  const parentOf = (r: RawCommune) =>
    current.get(
      r.type === 'arrondissement-municipal'
        ? (r.commune ?? '')
        : r.type === 'commune-actuelle'
          ? r.code
          : (r.chefLieu ?? ''),
    );
  const byCode = new Map<string, CommuneRef>();
  const byPostalCode = new Map<string, CommuneRef[]>();
  const byName = new Map<string, CommuneRef[]>();
  const add = <K>(map: Map<K, CommuneRef[]>, key: K, c: CommuneRef) => {
    const list = map.get(key);
    if (!list) map.set(key, [c]);
    else if (!list.includes(c)) list.push(c);
  };
  for (const r of raw) {
    const parent = parentOf(r);
    if (!parent) continue;
    if (!byCode.has(r.code) || r.type === 'commune-actuelle') byCode.set(r.code, parent);
    // Communes déléguées keep their postal codes in the base; the commune is the current one.
    for (const pc of r.codesPostaux ?? []) add(byPostalCode, pc, parent);
    add(byName, `${r.departement} ${normalizeCity(r.nom)}`, parent);
  }
  return {
    byCode: (code) => byCode.get(code.toUpperCase()),
    byPostalCode: (pc) => byPostalCode.get(pc) ?? [],
    byName: (departements, city) => [
      ...new Set(departements.flatMap((d) => byName.get(`${d} ${normalizeCity(city)}`) ?? [])),
    ],
  };
}
