import { z } from 'zod';
import { ChannelSchema } from '../connector/model/action.schema';
import { DebtorKindSchema } from '../connector/model/debtor.schema';

/**
 * A dunning policy: an ordered ladder of steps, evaluated by the pure function in
 * connector/policy/evaluate.ts. Policies are data (config/policies/*.yaml); this schema
 * validates them and reports every problem at once.
 */

const AmountByCurrencySchema = z.record(
  z.string().regex(/^[A-Z]{3}$/, { error: 'keys must be ISO 4217 currency codes, e.g. EUR' }),
  z.number().int({ error: 'amounts are whole minor units (cents): 5000 means 50.00 EUR' }).nonnegative(),
);

const TimingSchema = z.discriminatedUnion(
  'after',
  [
    z.strictObject({
      /** Days relative to the due date of the case's oldest open item; negative = before it is due. */
      after: z.literal('due_date'),
      days: z.number().int().min(-60).max(3650),
    }),
    z.strictObject({
      /** Days after the previous step performed on the case. */
      after: z.literal('previous_step'),
      days: z.number().int().min(0).max(3650),
    }),
  ],
  { error: 'timing.after must be "due_date" or "previous_step"' },
);

export const StepConditionsSchema = z.strictObject({
  /** Net open amount of the case (invoices − credit notes), per currency, in minor units. */
  openAmountAtLeast: AmountByCurrencySchema.optional(),
  openAmountAtMost: AmountByCurrencySchema.optional(),
  debtorKinds: z.array(DebtorKindSchema).min(1).optional(),
  overdueItemsAtLeast: z.number().int().min(1).optional(),
  overdueItemsAtMost: z.number().int().min(1).optional(),
});
export type StepConditions = z.infer<typeof StepConditionsSchema>;

export const StepSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'step id must be lower-case letters, digits and "-"' }),
  /** reminder: a friendly message; formal_notice: the mise en demeure; escalation: hand the file to the law firm. */
  kind: z.enum(['reminder', 'formal_notice', 'escalation']).default('reminder'),
  timing: TimingSchema,
  /** Channels used together for this step; escalation has none (it produces a dossier). */
  channels: z.array(ChannelSchema).default([]),
  /** Template name, resolved by the channel (French by default). */
  template: z.string().min(1).optional(),
  /** Wait for a controller's approval before acting; default true for escalation, false otherwise. */
  requiresApproval: z.boolean().optional(),
  /** Days given to the debtor to pay after a formal notice. */
  deadlineDays: z.number().int().min(1).max(90).optional(),
  conditions: StepConditionsSchema.default({}),
  description: z.string().optional(),
});
export type Step = z.infer<typeof StepSchema>;

/**
 * What makes a file worth handing to the law firm, checked by the escalation gate
 * (connector/dossier/escalation-gate.ts) on the claim actually handed over: overdue invoices
 * that are not excluded, disputed (when the policy leaves them out) or time-barred, net of open
 * credit notes, principal only (interest and indemnities are not always recovered). A policy
 * choice, not law: set the cost to what your firm and the commissaire de justice charge.
 */
export const EscalationThresholdsSchema = z.strictObject({
  /** Net principal below which a file is not escalated, per currency, in minor units (30000 = 300.00 EUR). A currency not listed has no minimum. */
  minAmount: AmountByCurrencySchema.default({}),
  /**
   * What one procedure is expected to cost the creditor up front (firm fee, commissaire de
   * justice, greffe), per currency, in minor units. Against a consumer the creditor keeps
   * recovery costs incurred without an enforceable title (CPCE L111-8 al. 2). A currency not
   * listed has no cost test.
   */
  estimatedCost: AmountByCurrencySchema.default({}),
  /** The net principal must be at least this percentage of the estimated cost (200 = twice the cost). Default 100. */
  costCoveragePercent: z
    .number()
    .int({ error: 'costCoveragePercent is a whole percentage, e.g. 200' })
    .min(0)
    .max(10_000)
    .default(100),
});
export type EscalationThresholds = z.infer<typeof EscalationThresholdsSchema>;

/** A fresh object each time: a parsed policy never shares its defaults with another. */
export const escalationThresholdDefaults = (): EscalationThresholds => ({
  minAmount: {},
  estimatedCost: {},
  costCoveragePercent: 100,
});

