import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDriver } from '../driver';

/**
 * The ERP calls a provider meters, added up per connection and calendar month
 * (erp-call-store.ts): QuickBooks Online blocks reads for the rest of the month once its monthly
 * allowance is spent (erp-apis.md §2.9), so the count must survive a restart and be shared by
 * every worker of one store, which the daemon's memory is not.
 */
export function erpCallTalliesMigration(driver: StoreDriver): Migration {
  const key = driver === 'postgres' ? sql`text collate "C"` : 'text';
  const count = driver === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('erp_call_tallies')
        .addColumn('connection', key, (c) => c.notNull())
        .addColumn('period', key, (c) => c.notNull())
        .addColumn('reads', count, (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('erp_call_tallies_pk', ['connection', 'period'])
        .execute();
    },

    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable('erp_call_tallies').execute();
    },
  };
}
