import { Command, InvalidArgumentError } from 'commander';
import { adapterRegistry } from '../../adapters/registry';
import { Daemon } from '../daemon/daemon';
import { startDemo, type DemoEnvironment } from '../daemon/demo';
import { startDemoController } from '../daemon/demo-controller';
import { buildPerformers } from '../daemon/performers';
import { dryRunOnce, dryRunOutbox, formatDryRunReport, type DryRunReport } from '../daemon/dry-run';
import { dossierBuilder, openLawFirmLink } from '../lawfirm/open-link';
import { apiSettings, createMetrics, startApi } from '../http';
import { openJobQueue } from '../jobs/open-queue';
import type { JobQueue } from '../jobs/job-queue';
import { secretValuesOf } from '../log/logger';
import { loadRuntime, type LogOverrides, type Runtime } from '../runtime';
import { checkCourts } from '../dossier/procedure-data';
import { openStore } from '../store/open-store';
import type { Store } from '../store/store';
import { createConnectionAdapter, type ConnectionAdapter } from '../sync/connections';
import { anchoredClock, businessDate, systemClock, type Clock } from '../time/clock';
import { rateStatus } from '../claim/legal-status';
import { requeueRowsWaitingForRates } from '../outbox/rate-retry';
import { requeueSubmissionsInDoubt } from '../lawfirm/dossier-performer';
import { DEFAULT_RETRY_BUDGETS, type RetryBudget } from '../outbox/retry-budget';
import type { ActionKind } from '../model/action.schema';

export interface RunArgs {
  config?: string;
  clockSpeed: number;
  demoInvoices: number;
  seed: number;
  dataDir: string;
  /** Demo only: no simulated controller; steps waiting for approval wait for a person. */
  manualApproval?: boolean;
  /** Decide and journal as usual, send nothing; say at the end what would have gone out (connector/daemon/dry-run.ts). */
  dryRun?: boolean;
  /** With dryRun: one sync and one evaluation instead of the schedules, the report, then exit. */
  once?: boolean;
}

/**
 * Retry budgets measure how long a real outage lasts; simulated time (the demo, a rehearsal) runs
 * `speed` times faster, so they are stretched by as much (the waits between attempts are left in
 * simulated time).
 */
function stretchedBudgets(budgets: Partial<Record<ActionKind, RetryBudget>>, speed: number): Partial<Record<ActionKind, RetryBudget>> {
  return Object.fromEntries(Object.entries(budgets).map(([kind, b]) => [kind, { ...b, forMinutes: b.forMinutes * speed }]));
}

/** Resolves when the process is asked to stop (SIGTERM, SIGINT). */
function stopSignal(): Promise<string> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

/** A started daemon (and its demo world, if any), for `recouvra run` and for tests. */
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
}

/**
 * Starts the daemon. With a configuration file it runs that; without, the demo: the built-in
 * simulators, SQLite in a data folder, a faster clock and a banner that says so.
 */
