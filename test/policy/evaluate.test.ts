import type { Policy } from '../../config/policy.schema';
import { formatMoney } from '../../connector/model/money.schema';
import {
  evaluate,
  EvaluationInputError,
  type Evaluation,
  type EvaluationContext,
} from '../../connector/policy/evaluate';
import { loadPolicies } from '../../connector/policy/load-policies';
import { addYears } from '../../connector/time/calendar-date';
import { creditNote, invoice, snapshot } from '../helpers/builders';

const policies = loadPolicies();
const b2b = policies.get('fr-b2b')!;
const b2c = policies.get('fr-b2c')!;

/** Test prescription rule: 5 years after the due date. */
const ctx: EvaluationContext = {
  prescription: (item, _kind, asOf) => {
    const on = addYears(item.dueDate, 5);
    return { prescribed: asOf > on, prescribesOn: on };
  },
};

function summary(e: Evaluation): string {
  if (e.status === 'due' || e.status === 'waiting') return `${e.status}:${e.step.id}@${e.dueOn}`;
  return e.status;
}

const codes = (e: Evaluation) => e.reasons.map((r) => r.code);

// One invoice of 2,000.00 EUR due 2025-03-10. fr-b2b ladder:
// courtesy due-3 = 03-07; reminder-1 due+5 = 03-15; reminder-2 +10; phone-call +7; formal-notice +7; escalation +15.
const inv = () => invoice({ id: 'demo:move:A', dueDate: '2025-03-10', total: 200_000 });
const last = (stepId: string, index: number, on: string) => ({ lastStep: { stepId, index, on }, lastContactOn: on });

describe('fr-b2b ladder: the day before, the day of and the day after each step', () => {
  const table: [string, Parameters<typeof snapshot>[1], string, string][] = [
    ['courtesy, day before', {}, '2025-03-06', 'waiting:courtesy@2025-03-07'],
    ['courtesy, day of', {}, '2025-03-07', 'due:courtesy@2025-03-07'],
    ['courtesy, day after (still before due)', {}, '2025-03-08', 'due:courtesy@2025-03-07'],
    ['courtesy passed once overdue: reminder-1 waits', {}, '2025-03-11', 'waiting:reminder-1@2025-03-15'],
    [
      'reminder-1, day before',
      { case: last('courtesy', 0, '2025-03-07') },
      '2025-03-14',
      'waiting:reminder-1@2025-03-15',
    ],
    ['reminder-1, day of', { case: last('courtesy', 0, '2025-03-07') }, '2025-03-15', 'due:reminder-1@2025-03-15'],
    ['reminder-1, day after', { case: last('courtesy', 0, '2025-03-07') }, '2025-03-16', 'due:reminder-1@2025-03-15'],
    [
      'reminder-2, day before',
      { case: last('reminder-1', 1, '2025-03-15') },
      '2025-03-24',
      'waiting:reminder-2@2025-03-25',
    ],
    ['reminder-2, day of', { case: last('reminder-1', 1, '2025-03-15') }, '2025-03-25', 'due:reminder-2@2025-03-25'],
    ['reminder-2, day after', { case: last('reminder-1', 1, '2025-03-15') }, '2025-03-26', 'due:reminder-2@2025-03-25'],
    [
      'phone-call, day before',
      { case: last('reminder-2', 2, '2025-03-25') },
      '2025-03-31',
      'waiting:phone-call@2025-04-01',
    ],
    ['phone-call, day of', { case: last('reminder-2', 2, '2025-03-25') }, '2025-04-01', 'due:phone-call@2025-04-01'],
    ['phone-call, day after', { case: last('reminder-2', 2, '2025-03-25') }, '2025-04-02', 'due:phone-call@2025-04-01'],
    [
      'formal-notice, day before',
      { case: last('phone-call', 3, '2025-04-01') },
      '2025-04-07',
      'waiting:formal-notice@2025-04-08',
    ],
    [
      'formal-notice, day of',
      { case: last('phone-call', 3, '2025-04-01') },
      '2025-04-08',
      'due:formal-notice@2025-04-08',
    ],
    [
      'formal-notice, day after',
      { case: last('phone-call', 3, '2025-04-01') },
      '2025-04-09',
      'due:formal-notice@2025-04-08',
    ],
    [
      'escalation, day before',
      { case: last('formal-notice', 4, '2025-04-08') },
      '2025-04-22',
      'waiting:escalation@2025-04-23',
    ],
    ['escalation, day of', { case: last('formal-notice', 4, '2025-04-08') }, '2025-04-23', 'due:escalation@2025-04-23'],
    [
      'escalation, day after',
      { case: last('formal-notice', 4, '2025-04-08') },
      '2025-04-24',
      'due:escalation@2025-04-23',
    ],
    ['ladder completed after escalation', { case: last('escalation', 5, '2025-04-23') }, '2025-06-01', 'completed'],
  ];
  it.each(table)('%s', (_name, over, asOf, expected) => {
    expect(summary(evaluate(snapshot([inv()], over), b2b, asOf, ctx))).toBe(expected);
  });
});

