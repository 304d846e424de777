/**
 * The evidence pack, read from the case journal: every reminder and the formal notice as the
 * outbox performed them (date, channel, template, what was sent, the provider's status), the
 * formal notice's proofs of delivery, the outcome of phone calls, and the debtor's disputes and
 * promises with what became of them. Pure. Only what proves the claim: no note text a
 * controller typed, no phone number, no internal id beyond our own references.
 */
import type { Channel } from '../model/action.schema';
import type { CaseJournalEntry } from '../model/journal.schema';
import type { Dossier } from '../model/dossier.schema';
import { dateInZone, type IsoDate } from '../time/calendar-date';
import type { CaseRecords } from './case-records';
import { decisionStep, noticeChannel, type FormalNotice } from './formal-notice';
import { FR } from './fr.wording';

type Evidence = Dossier['evidence'];

const MESSAGE_CHANNELS: ReadonlySet<string> = new Set<Channel>(['email', 'sms', 'letter', 'registered_letter']);

export function buildEvidence(
  records: CaseRecords,
  notice: FormalNotice | undefined,
  asOf: IsoDate,
  timeZone: string,
): Evidence {
  const day = (at: string) => dateInZone(new Date(at), timeZone);
  const numberOf = new Map(records.receivables.map((r) => [r.id, r.number]));
  const stepOfDecision = new Map(records.decisions.map((d) => [d.id, decisionStep(d)]));
  const actions = new Map(records.actions.map((a) => [a.id, a]));
  const journal = [...records.journal].sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));

  const messages: Evidence['messages'] = [];
  for (const entry of journal) {
    if (entry.type !== 'action_performed') continue;
    const action = actions.get(String(entry.data['actionId']));
    if (!action || !MESSAGE_CHANNELS.has(action.kind) || !action.decisionId) continue;
    const step = stepOfDecision.get(action.decisionId);
    if (!step || (step.kind !== 'reminder' && step.kind !== 'formal_notice')) continue;
    const ch = noticeChannel(records, action, timeZone);
    messages.push({
      journalSeq: entry.seq!,
      on: day(entry.at),
      step: step.kind,
      stepId: step.id,
      channel: action.kind as Channel,
      template: ch.template,
      summary: entry.summary,
      messageId: ch.messageId,
      trackingNumber: ch.trackingNumber,
      deliveryStatus: ch.deliveryStatus,
    });
  }

  const calls: Evidence['calls'] = journal
    .filter((j) => j.type === 'note' && typeof j.data['outcome'] === 'string' && typeof j.data['actionId'] === 'string')
    .map((j) => ({ journalSeq: j.seq!, on: day(j.at), outcome: String(j.data['outcome']) }));

  return {
    messages,
    formalNotice: formalNoticeEvidence(notice),
    calls,
    disputes: disputes(records, journal, numberOf, day),
    promises: promises(records, journal, numberOf, asOf, day),
  };
}

function formalNoticeEvidence(notice: FormalNotice | undefined): Evidence['formalNotice'] {
  const sent = notice?.sent;
  if (!notice || !sent || notice.deadlineDays === null || sent.deadlineEndsOn === null) return null;
  return {
    stepId: notice.stepId,
    sentOn: sent.on,
    channels: notice.channels.filter((c) => c.performedAt !== null).map((c) => c.channel),
    receivedOn: sent.receivedOn,
    startsOn: sent.startsOn,
    startBasis: sent.startBasis,
    deadlineDays: notice.deadlineDays,
    deadlineEndsOn: sent.deadlineEndsOn,
    proofs: notice.channels.flatMap((c) =>
      c.proofs.map((p) => ({ documentRef: p.documentId, kind: p.kind, sha256: p.sha256, provenAt: p.provenAt })),
    ),
  };
}

