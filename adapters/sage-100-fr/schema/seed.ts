import type { Insertable } from 'kysely';
import { SAGE_NO_DATE } from '../values';
import type { Sage100Database, Sage100Table } from './layout';

/** A generated data set: rows per table, datetimes as canonical text, amounts as decimal text. */
export type Sage100Seed = { [T in Sage100Table]: Insertable<Sage100Database[T]>[] };

export interface Sage100SeedOptions {
  /** Seed of the pseudo-random generator: the same seed gives the same rows. */
  seed: number;
  /** Generated customers on top of the named cases (0 gives the named cases only). */
  customers: number;
  /** Time of the newest change, `YYYY-MM-DDTHH:MM:SS.mmm` (default 2026-03-31T18:00:00.000). */
  until?: string;
}

/**
 * The named cases every seed holds, each one thing the read model must get right
 * (shared/reference/sage.md §4.2):
 * - CDUPONT: one open invoice (FA00001), enriched by a document;
 * - CMARTIN: FA00002 with a partial payment line not lettered, whose two remaining amounts
 *   disagree (EC_Montant − EC_MontantRegle = 1000.00; the piece's net and the document's
 *   DO_TotalTTC − DO_MontantRegle = 600.00), and FA00003 fully lettered with its payment;
 * - CBERNARD: an open credit note (AV00001, EC_Sens 1) with no due date (the 1753 sentinel);
 * - CPETIT: FA00004 part-paid where both remaining amounts agree (500.00);
 * - FDURAND: a supplier (CT_Type 1) with an open line on 401, which is not a receivable.
 * CDUPONT's and CMARTIN's invoices share one cbModification, to exercise the cbMarq tie-break.
 */
export const NAMED_CASES = {
  openInvoice: 'FA00001',
  disagreeing: 'FA00002',
  lettered: 'FA00003',
  creditNote: 'AV00001',
  partPaidAgreeing: 'FA00004',
  supplier: 'FDURAND',
} as const;

const DEFAULT_UNTIL = '2026-03-31T18:00:00.000';

