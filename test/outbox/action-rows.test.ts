import { ActionSchema } from '../../connector/model/action.schema';
import { newAction, stepActionKinds } from '../../connector/outbox/action-rows';

const AT = '2025-03-18T08:00:00.000Z';

describe('newAction', () => {
  it('makes a pending row never attempted, its decision id taken from its subject', () => {
    const row = newAction({
      caseId: 'case_1',
      kind: 'email',
      subject: { type: 'decision', decisionId: 'dec-1' },
      idempotencyKey: 'case_1/reminder-1/2025-02-01/email',
      template: 'reminder-1',
      at: AT,
    });
    expect(ActionSchema.parse(row)).toStrictEqual(row);
    expect(row).toMatchObject({
      decisionId: 'dec-1',
      status: 'pending',
      attempts: 0,
      notBefore: AT,
      createdAt: AT,
      updatedAt: AT,
      lastError: null,
    });
    expect(row.id).toMatch(/^act_[0-9a-f-]{36}$/);
  });

  it('a row of no decision has none; an id and a later start are kept when given', () => {
    const row = newAction({
      id: 'act_fixed',
      caseId: 'case_1',
      kind: 'dossier',
      subject: { type: 'payment_report', dossierId: 'dos-1', journalSeq: 7 },
      idempotencyKey: 'dos-1/payment/7',
      at: AT,
      notBefore: '2025-03-19T08:00:00.000Z',
    });
    expect(row).toMatchObject({
      id: 'act_fixed',
      decisionId: null,
      template: null,
      notBefore: '2025-03-19T08:00:00.000Z',
    });
  });
});

describe('stepActionKinds', () => {
  it.each([
    ['a reminder performed', { kind: 'reminder', channels: ['email', 'sms'] }, false, ['email', 'sms', 'ledger_note']],
    ['an escalation performed', { kind: 'escalation', channels: [] }, false, ['dossier', 'ledger_note']],
    ['an escalation waiting for approval', { kind: 'escalation', channels: [] }, true, ['ledger_activity']],
    [
      'a formal notice waiting for approval',
      { kind: 'formal_notice', channels: ['registered_letter'] },
      true,
      ['ledger_activity'],
    ],
  ] as const)('%s', (_name, step, waits, kinds) => {
    expect(stepActionKinds(step, waits)).toEqual(kinds);
  });
});
