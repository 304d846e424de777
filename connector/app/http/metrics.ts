import { Counter, Gauge, Registry } from 'prom-client';
import { JOB_NAMES, type JobQueue, type JobStatus } from '../../jobs/job-queue';
import type { SyncSummary } from '../../sync/sync-connection';
import type { Clock } from '../../time/clock';
import type { ConnectionAuthorization } from '../connection-authorizations';

/**
 * The daemon's Prometheus metrics, in a registry of their own (never prom-client's global one,
 * so that two daemons in one process, or tests, do not share counters). The daemon reports
 * through `observe…`; the API serves `render()` at GET /metrics. Labels take only bounded
 * values (connection ids, action kinds, job names, error codes): never a debtor or an invoice.
 */

export type ActionOutcome = 'done' | 'retried' | 'failed';

const JOB_STATUSES: readonly JobStatus[] = ['waiting', 'delayed', 'active', 'completed', 'failed'];

export interface Metrics {
  readonly registry: Registry;
  /**
   * After every sync of a connection: counts its new, changed, closed and quarantined
   * receivables; a sync without error sets the connection's last success to now (the lag gauge);
   * a sync that stopped on an error counts that error's code in `recouvra_errors_total`, so the
   * caller does not report it again.
   */
  observeSync(summary: SyncSummary): void;
  /** After an attempt at an outbox row: `kind` is the action's kind (email, letter, ledger_note…). */
  observeAction(kind: string, outcome: ActionOutcome, count?: number): void;
  /** A procedure event from the law firm was applied (`state`: the closed set, indeterminate included). */
  observeProcedureEvent(state: string): void;
  /** A delivery reached a new status at its provider (`channel`: sms, letter, registered_letter). */
  observeDelivery(channel: string, status: string): void;
  /** Any other error worth counting, by its stable code (e.g. an evaluation that failed). */
  observeError(code: string): void;
  /** The exposition text and its content type. */
  render(): Promise<{ contentType: string; body: string }>;
}

export interface MetricsOptions {
  clock: Clock;
  /** Read at scrape time for `recouvra_queue_jobs`; without it the gauge has no samples. */
  queue?: JobQueue;
  /** Read at scrape time for `recouvra_authorization_days_left`; without it the gauge has no samples. */
  authorizations?: () => Promise<ConnectionAuthorization[]>;
}

export function createMetrics(options: MetricsOptions): Metrics {
  const { clock, queue, authorizations } = options;
  const registry = new Registry();
  const registers = [registry];
  const lastSuccess = new Map<string, number>();

  const errors = new Counter({
    name: 'recouvra_errors_total',
    help: 'Errors by stable code (sync errors, failed evaluations, internal API errors).',
    labelNames: ['code'] as const,
    registers,
  });
  const erpCalls = new Counter({
    name: 'recouvra_erp_calls_total',
    help: 'Calls made to an ERP by syncs, by connection and kind (read: metered by QuickBooks; write; throttled), where its adapter counts them.',
    labelNames: ['connection', 'kind'] as const,
    registers,
  });
  const syncRecords = new Counter({
    name: 'recouvra_sync_records_total',
    help: 'Receivables a sync found new, changed or closed, and raw records it quarantined, by connection.',
    labelNames: ['connection', 'outcome'] as const,
    registers,
  });
  new Gauge({
    name: 'recouvra_sync_lag_seconds',
    help: 'Seconds since the last sync of the connection that finished without error (in this process).',
    labelNames: ['connection'] as const,
    registers,
    collect() {
      const now = clock.now().getTime();
      for (const [connection, at] of lastSuccess) this.set({ connection }, Math.max(0, (now - at) / 1000));
    },
  });
  const actions = new Counter({
    name: 'recouvra_actions_total',
    help: 'Attempts at outbox rows, by action kind and outcome (done, retried, failed).',
    labelNames: ['channel', 'outcome'] as const,
    registers,
  });
  const procedureEvents = new Counter({
    name: 'recouvra_procedure_events_total',
    help: 'Procedure events from the law firm applied, by procedure state (indeterminate: a status we do not know).',
    labelNames: ['state'] as const,
    registers,
  });
  const deliveries = new Counter({
    name: 'recouvra_deliveries_total',
    help: 'Statuses reached at the provider by SMS and letters the outbox handed over (delivered, returned, failed…), by channel.',
    labelNames: ['channel', 'status'] as const,
    registers,
  });
  new Gauge({
    name: 'recouvra_queue_jobs',
    help: 'Jobs in the queue by name and status, read when scraped.',
    labelNames: ['name', 'status'] as const,
    registers,
    async collect() {
      this.reset();
      if (!queue) return;
      try {
        for (const name of JOB_NAMES) {
          const counts = await queue.counts(name);
          for (const status of JOB_STATUSES) this.set({ name, status }, counts[status]);
        }
      } catch {
        // A queue that cannot be read (its store closed, Redis down) leaves the gauge empty
        // rather than failing the whole scrape; /ready reports the store itself.
        this.reset();
        errors.inc({ code: 'METRICS_QUEUE_UNREADABLE' });
      }
    },
  });

  new Gauge({
    name: 'recouvra_authorization_days_left',
    help: 'Days (fractional) until the OAuth authorization of the connection ends for good, read when scraped; 0 once it must be given again (ended, refused by the provider, never given); warned at 30 and 7 days.',
    labelNames: ['connection'] as const,
    registers,
    async collect() {
      this.reset();
      if (!authorizations) return;
      try {
        const now = clock.now().getTime();
        for (const { id, authorization } of await authorizations()) {
          if (authorization === null) continue;
          const ended = authorization.state === 'reconnect';
          if (authorization.endsAt === undefined && !ended) continue;
          const left = ended ? 0 : Math.max(0, (Date.parse(authorization.endsAt!) - now) / 86_400_000);
          this.set({ connection: id }, left);
        }
      } catch {
        // The store did not answer: no samples rather than a failed scrape (/ready reports the store).
        this.reset();
        errors.inc({ code: 'METRICS_AUTHORIZATIONS_UNREADABLE' });
      }
    },
  });

  return {
    registry,
    observeSync(summary) {
      const connection = summary.connection;
      for (const outcome of ['new', 'changed', 'closed', 'quarantined'] as const)
        syncRecords.inc({ connection, outcome }, summary[outcome]);
      if (summary.erpCalls)
        for (const [key, kind] of [
          ['reads', 'read'],
          ['writes', 'write'],
          ['throttled', 'throttled'],
        ] as const)
          erpCalls.inc({ connection, kind }, summary.erpCalls[key]);
      if (summary.error) errors.inc({ code: summary.error.code });
      else lastSuccess.set(connection, clock.now().getTime());
    },
    observeAction(kind, outcome, count = 1) {
      actions.inc({ channel: kind, outcome }, count);
    },
    observeProcedureEvent(state) {
      procedureEvents.inc({ state });
    },
    observeDelivery(channel, status) {
      deliveries.inc({ channel, status });
    },
    observeError(code) {
      errors.inc({ code });
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
