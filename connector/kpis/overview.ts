import { CaseStageSchema, type CaseStage } from '../model/case.schema';
import type {
  KpiStore,
  OpenItemsFact,
  PortfolioFacts,
  PortfolioSnapshot,
  RecoveryFacts,
  SalesDayFact,
} from '../store/kpi-store';
import { addDays, addMonths, daysBetween, daysInMonth, parts, type IsoDate } from '../time/calendar-date';
import {
  AGING_BUCKETS,
  agingBucketOf,
  averageDaysDelinquent,
  bestPossibleDso,
  collectionEffectiveness,
  dsoCountback,
  dsoStandard,
  overdueRatio,
  type AgingBucketId,
  type Kpi,
} from './formulas';
import { recoveredBy, recoveryFunnel, type RecoveredBy, type RecoveryFunnel } from './recovery';

/** The standard DSO's window: the 90 days up to the as-of date, as most tools default to a quarter. */
export const DSO_WINDOW_DAYS = 90;
/** How many months the countback may walk back: beyond a year, the figure says it ran out. */
export const COUNTBACK_MONTHS = 12;

/** The overview screen's figures for one currency; amounts in its minor units. */
export interface CurrencyOverview {
  currency: string;
  /** Open invoices, less the open credit notes. */
  receivables: number;
  /** Open invoices past their due date. */
  overdue: number;
  /** Open invoices not yet due. */
  current: number;
  /** Open credit notes: owed back to debtors, not yet applied. */
  unappliedCredits: number;
  disputed: number;
  excluded: number;
  overdueRatio: Kpi;
  aging: { bucket: AgingBucketId; items: number; amount: number }[];
  dso: {
    standard: Kpi;
    countback: Kpi;
    bestPossible: Kpi;
    daysDelinquent: Kpi;
    /** Net sales (invoiced less credited) of the standard DSO's window. */
    windowSales: number;
  };
  /** Cases not closed, and the open invoices they hold, by stage (the recovery pipeline). */
  stages: { stage: CaseStage; cases: number; items: number; amount: number }[];
  /**
   * Month by month, oldest first, the figures kept at each month's last snapshot (snapshots.ts),
   * and this month's as of today: empty until the daemon has kept some.
   */
  trend: { period: string; dsoStandard: number | null; dsoCountback: number | null; overdue: number }[];
  /** CEI of the last complete month, from its opening and closing snapshots and its sales. */
  cei: Kpi & { variant: { fr: string; en: string }; period: string };
  /** The cases first reminded in the recovery window, step by step (recovery.ts). */
  funnel: RecoveryFunnel;
  /** The amounts recovered in the recovery window, by the stage their case was at. */
  recoveredBy: RecoveredBy;
}

export interface PortfolioOverview {
  asOf: IsoDate;
  window: { from: IsoDate; to: IsoDate; days: number };
  /** What the sales figures can and cannot see, shown under the DSO. */
  basis: { fr: string; en: string };
  /**
   * The window of the funnel and of the recoveries: the last COUNTBACK_MONTHS calendar months,
   * this one included; `countingSince`: when the store began counting (null if unknown).
   */
  recovery: {
    from: IsoDate;
    to: IsoDate;
    countingSince: string | null;
    /**
     * The store began counting inside the window: the figures leave out what came before. A
     * start after the as-of date (the demo's clock runs behind the store's creation) is not.
     */
    partial: boolean;
    basis: { fr: string; en: string };
  };
  currencies: CurrencyOverview[];
}

/** The order the pipeline shows stages in, first reminder to procedure: the model's own order, less `closed`. */
const STAGE_ORDER: readonly CaseStage[] = CaseStageSchema.options.filter((s) => s !== 'closed');

/**
 * The overview of the whole portfolio on `asOf` (the company's business date): the store's
 * aggregate reads (store.kpis.portfolioFacts), then the formulas of formulas.ts per currency.
 */
