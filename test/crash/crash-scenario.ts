import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../connector/paths';
import { createOdooDatabase } from '../../adapters/odoo/simulator/model';
import { OdooSimulator } from '../../adapters/odoo/simulator/server';
import { PostalSimulator } from '../../adapters/postal/simulator/server';
import { SmsSimulator } from '../../adapters/sms/simulator/server';
import { XmlRpcOdooRpc } from '../../adapters/odoo/transport/xmlrpc-rpc';
import { startSmtpSink } from '../../adapters/email/simulator/smtp-sink';
import { messageIdFor } from '../../adapters/email/message-id';
import type { CaseJournalEntry } from '../../connector/model/journal.schema';
import { openPostgresStore } from '../../connector/store/postgres';
import { openSqliteStore } from '../../connector/store/sqlite';
import type { Store } from '../../connector/store/store';

/** The domain of the crash tests' sender address (recouvrement@crash.test): the right side of its Message-IDs. */
const MAIL_DOMAIN = 'crash.test';

/**
 * The crash test: the daemon (the built CLI, `recouvra run`) works a portfolio against the
 * simulators and an SMTP sink, which live in THIS process and survive it, while this harness
 * kills it with SIGKILL at random moments and starts it again. At the end it runs until the
 * outbox is empty, stops it with SIGTERM, and compares what the journals say was done with
 * what each simulator received.
 */

export interface CrashOptions {
  invoices: number;
  kills: number;
  /** Daemon processes running side by side (scaled out); default 1. */
  workers?: number;
  /** Default: SQLite and the store queue. Scaled out: PostgreSQL (its own schema) and BullMQ on Redis. */
  scaledOut?: { postgresUrl: string; schema: string; redisUrl: string; redisPrefix: string };
  /** A run lasts a random time in [minUpMs, maxUpMs] before it is killed. */
  minUpMs: number;
  maxUpMs: number;
  seed: number;
  /** Where the daemon's stderr goes (one file per run). */
  log?: (line: string) => void;
  /** Run once the last daemons have started, before waiting for the outbox to empty (outages of the services they use). */
  during?: (seen: { mailReceived(): number }) => Promise<void>;
}

export interface CrashReport {
  cases: number;
  kills: number;
  actions: { done: number; pending: number; failed: number; byKind: Record<string, number>; failures: string[] };
  email: {
    sent: number;
    received: number;
    distinctReceived: number;
    resentAfterCrash: number;
    missing: number;
    unknown: number;
    /** Went out before a kill, then refused for good on the resend: counted apart from `unknown`. */
    deliveredThenRefused: number;
  };
  sms: { sent: number; received: number; duplicates: number; missing: number };
  notes: { written: number; inOdoo: number; duplicates: number };
  journalsAgree: boolean;
}

/** The built CLI, whether this file runs from the sources (jest) or from dist/ (npm run test:crash). */
const CLI = join(packageRoot(), 'dist/connector/app/cli/main.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runCrashScenario(options: CrashOptions): Promise<CrashReport> {
  const dir = mkdtempSync(join(tmpdir(), 'recouvra-crash-'));
  const db = createOdooDatabase({
    version: '18.0',
    invoices: options.invoices,
    seed: options.seed,
    now: () => new Date(),
  });
  const odoo = await new OdooSimulator({ db, version: '18.0' }).start();
  const smtp = await startSmtpSink(join(dir, 'mail'));
  const sms = await new SmsSimulator({ seed: options.seed }).start();
  const postal = await new PostalSimulator({ seed: options.seed }).start();
  const storePath = join(dir, 'recouvra.sqlite');
  const config = join(dir, 'recouvra.yaml');
  writeFileSync(
    config,
    configYaml({
      storePath,
      odooUrl: odoo.url,
      smtpPort: smtp.port,
      smsUrl: sms.url,
      postalUrl: postal.url,
      ...(options.scaledOut ? { scaledOut: options.scaledOut } : {}),
    }),
  );
  const openStore = () =>
    options.scaledOut
      ? openPostgresStore({ url: options.scaledOut.postgresUrl, schema: options.scaledOut.schema, poolSize: 2 })
      : openSqliteStore(storePath);
  const workers = options.workers ?? 1;
  let random = options.seed * 7_919 + 1;
  const next = () => (random = (random * 48_271) % 2_147_483_647) / 2_147_483_647;
  let last: ChildProcess[] = [];
  try {
    for (let run = 0; run < options.kills; run++) {
      const child = start(config, join(dir, `run-${run}.log`));
      await sleep(options.minUpMs + next() * (options.maxUpMs - options.minUpMs));
      child.kill('SIGKILL');
      await exited(child);
    }
    // The last runs are left to finish the work, then asked to stop.
    last = Array.from({ length: workers }, (_, i) => start(config, join(dir, `run-last-${i}.log`)));
    // Asked to stop only once it has begun: a SIGTERM that lands while the process still loads its
    // modules kills it before its handler exists (the outbox may already be empty at its start).
    // `recouvra run` installs the handler before it reads the configuration, so its first log line
    // (at the `warn` level of this configuration: the clear-text keys) comes after it.
    await Promise.all(last.map((_, i) => untilLogged(join(dir, `run-last-${i}.log`), '"level"', 120_000)));
    await options.during?.({ mailReceived: () => smtp.count() });
    await untilOutboxEmpty(openStore, 120_000);
    for (const child of last) child.kill('SIGTERM');
    for (const [i, child] of last.entries()) {
      const code = await exited(child);
      if (code !== 0)
        throw new Error(
          `a last run exited with ${String(code)}; see ${dir}. The end of its log:\n${logTail(join(dir, `run-last-${i}.log`))}`,
        );
    }
    return await verify({ openStore, mailDir: join(dir, 'mail'), odooUrl: odoo.url, sms, kills: options.kills });
  } finally {
    // A scenario that failed half-way must not leave daemons running after it.
    for (const child of last) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await odoo.stop();
    await smtp.close();
    await sms.stop();
    await postal.stop();
  }
}

