import { z } from 'zod';

/**
 * The provider's shapes as the contract (README.md) defines them, read loosely: unknown keys are
 * allowed so that a provider may add fields without breaking the client.
 */

export const SmsMessageWireSchema = z.looseObject({
  id: z.string().min(1),
  status: z.enum(['queued', 'sent', 'delivered', 'failed']),
  statusAt: z.string().optional(),
  error: z.looseObject({ code: z.string(), message: z.string().optional() }).nullish(),
});
export type SmsMessageWire = z.infer<typeof SmsMessageWireSchema>;

export const SmsErrorWireSchema = z.looseObject({
  error: z.looseObject({ code: z.string(), message: z.string().optional() }),
});

/** `{ error: { code, message } }`, or undefined when the body is something else (a proxy's HTML page). */
export function providerError(body: string): { code: string; message: string } | undefined {
  try {
    const parsed = SmsErrorWireSchema.safeParse(JSON.parse(body));
    return parsed.success ? { code: parsed.data.error.code, message: parsed.data.error.message ?? '' } : undefined;
  } catch {
    return undefined;
  }
}
