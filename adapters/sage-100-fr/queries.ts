import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import { DEFAULT_CUSTOMER_ACCOUNT_PREFIXES, MAX_KEYS_PER_QUERY, MAX_PAGE_ROWS } from './limits';
import { SAGE_100_LAYOUT, type Sage100Database, type Sage100Table } from './schema/layout';

export { DEFAULT_CUSTOMER_ACCOUNT_PREFIXES, MAX_KEYS_PER_QUERY, MAX_PAGE_ROWS };

/**
 * The Sage 100 France read model's queries (shared/reference/sage.md §4.2, §4.3), as Kysely
 * builders typed on the table layout. They compile to T-SQL for SQL Server (Kysely's
 * MssqlDialect over tedious) and run unchanged on the fixture engines, SQLite and PostgreSQL;
 * `engine` only picks how the row limit is written (SQL Server has TOP, not LIMIT).
 */
export type SageEngine = 'mssql' | 'sqlite' | 'postgres';

/** Where a page ends: the last row's cbModification (canonical text, values.ts) and cbMarq. */
export interface SageKeyset {
  modifiedAt: string;
  marq: number;
}

/**
 * A keyset page reads `cbModification >= @m and (cbModification > @m or (cbModification = @m and
 * cbMarq > @k))`. The first term adds no condition (the OR implies it) but is a plain range that an
 * index on cbModification seeks to. Without it SQLite, which does not split that OR into ranges
 * (EXPLAIN QUERY PLAN: `SCAN … USING INDEX` from the index's start), reads every row before the
 * cursor again at every page, which makes a first read quadratic in the table's size. Whether SQL
 * Server seeks on the OR alone is UNVERIFIED; the range lets it do so either way.
 */
export interface KeysetPageOptions {
  /** The keyset of the last row already read; null starts from the beginning. */
  after: SageKeyset | null;
  /** Rows per page, 1 to MAX_PAGE_ROWS. */
  limit: number;
}

/** CT_Type of a customer: 0 = Client, 1 = Fournisseur, 2 = Salarié, 3 = Autre (§4.2). */
export const CT_TYPE_CUSTOMER = 0;

/** Sales documents: DO_Domaine 0 (ventes), DO_Type 6 Facture and 7 Facture comptabilisée (§4.2). */
export const DO_DOMAINE_SALES = 0;
export const DO_TYPES_INVOICE = [6, 7] as const;

export interface OpenItemsOptions {
  /** Prefixes of the general accounts read (digits only); default DEFAULT_CUSTOMER_ACCOUNT_PREFIXES. */
  accountPrefixes?: readonly string[];
}

const DATETIME_TEXT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$/;

function checkLimit(limit: number, what: string): void {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE_ROWS) {
    throw new Error(`${what}: limit must be an integer from 1 to ${MAX_PAGE_ROWS}, got ${limit}`);
  }
}

function checkKeyset(after: SageKeyset | null, what: string): void {
  if (after === null) return;
  if (!DATETIME_TEXT.test(after.modifiedAt)) {
    throw new Error(`${what}: cursor modifiedAt "${after.modifiedAt}" is not YYYY-MM-DDTHH:MM:SS.mmm`);
  }
  if (!Number.isSafeInteger(after.marq)) throw new Error(`${what}: cursor marq must be an integer, got ${after.marq}`);
}

function checkPrefixes(prefixes: readonly string[], what: string): void {
  if (prefixes.length === 0) throw new Error(`${what}: accountPrefixes must name at least one account prefix`);
  // Digits only, so that a prefix can never carry a LIKE wildcard (% _ [) into the pattern.
  for (const p of prefixes) {
    if (!/^\d{1,13}$/.test(p)) throw new Error(`${what}: account prefix "${p}" must be 1 to 13 digits`);
  }
}

function checkKeys(keys: readonly string[], what: string): void {
  if (keys.length === 0 || keys.length > MAX_KEYS_PER_QUERY) {
    throw new Error(`${what}: between 1 and ${MAX_KEYS_PER_QUERY} keys per query, got ${keys.length}`);
  }
}

/** TOP n on SQL Server, LIMIT n on the fixture engines. */
function firstRows<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  limit: number,
  engine: SageEngine,
): SelectQueryBuilder<DB, TB, O> {
  return engine === 'mssql' ? query.top(limit) : query.limit(limit);
}

