import type { Logger } from '../log/logger';
import type { Action } from '../model/action.schema';
import type { Amounts, StepDecision } from '../policy/evaluate';
import type { Store } from '../store/store';
import type { Clock } from '../time/clock';
import type { ErpAdapter, WriteBackRequest, WriteBackResult } from '../sync/adapter';
import type { RetryOptions } from '../sync/retry-policy';
import { dispatchActions, type Performer } from './dispatch';
import { approvalActivity, phoneCallActivity, stageNoteText } from './ledger-texts';

/**
 * Performs the outbox rows that write into the ledger (`ledger_note`, `ledger_activity`): decide,
 * record, then act. Each row is written through the adapter of the connection its invoices came
 * from, with the row's idempotency key, so a row performed twice (a crash after the write and
 * before its completion was recorded) finds its own marker instead of writing again.
 */

export interface LedgerPerformerOptions {
  store: Store;
  /** The adapters of the configured connections, by connection id. */
  adapters: ReadonlyMap<string, ErpAdapter>;
  locale?: string;
}

/** The performer of `ledger_note`, `ledger_activity` and `phone_task` rows (a phone task is an activity in the ledger). */
export function ledgerPerformer(options: LedgerPerformerOptions): Performer {
  return async (action) => {
    if (action.kind === 'ledger_activity' && (await approvalSettled(options.store, action))) {
      // A controller approved or rejected the step (API, CLI) before the activity asking them to
      // reached the ledger: writing it now would ask for a decision already made.
      return { summary: 'approval activity not written: the step was approved or rejected before it reached the ledger', data: { items: [], settledBeforeWriting: true } };
    }
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
    return { summary, data: { items } };
  };
}

export interface LedgerActionOptions extends LedgerPerformerOptions {
  clock: Clock;
  logger: Logger;
  retry?: RetryOptions;
  limit?: number;
}

/** Performs the pending ledger rows only (the daemon dispatches every kind together). */
export async function performLedgerActions(options: LedgerActionOptions): Promise<{ done: number; retried: number; failed: number }> {
  const performer = ledgerPerformer(options);
  const { done, retried, failed } = await dispatchActions({ ...options, performers: { ledger_note: performer, ledger_activity: performer } });
  return { done, retried, failed };
}

/** Whether the approval an activity asks for is no longer awaited: the case waits for no step, or for another decision's. */
async function approvalSettled(store: Store, action: Action): Promise<boolean> {
  const decision = action.decisionId ? (await store.listDecisions(action.caseId)).find((d) => d.id === action.decisionId) : undefined;
  if (!decision?.requiresApproval) return false;
  const c = await store.getCase(action.caseId);
  return !c || c.stage !== 'awaiting_approval' || c.pendingApproval?.stepId !== decision.stepId || c.pendingApproval.on !== decision.asOf;
}

/** One write-back request per connection holding some of the decision's items. */
async function buildRequests(options: LedgerPerformerOptions, action: Action): Promise<{ adapter: ErpAdapter; request: WriteBackRequest }[]> {
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
  const locale = options.locale ? { locale: options.locale } : {};
  if (action.kind === 'ledger_activity' || action.kind === 'phone_task') {
    const debtor = c ? await store.getDebtor(c.debtorId) : undefined;
    const debtorName = debtor?.name ?? action.caseId;
    const { summary, text } =
      action.kind === 'phone_task'
        ? phoneCallActivity({ asOf: decision.asOf, amounts: evaluation.amounts, debtorName, phones: debtor?.phones ?? [], ...locale })
        : approvalActivity({ step: evaluation.step, asOf: decision.asOf, amounts: evaluation.amounts, debtorName, ...locale });
    request = { ...base, kind: 'activity', summary, text, deadline: decision.asOf };
  } else {
    request = { ...base, kind: 'note', text: stageNoteText({ step: evaluation.step, asOf: decision.asOf, amounts: evaluation.amounts, itemCount: itemIds.length, ...(options.locale ? { locale: options.locale } : {}) }) };
  }
  return [...byConnection].map(([connection, receivableIds]) => ({ adapter: options.adapters.get(connection)!, request: { ...request, receivableIds } }));
}
