import { z } from 'zod';
import { sha256Hex } from './sha256';
import { IdSchema, IsoDateSchema, IsoDateTimeSchema } from './common.schema';
import { CurrencySchema } from './money.schema';

export const CaseStageSchema = z.enum([
  'open',
  'reminding',
  'formal_notice',
  'awaiting_approval',
  'escalated',
  'in_procedure',
  'closed',
]);
export type CaseStage = z.infer<typeof CaseStageSchema>;

/** The last dunning step performed on a case, which the next step's timing counts from. */
export const StepRefSchema = z.strictObject({
  stepId: z.string().min(1),
  index: z.number().int().nonnegative(),
  on: IsoDateSchema,
});
export type StepRef = z.infer<typeof StepRefSchema>;

/** A pause set by a controller; `until` null means until someone resumes the case. */
export const ManualPauseSchema = z.strictObject({ reason: z.string().min(1), until: IsoDateSchema.nullable() });

/** One case = one debtor × one company × one currency, grouping all its open items. */
export const CaseSchema = z.strictObject({
  id: IdSchema,
  debtorId: IdSchema,
  companyId: IdSchema,
  currency: CurrencySchema,
  stage: CaseStageSchema,
  policyId: z.string().min(1).nullable().default(null),
  lastStep: StepRefSchema.nullable().default(null),
  lastContactOn: IsoDateSchema.nullable().default(null),
  /** A controller paused the case by hand; null when not paused. */
  manualPause: ManualPauseSchema.nullable().default(null),
  /** The step waiting for a controller's approval, if any. */
  pendingApproval: StepRefSchema.nullable().default(null),
  openedAt: IsoDateTimeSchema,
  updatedAt: IsoDateTimeSchema,
});
export type Case = z.infer<typeof CaseSchema>;

/** How many case ids `caseIdOf` remembers; beyond, it starts a new memory. */
const CASE_ID_MEMORY = 10_000;
let caseIds = new Map<string, string>();

/**
 * Deterministic case id: the same debtor × company × currency always maps to the same case.
 *
 * A sync page asks for the case of each of its receivables three or four times (to open the case,
 * to write the row, to settle it), and a debtor's receivables come page after page: the ids of the
 * last 10,000 cases are remembered rather than hashed again.
 */
export function caseIdOf(debtorId: string, companyId: string, currency: string): string {
  const key = `${debtorId}\u0000${companyId}\u0000${currency}`;
  let id = caseIds.get(key);
  if (id === undefined) {
    id = `case_${sha256Hex(key).slice(0, 24)}`;
    if (caseIds.size >= CASE_ID_MEMORY) caseIds = new Map();
    caseIds.set(key, id);
  }
  return id;
}
