import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import axios from 'axios';
import { RealmLimiter } from '../../adapters/quickbooks/limiter';
import { adapterRegistry } from '../../adapters/registry';
import { CredentialKeyring } from '../../connector/credentials/keyring';
import { createLogger } from '../../connector/log/logger';
import type { RequestLimiterFactory } from '../../connector/ports/request-limiter';
import type { ErpAdapter } from '../../connector/ports/erp';
import { openSqliteStore } from '../../connector/store/sqlite';
import type { Store } from '../../connector/store/store';
import { createConnectionAdapter } from '../../connector/sync/connections';
import { syncConnection, type SyncSummary } from '../../connector/sync/sync-connection';
import { systemClock } from '../../connector/time/clock';
import type {
  QboCounters,
  QboSimulatorCommand,
  QboSimulatorReady,
  QboSimulatorReply,
} from './quickbooks-simulator-process';
import { quietLogger } from './quiet-logger';
import { SimulatorChild } from './simulator-child';

/**
 * QuickBooks Online sync benchmark (issue 14), measured in this process against the simulator in a
 * child process, which throttles the company at 500 requests a minute × a scale factor and 10 in
 * flight (erp-apis.md §2.9):
 *
 * 1. an unthrottled full sync (the simulator's limit and ours lifted): what the connector's own
 *    processing costs;
 * 2. the full sync (first run: customers, open invoices, credit memos, payments) into a fresh
 *    SQLite store, with the adapter's limiter at the simulator's scaled rate; its time against the
 *    bound that limit sets, requests made ÷ requests allowed per ms;
 * 3. 1% of the open invoices get a partial payment in the simulator, dated after the full sync,
 *    then an incremental sync with a fresh adapter on the same store, in a new minute of the limit
 *    (as a scheduled run minutes later): through CDC, since the cursor is inside its 30 days.
 *
 * The adapters are created as the daemon creates them: through the registry, tokens in the store's
 * credential table, the limiter from the composition root's factory (AdapterDeps.limiters).
 * Prints one JSON line. Env: BENCH_QBO_INVOICES (open invoices of the company read, default
 * 100000), BENCH_QBO_RATE_SCALE (factor on 500 requests a minute, default 0.2),
 * BENCH_QBO_UNTHROTTLED (0 skips step 1).
 */

const OPEN_WANTED = Number(process.env.BENCH_QBO_INVOICES ?? 100_000);
/**
 * 100 requests a minute: the full sync of 100,000 open invoices makes about 210 requests, a bound
 * of about 127 s, against about 30 s for the same sync unthrottled here (its processing): the
 * limit, not our processing, is what bounds the sync, and the whole benchmark takes about 3 minutes.
 */
const RATE_SCALE = Number(process.env.BENCH_QBO_RATE_SCALE ?? 0.2);
const UNTHROTTLED = process.env.BENCH_QBO_UNTHROTTLED !== '0';
/** BENCH_QBO_TRACE=1 writes every request to the company on stderr (what a run asked, for a look). */
const TRACE = process.env.BENCH_QBO_TRACE === '1';
/** A scale under which the simulator never throttles a single sync. */
const UNTHROTTLED_SCALE = 1_000_000;
const CHANGED_FRACTION = 0.01;
/** The change is dated two minutes after the full sync: past the minute every run walks back (sync-plan.ts OVERLAP_MS). */
const CHANGE_AFTER_SECONDS = 120;
const RSS_SAMPLE_MS = 50;
const TARGETS = { fullToBound: 1.1, incrementalToFull: 0.03, incrementalReadsShare: 0.01, incrementalReadsExtra: 5 };
const PEAK_RSS_TARGET_MB = 300;
const CONNECTION = 'bench-qbo';

const mb = (bytes: number): number => Math.round(bytes / 2 ** 20);
const round = (n: number, digits = 0): number => Number(n.toFixed(digits));

// ------------------------------------------------------------------ simulator process

class Simulator {
  private constructor(
    private readonly child: SimulatorChild<QboSimulatorCommand, QboSimulatorReply, QboSimulatorReady>,
  ) {}

  get ready(): QboSimulatorReady {
    return this.child.ready;
  }

  static async start(openWanted: number, rateScale: number): Promise<Simulator> {
    return new Simulator(
      await SimulatorChild.start<QboSimulatorCommand, QboSimulatorReply, QboSimulatorReady>(
        'quickbooks-simulator-process.js',
        [String(openWanted), String(rateScale), '1'],
      ),
    );
  }