export async function portfolioOverview(
  store: { kpis: Pick<KpiStore, 'portfolioFacts'> & Partial<Pick<KpiStore, 'portfolioSnapshots' | 'recoveryFacts'>> },
  asOf: IsoDate,
): Promise<PortfolioOverview> {
  const windowFrom = addDays(asOf, -(DSO_WINDOW_DAYS - 1));
  const firstMonth = `${addMonths(asOf, -(COUNTBACK_MONTHS - 1)).slice(0, 7)}-01`;
  const facts = await store.kpis.portfolioFacts({
    salesFrom: firstMonth < windowFrom ? firstMonth : windowFrom,
    salesTo: asOf,
  });
  // The month-end snapshots of the trend, from the month before the oldest month shown (the
  // opening of the CEI's month is the close of the month before it).
  const snapshots =
    (await store.kpis.portfolioSnapshots?.({
      from: `${addMonths(asOf, -COUNTBACK_MONTHS).slice(0, 7)}-01`,
      to: asOf,
    })) ?? [];
  const recovery: RecoveryFacts = (await store.kpis.recoveryFacts?.({ from: firstMonth, to: asOf })) ?? {
    funnel: [],
    months: [],
    countingSince: null,
  };
  const currencies = new Set<string>([
    ...facts.openItems.map((f) => f.currency),
    ...recovery.funnel.map((f) => f.currency),
    ...recovery.months.map((f) => f.currency),
    ...facts.cases.map((f) => f.currency),
    ...facts.sales.map((f) => f.currency),
  ]);
  return {
    asOf,
    window: { from: windowFrom, to: asOf, days: DSO_WINDOW_DAYS },
    basis: {
      fr: 'Ventes : factures et avoirs émis que le connecteur a lus. Une connexion qui ne lit que les pièces ouvertes sous-estime les ventes, et le DSO paraît plus long.',
      en: 'Sales: the invoices and credit notes issued that the connector has read. A connection that reads open items only understates sales, which makes DSO look longer.',
    },
    recovery: {
      from: firstMonth,
      to: asOf,
      countingSince: recovery.countingSince,
      partial:
        recovery.countingSince !== null &&
        recovery.countingSince.slice(0, 10) > firstMonth &&
        recovery.countingSince.slice(0, 10) <= asOf,
      basis: {
        fr: 'Entonnoir : les dossiers relancés pour la première fois sur la période, et l’étape la plus avancée qu’ils ont atteinte. Recouvré : ce que le grand livre a retiré du restant dû des factures (paiements, et avoirs imputés sur une facture), rangé selon l’étape du dossier à ce moment.',
        en: 'Funnel: the cases first reminded in the period, and the furthest step each reached. Recovered: what the ledger took off the invoices’ open amounts (payments, and credit notes set against an invoice), by the stage of the case at that time.',
      },
    },
    currencies: [...currencies].sort().map((currency) => ({
      ...currencyOverview(
        currency,
        asOf,
        windowFrom,
        ofCurrency(facts, currency),
        snapshots.filter((x) => x.currency === currency),
      ),
      funnel: recoveryFunnel(recovery.funnel.find((f) => f.currency === currency)),
      recoveredBy: recoveredBy(recovery.months.filter((m) => m.currency === currency)),
    })),
  };
}

function ofCurrency(facts: PortfolioFacts, currency: string): PortfolioFacts {
  return {
    openItems: facts.openItems.filter((f) => f.currency === currency),
    marked: facts.marked.filter((f) => f.currency === currency),
    stages: facts.stages.filter((f) => f.currency === currency),
    cases: facts.cases.filter((f) => f.currency === currency),
    sales: facts.sales.filter((f) => f.currency === currency),
  };
}

function currencyOverview(
  currency: string,
  asOf: IsoDate,
  windowFrom: IsoDate,
  facts: PortfolioFacts,
  snapshots: readonly PortfolioSnapshot[],
): Omit<CurrencyOverview, 'funnel' | 'recoveredBy'> {
  const { openItems: open, sales } = facts;
  const invoices = open.filter((f) => f.kind === 'invoice');
  const sum = (rows: OpenItemsFact[], pick: (f: OpenItemsFact) => number): number =>
    rows.reduce((a, f) => a + pick(f), 0);
  const bucketOf = (f: OpenItemsFact) => agingBucketOf(daysBetween(f.dueDate, asOf));
  const invoiced = sum(invoices, (f) => f.open);
  const current = sum(
    invoices.filter((f) => bucketOf(f) === 'not_due'),
    (f) => f.open,
  );
  const unappliedCredits = sum(
    open.filter((f) => f.kind === 'credit_note'),
    (f) => f.open,
  );
  const receivables = Math.max(0, invoiced - unappliedCredits);
  const overdue = invoiced - current;

  const months = monthsBack(asOf, sales);
  const windowSales = netSales(sales.filter((s) => s.issueDate >= windowFrom));
  const standard = dsoStandard({ receivables, sales: windowSales, days: DSO_WINDOW_DAYS });
  const bestPossible = bestPossibleDso({ current, sales: windowSales, days: DSO_WINDOW_DAYS });

  const countback = dsoCountback({ receivables, months });
  const ends = monthEnds(snapshots);
  const thisMonth = asOf.slice(0, 7);
  const trend = [
    ...[...ends.values()]
      .filter((x) => x.asOf.slice(0, 7) < thisMonth)
      .map((x) => ({
        period: x.asOf.slice(0, 7),
        dsoStandard: x.dsoStandard,
        dsoCountback: x.dsoCountback,
        overdue: x.overdue,
      })),
    { period: thisMonth, dsoStandard: standard.value, dsoCountback: countback.value, overdue: invoiced - current },
  ];
  return {
    currency,
    receivables,
    overdue,
    current,
    unappliedCredits,
    disputed: facts.marked.filter((f) => f.kind === 'invoice').reduce((a, f) => a + f.disputed, 0),
    excluded: facts.marked.filter((f) => f.kind === 'invoice').reduce((a, f) => a + f.excluded, 0),
    overdueRatio: overdueRatio({ overdue, open: invoiced }),
    aging: AGING_BUCKETS.map((b) => {
      const inBucket = invoices.filter((f) => bucketOf(f) === b.id);
      return { bucket: b.id, items: sum(inBucket, (f) => f.items), amount: sum(inBucket, (f) => f.open) };
    }),
    dso: {
      standard,
      countback,
      bestPossible,
      daysDelinquent: averageDaysDelinquent(standard, bestPossible),
      windowSales,
    },
    stages: stagesOf(
      facts,
      sum(invoices, (f) => f.items),
      invoiced,
    ),
    trend: ends.size === 0 ? [] : trend,
    cei: lastMonthCei(asOf, ends, months),
  };
}

