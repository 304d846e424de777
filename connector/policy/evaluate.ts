import type { Policy, Step, StepConditions } from '../../config/policy.schema';
import { formatMoney } from '../model/money.schema';
import type { Channel } from '../model/action.schema';
import type { Debtor, DebtorKind } from '../model/debtor.schema';
import type { Receivable } from '../model/receivable.schema';
import type { CaseSnapshot, Store } from '../store/store';
import type { ConnectionWriteBack } from '../ports/erp';
import { reachableChannels, type UnreachableChannel } from './reachability';
import { addDays, addMonths, compareDates, maxDate, minDate, type IsoDate } from '../time/calendar-date';

/**
 * The dunning policy engine: a pure function of a case, a policy and a date. It reads no
 * clock and performs no I/O, so every boundary can be tested as a table, and a decision can
 * be replayed later from what was recorded.
 */

export type ReasonCode =
  | 'INSOLVENCY'
  | 'DO_NOT_CONTACT'
  | 'MANUAL_PAUSE'
  | 'DISPUTED'
  | 'DISPUTED_ITEM_LEFT_OUT'
  | 'EXCLUDED_ITEM_LEFT_OUT'
  | 'ALL_ITEMS_EXCLUDED'
  | 'PAYMENT_PLAN'
  | 'PROMISE_TO_PAY'
  | 'NO_OPEN_ITEMS'
  | 'CREDIT_COVERS_BALANCE'
  | 'BELOW_MINIMUM_BALANCE'
  | 'AWAITING_APPROVAL'
  | 'NOT_OVERDUE_YET'
  | 'PRE_DUE_STEP_PASSED'
  | 'CONDITION_NOT_MET'
  | 'STEP_TIMING'
  | 'MIN_CONTACT_INTERVAL'
  | 'POLICY_CHANGED'
  | 'LADDER_COMPLETED'
  | 'CYCLE_RESTARTED'
  | 'PRESCRIBED_ITEM_LEFT_OUT'
  | 'ALL_ITEMS_PRESCRIBED'
  | 'PRESCRIPTION_UNKNOWN'
  | 'REQUIRES_APPROVAL'
  | 'ESCALATION_CONDITION_MET'
  | 'ESCALATION_CONDITION_FAILED'
  | 'CHANNEL_UNREACHABLE'
  | 'STEP_DUE';

export interface Reason {
  code: ReasonCode;
  message: string;
  itemIds?: string[];
}

export interface Amounts {
  currency: string;
  /** Invoices kept in the case, net of open credit notes (minor units). */
  open: number;
  /** Overdue invoices net of open credit notes, never below zero. */
  overdue: number;
  /** Open credit notes. */
  credit: number;
}

export interface StepDecision {
  id: string;
  index: number;
  kind: Step['kind'];
  channels: Channel[];
  template: string | null;
  requiresApproval: boolean;
  deadlineDays: number | null;
}

interface Base {
  caseId: string;
  asOf: IsoDate;
  policy: { id: string; version: number };
  amounts: Amounts;
  reasons: Reason[];
}

export type Evaluation =
  | (Base & {
      status: 'due';
      step: StepDecision;
      dueOn: IsoDate;
      /** Due date of the oldest open item, which the ladder is anchored on. */
      anchor: IsoDate;
      /** What the one message to the debtor covers: its overdue invoices and open credit notes. */
      itemIds: string[];
      /** The step's channels that cannot reach the debtor, left out of `step.channels`. */
      unreachable?: UnreachableChannel[];
    })
  | (Base & { status: 'waiting'; step: StepDecision; dueOn: IsoDate })
  | (Base & { status: 'paused'; until: IsoDate | null })
  | (Base & { status: 'nothing_due' })
  | (Base & { status: 'awaiting_approval'; step: { id: string; index: number } })
  | (Base & { status: 'completed' })
  | (Base & { status: 'blocked'; step: StepDecision });

export interface PrescriptionCheck {
  prescribed: boolean;
  prescribesOn: IsoDate;
}

