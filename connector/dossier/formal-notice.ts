import { z } from 'zod';
/**
 * The formal notice (mise en demeure) of a case as its records prove it: the decision of the
 * policy's formal_notice step, the outbox rows that performed it, what the journal says of
 * them, and the proofs the postal service returned.
 *
 * Its date (reference §3, "Starting date", [M]: practice, not statute): the date of receipt,
 * i.e. first presentation, of the registered letter as the acknowledgement of receipt proves it
 * (`provenAt`); without an acknowledgement, the date it was sent, and the gate says so.
 */
import { ChannelSchema, type Action, type Channel } from '../model/action.schema';
import type { CaseJournalEntry } from '../model/journal.schema';
import type { Decision, StoredDocument } from '../store/store';
import { addDays, dateInZone, type IsoDate } from '../time/calendar-date';
import type { CaseRecords } from './case-records';

const CHANNELS: ReadonlySet<string> = new Set(ChannelSchema.options);
const ACKNOWLEDGEMENT = 'acknowledgement_of_receipt';

/** The stored document holding the formal notice as the outbox row `actionId` sent it (a PDF). */
export function formalNoticeDocumentId(actionId: string): string {
  return `notice:${actionId}`;
}

export interface NoticeProof {
  documentId: string;
  /** `acknowledgement_of_receipt` or `deposit_proof`, as the postal provider names it. */
  kind: string;
  sha256: string;
  mediaType: string;
  provenAt: string | null;
}

export interface NoticeChannel {
  actionId: string;
  channel: Channel;
  status: Action['status'];
  /** When the outbox performed it (the journal's instant), null while not performed. */
  performedAt: string | null;
  sentOn: IsoDate | null;
  journalSeq: number | null;
  summary: string | null;
  template: string | null;
  messageId: string | null;
  trackingNumber: string | null;
  /** The provider's last reported status (delivered, returned…), with its words. */
  deliveryStatus: string | null;
  deliveryDetail: string | null;
  proofs: NoticeProof[];
}

export interface FormalNotice {
  decisionId: string;
  stepId: string;
  decidedOn: IsoDate;
  /** Days the notice gave the debtor to pay (the step's `deadlineDays`); null when the decision does not record it. */
  deadlineDays: number | null;
  channels: NoticeChannel[];
  /** Null while none of its channels was performed. */
  sent: {
    /** The first channel performed. */
    at: string;
    on: IsoDate;
    /** First presentation of the registered letter, from its acknowledgement of receipt. */
    receivedOn: IsoDate | null;
    /** The day the deadline counts from: `receivedOn`, else `on`. */
    startsOn: IsoDate;
    startBasis: 'acknowledgement_of_receipt' | 'date_sent';
    /** Last day of the deadline; null without `deadlineDays`. */
    deadlineEndsOn: IsoDate | null;
    /** The registered letter came back (not collected, unknown at the address…). */
    returned: boolean;
  } | null;
}

/**
 * What the dossier's evidence reads of a recorded decision's step, field by field: a field this
 * version cannot read is left out (the evidence states what it knows) rather than refusing the
 * whole dossier (connector/policy/recorded-evaluation.schema.ts has the strict reading).
 */
const EvidenceEvaluationSchema = z
  .object({
    step: z
      .object({
        id: z.string().optional().catch(undefined),
        kind: z.string().optional().catch(undefined),
        deadlineDays: z.number().optional().catch(undefined),
        template: z.string().optional().catch(undefined),
        channels: z.array(z.unknown()).optional().catch(undefined),
      })
      .optional()
      .catch(undefined),
  })
  .catch({});

/** The step a recorded decision is about. */
export function decisionStep(decision: Decision): {
  id: string;
  kind: string;
  deadlineDays: number | null;
  template: string | null;
} {
  const step = EvidenceEvaluationSchema.parse(decision.evaluation).step ?? {};
  return {
    id: step.id ?? decision.stepId,
    kind: step.kind ?? 'unknown',
    deadlineDays: step.deadlineDays !== undefined && step.deadlineDays > 0 ? step.deadlineDays : null,
    template: step.template ?? null,
  };
}

