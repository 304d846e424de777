import { ActionSchema, type Action } from '../../connector/model/action.schema';
import { CaseSchema, caseIdOf } from '../../connector/model/case.schema';
import { dispatchActions, type Performer } from '../../connector/outbox/dispatch';
import { openSqliteStore } from '../../connector/store/sqlite';
import type { Store } from '../../connector/store/store';
import { isStoreUnavailable, StoreError } from '../../connector/store/errors';
import { AdapterError } from '../../connector/ports/adapter-error';
import { invoice } from '../helpers/builders';
import { memoryLogger } from '../helpers/logger';
import { saveReceivables } from '../../connector/cases/case-lifecycle';

/** The outbox dispatcher: what it records for each outcome of a performer. */

const AT = '2026-11-23T08:00:00.000Z';
const FAST = { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 1_000, random: () => 0.5 };

describe('outbox dispatch', () => {
  let store: Store;
  let now: Date;
  const caseId = caseIdOf('d1', 'co1', 'EUR');

  beforeEach(async () => {
    store = await openSqliteStore(':memory:');
    await store.migrate();
    now = new Date(AT);
    await saveReceivables(store, [invoice({ id: 'r1', debtorId: 'd1', companyId: 'co1' })], AT);
  });
  afterEach(() => store.close());

  async function addActions(...kinds: Action['kind'][]): Promise<Action[]> {
    const actions = kinds.map((kind, i) =>
      ActionSchema.parse({
        id: `act-${i}`,
        idempotencyKey: `${caseId}/step/${kind}/${i}`,
        caseId,
        decisionId: 'dec-1',
        subject: { type: 'decision', decisionId: 'dec-1' },
        kind,
        template: 'reminder-1',
        status: 'pending',
        notBefore: AT,
        createdAt: AT,
        updatedAt: AT,
      }),
    );
    const c = (await store.cases.getCase(caseId))!;
    await store.outbox.recordDecision({
      decision: {
        id: 'dec-1',
        idempotencyKey: `${caseId}/step`,
        caseId,
        stepId: 'step',
        stepIndex: 0,
        policyId: 'p',
        policyVersion: 1,
        asOf: '2026-11-23',
        decidedAt: AT,
        requiresApproval: false,
        evaluation: {},
      },
      actions,
      journal: [],
      caseAfter: CaseSchema.parse({ ...c, stage: 'reminding' }),
    });
    return actions;
  }

  const run = (performers: Partial<Record<Action['kind'], Performer>>) =>
    dispatchActions({
      store,
      performers,
      clock: { now: () => now },
      logger: memoryLogger('error').logger,
      retry: FAST,
    });
  const journalTypes = async () => (await store.cases.readJournal(caseId)).map((j) => `${j.type}: ${j.summary}`);

  it('a performed row is done, with its journal line; it is not performed again', async () => {
    const [a] = await addActions('email');
    let calls = 0;
    const email: Performer = async () => ({ summary: `e-mail sent (${++calls})` });
    expect(await run({ email })).toEqual({ done: 1, retried: 0, failed: 0, skipped: 0 });
    expect(await store.outbox.getAction(a!.id)).toMatchObject({ status: 'done', attempts: 1, lastError: null });
    expect(await journalTypes()).toEqual(['action_performed: e-mail sent (1)']);
    expect(await run({ email })).toMatchObject({ done: 0 });
    expect(calls).toBe(1);
  });

  it('the store unreachable when the effect is recorded: recorded once it is back, never performed twice, never a failure', async () => {
    const [a] = await addActions('email');
    let calls = 0;
    const email: Performer = async () => ({ summary: `e-mail sent (${++calls})` });
    const real = store.outbox.completeAction.bind(store.outbox);
    let refused = 0;
    jest.spyOn(store.outbox, 'completeAction').mockImplementation(async (input) => {
      // PostgreSQL restarting: the first two writes meet a closed port.
      if (refused < 2) {
        refused++;
        throw new StoreError('cannot write outbox: connect ECONNREFUSED 127.0.0.1:5432', {
          table: 'outbox',
          cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
        });
      }
      return real(input);
    });
    expect(await run({ email })).toMatchObject({ done: 1, failed: 0 });
    expect(calls).toBe(1);
    expect(refused).toBe(2);
    expect(await store.outbox.getAction(a!.id)).toMatchObject({ status: 'done', attempts: 1 });
    expect(await journalTypes()).toEqual(['action_performed: e-mail sent (1)']);
  });

  it('a performer that cannot read the store (it is restarting) is retried, not failed for good', async () => {
    const [a] = await addActions('email');
    const email: Performer = async () => {
      throw new StoreError('cannot read cases: Connection terminated unexpectedly', { table: 'cases' });
    };
    expect(
      await dispatchActions({
        store,
        performers: { email },
        clock: { now: () => now },
        logger: memoryLogger('error').logger,
        random: () => 0.5,
      }),
    ).toMatchObject({ retried: 1, failed: 0 });
    expect(await store.outbox.getAction(a!.id)).toMatchObject({ status: 'pending', attempts: 1 });
  });

  it('isStoreUnavailable knows a connection failure from a refused write', () => {
    expect(
      isStoreUnavailable(
        new StoreError('x', {
          cause: Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
        }),
      ),
    ).toBe(true);
    expect(isStoreUnavailable(new Error('the database system is starting up'))).toBe(true);
    expect(
      isStoreUnavailable(
        new StoreError('x', {
          cause: Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' }),
        }),
      ),
    ).toBe(false);
    expect(isStoreUnavailable(new Error('cannot write outbox: CHECK constraint failed'))).toBe(false);
  });

  it('a transient failure is retried later, counted; a lost answer too; exhausted attempts park it as failed', async () => {
    const [a] = await addActions('sms');
    const sms: Performer = async () => {
      throw new AdapterError({
        code: 'SMS_DOWN',
        kind: 'transient',
        userMessage: 'provider down',
        outcomeUnknown: true,
      });
    };
    expect(await run({ sms })).toMatchObject({ retried: 1 });
    expect(await store.outbox.getAction(a!.id)).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: 'SMS_DOWN: provider down',
      notBefore: '2026-11-23T08:00:00.500Z',
    });
    // Not due yet: left alone.
    expect(await run({ sms })).toMatchObject({ retried: 0, failed: 0 });
    now = new Date('2026-11-23T09:00:00Z');
    await run({ sms });
    now = new Date('2026-11-23T10:00:00Z');
    expect(await run({ sms })).toMatchObject({ failed: 1 });
    expect(await store.outbox.getAction(a!.id)).toMatchObject({ status: 'failed', attempts: 3 });
    expect((await journalTypes()).pop()).toMatch(/^action_failed: sms failed: SMS_DOWN: provider down/);
  });

  it('a configuration error fails at once', async () => {
    const [a] = await addActions('letter');
    const letter: Performer = async () => {
      throw new AdapterError({ code: 'POSTAL_ACCESS_DENIED', kind: 'config', userMessage: 'bad API key' });
    };
    expect(await run({ letter })).toMatchObject({ failed: 1 });
    expect(await store.outbox.getAction(a!.id)).toMatchObject({ status: 'failed', attempts: 1 });
  });

  it('a configuration error fails at once even when the write may have been applied: a person must act first', async () => {
    const [a] = await addActions('ledger_note');
    const ledger_note: Performer = async () => {
      throw new AdapterError({
        code: 'ODOO_RESPONSE_TOO_LARGE',
        kind: 'config',
        userMessage: 'the answer is larger than the cap',
        outcomeUnknown: true,
      });
    };
    expect(await run({ ledger_note })).toMatchObject({ failed: 1, retried: 0 });
    expect(await store.outbox.getAction(a!.id)).toMatchObject({ status: 'failed', attempts: 1 });
    expect((await journalTypes()).pop()).toMatch(/^action_failed: ledger_note failed: ODOO_RESPONSE_TOO_LARGE/);
  });

  it('a row done silently (nothing performed, the journal told why before) adds no journal line', async () => {
    const [a] = await addActions('ledger_note');
    const before = (await journalTypes()).length;
    expect(
      await run({ ledger_note: async () => ({ summary: 'not written (said before)', silent: true }) }),
    ).toMatchObject({ done: 1 });
    expect((await store.outbox.getAction(a!.id))!.status).toBe('done');
    expect(await journalTypes()).toHaveLength(before);
  });

  it('a rate limit puts the row back without counting an attempt; that channel stops, the others go on', async () => {
    const [first, second, other] = await addActions('email', 'email', 'sms');
    let calls = 0;
    const email: Performer = async () => {
      calls++;
      throw new AdapterError({ code: 'SMTP_RATE', kind: 'rate_limit', userMessage: 'slow down', retryAfterMs: 30_000 });
    };
    expect(await run({ email, sms: async () => ({ summary: 'sms sent' }) })).toMatchObject({
      rateLimitedMs: 30_000,
      retried: 1,
      done: 1,
    });
    expect(calls).toBe(1);
    expect((await store.outbox.getAction(other!.id))!.status).toBe('done');
    expect(await store.outbox.getAction(first!.id)).toMatchObject({
      status: 'pending',
      attempts: 0,
      notBefore: '2026-11-23T08:00:30.000Z',
    });
    expect(await store.outbox.getAction(second!.id)).toMatchObject({ status: 'pending', attempts: 0 });
  });

  it('rows of a kind without a performer stay pending', async () => {
    const [a] = await addActions('dossier');
    expect(await run({ email: async () => ({ summary: 'x' }) })).toMatchObject({ done: 0 });
    expect((await store.outbox.getAction(a!.id))!.status).toBe('pending');
  });

  describe('retries budgeted in time (the daemon: no fixed attempts)', () => {
    const budgeted = (performers: Partial<Record<Action['kind'], Performer>>, budgets = {}) =>
      dispatchActions({
        store,
        performers,
        clock: { now: () => now },
        logger: memoryLogger('error').logger,
        budgets,
        random: () => 0.5,
      });
    /** Runs the dispatcher at each due time, as the daemon's outbox tick does, until `until`. */
    async function runUntil(
      performers: Partial<Record<Action['kind'], Performer>>,
      until: Date,
      budgets = {},
    ): Promise<number> {
      let runs = 0;
      while (now < until) {
        const pending = (await store.outbox.listActions({ status: 'pending' }))[0];
        if (!pending) break;
        now = new Date(Math.max(now.getTime(), Date.parse(pending.notBefore)));
        if (now >= until) break;
        await budgeted(performers, budgets);
        runs++;
      }
      return runs;
    }

    it('SMTP greylisting (451) for 150 s, then the server takes it: sent, not failed for good', async () => {
      const [a] = await addActions('email');
      const greylistedUntil = new Date(Date.parse(AT) + 150_000);
      let tries = 0;
      const email: Performer = async () => {
        tries++;
        if (now < greylistedUntil)
          throw new AdapterError({
            code: 'SMTP_TRANSIENT',
            kind: 'transient',
            userMessage: '451 4.7.1 greylisted, try again later',
          });
        return { summary: 'e-mail sent' };
      };
      await runUntil({ email }, new Date(Date.parse(AT) + 3_600_000));
      // Waits of 15 s, 30 s, 60 s, 120 s (half of 30 s × 2^n with the jitter at 0.5): the 5th try, at 225 s, is taken.
      expect(await store.outbox.getAction(a!.id)).toMatchObject({ status: 'done', attempts: 5, lastError: null });
      expect(await store.outbox.getAction(a!.id)).not.toHaveProperty('firstFailedAt');
      expect(tries).toBe(5);
      expect(await journalTypes()).toEqual(['action_performed: e-mail sent']);
    });

    it('a permanent answer (550) fails at once, whatever the budget', async () => {
      const [a] = await addActions('email');
      const email: Performer = async () => {
        throw new AdapterError({ code: 'SMTP_REJECTED', kind: 'system', userMessage: '550 5.1.1 mailbox unknown' });
      };
      expect(await budgeted({ email })).toMatchObject({ failed: 1 });
      expect(await store.outbox.getAction(a!.id)).toMatchObject({ status: 'failed', attempts: 1 });
    });

    it('a budget spent fails the row with how long it was tried; Retry-After is honoured; the budget is configurable per kind', async () => {
      const [a] = await addActions('sms');
      const sms: Performer = async () => {
        throw new AdapterError({
          code: 'SMS_DOWN',
          kind: 'transient',
          userMessage: 'provider down',
          retryAfterMs: 600_000,
        });
      };
      // 30-minute budget: Retry-After 10 min is above the jittered wait, so tries at 0, 10, 20 min and a last one at 30 min.
      await runUntil({ sms }, new Date(Date.parse(AT) + 3_600_000), { sms: { forMinutes: 30, maxDelayMinutes: 30 } });
      expect(await store.outbox.getAction(a!.id)).toMatchObject({ status: 'failed', attempts: 4 });
      const failed = (await store.cases.readJournal(caseId)).find((j) => j.type === 'action_failed')!;
      expect(failed.data['reason']).toBe('SMS_DOWN: gave up after 4 attempt(s) over 30 min (retry budget 30 min)');
    });
  });
});
