/**
 * The receivables KPIs a finance controller reads on the overview, as pure functions of figures
 * the store aggregates (connector/kpis/overview.ts). Each result carries its formula, written as
 * the dashboard shows it, so that nobody has to guess which DSO or which CEI they are looking at.
 *
 * Amounts are integer minor units of one currency: a KPI never adds two currencies.
 * Sources: ../shared/reference/owl-odoo.md §4.2, which cites the public definitions below.
 */

/** A KPI's value (null when its inputs do not allow one, with `unavailable` saying why) and how it was computed. */
export interface Kpi {
  value: number | null;
  /** The formula, as shown beside the figure, in each language of the dashboard. */
  formula: Formula;
  /** Why there is no value: a zero denominator, no sales in the period. */
  unavailable?: string;
}

export interface Formula {
  fr: string;
  en: string;
}

/** Rounded to one decimal, as every KPI is shown. */
export const round1 = (n: number): number => Math.round(n * 10) / 10;
const round2 = (n: number): number => Math.round(n * 100) / 100;

/** The five aging buckets of Upflow's aging balance (owl-odoo.md §4.1, §4.2), by days past the due date. */
export const AGING_BUCKETS = [
  { id: 'not_due', label: { fr: 'Non échu', en: 'Not due' }, fromDays: -Infinity, toDays: 0 },
  { id: '1_30', label: { fr: '1 à 30 j', en: '1–30 days' }, fromDays: 1, toDays: 30 },
  { id: '31_60', label: { fr: '31 à 60 j', en: '31–60 days' }, fromDays: 31, toDays: 60 },
  { id: '61_90', label: { fr: '61 à 90 j', en: '61–90 days' }, fromDays: 61, toDays: 90 },
  { id: 'over_90', label: { fr: 'Plus de 90 j', en: 'Over 90 days' }, fromDays: 91, toDays: Infinity },
] as const;
export type AgingBucketId = (typeof AGING_BUCKETS)[number]['id'];

/** The bucket of an item `daysPastDue` days past its due date (0 or less: not yet due). */
export function agingBucketOf(daysPastDue: number): AgingBucketId {
  for (const b of AGING_BUCKETS) if (daysPastDue >= b.fromDays && daysPastDue <= b.toDays) return b.id;
  return 'over_90';
}

/**
 * Part of the open amount that is past due ("part de l'échu"): overdue AR / total AR × 100
 * (knowledge.cashcollection.astonai.com, KPIs page).
 */
export function overdueRatio(input: { overdue: number; open: number }): Kpi {
  const formula = { fr: 'échu ÷ encours total × 100', en: 'overdue ÷ total open × 100' };
  if (input.open <= 0) return { value: null, formula, unavailable: 'no open amount' };
  return { value: round1((input.overdue / input.open) * 100), formula };
}

/**
 * DSO, standard method: AR / S × D, with S the credit sales of the last D days
 * (apruve.com "What is best possible DSO"; aro2c "What is count back DSO?").
 */
export function dsoStandard(input: { receivables: number; sales: number; days: number }): Kpi {
  const formula = {
    fr: `encours ÷ ventes des ${input.days} derniers jours × ${input.days}`,
    en: `open ÷ sales of the last ${input.days} days × ${input.days}`,
  };
  if (input.sales <= 0) return { value: null, formula, unavailable: `no sales in the last ${input.days} days` };
  return { value: round1((input.receivables / input.sales) * input.days), formula };
}

/** One calendar month's credit sales, for the countback. */
export interface MonthSales {
  /** YYYY-MM. */
  month: string;
  sales: number;
  /** Days the month counts: its length, or the days up to the as-of date for the current month. */
  days: number;
}

/**
 * DSO, countback ("par apurement"): start from AR and subtract each month's sales going back from
 * the newest month; a month wholly absorbed counts all its days, the month where AR runs out
 * counts `remaining ÷ its sales × its days` (support.benjipays.com count-back article;
 * academy.highako.com). AR larger than all the months given: their days, and the result says so.
 * `months` newest first.
 */
