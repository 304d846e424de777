import { createHash } from 'node:crypto';
import { DossierAlreadySubmittedError } from '../ports/lawfirm';
import type { DirectPayment, PartnerDocument, SubmitResult } from '../ports/lawfirm';
import type { Action } from '../model/action.schema';
import type { Dossier } from '../model/dossier.schema';
import { newAction } from '../outbox/action-rows';
import type { PerformResult, Performer } from '../outbox/dispatch';
import type { DossierPart, NewDocument, Store, StoredDossier } from '../store/store';
import { formatMoney } from '../model/money.schema';
import { AdapterError } from '../ports/adapter-error';
import type { Clock } from '../time/clock';
import type { LawFirmLink } from './link';
import { claimedReceivables, type DossierClaimLines } from '../dossier/claimed-items';

/**
 * The outbox rows of kind `dossier`, by subject (their template stays as it was written, for display):
 * - a `decision` (the escalation decided and approved): the dossier is built as of today, its
 *   documents gathered, both stored, and it is handed to the firm under the row's idempotency
 *   key — a row performed again after a crash or a lost answer sends the stored bytes again, a
 *   replay the firm recognises, never a second file;
 * - a `payment_report`: a payment the ledger shows while the firm works the file is reported to it (a full
 *   one asks it to close);
 * - a `withdrawal`: the file is withdrawn.
 * The firm's answer (accepted, rejected with reasons) arrives as an event of its feed, like
 * everything it says later.
 */

export const DOSSIER_TEMPLATES = { submit: 'submit', payment: 'payment', withdrawal: 'withdrawal' } as const;

export interface BuiltDossier {
  dossier: Dossier;
  /** `documentId`: the stored document already holding the bytes (a proof); others are stored with the dossier. */
  documents: (PartnerDocument & { documentId?: string })[];
}

export interface DossierPerformerOptions {
  store: Store;
  clock: Clock;
  link: LawFirmLink;
  /** Builds the dossier of the row's case as of now; throws a DossierError when the file may not leave (its reasons). */
  build: (action: Action) => Promise<BuiltDossier>;
}

export function dossierPerformer(options: DossierPerformerOptions): Performer {
  return async (action) => {
    const subject = action.subject;
    switch (subject.type) {
      // The escalation step's row (decided, or approved): it submits.
      case 'decision':
        return submit(options, action);
      case 'payment_report':
        return reportPayment(options, action, subject.dossierId, subject.journalSeq);
      case 'withdrawal':
        return withdraw(options, action, subject.dossierId);
      case 'procedure_event':
        throw new Error(
          `outbox row ${action.id} is a dossier row about a procedure event: nothing to hand to the firm`,
        );
    }
  };
}

/**
 * Exactly once, across a crash or a lost answer: the dossier is built once and stored (content,
 * hash, and every document's bytes) before it is first sent, and every attempt sends what was
 * stored under the row's key. The firm answers a repeated submission with the first answer
 * (same key, same body), so a submission whose answer was lost is simply sent again: a new
 * build would carry another `createdAt` and interest, which the firm refuses as another body
 * (409) — and a gate re-checked on a later day may no longer pass for a file the firm already has.
 */