describe('what a due step carries', () => {
  it('one message covers every overdue item and the open credit notes, with net amounts', () => {
    const items = [
      invoice({ id: 'i1', dueDate: '2025-03-10', total: 100_000 }),
      invoice({ id: 'i2', dueDate: '2025-03-20', total: 50_000, open: 30_000 }),
      invoice({ id: 'i3', dueDate: '2025-05-01', total: 40_000 }),
      creditNote({ id: 'c1', dueDate: '2025-03-01', total: 10_000 }),
    ];
    const e = evaluate(snapshot(items), b2b, '2025-03-25', ctx);
    expect(e.status).toBe('due');
    if (e.status !== 'due') return;
    expect(e.step.id).toBe('reminder-1');
    expect(e.itemIds).toEqual(['i1', 'i2', 'c1']);
    expect(e.amounts).toEqual({ currency: 'EUR', open: 160_000, overdue: 120_000, credit: 10_000 });
    expect(e.step.channels).toEqual(['email']);
    expect(e.step.template).toBe('reminder-1');
    expect(e.anchor).toBe('2025-03-10');
  });

  it('a formal notice carries its deadline and several channels', () => {
    const e = evaluate(snapshot([inv()], { case: last('phone-call', 3, '2025-04-01') }), b2b, '2025-04-08', ctx);
    expect(e.status === 'due' && e.step).toMatchObject({
      kind: 'formal_notice',
      channels: ['registered_letter', 'email'],
      deadlineDays: 8,
      requiresApproval: false,
    });
  });

  it('escalation requires approval unless the policy says otherwise', () => {
    const s = snapshot([inv()], { case: last('formal-notice', 4, '2025-04-08') });
    const e = evaluate(s, b2b, '2025-04-23', ctx);
    expect(e.status === 'due' && e.step.requiresApproval).toBe(true);
    const auto: Policy = {
      ...b2b,
      steps: b2b.steps.map((st) => (st.kind === 'escalation' ? { ...st, requiresApproval: false } : st)),
    };
    const e2 = evaluate(s, auto, '2025-04-23', ctx);
    expect(e2.status === 'due' && e2.step.requiresApproval).toBe(false);
  });
});

describe('minimum interval between two contacts', () => {
  it('pushes a due step until the interval has passed, then lets it through', () => {
    // reminder-1 falls on 03-15, but a contact on 03-13 (e.g. a courtesy mail sent late) holds it to 03-18.
    const over = {
      case: { lastStep: { stepId: 'courtesy', index: 0, on: '2025-03-13' }, lastContactOn: '2025-03-13' },
    };
    expect(summary(evaluate(snapshot([inv()], over), b2b, '2025-03-15', ctx))).toBe('waiting:reminder-1@2025-03-18');
    expect(summary(evaluate(snapshot([inv()], over), b2b, '2025-03-17', ctx))).toBe('waiting:reminder-1@2025-03-18');
    const e = evaluate(snapshot([inv()], over), b2b, '2025-03-18', ctx);
    expect(summary(e)).toBe('due:reminder-1@2025-03-18');
    expect(codes(e)).toContain('MIN_CONTACT_INTERVAL');
  });
});

