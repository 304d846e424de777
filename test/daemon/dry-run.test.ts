import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startDaemon, type RunningDaemon } from '../../connector/app/cli/run-command';
import { formatDryRunReport, type DryRunReport } from '../../connector/app/daemon/dry-run';
import { buildPerformers } from '../../connector/app/daemon/performers';
import type { CaseJournalEntry } from '../../connector/model/journal.schema';
import { dispatchActions } from '../../connector/outbox/dispatch';
import { packageRoot } from '../../connector/paths';
import winston from 'winston';

/**
 * `recouvra demo --dry-run`: simulated Odoo, SMTP sink, SMS, postal and law-firm
 * simulators, on a clock running two demo days per second, so that several evaluations and many
 * outbox ticks happen. Nothing may reach any simulator; the outbox rows stay pending, exactly as
 * decided, and a real dispatch afterwards still sends them.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const silent = new Writable({ write: (_c, _e, done) => done() });
/** Odoo calls that change nothing. */
const ODOO_READS = new Set([
  'search_read',
  'read',
  'search',
  'search_count',
  'fields_get',
  'read_group',
  'name_search',
  'context_get',
  'check_access_rights',
  'has_access',
  'version',
  'authenticate',
  'login',
  'server_version',
]);

describe('recouvra demo --dry-run', () => {
  let dataDir: string;
  let running: RunningDaemon;
  let report: DryRunReport;
  let journal: CaseJournalEntry[];

  beforeAll(async () => {
    dataDir = join(mkdtempSync(join(tmpdir(), 'recouvra-dry-run-')), 'data');
    running = await startDaemon({ clockSpeed: 2 * 86_400, demoInvoices: 150, seed: 4, dataDir, dryRun: true }, silent, {
      log: { transport: new winston.transports.Stream({ stream: silent }) },
    });
    // Long enough for reminders to be decided over several demo days, each followed by outbox ticks.
    const deadline = Date.now() + 90_000;
    const started = running.demo!.clock.now().getTime();
    const enough = async () =>
      running.demo!.clock.now().getTime() - started > 10 * 86_400_000 &&
      (await running.store.outbox.listActions({ kind: 'email' })).length >= 20;
    while (Date.now() < deadline && !(await enough())) await sleep(500);
    // The work stops (the schedules, the queue); the store stays open for the report and the checks.
    await running.daemon.stop();
    report = await running.dryRunReport!();
    journal = [];
    for (const c of await running.store.cases.listCases())
      journal.push(...(await running.store.cases.readJournal(c.id)));
  }, 150_000);

  afterAll(async () => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when the start failed
    await running?.stop();
    if (dataDir) rmSync(join(dataDir, '..'), { recursive: true, force: true });
  });

  it('decided and journalled as usual', () => {
    expect(journal.filter((j) => j.type === 'decision').length).toBeGreaterThan(20);
  });

  it('sent nothing: no e-mail at the SMTP sink, no write in Odoo, no SMS, no letter, no file at the firm', () => {
    expect(readdirSync(running.demo!.mailDir)).toEqual([]);
    const requests = running.demo!.odoo.controls.requests;
    expect(requests.some((r) => r.model === 'account.move' && r.rpcMethod === 'search_read')).toBe(true);
    expect(requests.filter((r) => r.rpcMethod !== undefined && !ODOO_READS.has(r.rpcMethod))).toEqual([]);
    expect(running.demo!.sms.sent()).toEqual([]);
    expect(running.demo!.postal.sent()).toEqual([]);
    expect(running.demo!.lawfirmSimulator.listFiles()).toEqual([]);
    expect(journal.filter((j) => j.type === 'action_performed' || j.type === 'action_failed')).toEqual([]);
  });

  it('left every outbox row pending as it was decided: no attempt, no error', async () => {
    const all = await running.store.outbox.listActions();
    expect(all.length).toBeGreaterThan(20);
    expect(all.filter((a) => a.status !== 'pending')).toEqual([]);
    expect(all.filter((a) => a.attempts > 0 || a.lastError !== null || a.firstFailedAt !== undefined)).toEqual([]);
  });

  it('reports every pending row, and its counts by kind match the store', async () => {
    const pending = await running.store.outbox.listActions({ status: 'pending' });
    expect(report.pending).toBe(pending.length);
    expect(report.rows.map((r) => r.actionId).sort()).toEqual(pending.map((a) => a.id).sort());
    const byKind = (kinds: { kind: string }[]) =>
      kinds.reduce<Record<string, number>>((m, r) => ({ ...m, [r.kind]: (m[r.kind] ?? 0) + 1 }), {});
    expect(byKind(report.rows)).toEqual(byKind(pending));
    // The demo configures every channel: each row is due now and would go out, or would fail for a reason.
    expect(report.rows.filter((r) => r.outcome === 'no_channel')).toEqual([]);
    const emails = report.rows.filter((r) => r.kind === 'email' && r.outcome === 'would_send');
    expect(emails.length).toBeGreaterThan(10);
    for (const r of emails) expect(r.detail).toMatch(/^e-mail "/);
    for (const r of report.rows.filter((x) => x.outcome === 'would_fail'))
      expect(r.detail).toMatch(/debtor \S+ has no|:/);
  });

  it('the summary says what would go out, by kind and channel, in the figures of the report', () => {
    const text = formatDryRunReport(report);
    const send = report.rows.filter((r) => r.outcome === 'would_send');
    const reminders = send.filter(
      (r) => ['email', 'sms', 'letter', 'registered_letter'].includes(r.kind) && r.template !== 'formal-notice',
    ).length;
    expect(text).toContain(`${report.pending} outbox row(s) are pending`);
    expect(text).toContain(`send ${reminders} reminder(s)`);
    const emailLine = new RegExp(`^ {2}e-mail +${send.filter((r) => r.kind === 'email').length} `, 'm');
    expect(text).toMatch(emailLine);
    const failing = report.rows.filter((r) => r.outcome === 'would_fail').length;
    if (failing > 0) expect(text).toContain(`Would fail now: ${failing}`);
  });

  // Last: it changes the store.
  it('loses nothing: a real dispatch afterwards sends each e-mail the report announced, once', async () => {
    const config = running.runtime.config;
    const built = buildPerformers({
      config,
      store: running.store,
      clock: running.demo!.clock,
      logger: running.runtime.logger,
      legal: running.runtime.legal,
      connections: new Map(),
    });
    const result = await dispatchActions({
      store: running.store,
      performers: { email: built.performers.email! },
      clock: running.demo!.clock,
      logger: running.runtime.logger,
      limit: 1_000,
    });
    await built.close();
    const announced = report.rows
      .filter((r) => r.kind === 'email' && r.outcome === 'would_send')
      .map((r) => r.actionId)
      .sort();
    // Demo time runs on: rows the report saw as not due yet ('later'), and rows the simulated
    // controller's approvals added after it, may go out too; rows it saw as settled are done
    // without a message. Nothing else.
    const emails = await running.store.outbox.listActions({ kind: 'email', status: 'done' });
    const outcome = new Map(report.rows.map((r) => [r.actionId, r.outcome]));
    // Only a debtor without an e-mail address fails (some QuickBooks customers have none): a data problem, told as such.
    const failed = await running.store.outbox.listActions({ kind: 'email', status: 'failed' });
    expect(failed).toHaveLength(result.failed);
    for (const a of failed) expect(a.lastError).toMatch(/the debtor has no e-mail address/);
    expect(emails.map((a) => a.id)).toEqual(expect.arrayContaining(announced));
    const unexplained = emails.filter(
      (a) =>
        !announced.includes(a.id) &&
        outcome.get(a.id) !== 'later' &&
        outcome.get(a.id) !== 'settled' &&
        a.createdAt <= report.at,
    );
    expect(unexplained).toEqual([]);
    expect(readdirSync(running.demo!.mailDir)).toHaveLength(
      emails.filter((a) => outcome.get(a.id) !== 'settled').length,
    );
  });
});

