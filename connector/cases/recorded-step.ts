import { z } from 'zod';
import { ChannelSchema } from '../model/action.schema';
import type { Case, CaseStage } from '../model/case.schema';
import type { Decision, Store } from '../store/store';
import { ConflictError } from './case-errors';

/**
 * What a recorded decision says about its step. `Decision.evaluation` is the engine's whole
 * output stored as JSON (connector/policy/evaluate.ts, `Evaluation`); this reads back the part
 * the controller's operations need, loosely, so that a later field added there breaks nothing.
 */
export const RecordedEvaluationSchema = z.looseObject({
  step: z.looseObject({
    id: z.string().min(1),
    index: z.number().int().nonnegative(),
    kind: z.enum(['reminder', 'formal_notice', 'escalation']),
    channels: z.array(ChannelSchema),
    template: z.string().min(1).nullable(),
  }),
  amounts: z
    .looseObject({ currency: z.string(), open: z.number(), overdue: z.number(), credit: z.number() })
    .optional(),
  itemIds: z.array(z.string()).optional(),
});
export type RecordedEvaluation = z.infer<typeof RecordedEvaluationSchema>;
export type RecordedStep = RecordedEvaluation['step'];

/** The stage a case is in once a step of this kind is performed (as connector/policy/decide.ts sets it). */
export const STAGE_AFTER_STEP: Readonly<Record<RecordedStep['kind'], CaseStage>> = {
  reminder: 'reminding',
  formal_notice: 'formal_notice',
  escalation: 'escalated',
};

export function recordedEvaluation(decision: Decision): RecordedEvaluation {
  const parsed = RecordedEvaluationSchema.safeParse(decision.evaluation);
  if (!parsed.success)
    throw new ConflictError(
      'DECISION_UNREADABLE',
      `decision ${decision.id} of case ${decision.caseId} does not record its step in a form this version reads`,
    );
  return parsed.data;
}

/**
 * The decision that put the case in `awaiting_approval`: of the decisions of its pending step
 * that required approval, the one made on the day the step was set pending, else the latest (a
 * restarted ladder can decide the same step again for a newer anchor).
 */
export async function pendingDecision(
  store: Store,
  c: Case,
): Promise<{ decision: Decision; evaluation: RecordedEvaluation } | undefined> {
  const pending = c.pendingApproval;
  if (!pending) return undefined;
  const candidates = (await store.listDecisions(c.id)).filter((d) => d.stepId === pending.stepId && d.requiresApproval);
  const decision = candidates.filter((d) => d.asOf === pending.on).pop() ?? candidates.pop();
  return decision ? { decision, evaluation: recordedEvaluation(decision) } : undefined;
}

/**
 * The stage the case's last performed step implies: `open` before any step; for a step no
 * decision records (set by a portfolio import), `reminding`, as the import itself assumes.
 */
export async function stageOfLastStep(store: Store, c: Case): Promise<CaseStage> {
  const last = c.lastStep;
  if (!last) return 'open';
  const decision = (await store.listDecisions(c.id)).filter((d) => d.stepId === last.stepId).pop();
  if (!decision) return 'reminding';
  return STAGE_AFTER_STEP[recordedEvaluation(decision).step.kind];
}
