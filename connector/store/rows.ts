import type { Selectable } from 'kysely';
import { ActionSubjectSchema, type Action, type ActionSubject } from '../model/action.schema';
import { caseIdOf, type Case } from '../model/case.schema';
import type { Debtor } from '../model/debtor.schema';
import type { CaseJournalEntry } from '../model/journal.schema';
import type { Payment } from '../model/payment.schema';
import type { Receivable } from '../model/receivable.schema';
import type {
  CasesTable,
  CaseJournalTable,
  DebtorsTable,
  DecisionsTable,
  DeliveriesTable,
  DocumentsTable,
  DossiersTable,
  ProcedureEventsTable,
  JobsTable,
  OutboxTable,
  PaymentsTable,
  ReceivablesTable,
} from './schema';
import type {
  Decision,
  Delivery,
  ReceivableAnnotations,
  DossierPart,
  StoredDocument,
  StoredDossier,
  StoredProcedureEvent,
} from './store';
import type { StoredJob } from './job-store';

/**
 * Canonical record ↔ table row, for both drivers. Rows were validated by the zod schemas
 * before they were written, so reading rebuilds the objects by hand instead of parsing again.
 */
export const DEBTOR_COLUMNS = [
  'source_system',
  'source_connection',
  'source_id',
  'name',
  'kind',
  'language',
  'do_not_contact',
  'insolvency',
  'data',
] as const satisfies readonly (keyof DebtorsTable)[];

export function debtorToRow(d: Debtor): DebtorsTable {
  const { id, source, name, kind, language, flags, ...rest } = d;
  return {
    id,
    source_system: source.system,
    source_connection: source.connection,
    source_id: source.id,
    name,
    kind,
    language,
    do_not_contact: flags.doNotContact ? 1 : 0,
    insolvency: toJson(flags.insolvency),
    data: JSON.stringify(rest),
  };
}

export function rowToDebtor(row: Selectable<DebtorsTable>): Debtor {
  return {
    id: row.id,
    source: { system: row.source_system, connection: row.source_connection, id: row.source_id },
    name: row.name,
    kind: row.kind as Debtor['kind'],
    language: row.language,
    ...(JSON.parse(row.data) as Pick<Debtor, 'registration' | 'addresses' | 'emails' | 'phones'>),
    flags: {
      doNotContact: row.do_not_contact === 1,
      insolvency: fromJson(row.insolvency) as Debtor['flags']['insolvency'],
    },
  };
}

export const RECEIVABLE_COLUMNS = [
  'case_id',
  'source_system',
  'source_connection',
  'source_id',
  'kind',
  'number',
  'debtor_id',
  'company_id',
  'issue_date',
  'due_date',
  'completion_date',
  'currency',
  'total',
  'open',
  'disputed',
  'excluded',
  'promise_to_pay',
  'payment_plan',
  'document_url',
  'source_version',
  'data',
] as const satisfies readonly (keyof ReceivablesTable)[];

/**
 * The columns a controller annotates. A sync upsert keeps the stored value when the incoming
 * one is null (kysely-sync.ts, `upsertReceivables`).
 */
export const RECEIVABLE_ANNOTATION_COLUMNS = [
  'disputed',
  'excluded',
  'promise_to_pay',
  'payment_plan',
] as const satisfies readonly (typeof RECEIVABLE_COLUMNS)[number][];

/** The annotation columns to write for the keys `a` sets; null clears, undefined leaves as it is. */
export function annotationsToRow(
  a: ReceivableAnnotations,
): Partial<Pick<ReceivablesTable, (typeof RECEIVABLE_ANNOTATION_COLUMNS)[number]>> {
  const row: Partial<Pick<ReceivablesTable, (typeof RECEIVABLE_ANNOTATION_COLUMNS)[number]>> = {};
  if (a.disputed !== undefined) row.disputed = toJson(a.disputed);
  if (a.excluded !== undefined) row.excluded = toJson(a.excluded);
  if (a.promiseToPay !== undefined) row.promise_to_pay = toJson(a.promiseToPay);
  if (a.paymentPlan !== undefined) row.payment_plan = toJson(a.paymentPlan);
  return row;
}

