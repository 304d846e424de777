import { QuickBooksConnectionSchema } from '../../../adapters/quickbooks/config.schema';
import type { QuickBooksWebhookTarget } from '../http/quickbooks-webhook-route';
import { adapterDepsFor } from '../adapter-deps';
import { connectionAuthorizations } from '../connection-authorizations';
import { ErpReadMeter, meteredConnections } from '../erp-read-meter';
import { adapterRegistry } from '../../../adapters/registry';
import { Daemon } from '../daemon/daemon';
import type { DemoEnvironment } from '../demo/demo';
import { buildPerformers } from '../daemon/performers';
import { dryRunOnce, dryRunOutbox, formatDryRunReport, type DryRunReport } from '../daemon/dry-run';
import { caseClaim, dossierBuilder, escalationPreview } from '../../lawfirm/dossier-builder';
import { nextStepOf } from '../../policy/next-step';
import { openLawFirmLink } from '../lawfirm-link';
import { apiSettings, createMetrics, startApi } from '../http';
import { openJobQueue } from '../../jobs/open-queue';
import type { JobQueue } from '../../jobs/job-queue';
import { describeRedisUrl } from '../../jobs/bullmq-queue';
import { secretValuesOf } from '../../log/logger';
import { loadRuntime, type LogOverrides, type Runtime } from '../runtime';
import { checkCourts } from '../../dossier/procedure-data';
import { openStore } from '../../store/open-store';
import type { Store } from '../../store/store';
import { connectionWriteBack, createConnectionAdapter, type ConnectionAdapter } from '../../sync/connections';
import { anchoredClock, businessDate, systemClock, type Clock } from '../../time/clock';
import { portfolioOverview } from '../../kpis/overview';
import { rateStatus } from '../../claim/legal-status';
import { requeueRowsWaitingForRates } from '../../outbox/rate-retry';
import { requeueSubmissionsInDoubt } from '../../lawfirm/dossier-performer';
import { DEFAULT_RETRY_BUDGETS, type RetryBudget } from '../../outbox/retry-budget';
import type { ActionKind } from '../../model/action.schema';
import { claimStopSignals, type StopRequests } from './stop-signals';
import { DEMO_DEFAULTS } from './definitions/option-values';
import { migrationSummary } from './store-command';

export interface RunArgs {
  /** The configuration file (`recouvra run`); without it, the demo runs (`recouvra demo`). */
  config?: string;
  /** Demo only: simulated seconds per real second (default DEMO_DEFAULTS). */
  clockSpeed?: number;
  /** Demo only: invoices in the simulated Odoo. */
  demoInvoices?: number;
  /** Demo only: seed of the simulated data. */
  seed?: number;
  /** Demo only: its data folder. */
  dataDir?: string;
  /** Demo only: no simulated controller; steps waiting for approval wait for a person. */
  manualApproval?: boolean;
  /** Decide and journal as usual, send nothing; say at the end what would have gone out (connector/app/daemon/dry-run.ts). */
  dryRun?: boolean;
  /** With dryRun: one sync and one evaluation instead of the schedules, the report, then exit. */
  once?: boolean;
}

/**
 * Retry budgets measure how long a real outage lasts; simulated time (the demo, a rehearsal) runs
 * `speed` times faster, so they are stretched by as much (the waits between attempts are left in
 * simulated time).
 */
function stretchedBudgets(
  budgets: Partial<Record<ActionKind, RetryBudget>>,
  speed: number,
): Partial<Record<ActionKind, RetryBudget>> {
  return Object.fromEntries(
    Object.entries(budgets).map(([kind, b]) => [kind, { ...b, forMinutes: b.forMinutes * speed }]),
  );
}