async function submit(options: DossierPerformerOptions, action: Action): Promise<PerformResult> {
  const { store, clock, link } = options;
  const prepared = await preparedDossierOf(options, action);
  if (prepared.dossier.fileId !== null && prepared.dossier.status !== 'prepared') {
    // An earlier attempt was answered (or an event named the file) before its completion was recorded.
    return {
      summary: `dossier already handed to the law firm ${link.id}: file ${prepared.dossier.fileId}`,
      data: { dossierId: prepared.dossier.id, fileId: prepared.dossier.fileId, status: prepared.dossier.status },
    };
  }
  const dossier = prepared.dossier.content as unknown as Dossier;
  let result: SubmitResult;
  let reconciledState: string | undefined;
  try {
    result = await link.options.partner.submit({
      dossier: prepared.dossier.content as Record<string, unknown> & { id: string; caseId: string },
      documents: prepared.documents,
      idempotencyKey: action.idempotencyKey,
    });
  } catch (e) {
    // The firm already has a file for this dossier id, opened under another key or by a replay
    // it no longer remembers: when the file it names is ours, the hand-off happened — reconciled.
    const reconciled =
      e instanceof DossierAlreadySubmittedError ? await reconcileOpenFile(link, prepared.dossier.id, e) : undefined;
    if (!reconciled) {
      await refuseInvalid(options, action, prepared.dossier.id, e);
      throw e;
    }
    ({ result, state: reconciledState } = reconciled);
  }
  const how =
    reconciledState !== undefined
      ? `, already open at the firm (found by its status: ${reconciledState})`
      : result.replayed
        ? ', already received'
        : '';
  const at = clock.now().toISOString();
  await store.dossiers.recordSubmission({
    id: prepared.dossier.id,
    fileId: result.fileId,
    at,
    journal: [
      {
        caseId: action.caseId,
        at,
        actor: { kind: 'system', id: 'outbox' },
        type: 'dossier_submitted',
        summary: `dossier ${prepared.dossier.id} handed to ${link.id} (file ${result.fileId}${how}): ${dossier.recommendedProcedure} recommended, ${prepared.documents.length} document(s), claim ${formatMoney(dossier.claim.total, dossier.claim.currency)} as of ${dossier.claim.asOf}`,
        data: {
          dossierId: prepared.dossier.id,
          fileId: result.fileId,
          partner: link.id,
          procedure: dossier.recommendedProcedure,
          documents: prepared.documents.map((d) => ({ name: d.name, kind: d.kind, sha256: d.sha256 })),
          replayed: result.replayed,
          ...(reconciledState !== undefined ? { reconciled: true } : {}),
          contentSha256: prepared.dossier.contentSha256 ?? null,
        },
      },
    ],
  });
  // The firm's answer (accepted, or rejected with its reasons) also comes as an event of its feed,
  // with its own id: it is journalled and written back from there, once.
  return {
    summary: `dossier handed to the law firm ${link.id}: file ${result.fileId} (${reconciledState ?? result.status}${how})`,
    data: {
      dossierId: prepared.dossier.id,
      fileId: result.fileId,
      status: result.status,
      reasons: result.reasons,
      replayed: result.replayed,
      ...(reconciledState !== undefined ? { reconciled: true } : {}),
    },
  };
}

/**
 * Answers that mean no file was opened for this dossier, and never will be for these bytes: the
 * firm read it and refused it (422), or the file drop would not write it (it fails the contract's
 * XSD — crash test: a debtor's VAT number in a form the manifest refuses). The dossier is no
 * longer open on our side either: not a submission in doubt, a case that needs attention.
 */
const NEVER_OPENED = new Set(['LAWFIRM_DOSSIER_INVALID', 'FILE_DROP_INVALID_OUTPUT']);

async function refuseInvalid(
  options: DossierPerformerOptions,
  action: Action,
  dossierId: string,
  e: unknown,
): Promise<void> {
  if (!(e instanceof AdapterError) || !NEVER_OPENED.has(e.code)) return;
  const { store, clock, link } = options;
  const at = clock.now().toISOString();
  await store.dossiers.refusePreparedDossier({
    id: dossierId,
    at,
    journal: [
      {
        caseId: action.caseId,
        at,
        actor: { kind: 'system', id: 'outbox' },
        type: 'dossier_refused',
        summary:
          e.code === 'FILE_DROP_INVALID_OUTPUT'
            ? `dossier ${dossierId} not written for ${link.id}, no file opened: ${e.userMessage}`
            : `dossier ${dossierId} refused by ${link.id}, no file opened: ${e.userMessage}`,
        data: { dossierId, partner: link.id, code: e.code },
      },
    ],
  });
}

/**
 * A `409 dossier_already_submitted` names the open file: its status says whose dossier it holds.
 * Ours → the answer the lost first submission would have given (a replay); anything else → undefined.
 */
async function reconcileOpenFile(
  link: LawFirmLink,
  dossierId: string,
  e: DossierAlreadySubmittedError,
): Promise<{ result: SubmitResult; state: string } | undefined> {
  if (e.openFileId === undefined) return undefined;
  const file = await link.options.partner.status(e.openFileId);
  if (file.dossierId !== dossierId) return undefined;
  return { result: { fileId: file.fileId, status: 'received', reasons: [], replayed: true }, state: file.state };
}

/**
 * The dossier this row hands over, as stored before its first sending, with its documents' bytes
 * read back from the store (and checked against the hashes sent the first time). The first
 * attempt builds it and stores it; a concurrent or later attempt finds it.
 */
