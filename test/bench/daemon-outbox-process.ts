import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import IORedis from 'ioredis';
import nodemailer from 'nodemailer';
import winston from 'winston';
import { ConfigSchema, type Config } from '../../config/config.schema';
import { createSmtpEmailChannel, type EmailChannel } from '../../adapters/email';
import { domainOf, messageIdFor } from '../../adapters/email/message-id';
import { loadFrenchLegalData } from '../../connector/claim/legal-data';
import { Daemon } from '../../connector/app/daemon/daemon';
import { buildPerformers } from '../../connector/app/daemon/performers';
import { createMetrics } from '../../connector/app/http';
import { BullMqJobQueue } from '../../connector/jobs/bullmq-queue';
import type { JobQueue } from '../../connector/jobs/job-queue';
import { openJobQueue } from '../../connector/jobs/open-queue';
import { createLogger } from '../../connector/log/logger';
import type { Debtor, Receivable } from '../../connector/model';
import { dispatchActions, type Performer } from '../../connector/outbox/dispatch';
import { evaluationContext } from '../../connector/policy/context';
import { decide } from '../../connector/policy/decide';
import { loadPolicies } from '../../connector/policy/load-policies';
import { openSqliteStore } from '../../connector/store/sqlite';
import type { CaseSnapshot, Store } from '../../connector/store/store';
import { systemClock } from '../../connector/time/clock';
import { debtor, invoice } from '../helpers/builders';
import type { SinkCommand, SinkKind, SinkReply } from './smtp-arrival-sink';
import { saveReceivables } from '../../connector/cases/case-lifecycle';
import { jobStoreOf } from '../../connector/store/job-store';

/**
 * One outbox run of the daemon benchmark:
 * `node daemon-outbox-process.js <store|redis> [smtp-server|instant] [pooled SMTP connections] [outbox concurrency]`.
 *
 * - a fresh SQLite store with BENCH_DAEMON_CASES cases (one debtor, one overdue invoice each),
 *   written through the Store API;
 * - the SMTP sink in a child process (smtp-arrival-sink.ts), which notes when each Message-ID
 *   arrives;
 * - a Daemon built as `startDaemon` builds it, with the e-mail performer only, warmed up by one
 *   outbox run before the clock starts (a running daemon has its queue connected);
 * - BENCH_DAEMON_RATE decisions per second for BENCH_DAEMON_SECONDS seconds, open loop (a late
 *   decision does not delay the next one): `decide` on one case (fr-b2b, reminder-1 due), then
 *   an outbox job with an id of its own, so that the outbox runs at once.
 *
 * The latency of an action is its e-mail's arrival at the sink minus the instant `decide` was
 * called. The method and channel wrappers below only time: they change nothing. Three variants
 * exist to find where the time goes: the `instant` relay (no greeting pause); pooled SMTP
 * connections (nodemailer's `pool: true`, set by wrapping `createTransport` in this process
 * only), which is what the channel would do with a pool; and several outbox jobs at once (the
 * concurrency `Daemon.start` registers, raised by wrapping `queue.process`), which is what
 * several claim loops in one dispatch would do.
 *
 * `node daemon-outbox-process.js dispatch-race` instead runs two outbox dispatches at the same
 * time over the same pending rows (as two outbox jobs would, with a concurrency of 2 or two
 * daemons) and counts the e-mails that arrived twice.
 * Prints one JSON line.
 */

const CASES = Number(process.env.BENCH_DAEMON_CASES ?? 2_000);
const RATE = Number(process.env.BENCH_DAEMON_RATE ?? 100);
const SECONDS = Number(process.env.BENCH_DAEMON_SECONDS ?? 10);
/** How long to wait after the last decision for the e-mails still on their way (s). */
const DRAIN_SECONDS = Number(process.env.BENCH_DAEMON_DRAIN_SECONDS ?? 180);
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const POLICY = 'fr-b2b';
/** Invoices fall due on DUE_DATE; reminder-1 (due date + 5 days) is due on AS_OF; the courtesy step is past. */
const DUE_DATE = '2026-03-02';
const AS_OF = '2026-03-09';
/** 500.00 EUR: above the policy's minimum balance, below the courtesy step's threshold. */
const AMOUNT = 50_000;
/** Never during a run: only the outbox jobs the benchmark enqueues (and the outbox tick) do work. */
const NEVER = '0 0 1 1 *';
const FROM = 'recouvrement@bench.recouvra.test';
/** Rows of the dispatch race: enough for both dispatches to overlap, few enough to be quick. */
const RACE_ROWS = 40;

