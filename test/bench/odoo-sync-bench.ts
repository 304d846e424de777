import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createOdooAdapter } from '../../adapters/odoo';
import { OdooConnectionSchema } from '../../adapters/odoo/config.schema';
import { OPEN_RECEIVABLES_DOMAIN } from '../../adapters/odoo/sync-plan';
import type { Store } from '../../connector/store/store';
import { openSqliteStore } from '../../connector/store/sqlite';
import type { ErpAdapter } from '../../connector/ports/erp';
import { syncConnection, type SyncSummary } from '../../connector/sync/sync-connection';
import { systemClock } from '../../connector/time/clock';
import type { CallStats, SimulatorReady } from './odoo-simulator-process';
import { BareClient, Simulator } from './odoo-bench-kit';
import { MOVE_FIELDS, PARTNER_FIELDS } from '../../adapters/odoo/reader';
import { quietLogger } from './quiet-logger';

/**
 * Odoo sync benchmark, measured in this process against the simulator in a child process:
 *
 * 1. a full sync (first run) into a fresh SQLite file store;
 * 2. a bare fetch: the same `search_read` keyset pages the adapter asked for (same domains,
 *    fields, limit and order), with axios and the XML-RPC codec only — no mapping, no store;
 * rounds of (1, 2) alternate and the best of each is kept, so that neither pays the warm-up;
 * 3. 1% of the open invoices get a partial payment in the simulator, then an incremental sync
 *    with a fresh adapter (as a new `recouvra sync` would) on the last round's store.
 *
 * Prints one JSON line. Env: BENCH_ODOO_OPEN (open invoices wanted, default 100000),
 * BENCH_ODOO_ROUNDS (default 2), BENCH_ODOO_PAGE_SIZE (default: the adapter's, 500),
 * BENCH_ODOO_VERSION (default 18.0; both clients speak XML-RPC on every version).
 */

const OPEN_WANTED = Number(process.env.BENCH_ODOO_OPEN ?? 100_000);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ODOO_ROUNDS ?? 2));
const VERSION = process.env.BENCH_ODOO_VERSION ?? '18.0';
const PAGE_SIZE = process.env.BENCH_ODOO_PAGE_SIZE === undefined ? undefined : Number(process.env.BENCH_ODOO_PAGE_SIZE);
const CHANGED_FRACTION = 0.01;
/** The change happens an hour after the seeded data's last write, far outside the overlap window. */
const CHANGE_AFTER_SECONDS = 3_600;
const RSS_SAMPLE_MS = 50;
const TARGETS = { overheadRatio: 1.5, incrementalRatio: 0.05, peakRssMb: 300 };
const CONNECTION = 'bench';

// What adapters/odoo/reader.ts asks for on a first run (erp-apis.md §1.5): open receivables
// only. The simulator records the shape of every read, and the benchmark reports any
// difference between the bare fetch's pages and the adapter's (pass.samePages).
const MOVES_FILTER = OPEN_RECEIVABLES_DOMAIN;
const DEBTORS_FILTER = [['customer_rank', '>', 0], '|', ['is_company', '=', true], ['parent_id', '=', false]];
const OPTIONAL_PARTNER_FIELDS = ['company_registry', 'siret', 'mobile', 'country_code'];
const READ_CALLS = ['res.partner.search_read', 'account.move.search_read'];

const mb = (bytes: number): number => Math.round(bytes / 2 ** 20);
const round = (n: number, digits = 0): number => Number(n.toFixed(digits));

// ------------------------------------------------------------------ peak RSS

const PROC_STATUS = '/proc/self/status';

/** The kernel's peak RSS of this process since the last reset (VmHWM), in MB; undefined off Linux. */
function kernelPeakMb(): number | undefined {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(PROC_STATUS, 'utf8'))?.[1];
    return kb === undefined ? undefined : Math.round(Number(kb) / 1024);
  } catch {
    return undefined;
  }
}

/** Linux (proc(5), clear_refs): writing 5 resets the peak RSS to the current RSS. */
function resetKernelPeak(): void {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // Not Linux or not allowed: the sampled peak remains.
  }
}