export interface EvaluationContext {
  /**
   * Whether a receivable's claim is time-barred on `asOf`. Escalation is refused without
   * it: a prescribed debt must never be handed to a court.
   */
  prescription?: (item: Receivable, debtorKind: DebtorKind, asOf: IsoDate) => PrescriptionCheck;
  /**
   * The escalation gate (connector/dossier/gate-hook.ts): reads the case's records (formal
   * notice and its proofs, answers since, payments) and says whether the file may go to the
   * firm. Used by `decide()`, which has the store; `evaluate()` alone cannot run it.
   */
  escalationGate?: EscalationGateHook;
  /**
   * The company's locale (`company.locale`, e.g. fr-FR): the amounts in reasons and journal lines
   * are written in it, as a person reads them, never in minor units. Default fr-FR.
   */
  locale?: string;
  /**
   * What each ERP connection's ledger can take (connector/outbox/ledger-write-back.ts): `decide()`
   * records no ledger note or activity no ledger of the items can take. Absent: rows are recorded
   * and the performer skips what a ledger cannot take.
   */
  ledgerWriteBack?: ConnectionWriteBack;
}

export interface EscalationGateInput {
  store: Store;
  snapshot: CaseSnapshot;
  policy: Policy;
  asOf: IsoDate;
  /** The instant of the evaluation run (journal lines). */
  now: Date;
}

/** `reasons`: one per condition, ESCALATION_CONDITION_MET or ESCALATION_CONDITION_FAILED. */
export type EscalationGateHook = (input: EscalationGateInput) => Promise<{ pass: boolean; reasons: Reason[] }>;

export class EvaluationInputError extends Error {
  constructor(caseId: string, message: string) {
    super(`case ${caseId}: ${message}`);
    this.name = 'EvaluationInputError';
  }
}

