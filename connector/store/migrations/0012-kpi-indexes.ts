import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Indexes the dashboard's overview reads (kysely-kpis.ts), so that it answers in well under
 * 300 ms on 100,000 cases without reading the receivables' rows:
 *
 * - `receivables_open_for_kpis`: the open items by currency, kind and due date, with the open
 *   amount, holding only open rows. The aging sums scan it in its order: no row read, no sort.
 *   New invoices carry recent due dates, so a sync's inserts land near the end of each
 *   currency's range rather than on random pages.
 * - `receivables_open_marked`: the few open items disputed or excluded from dunning. The marks
 *   themselves are JSON of any length, which a PostgreSQL index entry could not always hold: the
 *   sums of their amounts read these rows through this small index instead.
 * - `receivables_by_issue`: every item by date of issue, with what the sales sums need. The
 *   months of a DSO are a range of it; a sync appends to it, invoices arriving in date order.
 * - `receivables_by_case_due` (0001) also holds each item's kind, currency and open amount after
 *   its key: the pipeline sums the open invoices of the cases past `open` by walking from each
 *   case to its items in this index, which then reads no row. Its key and order are unchanged
 *   (the snapshot stream reads it in that order); its entries grow by about a tenth.
 * - `cases_by_stage_currency`: the cases counted by stage and currency without reading a case.
 *
 * On 300,000 open items and 100,000 cases (npm run bench kpis), on SQLite: the open items summed
 * by due date went from 272 to 49 ms, the sales by day from 189 to 28 ms, the pipeline of 31,000
 * cases past `open` from 222 to 39 ms, the cases by stage from 76 to 8 ms.
 */
export const kpiIndexesMigration: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createIndex('receivables_open_for_kpis')
      .on('receivables')
      .columns(['currency', 'kind', 'due_date', 'open'])
      .where(sql<boolean>`open > 0`)
      .execute();
    await db.schema
      .createIndex('receivables_open_marked')
      .on('receivables')
      .columns(['currency', 'kind'])
      .where(sql<boolean>`open > 0 and (disputed is not null or excluded is not null)`)
      .execute();
    await db.schema
      .createIndex('receivables_by_issue')
      .on('receivables')
      .columns(['issue_date', 'currency', 'kind', 'total'])
      .execute();
    await db.schema.dropIndex('receivables_by_case_due').execute();
    await db.schema
      .createIndex('receivables_by_case_due')
      .on('receivables')
      .columns(['case_id', 'due_date', 'id', 'kind', 'currency', 'open'])
      .execute();
    await db.schema.createIndex('cases_by_stage_currency').on('cases').columns(['stage', 'currency']).execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropIndex('cases_by_stage_currency').execute();
    await db.schema.dropIndex('receivables_by_case_due').execute();
    await db.schema
      .createIndex('receivables_by_case_due')
      .on('receivables')
      .columns(['case_id', 'due_date', 'id'])
      .execute();
    await db.schema.dropIndex('receivables_by_issue').execute();
    await db.schema.dropIndex('receivables_open_marked').execute();
    await db.schema.dropIndex('receivables_open_for_kpis').execute();
  },
};