export function receivableToRow(r: Receivable): ReceivablesTable {
  const {
    id,
    source,
    kind,
    number,
    debtorId,
    companyId,
    issueDate,
    dueDate,
    completionDate,
    currency,
    total,
    open,
    disputed,
    excluded,
    promiseToPay,
    paymentPlan,
    documentUrl,
    sourceVersion,
    ...rest
  } = r;
  return {
    id,
    case_id: caseIdOf(debtorId, companyId, currency),
    source_system: source.system,
    source_connection: source.connection,
    source_id: source.id,
    kind,
    number,
    debtor_id: debtorId,
    company_id: companyId,
    issue_date: issueDate,
    due_date: dueDate,
    completion_date: completionDate ?? null,
    currency,
    total,
    open,
    disputed: toJson(disputed),
    excluded: toJson(excluded),
    promise_to_pay: toJson(promiseToPay),
    payment_plan: toJson(paymentPlan),
    document_url: documentUrl ?? null,
    source_version: sourceVersion ?? null,
    data: restJson(rest),
  };
}

/** The hot path of the snapshot stream: a plain object build, JSON parsed only when present. */
export function rowToReceivable(row: Omit<Selectable<ReceivablesTable>, never>): Receivable {
  const r: Receivable = {
    id: row.id,
    source: { system: row.source_system, connection: row.source_connection, id: row.source_id },
    kind: row.kind as Receivable['kind'],
    number: row.number,
    debtorId: row.debtor_id,
    companyId: row.company_id,
    issueDate: row.issue_date,
    dueDate: row.due_date,
    currency: row.currency,
    total: row.total,
    open: row.open,
    disputed: row.disputed === null ? null : (JSON.parse(row.disputed) as Receivable['disputed']),
    excluded: row.excluded === null ? null : (JSON.parse(row.excluded) as Receivable['excluded']),
    promiseToPay: row.promise_to_pay === null ? null : (JSON.parse(row.promise_to_pay) as Receivable['promiseToPay']),
    paymentPlan: row.payment_plan === null ? null : (JSON.parse(row.payment_plan) as Receivable['paymentPlan']),
  };
  // Optional canonical fields are absent, not undefined, when the source had none.
  if (row.completion_date !== null) r.completionDate = row.completion_date;
  if (row.document_url !== null) r.documentUrl = row.document_url;
  if (row.source_version !== null) r.sourceVersion = row.source_version;
  if (row.data !== null) Object.assign(r, JSON.parse(row.data));
  return r;
}

export const PAYMENT_COLUMNS = [
  'source_system',
  'source_connection',
  'source_id',
  'debtor_id',
  'company_id',
  'date',
  'currency',
  'amount',
  'data',
] as const satisfies readonly (keyof PaymentsTable)[];

export function paymentToRow(p: Payment): PaymentsTable {
  const { id, source, debtorId, companyId, date, currency, amount, allocations: _allocations, ...rest } = p;
  return {
    id,
    source_system: source.system,
    source_connection: source.connection,
    source_id: source.id,
    debtor_id: debtorId,
    company_id: companyId,
    date,
    currency,
    amount,
    data: restJson(rest),
  };
}

export function rowToPayment(row: Selectable<PaymentsTable>, allocations: Payment['allocations']): Payment {
  const p: Payment = {
    id: row.id,
    source: { system: row.source_system, connection: row.source_connection, id: row.source_id },
    debtorId: row.debtor_id,
    companyId: row.company_id,
    date: row.date,
    currency: row.currency,
    amount: row.amount,
    allocations,
  };
  if (row.data !== null) Object.assign(p, JSON.parse(row.data));
  return p;
}

export const CASE_COLUMNS = [
  'debtor_id',
  'company_id',
  'currency',
  'stage',
  'policy_id',
  'last_step',
  'last_contact_on',
  'manual_pause',
  'pending_approval',
  'opened_at',
  'updated_at',
] as const satisfies readonly (keyof CasesTable)[];

/** The columns of a case itself: its journal counter and its summary are the store's to keep. */
export type CaseRow = Omit<
  CasesTable,
  | 'journal_seq'
  | 'open_total'
  | 'open_items'
  | 'oldest_due'
  | 'risk_key'
  | 'debtor_name'
  | 'connection'
  | 'summary_rev'
  | FunnelColumn
>;

/** Kept by the store itself (migration 0016), never written from a case. */
type FunnelColumn =
  'reminded_on' | 'noticed_on' | 'escalated_on' | 'recovered_on' | 'recovered_total' | 'paid_late_days';

