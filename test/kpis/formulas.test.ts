import {
  agingBucketOf,
  averageDaysDelinquent,
  bestPossibleDso,
  collectionEffectiveness,
  dsoCountback,
  dsoStandard,
  overdueRatio,
  promiseKeptRate,
} from '../../connector/kpis/formulas';

// The worked examples of ../shared/reference/owl-odoo.md §4.2, in minor units (cents).
const QUARTER = [
  { month: '2026-03', sales: 10_000_000, days: 30 },
  { month: '2026-02', sales: 8_000_000, days: 30 },
  { month: '2026-01', sales: 7_000_000, days: 30 },
];

describe('DSO', () => {
  it('counts back 212,000 of receivables through sales of 100,000, 80,000 and 70,000 to 73.7 days', () => {
    expect(dsoCountback({ receivables: 21_200_000, months: QUARTER }).value).toBe(73.7);
  });

  it('gives 76.3 days with the standard method on the same quarter', () => {
    const dso = dsoStandard({ receivables: 21_200_000, sales: 25_000_000, days: 90 });
    expect(dso.value).toBe(76.3);
    expect(dso.formula.en).toBe('open ÷ sales of the last 90 days × 90');
  });

  it('counts a month without sales as whole days, and says when the months read do not absorb the open amount', () => {
    const months = [{ month: '2026-03', sales: 0, days: 31 }, ...QUARTER.slice(1)];
    expect(dsoCountback({ receivables: 4_000_000, months }).value).toBe(46);
    const tooMuch = dsoCountback({ receivables: 30_000_000, months: QUARTER });
    expect(tooMuch.value).toBeNull();
    expect(tooMuch.unavailable).toBe('the open amount exceeds the sales of the 3 months read');
  });

  it('has no standard DSO without sales, and a countback of 0 with nothing open', () => {
    expect(dsoStandard({ receivables: 500, sales: 0, days: 90 })).toMatchObject({
      value: null,
      unavailable: 'no sales in the last 90 days',
    });
    expect(dsoCountback({ receivables: 0, months: QUARTER }).value).toBe(0);
  });

  it('derives average days delinquent from DSO and best possible DSO', () => {
    const dso = dsoStandard({ receivables: 21_200_000, sales: 25_000_000, days: 90 });
    const best = bestPossibleDso({ current: 12_000_000, sales: 25_000_000, days: 90 });
    expect(best.value).toBe(43.2);
    expect(averageDaysDelinquent(dso, best).value).toBe(33.1);
    expect(averageDaysDelinquent(dsoStandard({ receivables: 1, sales: 0, days: 90 }), best).value).toBeNull();
  });
});

describe('CEI', () => {
  // Jan–Mar: begin 6,200; sales 10,890; end total 6,340; end current 3,590.
  const quarter = {
    beginReceivables: 620_000,
    sales: 1_089_000,
    endReceivables: 634_000,
    endCurrent: 359_000,
    months: 3,
  };

  it('gives 79.63 % with the period’s sales and 55.93 % with monthly sales, and names the variant', () => {
    const period = collectionEffectiveness({ ...quarter, variant: 'period' });
    const monthly = collectionEffectiveness({ ...quarter, variant: 'monthly' });
    expect(period.value).toBe(79.63);
    expect(monthly.value).toBe(55.93);
    expect(period.formula.en).toContain('sales of the 3 months');
    expect(monthly.formula.en).toContain('average monthly sales');
  });

  it('has no value when nothing was collectible', () => {
    const none = collectionEffectiveness({
      beginReceivables: 0,
      sales: 0,
      endReceivables: 0,
      endCurrent: 0,
      months: 1,
      variant: 'period',
    });
    expect(none.value).toBeNull();
  });
});

describe('aging, overdue ratio, promises', () => {
  it.each([
    [-5, 'not_due'],
    [0, 'not_due'],
    [1, '1_30'],
    [30, '1_30'],
    [31, '31_60'],
    [60, '31_60'],
    [61, '61_90'],
    [90, '61_90'],
    [91, 'over_90'],
    [4000, 'over_90'],
  ])('puts an item %i days past due in %s', (days, bucket) => {
    expect(agingBucketOf(days)).toBe(bucket);
  });

  it('gives the overdue share of the open amount, rounded to a tenth', () => {
    expect(overdueRatio({ overdue: 1, open: 3 }).value).toBe(33.3);
    expect(overdueRatio({ overdue: 0, open: 0 }).unavailable).toBe('no open amount');
  });

  it('leaves pending promises out of the kept rate', () => {
    expect(promiseKeptRate({ kept: 7, broken: 3 }).value).toBe(70);
    expect(promiseKeptRate({ kept: 0, broken: 0 }).value).toBeNull();
  });
});
