import type { LetterProof, PostalProvider } from '../ports/postal';
import type { SmsProvider } from '../ports/sms';
import type { Logger } from '../log/logger';
import type { CaseJournalEntry } from '../model/journal.schema';
import type { Delivery, DeliveryChannel, NewDocument, Store } from '../store/store';
import { AdapterError } from '../ports/adapter-error';
import type { Clock } from '../time/clock';

/**
 * After the outbox: follows each SMS, letter and registered letter a provider accepted until its
 * status is final, journals every status the provider reports, and keeps the proofs of a
 * registered letter (deposit, then acknowledgement of receipt) as documents of the case — they
 * are evidence for the dossier, and the date of receipt is in practice the date of the mise en
 * demeure (french-recovery-law.md §3, "Starting date", marked [M] there).
 *
 * Each check is recorded at once with its journal lines and documents, guarded by the number of
 * checks it started from: a worker killed between reading the provider and recording leaves the
 * row as it was, and the next check journals the same events once.
 */

export interface TrackingOptions {
  store: Store;
  clock: Clock;
  logger: Logger;
  sms?: SmsProvider;
  postal?: PostalProvider;
  /** At most this many checks per run. Default 200. */
  limit?: number;
  /** How long a taken row stays this worker's (ms). Default 20,000. */
  leaseMs?: number;
  /** Told each status change (metrics). */
  onStatus?: (channel: DeliveryChannel, status: string) => void;
}

export interface TrackingResult {
  checked: number;
  /** Journal lines written for new statuses. */
  events: number;
  proofs: number;
  /** Deliveries that reached a final status (or their tracking horizon) in this run. */
  finished: number;
  errors: number;
  /** Set when a provider asked to slow down: the run stopped there. */
  rateLimitedMs?: number;
}

/** How long each channel is followed at most, and how often: the first wait, doubled at each check up to a day. */
export const TRACKING: Readonly<Record<DeliveryChannel, { firstCheckMs: number; horizonMs: number }>> = {
  sms: { firstCheckMs: 10 * 60_000, horizonMs: 3 * 86_400_000 },
  letter: { firstCheckMs: 6 * 3_600_000, horizonMs: 30 * 86_400_000 },
  // A registered letter not collected is returned to the sender after 15 days at the post office
  // ([M]); 30 days leaves room for the return to be reported.
  registered_letter: { firstCheckMs: 6 * 3_600_000, horizonMs: 30 * 86_400_000 },
};
const MAX_INTERVAL_MS = 86_400_000;
const DEFAULT_LIMIT = 200;
const DEFAULT_LEASE_MS = 20_000;

const FINAL_LETTER = new Set(['delivered', 'returned', 'failed']);
const FINAL_SMS = new Set(['delivered', 'failed']);

/** When the first check of a delivery accepted now is due. */
export function firstCheckAt(channel: DeliveryChannel, now: Date): string {
  return new Date(now.getTime() + TRACKING[channel].firstCheckMs).toISOString();
}

function nextInterval(channel: DeliveryChannel, checks: number): number {
  return Math.min(TRACKING[channel].firstCheckMs * 2 ** Math.min(checks, 8), MAX_INTERVAL_MS);
}

interface Observation {
  status: string;
  eventsSeen: number;
  proofs: string[];
  final: boolean;
  journal: Omit<CaseJournalEntry, 'seq'>[];
  documents: NewDocument[];
}

export async function trackDeliveries(options: TrackingOptions): Promise<TrackingResult> {
  const { store, clock, logger } = options;
  const result: TrackingResult = { checked: 0, events: 0, proofs: 0, finished: 0, errors: 0 };
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  for (let n = 0; n < (options.limit ?? DEFAULT_LIMIT); n++) {
    const now = clock.now();
    const delivery = await store.deliveries.claimDelivery({
      now: now.toISOString(),
      leaseUntil: new Date(now.getTime() + leaseMs).toISOString(),
    });
    if (!delivery) break;
    result.checked++;
    try {
      const seen = await observe(options, delivery, now);
      const expired =
        !seen.final && now.getTime() - Date.parse(delivery.sentAt) >= TRACKING[delivery.channel].horizonMs;
      if (expired) {
        seen.journal.push(
          entry(
            delivery,
            now,
            'delivery_status',
            `${channelName(delivery.channel)}: no final status after ${TRACKING[delivery.channel].horizonMs / 86_400_000} days; tracking stopped at "${seen.status}"`,
            { status: seen.status, trackingStopped: true },
          ),
        );
      }
      const final = seen.final || expired;
      const recorded = await store.deliveries.recordDeliveryCheck({
        actionId: delivery.actionId,
        expectedChecks: delivery.checks,
        status: seen.status,
        eventsSeen: seen.eventsSeen,
        proofs: seen.proofs,
        final,
        nextCheckAt: new Date(now.getTime() + nextInterval(delivery.channel, delivery.checks)).toISOString(),
        lastError: null,
        at: now.toISOString(),
        journal: seen.journal,
        documents: seen.documents,
      });
      if (!recorded) continue;
      if (seen.status !== delivery.status) options.onStatus?.(delivery.channel, seen.status);
      result.events += seen.journal.filter((j) => j.type === 'delivery_status').length;
      result.proofs += seen.documents.length;
      if (final) result.finished++;
    } catch (e) {
      const message = e instanceof AdapterError ? `${e.code}: ${e.userMessage}` : (e as Error).message;
      const retryAfterMs =
        e instanceof AdapterError && e.kind === 'rate_limit' ? (e.retryAfterMs ?? 60_000) : undefined;
      // Not a status change: the row keeps what it had and is checked again later.
      await store.deliveries.recordDeliveryCheck({
        actionId: delivery.actionId,
        expectedChecks: delivery.checks,
        status: delivery.status,
        eventsSeen: delivery.eventsSeen,
        proofs: delivery.proofs,
        final: false,
        nextCheckAt: new Date(
          now.getTime() + (retryAfterMs ?? nextInterval(delivery.channel, delivery.checks)),
        ).toISOString(),
        lastError: message,
        at: now.toISOString(),
      });
      if (retryAfterMs !== undefined) {
        result.rateLimitedMs = retryAfterMs;
        break;
      }
      result.errors++;
      logger.warn(`tracking ${delivery.channel} of action ${delivery.actionId}: ${message}`, {
        actionId: delivery.actionId,
        caseId: delivery.caseId,
      });
    }
  }
  return result;
}