export function caseToRow(c: Case): CaseRow {
  return {
    id: c.id,
    debtor_id: c.debtorId,
    company_id: c.companyId,
    currency: c.currency,
    stage: c.stage,
    policy_id: c.policyId,
    last_step: toJson(c.lastStep),
    last_contact_on: c.lastContactOn,
    manual_pause: toJson(c.manualPause),
    pending_approval: toJson(c.pendingApproval),
    opened_at: c.openedAt,
    updated_at: c.updatedAt,
  };
}

export function rowToCase(row: Selectable<CaseRow>): Case {
  return {
    id: row.id,
    debtorId: row.debtor_id,
    companyId: row.company_id,
    currency: row.currency,
    stage: row.stage as Case['stage'],
    policyId: row.policy_id,
    lastStep: fromJson(row.last_step) as Case['lastStep'],
    lastContactOn: row.last_contact_on,
    manualPause: fromJson(row.manual_pause) as Case['manualPause'],
    pendingApproval: fromJson(row.pending_approval) as Case['pendingApproval'],
    openedAt: row.opened_at,
    updatedAt: row.updated_at,
  };
}

export function journalEntryToRow(e: CaseJournalEntry): CaseJournalTable {
  return {
    case_id: e.caseId,
    seq: e.seq!,
    at: e.at,
    actor_kind: e.actor.kind,
    actor_id: e.actor.id,
    type: e.type,
    summary: e.summary,
    data: JSON.stringify(e.data),
  };
}

export function rowToJournalEntry(row: Selectable<CaseJournalTable>): CaseJournalEntry {
  return {
    seq: row.seq,
    caseId: row.case_id,
    at: row.at,
    actor: { kind: row.actor_kind as CaseJournalEntry['actor']['kind'], id: row.actor_id },
    type: row.type as CaseJournalEntry['type'],
    summary: row.summary,
    data: JSON.parse(row.data) as CaseJournalEntry['data'],
  };
}

export function decisionToRow(d: Decision): DecisionsTable {
  return {
    id: d.id,
    idempotency_key: d.idempotencyKey,
    case_id: d.caseId,
    step_id: d.stepId,
    step_index: d.stepIndex,
    policy_id: d.policyId,
    policy_version: d.policyVersion,
    as_of: d.asOf,
    decided_at: d.decidedAt,
    requires_approval: d.requiresApproval ? 1 : 0,
    evaluation: JSON.stringify(d.evaluation),
  };
}

export function rowToDecision(row: Selectable<DecisionsTable>): Decision {
  return {
    id: row.id,
    idempotencyKey: row.idempotency_key,
    caseId: row.case_id,
    stepId: row.step_id,
    stepIndex: row.step_index,
    policyId: row.policy_id,
    policyVersion: row.policy_version,
    asOf: row.as_of,
    decidedAt: row.decided_at,
    requiresApproval: row.requires_approval === 1,
    evaluation: JSON.parse(row.evaluation) as Record<string, unknown>,
  };
}

export function actionToRow(a: Action): OutboxTable {
  return {
    id: a.id,
    idempotency_key: a.idempotencyKey,
    case_id: a.caseId,
    decision_id: a.decisionId,
    kind: a.kind,
    subject: JSON.stringify(a.subject),
    template: a.template,
    status: a.status,
    attempts: a.attempts,
    not_before: a.notBefore,
    last_error: a.lastError,
    first_failed_at: a.firstFailedAt ?? null,
    created_at: a.createdAt,
    updated_at: a.updatedAt,
  };
}

