import { frenchVatFromSiren, luhnValid } from '../../../../connector/model/identifiers';
import type { Column } from './columns';
import { seedInvoicePdfs } from './invoice-pdf';
import { floor, round } from './numbers';
import { Rng } from './random';
import type { Table } from './table';
import { SECONDS_PER_DAY, secondsToDay } from './time';
import { major, type OdooVersion, type Raw } from './types';

/**
 * Deterministic seed data: every value comes from one generator in a fixed order, so a seed gives the
 * same database on every run and on every version (only the version-specific fields differ).
 * Shapes follow erp-apis.md §1.5 (fields) and the pitfalls of §1.6 are built in on purpose: batches
 * sharing a write_date second, a bulk rewrite larger than a page, payments that bump write_date.
 */

export const COUNTRY = { BE: 21, CH: 43, DE: 57, FR: 75, US: 233 } as const;
export const CURRENCY = { EUR: 1, USD: 2, CHF: 6 } as const;
/** Static rates per EUR, for the *_signed amounts in company currency. */
export const RATE_PER_EUR: Readonly<Record<number, number>> = {
  [CURRENCY.EUR]: 1,
  [CURRENCY.USD]: 1.08,
  [CURRENCY.CHF]: 0.95,
};

export const ADMIN_UID = 2;
export const BILLING_UID = 6;
export const PORTAL_UID = 7;

export const XMLIDS: Readonly<Record<string, readonly [string, number]>> = {
  'mail.mt_comment': ['mail.message.subtype', 1],
  'mail.mt_note': ['mail.message.subtype', 2],
  'mail.mt_activities': ['mail.message.subtype', 3],
  'mail.mail_activity_data_email': ['mail.activity.type', 1],
  'mail.mail_activity_data_call': ['mail.activity.type', 2],
  'mail.mail_activity_data_meeting': ['mail.activity.type', 3],
  'mail.mail_activity_data_todo': ['mail.activity.type', 4],
  'mail.mail_activity_data_upload_document': ['mail.activity.type', 5],
  'base.main_company': ['res.company', 1],
  'base.user_admin': ['res.users', ADMIN_UID],
};

const IR_MODEL_IDS: Readonly<Record<string, number>> = {
  'ir.model': 1,
  'res.currency': 15,
  'res.country': 19,
  'ir.attachment': 30,
  'res.company': 48,
  'res.partner': 78,
  'res.users': 90,
  'mail.message': 130,
  'mail.message.subtype': 131,
  'mail.activity': 140,
  'mail.activity.type': 141,
  // The id a real 18.0 gave account.move (v18-23); the other ids are ours.
  'account.move': 427,
};

