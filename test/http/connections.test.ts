import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { adapterRegistry } from '../../adapters/registry';
import { connectionAuthorizations } from '../../connector/app/connection-authorizations';
import { buildApi } from '../../connector/app/http/api';
import { ErpReadMeter, meteredConnections } from '../../connector/app/erp-read-meter';
import type { AdapterUsage } from '../../connector/ports/erp';
import { CredentialKeyring } from '../../connector/credentials/keyring';
import type { CredentialSecret, OAuthTokens } from '../../connector/ports/credentials';
import { openSqliteStore } from '../../connector/store/sqlite';
import type { Store } from '../../connector/store/store';
import { SimulatedClock } from '../../connector/time/clock';
import { memoryLogger } from '../helpers/logger';

/**
 * GET /connections (behind the token: each connection, its type and its authorization's state,
 * message and end), GET /ready (no token: 200 with the worst authorization state flagged, no
 * connection named) and the days-left gauge, over a real loopback server, a SQLite store holding
 * the tokens encrypted, and a still clock on 2026-12-05 10:00 UTC.
 */

const TOKEN = 'rcv_connections_connections_connections_0';
const NOW = Date.parse('2026-12-05T10:00:00Z');
const DAY = 86_400_000;
const key = randomBytes(32);
const env = { RECOUVRA_CREDENTIALS_KEY: key.toString('base64') };

const qbo = (id: string, realmId: string) => ({
  id,
  type: 'quickbooks',
  realmId,
  clientId: 'client-id',
  clientSecret: 'client-secret-value',
});

/** Tokens whose secret values the tests look for in every answer. */
const tokens = (id: string, hardEndsInDays: number, over: Partial<OAuthTokens> = {}): OAuthTokens => ({
  accessToken: `at-${id}-secret-${randomBytes(6).toString('hex')}`,
  accessTokenExpiresAt: new Date(NOW + 3_600_000).toISOString(),
  refreshToken: `rt-${id}-secret-${randomBytes(6).toString('hex')}`,
  refreshTokenExpiresAt: new Date(NOW + 100 * DAY).toISOString(),
  extra: { refreshTokenHardExpiresAt: new Date(NOW + hardEndsInDays * DAY).toISOString() },
  ...over,
});

