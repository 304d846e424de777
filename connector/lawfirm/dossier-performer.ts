import { createHash } from 'node:crypto';
import type { DirectPayment, PartnerDocument } from '../../adapters/lawfirm/partner';
import type { Action } from '../model/action.schema';
import type { Dossier } from '../model/dossier.schema';
import type { PerformResult, Performer } from '../outbox/dispatch';
import type { Store } from '../store/store';
import type { Clock } from '../time/clock';
import type { LawFirmLink } from './link';
import { claimedReceivables, type DossierClaimLines } from '../dossier/claimed-items';

/**
 * The outbox rows of kind `dossier`, by template:
 * - `submit` (the escalation decided and approved): the dossier is built as of today, its
 *   documents gathered, and it is handed to the firm under the row's idempotency key — a row
 *   performed again after a crash is a replay the firm recognises, never a second file;
 * - `payment`: a payment the ledger shows while the firm works the file is reported to it (a full
 *   one asks it to close);
 * - `withdrawal`: the file is withdrawn.
 * The firm's answer (accepted, rejected with reasons) arrives as an event of its feed, like
 * everything it says later.
 */

export const DOSSIER_TEMPLATES = { submit: 'submit', payment: 'payment', withdrawal: 'withdrawal' } as const;

export interface BuiltDossier {
  dossier: Dossier;
  documents: PartnerDocument[];
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
    // The escalation step's row carries the step's template (or none): it submits.
    if (action.template === DOSSIER_TEMPLATES.payment) return reportPayment(options, action);
    if (action.template === DOSSIER_TEMPLATES.withdrawal) return withdraw(options, action);
    return submit(options, action);
  };
}

async function submit(options: DossierPerformerOptions, action: Action): Promise<PerformResult> {
  const { store, clock, link } = options;
  const { dossier, documents } = await options.build(action);
  const result = await link.options.partner.submit({ dossier: dossier as unknown as Record<string, unknown> & { id: string; caseId: string }, documents, idempotencyKey: action.idempotencyKey });
  const at = clock.now().toISOString();
  const total = dossier.claim.total;
  await store.recordDossier(
    { id: dossier.id, caseId: action.caseId, actionId: action.id, partner: link.id, fileId: result.fileId, status: 'submitted', state: 'submitted', stateAt: at, events: 0, content: JSON.parse(JSON.stringify(dossier)) as Record<string, unknown>, submittedAt: at, updatedAt: at },
    [
      {
        caseId: action.caseId,
        at,
        actor: { kind: 'system', id: 'outbox' },
        type: 'dossier_submitted',
        summary: `dossier ${dossier.id} handed to ${link.id} (file ${result.fileId}${result.replayed ? ', already received' : ''}): ${dossier.recommendedProcedure} recommended, ${documents.length} document(s), claim ${total} ${dossier.claim.currency} minor units as of ${dossier.claim.asOf}`,
        data: { dossierId: dossier.id, fileId: result.fileId, partner: link.id, procedure: dossier.recommendedProcedure, documents: documents.map((d) => ({ name: d.name, kind: d.kind, sha256: d.sha256 })), replayed: result.replayed },
      },
    ],
  );
  // The firm's answer (accepted, or rejected with its reasons) also comes as an event of its feed,
  // with its own id: it is journalled and written back from there, once.
  return { summary: `dossier handed to the law firm ${link.id}: file ${result.fileId} (${result.status})`, data: { dossierId: dossier.id, fileId: result.fileId, status: result.status, reasons: result.reasons } };
}

async function openDossierOf(store: Store, caseId: string, partner: string) {
  const open = (await store.listDossiers({ caseId, open: true })).filter((d) => d.partner === partner && d.fileId);
  return open.at(-1);
}

async function reportPayment(options: DossierPerformerOptions, action: Action): Promise<PerformResult> {
  const { store, link } = options;
  const dossier = await openDossierOf(store, action.caseId, link.id);
  if (!dossier) return { summary: 'payment not reported: no open file at the law firm any more' };
  const payment = await directPaymentOf(store, action, dossier.content);
  if (!payment) return { summary: 'payment not reported: the payment is no longer in the journal' };
  await link.options.partner.reportPayment(dossier.fileId!, payment, action.idempotencyKey);
  return { summary: `payment of ${payment.amount} ${payment.currency} minor units reported to ${link.id} (file ${dossier.fileId})${payment.settlesInFull ? '; nothing is left to claim, the firm is asked to close the file' : ''}`, data: { fileId: dossier.fileId, ...payment } };
}

async function withdraw(options: DossierPerformerOptions, action: Action): Promise<PerformResult> {
  const { store, link } = options;
  const dossier = await openDossierOf(store, action.caseId, link.id);
  if (!dossier) return { summary: 'withdrawal not sent: no open file at the law firm' };
  await link.options.partner.withdraw(dossier.fileId!, 'withdrawn by the creditor', action.idempotencyKey);
  return { summary: `file ${dossier.fileId} withdrawn from ${link.id}`, data: { fileId: dossier.fileId } };
}

/** `payment` rows are keyed `<dossier id>/payment/<journal seq>`: the payment is read back from that journal line. */
export function paymentKey(dossierId: string, journalSeq: number): string {
  return `${dossierId}/payment/${journalSeq}`;
}

async function directPaymentOf(store: Store, action: Action, content: Record<string, unknown>): Promise<DirectPayment | undefined> {
  const seq = Number(action.idempotencyKey.split('/payment/')[1]);
  const line = (await store.readJournal(action.caseId, seq - 1)).find((j) => j.seq === seq);
  if (!line || line.type !== 'payment_received') return undefined;
  const before = Number(line.data['openBefore'] ?? 0);
  const after = Number(line.data['openAfter'] ?? 0);
  const claim = content['claim'] as { currency?: string } | undefined;
  const left = (await claimedReceivables(store, action.caseId, content as DossierClaimLines)).reduce((sum, r) => sum + (r.kind === 'credit_note' ? 0 : r.open), 0);
  return { id: createHash('sha256').update(action.idempotencyKey).digest('hex').slice(0, 24), amount: before - after, currency: claim?.currency ?? 'EUR', receivedOn: line.at.slice(0, 10), settlesInFull: left === 0 };
}

/**
 * The payments the ledger showed on the items of an open file since it was handed over, as
 * `payment` rows not queued yet (one per journal line, keyed by it). Run by the law-firm job.
 */
export async function pendingPaymentReports(store: Store, clock: Clock, partner: string): Promise<Action[]> {
  const rows: Action[] = [];
  const now = clock.now().toISOString();
  for (const dossier of await store.listDossiers({ open: true })) {
    if (dossier.partner !== partner || !dossier.fileId) continue;
    const ids = new Set((await claimedReceivables(store, dossier.caseId, dossier.content as DossierClaimLines)).map((r) => r.id));
    const queued = new Set((await store.listActions({ caseId: dossier.caseId, kind: 'dossier' })).map((a) => a.idempotencyKey));
    for (const line of await store.readJournal(dossier.caseId)) {
      if (line.type !== 'payment_received' || line.at < dossier.submittedAt || !ids.has(line.data['receivableId'] as string)) continue;
      const key = paymentKey(dossier.id, line.seq!);
      if (queued.has(key)) continue;
      rows.push({ id: `act_${createHash('sha256').update(key).digest('hex').slice(0, 32)}`, idempotencyKey: key, caseId: dossier.caseId, decisionId: null, kind: 'dossier', template: DOSSIER_TEMPLATES.payment, status: 'pending', attempts: 0, notBefore: now, lastError: null, createdAt: now, updatedAt: now });
    }
  }
  return rows;
}
