import type { Case } from '../model/case.schema';
import type { CaseJournalEntry } from '../model/journal.schema';
import type { Debtor } from '../model/debtor.schema';
import type { Receivable } from '../model/receivable.schema';
import type { Store } from '../store/store';
import type { IsoDate } from '../time/calendar-date';
import { pendingDecision, type RecordedEvaluation } from './recorded-step';

/**
 * What a controller reads about cases: one case with its debtor's name, its open items and
 * their amounts, and the cases waiting for an approval with what the decision found. Reads only.
 */

/** Sums of open amounts in the case's currency, minor units. */
export interface CaseAmounts {
  currency: string;
  /** Open invoices, whatever their marks. */
  invoices: number;
  /** Open credit notes. */
  credit: number;
  /** Invoices minus credit notes. */
  net: number;
  /** Open invoices due before the date of the view. */
  overdue: number;
  /** Open invoices marked disputed. */
  disputed: number;
  /** Open invoices excluded from dunning. */
  excluded: number;
}

export interface DebtorSummary {
  id: string;
  name: string;
  kind: Debtor['kind'];
}

export interface CaseDetail {
  case: Case;
  /** Null while the debtor has not been synced yet. */
  debtor: DebtorSummary | null;
  /** Invoices and credit notes with an open amount, by due date then id. */
  items: Receivable[];
  amounts: CaseAmounts;
  asOf: IsoDate;
}

export interface ApprovalView {
  caseId: string;
  debtor: DebtorSummary | null;
  /** The step waiting, as the decision recorded it; null when no decision records it. */
  step: RecordedEvaluation['step'] | null;
  /** The business date the step was decided on. */
  decidedOn: IsoDate;
  decisionId: string | null;
  decidedAt: string | null;
  /** The amounts the decision saw, as the policy engine computed them. */
  amounts: RecordedEvaluation['amounts'] | null;
  itemIds: string[];
  manualPause: Case['manualPause'];
}

export function amountsOf(currency: string, items: readonly Receivable[], asOf: IsoDate): CaseAmounts {
  const open = items.filter((r) => r.open > 0);
  const invoices = open.filter((r) => r.kind === 'invoice');
  const sum = (list: readonly Receivable[]) => list.reduce((s, r) => s + r.open, 0);
  const credit = sum(open.filter((r) => r.kind === 'credit_note'));
  return {
    currency,
    invoices: sum(invoices),
    credit,
    net: sum(invoices) - credit,
    overdue: sum(invoices.filter((r) => r.dueDate < asOf)),
    disputed: sum(invoices.filter((r) => r.disputed)),
    excluded: sum(invoices.filter((r) => r.excluded)),
  };
}

export async function readCaseDetail(store: Store, caseId: string, asOf: IsoDate): Promise<CaseDetail | undefined> {
  const c = await store.cases.getCase(caseId);
  if (!c) return undefined;
  const [debtor, receivables] = await Promise.all([
    store.sync.getDebtor(c.debtorId),
    store.sync.listReceivablesOfCase(caseId),
  ]);
  const items = receivables.filter((r) => r.open > 0);
  return { case: c, debtor: debtor ? summary(debtor) : null, items, amounts: amountsOf(c.currency, items, asOf), asOf };
}

/** Cases awaiting approval, in case id order, `limit` at a time after `afterId`. */
export async function listApprovals(
  store: Store,
  page: { limit: number; afterId?: string },
): Promise<{ approvals: ApprovalView[]; next: string | null }> {
  const cases = await store.cases.listCases({
    stage: 'awaiting_approval',
    limit: page.limit,
    ...(page.afterId === undefined ? {} : { afterId: page.afterId }),
  });
  const approvals: ApprovalView[] = [];
  for (const c of cases) {
    const [debtor, found] = await Promise.all([store.sync.getDebtor(c.debtorId), pendingDecision(store, c)]);
    approvals.push({
      caseId: c.id,
      debtor: debtor ? summary(debtor) : null,
      step: found?.evaluation.step ?? null,
      decidedOn: c.pendingApproval?.on ?? c.updatedAt.slice(0, 10),
      decisionId: found?.decision.id ?? null,
      decidedAt: found?.decision.decidedAt ?? null,
      amounts: found?.evaluation.amounts ?? null,
      itemIds: found?.evaluation.itemIds ?? [],
      manualPause: c.manualPause,
    });
  }
  return { approvals, next: cases.length === page.limit ? (cases[cases.length - 1]?.id ?? null) : null };
}

/** Journal entries a page holds when the client does not say (GET /cases/:id/journal, `cases journal --limit`). */
export const JOURNAL_PAGE_DEFAULT = 100;
/** The most a page holds, whatever the client asks. */
export const JOURNAL_PAGE_MAX = 1_000;

export interface JournalPage {
  /** In seq order, at most `limit`. */
  entries: CaseJournalEntry[];
  /** The seq to pass as `after` for the next page; null when this page ends the journal. */
  next: number | null;
}

/**
 * One page of a case's journal after `after` (a seq): one more entry is read than the page
 * holds, so that `next` is null exactly when nothing follows.
 */
export async function readJournalPage(
  store: Store,
  caseId: string,
  page: { limit: number; after?: number },
): Promise<JournalPage> {
  const read = await store.cases.readJournal(caseId, page.after, page.limit + 1);
  const entries = read.slice(0, page.limit);
  return { entries, next: read.length > page.limit ? (entries[entries.length - 1]?.seq ?? null) : null };
}

function summary(d: Debtor): DebtorSummary {
  return { id: d.id, name: d.name, kind: d.kind };
}
