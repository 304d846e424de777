import { existsSync, rmSync } from 'node:fs';
import { Kysely, SqliteDialect, type Dialect } from 'kysely';
import { sqliteDriver } from '../../connector/store/sqlite-driver';
import { StatementCache } from '../../connector/store/sqlite-statement-cache';
import { createSage100Fixture, loadSage100Seed } from './schema/fixture';
import type { Sage100Database } from './schema/layout';
import type { Sage100Seed } from './schema/seed';

/**
 * FOR THE DEMO AND TESTS ONLY: the Kysely dialect of a fixture database, Sage 100's layout on
 * SQLite (schema/fixture.ts), opened read-only as the SQL login of a real connection would be.
 * The only module of the adapter that opens one of the store's engines (and writes fixture files
 * for `recouvra simulate sage-100-fr`) (.dependency-cruiser.cjs,
 * rule sage-100-builds-sql-server-queries-only): the rest sees a Kysely instance and nothing else.
 * The file is opened at the first query, so that a missing file is an error of that query,
 * classified like any other (errors.ts), and not a crash of the adapter's creation. Its prepared
 * statements are kept, as the store's are (a read asks the same two statements page after page).
 */
export function fixtureDialect(file: string): Dialect {
  return new SqliteDialect({ database: () => Promise.resolve(new StatementCache(openFixtureFile(file))) });
}

/**
 * Opens a fixture file read-only, memory-mapped. SQLite's own page cache is 2 MB by default
 * (https://www.sqlite.org/pragma.html#pragma_cache_size), where a server keeps its data pages in
 * memory (SQL Server's buffer pool): a read's lookups by piece and by document, scattered over
 * the file, then cost a read() system call each for a page the kernel already holds. Mapped
 * (https://www.sqlite.org/mmap.html), the kernel's page cache serves them directly. The file is
 * never written through this connection, which is what mapping suits best. The benchmark's bare
 * SELECT opens the file the same way, so that both measure the same engine.
 */
export function openFixtureFile(file: string): SqliteDatabaseHandle {
  const Database = sqliteDriver();
  const db = new Database(file, { readonly: true, fileMustExist: true });
  db.pragma(`mmap_size = ${FIXTURE_MMAP_BYTES}`);
  return db;
}

/** A fixture file opened by openFixtureFile (better-sqlite3's database). */
export type SqliteDatabaseHandle = InstanceType<ReturnType<typeof sqliteDriver>>;

/** Up to 256 MiB of a fixture file mapped: a demo file is a few MB, the benchmark's about 90. */
const FIXTURE_MMAP_BYTES = 256 * 1024 * 1024;

/**
 * Marks a fixture file as written by `recouvra simulate sage-100-fr`, in SQLite's header field
 * for that purpose (https://www.sqlite.org/pragma.html#pragma_application_id): "S100".
 */
export const FIXTURE_APPLICATION_ID = 0x53313030;

/**
 * Writes a fixture database file with `seed`'s rows. A file already there is replaced only when
 * this command wrote it (its application id says so): anything else — a store, a real export, a
 * file that is not a database — is refused, never overwritten.
 */
export async function writeFixtureFile(file: string, seed: Sage100Seed): Promise<void> {
  const Database = sqliteDriver();
  if (existsSync(file)) {
    let id: unknown;
    try {
      const existing = new Database(file, { readonly: true, fileMustExist: true });
      try {
        id = existing.pragma('application_id', { simple: true });
      } finally {
        existing.close();
      }
    } catch {
      id = undefined;
    }
    if (id !== FIXTURE_APPLICATION_ID)
      throw new Error(`${file} exists and was not written by recouvra simulate sage-100-fr: it is not overwritten`);
    rmSync(file);
  }
  const sqlite = new Database(file);
  sqlite.pragma(`application_id = ${FIXTURE_APPLICATION_ID}`);
  const db = new Kysely<Sage100Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  try {
    await createSage100Fixture(db, 'sqlite');
    await db.transaction().execute((tx) => loadSage100Seed(tx, seed));
  } finally {
    await db.destroy();
  }
}
