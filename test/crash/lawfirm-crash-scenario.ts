import axios from 'axios';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { packageRoot } from '../../connector/paths';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileDropFirm } from '../../adapters/lawfirm/simulator/file-drop-firm';
import { LawFirmSimulator } from '../../adapters/lawfirm/simulator/server';
import { createOdooDatabase } from '../../adapters/odoo/simulator/model';
import { OdooSimulator } from '../../adapters/odoo/simulator/server';
import { XmlRpcOdooRpc } from '../../adapters/odoo/transport/xmlrpc-rpc';
import { PostalSimulator } from '../../adapters/postal/simulator/server';
import { SmsSimulator } from '../../adapters/sms/simulator/server';
import { freePort } from '../../connector/app/demo/demo';
import { startSmtpSink } from '../../adapters/email/simulator/smtp-sink';
import { procedureKey } from '../../connector/lawfirm/procedure-events';
import { openSqliteStore } from '../../connector/store/sqlite';
import type { Store } from '../../connector/store/store';
import { anchoredClock } from '../../connector/time/clock';
import { writeBackMarker } from '../../mappings/odoo/write-back';
import {
  channelsAndConnectionYaml,
  exited,
  logTail,
  start,
  untilLogged,
  verify,
  type CrashReport,
} from './crash-scenario';

/**
 * The crash test of the whole loop, law firm included: the daemon (the built CLI) runs on a
 * simulated clock (`daemon.simulatedClock`: the same business time across restarts) from first
 * reminders to formal notices, approvals (given through its API, as a controller would), hand-offs
 * to the simulated firm over its HTTP API (its signed webhooks and polled feed) or its file drop
 * (dossier folders out, status files in), and the
 * procedure notes written back into Odoo — while this harness kills it with SIGKILL at random
 * moments and starts it again. The simulators live in THIS process and survive the kills. Time
 * stops at `stopAt`; the last run then finishes the work, is stopped with SIGTERM, and what the
 * store says is compared with what the firm, Odoo, the SMTP sink and the SMS provider received.
 */

export interface LawFirmCrashOptions {
  invoices: number;
  kills: number;
  /** A run lasts a random time in [minUpMs, maxUpMs] before it is killed. */
  minUpMs: number;
  maxUpMs: number;
  seed: number;
  /** Simulated days per real second. */
  daysPerSecond: number;
  /** Simulated days from the start after which business time stops. */
  days: number;
  /** Also inject faults while it runs (see injectFaults). */
  faults?: boolean;
  /** How dossiers reach the firm: its HTTP API (default, with signed webhooks) or the file drop. */
  transport?: 'api' | 'file-drop';
}

/** What the checks read of either simulated firm. */
type Firm = LawFirmSimulator | FileDropFirm;

export interface LawFirmCrashReport extends CrashReport {
  firm: {
    files: number;
    /** Files at the firm whose dossier the store does not hold. */
    unknownFiles: number;
    /** Cases with more than one file at the firm. */
    casesWithSeveralFiles: number;
    /** Dossiers recorded without a file, or whose file differs from the firm's. */
    dossiersWithoutTheirFile: number;
    /** Escalations approved whose dossier never reached the firm. */
    approvedNotHandedOver: number;
    events: number;
    eventsApplied: number;
    eventsMissing: number;
    eventsAppliedTwice: number;
    /** Dossiers whose state is not that of their latest event by occurrence. */
    statesOutOfOrder: number;
    /** Procedure notes (done rows) not on every claimed invoice exactly once. */
    notesMismatched: number;
    notesChecked: number;
  };
  approvals: number;
  /** The faults injected, in order, with the real second each began. */
  faults: string[];
}

