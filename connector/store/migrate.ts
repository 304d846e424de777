import { Migrator, sql, type Kysely, type MigrationProvider } from 'kysely';
import { systemClock, type Clock } from '../time/clock';
import { StoreError, messageOf } from './errors';
import { storeMigrations } from './migrations';
import type { Database } from './schema';
import type { StoreDriver } from './driver';

/**
 * Applying the store's migrations safely: a store that a newer Recouvra migrated is refused
 * before anything runs; a SQLite file with data is copied aside before its schema changes;
 * pending migrations run in one transaction on both drivers (their DDL is transactional), so a
 * failure leaves the schema as it was.
 */

/** Kysely's table of applied migrations (its default name). */
export const MIGRATION_TABLE = 'kysely_migration';

export interface MigrateOptions {
  /** Dates the name of the backup taken before migrating (default: the system clock). */
  clock?: Clock;
  /** List the pending migrations; apply nothing and back up nothing. */
  dryRun?: boolean;
}

export interface MigrationReport {
  /** The store, as messages name it (a file path, or host:port/database and schema). */
  location: string;
  /** Migrations the store had run before this call, in name order. */
  before: string[];
  /** Migrations that were pending: applied by this call, unless it was a dry run. */
  pending: string[];
  dryRun: boolean;
  /** The copy of the store taken before applying them (SQLite file holding data only). */
  backup?: string;
}

/** What `migrateStore` needs to know about the store beside its Kysely instance. */
export interface MigrationTarget {
  driver: StoreDriver;
  /** PostgreSQL schema holding Kysely's migration tables, when not the default. */
  schema?: string;
  location: string;
  /** The migrations to apply (default: this version's, `storeMigrations`). */
  provider?: MigrationProvider;
  /**
   * Copies the store aside before pending migrations run, returning where the copy went, or
   * undefined when there was nothing to copy (a new, empty database).
   */
  backup?: (targetVersion: string, at: Date) => Promise<string | undefined>;
}

/** The store holds migrations this version does not know: a newer Recouvra migrated it. */
export class NewerSchemaError extends StoreError {
  constructor(
    readonly location: string,
    readonly unknown: readonly string[],
    readonly known: readonly string[],
  ) {
    super(
      `${location} was migrated by a newer version of Recouvra: it holds migration(s) ${unknown.join(', ')}, which this version does not know ` +
        `(its schema goes up to ${schemaVersion(known)}). Nothing was run against it. ` +
        'Upgrade Recouvra to the version that migrated it (or a later one), or restore a backup taken before that upgrade (`recouvra store restore --from FILE`).',
    );
  }
}

/** `v0007` for a store whose last migration is `0007-…`; `v0000` for one with none. */
export function schemaVersion(migrations: readonly string[]): string {
  const last = [...migrations].sort().at(-1);
  return `v${last === undefined ? '0000' : (/^(\d+)/.exec(last)?.[1] ?? last)}`;
}

/** The names of this version's migrations, in the order they apply. */
export async function knownMigrations(
  driver: StoreDriver,
  provider: MigrationProvider = storeMigrations(driver),
): Promise<string[]> {
  return Object.keys(await provider.getMigrations()).sort();
}

/**
 * The migrations a store has run, in name order; undefined when it has no migration table (a
 * new database). Reads only: creates nothing, so a dry run and a refusal leave no trace.
 */
export async function appliedMigrations(db: Kysely<Database>, driver: StoreDriver): Promise<string[] | undefined> {
  const present =
    driver === 'sqlite'
      ? (
          await sql<{
            n: number;
          }>`select count(*) as n from sqlite_master where type = 'table' and name = ${MIGRATION_TABLE}`.execute(db)
        ).rows[0]!.n > 0
      : // to_regclass follows search_path, which is the store's schema when one is configured.
        (await sql<{ present: boolean }>`select to_regclass(${MIGRATION_TABLE}) is not null as present`.execute(db))
          .rows[0]!.present;
  if (!present) return undefined;
  const rows = await sql<{ name: string }>`select name from ${sql.table(MIGRATION_TABLE)}`.execute(db);
  return rows.rows.map((r) => r.name).sort();
}

