import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import type { ChartConfiguration } from 'chart.js';
import { onMounted, onWillUnmount, useRef } from '@odoo/owl';
import { Screen } from './screen';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

/**
 * A bar chart drawn on a canvas, a picture of the table beside it (which holds the figures for
 * screen readers and keyboards). Chart.js sizes the canvas through its style property (CSSOM),
 * which the CSP allows. Where the canvas has no 2D context (no browser), nothing is drawn.
 * A chart says what it pictures (`description`, the canvas's label) and how (`chart()`).
 */
export abstract class CanvasChart<Props> extends Screen<Props> {
  canvas = useRef('canvas');
  private drawn: Chart | undefined;

  override setup(): void {
    onMounted(() => this.draw());
    onWillUnmount(() => this.drawn?.destroy());
  }

  abstract get description(): string;

  protected abstract chart(): ChartConfiguration<'bar'>;

  private draw(): void {
    const canvas = this.canvas.el as HTMLCanvasElement | null;
    if (!canvas || typeof canvas.getContext !== 'function') return;
    let context: CanvasRenderingContext2D | null;
    try {
      context = canvas.getContext('2d');
    } catch {
      return;
    }
    if (context) this.drawn = new Chart(context, this.chart());
  }
}

/** The ticks' colour: dark grey on white, 12.6:1. */
export const TICKS = { color: '#333333' };
