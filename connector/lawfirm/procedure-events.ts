import { newAction } from '../outbox/action-rows';
import { CANNOT_WRITE_KEY, leaveOutUnwritable } from '../outbox/ledger-write-back';
import type { ConnectionWriteBack } from '../ports/erp';
import type { PartnerEvent } from '../ports/lawfirm';
import type { Logger } from '../log/logger';
import type { Action } from '../model/action.schema';
import type { Case } from '../model/case.schema';
import type { CaseJournalEntry } from '../model/journal.schema';
import { formatMoney } from '../model/money.schema';
import { TERMINAL_PROCEDURE_STATES, type ProcedureState } from '../model/procedure-event.schema';
import type { Store, StoredDossier, StoredProcedureEvent } from '../store/store';
import type { Clock } from '../time/clock';
import { FR } from '../documents/fr.wording';
import { ledgerDate } from '../outbox/ledger-texts';
import { afterTitleDeadlines } from '../dossier/after-title';
import type { ProcedureData } from '../dossier/procedure-data';
import { dateInZone } from '../time/calendar-date';

/**
 * Procedure status from the law firm, whatever the transport (webhook, polling, status file):
 * each event maps to the closed set of procedure states (`indeterminate` for a word we do not
 * know, which alerts a person rather than failing), is appended to the case journal, and brings
 * the outbox rows that write it back into the ledger — a note on each invoice of the dossier,
 * and an activity when the controller must act. All of it in one transaction per event, once per
 * event id (store.applyProcedureEvent).
 */

/** The texts of procedure events (the journal's summary, the ledger's notes): the French wording's. */
const LEDGER = FR.ledger;

/** The dossier's status after an event of this state, when it changes. */
function statusAfter(state: ProcedureState): StoredDossier['status'] | undefined {
  if (state === 'accepted') return 'accepted';
  if (state === 'rejected') return 'rejected';
  if (state === 'withdrawn') return 'withdrawn';
  if (state === 'recovered' || state === 'irrecoverable' || state === 'closed') return 'closed';
  return undefined;
}

/** The case's stage after an event: in procedure while the firm works the file; closed with it; back to escalated when the firm gives it back. */
function stageAfter(state: ProcedureState, current: Case['stage']): Case['stage'] | undefined {
  if (state === 'rejected' || state === 'withdrawn') return current === 'escalated' ? undefined : 'escalated';
  if (state === 'indeterminate' || state === 'submitted') return undefined;
  if (TERMINAL_PROCEDURE_STATES.has(state)) return current === 'closed' ? undefined : 'closed';
  return current === 'in_procedure' ? undefined : 'in_procedure';
}

/** The templates the ledger rows of a procedure event keep (shown as such); what they are about is their subject. */
export const PROCEDURE_NOTE_TEMPLATE = 'procedure-event';
export const PROCEDURE_ACTIVITY_TEMPLATE = 'procedure-activity';

/** The idempotency key of the ledger row of a procedure event. */
export function procedureKey(caseId: string, eventId: string, what: 'note' | 'activity'): string {
  return `${caseId}/procedure/${what}/${eventId}`;
}

export interface ApplyEventsDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  /** The partner's id in the configuration (events of two firms never collide). */
  partner: string;
  /** The procedure state a firm's word stands for (mappings/lawfirm/status-words.ts, given by connector/app/). */
  stateOf: (type: string) => ProcedureState;
  /** Told each event applied (metrics). */
  onApplied?: (state: ProcedureState) => void;
  /** What each connection's ledger takes: an event records no ledger row its case's ledgers cannot perform. */
  ledgerWriteBack?: ConnectionWriteBack;
}

export interface ApplyEventsResult {
  applied: StoredProcedureEvent[];
  /** Already applied (same event id): nothing written. */
  duplicates: number;
  /** Events refused with the reason (an unknown file): nothing written, the firm is told. */
  refused: { id: string; reason: string }[];
}

