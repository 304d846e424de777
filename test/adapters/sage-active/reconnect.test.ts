import axios from 'axios';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adapterRegistry } from '../../../adapters/registry';
import { SageActiveClient } from '../../../adapters/sage-active/client';
import {
  SageActiveConnectionSchema,
  sageActiveReconnectCommand,
  type SageActiveConnection,
} from '../../../adapters/sage-active/config.schema';
import { runConnectionsCheck } from '../../../connector/app/cli/connections-command';
import { storedCredentialHealth } from '../../../connector/credentials/health';
import { CredentialKeyring } from '../../../connector/credentials/keyring';
import { AdapterError } from '../../../connector/ports/adapter-error';
import type { CredentialStore } from '../../../connector/ports/credentials';
import { openSqliteStore } from '../../../connector/store/sqlite';
import type { Store } from '../../../connector/store/store';
import { startSimulator, type Running } from './simulator-fixture';

/**
 * A Sage Active grant that ends (revoked, or its refresh token refused) becomes the "reconnect"
 * state, as a QuickBooks one does: the client's refresh gets `invalid_grant` from SBC Auth (the
 * simulator's), the refresher records the refusal in the store, every later call fails at once
 * without asking again, and `connections check` says the command to run without calling Sage.
 */
describe('a refused Sage Active grant', () => {
  let r: Running;
  let dir: string;
  let store: Store;
  let refreshToken: string;
  const key = randomBytes(32);
  const keyring = new CredentialKeyring(key);

  const config = (): SageActiveConnection =>
    SageActiveConnectionSchema.parse({
      id: 'sage-fr',
      type: 'sage-active',
      baseUrl: r.sim.url,
      clientId: r.sim.clientId,
      subscriptionKey: r.key,
      organizationId: r.books,
    });
  const credentials = (): CredentialStore => store.credentials('sage-fr', { keyring, clock: r.clock });
  const client = () => new SageActiveClient({ config: config(), clock: r.clock, credentials });
  const read = () => client().request('Count', 'query Count { customers(first: 1) { totalCount } }');
  const failure = async (p: Promise<unknown>): Promise<AdapterError> => {
    try {
      await p;
    } catch (e) {
      if (e instanceof AdapterError) return e;
      throw e;
    }
    throw new Error('expected a failure');
  };
  /** SBC Auth's revocation endpoint (sage.md §2.1: …/connect/revocation), as the user's "remove access" would. */
  const revoke = (token: string) =>
    axios.post(
      `${r.sim.url}/connect/revocation`,
      new URLSearchParams({ token, client_id: r.sim.clientId }).toString(),
      {
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      },
    );

  beforeEach(async () => {
    r = await startSimulator({ invoices: 40 });
    dir = mkdtempSync(join(tmpdir(), 'recouvra-sage-reconnect-'));
    store = await openSqliteStore(join(dir, 'store.sqlite'));
    await store.migrate();
    const issued = r.sim.controls.issueTokens();
    refreshToken = issued.refresh_token!;
    await credentials().compareAndSet(0, {
      accessToken: issued.access_token,
      accessTokenExpiresAt: new Date(r.clock.now().getTime() + issued.expires_in * 1000).toISOString(),
      refreshToken,
    });
  });
  afterEach(async () => {
    await store.close();
    await r.sim.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the command to run names the connection, and the configuration when known, as the registry gives it', () => {
    expect(sageActiveReconnectCommand({ id: 'sage-fr' })).toBe('recouvra connect sage-active --connection sage-fr');
    const connection = {
      id: 'sage-fr',
      type: 'sage-active',
      clientId: 'c',
      subscriptionKey: 'k',
      organizationId: '6f1c0b8e-2a3d-4c5e-9f70-8a9b0c1d2e3f',
    };
    expect(
      adapterRegistry['sage-active']!.authorization?.reconnectCommand(connection, '/srv/Mes fichiers/recouvra.yaml'),
    ).toBe("recouvra connect sage-active --config '/srv/Mes fichiers/recouvra.yaml' --connection sage-fr");
  });

  it('a revoked grant, once its access token has expired, asks for a reconnection and is recorded as refused', async () => {
    await read();
    await revoke(refreshToken);
    r.sim.controls.expireAccessTokens();
    const e = await failure(read());
    expect(e).toBeInstanceOf(AdapterError);
    expect(e.code).toBe('SAGE_RECONNECT');
    expect(e.kind).toBe('config');
    expect(e.userMessage).toContain('recouvra connect sage-active --connection sage-fr');
    const stored = (await credentials().read())!;
    expect(stored.secret['refused']).toMatchObject({ reason: expect.stringContaining('invalid_grant') });
    expect(JSON.stringify(stored.secret['refused'])).not.toContain(refreshToken);
  });

  it('an access token refused before its expiry is refreshed once; a refused refresh then records the refusal', async () => {
    const access = ((await credentials().read())!.secret as { accessToken: string }).accessToken;
    await revoke(access);
    await revoke(refreshToken);
    const before = r.sim.controls.counters().requests;
    const e = await failure(read());
    expect(e.code).toBe('SAGE_RECONNECT');
    // One call answered 401 "JWT not present.", then the refresh failed: no second call to the API.
    expect(r.sim.controls.counters().requests - before).toBe(1);
    expect((await credentials().read())!.secret['refused']).toBeDefined();
  });

  it('once refused, every later client on the store fails at once: neither Sage nor its sign-in server is asked again', async () => {
    await revoke(refreshToken);
    r.sim.controls.expireAccessTokens();
    await failure(read());
    const version = (await credentials().read())!.version;
    const calls = r.sim.controls.counters().requests;
    for (let i = 0; i < 3; i++) {
      const again = await failure(read());
      expect(again.code).toBe('SAGE_RECONNECT');
      expect(again.userMessage).toContain('no refresh is tried until the connection is authorized again');
    }
    expect(r.sim.controls.counters().requests).toBe(calls);
    // A refresh attempt would have taken the lease and written a new version.
    expect((await credentials().read())!.version).toBe(version);
  });

  it('is the "reconnect" state of the connection, with the Sage Active command', async () => {
    await revoke(refreshToken);
    r.sim.controls.expireAccessTokens();
    await failure(read());
    const health = await storedCredentialHealth(
      'sage-fr',
      credentials,
      r.clock.now(),
      sageActiveReconnectCommand({ id: 'sage-fr' }, 'r.yaml'),
    );
    expect(health).toMatchObject({
      state: 'reconnect',
      refusedAt: r.clock.now().toISOString(),
      message: expect.stringContaining('run `recouvra connect sage-active --config r.yaml --connection sage-fr`'),
    });
  });

  it('`connections check` fails the connection with the command to run, without calling Sage', async () => {
    await revoke(refreshToken);
    r.sim.controls.expireAccessTokens();
    await failure(read());
    const file = join(dir, 'recouvra.yaml');
    writeFileSync(
      file,
      [
        'version: 1',
        'store:',
        '  driver: sqlite',
        `  sqlite: { path: ${join(dir, 'store.sqlite')} }`,
        'logging: { level: error, format: json }',
        'connections:',
        '  - id: sage-fr',
        '    type: sage-active',
        `    baseUrl: ${r.sim.url}`,
        `    clientId: ${r.sim.clientId}`,
        '    subscriptionKey: ${SAGE_KEY}',
        `    organizationId: ${r.books}`,
        '',
      ].join('\n'),
    );
    const calls = r.sim.controls.counters().requests;
    const result = await runConnectionsCheck({
      config: file,
      env: { RECOUVRA_CREDENTIALS_KEY: key.toString('base64'), SAGE_KEY: r.key },
      clock: r.clock,
    });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(
      /^sage-fr \(sage-active\): FAILED\n {2}problem: connection sage-fr: the provider refused the stored authorization on 2026-05-01 \(.*invalid_grant.*\); nothing is read or written until the company is reconnected: run `recouvra connect sage-active --config \S+ --connection sage-fr`/,
    );
    expect(r.sim.controls.counters().requests).toBe(calls);
    expect(result.stdout + result.stderr).not.toContain(refreshToken);
  });

  it('a refresh that brings no new refresh token keeps the stored one; one that does stores it', async () => {
    r.sim.controls.refreshRotation = 'keep';
    r.sim.controls.expireAccessTokens();
    await read();
    expect((await credentials().read())!.secret['refreshToken']).toBe(refreshToken);
    r.sim.controls.refreshRotation = 'rotate';
    r.sim.controls.expireAccessTokens();
    await read();
    const rotated = (await credentials().read())!.secret['refreshToken'];
    expect(rotated).toMatch(/^sage-sim-rt-/);
    expect(rotated).not.toBe(refreshToken);
  });
});
