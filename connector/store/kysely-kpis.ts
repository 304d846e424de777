import { sql } from 'kysely';
import type { CaseStage } from '../model/case.schema';
import type { ReceivableKind } from '../model/receivable.schema';
import { attempt } from './errors';
import type { KpiStore, PortfolioFacts, PortfolioFactsInput } from './kpi-store';
import { KyselyAggregate, type KyselyUnit } from './kysely-unit';

/** SQLite returns integers as numbers, PostgreSQL's node-postgres returns bigint sums and counts as text. */
const int = (v: unknown): number => Number(v);

export class KyselyKpiStore extends KyselyAggregate implements KpiStore {
  protected rebind(unit: KyselyUnit): this {
    return new KyselyKpiStore(unit) as this;
  }

  async portfolioFacts(input: PortfolioFactsInput): Promise<PortfolioFacts> {
    const bucket =
      input.dueOnOrAfter.length === 0
        ? sql<number>`0`
        : sql<number>`case ${sql.join(
            input.dueOnOrAfter.map((d, i) => sql`when r.due_date >= ${d} then ${sql.lit(i)}`),
            sql` `,
          )} else ${sql.lit(input.dueOnOrAfter.length)} end`;
    const openRows = await attempt('read', 'receivables', undefined, () =>
      this.db
        .selectFrom('receivables as r')
        .innerJoin('cases as c', 'c.id', 'r.case_id')
        .where('r.open', '>', 0)
        .select([
          'r.currency',
          'r.kind',
          'c.stage',
          bucket.as('bucket'),
          sql<number>`count(*)`.as('items'),
          sql<number>`sum(r.open)`.as('open'),
          sql<number>`sum(case when r.disputed is null then 0 else r.open end)`.as('disputed'),
          sql<number>`sum(case when r.excluded is null then 0 else r.open end)`.as('excluded'),
        ])
        // By position: PostgreSQL would not match the bucket's CASE, whose dates are parameters, with itself.
        .groupBy(['r.currency', 'r.kind', 'c.stage', sql`4`])
        .execute(),
    );
    const salesRows = await attempt('read', 'receivables', undefined, () =>
      this.db
        .selectFrom('receivables as r')
        .where('r.issue_date', '>=', input.salesFrom)
        .where('r.issue_date', '<=', input.salesTo)
        .select([
          'r.currency',
          sql<string>`substr(r.issue_date, 1, 7)`.as('month'),
          sql<number>`sum(case when r.kind = 'invoice' then r.total else 0 end)`.as('invoiced'),
          sql<number>`sum(case when r.kind = 'credit_note' then r.total else 0 end)`.as('credited'),
          sql<number>`sum(case when r.kind = 'invoice' and r.issue_date >= ${input.windowFrom} then r.total else 0 end)`.as(
            'invoiced_in_window',
          ),
          sql<number>`sum(case when r.kind = 'credit_note' and r.issue_date >= ${input.windowFrom} then r.total else 0 end)`.as(
            'credited_in_window',
          ),
        ])
        .groupBy(['r.currency', sql`2`])
        .execute(),
    );
    const caseRows = await attempt('read', 'cases', undefined, () =>
      this.db
        .selectFrom('cases')
        .where('stage', '<>', 'closed')
        .select(['currency', 'stage', sql<number>`count(*)`.as('cases')])
        .groupBy(['currency', 'stage'])
        .execute(),
    );
    return {
      cases: caseRows.map((r) => ({ currency: r.currency, stage: r.stage as CaseStage, cases: int(r.cases) })),
      openItems: openRows.map((r) => ({
        currency: r.currency,
        kind: r.kind as ReceivableKind,
        stage: r.stage as CaseStage,
        bucket: int(r.bucket),
        items: int(r.items),
        open: int(r.open),
        disputed: int(r.disputed),
        excluded: int(r.excluded),
      })),
      sales: salesRows.map((r) => ({
        currency: r.currency,
        month: r.month,
        invoiced: int(r.invoiced),
        credited: int(r.credited),
        invoicedInWindow: int(r.invoiced_in_window),
        creditedInWindow: int(r.credited_in_window),
      })),
    };
  }
}