const START = '2026-04-01T07:00:00Z';
const DAY_MS = 86_400_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runLawFirmCrashScenario(options: LawFirmCrashOptions): Promise<LawFirmCrashReport> {
  const dir = mkdtempSync(join(tmpdir(), 'recouvra-crash-lawfirm-'));
  const speed = options.daysPerSecond * 86_400;
  const anchor = new Date();
  const stopAt = new Date(Date.parse(START) + options.days * DAY_MS);
  const clock = anchoredClock({ start: new Date(START), anchor, speed, stopAt });
  const db = createOdooDatabase({
    version: '18.0',
    l10nFr: true,
    invoices: options.invoices,
    seed: options.seed,
    now: () => clock.now(),
  });
  const odoo = await new OdooSimulator({ db, version: '18.0' }).start();
  const smtp = await startSmtpSink(join(dir, 'mail'));
  const sms = await new SmsSimulator({ startAt: START, speed, seed: options.seed }).start();
  const postal = await new PostalSimulator({ startAt: START, speed, seed: options.seed }).start();
  const apiPort = await freePort();
  const token = randomBytes(24).toString('hex');
  const webhookSecret = randomBytes(24).toString('hex');
  const shared = { outbound: join(dir, 'firm', 'outbound'), inbound: join(dir, 'firm', 'inbound') };
  const firm: Firm =
    options.transport === 'file-drop'
      ? await new FileDropFirm({
          ...shared,
          startAt: START,
          speed,
          stopAt: stopAt.toISOString(),
          seed: options.seed,
        }).start()
      : await new LawFirmSimulator({
          startAt: START,
          speed,
          stopAt: stopAt.toISOString(),
          seed: options.seed,
          webhook: { url: `http://127.0.0.1:${apiPort}/webhooks/lawfirm`, secret: webhookSecret },
        }).start();
  const lawfirmYaml =
    firm instanceof LawFirmSimulator
      ? `  transport: api\n  api: { baseUrl: ${JSON.stringify(firm.url)}, apiKey: ${JSON.stringify(firm.apiKey)}, webhookSecret: "${webhookSecret}" }`
      : `  transport: file-drop\n  fileDrop: { outbound: ${JSON.stringify(shared.outbound)}, inbound: ${JSON.stringify(shared.inbound)} }`;
  const policiesDir = compressedPolicies(dir);
  const storePath = join(dir, 'recouvra.sqlite');
  const config = join(dir, 'recouvra.yaml');
  writeFileSync(
    config,
    configYaml({
      policiesDir,
      storePath,
      odooUrl: odoo.url,
      smtpPort: smtp.port,
      smsUrl: sms.url,
      postalUrl: postal.url,
      lawfirmYaml,
      apiPort,
      token,
      clock: { start: START, anchor: anchor.toISOString(), speed, stopAt: stopAt.toISOString() },
    }),
  );
  const openStore = () => openSqliteStore(storePath);
  const api = axios.create({
    baseURL: `http://127.0.0.1:${apiPort}`,
    headers: { Authorization: `Bearer ${token}` },
    timeout: 5_000,
    validateStatus: () => true,
  });
  const approver = approveEverything(api);
  const faults = options.faults ? injectFaults({ smtp, odoo, firm, sms, postal }) : undefined;
  let random = options.seed * 7_919 + 1;
  const next = () => (random = (random * 48_271) % 2_147_483_647) / 2_147_483_647;
  let last: ReturnType<typeof start> | undefined;
  let kills = 0;
  try {
    // Each run is killed a random while after it has started working (its first log line: loading
    // the modules takes seconds on a busy machine, and a kill there tests nothing of ours), until
    // `kills` runs were killed or business time comes near its end.
    const killsEnd = stopAt.getTime() - 10 * DAY_MS;
    for (let run = 0; kills < options.kills && clock.now().getTime() < killsEnd; run++) {
      const log = join(dir, `run-${run}.log`);
      const child = start(config, log);
      await untilLogged(log, 'SIMULATED CLOCK', 60_000);
      await sleep(options.minUpMs + next() * (options.maxUpMs - options.minUpMs));
      child.kill('SIGKILL');
      await exited(child);
      kills++;
    }
    last = start(config, join(dir, 'run-last.log'));
    await untilLogged(join(dir, 'run-last.log'), 'SIMULATED CLOCK', 120_000);
    // Business time stops at stopAt; then the firm says nothing new, and the work runs out.
    while (clock.now() < stopAt) await sleep(500);
    await untilQuiet(openStore, firm, 240_000);
    approver.stop();
    faults?.stop();
    last.kill('SIGTERM');
    const code = await exited(last);
    if (code !== 0)
      throw new Error(
        `the last run exited with ${String(code)}; see ${dir}. The end of its log:\n${logTail(join(dir, 'run-last.log'))}`,
      );
    const base = await verify({ openStore, mailDir: join(dir, 'mail'), odooUrl: odoo.url, sms, kills });
    return {
      ...base,
      firm: await verifyFirm(openStore, firm, odoo.url),
      approvals: approver.count(),
      faults: faults?.log ?? [],
    };
  } finally {
    approver.stop();
    faults?.stop();
    if (last && last.exitCode === null && last.signalCode === null) last.kill('SIGKILL');
    await odoo.stop();
    await smtp.close();
    await sms.stop();
    await postal.stop();
    await firm.stop();
  }
}

