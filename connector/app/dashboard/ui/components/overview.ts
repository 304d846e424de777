import { onWillStart, useState } from '@odoo/owl';
import { describeError } from '../api';
import type { CurrencyOverview, Kpi, PortfolioOverview } from '../api-types';
import { formatNumber, formatPercent, pick, t } from '../i18n';
import { AgingChart } from './aging-chart';
import { RecoveredChart } from './recovered-chart';
import { Screen } from './screen';

/**
 * The overview (GET /api/kpis): per currency, open and overdue amounts, aging, DSO by both
 * methods with their formulas, the recovery pipeline by stage, the DSO trend and CEI, the
 * recovery funnel and who recovered the money. A section appears when the answer carries it.
 */
export class Overview extends Screen {
  static override template = 'recouvra.Overview';
  static components = { AgingChart, RecoveredChart };

  state = useState({ loading: true, error: '', data: null as PortfolioOverview | null });

  override setup(): void {
    onWillStart(() => this.load());
  }

  async load(): Promise<void> {
    this.state.loading = true;
    this.state.error = '';
    try {
      this.state.data = await this.env.api.get<PortfolioOverview>('/kpis');
    } catch (error) {
      this.state.error = describeError(error);
    } finally {
      this.state.loading = false;
    }
  }

  /** A KPI's value in days, or why there is none. */
  days(kpi: Kpi): string {
    if (kpi.value === null) return `${t('not available')}${kpi.unavailable ? ` (${kpi.unavailable})` : ''}`;
    return `${formatNumber(kpi.value, 1)} ${t('days')}`;
  }

  percent(kpi: Kpi): string {
    if (kpi.value === null) return `${t('not available')}${kpi.unavailable ? ` (${kpi.unavailable})` : ''}`;
    return formatPercent(kpi.value);
  }

  formula(kpi: Kpi): string {
    return pick(kpi.formula);
  }

  hasStages(c: CurrencyOverview): boolean {
    return c.stages.some((s) => s.cases > 0 || s.amount > 0);
  }
}