export function generateSage100Seed(opts: Sage100SeedOptions): Sage100Seed {
  if (!Number.isSafeInteger(opts.customers) || opts.customers < 0 || opts.customers > 99_999) {
    throw new Error(`Sage 100 seed: customers must be an integer from 0 to 99999, got ${opts.customers}`);
  }
  const until = Date.parse(`${opts.until ?? DEFAULT_UNTIL}Z`);
  if (Number.isNaN(until)) throw new Error(`Sage 100 seed: until "${opts.until}" is not YYYY-MM-DDTHH:MM:SS.mmm`);
  const random = mulberry32(opts.seed);
  const out: Sage100Seed = { F_COMPTET: [], F_CONTACTT: [], F_ECRITUREC: [], F_DOCENTETE: [] };
  const marq = { F_COMPTET: 0, F_CONTACTT: 0, F_ECRITUREC: 0, F_DOCENTETE: 0 };
  let ecNo = 0;
  /** A time `minutesAgo` before `until`, as Sage's datetime text. */
  const at = (minutesAgo: number): string => new Date(until - minutesAgo * 60_000).toISOString().slice(0, 23);
  const day = (daysAgo: number): string => `${at(daysAgo * 1440).slice(0, 10)}T00:00:00.000`;

  const customer = (ctNum: string, name: string, type: number, modified: string, city: [string, string]): void => {
    out.F_COMPTET.push({
      CT_Num: ctNum,
      CT_Intitule: name,
      CT_Type: type,
      CG_NumPrinc: type === 0 ? '4110000' : '4010000',
      CT_Contact: '',
      CT_Adresse: `${1 + Math.floor(random() * 120)} rue de la République`,
      CT_Complement: '',
      CT_CodePostal: city[1],
      CT_Ville: city[0],
      CT_Pays: 'France',
      CT_Telephone: `01 ${pad(Math.floor(random() * 1e8), 8).replace(/(\d\d)(?=\d)/g, '$1 ')}`,
      CT_Telecopie: '',
      CT_EMail: `compta@${ctNum.toLowerCase()}.example.fr`,
      CT_Siret: siret(random),
      CT_Identifiant: '',
      CT_Ape: '4120A',
      CT_Commentaire: '',
      CT_Sommeil: 0,
      CT_NumPayeur: ctNum,
      cbMarq: ++marq.F_COMPTET,
      cbModification: modified,
    });
  };
  const contact = (ctNum: string, no: number, first: string, last: string, modified: string): void => {
    out.F_CONTACTT.push({
      CT_Num: ctNum,
      CT_No: no,
      CT_Nom: last,
      CT_Prenom: first,
      CT_Fonction: 'Comptable',
      CT_Telephone: '',
      CT_TelPortable: '06 12 34 56 78',
      CT_EMail: `${mailbox(first)}.${mailbox(last)}@example.fr`,
      cbMarq: ++marq.F_CONTACTT,
      cbModification: modified,
    });
  };
  interface Line {
    ctNum: string;
    account: string;
    piece: string;
    sens: 0 | 1;
    amount: string;
    due: string;
    lettrage?: string;
    settled?: string;
    modified: string;
    label: string;
  }
  /** The date of each piece's invoice line: its document carries the same date. */
  const invoiceDates = new Map<string, string>();
  const line = (l: Line): void => {
    const lettered = l.lettrage !== undefined && l.lettrage !== '';
    const settled = l.settled ?? '0.000000';
    // An invoice is dated thirty days before it falls due (the usual French term), and never after it was entered.
    const entered = `${l.modified.slice(0, 10)}T00:00:00.000`;
    const termStart =
      l.due === SAGE_NO_DATE ? entered : new Date(Date.parse(`${l.due}Z`) - 30 * 86_400_000).toISOString().slice(0, 23);
    const date = termStart < entered ? termStart : entered;
    if (l.sens === 0) invoiceDates.set(l.piece, date);
    out.F_ECRITUREC.push({
      EC_No: ++ecNo,
      JO_Num: l.sens === 0 ? 'VTE' : 'BQ',
      JM_Date: `${date.slice(0, 8)}01T00:00:00.000`,
      EC_Jour: Number(date.slice(8, 10)),
      EC_Date: date,
      EC_Piece: l.piece,
      EC_RefPiece: l.piece,
      CG_Num: l.account,
      CT_Num: l.ctNum,
      EC_Intitule: l.label,
      EC_Echeance: l.due,
      EC_Sens: l.sens,
      EC_Montant: l.amount,
      EC_Lettre: lettered ? 1 : 0,
      EC_Lettrage: l.lettrage ?? '',
      EC_LettreQ: 0,
      EC_LettrageQ: '',
      EC_StatusRegle: settled === '0.000000' ? 0 : 1,
      EC_MontantRegle: settled,
      EC_DateRegle: SAGE_NO_DATE,
      EC_Rappel: 0,
      EC_DateRelance: SAGE_NO_DATE,
      EC_Reference: '',
      N_Reglement: 1,
      N_Devise: 0,
      EC_Devise: '0.000000',
      cbCreation: l.modified,
      cbMarq: ++marq.F_ECRITUREC,
      cbModification: l.modified,
    });
  };
  const document = (ctNum: string, piece: string, type: 6 | 7, ttc: string, paid: string, modified: string): void => {
    const ht = (Number(ttc) / 1.2).toFixed(2);
    out.F_DOCENTETE.push({
      DO_Domaine: 0,
      DO_Type: type,
      DO_Piece: piece,
      DO_Date: invoiceDates.get(piece) ?? `${modified.slice(0, 10)}T00:00:00.000`,
      DO_Ref: '',
      DO_Tiers: ctNum,
      DO_TotalHT: `${ht}0000`,
      DO_TotalTTC: ttc,
      DO_NetAPayer: ttc,
      DO_MontantRegle: paid,
      DO_Provenance: 0,
      cbMarq: ++marq.F_DOCENTETE,
      cbModification: modified,
    });
  };

  // The named cases (see NAMED_CASES).
  const tie = at(3000);
  customer('CDUPONT', 'Dupont Bâtiment SARL', 0, at(5000), ['Lyon', '69003']);
  contact('CDUPONT', 1, 'Jeanne', 'Dupont', at(5000));
  contact('CDUPONT', 2, 'Marc', 'Lefèvre', at(4900));
  customer('CMARTIN', 'Martin & Fils SAS', 0, at(4800), ['Nantes', '44000']);
  customer('CBERNARD', 'Boulangerie Bernard', 0, at(4700), ['Lille', '59000']);
  customer('CPETIT', 'Petit Transports EURL', 0, at(4600), ['Bordeaux', '33000']);
  customer('FDURAND', 'Durand Fournitures', 1, at(4500), ['Toulouse', '31000']);
  line({
    ctNum: 'CDUPONT',
    account: '4110000',
    piece: 'FA00001',
    sens: 0,
    amount: '1200.000000',
    due: day(20),
    modified: tie,
    label: 'Facture FA00001',
  });
  document('CDUPONT', 'FA00001', 7, '1200.000000', '0.000000', tie);
  line({
    ctNum: 'CMARTIN',
    account: '4110000',
    piece: 'FA00002',
    sens: 0,
    amount: '1000.000000',
    due: day(40),
    modified: tie,
    label: 'Facture FA00002',
  });
  line({
    ctNum: 'CMARTIN',
    account: '4110000',
    piece: 'FA00002',
    sens: 1,
    amount: '400.000000',
    due: SAGE_NO_DATE,
    modified: at(2000),
    label: 'Règlement partiel FA00002',
  });
  document('CMARTIN', 'FA00002', 7, '1000.000000', '400.000000', at(2000));
  line({
    ctNum: 'CMARTIN',
    account: '4110000',
    piece: 'FA00003',
    sens: 0,
    amount: '350.500000',
    due: day(60),
    lettrage: 'AA',
    modified: at(2900),
    label: 'Facture FA00003',
  });
  line({
    ctNum: 'CMARTIN',
    account: '4110000',
    piece: 'FA00003',
    sens: 1,
    amount: '350.500000',
    due: SAGE_NO_DATE,
    lettrage: 'AA',
    modified: at(2900),
    label: 'Règlement FA00003',
  });
  line({
    ctNum: 'CBERNARD',
    account: '4110000',
    piece: 'AV00001',
    sens: 1,
    amount: '250.000000',
    due: SAGE_NO_DATE,
    modified: at(2800),
    label: 'Avoir AV00001',
  });
  line({
    ctNum: 'CPETIT',
    account: '4110000',
    piece: 'FA00004',
    sens: 0,
    amount: '800.000000',
    due: day(10),
    settled: '300.000000',
    modified: at(2700),
    label: 'Facture FA00004',
  });
  line({
    ctNum: 'CPETIT',
    account: '4110000',
    piece: 'FA00004',
    sens: 1,
    amount: '300.000000',
    due: SAGE_NO_DATE,
    modified: at(2700),
    label: 'Règlement partiel FA00004',
  });
  document('CPETIT', 'FA00004', 6, '800.000000', '300.000000', at(2700));
  line({
    ctNum: 'FDURAND',
    account: '4010000',
    piece: 'FF00001',
    sens: 1,
    amount: '99.900000',
    due: day(5),
    modified: at(2600),
    label: 'Facture fournisseur',
  });

  // Generated customers. Times are whole minutes, so changes often share a cbModification.
  for (let i = 1; i <= opts.customers; i++) {
    const ctNum = `C${pad(i, 5)}`;
    const city = pick(random, CITIES);
    customer(
      ctNum,
      `${pick(random, SURNAMES)} ${pick(random, TRADES)} ${pick(random, FORMS)}`,
      0,
      at(Math.floor(random() * 2000)),
      city,
    );
    if (random() < 0.5)
      contact(ctNum, 1, pick(random, FIRST_NAMES), pick(random, SURNAMES), at(Math.floor(random() * 2000)));
    const invoices = Math.floor(random() * 5);
    for (let n = 1; n <= invoices; n++) {
      const piece = `FA${pad(i, 5)}${n}`;
      const cents = 5_000 + Math.floor(random() * 2_000_000);
      const amount = decimal(cents);
      const modified = at(Math.floor(random() * 2000));
      const roll = random();
      if (roll < 0.1) {
        line({
          ctNum,
          account: '4110000',
          piece: `AV${pad(i, 5)}${n}`,
          sens: 1,
          amount,
          due: SAGE_NO_DATE,
          modified,
          label: 'Avoir',
        });
        continue;
      }
      const due = random() < 0.1 ? SAGE_NO_DATE : day(Math.floor(random() * 120) - 30);
      // What the document says is paid: in step with the lines (the named case FA00002 is the one that is not).
      let docPaid = '0.000000';
      if (roll < 0.4) {
        docPaid = amount;
        const letter = lettrageCode(i * 10 + n);
        line({
          ctNum,
          account: '4110000',
          piece,
          sens: 0,
          amount,
          due,
          lettrage: letter,
          modified,
          label: `Facture ${piece}`,
        });
        line({
          ctNum,
          account: '4110000',
          piece,
          sens: 1,
          amount,
          due: SAGE_NO_DATE,
          lettrage: letter,
          modified,
          label: 'Règlement',
        });
      } else if (roll < 0.55) {
        const paid = decimal(Math.floor(cents / 2));
        docPaid = paid;
        line({
          ctNum,
          account: '4110000',
          piece,
          sens: 0,
          amount,
          due,
          settled: paid,
          modified,
          label: `Facture ${piece}`,
        });
        line({
          ctNum,
          account: '4110000',
          piece,
          sens: 1,
          amount: paid,
          due: SAGE_NO_DATE,
          modified,
          label: 'Règlement partiel',
        });
      } else {
        line({ ctNum, account: '4110000', piece, sens: 0, amount, due, modified, label: `Facture ${piece}` });
      }
      if (random() < 0.6 && piece.length <= 13)
        document(ctNum, piece, random() < 0.5 ? 6 : 7, amount, docPaid, modified);
    }
  }
  return out;
}

