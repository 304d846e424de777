import { ActionSchema, type Action } from '../../../connector/model/action.schema';
import { CaseSchema, caseIdOf } from '../../../connector/model/case.schema';
import { dispatchActions, type Performer } from '../../../connector/outbox/dispatch';
import { openSqliteStore } from '../../../connector/store/sqlite';
import type { Store } from '../../../connector/store/store';
import { AdapterError } from '../../../connector/sync/adapter-error';
import { invoice } from '../../helpers/builders';
import { memoryLogger } from '../../helpers/logger';

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
    await store.upsertReceivables([invoice({ id: 'r1', debtorId: 'd1', companyId: 'co1' })], AT);
  });
  afterEach(() => store.close());

  async function addActions(...kinds: Action['kind'][]): Promise<Action[]> {
    const actions = kinds.map((kind, i) => ActionSchema.parse({ id: `act-${i}`, idempotencyKey: `${caseId}/step/${kind}/${i}`, caseId, decisionId: 'dec-1', kind, template: 'reminder-1', status: 'pending', notBefore: AT, createdAt: AT, updatedAt: AT }));
    const c = (await store.getCase(caseId))!;
    await store.recordDecision({
      decision: { id: 'dec-1', idempotencyKey: `${caseId}/step`, caseId, stepId: 'step', stepIndex: 0, policyId: 'p', policyVersion: 1, asOf: '2026-11-23', decidedAt: AT, requiresApproval: false, evaluation: {} },
      actions,
      journal: [],
      caseAfter: CaseSchema.parse({ ...c, stage: 'reminding' }),
    });
    return actions;
  }

  const run = (performers: Partial<Record<Action['kind'], Performer>>) => dispatchActions({ store, performers, clock: { now: () => now }, logger: memoryLogger('error').logger, retry: FAST });
  const journalTypes = async () => (await store.readJournal(caseId)).map((j) => `${j.type}: ${j.summary}`);

  it('a performed row is done, with its journal line; it is not performed again', async () => {
    const [a] = await addActions('email');
    let calls = 0;
    const email: Performer = async () => ({ summary: `e-mail sent (${++calls})` });
    expect(await run({ email })).toEqual({ done: 1, retried: 0, failed: 0, skipped: 0 });
    expect(await store.getAction(a!.id)).toMatchObject({ status: 'done', attempts: 1, lastError: null });
    expect(await journalTypes()).toEqual(['action_performed: e-mail sent (1)']);
    expect(await run({ email })).toMatchObject({ done: 0 });
    expect(calls).toBe(1);
  });

  it('a transient failure is retried later, counted; a lost answer too; exhausted attempts park it as failed', async () => {
    const [a] = await addActions('sms');
    const sms: Performer = async () => {
      throw new AdapterError({ code: 'SMS_DOWN', kind: 'transient', userMessage: 'provider down', outcomeUnknown: true });
    };
    expect(await run({ sms })).toMatchObject({ retried: 1 });
    expect(await store.getAction(a!.id)).toMatchObject({ status: 'pending', attempts: 1, lastError: 'SMS_DOWN: provider down', notBefore: '2026-11-23T08:00:00.500Z' });
    // Not due yet: left alone.
    expect(await run({ sms })).toMatchObject({ retried: 0, failed: 0 });
    now = new Date('2026-11-23T09:00:00Z');
    await run({ sms });
    now = new Date('2026-11-23T10:00:00Z');
    expect(await run({ sms })).toMatchObject({ failed: 1 });
    expect(await store.getAction(a!.id)).toMatchObject({ status: 'failed', attempts: 3 });
    expect((await journalTypes()).pop()).toMatch(/^action_failed: sms failed: SMS_DOWN: provider down/);
  });

  it('a configuration error fails at once', async () => {
    const [a] = await addActions('letter');
    const letter: Performer = async () => {
      throw new AdapterError({ code: 'POSTAL_ACCESS_DENIED', kind: 'config', userMessage: 'bad API key' });
    };
    expect(await run({ letter })).toMatchObject({ failed: 1 });
    expect(await store.getAction(a!.id)).toMatchObject({ status: 'failed', attempts: 1 });
  });

  it('a rate limit puts the row back without counting an attempt; that channel stops, the others go on', async () => {
    const [first, second, other] = await addActions('email', 'email', 'sms');
    let calls = 0;
    const email: Performer = async () => {
      calls++;
      throw new AdapterError({ code: 'SMTP_RATE', kind: 'rate_limit', userMessage: 'slow down', retryAfterMs: 30_000 });
    };
    expect(await run({ email, sms: async () => ({ summary: 'sms sent' }) })).toMatchObject({ rateLimitedMs: 30_000, retried: 1, done: 1 });
    expect(calls).toBe(1);
    expect((await store.getAction(other!.id))!.status).toBe('done');
    expect(await store.getAction(first!.id)).toMatchObject({ status: 'pending', attempts: 0, notBefore: '2026-11-23T08:00:30.000Z' });
    expect(await store.getAction(second!.id)).toMatchObject({ status: 'pending', attempts: 0 });
  });

  it('rows of a kind without a performer stay pending', async () => {
    const [a] = await addActions('dossier');
    expect(await run({ email: async () => ({ summary: 'x' }) })).toMatchObject({ done: 0 });
    expect((await store.getAction(a!.id))!.status).toBe('pending');
  });
});
