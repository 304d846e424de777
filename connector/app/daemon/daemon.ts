import type { Config } from '../../../config/config.schema';
import type { PostalProvider } from '../../ports/postal';
import type { SmsProvider } from '../../ports/sms';
import type { Policy } from '../../../config/policy.schema';
import type { JobName, JobOptions, JobQueue, RunningJob } from '../../jobs/job-queue';
import { RateLimitedError, UnrecoverableJobError } from '../../jobs/job-queue';
import type { Metrics } from '../http/metrics';
import type { Logger } from '../../log/logger';
import type { ActionKind } from '../../model/action.schema';
import type { LawFirmLink } from '../../lawfirm/link';
import { pendingPaymentReports } from '../../lawfirm/dossier-performer';
import { AdapterError } from '../../ports/adapter-error';
import { trackDeliveries } from '../../outbox/delivery-tracking';
import { dispatchActions, type Performer } from '../../outbox/dispatch';
import { decide, policyFor } from '../../policy/decide';
import type { EvaluationContext } from '../../policy/evaluate';
import { recordPortfolioSnapshot } from '../../kpis/snapshots';
import type { Store } from '../../store/store';
import type { ConnectionAdapter } from '../../sync/connections';
import { engineSettings } from '../../sync/connection-base.schema';
import { decideSyncRetry, SYNC_JOB_RETRY } from '../../sync/retry-policy';
import { syncConnection, type SyncSummary } from '../../sync/sync-connection';
import { businessDate, type Clock } from '../../time/clock';
import { startCronScheduler, startSimulatedScheduler, type ScheduleEntry, type Scheduler } from './scheduler';

/**
 * The daemon: schedules enqueue jobs; jobs sync connections, evaluate cases and dispatch the
 * outbox. Everything it does is a job with a deterministic id, so several daemons sharing one
 * store (or one Redis) do each piece of work once. It holds no state of its own: a restart
 * after a crash picks up from the store.
 */

export interface DaemonParts {
  config: Config;
  store: Store;
  queue: JobQueue;
  clock: Clock;
  logger: Logger;
  /** The adapter of each configured connection, long-lived (it remembers what it learnt of its server). */
  connections: ReadonlyMap<string, ConnectionAdapter>;
  policies: ReadonlyMap<string, Policy>;
  context: EvaluationContext;
  /** One performer per action kind the daemon can perform; rows of other kinds wait. */
  performers: Partial<Record<ActionKind, Performer>>;
  /** Where sync, action and error figures go (Prometheus). */
  metrics?: Metrics;
  /** Demo: tick on the (faster) clock instead of cron. */
  simulatedSchedule?: {
    syncSeconds: number;
    /** Connections synced on their own interval (the demo's QuickBooks company, bound by Intuit's real-time request limit). */
    syncSecondsOf?: Readonly<Record<string, number>>;
    evaluateSeconds: number;
    outboxSeconds: number;
    reconcileSeconds: number;
    trackSeconds: number;
    lawfirmSeconds?: number;
  };
  /** The providers asked what became of the SMS and letters they accepted (the `track` job); absent ones are not asked. */
  tracking?: { sms?: SmsProvider; postal?: PostalProvider };
  /** The law-firm partner: its events are polled by the `lawfirm` job (the webhook brings them sooner). */
  lawfirm?: { link: LawFirmLink; pollCron: string };
}

export interface EvaluationRun {
  cases: number;
  decided: number;
  errors: number;
}

/** Sync and reconciliation jobs are retried by the queue with the sync's backoff (retry-policy.ts); other jobs keep the queue's defaults. */
function retryOf(name: JobName): Pick<JobOptions, 'attempts' | 'backoffMs'> {
  return name === 'sync' || name === 'reconcile' ? { ...SYNC_JOB_RETRY } : {};
}

/** Cases evaluated between two pauses that let timers, signals and requests in. */
const EVALUATE_YIELD_EVERY = 200;

export class Daemon {
  private scheduler: Scheduler | undefined;
  private stopping: Promise<void> | undefined;
  private startRound: Promise<void> | undefined;

  constructor(private readonly parts: DaemonParts) {}

