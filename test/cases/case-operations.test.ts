import { CaseOperations, ConflictError, InvalidOperationError, NotFoundError } from '../../connector/cases';
import { formatMoney } from '../../connector/model/money.schema';
import { evaluate } from '../../connector/policy/evaluate';
import { openSqliteStore } from '../../connector/store/sqlite';
import type { Store } from '../../connector/store/store';
import {
  caseAwaitingFormalNotice,
  CASE_ID,
  CONTEXT,
  CREDIT,
  evaluateOn,
  handClock,
  phoneTask,
  POLICY,
  R1,
  R2,
  seed,
  snapshotOf,
  TIME_ZONE,
} from './case-fixtures';
import { saveSyncPage } from '../../connector/sync/save-page';

/** The controller's operations on a real SQLite store, with the real policy engine around them. */

describe('case operations', () => {
  let store: Store;
  const clock = handClock('2025-03-24T09:00:00.000Z');
  let ops: CaseOperations;

  beforeEach(async () => {
    store = await openSqliteStore(':memory:');
    await store.migrate();
    clock.set('2025-03-24T09:00:00.000Z');
    ops = new CaseOperations({ store, clock, timeZone: TIME_ZONE });
  });
  afterEach(() => store.close());

  const journal = async () =>
    (await store.cases.readJournal(CASE_ID)).map((e) => ({
      type: e.type,
      actor: `${e.actor.kind}:${e.actor.id}`,
      summary: e.summary,
    }));
  const failureOf = (p: Promise<unknown>) =>
    p.then(
      () => {
        throw new Error('expected the operation to be refused');
      },
      (e: unknown) => e as Error & { code?: string },
    );

  describe('approve', () => {
    it('queues the step’s channels and a ledger note once, keyed on the decision, and moves the case to the step’s stage', async () => {
      await caseAwaitingFormalNotice(store);
      const decision = (await store.outbox.listDecisions(CASE_ID)).find((d) => d.stepId === 'formal-notice')!;
      const before = await store.outbox.listActions({ caseId: CASE_ID });
      expect(before.map((a) => a.kind).sort()).toEqual(['email', 'ledger_activity', 'ledger_note']);

      const result = await ops.approve(CASE_ID, 'claire.martin');

      const created = (await store.outbox.listActions({ caseId: CASE_ID })).filter(
        (a) => !before.some((b) => b.id === a.id),
      );
      expect(created.map((a) => [a.kind, a.idempotencyKey]).sort()).toEqual([
        ['email', `${decision.idempotencyKey}/approved/email`],
        ['ledger_note', `${decision.idempotencyKey}/approved/ledger_note`],
        ['registered_letter', `${decision.idempotencyKey}/approved/registered_letter`],
      ]);
      expect(
        created.every(
          (a) =>
            a.decisionId === decision.id &&
            a.template === 'formal-notice' &&
            a.status === 'pending' &&
            a.notBefore === '2025-03-24T09:00:00.000Z',
        ),
      ).toBe(true);
      expect(result.actions.map((a) => a.id).sort()).toEqual(created.map((a) => a.id).sort());
      const c = await store.cases.getCase(CASE_ID);
      expect(c).toMatchObject({
        stage: 'formal_notice',
        pendingApproval: null,
        lastStep: { stepId: 'formal-notice', index: 1, on: '2025-03-24' },
        lastContactOn: '2025-03-24',
        updatedAt: '2025-03-24T09:00:00.000Z',
      });
      expect(result.case).toStrictEqual(c);
      expect((await journal()).at(-1)).toEqual({
        type: 'approved',
        actor: 'user:claire.martin',
        summary: 'formal-notice approved by claire.martin: registered_letter + email + ledger_note queued',
      });
    });

    it('a second approval is a conflict naming the stage, and queues nothing more', async () => {
      await caseAwaitingFormalNotice(store);
      await ops.approve(CASE_ID, 'claire');
      const actions = await store.outbox.listActions({ caseId: CASE_ID });
      const entries = await store.cases.readJournal(CASE_ID);
      const failure = await failureOf(ops.approve(CASE_ID, 'paul'));
      expect(failure).toBeInstanceOf(ConflictError);
      expect(failure.code).toBe('NOT_AWAITING_APPROVAL');
      expect(failure.message).toContain('formal_notice');
      expect(await store.outbox.listActions({ caseId: CASE_ID })).toStrictEqual(actions);
      expect(await store.cases.readJournal(CASE_ID)).toStrictEqual(entries);
    });

    it('of two approvals at once, one wins and the other is refused', async () => {
      await caseAwaitingFormalNotice(store);
      const results = await Promise.allSettled([ops.approve(CASE_ID, 'a'), ops.approve(CASE_ID, 'b')]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toBeInstanceOf(
        ConflictError,
      );
      expect(
        (await store.outbox.listActions({ caseId: CASE_ID })).filter((a) => a.idempotencyKey.includes('/approved/')),
      ).toHaveLength(3);
    });

    it('an approved escalation queues the dossier and a note, and the case is escalated', async () => {
      await caseAwaitingFormalNotice(store);
      await ops.approve(CASE_ID, 'claire');
      expect(await evaluateOn(store, '2025-04-08')).toBe(true);
      expect(await store.cases.getCase(CASE_ID)).toMatchObject({
        stage: 'awaiting_approval',
        pendingApproval: { stepId: 'escalation' },
      });
      clock.set('2025-04-09T10:00:00.000Z');
      const result = await ops.approve(CASE_ID, 'claire');
      expect(result.actions.map((a) => a.kind)).toEqual(['dossier', 'ledger_note']);
      expect(result.case).toMatchObject({
        stage: 'escalated',
        lastStep: { stepId: 'escalation', index: 2, on: '2025-04-09' },
        lastContactOn: '2025-03-24',
      });
    });

    it('refuses a case that is not awaiting approval, a paused one, and an unknown one', async () => {
      await seed(store);
      const notWaiting = await failureOf(ops.approve(CASE_ID, 'claire'));
      expect(notWaiting).toBeInstanceOf(ConflictError);
      expect(notWaiting.message).toBe(`case ${CASE_ID} is open, not awaiting approval`);
      expect(await failureOf(ops.approve('case_unknown', 'claire'))).toBeInstanceOf(NotFoundError);

      await evaluateOn(store, '2025-03-15');
      await evaluateOn(store, '2025-03-22');
      await ops.pause(CASE_ID, 'paul', 'the debtor called about a refund', null);
      const paused = await failureOf(ops.approve(CASE_ID, 'claire'));
      expect(paused).toBeInstanceOf(ConflictError);
      expect(paused.code).toBe('CASE_PAUSED');
      expect((await store.cases.getCase(CASE_ID))?.stage).toBe('awaiting_approval');
    });
  });

  describe('reject', () => {
    it('clears the pending step, returns to the stage of the last step performed and journals the reason', async () => {
      await caseAwaitingFormalNotice(store);
      const actions = await store.outbox.listActions({ caseId: CASE_ID });
      const result = await ops.reject(CASE_ID, 'claire', '  negotiating a payment plan  ');
      expect(result.case).toMatchObject({
        stage: 'reminding',
        pendingApproval: null,
        lastStep: { stepId: 'reminder-1', on: '2025-03-15' },
      });
      expect(await store.cases.getCase(CASE_ID)).toStrictEqual(result.case);
      expect(await store.outbox.listActions({ caseId: CASE_ID })).toStrictEqual(actions);
      const last = (await store.cases.readJournal(CASE_ID)).at(-1)!;
      expect(last).toMatchObject({
        type: 'rejected',
        actor: { kind: 'user', id: 'claire' },
        summary: 'formal-notice rejected by claire: negotiating a payment plan',
        data: { stepId: 'formal-notice', reason: 'negotiating a payment plan' },
      });
    });

    it('refuses a blank reason, and a case not awaiting approval', async () => {
      await caseAwaitingFormalNotice(store);
      expect(await failureOf(ops.reject(CASE_ID, 'claire', '   '))).toBeInstanceOf(InvalidOperationError);
      await ops.reject(CASE_ID, 'claire', 'not now');
      const again = await failureOf(ops.reject(CASE_ID, 'claire', 'not now'));
      expect(again).toBeInstanceOf(ConflictError);
      expect(again.message).toContain('reminding');
    });
  });

  describe('pause and resume', () => {
    it('a pause stops the policy until its last day, is journalled, and resume lifts it', async () => {
      await seed(store);
      const paused = await ops.pause(CASE_ID, 'paul', 'debtor in hospital', '2025-04-30');
      expect(paused.case.manualPause).toEqual({ reason: 'debtor in hospital', until: '2025-04-30' });
      expect(evaluate(await snapshotOf(store), POLICY, '2025-04-01', CONTEXT)).toMatchObject({
        status: 'paused',
        until: '2025-05-01',
      });

      await ops.resume(CASE_ID, 'claire');
      expect((await store.cases.getCase(CASE_ID))?.manualPause).toBeNull();
      expect(evaluate(await snapshotOf(store), POLICY, '2025-04-01', CONTEXT).status).toBe('due');
      expect(await journal()).toEqual([
        { type: 'paused', actor: 'user:paul', summary: 'paused by paul until 2025-04-30: debtor in hospital' },
        {
          type: 'resumed',
          actor: 'user:claire',
          summary: 'resumed by claire (was paused until 2025-04-30: debtor in hospital)',
        },
      ]);
    });

    it('refuses to resume a case that is not paused, to pause into the past, and an unknown case', async () => {
      await seed(store);
      const notPaused = await failureOf(ops.resume(CASE_ID, 'claire'));
      expect(notPaused).toBeInstanceOf(ConflictError);
      expect(notPaused.code).toBe('NOT_PAUSED');
      expect(await failureOf(ops.pause(CASE_ID, 'paul', 'late', '2025-03-23'))).toBeInstanceOf(InvalidOperationError);
      expect(await failureOf(ops.pause('case_nope', 'paul', 'x', null))).toBeInstanceOf(NotFoundError);
      expect(await store.cases.readJournal(CASE_ID)).toEqual([]);
    });
  });

  describe('item marks', () => {
    it('a dispute survives a later sync of the same invoice that brings disputed null; lifting it does too', async () => {
      await seed(store);
      const marked = await ops.markItem(R1.id, 'claire', { disputed: { reason: 'delivery incomplete' } });
      expect(marked.item.disputed).toEqual({ reason: 'delivery incomplete', since: '2025-03-24' });

      // The next sync page of the ledger: the invoice was partly paid, and the ERP knows nothing of the dispute.
      await saveSyncPage(store, {
        connection: 'odoo-main',
        stream: 'invoices',
        receivables: [{ ...R1, open: 60_000, sourceVersion: 'v2', disputed: null }],
        at: '2025-03-25T06:00:00.000Z',
      });
      expect(await store.sync.getReceivable(R1.id)).toMatchObject({
        open: 60_000,
        sourceVersion: 'v2',
        disputed: { reason: 'delivery incomplete', since: '2025-03-24' },
      });
      expect(evaluate(await snapshotOf(store), POLICY, '2025-03-26', CONTEXT).reasons.map((r) => r.code)).toContain(
        'DISPUTED_ITEM_LEFT_OUT',
      );

      await ops.markItem(R1.id, 'claire', { disputed: null });
      await saveSyncPage(store, {
        connection: 'odoo-main',
        stream: 'invoices',
        receivables: [{ ...R1, open: 50_000, sourceVersion: 'v3' }],
        at: '2025-03-26T06:00:00.000Z',
      });
      expect((await store.sync.getReceivable(R1.id))?.disputed).toBeNull();
      expect((await journal()).filter((e) => e.type === 'item_disputed').map((e) => e.summary)).toEqual([
        'FAC-2025-0101 disputed by claire: delivery incomplete',
        'FAC-2025-0101: dispute lifted by claire',
      ]);
    });

    it('an excluded item is left out of dunning; lifting a mark that is not set is a conflict', async () => {
      await seed(store);
      await ops.markItem(R2.id, 'paul', { excluded: { reason: 'handled by the sales team' } });
      expect((await store.sync.getReceivable(R2.id))?.excluded).toEqual({
        reason: 'handled by the sales team',
        since: '2025-03-24',
      });
      expect(
        evaluate(await snapshotOf(store), POLICY, '2025-03-26', CONTEXT).reasons.find(
          (r) => r.code === 'EXCLUDED_ITEM_LEFT_OUT',
        )?.itemIds,
      ).toEqual([R2.id]);
      expect((await journal()).at(-1)).toEqual({
        type: 'item_excluded',
        actor: 'user:paul',
        summary: 'FAC-2025-0102 excluded by paul: handled by the sales team',
      });
      const failure = await failureOf(ops.markItem(R1.id, 'paul', { excluded: null }));
      expect(failure).toBeInstanceOf(ConflictError);
      expect(failure.message).toBe(`item ${R1.id} is not excluded`);
      expect(await failureOf(ops.markItem('odoo:move:999', 'paul', { disputed: { reason: 'x' } }))).toBeInstanceOf(
        NotFoundError,
      );
    });
  });

  describe('promise to pay', () => {
    it('on a case: covers its open invoices oldest first up to the amount, journals it, and pauses the policy', async () => {
      await seed(store);
      const result = await ops.promiseToPay({ caseId: CASE_ID }, 'claire', { date: '2025-04-05', amount: 120_000 });
      expect(result.items.map((r) => [r.id, r.promiseToPay])).toEqual([
        [R1.id, { date: '2025-04-05', amount: 100_000, recordedOn: '2025-03-24' }],
        [R2.id, { date: '2025-04-05', amount: 20_000, recordedOn: '2025-03-24' }],
      ]);
      expect((await store.sync.getReceivable(R2.id))?.promiseToPay).toEqual({
        date: '2025-04-05',
        amount: 20_000,
        recordedOn: '2025-03-24',
      });
      expect((await store.sync.getReceivable(CREDIT.id))?.promiseToPay).toBeNull();
      expect((await journal()).at(-1)).toEqual({
        type: 'promise_to_pay',
        actor: 'user:claire',
        summary: `promise to pay ${formatMoney(120_000, 'EUR', 'fr-FR')} by 2025-04-05, recorded by claire`,
      });
      expect(evaluate(await snapshotOf(store), POLICY, '2025-04-01', CONTEXT)).toMatchObject({
        status: 'paused',
        until: '2025-04-08',
      });
    });

    it('on one item, without an amount; refuses a date gone by, more than is open, and a credit note', async () => {
      await seed(store);
      await ops.promiseToPay({ receivableId: R2.id }, 'claire', { date: '2025-03-31' });
      expect((await store.sync.getReceivable(R2.id))?.promiseToPay).toEqual({
        date: '2025-03-31',
        recordedOn: '2025-03-24',
      });
      expect((await store.sync.getReceivable(R1.id))?.promiseToPay).toBeNull();
      expect(await failureOf(ops.promiseToPay({ caseId: CASE_ID }, 'claire', { date: '2025-03-23' }))).toMatchObject({
        code: 'PROMISE_IN_THE_PAST',
      });
      expect(
        await failureOf(ops.promiseToPay({ receivableId: R1.id }, 'claire', { date: '2025-04-01', amount: 100_001 })),
      ).toMatchObject({ code: 'PROMISE_ABOVE_OPEN' });
      expect(
        await failureOf(ops.promiseToPay({ receivableId: CREDIT.id }, 'claire', { date: '2025-04-01' })),
      ).toBeInstanceOf(ConflictError);
      expect((await store.cases.readJournal(CASE_ID)).map((e) => e.type)).toEqual(['promise_to_pay']);
    });
  });

  describe('call results', () => {
    it('journals the outcome of a phone task on its case', async () => {
      await seed(store);
      const { phone } = await phoneTask(store);
      await ops.recordCallResult(phone.id, 'paul', { outcome: 'no_answer', note: 'voicemail full' });
      expect((await store.cases.readJournal(CASE_ID)).at(-1)).toMatchObject({
        type: 'note',
        actor: { kind: 'user', id: 'paul' },
        summary: 'phone call by paul: no answer (voicemail full)',
        data: { actionId: phone.id, outcome: 'no_answer', note: 'voicemail full' },
      });
    });

    it('a promise made on the phone is recorded as a promise to pay on the case', async () => {
      await seed(store);
      const { phone } = await phoneTask(store);
      await ops.recordCallResult(phone.id, 'paul', { outcome: 'promise', promise: { date: '2025-04-10' } });
      expect((await store.cases.readJournal(CASE_ID)).map((e) => e.type)).toEqual(['note', 'promise_to_pay']);
      expect((await store.sync.getReceivable(R1.id))?.promiseToPay).toEqual({
        date: '2025-04-10',
        recordedOn: '2025-03-24',
      });
      expect((await store.sync.getReceivable(R2.id))?.promiseToPay).toEqual({
        date: '2025-04-10',
        recordedOn: '2025-03-24',
      });
    });

    it('refuses an action that is not a phone task, an unknown one, and a promise with another outcome', async () => {
      await seed(store);
      const { phone, email } = await phoneTask(store);
      const wrongKind = await failureOf(ops.recordCallResult(email.id, 'paul', { outcome: 'reached' }));
      expect(wrongKind).toBeInstanceOf(ConflictError);
      expect(wrongKind.message).toBe('action act-mail is not a phone task (its kind is email)');
      expect(await failureOf(ops.recordCallResult('act-none', 'paul', { outcome: 'reached' }))).toBeInstanceOf(
        NotFoundError,
      );
      expect(
        await failureOf(
          ops.recordCallResult(phone.id, 'paul', { outcome: 'reached', promise: { date: '2025-04-10' } }),
        ),
      ).toBeInstanceOf(InvalidOperationError);
      expect(await store.cases.readJournal(CASE_ID)).toEqual([]);
    });
  });
});