export function evaluate(
  snapshot: CaseSnapshot,
  policy: Policy,
  asOf: IsoDate,
  context: EvaluationContext = {},
): Evaluation {
  const { case: c, debtor } = snapshot;
  for (const item of snapshot.items) {
    if (item.currency !== c.currency)
      throw new EvaluationInputError(c.id, `item ${item.id} is in ${item.currency}, the case is in ${c.currency}`);
    if (item.debtorId !== c.debtorId)
      throw new EvaluationInputError(c.id, `item ${item.id} belongs to debtor ${item.debtorId}, not ${c.debtorId}`);
  }
  const money = (minor: number) => formatMoney(minor, c.currency, context.locale);
  const reasons: Reason[] = [];
  const invoices = snapshot.items.filter((i) => i.kind === 'invoice' && i.open > 0);
  const credits = snapshot.items.filter((i) => i.kind === 'credit_note' && i.open > 0);
  const excluded = invoices.filter((i) => i.excluded);
  const disputed = invoices.filter((i) => i.disputed && !i.excluded);
  if (excluded.length)
    reasons.push({
      code: 'EXCLUDED_ITEM_LEFT_OUT',
      message: `left out, excluded: ${excluded.map((i) => `${i.number} (${i.excluded!.reason})`).join(', ')}`,
      itemIds: excluded.map((i) => i.id),
    });
  const pauseOnDispute = policy.disputes === 'pause_case';
  if (disputed.length && !pauseOnDispute)
    reasons.push({
      code: 'DISPUTED_ITEM_LEFT_OUT',
      message: `left out, disputed: ${disputed.map((i) => `${i.number} (${i.disputed!.reason})`).join(', ')}`,
      itemIds: disputed.map((i) => i.id),
    });
  const kept = invoices.filter((i) => !i.excluded && !(i.disputed && !pauseOnDispute));

  const amounts = computeAmounts(c.currency, kept, credits, asOf);
  const base = { caseId: c.id, asOf, policy: { id: policy.id, version: policy.version }, amounts, reasons };

  const pause = pauses(snapshot, policy, kept, excluded, disputed, asOf);
  if (pause.reasons.length)
    return { ...base, reasons: [...reasons, ...pause.reasons], status: 'paused', until: pause.until };

  if (kept.length === 0)
    return {
      ...base,
      reasons: [...reasons, { code: 'NO_OPEN_ITEMS', message: 'no open invoice to chase' }],
      status: 'nothing_due',
    };
  if (amounts.open <= 0)
    return {
      ...base,
      reasons: [
        ...reasons,
        {
          code: 'CREDIT_COVERS_BALANCE',
          message: `open credit notes (${money(amounts.credit)}) cover the open invoices`,
        },
      ],
      status: 'nothing_due',
    };
  const minimum = policy.minimumBalance[c.currency];
  if (minimum !== undefined && amounts.open < minimum) {
    return {
      ...base,
      reasons: [
        ...reasons,
        {
          code: 'BELOW_MINIMUM_BALANCE',
          message: `net open amount ${money(amounts.open)} is below the policy minimum ${money(minimum)}`,
        },
      ],
      status: 'nothing_due',
    };
  }

  if (c.pendingApproval) {
    return {
      ...base,
      reasons: [
        ...reasons,
        {
          code: 'AWAITING_APPROVAL',
          message: `step ${c.pendingApproval.stepId} decided on ${c.pendingApproval.on} waits for a controller's approval`,
        },
      ],
      status: 'awaiting_approval',
      step: { id: c.pendingApproval.stepId, index: c.pendingApproval.index },
    };
  }

  // The ladder is anchored on the oldest open item's due date.
  const anchor = kept.reduce((d, i) => minDate(d, i.dueDate), kept[0]!.dueDate);
  const overdue = kept.filter((i) => i.dueDate < asOf);
  // A post-due step claims an overdue amount: net of the open credit notes, there must be one.
  const overdueFrom = netOverdueFrom(kept, amounts.credit);

  let start = 0;
  const lastWasPostDue = c.lastStep ? !isPreDue(policy.steps.find((s) => s.id === c.lastStep!.stepId)) : false;
  // The restart looks at the overdue invoices themselves, not at the net amount: while the
  // invoices the last cycle chased are still open, the anchor is still their due date, so a
  // fresh ladder would reuse the decision keys of the old one (`decisionKey`), and it would
  // name reminder-1 as next while the ladder goes on from the last step as soon as the net
  // overdue is positive again. Credit notes that net the overdue part to zero make the next
  // step wait (NOT_OVERDUE_YET below) instead.
  if (c.lastStep && lastWasPostDue && overdue.length === 0) {
    // Everything the last cycle chased has been settled: newer items start a fresh ladder.
    reasons.push({
      code: 'CYCLE_RESTARTED',
      message: `nothing is overdue any more since ${c.lastStep.stepId} on ${c.lastStep.on}: a new ladder starts`,
    });
  } else if (c.lastStep) {
    const byId = policy.steps.findIndex((s) => s.id === c.lastStep!.stepId);
    if (byId < 0)
      reasons.push({
        code: 'POLICY_CHANGED',
        message: `last step "${c.lastStep.stepId}" is not in policy ${policy.id} v${policy.version}; continuing after position ${c.lastStep.index}`,
      });
    start = (byId >= 0 ? byId : c.lastStep.index) + 1;
  }

  for (let index = start; index < policy.steps.length; index++) {
    const step = policy.steps[index]!;
    const reach = reachableChannels(step.channels, debtor);
    const decision = { ...toDecision(step, index), channels: reach.channels };
    const preDue = isPreDue(step);
    if (preDue && asOf > anchor) {
      reasons.push({
        code: 'PRE_DUE_STEP_PASSED',
        message: `skipped ${step.id}: a pre-due step, and ${anchor} has passed`,
      });
      continue;
    }
    const unmet = unmetConditions(step.conditions, debtor, amounts, overdue.length, money);
    if (unmet.length) {
      reasons.push({ code: 'CONDITION_NOT_MET', message: `skipped ${step.id}: ${unmet.join('; ')}` });
      continue;
    }

    let dueOn: IsoDate;
    if (step.timing.after === 'due_date') {
      dueOn = addDays(anchor, step.timing.days);
      reasons.push({
        code: 'STEP_TIMING',
        message: `${step.id} is due ${describeDays(step.timing.days)} the oldest open item's due date ${anchor}: ${dueOn}`,
      });
    } else {
      const previous = start > 0 ? c.lastStep : null;
      const from = previous?.on ?? anchor;
      dueOn = addDays(from, step.timing.days);
      reasons.push({
        code: 'STEP_TIMING',
        message: `${step.id} is due ${step.timing.days} days after ${previous ? `step ${previous.stepId} on ${from}` : `the due date ${from} (no step performed in this cycle)`}: ${dueOn}`,
      });
    }
    if (c.lastContactOn) {
      const earliest = addDays(c.lastContactOn, policy.minContactIntervalDays);
      if (earliest > dueOn) {
        reasons.push({
          code: 'MIN_CONTACT_INTERVAL',
          message: `last contact on ${c.lastContactOn}; at least ${policy.minContactIntervalDays} days between contacts moves it to ${earliest}`,
        });
        dueOn = earliest;
      }
    }
    if (!preDue && amounts.overdue <= 0 && dueOn < overdueFrom) {
      dueOn = overdueFrom;
      reasons.push(
        overdueFrom === addDays(anchor, 1)
          ? { code: 'NOT_OVERDUE_YET', message: `nothing is overdue before ${dueOn}` }
          : {
              code: 'NOT_OVERDUE_YET',
              message: `nothing is overdue net of the open credit notes ${credits.map((i) => i.number).join(', ')} (${money(amounts.credit)}) before ${dueOn}: only the invoices due by ${addDays(overdueFrom, -1)} exceed them`,
              itemIds: credits.map((i) => i.id),
            },
      );
    }
    if (dueOn > asOf) return { ...base, reasons, status: 'waiting', step: decision, dueOn };

    if (step.kind === 'escalation') {
      const check = escalationCheck(overdue, debtor.kind, asOf, context);
      reasons.push(...check.reasons);
      if (check.blocked) return { ...base, reasons, status: 'blocked', step: decision };
      const ids = [...check.keep.map((i) => i.id), ...credits.map((i) => i.id)];
      reasons.push({
        code: 'REQUIRES_APPROVAL',
        message: decision.requiresApproval
          ? 'escalation waits for a controller’s approval'
          : 'policy escalates without approval',
      });
      return { ...base, reasons, status: 'due', step: decision, dueOn, anchor, itemIds: ids };
    }
    const covered = preDue ? kept : overdue;
    for (const u of reach.unreachable)
      reasons.push({ code: 'CHANNEL_UNREACHABLE', message: `${u.channel} left out of ${step.id}: ${u.reason}` });
    reasons.push({
      code: 'STEP_DUE',
      message: `${step.id} by ${decision.channels.join(' + ')}, one message covering ${covered.length} item${covered.length === 1 ? '' : 's'}${credits.length ? ` and ${credits.length} credit note${credits.length === 1 ? '' : 's'}` : ''}`,
    });
    return {
      ...base,
      reasons,
      status: 'due',
      step: decision,
      dueOn,
      anchor,
      itemIds: [...covered.map((i) => i.id), ...credits.map((i) => i.id)],
      ...(reach.unreachable.length ? { unreachable: reach.unreachable } : {}),
    };
  }
  return {
    ...base,
    reasons: [
      ...reasons,
      {
        code: 'LADDER_COMPLETED',
        message: c.lastStep
          ? `every step done; last was ${c.lastStep.stepId} on ${c.lastStep.on}`
          : 'no step of the ladder applies to this case',
      },
    ],
    status: 'completed',
  };
}

