import type { Logger } from '../log/logger';
import type { Action } from '../model/action.schema';
import type { CaseJournalEntry } from '../model/journal.schema';
import type { Amounts, StepDecision } from '../policy/evaluate';
import type { Store } from '../store/store';
import type { Clock } from '../time/clock';
import type { ErpAdapter, WriteBackRequest, WriteBackResult } from '../sync/adapter';
import { AdapterError } from '../sync/adapter-error';
import { decideRetry, DEFAULT_RETRY, type RetryOptions } from '../sync/retry-policy';
import { approvalActivity, stageNoteText } from './ledger-texts';

/**
 * Performs the outbox rows that write into the ledger (`ledger_note`, `ledger_activity`): decide,
 * record, then act. Each row is written through the adapter of the connection its invoices came
 * from, with the row's idempotency key, so a row performed twice (a crash after the write and
 * before its completion was recorded) finds its own marker instead of writing again.
 */

export interface LedgerRunResult {
  done: number;
  retried: number;
  failed: number;
}

export interface LedgerActionOptions {
  store: Store;
  /** The adapters of the configured connections, by connection id. */
  adapters: ReadonlyMap<string, ErpAdapter>;
  clock: Clock;
  logger: Logger;
  locale?: string;
  retry?: RetryOptions;
  /** At most this many rows per run. */
  limit?: number;
}

const LEDGER_KINDS = ['ledger_note', 'ledger_activity'] as const;

export async function performLedgerActions(options: LedgerActionOptions): Promise<LedgerRunResult> {
  const { store, clock, logger } = options;
  const result: LedgerRunResult = { done: 0, retried: 0, failed: 0 };
  const now = clock.now().toISOString();
  for (const kind of LEDGER_KINDS) {
    const rows = await store.listActions({ status: 'pending', kind, ...(options.limit ? { limit: options.limit } : {}) });
    for (const action of rows) {
      if (action.notBefore > now) continue;
      const outcome = await performOne(options, action);
      result[outcome]++;
      if (outcome !== 'done') logger.warn(`ledger ${action.kind} ${action.idempotencyKey}: ${outcome}`, { actionId: action.id, caseId: action.caseId });
    }
  }
  return result;
}

async function performOne(options: LedgerActionOptions, action: Action): Promise<keyof LedgerRunResult> {
  const { store, clock } = options;
  const attempts = action.attempts + 1;
  const at = clock.now().toISOString();
  const actor = { kind: 'system' as const, id: 'outbox' };
  const journal = (type: CaseJournalEntry['type'], summary: string, data: Record<string, unknown>): Omit<CaseJournalEntry, 'seq'> => ({ caseId: action.caseId, at, actor, type, summary, data: { actionId: action.id, idempotencyKey: action.idempotencyKey, ...data } });
  try {
    const requests = await buildRequests(options, action);
    const items: WriteBackResult['items'] = [];
    for (const { adapter, request } of requests) {
      items.push(...(await adapter.writeBack(request)).items);
      // The stage in custom fields, where the ledger has them (idempotent: same values again).
      if (request.kind === 'note' && request.stage) await adapter.writeBack({ ...request, key: `${request.key}/fields`, kind: 'fields' });
    }
    const written = items.filter((i) => i.status === 'written').length;
    const already = items.filter((i) => i.status === 'already_written').length;
    const skipped = items.filter((i) => i.status === 'skipped');
    const what = action.kind === 'ledger_note' ? 'note' : 'activity';
    const summary = items.length === 0 ? `${what} not written: none of the case's items comes from a connected ledger` : `${what} written in the ledger on ${written} item(s)${already ? `, already there on ${already}` : ''}${skipped.length ? `, skipped on ${skipped.length}` : ''}`;
    await store.completeAction({ id: action.id, status: 'done', attempts, lastError: null, at, journal: [journal('action_performed', summary, { items })] });
    return 'done';
  } catch (e) {
    const message = e instanceof AdapterError ? `${e.code}: ${e.userMessage}` : e instanceof Error ? e.message : String(e);
    // Even a write whose outcome is unknown may be tried again here: the marker check comes first.
    const decision = decideRetry(e instanceof AdapterError && e.outcomeUnknown ? new AdapterError({ code: e.code, kind: 'transient', userMessage: e.userMessage }) : e, attempts, false, options.retry ?? DEFAULT_RETRY);
    if (decision.retry) {
      const notBefore = new Date(clock.now().getTime() + decision.delayMs).toISOString();
      await store.completeAction({ id: action.id, status: 'pending', attempts, lastError: message, at, notBefore });
      return 'retried';
    }
    await store.completeAction({ id: action.id, status: 'failed', attempts, lastError: message, at, journal: [journal('action_failed', `ledger write failed: ${message}`, { reason: decision.reason })] });
    return 'failed';
  }
}

/** One write-back request per connection holding some of the decision's items. */
async function buildRequests(options: LedgerActionOptions, action: Action): Promise<{ adapter: ErpAdapter; request: WriteBackRequest }[]> {
  const { store } = options;
  const decision = action.decisionId ? (await store.listDecisions(action.caseId)).find((d) => d.id === action.decisionId) : undefined;
  if (!decision) throw new Error(`action ${action.id} names decision ${String(action.decisionId)}, which does not exist`);
  const c = await store.getCase(action.caseId);
  const evaluation = decision.evaluation as { step: StepDecision; amounts: Amounts; itemIds?: string[]; asOf: string };
  const itemIds = evaluation.itemIds ?? (await store.listReceivablesOfCase(action.caseId)).filter((r) => r.open > 0).map((r) => r.id);
  const byConnection = new Map<string, string[]>();
  for (const id of itemIds) {
    const r = await store.getReceivable(id);
    if (!r || !options.adapters.has(r.source.connection)) continue;
    byConnection.set(r.source.connection, [...(byConnection.get(r.source.connection) ?? []), id]);
  }
  const base = { key: action.idempotencyKey, ...(c ? { stage: c.stage } : {}) };
  let request: Omit<WriteBackRequest, 'receivableIds'>;
  if (action.kind === 'ledger_activity') {
    const debtor = c ? await store.getDebtor(c.debtorId) : undefined;
    const { summary, text } = approvalActivity({ step: evaluation.step, asOf: decision.asOf, amounts: evaluation.amounts, debtorName: debtor?.name ?? action.caseId, ...(options.locale ? { locale: options.locale } : {}) });
    request = { ...base, kind: 'activity', summary, text, deadline: decision.asOf };
  } else {
    request = { ...base, kind: 'note', text: stageNoteText({ step: evaluation.step, asOf: decision.asOf, amounts: evaluation.amounts, itemCount: itemIds.length, ...(options.locale ? { locale: options.locale } : {}) }) };
  }
  return [...byConnection].map(([connection, receivableIds]) => ({ adapter: options.adapters.get(connection)!, request: { ...request, receivableIds } }));
}
