import type { Logger } from '../log/logger';
import type { Action, ActionSubject } from '../model/action.schema';
import type { Receivable } from '../model/receivable.schema';
import { LedgerEvaluationSchema, readEvaluation } from '../policy/recorded-evaluation.schema';
import type { Store } from '../store/store';
import type { Clock } from '../time/clock';
import type { ErpAdapter, WriteBackKind, WriteBackRequest, WriteBackResult } from '../ports/erp';
import type { RetryOptions } from '../sync/retry-policy';
import {
  procedureActivity,
  procedureKey,
  procedureNoteText,
  type AfterTitleContext,
  procedureNextDeadline,
} from '../lawfirm/procedure-events';
import { AdapterError } from '../ports/adapter-error';
import type { NextStep } from '../policy/next-step';
import { claimedReceivables, type DossierClaimLines } from '../dossier/claimed-items';
import { dispatchActions, type Performer, type PerformResult } from './dispatch';
import { activityAsNote, approvalActivity, phoneCallActivity, stageNoteText } from './ledger-texts';
import { alreadyTold, CANNOT_WRITE_KEY, cannotWriteText, writtenAs, type CannotWrite } from './ledger-write-back';

/**
 * Performs the outbox rows that write into the ledger (`ledger_note`, `ledger_activity`): decide,
 * record, then act. Each row is written through the adapter of the connection its invoices came
 * from, with the row's idempotency key, so a row performed twice (a crash after the write and
 * before its completion was recorded) finds its own marker instead of writing again.
 *
 * Nothing is asked of a ledger that cannot take it (its adapter's `writeBackKinds`): a row only
 * such ledgers would take is done without writing, and the case journal says so the first time
 * for that connection and kind; later rows are done without a journal line
 * (ledger-write-back.ts).
 */

export interface LedgerPerformerOptions {
  store: Store;
  /** The adapters of the configured connections, by connection id. */
  adapters: ReadonlyMap<string, ErpAdapter>;
  locale?: string;
  /** With it, the note of an enforceable title states the deadlines that follow (CMF L313-3, CPCE L111-4). */
  afterTitle?: AfterTitleContext;
  /**
   * What the ladder does next on a case: a stage note carries the next step's date as the
   * invoice's next deadline (the Odoo addon's field). Without it, no deadline is written.
   */
  nextStep?: (caseId: string) => Promise<NextStep | undefined>;
}

/** The performer of `ledger_note`, `ledger_activity` and `phone_task` rows (a phone task is an activity in the ledger). */
export function ledgerPerformer(options: LedgerPerformerOptions): Performer {
  return async (action) => {
    if (action.kind === 'ledger_activity' && (await approvalSettled(options.store, action))) {
      // A controller approved or rejected the step (API, CLI) before the activity asking them to
      // reached the ledger: writing it now would ask for a decision already made.
      return {
        summary: 'approval activity not written: the step was approved or rejected before it reached the ledger',
        data: { items: [], settledBeforeWriting: true },
      };
    }
    if (action.subject.type === 'procedure_event') return performProcedureRow(options, action, action.subject);
    const requests = await buildRequests(options, action);
    const items: WriteBackResult['items'] = [];
    const cannot: CannotWrite[] = [];
    let asNotes = 0;
    for (const { connection, adapter, request } of requests) {
      const as = writtenAs(adapter.writeBackKinds, request.kind);
      if (as === undefined) {
        cannot.push({ connection, kind: request.kind });
        continue;
      }
      const written = (await adapter.writeBack(as === request.kind ? request : activityAsNote(request, options.locale)))
        .items;
      items.push(...written);
      if (as !== request.kind) asNotes += written.length;
      // The stage in custom fields, where the ledger has them (idempotent: same values again).
      if (request.kind === 'note' && request.stage && adapter.writeBackKinds.includes('fields'))
        await adapter.writeBack({ ...request, key: `${request.key}/fields`, kind: 'fields' });
    }
    const written = items.filter((i) => i.status === 'written').length;
    const already = items.filter((i) => i.status === 'already_written').length;
    const skipped = items.filter((i) => i.status === 'skipped');
    const what = action.kind === 'ledger_note' ? 'note' : action.kind === 'phone_task' ? 'phone task' : 'activity';
    if (items.length === 0 && cannot.length > 0) return toldOnce(options, action, cannot, `${what} not written`);
    const summary =
      items.length === 0
        ? `${what} not written: none of the case's items comes from a connected ledger`
        : `${what} written in the ledger on ${written} item(s)${already ? `, already there on ${already}` : ''}${skipped.length ? `, skipped on ${skipped.length}` : ''}${asNotes ? `${asNotes === items.length ? '' : `, on ${asNotes} of them`} as a note (the ledger has no tasks)` : ''}`;
    return withToldOnce(options, action, cannot, { summary, data: { items } });
  };
}