/** A started daemon (and its demo world, if any), for `recouvra run`, `recouvra demo` and for tests. */
export interface RunningDaemon {
  runtime: Runtime;
  store: Store;
  daemon: Daemon;
  queue: JobQueue;
  demo: DemoEnvironment | undefined;
  /** With `dryRun`: what the pending outbox rows would do now (reads the store only). */
  dryRunReport?: () => Promise<DryRunReport>;
  /** Where the HTTP API listens, when it is enabled. */
  apiUrl: string | undefined;
  /** Stops the schedules, lets running work finish (at most `daemon.drainTimeoutMs`), closes everything. Resolves to false when the drain timed out. */
  stop(): Promise<boolean>;
}

export interface StartOptions {
  /** Over the `logging:` configuration: level, format, and where lines go (tests capture the log). */
  log?: LogOverrides;
  /** Aborts the start between two steps (a stop asked for while starting): what was opened is closed, and the start rejects with the signal's reason. */
  abort?: AbortSignal;
}

/**
 * How long closing may take after the drain (ms), in all and for each part: a store or a Redis
 * that does not answer must not hold a stop, or a failed start, for ever.
 */
const CLOSE_BUDGET_MS = 10_000;
const PART_CLOSE_MS = 3_000;

/**
 * What a start has opened, closed in the reverse order: the daemon's schedules and queue first,
 * then the channels, the connections, the store and the demo's simulators. Each is closed once;
 * one whose close does not end in time is left to the process's exit.
 */
class Opened {
  private readonly parts: { what: string; close: () => Promise<void>; started: () => boolean }[] = [];

  constructor(private readonly logger: Runtime['logger']) {}

  /** Registers a part; the returned function closes it (once, however often it is called). */
  add(what: string, close: () => unknown): () => Promise<void> {
    let closing: Promise<void> | undefined;
    const once = () =>
      (closing ??= Promise.resolve()
        .then(close)
        .then(() => undefined));
    this.parts.push({ what, close: once, started: () => closing !== undefined });
    return once;
  }

  /** Closes, last opened first, every part whose close nobody has begun (whoever began one waits for it). */
  async closeAll(): Promise<void> {
    const deadline = Date.now() + CLOSE_BUDGET_MS;
    for (const part of this.parts.splice(0).reverse()) {
      if (part.started()) continue;
      const outcome = await within(
        part.close().then(() => 'closed' as const),
        Math.min(PART_CLOSE_MS, deadline - Date.now()),
        'late' as const,
      ).catch((e: unknown) => e as Error);
      if (outcome === 'late') this.logger.warn(`${part.what}: not closed in time; left to the end of the process`);
      else if (outcome instanceof Error) this.logger.warn(`${part.what}: could not be closed: ${outcome.message}`);
    }
  }
}

/** `promise`'s value, or `late` once `ms` have passed. */
function within<T, L>(promise: Promise<T>, ms: number, late: L): Promise<T | L> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<L>((resolve) => (timer = setTimeout(() => resolve(late), Math.max(0, ms)))),
  ]).finally(() => clearTimeout(timer));
}

/** How long the start waits for Redis (ms), when the jobs are there, before giving up. */
const QUEUE_CHECK_MS = 5_000;

/**
 * Starts the daemon. With a configuration file it runs that; without, the demo: the built-in
 * simulators, SQLite in a data folder, a faster clock and a banner that says so. A step that
 * fails closes what the steps before it opened, then the start rejects with what failed. The
 * demo's modules (the simulators, the SMTP sink) are loaded only for the demo.
 */