function isPreDue(step: Step | undefined): boolean {
  return step !== undefined && step.timing.after === 'due_date' && step.timing.days < 0;
}

function toDecision(step: Step, index: number): StepDecision {
  return {
    id: step.id,
    index,
    kind: step.kind,
    channels: step.channels,
    template: step.template ?? null,
    requiresApproval: step.requiresApproval ?? step.kind === 'escalation',
    deadlineDays: step.deadlineDays ?? null,
  };
}

function computeAmounts(currency: string, kept: Receivable[], credits: Receivable[], asOf: IsoDate): Amounts {
  const credit = credits.reduce((s, i) => s + i.open, 0);
  const openInvoices = kept.reduce((s, i) => s + i.open, 0);
  const overdueInvoices = kept.filter((i) => i.dueDate < asOf).reduce((s, i) => s + i.open, 0);
  return { currency, open: openInvoices - credit, overdue: Math.max(0, overdueInvoices - credit), credit };
}

/**
 * The first day on which the overdue invoices exceed the open credit notes (the net overdue
 * amount of `computeAmounts` is positive): the day after the due date at which the invoices,
 * taken by due date, add up to more than `credit`. With no credit note it is the day after the
 * oldest due date. Called once the net open amount is known to be positive, so that day exists.
 */
function netOverdueFrom(kept: Receivable[], credit: number): IsoDate {
  let cumulative = 0;
  for (const item of [...kept].sort((a, b) => compareDates(a.dueDate, b.dueDate))) {
    cumulative += item.open;
    if (cumulative > credit) return addDays(item.dueDate, 1);
  }
  throw new Error(
    `open credit notes (${credit}) cover every kept invoice: the net open amount was expected to be positive`,
  );
}

