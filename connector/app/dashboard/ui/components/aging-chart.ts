import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import { onMounted, onWillUnmount, useRef } from '@odoo/owl';
import type { AgingRow } from '../api-types';
import { formatMoney, minorDigits, t } from '../i18n';
import { bucketLabel } from '../labels';
import { Screen } from './screen';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

/**
 * The aging buckets as bars. The canvas is a picture of the table beside it, which holds the
 * figures for screen readers and keyboards; Chart.js sizes the canvas through its style property
 * (CSSOM), which the CSP allows. Where the canvas has no 2D context (no browser), nothing is drawn.
 */
export class AgingChart extends Screen<{ aging: AgingRow[]; currency: string }> {
  static override template = 'recouvra.AgingChart';
  static override props = { aging: Array, currency: String };

  canvas = useRef('canvas');
  private chart: Chart | undefined;

  override setup(): void {
    onMounted(() => this.draw());
    onWillUnmount(() => this.chart?.destroy());
  }

  get description(): string {
    return `${t('Aging of open invoices by days past due')} (${this.props.currency})`;
  }

  private draw(): void {
    const canvas = this.canvas.el as HTMLCanvasElement | null;
    if (!canvas || typeof canvas.getContext !== 'function') return;
    let context: CanvasRenderingContext2D | null;
    try {
      context = canvas.getContext('2d');
    } catch {
      return;
    }
    if (!context) return;
    const { aging, currency } = this.props;
    const scale = 10 ** minorDigits(currency);
    this.chart = new Chart(context, {
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
        scales: { y: { beginAtZero: true, ticks: { color: '#333333' } }, x: { ticks: { color: '#333333' } } },
      },
    });
  }
}