/** The outbox rows of a decision that reach the debtor (not the ledger notes or activities), in the step's channel order. */
export function channelActions(records: CaseRecords, decision: Decision): Action[] {
  const order = EvidenceEvaluationSchema.parse(decision.evaluation).step?.channels;
  const rank = (kind: string) =>
    Array.isArray(order) && order.includes(kind) ? order.indexOf(kind) : Number.MAX_SAFE_INTEGER;
  return records.actions
    .filter((a) => a.decisionId === decision.id && CHANNELS.has(a.kind))
    .sort((a, b) => rank(a.kind) - rank(b.kind));
}

export function performedEntry(journal: readonly CaseJournalEntry[], actionId: string): CaseJournalEntry | undefined {
  return journal.find((j) => j.type === 'action_performed' && j.data['actionId'] === actionId);
}

function lastDeliveryStatus(journal: readonly CaseJournalEntry[], actionId: string): CaseJournalEntry | undefined {
  return journal
    .filter(
      (j) => j.type === 'delivery_status' && j.data['actionId'] === actionId && typeof j.data['status'] === 'string',
    )
    .pop();
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function proofsOf(documents: readonly StoredDocument[], actionId: string): NoticeProof[] {
  return documents
    .filter((d) => d.actionId === actionId)
    .map((d) => ({ documentId: d.id, kind: d.kind, sha256: d.sha256, mediaType: d.mediaType, provenAt: d.provenAt }));
}

export function noticeChannel(records: CaseRecords, action: Action, timeZone: string): NoticeChannel {
  const performed = action.status === 'done' ? performedEntry(records.journal, action.id) : undefined;
  // A row done without its journal line (not written by this version) still counts, from its update time.
  const performedAt = action.status === 'done' ? (performed?.at ?? action.updatedAt) : null;
  const delivery = lastDeliveryStatus(records.journal, action.id);
  const trackingNumber = text(performed?.data['trackingNumber']) ?? text(delivery?.data['trackingNumber']);
  return {
    actionId: action.id,
    channel: action.kind as Channel,
    status: action.status,
    performedAt,
    sentOn: performedAt ? dateInZone(new Date(performedAt), timeZone) : null,
    journalSeq: performed?.seq ?? null,
    summary: performed?.summary ?? null,
    template: text(performed?.data['template']) ?? action.template,
    messageId: text(performed?.data['messageId']),
    trackingNumber,
    deliveryStatus: text(delivery?.data['status']),
    deliveryDetail: text(delivery?.data['detail']),
    proofs: proofsOf(records.documents, action.id),
  };
}

/**
 * The latest formal notice decided on the case (a restarted ladder may have decided several),
 * sent or not; undefined when the policy never decided one.
 */
export function findFormalNotice(records: CaseRecords, timeZone: string): FormalNotice | undefined {
  const decision = records.decisions.filter((d) => decisionStep(d).kind === 'formal_notice').pop();
  if (!decision) return undefined;
  const step = decisionStep(decision);
  const channels = channelActions(records, decision).map((a) => noticeChannel(records, a, timeZone));
  const performed = channels
    .filter((c) => c.performedAt !== null)
    .sort((a, b) => (a.performedAt! < b.performedAt! ? -1 : 1));
  const first = performed[0];
  let sent: FormalNotice['sent'] = null;
  if (first) {
    const letter = performed.find((c) => c.channel === 'registered_letter');
    const ack = letter?.proofs.find((p) => p.kind === ACKNOWLEDGEMENT && p.provenAt !== null);
    const receivedOn = ack ? dateInZone(new Date(ack.provenAt!), timeZone) : null;
    // Without an acknowledgement the notice counts from the day it was sent: the registered
    // letter's when there is one (the evidence a court expects), else the first channel's.
    const sentOn = letter?.sentOn ?? first.sentOn!;
    const startsOn = receivedOn ?? sentOn;
    sent = {
      at: first.performedAt!,
      on: first.sentOn!,
      receivedOn,
      startsOn,
      startBasis: receivedOn ? 'acknowledgement_of_receipt' : 'date_sent',
      deadlineEndsOn: step.deadlineDays === null ? null : addDays(startsOn, step.deadlineDays),
      returned: letter?.deliveryStatus === 'returned',
    };
  }
  return {
    decisionId: decision.id,
    stepId: step.id,
    decidedOn: decision.asOf,
    deadlineDays: step.deadlineDays,
    channels,
    sent,
  };
}
