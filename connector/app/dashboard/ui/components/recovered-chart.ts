import type { ChartConfiguration } from 'chart.js';
import type { RecoveredBy } from '../api-types';
import { formatMoney, minorDigits, t } from '../i18n';
import { channelLabel } from '../labels';
import { CanvasChart, TICKS } from './canvas-chart';

/** One colour per channel, each with at least 4.5:1 against white (the legend's text is dark). */
const COLOURS: Record<string, string> = {
  before_dunning: '#5a6470',
  reminders: '#2f6f4f',
  formal_notice: '#8a6d00',
  law_firm: '#7a1f3d',
  after_closing: '#3d4f8a',
};

/**
 * The amounts recovered month by month, stacked by channel: reminders against the law firm at a
 * glance, a picture of the table beside it.
 */
export class RecoveredChart extends CanvasChart<{ recovered: RecoveredBy; currency: string }> {
  static override template = 'recouvra.RecoveredChart';
  static override props = { recovered: Object, currency: String };

  get description(): string {
    return `${t('Amounts recovered each month, by who recovered them')} (${this.props.currency})`;
  }

  protected chart(): ChartConfiguration<'bar'> {
    const { recovered, currency } = this.props;
    const scale = 10 ** minorDigits(currency);
    const used = recovered.channels.filter((c) => c.amount > 0).map((c) => c.channel);
    return {
      type: 'bar',
      data: {
        labels: recovered.months.map((m) => m.period),
        datasets: used.map((channel) => ({
          label: channelLabel(channel),
          data: recovered.months.map((m) => (m.amounts[channel] ?? 0) / scale),
          backgroundColor: COLOURS[channel] ?? '#333333',
        })),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: {
          legend: { display: true, labels: TICKS },
          tooltip: {
            callbacks: {
              label: (item) =>
                `${item.dataset.label ?? ''}: ${formatMoney(Math.round((item.parsed.y ?? 0) * scale), currency)}`,
            },
          },
        },
        scales: { x: { stacked: true, ticks: TICKS }, y: { stacked: true, beginAtZero: true, ticks: TICKS } },
      },
    };
  }
}
