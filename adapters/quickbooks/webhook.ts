import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * QuickBooks Online webhooks (erp-apis.md §2.7): the header `intuit-signature` is
 * base64(HMAC-SHA256(key = the webhook verifier token, message = the raw body bytes)), compared in
 * constant time; the body is the legacy `{"eventNotifications": [...]}` or, since the CloudEvents
 * migration, a JSON array of CloudEvents (`specversion`, `type: qbo.<entity>.<op>.v1`,
 * `intuitaccountid` = realmId, `intuitentityid` = entity id), possibly of several companies in one
 * delivery. Intuit's webinar notes say up to 100 events and about 1 MB per delivery. Webhooks carry
 * no field values: the entity is read again.
 */

/** A body larger than this is refused before its signature is computed (Intuit: about 1 MB per delivery). */
export const MAX_WEBHOOK_BYTES = 2 * 1024 * 1024;

export interface QboChange {
  realmId: string;
  /** As QuickBooks names it: `Invoice`, `Payment`, `CreditMemo`, `Customer`, … */
  entity: string;
  id: string;
  /** Create, Update, Delete, Merge, Void, Emailed (legacy); created, updated, deleted… (CloudEvents), capitalised. */
  operation: string;
  /** ISO 8601, as sent (`lastUpdated`, or the CloudEvent's `time`). */
  occurredAt: string;
}

export type WebhookVerdict =
  | { ok: true; format: 'legacy' | 'cloudevents'; changes: QboChange[] }
  | { ok: false; status: 401 | 400 | 413; reason: string };

/** Whether `signature` is the verifier token's HMAC of `rawBody`; false for a missing or malformed one. */
export function signatureMatches(rawBody: Buffer, signature: string | undefined, verifierToken: string): boolean {
  if (signature === undefined || signature === '') return false;
  const expected = createHmac('sha256', verifierToken).update(rawBody).digest();
  let given: Buffer;
  try {
    given = Buffer.from(signature, 'base64');
  } catch {
    return false;
  }
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The signature QuickBooks would send for `rawBody` (the simulator signs with it). */
export function signatureOf(rawBody: Buffer | string, verifierToken: string): string {
  return createHmac('sha256', verifierToken).update(rawBody).digest('base64');
}

const CAPITALISED: Record<string, string> = {
  creditmemo: 'CreditMemo',
  invoice: 'Invoice',
  payment: 'Payment',
  customer: 'Customer',
};

/** Checks a delivery and reads its changes. Reasons never quote the body (it may be anyone's). */
export function readWebhook(rawBody: Buffer, signature: string | undefined, verifierToken: string): WebhookVerdict {
  if (rawBody.length > MAX_WEBHOOK_BYTES)
    return { ok: false, status: 413, reason: `body of ${rawBody.length} bytes, more than ${MAX_WEBHOOK_BYTES}` };
  if (signature === undefined || signature === '')
    return { ok: false, status: 401, reason: 'no intuit-signature header' };
  if (!signatureMatches(rawBody, signature, verifierToken))
    return {
      ok: false,
      status: 401,
      reason: 'intuit-signature does not match the body (wrong verifier token, or an altered body)',
    };
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return { ok: false, status: 400, reason: 'the body is not JSON' };
  }
  if (Array.isArray(body)) return cloudEvents(body);
  if (
    typeof body === 'object' &&
    body !== null &&
    Array.isArray((body as Record<string, unknown>)['eventNotifications'])
  )
    return legacy((body as { eventNotifications: unknown[] }).eventNotifications);
  return { ok: false, status: 400, reason: 'neither an eventNotifications object nor a CloudEvents array' };
}

/** CloudEvents' past participles as the legacy payload names the operations (erp-apis.md §2.7). */
const OPERATIONS: Record<string, string> = {
  created: 'Create',
  updated: 'Update',
  deleted: 'Delete',
  merged: 'Merge',
  voided: 'Void',
  emailed: 'Emailed',
};

function text(x: unknown): string | undefined {
  return typeof x === 'string' && x !== '' ? x : undefined;
}

function legacy(notifications: unknown[]): WebhookVerdict {
  const changes: QboChange[] = [];
  for (const [i, n] of notifications.entries()) {
    const note = (typeof n === 'object' && n !== null ? n : {}) as Record<string, unknown>;
    const realmId = text(note['realmId']);
    const event = note['dataChangeEvent'];
    const entities =
      typeof event === 'object' && event !== null ? (event as Record<string, unknown>)['entities'] : undefined;
    if (!realmId || !Array.isArray(entities))
      return {
        ok: false,
        status: 400,
        reason: `eventNotifications[${i}] has no realmId or no dataChangeEvent.entities`,
      };
    for (const [j, e] of entities.entries()) {
      const entity = (typeof e === 'object' && e !== null ? e : {}) as Record<string, unknown>;
      const name = text(entity['name']);
      const id = text(entity['id']);
      const operation = text(entity['operation']);
      const at = text(entity['lastUpdated']);
      if (!name || !id || !operation || !at)
        return {
          ok: false,
          status: 400,
          reason: `eventNotifications[${i}].dataChangeEvent.entities[${j}] lacks name, id, operation or lastUpdated`,
        };
      changes.push({ realmId, entity: name, id, operation, occurredAt: at });
    }
  }
  return { ok: true, format: 'legacy', changes };
}

function cloudEvents(events: unknown[]): WebhookVerdict {
  const changes: QboChange[] = [];
  for (const [i, x] of events.entries()) {
    const e = (typeof x === 'object' && x !== null ? x : {}) as Record<string, unknown>;
    const type = text(e['type']);
    const match = type ? /^qbo\.([a-z]+)\.([a-z]+)\.v\d+$/i.exec(type) : null;
    const realmId = text(e['intuitaccountid']);
    const id = text(e['intuitentityid']);
    const at = text(e['time']);
    if (!text(e['specversion']) || !match || !realmId || !id || !at)
      return {
        ok: false,
        status: 400,
        reason: `event [${i}] lacks specversion, a qbo.<entity>.<operation>.v1 type, intuitaccountid, intuitentityid or time`,
      };
    const entity = CAPITALISED[match[1]!.toLowerCase()] ?? match[1]!;
    const op = match[2]!.toLowerCase();
    changes.push({ realmId, entity, id, operation: OPERATIONS[op] ?? op, occurredAt: at });
  }
  return { ok: true, format: 'cloudevents', changes };
}

/**
 * The targeted reads a delivery asks for: one per company, entity and id, the latest change of
 * each kept (Intuit resends a delivery it thinks failed, and the same record often changes twice).
 */
export function coalesce(changes: readonly QboChange[]): QboChange[] {
  const latest = new Map<string, QboChange>();
  for (const c of changes) {
    const key = `${c.realmId}|${c.entity}|${c.id}`;
    const seen = latest.get(key);
    if (!seen || Date.parse(c.occurredAt) >= Date.parse(seen.occurredAt)) latest.set(key, c);
  }
  return [...latest.values()];
}
