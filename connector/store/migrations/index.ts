import type { Migration, MigrationProvider } from 'kysely';
import type { StoreDriver } from '../driver';
import { initialMigration } from './0001-initial';
import { syncIndexesMigration } from './0002-sync-indexes';
import { jobsMigration } from './0003-jobs';
import { deliveriesMigration } from './0004-deliveries';
import { dossiersMigration } from './0005-dossiers';
import { dossierPartsMigration } from './0006-dossier-parts';
import { outboxFirstFailureMigration } from './0007-outbox-first-failure';
import { credentialsMigration } from './0008-credentials';
import { outboxSubjectMigration } from './0009-outbox-subject';
import { dossiersByActionMigration } from './0010-dossiers-by-action';
import { openReceivablesByArrivalMigration } from './0011-open-receivables-by-arrival';
import { kpiIndexesMigration } from './0012-kpi-indexes';
import { caseSummariesMigration } from './0013-case-summaries';
import { sessionsMigration } from './0014-sessions';
import { portfolioSnapshotsMigration } from './0015-portfolio-snapshots';
import { recoveryFunnelMigration } from './0016-recovery-funnel';
import { erpCallTalliesMigration } from './0017-erp-call-tallies';
import { paymentHistoryMigration } from './0018-payment-history';

/**
 * The migrations, listed in code rather than found by scanning a folder, so that they run the
 * same from the TypeScript sources (tests) and from dist/ (the built CLI), where file names
 * and extensions differ.
 *
 * Kysely applies them in the alphabetical order of their names: a new migration gets the
 * next number, and a migration that has run is never edited.
 */
export function storeMigrations(driver: StoreDriver): MigrationProvider {
  const migrations = migrationsOf(driver);
  return { getMigrations: async () => migrations };
}

/** The name of the newest migration: the schema version a store is at once migrated. */
export function latestMigrationName(): string {
  return Object.keys(migrationsOf('sqlite')).sort().at(-1)!;
}

function migrationsOf(driver: StoreDriver): Record<string, Migration> {
  return {
    '0001-initial': initialMigration(driver),
    '0002-sync-indexes': syncIndexesMigration,
    '0003-jobs': jobsMigration(driver),
    '0004-deliveries': deliveriesMigration(driver),
    '0005-dossiers': dossiersMigration(driver),
    '0006-dossier-parts': dossierPartsMigration,
    '0007-outbox-first-failure': outboxFirstFailureMigration,
    '0008-credentials': credentialsMigration(driver),
    '0009-outbox-subject': outboxSubjectMigration(driver),
    '0010-dossiers-by-action': dossiersByActionMigration,
    '0011-open-receivables-by-arrival': openReceivablesByArrivalMigration,
    '0012-kpi-indexes': kpiIndexesMigration,
    '0013-case-summaries': caseSummariesMigration(driver),
    '0014-sessions': sessionsMigration(driver),
    '0015-portfolio-snapshots': portfolioSnapshotsMigration(driver),
    '0016-recovery-funnel': recoveryFunnelMigration(driver),
    '0017-erp-call-tallies': erpCallTalliesMigration(driver),
    '0018-payment-history': paymentHistoryMigration,
  };
}
