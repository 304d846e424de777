import { execFileSync } from 'node:child_process';
import axios from 'axios';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import winston from 'winston';
import { adapterRegistry } from '../../adapters/registry';
import { runCasesList } from '../../connector/app/cli/cases-command';
import { startDaemon, type RunningDaemon } from '../../connector/app/cli/run-command';
import { runConnectionsCheck } from '../../connector/app/cli/connections-command';
import { loadConfig } from '../../connector/config/load-config';
import { smsNumberOf } from '../../connector/policy/reachability';

/**
 * The demo as a person tries it from another terminal: the banner's lines work as printed — the
 * variables file exported, `cases list` on the configuration written for the demo's store, the API
 * with the token from that file. The log says one line per demo day instead of every tick. With
 * --manual-approval no simulated controller approves. No SMS row for a debtor without a mobile.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('recouvra demo from the command line', () => {
  let running: RunningDaemon;
  let banner = '';
  const log: { level: string; message: string }[] = [];

  beforeAll(async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'recouvra-demo-cli-')), 'demo');
    const out = new Writable({
      write: (c: Buffer, _e, done) => {
        banner += c.toString('utf8');
        done();
      },
    });
    const sink = new Writable({
      write: (c: Buffer, _e, done) => {
        for (const line of c
          .toString('utf8')
          .split('\n')
          .filter((l) => l !== ''))
          log.push(JSON.parse(line) as { level: string; message: string });
        done();
      },
    });
    running = await startDaemon(
      { clockSpeed: 2 * 86_400, demoInvoices: 150, seed: 2, dataDir, manualApproval: true },
      out,
      { log: { level: 'info', format: 'json', transport: new winston.transports.Stream({ stream: sink }) } },
    );
    // Long enough for a few demo days, reminders, and some SMS decisions.
    const deadline = Date.now() + 60_000;
    const toldEmails = () => log.some((l) => /^demo day .*\d+ e-mails?/.test(l.message));
    while (
      Date.now() < deadline &&
      ((await running.store.outbox.listActions({ kind: 'sms' })).length < 3 || !toldEmails())
    )
      await sleep(500);
  }, 90_000);

  afterAll(() => running.stop());

  /** The variables of the demo's env file, as `set -a; . demo.env` exports them: read back from a real shell. */
  const envOf = (file: string): NodeJS.ProcessEnv => {
    const names = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => /^[A-Z_0-9]+=/.test(l))
      .map((l) => l.slice(0, l.indexOf('=')));
    const out = execFileSync('bash', ['-c', `set -a; . "$1"; set +a; env -0`, 'bash', file], {
      env: { PATH: process.env['PATH'] ?? '' },
    }).toString('utf8');
    const exported = new Map(
      out
        .split('\0')
        .filter((e) => e.includes('='))
        .map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)] as const),
    );
    return Object.fromEntries(names.map((n) => [n, exported.get(n)]));
  };

  it('writes the configuration of its store, with its secrets only as ${VAR}, and their values in a file only its owner reads', () => {
    const demo = running.demo!;
    const yaml = readFileSync(demo.configFile, 'utf8');
    const token = running.runtime.config.api!.token!;
    expect(yaml).not.toContain(token);
    expect(yaml).not.toContain('recouvra-api-key');
    expect(yaml).toContain('token: ${RECOUVRA_API_TOKEN}');
    expect(statSync(demo.envFile).mode & 0o777).toBe(0o600);
    const env = envOf(demo.envFile);
    expect(env['RECOUVRA_API_TOKEN']).toBe(token);
    const loaded = loadConfig(demo.configFile, { env, registry: adapterRegistry });
    expect(loaded.config.store).toEqual({ driver: 'sqlite', sqlite: { path: demo.storePath } });
    expect(loaded.config.company).toEqual(demo.company);
    expect(loaded.config.connections.map((c) => c.id)).toEqual([
      'odoo-demo',
      'quickbooks-demo',
      'sage-active-demo',
      'sage100-demo',
    ]);
    // Sage Active: the app's secret and subscription key as variables too.
    const sage = demo.connections.find((c) => c['id'] === 'sage-active-demo')!;
    expect(yaml).not.toContain(String(sage['clientSecret']));
    expect(yaml).not.toContain(String(sage['subscriptionKey']));
    expect(yaml).toContain('subscriptionKey: ${RECOUVRA_DEMO_SAGE_SUBSCRIPTION_KEY}');
    // QuickBooks: the app's secret and verifier token as variables, the key its tokens are stored with beside them.
    const qbo = demo.connections.find((c) => c['id'] === 'quickbooks-demo')!;
    expect(yaml).not.toContain(String(qbo['clientSecret']));
    expect(yaml).not.toContain(String(qbo['webhookVerifierToken']));
    expect(yaml).toContain('clientSecret: ${RECOUVRA_DEMO_QBO_CLIENT_SECRET}');
    expect(env['RECOUVRA_CREDENTIALS_KEY']).toBe(demo.env['RECOUVRA_CREDENTIALS_KEY']);
    // The shell keeps a password hash whole: its $ signs are not expanded.
    expect(env['RECOUVRA_DEMO_PASSWORD_HASH_CLAIRE']).toMatch(/^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$[^$]+\$[^$]+$/);
    expect(loaded.warnings).toEqual([]);
  });

  it('prints the exact lines to try, and they work: cases list on that configuration, the API with the exported token', async () => {
    const demo = running.demo!;
    expect(banner).toContain(`set -a; . ${demo.envFile}; set +a`);
    expect(banner).toContain(`npm run recouvra -- cases list --limit 10 --config ${demo.configFile}`);
    expect(banner).toContain(`npm run recouvra -- approvals --config ${demo.configFile}`);
    expect(banner).toContain(
      `curl -s -H "Authorization: Bearer $RECOUVRA_API_TOKEN" '${running.apiUrl!}/cases?limit=5'`,
    );
    expect(banner).toContain('--manual-approval: steps waiting for approval wait for you');

    const env = envOf(demo.envFile);
    const listed = await runCasesList({ config: demo.configFile, env, json: true, limit: 10 });
    expect(listed.stderr).toBe('');
    expect(listed.exitCode).toBe(0);
    const cases = JSON.parse(listed.stdout) as { id: string }[];
    expect(cases.length).toBe(10);
    expect(cases.map((c) => c.id)).toEqual((await running.store.cases.listCases({ limit: 10 })).map((c) => c.id));

    // Without the variables exported, the one missing variable is named, once.
    const bare = await runCasesList({ config: demo.configFile, env: {} });
    expect(bare.exitCode).toBe(1);
    expect(bare.stderr).toContain('environment variable RECOUVRA_API_TOKEN is not set');
    expect(bare.stderr.match(/api\.token/g)).toHaveLength(1);

    const api = await axios.get<{ cases: unknown[] }>(`${running.apiUrl!}/cases?limit=5`, {
      headers: { Authorization: `Bearer ${env['RECOUVRA_API_TOKEN']!}` },
    });
    expect(api.data.cases).toHaveLength(5);
  });

  it('connections check on that configuration reaches every company, QuickBooks and Sage Active with the authorizations the demo stored', async () => {
    const demo = running.demo!;
    const checked = await runConnectionsCheck({ config: demo.configFile, env: envOf(demo.envFile), json: true });
    expect(checked.stderr).toBe('');
    expect(checked.exitCode).toBe(0);
    const results = JSON.parse(checked.stdout) as { connection: string; ok: boolean }[];
    expect(results.map((r) => [r.connection, r.ok])).toEqual([
      ['odoo-demo', true],
      ['quickbooks-demo', true],
      ['sage-active-demo', true],
      ['sage100-demo', true],
    ]);
    // Without the key the tokens were stored with, QuickBooks fails the check and says which variable.
    const { RECOUVRA_CREDENTIALS_KEY: _key, ...withoutKey } = envOf(demo.envFile);
    const keyless = await runConnectionsCheck({ config: demo.configFile, env: withoutKey });
    expect(keyless.exitCode).toBe(1);
    expect(keyless.stdout).toContain('RECOUVRA_CREDENTIALS_KEY');
    const failed = (
      JSON.parse((await runConnectionsCheck({ config: demo.configFile, env: withoutKey, json: true })).stdout) as {
        connection: string;
        ok: boolean;
      }[]
    ).filter((r) => !r.ok);
    expect(failed.map((r) => r.connection)).toEqual(['quickbooks-demo', 'sage-active-demo']);
  });

  it('logs one line per demo day, in order, and the routine of every tick only at debug', () => {
    const days = log
      .filter((l) => l.message.startsWith('demo day '))
      .map((l) => /^demo day (\d{4}-\d{2}-\d{2}): /.exec(l.message)?.[1]);
    expect(days.length).toBeGreaterThanOrEqual(3);
    expect(days.every((d) => d !== undefined)).toBe(true);
    expect([...days].sort()).toEqual(days);
    expect(new Set(days).size).toBe(days.length);
    expect(log.some((l) => /^demo day .*\d+ e-mails?/.test(l.message))).toBe(true);
    const routine = log.filter((l) =>
      /^(sync odoo-demo: (read|reconciliation: .* 0 to check)|evaluated \d+ case|outbox: \d+ done|tracking: )/.test(
        l.message,
      ),
    );
    expect(routine).toEqual([]);
  });

  it('creates SMS rows only for debtors with a French mobile, and journals the others as skipped', async () => {
    const sms = await running.store.outbox.listActions({ kind: 'sms' });
    expect(sms.length).toBeGreaterThan(0);
    for (const a of sms) {
      const c = await running.store.cases.getCase(a.caseId);
      const debtor = await running.store.sync.getDebtor(c!.debtorId);
      expect(smsNumberOf(debtor!.phones)).toBeDefined();
    }
    const failedForNoNumber = sms.filter((a) => a.lastError?.includes('SMS_NO_NUMBER'));
    expect(failedForNoNumber).toEqual([]);
    // The demo's customers include some with a landline only or no phone: their SMS are journalled as skipped.
    let skipped = 0;
    for (const c of await running.store.cases.listCases())
      skipped += (await running.store.cases.readJournal(c.id)).filter(
        (j) => j.type === 'note' && /^sms skipped for /.test(j.summary),
      ).length;
    expect(skipped).toBeGreaterThan(0);
  });

  it('with --manual-approval, nothing is approved by the simulated controller', async () => {
    expect(running.demo!.autoApprove).toBe(false);
    for (const c of await running.store.cases.listCases()) {
      expect((await running.store.cases.readJournal(c.id)).filter((j) => j.type === 'approved')).toEqual([]);
    }
  });
});
