import type { CaseStage } from '../model/case.schema';
import type { ReceivableKind } from '../model/receivable.schema';
import type { IsoDate } from '../time/calendar-date';

/**
 * The sums the dashboard's KPIs are computed from (connector/kpis). The SQL adds and counts; it
 * decides nothing: which bucket is which, which DSO, which CEI, are the KPI module's rules.
 */
export interface KpiStore {
  /** One pass over the open items, one over the period's sales, and the cases by stage; amounts in minor units, per currency. */
  portfolioFacts(input: PortfolioFactsInput): Promise<PortfolioFacts>;
}

export interface PortfolioFactsInput {
  /**
   * Due-date thresholds, newest first: an open item falls in bucket i for the first i whose
   * threshold its due date is on or after, and in bucket `dueOnOrAfter.length` when before all.
   */
  dueOnOrAfter: readonly IsoDate[];
  /** Sales are summed by month of issue from this date on. */
  salesFrom: IsoDate;
  /** Sales issued after this date are left out (the as-of date). */
  salesTo: IsoDate;
  /** The part of each month's sales issued on or after this date is also summed apart (a DSO window). */
  windowFrom: IsoDate;
}

/** The open items of one currency, kind, case stage and aging bucket. */
export interface OpenItemsFact {
  currency: string;
  /** An open credit note is an amount owed back to the debtor, not by them. */
  kind: ReceivableKind;
  stage: CaseStage;
  bucket: number;
  /** Open items (invoices and credit notes left open). */
  items: number;
  open: number;
  /** The part of `open` on disputed items. */
  disputed: number;
  /** The part of `open` on items excluded from dunning. */
  excluded: number;
}

/** What was invoiced and credited in one currency and month of issue. */
export interface SalesMonthFact {
  currency: string;
  /** YYYY-MM. */
  month: string;
  invoiced: number;
  credited: number;
  /** The part of `invoiced` and `credited` issued on or after `windowFrom`. */
  invoicedInWindow: number;
  creditedInWindow: number;
}

/** The cases not closed, by currency and stage. */
export interface CaseStageFact {
  currency: string;
  stage: CaseStage;
  cases: number;
}

export interface PortfolioFacts {
  cases: CaseStageFact[];
  openItems: OpenItemsFact[];
  sales: SalesMonthFact[];
}
