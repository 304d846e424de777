import { sql } from 'kysely';
import { CaseStageSchema, type CaseStage } from '../model/case.schema';
import type { ReceivableKind } from '../model/receivable.schema';
import { attempt } from './errors';
import type { KpiStore, OpenItemsFact, PortfolioFacts, PortfolioFactsInput } from './kpi-store';
import { KyselyAggregate, type KyselyUnit } from './kysely-unit';

/** SQLite returns integers as numbers; node-postgres returns bigint sums and counts as text. */
const int = (v: unknown): number => Number(v ?? 0);

/** The stages whose open invoices are summed through their cases; `open` holds the rest, `closed` none. */
const DUNNING_STAGES: readonly CaseStage[] = CaseStageSchema.options.filter((s) => s !== 'open' && s !== 'closed');

export class KyselyKpiStore extends KyselyAggregate implements KpiStore {
  protected rebind(unit: KyselyUnit): this {
    return new KyselyKpiStore(unit) as this;
  }

  async portfolioFacts(input: PortfolioFactsInput): Promise<PortfolioFacts> {
    return {
      openItems: await this.openItems(),
      marked: await this.marked(),
      stages: await this.stages(),
      cases: await this.cases(),
      sales: await this.sales(input),
    };
  }

  /** Summed by day in the index's order (currency, kind, due date): a streaming read, no sort. */
  private async openItems(): Promise<OpenItemsFact[]> {
    const rows = await attempt('read', 'receivables', undefined, () =>
      this.db
        .selectFrom('receivables as r')
        .where('r.open', '>', 0)
        .select([
          'r.currency',
          'r.kind',
          'r.due_date',
          sql<number>`count(*)`.as('items'),
          sql<number>`sum(r.open)`.as('open'),
        ])
        .groupBy(['r.currency', 'r.kind', 'r.due_date'])
        .execute(),
    );
    return rows.map((r) => ({
      currency: r.currency,
      kind: r.kind as ReceivableKind,
      dueDate: r.due_date,
      items: int(r.items),
      open: int(r.open),
    }));
  }

  private async marked(): Promise<PortfolioFacts['marked']> {
    const rows = await attempt('read', 'receivables', undefined, () =>
      this.db
        .selectFrom('receivables as r')
        // As receivables_open_marked is written, for the planners to use it.
        .where(sql<boolean>`r.open > 0 and (r.disputed is not null or r.excluded is not null)`)
        .select([
          'r.currency',
          'r.kind',
          sql<number>`sum(case when r.disputed is null then 0 else r.open end)`.as('disputed'),
          sql<number>`sum(case when r.excluded is null then 0 else r.open end)`.as('excluded'),
        ])
        .groupBy(['r.currency', 'r.kind'])
        .execute(),
    );
    return rows.map((r) => ({
      currency: r.currency,
      kind: r.kind as ReceivableKind,
      disputed: int(r.disputed),
      excluded: int(r.excluded),
    }));
  }

  /**
   * From the cases in dunning or beyond (cases_by_stage) to their open invoices
   * (receivables_by_case_due): the cost follows the cases being worked, not the portfolio.
   */
  private async stages(): Promise<PortfolioFacts['stages']> {
    const rows = await attempt('read', 'receivables', undefined, () =>
      this.db
        .selectFrom('cases as c')
        .innerJoin('receivables as r', 'r.case_id', 'c.id')
        .where('c.stage', 'in', DUNNING_STAGES)
        .where('r.open', '>', 0)
        .where('r.kind', '=', 'invoice')
        .select(['r.currency', 'c.stage', sql<number>`count(*)`.as('items'), sql<number>`sum(r.open)`.as('open')])
        .groupBy(['r.currency', 'c.stage'])
        .execute(),
    );
    return rows.map((r) => ({
      currency: r.currency,
      stage: r.stage as CaseStage,
      items: int(r.items),
      open: int(r.open),
    }));
  }

  private async cases(): Promise<PortfolioFacts['cases']> {
    const rows = await attempt('read', 'cases', undefined, () =>
      this.db
        .selectFrom('cases')
        .where('stage', '<>', 'closed')
        // Counted in cases_by_stage_currency (0012), which holds both: no row read.
        .select(['currency', 'stage', sql<number>`count(*)`.as('cases')])
        .groupBy(['currency', 'stage'])
        .execute(),
    );
    return rows.map((r) => ({ currency: r.currency, stage: r.stage as CaseStage, cases: int(r.cases) }));
  }

  /** A range of receivables_by_issue, summed by day in its order: no sort. */
  private async sales(input: PortfolioFactsInput): Promise<PortfolioFacts['sales']> {
    const rows = await attempt('read', 'receivables', undefined, () =>
      this.db
        .selectFrom('receivables as r')
        .where('r.issue_date', '>=', input.salesFrom)
        .where('r.issue_date', '<=', input.salesTo)
        .select(['r.issue_date', 'r.currency', 'r.kind', sql<number>`sum(r.total)`.as('total')])
        .groupBy(['r.issue_date', 'r.currency', 'r.kind'])
        .execute(),
    );
    return rows.map((r) => ({
      currency: r.currency,
      kind: r.kind as ReceivableKind,
      issueDate: r.issue_date,
      total: int(r.total),
    }));
  }
}
