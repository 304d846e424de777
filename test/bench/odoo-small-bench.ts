import { performance } from 'node:perf_hooks';
import { createOdooAdapter } from '../../adapters/odoo';
import { OdooConnectionSchema } from '../../adapters/odoo/config.schema';
import { OPEN_RECEIVABLES_DOMAIN } from '../../adapters/odoo/sync-plan';
import { createLogger } from '../../connector/log/logger';
import { openSqliteStore } from '../../connector/store/sqlite';
import type { ErpAdapter } from '../../connector/ports/erp';
import { syncConnection } from '../../connector/sync/sync-connection';
import { systemClock } from '../../connector/time/clock';
import { BareClient, Simulator } from './odoo-bench-kit';
import type { CallStats } from './odoo-simulator-process';
import { MOVE_FIELDS, PARTNER_FIELDS } from '../../adapters/odoo/reader';

/**
 * A small portfolio, where what a sync asks before its first page weighs most: a first sync of
 * about 200 open invoices against a bare fetch of the same records (login, then the same keyset
 * pages of customers and open invoices, no mapping, no store), both in this process, the
 * simulator in its own. Three ways of running the sync:
 *
 * - cold: a new adapter, as `recouvra sync --once` does (module loading is not counted);
 * - daemon: the adapter of a long-lived daemon, which has connected before;
 * and each against the bare fetch, pair by pair, alternating, the median kept.
 *
 * Run at the simulator's own speed (loopback, no latency) and with a per-request latency that
 * stands for a real server's (BENCH_ODOO_SMALL_LATENCY_MS, default 5 ms: an assumption, not a
 * measurement of any server). Env: BENCH_ODOO_SMALL_OPEN (default 190, about 190 open invoices), BENCH_ODOO_SMALL_PAIRS (21).
 */

const OPEN_WANTED = Number(process.env.BENCH_ODOO_SMALL_OPEN ?? 190);
const PAIRS = Math.max(3, Number(process.env.BENCH_ODOO_SMALL_PAIRS ?? 21));
const LATENCY_MS = Number(process.env.BENCH_ODOO_SMALL_LATENCY_MS ?? 5);
const VERSION = '18.0';
const TARGET_RATIO = 1.2;
const DEBTORS_FILTER = [['customer_rank', '>', 0], '|', ['is_company', '=', true], ['parent_id', '=', false]];
const OPTIONAL_PARTNER_FIELDS = ['company_registry', 'siret', 'mobile', 'country_code'];

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (n: number, digits = 2): number => Number(n.toFixed(digits));

/** A plain script knows the fields of its server: the same partner fields the adapter reads there. */
async function partnerFields(sim: Simulator): Promise<string[]> {
  const client = new BareClient(sim.ready);
  await client.login();
  const present = Object.keys(
    (await client.call('res.partner', 'fields_get', [], { allfields: OPTIONAL_PARTNER_FIELDS })) as Record<
      string,
      unknown
    >,
  );
  return [...PARTNER_FIELDS, ...OPTIONAL_PARTNER_FIELDS.filter((f) => present.includes(f))];
}

async function bare(sim: Simulator, fields: string[]): Promise<number> {
  const t = performance.now();
  const client = new BareClient(sim.ready);
  await client.login();
  await client.walk('res.partner', DEBTORS_FILTER, fields, 500);
  await client.walk('account.move', OPEN_RECEIVABLES_DOMAIN, MOVE_FIELDS, 500);
  return performance.now() - t;
}

function newAdapter(sim: Simulator): ErpAdapter {
  const { url, database, login, apiKey } = sim.ready;
  const config = OdooConnectionSchema.parse({
    id: 'small',
    type: 'odoo',
    url,
    database,
    login,
    apiKey,
    protocol: 'xmlrpc',
  });
  return createOdooAdapter(config, { clock: systemClock, logger: createLogger({ level: 'error', format: 'json' }) });
}

/** One first sync into a new store; only the sync is timed (the store's creation is not). */
async function sync(adapter: ErpAdapter): Promise<number> {
  const store = await openSqliteStore(':memory:');
  await store.migrate();
  try {
    const t = performance.now();
    const summary = await syncConnection({
      store,
      adapter,
      connection: 'small',
      clock: systemClock,
      logger: createLogger({ level: 'error', format: 'json' }),
      mode: 'incremental',
    });
    const ms = performance.now() - t;
    if (summary.error) throw new Error(`sync failed: ${summary.error.code}: ${summary.error.message}`);
    return ms;
  } finally {
    await store.close();
  }
}

async function measure(latencyMs: number): Promise<Record<string, unknown>> {
  const sim = await Simulator.start(VERSION, OPEN_WANTED, latencyMs);
  try {
    const fields = await partnerFields(sim);
    const daemon = newAdapter(sim);
    await sync(daemon);
    await sim.stats();
    const times = { bare: [] as number[], cold: [] as number[], daemon: [] as number[] };
    let calls: Record<string, Record<string, CallStats>> = {};
    for (let i = 0; i < PAIRS; i++) {
      times.cold.push(await sync(newAdapter(sim)));
      const coldCalls = await sim.stats();
      times.bare.push(await bare(sim, fields));
      const bareCalls = await sim.stats();
      times.daemon.push(await sync(daemon));
      const daemonCalls = await sim.stats();
      if (i === 0) calls = { cold: coldCalls, bare: bareCalls, daemon: daemonCalls };
    }
    const callCount = (c: Record<string, CallStats> | undefined) =>
      Object.values(c ?? {}).reduce((n, s) => n + s.calls, 0);
    const bareMs = median(times.bare);
    return {
      latencyMsPerRequest: latencyMs,
      openInvoices: sim.ready.openInvoices,
      medianMs: {
        bareFetch: round(bareMs, 1),
        coldSync: round(median(times.cold), 1),
        daemonSync: round(median(times.daemon), 1),
      },
      ratio: { coldSync: round(median(times.cold) / bareMs), daemonSync: round(median(times.daemon) / bareMs) },
      // Calls the database answered (the login on `common` is not counted): what each asks before and besides the records.
      odooCalls: {
        bareFetch: callCount(calls['bare']),
        coldSync: callCount(calls['cold']),
        daemonSync: callCount(calls['daemon']),
        coldSyncByMethod: Object.fromEntries(Object.entries(calls['cold'] ?? {}).map(([k, s]) => [k, s.calls])),
      },
    };
  } finally {
    await sim.stop();
  }
}

async function main(): Promise<void> {
  const runs = [];
  for (const latency of [...new Set([0, LATENCY_MS])]) {
    process.stderr.write(`odoo-small: ${PAIRS} pairs at ${latency} ms per request …\n`);
    runs.push(await measure(latency));
  }
  const worst = Math.max(...runs.map((r) => (r['ratio'] as { daemonSync: number }).daemonSync));
  process.stdout.write(
    `${JSON.stringify({ benchmark: 'odoo-small-portfolio', node: process.version, odoo: VERSION, pairs: PAIRS, runs, target: { daemonSyncRatio: TARGET_RATIO }, pass: { daemonSyncRatio: worst <= TARGET_RATIO } })}\n`,
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
