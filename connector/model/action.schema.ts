import { z } from 'zod';
import { IdSchema, IsoDateTimeSchema } from './common.schema';

export const ChannelSchema = z.enum(['email', 'sms', 'letter', 'registered_letter', 'phone_task'], {
  error: 'channel must be one of email, sms, letter, registered_letter, phone_task',
});
export type Channel = z.infer<typeof ChannelSchema>;

/** Every external effect: a message on a channel, a note in the ledger, a dossier to the firm. */
export const ActionKindSchema = z.enum([
  'email',
  'sms',
  'letter',
  'registered_letter',
  'phone_task',
  'ledger_note',
  'ledger_activity',
  'dossier',
]);
export type ActionKind = z.infer<typeof ActionKindSchema>;

/**
 * What an outbox row is about, so that its performer reads that object by id rather than guessing
 * it from the row's key or template:
 * - `decision`: a step decided (or approved) — its messages, its dossier, its ledger note or activity;
 * - `procedure_event`: what the law firm reported, told to the ledger as a note or, when the
 *   controller must act, an activity (`eventId` is the stored event's id, `<partner>:<event id>`);
 * - `payment_report`: a payment the ledger showed while the firm works the file, read back from the
 *   case journal line `journalSeq`;
 * - `withdrawal`: the case's open file at the firm is withdrawn.
 */
export const ActionSubjectSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('decision'), decisionId: IdSchema }),
  z.strictObject({
    type: z.literal('procedure_event'),
    eventId: z.string().min(1),
    dossierId: IdSchema,
    what: z.enum(['note', 'activity']),
  }),
  z.strictObject({
    type: z.literal('payment_report'),
    dossierId: IdSchema,
    journalSeq: z.number().int().positive(),
  }),
  z.strictObject({ type: z.literal('withdrawal'), dossierId: IdSchema.optional() }),
]);
export type ActionSubject = z.infer<typeof ActionSubjectSchema>;

export const ActionStatusSchema = z.enum(['pending', 'in_progress', 'done', 'failed', 'cancelled']);
export type ActionStatus = z.infer<typeof ActionStatusSchema>;

/**
 * An outbox row. It carries ids and a template name, never message bodies or credentials:
 * the worker that performs it reads what it needs from the store.
 */
export const ActionSchema = z.strictObject({
  id: IdSchema,
  /** Unique business key, e.g. `case_x/reminder-1/email`: the same key is never performed twice. */
  idempotencyKey: z.string().min(1).max(300),
  caseId: IdSchema,
  decisionId: IdSchema.nullable(),
  kind: ActionKindSchema,
  subject: ActionSubjectSchema,
  template: z.string().min(1).nullable().default(null),
  status: ActionStatusSchema,
  attempts: z.number().int().nonnegative().default(0),
  notBefore: IsoDateTimeSchema,
  lastError: z.string().nullable().default(null),
  /** When the row's current run of failures began (absent when it has none): its retries are budgeted in time from then. */
  firstFailedAt: IsoDateTimeSchema.optional(),
  createdAt: IsoDateTimeSchema,
  updatedAt: IsoDateTimeSchema,
});
export type Action = z.infer<typeof ActionSchema>;