/** A controller who approves every step waiting for approval, through the API, whenever the daemon is up. */
function approveEverything(api: ReturnType<typeof axios.create>): { stop(): void; count(): number } {
  let stopped = false;
  let approved = 0;
  void (async () => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- stop() sets it while this loop awaits
    while (!stopped) {
      try {
        const page = await api.get<{ approvals?: { caseId: string }[] }>('/approvals?limit=100');
        for (const a of page.status === 200 ? (page.data.approvals ?? []) : []) {
          const done = await api.post(`/cases/${encodeURIComponent(a.caseId)}/approve`);
          if (done.status === 200) approved++;
        }
      } catch {
        // The daemon is down (killed): the next round asks again.
      }
      await sleep(250);
    }
  })();
  return { stop: () => void (stopped = true), count: () => approved };
}

/**
 * Faults while the daemon works, each when there is something for it to hit: SMTP greylisting
 * (451) for 10 s once mail flows, then Odoo answering 503 to 40 requests (mid-sync and
 * mid-write-back), then one e-mail refused for good (550); once the firm has a file: over HTTP,
 * the answer to the next submission lost, the firm down for 8 s, then 429s and 500s — by file
 * drop, damaged, duplicated and out-of-order status files; SMS and postal 503s. Only the 550 may
 * fail a row for good.
 */
function injectFaults(p: {
  smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  odoo: OdooSimulator;
  firm: Firm;
  sms: SmsSimulator;
  postal: PostalSimulator;
}): { stop(): void; log: string[] } {
  const log: string[] = [];
  const began = Date.now();
  const note = (what: string) => log.push(`${Math.round((Date.now() - began) / 1000)} s: ${what}`);
  let stopped = false;
  void (async () => {
    const until = async (ready: () => boolean) => {
      while (!stopped && !ready()) await sleep(200);
      return !stopped;
    };
    if (!(await until(() => p.smtp.count() > 0))) return;
    p.smtp.refuse({ code: 451, forMs: 10_000 });
    note('SMTP answers 451 (greylisting) for 10 s');
    await sleep(3_000);
    p.odoo.controls.failNext(40, 503);
    note('Odoo answers 503 to the next 40 requests');
    await sleep(8_000);
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- stop() may have set it during the sleep
    if (stopped) return;
    p.smtp.refuse({ code: 550, messages: 1 });
    note('SMTP refuses the next recipient for good (550)');
    if (!(await until(() => p.firm.listFiles().length > 0))) return;
    if (p.firm instanceof LawFirmSimulator) {
      p.firm.controls.dropNext(1);
      note("the firm's answer to the next request is lost (the connection cut after it was processed)");
      await sleep(2_000);
      p.firm.controls.down(2);
      note('the firm is down (503) for 8 s');
      await sleep(8_000);
      p.firm.controls.up();
      p.firm.controls.rateLimitNext(2, 1);
      p.firm.controls.failNext(2, 500);
      note('the firm is back, then asks to slow down twice (429) and fails twice (500)');
    } else {
      p.firm.controls.damageNext(2, 'truncated');
      p.firm.controls.duplicateNextEvents(3);
      p.firm.controls.deliverOutOfOrder(true);
      note('the firm writes two truncated status files, three events twice, and its batches out of order');
      await sleep(8_000);
    }
    p.sms.controls.failNext(3, 503);
    p.postal.controls.failNext(3, 503);
    note('SMS and postal providers answer 503 three times each');
  })();
  return { stop: () => void (stopped = true), log };
}

