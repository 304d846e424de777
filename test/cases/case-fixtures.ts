import { PolicySchema, type Policy } from '../../config/policy.schema';
import { ActionSchema, type Action } from '../../connector/model/action.schema';
import { caseIdOf, type Case } from '../../connector/model/case.schema';
import { decide } from '../../connector/policy/decide';
import type { EvaluationContext } from '../../connector/policy/evaluate';
import type { CaseSnapshot, Store } from '../../connector/store/store';
import type { Clock } from '../../connector/time/clock';
import { debtor, invoice } from '../helpers/builders';
import { saveReceivables } from '../../connector/cases/case-lifecycle';

/**
 * A small world for the controller's operations: one company debtor with two overdue invoices,
 * a three-step ladder whose formal notice and escalation wait for approval, and the real policy
 * engine to bring the case where a test needs it.
 */

export const TIME_ZONE = 'Europe/Paris';
export const DEBTOR = debtor({
  id: 'odoo:partner:7',
  name: 'Garage Lemoine SARL',
  source: { system: 'odoo', connection: 'odoo-main', id: '7' },
});
export const COMPANY = 'demo:company:1';
export const CASE_ID = caseIdOf(DEBTOR.id, COMPANY, 'EUR');

const item = (id: string, over: Parameters<typeof invoice>[0]) =>
  invoice({
    id,
    source: { system: 'odoo', connection: 'odoo-main', id: id.split(':').pop()! },
    debtorId: DEBTOR.id,
    companyId: COMPANY,
    ...over,
  });
export const R1 = item('odoo:move:101', {
  number: 'FAC-2025-0101',
  dueDate: '2025-03-10',
  total: 100_000,
  open: 100_000,
  sourceVersion: 'v1',
});
export const R2 = item('odoo:move:102', {
  number: 'FAC-2025-0102',
  dueDate: '2025-03-20',
  total: 50_000,
  open: 50_000,
  sourceVersion: 'v1',
});
export const CREDIT = item('odoo:move:103', {
  kind: 'credit_note',
  number: 'AV-2025-0001',
  dueDate: '2025-03-12',
  total: 10_000,
  open: 10_000,
});

export const POLICY: Policy = PolicySchema.parse({
  id: 'test-approvals',
  version: 2,
  description: 'reminder, then a formal notice and an escalation that both wait for a controller',
  appliesTo: { debtorKinds: ['company'] },
  minContactIntervalDays: 0,
  disputes: 'exclude_item',
  steps: [
    { id: 'reminder-1', timing: { after: 'due_date', days: 5 }, channels: ['email'], template: 'reminder-1' },
    {
      id: 'formal-notice',
      kind: 'formal_notice',
      timing: { after: 'previous_step', days: 7 },
      channels: ['registered_letter', 'email'],
      template: 'formal-notice',
      deadlineDays: 8,
      requiresApproval: true,
    },
    { id: 'escalation', kind: 'escalation', timing: { after: 'previous_step', days: 15 } },
  ],
});

/** Nothing in these tests is anywhere near prescription. */
export const CONTEXT: EvaluationContext = { prescription: () => ({ prescribed: false, prescribesOn: '2030-01-01' }) };

/** A clock the test moves by hand. */
export function handClock(start: string): Clock & { set(at: string): void; advance(ms: number): void } {
  let now = new Date(start).getTime();
  return {
    now: () => new Date(now),
    set: (at) => void (now = new Date(at).getTime()),
    advance: (ms) => void (now += ms),
  };
}

export async function seed(store: Store, at = '2025-03-01T08:00:00.000Z'): Promise<void> {
  await store.sync.upsertDebtors([DEBTOR]);
  await saveReceivables(store, [R1, R2, CREDIT], at);
}

export async function snapshotOf(store: Store, caseId = CASE_ID): Promise<CaseSnapshot> {
  const c = (await store.cases.getCase(caseId))!;
  return {
    case: c,
    debtor: (await store.sync.getDebtor(c.debtorId))!,
    items: (await store.sync.listReceivablesOfCase(caseId)).filter((r) => r.open > 0),
  };
}

/** Runs the policy engine as the daemon does on `asOf` (noon UTC); returns whether it recorded a decision. */
export async function evaluateOn(store: Store, asOf: string): Promise<boolean> {
  return (await decide(store, await snapshotOf(store), POLICY, asOf, new Date(`${asOf}T12:00:00.000Z`), CONTEXT))
    .recorded;
}

/** Seeds the world and lets the engine bring the case to the formal notice awaiting approval (decided on 2025-03-22). */
export async function caseAwaitingFormalNotice(store: Store): Promise<Case> {
  await seed(store);
  expect(await evaluateOn(store, '2025-03-15')).toBe(true);
  expect(await evaluateOn(store, '2025-03-22')).toBe(true);
  const c = (await store.cases.getCase(CASE_ID))!;
  expect(c).toMatchObject({
    stage: 'awaiting_approval',
    pendingApproval: { stepId: 'formal-notice', index: 1, on: '2025-03-22' },
  });
  return c;
}

/** A phone task on the case, as a decision of a call step would have queued it. */
export async function phoneTask(store: Store, caseId = CASE_ID): Promise<{ phone: Action; email: Action }> {
  const at = '2025-03-18T08:00:00.000Z';
  const row = (id: string, kind: Action['kind']) =>
    ActionSchema.parse({
      id,
      idempotencyKey: `${caseId}/phone-call/2025-03-10/${kind}`,
      caseId,
      decisionId: 'dec-call',
      subject: { type: 'decision', decisionId: 'dec-call' },
      kind,
      template: 'phone-call',
      status: 'done',
      attempts: 1,
      notBefore: at,
      createdAt: at,
      updatedAt: at,
    });
  const phone = row('act-phone', 'phone_task');
  const email = row('act-mail', 'email');
  const c = (await store.cases.getCase(caseId))!;
  await store.outbox.recordDecision({
    decision: {
      id: 'dec-call',
      idempotencyKey: `${caseId}/phone-call/2025-03-10`,
      caseId,
      stepId: 'phone-call',
      stepIndex: 1,
      policyId: 'p',
      policyVersion: 1,
      asOf: '2025-03-18',
      decidedAt: at,
      requiresApproval: false,
      evaluation: {},
    },
    actions: [phone, email],
    journal: [],
    caseAfter: { ...c, stage: 'reminding' },
  });
  return { phone, email };
}