  ask<T extends QboSimulatorReply['type']>(
    command: QboSimulatorCommand,
    expected: T,
  ): Promise<Extract<QboSimulatorReply, { type: T }>> {
    return this.child.ask(command, expected);
  }

  counters(): Promise<QboCounters> {
    return this.ask({ type: 'counters' }, 'counters').then((r) => r.counters);
  }

  stop(): Promise<void> {
    return this.child.stop();
  }
}

// ------------------------------------------------------------------ peak RSS

/** The kernel's peak RSS of this process (VmHWM), in MB; undefined off Linux. */
function kernelPeakMb(): number | undefined {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return kb === undefined ? undefined : Math.round(Number(kb) / 1024);
  } catch {
    return undefined;
  }
}

/** RSS sampled every 50 ms, per phase, and the kernel's peak at the end of each phase. */
class RssMeter {
  readonly sampled: Record<string, number> = {};
  readonly kernelAtEnd: Record<string, number> = {};
  private phase = 'setup';
  private readonly timer = setInterval(() => this.sample(), RSS_SAMPLE_MS);

  enter(phase: string): void {
    this.leave();
    this.phase = phase;
    this.sample();
  }

  stop(): void {
    this.leave();
    clearInterval(this.timer);
  }

  /** The process's peak: the kernel's when known (sampling misses what happens between samples), else the sampled one. */
  peak(): number {
    return Math.max(...Object.values(this.kernelAtEnd), ...Object.values(this.sampled));
  }

  private leave(): void {
    this.sample();
    const peak = kernelPeakMb();
    if (peak !== undefined) this.kernelAtEnd[this.phase] = peak;
  }

  private sample(): void {
    this.sampled[this.phase] = Math.max(this.sampled[this.phase] ?? 0, mb(process.memoryUsage().rss));
  }
}

// ------------------------------------------------------------------ requests by kind

/**
 * The adapter's requests to the company, by kind (query, cdc, companyinfo), counted on the axios
 * instance the QuickBooks client sends them with; the adapter's own meter gives the totals.
 */
class RequestKinds {
  private counts: Record<string, number> = {};

  constructor() {
    axios.interceptors.request.use((config) => {
      const path = /\/v3\/company\/[^/]+\/([^/?]+)/.exec(config.url ?? '')?.[1];
      if (path !== undefined) this.counts[path] = (this.counts[path] ?? 0) + 1;
      if (TRACE && path !== undefined)
        process.stderr.write(`${config.method?.toUpperCase() ?? ''} ${path} ${JSON.stringify(config.params)}\n`);
      return config;
    });
  }

  take(): Record<string, number> {
    const out = this.counts;
    this.counts = {};
    return out;
  }
}

// ------------------------------------------------------------------ sync runs

async function freshStore(dir: string, name: string): Promise<Store> {
  const store = await openSqliteStore(join(dir, `${name}.sqlite`));
  await store.migrate();
  return store;
}

/** Tokens the simulator just issued, in the store's credential table, as `recouvra connect quickbooks` leaves them. */
async function connect(simulator: Simulator, store: Store, keyring: CredentialKeyring): Promise<void> {
  const tokens = await simulator.ask({ type: 'tokens' }, 'tokens');
  const credentials = store.credentials(CONNECTION, { keyring });
  await credentials.compareAndSet(await credentials.storedVersion(), {
    accessToken: tokens.accessToken,
    accessTokenExpiresAt: new Date(systemClock.now().getTime() + 3_600_000).toISOString(),
    refreshToken: tokens.refreshToken,
  });
}

interface Run {
  ms: number;
  summary: SyncSummary;
  /** The adapter's meter: every request, reads (Intuit's metered calls), 429s. */
  requests: number;
  reads: number;
  throttled: number;
  byKind: Record<string, number>;
  simulator: QboCounters;
  logLines: number;
  limiterMaxInFlight: number;
}

async function sync(
  simulator: Simulator,
  store: Store,
  keyring: CredentialKeyring,
  kinds: RequestKinds,
  requestsPerMinute: number,
  /** The adapter of an earlier run, kept open as the daemon keeps it between its syncs. */
  kept?: Kept,
): Promise<Run & { kept: Kept }> {
  if (kept) return syncWith(simulator, store, kinds, kept);
  const sim = simulator.ready;
  const { logger, lines } = quietLogger();
  // One limiter for this run, as the composition root hands them out (AdapterDeps.limiters), at
  // the simulator's rate: the adapter's own default is capped at Intuit's 500.
  let limiter: RealmLimiter | undefined;
  const limiters: RequestLimiterFactory = (_key, limits) =>
    (limiter ??= new RealmLimiter({ requestsPerMinute, maxInFlight: limits.inFlight }));
  const { adapter } = createConnectionAdapter(
    {
      id: CONNECTION,
      type: 'quickbooks',
      realmId: sim.realmId,
      baseUrl: sim.url,
      clientId: sim.clientId,
      clientSecret: sim.clientSecret,
      requestsPerMinute: Math.min(500, requestsPerMinute),
    } as { id: string; type: string },
    adapterRegistry,
    { clock: systemClock, logger, credentials: () => store.credentials(CONNECTION, { keyring }), limiters },
  );
  return syncWith(simulator, store, kinds, { adapter, logger, lines, limiter: () => limiter });
}

