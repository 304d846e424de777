import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  type SqliteDialectConfig,
} from 'kysely';
import { KyselyStore } from './kysely-store';
import { StoreError } from './errors';
import { backupBeforeMigrating } from './sqlite-backup';
import { sqliteDriver } from './sqlite-driver';
import { StatementCache } from './sqlite-statement-cache';
import type { Database } from './schema';
import type { Store } from './store';

/** How long a writer waits for another process's write lock before failing (ms). */
const BUSY_TIMEOUT_MS = 5_000;

const IN_MEMORY = ':memory:';

/**
 * WAL pages written before a commit copies them into the database file (SQLite's default: 1,000,
 * 4 MB). A sync page of 500 receivables with random ids (Sage's UUIDs) dirties about 1,500 index
 * pages scattered over its B-trees, so at the default every such commit also checkpointed: each
 * page was written twice, page after page. At 16,384 pages (64 MB) a checkpoint comes every ten
 * pages or so and writes a B-tree page once for all the commits that changed it meanwhile: a
 * 100,000-invoice first sync writes 43% fewer bytes (measured: 4.6 GB, then 2.6 GB).
 */
const WAL_AUTOCHECKPOINT_PAGES = 16_384;

/** What the WAL file is cut back to after a checkpoint, so that a large one does not stay on disk. */
const WAL_SIZE_LIMIT_BYTES = 64 * 2 ** 20;

/**
 * Temporary files in memory. Each single-row upsert of a sync page keeps the pages it changes in
 * a statement journal, so that a refused row undoes itself alone; SQLite keeps that journal in
 * memory up to 64 KiB, then in a temporary file for the rest of the transaction. With the KPI
 * indexes (migration 0012) a row touches about a dozen pages, the journal crossed that size in
 * nearly every page, and each row's pages were then written to disk once more: 1.3 million writes
 * to temporary files for a 100,000-invoice first sync, about 40% of its store time. In memory, a
 * statement journal is a few pages. Sorts spill to memory too: the largest is a migration's index
 * build, about the size of that index.
 */
const TEMP_STORE = 'MEMORY';

/**
 * Opens (creating it if needed) the SQLite store at `path`, or a private in-memory store for
 * `':memory:'`. Call `migrate()` before use: on a file holding data, it copies the file aside
 * before changing its schema.
 *
 * A file store runs in WAL mode, so that the snapshot stream reads on its own connection
 * while the daemon keeps writing; an in-memory store has one connection only, and streams in
 * keyset pages instead.
 */
export async function openSqliteStore(path: string): Promise<Store> {
  const inMemory = path === IN_MEMORY;
  let database: BetterSqlite3.Database;
  try {
    if (!inMemory) mkdirSync(dirname(resolve(path)), { recursive: true });
    database = new (sqliteDriver())(path);
    if (!inMemory) {
      database.pragma('journal_mode = WAL');
      database.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
      database.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
      database.pragma(`temp_store = ${TEMP_STORE}`);
    }
    database.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    database.pragma('foreign_keys = ON');
  } catch (error) {
    throw new StoreError(
      `cannot open the SQLite store at ${path}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }

  const db = new Kysely<Database>({ dialect: new StoreSqliteDialect({ database: new StatementCache(database) }) });
  const file = inMemory ? undefined : resolve(path);
  return new KyselyStore(db, {
    driver: 'sqlite',
    location: sqliteLocation(path),
    ...(file === undefined
      ? {}
      : {
          openReader: () => openReader(path),
          backupBeforeMigrating: async (targetVersion, at) => backupBeforeMigrating(database, file, targetVersion, at),
        }),
  });
}

/** How messages name the SQLite store at `path`. */
export function sqliteLocation(path: string): string {
  return path === IN_MEMORY ? 'the in-memory SQLite store' : `the SQLite store ${resolve(path)}`;
}

/** A read-only connection for one stream; WAL gives it a stable snapshot while others write. */
function openReader(path: string): Kysely<Database> {
  const database = new (sqliteDriver())(path, { readonly: true, fileMustExist: true });
  database.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  return new Kysely<Database>({ dialect: new StoreSqliteDialect({ database: new StatementCache(database) }) });
}

/**
 * Kysely's SQLite dialect with two changes:
 *
 * - transactions start with BEGIN IMMEDIATE. A deferred transaction that reads, then writes,
 *   fails at once with SQLITE_BUSY when another process wrote in between (busy_timeout does
 *   not apply to that upgrade); taking the write lock first makes it wait instead. This also
 *   serialises two processes running `migrate()` at the same time.
 * - migrations run in one transaction. SQLite's DDL is transactional, but Kysely's adapter
 *   says otherwise and would leave a half-applied migration behind a failure.
 */
class StoreSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateTransactionSqliteDriver(this.#config);
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

class ImmediateTransactionSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}