interface RunOptions {
  driver: 'store' | 'redis';
  sink: SinkKind;
  /** Pooled SMTP connections; 0: the channel as it is (one connection per message). */
  smtpPool: number;
  /** Outbox jobs run at once in this process; 1: as `Daemon.start` registers them. */
  outboxConcurrency: number;
}

/** Makes every nodemailer transport created from now on in this process a pooled one. */
function poolSmtpConnections(maxConnections: number): void {
  const original = nodemailer.createTransport.bind(nodemailer);
  const pooled = (options: Record<string, unknown>, defaults?: Record<string, unknown>) =>
    original({ ...options, pool: true, maxConnections } as never, defaults as never);
  (nodemailer as unknown as { createTransport: typeof pooled }).createTransport = pooled;
}

const now = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const round = (n: number, digits = 1): number => Number(n.toFixed(digits));

function percentiles(values: number[]): {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
} {
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest rank: the smallest value with at least p % of the values at or below it.
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
  const mean = sorted.reduce((s, v) => s + v, 0) / Math.max(1, sorted.length);
  return {
    n: sorted.length,
    p50: round(at(50)),
    p95: round(at(95)),
    p99: round(at(99)),
    max: round(at(100)),
    mean: round(mean),
  };
}

// ------------------------------------------------------------------ the sink process

class Sink {
  private readonly waiting: ((reply: SinkReply) => void)[] = [];

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    child.on('message', (reply: SinkReply) => this.waiting.shift()?.(reply));
  }

  static start(kind: SinkKind): Promise<Sink> {
    const child = fork(join(__dirname, 'smtp-arrival-sink.js'), [kind], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: [],
    });
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`the SMTP sink exited with ${code} before it was ready`)));
      child.once('message', (m: SinkReply) =>
        m.type === 'ready' ? resolve(new Sink(child, m.port)) : reject(new Error(JSON.stringify(m))),
      );
    });
  }

  report(): Promise<Extract<SinkReply, { type: 'report' }>> {
    const reply = new Promise<SinkReply>((resolve) => this.waiting.push(resolve));
    this.child.send({ type: 'report' } satisfies SinkCommand);
    return reply as Promise<Extract<SinkReply, { type: 'report' }>>;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.send({ type: 'stop' } satisfies SinkCommand);
    });
  }
}

// ------------------------------------------------------------------ timing wrappers

interface MethodTime {
  calls: number;
  ms: number;
}

/** Replaces each named method of `target` with one that adds its wall time to `times`. */
function timeMethods<T extends object>(
  target: T,
  methods: (keyof T & string)[],
  times: Record<string, MethodTime>,
  after?: (name: string, args: unknown[], result: unknown, ms: number) => void,
): void {
  for (const name of methods) {
    const original = target[name] as unknown as (...a: unknown[]) => Promise<unknown>;
    const t: MethodTime = (times[name] = { calls: 0, ms: 0 });
    (target as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      const start = performance.now();
      const result = await original.apply(target, args);
      const ms = performance.now() - start;
      t.calls++;
      t.ms += ms;
      after?.(name, args, result, ms);
      return result;
    };
  }
}

/** What happened to one e-mail action, as epoch ms (see `now`). */
interface Timeline {
  decidedAt: number;
  recordedAt?: number;
  enqueuedAt?: number;
  performStart?: number;
  sendStart?: number;
  sendEnd?: number;
  performEnd?: number;
  completedAt?: number;
  arrivedAt?: number;
}

function countingLogger(): { logger: ReturnType<typeof createLogger>; lines: () => number; problems: string[] } {
  let lines = 0;
  const problems: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines++;
      const line = chunk.toString('utf8');
      if (problems.length < 5 && /"level":"(warn|error)"/.test(line)) problems.push(line.trim().slice(0, 300));
      done();
    },
  });
  // The daemon's default level: its info lines (one per outbox run that did something) are part of its cost.
  return {
    logger: createLogger({ level: 'info', format: 'json', transport: new winston.transports.Stream({ stream: sink }) }),
    lines: () => lines,
    problems,
  };
}