describe('paused cases', () => {
  const asOf = '2025-03-20';
  it('a disputed item pauses the whole case (pause_case)', () => {
    const e = evaluate(
      snapshot([inv(), invoice({ id: 'd', disputed: { reason: 'goods damaged', since: '2025-03-12' } })]),
      b2b,
      asOf,
      ctx,
    );
    expect(e.status).toBe('paused');
    expect(e.status === 'paused' && e.until).toBeNull();
    expect(codes(e)).toContain('DISPUTED');
  });
  it('with exclude_item, the disputed item is left out and the rest goes on', () => {
    const policy: Policy = { ...b2b, disputes: 'exclude_item' };
    const e = evaluate(
      snapshot([inv(), invoice({ id: 'd', total: 999_999, disputed: { reason: 'price', since: '2025-03-12' } })]),
      policy,
      asOf,
      ctx,
    );
    expect(e.status).toBe('due');
    expect(e.status === 'due' && e.itemIds).toEqual(['demo:move:A']);
    expect(e.amounts.open).toBe(200_000);
    expect(codes(e)).toContain('DISPUTED_ITEM_LEFT_OUT');
  });
  it('an excluded item is left out; when every item is excluded the case pauses', () => {
    const ex = { reason: 'sent late by the ERP', since: '2025-03-11' };
    const some = evaluate(snapshot([inv(), invoice({ id: 'x', excluded: ex })]), b2b, asOf, ctx);
    expect(some.status === 'due' && some.itemIds).toEqual(['demo:move:A']);
    const all = evaluate(snapshot([invoice({ id: 'x', excluded: ex })]), b2b, asOf, ctx);
    expect(all.status).toBe('paused');
    expect(codes(all)).toContain('ALL_ITEMS_EXCLUDED');
  });
  it('an active promise to pay pauses until the promised date plus grace, then resumes', () => {
    // promise 03-25, grace 2 days: paused through 03-27, resumes 03-28.
    const promised = invoice({
      id: 'p',
      dueDate: '2025-03-10',
      promiseToPay: { date: '2025-03-25', recordedOn: '2025-03-14' },
    });
    const paused = evaluate(snapshot([promised]), b2b, '2025-03-27', ctx);
    expect(paused.status === 'paused' && paused.until).toBe('2025-03-28');
    expect(evaluate(snapshot([promised]), b2b, '2025-03-28', ctx).status).toBe('due');
  });
  it('a payment plan pauses until its last instalment plus grace', () => {
    const plan = {
      agreedOn: '2025-03-12',
      instalments: [
        { dueDate: '2025-04-10', amount: 100_000 },
        { dueDate: '2025-05-10', amount: 100_000 },
      ],
    };
    const e = evaluate(snapshot([invoice({ id: 'p', paymentPlan: plan })]), b2b, '2025-05-15', ctx);
    expect(e.status === 'paused' && e.until).toBe('2025-05-16');
    expect(evaluate(snapshot([invoice({ id: 'p', paymentPlan: plan })]), b2b, '2025-05-16', ctx).status).toBe('due');
  });
  it('insolvency proceedings stop everything and give the claim-declaration deadline', () => {
    const e = evaluate(
      snapshot([inv()], {
        debtor: {
          flags: {
            doNotContact: false,
            insolvency: { kind: 'redressement', openedOn: '2025-03-01', publishedOn: '2025-03-15' },
          },
        },
      }),
      b2b,
      asOf,
      ctx,
    );
    expect(e.status).toBe('paused');
    expect(e.reasons.find((r) => r.code === 'INSOLVENCY')?.message).toContain('2025-05-15');
  });
  it('do-not-contact pauses', () => {
    const e = evaluate(
      snapshot([inv()], { debtor: { flags: { doNotContact: true, insolvency: null } } }),
      b2b,
      asOf,
      ctx,
    );
    expect(e.status).toBe('paused');
    expect(codes(e)).toEqual(['DO_NOT_CONTACT']);
  });
  it('a manual pause with an end date lasts through that date', () => {
    const over = { case: { manualPause: { reason: 'talking to their CFO', until: '2025-03-22' } } };
    expect(evaluate(snapshot([inv()], over), b2b, '2025-03-22', ctx).status).toBe('paused');
    expect(evaluate(snapshot([inv()], over), b2b, '2025-03-23', ctx).status).toBe('due');
  });
  it('lists every pause reason at once', () => {
    const e = evaluate(
      snapshot([invoice({ disputed: { reason: 'x', since: '2025-03-11' } })], {
        debtor: { flags: { doNotContact: true, insolvency: null } },
      }),
      b2b,
      asOf,
      ctx,
    );
    expect(codes(e)).toEqual(expect.arrayContaining(['DO_NOT_CONTACT', 'DISPUTED']));
  });
  it('a case waiting for approval is not decided again', () => {
    const e = evaluate(
      snapshot([inv()], { case: { pendingApproval: { stepId: 'escalation', index: 5, on: '2025-04-23' } } }),
      b2b,
      '2025-05-01',
      ctx,
    );
    expect(e.status).toBe('awaiting_approval');
  });
});