  /** Registers the job handlers (this process works) and starts the schedules (this process enqueues). */
  /** `startRound: false`: no sync and evaluation at once (a benchmark that decides by itself). */
  start(options: { schedule?: boolean; work?: boolean; startRound?: boolean } = {}): void {
    const { queue } = this.parts;
    if (options.work !== false) {
      queue.process('sync', (job) => this.syncThenEvaluate(job));
      queue.process('reconcile', (job) => this.sync(job, 'full'));
      queue.process('evaluate', async () => {
        await this.evaluate();
      });
      queue.process('outbox', () => this.dispatch());
      queue.process('track', () => this.track());
      queue.process('lawfirm', () => this.pollLawFirm());
    }
    if (options.schedule !== false) {
      this.scheduler = this.startSchedules();
      // The demo's schedules tick at once on their own; cron ones wait for their first tick.
      if (!this.parts.simulatedSchedule && options.startRound !== false) this.startRound = this.enqueueStartRound();
    }
  }

  /** Stops the schedules, then lets running jobs finish (the queue drains), then closes adapters. Called again, it waits for the same stop. */
  stop(): Promise<void> {
    this.stopping ??= this.stopOnce();
    return this.stopping;
  }

  private async stopOnce(): Promise<void> {
    this.scheduler?.stop();
    await this.startRound;
    await this.parts.queue.close();
    for (const { adapter } of this.parts.connections.values()) await adapter.close().catch(() => undefined);
  }

  /**
   * What a start does at once rather than at the first tick, which may be an hour away: a sync of
   * every connection, each followed by an evaluation of what it brought (one evaluation at once
   * when there is no connection). Named after the start's instant, so daemons started together
   * enqueue one each.
   */
  private async enqueueStartRound(): Promise<void> {
    const { queue, clock, logger } = this.parts;
    const at = clock.now().toISOString();
    try {
      for (const id of this.parts.connections.keys())
        await queue.enqueue(
          'sync',
          { connection: id, then: 'evaluate' },
          { jobId: `sync/${id}/start/${at}`, ...retryOf('sync') },
        );
      if (this.parts.connections.size === 0) await queue.enqueue('evaluate', {}, { jobId: `evaluate/start/${at}` });
    } catch (e) {
      // The schedules go on: their ticks enqueue the same work later.
      logger.error(`start: could not enqueue the first sync and evaluation: ${(e as Error).message}`);
    }
  }

  private async syncThenEvaluate(job: RunningJob): Promise<void> {
    try {
      await this.sync(job, 'auto');
    } finally {
      // Once, whatever the sync's outcome: what is in the store is evaluated, the rest at the next tick.
      if (job.data['then'] === 'evaluate') {
        await this.parts.queue
          .enqueue('evaluate', {}, { jobId: `evaluate/after/${job.id}` })
          .catch((e: unknown) =>
            this.parts.logger.error(`could not enqueue the evaluation after ${job.id}: ${(e as Error).message}`),
          );
      }
    }
  }

  /** Enqueues a job now (the API's "sync now", tests). */
  enqueue(name: JobName, data: Record<string, string>, key: string): Promise<{ added: boolean }> {
    return this.parts.queue.enqueue(name, data, { jobId: `${name}/${key}`, ...retryOf(name) });
  }

  private startSchedules(): Scheduler {
    const { config, logger, clock } = this.parts;
    const d = config.daemon;
    const demo = this.parts.simulatedSchedule;
    const entries: ScheduleEntry[] = [];
    const add = (
      label: string,
      name: JobName,
      data: Record<string, string>,
      cronExpr: string,
      everySimulatedSeconds: number,
    ) =>
      entries.push({
        label,
        cron: cronExpr,
        everySimulatedSeconds,
        enqueue: async (tick) => {
          await this.parts.queue.enqueue(name, data, {
            jobId: `${name}/${data['connection'] ?? 'all'}/${tick.toISOString()}`,
            ...retryOf(name),
          });
        },
      });
    for (const id of this.parts.connections.keys()) {
      add(`sync ${id}`, 'sync', { connection: id }, d.syncCron, demo?.syncSecondsOf?.[id] ?? demo?.syncSeconds ?? 300);
      add(`reconcile ${id}`, 'reconcile', { connection: id }, d.reconcileCron, demo?.reconcileSeconds ?? 86_400);
    }
    add('evaluate', 'evaluate', {}, d.evaluateCron, demo?.evaluateSeconds ?? 3_600);
    add('outbox', 'outbox', {}, d.outboxCron, demo?.outboxSeconds ?? 15);
    if (this.parts.tracking?.sms || this.parts.tracking?.postal)
      add('track', 'track', {}, d.trackCron, demo?.trackSeconds ?? 600);
    if (this.parts.lawfirm)
      add(
        `lawfirm ${this.parts.lawfirm.link.id}`,
        'lawfirm',
        {},
        this.parts.lawfirm.pollCron,
        demo?.lawfirmSeconds ?? 300,
      );
    return demo
      ? startSimulatedScheduler(entries, { clock, logger })
      : startCronScheduler(entries, { timezone: config.company.timezone, logger });
  }

