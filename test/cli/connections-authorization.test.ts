import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QuickBooksSimulator } from '../../adapters/quickbooks/simulator';
import { runConnectionsCheck } from '../../connector/app/cli/connections-command';
import { CredentialKeyring } from '../../connector/credentials/keyring';
import type { CredentialSecret, OAuthTokens } from '../../connector/ports/credentials';
import { openSqliteStore } from '../../connector/store/sqlite';
import { SimulatedClock } from '../../connector/time/clock';

/**
 * `recouvra connections check` and the authorization of QuickBooks companies, on the simulator
 * (its token endpoint and API on loopback) and one still clock set to 2026-12-05 10:00 UTC: a
 * company whose authorization ends in 30 days passes with a warning; one whose refresh token the
 * provider refused, or never connected, fails with the command to run, and the ERP is not called.
 */

const NOW = Date.parse('2026-12-05T10:00:00Z');
const DAY = 86_400_000;

describe('recouvra connections check: QuickBooks authorizations', () => {
  let sim: QuickBooksSimulator;
  let clock: SimulatedClock;
  let dir: string;
  let config: string;
  let realms: string[];
  const key = randomBytes(32);
  const env = () => ({ RECOUVRA_CREDENTIALS_KEY: key.toString('base64'), QBO_SECRET: sim.clientSecret });

  /** Tokens as `connect` stores them, from a consent given now on the simulator, with the hard end asked. */
  const connected = (realm: string, over: Partial<OAuthTokens> = {}): OAuthTokens => {
    const t = sim.controls.issueTokens(realm, true);
    return {
      accessToken: t.access_token,
      accessTokenExpiresAt: new Date(NOW + t.expires_in * 1000).toISOString(),
      refreshToken: t.refresh_token,
      refreshTokenExpiresAt: new Date(NOW + t.x_refresh_token_expires_in * 1000).toISOString(),
      extra: { refreshTokenHardExpiresAt: new Date(NOW + t.x_refresh_token_hard_expires_in! * 1000).toISOString() },
      ...over,
    };
  };

  beforeAll(async () => {
    clock = new SimulatedClock(NOW, 0);
    sim = await new QuickBooksSimulator({ seed: 3, invoices: 60, clock }).start();
    realms = sim.companies.map((c) => c.realmId);
    dir = mkdtempSync(join(tmpdir(), 'recouvra-cli-qbo-auth-'));
    config = join(dir, 'recouvra.yaml');
    const entry = (id: string, realm: string) =>
      [
        `  - id: ${id}`,
        '    type: quickbooks',
        `    realmId: "${realm}"`,
        `    baseUrl: ${sim.url}`,
        `    clientId: ${sim.clientId}`,
        '    clientSecret: ${QBO_SECRET}',
      ].join('\n');
    writeFileSync(
      config,
      [
        'version: 1',
        'store:',
        '  driver: sqlite',
        `  sqlite: { path: ${join(dir, 'store.sqlite')} }`,
        'logging: { level: error, format: json }',
        'connections:',
        entry('qbo-ok', realms[0]!),
        entry('qbo-soon', realms[1]!),
        entry('qbo-refused', realms[2]!),
        entry('qbo-never', realms[0]!),
        '',
      ].join('\n'),
    );
    const store = await openSqliteStore(join(dir, 'store.sqlite'));
    try {
      await store.migrate();
      const keyring = new CredentialKeyring(key);
      const put = (id: string, tokens: OAuthTokens) =>
        store.credentials(id, { keyring, clock }).compareAndSet(0, tokens as unknown as CredentialSecret);
      await put('qbo-ok', connected(realms[0]!));
      await put(
        'qbo-soon',
        connected(realms[1]!, { extra: { refreshTokenHardExpiresAt: new Date(NOW + 30 * DAY).toISOString() } }),
      );
      await put(
        'qbo-refused',
        connected(realms[2]!, {
          refused: {
            at: '2026-12-04T23:00:00.000Z',
            reason: 'the provider refused the stored refresh token (revoked, expired, or already used)',
          },
        }),
      );
    } finally {
      await store.close();
    }
  });
  afterAll(async () => {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an ending authorization passes with a warning; a refused or missing one fails with the command, and its company is not called', async () => {
    const before = sim.controls.counters()[realms[2]!]?.requests ?? 0;
    const r = await runConnectionsCheck({ config, env: env(), clock });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe('2 of 4 connection(s) failed the check\n');
    const lines = r.stdout.split('\n');
    const block = (id: string) => {
      const start = lines.findIndex((l) => l.startsWith(`${id} (quickbooks)`));
      const end = lines.findIndex((l, i) => i > start && !l.startsWith('  '));
      return lines.slice(start, end).join('\n');
    };
    expect(block('qbo-ok')).toMatch(/^qbo-ok \(quickbooks\): ok, server QuickBooks Online Accounting API v3/);
    expect(block('qbo-ok')).not.toContain('warning');
    expect(block('qbo-soon')).toMatch(/^qbo-soon \(quickbooks\): ok, server /);
    expect(block('qbo-soon')).toContain(
      `\n  warning: connection qbo-soon: the authorization ends on 2027-01-04 (in 30 days); reconnect the company before then: run \`recouvra connect quickbooks --config ${config} --connection qbo-soon\``,
    );
    expect(block('qbo-refused')).toBe(
      'qbo-refused (quickbooks): FAILED\n' +
        '  problem: connection qbo-refused: the provider refused the stored authorization on 2026-12-04 ' +
        '(the provider refused the stored refresh token (revoked, expired, or already used)); nothing is read or written until the company is reconnected: ' +
        `run \`recouvra connect quickbooks --config ${config} --connection qbo-refused\``,
    );
    expect(block('qbo-never')).toBe(
      'qbo-never (quickbooks): FAILED\n' +
        `  problem: connection qbo-never is not connected yet: run \`recouvra connect quickbooks --config ${config} --connection qbo-never\``,
    );
    expect(sim.controls.counters()[realms[2]!]?.requests ?? 0).toBe(before);
    expect(r.stdout + r.stderr).not.toContain(sim.clientSecret);
  });

  it('--json carries the state, the end, the days left and the notice, and the warning', async () => {
    const r = await runConnectionsCheck({ config, env: env(), clock, json: true });
    const results = JSON.parse(r.stdout) as {
      connection: string;
      ok: boolean;
      warnings: string[];
      authorization?: Record<string, unknown>;
    }[];
    const of = (id: string) => results.find((x) => x.connection === id)!;
    expect(of('qbo-soon')).toMatchObject({
      ok: true,
      authorization: { state: 'expiring', endsAt: new Date(NOW + 30 * DAY).toISOString(), daysLeft: 30, notice: 30 },
    });
    expect(of('qbo-soon').warnings).toEqual([of('qbo-soon').authorization!['message']]);
    expect(of('qbo-ok')).toMatchObject({ ok: true, warnings: [], authorization: { state: 'ok', message: '' } });
    expect(of('qbo-refused')).toMatchObject({
      ok: false,
      authorization: { state: 'reconnect', refusedAt: '2026-12-04T23:00:00.000Z' },
    });
    expect(of('qbo-never')).toMatchObject({ ok: false, authorization: { state: 'reconnect' } });
    expect(r.stdout).not.toMatch(/qbo-sim-(rt|at)-/);
  });

  it('seven days later the same authorization is in its last week: the 7-day notice', async () => {
    const later = new SimulatedClock(NOW + 23 * DAY, 0);
    const r = await runConnectionsCheck({ config, env: env(), clock: later, json: true });
    const soon = (JSON.parse(r.stdout) as { connection: string; authorization?: Record<string, unknown> }[]).find(
      (x) => x.connection === 'qbo-soon',
    )!;
    expect(soon.authorization).toMatchObject({ state: 'expiring', daysLeft: 7, notice: 7 });
  });

  it('without the key, each QuickBooks connection fails as unreadable, naming the variable', async () => {
    const r = await runConnectionsCheck({ config, env: { QBO_SECRET: sim.clientSecret }, clock });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(
      /^qbo-ok \(quickbooks\): FAILED\n {2}problem: connection qbo-ok: the stored authorization cannot be read \(.*RECOUVRA_CREDENTIALS_KEY/m,
    );
  });
});
