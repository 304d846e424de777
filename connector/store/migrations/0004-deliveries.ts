import { sql, type Expression, type Kysely, type Migration } from 'kysely';
import type { StoreDriver } from '../driver';

/**
 * What happens to a message after the outbox handed it over, and the evidence that comes back.
 *
 * `deliveries`: one row per SMS, letter or registered letter a provider accepted, written in the
 * transaction that records the action as done. The tracking job polls the provider for each row
 * until its status is final, journals every new status, and stores the proofs.
 *
 * `documents`: evidence kept for the dossier (proof of deposit, acknowledgement of receipt), with
 * its SHA-256. Ids are deterministic (`proof:<action id>:<kind>`): storing the same proof twice
 * keeps the first.
 */
export function deliveriesMigration(driver: StoreDriver): Migration {
  const key: Expression<unknown> | 'text' = driver === 'postgres' ? sql`text collate "C"` : 'text';
  const bytes = driver === 'postgres' ? 'bytea' : 'blob';

  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('deliveries')
        .addColumn('action_id', key, (c) => c.primaryKey().references('outbox.id'))
        .addColumn('case_id', key, (c) => c.notNull().references('cases.id'))
        .addColumn('channel', key, (c) => c.notNull())
        .addColumn('provider_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('events_seen', 'integer', (c) => c.notNull().defaultTo(0))
        // JSON array of the proof kinds stored.
        .addColumn('proofs', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('checks', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('final', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_check_at', 'text', (c) => c.notNull())
        .addColumn('last_error', 'text')
        .addColumn('sent_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addCheckConstraint('deliveries_channel', sql`channel in ('sms', 'letter', 'registered_letter')`)
        .addCheckConstraint('deliveries_final_flag', sql`final in (0, 1)`)
        .addCheckConstraint('deliveries_counts_non_negative', sql`events_seen >= 0 and checks >= 0`)
        .execute();
      // The tracking job takes the rows still open whose next check has come, soonest first.
      await db.schema
        .createIndex('deliveries_due')
        .on('deliveries')
        .columns(['final', 'next_check_at', 'action_id'])
        .execute();
      await db.schema.createIndex('deliveries_by_case').on('deliveries').columns(['case_id']).execute();

      await db.schema
        .createTable('documents')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('case_id', key, (c) => c.notNull().references('cases.id'))
        .addColumn('action_id', key, (c) => c.references('outbox.id'))
        .addColumn('kind', key, (c) => c.notNull())
        .addColumn('media_type', 'text', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('content', bytes, (c) => c.notNull())
        // When the proven event happened, as the provider says (posting, delivery).
        .addColumn('proven_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addCheckConstraint('documents_size_matches', sql`size >= 0`)
        .execute();
      await db.schema
        .createIndex('documents_by_case')
        .on('documents')
        .columns(['case_id', 'created_at', 'id'])
        .execute();
    },

    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable('documents').execute();
      await db.schema.dropTable('deliveries').execute();
    },
  };
}