export async function applyPartnerEvents(
  deps: ApplyEventsDeps,
  events: readonly PartnerEvent[],
): Promise<ApplyEventsResult> {
  const { store, clock, partner } = deps;
  const result: ApplyEventsResult = { applied: [], duplicates: 0, refused: [] };
  for (const ev of events) {
    const dossier =
      (await store.dossiers.getDossier(ev.dossierId)) ?? (await store.dossiers.findDossierByFile(partner, ev.fileId));
    if (!dossier || dossier.partner !== partner) {
      result.refused.push({
        id: ev.id,
        reason: `no dossier ${ev.dossierId} (file ${ev.fileId}) was handed to this firm`,
      });
      deps.logger.warn(
        `law firm ${partner}: event ${ev.id} names no dossier of ours (dossier ${ev.dossierId}, file ${ev.fileId}); refused`,
      );
      continue;
    }
    const c = await store.cases.getCase(dossier.caseId);
    if (!c) {
      result.refused.push({ id: ev.id, reason: `the case of dossier ${dossier.id} no longer exists` });
      continue;
    }
    const state = deps.stateOf(ev.type);
    const now = clock.now().toISOString();
    if (dossier.fileId === null && ev.fileId) {
      // The firm's event came before its answer to the submission (lost, or not back yet): the
      // file it names is this dossier's, and later events and payments follow it.
      await store.dossiers.recordSubmission({
        id: dossier.id,
        fileId: ev.fileId,
        at: now,
        journal: [
          {
            caseId: c.id,
            at: now,
            actor: { kind: 'lawfirm', id: partner },
            type: 'dossier_submitted',
            summary: `dossier ${dossier.id} received by ${partner}: file ${ev.fileId}, as its event ${ev.id} says (the answer to the submission had not arrived)`,
            data: { dossierId: dossier.id, fileId: ev.fileId, partner, fromEvent: ev.id },
          },
        ],
      });
    }
    const id = `${partner}:${ev.id}`;
    const recovered = ev.amount ? ` — ${formatMoney(ev.amount.amount, ev.amount.currency)} recouvrés` : '';
    const summary = `${LEDGER.procedure.state(state)}${ev.label ? ` (${ev.label})` : ''}${recovered}`;
    const journal: Omit<CaseJournalEntry, 'seq'>[] = [
      {
        caseId: c.id,
        at: now,
        actor: { kind: 'lawfirm', id: partner },
        type: 'procedure_event',
        summary: state === 'indeterminate' ? `unknown status "${ev.type}" from the firm: ${summary}` : summary,
        data: {
          eventId: ev.id,
          dossierId: dossier.id,
          fileId: ev.fileId,
          state,
          sourceState: ev.type,
          occurredAt: ev.occurredAt,
          ...(ev.amount ? { amount: ev.amount } : {}),
          ...(ev.documents?.length ? { documents: ev.documents } : {}),
        },
      },
    ];
    const row = (kind: Action['kind'], template: string, what: 'note' | 'activity'): Action =>
      newAction({
        caseId: c.id,
        kind,
        subject: { type: 'procedure_event', eventId: id, dossierId: dossier.id, what },
        idempotencyKey: procedureKey(c.id, id, what),
        template,
        at: now,
      });
    const planned = [row('ledger_note', PROCEDURE_NOTE_TEMPLATE, 'note')];
    if (LEDGER.procedure.controllerMustAct(state) !== undefined)
      planned.push(row('ledger_activity', PROCEDURE_ACTIVITY_TEMPLATE, 'activity'));
    // A ledger that cannot take the note (or the activity) gets no row for it; the journal says so once.
    const ledger = await leaveOutUnwritable({
      store,
      caseId: c.id,
      items: deps.ledgerWriteBack ? await store.sync.listReceivablesOfCase(c.id) : [],
      planned,
      writeBack: deps.ledgerWriteBack,
    });
    const { actions } = ledger;
    for (const { text, told } of ledger.tell)
      journal.push({
        caseId: c.id,
        at: now,
        actor: { kind: 'system', id: 'ledger' },
        type: 'note',
        summary: text,
        data: { eventId: ev.id, dossierId: dossier.id, [CANNOT_WRITE_KEY]: [told] },
      });
    const status = statusAfter(state);
    const caseStage = stageAfter(state, c.stage);
    const applied = await store.dossiers.applyProcedureEvent({
      event: {
        id,
        dossierId: dossier.id,
        caseId: c.id,
        state,
        sourceState: ev.type,
        occurredAt: ev.occurredAt,
        receivedAt: now,
        data: {
          eventId: ev.id,
          fileId: ev.fileId,
          ...(ev.label ? { label: ev.label } : {}),
          ...(ev.amount ? { amount: ev.amount } : {}),
          ...(ev.documents?.length ? { documents: ev.documents } : {}),
          ...(ev.note ? { note: ev.note } : {}),
        },
      },
      ...(status ? { status } : {}),
      ...(caseStage ? { caseStage } : {}),
      journal,
      actions,
      at: now,
    });
    if (!applied) {
      result.duplicates++;
      continue;
    }
    result.applied.push(applied);
    deps.onApplied?.(state);
    if (state === 'indeterminate')
      deps.logger.warn(
        `law firm ${partner}: event ${ev.id} has a status we do not know ("${ev.type}"); journalled as indeterminate and a controller is asked to read it`,
        { caseId: c.id },
      );
  }
  return result;
}

