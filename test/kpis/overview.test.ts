import { saveReceivables } from '../../connector/cases/case-lifecycle';
import { portfolioOverview } from '../../connector/kpis/overview';
import { caseIdOf } from '../../connector/model/case.schema';
import { openSqliteStore } from '../../connector/store/sqlite';
import type { Store } from '../../connector/store/store';
import { kpiPortfolio } from '../store/store.contract';

// The portfolio of the store contract's KPI test, as of Saturday 5 December 2026.
describe('portfolioOverview', () => {
  let store: Store;

  beforeEach(async () => {
    store = await openSqliteStore(':memory:');
    await store.migrate();
    await saveReceivables(store, kpiPortfolio(), '2026-12-05T09:00:00Z');
    const c = (await store.cases.getCase(caseIdOf('d1', 'co1', 'EUR')))!;
    await store.cases.saveCase({ ...c, stage: 'reminding' });
  });

  afterEach(async () => {
    await store.close();
  });

  it('gives each currency its open, overdue, aging and DSO figures, worked out by hand', async () => {
    const overview = await portfolioOverview(store, '2026-12-05');
    expect(overview.window).toEqual({ from: '2026-09-07', to: '2026-12-05', days: 90 });
    expect(overview.currencies.map((c) => c.currency)).toEqual(['EUR', 'USD']);
    const eur = overview.currencies[0]!;
    // Open invoices 10,900 (not due, one issued tomorrow included) + 5,000 + 3,000, less a 1,000 credit note.
    expect(eur).toMatchObject({
      receivables: 17900,
      current: 10900,
      overdue: 8000,
      unappliedCredits: 1000,
      disputed: 5000,
    });
    expect(eur.overdueRatio.value).toBe(42.3); // 8,000 ÷ 18,900
    expect(eur.aging).toEqual([
      { bucket: 'not_due', items: 2, amount: 10900 },
      { bucket: '1_30', items: 1, amount: 5000 },
      { bucket: '31_60', items: 0, amount: 0 },
      { bucket: '61_90', items: 0, amount: 0 },
      { bucket: 'over_90', items: 1, amount: 3000 },
    ]);
    // Window sales: October 8,000 − 1,000, November 17,000 (the paid one included); December's is tomorrow's.
    expect(eur.dso.windowSales).toBe(24000);
    expect(eur.dso.standard.value).toBe(67.1); // 17,900 ÷ 24,000 × 90
    // December: no sales, 5 days; November absorbs 17,000 in 30 days; 900 of October's 7,000 is 3.99 of its 31.
    expect(eur.dso.countback.value).toBe(39);
    expect(eur.dso.bestPossible.value).toBe(40.9); // 10,900 ÷ 24,000 × 90
    expect(eur.dso.daysDelinquent.value).toBe(26.2);
    expect(eur.stages.find((s) => s.stage === 'reminding')).toEqual({
      stage: 'reminding',
      cases: 1,
      items: 4,
      amount: 18900,
    });
    expect(eur.stages.find((s) => s.stage === 'open')).toEqual({ stage: 'open', cases: 0, items: 0, amount: 0 });
  });

  it('says why a currency without sales in the window has no standard DSO', async () => {
    const usd = (await portfolioOverview(store, '2026-12-05')).currencies[1]!;
    expect(usd.receivables).toBe(4000);
    expect(usd.aging.find((a) => a.bucket === '61_90')).toEqual({ bucket: '61_90', items: 1, amount: 4000 });
    expect(usd.dso.standard).toMatchObject({ value: null, unavailable: 'no sales in the last 90 days' });
    // September's 4,000 absorbs it: December 5 days, November 30, October 31, then all of September's 30.
    expect(usd.dso.countback.value).toBe(96);
  });

  it('never shows the open stage below 0 when a sync commits between the sums it is derived from', async () => {
    const overview = await portfolioOverview(
      {
        kpis: {
          portfolioFacts: async () => ({
            // Read before the sync paid one invoice of a reminded case…
            openItems: [{ currency: 'EUR', kind: 'invoice' as const, dueDate: '2026-11-01', items: 1, open: 500 }],
            marked: [],
            // …and the worked cases' sum read after it added another.
            stages: [{ currency: 'EUR', stage: 'reminding' as const, items: 2, open: 900 }],
            cases: [{ currency: 'EUR', stage: 'reminding' as const, cases: 1 }],
            sales: [],
          }),
        },
      },
      '2026-12-05',
    );
    expect(overview.currencies[0]!.stages[0]).toEqual({ stage: 'open', cases: 0, items: 0, amount: 0 });
  });

  it('draws the trend from the figures kept at each month’s end, and the CEI of last month from its opening and closing', async () => {
    const kept = (asOf: string, receivables: number, current: number, dso: number) => ({
      asOf,
      currency: 'EUR',
      receivables,
      current,
      overdue: receivables - current,
      dsoStandard: dso,
      dsoCountback: dso - 5,
      recordedAt: `${asOf}T20:00:00Z`,
    });
    const overview = await portfolioOverview(
      {
        kpis: {
          portfolioFacts: async () => ({
            openItems: [{ currency: 'EUR', kind: 'invoice' as const, dueDate: '2026-11-01', items: 1, open: 5000 }],
            marked: [],
            stages: [],
            cases: [],
            // November's sales: 10,890.
            sales: [{ currency: 'EUR', kind: 'invoice' as const, issueDate: '2026-11-12', total: 10_890 }],
          }),
          portfolioSnapshots: async () => [
            kept('2026-09-30', 7000, 2000, 70),
            kept('2026-10-15', 6500, 2500, 66),
            kept('2026-10-31', 6200, 3000, 62),
            kept('2026-11-30', 6340, 3590, 58),
          ],
        },
      },
      '2026-12-05',
    );
    const eur = overview.currencies[0]!;
    // The last snapshot of each month, then this month as of today.
    expect(eur.trend.map((t) => [t.period, t.dsoStandard, t.overdue])).toEqual([
      ['2026-09', 70, 5000],
      ['2026-10', 62, 3200],
      ['2026-11', 58, 2750],
      ['2026-12', eur.dso.standard.value, 5000],
    ]);
    // The reference's worked example (owl-odoo.md §4.2): (6,200 + 10,890 − 6,340) ÷ (6,200 + 10,890 − 3,590) × 100.
    expect(eur.cei).toMatchObject({ value: 79.63, period: '2026-11' });
    expect(eur.cei.formula.en).toContain('sales of the 1 months');
  });

  it('has no CEI when last month’s close was not kept on its last day, and says why', async () => {
    const overview = await portfolioOverview(
      {
        kpis: {
          portfolioFacts: async () => ({
            openItems: [{ currency: 'EUR', kind: 'invoice' as const, dueDate: '2026-11-01', items: 1, open: 5000 }],
            marked: [],
            stages: [],
            cases: [],
            sales: [],
          }),
          portfolioSnapshots: async () => [
            {
              asOf: '2026-10-31',
              currency: 'EUR',
              receivables: 1,
              current: 0,
              overdue: 1,
              dsoStandard: null,
              dsoCountback: null,
              recordedAt: 'x',
            },
            {
              asOf: '2026-11-28',
              currency: 'EUR',
              receivables: 1,
              current: 0,
              overdue: 1,
              dsoStandard: null,
              dsoCountback: null,
              recordedAt: 'x',
            },
          ],
        },
      },
      '2026-12-05',
    );
    expect(overview.currencies[0]!.cei).toMatchObject({ value: null, period: '2026-11' });
    expect(overview.currencies[0]!.cei.unavailable).toContain('last day of 2026-11');
  });
});