const ACTIVITIES = [
  'Boulangerie',
  'Transports',
  'Menuiserie',
  'Garage',
  'Imprimerie',
  'Pharmacie',
  'Cabinet',
  'Atelier',
  'Maison',
  'Comptoir',
  'Société',
  'Laboratoire',
  'Brasserie',
  'Librairie',
  'Fromagerie',
  'Plomberie',
  'Électricité',
  'Carrosserie',
  'Agence',
  "Bureau d'études",
  'Serrurerie',
  'Pépinières',
  'Charpente',
  'Distribution',
];
const SURNAMES = [
  'Martin',
  'Bernard',
  'Dubois',
  'Thomas',
  'Robert',
  'Richard',
  'Petit',
  'Durand',
  'Leroy',
  'Moreau',
  'Simon',
  'Laurent',
  'Lefèvre',
  'Michel',
  'Garcia',
  'David',
  'Bertrand',
  'Roux',
  'Vincent',
  'Fournier',
  'Morel',
  'Girard',
  'André',
  'Mercier',
  'Dupont',
  'Lambert',
  'Bonnet',
  'François',
  'Martinez',
  'Legrand',
  'Garnier',
  'Faure',
  'Rousseau',
  'Blanc',
  'Guérin',
  'Muller',
  'Henry',
  'Roussel',
  'Nicolas',
  'Perrin',
];
const FIRST_NAMES = [
  'Camille',
  'Léa',
  'Manon',
  'Chloé',
  'Emma',
  'Inès',
  'Jeanne',
  'Louise',
  'Hugo',
  'Lucas',
  'Louis',
  'Gabriel',
  'Arthur',
  'Jules',
  'Nathan',
  'Théo',
  'Paul',
  'Maël',
  'Sophie',
  'Claire',
  'Julien',
  'Antoine',
  'Isabelle',
  'Éric',
];
const STREETS = [
  'rue de la République',
  'avenue Jean Jaurès',
  'rue Victor Hugo',
  'boulevard Pasteur',
  'rue du Général de Gaulle',
  'place de la Mairie',
  'rue des Lilas',
  'chemin des Vignes',
  'rue Nationale',
  'allée des Tilleuls',
  'quai de la Loire',
  'impasse du Moulin',
];
const FR_CITIES: readonly (readonly [string, string])[] = [
  ['Paris', '75011'],
  ['Paris', '75008'],
  ['Lyon', '69003'],
  ['Marseille', '13008'],
  ['Toulouse', '31000'],
  ['Nantes', '44000'],
  ['Lille', '59000'],
  ['Bordeaux', '33000'],
  ['Strasbourg', '67000'],
  ['Rennes', '35000'],
  ['Nice', '06000'],
  ['Montpellier', '34000'],
  ['Grenoble', '38000'],
  ['Dijon', '21000'],
  ['Angers', '49000'],
  ['Reims', '51100'],
  ['Le Havre', '76600'],
  ['Saint-Étienne', '42000'],
];
const CH_CITIES: readonly (readonly [string, string, string])[] = [
  ['Genève', '1201', 'fr_FR'],
  ['Lausanne', '1003', 'fr_FR'],
  ['Zürich', '8001', 'de_CH'],
];
const US_CITIES: readonly (readonly [string, string])[] = [
  ['New York', '10001'],
  ['Boston', '02108'],
  ['Chicago', '60601'],
];
const BE_CITIES: readonly (readonly [string, string])[] = [
  ['Bruxelles', '1000'],
  ['Liège', '4000'],
];

/** Reconciliation runs of the simulated bank feed: every payment of a day lands on one of these seconds. */
const RECONCILE_SECONDS = [6 * 3600, 12 * 3600 + 30 * 60, 18 * 3600 + 45 * 60];

export interface SeedOptions {
  readonly seed: number | string;
  readonly invoices: number;
  readonly version: OdooVersion;
  readonly nowSeconds: number;
  /** l10n_fr installed: partners and companies have a `siret`. */
  readonly l10nFr: boolean;
  /** Whether a full payment can be `in_payment` (see `OdooDatabaseOptions.edition`). */
  readonly inPaymentExists: boolean;
}

export interface SeedResult {
  /** Last number used per `company|prefix|year`, so posting continues the sequences. */
  readonly sequences: Map<string, number>;
  readonly companyIds: readonly number[];
  /** The second at which a bulk script rewrote a slice of posted invoices (a large same-second tie). */
  readonly bulkWriteSeconds: number;
}

type Values = Record<string, Raw>;

function put(table: Table, row: number, values: Values): void {
  for (const [field, value] of Object.entries(values)) table.columns.get(field)?.set(row, value);
}

/** Inserts a record with an explicit id (reference data keeps Odoo's usual small ids). */
function insertAt(table: Table, id: number, values: Values): number {
  const row = table.allocateId(table.firstId - 1 + id);
  put(table, row, values);
  table.activate(row, false);
  return table.idOf(row);
}

function insert(table: Table, values: Values): number {
  const row = table.allocate();
  put(table, row, values);
  table.activate(row, false);
  return table.idOf(row);
}

function slug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

function withCheckDigit(body: string): string {
  for (let d = 0; d < 10; d++) if (luhnValid(`${body}${d}`)) return `${body}${d}`;
  throw new Error('unreachable: one Luhn digit always fits');
}

function siren(rng: Rng): string {
  for (;;) {
    const s = withCheckDigit(`${rng.int(1, 9)}${rng.digits(7)}`);
    // La Poste's SIREN is the one whose SIRETs break Luhn (identifiers.ts); keep generated data plain.
    if (s !== '356000000') return s;
  }
}

function siret(rng: Rng, sirenValue: string): string {
  return withCheckDigit(sirenValue + rng.digits(4));
}

function belgianVat(rng: Rng): string {
  const base = `0${rng.int(2, 9)}${rng.digits(6)}`;
  const check = 97 - (Number(base) % 97);
  return `BE${base}${`${check}`.padStart(2, '0')}`;
}

