import type { CaseStage } from '../model/case.schema';
import type { KpiStore, WorklistQuery, WorklistSort } from '../store/kpi-store';
import { addDays, daysBetween, type IsoDate } from '../time/calendar-date';
import { RISK_RULES, riskOf, type Risk } from './risk';

/**
 * The controller's worklist: the cases with something open, filtered, in the order asked
 * (riskiest first by default), a page at a time. Each page is read from the cases' summaries
 * (migration 0013); only the page's own cases are then looked at more closely (their overdue
 * amount, their risk score as of today with its reasons).
 */

export interface WorklistRequest {
  q?: string;
  stage?: CaseStage;
  currency?: string;
  connection?: string;
  company?: string;
  minOpen?: number;
  maxOpen?: number;
  minDaysOverdue?: number;
  sort?: WorklistSort;
  order?: 'asc' | 'desc';
  limit?: number;
  /** The `next` of the previous page. */
  cursor?: string;
}

export interface WorklistItem {
  caseId: string;
  debtor: { id: string; name: string | null };
  companyId: string;
  connectionIds: string[];
  stage: CaseStage;
  currency: string;
  /** Minor units of the case's currency. */
  open: number;
  overdue: number;
  itemCount: number;
  oldestDueDate: IsoDate | null;
  /** Days since the oldest open invoice fell due; 0 when none is due yet. */
  daysOverdue: number;
  paused: boolean;
  pendingApproval: boolean;
  risk: Risk;
}

export interface WorklistPage {
  asOf: IsoDate;
  sort: WorklistSort;
  order: 'asc' | 'desc';
  items: WorklistItem[];
  /** Pass as `cursor` for the next page; null on the last. */
  next: string | null;
  /**
   * Cases whose items changed and whose place in the list is not computed yet (a large sync is
   * being saved): 0 when the list is up to date.
   */
  summariesPending: number;
  /** How the risk points are counted (connector/kpis/risk.ts). */
  riskRules: { fr: string; en: string };
}

/**
 * Before a page is read, up to this many cases whose items changed get their summary computed
 * (about 30 ms per 1,000 on SQLite): the list reflects a payment or a small sync at once, and a
 * sync of 100,000 invoices being saved does not hold the page for seconds.
 */
export const WORKLIST_REFRESH_MAX = 2_000;

export const WORKLIST_DEFAULT_LIMIT = 50;
export const WORKLIST_MAX_LIMIT = 200;

/** A cursor that does not decode, or that belongs to another order. */
export class WorklistCursorError extends Error {}

export async function worklistPage(
  store: { kpis: Pick<KpiStore, 'worklist' | 'overdueOfCases' | 'refreshCaseSummaries'> },
  request: WorklistRequest,
  asOf: IsoDate,
  locale = 'fr-FR',
): Promise<WorklistPage> {
  const sort = request.sort ?? 'risk';
  const order = request.order ?? (sort === 'debtor' ? 'asc' : 'desc');
  const limit = Math.min(request.limit ?? WORKLIST_DEFAULT_LIMIT, WORKLIST_MAX_LIMIT);
  const query: WorklistQuery = {
    sort,
    order,
    // One more than the page: whether there is a next page is known without a count.
    limit: limit + 1,
    ...(request.q !== undefined ? { q: request.q } : {}),
    ...(request.stage !== undefined ? { stage: request.stage } : {}),
    ...(request.currency !== undefined ? { currency: request.currency } : {}),
    ...(request.connection !== undefined ? { connection: request.connection } : {}),
    ...(request.company !== undefined ? { company: request.company } : {}),
    ...(request.minOpen !== undefined ? { minOpen: request.minOpen } : {}),
    ...(request.maxOpen !== undefined ? { maxOpen: request.maxOpen } : {}),
    ...(request.minDaysOverdue !== undefined ? { oldestDueOnOrBefore: addDays(asOf, -request.minDaysOverdue) } : {}),
    ...(request.cursor !== undefined ? { after: decodeCursor(request.cursor, sort, order) } : {}),
  };
  const { pending } = await store.kpis.refreshCaseSummaries({ max: WORKLIST_REFRESH_MAX });
  const rows = await store.kpis.worklist(query);
  const page = rows.slice(0, limit);
  const overdue = await store.kpis.overdueOfCases(
    page.map((r) => r.caseId),
    asOf,
  );
  const last = page.at(-1);
  return {
    asOf,
    sort,
    order,
    items: page.map((r) => ({
      caseId: r.caseId,
      debtor: { id: r.debtorId, name: r.debtorName },
      companyId: r.companyId,
      connectionIds: r.connection === null ? [] : [r.connection],
      stage: r.stage,
      currency: r.currency,
      open: r.openTotal,
      overdue: overdue.get(r.caseId) ?? 0,
      itemCount: r.openItems,
      oldestDueDate: r.oldestDue,
      daysOverdue: r.oldestDue === null ? 0 : Math.max(0, daysBetween(r.oldestDue, asOf)),
      paused: r.manualPause,
      pendingApproval: r.pendingApproval,
      risk: riskOf(
        { currency: r.currency, openTotal: r.openTotal, oldestDue: r.oldestDue, paidLateDays: r.paidLateDays },
        asOf,
        locale,
      ),
    })),
    next: rows.length > limit && last !== undefined ? encodeCursor(sort, order, last.sortValue, last.caseId) : null,
    summariesPending: pending,
    riskRules: RISK_RULES,
  };
}

/**
 * The cursor carries the order it was made for, so that a page asked with another order is a
 * clear error rather than a silently wrong page.
 */
function encodeCursor(sort: WorklistSort, order: 'asc' | 'desc', value: string | number, id: string): string {
  return Buffer.from(JSON.stringify([sort, order, value, id]), 'utf8').toString('base64url');
}

function decodeCursor(
  cursor: string,
  sort: WorklistSort,
  order: 'asc' | 'desc',
): { value: string | number; id: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new WorklistCursorError('cursor is not one this API returned: start again from the first page');
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 4 ||
    (typeof parsed[2] !== 'string' && typeof parsed[2] !== 'number') ||
    typeof parsed[3] !== 'string'
  )
    throw new WorklistCursorError('cursor is not one this API returned: start again from the first page');
  if (parsed[0] !== sort || parsed[1] !== order)
    throw new WorklistCursorError(
      `cursor belongs to the order ${String(parsed[0])} ${String(parsed[1])}, not ${sort} ${order}: start again from the first page`,
    );
  return { value: parsed[2], id: parsed[3] };
}
