import type { AdapterRegistry } from '../../ports/erp';
import { closeSync, existsSync, mkdirSync, openSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { Config } from '../../../config/config.schema';
import { adapterRegistry } from '../../../adapters/registry';
import { CaseOperationError } from '../../cases/case-errors';
import { loadConfig, parseConfig } from '../../config/load-config';
import { createLogger } from '../../log/logger';
import { openStore } from '../../store/open-store';
import { StoreError } from '../../store/errors';
import { knownMigrations, schemaVersion, type MigrationReport } from '../../store/migrate';
import { sqliteLocation } from '../../store/sqlite';
import {
  checkpointSqliteFile,
  copyDatabase,
  fileTimestamp,
  inspectSqliteFile,
  reserveFreeName,
  sqliteFileInUse,
  type SqliteFileCheck,
} from '../../store/sqlite-backup';
import { sqliteDriver } from '../../store/sqlite-driver';
import type { Store } from '../../store/store';
import { systemClock, type Clock } from '../../time/clock';
import type { CommandResult } from './command-result';

/**
 * What the commands that read or change the store share: open the store the configuration
 * names, run, close; turn a refusal into one line on stderr and exit code 1.
 */

/** Every store command takes these; `env` and `clock` are for tests (defaults: the process's). */
export interface StoreCommandArgs {
  config?: string;
  json?: boolean;
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
}

export interface ConfiguredStore {
  config: Config;
  store: Store;
}

/** The configuration names a SQLite file that does not exist: nothing was ever synced. */
export class NoStoreYet extends Error {
  override readonly name = 'NoStoreYet';

  constructor(readonly path: string) {
    super(`there is no store at ${path} yet (run \`recouvra sync --once\` first)`);
  }
}

/** A command-line argument that cannot be right, refused before the store is opened. */
export class ArgumentError extends Error {
  override readonly name = 'ArgumentError';
}

/**
 * The configuration a store command works with: the file (or the defaults) through its schema and
 * the adapters' schemas, its warnings on stderr through the configured log. Not the policies nor
 * the legal data, which these commands do not use: reading them would slow every command down,
 * and `recouvra config check` and the daemon's start check them.
 */
export function storeCommandConfig(args: {
  config?: string;
  env?: NodeJS.ProcessEnv;
  registry?: AdapterRegistry;
}): Config {
  const loaded = args.config
    ? loadConfig(args.config, { env: args.env ?? process.env, registry: args.registry ?? adapterRegistry })
    : parseConfig('(defaults)', 'version: 1\n', { env: {} });
  if (loaded.warnings.length > 0) {
    const { logging } = loaded.config;
    const logger = createLogger({
      level: logging.level,
      format: logging.format,
      secrets: { values: () => loaded.secrets },
    });
    for (const w of loaded.warnings) logger.warn(w);
    logger.close();
  }
  return loaded.config;
}

/**
 * Loads the configuration (or the defaults), opens and migrates the store it names, runs `fn`
 * and closes the store. Throws NoStoreYet instead of creating an empty SQLite file.
 */
export async function withConfiguredStore<T>(
  args: { config?: string; env?: NodeJS.ProcessEnv; clock?: Clock },
  fn: (opened: ConfiguredStore) => Promise<T>,
  onMigrated?: (report: MigrationReport) => void,
): Promise<T> {
  const config = storeCommandConfig(args);
  const storeConfig = config.store;
  if (storeConfig.driver === 'sqlite' && storeConfig.sqlite.path !== ':memory:' && !existsSync(storeConfig.sqlite.path))
    throw new NoStoreYet(storeConfig.sqlite.path);
  const store = await openStore(storeConfig);
  try {
    const report = await store.migrate(args.clock ? { clock: args.clock } : {});
    if (report.pending.length > 0) onMigrated?.(report);
    return await fn({ config, store });
  } finally {
    await store.close();
  }
}

/**
 * Runs a store command to a CommandResult: `check` validates the arguments before anything is
 * loaded, `run` returns what goes to stdout. Without a store, `whenNoStore` answers (a listing
 * is empty) or, absent, the command fails saying so.
 */
export async function runStoreCommand<A>(
  args: StoreCommandArgs,
  check: () => A,
  run: (opened: ConfiguredStore, checked: A) => Promise<string>,
  whenNoStore?: (checked: A, missing: NoStoreYet) => string,
): Promise<CommandResult> {
  try {
    const checked = check();
    // A command run after an upgrade migrates the store first: it says so, and where the copy went.
    let migrated = '';
    try {
      const stdout = await withConfiguredStore(
        args,
        (opened) => run(opened, checked),
        (report) => (migrated = `${migrationSummary(report)}\n`),
      );
      return { exitCode: 0, stdout, stderr: migrated };
    } catch (e) {
      if (e instanceof NoStoreYet && whenNoStore) return { exitCode: 0, stdout: whenNoStore(checked, e), stderr: '' };
      throw e;
    }
  } catch (e) {
    return { exitCode: 1, stdout: '', stderr: `${messageOf(e)}\n` };
  }
}

/** What `--json` prints: the object the API answers, indented. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** One line: a refused operation says what and why (`no case case_…`), with its code for scripts. */
export function messageOf(e: unknown): string {
  if (e instanceof CaseOperationError) return `${oneLine(e.message)} (${e.code})`;
  if (e instanceof Error) return e.message;
  return String(e);
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}

/**
 * Who the journal names for an operation made on the command line: `cli:<OS user>`, as the API
 * names the user of its `x-recouvra-user` header. Same bounds as that header (100 characters,
 * no control characters).
 */
export function cliUser(env: NodeJS.ProcessEnv = process.env): string {
  let name: string | undefined;
  try {
    name = userInfo().username;
  } catch {
    // No passwd entry for the uid (a container): the login shell's variable still says who.
  }
  name = (name?.trim() || env['USER']?.trim() || env['LOGNAME']?.trim() || 'unknown').replace(/\p{Cc}/gu, '');
  return `cli:${name}`.slice(0, 100);
}

/** The system clock, unless a test gives one. */
export function clockOf(args: StoreCommandArgs): Clock {
  return args.clock ?? systemClock;
}

// ── recouvra store backup | restore | migrate ───────────────────────────────

/**
 * Looking after the store itself. On SQLite Recouvra copies the file (consistently, while the
 * daemon runs) and puts a copy back, keeping whatever it replaces; on PostgreSQL the tools are
 * PostgreSQL's own, pg_dump and pg_restore, and these commands print how to call them.
 */

/** `migrated from v0005 to v0007 (0006-…, 0007-…); the store as it was is kept in FILE`. */
export function migrationSummary(report: MigrationReport): string {
  const after = [...report.before, ...report.pending];
  const copy = report.backup === undefined ? '' : `; the store as it was is kept in ${report.backup}`;
  return `${report.location}: migrated from ${schemaVersion(report.before)} to ${schemaVersion(after)} (${report.pending.join(', ')})${copy}`;
}

/** `recouvra store migrate [--dry-run]`: applies the pending migrations, or lists them. */
export async function runStoreMigrate(args: StoreCommandArgs & { dryRun?: boolean }): Promise<CommandResult> {
  try {
    const config = storeCommandConfig(args);
    const storeConfig = config.store;
    if (args.dryRun && storeConfig.driver === 'sqlite' && !existsSync(storeConfig.sqlite.path)) {
      const known = await knownMigrations('sqlite');
      const where = sqliteLocation(storeConfig.sqlite.path);
      if (args.json) return ok(toJson({ location: where, exists: false, before: [], pending: known, dryRun: true }));
      return ok(
        `There is no store at ${resolve(storeConfig.sqlite.path)} yet: creating it applies ${known.length} migration(s), ${known.join(', ')}.\n`,
      );
    }
    const store = await openStore(storeConfig);
    try {
      const report = await store.migrate({ clock: clockOf(args), dryRun: args.dryRun === true });
      if (args.json) return ok(toJson(report));
      return ok(renderMigration(report));
    } finally {
      await store.close();
    }
  } catch (e) {
    return failed(e);
  }
}

function renderMigration(report: MigrationReport): string {
  const now = schemaVersion(report.before);
  if (report.pending.length === 0)
    return `${capitalised(report.location)} is up to date (schema ${now}); nothing to migrate.\n`;
  if (!report.dryRun) return `${capitalised(migrationSummary(report))}.\n`;
  const lines = [
    `${capitalised(report.location)} is at schema ${now}; ${report.pending.length} migration(s) pending (dry run: nothing applied):`,
    ...report.pending.map((m) => `  ${m}`),
  ];
  lines.push(
    `\`recouvra store migrate\` applies them${report.location.includes('SQLite') ? ', after copying the store next to itself' : ', in one transaction'}.`,
  );
  return `${lines.join('\n')}\n`;
}

/** `recouvra store backup [--to FILE]`: a consistent copy of a SQLite store; the pg_dump line for PostgreSQL. */
export async function runStoreBackup(args: StoreCommandArgs & { to?: string }): Promise<CommandResult> {
  try {
    const config = storeCommandConfig(args);
    const storeConfig = config.store;
    const stamp = fileTimestamp(clockOf(args).now());
    if (storeConfig.driver === 'postgres') {
      const file = args.to ?? `recouvra-${databaseName(storeConfig.postgres.url)}-${stamp}.dump`;
      const command = pgCommand('pg_dump', [
        '--format=custom',
        `--file=${file}`,
        ...(storeConfig.postgres.schema ? [`--schema=${storeConfig.postgres.schema}`] : []),
        `--dbname=${urlWithoutPassword(storeConfig.postgres.url)}`,
      ]);
      return {
        exitCode: 1,
        stdout: args.json
          ? toJson({ location: postgresLocation(storeConfig.postgres), backedUp: false, command })
          : `${command}\n`,
        stderr:
          `Nothing was backed up: ${postgresLocation(storeConfig.postgres)} is backed up with PostgreSQL's pg_dump, which Recouvra does not replace. ` +
          'Run the command above (it works while the daemon runs; the password comes from PGPASSWORD or ~/.pgpass, never the command line); restore with pg_restore.\n',
      };
    }
    const path = resolve(storeConfig.sqlite.path);
    if (storeConfig.sqlite.path === ':memory:')
      throw new ArgumentError('the store is in memory (store.sqlite.path ":memory:"): there is no file to back up');
    if (!existsSync(path)) throw new NoStoreYet(path);
    const target = backupTarget(args.to, path, stamp);
    const source = new (sqliteDriver())(path, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    try {
      copyDatabase(source, target);
    } finally {
      source.close();
    }
    const check = inspectSqliteFile(target);
    if (check.kind === 'not-sqlite' || check.kind === 'damaged')
      throw new StoreError(
        `the copy written to ${target} does not read back as a sound SQLite database (${check.reason}): check the store itself (sqlite3 ${shellQuote(path)} 'pragma integrity_check')`,
      );
    const schema = check.kind === 'recouvra' ? schemaVersion(check.migrations) : undefined;
    const bytes = statSync(target).size;
    if (args.json) return ok(toJson({ location: sqliteLocation(path), backup: target, schema: schema ?? null, bytes }));
    return ok(
      `Backed up ${sqliteLocation(path)}${schema ? ` (schema ${schema})` : ''} to ${target} (${bytes} bytes).\n` +
        `Put it back with \`recouvra store restore --from ${shellQuote(target)}\`.\n`,
    );
  } catch (e) {
    return failed(e);
  }
}

/** Where `backup` writes: `--to` (a file, or a folder to write into), else next to the store; never over an existing file. */
function backupTarget(to: string | undefined, store: string, stamp: string): string {
  if (to === undefined) return reserveFreeName(`${store}.${stamp}`, '.bak');
  const wanted = resolve(to);
  if (existsSync(wanted) && statSync(wanted).isDirectory())
    return reserveFreeName(join(wanted, `${basename(store)}.${stamp}`), '.bak');
  try {
    closeSync(openSync(wanted, 'wx'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST')
      throw new ArgumentError(`${wanted} already exists and Recouvra does not overwrite it: choose another --to`);
    throw new ArgumentError(`cannot create ${wanted}: ${messageOf(e)}`);
  }
  return wanted;
}

/** `recouvra store restore --from FILE [--force]`: puts a SQLite backup in place of the store, keeping what it replaces. */
export async function runStoreRestore(
  args: StoreCommandArgs & { from?: string; force?: boolean },
): Promise<CommandResult> {
  try {
    if (args.from === undefined || args.from.trim() === '')
      throw new ArgumentError('--from FILE is required: the backup to restore');
    const config = storeCommandConfig(args);
    const storeConfig = config.store;
    if (storeConfig.driver === 'postgres') {
      const command = pgCommand('pg_restore', [
        '--single-transaction',
        '--exit-on-error',
        `--dbname=${urlWithoutPassword(storeConfig.postgres.url)}`,
        args.from,
      ]);
      return {
        exitCode: 1,
        stdout: args.json
          ? toJson({ location: postgresLocation(storeConfig.postgres), restored: false, command })
          : `${command}\n`,
        stderr:
          `Nothing was restored: ${postgresLocation(storeConfig.postgres)} is restored from a pg_dump file with PostgreSQL's pg_restore. ` +
          `Stop the daemon, take a pg_dump of the current state first, empty or drop ${storeConfig.postgres.schema ? `schema ${storeConfig.postgres.schema}` : "the store's tables"}, then run the command above.\n`,
      };
    }
    if (storeConfig.sqlite.path === ':memory:')
      throw new ArgumentError(
        'the store is in memory (store.sqlite.path ":memory:"): there is no file to restore into',
      );
    const from = resolve(args.from);
    const target = resolve(storeConfig.sqlite.path);
    if (!existsSync(from)) throw new ArgumentError(`${from} does not exist: nothing was restored`);
    if (existsSync(target) && realpathSync(from) === realpathSync(target))
      throw new ArgumentError(`${from} is the store itself: nothing to restore`);

    const known = await knownMigrations('sqlite');
    const migrations = restorableMigrations(from, inspectSqliteFile(from), known);

    const exists = existsSync(target);
    for (const companion of ['-wal', '-shm']) {
      // SQLite would pair a leftover journal with the restored file and replay it into it.
      if (!exists && existsSync(`${target}${companion}`))
        throw new ArgumentError(
          `${target}${companion} exists without ${target}: move it away first. Nothing was restored`,
        );
    }
    if (exists && sqliteFileInUse(target)) {
      throw new ArgumentError(
        `${sqliteLocation(target)} is open in another process (the daemon, or another recouvra command): stop it, then restore. Nothing was restored`,
      );
    }
    if (exists && !args.force) {
      throw new ArgumentError(
        `${sqliteLocation(target)} exists: restoring replaces it (it is then kept as ${basename(target)}.replaced-<time>); add --force to do so. Nothing was restored`,
      );
    }

    const stamp = fileTimestamp(clockOf(args).now());
    mkdirSync(dirname(target), { recursive: true });
    const incoming = reserveFreeName(`${target}.restoring-${stamp}`);
    try {
      const reader = new (sqliteDriver())(from, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
      try {
        copyDatabase(reader, incoming);
      } finally {
        reader.close();
      }
      const copy = inspectSqliteFile(incoming);
      if (copy.kind !== 'recouvra')
        throw new StoreError(
          `the copy of ${from} in ${incoming} does not read back as a Recouvra store (${copy.kind}): nothing was restored`,
        );
    } catch (e) {
      rmSync(incoming, { force: true });
      throw e;
    }

    let replaced: string | undefined;
    if (exists) {
      // The file alone must be the whole database before it is renamed: fold its WAL back in.
      checkpointSqliteFile(target);
      replaced = reserveFreeName(`${target}.replaced-${stamp}`);
      renameSync(target, replaced);
      for (const companion of ['-wal', '-shm'])
        if (existsSync(`${target}${companion}`)) renameSync(`${target}${companion}`, `${replaced}${companion}`);
    }
    renameSync(incoming, target);

    const version = schemaVersion(migrations);
    const pending = known.length - migrations.length;
    if (args.json)
      return ok(
        toJson({
          location: sqliteLocation(target),
          restoredFrom: from,
          schema: version,
          replaced: replaced ?? null,
          pendingMigrations: pending,
        }),
      );
    const lines = [`Restored ${sqliteLocation(target)} from ${from} (schema ${version}).`];
    if (replaced) lines.push(`The store it replaced is kept as ${replaced}.`);
    if (pending > 0)
      lines.push(
        `Its schema is older than this Recouvra's (${schemaVersion(known)}): the next start migrates it, after copying it next to itself.`,
      );
    return ok(`${lines.join('\n')}\n`);
  } catch (e) {
    return failed(e);
  }
}

/** The migrations of the backup at `from`, when it is a Recouvra store this version can run; else why not. */
function restorableMigrations(from: string, check: SqliteFileCheck, known: readonly string[]): string[] {
  switch (check.kind) {
    case 'not-sqlite':
      throw new ArgumentError(`${from} is not a SQLite database (${check.reason}): nothing was restored`);
    case 'damaged':
      throw new ArgumentError(`${from} is a damaged SQLite database (${check.reason}): nothing was restored`);
    case 'not-recouvra':
      throw new ArgumentError(
        `${from} is a SQLite database but not a Recouvra store (it has no migration table or no cases table; tables: ${check.tables.join(', ') || 'none'}): nothing was restored`,
      );
    case 'recouvra': {
      const unknown = check.migrations.filter((m) => !known.includes(m));
      if (unknown.length > 0) {
        throw new ArgumentError(
          `${from} holds a newer schema than this Recouvra knows (migration(s) ${unknown.join(', ')}; this version goes up to ${schemaVersion(known)}): upgrade Recouvra, then restore it. Nothing was restored`,
        );
      }
      return check.migrations;
    }
  }
}

type PostgresModule = typeof import('../../store/postgres');

/** As the store names itself; the PostgreSQL module (and its client library) is loaded only for a PostgreSQL store. */
function postgresLocation(opts: Parameters<PostgresModule['postgresLocation']>[0]): string {
  return (module.require('../../store/postgres') as PostgresModule).postgresLocation(opts);
}

/** How long the CLI waits for the daemon's write lock when it reads the store (ms); as the store does. */
const BUSY_TIMEOUT_MS = 5_000;

function ok(stdout: string): CommandResult {
  return { exitCode: 0, stdout, stderr: '' };
}

function failed(e: unknown): CommandResult {
  return { exitCode: 1, stdout: '', stderr: `${messageOf(e)}\n` };
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The database's name in a PostgreSQL URL, for a default dump file name. */
function databaseName(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')).replace(/[^A-Za-z0-9_-]/g, '_') || 'postgres';
  } catch {
    return 'postgres';
  }
}

/** The URL as the PostgreSQL tools take it, without its password (they read PGPASSWORD or ~/.pgpass). */
function urlWithoutPassword(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    throw new ArgumentError('store.postgres.url does not parse as a URL (postgres://user@host:port/database)');
  }
}

function pgCommand(tool: string, args: readonly string[]): string {
  return [tool, ...args.map(shellQuote)].join(' ');
}

/** A word for a POSIX shell: as is when plain, else in single quotes. */
function shellQuote(word: string): string {
  return /^[A-Za-z0-9_\-./=:@%+,]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