describe('credit notes netting', () => {
  it('a credit note that covers the invoices leaves nothing due', () => {
    const e = evaluate(snapshot([inv(), creditNote({ total: 200_000 })]), b2b, '2025-03-20', ctx);
    expect(e.status).toBe('nothing_due');
    expect(codes(e)).toContain('CREDIT_COVERS_BALANCE');
  });
  it('a partial credit lowers the amount the conditions see (phone call needs 500 EUR net)', () => {
    // 2,000 − 1,600 = 400 EUR net < 500: phone-call is skipped, formal-notice is next.
    const e = evaluate(
      snapshot([inv(), creditNote({ total: 160_000 })], { case: last('reminder-2', 2, '2025-03-25') }),
      b2b,
      '2025-04-01',
      ctx,
    );
    expect(summary(e)).toBe('due:formal-notice@2025-04-01');
    expect(e.reasons.find((r) => r.code === 'CONDITION_NOT_MET')?.message).toBe(
      `skipped phone-call: open amount ${formatMoney(40_000, 'EUR', 'fr-FR')} < ${formatMoney(50_000, 'EUR', 'fr-FR')}`,
    );
  });
  it('below the policy minimum balance nothing is chased', () => {
    const e = evaluate(snapshot([invoice({ total: 400 })]), b2b, '2025-03-20', ctx);
    expect(e.status).toBe('nothing_due');
    expect(codes(e)).toContain('BELOW_MINIMUM_BALANCE');
  });
});

