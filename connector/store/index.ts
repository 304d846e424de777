export type {
  ActionFilter,
  CaseChangeInput,
  CaseFilter,
  CaseSnapshot,
  CompleteActionInput,
  Decision,
  Delivery,
  DeliveryChannel,
  DeliveryCheckInput,
  ApplyProcedureEventInput,
  NewDelivery,
  StoredDossier,
  StoredProcedureEvent,
  NewDocument,
  StoredDocument,
  QuarantinedRecord,
  ReceivableAnnotations,
  ReceivableClosure,
  ReceivableState,
  RecordDecisionInput,
  Store,
  SyncStore,
  CaseStore,
  OutboxStore,
  DeliveryStore,
  DossierStore,
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
