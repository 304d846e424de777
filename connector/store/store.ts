import type { StoreDriver } from './driver';
import type { CredentialStore } from '../ports/credentials';
import type { CaseStore } from './case-store';
import type { CredentialStoreOptions } from './credential-store';
import type { DeliveryStore } from './delivery-store';
import type { DossierStore } from './dossier-store';
import type { ErpCallStore } from './erp-call-store';
import type { KpiStore } from './kpi-store';
import type { MigrateOptions, MigrationReport } from './migrate';
import type { OutboxStore } from './outbox-store';
import type { SyncStore } from './sync-store';
import type { SessionStore } from './session-store';

export type * from './case-store';
export type * from './delivery-store';
export type * from './dossier-store';
export type * from './erp-call-store';
export type * from './kpi-store';
export type * from './outbox-store';
export type * from './sync-store';
export type * from './session-store';

/**
 * The store: one interface, two drivers (SQLite embedded by default, PostgreSQL when scaled
 * out), the same schema through the same migrations, and the same contract tests.
 *
 * It is split by aggregate, each with its own interface: `sync` (ledger records, cursors,
 * quarantine), `cases` (cases and their journal), `outbox` (decisions and outbox rows),
 * `deliveries` (tracked messages and documents), `dossiers` (dossiers and procedure events),
 * `kpis` (the sums the dashboard's KPIs are computed from, read only), `erpCalls` (the metered
 * calls made to each ERP per month).
 * The embedded queue's jobs have an interface of their own (job-store.ts).
 *
 * Every method is atomic on its own. Writes that belong together go through `transaction`: its
 * callback receives the store bound to one unit of work, whose aggregates all write in it.
 * The SQL code decides nothing: which case a receivable opens, when a case closes or reopens,
 * what a page journals, are the sync engine's and the case service's rules.
 */
export interface Store {
  readonly driver: StoreDriver;

  /** The store as messages name it: `the SQLite store /path/file`, `the PostgreSQL store host:port/db (schema s)`. */
  readonly location: string;

  /**
   * Applies pending migrations; safe to call at every start and from several processes. Refuses
   * (NewerSchemaError) a store that holds migrations this version does not know; on a SQLite
   * file with data, copies it aside first (the report says where); runs them in one transaction.
   */
  migrate(options?: MigrateOptions): Promise<MigrationReport>;

  close(): Promise<void>;

  /** One cheap round trip to the database (readiness checks); a StoreError when it cannot be reached. */
  ping(): Promise<void>;

  /** Runs `fn` in one transaction; nested calls join the outer transaction. */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;

  /**
   * The encrypted OAuth credentials of one ERP connection (connector/store/credential-store.ts).
   * Refused on the store a transaction hands to its callback: a refreshed token is kept on its own.
   */
  credentials(connectionId: string, options: CredentialStoreOptions): CredentialStore;

  readonly sync: SyncStore;
  readonly cases: CaseStore;
  readonly outbox: OutboxStore;
  readonly deliveries: DeliveryStore;
  readonly dossiers: DossierStore;
  readonly kpis: KpiStore;
  /** Metered ERP calls per connection and month (QuickBooks' monthly read allowance). */
  readonly erpCalls: ErpCallStore;
  /** The dashboard's sign-in sessions. */
  readonly sessions: SessionStore;
}
