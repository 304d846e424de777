import type { Case, CaseStage } from '../model/case.schema';
import type { Decision, Store } from '../store/store';
import {
  readEvaluation,
  RecordedEvaluationSchema,
  type RecordedEvaluation,
  type RecordedStep,
} from '../policy/recorded-evaluation.schema';
import { ConflictError } from './case-errors';

export { RecordedEvaluationSchema, type RecordedEvaluation, type RecordedStep };

/** The stage a case is in once a step of this kind is performed (as connector/policy/decide.ts sets it). */
export const STAGE_AFTER_STEP: Readonly<Record<RecordedStep['kind'], CaseStage>> = {
  reminder: 'reminding',
  formal_notice: 'formal_notice',
  escalation: 'escalated',
};

export function recordedEvaluation(decision: Decision): RecordedEvaluation {
  const read = readEvaluation(decision, RecordedEvaluationSchema);
  if (!read.ok)
    throw new ConflictError(
      'DECISION_UNREADABLE',
      `decision ${decision.id} of case ${decision.caseId} does not record its step in a form this version reads`,
    );
  return read.evaluation;
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
  const candidates = (await store.outbox.listDecisions(c.id)).filter(
    (d) => d.stepId === pending.stepId && d.requiresApproval,
  );
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
  const decision = (await store.outbox.listDecisions(c.id)).filter((d) => d.stepId === last.stepId).pop();
  if (!decision) return 'reminding';
  return STAGE_AFTER_STEP[recordedEvaluation(decision).step.kind];
}