/** Applies (or, for a dry run, lists) the pending migrations of `target`; see the file's comment. */
export async function migrateStore(
  db: Kysely<Database>,
  target: MigrationTarget,
  options: MigrateOptions = {},
): Promise<MigrationReport> {
  if (db.isTransaction) throw new StoreError('migrate() cannot run inside a transaction');
  const provider = target.provider ?? storeMigrations(target.driver);
  const known = await knownMigrations(target.driver, provider);
  let before: string[];
  try {
    before = (await appliedMigrations(db, target.driver)) ?? [];
  } catch (error) {
    throw new StoreError(`${target.location}: cannot read which migrations it has run: ${messageOf(error)}`, {
      cause: error,
    });
  }
  const unknown = before.filter((name) => !known.includes(name));
  if (unknown.length > 0) throw new NewerSchemaError(target.location, unknown, known);
  const pending = known.filter((name) => !before.includes(name));
  const report: MigrationReport = { location: target.location, before, pending, dryRun: options.dryRun === true };
  if (report.dryRun || pending.length === 0) return report;

  if (target.backup) {
    const at = (options.clock ?? systemClock).now();
    let backup: string | undefined;
    try {
      backup = await target.backup(schemaVersion(known), at);
    } catch (error) {
      throw new StoreError(
        `${target.location}: could not back it up before migrating it to ${schemaVersion(known)}, so nothing was migrated: ${messageOf(error)}`,
        { cause: error },
      );
    }
    if (backup !== undefined) report.backup = backup;
  }

  const migrator = new Migrator({
    db,
    provider,
    ...(target.schema === undefined ? {} : { migrationTableSchema: target.schema }),
  });
  let { error, results } = await migrator.migrateToLatest();
  // Kysely looks for its migration table by listing the tables of every schema; a schema that
  // another tenant drops at that moment fails the listing ("schema … does not exist", 3F000, or
  // "relation <its schema>.<table> does not exist", 42P01).
  // That is not our schema's problem: look again.
  // A tenant dropping many schemas one after the other (a drop of a large schema holds its row for
  // a while) can fail listing after listing: wait a little longer each time, for up to 15 s.
  const giveUpAt = Date.now() + 15_000;
  for (
    let wait = 50;
    error !== undefined &&
    isOtherSchemaDropped(error, target.schema) &&
    (results ?? []).length === 0 &&
    Date.now() + wait < giveUpAt;
    wait = Math.min(wait * 2, 1_000)
  ) {
    await new Promise((r) => setTimeout(r, wait));
    ({ error, results } = await migrator.migrateToLatest());
  }
  if (error !== undefined) {
    // Another process may have run a newer Recouvra's migrations since the check above.
    const missing = /previously executed migration (\S+) is missing/.exec(messageOf(error))?.[1];
    if (missing !== undefined) throw new NewerSchemaError(target.location, [missing], known);
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    const kept = report.backup === undefined ? '' : ` (a copy taken before: ${report.backup})`;
    throw new StoreError(
      `${target.location}: migration ${failed ?? '(before any migration ran)'} failed, and the pending migrations were rolled back together${kept}: ${messageOf(error)}`,
      { cause: error },
    );
  }
  return report;
}

/** A failure caused by another tenant dropping its schema while Kysely listed every schema (exported for its test). */
export function isOtherSchemaDropped(error: unknown, ours: string | undefined): boolean {
  const e = error as { code?: unknown; message?: unknown } | null | undefined;
  if (typeof e?.message !== 'string') return false;
  // 3F000 while the other schema goes; 42P01 when the listing reaches one of its tables just dropped.
  const named =
    e.code === '3F000'
      ? /schema "([^"]+)" does not exist/.exec(e.message)?.[1]
      : e.code === '42P01'
        ? /relation "([^".]+)\.[^"]+" does not exist/.exec(e.message)?.[1]
        : undefined;
  return named !== undefined && named !== ours;
}