/** The last snapshot of each month, by month (YYYY-MM), oldest first. */
function monthEnds(snapshots: readonly PortfolioSnapshot[]): Map<string, PortfolioSnapshot> {
  const ends = new Map<string, PortfolioSnapshot>();
  for (const x of [...snapshots].sort((a, b) => (a.asOf < b.asOf ? -1 : 1))) ends.set(x.asOf.slice(0, 7), x);
  return ends;
}

/**
 * CEI of the month before `asOf`: its opening is the last snapshot of the month before it, its
 * close the last snapshot of the month itself, taken on its last day (a close taken earlier
 * would leave out the end of the month's collections). One month: both variants coincide.
 */
function lastMonthCei(
  asOf: IsoDate,
  ends: Map<string, PortfolioSnapshot>,
  months: { month: string; sales: number }[],
): CurrencyOverview['cei'] {
  const month = addMonths(asOf, -1).slice(0, 7);
  const before = addMonths(`${month}-01`, -1).slice(0, 7);
  const variant = { fr: `mois de ${month}, ventes du mois`, en: `month ${month}, its sales` };
  const begin = ends.get(before);
  const end = ends.get(month);
  const { year, month: m } = parts(`${month}-01`);
  const lastDay = `${month}-${String(daysInMonth(year, m)).padStart(2, '0')}`;
  const kpi =
    begin && end && end.asOf === lastDay
      ? collectionEffectiveness({
          beginReceivables: begin.receivables,
          sales: months.find((x) => x.month === month)?.sales ?? 0,
          endReceivables: end.receivables,
          endCurrent: end.current,
          months: 1,
          variant: 'period',
        })
      : {
          ...collectionEffectiveness({
            beginReceivables: 0,
            sales: 0,
            endReceivables: 0,
            endCurrent: 0,
            months: 1,
            variant: 'period',
          }),
          value: null,
          unavailable: `needs the figures kept at the close of ${before} and on the last day of ${month}: the daemon keeps them each day it evaluates`,
        };
  return { ...kpi, variant, period: month };
}

/**
 * The pipeline: the store sums the open invoices of the cases in dunning or beyond; the `open`
 * stage holds what they do not (every open invoice belongs to a case, and closed cases hold none).
 * The sums are separate statements: a sync committing between two of them can make the rest
 * briefly smaller than what it subtracts, which shows as 0, never below.
 */
function stagesOf(facts: PortfolioFacts, items: number, amount: number): CurrencyOverview['stages'] {
  const worked = facts.stages;
  const casesAt = (stage: CaseStage): number => facts.cases.find((c) => c.stage === stage)?.cases ?? 0;
  return STAGE_ORDER.map((stage) => {
    if (stage === 'open')
      return {
        stage,
        cases: casesAt(stage),
        items: Math.max(0, items - worked.reduce((a, f) => a + f.items, 0)),
        amount: Math.max(0, amount - worked.reduce((a, f) => a + f.open, 0)),
      };
    const fact = worked.find((f) => f.stage === stage);
    return { stage, cases: casesAt(stage), items: fact?.items ?? 0, amount: fact?.open ?? 0 };
  });
}

/** Invoiced less credited, never below 0 (a period of credit notes only has no sales). */
function netSales(sales: readonly SalesDayFact[]): number {
  return Math.max(
    0,
    sales.reduce((a, s) => a + (s.kind === 'invoice' ? s.total : -s.total), 0),
  );
}

/** Net sales by month, newest first, from the as-of month (its days so far) back COUNTBACK_MONTHS months. */
function monthsBack(asOf: IsoDate, sales: SalesDayFact[]): { month: string; sales: number; days: number }[] {
  const out: { month: string; sales: number; days: number }[] = [];
  for (let k = 0; k < COUNTBACK_MONTHS; k++) {
    const month = addMonths(asOf, -k).slice(0, 7);
    const { year, month: m } = parts(`${month}-01`);
    const net = netSales(sales.filter((s) => s.issueDate.startsWith(month)));
    out.push({ month, sales: net, days: k === 0 ? parts(asOf).day : daysInMonth(year, m) });
  }
  return out;
}
