import {
  amountPoints,
  historyPoints,
  paidLateDays,
  riskOf,
  riskOrderKey,
  type RiskFacts,
} from '../../connector/kpis/risk';
import { addDays } from '../../connector/time/calendar-date';

describe('risk score', () => {
  it('adds 0.3 point a day past due and 10 points per factor of ten above 100, and says which facts', () => {
    const risk = riskOf({ currency: 'EUR', openTotal: 1_250_000, oldestDue: '2026-09-06' }, '2026-12-05');
    // 90 days → 27 points; 12,500 € → round(10 × log10(125)) = 21 points.
    expect(risk.score).toBe(48);
    expect(risk.level).toBe('medium');
    expect(risk.reasons.map((r) => [r.code, r.points])).toEqual([
      ['DAYS_OVERDUE', 27],
      ['AMOUNT', 21],
    ]);
    expect(risk.reasons[0]!.fr).toBe('facture la plus ancienne échue depuis 90 jours\u00a0: +27 pts');
    expect(risk.reasons[0]!.en).toBe('oldest invoice 90 days past due: +27 pts');
    expect(risk.reasons[1]!.en).toBe('€12,500 open: +21 pts');
    expect(risk.reasons[1]!.fr).toBe('12\u202f500\u00a0€ ouverts\u00a0: +21 pts');
  });

  it('gives nothing for invoices not yet due or amounts of 100 or less, caps the amount at 30 and the score at 100', () => {
    expect(riskOf({ currency: 'EUR', openTotal: 10_000, oldestDue: '2026-12-20' }, '2026-12-05')).toEqual({
      score: 0,
      level: 'low',
      reasons: [],
    });
    expect(amountPoints(100_000_000_00, 'EUR')).toBe(30);
    // JPY has no minor unit: 1,000,000 yen is 10^4 times 100.
    expect(amountPoints(1_000_000, 'JPY')).toBe(30);
    expect(amountPoints(100_000, 'JPY')).toBe(30);
    expect(amountPoints(10_000, 'JPY')).toBe(20);
    const ancient = riskOf({ currency: 'EUR', openTotal: 100_000_00, oldestDue: '2024-01-01' }, '2026-12-05');
    expect(ancient.score).toBe(100);
    expect(ancient.level).toBe('high');
  });

  it('orders cases by a key that agrees with their scores on any day', () => {
    const facts: RiskFacts[] = [];
    for (let i = 0; i < 60; i++)
      facts.push({
        currency: i % 7 === 0 ? 'JPY' : 'EUR',
        openTotal: Math.round(10 ** (2 + (i % 9) * 0.7)),
        oldestDue: addDays('2026-03-01', (i * 37) % 200),
        paidLateDays: i % 3 === 0 ? null : (i * 11) % 75,
      });
    for (const asOf of ['2026-09-30', '2026-12-05', '2027-06-30']) {
      const byKey = [...facts].sort((a, b) => riskOrderKey(b) - riskOrderKey(a));
      const unclamped = (f: RiskFacts) => riskOf(f, asOf).reasons.reduce((sum, r) => sum + r.points, 0);
      // Cases past due on that day: their order by key is their order by points.
      const due = byKey.filter((f) => f.oldestDue! < asOf);
      for (let i = 1; i < due.length; i++)
        expect(unclamped(due[i - 1]!)).toBeGreaterThanOrEqual(unclamped(due[i]!) - 0.1);
    }
    expect(riskOrderKey({ currency: 'EUR', openTotal: 0, oldestDue: null })).toBe(Number.MIN_SAFE_INTEGER);
  });

  it('adds a point per 3 days its settled invoices were paid late on average, up to 20, and says so', () => {
    expect([null, 0, 1, 2, 15, 30, 59, 60, 400].map(historyPoints)).toEqual([0, 0, 0, 1, 5, 10, 20, 20, 20]);
    const risk = riskOf(
      { currency: 'EUR', openTotal: 50_000, oldestDue: '2026-11-05', paidLateDays: 24 },
      '2026-12-05',
    );
    // 30 days past due → 9; 500.00 € → 7 (10 × log10 5); paid 24 days late on average → 8.
    expect(risk.score).toBe(24);
    expect(risk.reasons.map((r) => [r.code, r.points])).toEqual([
      ['DAYS_OVERDUE', 9],
      ['PAYMENT_HISTORY', 8],
      ['AMOUNT', 7],
    ]);
    expect(risk.reasons[1]!.en).toBe('settled invoices paid 24 days late on average: +8 pts');
    expect(risk.reasons[1]!.fr).toBe('factures réglées avec 24 jours de retard en moyenne\u00a0: +8 pts');
    // The same case with no history ranks below it on any day.
    const same = { currency: 'EUR', openTotal: 50_000, oldestDue: '2026-11-05' };
    expect(riskOrderKey({ ...same, paidLateDays: 24 })).toBeGreaterThan(riskOrderKey({ ...same, paidLateDays: null }));
  });

  it('weighs each settled invoice by its amount, counts one paid early as on time, and has no figure without any', () => {
    expect(
      paidLateDays([
        { total: 30_000, dueDate: '2026-06-01', paidOn: '2026-07-01' },
        { total: 10_000, dueDate: '2026-07-01', paidOn: '2026-06-21' },
      ]),
    ).toBe(23);
    expect(paidLateDays([])).toBeNull();
  });
});
