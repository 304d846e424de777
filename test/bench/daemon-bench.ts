import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { openSqliteStore } from '../../connector/store/sqlite';
import { sqliteDriver } from '../../connector/store/sqlite-driver';
import type { CaseSnapshot } from '../../connector/store/store';
import { cachedPortfolio } from './portfolio';

/**
 * The daemon benchmark (`npm run bench -- daemon`). Prints one JSON document:
 *
 * - `outbox.store` / `outbox.redis`: decision-to-e-mail latency and throughput of the outbox at
 *   BENCH_DAEMON_RATE decisions per second, with the store queue on SQLite and with BullMQ on
 *   Redis (daemon-outbox-process.ts, one process per run, the SMTP relay in another);
 * - `diagnosis` (unless BENCH_DAEMON_DIAGNOSE=0): the same run with a relay that greets at once,
 *   with pooled SMTP connections, and with BENCH_DAEMON_CONCURRENCY outbox jobs at once; and two
 *   dispatches over the same rows at once (no e-mail may arrive twice);
 * - `rssAtRest`: `recouvra run` in a child process on a copy of the generated portfolio
 *   (BENCH_RECEIVABLES / BENCH_DEBTORS, the evaluate benchmark's, cached in .bench/), no
 *   connection, the store queue, no schedule due; VmRSS and VmHWM after BENCH_DAEMON_IDLE_SECONDS
 *   idle; the same with the HTTP API enabled, and on an empty store, for comparison; and the RSS
 *   of holding every case snapshot at once, as `Daemon.evaluate` does when its schedule fires.
 *
 * Env: BENCH_DAEMON_CASES (2000), BENCH_DAEMON_RATE (100 /s), BENCH_DAEMON_SECONDS (10),
 * BENCH_DAEMON_DRAIN_SECONDS (180), BENCH_REDIS_URL (redis://127.0.0.1:6379),
 * BENCH_DAEMON_IDLE_SECONDS (10), BENCH_DAEMON_DIAGNOSE (1), BENCH_DAEMON_CONCURRENCY (16: with one
 * connection per message at ~105 ms each, 100 e-mails/s need at least 11 in flight).
 */

const RECEIVABLES = Number(process.env.BENCH_RECEIVABLES ?? 1_000_000);
const DEBTORS = Number(process.env.BENCH_DEBTORS ?? 200_000);
const RATE = Number(process.env.BENCH_DAEMON_RATE ?? 100);
const IDLE_SECONDS = Number(process.env.BENCH_DAEMON_IDLE_SECONDS ?? 10);
const DIAGNOSE = process.env.BENCH_DAEMON_DIAGNOSE !== '0';
const CONCURRENCY = Number(process.env.BENCH_DAEMON_CONCURRENCY ?? 16);
const MIN_CASES_AT_REST = 100_000;
const TARGETS = {
  p99LatencyMs: 1_000,
  actionsPerSecondShareOfRate: 0.95,
  rssAtRestMb: 250,
  minCasesAtRest: MIN_CASES_AT_REST,
};
/** Never during the measurement (1 January, midnight). */
const NEVER = '0 0 1 1 *';
const STARTED_LINE = 'recouvra running';
const START_TIMEOUT_MS = 120_000;