/**
 * One page of customers, in (cbModification, cbMarq) order, after a keyset. cbModification is
 * not unique (§4.3: "Treat cbModification as non-unique"), so cbMarq, the table's identity,
 * breaks ties; the strict keyset needs no dedupe. SQL Server has no row-value comparison, hence
 * the OR form, behind a plain `cbModification >= @m` (afterKeyset).
 */
export function customersPage(db: Kysely<Sage100Database>, engine: SageEngine, opts: KeysetPageOptions) {
  checkLimit(opts.limit, 'Sage 100 customers page');
  checkKeyset(opts.after, 'Sage 100 customers page');
  const { after } = opts;
  const query = db
    .selectFrom('F_COMPTET')
    .select([
      'CT_Num',
      'CT_Intitule',
      'CT_Type',
      'CG_NumPrinc',
      'CT_Contact',
      'CT_Adresse',
      'CT_Complement',
      'CT_CodePostal',
      'CT_Ville',
      'CT_Pays',
      'CT_Telephone',
      'CT_EMail',
      'CT_Siret',
      'CT_Identifiant',
      'CT_Sommeil',
      'CT_NumPayeur',
      'cbMarq',
      'cbModification',
    ])
    .where('CT_Type', '=', CT_TYPE_CUSTOMER)
    .$if(after !== null, (q) =>
      q
        .where('cbModification', '>=', after!.modifiedAt)
        .where((eb) =>
          eb.or([
            eb('cbModification', '>', after!.modifiedAt),
            eb.and([eb('cbModification', '=', after!.modifiedAt), eb('cbMarq', '>', after!.marq)]),
          ]),
        ),
    )
    .orderBy('cbModification')
    .orderBy('cbMarq');
  return firstRows(query, opts.limit, engine);
}

/** The contacts of some customers (F_CONTACTT, §4.2), by customer then contact number. */
export function contactsOf(db: Kysely<Sage100Database>, ctNums: readonly string[]) {
  checkKeys(ctNums, 'Sage 100 contacts');
  return db
    .selectFrom('F_CONTACTT')
    .select([
      'CT_Num',
      'CT_No',
      'CT_Nom',
      'CT_Prenom',
      'CT_Fonction',
      'CT_Telephone',
      'CT_TelPortable',
      'CT_EMail',
      'cbMarq',
      'cbModification',
    ])
    .where('CT_Num', 'in', [...ctNums])
    .orderBy('CT_Num')
    .orderBy('CT_No');
}

/**
 * The customer items filter (§4.2, "Open customer items (accounting route)"): lines of a customer
 * third party (CT_Num set and a CT_Type 0 tiers) on a customer account and, unless
 * `includeLettered`, not lettered (EC_Lettrage = ''). Lowercase "partial" letter codes are
 * UNVERIFIED (§4.2): such a line counts as lettered here.
 */
function customerLinesFrom(db: Kysely<Sage100Database>, accountPrefixes: readonly string[], includeLettered = false) {
  return db
    .selectFrom('F_ECRITUREC')
    .innerJoin('F_COMPTET', 'F_COMPTET.CT_Num', 'F_ECRITUREC.CT_Num')
    .where('F_ECRITUREC.CT_Num', '<>', '')
    .where('F_COMPTET.CT_Type', '=', CT_TYPE_CUSTOMER)
    .$if(!includeLettered, (q) => q.where('F_ECRITUREC.EC_Lettrage', '=', ''))
    .where((eb) => eb.or(accountPrefixes.map((p) => eb('F_ECRITUREC.CG_Num', 'like', `${p}%`))));
}

/**
 * The columns read of an item. The amount comes both as stored (EC_Montant, always positive) and
 * signed by EC_Sens (0 débit → +, 1 crédit → −; any other EC_Sens gives NULL, for the mapping to
 * quarantine). Both remaining-amount sources are read — EC_Montant − EC_MontantRegle here, the
 * piece's net from the open lines of the same EC_RefPiece (openLinesOfPieces), and the document's
 * DO_TotalTTC − DO_MontantRegle through documentsFor — because which one Sage keeps current is
 * UNVERIFIED (§4.2); the mapping compares them.
 */
