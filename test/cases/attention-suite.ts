import { CaseOperations, GATE_STUCK_DAYS, listNeedingAttention, type AttentionItem } from '../../connector/cases';
import { GATE_JOURNAL_KEY } from '../../connector/dossier/gate-hook';
import { ActionSchema, type Action } from '../../connector/model/action.schema';
import type { Store } from '../../connector/store/store';
import { caseAwaitingFormalNotice, CASE_ID, DEBTOR, evaluateOn, handClock, seed, TIME_ZONE } from './case-fixtures';

/**
 * "Needs attention", read from what the store holds: each case that stopped with no next step
 * is listed with why and what to do, and leaves the list once it moves again.
 */
export function attentionSuite(open: () => Promise<Store>, close: (store: Store) => Promise<void>): void {
  let store: Store;
  const clock = handClock('2025-05-02T09:00:00.000Z');
  const ops = () => new CaseOperations({ store, clock, timeZone: TIME_ZONE });
  const list = (now = clock.now()) => listNeedingAttention(store, { now });
  const only = async (): Promise<AttentionItem> => {
    const items = await list();
    expect(items).toHaveLength(1);
    return items[0]!;
  };
  beforeEach(async () => {
    store = await open();
    clock.set('2025-05-02T09:00:00.000Z');
  });
  afterEach(() => close(store));

  /** The case at the formal notice, as the engine leaves it once the notice is approved and sent. */
  const atFormalNotice = async () => {
    await caseAwaitingFormalNotice(store);
    await ops().approve(CASE_ID, 'claire', new Date('2025-03-24T09:00:00.000Z'));
  };

  /** A refusal of the escalation gate, as connector/dossier/gate-hook.ts journals it. */
  const gateRefusal = (at: string, failed: { id: string; reason: string }[]) =>
    store.cases.appendJournal({
      caseId: CASE_ID,
      at,
      actor: { kind: 'system', id: 'policy:test-approvals@2' },
      type: 'note',
      summary: `escalation not decided: ${failed.map((f) => `${f.id} (${f.reason})`).join('; ')}`,
      data: {
        [GATE_JOURNAL_KEY]: {
          asOf: at.slice(0, 10),
          pass: false,
          failed: failed.map((f) => f.id),
          conditions: [
            { id: 'formal_notice_expired', pass: true, reason: 'expired' },
            ...failed.map((f) => ({ ...f, pass: false })),
          ],
        },
      },
    });

  const failedRow = async (
    kind: Action['kind'],
    lastError: string,
    template: string | null = 'reminder-1',
  ): Promise<Action> => {
    const at = '2025-04-01T08:00:00.000Z';
    const action = ActionSchema.parse({
      id: `act-${kind}`,
      idempotencyKey: `${CASE_ID}/reminder-1/${kind}`,
      caseId: CASE_ID,
      decisionId: null,
      subject: { type: 'decision', decisionId: 'dec-unrecorded' },
      kind,
      template,
      status: 'pending',
      notBefore: at,
      createdAt: at,
      updatedAt: at,
    });
    await store.cases.applyCaseChange({
      caseAfter: (await store.cases.getCase(CASE_ID))!,
      actions: [action],
      journal: [],
    });
    await store.outbox.completeAction({
      id: action.id,
      status: 'failed',
      attempts: 1,
      lastError,
      at: '2025-04-01T08:05:00.000Z',
      journal: [
        {
          caseId: CASE_ID,
          at: '2025-04-01T08:05:00.000Z',
          actor: { kind: 'system', id: 'outbox' },
          type: 'action_failed',
          summary: `${kind} failed: ${lastError}`,
          data: { actionId: action.id },
        },
      ],
    });
    return action;
  };

  it('a case moving along its ladder needs no attention', async () => {
    await atFormalNotice();
    expect(await list()).toEqual([]);
  });

  it('a partial payment after the formal notice: the escalation stops, and the controller is told to settle the balance', async () => {
    await atFormalNotice();
    await gateRefusal('2025-04-15T12:00:00.000Z', [
      {
        id: 'unanswered',
        reason: 'payment of 200,00 € on 2025-04-02 (FAC-2025-0101) since the formal notice was sent on 2025-03-24',
      },
    ]);
    const item = await only();
    expect(item).toMatchObject({
      caseId: CASE_ID,
      debtor: { id: DEBTOR.id, name: 'Garage Lemoine SARL' },
      stage: 'formal_notice',
      kind: 'answered_after_notice',
      since: '2025-04-15T12:00:00.000Z',
    });
    expect(item.reason).toBe(
      'the formal notice no longer opens the way to the law firm: payment of 200,00 € on 2025-04-02 (FAC-2025-0101) since the formal notice was sent on 2025-03-24',
    );
    expect(item.todo).toContain(`recouvra promise --case ${CASE_ID}`);
    expect(item.todo).toContain('a new formal notice');
    expect(item.journalSeq).toBe((await store.cases.readJournal(CASE_ID)).at(-1)!.seq);
  });

  it('a gate that fails for a reason time will not fix is listed at once; one time may fix only after GATE_STUCK_DAYS', async () => {
    await atFormalNotice();
    await gateRefusal('2025-04-20T12:00:00.000Z', [
      { id: 'formal_notice_expired', reason: 'the acknowledgement of receipt is not back' },
    ]);
    expect(await list(new Date('2025-04-25T12:00:00.000Z'))).toEqual([]);
    const stuck = await list(new Date(Date.parse('2025-04-20T12:00:00.000Z') + GATE_STUCK_DAYS * 86_400_000 + 1));
    expect(stuck.map((i) => [i.kind, i.since])).toEqual([['gate_failing', '2025-04-20T12:00:00.000Z']]);
    expect(stuck[0]!.todo).toContain('check that the formal notice was delivered');
    // The conditions change: the amount is now below the policy's minimum, which waiting never fixes.
    await gateRefusal('2025-04-28T12:00:00.000Z', [
      { id: 'worth_the_cost', reason: 'net principal 250,00 € is below the policy minimum of 300,00 €' },
    ]);
    const item = await only();
    expect(item).toMatchObject({
      kind: 'gate_failing',
      since: '2025-04-28T12:00:00.000Z',
      reason: 'the escalation to the law firm is held: net principal 250,00 € is below the policy minimum of 300,00 €',
    });
    expect(item.todo).toContain('escalation.minAmount');
    // A decision afterwards (the gate passed): nothing to do any more.
    expect(await evaluateOn(store, '2025-04-30')).toBe(true);
    expect(await list()).toEqual([]);
  });

  it('an escalation rejected by a controller: the policy will not propose it again, so the case is listed with the reason', async () => {
    await atFormalNotice();
    expect(await evaluateOn(store, '2025-04-08')).toBe(true);
    expect((await store.cases.getCase(CASE_ID))?.pendingApproval?.stepId).toBe('escalation');
    await ops().reject(CASE_ID, 'marc', 'the client is a strategic account', new Date('2025-04-09T08:00:00.000Z'));
    expect(await evaluateOn(store, '2025-04-20')).toBe(false);
    const item = await only();
    expect(item).toMatchObject({
      kind: 'escalation_rejected',
      stage: 'formal_notice',
      since: '2025-04-09T08:00:00.000Z',
    });
    expect(item.reason).toBe(
      'the escalation to the law firm was rejected by marc: the client is a strategic account; the policy does not propose it again',
    );
    expect(item.todo).toContain(`recouvra cases pause ${CASE_ID} --reason`);
  });

  it('a formal notice rejected by a controller is not an escalation rejected', async () => {
    await caseAwaitingFormalNotice(store);
    await ops().reject(CASE_ID, 'marc', 'not yet', new Date('2025-03-24T09:00:00.000Z'));
    expect(await list()).toEqual([]);
  });

  it('a dossier refused by the law firm', async () => {
    await seed(store);
    await store.cases.saveCase({ ...(await store.cases.getCase(CASE_ID))!, stage: 'escalated' });
    const at = '2025-04-22T10:00:00.000Z';
    await store.dossiers.recordDossier(
      {
        id: 'dos-1',
        caseId: CASE_ID,
        actionId: null,
        partner: 'cabinet',
        fileId: null,
        status: 'rejected',
        state: 'submitted',
        stateAt: at,
        events: 0,
        content: {},
        submittedAt: at,
        updatedAt: at,
      },
      [
        {
          caseId: CASE_ID,
          at,
          actor: { kind: 'system', id: 'outbox' },
          type: 'dossier_refused',
          summary:
            'dossier dos-1 refused by cabinet, no file opened: dossier.debtor.addresses: no address to serve the debtor',
          data: { dossierId: 'dos-1', partner: 'cabinet', code: 'LAWFIRM_VALIDATION' },
        },
      ],
    );
    // The dossier's outbox row failed with the refusal: the refusal alone is listed.
    await failedRow('dossier', 'LAWFIRM_DOSSIER_INVALID: the firm refused the dossier (422)', null);
    const item = await only();
    expect(item).toMatchObject({ kind: 'dossier_refused', stage: 'escalated', since: at });
    expect(item.reason).toBe(
      'the law firm refused the file (dossier dos-1): dossier dos-1 refused by cabinet, no file opened: dossier.debtor.addresses: no address to serve the debtor',
    );
    expect(item.todo).toContain(`recouvra cases journal ${CASE_ID}`);
  });

  it('a channel that cannot reach the debtor and a row failed for good are listed; retrying the row takes it off the list', async () => {
    await seed(store);
    const email = await failedRow(
      'email',
      'EMAIL_NO_RECIPIENT: the message has no recipient: the debtor has no e-mail address',
    );
    const sms = await failedRow(
      'sms',
      'SMS_NO_NUMBER: debtor odoo:partner:7 has no French mobile number in the ledger',
    );
    const letter = await failedRow('letter', 'POSTAL_REJECTED: the provider refused the letter (422)');
    const items = await list();
    // One case, three rows failed at the same instant: in the outbox's order.
    expect(items.map((i) => [i.kind, i.actionId])).toEqual([
      ['debtor_unreachable', email.id],
      ['action_failed', letter.id],
      ['debtor_unreachable', sms.id],
    ]);
    expect(items[0]!.reason).toBe(
      'the e-mail (reminder-1) could not go out: the debtor has no e-mail address in the ledger',
    );
    expect(items[0]!.todo).toBe(
      `add the debtor's e-mail address in the ledger; once the next sync has brought it, send it again: recouvra actions retry ${email.id} (API: POST /actions/${email.id}/retry)`,
    );
    expect(items[1]!.reason).toBe(
      'the letter (reminder-1) failed for good after 1 attempt: POSTAL_REJECTED: the provider refused the letter (422)',
    );
    expect(items[2]!.reason).toContain('no French mobile number');

    const { action } = await ops().retryAction(email.id, 'claire');
    expect(action).toMatchObject({ status: 'pending', attempts: 0, idempotencyKey: email.idempotencyKey });
    expect(items[0]!.actionKind).toBe('email');
    expect((await store.cases.readJournal(CASE_ID)).at(-1)).toMatchObject({
      type: 'note',
      actor: { kind: 'user', id: 'claire' },
      summary:
        'e-mail sent again at the request of claire (it had failed: EMAIL_NO_RECIPIENT: the message has no recipient: the debtor has no e-mail address)',
    });
    expect((await list()).map((i) => i.actionId)).toEqual([letter.id, sms.id]);
    await expect(ops().retryAction(email.id, 'claire')).rejects.toMatchObject({ code: 'ACTION_NOT_FAILED' });
    await expect(ops().retryAction('act-none', 'claire')).rejects.toMatchObject({ code: 'ACTION_NOT_FOUND' });
  });

  it('a closed case needs no attention, whatever failed on it', async () => {
    await seed(store);
    await failedRow('email', 'EMAIL_NO_RECIPIENT: no e-mail');
    await store.cases.saveCase({ ...(await store.cases.getCase(CASE_ID))!, stage: 'closed' });
    expect(await list()).toEqual([]);
    await expect(ops().retryAction('act-email', 'claire')).rejects.toMatchObject({ code: 'CASE_CLOSED' });
  });
}