/** A small, well-known seeded generator (mulberry32): deterministic across Node versions. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)]!;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Cents as Sage's six-decimal text. */
function decimal(cents: number): string {
  return `${Math.floor(cents / 100)}.${pad(cents % 100, 2)}0000`;
}

/** Sage's letter codes run AA, AB, …; three letters at most (EC_Lettrage is varchar(3)). */
function lettrageCode(n: number): string {
  const a = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  return `${a[Math.floor(n / 676) % 26]}${a[Math.floor(n / 26) % 26]}${a[n % 26]}`;
}

/** A 14-digit SIRET whose SIREN (9 digits) and whole SIRET both pass the Luhn check, as real ones do. */
function siret(random: () => number): string {
  const digits = Array.from({ length: 8 }, () => Math.floor(random() * 10));
  const sum = (ds: number[]): number =>
    ds.reduceRight((acc, d, i) => {
      const doubled = (ds.length - 1 - i) % 2 === 1 ? d * 2 : d;
      return acc + (doubled > 9 ? doubled - 9 : doubled);
    }, 0);
  const luhnKey = (ds: number[]): number => (10 - (sum([...ds, 0]) % 10)) % 10;
  const siren = [...digits, luhnKey(digits)];
  const establishment = pad(Math.floor(random() * 10_000), 4)
    .split('')
    .map(Number);
  const first13 = [...siren, ...establishment];
  return `${first13.join('')}${luhnKey(first13)}`;
}

