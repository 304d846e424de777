import { closeSync, existsSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import { StoreError, messageOf } from './errors';
import { MIGRATION_TABLE } from './migrate';
import { sqliteDriver } from './sqlite-driver';

/**
 * Copies of a SQLite store, and what can be known about a file before it is trusted as one.
 *
 * A copy is made with VACUUM INTO: it reads one snapshot in one read transaction, so it is
 * consistent while the daemon keeps writing (WAL mode lets writers go on beside it), and it
 * is one self-contained file, without the -wal a plain file copy would miss. It writes only
 * into a file that is absent or empty, so it never overwrites anything.
 */

/** The first 16 bytes of every SQLite 3 database file. */
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');
/** How many numbered names to try before giving up on finding a free one. */
const MAX_NAME_ATTEMPTS = 100;

/** `2026-12-05T060000Z`: an instant in a file name (no colons, which some systems refuse). */
export function fileTimestamp(at: Date): string {
  return at
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '');
}

/**
 * Creates an empty file at `<base><suffix>`, or `<base>-2<suffix>`, `-3`… when taken, and
 * returns its path: the name is then ours, and nothing that existed is ever overwritten.
 */
export function reserveFreeName(base: string, suffix = ''): string {
  for (let n = 1; n <= MAX_NAME_ATTEMPTS; n++) {
    const path = `${base}${n === 1 ? '' : `-${n}`}${suffix}`;
    // A database's companions (-wal, -shm) must not exist either, or SQLite would pair them with it.
    if (existsSync(`${path}-wal`) || existsSync(`${path}-shm`)) continue;
    try {
      closeSync(openSync(path, 'wx'));
      return path;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new StoreError(`no free file name like ${base}${suffix} (tried ${MAX_NAME_ATTEMPTS})`);
}

/**
 * Writes a consistent copy of `database` into `target`, a file that must be absent or empty
 * (as `reserveFreeName` leaves it). On failure the target is removed only when this call
 * found it empty: it is then a name this process reserved, holding nothing of anyone's.
 */
export function copyDatabase(database: BetterSqlite3.Database, target: string): void {
  try {
    database.prepare('vacuum into ?').run(target);
  } catch (error) {
    if (fileSizeOrUndefined(target) === 0) rmSync(target, { force: true });
    throw new StoreError(`cannot copy the SQLite database to ${target}: ${messageOf(error)}`, { cause: error });
  }
}

/**
 * Before migrating `database` (the store at `path`) to `targetVersion`: a copy next to it,
 * `recouvra.sqlite.before-v0008-2026-12-05T060000Z.bak`. Undefined for a database with no
 * table at all (a new store): there is nothing to lose.
 */
export function backupBeforeMigrating(
  database: BetterSqlite3.Database,
  path: string,
  targetVersion: string,
  at: Date,
): string | undefined {
  const tables = (
    database.prepare(`select count(*) as n from sqlite_master where type = 'table'`).get() as { n: number }
  ).n;
  if (tables === 0) return undefined;
  const target = reserveFreeName(`${path}.before-${targetVersion}-${fileTimestamp(at)}`, '.bak');
  copyDatabase(database, target);
  return target;
}

export type SqliteFileCheck =
  | { kind: 'not-sqlite'; reason: string }
  | { kind: 'damaged'; reason: string }
  | { kind: 'not-recouvra'; tables: string[] }
  | { kind: 'recouvra'; migrations: string[] };

/**
 * What the file at `path` is, read without changing it: not a SQLite database, a damaged
 * one, a SQLite database without Recouvra's schema, or a Recouvra store and its migrations.
 */
export function inspectSqliteFile(path: string): SqliteFileCheck {
  const header = Buffer.alloc(SQLITE_HEADER.length);
  let read: number;
  try {
    const fd = openSync(path, 'r');
    try {
      read = readSync(fd, header, 0, header.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    return { kind: 'not-sqlite', reason: messageOf(error) };
  }
  if (read < header.length || !header.equals(SQLITE_HEADER))
    return { kind: 'not-sqlite', reason: 'it does not start with the SQLite 3 header' };

  let database: BetterSqlite3.Database;
  try {
    database = new (sqliteDriver())(path, { readonly: true, fileMustExist: true });
  } catch (error) {
    return { kind: 'not-sqlite', reason: messageOf(error) };
  }
  try {
    const check = database.pragma('quick_check') as { quick_check: string }[];
    if (check.length !== 1 || check[0]!.quick_check !== 'ok')
      return {
        kind: 'damaged',
        reason: check
          .map((c) => c.quick_check)
          .slice(0, 5)
          .join('; '),
      };
    const tables = (
      database.prepare(`select name from sqlite_master where type = 'table' order by name`).all() as { name: string }[]
    ).map((t) => t.name);
    if (!tables.includes(MIGRATION_TABLE) || !tables.includes('cases')) return { kind: 'not-recouvra', tables };
    const migrations = (
      database.prepare(`select name from ${MIGRATION_TABLE} order by name`).all() as { name: string }[]
    ).map((m) => m.name);
    if (migrations.length === 0) return { kind: 'not-recouvra', tables };
    return { kind: 'recouvra', migrations };
  } catch (error) {
    return { kind: 'damaged', reason: messageOf(error) };
  } finally {
    database.close();
  }
}

/**
 * Whether another connection (the daemon, a CLI command) has the database at `path` open. In
 * WAL mode every open connection holds a shared lock for as long as it is open, even idle, so
 * an exclusive lock taken without waiting fails while anyone else has it.
 */
export function sqliteFileInUse(path: string): boolean {
  let database: BetterSqlite3.Database | undefined;
  try {
    database = new (sqliteDriver())(path, { fileMustExist: true, timeout: 0 });
    database.pragma('locking_mode = EXCLUSIVE');
    database.exec('begin exclusive');
    database.exec('commit');
    return false;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'SQLITE_BUSY' || (error as { code?: unknown }).code === 'SQLITE_LOCKED')
      return true;
    throw new StoreError(`cannot open ${path} to see whether it is in use: ${messageOf(error)}`, { cause: error });
  } finally {
    database?.close();
  }
}

/**
 * Folds the WAL of a store nobody else has open back into its main file, so that the file
 * alone is the whole database (then it can be renamed without leaving a -wal behind).
 */
export function checkpointSqliteFile(path: string): void {
  const database = new (sqliteDriver())(path, { fileMustExist: true, timeout: 0 });
  try {
    database.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    database.close();
  }
}

function fileSizeOrUndefined(path: string): number | undefined {
  try {
    return statSync(path).size;
  } catch {
    return undefined;
  }
}