/**
 * Peak RSS per phase, two ways: sampled every 50 ms (a page's XML decoding is synchronous and
 * blocks the timer, so sampling misses the top of each page), and the kernel's own peak, reset
 * at the start of each phase after a collection, so that no phase inherits another's garbage.
 */
class RssMeter {
  readonly sampled: Record<string, number> = {};
  readonly kernel: Record<string, number> = {};
  /** process.resourceUsage().maxRSS, the highest of its readings at the end of each phase (MB). */
  maxRss = 0;
  private phase = 'setup';
  private readonly timer = setInterval(() => this.sample(), RSS_SAMPLE_MS);

  enter(phase: string): void {
    this.leave();
    (globalThis as { gc?: () => void }).gc?.();
    resetKernelPeak();
    this.phase = phase;
    this.sample();
  }

  stop(): void {
    this.leave();
    clearInterval(this.timer);
  }

  /** The highest peak of the named phases: the kernel's when known, else the sampled one. */
  peakOf(phases: string[]): number {
    return Math.max(...phases.map((p) => this.kernel[p] ?? this.sampled[p] ?? 0));
  }

  private leave(): void {
    this.sample();
    this.maxRss = Math.max(this.maxRss, mb(process.resourceUsage().maxRSS * 1024));
    const peak = kernelPeakMb();
    if (peak !== undefined) this.kernel[this.phase] = Math.max(this.kernel[this.phase] ?? 0, peak);
  }

  private sample(): void {
    this.sampled[this.phase] = Math.max(this.sampled[this.phase] ?? 0, mb(process.memoryUsage().rss));
  }
}

// ------------------------------------------------------------------ bare fetch

async function bareFetch(
  sim: SimulatorReady,
  pageSize: number,
): Promise<{ ms: number; pages: number; records: number; debtorsMs: number; movesMs: number }> {
  const t0 = performance.now();
  const client = new BareClient(sim);
  await client.login();
  const partnerFields = Object.keys(
    (await client.call('res.partner', 'fields_get', [], { attributes: ['type'] })) as Record<string, unknown>,
  );
  const fields = [...PARTNER_FIELDS, ...OPTIONAL_PARTNER_FIELDS.filter((f) => partnerFields.includes(f))];
  const debtors = await client.walk('res.partner', DEBTORS_FILTER, fields, pageSize);
  const t1 = performance.now();
  const moves = await client.walk('account.move', MOVES_FILTER, MOVE_FIELDS, pageSize);
  const t2 = performance.now();
  return {
    ms: Math.round(t2 - t0),
    pages: debtors.pages + moves.pages,
    records: debtors.records + moves.records,
    debtorsMs: Math.round(t1 - t0),
    movesMs: Math.round(t2 - t1),
  };
}

// ------------------------------------------------------------------ sync runs

/** Time spent in each part of a sync, measured by wrapping the adapter's and the store's methods. */
interface Spans {
  adapterReadMs: number;
  adapterEstimateMs: number;
  storeMs: number;
  storeCalls: number;
}

function timed<T extends object>(target: T, methods: (keyof T)[], add: (ms: number) => void): void {
  for (const name of methods) {
    const original = target[name] as unknown as (...a: unknown[]) => Promise<unknown>;
    if (typeof original !== 'function') continue;
    (target as Record<keyof T, unknown>)[name] = async (...args: unknown[]) => {
      const t = performance.now();
      try {
        return await original.apply(target, args);
      } finally {
        add(performance.now() - t);
      }
    };
  }
}