describe('GET /connections, GET /ready and the authorization gauge', () => {
  let store: Store;
  let clock: SimulatedClock;
  const apps: FastifyInstance[] = [];
  const stored: OAuthTokens[] = [];

  /** The API over the store for these connections, listening on loopback; its base URL. */
  const serve = async (connections: { id: string; type: string }[], meter?: ErpReadMeter): Promise<string> => {
    const authorizations = connectionAuthorizations({
      connections,
      registry: adapterRegistry,
      store,
      clock,
      env,
      configFile: '/etc/recouvra/recouvra.yaml',
    });
    const app = buildApi({
      store,
      connections: connections.map((c) => c.id),
      authorizations,
      config: { token: TOKEN, host: '127.0.0.1', port: 0 },
      clock,
      logger: memoryLogger('error').logger,
      ...(meter ? { monthlyReads: () => meter.monthlyReads() } : {}),
    });
    apps.push(app);
    return app.listen({ host: '127.0.0.1', port: 0 });
  };
  const get = async (base: string, path: string, token?: string) => {
    const response = await fetch(`${base}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
    const text = await response.text();
    for (const t of stored) for (const secret of [t.accessToken, t.refreshToken]) expect(text).not.toContain(secret);
    expect(text).not.toContain('client-secret-value');
    return { status: response.status, text };
  };

  beforeEach(async () => {
    clock = new SimulatedClock(NOW, 0);
    store = await openSqliteStore(':memory:');
    await store.migrate();
    const put = async (id: string, t: OAuthTokens, ring = new CredentialKeyring(key)) => {
      stored.push(t);
      await store.credentials(id, { keyring: ring, clock }).compareAndSet(0, t as unknown as CredentialSecret);
    };
    await put('qbo-ok', tokens('qbo-ok', 1500));
    await put('qbo-soon', tokens('qbo-soon', 30));
    await put(
      'qbo-refused',
      tokens('qbo-refused', 1500, {
        refused: { at: '2026-12-04T23:00:00.000Z', reason: 'the provider refused the stored refresh token' },
      }),
    );
    await put('qbo-lost-key', tokens('qbo-lost-key', 1500), new CredentialKeyring(randomBytes(32)));
  });
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
    await store.close().catch(() => undefined);
  });

  it('GET /connections needs the token, and lists each connection with its type and authorization, never a token', async () => {
    const base = await serve([
      { id: 'odoo-main', type: 'odoo' },
      qbo('qbo-ok', '9130350000000001'),
      qbo('qbo-soon', '9130350000000002'),
      qbo('qbo-refused', '9130350000000003'),
      qbo('qbo-lost-key', '9130350000000004'),
      qbo('qbo-new', '9130350000000005'),
    ]);
    expect((await get(base, '/connections')).status).toBe(401);
    const { status, text } = await get(base, '/connections', TOKEN);
    expect(status).toBe(200);
    const command = (id: string) =>
      `recouvra connect quickbooks --config /etc/recouvra/recouvra.yaml --connection ${id}`;
    const body = JSON.parse(text) as { connections: { id: string; type: string; authorization: unknown }[] };
    expect(body.connections).toEqual([
      { id: 'odoo-main', type: 'odoo', authorization: null, sync: null },
      {
        id: 'qbo-ok',
        sync: null,
        type: 'quickbooks',
        authorization: { state: 'ok', endsAt: new Date(NOW + 100 * DAY).toISOString(), daysLeft: 100, message: '' },
      },
      {
        id: 'qbo-soon',
        sync: null,
        type: 'quickbooks',
        authorization: {
          state: 'expiring',
          endsAt: new Date(NOW + 30 * DAY).toISOString(),
          daysLeft: 30,
          notice: 30,
          message: `connection qbo-soon: the authorization ends on 2027-01-04 (in 30 days); reconnect the company before then: run \`${command('qbo-soon')}\``,
        },
      },
      {
        id: 'qbo-refused',
        sync: null,
        type: 'quickbooks',
        authorization: {
          state: 'reconnect',
          endsAt: new Date(NOW + 100 * DAY).toISOString(),
          daysLeft: 100,
          refusedAt: '2026-12-04T23:00:00.000Z',
          message: expect.stringContaining(`refused the stored authorization on 2026-12-04`) as string,
        },
      },
      {
        id: 'qbo-lost-key',
        sync: null,
        type: 'quickbooks',
        authorization: {
          state: 'unreadable',
          message: expect.stringContaining('cannot be read') as string,
        },
      },
      {
        id: 'qbo-new',
        sync: null,
        type: 'quickbooks',
        authorization: {
          state: 'reconnect',
          message: `connection qbo-new is not connected yet: run \`${command('qbo-new')}\``,
        },
      },
    ]);
  });

  it('GET /connections gives each QuickBooks connection its reads this month against its allowance, and /metrics the gauges', async () => {
    const connections = [
      { id: 'odoo-main', type: 'odoo' },
      qbo('qbo-ok', '9130350000000001'),
      { ...qbo('qbo-soon', '9130350000000002'), monthlyReadAllowance: 1_000 },
    ];
    const usage: Record<string, AdapterUsage> = {
      'odoo-main': { reads: 50, writes: 0, throttled: 0 },
      'qbo-ok': { reads: 400_000, writes: 12, throttled: 0 },
      'qbo-soon': { reads: 1_000, writes: 0, throttled: 3 },
    };
    const meter = new ErpReadMeter({
      store,
      clock,
      logger: memoryLogger('error').logger,
      connections: meteredConnections(connections, adapterRegistry, (id) => usage[id]),
    });
    await meter.flush();
    usage['qbo-ok'] = { reads: 400_010, writes: 20, throttled: 0 };
    const base = await serve(connections, meter);
    const body = JSON.parse((await get(base, '/api/connections', TOKEN)).text) as {
      connections: { id: string; reads?: unknown }[];
    };
    const month = { period: '2026-12', resetsAt: '2027-01-01T00:00:00.000Z' };
    expect(body.connections.map((c) => [c.id, c.reads])).toEqual([
      ['odoo-main', undefined],
      ['qbo-ok', { ...month, used: 400_010, allowance: 500_000, share: 0.8 }],
      ['qbo-soon', { ...month, used: 1_000, allowance: 1_000, share: 1 }],
    ]);
    const { text } = await get(base, '/metrics', TOKEN);
    expect(text).toContain('recouvra_erp_monthly_reads{connection="qbo-ok"} 400010\n');
    expect(text).toContain('recouvra_erp_monthly_read_allowance{connection="qbo-soon"} 1000\n');
    expect(text).not.toMatch(/recouvra_erp_monthly_reads\{connection="odoo-main"/);
  });

  it('GET /ready stays 200 and flags the worst authorization state, naming no connection', async () => {
    const all = await serve([
      { id: 'odoo-main', type: 'odoo' },
      qbo('qbo-ok', '9130350000000001'),
      qbo('qbo-refused', '9130350000000003'),
    ]);
    const ready = await get(all, '/ready');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.text)).toEqual({ status: 'ready', connections: 'reconnect' });
    expect(ready.text).not.toContain('qbo-');

    const soon = await serve([qbo('qbo-ok', '9130350000000001'), qbo('qbo-soon', '9130350000000002')]);
    expect(JSON.parse((await get(soon, '/ready')).text)).toEqual({ status: 'ready', connections: 'expiring' });
    // 31 days before the end it was not yet flagged.
    clock.advance(-DAY);
    expect(JSON.parse((await get(soon, '/ready')).text)).toEqual({ status: 'ready', connections: 'ok' });

    const odooOnly = await serve([{ id: 'odoo-main', type: 'odoo' }]);
    expect(JSON.parse((await get(odooOnly, '/ready')).text)).toEqual({ status: 'ready' });
  });

  it('GET /ready with the store down: 503 naming the store, and no authorization state it could not read', async () => {
    const base = await serve([qbo('qbo-refused', '9130350000000003')]);
    await store.close();
    const ready = await get(base, '/ready');
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.text)).toEqual({ status: 'not_ready', down: ['store'] });
  });

  it('the days-left gauge: the fraction of days to the end, 0 for a refused one, none for an unreadable one or Odoo', async () => {
    const base = await serve([
      { id: 'odoo-main', type: 'odoo' },
      qbo('qbo-soon', '9130350000000002'),
      qbo('qbo-refused', '9130350000000003'),
      qbo('qbo-lost-key', '9130350000000004'),
    ]);
    clock.advance(DAY / 2);
    const { text } = await get(base, '/metrics', TOKEN);
    expect(text).toContain('recouvra_authorization_days_left{connection="qbo-soon"} 29.5\n');
    expect(text).toContain('recouvra_authorization_days_left{connection="qbo-refused"} 0\n');
    expect(text).not.toMatch(/recouvra_authorization_days_left\{connection="(qbo-lost-key|odoo-main)"/);
  });
});