function frPhone(rng: Rng): string {
  // Landlines (01 to 05) and mobiles (06, 07): SMS reach only the mobiles.
  return `+33 ${rng.int(1, 7)} ${rng.digits(2)} ${rng.digits(2)} ${rng.digits(2)} ${rng.digits(2)}`;
}

interface Customer {
  readonly id: number;
  readonly company: number;
  readonly contacts: number[];
}

export function seedDatabase(tables: ReadonlyMap<string, Table>, options: SeedOptions): SeedResult {
  const rng = new Rng(options.seed);
  const table = (name: string): Table => tables.get(name)!;
  const now = options.nowSeconds;
  const installed = now - 3 * 365 * SECONDS_PER_DAY;
  const stamp = (seconds: number, uid = 1): Values => ({
    create_date: seconds,
    write_date: seconds,
    create_uid: uid,
    write_uid: uid,
  });

  // Reference data: ids follow what a fresh Odoo database tends to hand out.
  const country = table('res.country');
  for (const [code, name] of [
    ['BE', 'Belgium'],
    ['CH', 'Switzerland'],
    ['DE', 'Germany'],
    ['FR', 'France'],
    ['US', 'United States'],
  ] as const) {
    insertAt(country, COUNTRY[code], { name, code, ...stamp(installed) });
  }

  const currency = table('res.currency');
  const currencyRow = (name: string, fullName: string, symbol: string, position: string): Values => ({
    name,
    full_name: fullName,
    symbol,
    rounding: 0.01,
    decimal_places: 2,
    position,
    active: true,
    ...stamp(installed),
  });
  insertAt(currency, CURRENCY.EUR, currencyRow('EUR', 'Euro', '€', 'after'));
  insertAt(currency, CURRENCY.USD, currencyRow('USD', 'United States dollar', '$', 'before'));
  insertAt(currency, CURRENCY.CHF, currencyRow('CHF', 'Swiss franc', 'CHF', 'after'));

  const partner = table('res.partner');
  const company = table('res.company');
  const hasSiret = options.l10nFr;
  const mainSiren = siren(rng);
  const mainSiret = siret(rng, mainSiren);
  const companySpecs = [
    {
      name: 'Recouvra Démo SAS',
      country: COUNTRY.FR,
      currency: CURRENCY.EUR,
      city: 'Paris',
      zip: '75009',
      street: '12 rue Laffitte',
      vat: frenchVatFromSiren(mainSiren),
      registry: mainSiren,
      siret: mainSiret,
      email: 'compta@recouvra-demo.example.fr',
      phone: '+33 1 84 25 00 00',
      lang: 'fr_FR',
    },
    {
      name: 'Recouvra Suisse SA',
      country: COUNTRY.CH,
      currency: CURRENCY.CHF,
      city: 'Genève',
      zip: '1204',
      street: 'Rue du Rhône 30',
      vat: `CHE-${rng.digits(3)}.${rng.digits(3)}.${rng.digits(3)} TVA`,
      registry: null,
      siret: null,
      email: 'finance@recouvra-suisse.example.ch',
      phone: '+41 22 555 01 00',
      lang: 'fr_FR',
    },
    {
      name: 'Recouvra Inc.',
      country: COUNTRY.US,
      currency: CURRENCY.USD,
      city: 'New York',
      zip: '10013',
      street: '200 Hudson Street',
      vat: null,
      registry: null,
      siret: null,
      email: 'ar@recouvra-inc.example.com',
      phone: '+1 212 555 0100',
      lang: 'en_US',
    },
  ];
  const companyCount = rng.chance(0.5) ? 3 : 2;
  const companyPartnerIds: number[] = [];
  const pid = (k: number): number => partner.firstId - 1 + k;
  // Partner ids 1-5 mirror a fresh database: main company, OdooBot, admin, then our two extra users.
  const partnerBase = (name: string, extra: Values): Values => ({
    name,
    is_company: false,
    type: 'contact',
    active: true,
    lang: 'en_US',
    customer_rank: 0,
    ...stamp(installed),
    ...extra,
  });
  const companyPartner = (spec: (typeof companySpecs)[number]): Values =>
    partnerBase(spec.name, {
      is_company: true,
      street: spec.street,
      zip: spec.zip,
      city: spec.city,
      country_id: spec.country,
      vat: spec.vat,
      company_registry: spec.registry,
      email: spec.email,
      phone: spec.phone,
      lang: spec.lang,
      ...(hasSiret ? { siret: spec.siret } : {}),
    });
  companyPartnerIds.push(insertAt(partner, 1, companyPartner(companySpecs[0]!)));
  insertAt(partner, 2, partnerBase('OdooBot', { email: 'odoobot@example.com', active: false }));
  insertAt(partner, 3, partnerBase('Mitchell Admin', { email: 'admin@recouvra-demo.example.fr', lang: 'fr_FR' }));
  insertAt(partner, 4, partnerBase('Recouvra API', { email: 'api@recouvra-demo.example.fr', lang: 'fr_FR' }));
  insertAt(partner, 5, partnerBase('Portail Client', { email: 'portal@example.com' }));
  for (let c = 1; c < companyCount; c++) companyPartnerIds.push(insert(partner, companyPartner(companySpecs[c]!)));
  for (let c = 0; c < companyCount; c++) {
    const spec = companySpecs[c]!;
    insertAt(company, c + 1, {
      name: spec.name,
      partner_id: companyPartnerIds[c]!,
      currency_id: spec.currency,
      country_id: spec.country,
      vat: spec.vat,
      company_registry: spec.registry,
      email: spec.email,
      phone: spec.phone,
      street: spec.street,
      zip: spec.zip,
      city: spec.city,
      sequence: 10 + c,
      active: true,
      ...(hasSiret ? { siret: spec.siret } : {}),
      ...stamp(installed),
    });
  }
  // Company partners belong to their own company's commercial entity.
  for (let k = 1; k <= 5; k++) partner.set(partner.rowOf(pid(k)), 'commercial_partner_id', pid(k));
  for (const id of companyPartnerIds) partner.set(partner.rowOf(id), 'commercial_partner_id', id);

  const allCompanies = Array.from({ length: companyCount }, (_, i) => i + 1);
  const users = table('res.users');
  const userRow = (name: string, login: string, partnerId: number, active: boolean, share: boolean): Values => ({
    name,
    login,
    partner_id: pid(partnerId),
    company_id: 1,
    company_ids: allCompanies,
    lang: 'fr_FR',
    tz: 'Europe/Paris',
    share,
    active,
    ...stamp(installed),
  });
  insertAt(users, 1, userRow('OdooBot', '__system__', 2, false, false));
  insertAt(users, ADMIN_UID, userRow('Mitchell Admin', 'admin', 3, true, false));
  insertAt(users, BILLING_UID, userRow('Recouvra API', 'recouvra', 4, true, false));
  insertAt(users, PORTAL_UID, userRow('Portail Client', 'portal', 5, true, true));

  const subtype = table('mail.message.subtype');
  insertAt(subtype, 1, { name: 'Discussions', internal: false, sequence: 0, ...stamp(installed) });
  insertAt(subtype, 2, { name: 'Note', internal: true, sequence: 100, ...stamp(installed) });
  insertAt(subtype, 3, { name: 'Activities', internal: true, sequence: 90, ...stamp(installed) });

  const activityType = table('mail.activity.type');
  const types: [string, string, number][] = [
    ['Email', 'default', 0],
    ['Call', 'phonecall', 2],
    ['Meeting', 'default', 0],
    ['To-Do', 'default', 5],
    ['Upload Document', 'upload_file', 5],
  ];
  types.forEach(([name, category, delay], i) => {
    insertAt(activityType, i + 1, {
      name,
      category,
      delay_count: delay,
      sequence: i + 1,
      active: true,
      ...stamp(installed),
    });
  });

  const irModel = table('ir.model');
  const descriptions = new Map([...tables.values()].map((t) => [t.name, t.def.description]));
  for (const [model, id] of Object.entries(IR_MODEL_IDS).sort((a, b) => a[1] - b[1])) {
    insertAt(irModel, id, {
      model,
      name: descriptions.get(model) ?? model,
      state: 'base',
      transient: false,
      ...stamp(installed),
    });
  }

  const customers = seedPartners(rng, partner, options, companyCount, hasSiret);
  const result = seedMoves(rng, table('account.move'), customers, options);
  // After every rng call: the PDFs derive from ids only and change no generated value.
  seedInvoicePdfs(table('account.move'), table('ir.attachment'), ADMIN_UID);

  for (const t of tables.values()) t.reindex();
  return { ...result, companyIds: allCompanies };
}

