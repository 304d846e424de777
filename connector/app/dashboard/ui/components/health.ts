import { onWillStart, useState } from '@odoo/owl';
import { ApiError, describeError } from '../api';
import type { ConnectionView, FailedJob, LawFirmView, MonthlyReads, QuarantinedRecord, RateStatus } from '../api-types';
import { Screen } from './screen';

/**
 * The connector's own state: the connections and their authorizations (with the command that
 * reconnects a company) and, for QuickBooks, the month's reads against Intuit's allowance; the
 * law firm's link; the records the mappings quarantined, the failed jobs, and the legal-rate
 * warning. Each part loads on its own; a daemon without a job queue or without legal
 * data says so for that part only.
 */

interface Part<T> {
  loading: boolean;
  error: string;
  data: T | null;
}

const part = <T>(): Part<T> => ({ loading: true, error: '', data: null });

/** From this share of the month's read allowance the screen warns (connector/app/erp-read-meter.ts). */
const READS_WARNING_SHARE = 0.8;

export class Health extends Screen {
  static override template = 'recouvra.Health';

  connections = useState(part<ConnectionView[]>());
  quarantine = useState(part<QuarantinedRecord[]>());
  jobs = useState(part<FailedJob[]>());
  legal = useState(part<RateStatus>());
  lawfirm = useState(part<LawFirmView>());

  override setup(): void {
    onWillStart(() =>
      Promise.all([
        this.fill(
          this.connections,
          async () => (await this.env.api.get<{ connections: ConnectionView[] }>('/connections')).connections,
        ),
        this.fill(
          this.quarantine,
          async () => (await this.env.api.get<{ records: QuarantinedRecord[] }>('/quarantine')).records,
        ),
        this.fill(this.jobs, async () => (await this.env.api.get<{ jobs: FailedJob[] }>('/jobs/failed')).jobs),
        this.fill(this.legal, () => this.env.api.get<RateStatus>('/legal/status')),
        this.fill(this.lawfirm, () => this.env.api.get<LawFirmView>('/lawfirm')),
      ]).then(() => undefined),
    );
  }

  private async fill<T>(target: Part<T>, read: () => Promise<T>): Promise<void> {
    try {
      target.data = await read();
    } catch (error) {
      // 503 NO_QUEUE, NO_LEGAL_DATA: this daemon runs without that part; its message says so.
      target.error = error instanceof ApiError && error.status === 503 ? error.message : describeError(error);
    } finally {
      target.loading = false;
    }
  }

  /** The command the authorization's message names between back quotes, e.g. `recouvra connections connect qbo-fr`. */
  commandOf(connection: ConnectionView): string {
    return /`([^`]+)`/.exec(connection.authorization?.message ?? '')?.[1] ?? '';
  }

  /** Whole minutes since the last sync without error. */
  minutesAgo(seconds: number | null): number {
    return Math.round((seconds ?? 0) / 60);
  }

  /** `blocked` once the allowance is spent (Intuit refuses reads until next month), `warning` from 80 %. */
  readsLevel(reads: MonthlyReads): 'blocked' | 'warning' | 'ok' {
    if (reads.used >= reads.allowance) return 'blocked';
    return reads.share >= READS_WARNING_SHARE ? 'warning' : 'ok';
  }

  needsAction(connection: ConnectionView): boolean {
    const state = connection.authorization?.state;
    return state === 'reconnect' || state === 'expiring' || state === 'unreadable';
  }
}
