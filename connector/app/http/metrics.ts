import { Counter, Gauge, Registry } from 'prom-client';
import { JOB_NAMES, type JobQueue, type JobStatus } from '../../jobs/job-queue';
import type { SyncSummary } from '../../sync/sync-connection';
import type { Clock } from '../../time/clock';
import type { PortfolioOverview } from '../../kpis/overview';
import type { ConnectionAuthorization } from '../connection-authorizations';
import type { MonthlyReads } from '../erp-read-meter';

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
  /**
   * What this process has seen of each connection's syncs (GET /connections, the health screen):
   * the last one that finished without error, the last error since, and the ERP calls counted.
   */
  syncStates(): Map<string, SyncState>;
}

export interface SyncState {
  /** ISO instant of the last sync without error; null when none has finished since the start. */
  lastSuccessAt: string | null;
  /** Seconds since then, by the daemon's clock; null without one. */
  lagSeconds: number | null;
  /** The error of the last sync, when it stopped on one. */
  lastError: { code: string; message: string; at: string } | null;
  /**
   * ERP calls of the syncs since the start: reads (metered by QuickBooks), writes, refused for
   * rate; null for an adapter that does not count them.
   */
  calls: { reads: number; writes: number; throttled: number } | null;
}

export interface MetricsOptions {
  clock: Clock;
  /** Read at scrape time for `recouvra_queue_jobs`; without it the gauge has no samples. */
  queue?: JobQueue;
  /** Read at scrape time for `recouvra_authorization_days_left`; without it the gauge has no samples. */
  authorizations?: () => Promise<ConnectionAuthorization[]>;
  /**
   * The portfolio overview (connector/kpis/overview.ts) for the KPI gauges, read at most once per
   * scrape and kept PORTFOLIO_TTL_MS; without it those gauges have no samples.
   */
  portfolio?: () => Promise<PortfolioOverview>;
  /**
   * Each metered connection's reads this month and its allowance (connector/app/erp-read-meter.ts),
   * read at scrape time for `recouvra_erp_monthly_reads`; without it those gauges have no samples.
   */
  monthlyReads?: () => Promise<Map<string, MonthlyReads>>;
}

/** The gauges of one scrape share one read (ms). */
const SCRAPE_TTL_MS = 1_000;

/** One overview serves the scrapes of a minute: it reads every open item, and KPIs move daily. */
export const PORTFOLIO_TTL_MS = 60_000;

export function createMetrics(options: MetricsOptions): Metrics {
  const { clock, queue, authorizations } = options;
  const registry = new Registry();
  const registers = [registry];
  const lastSuccess = new Map<string, number>();
  const states = new Map<string, { lastError: SyncState['lastError']; calls: SyncState['calls'] }>();

  const errors = new Counter({
    name: 'recouvra_errors_total',
    help: 'Errors by stable code (sync errors, failed evaluations, internal API errors).',
    labelNames: ['code'] as const,
    registers,
  });
  // A failed read is counted once, not once per gauge that reads it.
  const portfolio = options.portfolio
    ? memoized(options.portfolio, PORTFOLIO_TTL_MS, () => errors.inc({ code: 'METRICS_PORTFOLIO_UNREADABLE' }))
    : undefined;
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

  registerMonthlyReadGauges(registers, options.monthlyReads, () =>
    errors.inc({ code: 'METRICS_MONTHLY_READS_UNREADABLE' }),
  );
  registerPortfolioGauges(registers, portfolio);

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
      const state = states.get(connection) ?? { lastError: null, calls: null };
      if (summary.erpCalls) {
        const calls = (state.calls ??= { reads: 0, writes: 0, throttled: 0 });
        calls.reads += summary.erpCalls.reads;
        calls.writes += summary.erpCalls.writes;
        calls.throttled += summary.erpCalls.throttled;
      }
      state.lastError = summary.error
        ? { code: summary.error.code, message: summary.error.message, at: clock.now().toISOString() }
        : null;
      states.set(connection, state);
    },
    syncStates() {
      const now = clock.now().getTime();
      const out = new Map<string, SyncState>();
      for (const connection of new Set([...lastSuccess.keys(), ...states.keys()])) {
        const at = lastSuccess.get(connection);
        const state = states.get(connection);
        out.set(connection, {
          lastSuccessAt: at === undefined ? null : new Date(at).toISOString(),
          lagSeconds: at === undefined ? null : Math.max(0, Math.round((now - at) / 1000)),
          lastError: state?.lastError ?? null,
          calls: state?.calls ? { ...state.calls } : null,
        });
      }
      return out;
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

/**
 * `read` called at most once per `ttlMs` (by wall time: a scrape interval is real time); a failed
 * read is reported to `onFailure` once and not kept, so the next scrape reads again.
 */
function memoized<T>(read: () => Promise<T>, ttlMs: number, onFailure: () => void): () => Promise<T> {
  let kept: { at: number; value: Promise<T> } | undefined;
  return () => {
    const now = Date.now();
    if (kept && now - kept.at < ttlMs) return kept.value;
    const value = read();
    kept = { at: now, value };
    value.catch(() => {
      onFailure();
      if (kept?.value === value) kept = undefined;
    });
    return value;
  };
}

/**
 * Reads made this calendar month (UTC) to each connection whose provider meters them, and the
 * allowance beyond which it refuses them until the next month (QuickBooks: erp-apis.md §2.9).
 * Both read from one answer per scrape.
 */
function registerMonthlyReadGauges(
  registers: Registry[],
  monthlyReads: (() => Promise<Map<string, MonthlyReads>>) | undefined,
  onFailure: () => void,
): void {
  // One read of the store serves both gauges of a scrape; a failed read is counted once.
  const read = monthlyReads ? memoized(monthlyReads, SCRAPE_TTL_MS, onFailure) : undefined;
  const gauge = (name: string, help: string, valueOf: (r: MonthlyReads) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['connection'] as const,
      registers,
      async collect() {
        this.reset();
        if (!read) return;
        try {
          for (const [connection, reads] of await read()) this.set({ connection }, valueOf(reads));
        } catch {
          // The store did not answer: no samples rather than a failed scrape.
          this.reset();
        }
      },
    });
  gauge(
    'recouvra_erp_monthly_reads',
    'Read calls made this calendar month (UTC) to a connection whose provider meters them (QuickBooks CorePlus calls), all workers of the store together.',
    (r) => r.used,
  );
  gauge(
    'recouvra_erp_monthly_read_allowance',
    'Read calls a connection may make per calendar month before its provider refuses them until the next month (QuickBooks: 500000 on the Builder tier, or monthlyReadAllowance).',
    (r) => r.allowance,
  );
}