function pauses(
  snapshot: CaseSnapshot,
  policy: Policy,
  kept: Receivable[],
  excluded: Receivable[],
  disputed: Receivable[],
  asOf: IsoDate,
): { reasons: Reason[]; until: IsoDate | null } {
  const { case: c, debtor } = snapshot;
  const reasons: Reason[] = [];
  // `until` is the first day dunning may resume; null when it depends on a person or an event.
  let until: IsoDate | null | undefined;
  const holdUntil = (d: IsoDate | null) => {
    if (d === null || until === null) until = null;
    else until = until === undefined ? d : maxDate(until, d);
  };
  if (debtor.flags.insolvency) {
    const ins = debtor.flags.insolvency;
    const declare = ins.publishedOn
      ? `; declare the claim to the mandataire by ${addMonths(ins.publishedOn, 2)} (2 months after the BODACC publication, R622-24)`
      : '';
    reasons.push({
      code: 'INSOLVENCY',
      message: `insolvency proceedings (${ins.kind}) opened ${ins.openedOn}: individual actions are stopped (C. com. L622-21)${declare}`,
    });
    holdUntil(null);
  }
  if (debtor.flags.doNotContact) {
    reasons.push({ code: 'DO_NOT_CONTACT', message: 'debtor is marked do-not-contact' });
    holdUntil(null);
  }
  if (c.manualPause && (c.manualPause.until === null || asOf <= c.manualPause.until)) {
    reasons.push({
      code: 'MANUAL_PAUSE',
      message: `paused by hand: ${c.manualPause.reason}${c.manualPause.until ? ` until ${c.manualPause.until}` : ''}`,
    });
    holdUntil(c.manualPause.until ? addDays(c.manualPause.until, 1) : null);
  }
  if (disputed.length && policy.disputes === 'pause_case') {
    reasons.push({
      code: 'DISPUTED',
      message: `disputed: ${disputed.map((i) => `${i.number} (${i.disputed!.reason})`).join(', ')}`,
      itemIds: disputed.map((i) => i.id),
    });
    holdUntil(null);
  }
  const plans = kept.filter((i) => i.paymentPlan);
  for (const i of plans) {
    const last = i.paymentPlan!.instalments.reduce(
      (d, x) => maxDate(d, x.dueDate),
      i.paymentPlan!.instalments[0]!.dueDate,
    );
    const resume = addDays(last, policy.paymentPlanGraceDays + 1);
    if (asOf < resume) {
      reasons.push({
        code: 'PAYMENT_PLAN',
        message: `payment plan on ${i.number} agreed ${i.paymentPlan!.agreedOn}, last instalment ${last}`,
        itemIds: [i.id],
      });
      holdUntil(resume);
    }
  }
  for (const i of kept.filter((x) => x.promiseToPay)) {
    const resume = addDays(i.promiseToPay!.date, policy.promiseToPayGraceDays + 1);
    if (asOf < resume) {
      reasons.push({
        code: 'PROMISE_TO_PAY',
        message: `promise to pay ${i.number} by ${i.promiseToPay!.date}`,
        itemIds: [i.id],
      });
      holdUntil(resume);
    }
  }
  if (kept.length === 0 && excluded.length > 0 && (disputed.length === 0 || policy.disputes !== 'pause_case')) {
    reasons.push({ code: 'ALL_ITEMS_EXCLUDED', message: 'every open invoice is excluded or disputed' });
    holdUntil(null);
  }
  return { reasons, until: until ?? null };
}