async function sync(
  sim: SimulatorReady,
  store: Store,
): Promise<{ ms: number; summary: SyncSummary; spans: Spans; logLines: number }> {
  const { logger, lines } = quietLogger();
  // XML-RPC whatever the version, so that the bare client speaks the same protocol.
  const config = OdooConnectionSchema.parse({
    id: CONNECTION,
    type: 'odoo',
    url: sim.url,
    database: sim.database,
    login: sim.login,
    apiKey: sim.apiKey,
    protocol: 'xmlrpc',
    ...(PAGE_SIZE ? { pageSize: PAGE_SIZE } : {}),
  });
  const adapter: ErpAdapter = createOdooAdapter(config, { clock: systemClock, logger });
  const spans: Spans = { adapterReadMs: 0, adapterEstimateMs: 0, storeMs: 0, storeCalls: 0 };
  timed(adapter, ['read', 'readByIds', 'listOpenReceivableIds'], (ms) => (spans.adapterReadMs += ms));
  timed(adapter, ['estimate'], (ms) => (spans.adapterEstimateMs += ms));
  const storeSpan = (ms: number): void => {
    spans.storeMs += ms;
    spans.storeCalls++;
  };
  timed(store.sync, ['getCursor', 'receivableStates', 'listOpenReceivableIds'], storeSpan);
  // A page is saved in one unit of work (connector/sync/save-page.ts): its transaction is the span.
  timed(store, ['transaction'], storeSpan);
  const t = performance.now();
  const summary = await syncConnection({
    store,
    adapter,
    connection: CONNECTION,
    clock: systemClock,
    logger,
    mode: 'incremental',
  });
  const ms = performance.now() - t;
  await adapter.close();
  if (summary.error) throw new Error(`sync failed: ${summary.error.code}: ${summary.error.message}`);
  return {
    ms: Math.round(ms),
    summary,
    spans: {
      adapterReadMs: Math.round(spans.adapterReadMs),
      adapterEstimateMs: Math.round(spans.adapterEstimateMs),
      storeMs: Math.round(spans.storeMs),
      storeCalls: spans.storeCalls,
    },
    logLines: lines(),
  };
}

async function freshStore(dir: string, name: string): Promise<Store> {
  const store = await openSqliteStore(join(dir, `${name}.sqlite`));
  await store.migrate();
  return store;
}

/** The reads of both clients, compared: same calls, records, ids and request shapes, or a list of differences. */
function comparePages(adapter: Record<string, CallStats>, bare: Record<string, CallStats>): string[] {
  const problems: string[] = [];
  for (const key of READ_CALLS) {
    const a = adapter[key];
    const b = bare[key];
    if (!a || !b) {
      problems.push(`${key}: ${a ? '' : 'not called by the adapter'}${b ? '' : 'not called by the bare client'}`);
      continue;
    }
    for (const f of ['calls', 'records', 'idSum'] as const)
      if (a[f] !== b[f]) problems.push(`${key}.${f}: adapter ${a[f]}, bare ${b[f]}`);
    if (JSON.stringify(a.shapes) !== JSON.stringify(b.shapes))
      problems.push(`${key}: adapter asked ${a.shapes.join(' ; ')}, bare asked ${b.shapes.join(' ; ')}`);
  }
  return problems;
}

function summarizeCalls(
  calls: Record<string, CallStats>,
): Record<string, { calls: number; records: number; dbMs: number }> {
  return Object.fromEntries(
    Object.entries(calls).map(([k, s]) => [k, { calls: s.calls, records: s.records, dbMs: s.ms }]),
  );
}

// ------------------------------------------------------------------ main