// ------------------------------------------------------------------ setup

async function seed(store: Store, cases: number): Promise<CaseSnapshot[]> {
  const at = new Date().toISOString();
  for (let start = 0; start < cases; start += 1_000) {
    const end = Math.min(cases, start + 1_000);
    const debtors: Debtor[] = [];
    const items: Receivable[] = [];
    for (let i = start; i < end; i++) {
      const id = `bench:partner:${i}`;
      debtors.push(debtor({ id, name: `Debtor ${i} SAS`, emails: [`ap${i}@debtor.example`] }));
      items.push(
        invoice({
          id: `bench:move:${i}`,
          number: `F-${i}`,
          debtorId: id,
          issueDate: '2026-01-31',
          dueDate: DUE_DATE,
          total: AMOUNT,
          open: AMOUNT,
        }),
      );
    }
    await store.transaction(async (tx) => {
      await tx.sync.upsertDebtors(debtors);
      await saveReceivables(tx, items, at);
    });
  }
  const snapshots: CaseSnapshot[] = [];
  for await (const s of store.cases.streamCaseSnapshots()) snapshots.push(s);
  return snapshots;
}

function benchConfig(driver: 'store' | 'redis', smtpPort: number, redisPrefix: string): Config {
  return ConfigSchema.parse({
    version: 1,
    company: {
      name: 'Recouvra Bench SAS',
      timezone: 'Europe/Paris',
      locale: 'fr-FR',
      address: {
        kind: 'registered_office',
        lines: ['12 rue du Banc d’essai'],
        postalCode: '75002',
        city: 'Paris',
        country: 'FR',
      },
      siren: '732829320',
      contact: { email: FROM, phone: '+33 1 23 45 67 89' },
      payment: { iban: 'FR76 3000 6000 0112 3456 7890 189', bic: 'AGRIFRPP' },
    },
    daemon: { syncCron: NEVER, reconcileCron: NEVER, evaluateCron: NEVER },
    queue:
      driver === 'redis' ? { driver: 'redis', redis: { url: REDIS_URL, prefix: redisPrefix } } : { driver: 'store' },
    channels: {
      email: {
        host: '127.0.0.1',
        port: smtpPort,
        secure: false,
        requireTls: false,
        from: { address: FROM, name: 'Recouvra Bench SAS' },
      },
    },
  });
}

/** Obliterates the prefix's queues, then deletes whatever keys of the prefix remain; says which those were. */
async function cleanRedis(
  prefix: string,
): Promise<{ obliterated: boolean; keysLeftAfterObliterate: string[]; keysLeftAtTheEnd: number }> {
  let obliterated = true;
  const admin = new BullMqJobQueue({ url: REDIS_URL, prefix });
  try {
    await admin.obliterate();
  } catch (e) {
    obliterated = false;
    process.stderr.write(`daemon bench: obliterate ${prefix}: ${(e as Error).message}\n`);
  } finally {
    await admin.close();
  }
  const redis = new IORedis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    const left: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1_000);
      cursor = next;
      left.push(...keys);
    } while (cursor !== '0');
    for (let i = 0; i < left.length; i += 500) await redis.del(...left.slice(i, i + 500));
    let remaining = 0;
    cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1_000);
      cursor = next;
      remaining += keys.length;
    } while (cursor !== '0');
    return {
      obliterated,
      keysLeftAfterObliterate: left.map((k) => k.slice(prefix.length + 1)),
      keysLeftAtTheEnd: remaining,
    };
  } finally {
    redis.disconnect();
  }
}

// ------------------------------------------------------------------ the run

