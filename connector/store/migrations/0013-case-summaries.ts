import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDriver } from '../driver';

/**
 * Each case keeps a summary of its open invoices, so that the worklist pages through 100,000
 * cases in the order a controller asks for without adding up their items first:
 *
 * - `open_total`, `open_items`: the open amount (minor units) and count of its open invoices;
 * - `oldest_due`: the due date of the oldest of them (days overdue = today − oldest_due);
 * - `risk_key`: an integer that orders cases as their risk scores do on any day
 *   (connector/kpis/risk.ts);
 * - `debtor_name`, `connection`: the debtor's name and the connection it was read from, copied
 *   from its row, so that the list is sorted and searched by name without a join (sorting
 *   100,000 cases by a joined name took 570 ms; empty until the debtor's row arrives);
 * - `summary_rev`: the version of the rules the summary was computed with. The store computes
 *   it after a case's items change (kysely-case-summaries.ts) and, after migrating, for every
 *   case whose summary is older than its rules: this migration leaves them all at 0, so the
 *   first start after it computes every summary (about 100,000 cases in a few seconds). That
 *   look-up reads every case once per start; no index is kept for it, as every summary change
 *   would write to it.
 *
 * The indexes hold only cases with something open, each in one order of the worklist.
 */
export function caseSummariesMigration(driver: StoreDriver): Migration {
  const money = driver === 'postgres' ? 'bigint' : 'integer';
  const key = driver === 'postgres' ? sql`text collate "C"` : 'text';
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .alterTable('cases')
        .addColumn('open_total', money, (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .alterTable('cases')
        .addColumn('open_items', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.alterTable('cases').addColumn('oldest_due', key).execute();
      await db.schema
        .alterTable('cases')
        .addColumn('risk_key', money, (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.alterTable('cases').addColumn('debtor_name', 'text').execute();
      await db.schema.alterTable('cases').addColumn('connection', key).execute();
      await db.schema
        .alterTable('cases')
        .addColumn('summary_rev', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      for (const [name, column] of [
        ['cases_worklist_by_risk', 'risk_key'],
        ['cases_worklist_by_open', 'open_total'],
        ['cases_worklist_by_due', 'oldest_due'],
        ['cases_worklist_by_debtor', 'debtor_name'],
      ] as const) {
        await db.schema
          .createIndex(name)
          .on('cases')
          .columns([column, 'id'])
          .where(sql<boolean>`open_total > 0`)
          .execute();
      }
      // The cases whose items changed since their summary was computed: a sync page adds its
      // cases here in its own transaction, and the summaries are computed once the sync is done.
      await db.schema
        .createTable('case_summaries_due')
        .addColumn('case_id', key, (c) => c.primaryKey())
        .execute();
    },

    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable('case_summaries_due').execute();
      for (const name of [
        'cases_worklist_by_debtor',
        'cases_worklist_by_due',
        'cases_worklist_by_open',
        'cases_worklist_by_risk',
      ])
        await db.schema.dropIndex(name).execute();
      for (const column of [
        'summary_rev',
        'connection',
        'debtor_name',
        'risk_key',
        'oldest_due',
        'open_items',
        'open_total',
      ])
        await db.schema.alterTable('cases').dropColumn(column).execute();
    },
  };
}
