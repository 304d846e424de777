import type { Config } from '../../config/config.schema';
import type { Policy } from '../../config/policy.schema';
import type { Store } from '../store/store';
import type { IsoDate } from '../time/calendar-date';
import { businessDate, type Clock } from '../time/clock';
import { policyFor } from './decide';
import { evaluate, type EvaluationContext, type Evaluation } from './evaluate';

/**
 * What the dunning ladder will do next on a case, as of the business date: the policy engine's
 * own evaluation (evaluate.ts), read without deciding anything. The case screen shows it, and a
 * ledger note carries its date as the invoice's next deadline (the Odoo addon's field).
 */
export interface NextStep {
  asOf: IsoDate;
  status: Evaluation['status'];
  /** The step due or waited for; null when the ladder is paused, completed or has nothing due. */
  step: { id: string; kind: string; channels: string[]; requiresApproval: boolean } | null;
  /** When the step is due (today or earlier when due now); null when no date is known. */
  dueOn: IsoDate | null;
  /** Paused: the first day dunning may resume (null: when a person or an event decides). */
  resumesOn?: IsoDate | null;
  /** The engine's reasons, as it journals them. */
  reasons: { code: string; message: string }[];
}

export interface NextStepDeps {
  store: Store;
  config: Pick<Config, 'company' | 'dunning'>;
  policies: ReadonlyMap<string, Policy>;
  context: EvaluationContext;
  clock: Clock;
}

/** The next step of a case by id; undefined for a case or a debtor not stored. */
export function nextStepOf(deps: NextStepDeps): (caseId: string) => Promise<NextStep | undefined> {
  return async (caseId) => {
    const c = await deps.store.cases.getCase(caseId);
    const debtor = c ? await deps.store.sync.getDebtor(c.debtorId) : undefined;
    if (!c || !debtor) return undefined;
    const items = (await deps.store.sync.listReceivablesOfCase(c.id)).filter((r) => r.open > 0);
    const snapshot = { case: c, debtor, items };
    const policy = policyFor(snapshot, deps.policies, deps.config.dunning.defaultPolicy, deps.config.dunning.overrides);
    const asOf = businessDate(deps.clock, deps.config.company.timezone);
    return nextStepFrom(evaluate(snapshot, policy, asOf, deps.context), policy);
  };
}

/** The next step an evaluation of `policy` tells of (pure). */
export function nextStepFrom(e: Evaluation, policy: Pick<Policy, 'steps'>): NextStep {
  const reasons = e.reasons.map((r) => ({ code: r.code, message: r.message }));
  const base = { asOf: e.asOf, status: e.status, reasons };
  switch (e.status) {
    case 'due':
    case 'waiting':
    case 'blocked':
      return {
        ...base,
        step: {
          id: e.step.id,
          kind: e.step.kind,
          channels: [...e.step.channels],
          requiresApproval: e.step.requiresApproval,
        },
        dueOn: e.status === 'blocked' ? null : e.dueOn,
      };
    case 'awaiting_approval': {
      const step = policy.steps.find((s) => s.id === e.step.id);
      return {
        ...base,
        step: {
          id: e.step.id,
          kind: step?.kind ?? 'reminder',
          channels: [...(step?.channels ?? [])],
          requiresApproval: true,
        },
        dueOn: null,
      };
    }
    case 'paused':
      return { ...base, step: null, dueOn: null, resumesOn: e.until };
    case 'nothing_due':
    case 'completed':
      return { ...base, step: null, dueOn: null };
  }
}