export async function startDaemon(args: RunArgs, output: NodeJS.WritableStream = process.stderr, options: StartOptions = {}): Promise<RunningDaemon> {
  const rt = loadRuntime(args.config, process.env, options.log);
  let demo: DemoEnvironment | undefined;
  let clock: Clock = systemClock;
  const simulated = rt.config.daemon.simulatedClock;
  if (simulated) {
    clock = anchoredClock({ start: new Date(simulated.start), anchor: new Date(simulated.anchor), speed: simulated.speed, ...(simulated.stopAt ? { stopAt: new Date(simulated.stopAt) } : {}) });
    rt.config = { ...rt.config, daemon: { ...rt.config.daemon, retry: stretchedBudgets({ ...DEFAULT_RETRY_BUDGETS, ...rt.config.daemon.retry }, simulated.speed) } };
    rt.logger.warn(`SIMULATED CLOCK (daemon.simulatedClock): business time is ${clock.now().toISOString()}, running ${simulated.speed}× real time${simulated.stopAt ? ` until ${simulated.stopAt}` : ''} — a rehearsal, never a production setting`);
  }
  if (!args.config) {
    demo = await startDemo({ clockSpeed: args.clockSpeed, invoices: args.demoInvoices, seed: args.seed, dataDir: args.dataDir, manualApproval: args.manualApproval === true, logger: rt.logger });
    clock = demo.clock;
    rt.config = { ...rt.config, daemon: { ...rt.config.daemon, retry: stretchedBudgets(DEFAULT_RETRY_BUDGETS, args.clockSpeed) }, company: demo.company, channels: demo.channels, api: demo.api, lawfirm: demo.lawfirm, store: { driver: 'sqlite', sqlite: { path: demo.storePath } }, connections: demo.connections as Runtime['config']['connections'] };
    // The demo's keys and API token are made in code, not read from a file: the logger learns them here.
    rt.secrets.push(...secretValuesOf({ channels: demo.channels, api: demo.api, connections: demo.connections, lawfirm: demo.lawfirm }));
    output.write(demo.banner);
  }
  let store: Store | undefined;
  try {
    // The courts' territories are read when a dossier first names a court: with a firm to hand files to, read them now so a broken file stops the start.
    if (rt.config.lawfirm) checkCourts(rt.procedures);
    store = await openStore(rt.config.store);
    await store.migrate();
    // Told at start, before it bites: a semester without its rates refuses every claim that needs it.
    for (const w of rateStatus(rt.legal, businessDate(clock, rt.config.company.timezone)).warnings) rt.logger.warn(w);
    await requeueRowsWaitingForRates({ store, legal: rt.legal, clock, logger: rt.logger });
    const queue = openJobQueue(rt.config.queue, { store, logger: rt.logger });
    const connections = new Map<string, ConnectionAdapter>();
    for (const conn of rt.config.connections) connections.set(conn.id, createConnectionAdapter(conn, adapterRegistry, { clock, logger: rt.logger }));
    const metrics = createMetrics({ clock, queue });
    // Events from the firm make their ledger notes due at once: the outbox runs now, not at its next tick.
    const link = openLawFirmLink(rt.config, { store, clock, logger: rt.logger, onApplied: (state) => metrics.observeProcedureEvent(state), afterApplied: () => queue.enqueue('outbox', {}, { jobId: `outbox/after-lawfirm/${clock.now().toISOString()}` }) });
    if (link) {
      const resent = await requeueSubmissionsInDoubt({ store, clock, partner: link.id });
      if (resent > 0) rt.logger.info(`law firm ${link.id}: ${resent} submission(s) in doubt (sent, never answered) will be sent again with the same bytes`);
    }
    const lawfirm = link ? { link, build: dossierBuilder({ config: rt.config, store, clock, legal: rt.legal, procedures: rt.procedures, policies: rt.policies, connections }) } : undefined;
    const performerDeps = { config: rt.config, store, clock, logger: rt.logger, legal: rt.legal, procedures: rt.procedures, connections, ...(lawfirm ? { lawfirm } : {}) };
    const dryRun = args.dryRun ? dryRunOutbox(performerDeps) : undefined;
    if (dryRun) rt.logger.warn('DRY RUN: cases are decided and journalled, nothing is sent (no e-mail, SMS, letter, ledger write or dossier); outbox rows stay pending for the real run');
    const performers = dryRun ?? buildPerformers(performerDeps);
    const daemon = new Daemon({ config: rt.config, store, queue, clock, logger: rt.logger, connections, policies: rt.policies, context: rt.context, performers: performers.performers, tracking: performers.providers, ...(link ? { lawfirm: { link, pollCron: rt.config.lawfirm!.pollCron } } : {}), metrics, ...(demo ? { simulatedSchedule: demo.schedule } : {}) });
    daemon.start({ schedule: !args.once });
    const controller = demo ? startDemoController({ store, clock, timeZone: rt.config.company.timezone, logger: rt.logger, approve: demo.autoApprove, takePayments: demo.takePayments }) : undefined;
    const settings = apiSettings(rt.config.api);
    const api = settings ? await startApi({ store, daemon, queue, connections: connections.keys(), config: settings, clock, logger: rt.logger, metrics, timeZone: rt.config.company.timezone, legal: rt.legal, procedures: rt.procedures, ...(link ? { lawfirm: link } : {}) }) : undefined;
    if (api && demo) output.write(`  API: ${api.url} — Authorization: Bearer ${settings!.token}\n\n`);
    rt.logger.info(`recouvra running: ${connections.size} connection(s), queue ${queue.kind}, store ${rt.config.store.driver}`);
    const opened = store;
    return {
      runtime: rt,
      store: opened,
      daemon,
      queue,
      demo,
      ...(dryRun ? { dryRunReport: dryRun.report } : {}),
      apiUrl: api?.url,
      stop: async () => {
        controller?.stop();
        await api?.app.close();
        const drained = await Promise.race([daemon.stop().then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), rt.config.daemon.drainTimeoutMs).unref())]);
        if (!drained) rt.logger.warn('running work did not finish in time; it will be taken again at the next start');
        await performers.close();
        await opened.close();
        await demo?.stop();
        rt.logger.close();
        return drained;
      },
    };
  } catch (e) {
    await store?.close().catch(() => undefined);
    await demo?.stop();
    rt.logger.close();
    throw e;
  }
}