function seedPartners(
  rng: Rng,
  partner: Table,
  options: SeedOptions,
  companyCount: number,
  hasSiret: boolean,
): Customer[] {
  const commercialCount = options.invoices / 5 > 3 ? round(options.invoices / 5) : 3;
  partner.reserveCapacity(partner.length + round(commercialCount * 1.8) + 8);
  // One import script created every customer in a single transaction: one create second for all.
  const importedAt = options.nowSeconds - 760 * SECONDS_PER_DAY + 9 * 3600 + 12 * 60 + 45;
  const customers: Customer[] = [];
  // Direct column writes: 40,000 companies and their contacts would otherwise allocate an object each.
  const columns: Record<string, Column> = {};
  for (const [name, column] of partner.columns) columns[name] = column;
  const set = (row: number, field: string, value: Raw): void => {
    columns[field]?.set(row, value);
  };
  const copy = (from: number, to: number, field: string): void => set(to, field, columns[field]?.get(from) ?? null);

  const add = (): number => {
    const row = partner.allocate();
    set(row, 'create_date', importedAt);
    // A fifth of the records were edited since the import.
    set(row, 'write_date', rng.chance(0.2) ? rng.int(importedAt, options.nowSeconds - 3600) : importedAt);
    set(row, 'create_uid', ADMIN_UID);
    set(row, 'write_uid', ADMIN_UID);
    set(row, 'active', true);
    set(row, 'type', 'contact');
    set(row, 'customer_rank', 0);
    partner.activate(row, false);
    return row;
  };

  for (let k = 0; k < commercialCount; k++) {
    const row = add();
    const id = partner.idOf(row);
    set(row, 'commercial_partner_id', id);
    if (rng.chance(0.3)) set(row, 'ref', `C${rng.digits(5)}`);
    if (rng.chance(0.01)) set(row, 'active', false);
    set(row, 'customer_rank', rng.int(1, 40));
    const countryKey = rng.weighted([
      ['FR', 88],
      ['CH', 5],
      ['US', 4],
      ['BE', 3],
    ] as const);
    const sellingCompany =
      countryKey === 'CH' && companyCount >= 2
        ? 2
        : countryKey === 'US' && companyCount >= 3
          ? 3
          : countryKey === 'FR' && rng.chance(0.04)
            ? companyCount
            : 1;
    set(row, 'street', `${rng.int(1, 150)} ${rng.pick(STREETS)}`);

    if (rng.chance(0.13)) {
      const first = rng.pick(FIRST_NAMES);
      const last = rng.pick(SURNAMES);
      const [city, zip] = rng.pick(FR_CITIES);
      set(row, 'name', `${first} ${last}`);
      set(row, 'is_company', false);
      set(row, 'email', `${slug(first)}.${slug(last)}${rng.int(1, 99)}@example.com`);
      if (rng.chance(0.7)) set(row, 'phone', frPhone(rng));
      set(row, 'zip', zip);
      set(row, 'city', city);
      set(row, 'country_id', COUNTRY.FR);
      set(row, 'lang', 'fr_FR');
      customers.push({ id, company: 1, contacts: [] });
      continue;
    }

    const label = `${rng.pick(ACTIVITIES)} ${rng.pick(SURNAMES)}`;
    set(row, 'is_company', true);
    set(row, 'country_id', COUNTRY[countryKey]);
    let domain: string;
    if (countryKey === 'FR') {
      const [city, zip] = rng.pick(FR_CITIES);
      const s = siren(rng);
      const t = siret(rng, s);
      domain = `${slug(label)}.example.fr`;
      set(row, 'name', `${label} ${rng.pick(['SARL', 'SAS', 'SA', 'EURL', 'SASU'])}`);
      set(row, 'city', city);
      set(row, 'zip', zip);
      set(row, 'phone', frPhone(rng));
      set(row, 'lang', 'fr_FR');
      // Real ledgers have gaps: a few customers were keyed without SIREN, SIRET or VAT number.
      if (rng.chance(0.95)) set(row, 'company_registry', s);
      if (rng.chance(0.93)) set(row, 'vat', frenchVatFromSiren(s));
      if (rng.chance(0.9) && hasSiret) set(row, 'siret', t);
    } else if (countryKey === 'BE') {
      const [city, zip] = rng.pick(BE_CITIES);
      domain = `${slug(label)}.example.be`;
      set(row, 'name', `${label} ${rng.pick(['SRL', 'SA'])}`);
      set(row, 'city', city);
      set(row, 'zip', zip);
      set(row, 'phone', `+32 2 ${rng.digits(3)} ${rng.digits(2)} ${rng.digits(2)}`);
      set(row, 'lang', 'fr_FR');
      set(row, 'vat', belgianVat(rng));
    } else if (countryKey === 'CH') {
      const [city, zip, lang] = rng.pick(CH_CITIES);
      domain = `${slug(label)}.example.ch`;
      set(row, 'name', `${label} ${rng.pick(['SA', 'Sàrl', 'AG'])}`);
      set(row, 'city', city);
      set(row, 'zip', zip);
      set(row, 'phone', `+41 ${rng.int(21, 44)} ${rng.digits(3)} ${rng.digits(2)} ${rng.digits(2)}`);
      set(row, 'lang', lang);
      set(row, 'vat', `CHE-${rng.digits(3)}.${rng.digits(3)}.${rng.digits(3)} ${lang === 'de_CH' ? 'MWST' : 'TVA'}`);
    } else {
      const [city, zip] = rng.pick(US_CITIES);
      domain = `${slug(label)}.example.com`;
      set(row, 'name', `${label} ${rng.pick(['Inc.', 'LLC'])}`);
      set(row, 'city', city);
      set(row, 'zip', zip);
      set(row, 'phone', `+1 ${rng.digits(3)} 555 ${rng.digits(4)}`);
      set(row, 'lang', 'en_US');
    }
    set(row, 'email', `${rng.pick(['comptabilite', 'compta', 'factures', 'contact'])}@${domain}`);

    const contacts: number[] = [];
    const contactCount = rng.chance(0.4) ? rng.int(1, 2) : 0;
    for (let j = 0; j < contactCount; j++) {
      const first = rng.pick(FIRST_NAMES);
      const last = rng.pick(SURNAMES);
      const crow = add();
      set(crow, 'name', `${first} ${last}`);
      set(crow, 'is_company', false);
      set(crow, 'parent_id', id);
      set(crow, 'commercial_partner_id', id);
      set(crow, 'type', rng.chance(0.5) ? 'invoice' : 'contact');
      set(crow, 'email', `${slug(first)}.${slug(last)}@${domain}`);
      if (rng.chance(0.6)) copy(row, crow, 'phone');
      // Odoo syncs the address and the commercial fields (VAT, registry, SIRET) down to contacts.
      for (const field of ['street', 'zip', 'city', 'country_id', 'lang', 'vat', 'company_registry', 'siret'])
        copy(row, crow, field);
      contacts.push(partner.idOf(crow));
    }
    customers.push({ id, company: sellingCompany, contacts });
  }
  return customers;
}

