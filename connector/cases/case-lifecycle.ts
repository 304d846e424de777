import { caseIdOf, type Case } from '../model/case.schema';
import type { CaseJournalEntry } from '../model/journal.schema';
import type { Receivable } from '../model/receivable.schema';
import type { Store, SyncPage } from '../store/store';

/**
 * When a case opens, closes and reopens. The store only writes what these rules decide, with
 * guarded updates (a case moves only from the stages named here), in the caller's unit of work.
 */

type JournalLine = Omit<CaseJournalEntry, 'seq'>;

/** Stages a settled case leaves by itself; escalated and in-procedure cases wait for the law firm. */
export const CLOSABLE_STAGES: readonly Case['stage'][] = ['open', 'reminding', 'formal_notice', 'awaiting_approval'];

/** The case a receivable belongs to (one per debtor, company and currency), as it opens. */
export function newCaseFor(receivable: Receivable, at: string): Case {
  return {
    id: caseIdOf(receivable.debtorId, receivable.companyId, receivable.currency),
    debtorId: receivable.debtorId,
    companyId: receivable.companyId,
    currency: receivable.currency,
    stage: 'open',
    policyId: null,
    lastStep: null,
    lastContactOn: null,
    manualPause: null,
    pendingApproval: null,
    openedAt: at,
    updatedAt: at,
  };
}

/** The cases these receivables open: one per case id, for the store to insert where missing. */
export function casesOpenedBy(receivables: readonly Receivable[], at: string): Case[] {
  const cases = new Map<string, Case>();
  for (const r of receivables) {
    const c = newCaseFor(r, at);
    if (!cases.has(c.id)) cases.set(c.id, c);
  }
  return [...cases.values()];
}

/**
 * Saves receivables with the cases they belong to, in one unit of work: a missing case opens; an
 * existing one keeps its stage and history. The store's rules for annotations apply
 * (`SyncStore.upsertReceivables`).
 */
export async function saveReceivables(store: Store, receivables: Receivable[], at: string): Promise<void> {
  if (receivables.length === 0) return;
  await store.transaction(async (tx) => {
    await tx.cases.insertMissingCases(casesOpenedBy(receivables, at));
    await tx.sync.upsertReceivables(receivables);
  });
}

/**
 * After a page's records are written: a case whose last open item the page settled is closed; a
 * closed case that receives an open item again is reopened and its ladder starts over. Cases
 * escalated or in a procedure keep their stage: the law firm must hear of the payment first.
 * Returns the journal lines, for the caller to append in the same unit of work.
 */
export async function settleCases(tx: Store, page: SyncPage): Promise<JournalLine[]> {
  const actor = { kind: 'erp' as const, id: page.connection };
  const line = (caseId: string, type: CaseJournalEntry['type'], summary: string): JournalLine => ({
    caseId,
    at: page.at,
    actor,
    type,
    summary,
    data: {},
  });
  const receivables = page.receivables ?? [];
  const caseOf = (r: Receivable) => caseIdOf(r.debtorId, r.companyId, r.currency);

  const reopened = await tx.cases.moveCases({
    ids: [...new Set(receivables.filter((r) => r.open > 0).map(caseOf))],
    from: ['closed'],
    set: { stage: 'open', lastStep: null, pendingApproval: null },
    at: page.at,
  });
  const lines = reopened.map((id) =>
    line(id, 'case_opened', 'reopened: a new open item arrived from the ledger; the dunning ladder starts over'),
  );

  const settled = new Set(receivables.filter((r) => r.open === 0).map(caseOf));
  for (const id of await tx.sync.caseIdsOfReceivables((page.closures ?? []).map((c) => c.id))) settled.add(id);
  const stillOpen = await tx.sync.casesWithOpenItems([...settled]);
  const closed = await tx.cases.moveCases({
    ids: [...settled].filter((id) => !stillOpen.has(id)),
    from: CLOSABLE_STAGES,
    set: { stage: 'closed', pendingApproval: null },
    at: page.at,
  });
  lines.push(...closed.map((id) => line(id, 'case_closed', 'closed: nothing is left to claim in the ledger')));
  return lines;
}
