import type { CaseStage } from '../model/case.schema';
import type { ReceivableKind } from '../model/receivable.schema';
import type { IsoDate } from '../time/calendar-date';

/**
 * The sums the dashboard's KPIs are computed from (connector/kpis). The SQL adds and counts; it
 * decides nothing: which bucket is which, which DSO, which CEI, are the KPI module's rules.
 */
export interface KpiStore {
  /**
   * A few aggregate reads, each served by an index (migration 0012): the open items by due date,
   * the disputed and excluded ones, the open invoices of cases in dunning or beyond, the cases by
   * stage, the sales by day of issue. Amounts in minor units, per currency.
   */
  portfolioFacts(input: PortfolioFactsInput): Promise<PortfolioFacts>;

  /**
   * Computes the summaries of the cases whose items changed since (migration 0013), up to `max`
   * of them: a sync page only marks its cases, so that a case many pages touch is summed once.
   */
  refreshCaseSummaries(options?: { max?: number }): Promise<{ refreshed: number; pending: number }>;

  /**
   * One page of the cases with something open, filtered and in the order asked, from the cases'
   * summaries (migration 0013) and an index per order: the first page of 100,000 cases is read
   * without summing or sorting them.
   */
  worklist(query: WorklistQuery): Promise<WorklistRow[]>;

  /**
   * What the payer profile of one debtor is computed from (connector/kpis/payer-profile.ts): its
   * invoices, the payments allocated to them, and the promises and disputes its cases' journals
   * recorded; undefined when the debtor is not stored.
   */
  payerFacts(debtorId: string): Promise<PayerFacts | undefined>;

  /** Keeps the overview's figures of a day (one row per currency; a day kept again is replaced). */
  savePortfolioSnapshots(rows: readonly PortfolioSnapshot[]): Promise<void>;

  /** The snapshots from `from` to `to` (both included), by date then currency. */
  portfolioSnapshots(range: { from: IsoDate; to: IsoDate }): Promise<PortfolioSnapshot[]>;

  /** The open invoices of these cases past due on `asOf`: amount (minor units) per case id. */
  overdueOfCases(caseIds: readonly string[], asOf: IsoDate): Promise<Map<string, number>>;

  /**
   * Adds up the open amounts the ledger took off invoices (a sync page's `recovered`): on each
   * case, and per month (of `at`), currency and the stage each case is at. Runs in the page's
   * unit of work, before the page closes the cases it settles, so the stage is the one the
   * payment was made at.
   */
  tallyRecoveries(entries: readonly RecoveredAmount[], at: string): Promise<void>;

  /** The recovery funnel of the cases first reminded from `from` to `to`, and the recoveries of those months. */
  recoveryFacts(range: { from: IsoDate; to: IsoDate }): Promise<RecoveryFacts>;
}

/** An invoice whose open amount the ledger lowered: paid in full or in part, or a credit note set against it. */
export interface RecoveredAmount {
  caseId: string;
  currency: string;
  /** How much less is open, minor units (> 0). */
  amount: number;
}

/** One currency's cases first reminded in the range: how many reached each later step. */
export interface FunnelFact {
  currency: string;
  reminded: number;
  noticed: number;
  escalated: number;
  /** Closed after the ledger recorded payments on them. */
  recovered: number;
  /** Of those, the ones handed to the law firm first. */
  recoveredAfterEscalation: number;
}

/** Open amounts the ledger took off invoices in one month and currency, by the stage of their case then. */
export interface RecoveryMonthFact {
  period: string;
  currency: string;
  stage: CaseStage;
  amount: number;
  /** How many times the ledger lowered an invoice's open amount. */
  payments: number;
}

export interface RecoveryFacts {
  funnel: FunnelFact[];
  months: RecoveryMonthFact[];
  /** When the store began counting (its upgrade to migration 0016); null if it cannot tell. */
  countingSince: string | null;
}

export type WorklistSort = 'risk' | 'open' | 'daysOverdue' | 'debtor';