const mb = (kb: number): number => Math.round(kb / 1024);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function child(script: string, args: string[]): Record<string, unknown> {
  const out = execFileSync(process.execPath, [join(__dirname, script), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 24,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as Record<string, unknown>;
}

const outboxRun = (...args: string[]): Record<string, unknown> => child('daemon-outbox-process.js', args);

// ------------------------------------------------------------------ RSS at rest

/** VmRSS, VmHWM, RssAnon and RssFile of a process, in kB (proc(5)). */
function memoryOf(pid: number): Record<'VmRSS' | 'VmHWM' | 'RssAnon' | 'RssFile', number> {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { VmRSS: kb('VmRSS'), VmHWM: kb('VmHWM'), RssAnon: kb('RssAnon'), RssFile: kb('RssFile') };
}

function countCases(path: string): number {
  const db = new (sqliteDriver())(path, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('select count(*) as n from cases').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** `recouvra run --config` on `storePath` in a child process; its memory after `IDLE_SECONDS` idle. */
async function daemonAtRest(
  storePath: string,
  dir: string,
  options: { api?: boolean } = {},
): Promise<Record<string, unknown>> {
  const configPath = join(dir, `rest-${Date.now()}.yaml`);
  writeFileSync(
    configPath,
    stringify({
      version: 1,
      company: { name: 'Recouvra Bench SAS', timezone: 'Europe/Paris' },
      store: { driver: 'sqlite', sqlite: { path: storePath } },
      logging: { level: 'info', format: 'json' },
      daemon: { syncCron: NEVER, reconcileCron: NEVER, evaluateCron: NEVER, outboxCron: NEVER },
      queue: { driver: 'store' },
      channels: {},
      connections: [],
      ...(options.api ? { api: { host: '127.0.0.1', port: 0, token: randomBytes(24).toString('hex') } } : {}),
    }),
  );
  const started = performance.now();
  const daemon = spawn(
    process.execPath,
    [join(__dirname, '..', '..', 'connector', 'app', 'cli', 'main.js'), 'run', '--config', configPath],
    { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const lines: string[] = [];
  const exited = new Promise<number | null>((resolve) => daemon.once('exit', (code) => resolve(code)));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`recouvra run did not start within ${START_TIMEOUT_MS} ms: ${lines.slice(-5).join(' | ')}`)),
        START_TIMEOUT_MS,
      );
      let pending = '';
      daemon.stderr.on('data', (chunk: Buffer) => {
        pending += chunk.toString('utf8');
        const complete = pending.split('\n');
        pending = complete.pop()!;
        for (const line of complete) {
          lines.push(line);
          if (line.includes(STARTED_LINE)) {
            clearTimeout(timer);
            resolve();
          }
        }
      });
      void exited.then((code) => reject(new Error(`recouvra run exited with ${code}: ${lines.slice(-5).join(' | ')}`)));
    });
    const startupMs = Math.round(performance.now() - started);
    const linesAtStart = lines.length;
    const samples: number[] = [];
    for (let s = 0; s < IDLE_SECONDS; s++) {
      await sleep(1_000);
      samples.push(mb(memoryOf(daemon.pid!).VmRSS));
    }
    const m = memoryOf(daemon.pid!);
    const logLinesWhileIdle = lines.length - linesAtStart;
    const stopAt = performance.now();
    daemon.kill('SIGTERM');
    const exitCode = await exited;
    return {
      startupMs,
      idleSeconds: IDLE_SECONDS,
      vmRssMb: mb(m.VmRSS),
      vmHwmMb: mb(m.VmHWM),
      rssAnonMb: mb(m.RssAnon),
      rssFileMb: mb(m.RssFile),
      vmRssMbEachSecond: samples,
      logLinesWhileIdle,
      stopMs: Math.round(performance.now() - stopAt),
      exitCode,
    };
  } finally {
    if (daemon.exitCode === null && daemon.signalCode === null) daemon.kill('SIGKILL');
  }
}

