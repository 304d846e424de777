import { GATE_JOURNAL_KEY } from '../../connector/dossier/gate-hook';
import { ActionSchema } from '../../connector/model/action.schema';
import { CASE_ID, seed } from '../cases/case-fixtures';
import { openHarness, type Harness } from './api-harness';

/** GET /cases/attention and POST /actions/:id/retry over a real SQLite store. */

describe('HTTP API: cases needing attention', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await openHarness();
    await seed(h.store);
  });
  afterEach(() => h.close());

  const failEmail = async () => {
    const at = '2025-03-20T08:00:00.000Z';
    const action = ActionSchema.parse({
      id: 'act-mail',
      idempotencyKey: `${CASE_ID}/reminder-1/email`,
      caseId: CASE_ID,
      decisionId: null,
      subject: { type: 'decision', decisionId: 'dec-unrecorded' },
      kind: 'email',
      template: 'reminder-1',
      status: 'pending',
      notBefore: at,
      createdAt: at,
      updatedAt: at,
    });
    await h.store.cases.applyCaseChange({
      caseAfter: (await h.store.cases.getCase(CASE_ID))!,
      actions: [action],
      journal: [],
    });
    await h.store.outbox.completeAction({
      id: action.id,
      status: 'failed',
      attempts: 1,
      lastError: 'EMAIL_NO_RECIPIENT: the message has no recipient: the debtor has no e-mail address',
      at,
    });
  };

  it('lists each stuck case with its debtor, the reason and what to do; empty when nothing is stuck', async () => {
    expect((await h.call('GET', '/cases/attention')).json()).toEqual({ attention: [] });
    await failEmail();
    await h.store.cases.saveCase({ ...(await h.store.cases.getCase(CASE_ID))!, stage: 'formal_notice' });
    await h.store.cases.appendJournal({
      caseId: CASE_ID,
      at: '2025-03-22T12:00:00.000Z',
      actor: { kind: 'system', id: 'policy:p@1' },
      type: 'note',
      summary: 'escalation not decided',
      data: {
        [GATE_JOURNAL_KEY]: {
          pass: false,
          failed: ['unanswered'],
          conditions: [{ id: 'unanswered', pass: false, reason: 'payment of 150,00 € on 2025-03-21' }],
        },
      },
    });
    const res = await h.call('GET', '/cases/attention');
    expect(res.statusCode).toBe(200);
    const { attention } = res.json<{
      attention: {
        caseId: string;
        debtor: { name: string };
        kind: string;
        reason: string;
        todo: string;
        actionId?: string;
      }[];
    }>();
    expect(attention.map((a) => [a.caseId, a.debtor.name, a.kind])).toEqual([
      [CASE_ID, 'Garage Lemoine SARL', 'debtor_unreachable'],
      [CASE_ID, 'Garage Lemoine SARL', 'answered_after_notice'],
    ]);
    expect(attention[0]!.todo).toContain('POST /actions/act-mail/retry');
    expect(attention[1]!.reason).toContain('payment of 150,00 € on 2025-03-21');
    expect((await h.call('GET', '/cases/attention?limit=5')).statusCode).toBe(400);
    expect((await h.call('GET', '/cases/attention', { token: null })).statusCode).toBe(401);
  });

  it('POST /actions/:id/retry requeues a failed row under its key, journals who asked, and refuses what is not failed', async () => {
    await failEmail();
    const res = await h.call('POST', '/actions/act-mail/retry', { user: 'claire.martin' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      action: { id: 'act-mail', status: 'pending', attempts: 0, idempotencyKey: `${CASE_ID}/reminder-1/email` },
    });
    expect((await h.store.cases.readJournal(CASE_ID)).at(-1)).toMatchObject({
      actor: { kind: 'user', id: 'claire.martin' },
      type: 'note',
    });
    expect((await h.call('GET', '/cases/attention')).json()).toEqual({ attention: [] });
    const again = await h.call('POST', '/actions/act-mail/retry');
    expect(again.statusCode).toBe(409);
    expect(again.json<{ error: { code: string } }>().error.code).toBe('ACTION_NOT_FAILED');
    expect((await h.call('POST', '/actions/act-none/retry')).statusCode).toBe(404);
  });
});