export async function startDaemon(
  args: RunArgs,
  output: NodeJS.WritableStream = process.stderr,
  options: StartOptions = {},
): Promise<RunningDaemon> {
  const rt = loadRuntime(args.config, process.env, options.log);
  const opened = new Opened(rt.logger);
  // Between two steps the event loop gets a turn: much of a start is synchronous (SQLite, loading
  // data), and a signal is delivered only when the loop polls.
  const step = async () => {
    await new Promise<void>((resolve) => setImmediate(resolve));
    options.abort?.throwIfAborted();
  };
  let demo: DemoEnvironment | undefined;
  let clock: Clock = systemClock;
  const simulated = rt.config.daemon.simulatedClock;
  if (simulated) {
    clock = anchoredClock({
      start: new Date(simulated.start),
      anchor: new Date(simulated.anchor),
      speed: simulated.speed,
      ...(simulated.stopAt ? { stopAt: new Date(simulated.stopAt) } : {}),
    });
    rt.config = {
      ...rt.config,
      daemon: {
        ...rt.config.daemon,
        retry: stretchedBudgets({ ...DEFAULT_RETRY_BUDGETS, ...rt.config.daemon.retry }, simulated.speed),
      },
    };
    rt.logger.warn(
      `SIMULATED CLOCK (daemon.simulatedClock): business time is ${clock.now().toISOString()}, running ${simulated.speed}× real time${simulated.stopAt ? ` until ${simulated.stopAt}` : ''} — a rehearsal, never a production setting`,
    );
  }
  if (!args.config) {
    const { startDemo } = module.require('../demo/demo') as typeof import('../demo/demo');
    const clockSpeed = args.clockSpeed ?? DEMO_DEFAULTS.clockSpeed;
    demo = await startDemo({
      clockSpeed,
      invoices: args.demoInvoices ?? DEMO_DEFAULTS.invoices,
      seed: args.seed ?? DEMO_DEFAULTS.seed,
      dataDir: args.dataDir ?? DEMO_DEFAULTS.dataDir,
      manualApproval: args.manualApproval === true,
      logger: rt.logger,
    });
    clock = demo.clock;
    rt.config = {
      ...rt.config,
      daemon: { ...rt.config.daemon, retry: stretchedBudgets(DEFAULT_RETRY_BUDGETS, clockSpeed) },
      company: demo.company,
      channels: demo.channels,
      api: demo.api,
      lawfirm: demo.lawfirm,
      store: { driver: 'sqlite', sqlite: { path: demo.storePath } },
      connections: demo.connections as Runtime['config']['connections'],
    };
    // What each ledger takes follows the demo's connections, not those of the file it replaced:
    // a read-only ledger (Sage 100) then gets no ledger row, as under `recouvra run`.
    rt.context = { ...rt.context, ledgerWriteBack: connectionWriteBack(rt.config.connections, adapterRegistry) };
    // The demo's keys and API token are made in code, not read from a file: the logger learns them here.
    rt.secrets.push(
      ...secretValuesOf({
        channels: demo.channels,
        api: demo.api,
        connections: demo.connections,
        lawfirm: demo.lawfirm,
      }),
      ...Object.values(demo.env),
    );
    output.write(demo.banner);
  }
  const simulators = demo;
  if (simulators) opened.add('the demo simulators', () => simulators.stop());
  try {
    await step();
    // The courts' territories are read when a dossier first names a court: with a firm to hand files to, read them now so a broken file stops the start.
    if (rt.config.lawfirm) checkCourts(rt.procedures);
    await step();
    const store = await openStore(rt.config.store);
    opened.add('the store', () => store.close());
    const migrated = await store.migrate();
    if (migrated.pending.length > 0) rt.logger.info(migrationSummary(migrated));
    await step();
    // Told at start, before it bites: a semester without its rates refuses every claim that needs it.
    for (const w of rateStatus(rt.legal, businessDate(clock, rt.config.company.timezone)).warnings) rt.logger.warn(w);
    await requeueRowsWaitingForRates({ store, legal: rt.legal, clock, logger: rt.logger });
    const queue = openJobQueue(rt.config.queue, { store, logger: rt.logger });
    const closeQueue = opened.add('the job queue', () => queue.close());
    // Redis is reached lazily and BullMQ waits for it for ever: a start without it says so now.
    if (
      queue.kind === 'redis' &&
      !(await within(
        queue.ping().then(() => true),
        QUEUE_CHECK_MS,
        false,
      ))
    )
      throw new Error(
        `the job queue's Redis at ${describeRedisUrl(rt.config.queue.redis.url)} does not answer within ${QUEUE_CHECK_MS} ms`,
      );
    await step();
    const connections = new Map<string, ConnectionAdapter>();
    opened.add('the ERP connections', async () => {
      for (const { adapter } of connections.values()) await adapter.close();
    });
    // With several workers (BullMQ), an ERP's request limits are counted in Redis, for all of them at once.
    const shared =
      rt.config.queue.driver === 'redis'
        ? (
            module.require(
              '../../../adapters/redis/request-limiter',
            ) as typeof import('../../../adapters/redis/request-limiter')
          ).redisRequestLimiters(rt.config.queue.redis.url)
        : undefined;
    if (shared) opened.add('the shared request limits', () => shared.close());
    // The demo makes its own credential key (in demo.env for the command line).
    const credentialEnv = demo ? { ...process.env, ...demo.env } : undefined;
    for (const conn of rt.config.connections)
      connections.set(
        conn.id,
        createConnectionAdapter(
          conn,
          adapterRegistry,
          adapterDepsFor(conn.id, {
            store,
            clock,
            // Token lifetimes and refresh leases run in real time, whatever the business clock.
            wallClock: systemClock,
            logger: rt.logger,
            ...(credentialEnv ? { env: credentialEnv } : {}),
            ...(shared ? { limiters: shared.factory } : {}),
          }),
        ),
      );
    // Reads of the connections whose provider meters them per month (QuickBooks), kept in the store
    // in batches; Intuit's months are real ones, whatever the business clock.
    const readMeter = new ErpReadMeter({
      store,
      clock: systemClock,
      logger: rt.logger,
      connections: meteredConnections(rt.config.connections, adapterRegistry, (id) =>
        connections.get(id)?.adapter.usage?.(),
      ),
    });
    readMeter.start();
    opened.add('the ERP read counts', () => readMeter.stop());
    // What GET /connections, GET /ready and the metrics say of each OAuth authorization, read from the store.
    const authorizations = connectionAuthorizations({
      connections: rt.config.connections,
      registry: adapterRegistry,
      store,
      // An authorization ends on a real day.
      clock: systemClock,
      ...(credentialEnv ? { env: credentialEnv } : {}),
      ...(args.config === undefined ? {} : { configFile: args.config }),
    });
    const metrics = createMetrics({
      clock,
      queue,
      authorizations,
      portfolio: () => portfolioOverview(store, businessDate(clock, rt.config.company.timezone)),
      monthlyReads: () => readMeter.monthlyReads(),
    });
    // Events from the firm make their ledger notes due at once: the outbox runs now, not at its next tick.
    const link = openLawFirmLink(rt.config, {
      store,
      clock,
      logger: rt.logger,
      onApplied: (state) => metrics.observeProcedureEvent(state),
      afterApplied: () => queue.enqueue('outbox', {}, { jobId: `outbox/after-lawfirm/${clock.now().toISOString()}` }),
    });
    if (link) {
      const resent = await requeueSubmissionsInDoubt({ store, clock, partner: link.id });
      if (resent > 0)
        rt.logger.info(
          `law firm ${link.id}: ${resent} submission(s) in doubt (sent, never answered) will be sent again with the same bytes`,
        );
    }
    // What building a dossier needs: the hand-off builds it, an approver previews it.
    const dossierDeps = {
      config: rt.config,
      store,
      clock,
      legal: rt.legal,
      procedures: rt.procedures,
      policies: rt.policies,
      connections,
    };
    const lawfirm = link
      ? {
          link,
          build: dossierBuilder(dossierDeps),
        }
      : undefined;
    const nextStep = nextStepOf({ store, config: rt.config, policies: rt.policies, context: rt.context, clock });
    const performerDeps = {
      nextStep,
      config: rt.config,
      store,
      clock,
      logger: rt.logger,
      legal: rt.legal,
      procedures: rt.procedures,
      connections,
      ...(lawfirm ? { lawfirm } : {}),
    };
    const dryRun = args.dryRun ? dryRunOutbox(performerDeps) : undefined;
    if (dryRun)
      rt.logger.warn(
        'DRY RUN: cases are decided and journalled, nothing is sent (no e-mail, SMS, letter, ledger write or dossier); outbox rows stay pending for the real run',
      );
    const performers = dryRun ?? buildPerformers(performerDeps);
    opened.add('the channels', () => performers.close());
    const daemon = new Daemon({
      config: rt.config,
      store,
      queue,
      clock,
      logger: rt.logger,
      connections,
      policies: rt.policies,
      context: rt.context,
      performers: performers.performers,
      tracking: performers.providers,
      ...(link ? { lawfirm: { link, pollCron: rt.config.lawfirm!.pollCron } } : {}),
      metrics,
      ...(demo ? { simulatedSchedule: demo.schedule } : {}),
    });
    // The API listens before any work starts: a port that is taken stops the start before a job has run.
    await step();
    const settings = apiSettings(rt.config.api);
    const api = settings
      ? await startApi({
          store,
          daemon,
          queue,
          connections: connections.keys(),
          authorizations,
          config: settings,
          clock,
          wallClock: systemClock,
          logger: rt.logger,
          metrics,
          timeZone: rt.config.company.timezone,
          locale: rt.config.company.locale,
          legal: rt.legal,
          procedures: rt.procedures,
          escalationPreview: escalationPreview(dossierDeps),
          caseClaim: caseClaim(dossierDeps),
          nextStep,
          ...(rt.context.ledgerWriteBack ? { ledgerWriteBack: rt.context.ledgerWriteBack } : {}),
          quickbooksWebhooks: quickBooksWebhookTargets(rt.config.connections),
          monthlyReads: () => readMeter.monthlyReads(),
          ...(link
            ? {
                lawfirm: link,
                lawfirmPolling: demo
                  ? { everySimulatedSeconds: demo.schedule.lawfirmSeconds }
                  : { cron: rt.config.lawfirm!.pollCron, timeZone: rt.config.company.timezone },
              }
            : {}),
        }).catch((e: unknown) => Promise.reject(listenError(e, settings)))
      : undefined;
    const closeApi = opened.add('the API', () => api?.app.close());
    await step();
    daemon.start({ schedule: !args.once });
    const stopDaemon = opened.add('the schedules and running jobs', () => daemon.stop());
    const controller = demo
      ? (module.require('../demo/demo-controller') as typeof import('../demo/demo-controller')).startDemoController({
          store,
          clock,
          timeZone: rt.config.company.timezone,
          logger: rt.logger,
          approve: demo.autoApprove,
          takePayments: demo.takePayments,
        })
      : undefined;
    const stopController = opened.add('the demo controller', () => controller?.stop());
    if (api && demo) output.write(`  API: ${api.url} — Authorization: Bearer ${settings!.token}\n\n`);
    rt.logger.info(
      `recouvra running: ${connections.size} connection(s), queue ${queue.kind}, store ${rt.config.store.driver}`,
    );
    return {
      runtime: rt,
      store,
      daemon,
      queue,
      demo,
      ...(dryRun ? { dryRunReport: dryRun.report } : {}),
      apiUrl: api?.url,
      stop: async () => {
        await stopController();
        // The API answers 503 while it closes, and running jobs finish (the queue drains): all within the drain timeout.
        const drained = await within(
          Promise.all([closeApi(), stopDaemon(), closeQueue()]).then(() => true),
          rt.config.daemon.drainTimeoutMs,
          false,
        );
        if (!drained) rt.logger.warn('running work did not finish in time; it will be taken again at the next start');
        await opened.closeAll();
        rt.logger.close();
        return drained;
      },
    };
  } catch (e) {
    await opened.closeAll();
    rt.logger.close();
    throw e;
  }
}

