import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import axios from 'axios';
import { adapterRegistry } from '../../adapters/registry';
import { CredentialKeyring } from '../../connector/credentials/keyring';
import type { ErpAdapter } from '../../connector/ports/erp';
import { openSqliteStore } from '../../connector/store/sqlite';
import type { Store } from '../../connector/store/store';
import { createConnectionAdapter } from '../../connector/sync/connections';
import { syncConnection, type SyncSummary } from '../../connector/sync/sync-connection';
import { systemClock } from '../../connector/time/clock';
import { quietLogger } from './quiet-logger';
import type {
  SageCounters,
  SageSimulatorCommand,
  SageSimulatorReady,
  SageSimulatorReply,
} from './sage-active-simulator-process';
import { SimulatorChild } from './simulator-child';

/**
 * Sage Active sync benchmark, measured in this process against the simulator in a child process:
 *
 * 1. the full sync (first run: customers, then the open sales invoices) of an organisation with
 *    BENCH_SAGE_INVOICES open invoices (default 100,000) into a fresh SQLite file store, the
 *    adapter created through the registry as the daemon creates it, every GraphQL request it sends
 *    recorded (body and headers, in memory);
 * 2. a bare GraphQL fetch of the same pages: those requests sent again, in the same order, one at a
 *    time, with `fetch`, each answer's JSON parsed and nothing mapped nor saved: the floor the sync
 *    is measured against (target ≤ 1.3×);
 *    rounds of (1, 2) alternate (BENCH_SAGE_ROUNDS, default 2) and the best of each is kept, so that
 *    neither pays the warm-up of the simulator (its indexes, built on the first request after a
 *    change) nor of this process; every round must send the same requests (pass.sameRequests);
 * 3. the sweep and diff of the full reconciliation (sage.md §2.4: no deletion feed): every open id
 *    listed, the store's open ids read, the two compared; its cost per 10,000 open items;
 * 4. 0.1% of the open invoices deleted in the simulator, then a full sync with the same adapter:
 *    the sweep must close exactly those.
 *
 * The sync saves each page while the next is fetched (sync-connection.ts), so it takes about the
 * longer of the two per page: `full.saveMs` is the time spent in its page transactions, and
 * `full.cpuMs` the CPU time of this process (user and system) during the sync, what to look
 * at when the ratio is over its target. Peak RSS of this process (the connector's) during the syncs
 * and the sweep against 300 MB (the bare fetch's apart), and the machine's load average at the start
 * and the end (the simulator shares its cores). Prints one JSON line.
 */

const OPEN_WANTED = Number(process.env.BENCH_SAGE_INVOICES ?? 100_000);
const ROUNDS = Math.max(1, Number(process.env.BENCH_SAGE_ROUNDS ?? 2));
const DELETED_FRACTION = 0.001;
/** The deletions are dated after the window every run walks back (sync-plan.ts OVERLAP_MS). */
const CHANGE_AFTER_SECONDS = 180;
const RSS_SAMPLE_MS = 50;
const TARGETS = { fullToBareFetch: 1.3, peakRssMb: 300 };
const CONNECTION = 'bench-sage';

const mb = (bytes: number): number => Math.round(bytes / 2 ** 20);
const round = (n: number, digits = 0): number => Number(n.toFixed(digits));
const load = (): number[] => loadavg().map((l) => round(l, 2));

type Child = SimulatorChild<SageSimulatorCommand, SageSimulatorReply, SageSimulatorReady>;