describe('recouvra demo --dry-run --once (the built CLI)', () => {
  const cli = join(packageRoot(), 'dist/connector/app/cli/main.js');
  const run = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, NODE_ENV: 'production' } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });

  it('syncs and evaluates once, prints what would go out, sends nothing and exits 0', async () => {
    if (!existsSync(cli)) throw new Error(`${cli} is missing: build first (npx tsc -p tsconfig.json)`);
    const dir = mkdtempSync(join(tmpdir(), 'recouvra-dry-once-'));
    try {
      const out = await run([
        'demo',
        '--dry-run',
        '--once',
        '--demo-invoices',
        '150',
        '--seed',
        '4',
        '--data-dir',
        join(dir, 'demo'),
      ]);
      expect(out.stderr).toContain('DRY RUN');
      expect(out.code).toBe(0);
      expect(out.stdout).toMatch(/^DRY RUN as of .*: nothing was sent\. \d+ outbox row\(s\) are pending/);
      expect(out.stdout).toMatch(/it would at once send \d+ reminder\(s\)/);
      expect(readdirSync(join(dir, 'demo', 'mail'))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('refuses --once without --dry-run', async () => {
    const out = await run(['demo', '--once', '--data-dir', join(tmpdir(), 'recouvra-never-created')]);
    expect(out.code).not.toBe(0);
    expect(out.stderr).toContain('--once goes with --dry-run');
    expect(existsSync(join(tmpdir(), 'recouvra-never-created'))).toBe(false);
  });
});
