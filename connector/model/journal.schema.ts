import { z } from 'zod';
import { IdSchema, IsoDateTimeSchema } from './common.schema';

export const ActorSchema = z.strictObject({
  kind: z.enum(['system', 'user', 'erp', 'lawfirm', 'debtor']),
  id: z.string().min(1),
});
export type Actor = z.infer<typeof ActorSchema>;

export const JournalEntryTypeSchema = z.enum([
  'case_opened',
  'decision',
  'approval_requested',
  'approved',
  'rejected',
  'action_performed',
  'action_failed',
  'delivery_status',
  'proof_received',
  'paused',
  'resumed',
  'item_disputed',
  'item_excluded',
  'promise_to_pay',
  /** A cost of recovery the controller entered with its receipt (C. com. L441-10 II, "sur justification"). */
  'recovery_cost',
  'payment_received',
  /** The dossier as it will be sent, stored before its first sending (every retry sends it again). */
  'dossier_prepared',
  'dossier_submitted',
  /** The firm refused the dossier as sent (422): no file was opened. */
  'dossier_refused',
  'procedure_event',
  'note',
  'case_closed',
]);
export type JournalEntryType = z.infer<typeof JournalEntryTypeSchema>;

/**
 * One line of a case's append-only journal: the evidence a law firm needs and the audit
 * trail a controller reads. `seq` is assigned by the store and orders the journal.
 */
export const CaseJournalEntrySchema = z.strictObject({
  seq: z.number().int().positive().optional(),
  caseId: IdSchema,
  at: IsoDateTimeSchema,
  actor: ActorSchema,
  type: JournalEntryTypeSchema,
  summary: z.string().min(1, { error: 'a journal entry needs a human-readable summary' }),
  data: z.record(z.string(), z.unknown()).default({}),
});
export type CaseJournalEntry = z.infer<typeof CaseJournalEntrySchema>;