export function dsoCountback(input: { receivables: number; months: readonly MonthSales[] }): Kpi {
  const formula = {
    fr: 'encours apuré par les ventes de chaque mois, du plus récent au plus ancien',
    en: 'open amount counted back through each month’s sales, newest first',
  };
  if (input.receivables <= 0) return { value: 0, formula };
  let remaining = input.receivables;
  let days = 0;
  for (const m of input.months) {
    if (m.sales <= 0) {
      days += m.days;
      continue;
    }
    if (remaining <= m.sales) return { value: round1(days + (remaining / m.sales) * m.days), formula };
    remaining -= m.sales;
    days += m.days;
  }
  return {
    value: null,
    formula,
    unavailable: `the open amount exceeds the sales of the ${input.months.length} months read`,
  };
}

/** Best possible DSO: current (not yet due) AR / S × D (apruve.com; vcalc.com). */
export function bestPossibleDso(input: { current: number; sales: number; days: number }): Kpi {
  const formula = {
    fr: `non échu ÷ ventes des ${input.days} derniers jours × ${input.days}`,
    en: `not yet due ÷ sales of the last ${input.days} days × ${input.days}`,
  };
  if (input.sales <= 0) return { value: null, formula, unavailable: `no sales in the last ${input.days} days` };
  return { value: round1((input.current / input.sales) * input.days), formula };
}

/** Average days delinquent: DSO − best possible DSO, both standard (creditmanagementsource.com). */
export function averageDaysDelinquent(dso: Kpi, bpdso: Kpi): Kpi {
  const formula = { fr: 'DSO − meilleur DSO possible', en: 'DSO − best possible DSO' };
  if (dso.value === null || bpdso.value === null)
    return { value: null, formula, unavailable: dso.unavailable ?? bpdso.unavailable };
  return { value: round1(dso.value - bpdso.value), formula };
}

/**
 * Collection effectiveness index: (begin AR + S − end total AR) / (begin AR + S − end current AR)
 * × 100 (gaviti.com). Two variants are in use and give very different figures on the same data
 * (owl-odoo.md §4.2): `period` takes the period's sales S whole (the wizedu.com worked example),
 * `monthly` takes S ÷ the period's months (creditguru.com, an Oracle note). The formula names
 * the variant.
 */
export function collectionEffectiveness(input: {
  beginReceivables: number;
  sales: number;
  endReceivables: number;
  endCurrent: number;
  months: number;
  variant: 'period' | 'monthly';
}): Kpi {
  const s = input.variant === 'period' ? input.sales : input.sales / input.months;
  const fr = input.variant === 'period' ? `ventes des ${input.months} mois` : 'ventes mensuelles moyennes';
  const en = input.variant === 'period' ? `sales of the ${input.months} months` : 'average monthly sales';
  const formula = {
    fr: `(encours début + ${fr} − encours fin) ÷ (encours début + ${fr} − non échu fin) × 100`,
    en: `(open at start + ${en} − open at end) ÷ (open at start + ${en} − not yet due at end) × 100`,
  };
  const denominator = input.beginReceivables + s - input.endCurrent;
  if (denominator <= 0) return { value: null, formula, unavailable: 'nothing was collectible in the period' };
  return { value: round2(((input.beginReceivables + s - input.endReceivables) / denominator) * 100), formula };
}

/**
 * Promises kept: kept ÷ (kept + broken) × 100; pending and cancelled promises are left out
 * (catchpole.io/docs/promises; the denominator is not a published standard: unverified).
 */
export function promiseKeptRate(input: { kept: number; broken: number }): Kpi {
  const formula = { fr: 'promesses tenues ÷ (tenues + non tenues) × 100', en: 'kept ÷ (kept + broken) × 100' };
  const decided = input.kept + input.broken;
  if (decided === 0) return { value: null, formula, unavailable: 'no promise has come due' };
  return { value: round1((input.kept / decided) * 100), formula };
}
