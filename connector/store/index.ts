export type {
  ActionFilter,
  CaseChangeInput,
  CaseFilter,
  CaseSnapshot,
  ClaimJobInput,
  CompleteActionInput,
  Decision,
  Delivery,
  DeliveryChannel,
  DeliveryCheckInput,
  EnqueueJobInput,
  ApplyProcedureEventInput,
  NewDelivery,
  StoredDossier,
  StoredProcedureEvent,
  NewDocument,
  StoredDocument,
  JobOutcome,
  NewJob,
  QuarantinedRecord,
  ReceivableAnnotations,
  ReceivableClosure,
  ReceivableState,
  RecordDecisionInput,
  SettleJobInput,
  Store,
  StoredJob,
  SyncCursor,
  SyncPage,
} from './store';
export { KyselyStore, type KyselyStoreOptions } from './kysely-store';
export { StoreError } from './errors';
export { openSqliteStore } from './sqlite';
export { openPostgresStore, type PostgresStoreOptions } from './postgres';
export { openStore, type StoreConfig } from './open-store';
export { storeMigrations } from './migrations';
export {
  appliedMigrations,
  knownMigrations,
  migrateStore,
  NewerSchemaError,
  schemaVersion,
  type MigrateOptions,
  type MigrationReport,
  type MigrationTarget,
} from './migrate';
export type { Database } from './schema';