/** Until every event the firm recorded is applied, no dossier is in doubt and the outbox is empty. */
async function untilQuiet(openStore: () => Promise<Store>, firm: Firm, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let why = '';
  while (Date.now() < deadline) {
    const store = await openStore();
    try {
      const open = [
        ...(await store.outbox.listActions({ status: 'pending', limit: 1 })),
        ...(await store.outbox.listActions({ status: 'in_progress', limit: 1 })),
      ];
      const dossiers = await store.dossiers.listDossiers();
      const applied = new Set(
        (await Promise.all(dossiers.map((d) => store.dossiers.listProcedureEvents(d.id)))).flat().map((e) => e.id),
      );
      const missing = firm.events().filter((e) => !applied.has(`cabinet:${e.id}`));
      const inDoubt = dossiers.filter((d) => d.status === 'prepared');
      // By file drop the firm reads a folder at its next scan, seconds later on a busy machine: a
      // dossier handed over is not done with until the firm has opened or refused its folder.
      const taken = new Set([
        ...firm.listFiles().map((f) => f.fileId),
        ...('refused' in firm ? firm.refused().map((r) => r.fileId) : []),
      ]);
      const untaken = dossiers.filter((d) => d.status === 'submitted' && d.fileId && !taken.has(d.fileId));
      why = `${open.length} outbox row(s) open, ${missing.length} event(s) not applied, ${inDoubt.length} dossier(s) in doubt, ${untaken.length} handed over but not yet taken by the firm`;
      if (open.length === 0 && missing.length === 0 && inDoubt.length === 0 && untaken.length === 0) return;
    } finally {
      await store.close();
    }
    await sleep(1_000);
  }
  throw new Error(`the daemon did not finish within ${timeoutMs} ms: ${why}`);
}