async function run({
  driver,
  sink: sinkKind,
  smtpPool,
  outboxConcurrency,
}: RunOptions): Promise<Record<string, unknown>> {
  if (smtpPool > 0) poolSmtpConnections(smtpPool);
  const dir = mkdtempSync(join(tmpdir(), `recouvra-daemon-bench-${driver}-`));
  const redisPrefix = `recouvra-bench-${process.pid}-${Math.random().toString(16).slice(2, 10)}`;
  const sink = await Sink.start(sinkKind);
  const store = await openSqliteStore(join(dir, 'store.sqlite'));
  await store.migrate();
  let redisCleanup: Awaited<ReturnType<typeof cleanRedis>> | undefined;
  try {
    process.stderr.write(`daemon bench (${driver}): seeding ${CASES} cases …\n`);
    const snapshots = await seed(store, CASES);
    const total = Math.round(RATE * SECONDS);
    if (snapshots.length < total)
      throw new Error(
        `${total} decisions need as many cases, the store has ${snapshots.length}: raise BENCH_DAEMON_CASES`,
      );

    const config = benchConfig(driver, sink.port, redisPrefix);
    const legal = loadFrenchLegalData();
    const context = evaluationContext(legal);
    const policies = loadPolicies();
    const policy = policies.get(POLICY)!;
    const { logger, lines, problems } = countingLogger();
    const queue: JobQueue = openJobQueue(config.queue, { store, logger });
    const domain = domainOf(config.channels.email!.from.address);

    const timelines = new Map<string, Timeline>();
    const timeline = (key: string): Timeline => {
      let t = timelines.get(key);
      if (t === undefined) timelines.set(key, (t = { decidedAt: Number.NaN }));
      return t;
    };
    const byActionId = new Map<string, Timeline>();
    const storeTimes: Record<string, MethodTime> = {};
    const claims: { ms: number; found: boolean }[] = [];
    // Off once the measurement ends: the benchmark's own reads afterwards are not the daemon's.
    let measuring = true;
    const observe = (name: string, args: unknown[], result: unknown, ms: number): void => {
      if (!measuring) return;
      if (name === 'claimAction') claims.push({ ms, found: result !== undefined });
      if (name === 'completeAction') {
        const t = byActionId.get((args[0] as { id: string }).id);
        if (t) t.completedAt = now();
      }
    };
    timeMethods(
      store.outbox,
      ['claimAction', 'listDecisions', 'completeAction', 'recordDecision'],
      storeTimes,
      observe,
    );
    timeMethods(store.cases, ['getCase'], storeTimes, observe);
    timeMethods(store.sync, ['getDebtor', 'listReceivablesOfCase'], storeTimes, observe);
    timeMethods(jobStoreOf(store), ['enqueueJob', 'claimJob', 'settleJob'], storeTimes, observe);

    const channel = createSmtpEmailChannel(config.channels.email!);
    const email: EmailChannel = {
      send: async (message) => {
        const t = timeline(message.idempotencyKey);
        t.sendStart = now();
        const sent = await channel.send(message);
        t.sendEnd = now();
        return sent;
      },
      verify: () => channel.verify(),
      close: () => channel.close(),
    };
    const built = buildPerformers({ config, store, clock: systemClock, logger, legal, connections: new Map(), email });
    const performEmail = built.performers.email!;
    const performer: Performer = async (action) => {
      const t = timeline(action.idempotencyKey);
      t.performStart ??= now();
      byActionId.set(action.id, t);
      const done = await performEmail(action);
      t.performEnd = now();
      return done;
    };

    // Outbox job runs, as the queue sees them (and as many at once as the variant asks).
    const jobRuns: { id: string; start: number; end: number }[] = [];
    const enqueuedJobs = new Map<string, number>();
    const process_ = queue.process.bind(queue);
    queue.process = (name, handler, options) =>
      process_(
        name,
        async (job) => {
          const start = now();
          try {
            await handler(job);
          } finally {
            if (name === 'outbox') jobRuns.push({ id: job.id, start, end: now() });
          }
        },
        name === 'outbox' && outboxConcurrency > 1 ? { ...options, concurrency: outboxConcurrency } : options,
      );

    const metrics = createMetrics({ clock: systemClock, queue });
    const daemon = new Daemon({
      config,
      store,
      queue,
      clock: systemClock,
      logger,
      connections: new Map(),
      policies,
      context,
      performers: { email: performer },
      metrics,
    });
    // The benchmark decides by itself, at its rate: no evaluation of every case at start.
    daemon.start({ startRound: false });
    // A running daemon is warm: its queue connected (the Redis queue connects on first use) and
    // one outbox run done before the clock starts.
    await daemon.enqueue('outbox', {}, 'bench/warm-up');
    await sleep(1_000);

    process.stderr.write(`daemon bench (${driver}): ${RATE} decisions/s for ${SECONDS} s …\n`);
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const cpuBefore = process.cpuUsage();
    const sinkBefore = await sink.report();
    const interval = 1_000 / RATE;
    const startAt = now() + 20;
    const lags: number[] = [];
    const stepsDecided = new Map<string, number>();
    const decisions: Promise<void>[] = [];
    let decideErrors = 0;
    const decideOne = async (i: number): Promise<void> => {
      const snapshot = snapshots[i]!;
      const decidedAt = now();
      const result = await decide(store, snapshot, policy, AS_OF, new Date(decidedAt), context);
      const recordedAt = now();
      if (!result.decision) throw new Error(`case ${snapshot.case.id}: nothing recorded (${result.evaluation.status})`);
      stepsDecided.set(result.decision.stepId, (stepsDecided.get(result.decision.stepId) ?? 0) + 1);
      // The outbox may have taken the row already (another job was running): keep what it noted.
      const t = timeline(`${result.decision.idempotencyKey}/email`);
      Object.assign(t, { decidedAt, recordedAt });
      await daemon.enqueue('outbox', {}, `bench/${i}`);
      t.enqueuedAt = now();
      enqueuedJobs.set(`outbox/bench/${i}`, t.enqueuedAt);
    };
    for (let i = 0; i < total; i++) {
      const due = startAt + i * interval;
      const wait = due - now();
      if (wait > 1) await sleep(wait);
      lags.push(Math.max(0, now() - due));
      decisions.push(
        decideOne(i).catch((e: unknown) => {
          decideErrors++;
          if (decideErrors <= 3) process.stderr.write(`daemon bench: decision ${i}: ${(e as Error).message}\n`);
        }),
      );
    }
    await Promise.all(decisions);
    const decidedTimes = [...timelines.values()].map((t) => t.decidedAt);
    const lastDecidedAt = Math.max(...decidedTimes);

    process.stderr.write(`daemon bench (${driver}): waiting for the e-mails …\n`);
    const expected = new Map([...timelines].map(([key, t]) => [messageIdFor(key, domain), t]));
    let report = await sink.report();
    const drainUntil = now() + DRAIN_SECONDS * 1_000;
    const arrivedCount = () => report.arrivals.filter(([id]) => expected.has(id)).length;
    while (arrivedCount() < expected.size && now() < drainUntil) {
      await sleep(100);
      report = await sink.report();
    }
    // Arrival precedes the row's `done`: wait (a little) for the last rows to be recorded.
    const recordUntil = now() + 5_000;
    while ([...byActionId.values()].some((t) => t.completedAt === undefined) && now() < recordUntil) await sleep(20);
    const cpu = process.cpuUsage(cpuBefore);
    loopDelay.disable();
    const endedAt = now();

    let duplicates = 0;
    for (const [id, at] of report.arrivals) {
      const t = expected.get(id);
      if (!t) continue;
      if (t.arrivedAt !== undefined) duplicates++;
      else t.arrivedAt = at;
    }
    const all = [...timelines.values()];
    const arrived = all.filter((t): t is Timeline & { arrivedAt: number } => t.arrivedAt !== undefined);
    const firstDecidedAt = Math.min(...decidedTimes);
    const lastArrivedAt = Math.max(...arrived.map((t) => t.arrivedAt));
    const span = (a: keyof Timeline, b: keyof Timeline) =>
      percentiles(all.filter((t) => t[a] !== undefined && t[b] !== undefined).map((t) => t[b]! - t[a]!));

    // How latency moves with time: the backlog grows when the outbox cannot keep up.
    const bySecond: { second: number; decided: number; arrived: number; p50: number; p99: number; max: number }[] = [];
    for (let s = 0; s < Math.ceil((lastDecidedAt - firstDecidedAt + 1) / 1_000); s++) {
      const inSecond = arrived
        .filter((t) => Math.floor((t.decidedAt - firstDecidedAt) / 1_000) === s)
        .map((t) => t.arrivedAt - t.decidedAt);
      const p = percentiles(inSecond);
      bySecond.push({
        second: s,
        decided: all.filter((t) => Math.floor((t.decidedAt - firstDecidedAt) / 1_000) === s).length,
        arrived: inSecond.length,
        p50: p.p50,
        p99: p.p99,
        max: p.max,
      });
    }

    measuring = false;
    const storeCalls = Object.fromEntries(
      Object.entries(storeTimes).map(([k, v]) => [
        k,
        { calls: v.calls, ms: Math.round(v.ms), meanMs: round(v.ms / Math.max(1, v.calls), 2) },
      ]),
    );
    const outboxRuns = jobRuns.filter((r) => r.start >= firstDecidedAt);
    // The queue's own hand-off: from the end of one outbox job to the start of the next one,
    // when that one was already enqueued (a backlog, so the gap is the queue's, not idle time).
    // Only meaningful when jobs run one at a time.
    const handOffs: number[] = [];
    for (let k = 1; k < (outboxConcurrency === 1 ? outboxRuns.length : 0); k++) {
      const queuedAt = enqueuedJobs.get(outboxRuns[k]!.id);
      if (queuedAt !== undefined && queuedAt < outboxRuns[k - 1]!.end)
        handOffs.push(outboxRuns[k]!.start - outboxRuns[k - 1]!.end);
    }
    const pickups = outboxRuns.filter((r) => enqueuedJobs.has(r.id)).map((r) => r.start - enqueuedJobs.get(r.id)!);
    const stillPending =
      (await store.outbox.listActions({ status: 'pending', kind: 'email' })).length +
      (await store.outbox.listActions({ status: 'in_progress', kind: 'email' })).length;
    const done = (await store.outbox.listActions({ status: 'done', kind: 'email' })).length;
    const failed = (await store.outbox.listActions({ status: 'failed', kind: 'email' })).length;

    await daemon.stop();
    await built.close();
    if (driver === 'redis') redisCleanup = await cleanRedis(redisPrefix);

    const serviceMs = all
      .filter((t) => t.performStart !== undefined && t.completedAt !== undefined)
      .map((t) => t.completedAt! - t.performStart!);
    const meanService = serviceMs.reduce((a, b) => a + b, 0) / Math.max(1, serviceMs.length);
    const latency = percentiles(arrived.map((t) => t.arrivedAt - t.decidedAt));
    return {
      driver,
      relay: sinkKind,
      smtpConnections: smtpPool > 0 ? `pooled (${smtpPool})` : 'one per message',
      outboxConcurrency,
      cases: snapshots.length,
      decisions: {
        wanted: total,
        made: all.length,
        errors: decideErrors,
        steps: Object.fromEntries(stepsDecided),
        perSecond: round(all.length / ((lastDecidedAt - firstDecidedAt) / 1_000 + interval / 1_000), 1),
        startLagMs: percentiles(lags),
      },
      emails: {
        expected: expected.size,
        arrived: arrived.length,
        duplicates,
        missing: expected.size - arrived.length,
        withoutMessageId: report.withoutMessageId,
        outboxDone: done,
        outboxPending: stillPending,
        outboxFailed: failed,
      },
      actionsPerSecond: round(arrived.length / ((lastArrivedAt - firstDecidedAt) / 1_000), 1),
      latencyMs: latency,
      latencyBySecondOfDecision: bySecond,
      stagesMs: {
        decideAndRecord: span('decidedAt', 'recordedAt'),
        enqueueOutboxJob: span('recordedAt', 'enqueuedAt'),
        waitForPerformer: span('decidedAt', 'performStart'),
        readContextAndCompose: span('performStart', 'sendStart'),
        smtpSend: span('sendStart', 'sendEnd'),
        sendToArrival: span('sendStart', 'arrivedAt'),
        recordDone: span('performEnd', 'completedAt'),
        serviceTimePerAction: percentiles(serviceMs),
        smtpShareOfServiceTime: round(
          span('sendStart', 'sendEnd').mean / Math.max(Number.EPSILON, percentiles(serviceMs).mean),
          2,
        ),
      },
      sequentialCapacityPerSecond: round(1_000 / meanService, 1),
      outboxJobs: {
        enqueued: total,
        ranBeforeTheMeasurementEnded: outboxRuns.length,
        runMs: percentiles(outboxRuns.map((r) => r.end - r.start)),
        fromEnqueuedToStartedMs: percentiles(pickups),
        handOffBetweenQueuedJobsMs: percentiles(handOffs),
        rowClaims: claims.length,
        rowClaimsThatFoundNothing: claims.filter((c) => !c.found).length,
        rowClaimMs: percentiles(claims.map((c) => c.ms)),
      },
      smtp: {
        connections: report.connections - sinkBefore.connections,
        messages: report.arrivals.length,
        relayCpuMs: report.cpuMs - sinkBefore.cpuMs,
      },
      storeCalls,
      process: {
        cpuUserMs: Math.round(cpu.user / 1_000),
        cpuSystemMs: Math.round(cpu.system / 1_000),
        cpuShareOfOneCore: round((cpu.user + cpu.system) / 1_000 / (endedAt - firstDecidedAt), 2),
        eventLoopDelayMs: {
          p50: round(loopDelay.percentile(50) / 1e6),
          p99: round(loopDelay.percentile(99) / 1e6),
          max: round(loopDelay.max / 1e6),
        },
        peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      },
      log: { lines: lines(), problems },
      ...(driver === 'redis' ? { redis: { prefix: redisPrefix, ...redisCleanup } } : {}),
    };
  } finally {
    await store.close().catch(() => undefined);
    await sink.stop();
    if (driver === 'redis' && redisCleanup === undefined) await cleanRedis(redisPrefix).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------ two dispatches at once

async function dispatchRace(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'recouvra-dispatch-race-'));
  const sink = await Sink.start('smtp-server');
  const store = await openSqliteStore(join(dir, 'store.sqlite'));
  await store.migrate();
  try {
    const snapshots = await seed(store, RACE_ROWS);
    const config = benchConfig('store', sink.port, 'unused');
    const legal = loadFrenchLegalData();
    const context = evaluationContext(legal);
    const policy = loadPolicies().get(POLICY)!;
    for (const snapshot of snapshots) await decide(store, snapshot, policy, AS_OF, new Date(), context);
    const { logger } = countingLogger();
    const built = buildPerformers({ config, store, clock: systemClock, logger, legal, connections: new Map() });
    const performers = { email: built.performers.email! };
    const results = await Promise.all(
      [0, 1].map(() => dispatchActions({ store, performers, clock: systemClock, logger })),
    );
    await built.close();
    const report = await sink.report();
    const perId = new Map<string, number>();
    for (const [id] of report.arrivals) perId.set(id, (perId.get(id) ?? 0) + 1);
    let performedLines = 0;
    for (const snapshot of snapshots)
      performedLines += (await store.cases.readJournal(snapshot.case.id)).filter(
        (j) => j.type === 'action_performed',
      ).length;
    return {
      rows: snapshots.length,
      dispatches: results.length,
      doneByEachDispatch: results.map((r) => r.done),
      emailsReceived: report.arrivals.length,
      distinctMessageIds: perId.size,
      receivedTwice: [...perId.values()].filter((n) => n > 1).length,
      actionPerformedJournalLines: performedLines,
    };
  } finally {
    await store.close().catch(() => undefined);
    await sink.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const [mode, sink = 'smtp-server', pool = '0', concurrency = '1'] = process.argv.slice(2);
  let work: Promise<Record<string, unknown>>;
  if (mode === 'dispatch-race') work = dispatchRace();
  else if ((mode === 'store' || mode === 'redis') && (sink === 'smtp-server' || sink === 'instant'))
    work = run({ driver: mode, sink, smtpPool: Number(pool), outboxConcurrency: Number(concurrency) });
  else
    throw new Error(
      `usage: node daemon-outbox-process.js store|redis [smtp-server|instant] [pooled connections] [outbox concurrency] | dispatch-race (got ${process.argv.slice(2).join(' ')})`,
    );
  work
    .then((r) => {
      process.stdout.write(`${JSON.stringify(r)}\n`);
      // BullMQ and the cron scheduler may keep handles open after close: the result is out, leave.
      process.exit(0);
    })
    .catch((e: unknown) => {
      process.stderr.write(`${(e as Error).stack}\n`);
      process.exit(1);
    });
}