/** `recouvra run` until SIGTERM or SIGINT; returns the exit code. */
export async function runDaemon(args: RunArgs, until: Promise<string> = stopSignal()): Promise<number> {
  let running: RunningDaemon;
  try {
    running = await startDaemon(args);
  } catch (e) {
    process.stderr.write(`recouvra run could not start: ${(e as Error).message}\n`);
    return 1;
  }
  let code = 0;
  const once = args.once
    ? dryRunOnce({ daemon: running.daemon, queue: running.queue, connections: running.runtime.config.connections.map((c) => c.id), logger: running.runtime.logger }).then(
        () => 'dry run: one pass done',
        (e: unknown) => ((code = 1), `dry run: the pass failed: ${(e as Error).message}`),
      )
    : undefined;
  const signal = await (once ? Promise.race([once, until]) : until);
  running.runtime.logger.info(`${signal}: finishing running work (at most ${running.runtime.config.daemon.drainTimeoutMs} ms), then stopping`);
  // Read before the store closes; a job still running may add a row the report does not count.
  if (running.dryRunReport) process.stdout.write(formatDryRunReport(await running.dryRunReport()));
  await running.stop();
  return code;
}

function positive(what: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${what} must be a positive number`);
    return n;
  };
}

export function runCommand(): Command {
  return new Command('run')
    .description('run the daemon; without --config, the demo (built-in simulators, SQLite in ./data/demo, a faster clock)')
    .option('-c, --config <file>', 'configuration file (YAML); without it, the demo runs')
    .option('--clock-speed <n>', 'demo only: simulated seconds per real second', positive('--clock-speed'), 21_600)
    .option('--demo-invoices <n>', 'demo only: invoices in the simulated Odoo', positive('--demo-invoices'), 400)
    .option('--seed <n>', 'demo only: seed of the simulated data', positive('--seed'), 1)
    .option('--manual-approval', 'demo only: no simulated controller; steps waiting for approval wait for `recouvra approve` or the API')
    .option('--data-dir <dir>', 'demo only: data folder, created by the demo and cleared at each start; any other non-empty folder is refused', './data/demo')
    .option('--dry-run', 'decide and journal as usual, send nothing (no e-mail, SMS, letter, ledger write, dossier); at the end, what would have gone out')
    .option('--once', 'with --dry-run: one sync and one evaluation, the report, then exit')
    .action(async (opts: RunArgs) => {
      if (opts.once && !opts.dryRun) throw new InvalidArgumentError('--once goes with --dry-run (recouvra run --dry-run --once)');
      process.exitCode = await runDaemon(opts);
    });
}