describe('post-due steps need a positive overdue amount net of credit notes', () => {
  // A: 1,000.00 overdue since 2026-11-20; B: 2,000.00 due 2026-12-15. Seen on a real ledger on
  // 2026-12-05: credit notes larger than the overdue part sent reminder-1 for "0,00 échus".
  const a = (dueDate = '2026-11-20') => invoice({ id: 'A', number: 'FAC-A', dueDate, total: 100_000 });
  const b = (dueDate = '2026-12-15') => invoice({ id: 'B', number: 'FAC-B', dueDate, total: 200_000 });
  const credit = (total: number) => creditNote({ id: 'C', number: 'AV-1', total });
  const atEscalation = { case: last('formal-notice', 4, '2025-04-08') };
  const table: [
    string,
    () => Parameters<typeof snapshot>[0],
    Parameters<typeof snapshot>[1],
    string,
    string,
    number,
  ][] = [
    [
      'credits exceed the overdue part: reminder-1 waits for the day after B falls due',
      () => [a(), b(), credit(150_000)],
      {},
      '2026-12-05',
      'waiting:reminder-1@2026-12-16',
      0,
    ],
    [
      '… still waiting on the day B falls due',
      () => [a(), b(), credit(150_000)],
      {},
      '2026-12-15',
      'waiting:reminder-1@2026-12-16',
      0,
    ],
    [
      '… due the day after, for the net overdue',
      () => [a(), b(), credit(150_000)],
      {},
      '2026-12-16',
      'due:reminder-1@2026-11-25',
      150_000,
    ],
    [
      'credits smaller than the overdue part: reminder-1 is due',
      () => [a(), b(), credit(40_000)],
      {},
      '2026-12-05',
      'due:reminder-1@2026-11-25',
      60_000,
    ],
    [
      'credits equal to the overdue part: nothing is due net, reminder-1 waits',
      () => [a(), b(), credit(100_000)],
      {},
      '2026-12-05',
      'waiting:reminder-1@2026-12-16',
      0,
    ],
    [
      'no credit note: reminder-1 is due as before',
      () => [a(), b()],
      {},
      '2026-12-05',
      'due:reminder-1@2026-11-25',
      100_000,
    ],
    [
      'no credit note, nothing overdue after the courtesy: reminder-1 waits for its own date',
      () => [a('2026-12-10'), b()],
      { case: last('courtesy', 0, '2026-12-07') },
      '2026-12-09',
      'waiting:reminder-1@2026-12-15',
      0,
    ],
    [
      'escalation with the net overdue at 0: waits, not escalated',
      () => [a('2025-03-10'), b('2025-05-10'), credit(100_000)],
      atEscalation,
      '2025-04-23',
      'waiting:escalation@2025-05-11',
      0,
    ],
    [
      'escalation once the net overdue is positive again',
      () => [a('2025-03-10'), b('2025-05-10'), credit(100_000)],
      atEscalation,
      '2025-05-11',
      'due:escalation@2025-04-23',
      200_000,
    ],
  ];
  it.each(table)('%s', (_name, items, over, asOf, expected, overdue) => {
    const e = evaluate(snapshot(items(), over), b2b, asOf, ctx);
    expect(summary(e)).toBe(expected);
    expect(e.amounts.overdue).toBe(overdue);
  });

  it('the reason names the credit notes netted and the day the net overdue turns positive', () => {
    const e = evaluate(snapshot([a(), b(), credit(150_000)]), b2b, '2026-12-05', ctx);
    const reason = e.reasons.find((r) => r.code === 'NOT_OVERDUE_YET');
    expect(reason).toEqual({
      code: 'NOT_OVERDUE_YET',
      message: `nothing is overdue net of the open credit notes AV-1 (${formatMoney(150_000, 'EUR', 'fr-FR')}) before 2026-12-16: only the invoices due by 2026-12-15 exceed them`,
      itemIds: ['C'],
    });
    expect(e.amounts).toEqual({ currency: 'EUR', open: 150_000, overdue: 0, credit: 150_000 });
  });

  it('credits exceeding the overdue part do not restart the ladder: the next step waits', () => {
    const e = evaluate(
      snapshot([a('2025-03-10'), b('2025-05-10'), credit(100_000)], atEscalation),
      b2b,
      '2025-04-23',
      ctx,
    );
    expect(codes(e)).not.toContain('CYCLE_RESTARTED');
    expect(codes(e)).not.toContain('REQUIRES_APPROVAL');
  });

  it('without credit notes, a step timed before the due date waits for the day after it, as before', () => {
    // reminder-1 one day after the courtesy (03-07) falls on 03-08, before A's due date 03-10.
    const policy: Policy = {
      ...b2b,
      minContactIntervalDays: 0,
      steps: b2b.steps.map((st) =>
        st.id === 'reminder-1' ? { ...st, timing: { after: 'previous_step' as const, days: 1 } } : st,
      ),
    };
    const over = { case: last('courtesy', 0, '2025-03-07') };
    for (const items of [[inv()], [inv(), creditNote({ total: 10_000 })]]) {
      const e = evaluate(snapshot(items, over), policy, '2025-03-09', ctx);
      expect(summary(e)).toBe('waiting:reminder-1@2025-03-11');
      expect(e.reasons.find((r) => r.code === 'NOT_OVERDUE_YET')).toEqual({
        code: 'NOT_OVERDUE_YET',
        message: 'nothing is overdue before 2025-03-11',
      });
    }
  });

  it('pre-due steps are not held back by credit notes', () => {
    // courtesy 3 days before the oldest due date, on 2,000.00 net of a 500.00 credit note.
    const e = evaluate(
      snapshot([invoice({ dueDate: '2026-12-10', total: 250_000 }), creditNote({ total: 50_000 })]),
      b2b,
      '2026-12-07',
      ctx,
    );
    expect(summary(e)).toBe('due:courtesy@2026-12-07');
  });
});

describe('multi-currency', () => {
  it('each currency is its own case with its own thresholds', () => {
    const usd = evaluate(
      snapshot([invoice({ currency: 'USD', total: 40_000 })], { case: last('reminder-2', 2, '2025-03-25') }),
      b2b,
      '2025-04-01',
      ctx,
    );
    // 400 USD < 500 USD threshold of phone-call.
    expect(summary(usd)).toBe('due:formal-notice@2025-04-01');
    expect(usd.amounts.currency).toBe('USD');
  });
  it('a currency without a threshold fails the condition with a reason, never silently', () => {
    const jpy = evaluate(
      snapshot([invoice({ currency: 'JPY', total: 900_000 })], { case: last('reminder-2', 2, '2025-03-25') }),
      b2b,
      '2025-04-01',
      ctx,
    );
    expect(jpy.reasons.find((r) => r.code === 'CONDITION_NOT_MET')?.message).toContain(
      'no openAmountAtLeast threshold for JPY',
    );
  });
  it('an item in another currency than its case is an input error', () => {
    const s = snapshot([inv()]);
    s.items.push({ ...inv(), id: 'usd', currency: 'USD' });
    expect(() => evaluate(s, b2b, '2025-03-20', ctx)).toThrow(EvaluationInputError);
  });
});