async function rssAtRest(): Promise<Record<string, unknown>> {
  const { path: cached, generation } = cachedPortfolio(RECEIVABLES, DEBTORS);
  const dir = mkdtempSync(join(tmpdir(), 'recouvra-daemon-rest-'));
  try {
    // The daemon writes (migrations, jobs): it works on a copy, the cache stays as generated.
    const storePath = join(dir, 'portfolio.sqlite');
    copyFileSync(cached, storePath);
    const cases = countCases(storePath);
    process.stderr.write(`daemon bench: recouvra run at rest on ${cases} cases …\n`);
    const portfolio = await daemonAtRest(storePath, dir);
    process.stderr.write('daemon bench: recouvra run at rest with the HTTP API …\n');
    const withApi = await daemonAtRest(storePath, dir, { api: true });
    process.stderr.write('daemon bench: recouvra run at rest on an empty store …\n');
    const empty = await daemonAtRest(join(dir, 'empty.sqlite'), dir);
    process.stderr.write('daemon bench: every snapshot held at once, as Daemon.evaluate does …\n');
    const held = child('daemon-bench.js', ['hold-snapshots', storePath]);
    return {
      portfolio: { receivables: RECEIVABLES, debtors: DEBTORS, cases, generation },
      ...portfolio,
      withHttpApi: withApi,
      emptyStore: empty,
      evaluateHoldsEverySnapshot: held,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What `Daemon.evaluate` holds before its first decision: every snapshot, in one array. */
async function holdSnapshots(path: string): Promise<Record<string, unknown>> {
  const store = await openSqliteStore(path);
  const started = performance.now();
  const snapshots: CaseSnapshot[] = [];
  for await (const s of store.cases.streamCaseSnapshots()) snapshots.push(s);
  const ms = Math.round(performance.now() - started);
  const rss = mb(memoryOf(process.pid).VmRSS);
  const hwm = mb(memoryOf(process.pid).VmHWM);
  await store.close();
  return {
    snapshots: snapshots.length,
    items: snapshots.reduce((n, s) => n + s.items.length, 0),
    readMs: ms,
    vmRssMb: rss,
    vmHwmMb: hwm,
    heapUsedMb: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
  };
}

// ------------------------------------------------------------------ main

function passOf(run: Record<string, unknown>): boolean {
  const latency = run['latencyMs'] as { p99: number };
  const emails = run['emails'] as { expected: number; arrived: number; duplicates: number };
  return (
    latency.p99 <= TARGETS.p99LatencyMs &&
    emails.arrived === emails.expected &&
    emails.duplicates === 0 &&
    (run['actionsPerSecond'] as number) >= TARGETS.actionsPerSecondShareOfRate * RATE
  );
}

async function main(): Promise<void> {
  process.stderr.write('daemon bench: outbox, store queue …\n');
  const store = outboxRun('store');
  process.stderr.write('daemon bench: outbox, Redis queue …\n');
  const redis = outboxRun('redis');
  let diagnosis: Record<string, unknown> | undefined;
  if (DIAGNOSE) {
    process.stderr.write('daemon bench: diagnosis runs …\n');
    diagnosis = {
      storeQueueInstantRelay: outboxRun('store', 'instant', '0'),
      storeQueuePooledSmtp: outboxRun('store', 'smtp-server', '1'),
      redisQueuePooledSmtp: outboxRun('redis', 'smtp-server', '1'),
      storeQueueOutboxConcurrency: outboxRun('store', 'smtp-server', '0', String(CONCURRENCY)),
      redisQueueOutboxConcurrency: outboxRun('redis', 'smtp-server', '0', String(CONCURRENCY)),
      twoDispatchesAtOnce: outboxRun('dispatch-race'),
    };
  }
  const rest = await rssAtRest();
  const cases = (rest['portfolio'] as { cases: number }).cases;
  const result = {
    benchmark: 'daemon',
    node: process.version,
    outbox: { ratePerSecond: RATE, store, redis },
    ...(diagnosis ? { diagnosis } : {}),
    rssAtRest: rest,
    targets: { ...TARGETS, actionsPerSecond: TARGETS.actionsPerSecondShareOfRate * RATE },
    pass: {
      outboxStore: passOf(store),
      outboxRedis: passOf(redis),
      rssAtRest: (rest['vmRssMb'] as number) <= TARGETS.rssAtRestMb && cases >= MIN_CASES_AT_REST,
    },
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (process.argv[2] === 'hold-snapshots') {
  holdSnapshots(process.argv[3]!)
    .then((r) => process.stdout.write(`${JSON.stringify(r)}\n`))
    .catch((e: unknown) => {
      process.stderr.write(`${(e as Error).stack}\n`);
      process.exit(1);
    });
} else {
  main().catch((e: unknown) => {
    process.stderr.write(`${(e as Error).stack}\n`);
    process.exit(1);
  });
}