async function verifyFirm(
  openStore: () => Promise<Store>,
  firm: Firm,
  odooUrl: string,
): Promise<LawFirmCrashReport['firm']> {
  const store = await openStore();
  try {
    const files = firm.listFiles();
    const dossiers = await store.dossiers.listDossiers();
    const byId = new Map(dossiers.map((d) => [d.id, d]));
    const perCase = new Map<string, number>();
    for (const f of files) perCase.set(f.caseId, (perCase.get(f.caseId) ?? 0) + 1);
    const events = firm.events();
    const applied = (await Promise.all(dossiers.map((d) => store.dossiers.listProcedureEvents(d.id)))).flat();
    const appliedIds = applied.map((e) => e.id);
    // Every approval of an escalation step leads to a dossier with a file (or one the firm refused, journalled).
    let approvedNotHandedOver = 0;
    for (const c of await store.cases.listCases()) {
      const journal = await store.cases.readJournal(c.id);
      const escalations = journal.filter((j) => j.type === 'approved' && j.summary.startsWith('escalation '));
      if (escalations.length === 0) continue;
      if (!journal.some((j) => j.type === 'dossier_submitted' || j.type === 'dossier_refused')) approvedNotHandedOver++;
    }
    let statesOutOfOrder = 0;
    for (const d of dossiers) {
      const own = applied
        .filter((e) => e.dossierId === d.id)
        .sort((a, b) => (a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : a.seq - b.seq));
      const latest = own.at(-1);
      if (latest && d.state !== latest.state) statesOutOfOrder++;
    }
    const odoo = new XmlRpcOdooRpc({
      baseUrl: odooUrl,
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
    let notesChecked = 0;
    let notesMismatched = 0;
    for (const d of dossiers) {
      const rows = await store.outbox.listActions({ caseId: d.caseId, kind: 'ledger_note', status: 'done' });
      const claimed = ((d.content['claim'] as { lines: { kind: string }[] } | undefined)?.lines ?? []).filter(
        (l) => l.kind === 'invoice',
      ).length;
      for (const e of applied.filter((x) => x.dossierId === d.id)) {
        const key = procedureKey(d.caseId, e.id, 'note');
        if (!rows.some((r) => r.idempotencyKey === key)) continue;
        const carrying = messages.filter((m) => m.body.includes(writeBackMarker(key)));
        notesChecked++;
        if (carrying.length !== claimed || new Set(carrying.map((m) => m.res_id)).size !== claimed) notesMismatched++;
      }
    }
    return {
      files: files.length,
      unknownFiles: files.filter((f) => !byId.has(f.dossierId)).length,
      casesWithSeveralFiles: [...perCase.values()].filter((n) => n > 1).length,
      dossiersWithoutTheirFile: dossiers.filter(
        (d) => d.status !== 'rejected' && files.find((f) => f.dossierId === d.id)?.fileId !== d.fileId,
      ).length,
      approvedNotHandedOver,
      events: events.length,
      eventsApplied: new Set(appliedIds).size,
      eventsMissing: events.filter((e) => !appliedIds.includes(`cabinet:${e.id}`)).length,
      eventsAppliedTwice: appliedIds.length - new Set(appliedIds).size,
      statesOutOfOrder,
      notesMismatched,
      notesChecked,
    };
  } finally {
    await store.close();
  }
}

/**
 * The bundled policies with the waits between steps cut to 2 days and the escalation to 10 days
 * after the formal notice, or the day after its deadline when longer (the deadline still counts
 * from the acknowledgement of receipt): the ladder reaches the firm in a few simulated weeks, whatever the machine's speed.
 */
function compressedPolicies(dir: string): string {
  const out = join(dir, 'policies');
  mkdirSync(out);
  const bundled = join(packageRoot(), 'config/policies');
  for (const file of readdirSync(bundled).filter((f) => f.endsWith('.yaml'))) {
    const policy = parseYaml(readFileSync(join(bundled, file), 'utf8')) as {
      steps: { kind?: string; deadlineDays?: number; timing: { after: string; days: number } }[];
    };
    const deadline = policy.steps.find((s) => s.kind === 'formal_notice')?.deadlineDays ?? 8;
    for (const step of policy.steps) {
      if (step.timing.after !== 'previous_step') continue;
      step.timing.days = step.kind === 'escalation' ? Math.max(10, deadline + 1) : Math.min(step.timing.days, 2);
    }
    writeFileSync(join(out, file), stringifyYaml(policy));
  }
  return out;
}

interface YamlInput {
  policiesDir: string;
  storePath: string;
  odooUrl: string;
  smtpPort: number;
  smsUrl: string;
  postalUrl: string;
  /** The `lawfirm:` keys of its transport. */
  lawfirmYaml: string;
  apiPort: number;
  token: string;
  clock: { start: string; anchor: string; speed: number; stopAt: string };
}

function configYaml(p: YamlInput): string {
  return `version: 1
company:
  name: Crash Test SAS
  siren: "732829320"
  address: { kind: registered_office, lines: ["1 rue du Test"], postalCode: "75001", city: Paris, country: FR }
  contact: { email: recouvrement@crash.test }
  payment: { iban: "FR76 3000 6000 0112 3456 7890 189" }
  signatory: { name: Camille Martin }
dunning: { policiesDir: ${JSON.stringify(p.policiesDir)} }
store:
  driver: sqlite
  sqlite: { path: ${JSON.stringify(p.storePath)} }
logging: { level: warn, format: json }
daemon:
  syncCron: "*/2 * * * * *"
  reconcileCron: "0 0 1 1 *"
  evaluateCron: "*/2 * * * * *"
  outboxCron: "* * * * * *"
  trackCron: "*/2 * * * * *"
  drainTimeoutMs: 20000
  simulatedClock: { start: "${p.clock.start}", anchor: "${p.clock.anchor}", speed: ${p.clock.speed}, stopAt: "${p.clock.stopAt}" }
queue: { driver: store, pollMs: 50 }
api: { host: 127.0.0.1, port: ${p.apiPort}, token: "${p.token}" }
lawfirm:
  id: cabinet
${p.lawfirmYaml}
  pollCron: "*/2 * * * * *"
${channelsAndConnectionYaml(p)}`;
}
