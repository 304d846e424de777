import type { ChartConfiguration } from 'chart.js';
import type { AgingRow } from '../api-types';
import { formatMoney, minorDigits, t } from '../i18n';
import { bucketLabel } from '../labels';
import { CanvasChart, TICKS } from './canvas-chart';

/** The aging buckets as bars, a picture of the aging table beside it. */
export class AgingChart extends CanvasChart<{ aging: AgingRow[]; currency: string }> {
  static override template = 'recouvra.AgingChart';
  static override props = { aging: Array, currency: String };

  get description(): string {
    return `${t('Aging of open invoices by days past due')} (${this.props.currency})`;
  }

  protected chart(): ChartConfiguration<'bar'> {
    const { aging, currency } = this.props;
    const scale = 10 ** minorDigits(currency);
    return {
      type: 'bar',
      data: {
        labels: aging.map((row) => bucketLabel(row.bucket)),
        datasets: [
          {
            label: t('Open amount'),
            data: aging.map((row) => row.amount / scale),
            backgroundColor: ['#2f6f4f', '#8a6d00', '#b35900', '#a33a1f', '#7a1f3d'],
          },
        ],
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: { label: (item) => formatMoney(aging[item.dataIndex]?.amount ?? 0, currency) },
          },
        },
        scales: { y: { beginAtZero: true, ticks: TICKS }, x: { ticks: TICKS } },
      },
    };
  }
}
