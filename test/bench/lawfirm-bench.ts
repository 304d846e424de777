import axios from 'axios';
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { stringify } from 'yaml';
import { webhookHeaders } from '../../adapters/lawfirm/webhook-signature';
import { startDaemon, type RunningDaemon } from '../../connector/app/cli/run-command';
import { procedureKey } from '../../connector/lawfirm/procedure-events';
import type { SimulatorReply } from './odoo-simulator-process';

/**
 * The law-firm benchmark (`npm run bench -- lawfirm`): from the firm's webhook to the note in the
 * ledger. The daemon runs with its configuration on SQLite and the store queue, synced from the
 * Odoo simulator (its own process); BENCH_LAWFIRM_FILES dossiers are recorded as handed to the
 * firm; then signed webhooks of one event each arrive at BENCH_LAWFIRM_RATE per second for
 * BENCH_LAWFIRM_SECONDS. Latency of an event: from the moment its webhook was sent to the moment
 * the outbox recorded its note as written in Odoo (the row's completion). Prints one JSON document.
 *
 * Env: BENCH_LAWFIRM_RATE (50 /s), BENCH_LAWFIRM_SECONDS (20), BENCH_LAWFIRM_FILES (200),
 * BENCH_LAWFIRM_OPEN (1500 open invoices in the simulator), BENCH_LAWFIRM_DRAIN_SECONDS (120).
 */

const RATE = Number(process.env.BENCH_LAWFIRM_RATE ?? 50);
const SECONDS = Number(process.env.BENCH_LAWFIRM_SECONDS ?? 20);
const FILES = Number(process.env.BENCH_LAWFIRM_FILES ?? 200);
const OPEN = Number(process.env.BENCH_LAWFIRM_OPEN ?? 1_500);
const DRAIN_SECONDS = Number(process.env.BENCH_LAWFIRM_DRAIN_SECONDS ?? 120);
const TARGETS = { p99LatencyMs: 1_000 };
const SECRET = 'bench-webhook-secret-0123456789abcdef';
const NEVER = '0 0 1 1 *';
const STATES = ['accepted', 'filed', 'order_issued', 'served', 'enforceable_title', 'enforcement', 'partial_recovery'];

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const silent = new Writable({ write: (_c, _e, done) => done() });

