import { sql } from 'kysely';
import { CaseStageSchema, type CaseStage } from '../model/case.schema';
import type { ReceivableKind } from '../model/receivable.schema';
import { attempt, StoreError } from './errors';
import type {
  KpiStore,
  OpenItemsFact,
  PortfolioFacts,
  PortfolioFactsInput,
  PayerFacts,
  PortfolioSnapshot,
  RecoveredAmount,
  RecoveryFacts,
  WorklistQuery,
  WorklistRow,
} from './kpi-store';
import { chunksOf, fromExcluded, int } from './kysely-helpers';
import type { IsoDate } from '../time/calendar-date';
import { refreshDueCaseSummaries, type SummaryRefresh } from './kysely-case-summaries';
import { KyselyAggregate, type KyselyUnit } from './kysely-unit';

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

  async refreshCaseSummaries(options: { max?: number } = {}): Promise<SummaryRefresh> {
    return refreshDueCaseSummaries(this.db, this.driver, options.max);
  }

  async worklist(query: WorklistQuery): Promise<WorklistRow[]> {
    const column = WORKLIST_ORDER_COLUMNS[query.sort];
    // Days overdue grow as the oldest due date gets older: most overdue first is that date ascending.
    const direction = query.sort === 'daysOverdue' ? (query.order === 'desc' ? 'asc' : 'desc') : query.order;
    let select = this.db
      .selectFrom('cases as c')
      // As the worklist indexes are written (0013), for the planners to use them.
      .where(sql<boolean>`c.open_total > 0`)
      .where('c.stage', '<>', 'closed')
      .select([
        'c.id',
        'c.debtor_id',
        'c.debtor_name',
        'c.connection',
        'c.company_id',
        'c.stage',
        'c.currency',
        'c.open_total',
        'c.open_items',
        'c.oldest_due',
        'c.paid_late_days',
        'c.manual_pause',
        'c.pending_approval',
        sql<string | number>`${sql.ref(column)}`.as('sort_value'),
      ]);
    // SQLite, without statistics, would rather read an equality filter's index (cases_by_stage_currency
    // for stage and currency) and sort what it finds: 70,000 cases when the filter is `open`. A
    // unary + hides the column from its index choice, so the page is read in the order's index,
    // the filter applied on the way. PostgreSQL chooses from its statistics.
    const filter = (column: 'c.stage' | 'c.currency' | 'c.company_id' | 'c.connection', value: string) =>
      this.driver === 'sqlite'
        ? sql<boolean>`+${sql.ref(column)} = ${value}`
        : sql<boolean>`${sql.ref(column)} = ${value}`;
    if (query.stage !== undefined) select = select.where(filter('c.stage', query.stage));
    if (query.currency !== undefined) select = select.where(filter('c.currency', query.currency));
    if (query.company !== undefined) select = select.where(filter('c.company_id', query.company));
    if (query.connection !== undefined) select = select.where(filter('c.connection', query.connection));
    if (query.minOpen !== undefined) select = select.where('c.open_total', '>=', query.minOpen);
    if (query.maxOpen !== undefined) select = select.where('c.open_total', '<=', query.maxOpen);
    if (query.oldestDueOnOrBefore !== undefined) select = select.where('c.oldest_due', '<=', query.oldestDueOnOrBefore);
    const words = (query.q ?? '').trim();
    if (words !== '') {
      const pattern = `%${words.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
      select = select.where((eb) =>
        eb.or([eb('c.id', '=', words), sql<boolean>`lower(c.debtor_name) like ${pattern} escape '\\'`]),
      );
    }
    if (query.after !== undefined) {
      const { value, id } = query.after;
      select = select.where(
        direction === 'desc'
          ? sql<boolean>`(${sql.ref(column)}, c.id) < (${value}, ${id})`
          : sql<boolean>`(${sql.ref(column)}, c.id) > (${value}, ${id})`,
      );
    }
    const rows = await attempt('read', 'cases', undefined, () =>
      select.orderBy(sql.ref(column), direction).orderBy('c.id', direction).limit(query.limit).execute(),
    );
    return rows.map((r) => ({
      caseId: r.id,
      debtorId: r.debtor_id,
      debtorName: r.debtor_name === '' ? null : r.debtor_name,
      connection: r.connection,
      companyId: r.company_id,
      stage: r.stage as CaseStage,
      currency: r.currency,
      openTotal: int(r.open_total),
      openItems: int(r.open_items),
      oldestDue: r.oldest_due,
      paidLateDays: r.paid_late_days,
      manualPause: r.manual_pause !== null,
      pendingApproval: r.pending_approval !== null,
      sortValue: typeof r.sort_value === 'string' ? r.sort_value : int(r.sort_value),
    }));
  }

  /** From its cases (cases_by_debtor) to their items, payments and journal, each by its own index. */
  async payerFacts(debtorId: string): Promise<PayerFacts | undefined> {
    const debtor = await attempt('read', 'debtors', debtorId, () =>
      this.db.selectFrom('debtors').select('id').where('id', '=', debtorId).executeTakeFirst(),
    );
    if (debtor === undefined) return undefined;
    const caseIds = (
      await attempt('read', 'cases', undefined, () =>
        this.db.selectFrom('cases').select('id').where('debtor_id', '=', debtorId).execute(),
      )
    ).map((r) => r.id);
    if (caseIds.length === 0)
      return { debtorId, invoices: [], payments: [], settledSeen: [], promises: [], disputesRecorded: 0 };
    const invoices = await attempt('read', 'receivables', undefined, () =>
      this.db
        .selectFrom('receivables')
        .select(['id', 'currency', 'issue_date', 'due_date', 'total', 'open', 'disputed'])
        .where('case_id', 'in', caseIds)
        .where('kind', '=', 'invoice')
        .execute(),
    );
    const payments: PayerFacts['payments'] = [];
    for (const chunk of chunksOf(invoices.map((i) => i.id))) {
      const rows = await attempt('read', 'payment_allocations', undefined, () =>
        this.db
          .selectFrom('payment_allocations as a')
          .innerJoin('payments as p', 'p.id', 'a.payment_id')
          .select(['a.receivable_id', 'p.date', 'a.amount'])
          .where('a.receivable_id', 'in', chunk)
          .execute(),
      );
      payments.push(...rows.map((r) => ({ receivableId: r.receivable_id, date: r.date, amount: int(r.amount) })));
    }
    const journal = await attempt('read', 'case_journal', undefined, () =>
      this.db
        .selectFrom('case_journal')
        .select(['type', 'data', 'at'])
        .where('case_id', 'in', caseIds)
        .where('type', 'in', ['promise_to_pay', 'item_disputed', 'payment_received'])
        .orderBy('case_id')
        .orderBy('seq')
        .execute(),
    );
    const promises: PayerFacts['promises'] = [];
    const settled = new Map<string, IsoDate>();
    let disputesRecorded = 0;
    for (const entry of journal) {
      if (entry.type === 'item_disputed') {
        disputesRecorded++;
        continue;
      }
      if (entry.type === 'payment_received') {
        // The sync's line of an invoice settled (no `openAfter`): the last one is the day it was.
        const seen = JSON.parse(entry.data) as { receivableId?: unknown; openAfter?: unknown };
        if (typeof seen.receivableId === 'string' && seen.openAfter === undefined)
          settled.set(seen.receivableId, entry.at.slice(0, 10));
        continue;
      }
      const data = JSON.parse(entry.data) as { date?: unknown; amount?: unknown; itemIds?: unknown };
      if (typeof data.date !== 'string' || !Array.isArray(data.itemIds)) continue;
      promises.push({
        date: data.date,
        amount: typeof data.amount === 'number' ? data.amount : null,
        itemIds: data.itemIds.filter((x): x is string => typeof x === 'string'),
      });
    }
    return {
      debtorId,
      invoices: invoices.map((i) => ({
        id: i.id,
        currency: i.currency,
        issueDate: i.issue_date,
        dueDate: i.due_date,
        total: int(i.total),
        open: int(i.open),
        disputed: i.disputed !== null,
      })),
      payments,
      settledSeen: [...settled].map(([receivableId, on]) => ({ receivableId, on })),
      promises,
      disputesRecorded,
    };
  }

  async savePortfolioSnapshots(rows: readonly PortfolioSnapshot[]): Promise<void> {
    if (rows.length === 0) return;
    await attempt('write', 'portfolio_snapshots', rows[0]!.asOf, () =>
      this.db
        .insertInto('portfolio_snapshots')
        .values(
          rows.map((r) => ({
            as_of: r.asOf,
            currency: r.currency,
            receivables: r.receivables,
            current: r.current,
            overdue: r.overdue,
            dso_standard: r.dsoStandard,
            dso_countback: r.dsoCountback,
            recorded_at: r.recordedAt,
          })),
        )
        .onConflict((oc) =>
          oc
            .columns(['as_of', 'currency'])
            .doUpdateSet(
              fromExcluded([
                'receivables',
                'current',
                'overdue',
                'dso_standard',
                'dso_countback',
                'recorded_at',
              ] as const),
            ),
        )
        .execute(),
    );
  }

  async portfolioSnapshots(range: { from: IsoDate; to: IsoDate }): Promise<PortfolioSnapshot[]> {
    const rows = await attempt('read', 'portfolio_snapshots', undefined, () =>
      this.db
        .selectFrom('portfolio_snapshots')
        .selectAll()
        .where('as_of', '>=', range.from)
        .where('as_of', '<=', range.to)
        .orderBy('as_of')
        .orderBy('currency')
        .execute(),
    );
    return rows.map((r) => ({
      asOf: r.as_of,
      currency: r.currency,
      receivables: int(r.receivables),
      current: int(r.current),
      overdue: int(r.overdue),
      dsoStandard: r.dso_standard,
      dsoCountback: r.dso_countback,
      recordedAt: r.recorded_at,
    }));
  }

  /** Walks each case's open invoices in receivables_by_case_due, which holds what is summed. */
  async overdueOfCases(caseIds: readonly string[], asOf: IsoDate): Promise<Map<string, number>> {
    const overdue = new Map<string, number>();
    if (caseIds.length === 0) return overdue;
    const rows = await attempt('read', 'receivables', undefined, () =>
      this.db
        .selectFrom('receivables')
        .where('case_id', 'in', [...caseIds])
        .where('due_date', '<', asOf)
        .where('kind', '=', 'invoice')
        .where('open', '>', 0)
        .select(['case_id', sql<number>`sum(open)`.as('overdue')])
        .groupBy('case_id')
        .execute(),
    );
    for (const r of rows) overdue.set(r.case_id, int(r.overdue));
    return overdue;
  }

  async tallyRecoveries(entries: readonly RecoveredAmount[], at: string): Promise<void> {
    const byCase = new Map<string, { currency: string; amount: number; payments: number }>();
    for (const e of entries) {
      if (!(Number.isSafeInteger(e.amount) && e.amount > 0))
        throw new StoreError(`a recovered amount must be a positive whole number of minor units, got ${e.amount}`, {
          table: 'cases',
          recordId: e.caseId,
        });
      const sum = byCase.get(e.caseId) ?? { currency: e.currency, amount: 0, payments: 0 };
      sum.amount += e.amount;
      sum.payments += 1;
      byCase.set(e.caseId, sum);
    }
    if (byCase.size === 0) return;
    const period = at.slice(0, 7);
    await this.inTransaction(async (tx) => {
      const months = new Map<string, { currency: string; stage: string; amount: number; items: number }>();
      for (const ids of chunksOf([...byCase.keys()])) {
        const cases = await attempt('read', 'cases', undefined, () =>
          tx.db.selectFrom('cases').select(['id', 'stage']).where('id', 'in', ids).execute(),
        );
        for (const c of cases) {
          const sum = byCase.get(c.id)!;
          const key = `${sum.currency}\u0000${c.stage}`;
          const month = months.get(key) ?? { currency: sum.currency, stage: c.stage, amount: 0, items: 0 };
          month.amount += sum.amount;
          month.items += sum.payments;
          months.set(key, month);
          await attempt('write', 'cases', c.id, () =>
            tx.db
              .updateTable('cases')
              .set({ recovered_total: sql`recovered_total + ${sum.amount}` })
              .where('id', '=', c.id)
              .execute(),
          );
        }
      }
      if (months.size === 0) return;
      await attempt('write', 'recoveries_monthly', period, () =>
        tx.db
          .insertInto('recoveries_monthly')
          .values([...months.values()].map((m) => ({ period, ...m })))
          .onConflict((oc) =>
            oc.columns(['period', 'currency', 'stage']).doUpdateSet({
              amount: sql`recoveries_monthly.amount + excluded.amount`,
              items: sql`recoveries_monthly.items + excluded.items`,
            }),
          )
          .execute(),
      );
    });
  }

  /** The funnel reads cases_funnel alone (it holds every column counted); the months read their primary key. */
  async recoveryFacts(range: { from: IsoDate; to: IsoDate }): Promise<RecoveryFacts> {
    const funnel = await attempt('read', 'cases', undefined, () =>
      this.db
        .selectFrom('cases')
        .where('reminded_on', '>=', range.from)
        .where('reminded_on', '<=', range.to)
        .select([
          'currency',
          sql<number>`count(*)`.as('reminded'),
          sql<number>`count(noticed_on)`.as('noticed'),
          sql<number>`count(escalated_on)`.as('escalated'),
          sql<number>`count(recovered_on)`.as('recovered'),
          sql<number>`sum(case when recovered_on is not null and escalated_on is not null then 1 else 0 end)`.as(
            'recovered_after_escalation',
          ),
        ])
        .groupBy('currency')
        .orderBy('currency')
        .execute(),
    );
    const months = await attempt('read', 'recoveries_monthly', undefined, () =>
      this.db
        .selectFrom('recoveries_monthly')
        .selectAll()
        .where('period', '>=', range.from.slice(0, 7))
        .where('period', '<=', range.to.slice(0, 7))
        .orderBy('period')
        .orderBy('currency')
        .orderBy('stage')
        .execute(),
    );
    return {
      funnel: funnel.map((f) => ({
        currency: f.currency,
        reminded: int(f.reminded),
        noticed: int(f.noticed),
        escalated: int(f.escalated),
        recovered: int(f.recovered),
        recoveredAfterEscalation: int(f.recovered_after_escalation),
      })),
      months: months.map((m) => ({
        period: m.period,
        currency: m.currency,
        stage: m.stage as CaseStage,
        amount: int(m.amount),
        payments: int(m.items),
      })),
      countingSince: await this.countingSince(),
    };
  }

  /** The time the store was upgraded to the migration that began counting, from the migrations' own table. */
  private async countingSince(): Promise<string | null> {
    const row = await attempt('read', 'kysely_migration', RECOVERY_MIGRATION, () =>
      sql<{ timestamp: string }>`select timestamp from kysely_migration where name = ${RECOVERY_MIGRATION}`.execute(
        this.db,
      ),
    );
    return row.rows[0]?.timestamp ?? null;
  }
}

/** The migration from which recoveries are counted (0016-recovery-funnel.ts). */
const RECOVERY_MIGRATION = '0016-recovery-funnel';

/** The column each order of the worklist reads, with the case id to break ties. */
const WORKLIST_ORDER_COLUMNS = {
  risk: 'c.risk_key',
  open: 'c.open_total',
  daysOverdue: 'c.oldest_due',
  debtor: 'c.debtor_name',
} as const;