/** The kernel's peak RSS of this process (VmHWM), in MB; undefined off Linux. */
function kernelPeakMb(): number | undefined {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
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
 * Peak RSS per phase: sampled every 50 ms, and the kernel's own peak, reset when a phase begins, so
 * that the bare fetch (which holds answers the sync never would) is not charged to the sync.
 */
class RssMeter {
  private readonly peaks: Record<string, number> = {};
  private phase = 'setup';
  private readonly timer = setInterval(() => this.sample(), RSS_SAMPLE_MS);

  enter(phase: string): void {
    this.leave();
    resetKernelPeak();
    this.phase = phase;
    this.sample();
  }

  stop(): void {
    this.leave();
    clearInterval(this.timer);
  }

  peakOf(phases: string[]): number {
    return Math.max(...phases.map((p) => this.peaks[p] ?? 0));
  }

  private leave(): void {
    this.sample();
    this.peaks[this.phase] = Math.max(this.peaks[this.phase] ?? 0, kernelPeakMb() ?? 0);
  }

  private sample(): void {
    this.peaks[this.phase] = Math.max(this.peaks[this.phase] ?? 0, mb(process.memoryUsage().rss));
  }
}

interface RecordedRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
}

/** The GraphQL requests the adapter sends, kept while recording (body and headers, in memory only: never printed). */
class Recorder {
  private requests: RecordedRequest[] | undefined;

  constructor() {
    axios.interceptors.request.use((config) => {
      if (this.requests && config.url?.endsWith('/graphql')) {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(config.headers.toJSON())) if (typeof v === 'string') headers[k] = v;
        this.requests.push({ url: config.url, body: JSON.stringify(config.data), headers });
      }
      return config;
    });
  }

  start(): void {
    this.requests = [];
  }

  stop(): RecordedRequest[] {
    const out = this.requests ?? [];
    this.requests = undefined;
    return out;
  }
}

/** The requests sent again with `fetch`, in order, one at a time, each answer read and its JSON parsed. */
async function bareFetch(requests: readonly RecordedRequest[]): Promise<{ ms: number; bytes: number }> {
  let bytes = 0;
  const t = performance.now();
  for (const r of requests) {
    const res = await fetch(r.url, { method: 'POST', headers: r.headers, body: r.body });
    const text = await res.text();
    bytes += text.length;
    const body = JSON.parse(text) as { errors?: unknown };
    if (res.status !== 200 || body.errors) throw new Error(`bare fetch answered ${res.status}: ${text.slice(0, 200)}`);
  }
  return { ms: Math.round(performance.now() - t), bytes };
}

/** The store passed to the sync, timing its page transactions (the saves; a read of states is outside them). */
function timedStore(store: Store, spent: { ms: number; transactions: number }): Store {
  return new Proxy(store, {
    get(target, key, receiver) {
      if (key !== 'transaction') return Reflect.get(target, key, receiver) as unknown;
      return async (...args: Parameters<Store['transaction']>) => {
        const t = performance.now();
        try {
          return await target.transaction(...args);
        } finally {
          spent.ms += performance.now() - t;
          spent.transactions++;
        }
      };
    },
  });
}

interface Round {
  ms: number;
  saveMs: number;
  cpuMs: number;
  saves: number;
  reads: number;
  summary: SyncSummary;
  requests: RecordedRequest[];
  bareMs: number;
  bytes: number;
}

