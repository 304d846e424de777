import { randomUUID } from 'node:crypto';
import type { Policy } from '../../config/policy.schema';
import type { Action } from '../model/action.schema';
import type { Case, CaseStage } from '../model/case.schema';
import type { CaseJournalEntry } from '../model/journal.schema';
import { formatMoney } from '../model/money.schema';
import { CANNOT_WRITE_KEY, leaveOutUnwritable } from '../outbox/ledger-write-back';
import type { CaseSnapshot, Decision, Store } from '../store/store';
import type { IsoDate } from '../time/calendar-date';
import { newAction, stepActionKinds } from '../outbox/action-rows';
import { evaluate, type Evaluation, type EvaluationContext } from './evaluate';

/**
 * Decide, record, then act: a due step becomes a decision, its outbox rows, journal lines and
 * the case's new state in ONE transaction. Nothing is sent here; workers perform the outbox.
 * The decision's idempotency key makes two daemons evaluating the same case decide once.
 */

export interface DecideResult {
  evaluation: Evaluation;
  /** The decision recorded by this call; undefined when nothing was due or it already existed. */
  decision?: Decision;
  recorded: boolean;
}

const STAGE_AFTER: Record<string, CaseStage> = {
  reminder: 'reminding',
  formal_notice: 'formal_notice',
  escalation: 'escalated',
};

export function decisionKey(caseId: string, stepId: string, anchor: IsoDate): string {
  return `${caseId}/${stepId}/${anchor}`;
}

export async function decide(
  store: Store,
  snapshot: CaseSnapshot,
  policy: Policy,
  asOf: IsoDate,
  now: Date,
  context: EvaluationContext = {},
): Promise<DecideResult> {
  const evaluation = evaluate(snapshot, policy, asOf, context);
  if (evaluation.status !== 'due') return { evaluation, recorded: false };
  if (evaluation.step.kind === 'escalation' && context.escalationGate) {
    // The gate needs the case's records, which only the store has: an escalation whose gate
    // fails is not decided, and the case is blocked with every condition's result.
    const gate = await context.escalationGate({ store, snapshot, policy, asOf, now });
    if (!gate.pass) {
      const { status: _due, dueOn: _on, anchor: _anchor, itemIds: _items, ...rest } = evaluation;
      const blocked: Evaluation = {
        ...rest,
        status: 'blocked',
        reasons: [...evaluation.reasons.filter((r) => r.code !== 'REQUIRES_APPROVAL'), ...gate.reasons],
      };
      return { evaluation: blocked, recorded: false };
    }
    evaluation.reasons.push(...gate.reasons);
  }

  const c = snapshot.case;
  const at = now.toISOString();
  const step = evaluation.step;
  const key = decisionKey(c.id, step.id, evaluation.anchor);
  const decision: Decision = {
    id: `dec_${randomUUID()}`,
    idempotencyKey: key,
    caseId: c.id,
    stepId: step.id,
    stepIndex: step.index,
    policyId: policy.id,
    policyVersion: policy.version,
    asOf,
    decidedAt: at,
    requiresApproval: step.requiresApproval,
    evaluation: evaluation as unknown as Record<string, unknown>,
  };
  const stepRef = { stepId: step.id, index: step.index, on: asOf };
  const waits = step.requiresApproval;
  const subject = { type: 'decision', decisionId: decision.id } as const;
  const planned: Action[] = stepActionKinds(step, waits).map((kind) =>
    newAction({ caseId: c.id, kind, subject, idempotencyKey: `${key}/${kind}`, template: step.template, at }),
  );
  // A ledger that cannot take a note or an activity gets no row for it; the journal says so once.
  const claimed = new Set(evaluation.itemIds);
  const ledger = await leaveOutUnwritable({
    store,
    caseId: c.id,
    items: snapshot.items.filter((r) => claimed.has(r.id)),
    planned,
    writeBack: context.ledgerWriteBack,
  });
  const actions = ledger.actions;
  const caseAfter: Case = waits
    ? { ...c, policyId: policy.id, stage: 'awaiting_approval', pendingApproval: stepRef, updatedAt: at }
    : {
        ...c,
        policyId: policy.id,
        stage: STAGE_AFTER[step.kind] ?? c.stage,
        lastStep: stepRef,
        lastContactOn: step.channels.length ? asOf : c.lastContactOn,
        updatedAt: at,
      };
  const actor = { kind: 'system' as const, id: `policy:${policy.id}@${policy.version}` };
  const journal: Omit<CaseJournalEntry, 'seq'>[] = [
    {
      caseId: c.id,
      at,
      actor,
      type: 'decision',
      summary: `${step.id} decided (${step.kind}${step.channels.length ? ` by ${step.channels.join(' + ')}` : ''}) covering ${evaluation.itemIds.length} item(s), net open ${formatMoney(evaluation.amounts.open, evaluation.amounts.currency, context.locale)}`,
      data: {
        decisionId: decision.id,
        idempotencyKey: key,
        step,
        itemIds: evaluation.itemIds,
        amounts: evaluation.amounts,
        reasons: evaluation.reasons,
      },
    },
  ];
  // A channel that cannot reach the debtor gets no outbox row; the journal says which and why.
  for (const u of evaluation.unreachable ?? [])
    journal.push({
      caseId: c.id,
      at,
      actor,
      type: 'note',
      summary: `${u.channel} skipped for ${step.id}: ${u.reason}`,
      data: { decisionId: decision.id, skipped: u.channel, reason: u.reason },
    });
  for (const { text, told } of ledger.tell)
    journal.push({
      caseId: c.id,
      at,
      actor,
      type: 'note',
      summary: text,
      data: { decisionId: decision.id, [CANNOT_WRITE_KEY]: [told] },
    });
  if (waits)
    journal.push({
      caseId: c.id,
      at,
      actor,
      type: 'approval_requested',
      summary: `${step.id} waits for a controller's approval`,
      data: { decisionId: decision.id },
    });

  const recorded = await store.outbox.recordDecision({ decision, actions, journal, caseAfter, expected: c });
  return recorded ? { evaluation, decision, recorded } : { evaluation, recorded };
}

/** The policy for a case: a per-debtor override, else the default for the debtor's kind. */
export function policyFor(
  snapshot: CaseSnapshot,
  policies: ReadonlyMap<string, Policy>,
  defaults: { company: string; individual: string },
  overrides: Readonly<Record<string, string>> = {},
): Policy {
  const id = overrides[snapshot.debtor.id] ?? defaults[snapshot.debtor.kind];
  const policy = policies.get(id);
  if (!policy)
    throw new Error(
      `policy "${id}" for debtor ${snapshot.debtor.id} is not defined (known: ${[...policies.keys()].join(', ')})`,
    );
  if (!policy.appliesTo.debtorKinds.includes(snapshot.debtor.kind)) {
    throw new Error(`policy "${id}" does not apply to ${snapshot.debtor.kind} debtors (debtor ${snapshot.debtor.id})`);
  }
  return policy;
}
