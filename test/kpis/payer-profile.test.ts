import { payerProfile } from '../../connector/kpis/payer-profile';
import type { PayerFacts } from '../../connector/store/kpi-store';

const invoice = (id: string, over: Partial<PayerFacts['invoices'][number]> = {}): PayerFacts['invoices'][number] => ({
  id,
  currency: 'EUR',
  issueDate: '2026-06-01',
  dueDate: '2026-07-01',
  total: 100_000,
  open: 0,
  disputed: false,
  ...over,
});

describe('payer profile', () => {
  // As of 2026-12-05. Paid: i1 on time (issued 06-01, due 07-01, paid 06-25), i2 20 days late in
  // two payments (due 09-10, paid 30 000 on 09-15 and 70 000 on 09-30), i3 40 days late (due
  // 10-01, paid 11-10). Open: i4 overdue 35 days (due 10-31, 50 000 open), i5 not due.
  const facts: PayerFacts = {
    debtorId: 'd1',
    invoices: [
      invoice('i1'),
      invoice('i2', { issueDate: '2026-08-11', dueDate: '2026-09-10' }),
      invoice('i3', { issueDate: '2026-09-01', dueDate: '2026-10-01', total: 200_000 }),
      invoice('i4', { issueDate: '2026-10-01', dueDate: '2026-10-31', open: 50_000, disputed: true }),
      invoice('i5', { issueDate: '2026-11-20', dueDate: '2026-12-20', open: 100_000 }),
      // Closed with no payment read (a credit note set against it): says nothing.
      invoice('i6'),
      // Another currency: not weighted with euros.
      invoice('u1', { currency: 'USD', open: 10_000 }),
    ],
    settledSeen: [],
    payments: [
      { receivableId: 'i1', date: '2026-06-25', amount: 100_000 },
      { receivableId: 'i2', date: '2026-09-30', amount: 70_000 },
      { receivableId: 'i2', date: '2026-09-15', amount: 30_000 },
      { receivableId: 'i3', date: '2026-11-10', amount: 200_000 },
      { receivableId: 'i4', date: '2026-11-20', amount: 50_000 },
    ],
    promises: [
      // Kept: i3 paid in full by 11-15.
      { date: '2026-11-15', amount: null, itemIds: ['i3'] },
      // Broken: 60 000 promised on i4 by 11-25, 50 000 paid.
      { date: '2026-11-25', amount: 60_000, itemIds: ['i4'] },
      // Pending: not yet due.
      { date: '2026-12-15', amount: 10_000, itemIds: ['i5'] },
    ],
    disputesRecorded: 2,
  };

  it('computes each figure as its formula says', () => {
    const p = payerProfile(facts, '2026-12-05');
    expect(p.paidInvoices).toBe(3);
    expect(p.openInvoices).toBe(2);
    // (24 + 50 + 70) / 3 days from issue to payment.
    expect(p.averageDaysToPay).toBe(48);
    // Weighted by amount: i1 −6 × 100 000, i2 20 × 100 000, i3 40 × 200 000, i4 35 × 50 000 (open, today).
    expect(p.averagePaymentDelay).toBe(round1((-6 * 1e5 + 20 * 1e5 + 40 * 2e5 + 35 * 5e4) / 4.5e5));
    expect(p.rating).toBe('A');
    expect(p.paidLateShare).toBe(66.7);
    // Paid in the last 90 days (after 09-06): i2 (20 late) and i3 (40); in the 90 before: i1 (0).
    expect(p.trendDays).toBe(30);
    expect(p.trend).toEqual({
      fr: 'paie 30 j plus tard que les 90 jours précédents',
      en: 'pays 30 days later than in the 90 days before',
    });
    expect(p.promises).toEqual({ kept: 1, broken: 1, pending: 1 });
    expect(p.promisesKept).toBe(50);
    expect(p.disputes).toBe(1);
    expect(p.disputesRecorded).toBe(2);
    // 1 500 € open (12 points), the oldest open invoice 35 days past due (10.5), and the settled
    // invoices paid (100,000 × 0 + 100,000 × 20 + 200,000 × 40) ÷ 400,000 = 25 days late (8).
    expect(p.risk).toMatchObject({
      score: 31,
      reasons: [
        { code: 'AMOUNT', points: 12 },
        { code: 'DAYS_OVERDUE', points: 10.5 },
        { code: 'PAYMENT_HISTORY', points: 8 },
      ],
    });
    expect(p.formulas.averagePaymentDelay.en).toContain('amount-weighted');
  });

  it('has no figure where there is nothing to base it on', () => {
    const p = payerProfile(
      { debtorId: 'd2', invoices: [], payments: [], settledSeen: [], promises: [], disputesRecorded: 0 },
      '2026-12-05',
    );
    expect(p).toMatchObject({
      averageDaysToPay: null,
      averagePaymentDelay: null,
      rating: null,
      paidLateShare: null,
      trendDays: null,
      trend: null,
      promisesKept: null,
      risk: null,
    });
  });

  it('rates by Upflow’s thresholds of average payment delay', () => {
    const late = (days: number) =>
      payerProfile(
        {
          debtorId: 'd3',
          invoices: [invoice('x', { dueDate: '2026-07-01' })],
          payments: [{ receivableId: 'x', date: addDaysTo('2026-07-01', days), amount: 100_000 }],
          settledSeen: [],
          promises: [],
          disputesRecorded: 0,
        },
        '2026-12-05',
      ).rating;
    expect([late(30), late(31), late(60), late(61), late(90), late(91)]).toEqual(['A', 'B', 'B', 'C', 'C', 'D']);
  });

  it('takes the day the sync saw an invoice settled where the ledger gives no payment record (Odoo), never over payments read', () => {
    const p = payerProfile(
      {
        debtorId: 'd4',
        invoices: [
          invoice('o1', { dueDate: '2026-07-01' }),
          invoice('o2', { dueDate: '2026-08-01' }),
          invoice('o3', { dueDate: '2026-10-01', open: 100_000 }),
        ],
        // o1 seen settled 12 days late; o2 has its payment read (on time), whatever the sync saw.
        settledSeen: [
          { receivableId: 'o1', on: '2026-07-13' },
          { receivableId: 'o2', on: '2026-08-20' },
        ],
        payments: [{ receivableId: 'o2', date: '2026-08-01', amount: 100_000 }],
        promises: [],
        disputesRecorded: 0,
      },
      '2026-12-05',
    );
    expect(p.paidInvoices).toBe(2);
    expect(p.paidLateShare).toBe(50);
    // (12 + 0) ÷ 2 = 6 days late on average: 2 points.
    expect(p.risk!.reasons.find((r) => r.code === 'PAYMENT_HISTORY')).toMatchObject({ points: 2 });
  });
});

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

function addDaysTo(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
