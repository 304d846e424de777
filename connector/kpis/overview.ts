import type { CaseStage } from '../model/case.schema';
import type { KpiStore, OpenItemsFact, SalesMonthFact } from '../store/kpi-store';
import { addDays, addMonths, daysInMonth, parts, type IsoDate } from '../time/calendar-date';
import {
  AGING_BUCKETS,
  averageDaysDelinquent,
  bestPossibleDso,
  dsoCountback,
  dsoStandard,
  overdueRatio,
  type AgingBucketId,
  type Kpi,
} from './formulas';

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
}

export interface PortfolioOverview {
  asOf: IsoDate;
  window: { from: IsoDate; to: IsoDate; days: number };
  /** What the sales figures can and cannot see, shown under the DSO. */
  basis: { fr: string; en: string };
  currencies: CurrencyOverview[];
}

/** The order the pipeline shows stages in, first reminder to procedure. */
const STAGE_ORDER: readonly CaseStage[] = [
  'open',
  'reminding',
  'formal_notice',
  'awaiting_approval',
  'escalated',
  'in_procedure',
];

/**
 * The overview of the whole portfolio on `asOf` (the company's business date): three aggregate
 * reads (store.kpis.portfolioFacts), then the formulas of formulas.ts per currency.
 */
export async function portfolioOverview(store: { kpis: KpiStore }, asOf: IsoDate): Promise<PortfolioOverview> {
  const windowFrom = addDays(asOf, -(DSO_WINDOW_DAYS - 1));
  const firstMonth = `${addMonths(asOf, -(COUNTBACK_MONTHS - 1)).slice(0, 7)}-01`;
  const facts = await store.kpis.portfolioFacts({
    // Not due (due today or later), then 1–30, 31–60, 61–90 days past due, then over 90.
    dueOnOrAfter: [asOf, addDays(asOf, -30), addDays(asOf, -60), addDays(asOf, -90)],
    salesFrom: firstMonth < windowFrom ? firstMonth : windowFrom,
    salesTo: asOf,
    windowFrom,
  });
  const currencies = new Set<string>([
    ...facts.openItems.map((f) => f.currency),
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
    currencies: [...currencies].sort().map((currency) =>
      currencyOverview(
        currency,
        asOf,
        facts.openItems.filter((f) => f.currency === currency),
        facts.sales.filter((f) => f.currency === currency),
        facts.cases.filter((f) => f.currency === currency),
      ),
    ),
  };
}

function currencyOverview(
  currency: string,
  asOf: IsoDate,
  open: OpenItemsFact[],
  sales: SalesMonthFact[],
  cases: { stage: CaseStage; cases: number }[],
): CurrencyOverview {
  const invoices = open.filter((f) => f.kind === 'invoice');
  const sum = (rows: OpenItemsFact[], pick: (f: OpenItemsFact) => number): number =>
    rows.reduce((a, f) => a + pick(f), 0);
  const invoiced = sum(invoices, (f) => f.open);
  const current = sum(
    invoices.filter((f) => f.bucket === 0),
    (f) => f.open,
  );
  const unappliedCredits = sum(
    open.filter((f) => f.kind === 'credit_note'),
    (f) => f.open,
  );
  const receivables = Math.max(0, invoiced - unappliedCredits);
  const overdue = invoiced - current;

  const months = monthsBack(asOf, sales);
  const windowSales = Math.max(
    0,
    sales.reduce((a, s) => a + s.invoicedInWindow - s.creditedInWindow, 0),
  );
  const standard = dsoStandard({ receivables, sales: windowSales, days: DSO_WINDOW_DAYS });
  const bestPossible = bestPossibleDso({ current, sales: windowSales, days: DSO_WINDOW_DAYS });

  return {
    currency,
    receivables,
    overdue,
    current,
    unappliedCredits,
    disputed: sum(invoices, (f) => f.disputed),
    excluded: sum(invoices, (f) => f.excluded),
    overdueRatio: overdueRatio({ overdue, open: invoiced }),
    aging: AGING_BUCKETS.map((b, i) => {
      const inBucket = invoices.filter((f) => f.bucket === i);
      return { bucket: b.id, items: sum(inBucket, (f) => f.items), amount: sum(inBucket, (f) => f.open) };
    }),
    dso: {
      standard,
      countback: dsoCountback({ receivables, months }),
      bestPossible,
      daysDelinquent: averageDaysDelinquent(standard, bestPossible),
      windowSales,
    },
    stages: STAGE_ORDER.map((stage) => {
      const inStage = invoices.filter((f) => f.stage === stage);
      return {
        stage,
        cases: cases.find((c) => c.stage === stage)?.cases ?? 0,
        items: sum(inStage, (f) => f.items),
        amount: sum(inStage, (f) => f.open),
      };
    }),
  };
}

/** Net sales by month, newest first, from the as-of month (its days so far) back COUNTBACK_MONTHS months. */
function monthsBack(asOf: IsoDate, sales: SalesMonthFact[]): { month: string; sales: number; days: number }[] {
  const out: { month: string; sales: number; days: number }[] = [];
  for (let k = 0; k < COUNTBACK_MONTHS; k++) {
    const month = addMonths(asOf, -k).slice(0, 7);
    const { year, month: m } = parts(`${month}-01`);
    const net = sales.filter((s) => s.month === month).reduce((a, s) => a + s.invoiced - s.credited, 0);
    out.push({ month, sales: Math.max(0, net), days: k === 0 ? parts(asOf).day : daysInMonth(year, m) });
  }
  return out;
}
