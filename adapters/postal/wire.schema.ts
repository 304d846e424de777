import { z } from 'zod';

/** The provider's shapes as the contract (README.md) defines them, read loosely: a provider may add fields. */

const StatusWire = z.enum(['accepted', 'printed', 'posted', 'delivered', 'returned', 'failed']);

export const LetterWireSchema = z.looseObject({
  id: z.string().min(1),
  kind: z.enum(['letter', 'registered_letter']),
  status: StatusWire,
  trackingNumber: z.string().min(1).nullish(),
  events: z.array(z.looseObject({ at: z.string(), status: StatusWire, detail: z.string() })).default([]),
});
export type LetterWire = z.infer<typeof LetterWireSchema>;

export const ProofWireSchema = z.looseObject({
  kind: z.enum(['acknowledgement_of_receipt', 'deposit_proof']),
  at: z.string(),
  contentType: z.literal('application/pdf'),
  pdf: z.string().min(1),
});

const ErrorWire = z.looseObject({
  error: z.looseObject({
    code: z.string(),
    message: z.string().optional(),
    details: z.array(z.looseObject({ field: z.string().optional(), message: z.string() })).optional(),
  }),
});

/** `{ error: { code, message, details? } }`, or undefined when the body is something else (a proxy's HTML page). */
export function providerError(body: string): { code: string; message: string; details: string[] } | undefined {
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