interface Kept {
  adapter: ErpAdapter;
  logger: ReturnType<typeof createLogger>;
  lines: () => number;
  limiter: () => RealmLimiter | undefined;
}

/** One sync with `kept.adapter`, its reads counted from the adapter's meter before and after. */
async function syncWith(
  simulator: Simulator,
  store: Store,
  kinds: RequestKinds,
  kept: Kept,
): Promise<Run & { kept: Kept }> {
  const { adapter } = kept;
  const before = adapter.usage?.() ?? { reads: 0, writes: 0, throttled: 0 };
  const linesBefore = kept.lines();
  const { logger } = kept;
  kinds.take();
  await simulator.counters();
  const t = performance.now();
  const summary = await syncConnection({
    store,
    adapter,
    connection: CONNECTION,
    clock: systemClock,
    logger,
    mode: 'auto',
  });
  const ms = performance.now() - t;
  if (summary.error) throw new Error(`sync failed: ${summary.error.code}: ${summary.error.message}`);
  const after = adapter.usage?.() ?? { reads: 0, writes: 0, throttled: 0 };
  const usage = {
    reads: after.reads - before.reads,
    writes: after.writes - before.writes,
    throttled: after.throttled - before.throttled,
  };
  return {
    ms: Math.round(ms),
    summary,
    requests: usage.reads + usage.writes,
    reads: usage.reads,
    throttled: usage.throttled,
    byKind: kinds.take(),
    simulator: await simulator.counters(),
    logLines: kept.lines() - linesBefore,
    limiterMaxInFlight: kept.limiter()?.maxSeenInFlight ?? 0,
    kept,
  };
}

function runReport(run: Run): Record<string, unknown> {
  const { summary } = run;
  return {
    ms: run.ms,
    requests: run.requests,
    reads: run.reads,
    requestsByKind: run.byKind,
    throttled: run.throttled,
    simulator: run.simulator,
    maxInFlight: run.limiterMaxInFlight,
    summary: {
      read: summary.read,
      new: summary.new,
      changed: summary.changed,
      unchanged: summary.unchanged,
      closed: summary.closed,
      quarantined: summary.quarantined,
      debtors: summary.debtors,
      pages: summary.pages,
      warnings: summary.warnings,
      reconciled: summary.reconciled,
    },
    logLines: run.logLines,
  };
}

// ------------------------------------------------------------------ main