/** What a procedure note needs: the company's time zone (the date of an event), and the after-title data to state what follows a title. */
export interface AfterTitleContext {
  procedures: ProcedureData;
  timeZone: string;
}

/**
 * The next date that matters after this event, for a ledger's "next deadline": after an
 * enforceable title, the first of the deadlines that follow it (the rate increase, CMF L313-3).
 */
export function procedureNextDeadline(event: StoredProcedureEvent, context?: AfterTitleContext): string | undefined {
  if (event.state !== 'enforceable_title' || !context) return undefined;
  const dates = afterTitleDeadlines(dateInZone(new Date(event.occurredAt), context.timeZone), context.procedures)
    .map((d) => d.dueOn)
    .filter((d): d is string => typeof d === 'string')
    .sort();
  return dates[0];
}

/**
 * The text of the ledger note of a procedure event, and the activity when the controller must
 * act. The event's date is the day it was in the company's time zone (without a context, the UTC
 * day). The note of an enforceable title states what follows it (CMF L313-3, CPCE L111-4), dated
 * from the day the firm reports, as `GET /cases/:id/dossiers` shows them.
 */
export function procedureNoteText(event: StoredProcedureEvent, context?: AfterTitleContext): string {
  const label = typeof event.data['label'] === 'string' ? event.data['label'] : null;
  const amount = event.data['amount'] as { amount: number; currency: string } | undefined;
  const timeZone = context?.timeZone ?? 'UTC';
  const deadlines =
    event.state === 'enforceable_title' && context
      ? afterTitleDeadlines(dateInZone(new Date(event.occurredAt), timeZone), context.procedures)
      : [];
  const [rate, prescription] = deadlines;
  const afterTitle = context?.procedures.afterTitle;
  return [
    LEDGER.procedure.note({
      state: LEDGER.procedure.state(event.state),
      label,
      date: ledgerDate(event.occurredAt, timeZone),
    }),
    ...(amount ? [LEDGER.procedure.recovered(formatMoney(amount.amount, amount.currency))] : []),
    ...(event.state === 'indeterminate' ? [LEDGER.procedure.firmWord(event.sourceState)] : []),
    ...(rate?.dueOn && afterTitle
      ? [
          LEDGER.procedure.rateIncrease({
            points: afterTitle.rateIncreasePoints,
            date: ledgerDate(rate.dueOn, timeZone),
            article: rate.article,
          }),
        ]
      : []),
    ...(prescription?.dueOn && afterTitle
      ? [
          LEDGER.procedure.titleDeadline({
            date: ledgerDate(prescription.dueOn, timeZone),
            years: afterTitle.titlePrescriptionYears,
            article: prescription.article,
          }),
        ]
      : []),
  ].join('\n');
}

export function procedureActivity(
  event: StoredProcedureEvent,
  context?: AfterTitleContext,
): { summary: string; text: string } | undefined {
  const todo = LEDGER.procedure.controllerMustAct(event.state);
  if (todo === undefined) return undefined;
  return {
    summary: LEDGER.procedure.activitySummary(LEDGER.procedure.state(event.state)),
    text: `${procedureNoteText(event, context)}\n${LEDGER.procedure.todo(todo)}`,
  };
}