export const PolicySchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'policy id must be lower-case letters, digits and "-"' }),
    /** Bump on every change: each decision records the version it was taken under. */
    version: z.number().int().positive(),
    description: z.string().min(1),
    appliesTo: z.strictObject({ debtorKinds: z.array(DebtorKindSchema).min(1) }),
    /** Minimum number of calendar days between two contacts with the same debtor. */
    minContactIntervalDays: z.number().int().min(0).max(365).default(5),
    /** pause_case: a disputed item pauses the whole case; exclude_item: it is left out and the rest goes on. */
    disputes: z.enum(['pause_case', 'exclude_item']).default('pause_case'),
    /** Days after a promised payment date before dunning resumes. */
    promiseToPayGraceDays: z.number().int().min(0).max(60).default(2),
    /** Days after the last instalment of a payment plan before dunning resumes. */
    paymentPlanGraceDays: z.number().int().min(0).max(60).default(5),
    /** Net open amount (minor units) below which a case is not chased, per currency. A currency not listed has no minimum. */
    minimumBalance: AmountByCurrencySchema.default({}),
    /** Thresholds of the escalation gate (amounts in minor units per currency); defaults: no minimum, no cost test. */
    escalation: EscalationThresholdsSchema.default(escalationThresholdDefaults),
    steps: z.array(StepSchema).min(1, { error: 'a policy needs at least one step' }),
  })
  .superRefine((policy, ctx) => {
    const ids = new Map<string, number>();
    let sawPostDue = false;
    let lastDueDays = -Infinity;
    let formalNoticeAt = -1;
    policy.steps.forEach((step, i) => {
      const at = (...rest: (string | number)[]) => ['steps', i, ...rest];
      const first = ids.get(step.id);
      if (first !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: at('id'),
          message: `duplicate step id "${step.id}" (also steps[${first}])`,
        });
      ids.set(step.id, i);

      if (step.kind !== 'escalation' && step.channels.length === 0)
        ctx.addIssue({
          code: 'custom',
          path: at('channels'),
          message: `a ${step.kind} step needs at least one channel`,
        });
      if (step.kind === 'escalation' && step.channels.length > 0)
        ctx.addIssue({
          code: 'custom',
          path: at('channels'),
          message: 'an escalation step has no channels: it hands a dossier to the law firm',
        });
      if (new Set(step.channels).size !== step.channels.length)
        ctx.addIssue({ code: 'custom', path: at('channels'), message: 'a channel is listed twice' });
      if (step.kind !== 'escalation' && !step.template)
        ctx.addIssue({ code: 'custom', path: at('template'), message: `a ${step.kind} step needs a template` });
      if (step.kind === 'formal_notice') {
        if (step.deadlineDays === undefined)
          ctx.addIssue({
            code: 'custom',
            path: at('deadlineDays'),
            message: 'a formal notice must give the debtor a deadline (usually 8 to 15 days)',
          });
        formalNoticeAt = i;
      }
      if (step.kind === 'escalation') {
        if (i !== policy.steps.length - 1)
          ctx.addIssue({ code: 'custom', path: at('kind'), message: 'escalation must be the last step of the ladder' });
        if (formalNoticeAt < 0)
          ctx.addIssue({
            code: 'custom',
            path: at('kind'),
            message:
              'escalation needs a formal_notice step before it (the file escalates when the notice expired unanswered)',
          });
        else {
          const notice = policy.steps[formalNoticeAt]!;
          if (
            step.timing.after === 'previous_step' &&
            formalNoticeAt === i - 1 &&
            notice.deadlineDays !== undefined &&
            step.timing.days < notice.deadlineDays
          ) {
            ctx.addIssue({
              code: 'custom',
              path: at('timing', 'days'),
              message: `escalation comes ${step.timing.days} days after the formal notice, before its ${notice.deadlineDays}-day deadline has expired`,
            });
          }
        }
      }
      if (step.timing.after === 'due_date') {
        if (step.timing.days < 0 && sawPostDue)
          ctx.addIssue({
            code: 'custom',
            path: at('timing', 'days'),
            message: 'a pre-due step (negative days) must come before every post-due step',
          });
        if (step.timing.days < lastDueDays)
          ctx.addIssue({
            code: 'custom',
            path: at('timing', 'days'),
            message: `steps timed on the due date must be in increasing order (this one is at ${step.timing.days}, an earlier one at ${lastDueDays})`,
          });
        lastDueDays = step.timing.days;
        if (step.timing.days >= 0) sawPostDue = true;
      } else {
        if (i === 0)
          ctx.addIssue({
            code: 'custom',
            path: at('timing', 'after'),
            message: 'the first step has no previous step: time it on the due date',
          });
        sawPostDue = true;
      }
      const c = step.conditions;
      for (const [cur, min] of Object.entries(c.openAmountAtLeast ?? {})) {
        const max = c.openAmountAtMost?.[cur];
        if (max !== undefined && max < min)
          ctx.addIssue({
            code: 'custom',
            path: at('conditions', 'openAmountAtMost', cur),
            message: `openAmountAtMost (${max}) is below openAmountAtLeast (${min}) for ${cur}: the step could never run`,
          });
      }
      if (
        c.overdueItemsAtLeast !== undefined &&
        c.overdueItemsAtMost !== undefined &&
        c.overdueItemsAtMost < c.overdueItemsAtLeast
      ) {
        ctx.addIssue({
          code: 'custom',
          path: at('conditions', 'overdueItemsAtMost'),
          message: 'overdueItemsAtMost is below overdueItemsAtLeast: the step could never run',
        });
      }
      if (c.debtorKinds && !c.debtorKinds.some((k) => policy.appliesTo.debtorKinds.includes(k))) {
        ctx.addIssue({
          code: 'custom',
          path: at('conditions', 'debtorKinds'),
          message:
            'none of these debtor kinds is covered by the policy (appliesTo.debtorKinds): the step could never run',
        });
      }
    });
  });
export type Policy = z.infer<typeof PolicySchema>;