/**
 * A row no ledger of its items could take: done without writing. The journal line says why the
 * first time for each connection and kind; after that the row is done without one.
 */
async function toldOnce(
  options: LedgerPerformerOptions,
  action: Action,
  cannot: readonly CannotWrite[],
  what: string,
): Promise<PerformResult> {
  const told = await notToldYet(options, action, cannot);
  if (told.length === 0) return { summary: `${what}: its ledger cannot take it (said before)`, silent: true };
  return {
    summary: `${what}: ${told.map((t) => cannotWriteText(t, writeBackOf(options, t.connection))).join('; ')}`,
    data: { items: [], [CANNOT_WRITE_KEY]: told },
  };
}

/** A row written on some of its ledgers: the others are named the first time. */
async function withToldOnce(
  options: LedgerPerformerOptions,
  action: Action,
  cannot: readonly CannotWrite[],
  result: PerformResult,
): Promise<PerformResult> {
  const told = cannot.length ? await notToldYet(options, action, cannot) : [];
  if (told.length === 0) return result;
  return {
    summary: `${result.summary}; ${told.map((t) => cannotWriteText(t, writeBackOf(options, t.connection))).join('; ')}`,
    data: { ...result.data, [CANNOT_WRITE_KEY]: told },
  };
}

async function notToldYet(
  options: LedgerPerformerOptions,
  action: Action,
  cannot: readonly CannotWrite[],
): Promise<CannotWrite[]> {
  const unique = cannot.filter(
    (c, i) => cannot.findIndex((d) => d.connection === c.connection && d.kind === c.kind) === i,
  );
  const journal = await options.store.cases.readJournal(action.caseId);
  return unique.filter((c) => !alreadyTold(journal, c));
}

function writeBackOf(options: LedgerPerformerOptions, connection: string): readonly WriteBackKind[] {
  return options.adapters.get(connection)?.writeBackKinds ?? [];
}

export interface LedgerActionOptions extends LedgerPerformerOptions {
  clock: Clock;
  logger: Logger;
  retry?: RetryOptions;
  limit?: number;
}

/** Performs the pending ledger rows only (the daemon dispatches every kind together). */
export async function performLedgerActions(
  options: LedgerActionOptions,
): Promise<{ done: number; retried: number; failed: number }> {
  const performer = ledgerPerformer(options);
  const { done, retried, failed } = await dispatchActions({
    ...options,
    performers: { ledger_note: performer, ledger_activity: performer },
  });
  return { done, retried, failed };
}

/**
 * The ledger row of a procedure event. A note is written for this event and, first, for every
 * earlier event of the same dossier whose note is not there yet (each under its own key, so a
 * note already written is found by its marker and not written again): the notes reach the
 * ledger in the order the events were applied, even when an earlier row is waiting for a retry.
 */
