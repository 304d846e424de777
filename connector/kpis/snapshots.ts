import type { KpiStore } from '../store/kpi-store';
import type { IsoDate } from '../time/calendar-date';
import { portfolioOverview } from './overview';

/**
 * Keeps the overview's figures of the day, per currency: the DSO trend and the CEI read the
 * figures kept at each month's end (overview.ts). The daemon keeps them after each evaluation, so
 * the day's last evaluation is the one kept; a day without the daemon running has none, and a
 * month whose last day has none shows no CEI rather than one computed on an earlier day.
 */
export async function recordPortfolioSnapshot(
  store: { kpis: Pick<KpiStore, 'portfolioFacts' | 'savePortfolioSnapshots'> },
  asOf: IsoDate,
  at: Date,
): Promise<number> {
  const overview = await portfolioOverview(store, asOf);
  const rows = overview.currencies.map((c) => ({
    asOf,
    currency: c.currency,
    receivables: c.receivables,
    current: c.current,
    overdue: c.overdue,
    dsoStandard: c.dso.standard.value,
    dsoCountback: c.dso.countback.value,
    recordedAt: at.toISOString(),
  }));
  await store.kpis.savePortfolioSnapshots(rows);
  return rows.length;
}