  private async sync(job: RunningJob, mode: 'auto' | 'full'): Promise<void> {
    const id = String(job.data['connection']);
    const connection = this.parts.connections.get(id);
    if (!connection) throw new UnrecoverableJobError(`no connection "${id}" in the configuration`);
    const summary = await syncConnection({
      store: this.parts.store,
      adapter: connection.adapter,
      connection: id,
      clock: this.parts.clock,
      logger: this.parts.logger,
      locale: this.parts.config.company.locale,
      mode,
      ...engineSettings(connection.settings),
    });
    this.logSummary(summary);
    this.parts.metrics?.observeSync(summary);
    if (!summary.error) return;
    // The queue is the one layer that retries a sync; the pages saved before the error stay, and
    // the next attempt resumes after them. A 429 slows the queue down without burning an attempt.
    const decision = decideSyncRetry(summary.error);
    if (decision.retry === 'after') throw new RateLimitedError(decision.delayMs, decision.reason);
    if (decision.retry === 'never') throw new UnrecoverableJobError(decision.reason);
    throw new Error(decision.reason);
  }

  /** Evaluates every case and records what is due; the outbox performs it. */
  async evaluate(): Promise<EvaluationRun> {
    const { store, config, clock, logger } = this.parts;
    const asOf = businessDate(clock, config.company.timezone);
    const run: EvaluationRun = { cases: 0, decided: 0, errors: 0 };
    // Decided while streaming (the store reads a snapshot beside its writes): memory stays flat
    // however many cases there are.
    for await (const snapshot of store.cases.streamCaseSnapshots()) {
      // The embedded store answers without ever leaving the microtask queue: without a pause now
      // and then, a run over 200,000 cases held signals, timers and the API for minutes (a SIGTERM
      // took 280 s). Asked to stop, the run ends here: decisions are keyed by day, the next run
      // takes the rest.
      if (run.cases % EVALUATE_YIELD_EVERY === 0) {
        await new Promise((r) => setImmediate(r));
        if (this.stopping !== undefined) {
          logger.info(
            `evaluation stopped after ${run.cases} case(s): the daemon is stopping; the next run takes the rest`,
          );
          break;
        }
      }
      run.cases++;
      try {
        const policy = policyFor(snapshot, this.parts.policies, config.dunning.defaultPolicy, config.dunning.overrides);
        if ((await decide(store, snapshot, policy, asOf, clock.now(), this.parts.context)).recorded) run.decided++;
      } catch (e) {
        // One case that cannot be evaluated must not stop the others.
        run.errors++;
        this.parts.metrics?.observeError('EVALUATION_FAILED');
        logger.error(`evaluate ${snapshot.case.id}: ${(e as Error).message}`, { caseId: snapshot.case.id });
      }
    }
    logger.log(
      this.routineLevel,
      `evaluated ${run.cases} case(s) as of ${asOf}: ${run.decided} decision(s)${run.errors ? `, ${run.errors} error(s)` : ''}`,
    );
    if (run.decided > 0)
      await this.parts.queue.enqueue('outbox', {}, { jobId: `outbox/after-evaluate/${clock.now().toISOString()}` });
    // The day's figures for the overview's trend and CEI; a failure here loses only a day of trend.
    if (this.stopping === undefined)
      await recordPortfolioSnapshot(store, asOf, clock.now()).catch((e: unknown) =>
        logger.warn(`the overview's figures of ${asOf} could not be kept for the trend: ${(e as Error).message}`),
      );
    return run;
  }