async function performProcedureRow(
  options: LedgerPerformerOptions,
  action: Action,
  subject: Extract<ActionSubject, { type: 'procedure_event' }>,
): Promise<PerformResult> {
  const { store } = options;
  const event = await store.dossiers.getProcedureEvent(subject.eventId);
  const dossier = event ? await store.dossiers.getDossier(event.dossierId) : undefined;
  if (!event || !dossier)
    throw new AdapterError({
      code: 'PROCEDURE_EVENT_MISSING',
      kind: 'system',
      userMessage: `outbox row ${action.id} names procedure event ${subject.eventId}, which is not stored`,
    });
  const found = { dossier, event, events: await store.dossiers.listProcedureEvents(dossier.id) };
  // The dossier's lines name the credit notes deducted too: the notes go on the invoices it claims only.
  const claimed = (await claimedReceivables(store, action.caseId, found.dossier.content as DossierClaimLines)).filter(
    (r) => r.kind === 'invoice',
  );
  const byConnection = new Map<string, string[]>();
  for (const r of claimed.length
    ? claimed
    : (await store.sync.listReceivablesOfCase(action.caseId)).filter((r) => r.kind === 'invoice')) {
    if (!options.adapters.has(r.source.connection)) continue;
    byConnection.set(r.source.connection, [...(byConnection.get(r.source.connection) ?? []), r.id]);
  }
  const c = await store.cases.getCase(action.caseId);
  // The reference the firm knows the file by, once it has answered; ours until then.
  const dossierRef = found.dossier.fileId ?? found.dossier.id;
  const items: WriteBackResult['items'] = [];
  const cannot: CannotWrite[] = [];
  const write = async (request: Omit<WriteBackRequest, 'receivableIds'>) => {
    for (const [connection, receivableIds] of byConnection) {
      const adapter = options.adapters.get(connection)!;
      const as = writtenAs(adapter.writeBackKinds, request.kind);
      if (as !== undefined)
        items.push(
          ...(
            await adapter.writeBack(
              as === request.kind
                ? { ...request, receivableIds }
                : { ...activityAsNote(request, options.locale), receivableIds },
            )
          ).items,
        );
      // The recovery fields complete a note: a ledger without them is not worth a line of its own.
      else if (request.kind !== 'fields') cannot.push({ connection, kind: request.kind });
    }
  };
  if (subject.what === 'activity') {
    const activity = procedureActivity(found.event, options.afterTitle);
    if (activity)
      await write({
        key: action.idempotencyKey,
        kind: 'activity',
        summary: activity.summary,
        text: activity.text,
        deadline: found.event.receivedAt.slice(0, 10),
      });
  } else {
    // Earlier events whose own row is done have their note already: only the others are written first.
    const done = new Set(
      (await store.outbox.listActions({ caseId: action.caseId, kind: 'ledger_note', status: 'done' })).map(
        (a) => a.idempotencyKey,
      ),
    );
    for (const earlier of found.events.filter(
      (e) =>
        e.seq <= found.event.seq && (e.id === found.event.id || !done.has(procedureKey(action.caseId, e.id, 'note'))),
    )) {
      const nextDeadline = procedureNextDeadline(earlier, options.afterTitle);
      const request = {
        key: procedureKey(action.caseId, earlier.id, 'note'),
        kind: 'note' as const,
        text: procedureNoteText(earlier, options.afterTitle),
        procedureState: earlier.state,
        ...(c ? { stage: c.stage } : {}),
        recovery: { dossierRef, eventAt: earlier.occurredAt, ...(nextDeadline ? { nextDeadline } : {}) },
      };
      const before = items.length;
      await write(request);
      // This event's own result is what the journal line counts.
      if (earlier.id !== found.event.id) items.splice(before);
    }
    // The procedure state in the ledger's custom fields, where it has them: the dossier's current state.
    const noted = items.length;
    await write({
      key: `${procedureKey(action.caseId, found.event.id, 'note')}/fields`,
      kind: 'fields',
      text: '',
      procedureState: found.dossier.state,
      ...(c ? { stage: c.stage } : {}),
      recovery: { dossierRef },
    });
    items.splice(noted);
  }
  const written = items.filter((i) => i.status === 'written').length;
  const already = items.filter((i) => i.status === 'already_written').length;
  const what = subject.what === 'activity' ? 'procedure activity' : 'procedure note';
  if (items.length === 0 && cannot.length > 0)
    return toldOnce(options, action, cannot, `${what} (${found.event.state}) not written`);
  return withToldOnce(options, action, cannot, {
    summary:
      items.length === 0
        ? `${what} not written: none of the dossier's items comes from a connected ledger`
        : `${what} (${found.event.state}) written in the ledger on ${written} item(s)${already ? `, already there on ${already}` : ''}`,
    data: { items, eventId: found.event.id, state: found.event.state },
  });
}

/** Whether the approval an activity asks for is no longer awaited: the case waits for no step, or for another decision's. */
async function approvalSettled(store: Store, action: Action): Promise<boolean> {
  const decision =
    action.subject.type === 'decision' ? await store.outbox.getDecisionById(action.subject.decisionId) : undefined;
  if (!decision?.requiresApproval) return false;
  const c = await store.cases.getCase(action.caseId);
  return (
    !c ||
    c.stage !== 'awaiting_approval' ||
    c.pendingApproval?.stepId !== decision.stepId ||
    c.pendingApproval.on !== decision.asOf
  );
}

