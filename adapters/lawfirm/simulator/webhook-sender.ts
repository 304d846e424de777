import axios from 'axios';
import type { Clock } from '../../../connector/time/clock';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, webhookHeaders } from '../webhook-signature';

/**
 * The simulated firm's side of `webhooks.procedureEvents` (openapi.yaml): batches of events,
 * signed, POSTed to the creditor's URL, tried again with growing delays until a 2xx. Delays
 * run on the simulator's clock (what the firm's world sees); signatures carry the signature
 * clock's time (real time by default, which is what a receiver compares with).
 */

export interface WebhookTarget {
  url: string;
  /** The shared secret the firm signs with. */
  secret: string;
  /** Most events in one request. Default 50 (the contract allows 100). */
  batchSize?: number;
  /** Real milliseconds the receiver has to answer. Default 10000, as the contract says. */
  timeoutMs?: number;
}

/** How an injected bad signature is bad. */
export type SignatureFault = 'wrong_secret' | 'stale' | 'future' | 'missing' | 'malformed';

export interface DeliveryAttempt {
  deliveryId: string;
  /** 1 for the first try of this delivery. */
  attempt: number;
  eventIds: string[];
  /** Simulated instant of the attempt (ISO 8601). */
  at: string;
  /** The receiver's HTTP status, or undefined when it did not answer. */
  status: number | undefined;
  error?: string;
  signature: 'valid' | SignatureFault;
  outcome: 'delivered' | 'retry' | 'abandoned';
}

/** Simulated delay before each retry: 1 min, 5 min, 30 min, 2 h, 6 h, 12 h, 24 h; then the batch is abandoned (its events stay in the feed). */
export const WEBHOOK_RETRY_DELAYS_MS: readonly number[] = [
  60_000, 300_000, 1_800_000, 7_200_000, 21_600_000, 43_200_000, 86_400_000,
];

/** Seconds an injected stale or future signature is off by: well beyond the default 300 s tolerance. */
const SKEW_FAULT_SECONDS = 3_600;

export interface WebhookFaults {
  /** Events still to be delivered twice (a second, separate request). */
  takeWebhookDuplicate(): boolean;
  /** True while batches go out one event per request, newest first. */
  readonly outOfOrder: boolean;
  /** The fault of the next request's signature, if any. */
  takeSignatureFault(): SignatureFault | undefined;
}

interface Delivery {
  id: string;
  events: readonly { id: string }[];
  attempts: number;
  nextAtMs: number;
  state: 'pending' | 'delivered' | 'abandoned';
}

export class WebhookSender {
  private readonly deliveries: Delivery[] = [];
  private readonly log: DeliveryAttempt[] = [];
  private count = 0;

  constructor(
    private readonly target: WebhookTarget,
    private readonly clock: Clock,
    private readonly signatureClock: Clock,
    private readonly faults: WebhookFaults,
  ) {}

  /** New events, oldest first, to be delivered from now on. */
  enqueue(events: readonly { id: string }[]): void {
    if (events.length === 0) return;
    const duplicates = events.filter(() => this.faults.takeWebhookDuplicate());
    const size = Math.max(1, Math.min(this.target.batchSize ?? 50, 100));
    const groups = this.faults.outOfOrder ? [...events].reverse().map((e) => [e]) : chunk(events, size);
    groups.push(...chunk(duplicates, size));
    const now = this.clock.now().getTime();
    for (const group of groups)
      this.deliveries.push({
        id: `dlv_${String(++this.count).padStart(6, '0')}`,
        events: group,
        attempts: 0,
        nextAtMs: now,
        state: 'pending',
      });
  }

  /** Tries every delivery that is due, one after the other, in the order they were queued. */
  async deliverDue(): Promise<DeliveryAttempt[]> {
    const made: DeliveryAttempt[] = [];
    for (const delivery of this.deliveries) {
      if (delivery.state !== 'pending' || delivery.nextAtMs > this.clock.now().getTime()) continue;
      made.push(await this.attempt(delivery));
    }
    // Delivered and abandoned batches are only kept in the log.
    for (let i = this.deliveries.length - 1; i >= 0; i--)
      if (this.deliveries[i]!.state !== 'pending') this.deliveries.splice(i, 1);
    return made;
  }

  attempts(): DeliveryAttempt[] {
    return [...this.log];
  }

  pending(): number {
    return this.deliveries.filter((d) => d.state === 'pending').length;
  }

  private async attempt(delivery: Delivery): Promise<DeliveryAttempt> {
    const body = JSON.stringify({ events: delivery.events });
    const fault = this.faults.takeSignatureFault();
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'User-Agent': 'recouvra-lawfirm-simulator/1',
    };
    Object.assign(
      headers,
      signatureHeaders(this.target.secret, Math.floor(this.signatureClock.now().getTime() / 1000), body, fault),
    );
    delivery.attempts += 1;
    const at = this.clock.now();
    let status: number | undefined;
    let error: string | undefined;
    try {
      const response = await axios.post<string>(this.target.url, body, {
        headers,
        timeout: this.target.timeoutMs ?? 10_000,
        validateStatus: () => true,
        maxRedirects: 0,
        responseType: 'text',
        transformResponse: (x: unknown) => x,
      });
      status = response.status;
    } catch (e) {
      error = (e as { code?: string }).code ?? String(e);
    }
    let outcome: DeliveryAttempt['outcome'];
    if (status !== undefined && status >= 200 && status < 300) {
      delivery.state = 'delivered';
      outcome = 'delivered';
    } else if (delivery.attempts > WEBHOOK_RETRY_DELAYS_MS.length) {
      delivery.state = 'abandoned';
      outcome = 'abandoned';
    } else {
      delivery.nextAtMs = at.getTime() + WEBHOOK_RETRY_DELAYS_MS[delivery.attempts - 1]!;
      outcome = 'retry';
    }
    const record: DeliveryAttempt = {
      deliveryId: delivery.id,
      attempt: delivery.attempts,
      eventIds: delivery.events.map((e) => e.id),
      at: at.toISOString(),
      status,
      ...(error === undefined ? {} : { error }),
      signature: fault ?? 'valid',
      outcome,
    };
    this.log.push(record);
    return record;
  }
}

function signatureHeaders(
  secret: string,
  timestamp: number,
  body: string,
  fault: SignatureFault | undefined,
): Record<string, string> {
  switch (fault) {
    case undefined:
      return webhookHeaders(secret, timestamp, body);
    case 'wrong_secret':
      return webhookHeaders(`${secret}-but-not-the-shared-one`, timestamp, body);
    case 'stale':
      return webhookHeaders(secret, timestamp - SKEW_FAULT_SECONDS, body);
    case 'future':
      return webhookHeaders(secret, timestamp + SKEW_FAULT_SECONDS, body);
    case 'missing':
      return { [TIMESTAMP_HEADER]: String(timestamp) };
    case 'malformed':
      return { [TIMESTAMP_HEADER]: String(timestamp), [SIGNATURE_HEADER]: 'v1=not-a-hex-signature' };
  }
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