describe('escalation and limitation periods', () => {
  const atEscalation = { case: last('formal-notice', 4, '2025-04-08') };
  it('is refused without prescription rules', () => {
    const e = evaluate(snapshot([inv()], atEscalation), b2b, '2025-04-23');
    expect(e.status).toBe('blocked');
    expect(codes(e)).toContain('PRESCRIPTION_UNKNOWN');
  });
  it('leaves out a prescribed invoice and escalates the rest', () => {
    const old = invoice({ id: 'old', issueDate: '2019-01-01', dueDate: '2019-02-01' });
    const e = evaluate(snapshot([inv(), old], atEscalation), b2b, '2025-04-23', ctx);
    expect(e.status === 'due' && e.itemIds).toEqual(['demo:move:A']);
    expect(codes(e)).toContain('PRESCRIBED_ITEM_LEFT_OUT');
  });
  it('is refused when every claim is prescribed', () => {
    const old = invoice({ id: 'old', issueDate: '2019-01-01', dueDate: '2019-02-01' });
    const e = evaluate(snapshot([old], { case: last('formal-notice', 4, '2025-04-08') }), b2b, '2025-04-23', ctx);
    expect(e.status).toBe('blocked');
    expect(codes(e)).toContain('ALL_ITEMS_PRESCRIBED');
  });
});

describe('cycles and pre-due reminders', () => {
  it('a new invoice after everything was settled starts a fresh ladder', () => {
    const fresh = invoice({ id: 'new', issueDate: '2025-05-01', dueDate: '2025-06-01', total: 150_000 });
    const e = evaluate(snapshot([fresh], { case: last('reminder-2', 2, '2025-03-25') }), b2b, '2025-05-29', ctx);
    expect(summary(e)).toBe('due:courtesy@2025-05-29');
    expect(codes(e)).toContain('CYCLE_RESTARTED');
  });
  it('the courtesy reminder only goes out for large amounts (condition)', () => {
    const small = invoice({ dueDate: '2025-03-10', total: 50_000 });
    expect(summary(evaluate(snapshot([small]), b2b, '2025-03-07', ctx))).toBe('waiting:reminder-1@2025-03-15');
  });
  it('nothing overdue yet: a step after the courtesy waits for the day after the due date', () => {
    const e = evaluate(snapshot([inv()], { case: last('courtesy', 0, '2025-03-07') }), b2b, '2025-03-09', ctx);
    expect(summary(e)).toBe('waiting:reminder-1@2025-03-15');
  });
});

describe('fr-b2c ladder', () => {
  const person = { debtor: { kind: 'individual' as const } };
  it('reminds by e-mail and SMS one week after the due date (SMS: the debtor has a mobile)', () => {
    const e = evaluate(
      snapshot([invoice({ dueDate: '2025-03-10', total: 12_000 })], {
        debtor: { ...person.debtor, phones: ['06 12 34 56 78'] },
      }),
      b2c,
      '2025-03-17',
      ctx,
    );
    expect(e.status === 'due' && e.step).toMatchObject({ id: 'reminder-1', channels: ['email', 'sms'] });
  });
  it('does not escalate small consumer debts (below 150 EUR)', () => {
    const e = evaluate(
      snapshot([invoice({ dueDate: '2025-03-10', total: 12_000 })], {
        ...person,
        case: last('formal-notice', 3, '2025-04-10'),
      }),
      b2c,
      '2025-05-10',
      ctx,
    );
    expect(e.status).toBe('completed');
    expect(codes(e)).toContain('CONDITION_NOT_MET');
  });
  it('waits at least 7 days between contacts (5 would be enough under fr-b2b)', () => {
    // reminder-2 falls 14 days after reminder-1 (03-31), but a contact on 03-28 holds it to 04-04.
    const over = {
      ...person,
      case: { lastStep: { stepId: 'reminder-1', index: 1, on: '2025-03-17' }, lastContactOn: '2025-03-28' },
    };
    const items = [invoice({ dueDate: '2025-03-10', total: 12_000 })];
    expect(summary(evaluate(snapshot(items, over), b2c, '2025-04-03', ctx))).toBe('waiting:reminder-2@2025-04-04');
    expect(summary(evaluate(snapshot(items, over), b2c, '2025-04-04', ctx))).toBe('due:reminder-2@2025-04-04');
  });
});