export function start(config: string, logFile: string): ChildProcess {
  const out = openSync(logFile, 'a');
  return spawn(process.execPath, [CLI, 'run', '--config', config], {
    stdio: ['ignore', out, out],
    env: { ...process.env, NODE_ENV: 'production' },
  });
}

export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((r) => child.once('exit', (code) => r(code)));
}

/** The last lines of a run's log, for the message of a test that failed on it (the folder is gone on a CI machine). */
export function logTail(file: string, lines = 15): string {
  return readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .slice(-lines)
    .map((l) => l.slice(0, 600))
    .join('\n');
}

export async function untilLogged(file: string, text: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!readFileSync(file, 'utf8').includes(text)) {
    if (Date.now() > deadline) throw new Error(`${file} did not log "${text}" within ${timeoutMs} ms`);
    await sleep(200);
  }
}

async function untilOutboxEmpty(openStore: () => Promise<Store>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // An empty outbox means "done" only once the daemons have decided something: they may take a
  // few seconds to start (several processes on two cores), then sync and evaluate.
  for (let decided = false; !decided; await sleep(500)) {
    if (Date.now() > deadline) throw new Error(`nothing was decided within ${timeoutMs} ms`);
    const store = await openStore();
    try {
      decided = (await store.outbox.listActions({ limit: 1 })).length > 0;
    } catch {
      // The daemons have not created the tables yet.
    } finally {
      await store.close();
    }
  }
  while (Date.now() < deadline) {
    const store = await openStore();
    try {
      // A row a killed run had taken stays in progress until its lease runs out, then is taken again.
      const open = [
        ...(await store.outbox.listActions({ status: 'pending', limit: 1 })),
        ...(await store.outbox.listActions({ status: 'in_progress', limit: 1 })),
      ];
      if (open.length === 0) return;
    } finally {
      await store.close();
    }
    await sleep(500);
  }
  throw new Error(`the outbox did not empty within ${timeoutMs} ms`);
}

