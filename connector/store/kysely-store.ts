import { sql, type Kysely } from 'kysely';
import type { CredentialStore } from '../ports/credentials';
import { credentialStoreOn, type CredentialStoreOptions } from './credential-store';
import type { StoreDriver } from './driver';
import { StoreError, attempt } from './errors';
import { JOB_STORE } from './job-store';
import { KyselyCaseStore } from './kysely-cases';
import { KyselyDeliveryStore } from './kysely-deliveries';
import { KyselyDossierStore } from './kysely-dossiers';
import { KyselyErpCallStore } from './kysely-erp-calls';
import { KyselyJobStore } from './kysely-jobs';
import { KyselyKpiStore } from './kysely-kpis';
import { KyselySessionStore } from './kysely-sessions';
import { KyselyOutboxStore } from './kysely-outbox';
import { KyselySyncStore } from './kysely-sync';
import type { KyselyStoreOptions, KyselyUnit } from './kysely-unit';
import { refreshDueCaseSummaries, refreshStaleCaseSummaries } from './kysely-case-summaries';
import { migrateStore, type MigrateOptions, type MigrationReport } from './migrate';
import type { Database } from './schema';
import type { Store } from './store';

export type { KyselyStoreOptions } from './kysely-unit';

/**
 * The one implementation of `Store`, shared by SQLite and PostgreSQL. What differs between
 * the drivers is decided when the store is opened (`sqlite.ts`, `postgres.ts`) and reaches
 * this class only through `KyselyStoreOptions`.
 *
 * It is the unit of work: each aggregate (kysely-sync.ts, kysely-cases.ts, kysely-outbox.ts,
 * kysely-deliveries.ts, kysely-dossiers.ts, the KPI sums of kysely-kpis.ts, the ERP call tallies of kysely-erp-calls.ts, and the job store, kysely-jobs.ts) writes through its
 * connection, and `transaction` hands its callback a store whose aggregates all write in one
 * transaction.
 *
 * Rows are validated by the zod schemas before they reach the store, so reads rebuild the
 * canonical objects by hand instead of parsing them again: the snapshot stream reads
 * millions of rows and must cost little more than the scan itself.
 */
export class KyselyStore implements Store, KyselyUnit {
  readonly driver: StoreDriver;
  readonly sync: KyselySyncStore;
  readonly cases: KyselyCaseStore;
  readonly outbox: KyselyOutboxStore;
  readonly deliveries: KyselyDeliveryStore;
  readonly dossiers: KyselyDossierStore;
  readonly kpis: KyselyKpiStore;
  readonly erpCalls: KyselyErpCallStore;
  readonly sessions: KyselySessionStore;
  readonly [JOB_STORE]: KyselyJobStore;

  constructor(
    readonly db: Kysely<Database>,
    readonly options: KyselyStoreOptions,
  ) {
    this.driver = options.driver;
    this.sync = new KyselySyncStore(this);
    this.cases = new KyselyCaseStore(this);
    this.outbox = new KyselyOutboxStore(this);
    this.deliveries = new KyselyDeliveryStore(this);
    this.dossiers = new KyselyDossierStore(this);
    this.kpis = new KyselyKpiStore(this);
    this.erpCalls = new KyselyErpCallStore(this);
    this.sessions = new KyselySessionStore(this);
    this[JOB_STORE] = new KyselyJobStore(this);
  }

  /**
   * The Kysely instance (or transaction) underneath, for maintenance scripts and tests that
   * must reach below the interface, e.g. to show that the journal refuses a raw UPDATE.
   */
  get kysely(): Kysely<Database> {
    return this.db;
  }

  async migrate(options: MigrateOptions = {}): Promise<MigrationReport> {
    const { schema, backupBeforeMigrating } = this.options;
    const report = await migrateStore(
      this.db,
      {
        driver: this.driver,
        location: this.location,
        ...(schema === undefined ? {} : { schema }),
        ...(backupBeforeMigrating === undefined ? {} : { backup: backupBeforeMigrating }),
      },
      options,
    );
    // Summaries computed under older rules, or not yet (a store just migrated to 0013), and those
    // a sync that stopped left due.
    if (!report.dryRun) {
      await refreshStaleCaseSummaries(this.db, this.driver);
      await refreshDueCaseSummaries(this.db, this.driver);
    }
    return report;
  }

  get location(): string {
    return this.options.location ?? `${this.driver} store`;
  }

  async ping(): Promise<void> {
    await attempt('read', 'the database', undefined, () => sql`select 1`.execute(this.db));
  }

  async close(): Promise<void> {
    if (this.db.isTransaction)
      throw new StoreError('close() cannot be called on the store a transaction hands to its callback');
    await this.db.destroy();
  }

  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    return this.inTransaction(fn);
  }

  credentials(connectionId: string, options: CredentialStoreOptions): CredentialStore {
    return credentialStoreOn(this.db, connectionId, options);
  }

  /** `transaction` typed with this class: the unit of work every aggregate writes through. */
  inTransaction<T>(fn: (tx: KyselyStore) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) return fn(this);
    return this.db.transaction().execute((trx) => fn(new KyselyStore(trx, this.options)));
  }

  /**
   * The snapshot stream's rows as the driver returns them, unmapped: the baseline the
   * benchmark compares `cases.streamCaseSnapshots` with. Not part of `Store`.
   */
  scanOpenReceivableRows(options: { batchSize?: number } = {}): AsyncIterable<unknown> {
    return this.cases.scanOpenReceivableRows(options);
  }
}
