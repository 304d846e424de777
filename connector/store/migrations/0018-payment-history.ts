import type { Kysely, Migration } from 'kysely';

/**
 * Each case keeps how late its debtor paid the invoices already settled (`paid_late_days`: the
 * amount-weighted mean of the days between each invoice's due date and its last payment, 0 for
 * one paid on time; null while no settled invoice has its payments known), computed with the rest
 * of its summary (kysely-case-summaries.ts), so that the worklist's risk order counts the payer's
 * history without reading every payment (connector/kpis/risk.ts). The summary rules' version goes
 * up with it: the first start after this migration computes every summary again.
 */
export const paymentHistoryMigration: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('cases').addColumn('paid_late_days', 'integer').execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('cases').dropColumn('paid_late_days').execute();
  },
};
