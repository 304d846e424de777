import { z } from 'zod';
import { IdSchema, IsoDateTimeSchema } from './common.schema';
import { MoneySchema } from './money.schema';

/**
 * The closed set of procedure states every law-firm event maps to. Anything the mapping
 * does not recognise becomes `indeterminate`, which alerts a person: it is never read as a
 * failure or a success.
 */
export const ProcedureStateSchema = z.enum([
  'submitted',
  'accepted',
  'rejected',
  'amicable_phase',
  'filed',
  'order_issued',
  'served',
  'opposition',
  'hearing',
  'judgment',
  'enforceable_title',
  'enforcement',
  'partial_recovery',
  'recovered',
  'irrecoverable',
  'insolvency_declared',
  'withdrawn',
  'closed',
  'indeterminate',
]);
export type ProcedureState = z.infer<typeof ProcedureStateSchema>;

export const TERMINAL_PROCEDURE_STATES: ReadonlySet<ProcedureState> = new Set([
  'rejected',
  'recovered',
  'irrecoverable',
  'withdrawn',
  'closed',
]);

export const ProcedureEventSchema = z.strictObject({
  /** The firm's event id: events are deduplicated on it. */
  id: IdSchema,
  dossierId: IdSchema,
  caseId: IdSchema,
  state: ProcedureStateSchema,
  /** The firm's own label, kept verbatim so an `indeterminate` event can be understood. */
  sourceState: z.string().min(1),
  occurredAt: IsoDateTimeSchema,
  receivedAt: IsoDateTimeSchema,
  recovered: MoneySchema.optional(),
  documents: z
    .array(z.strictObject({ name: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/) }))
    .default([]),
  note: z.string().optional(),
});
export type ProcedureEvent = z.infer<typeof ProcedureEventSchema>;

/**
 * One event of a file, as the firm reports it. `type` is the firm's word for the procedure state;
 * the connector maps it to its closed set (`ProcedureState`, through mappings/lawfirm/status-words.ts) and keeps
 * the firm's word verbatim, so an unknown one becomes `indeterminate` and can still be read.
 */
export interface PartnerEvent {
  /** The firm's event id: events are applied once per id. */
  id: string;
  fileId: string;
  dossierId: string;
  type: string;
  /** ISO 8601. */
  occurredAt: string;
  /** The firm's own label for people, e.g. "Ordonnance d'injonction de payer rendue". */
  label?: string;
  /** Money recovered by this event (partial_recovery, recovered), minor units. */
  amount?: { amount: number; currency: string };
  /** Documents the firm attaches (an ordonnance, a certificate of irrecoverability), by name and hash. */
  documents?: { name: string; sha256: string }[];
  note?: string;
}