async function observe(options: TrackingOptions, d: Delivery, now: Date): Promise<Observation> {
  if (d.channel === 'sms') {
    if (!options.sms)
      throw new AdapterError({
        code: 'TRACKING_NO_PROVIDER',
        kind: 'config',
        userMessage: 'no SMS provider is configured to ask for the status',
      });
    const st = await options.sms.status(d.providerId);
    const changed = st.status !== d.status;
    const journal =
      changed && FINAL_SMS.has(st.status)
        ? [
            entry(
              d,
              now,
              'delivery_status',
              st.status === 'delivered'
                ? 'SMS delivered to the phone'
                : `SMS not delivered: ${st.error ?? 'the provider gave no reason'}`,
              { status: st.status, providerAt: st.at ?? null, ...(st.error ? { error: st.error } : {}) },
            ),
          ]
        : [];
    return {
      status: st.status,
      eventsSeen: d.eventsSeen + journal.length,
      proofs: d.proofs,
      final: FINAL_SMS.has(st.status),
      journal,
      documents: [],
    };
  }
  if (!options.postal)
    throw new AdapterError({
      code: 'TRACKING_NO_PROVIDER',
      kind: 'config',
      userMessage: 'no postal provider is configured to ask for the status',
    });
  const st = await options.postal.status(d.providerId);
  const journal = st.events.slice(d.eventsSeen).map((ev) =>
    entry(d, now, 'delivery_status', `${channelName(d.channel)} ${ev.status}: ${ev.detail}`, {
      status: ev.status,
      providerAt: ev.at,
      detail: ev.detail,
      ...(st.trackingNumber ? { trackingNumber: st.trackingNumber } : {}),
    }),
  );
  const documents: NewDocument[] = [];
  const proofs = [...d.proofs];
  let awaitingProof = false;
  if (
    d.channel === 'registered_letter' &&
    st.status !== 'accepted' &&
    st.status !== 'printed' &&
    st.status !== 'failed'
  ) {
    const proof = await options.postal.proof(d.providerId);
    if (proof && !proofs.includes(proof.kind)) {
      proofs.push(proof.kind);
      documents.push(proofDocument(d, proof, now));
      journal.push(
        entry(
          d,
          now,
          'proof_received',
          `${proof.kind === 'acknowledgement_of_receipt' ? 'acknowledgement of receipt' : 'proof of deposit'} of the registered letter received (${proof.at})`,
          {
            documentId: documents.at(-1)!.id,
            proofKind: proof.kind,
            provenAt: proof.at,
            ...(st.trackingNumber ? { trackingNumber: st.trackingNumber } : {}),
          },
        ),
      );
    }
    // Delivered is final only once the signed acknowledgement is kept.
    awaitingProof = st.status === 'delivered' && !proofs.includes('acknowledgement_of_receipt');
  }
  return {
    status: st.status,
    eventsSeen: Math.max(d.eventsSeen, st.events.length),
    proofs,
    final: FINAL_LETTER.has(st.status) && !awaitingProof,
    journal,
    documents,
  };
}

function proofDocument(d: Delivery, proof: LetterProof, now: Date): NewDocument {
  return {
    id: `proof:${d.actionId}:${proof.kind}`,
    caseId: d.caseId,
    actionId: d.actionId,
    kind: proof.kind,
    mediaType: 'application/pdf',
    content: proof.pdf,
    provenAt: proof.at,
    createdAt: now.toISOString(),
  };
}

function entry(
  d: Delivery,
  now: Date,
  type: CaseJournalEntry['type'],
  summary: string,
  data: Record<string, unknown>,
): Omit<CaseJournalEntry, 'seq'> {
  return {
    caseId: d.caseId,
    at: now.toISOString(),
    actor: { kind: 'system', id: 'tracking' },
    type,
    summary,
    data: { actionId: d.actionId, channel: d.channel, providerId: d.providerId, ...data },
  };
}

function channelName(channel: DeliveryChannel): string {
  return channel === 'sms' ? 'SMS' : channel === 'letter' ? 'letter' : 'registered letter';
}
