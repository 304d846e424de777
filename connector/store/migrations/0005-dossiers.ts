import { sql, type Expression, type Kysely, type Migration } from 'kysely';
import type { StoreDriver } from '../driver';

/**
 * The files handed to the law firm and what the firm says of them.
 *
 * `dossiers`: one row per dossier submitted, with the dossier as sent (evidence of what the firm
 * received), the firm's file id, and the procedure state of its latest event by occurrence.
 *
 * `procedure_events`: every event the firm reported, once per event id (a webhook delivered twice,
 * a status file read again after a crash, an event both pushed and polled); `seq` numbers them in
 * the order they were applied, which is the order their notes reach the ledger.
 */
export function dossiersMigration(driver: StoreDriver): Migration {
  const key: Expression<unknown> | 'text' = driver === 'postgres' ? sql`text collate "C"` : 'text';

  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('dossiers')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('case_id', key, (c) => c.notNull().references('cases.id'))
        .addColumn('action_id', key, (c) => c.references('outbox.id'))
        .addColumn('partner', key, (c) => c.notNull())
        .addColumn('file_id', key)
        .addColumn('status', key, (c) => c.notNull())
        .addColumn('state', key, (c) => c.notNull())
        .addColumn('state_at', 'text', (c) => c.notNull())
        .addColumn('events', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('content', 'text', (c) => c.notNull())
        .addColumn('submitted_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addCheckConstraint('dossiers_events_non_negative', sql`events >= 0`)
        .execute();
      await db.schema.createIndex('dossiers_by_case').on('dossiers').columns(['case_id', 'submitted_at']).execute();
      await db.schema.createIndex('dossiers_by_file').on('dossiers').columns(['partner', 'file_id']).execute();

      await db.schema
        .createTable('procedure_events')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('dossier_id', key, (c) => c.notNull().references('dossiers.id'))
        .addColumn('case_id', key, (c) => c.notNull().references('cases.id'))
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('state', key, (c) => c.notNull())
        .addColumn('source_state', 'text', (c) => c.notNull())
        .addColumn('occurred_at', 'text', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addUniqueConstraint('procedure_events_dossier_seq', ['dossier_id', 'seq'])
        .execute();
    },

    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable('procedure_events').execute();
      await db.schema.dropTable('dossiers').execute();
    },
  };
}