const yearCache = new Map<number, number>();

function yearOfDay(day: number): number {
  let year = yearCache.get(day);
  if (year === undefined) {
    year = new Date(day * SECONDS_PER_DAY * 1000).getUTCFullYear();
    yearCache.set(day, year);
  }
  return year;
}

let spreadTable: Float64Array | undefined;

/** exp(1.1·z) for 4,096 fixed normal deviates z: multiplying a typical amount by one gives a lognormal amount. */
function lognormalSpread(): Float64Array {
  if (spreadTable) return spreadTable;
  const rng = new Rng(0x5eed);
  spreadTable = new Float64Array(4096);
  for (let i = 0; i < spreadTable.length; i++) {
    const z = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
    spreadTable[i] = Math.exp(1.1 * z);
  }
  return spreadTable;
}

interface MoveColumns {
  [field: string]: Column;
}

function seedMoves(
  rng: Rng,
  move: Table,
  customers: readonly Customer[],
  options: SeedOptions,
): Omit<SeedResult, 'companyIds'> {
  const n = options.invoices;
  move.reserveCapacity(n);
  const c: MoveColumns = {};
  for (const [name, column] of move.columns) c[name] = column;
  const col = (name: string): Column => c[name]!;
  const sequences = new Map<string, number>();
  const now = options.nowSeconds;
  const latest = now - 3600;
  const spanSeconds = 730 * SECONDS_PER_DAY;
  const meanGroup = 0.35 * 8.5 + 0.65;
  const meanGap = Math.max(1, Math.floor((spanSeconds / n) * meanGroup));
  const blockedKey = major(options.version) >= 18 ? 'blocked' : 'not_paid';
  // Drawn either way so that a seed gives the same invoices whatever the edition.
  const inPaymentKey = options.inPaymentExists ? 'in_payment' : 'paid';
  let t = now - spanSeconds - 2 * SECONDS_PER_DAY;
  let groupLeft = 0;

  const nextName = (companyId: number, refund: boolean, day: number): string => {
    const year = yearOfDay(day);
    const prefix = refund ? 'RINV' : 'INV';
    const key = `${companyId}|${prefix}|${year}`;
    const next = (sequences.get(key) ?? 0) + 1;
    sequences.set(key, next);
    return `${prefix}/${year}/${`${next}`.padStart(5, '0')}`;
  };
  // Amounts are lognormal around a typical value, between 10.00 and 250,000.00.
  const spread = lognormalSpread();
  const amountCents = (typical: number): number => {
    const cents = round(typical * spread[floor(rng.next() * spread.length)]!);
    return cents < 1_000 ? 1_000 : cents > 25_000_000 ? 25_000_000 : cents;
  };
  const money = (cents: number): number => round(cents) / 100;
  const later = (from: number, seconds: number): number => (from + seconds < latest ? from + seconds : latest);

  for (let i = 0; i < n; i++) {
    if (groupLeft === 0) {
      // Batches (imports, "post all" from the list view) give many records one create second.
      groupLeft = rng.chance(0.35) ? rng.int(2, 15) : 1;
      t = t + rng.int(1, 2 * meanGap);
      if (t > latest - SECONDS_PER_DAY) t = latest - SECONDS_PER_DAY;
    }
    groupLeft--;
    const row = move.allocate();
    // Squaring skews the choice: a few customers get many invoices, most get a handful.
    const u = rng.next();
    const customer = customers[floor(customers.length * u * u)]!;
    const partnerId = customer.contacts.length && rng.chance(0.35) ? rng.pick(customer.contacts) : customer.id;
    const companyId = customer.company;
    const currencyRoll = rng.next();
    const currencyId =
      companyId === 1
        ? currencyRoll < 0.93
          ? CURRENCY.EUR
          : currencyRoll < 0.98
            ? CURRENCY.USD
            : CURRENCY.CHF
        : companyId === 2
          ? currencyRoll < 0.85
            ? CURRENCY.CHF
            : CURRENCY.EUR
          : CURRENCY.USD;
    const createDay = secondsToDay(t);
    const invoiceDay = createDay - (rng.chance(0.3) ? rng.int(1, 3) : 0);
    const term = rng.pick([0, 30, 30, 30, 45, 60]);
    const stateRoll = rng.next();
    const state = stateRoll < 0.03 ? 'draft' : stateRoll < 0.05 ? 'cancel' : 'posted';
    const cancelledAfterPost = rng.chance(0.6);
    const roll = rng.next();
    const refRoll = rng.next();
    const refDigits = rng.digits(5);

    col('partner_id').set(row, partnerId);
    col('commercial_partner_id').set(row, customer.id);
    col('company_id').set(row, companyId);
    col('currency_id').set(row, currencyId);
    col('create_date').set(row, t);
    col('create_uid').set(row, ADMIN_UID);
    col('write_uid').set(row, ADMIN_UID);
    col('ref').set(
      row,
      refRoll < 0.45 ? `PO-${yearOfDay(createDay)}-${refDigits}` : refRoll < 0.55 ? `BC ${refDigits}` : null,
    );
    if (rng.chance(0.2)) col('invoice_origin').set(row, `S${rng.digits(5)}`);

    // A credit note either reverses a recent open invoice (which becomes "reversed") or stands alone.
    if (roll < 0.07 && state === 'posted') {
      let target = -1;
      for (let attempt = 0; attempt < 8 && row > 0; attempt++) {
        const candidate = row - 1 - floor(rng.next() * (row < 2000 ? row : 2000));
        if (
          move.isAlive(candidate) &&
          col('move_type').get(candidate) === 'out_invoice' &&
          col('state').get(candidate) === 'posted' &&
          col('payment_state').get(candidate) === 'not_paid' &&
          (col('write_date').get(candidate) as number) <= t
        ) {
          target = candidate;
          break;
        }
      }
      col('move_type').set(row, 'out_refund');
      col('state').set(row, 'posted');
      col('date').set(row, createDay);
      col('invoice_date').set(row, createDay);
      col('invoice_date_due').set(row, createDay);
      col('write_date').set(row, t);
      if (target >= 0) {
        for (const f of ['partner_id', 'commercial_partner_id', 'company_id', 'currency_id', 'amount_total'])
          col(f).set(row, col(f).get(target));
        col('name').set(row, nextName(col('company_id').get(row) as number, true, createDay));
        col('ref').set(row, `Reversal of: ${col('name').get(target) as string}`);
        col('reversed_entry_id').set(row, move.idOf(target));
        col('amount_residual').set(row, 0);
        col('payment_state').set(row, 'paid');
        // The reversal and its reconciliation happen in one transaction: same second on both moves.
        col('payment_state').set(target, 'reversed');
        col('amount_residual').set(target, 0);
        col('write_date').set(target, t);
      } else {
        const total = money(amountCents(30_000));
        col('name').set(row, nextName(companyId, true, createDay));
        col('amount_total').set(row, total);
        const open = rng.chance(0.5);
        col('amount_residual').set(row, open ? total : 0);
        col('payment_state').set(row, open ? 'not_paid' : 'paid');
        if (!open) col('write_date').set(row, later(t, rng.int(1, 40) * SECONDS_PER_DAY));
      }
      move.activate(row, false);
      continue;
    }

    const cents = amountCents(120_000);
    const total = money(cents);
    col('move_type').set(row, 'out_invoice');
    col('amount_total').set(row, total);
    col('amount_residual').set(row, total);
    col('payment_state').set(row, 'not_paid');
    col('state').set(row, state);

    if (state === 'draft') {
      col('name').set(row, '/');
      col('date').set(row, createDay);
      if (rng.chance(0.6)) {
        col('invoice_date').set(row, invoiceDay);
        col('invoice_date_due').set(row, invoiceDay + term);
      } else {
        col('invoice_date_due').set(row, createDay);
      }
      col('write_date').set(row, t);
      move.activate(row, false);
      continue;
    }

    col('date').set(row, invoiceDay);
    col('invoice_date').set(row, invoiceDay);
    col('invoice_date_due').set(row, invoiceDay + term);
    if (state === 'cancel') {
      col('name').set(row, cancelledAfterPost ? nextName(companyId, false, invoiceDay) : '/');
      col('write_date').set(row, later(t, rng.int(3600, 10 * SECONDS_PER_DAY)));
      move.activate(row, false);
      continue;
    }

    col('name').set(row, nextName(companyId, false, invoiceDay));
    const postedAt = rng.chance(0.7) ? t : later(t, rng.int(60, 3 * SECONDS_PER_DAY));
    const outcome = rng.weighted([
      ['not_paid', 40],
      ['partial', 12],
      ['paid', 33],
      ['in_payment', 6],
      ['blocked', 3],
    ] as const);
    const paymentDay = invoiceDay + rng.int(3, 95);
    const reconciled = paymentDay * SECONDS_PER_DAY + rng.pick(RECONCILE_SECONDS);
    const fraction = 0.1 + 0.8 * rng.next();
    col('write_date').set(row, postedAt);
    if (outcome === 'blocked') {
      col('payment_state').set(row, blockedKey);
      col('write_date').set(row, later(postedAt, rng.int(1, 30) * SECONDS_PER_DAY));
    } else if (outcome !== 'not_paid' && reconciled > postedAt && reconciled < latest) {
      col('payment_state').set(row, outcome === 'in_payment' ? inPaymentKey : outcome);
      col('amount_residual').set(row, outcome === 'partial' ? money(round(cents * fraction) || 1) : 0);
      col('write_date').set(row, reconciled);
    }
    move.activate(row, false);
  }

  // A maintenance script rewrote some posted invoices in one transaction: thousands of records
  // share one write_date, more than a page, which is what keyset cursors must survive.
  const bulkWriteSeconds = secondsToDay(now - 20 * SECONDS_PER_DAY) * SECONDS_PER_DAY + 2 * 3600;
  const writeDate = col('write_date');
  for (let row = 0; row < move.length; row++) {
    const wd = writeDate.get(row) as number;
    if (col('state').get(row) === 'posted' && wd < bulkWriteSeconds && rng.chance(0.015))
      writeDate.set(row, bulkWriteSeconds);
  }
  return { sequences, bulkWriteSeconds };
}
