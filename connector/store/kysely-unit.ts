import type { Kysely } from 'kysely';
import type { StoreDriver } from './driver';
import type { Database } from './schema';

export interface KyselyStoreOptions {
  driver: StoreDriver;
  /** PostgreSQL schema holding the tables and Kysely's migration tables, when not the default. */
  schema?: string;
  /**
   * Opens a connection that reads a consistent snapshot beside the store's own (SQLite in WAL
   * mode), for streams that hold a cursor open for a long time: the consumer can then keep
   * writing through the store while it iterates. Without it, streams read in keyset batches.
   */
  openReader?: () => Kysely<Database>;
  /** The store as messages name it: `the SQLite store /path/file`, `the PostgreSQL store host:port/db (schema s)`. */
  location?: string;
  /**
   * Copies the store aside before pending migrations change it (SQLite files), returning where
   * the copy went, or undefined when the database holds nothing to copy.
   */
  backupBeforeMigrating?: (targetVersion: string, at: Date) => Promise<string | undefined>;
}

/**
 * One unit of work: the connection (or the transaction) that every aggregate of a store writes
 * through. `inTransaction` joins the current transaction, or opens one and hands its callback the
 * unit bound to it.
 */
export interface KyselyUnit {
  readonly db: Kysely<Database>;
  readonly driver: StoreDriver;
  readonly options: KyselyStoreOptions;
  inTransaction<T>(fn: (unit: KyselyUnit) => Promise<T>): Promise<T>;
}

/** An aggregate's SQL, bound to one unit of work. */
export abstract class KyselyAggregate {
  constructor(protected readonly unit: KyselyUnit) {}

  protected get db(): Kysely<Database> {
    return this.unit.db;
  }

  protected get driver(): StoreDriver {
    return this.unit.driver;
  }

  protected get options(): KyselyStoreOptions {
    return this.unit.options;
  }

  /** Runs `fn` in the unit's transaction (opened when there is none), with this aggregate bound to it. */
  protected inTransaction<T>(fn: (tx: this) => Promise<T>): Promise<T> {
    return this.unit.inTransaction((unit) => fn(unit === this.unit ? this : this.rebind(unit)));
  }

  protected abstract rebind(unit: KyselyUnit): this;
}
