import {
  DummyDriver,
  Kysely,
  MssqlAdapter,
  MssqlIntrospector,
  MssqlQueryCompiler,
  PostgresDialect,
  SqliteDialect,
} from 'kysely';
import { Pool, types } from 'pg';
import type { Sage100Database } from '../../../adapters/sage-100-fr/schema/layout';
import { sqliteDriver } from '../../../connector/store/sqlite-driver';
import { TEST_POSTGRES_URL } from '../../helpers/postgres';

/** Kysely with SQL Server's dialect and no connection: it compiles T-SQL and runs nothing. */
export function mssqlCompiler(): Kysely<Sage100Database> {
  return new Kysely<Sage100Database>({
    dialect: {
      createAdapter: () => new MssqlAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new MssqlIntrospector(db),
      createQueryCompiler: () => new MssqlQueryCompiler(),
    },
  });
}

export function openSqliteFixture(): Kysely<Sage100Database> {
  return new Kysely<Sage100Database>({ dialect: new SqliteDialect({ database: new (sqliteDriver())(':memory:') }) });
}

/** PostgreSQL's oid for `timestamp without time zone`. */
const TIMESTAMP_OID = 1114;

/**
 * A Kysely on the test PostgreSQL whose connections use `schema` (created by the caller). A
 * timestamp comes back as the server's text, not a Date: the pg default would read it in the
 * process's time zone, and Sage's datetime has none.
 */
export function openPostgresFixture(schema: string): { db: Kysely<Sage100Database>; pool: Pool } {
  const pool = new Pool({
    connectionString: TEST_POSTGRES_URL,
    max: 2,
    options: `-c search_path=${schema}`,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === TIMESTAMP_OID
          ? (value: string) => value
          : (types.getTypeParser(oid, format) as (value: string) => unknown)) as typeof types.getTypeParser,
    },
  });
  return { db: new Kysely<Sage100Database>({ dialect: new PostgresDialect({ pool }) }), pool };
}
