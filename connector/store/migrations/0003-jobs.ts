import { sql, type Expression, type Kysely, type Migration } from 'kysely';
import type { StoreDriver } from '../driver';

/**
 * The job queue of the embedded mode (connector/jobs/store-queue.ts): one row per job, and one
 * row per job name that a rate limit holds back.
 *
 * Instants the queue computes with (run_at, locked_until, created_at, finished_at, held_until)
 * are epoch milliseconds, not ISO text: the queue adds delays to them and compares them with
 * its clock in every claim, and integers keep that arithmetic exact and the index order
 * numeric on both drivers.
 */
export function jobsMigration(driver: StoreDriver): Migration {
  // Same reason as in 0001: byte-wise order on PostgreSQL, as on SQLite.
  const key: Expression<unknown> | 'text' = driver === 'postgres' ? sql`text collate "C"` : 'text';
  const millis = driver === 'postgres' ? 'bigint' : 'integer';

  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('jobs')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('name', key, (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('status', key, (c) => c.notNull())
        .addColumn('attempts_made', 'integer', (c) => c.notNull())
        .addColumn('max_attempts', 'integer', (c) => c.notNull())
        .addColumn('backoff_ms', millis, (c) => c.notNull())
        .addColumn('run_at', millis, (c) => c.notNull())
        .addColumn('locked_by', 'text')
        .addColumn('locked_until', millis)
        .addColumn('last_error', 'text')
        .addColumn('created_at', millis, (c) => c.notNull())
        .addColumn('finished_at', millis)
        .addCheckConstraint('jobs_attempts_made_non_negative', sql`attempts_made >= 0`)
        .addCheckConstraint('jobs_max_attempts_positive', sql`max_attempts >= 1`)
        .addCheckConstraint('jobs_backoff_non_negative', sql`backoff_ms >= 0`)
        .execute();
      // Claims look for waiting jobs that are due, oldest first.
      await db.schema.createIndex('jobs_by_status_run_at').on('jobs').columns(['status', 'run_at', 'id']).execute();
      // failed() lists the newest parked jobs; the retention purge deletes old completed ones.
      await db.schema
        .createIndex('jobs_by_status_finished_at')
        .on('jobs')
        .columns(['status', 'finished_at', 'id'])
        .execute();

      await db.schema
        .createTable('job_holds')
        .addColumn('name', key, (c) => c.primaryKey())
        .addColumn('held_until', millis, (c) => c.notNull())
        .execute();
    },

    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable('job_holds').execute();
      await db.schema.dropTable('jobs').execute();
    },
  };
}