/** "listen EADDRINUSE: address already in use 127.0.0.1:8080" says little to whoever reads it at start. */
function listenError(e: unknown, settings: { host: string; port: number }): Error {
  const code = (e as NodeJS.ErrnoException).code;
  const where = `${settings.host}:${settings.port}`;
  if (code === 'EADDRINUSE')
    return new Error(
      `the API cannot listen on ${where}: another process holds that port (EADDRINUSE); stop it or set api.port`,
      { cause: e },
    );
  if (code === 'EACCES')
    return new Error(
      `the API cannot listen on ${where}: not allowed (EACCES; ports below 1024 need privileges); set api.port`,
      { cause: e },
    );
  if (code === 'EADDRNOTAVAIL')
    return new Error(
      `the API cannot listen on ${where}: no such address on this machine (EADDRNOTAVAIL); set api.host`,
      { cause: e },
    );
  return new Error(`the API cannot listen on ${where}: ${(e as Error).message}`, { cause: e });
}

/** After the drain timeout, what closing may still take before the process exits anyway (ms). */
const STOP_MARGIN_MS = CLOSE_BUDGET_MS + 2_000;
/** Once stopped, how long the process may linger (a request or a job that outlived the drain) before it exits anyway (ms). */
const EXIT_LINGER_MS = 2_000;