function itemColumns(q: ReturnType<typeof customerLinesFrom>) {
  return q.select((eb) => [
    'F_ECRITUREC.EC_No',
    'F_ECRITUREC.cbMarq',
    'F_ECRITUREC.cbModification',
    'F_ECRITUREC.JO_Num',
    'F_ECRITUREC.EC_Date',
    'F_ECRITUREC.EC_Piece',
    'F_ECRITUREC.EC_RefPiece',
    'F_ECRITUREC.CG_Num',
    'F_ECRITUREC.CT_Num',
    'F_ECRITUREC.EC_Intitule',
    'F_ECRITUREC.EC_Echeance',
    'F_ECRITUREC.EC_Sens',
    'F_ECRITUREC.EC_Montant',
    eb
      .case('F_ECRITUREC.EC_Sens')
      .when(0)
      .then(eb.ref('F_ECRITUREC.EC_Montant'))
      .when(1)
      .then(eb.neg(eb.ref('F_ECRITUREC.EC_Montant')))
      .end()
      .as('EC_MontantSigne'),
    'F_ECRITUREC.EC_Lettrage',
    'F_ECRITUREC.EC_StatusRegle',
    'F_ECRITUREC.EC_MontantRegle',
    'F_ECRITUREC.EC_DateRegle',
    'F_ECRITUREC.EC_Reference',
    'F_ECRITUREC.N_Devise',
    'F_ECRITUREC.EC_Devise',
  ]);
}

export interface ItemsPageOptions extends KeysetPageOptions, OpenItemsOptions {
  /**
   * Lettered lines too: an incremental read needs the lines lettered since its cursor, which
   * leave the open set without a tombstone (§4.3), to close them at once.
   */
  includeLettered?: boolean;
}

/**
 * One page of customer items in (cbModification, cbMarq) order: the open ones, or with
 * `includeLettered` every customer line changed after the keyset. An item that gets lettered
 * drops out of the open filter: the sweep (openItemKeysPage) finds it gone.
 */
export function openItemsPage(db: Kysely<Sage100Database>, engine: SageEngine, opts: ItemsPageOptions) {
  const what = 'Sage 100 open items page';
  checkLimit(opts.limit, what);
  checkKeyset(opts.after, what);
  const prefixes = opts.accountPrefixes ?? DEFAULT_CUSTOMER_ACCOUNT_PREFIXES;
  checkPrefixes(prefixes, what);
  const { after } = opts;
  const query = itemColumns(customerLinesFrom(db, prefixes, opts.includeLettered === true))
    .$if(after !== null, (q) =>
      q
        .where('F_ECRITUREC.cbModification', '>=', after!.modifiedAt)
        .where((eb) =>
          eb.or([
            eb('F_ECRITUREC.cbModification', '>', after!.modifiedAt),
            eb.and([
              eb('F_ECRITUREC.cbModification', '=', after!.modifiedAt),
              eb('F_ECRITUREC.cbMarq', '>', after!.marq),
            ]),
          ]),
        ),
    )
    .orderBy('F_ECRITUREC.cbModification')
    .orderBy('F_ECRITUREC.cbMarq');
  return firstRows(query, opts.limit, engine);
}

export interface LinesOfPiecesOptions extends OpenItemsOptions {
  /**
   * The keysets a page of items spans, (after, through]: lines in it are left out. Every open
   * customer line of that span is in the page already (a page is every matching row of its span,
   * lettered ones too or not), so only the lines outside it are new to the caller; reading the
   * page's own lines again would double what a page costs to read.
   */
  outside?: { after: SageKeyset | null; through: SageKeyset };
}

/**
 * The open lines of some pieces (EC_RefPiece), every customer's: a changed line is mapped with
 * the other open lines of its piece (its partial payments, its other due dates), which did not
 * change and are not in the page. The caller keeps the lines of the right customer.
 */
