import { sql, type CreateTableBuilder, type Kysely } from 'kysely';
import {
  SAGE_100_LAYOUT,
  type ColumnSpec,
  type Sage100Database,
  type Sage100Table,
  type SqlServerType,
} from './layout';
import { CHECKED_PERMISSIONS } from '../queries';
import type { Sage100Seed } from './seed';

/**
 * The fixture database: Sage 100's tables and columns on the store's own SQL engines, since no
 * SQL Server runs on our machines (shared/reference/sage.md §4.5: "make the simulator a fixture
 * database with the exact column names and types").
 */
export type FixtureEngine = 'sqlite' | 'postgres';

/**
 * The fixture's column type for a SQL Server type. Codes and amounts keep their SQL Server
 * types (PostgreSQL enforces the lengths, SQLite ignores them). datetime has no equal:
 * PostgreSQL's timestamp(3) keeps milliseconds like datetime does (to 1/300 s there); SQLite
 * has no date type, so the fixture stores the canonical ISO text (values.ts), which sorts and
 * compares as the dates do.
 */
export function fixtureColumnType(type: SqlServerType, engine: FixtureEngine): string {
  if (type !== 'datetime') return type;
  return engine === 'postgres' ? 'timestamp(3)' : 'text';
}

/** Creates the four tables in `db` (for PostgreSQL, in the schema its connections use). */
export async function createSage100Fixture(db: Kysely<Sage100Database>, engine: FixtureEngine): Promise<void> {
  for (const table of Object.keys(SAGE_100_LAYOUT) as Sage100Table[]) {
    let builder: CreateTableBuilder<string, string> = db.schema.createTable(table);
    for (const [name, spec] of Object.entries(SAGE_100_LAYOUT[table] as Record<string, ColumnSpec>)) {
      builder = builder.addColumn(name, sql.raw(fixtureColumnType(spec.type, engine)), (c) => c.notNull());
    }
    await builder.addUniqueConstraint(`${table}_cbMarq`, ['cbMarq']).execute();
  }
  // The indexes the reads need on the fixture. Which indexes Sage 100 itself has is UNVERIFIED
  // (README "Not verified"): a real file may lack the cbModification one.
  for (const [table, name, columns] of FIXTURE_INDEXES)
    await db.schema
      .createIndex(name)
      .on(table)
      .columns([...columns])
      .execute();
}

const FIXTURE_INDEXES: readonly [Sage100Table, string, readonly string[]][] = [
  ['F_ECRITUREC', 'F_ECRITUREC_cbModification', ['cbModification', 'cbMarq']],
  ['F_ECRITUREC', 'F_ECRITUREC_RefPiece', ['EC_RefPiece']],
  ['F_ECRITUREC', 'F_ECRITUREC_EC_No', ['EC_No']],
  ['F_COMPTET', 'F_COMPTET_CT_Num', ['CT_Num']],
  ['F_COMPTET', 'F_COMPTET_cbModification', ['cbModification', 'cbMarq']],
  ['F_CONTACTT', 'F_CONTACTT_CT_Num', ['CT_Num', 'CT_No']],
  ['F_DOCENTETE', 'F_DOCENTETE_DO_Piece', ['DO_Piece']],
];

/** Inserts a generated data set, in chunks small enough for SQLite's bound-parameter limit. */
export async function loadSage100Seed(db: Kysely<Sage100Database>, seed: Sage100Seed): Promise<void> {
  for (const table of Object.keys(SAGE_100_LAYOUT) as Sage100Table[]) {
    const rows = seed[table];
    const perRow = Object.keys(SAGE_100_LAYOUT[table]).length;
    const chunk = Math.max(1, Math.floor(SQLITE_MAX_PARAMETERS / perRow));
    for (let i = 0; i < rows.length; i += chunk) {
      await db
        .insertInto(table)
        .values(rows.slice(i, i + chunk))
        .execute();
    }
  }
}

/**
 * SQLite's default SQLITE_MAX_VARIABLE_NUMBER since 3.32 (https://www.sqlite.org/limits.html,
 * item 9); PostgreSQL allows 65535.
 */
const SQLITE_MAX_PARAMETERS = 32_766;

/**
 * The permissions check's answer on the fixture engines, which have no HAS_PERMS_BY_NAME: a
 * stub, not a check. It answers as a well-configured read-only login would (SELECT on every
 * table, no write right), unless `overrides` says otherwise, so tests can exercise how the
 * answer is read. Only a real SQL Server can say what a login may do.
 */
export function stubbedPermissionsRow(
  overrides: Readonly<Record<string, number | null>> = {},
): Record<string, number | null> {
  const row: Record<string, number | null> = {};
  for (const table of Object.keys(SAGE_100_LAYOUT)) {
    for (const permission of CHECKED_PERMISSIONS) row[`${table}_${permission}`] = permission === 'SELECT' ? 1 : 0;
  }
  return { ...row, ...overrides };
}