/** A name as a mailbox part: lower case, without accents or spaces ("Hélène" → "helene"). */
function mailbox(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '');
}

const SURNAMES = [
  'Martin',
  'Bernard',
  'Thomas',
  'Petit',
  'Robert',
  'Richard',
  'Durand',
  'Dubois',
  'Moreau',
  'Laurent',
  'Simon',
  'Michel',
  'Lefèvre',
  'Leroy',
  'Roux',
  'Fournier',
  'Girard',
  'Bonnet',
  'Mercier',
  'Faure',
] as const;
const FIRST_NAMES = [
  'Camille',
  'Léa',
  'Hugo',
  'Louis',
  'Chloé',
  'Jules',
  'Manon',
  'Gabriel',
  'Inès',
  'Arthur',
] as const;
const TRADES = [
  'Bâtiment',
  'Menuiserie',
  'Transports',
  'Boulangerie',
  'Électricité',
  'Plomberie',
  'Conseil',
  'Imprimerie',
] as const;
const FORMS = ['SARL', 'SAS', 'EURL', 'SA', 'SNC'] as const;
const CITIES: readonly [string, string][] = [
  ['Paris', '75011'],
  ['Lyon', '69007'],
  ['Marseille', '13008'],
  ['Toulouse', '31000'],
  ['Nantes', '44000'],
  ['Strasbourg', '67000'],
  ['Rennes', '35000'],
  ['Metz', '57000'],
];