async function main(): Promise<void> {
  const rss = new RssMeter();
  const dir = mkdtempSync(join(tmpdir(), 'recouvra-odoo-bench-'));
  process.stderr.write(`odoo-sync: seeding the simulator (${OPEN_WANTED} open invoices wanted) …\n`);
  const simulator = await Simulator.start(VERSION, OPEN_WANTED);
  const sim = simulator.ready;
  const pageSize = PAGE_SIZE ?? OdooConnectionSchema.shape.pageSize.parse(undefined);
  try {
    let bestBare: Awaited<ReturnType<typeof bareFetch>> | undefined;
    let bestFull: Awaited<ReturnType<typeof sync>> | undefined;
    let fullCalls: Record<string, CallStats> = {};
    const rounds: { fullMs: number; bareMs: number }[] = [];
    let pageProblems: string[] = [];
    let store: Store | undefined;
    for (let n = 1; n <= ROUNDS; n++) {
      // The full sync first: its peak RSS is then measured in a process no bare fetch has grown.
      await store?.close();
      store = await freshStore(dir, `round-${n}`);
      rss.enter('full');
      process.stderr.write(`odoo-sync: round ${n}/${ROUNDS}: full sync …\n`);
      const full = await sync(sim, store);
      rss.enter('between');
      const calls = await simulator.stats();
      if (!bestFull || full.ms < bestFull.ms) {
        bestFull = full;
        fullCalls = calls;
      }

      rss.enter('bareFetch');
      process.stderr.write(`odoo-sync: round ${n}/${ROUNDS}: bare fetch …\n`);
      const bare = await bareFetch(sim, pageSize);
      rss.enter('between');
      const bareCalls = await simulator.stats();
      if (!bestBare || bare.ms < bestBare.ms) bestBare = bare;
      pageProblems = [...pageProblems, ...comparePages(calls, bareCalls).map((p) => `round ${n}: ${p}`)];
      rounds.push({ fullMs: full.ms, bareMs: bare.ms });
    }

    process.stderr.write(`odoo-sync: paying ${CHANGED_FRACTION * 100}% of the open invoices in the simulator …\n`);
    const changed = await simulator.ask(
      { type: 'change', fraction: CHANGED_FRACTION, advanceSeconds: CHANGE_AFTER_SECONDS },
      'changed',
    );
    await simulator.stats();
    rss.enter('incremental');
    process.stderr.write('odoo-sync: incremental sync …\n');
    const incremental = await sync(sim, store!);
    rss.enter('teardown');
    const incrementalCalls = await simulator.stats();
    await store!.close();
    rss.stop();

    const full = bestFull!;
    const bare = bestBare!;
    const overheadRatio = round(full.ms / bare.ms, 2);
    const incrementalRatio = round(incremental.ms / full.ms, 4);
    const peakRssMb = rss.peakOf(['full', 'incremental']);
    const result = {
      benchmark: 'odoo-sync',
      node: process.version,
      odoo: {
        version: sim.version,
        protocol: 'xmlrpc',
        pageSize,
        invoices: sim.invoices,
        partners: sim.partners,
        seedMs: sim.seedMs,
        simulatorRssMb: sim.rssMb,
      },
      openInvoices: sim.openInvoices,
      rounds,
      full: {
        ms: full.ms,
        recordsPerSecond: Math.round(full.summary.read / (full.ms / 1000)),
        invoicesPerSecond: Math.round((fullCalls['account.move.search_read']?.records ?? 0) / (full.ms / 1000)),
        summary: full.summary,
        spans: full.spans,
        logLines: full.logLines,
        simulatorCalls: summarizeCalls(fullCalls),
      },
      bareFetch: {
        ...bare,
        recordsPerSecond: Math.round(bare.records / (bare.ms / 1000)),
        samePagesAsAdapter: pageProblems.length === 0,
        ...(pageProblems.length ? { differences: pageProblems } : {}),
      },
      overheadRatio,
      incremental: {
        ms: incremental.ms,
        paidInSimulator: changed.paid,
        changed: incremental.summary.changed,
        ratioToFull: incrementalRatio,
        summary: incremental.summary,
        spans: incremental.spans,
        simulatorCalls: summarizeCalls(incrementalCalls),
      },
      peakRssMb,
      peakRssMbByPhase: { kernel: rss.kernel, sampledEvery50ms: rss.sampled },
      bareFetchPeakRssMb: rss.peakOf(['bareFetch']),
      maxRssMb: rss.maxRss,
      targets: TARGETS,
      pass: {
        overheadRatio: overheadRatio <= TARGETS.overheadRatio,
        incrementalRatio: incrementalRatio <= TARGETS.incrementalRatio,
        peakRssMb: peakRssMb <= TARGETS.peakRssMb,
        incrementalSawTheChange: incremental.summary.changed === changed.paid,
        samePages: pageProblems.length === 0,
      },
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    rss.stop();
    await simulator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