export function openLinesOfPieces(
  db: Kysely<Sage100Database>,
  pieces: readonly string[],
  opts: LinesOfPiecesOptions = {},
) {
  const what = 'Sage 100 lines of pieces';
  checkKeys(pieces, what);
  const prefixes = opts.accountPrefixes ?? DEFAULT_CUSTOMER_ACCOUNT_PREFIXES;
  checkPrefixes(prefixes, what);
  const { outside } = opts;
  if (outside) {
    checkKeyset(outside.after, what);
    checkKeyset(outside.through, what);
  }
  return itemColumns(customerLinesFrom(db, prefixes))
    .where('F_ECRITUREC.EC_RefPiece', 'in', [...pieces])
    .$if(outside !== undefined, (q) =>
      q.where((eb) => {
        const { after, through } = outside!;
        // Not in (after, through]: at or before `after`, or after `through`, in the OR form of the pages.
        const atOrBefore =
          after === null
            ? []
            : [
                eb('F_ECRITUREC.cbModification', '<', after.modifiedAt),
                eb.and([
                  eb('F_ECRITUREC.cbModification', '=', after.modifiedAt),
                  eb('F_ECRITUREC.cbMarq', '<=', after.marq),
                ]),
              ];
        return eb.or([
          ...atOrBefore,
          eb('F_ECRITUREC.cbModification', '>', through.modifiedAt),
          eb.and([
            eb('F_ECRITUREC.cbModification', '=', through.modifiedAt),
            eb('F_ECRITUREC.cbMarq', '>', through.marq),
          ]),
        ]);
      }),
    )
    .orderBy('F_ECRITUREC.cbMarq');
}

/**
 * Customer lines by EC_No, lettered or not: what the full reconciliation asks about. A number
 * missing from the answer was deleted, or no longer is a customer line.
 */
export function linesByNo(db: Kysely<Sage100Database>, numbers: readonly number[], opts: OpenItemsOptions = {}) {
  const what = 'Sage 100 lines by number';
  if (numbers.length === 0 || numbers.length > MAX_KEYS_PER_QUERY) {
    throw new Error(`${what}: between 1 and ${MAX_KEYS_PER_QUERY} keys per query, got ${numbers.length}`);
  }
  for (const n of numbers) if (!Number.isSafeInteger(n)) throw new Error(`${what}: EC_No ${n} is not an integer`);
  const prefixes = opts.accountPrefixes ?? DEFAULT_CUSTOMER_ACCOUNT_PREFIXES;
  checkPrefixes(prefixes, what);
  return itemColumns(customerLinesFrom(db, prefixes, true))
    .where('F_ECRITUREC.EC_No', 'in', [...numbers])
    .orderBy('F_ECRITUREC.cbMarq');
}

export interface SweepPageOptions extends OpenItemsOptions {
  /** The cbMarq of the last key already read; null starts from the beginning. */
  afterMarq: number | null;
  limit: number;
}

/**
 * The open-set sweep: the keys (EC_No, cbMarq) of every open item, in cbMarq order, with what
 * tells a payment absorbed by its invoice's piece from a receivable (CT_Num, EC_RefPiece,
 * EC_Sens). There are no tombstones (§4.3), so an item lettered or deleted since the last sweep
 * is one whose key is no longer in the set; the diff is the adapter's.
 */
export function openItemKeysPage(db: Kysely<Sage100Database>, engine: SageEngine, opts: SweepPageOptions) {
  const what = 'Sage 100 open-set sweep';
  checkLimit(opts.limit, what);
  if (opts.afterMarq !== null && !Number.isSafeInteger(opts.afterMarq)) {
    throw new Error(`${what}: afterMarq must be an integer, got ${opts.afterMarq}`);
  }
  const prefixes = opts.accountPrefixes ?? DEFAULT_CUSTOMER_ACCOUNT_PREFIXES;
  checkPrefixes(prefixes, what);
  const { afterMarq } = opts;
  const query = customerLinesFrom(db, prefixes)
    .select([
      'F_ECRITUREC.EC_No',
      'F_ECRITUREC.cbMarq',
      'F_ECRITUREC.CT_Num',
      'F_ECRITUREC.EC_RefPiece',
      'F_ECRITUREC.EC_Sens',
    ])
    .$if(afterMarq !== null, (q) => q.where('F_ECRITUREC.cbMarq', '>', afterMarq!))
    .orderBy('F_ECRITUREC.cbMarq');
  return firstRows(query, opts.limit, engine);
}

/**
 * The sales invoices (Gestion commerciale, when present) with these piece numbers, to enrich the
 * open items whose EC_RefPiece they match (§4.2, "Gestion commerciale route"; that EC_RefPiece
 * carries DO_Piece is [INFERRED] from §4.2 calling it the invoice reference). Both remaining
 * bases come back: DO_TotalTTC − DO_MontantRegle and DO_NetAPayer ([CONFLICT] in §4.2).
 */
