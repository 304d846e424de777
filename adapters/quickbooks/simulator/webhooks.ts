import { createHmac, randomUUID } from 'node:crypto';
import type { ChangeEvent, Operation } from './data';

/**
 * Webhook deliveries (erp-apis.md §2.7): the legacy `eventNotifications` body or the CloudEvents
 * array, signed with `intuit-signature` = base64(HMAC-SHA256(verifier token, raw body)). Changes are
 * gathered for `batchDelayMs` so one delivery can carry several realms' events, at most 100 per POST
 * (the webinar Q&A quoted in §2.7). Each delivery is tried once and recorded [UNVERIFIED: Intuit's
 * retry schedule is not in the reference].
 */

export type WebhookFormat = 'legacy' | 'cloudevents';

export interface WebhookTarget {
  url: string;
  verifierToken: string;
  format?: WebhookFormat;
  /** Real milliseconds changes are gathered before a delivery. Default 100. */
  batchDelayMs?: number;
}

export interface WebhookDelivery {
  format: WebhookFormat;
  events: number;
  realmIds: string[];
  /** The receiver's status, undefined when it did not answer within 3 s. */
  status: number | undefined;
  error?: string;
}

/** §2.7: at most 100 events per delivery. */
export const MAX_EVENTS_PER_DELIVERY = 100;
/** §2.7: Intuit treats a delivery not answered within 3 seconds as failed. */
export const DELIVERY_TIMEOUT_MS = 3_000;

export function webhookSignature(rawBody: string, verifierToken: string): string {
  return createHmac('sha256', verifierToken).update(rawBody, 'utf8').digest('base64');
}

export function legacyPayload(events: readonly ChangeEvent[]): object {
  const byRealm = new Map<string, ChangeEvent[]>();
  for (const e of events) byRealm.set(e.realmId, [...(byRealm.get(e.realmId) ?? []), e]);
  return {
    eventNotifications: [...byRealm].map(([realmId, list]) => ({
      realmId,
      dataChangeEvent: {
        entities: list.map((e) => ({
          id: e.id,
          operation: e.operation,
          name: e.entity,
          lastUpdated: new Date(e.atMs).toISOString(),
        })),
      },
    })),
  };
}

/** `type` = qbo.<entity>.<op>.v1 (§2.7) [UNVERIFIED: verbs other than "created"]. */
const VERBS: Record<Operation, string> = {
  Create: 'created',
  Update: 'updated',
  Delete: 'deleted',
  Void: 'voided',
  Merge: 'merged',
  Emailed: 'emailed',
};

export function cloudEventsPayload(events: readonly ChangeEvent[]): object[] {
  return events.map((e) => ({
    specversion: '1.0',
    id: randomUUID(),
    // [UNVERIFIED: what Intuit's `source` holds; the sample shows an opaque "intuit.<id>" value.]
    source: 'intuit.qbo-simulator',
    type: `qbo.${e.entity.toLowerCase()}.${VERBS[e.operation]}.v1`,
    datacontenttype: 'application/json',
    time: new Date(e.atMs).toISOString(),
    intuitentityid: e.id,
    intuitaccountid: e.realmId,
    data: {},
  }));
}

export class WebhookDispatcher {
  format: WebhookFormat;
  readonly deliveries: WebhookDelivery[] = [];
  private queue: ChangeEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> = Promise.resolve();

  constructor(private readonly target: WebhookTarget) {
    this.format = target.format ?? 'legacy';
  }

  enqueue(event: ChangeEvent): void {
    this.queue.push(event);
    this.timer ??= setTimeout(() => void this.flush(), this.target.batchDelayMs ?? 100);
  }

  /** Sends everything queued now; resolves when every delivery so far has been answered or has failed. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const events = this.queue;
    this.queue = [];
    for (let i = 0; i < events.length; i += MAX_EVENTS_PER_DELIVERY) {
      const batch = events.slice(i, i + MAX_EVENTS_PER_DELIVERY);
      this.sending = this.sending.then(() => this.deliver(batch));
    }
    return this.sending;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async deliver(events: ChangeEvent[]): Promise<void> {
    const format = this.format;
    const body = JSON.stringify(format === 'legacy' ? legacyPayload(events) : cloudEventsPayload(events));
    const record: WebhookDelivery = {
      format,
      events: events.length,
      realmIds: [...new Set(events.map((e) => e.realmId))],
      status: undefined,
    };
    try {
      const res = await fetch(this.target.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'intuit-signature': webhookSignature(body, this.target.verifierToken),
        },
        body,
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      record.status = res.status;
      await res.arrayBuffer();
    } catch (e) {
      record.error = e instanceof Error ? e.message : String(e);
    }
    this.deliveries.push(record);
  }
}