/**
 * `recouvra run` (or, without a configuration, `recouvra demo`) until SIGTERM or SIGINT; returns
 * the exit code: 0 once stopped on a signal (also when it came during the start, which is then
 * abandoned), 1 when the start failed. A second signal exits at once (stop-signals.ts).
 */
export async function runDaemon(args: RunArgs, stop: StopRequests = claimStopSignals()): Promise<number> {
  const command = args.config === undefined ? 'recouvra demo' : 'recouvra run';
  const abort = new AbortController();
  let signal: string | undefined;
  void stop.requested.then((s) => {
    signal = s;
    abort.abort(new Error(`${s} during the start`));
  });
  let running: RunningDaemon;
  try {
    running = await startDaemon(args, process.stderr, { abort: abort.signal });
  } catch (e) {
    if (abort.signal.aborted && e === abort.signal.reason) {
      process.stderr.write(`${command}: ${signal}: stopped during the start, before any work began\n`);
      return exitSoon(0);
    }
    process.stderr.write(`${command} could not start: ${(e as Error).message}\n`);
    return exitSoon(1);
  }
  let code = 0;
  const once = args.once
    ? dryRunOnce({
        daemon: running.daemon,
        queue: running.queue,
        connections: running.runtime.config.connections.map((c) => c.id),
        logger: running.runtime.logger,
      }).then(
        () => 'dry run: one pass done',
        (e: unknown) => ((code = 1), `dry run: the pass failed: ${(e as Error).message}`),
      )
    : undefined;
  signal = await (once ? Promise.race([once, stop.requested]) : stop.requested);
  const drainMs = running.runtime.config.daemon.drainTimeoutMs;
  running.runtime.logger.info(`${signal}: finishing running work (at most ${drainMs} ms), then stopping`);
  // A stop that hangs all the same (a close that never returns) must not outlive its promise.
  setTimeout(() => {
    process.stderr.write(`${command}: not stopped ${drainMs + STOP_MARGIN_MS} ms after ${signal}: exiting now\n`);
    process.exit(1);
  }, drainMs + STOP_MARGIN_MS).unref();
  // Read before the store closes; a job still running may add a row the report does not count.
  if (running.dryRunReport) process.stdout.write(formatDryRunReport(await running.dryRunReport()));
  const drained = await running.stop();
  // Work that outlived the drain holds the event loop: it is taken again at the next start.
  return exitSoon(code, drained ? EXIT_LINGER_MS : 0);
}

/** The code, and an exit that comes even if something still holds the event loop (a socket that did not close). */
function exitSoon(code: number, lingerMs = EXIT_LINGER_MS): number {
  setTimeout(() => process.exit(code), lingerMs).unref();
  return code;
}

/** The QuickBooks connections that receive Intuit's webhooks: those whose verifier token is configured. */
function quickBooksWebhookTargets(connections: readonly { id: string; type: string }[]): QuickBooksWebhookTarget[] {
  return connections
    .filter((c) => c.type === 'quickbooks')
    .map((c) => QuickBooksConnectionSchema.parse(c))
    .flatMap((c) =>
      c.webhookVerifierToken === undefined
        ? []
        : [{ connection: c.id, realmId: c.realmId, verifierToken: c.webhookVerifierToken }],
    );
}
