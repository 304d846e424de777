import { recoveredBy, recoveryFunnel } from '../../connector/kpis/recovery';
import { portfolioOverview } from '../../connector/kpis/overview';
import type { RecoveryMonthFact } from '../../connector/store/kpi-store';

describe('recovery funnel', () => {
  it('gives each step as a share of the cases first reminded, and splits the recovered by the firm', () => {
    const funnel = recoveryFunnel({
      currency: 'EUR',
      reminded: 40,
      noticed: 12,
      escalated: 5,
      recovered: 29,
      recoveredAfterEscalation: 2,
    });
    expect(funnel.steps.map((s) => [s.step, s.cases, s.share.value])).toEqual([
      ['reminded', 40, 100],
      ['formal_notice', 12, 30],
      ['law_firm', 5, 12.5],
      ['recovered', 29, 72.5],
    ]);
    expect(funnel.recovered).toEqual({ withoutFirm: 27, afterFirm: 2 });
    expect(funnel.recoveryRate.value).toBe(72.5);
    expect(funnel.recoveryRate.formula.en).toBe(
      'cases recovered ÷ cases reminded × 100 (cases first reminded in the period)',
    );
  });

  it('has no shares when no case was reminded in the period, and says why', () => {
    const funnel = recoveryFunnel(undefined);
    expect(funnel.steps.every((s) => s.cases === 0 && s.share.value === null)).toBe(true);
    expect(funnel.recoveryRate.unavailable).toBe('no case was first reminded in the period');
  });
});

describe('recovered by', () => {
  const month = (period: string, stage: RecoveryMonthFact['stage'], amount: number): RecoveryMonthFact => ({
    period,
    currency: 'EUR',
    stage,
    amount,
    payments: 1,
  });

  it('adds the stages into channels — awaiting approval with the reminders, escalated and in procedure with the firm — month by month', () => {
    const by = recoveredBy([
      month('2026-11', 'reminding', 30_000),
      month('2026-11', 'awaiting_approval', 10_000),
      month('2026-11', 'in_procedure', 50_000),
      month('2026-10', 'escalated', 100_000),
      month('2026-10', 'open', 5_000),
      month('2026-12', 'formal_notice', 5_000),
    ]);
    expect(by.total).toBe(200_000);
    expect(Object.fromEntries(by.channels.map((c) => [c.channel, [c.amount, c.payments, c.share.value]]))).toEqual({
      before_dunning: [5_000, 1, 2.5],
      reminders: [40_000, 2, 20],
      formal_notice: [5_000, 1, 2.5],
      law_firm: [150_000, 2, 75],
      after_closing: [0, 0, 0],
    });
    expect(by.months.map((m) => [m.period, m.amounts.law_firm, m.amounts.reminders])).toEqual([
      ['2026-10', 100_000, 0],
      ['2026-11', 50_000, 40_000],
      ['2026-12', 0, 0],
    ]);
  });

  it('has no shares when nothing was recovered', () => {
    const by = recoveredBy([]);
    expect(by.total).toBe(0);
    expect(
      by.channels.every((c) => c.share.value === null && c.share.unavailable === 'nothing recovered in the period'),
    ).toBe(true);
  });
});

describe('the overview’s recovery figures', () => {
  const since = async (countingSince: string | null, asOf: string) =>
    (
      await portfolioOverview(
        {
          kpis: {
            portfolioFacts: async () => ({ openItems: [], marked: [], stages: [], cases: [], sales: [] }),
            recoveryFacts: async () => ({ funnel: [], months: [], countingSince }),
          },
        },
        asOf,
      )
    ).recovery.partial;

  it('say they leave out what came before counting began only when it began inside the window', async () => {
    expect(await since('2026-03-02T08:00:00.000Z', '2026-12-06')).toBe(true);
    expect(await since('2025-11-30T08:00:00.000Z', '2026-12-06')).toBe(false); // before the window
    expect(await since('2026-12-06T05:00:00.000Z', '2026-04-16')).toBe(false); // a business clock behind the store
    expect(await since(null, '2026-12-06')).toBe(false);
  });

  it('ask the store for the last twelve calendar months, and list a currency that only has recoveries', async () => {
    const asked: { from: string; to: string }[] = [];
    const overview = await portfolioOverview(
      {
        kpis: {
          portfolioFacts: async () => ({ openItems: [], marked: [], stages: [], cases: [], sales: [] }),
          recoveryFacts: async (range) => {
            asked.push(range);
            return {
              funnel: [
                { currency: 'CHF', reminded: 4, noticed: 1, escalated: 1, recovered: 2, recoveredAfterEscalation: 1 },
              ],
              months: [{ period: '2026-06', currency: 'CHF', stage: 'in_procedure', amount: 9_900, payments: 1 }],
              countingSince: '2026-03-02T08:00:00.000Z',
            };
          },
        },
      },
      '2026-12-06',
    );
    expect(asked).toEqual([{ from: '2026-01-01', to: '2026-12-06' }]);
    expect(overview.recovery).toMatchObject({
      from: '2026-01-01',
      to: '2026-12-06',
      countingSince: '2026-03-02T08:00:00.000Z',
      partial: true,
    });
    const chf = overview.currencies.find((c) => c.currency === 'CHF')!;
    expect(chf.funnel.recovered).toEqual({ withoutFirm: 1, afterFirm: 1 });
    expect(chf.recoveredBy.channels.find((c) => c.channel === 'law_firm')!.amount).toBe(9_900);
  });
});