export async function verify(input: {
  openStore: () => Promise<Store>;
  mailDir: string;
  odooUrl: string;
  sms: SmsSimulator;
  kills: number;
}): Promise<CrashReport> {
  const store = await input.openStore();
  try {
    const cases = await store.cases.listCases();
    const journal: CaseJournalEntry[] = [];
    for (const c of cases) journal.push(...(await store.cases.readJournal(c.id)));
    const performed = journal.filter((j) => j.type === 'action_performed');
    const actions = [
      ...(await store.outbox.listActions({ status: 'done' })),
      ...(await store.outbox.listActions({ status: 'pending' })),
      ...(await store.outbox.listActions({ status: 'in_progress' })),
      ...(await store.outbox.listActions({ status: 'failed' })),
    ];
    const byKind: Record<string, number> = {};
    for (const a of actions) byKind[a.kind] = (byKind[a.kind] ?? 0) + 1;
    const done = actions.filter((a) => a.status === 'done');
    const of = (kind: string) => performed.filter((j) => j.data['kind'] === kind);

    const sentIds = of('email')
      .map((j) => j.data['messageId'])
      .filter((x): x is string => typeof x === 'string');
    const received = readdirSync(input.mailDir).map(
      (f) => /^Message-ID: *(<[^>]+>)/im.exec(readFileSync(join(input.mailDir, f), 'utf8'))?.[1] ?? '',
    );
    const distinct = new Set(received);
    // A message that went out just before a kill, whose resend the server then refused for good (the
    // one 550 the faults inject): the debtor has it and the row says failed, since SMTP never tells a
    // sender that an earlier copy arrived. Known by its Message-ID, derived from the row's key.
    const refusedOnResend = new Set(
      actions
        .filter(
          (a) => a.kind === 'email' && a.status === 'failed' && /EMAIL_RECIPIENT_REJECTED/.test(a.lastError ?? ''),
        )
        .map((a) => messageIdFor(a.idempotencyKey, MAIL_DOMAIN)),
    );

    const smsKeys = of('sms')
      .filter((j) => j.data['providerId'])
      .map((j) => String(j.data['idempotencyKey']));
    const smsReceived = input.sms.sent().map((m) => m.idempotencyKey);

    const odoo = new XmlRpcOdooRpc({
      baseUrl: input.odooUrl,
      database: 'demo',
      login: 'admin',
      apiKey: 'admin-api-key',
      timeoutMs: 30_000,
    });
    const messages = await odoo.call<{ res_id: number; body: string }[]>(
      'mail.message',
      'search_read',
      {
        domain: [
          ['model', '=', 'account.move'],
          ['body', 'ilike', 'recouvra-'],
        ],
        fields: ['res_id', 'body'],
      },
      { isWrite: false },
    );
    const markers = messages.map((m) => `${m.res_id}/${/recouvra-[0-9a-f]{20}/.exec(m.body)?.[0] ?? ''}`);
    const noteItems = [...of('ledger_note'), ...of('ledger_activity'), ...of('phone_task')]
      .flatMap((j) => (j.data['items'] as { status: string; ref?: string }[] | undefined) ?? [])
      .filter((i) => i.status === 'written' || i.status === 'already_written');
    const activities = [...of('ledger_activity'), ...of('phone_task')].flatMap(
      (j) => (j.data['items'] as { status: string }[] | undefined) ?? [],
    ).length;

    return {
      cases: cases.length,
      kills: input.kills,
      actions: {
        done: done.length,
        pending: actions.filter((a) => a.status === 'pending' || a.status === 'in_progress').length,
        failed: actions.filter((a) => a.status === 'failed').length,
        byKind,
        failures: actions.filter((a) => a.status === 'failed').map((a) => `${a.kind}: ${a.lastError ?? '?'}`),
      },
      email: {
        sent: sentIds.length,
        received: received.length,
        distinctReceived: distinct.size,
        resentAfterCrash: received.length - distinct.size,
        missing: sentIds.filter((id) => !distinct.has(id)).length,
        unknown: [...distinct].filter((id) => !sentIds.includes(id) && !refusedOnResend.has(id)).length,
        deliveredThenRefused: [...distinct].filter((id) => !sentIds.includes(id) && refusedOnResend.has(id)).length,
      },
      sms: {
        sent: smsKeys.length,
        received: smsReceived.length,
        duplicates: smsReceived.length - new Set(smsReceived).size,
        missing: smsKeys.filter((k) => !smsReceived.includes(k)).length,
      },
      notes: {
        written: noteItems.length - activities,
        inOdoo: messages.length,
        duplicates: markers.length - new Set(markers).size,
      },
      journalsAgree:
        performed.length === done.length && new Set(performed.map((j) => j.data['actionId'])).size === done.length,
    };
  } finally {
    await store.close();
  }
}

function configYaml(p: {
  storePath: string;
  odooUrl: string;
  smtpPort: number;
  smsUrl: string;
  postalUrl: string;
  scaledOut?: CrashOptions['scaledOut'];
}): string {
  const store = p.scaledOut
    ? `store:\n  driver: postgres\n  postgres: { url: ${JSON.stringify(p.scaledOut.postgresUrl)}, schema: ${p.scaledOut.schema}, poolSize: 4 }`
    : `store:\n  driver: sqlite\n  sqlite: { path: ${JSON.stringify(p.storePath)} }`;
  const queue = p.scaledOut
    ? `queue: { driver: redis, redis: { url: ${JSON.stringify(p.scaledOut.redisUrl)}, prefix: ${p.scaledOut.redisPrefix} } }`
    : 'queue: { driver: store, pollMs: 50 }';
  return `version: 1
company:
  name: Crash Test SAS
  address: { lines: ["1 rue du Test"], postalCode: "75001", city: Paris, country: FR }
  contact: { email: recouvrement@crash.test }
${store}
logging: { level: warn, format: json }
daemon:
  syncCron: "*/2 * * * * *"
  reconcileCron: "0 0 1 1 *"
  evaluateCron: "*/3 * * * * *"
  outboxCron: "* * * * * *"
  drainTimeoutMs: 20000
${queue}
${channelsAndConnectionYaml(p)}`;
}

/** The channels and the Odoo connection of a crash test's configuration, to the simulators of the harness. */
export function channelsAndConnectionYaml(p: {
  odooUrl: string;
  smtpPort: number;
  smsUrl: string;
  postalUrl: string;
}): string {
  return `channels:
  email:
    host: 127.0.0.1
    port: ${p.smtpPort}
    requireTls: false
    from: { address: recouvrement@crash.test, name: Crash Test SAS }
  sms:
    baseUrl: ${p.smsUrl}
    apiKey: sim-sms-key
    senderId: CrashTest
    contactWindow: { days: [mon, tue, wed, thu, fri, sat, sun], ranges: [{ from: "00:00", to: "24:00" }], publicHolidays: none }
  postal:
    baseUrl: ${p.postalUrl}
    apiKey: sim-postal-key
connections:
  - id: odoo
    type: odoo
    url: ${p.odooUrl}
    database: demo
    login: recouvra
    apiKey: recouvra-api-key
`;
}