export function documentsFor(db: Kysely<Sage100Database>, pieces: readonly string[]) {
  checkKeys(pieces, 'Sage 100 documents');
  return db
    .selectFrom('F_DOCENTETE')
    .select([
      'DO_Piece',
      'DO_Type',
      'DO_Date',
      'DO_Ref',
      'DO_Tiers',
      'DO_TotalHT',
      'DO_TotalTTC',
      'DO_NetAPayer',
      'DO_MontantRegle',
      'DO_Provenance',
      'cbMarq',
      'cbModification',
    ])
    .where('DO_Domaine', '=', DO_DOMAINE_SALES)
    .where('DO_Type', 'in', [...DO_TYPES_INVOICE])
    .where('DO_Piece', 'in', [...pieces])
    .orderBy('DO_Piece')
    .orderBy('cbMarq');
}

/** The object permissions the check reads per table: SELECT must be granted, none of the others. */
export const CHECKED_PERMISSIONS = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'ALTER'] as const;
export type CheckedPermission = (typeof CHECKED_PERMISSIONS)[number];

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/**
 * The permissions check, SQL Server only: one row, one column `<table>_<permission>` per table
 * and permission, from HAS_PERMS_BY_NAME — 1 when the login holds the effective permission
 * (granted directly, through a role, or implied by a higher one, and not denied), 0 when not,
 * NULL when the query fails (https://learn.microsoft.com/en-us/sql/t-sql/functions/has-perms-by-name-transact-sql).
 * It reads the login's own rights and tries nothing. That a missing table gives NULL rather than
 * 0 is UNVERIFIED. Sage's tables live in `dbo` as far as public code shows; another schema is a
 * connection option ("Company Schema (optional)", §4.1). The fixture engines have no such
 * function: there the answer is a stub (schema/fixture.ts, stubbedPermissionsRow).
 */
export function permissionsCheck(db: Kysely<Sage100Database>, schema = 'dbo') {
  if (!SCHEMA_NAME.test(schema))
    throw new Error(`Sage 100 permissions check: schema "${schema}" is not a plain identifier`);
  return db.selectNoFrom(
    (Object.keys(SAGE_100_LAYOUT) as Sage100Table[]).flatMap((table) =>
      CHECKED_PERMISSIONS.map((permission) =>
        sql<
          number | null
        >`HAS_PERMS_BY_NAME(${sql.lit(`${schema}.${table}`)}, ${sql.lit('OBJECT')}, ${sql.lit(permission)})`.as(
          `${table}_${permission}`,
        ),
      ),
    ),
  );
}

export interface PermissionsReport {
  /** Tables the login cannot read (0), or whose right could not be read (NULL). */
  missingReads: Sage100Table[];
  /** Write rights the login holds, or whose answer was NULL: it is not proven read-only. */
  writeRights: { table: Sage100Table; permission: Exclude<CheckedPermission, 'SELECT'>; answer: 1 | null }[];
  /** True when every table is readable and no write right is held or unknown. */
  readOnly: boolean;
}

/** Reads the permissions check's row; a column missing from the row is an error naming it. */
export function readPermissions(row: Readonly<Record<string, unknown>>): PermissionsReport {
  const missingReads: Sage100Table[] = [];
  const writeRights: PermissionsReport['writeRights'] = [];
  for (const table of Object.keys(SAGE_100_LAYOUT) as Sage100Table[]) {
    for (const permission of CHECKED_PERMISSIONS) {
      const column = `${table}_${permission}`;
      if (!(column in row)) throw new Error(`Sage 100 permissions check: the answer has no column ${column}`);
      const value = row[column];
      if (value !== 0 && value !== 1 && value !== null) {
        throw new Error(`Sage 100 permissions check: ${column} is ${JSON.stringify(value)}, expected 1, 0 or NULL`);
      }
      if (permission === 'SELECT') {
        if (value !== 1) missingReads.push(table);
      } else if (value !== 0) {
        writeRights.push({ table, permission, answer: value });
      }
    }
  }
  return { missingReads, writeRights, readOnly: missingReads.length === 0 && writeRights.length === 0 };
}
