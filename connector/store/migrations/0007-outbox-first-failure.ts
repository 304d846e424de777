import type { Kysely, Migration } from 'kysely';

/**
 * When a row's current run of failures began: retries are budgeted in time from there (hours for
 * an e-mail or a ledger write, days for a dossier), not in attempts, so an outage of minutes —
 * SMTP greylisting, an ERP restarting — never fails a row for good (connector/outbox/dispatch.ts).
 * Null while the row has not failed, and again once it is performed or requeued.
 */
export const outboxFirstFailureMigration: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('outbox').addColumn('first_failed_at', 'text').execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('outbox').dropColumn('first_failed_at').execute();
  },
};