async function preparedDossierOf(
  options: DossierPerformerOptions,
  action: Action,
): Promise<{ dossier: StoredDossier; documents: PartnerDocument[] }> {
  const { store, clock, link } = options;
  const found = await store.dossiers.findDossierOfAction(action.id);
  let stored = found?.partner === link.id ? found : undefined;
  if (!stored) {
    const built = await options.build(action);
    const at = clock.now().toISOString();
    const content = JSON.parse(JSON.stringify(built.dossier)) as Record<string, unknown>;
    const documents: NewDocument[] = [];
    const parts: DossierPart[] = built.documents.map((d) => {
      const documentId = d.documentId ?? `dossier:${built.dossier.id}:${d.name}`;
      if (!d.documentId)
        documents.push({
          id: documentId,
          caseId: action.caseId,
          actionId: action.id,
          kind: d.kind,
          mediaType: d.mediaType,
          content: d.content,
          provenAt: null,
          createdAt: at,
        });
      return { name: d.name, kind: d.kind, mediaType: d.mediaType, sha256: d.sha256, documentId };
    });
    const contentSha256 = createHash('sha256').update(JSON.stringify(content)).digest('hex');
    ({ dossier: stored } = await store.dossiers.prepareDossier({
      dossier: {
        id: built.dossier.id,
        caseId: action.caseId,
        actionId: action.id,
        partner: link.id,
        fileId: null,
        status: 'prepared',
        state: 'submitted',
        stateAt: at,
        events: 0,
        content,
        contentSha256,
        parts,
        submittedAt: at,
        updatedAt: at,
      },
      documents,
      journal: [
        {
          caseId: action.caseId,
          at,
          actor: { kind: 'system', id: 'outbox' },
          type: 'dossier_prepared',
          summary: `dossier ${built.dossier.id} built as of ${built.dossier.claim.asOf} and kept as it will be sent to ${link.id} (${parts.length} document(s))`,
          data: {
            dossierId: built.dossier.id,
            partner: link.id,
            contentSha256,
            documents: parts.map((p) => ({ name: p.name, sha256: p.sha256 })),
          },
        },
      ],
    }));
  }
  const documents: PartnerDocument[] = [];
  for (const part of stored.parts ?? []) {
    const doc = await store.deliveries.getDocument(part.documentId);
    const sha256 = doc ? createHash('sha256').update(doc.content).digest('hex') : undefined;
    if (!doc || sha256 !== part.sha256) {
      throw new AdapterError({
        code: 'DOSSIER_DOCUMENT_MISSING',
        kind: 'system',
        userMessage: `dossier ${stored.id}: its document ${part.name} (stored as ${part.documentId}) ${doc ? 'no longer has the bytes first sent' : 'is no longer in the store'}; the dossier cannot be sent again as it was`,
      });
    }
    documents.push({
      name: part.name,
      kind: part.kind as PartnerDocument['kind'],
      mediaType: part.mediaType,
      content: doc.content,
      sha256,
    });
  }
  return { dossier: stored, documents };
}

const OPEN_STATUSES: readonly StoredDossier['status'][] = ['prepared', 'submitted', 'accepted'];

/** The dossier the row names, when its file is still open at this firm; without one named, the case's latest such. */
async function openDossierOf(store: Store, caseId: string, partner: string, dossierId: string | undefined) {
  if (dossierId !== undefined) {
    const named = await store.dossiers.getDossier(dossierId);
    return named && named.partner === partner && named.fileId && OPEN_STATUSES.includes(named.status)
      ? named
      : undefined;
  }
  const open = (await store.dossiers.listDossiers({ caseId, open: true })).filter(
    (d) => d.partner === partner && d.fileId,
  );
  return open.at(-1);
}

async function reportPayment(
  options: DossierPerformerOptions,
  action: Action,
  dossierId: string,
  journalSeq: number,
): Promise<PerformResult> {
  const { store, link } = options;
  const dossier = await openDossierOf(store, action.caseId, link.id, dossierId);
  if (!dossier) return { summary: 'payment not reported: no open file at the law firm any more' };
  const payment = await directPaymentOf(store, action, journalSeq, dossier.content);
  if (!payment) return { summary: 'payment not reported: the payment is no longer in the journal' };
  await link.options.partner.reportPayment(dossier.fileId!, payment, action.idempotencyKey);
  return {
    summary: `payment of ${formatMoney(payment.amount, payment.currency)} reported to ${link.id} (file ${dossier.fileId})${payment.settlesInFull ? '; nothing is left to claim, the firm is asked to close the file' : ''}`,
    data: { fileId: dossier.fileId, ...payment },
  };
}

async function withdraw(
  options: DossierPerformerOptions,
  action: Action,
  dossierId: string | undefined,
): Promise<PerformResult> {
  const { store, link } = options;
  const dossier = await openDossierOf(store, action.caseId, link.id, dossierId);
  if (!dossier) return { summary: 'withdrawal not sent: no open file at the law firm' };
  await link.options.partner.withdraw(dossier.fileId!, 'withdrawn by the creditor', action.idempotencyKey);
  return { summary: `file ${dossier.fileId} withdrawn from ${link.id}`, data: { fileId: dossier.fileId } };
}