async function main(): Promise<void> {
  const rss = new RssMeter();
  const kinds = new RequestKinds();
  const keyring = new CredentialKeyring(randomBytes(32));
  const dir = mkdtempSync(join(tmpdir(), 'recouvra-qbo-bench-'));
  process.stderr.write(`quickbooks: seeding the simulator (${OPEN_WANTED} open invoices wanted) …\n`);
  const simulator = await Simulator.start(OPEN_WANTED, RATE_SCALE);
  const sim = simulator.ready;
  const stores: Store[] = [];
  try {
    let unthrottled: (Run & { kept: Kept }) | undefined;
    if (UNTHROTTLED) {
      await simulator.ask({ type: 'rate', rateScale: UNTHROTTLED_SCALE }, 'rate');
      const store = await freshStore(dir, 'unthrottled');
      stores.push(store);
      await connect(simulator, store, keyring);
      rss.enter('unthrottled');
      process.stderr.write('quickbooks: full sync, unthrottled …\n');
      unthrottled = await sync(simulator, store, keyring, kinds, Number.MAX_SAFE_INTEGER);
      await unthrottled.kept.adapter.close();
      rss.enter('between');
      await store.close();
      stores.pop();
    }

    // A new minute at the benchmark's rate: nothing counted before it weighs on the full sync.
    const rate = await simulator.ask({ type: 'rate', rateScale: RATE_SCALE }, 'rate');
    const perMinute = rate.requestsPerMinute;
    const store = await freshStore(dir, 'full');
    stores.push(store);
    await connect(simulator, store, keyring);
    rss.enter('full');
    process.stderr.write(
      `quickbooks: full sync at ${perMinute} requests/min (scale ${RATE_SCALE} of 500) into a fresh store …\n`,
    );
    const full = await sync(simulator, store, keyring, kinds, perMinute);
    rss.enter('between');
    const boundMs = Math.round((full.requests / perMinute) * 60_000);

    process.stderr.write(
      `quickbooks: paying part of ${CHANGED_FRACTION * 100}% of the open invoices in the simulator …\n`,
    );
    const changed = await simulator.ask(
      { type: 'change', fraction: CHANGED_FRACTION, advanceSeconds: CHANGE_AFTER_SECONDS },
      'changed',
    );
    // The scheduled incremental sync comes minutes later: a new minute of the limit.
    await simulator.ask({ type: 'rate', rateScale: RATE_SCALE }, 'rate');
    rss.enter('incremental');
    // With the full sync's adapter, as the daemon keeps it between its syncs (it knows the customers
    // it read; a new `recouvra sync --once` process asks for those the changes name again).
    process.stderr.write('quickbooks: incremental sync with the adapter of the full sync, as the daemon runs …\n');
    const incremental = await sync(simulator, store, keyring, kinds, perMinute, full.kept);
    await full.kept.adapter.close();
    rss.enter('teardown');

    const ids = changed.invoices.map((i) => `${CONNECTION}:${sim.realmId}:Invoice:${i.id}`);
    const states = await store.sync.receivableStates(ids);
    const wrong = changed.invoices.filter((i, k) => states.get(ids[k]!)?.open !== i.balance);
    rss.stop();

    const fullToBound = round(full.ms / boundMs, 3);
    const incrementalToFull = round(incremental.ms / full.ms, 4);
    const incrementalReadsAllowed = round(
      TARGETS.incrementalReadsShare * full.reads + TARGETS.incrementalReadsExtra,
      2,
    );
    const peakRssMb = rss.peak();
    const throttled = (unthrottled?.throttled ?? 0) + full.throttled + incremental.throttled;
    const simulatorThrottled =
      (unthrottled?.simulator.throttled ?? 0) + full.simulator.throttled + incremental.simulator.throttled;
    const result = {
      benchmark: 'quickbooks-sync',
      node: process.version,
      simulator: {
        invoicesGenerated: sim.invoices,
        company: sim.company,
        seedMs: sim.seedMs,
        rssMb: sim.rssMb,
      },
      openInvoices: sim.company.openInvoices,
      rateScale: RATE_SCALE,
      allowedRequestsPerMinute: perMinute,
      maxInFlight: 10,
      unthrottled: unthrottled
        ? { ...runReport(unthrottled), boundOverUnthrottled: round(boundMs / unthrottled.ms, 2) }
        : 'skipped (BENCH_QBO_UNTHROTTLED=0)',
      full: {
        ...runReport(full),
        boundMs,
        ratioToBound: fullToBound,
        readsPer1000Invoices: round(full.reads / (sim.company.openInvoices / 1000), 2),
        invoicesPerSecond: Math.round(sim.company.openInvoices / (full.ms / 1000)),
      },
      incremental: {
        ...runReport(incremental),
        changedInSimulator: changed.invoices.length,
        paymentsAdded: changed.payments,
        ratioToFull: incrementalToFull,
        readsAllowed: incrementalReadsAllowed,
        storeMismatches: wrong.length,
        ...(wrong.length ? { mismatchSample: wrong.slice(0, 5) } : {}),
      },
      throttled,
      simulatorThrottled,
      peakRssMb,
      rssMbByPhase: { sampledEvery50ms: rss.sampled, kernelPeakAtPhaseEnd: rss.kernelAtEnd },
      targets: { ...TARGETS, peakRssMb: PEAK_RSS_TARGET_MB, throttled: 0 },
      pass: {
        fullToBound: fullToBound <= TARGETS.fullToBound,
        incrementalToFull: incrementalToFull <= TARGETS.incrementalToFull,
        incrementalReads: incremental.reads <= incrementalReadsAllowed,
        peakRssMb: peakRssMb <= PEAK_RSS_TARGET_MB,
        throttled: throttled === 0 && simulatorThrottled === 0,
        changesSeen: wrong.length === 0 && incremental.summary.changed === changed.invoices.length,
        ...(unthrottled ? { rateLimitBinds: boundMs >= 2 * unthrottled.ms } : {}),
      },
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    rss.stop();
    for (const s of stores) await s.close();
    await simulator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