/**
 * One write-back request per connection holding some of the invoices the decision claims. The
 * decision's items also list the open credit notes netted from the amounts; nothing is written
 * on them (the message claims nothing there). Instead the note on each invoice names them by
 * number next to the amount deducted, so whoever reads an invoice sees which credit notes were used.
 */
/**
 * The date of the ladder's next step, for a stage note: when the next step is due or waited for.
 * A case paused, completed, blocked or waiting for an approval has none. An evaluation that fails
 * (a policy changed under the case) costs the note its deadline, never the note itself.
 */
async function nextDeadlineOf(options: LedgerPerformerOptions, caseId: string): Promise<string | undefined> {
  if (!options.nextStep) return undefined;
  try {
    const next = await options.nextStep(caseId);
    return next && (next.status === 'due' || next.status === 'waiting') ? (next.dueOn ?? undefined) : undefined;
  } catch {
    return undefined;
  }
}

async function buildRequests(
  options: LedgerPerformerOptions,
  action: Action,
): Promise<{ connection: string; adapter: ErpAdapter; request: WriteBackRequest }[]> {
  const { store } = options;
  const decisionId = action.subject.type === 'decision' ? action.subject.decisionId : null;
  const decision = decisionId === null ? undefined : await store.outbox.getDecisionById(decisionId);
  if (!decision) throw new Error(`action ${action.id} names decision ${String(decisionId)}, which does not exist`);
  const read = readEvaluation(decision, LedgerEvaluationSchema);
  if (!read.ok) throw new Error(`action ${action.id}: ${read.message}`);
  const evaluation = read.evaluation;
  const c = await store.cases.getCase(action.caseId);
  const items: Receivable[] = evaluation.itemIds
    ? []
    : (await store.sync.listReceivablesOfCase(action.caseId)).filter((r) => r.open > 0);
  for (const id of evaluation.itemIds ?? []) {
    const r = await store.sync.getReceivable(id);
    if (r) items.push(r);
  }
  const invoices = items.filter((r) => r.kind === 'invoice');
  const creditNoteNumbers = items.filter((r) => r.kind === 'credit_note').map((r) => r.number);
  const byConnection = new Map<string, string[]>();
  for (const r of invoices) {
    if (!options.adapters.has(r.source.connection)) continue;
    byConnection.set(r.source.connection, [...(byConnection.get(r.source.connection) ?? []), r.id]);
  }
  const base = { key: action.idempotencyKey, ...(c ? { stage: c.stage } : {}) };
  let request: Omit<WriteBackRequest, 'receivableIds'>;
  const locale = { ...(options.locale ? { locale: options.locale } : {}), caseRef: action.caseId };
  if (action.kind === 'ledger_activity' || action.kind === 'phone_task') {
    const debtor = c ? await store.sync.getDebtor(c.debtorId) : undefined;
    const debtorName = debtor?.name ?? action.caseId;
    const { summary, text } =
      action.kind === 'phone_task'
        ? phoneCallActivity({
            asOf: decision.asOf,
            amounts: evaluation.amounts,
            debtorName,
            phones: debtor?.phones ?? [],
            ...locale,
          })
        : approvalActivity({
            step: evaluation.step,
            asOf: decision.asOf,
            amounts: evaluation.amounts,
            debtorName,
            ...locale,
          });
    request = { ...base, kind: 'activity', summary, text, deadline: decision.asOf };
  } else {
    request = {
      ...base,
      kind: 'note',
      text: stageNoteText({
        step: evaluation.step,
        asOf: decision.asOf,
        amounts: evaluation.amounts,
        itemCount: invoices.length,
        creditNoteNumbers,
        ...locale,
      }),
    };
    const nextDeadline = await nextDeadlineOf(options, action.caseId);
    if (nextDeadline) request.recovery = { nextDeadline };
  }
  return [...byConnection].map(([connection, receivableIds]) => ({
    connection,
    adapter: options.adapters.get(connection)!,
    request: { ...request, receivableIds },
  }));
}