/** `payment` rows are keyed `<dossier id>/payment/<journal seq>`; the payment is read back from that journal line, which their subject names. */
export function paymentKey(dossierId: string, journalSeq: number): string {
  return `${dossierId}/payment/${journalSeq}`;
}

async function directPaymentOf(
  store: Store,
  action: Action,
  seq: number,
  content: Record<string, unknown>,
): Promise<DirectPayment | undefined> {
  const line = (await store.cases.readJournal(action.caseId, seq - 1, 1)).find((j) => j.seq === seq);
  if (!line || line.type !== 'payment_received') return undefined;
  const before = Number(line.data['openBefore'] ?? 0);
  const after = Number(line.data['openAfter'] ?? 0);
  const claim = content['claim'] as { currency?: string } | undefined;
  const left = (await claimedReceivables(store, action.caseId, content as DossierClaimLines)).reduce(
    (sum, r) => sum + (r.kind === 'credit_note' ? 0 : r.open),
    0,
  );
  return {
    id: createHash('sha256').update(action.idempotencyKey).digest('hex').slice(0, 24),
    amount: before - after,
    currency: claim?.currency ?? 'EUR',
    receivedOn: line.at.slice(0, 10),
    settlesInFull: left === 0,
  };
}

/**
 * The payments the ledger showed on the items of an open file since it was handed over, as
 * `payment` rows not queued yet (one per journal line, keyed by it). Run by the law-firm job.
 */
export async function pendingPaymentReports(store: Store, clock: Clock, partner: string): Promise<Action[]> {
  const rows: Action[] = [];
  const now = clock.now().toISOString();
  for (const dossier of await store.dossiers.listDossiers({ open: true })) {
    if (dossier.partner !== partner || !dossier.fileId) continue;
    const ids = new Set(
      (await claimedReceivables(store, dossier.caseId, dossier.content as DossierClaimLines)).map((r) => r.id),
    );
    const queued = new Set(
      (await store.outbox.listActions({ caseId: dossier.caseId, kind: 'dossier' })).map((a) => a.idempotencyKey),
    );
    for (const line of await store.cases.readJournal(dossier.caseId)) {
      if (
        line.type !== 'payment_received' ||
        line.at < dossier.submittedAt ||
        !ids.has(line.data['receivableId'] as string)
      )
        continue;
      const key = paymentKey(dossier.id, line.seq!);
      if (queued.has(key)) continue;
      rows.push(
        newAction({
          id: `act_${createHash('sha256').update(key).digest('hex').slice(0, 32)}`,
          caseId: dossier.caseId,
          kind: 'dossier',
          subject: { type: 'payment_report', dossierId: dossier.id, journalSeq: line.seq! },
          idempotencyKey: key,
          template: DOSSIER_TEMPLATES.payment,
          at: now,
        }),
      );
    }
  }
  return rows;
}

/**
 * At start: a submission in doubt — its dossier stored and sent, the firm's answer never recorded,
 * the row since failed for good (the firm was down longer than the retries) — is made due again,
 * once, with a journal line: it sends the stored bytes under the same key, so the firm answers
 * with the file it opened, or opens it now. The firm's events may also have named the file first;
 * such a dossier is no longer in doubt and is left alone.
 */
export async function requeueSubmissionsInDoubt(options: {
  store: Store;
  clock: Clock;
  partner: string;
}): Promise<number> {
  const { store, clock, partner } = options;
  const at = clock.now().toISOString();
  let requeued = 0;
  for (const dossier of await store.dossiers.listDossiers({ open: true })) {
    if (
      dossier.partner !== partner ||
      dossier.status !== 'prepared' ||
      dossier.fileId !== null ||
      dossier.actionId === null
    )
      continue;
    const action = await store.outbox.getAction(dossier.actionId);
    if (action?.status !== 'failed') continue;
    const summary = `dossier ${dossier.id} sent again to ${partner}: it was sent and the firm's answer never came (${action.lastError ?? 'no error kept'}); the same bytes under the same key open no second file`;
    if (
      await store.outbox.requeueFailedAction({
        id: action.id,
        at,
        journal: [
          {
            caseId: action.caseId,
            at,
            actor: { kind: 'system', id: 'outbox' },
            type: 'note',
            summary,
            data: { actionId: action.id, dossierId: dossier.id },
          },
        ],
      })
    )
      requeued++;
  }
  return requeued;
}
