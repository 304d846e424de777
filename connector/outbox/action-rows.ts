import { randomUUID } from 'node:crypto';
import type { Action, ActionKind, ActionSubject } from '../model/action.schema';

/** What a new outbox row is: the rest (status, attempts, dates) is the same for every new row. */
export interface NewAction {
  caseId: string;
  kind: ActionKind;
  subject: ActionSubject;
  /** The business key that makes the row performed once (see `Action.idempotencyKey`). */
  idempotencyKey: string;
  /** The message template a channel renders (a step's), null when the row has none. */
  template?: string | null;
  /** When the row is made (ISO): its `createdAt`, and its `notBefore` unless given. */
  at: string;
  notBefore?: string;
  /** Given when the id must follow from the key (a row proposed again before it is stored); else a new one. */
  id?: string;
}

/** The one way an outbox row is made: pending, never attempted, its decision id taken from its subject. */
export function newAction(input: NewAction): Action {
  return {
    id: input.id ?? `act_${randomUUID()}`,
    idempotencyKey: input.idempotencyKey,
    caseId: input.caseId,
    decisionId: input.subject.type === 'decision' ? input.subject.decisionId : null,
    kind: input.kind,
    subject: input.subject,
    template: input.template ?? null,
    status: 'pending',
    attempts: 0,
    notBefore: input.notBefore ?? input.at,
    lastError: null,
    createdAt: input.at,
    updatedAt: input.at,
  };
}

/**
 * The rows a step produces. Performed (decided without approval, or approved): a message on each
 * of its channels — a dossier for an escalation — and a note on the ledger's invoices. Waiting for
 * a controller's approval: only an activity for them in their own accounting tool. A ledger that
 * cannot take a note or an activity then loses that row (connector/outbox/ledger-write-back.ts).
 */
export function stepActionKinds(
  step: { kind: 'reminder' | 'formal_notice' | 'escalation'; channels: readonly ActionKind[] },
  waitsForApproval: boolean,
): ActionKind[] {
  if (waitsForApproval) return ['ledger_activity'];
  return [...(step.kind === 'escalation' ? (['dossier'] as const) : step.channels), 'ledger_note'];
}
