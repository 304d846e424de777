import { sql } from 'kysely';
import type { ErpCallStore, ErpCallTally } from './erp-call-store';
import { attempt } from './errors';
import { int } from './kysely-helpers';
import { KyselyAggregate, type KyselyUnit } from './kysely-unit';

export class KyselyErpCallStore extends KyselyAggregate implements ErpCallStore {
  protected rebind(unit: KyselyUnit): this {
    return new KyselyErpCallStore(unit) as this;
  }

  async addCalls(tallies: readonly ErpCallTally[], at: string): Promise<void> {
    const rows = tallies.filter((t) => t.reads > 0);
    if (rows.length === 0) return;
    // Added in the database, not read then written: several workers add to the same row.
    await attempt('write', 'erp_call_tallies', undefined, () =>
      this.db
        .insertInto('erp_call_tallies')
        .values(rows.map((t) => ({ connection: t.connection, period: t.period, reads: t.reads, updated_at: at })))
        .onConflict((oc) =>
          oc.columns(['connection', 'period']).doUpdateSet({
            reads: sql<number>`erp_call_tallies.reads + excluded.reads`,
            updated_at: sql<string>`excluded.updated_at`,
          }),
        )
        .execute(),
    );
  }

  async readsIn(period: string): Promise<Map<string, number>> {
    const rows = await attempt('read', 'erp_call_tallies', undefined, () =>
      this.db
        .selectFrom('erp_call_tallies')
        .select(['connection', 'reads'])
        .where('period', '=', period)
        .orderBy('connection')
        .execute(),
    );
    return new Map(rows.map((r) => [r.connection, int(r.reads)]));
  }
}
