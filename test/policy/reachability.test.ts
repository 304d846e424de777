import { decide } from '../../connector/policy/decide';
import { evaluate } from '../../connector/policy/evaluate';
import { loadPolicies } from '../../connector/policy/load-policies';
import { reachableChannels, smsNumberOf } from '../../connector/policy/reachability';
import { caseIdOf } from '../../connector/model';
import { openSqliteStore } from '../../connector/store/sqlite';
import { debtor, invoice, snapshot } from '../helpers/builders';
import { saveReceivables } from '../../connector/cases/case-lifecycle';

/**
 * fr-b2b's reminder-2 goes by e-mail and SMS. An SMS goes only to a debtor with a French mobile
 * number; for the others the decision leaves SMS out and says why, and no SMS row is created.
 */

const b2b = loadPolicies().get('fr-b2b')!;
// One invoice due 2025-03-10; reminder-1 done on 03-15, so reminder-2 is due on 03-25.
const inv = () => invoice({ id: 'demo:move:A', dueDate: '2025-03-10', total: 200_000 });
const afterReminder1 = { lastStep: { stepId: 'reminder-1', index: 1, on: '2025-03-15' }, lastContactOn: '2025-03-15' };

describe('channels that can reach the debtor', () => {
  it.each([
    [[], undefined],
    [['01 23 45 67 89'], undefined],
    [['+44 20 7946 0958'], undefined],
    [['01 23 45 67 89', '06 12 34 56 78'], '+33612345678'],
    [['+33 (0)7 12 34 56 78'], '+33712345678'],
    [['+33612345678'], '+33612345678'],
  ])('phones %j: SMS to %s', (phones, expected) => {
    expect(smsNumberOf(phones)).toBe(expected);
  });

  it('keeps the other channels, in order, and names why SMS is left out', () => {
    expect(reachableChannels(['email', 'sms', 'letter'], { phones: [] })).toEqual({
      channels: ['email', 'letter'],
      unreachable: [{ channel: 'sms', reason: 'the debtor has no phone number in the ledger' }],
    });
    expect(reachableChannels(['email', 'sms'], { phones: ['01 23 45 67 89'] }).unreachable[0]!.reason).toContain(
      'is a French mobile (06 or 07)',
    );
    expect(reachableChannels(['email', 'sms'], { phones: ['0612345678'] })).toEqual({
      channels: ['email', 'sms'],
      unreachable: [],
    });
  });

  it('a due step by e-mail and SMS goes by e-mail alone to a debtor without a mobile, with the reason', () => {
    const e = evaluate(
      snapshot([inv()], { case: afterReminder1, debtor: { phones: ['01 23 45 67 89'] } }),
      b2b,
      '2025-03-25',
    );
    expect(e.status).toBe('due');
    if (e.status !== 'due') return;
    expect(e.step).toMatchObject({ id: 'reminder-2', channels: ['email'] });
    expect(e.unreachable).toEqual([{ channel: 'sms', reason: expect.stringContaining('French mobile') }]);
    expect(e.reasons.find((r) => r.code === 'CHANNEL_UNREACHABLE')?.message).toMatch(/^sms left out of reminder-2: /);
    const withMobile = evaluate(
      snapshot([inv()], { case: afterReminder1, debtor: { phones: ['06 12 34 56 78'] } }),
      b2b,
      '2025-03-25',
    );
    expect(withMobile.status === 'due' && withMobile.step.channels).toEqual(['email', 'sms']);
    expect(withMobile.reasons.map((r) => r.code)).not.toContain('CHANNEL_UNREACHABLE');
  });

  it('decide() creates no SMS row for a debtor without a mobile, and journals the skip', async () => {
    const store = await openSqliteStore(':memory:');
    try {
      await store.migrate();
      for (const [id, phones] of [
        ['demo:partner:1', ['01 23 45 67 89']],
        ['demo:partner:2', ['06 12 34 56 78']],
      ] as const) {
        const d = debtor({ id, phones: [...phones] });
        await store.sync.upsertDebtors([d]);
        await saveReceivables(
          store,
          [invoice({ id: `demo:move:${id}`, debtorId: id, dueDate: '2025-03-10', total: 200_000 })],
          '2025-03-01T08:00:00.000Z',
        );
        const caseId = caseIdOf(id, 'demo:company:1', 'EUR');
        const c = (await store.cases.getCase(caseId))!;
        await store.cases.saveCase({ ...c, ...afterReminder1, stage: 'reminding' });
        const snap = {
          case: (await store.cases.getCase(caseId))!,
          debtor: (await store.sync.getDebtor(id))!,
          items: await store.sync.listReceivablesOfCase(caseId),
        };
        expect((await decide(store, snap, b2b, '2025-03-25', new Date('2025-03-25T08:00:00.000Z'))).recorded).toBe(
          true,
        );
      }
      const without = caseIdOf('demo:partner:1', 'demo:company:1', 'EUR');
      const withMobile = caseIdOf('demo:partner:2', 'demo:company:1', 'EUR');
      expect((await store.outbox.listActions({ caseId: without })).map((a) => a.kind).sort()).toEqual([
        'email',
        'ledger_note',
      ]);
      expect((await store.outbox.listActions({ caseId: withMobile })).map((a) => a.kind).sort()).toEqual([
        'email',
        'ledger_note',
        'sms',
      ]);
      const notes = (await store.cases.readJournal(without)).filter((j) => j.type === 'note');
      expect(notes).toHaveLength(1);
      expect(notes[0]!.summary).toMatch(/^sms skipped for reminder-2: none of the debtor's phone numbers/);
      expect(notes[0]!.data).toMatchObject({ skipped: 'sms' });
      expect((await store.cases.readJournal(withMobile)).some((j) => j.type === 'note')).toBe(false);
    } finally {
      await store.close();
    }
  });
});
