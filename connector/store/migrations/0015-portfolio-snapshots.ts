import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDriver } from '../driver';

/**
 * The overview's figures kept once a day per currency (connector/kpis/snapshots.ts): the DSO
 * trend and the collection effectiveness index compare the open amounts at the end of each month,
 * which the receivables as they are today cannot tell.
 */
export function portfolioSnapshotsMigration(driver: StoreDriver): Migration {
  const key = driver === 'postgres' ? sql`text collate "C"` : 'text';
  const money = driver === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('portfolio_snapshots')
        .addColumn('as_of', key, (c) => c.notNull())
        .addColumn('currency', key, (c) => c.notNull())
        .addColumn('receivables', money, (c) => c.notNull())
        .addColumn('current', money, (c) => c.notNull())
        .addColumn('overdue', money, (c) => c.notNull())
        .addColumn('dso_standard', 'real')
        .addColumn('dso_countback', 'real')
        .addColumn('recorded_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('portfolio_snapshots_pk', ['as_of', 'currency'])
        .execute();
    },

    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable('portfolio_snapshots').execute();
    },
  };
}
