import { z } from 'zod';
import { ChannelSchema } from '../model/action.schema';
import type { Decision } from '../store/store';

/**
 * What a recorded decision keeps of its evaluation. `Decision.evaluation` is the engine's whole
 * output stored as JSON (connector/policy/evaluate.ts, `Evaluation`); the parts read back — by the
 * controller's operations, the outbox's performers, the documents — are checked here, loosely, so
 * that a field added to the evaluation later breaks nothing.
 */
/** What every reader of a recorded step needs: which step, of which kind, on which channels. */
const StepBasicsSchema = z.looseObject({
  id: z.string().min(1),
  kind: z.enum(['reminder', 'formal_notice', 'escalation']),
  channels: z.array(ChannelSchema),
});

export const RecordedStepSchema = StepBasicsSchema.extend({
  index: z.number().int().nonnegative(),
  template: z.string().min(1).nullable(),
  requiresApproval: z.boolean().optional(),
  /** The deadline a formal notice gives the debtor, in days; null or absent when the step states none. */
  deadlineDays: z.number().int().nullable().optional(),
});
export type RecordedStep = z.infer<typeof RecordedStepSchema>;

/** Amounts in minor units (see `Amounts` in evaluate.ts). */
export const RecordedAmountsSchema = z.looseObject({
  currency: z.string(),
  open: z.number(),
  overdue: z.number(),
  credit: z.number(),
});

export const RecordedEvaluationSchema = z.looseObject({
  step: RecordedStepSchema,
  amounts: RecordedAmountsSchema.optional(),
  /** The items the step covers; absent in decisions recorded before it was kept (then: every open item). */
  itemIds: z.array(z.string()).optional(),
});
export type RecordedEvaluation = z.infer<typeof RecordedEvaluationSchema>;

/**
 * What the ledger's note or activity of a step reads: the step's name and channels, the amounts
 * (always recorded by connector/policy/decide.ts), and the items it covers.
 */
export const LedgerEvaluationSchema = z.looseObject({
  step: StepBasicsSchema,
  amounts: RecordedAmountsSchema,
  itemIds: z.array(z.string()).optional(),
});

/** The evaluation of `decision` read with `schema`, or why it cannot be: the decision and the fields at fault. */
export function readEvaluation<S extends z.ZodType>(
  decision: Decision,
  schema: S,
): { ok: true; evaluation: z.infer<S> } | { ok: false; message: string } {
  const parsed = schema.safeParse(decision.evaluation);
  if (parsed.success) return { ok: true, evaluation: parsed.data };
  return {
    ok: false,
    message: `decision ${decision.id} of case ${decision.caseId} does not record its evaluation in a form this version reads (${parsed.error.issues.map((i) => `${i.path.join('.') || 'evaluation'}: ${i.message}`).join('; ')})`,
  };
}
