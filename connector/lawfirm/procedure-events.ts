import { randomUUID } from 'node:crypto';
import type { PartnerEvent } from '../ports/lawfirm';
import type { Logger } from '../log/logger';
import type { Action } from '../model/action.schema';
import type { Case } from '../model/case.schema';
import type { CaseJournalEntry } from '../model/journal.schema';
import { formatMoney } from '../model/money.schema';
import { TERMINAL_PROCEDURE_STATES, type ProcedureState } from '../model/procedure-event.schema';
import type { Store, StoredDossier, StoredProcedureEvent } from '../store/store';
import type { Clock } from '../time/clock';
import { frenchDate } from '../outbox/ledger-texts';
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

/** What the controller must do when the firm reports this state (an activity in the ledger), if anything. */
const CONTROLLER_MUST_ACT: Partial<Record<ProcedureState, string>> = {
  rejected: 'le cabinet a refusé le dossier : le compléter ou reprendre le recouvrement amiable',
  opposition: 'le débiteur a formé opposition : la procédure devient contentieuse, décider de la suite avec le cabinet',
  irrecoverable:
    "créance irrécouvrable : émettre la facture rectificative puis récupérer la TVA (CGI art. 272-1) avant le 31 décembre de la deuxième année suivant l'événement",
  insolvency_declared:
    'procédure collective ouverte : déclarer la créance au mandataire judiciaire dans les 2 mois de la publication au BODACC (C. com. R622-24)',
  indeterminate: "le cabinet a envoyé un statut que Recouvra ne connaît pas : le lire et qualifier l'étape",
};

const STATE_FR: Readonly<Record<ProcedureState, string>> = {
  submitted: 'dossier transmis',
  accepted: 'dossier accepté par le cabinet',
  rejected: 'dossier refusé par le cabinet',
  amicable_phase: 'phase amiable du cabinet',
  filed: 'requête ou assignation déposée',
  order_issued: 'ordonnance rendue',
  served: 'acte signifié',
  opposition: 'opposition du débiteur',
  hearing: 'audience',
  judgment: 'jugement rendu',
  enforceable_title: 'titre exécutoire obtenu',
  enforcement: 'exécution forcée en cours',
  partial_recovery: 'recouvrement partiel',
  recovered: 'créance recouvrée',
  irrecoverable: 'créance irrécouvrable',
  insolvency_declared: 'procédure collective du débiteur',
  withdrawn: 'dossier retiré',
  closed: 'dossier clos',
  indeterminate: 'statut inconnu',
};

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

export const PROCEDURE_NOTE_TEMPLATE = 'procedure-event';
export const PROCEDURE_ACTIVITY_TEMPLATE = 'procedure-activity';

/** The idempotency key of the ledger row of a procedure event, and back. */
export function procedureKey(caseId: string, eventId: string, what: 'note' | 'activity'): string {
  return `${caseId}/procedure/${what}/${eventId}`;
}
export function eventIdOfKey(caseId: string, key: string): string | undefined {
  for (const what of ['note', 'activity']) {
    const prefix = `${caseId}/procedure/${what}/`;
    if (key.startsWith(prefix)) return key.slice(prefix.length);
  }
  return undefined;
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
    const dossier = (await store.getDossier(ev.dossierId)) ?? (await store.findDossierByFile(partner, ev.fileId));
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
    const c = await store.getCase(dossier.caseId);
    if (!c) {
      result.refused.push({ id: ev.id, reason: `the case of dossier ${dossier.id} no longer exists` });
      continue;
    }
    const state = deps.stateOf(ev.type);
    const now = clock.now().toISOString();
    if (dossier.fileId === null && ev.fileId) {
      // The firm's event came before its answer to the submission (lost, or not back yet): the
      // file it names is this dossier's, and later events and payments follow it.
      await store.recordSubmission({
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
    const summary = `${STATE_FR[state]}${ev.label ? ` (${ev.label})` : ''}${recovered}`;
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
    const row = (kind: Action['kind'], template: string, what: 'note' | 'activity'): Action => ({
      id: `act_${randomUUID()}`,
      idempotencyKey: procedureKey(c.id, id, what),
      caseId: c.id,
      decisionId: null,
      kind,
      template,
      status: 'pending',
      attempts: 0,
      notBefore: now,
      lastError: null,
      createdAt: now,
      updatedAt: now,
    });
    const actions = [row('ledger_note', PROCEDURE_NOTE_TEMPLATE, 'note')];
    if (CONTROLLER_MUST_ACT[state]) actions.push(row('ledger_activity', PROCEDURE_ACTIVITY_TEMPLATE, 'activity'));
    const status = statusAfter(state);
    const caseStage = stageAfter(state, c.stage);
    const applied = await store.applyProcedureEvent({
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

/** What the note of a title needs to state what follows it: the after-title data and the company's time zone. */
export interface AfterTitleContext {
  procedures: ProcedureData;
  timeZone: string;
}

/**
 * The French text of the ledger note of a procedure event, and the activity when the controller
 * must act. The note of an enforceable title states what follows it (CMF L313-3, CPCE L111-4),
 * dated from the day the firm reports, as `GET /cases/:id/dossiers` shows them.
 */
export function procedureNoteText(event: StoredProcedureEvent, afterTitle?: AfterTitleContext): string {
  const label = typeof event.data['label'] === 'string' ? ` — ${event.data['label']}` : '';
  const amount = event.data['amount'] as { amount: number; currency: string } | undefined;
  const deadlines =
    event.state === 'enforceable_title' && afterTitle
      ? afterTitleDeadlines(dateInZone(new Date(event.occurredAt), afterTitle.timeZone), afterTitle.procedures)
      : [];
  const [rate, prescription] = deadlines;
  return [
    `Recouvra — procédure judiciaire : ${STATE_FR[event.state]}${label} (le ${frenchDate(event.occurredAt)}).`,
    ...(amount ? [`Montant recouvré par cet événement : ${formatMoney(amount.amount, amount.currency)}.`] : []),
    ...(event.state === 'indeterminate' ? [`Statut transmis par le cabinet : « ${event.sourceState} ».`] : []),
    ...(rate?.dueOn
      ? [
          `Taux de l'intérêt légal majoré de ${afterTitle!.procedures.afterTitle.rateIncreasePoints} points à compter du ${frenchDate(rate.dueOn)}, deux mois après que la décision est devenue exécutoire, sauf dispense du juge de l'exécution (${rate.article}).`,
        ]
      : []),
    ...(prescription?.dueOn
      ? [
          `Titre à exécuter au plus tard le ${frenchDate(prescription.dueOn)} (${afterTitle!.procedures.afterTitle.titlePrescriptionYears} ans, ${prescription.article}).`,
        ]
      : []),
  ].join('\n');
}

export function procedureActivity(event: StoredProcedureEvent): { summary: string; text: string } | undefined {
  const todo = CONTROLLER_MUST_ACT[event.state];
  if (!todo) return undefined;
  return { summary: `Recouvra : ${STATE_FR[event.state]}`, text: `${procedureNoteText(event)}\nÀ faire : ${todo}.` };
}