/**
 * The overview's figures as gauges, per currency (amounts in its minor units, as everywhere in
 * Recouvra): open and overdue amounts, aging buckets, DSO by method, cases and amounts by stage.
 * A KPI without a value (no sales in the window) has no sample rather than a misleading 0.
 */
function registerPortfolioGauges(
  registers: Registry[],
  portfolio: (() => Promise<PortfolioOverview>) | undefined,
): void {
  // Every gauge asks `portfolio`, which is memoized: one scrape reads one overview.
  const gauge = (name: string, help: string, labelNames: string[], fill: (g: Gauge, o: PortfolioOverview) => void) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers,
      async collect() {
        this.reset();
        if (!portfolio) return;
        try {
          fill(this, await portfolio());
        } catch {
          // The store did not answer: no samples rather than a failed scrape (counted by `portfolio`).
          this.reset();
        }
      },
    });
  gauge(
    'recouvra_receivables_open_minor',
    'Open invoices less open credit notes, in minor units of the currency (the overview, as of the business date).',
    ['currency'],
    (g, o) => o.currencies.forEach((c) => g.set({ currency: c.currency }, c.receivables)),
  );
  gauge(
    'recouvra_receivables_overdue_minor',
    'Open invoices past their due date, in minor units of the currency.',
    ['currency'],
    (g, o) => o.currencies.forEach((c) => g.set({ currency: c.currency }, c.overdue)),
  );
  gauge(
    'recouvra_receivables_aging_minor',
    'Open invoices by days past due (not_due, 1_30, 31_60, 61_90, over_90), in minor units of the currency.',
    ['currency', 'bucket'],
    (g, o) =>
      o.currencies.forEach((c) => c.aging.forEach((a) => g.set({ currency: c.currency, bucket: a.bucket }, a.amount))),
  );
  gauge(
    'recouvra_dso_days',
    'Days sales outstanding by method: standard (open ÷ sales of the last 90 days × 90), countback, best_possible; no sample when there were no sales.',
    ['currency', 'method'],
    (g, o) =>
      o.currencies.forEach((c) => {
        const methods = { standard: c.dso.standard, countback: c.dso.countback, best_possible: c.dso.bestPossible };
        for (const [method, kpi] of Object.entries(methods))
          if (kpi.value !== null) g.set({ currency: c.currency, method }, kpi.value);
      }),
  );
  gauge('recouvra_cases', 'Cases not closed, by currency and stage.', ['currency', 'stage'], (g, o) =>
    o.currencies.forEach((c) => c.stages.forEach((s) => g.set({ currency: c.currency, stage: s.stage }, s.cases))),
  );
  gauge(
    'recouvra_cases_open_minor',
    'Open invoices of the cases at each stage, in minor units of the currency.',
    ['currency', 'stage'],
    (g, o) =>
      o.currencies.forEach((c) => c.stages.forEach((s) => g.set({ currency: c.currency, stage: s.stage }, s.amount))),
  );
  gauge(
    'recouvra_recovery_funnel_cases',
    'Cases first reminded in the last 12 calendar months, by the steps they reached (reminded, formal_notice, law_firm, recovered).',
    ['currency', 'step'],
    (g, o) =>
      o.currencies.forEach((c) =>
        c.funnel.steps.forEach((s) => g.set({ currency: c.currency, step: s.step }, s.cases)),
      ),
  );
  gauge(
    'recouvra_recovered_minor',
    'Amounts the ledger took off invoices in the last 12 calendar months, by the stage of their case then (before_dunning, reminders, formal_notice, law_firm, after_closing), in minor units.',
    ['currency', 'channel'],
    (g, o) =>
      o.currencies.forEach((c) =>
        c.recoveredBy.channels.forEach((r) => g.set({ currency: c.currency, channel: r.channel }, r.amount)),
      ),
  );
}