function startSimulator(): Promise<{ child: ChildProcess; ready: Extract<SimulatorReply, { type: 'ready' }> }> {
  const child = fork(join(__dirname, 'odoo-simulator-process.js'), ['18.0', String(OPEN), '7'], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: [],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('message', (m: SimulatorReply) =>
      m.type === 'ready' ? resolve({ child, ready: m }) : reject(new Error(JSON.stringify(m))),
    );
  });
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'recouvra-lawfirm-bench-'));
  const { child, ready } = await startSimulator();
  let running: RunningDaemon | undefined;
  try {
    const configPath = join(dir, 'recouvra.yaml');
    writeFileSync(
      configPath,
      stringify({
        version: 1,
        company: {
          name: 'Bench SAS',
          timezone: 'Europe/Paris',
          locale: 'fr-FR',
          siren: '732829320',
          address: {
            kind: 'registered_office',
            lines: ['1 rue du Banc'],
            postalCode: '75002',
            city: 'Paris',
            country: 'FR',
          },
        },
        store: { driver: 'sqlite', sqlite: { path: join(dir, 'store.sqlite') } },
        logging: { level: 'warn', format: 'json' },
        daemon: { syncCron: NEVER, reconcileCron: NEVER, evaluateCron: NEVER, trackCron: NEVER },
        api: { host: '127.0.0.1', port: 0, token: 'bench-api-token-0123456789abcdef' },
        // The firm is never called here: only its webhook is measured.
        lawfirm: {
          id: 'bench-firm',
          transport: 'api',
          api: { baseUrl: 'http://127.0.0.1:9', apiKey: 'bench-firm-key', webhookSecret: SECRET },
          pollCron: NEVER,
        },
        connections: [
          {
            id: 'odoo',
            type: 'odoo',
            url: ready.url,
            database: ready.database,
            login: ready.login,
            apiKey: ready.apiKey,
          },
        ],
      }),
    );
    running = await startDaemon({ config: configPath, clockSpeed: 1, demoInvoices: 0, seed: 1, dataDir: dir }, silent, {
      log: { level: 'warn' },
    });
    const store = running.store;
    process.stderr.write('syncing the simulator …\n');
    await running.daemon.enqueue('sync', { connection: 'odoo' }, 'bench');
    for (let waited = 0; (await store.sync.getCursor('odoo', 'receivables')) === undefined && waited < 300; waited++)
      await sleep(1_000);
    // Let the sync finish its pages.
    let before = -1;
    for (;;) {
      const n = (await store.cases.listCases({ limit: 100_000 })).length;
      if (n === before) break;
      before = n;
      await sleep(2_000);
    }

    // Dossiers handed to the firm: one per case with open invoices, up to FILES.
    const at = new Date().toISOString();
    const dossiers: { id: string; caseId: string }[] = [];
    for (const c of await store.cases.listCases({ limit: 100_000 })) {
      if (dossiers.length >= FILES) break;
      const items = (await store.sync.listReceivablesOfCase(c.id)).filter((r) => r.open > 0 && r.kind === 'invoice');
      if (items.length === 0) continue;
      const id = `dos_bench_${dossiers.length}`;
      await store.dossiers.recordDossier(
        {
          id,
          caseId: c.id,
          actionId: null,
          partner: 'bench-firm',
          fileId: `F-${dossiers.length}`,
          status: 'accepted',
          state: 'accepted',
          stateAt: at,
          events: 0,
          content: { claim: { lines: items.map((r) => ({ kind: r.kind, number: r.number })) } },
          submittedAt: at,
          updatedAt: at,
        },
        [],
      );
      dossiers.push({ id, caseId: c.id });
    }
    if (dossiers.length === 0) throw new Error('the sync brought no case with an open invoice');

    process.stderr.write(`${dossiers.length} files at the firm; sending ${RATE * SECONDS} webhooks at ${RATE}/s …\n`);
    const url = `${running.apiUrl!}/webhooks/lawfirm`;
    const sentAt = new Map<string, { caseId: string; at: number }>();
    const statuses: number[] = [];
    const total = RATE * SECONDS;
    const start = performance.now();
    const inflight: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const d = dossiers[i % dossiers.length]!;
      const eventId = `ev-${i}`;
      const body = JSON.stringify({
        events: [
          {
            id: eventId,
            fileId: `F-${dossiers.indexOf(d)}`,
            dossierId: d.id,
            type: STATES[Math.floor(i / dossiers.length) % STATES.length],
            occurredAt: new Date().toISOString(),
            label: 'bench',
          },
        ],
      });
      const headers = {
        'content-type': 'application/json',
        ...webhookHeaders(SECRET, Math.floor(Date.now() / 1000), body),
      };
      sentAt.set(`bench-firm:${eventId}`, { caseId: d.caseId, at: Date.now() });
      inflight.push(
        axios
          .post(url, body, { headers, validateStatus: () => true, transformRequest: [(x: unknown) => x] })
          .then((r) => void statuses.push(r.status)),
      );
    }
    await Promise.all(inflight);
    const sendSeconds = (performance.now() - start) / 1000;

    // Wait until every note is written (or the drain time is up).
    const latencies: number[] = [];
    const deadline = Date.now() + DRAIN_SECONDS * 1000;
    let pending = sentAt.size;
    while (Date.now() < deadline) {
      const done = new Map(
        (await store.outbox.listActions({ kind: 'ledger_note', status: 'done' })).map((a) => [a.idempotencyKey, a]),
      );
      latencies.length = 0;
      pending = 0;
      for (const [eventId, sent] of sentAt) {
        const row = done.get(procedureKey(sent.caseId, eventId, 'note'));
        if (row) latencies.push(Date.parse(row.updatedAt) - sent.at);
        else pending++;
      }
      if (pending === 0) break;
      await sleep(500);
    }
    latencies.sort((a, b) => a - b);
    const failed = (await store.outbox.listActions({ kind: 'ledger_note', status: 'failed' })).length;
    const p99 = percentile(latencies, 99);
    const result = {
      benchmark: 'lawfirm-webhook-to-ledger-note',
      node: process.version,
      files: dossiers.length,
      events: total,
      rateAsked: RATE,
      rateSent: Math.round((total / sendSeconds) * 10) / 10,
      webhookStatuses: Object.fromEntries(
        [...new Set(statuses)].map((s) => [s, statuses.filter((x) => x === s).length]),
      ),
      notesWritten: latencies.length,
      notesPending: pending,
      notesFailed: failed,
      latencyMs: {
        p50: percentile(latencies, 50),
        p95: percentile(latencies, 95),
        p99,
        max: latencies.at(-1) ?? Number.NaN,
      },
      targets: TARGETS,
      pass: { p99LatencyMs: pending === 0 && p99 <= TARGETS.p99LatencyMs },
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await running?.stop();
    child.disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
