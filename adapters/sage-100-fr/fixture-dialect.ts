import { SqliteDialect, type Dialect } from 'kysely';
import { sqliteDriver } from '../../connector/store/sqlite-driver';

/**
 * FOR THE DEMO AND TESTS ONLY: the Kysely dialect of a fixture database, Sage 100's layout on
 * SQLite (schema/fixture.ts), opened read-only as the SQL login of a real connection would be.
 * The only module of the adapter that opens one of the store's engines (.dependency-cruiser.cjs,
 * rule sage-100-builds-sql-server-queries-only): the rest sees a Kysely instance and nothing else.
 * The file is opened at the first query, so that a missing file is an error of that query,
 * classified like any other (errors.ts), and not a crash of the adapter's creation.
 */
export function fixtureDialect(file: string): Dialect {
  return new SqliteDialect({
    database: async () => {
      const Database = sqliteDriver();
      return new Database(file, { readonly: true, fileMustExist: true });
    },
  });
}