export function rowToAction(row: Selectable<OutboxTable>): Action {
  return {
    id: row.id,
    idempotencyKey: row.idempotency_key,
    caseId: row.case_id,
    decisionId: row.decision_id,
    kind: row.kind as Action['kind'],
    subject: subjectOfRow(row),
    template: row.template,
    status: row.status as Action['status'],
    attempts: row.attempts,
    notBefore: row.not_before,
    lastError: row.last_error,
    ...(row.first_failed_at ? { firstFailedAt: row.first_failed_at } : {}),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A row's subject, checked: a malformed one names the row rather than reaching a performer. */
function subjectOfRow(row: Pick<Selectable<OutboxTable>, 'id' | 'idempotency_key' | 'subject'>): ActionSubject {
  let json: unknown;
  try {
    json = JSON.parse(row.subject);
  } catch {
    throw new Error(
      `outbox row ${row.id} (${row.idempotency_key}) has a subject that is not JSON: ${row.subject.slice(0, 200)}`,
    );
  }
  const parsed = ActionSubjectSchema.safeParse(json);
  if (!parsed.success)
    throw new Error(
      `outbox row ${row.id} (${row.idempotency_key}) has a malformed subject ${row.subject.slice(0, 200)}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'subject'}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

export function rowToDelivery(row: Selectable<DeliveriesTable>): Delivery {
  return {
    actionId: row.action_id,
    caseId: row.case_id,
    channel: row.channel as Delivery['channel'],
    providerId: row.provider_id,
    status: row.status,
    eventsSeen: row.events_seen,
    proofs: JSON.parse(row.proofs) as string[],
    checks: row.checks,
    final: row.final === 1,
    nextCheckAt: row.next_check_at,
    lastError: row.last_error,
    sentAt: row.sent_at,
    updatedAt: row.updated_at,
  };
}

export function rowToDocument(row: Omit<Selectable<DocumentsTable>, 'content'>): StoredDocument {
  return {
    id: row.id,
    caseId: row.case_id,
    actionId: row.action_id,
    kind: row.kind,
    mediaType: row.media_type,
    sha256: row.sha256,
    size: row.size,
    provenAt: row.proven_at,
    createdAt: row.created_at,
  };
}

export function dossierToRow(d: StoredDossier): DossiersTable {
  return {
    id: d.id,
    case_id: d.caseId,
    action_id: d.actionId,
    partner: d.partner,
    file_id: d.fileId,
    status: d.status,
    state: d.state,
    state_at: d.stateAt,
    events: d.events,
    content: JSON.stringify(d.content),
    content_sha256: d.contentSha256 ?? null,
    parts: d.parts ? JSON.stringify(d.parts) : null,
    submitted_at: d.submittedAt,
    updated_at: d.updatedAt,
  };
}

export function rowToDossier(row: Selectable<DossiersTable>): StoredDossier {
  return {
    id: row.id,
    caseId: row.case_id,
    actionId: row.action_id,
    partner: row.partner,
    fileId: row.file_id,
    status: row.status as StoredDossier['status'],
    state: row.state as StoredDossier['state'],
    stateAt: row.state_at,
    events: row.events,
    content: JSON.parse(row.content) as Record<string, unknown>,
    ...(row.content_sha256 !== null ? { contentSha256: row.content_sha256 } : {}),
    ...(row.parts !== null ? { parts: JSON.parse(row.parts) as DossierPart[] } : {}),
    submittedAt: row.submitted_at,
    updatedAt: row.updated_at,
  };
}

export function rowToProcedureEvent(row: Selectable<ProcedureEventsTable>): StoredProcedureEvent {
  return {
    id: row.id,
    dossierId: row.dossier_id,
    caseId: row.case_id,
    seq: row.seq,
    state: row.state as StoredProcedureEvent['state'],
    sourceState: row.source_state,
    occurredAt: row.occurred_at,
    receivedAt: row.received_at,
    data: JSON.parse(row.data) as Record<string, unknown>,
  };
}

export function toJson(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

export function fromJson(text: string | null): unknown {
  return text === null ? null : JSON.parse(text);
}

/** JSON of the fields left over after the columns took theirs; null when there are none. */
export function restJson(rest: Record<string, unknown>): string | null {
  for (const key in rest) if (rest[key] !== undefined) return JSON.stringify(rest);
  return null;
}

export function rowToStoredJob(row: Selectable<JobsTable>): StoredJob {
  return {
    id: row.id,
    name: row.name,
    data: JSON.parse(row.data) as StoredJob['data'],
    status: row.status as StoredJob['status'],
    attemptsMade: row.attempts_made,
    maxAttempts: row.max_attempts,
    backoffMs: row.backoff_ms,
    runAt: row.run_at,
    lockedBy: row.locked_by ?? undefined,
    lockedUntil: row.locked_until ?? undefined,
    lastError: row.last_error ?? undefined,
    createdAt: row.created_at,
    finishedAt: row.finished_at ?? undefined,
  };
}