  private async dispatch(): Promise<void> {
    const { store, clock, logger, performers } = this.parts;
    const metrics = this.parts.metrics;
    const result = await dispatchActions({
      store,
      performers,
      clock,
      logger,
      budgets: this.parts.config.daemon.retry,
      lanes: this.parts.config.daemon.lanes,
      connections: [...this.parts.connections.keys()],
      ...(metrics
        ? {
            onOutcome: (kind: ActionKind, outcome: 'done' | 'retried' | 'failed') =>
              metrics.observeAction(kind, outcome),
          }
        : {}),
    });
    if (result.done + result.retried + result.failed > 0)
      logger.log(
        this.routineLevel,
        `outbox: ${result.done} done, ${result.retried} to retry, ${result.failed} failed${result.rateLimitedMs ? `; a channel asked to wait ${result.rateLimitedMs} ms` : ''}${result.stopped?.length ? `; held until the next run: ${result.stopped.map((x) => `${x.lane} (${x.reason})`).join(', ')}` : ''}`,
      );
  }

  /** Reads the firm's events after the saved cursor (what a lost webhook did not bring). */
  private async pollLawFirm(): Promise<void> {
    const link = this.parts.lawfirm?.link;
    if (!link) throw new UnrecoverableJobError('no law-firm partner in the configuration');
    const polled = await link.poll().catch((e: unknown) => {
      // A firm that asks to wait holds this queue back; it does not burn the job's attempts.
      if (e instanceof AdapterError && e.kind === 'rate_limit')
        throw new RateLimitedError(e.retryAfterMs ?? 60_000, `${e.code}: ${e.userMessage}`);
      throw e;
    });
    if (polled.applied + polled.refused > 0)
      this.parts.logger.log(
        this.routineLevel,
        `law firm ${link.id}: ${polled.applied} event(s) applied, ${polled.duplicates} already known, ${polled.refused} quarantined`,
      );
    // Payments the ledger shows on files the firm works are reported to it (a full one asks it to close).
    const reports = await pendingPaymentReports(this.parts.store, this.parts.clock, link.id);
    for (const caseId of new Set(reports.map((r) => r.caseId))) {
      const c = await this.parts.store.cases.getCase(caseId);
      if (c)
        await this.parts.store.cases.applyCaseChange({
          expected: c,
          caseAfter: c,
          actions: reports.filter((r) => r.caseId === caseId),
          journal: [],
        });
    }
    if (reports.length > 0)
      await this.parts.queue.enqueue(
        'outbox',
        {},
        { jobId: `outbox/after-lawfirm/${this.parts.clock.now().toISOString()}` },
      );
  }

  /** Asks the providers what became of the messages they accepted; journals statuses and keeps proofs. */
  private async track(): Promise<void> {
    const { store, clock, logger } = this.parts;
    const metrics = this.parts.metrics;
    const result = await trackDeliveries({
      store,
      clock,
      logger,
      ...this.parts.tracking,
      ...(metrics ? { onStatus: (channel: string, status: string) => metrics.observeDelivery(channel, status) } : {}),
    });
    if (result.checked > 0)
      logger.log(
        this.routineLevel,
        `tracking: ${result.checked} checked, ${result.events} new status(es), ${result.proofs} proof(s), ${result.finished} final${result.errors ? `, ${result.errors} error(s)` : ''}`,
      );
    // A provider that asks to wait delays this job only: the rows are checked again after the delay.
    if (result.rateLimitedMs !== undefined)
      throw new RateLimitedError(result.rateLimitedMs, 'a provider asked to slow down');
  }

  /** The demo's ticks come every few real seconds and it logs one line per demo day instead: its routine lines are debug. */
  private get routineLevel(): 'info' | 'debug' {
    return this.parts.simulatedSchedule ? 'debug' : 'info';
  }

  private logSummary(s: SyncSummary): void {
    if (s.read === 0 && !s.error) return;
    this.parts.logger.log(
      s.error ? 'info' : this.routineLevel,
      `sync ${s.connection}: read ${s.read}, new ${s.new}, changed ${s.changed}, closed ${s.closed}, quarantined ${s.quarantined}${s.reconciled ? ', reconciled' : ''}${s.error ? `, stopped: ${s.error.code}` : ''}`,
      { connection: s.connection },
    );
  }
}