function unmetConditions(
  conditions: StepConditions,
  debtor: Debtor,
  amounts: Amounts,
  overdueCount: number,
  money: (minor: number) => string,
): string[] {
  const out: string[] = [];
  const cur = amounts.currency;
  if (conditions.openAmountAtLeast) {
    const min = conditions.openAmountAtLeast[cur];
    if (min === undefined) out.push(`no openAmountAtLeast threshold for ${cur}`);
    else if (amounts.open < min) out.push(`open amount ${money(amounts.open)} < ${money(min)}`);
  }
  if (conditions.openAmountAtMost) {
    const max = conditions.openAmountAtMost[cur];
    if (max === undefined) out.push(`no openAmountAtMost threshold for ${cur}`);
    else if (amounts.open > max) out.push(`open amount ${money(amounts.open)} > ${money(max)}`);
  }
  if (conditions.debtorKinds && !conditions.debtorKinds.includes(debtor.kind))
    out.push(`debtor kind ${debtor.kind} not in ${conditions.debtorKinds.join(', ')}`);
  if (conditions.overdueItemsAtLeast !== undefined && overdueCount < conditions.overdueItemsAtLeast)
    out.push(`${overdueCount} overdue items < ${conditions.overdueItemsAtLeast}`);
  if (conditions.overdueItemsAtMost !== undefined && overdueCount > conditions.overdueItemsAtMost)
    out.push(`${overdueCount} overdue items > ${conditions.overdueItemsAtMost}`);
  return out;
}

function escalationCheck(
  overdue: Receivable[],
  debtorKind: DebtorKind,
  asOf: IsoDate,
  context: EvaluationContext,
): { blocked: boolean; keep: Receivable[]; reasons: Reason[] } {
  if (!context.prescription) {
    return {
      blocked: true,
      keep: [],
      reasons: [
        {
          code: 'PRESCRIPTION_UNKNOWN',
          message: 'escalation refused: limitation periods were not checked (no prescription rules given)',
        },
      ],
    };
  }
  const prescribed: { item: Receivable; on: IsoDate }[] = [];
  const keep: Receivable[] = [];
  for (const item of overdue) {
    const p = context.prescription(item, debtorKind, asOf);
    if (p.prescribed) prescribed.push({ item, on: p.prescribesOn });
    else keep.push(item);
  }
  const reasons: Reason[] = [];
  if (prescribed.length) {
    reasons.push({
      code: keep.length ? 'PRESCRIBED_ITEM_LEFT_OUT' : 'ALL_ITEMS_PRESCRIBED',
      message: `${keep.length ? 'left out of the escalation' : 'escalation refused'}, time-barred: ${prescribed.map((p) => `${p.item.number} (prescribed after ${p.on})`).join(', ')}`,
      itemIds: prescribed.map((p) => p.item.id),
    });
  }
  return { blocked: keep.length === 0, keep, reasons };
}

function describeDays(days: number): string {
  if (days < 0) return `${-days} day${days === -1 ? '' : 's'} before`;
  return `${days} day${days === 1 ? '' : 's'} after`;
}