function disputes(
  records: CaseRecords,
  journal: readonly CaseJournalEntry[],
  numberOf: ReadonlyMap<string, string>,
  day: (at: string) => IsoDate,
): Evidence['disputes'] {
  const out: Evidence['disputes'] = [];
  const openByItem = new Map<string, Evidence['disputes'][number]>();
  for (const j of journal) {
    if (j.type !== 'item_disputed' || typeof j.data['receivableId'] !== 'string') continue;
    const id = j.data['receivableId'];
    const invoiceNumber = numberOf.get(id);
    if (!invoiceNumber) continue;
    if (j.data['cleared'] === true) {
      const open = openByItem.get(id);
      if (open) {
        open.outcome = 'lifted';
        open.liftedOn = day(j.at);
        openByItem.delete(id);
      }
      continue;
    }
    if (openByItem.has(id)) continue;
    const entry: Evidence['disputes'][number] = {
      invoiceNumber,
      since: day(j.at),
      reason: typeof j.data['reason'] === 'string' ? j.data['reason'] : FR.dossier.disputedNoReason,
      outcome: 'open',
      liftedOn: null,
    };
    openByItem.set(id, entry);
    out.push(entry);
  }
  // A dispute the ledger itself holds has no journal line of its own.
  for (const r of records.receivables) {
    if (r.disputed && !openByItem.has(r.id))
      out.push({
        invoiceNumber: r.number,
        since: r.disputed.since,
        reason: r.disputed.reason,
        outcome: 'open',
        liftedOn: null,
      });
  }
  return out;
}

function promises(
  records: CaseRecords,
  journal: readonly CaseJournalEntry[],
  numberOf: ReadonlyMap<string, string>,
  asOf: IsoDate,
  day: (at: string) => IsoDate,
): Evidence['promises'] {
  const out: Evidence['promises'] = [];
  const seen = new Set<string>();
  const outcome = (
    itemIds: readonly string[],
    recordedOn: IsoDate,
    promisedFor: IsoDate,
    amount: number | null,
  ): 'kept' | 'broken' | 'pending' => {
    const paid = itemIds
      .flatMap((id) => records.payments.get(id) ?? [])
      .filter((p) => p.date >= recordedOn && p.date <= promisedFor);
    const sum = paid.reduce((s, p) => s + p.amount, 0);
    // Without an amount, the promise covered everything open: kept when each item was settled by then.
    const kept =
      amount !== null
        ? sum >= amount
        : itemIds.length > 0 &&
          itemIds.every(
            (id) =>
              records.receivables.find((r) => r.id === id)?.open === 0 &&
              (records.payments.get(id) ?? []).every((p) => p.date <= promisedFor),
          );
    if (kept) return 'kept';
    return asOf <= promisedFor ? 'pending' : 'broken';
  };
  for (const j of journal) {
    if (j.type !== 'promise_to_pay' || typeof j.data['date'] !== 'string') continue;
    const itemIds = Array.isArray(j.data['itemIds'])
      ? j.data['itemIds'].filter((x): x is string => typeof x === 'string' && numberOf.has(x))
      : [];
    const amount = typeof j.data['amount'] === 'number' ? j.data['amount'] : null;
    const recordedOn = day(j.at);
    for (const id of itemIds) seen.add(`${id}/${j.data['date']}`);
    out.push({
      recordedOn,
      promisedFor: j.data['date'],
      amount,
      invoiceNumbers: itemIds.map((id) => numberOf.get(id)!),
      outcome: outcome(itemIds, recordedOn, j.data['date'], amount),
    });
  }
  // A promise the ledger itself holds has no journal line of its own.
  for (const r of records.receivables) {
    const p = r.promiseToPay;
    if (!p || seen.has(`${r.id}/${p.date}`)) continue;
    out.push({
      recordedOn: p.recordedOn,
      promisedFor: p.date,
      amount: p.amount ?? null,
      invoiceNumbers: [r.number],
      outcome: outcome([r.id], p.recordedOn, p.date, p.amount ?? null),
    });
  }
  return out;
}