export interface WorklistQuery {
  /** Words the debtor's name contains (case-insensitive on ASCII letters), or a case id. */
  q?: string;
  stage?: CaseStage;
  currency?: string;
  /** Cases of debtors read from this connection. */
  connection?: string;
  company?: string;
  /** Open amount of the case's invoices, minor units, bounds included. */
  minOpen?: number;
  maxOpen?: number;
  /** The oldest open invoice fell due on or before this date (today − minimum days overdue). */
  oldestDueOnOrBefore?: IsoDate;
  sort: WorklistSort;
  /** `desc` puts the riskiest, the largest, the most overdue first, and names from Z to A. */
  order: 'asc' | 'desc';
  limit: number;
  /** Keyset paging: the sort value and case id of the last row of the previous page. */
  after?: { value: string | number; id: string };
}

export interface WorklistRow {
  caseId: string;
  debtorId: string;
  /** Null while the debtor's record has not been synced yet. */
  debtorName: string | null;
  connection: string | null;
  companyId: string;
  stage: CaseStage;
  currency: string;
  openTotal: number;
  openItems: number;
  oldestDue: IsoDate | null;
  /** How late its settled invoices were paid, amount-weighted days (risk.ts `paidLateDays`); null without any. */
  paidLateDays: number | null;
  manualPause: boolean;
  pendingApproval: boolean;
  /** The value the page is sorted on, for the next page's cursor. */
  sortValue: string | number;
}

export interface PortfolioFactsInput {
  /** Sales are summed by day of issue from this date on… */
  salesFrom: IsoDate;
  /** …to this one (the as-of date). */
  salesTo: IsoDate;
}

/**
 * The open items of one currency, kind and due date. Summed by day, in the order of
 * receivables_open_for_kpis, the read needs no sort; the KPI module puts days in buckets.
 */
export interface OpenItemsFact {
  currency: string;
  /** An open credit note is an amount owed back to the debtor, not by them. */
  kind: ReceivableKind;
  dueDate: IsoDate;
  items: number;
  open: number;
}

/** The open amount of one currency and kind on disputed items, and on items excluded from dunning. */
export interface MarkedFact {
  currency: string;
  kind: ReceivableKind;
  disputed: number;
  excluded: number;
}

/**
 * The open invoices of the cases at one stage, for the stages past `open` (and not `closed`):
 * what `open` cases hold is the rest, which spares reading the case of every open item.
 */
export interface StageFact {
  currency: string;
  stage: CaseStage;
  items: number;
  open: number;
}

/** The cases not closed, by currency and stage. */
export interface CaseStageFact {
  currency: string;
  stage: CaseStage;
  cases: number;
}

/** What was issued in one currency, kind and day, in the order of receivables_by_issue. */
export interface SalesDayFact {
  currency: string;
  kind: ReceivableKind;
  issueDate: IsoDate;
  total: number;
}

export interface PortfolioFacts {
  openItems: OpenItemsFact[];
  marked: MarkedFact[];
  stages: StageFact[];
  cases: CaseStageFact[];
  sales: SalesDayFact[];
}

export interface PayerFacts {
  debtorId: string;
  invoices: {
    id: string;
    currency: string;
    issueDate: IsoDate;
    dueDate: IsoDate;
    total: number;
    open: number;
    disputed: boolean;
  }[];
  /** Every payment allocated to one of those invoices. */
  payments: { receivableId: string; date: IsoDate; amount: number }[];
  /**
   * The day (UTC) the sync saw each invoice's open amount fall to 0, from the journal: how a
   * ledger read without payment records (Odoo, Sage) tells when an invoice was paid.
   */
  settledSeen: { receivableId: string; on: IsoDate }[];
  /** Each promise to pay a controller recorded, as its journal entry says. */
  promises: { date: IsoDate; amount: number | null; itemIds: string[] }[];
  /** Disputes ever recorded on its items. */
  disputesRecorded: number;
}

/** The overview's figures of one day and currency, as kept for the trend (minor units, days). */
export interface PortfolioSnapshot {
  asOf: IsoDate;
  currency: string;
  receivables: number;
  current: number;
  overdue: number;
  dsoStandard: number | null;
  dsoCountback: number | null;
  recordedAt: string;
}
