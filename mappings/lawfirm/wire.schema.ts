import { z } from 'zod';
import type { PartnerEvent } from '../../connector/model/procedure-event.schema';

/**
 * The firm's answers as openapi.yaml defines them, read loosely: unknown keys are allowed (a
 * firm may add fields within v1), unknown event types too (they are the connector's
 * `indeterminate`). What the connector relies on is required.
 */

const Sha256Wire = z.string().regex(/^[0-9a-f]{64}$/, { error: 'a SHA-256 is 64 lowercase hex digits' });
const InstantWire = z.iso.datetime({ offset: true, error: 'an instant is ISO 8601 with a zone' });
const MoneyWire = z.looseObject({ amount: z.number().int(), currency: z.string().regex(/^[A-Z]{3}$/) });

export const FileReceiptWireSchema = z.looseObject({
  fileId: z.string().min(1),
  dossierId: z.string().min(1),
  status: z.enum(['received', 'accepted', 'rejected']),
  reasons: z.array(z.string()).default([]),
  replayed: z.boolean().default(false),
});
export type FileReceiptWire = z.infer<typeof FileReceiptWireSchema>;

export const DocumentsReceiptWireSchema = z.looseObject({
  fileId: z.string().min(1),
  documents: z.array(z.looseObject({ name: z.string().min(1), sha256: Sha256Wire })),
});

export const PaymentReceiptWireSchema = z.looseObject({
  fileId: z.string().min(1),
  paymentId: z.string().min(1),
});

export const WithdrawalReceiptWireSchema = z.looseObject({
  fileId: z.string().min(1),
  state: z.literal('withdrawn'),
});

export const FileStatusWireSchema = z.looseObject({
  fileId: z.string().min(1),
  dossierId: z.string().min(1),
  state: z.string().min(1),
  updatedAt: InstantWire,
});

export const DocumentWireSchema = z.looseObject({
  name: z.string().min(1),
  kind: z.string().min(1),
  mediaType: z.string().min(1),
  sha256: Sha256Wire,
  contentBase64: z.string(),
});

export const PartnerEventWireSchema = z.looseObject({
  id: z.string().min(1),
  fileId: z.string().min(1),
  dossierId: z.string().min(1),
  type: z.string().min(1),
  occurredAt: InstantWire,
  label: z.string().optional(),
  amount: MoneyWire.optional(),
  documents: z.array(z.looseObject({ name: z.string().min(1), sha256: Sha256Wire })).optional(),
  note: z.string().optional(),
});
export type PartnerEventWire = z.infer<typeof PartnerEventWireSchema>;

export const EventPageWireSchema = z.looseObject({
  events: z.array(PartnerEventWireSchema),
  next: z.string().min(1),
  hasMore: z.boolean().optional(),
});

/** The webhook's body (openapi.yaml, `WebhookPayload`), for the route that receives it. */
export const WebhookPayloadWireSchema = z.looseObject({
  events: z.array(PartnerEventWireSchema).min(1),
});

/** Only the contract's fields of an event, whatever else the firm added. */
export function toPartnerEvent(e: PartnerEventWire): PartnerEvent {
  return {
    id: e.id,
    fileId: e.fileId,
    dossierId: e.dossierId,
    type: e.type,
    occurredAt: e.occurredAt,
    ...(e.label === undefined ? {} : { label: e.label }),
    ...(e.amount === undefined ? {} : { amount: { amount: e.amount.amount, currency: e.amount.currency } }),
    ...(e.documents === undefined ? {} : { documents: e.documents.map((d) => ({ name: d.name, sha256: d.sha256 })) }),
    ...(e.note === undefined ? {} : { note: e.note }),
  };
}

/**
 * A webhook's body, once its signature is verified (webhook-signature.ts): the events, or what
 * is wrong with the body (for a 400 that names it). Unknown event types pass: they are the
 * connector's `indeterminate`.
 */
export function parseWebhookPayload(
  rawBody: Buffer | string,
): { ok: true; events: PartnerEvent[] } | { ok: false; problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8'));
  } catch {
    return { ok: false, problem: 'the body is not JSON' };
  }
  const parsed = WebhookPayloadWireSchema.safeParse(json);
  if (!parsed.success)
    return {
      ok: false,
      problem: `the body is not a batch of events (${parsed.error.issues.map((i) => `${i.path.map(String).join('.') || 'body'}: ${i.message}`).join('; ')})`,
    };
  return { ok: true, events: parsed.data.events.map(toPartnerEvent) };
}

const ErrorWire = z.looseObject({
  error: z.looseObject({
    code: z.string(),
    message: z.string().optional(),
    details: z.array(z.looseObject({ field: z.string().optional(), message: z.string() })).optional(),
  }),
});

export interface PartnerErrorWire {
  code: string;
  message: string;
  /** `field: message`, one per problem the firm listed. */
  details: string[];
}

/** `{ error: { code, message, details? } }`, or undefined when the body is something else (a proxy's HTML page). */
export function partnerError(body: string): PartnerErrorWire | undefined {
  try {
    const parsed = ErrorWire.safeParse(JSON.parse(body));
    if (!parsed.success) return undefined;
    const { code, message, details } = parsed.data.error;
    return {
      code,
      message: message ?? '',
      details: (details ?? []).map((d) => (d.field ? `${d.field}: ${d.message}` : d.message)),
    };
  } catch {
    return undefined;
  }
}