async function main(): Promise<void> {
  const rss = new RssMeter();
  const loadAtStart = load();
  const recorder = new Recorder();
  const keyring = new CredentialKeyring(randomBytes(32));
  const dir = mkdtempSync(join(tmpdir(), 'recouvra-sage-bench-'));
  process.stderr.write(`sage-active: seeding the simulator (${OPEN_WANTED} open invoices wanted) …\n`);
  const child: Child = await SimulatorChild.start<SageSimulatorCommand, SageSimulatorReply, SageSimulatorReady>(
    'sage-active-simulator-process.js',
    [String(OPEN_WANTED), '1'],
  );
  const sim = child.ready;
  const counters = (): Promise<SageCounters> => child.ask({ type: 'counters' }, 'counters').then((r) => r.counters);
  const { logger, lines } = quietLogger();
  const tokens = await child.ask({ type: 'tokens' }, 'tokens');
  const usage = (a: ErpAdapter) => a.usage?.() ?? { reads: 0, writes: 0, throttled: 0 };
  /** A fresh SQLite file store holding the connection's tokens, and an adapter on it, as the daemon makes them. */
  const connect = async (name: string): Promise<{ store: Store; adapter: ErpAdapter }> => {
    const store = await openSqliteStore(join(dir, `${name}.sqlite`));
    await store.migrate();
    const credentials = store.credentials(CONNECTION, { keyring });
    await credentials.compareAndSet(await credentials.storedVersion(), {
      accessToken: tokens.accessToken,
      accessTokenExpiresAt: new Date(systemClock.now().getTime() + 8 * 3_600_000).toISOString(),
      refreshToken: tokens.refreshToken,
    });
    const { adapter } = createConnectionAdapter(
      {
        id: CONNECTION,
        type: 'sage-active',
        baseUrl: sim.url,
        clientId: sim.clientId,
        subscriptionKey: sim.subscriptionKey,
        organizationId: sim.organizationId,
      } as { id: string; type: string },
      adapterRegistry,
      { clock: systemClock, logger, credentials: () => store.credentials(CONNECTION, { keyring }) },
    );
    return { store, adapter };
  };
  const run = async (
    store: Store,
    adapter: ErpAdapter,
    mode: 'auto' | 'full',
  ): Promise<{ ms: number; saveMs: number; cpuMs: number; saves: number; summary: SyncSummary; reads: number }> => {
    const before = usage(adapter).reads;
    const spent = { ms: 0, transactions: 0 };
    const t = performance.now();
    const cpu = process.cpuUsage();
    const summary = await syncConnection({
      store: timedStore(store, spent),
      adapter,
      connection: CONNECTION,
      clock: systemClock,
      logger,
      mode,
    });
    const ms = Math.round(performance.now() - t);
    const cpuSpent = process.cpuUsage(cpu);
    if (summary.error) throw new Error(`sync failed: ${summary.error.code}: ${summary.error.message}`);
    return {
      ms,
      saveMs: Math.round(spent.ms),
      cpuMs: Math.round((cpuSpent.user + cpuSpent.system) / 1000),
      saves: spent.transactions,
      summary,
      reads: usage(adapter).reads - before,
    };
  };

  let current: { store: Store; adapter: ErpAdapter } | undefined;
  try {
    const rounds: Round[] = [];
    let fullCounters: SageCounters | undefined;
    for (let i = 1; i <= ROUNDS; i++) {
      if (current) {
        await current.adapter.close();
        await current.store.close();
      }
      current = await connect(`full-${i}`);
      await counters();
      process.stderr.write(`sage-active: round ${i}/${ROUNDS}: full sync into a fresh store …\n`);
      recorder.start();
      rss.enter('sync');
      const full = await run(current.store, current.adapter, 'auto');
      rss.enter('bare');
      const requests = recorder.stop();
      fullCounters = await counters();
      process.stderr.write(`sage-active: round ${i}/${ROUNDS}: bare fetch of the same ${requests.length} requests …\n`);
      const bare = await bareFetch(requests);
      await counters();
      rounds.push({ ...full, requests, bareMs: bare.ms, bytes: bare.bytes });
    }
    const { store, adapter } = current!;
    const first = rounds[0]!;
    const sameRequests = rounds.every(
      (r) =>
        r.requests.length === first.requests.length &&
        r.requests.every((q, k) => q.url === first.requests[k]!.url && q.body === first.requests[k]!.body),
    );
    const full = rounds.reduce((a, b) => (b.ms < a.ms ? b : a));
    const bareMs = Math.min(...rounds.map((r) => r.bareMs));
    const storeOpen = (await store.sync.listOpenReceivableIds(CONNECTION)).length;

    process.stderr.write('sage-active: sweep and diff …\n');
    rss.enter('sync');
    const readsBeforeSweep = usage(adapter).reads;
    const ts = performance.now();
    const atSource = await adapter.listOpenReceivableIds();
    const sweepMs = performance.now() - ts;
    const inStore = new Set(await store.sync.listOpenReceivableIds(CONNECTION));
    let differ = 0;
    for (const id of inStore) if (!atSource.has(id)) differ++;
    for (const id of atSource) if (!inStore.has(id)) differ++;
    const sweepAndDiffMs = performance.now() - ts;
    const sweepReads = usage(adapter).reads - readsBeforeSweep;
    await counters();

    const deleteCount = Math.max(1, Math.round(sim.organization.openInvoices * DELETED_FRACTION));
    process.stderr.write(`sage-active: ${deleteCount} open invoices deleted, then a full sync …\n`);
    const deleted = await child.ask(
      { type: 'delete', count: deleteCount, advanceSeconds: CHANGE_AFTER_SECONDS },
      'deleted',
    );
    const reconciliation = await run(store, adapter, 'full');
    const reconciliationCounters = await counters();
    const ids = deleted.ids.map((id) => `${CONNECTION}:${sim.organizationId}:SalesInvoice:${id}`);
    const states = await store.sync.receivableStates(ids);
    const stillOpen = ids.filter((id) => (states.get(id)?.open ?? 0) > 0).length;
    rss.stop();
    const peakRssMb = rss.peakOf(['sync']);

    const open = sim.organization.openInvoices;
    const fullToBareFetch = round(full.ms / bareMs, 3);
    const per10k = 10_000 / Math.max(1, atSource.size);
    const result = {
      benchmark: 'sage-active-sync',
      node: process.version,
      machine: { cpus: cpus().length, loadAverageAtStart: loadAtStart, loadAverageAtEnd: load() },
      simulator: {
        invoicesGenerated: sim.invoices,
        organization: sim.organization,
        seedMs: sim.seedMs,
        rssMb: sim.rssMb,
      },
      openInvoices: open,
      rounds: rounds.map((r) => ({ fullMs: r.ms, bareFetchMs: r.bareMs, fullCpuMs: r.cpuMs })),
      full: {
        ms: full.ms,
        saveMs: full.saveMs,
        cpuMs: full.cpuMs,
        saves: full.saves,
        reads: full.reads,
        simulator: fullCounters,
        invoicesPerSecond: Math.round(open / (full.ms / 1000)),
        summary: {
          read: full.summary.read,
          new: full.summary.new,
          quarantined: full.summary.quarantined,
          debtors: full.summary.debtors,
          pages: full.summary.pages,
          warnings: full.summary.warnings,
        },
        storeOpen,
        logLines: lines(),
      },
      bareFetch: {
        ms: bareMs,
        requests: full.requests.length,
        megabytes: round(full.bytes / 2 ** 20, 1),
        peakRssMb: rss.peakOf(['bare']),
      },
      fullToBareFetch,
      sweep: {
        openListed: atSource.size,
        differences: differ,
        reads: sweepReads,
        sweepMs: Math.round(sweepMs),
        sweepAndDiffMs: Math.round(sweepAndDiffMs),
        msPer10000Open: round(sweepAndDiffMs * per10k, 1),
        readsPer10000Open: round(sweepReads * per10k, 2),
      },
      reconciliation: {
        ms: reconciliation.ms,
        reads: reconciliation.reads,
        simulator: reconciliationCounters,
        deleted: deleted.ids.length,
        closed: reconciliation.summary.closed,
        deletedStillOpen: stillOpen,
      },
      peakRssMb,
      targets: TARGETS,
      pass: {
        fullToBareFetch: fullToBareFetch <= TARGETS.fullToBareFetch,
        peakRssMb: peakRssMb <= TARGETS.peakRssMb,
        sameRequests,
        allOpenRead: storeOpen === open && differ === 0,
        deletionsClosed: stillOpen === 0 && reconciliation.summary.closed === deleted.ids.length,
      },
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    rss.stop();
    if (current) {
      await current.adapter.close();
      await current.store.close();
    }
    await child.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
