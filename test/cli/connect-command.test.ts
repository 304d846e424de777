import axios from 'axios';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adapterRegistry } from '../../adapters/registry';
import { LoopbackServer } from '../../adapters/loopback-server';
import { QuickBooksConnectionSchema } from '../../adapters/quickbooks/config.schema';
import { runConnectQuickBooks } from '../../connector/app/cli/connect-command';
import { CredentialKeyring } from '../../connector/credentials/keyring';
import { registryEntry } from '../../connector/ports/erp';
import { openSqliteStore } from '../../connector/store/sqlite';

/**
 * `recouvra connect quickbooks`: the authorization-code flow against a server on loopback that
 * answers as Intuit's consent page and token endpoint do (erp-apis.md §2.8): the consent page
 * redirects to the callback with `code`, `state` and `realmId`; a code is exchanged once.
 */

const REALM = '9130350000000001';
// The connect command needs only the connection's schema; the adapter itself is not created.
const registry = {
  ...adapterRegistry,
  quickbooks: registryEntry({
    type: 'quickbooks',
    displayName: 'QuickBooks Online',
    configSchema: QuickBooksConnectionSchema,
    writeBackKinds: () => ['note'],
    create: () => {
      throw new Error('not created by connect');
    },
  }),
};

describe('recouvra connect quickbooks', () => {
  let dir: string;
  let intuit: LoopbackServer;
  let codes: Map<string, boolean>;
  let realmChosen: string;
  const key = randomBytes(32);
  const env = { RECOUVRA_CREDENTIALS_KEY: key.toString('base64'), QBO_SECRET: 'client-secret' };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url!, 'http://x');
    if (url.pathname === '/connect/oauth2') {
      const code = `code-${codes.size + 1}`;
      codes.set(code, true);
      const back = new URL(url.searchParams.get('redirect_uri')!);
      back.searchParams.set('code', code);
      back.searchParams.set('state', url.searchParams.get('state')!);
      back.searchParams.set('realmId', realmChosen);
      res.writeHead(302, { Location: back.toString() });
      return void res.end();
    }
    if (url.pathname === '/oauth2/v1/tokens/bearer') {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const form = new URLSearchParams(Buffer.concat(chunks).toString());
      const ok =
        req.headers.authorization === `Basic ${Buffer.from('client-id:client-secret').toString('base64')}` &&
        form.get('grant_type') === 'authorization_code' &&
        codes.get(form.get('code') ?? '') === true;
      codes.set(form.get('code') ?? '', false);
      res.writeHead(ok ? 200 : 400, { 'Content-Type': 'application/json' });
      return void res.end(
        JSON.stringify(
          ok
            ? {
                access_token: 'access-1',
                refresh_token: 'refresh-1',
                token_type: 'bearer',
                expires_in: 3600,
                x_refresh_token_expires_in: 8_640_000,
                x_refresh_token_hard_expires_in: 86_400 * 700,
              }
            : { error: 'invalid_grant' },
        ),
      );
    }
    res.writeHead(404);
    res.end();
  };

  const configFile = () => {
    const file = join(dir, 'recouvra.yaml');
    writeFileSync(
      file,
      [
        'version: 1',
        'store:',
        '  driver: sqlite',
        `  sqlite: { path: ${join(dir, 'store.sqlite')} }`,
        'connections:',
        '  - id: qbo-fr',
        '    type: quickbooks',
        `    realmId: "${REALM}"`,
        `    baseUrl: ${intuit.url}`,
        '    clientId: client-id',
        '    clientSecret: ${QBO_SECRET}',
        '',
      ].join('\n'),
    );
    return file;
  };
  /** Runs the command and plays the person: opens the consent URL (following Intuit's redirect to the callback). */
  const connect = (over: { visit?: (url: string) => Promise<void>; env?: Record<string, string> } = {}) =>
    runConnectQuickBooks({
      config: configFile(),
      connection: 'qbo-fr',
      port: 0,
      timeoutSeconds: 5,
      env: over.env ?? env,
      registry,
      onConsentUrl: (url) => {
        const visit =
          over.visit ??
          (async (u: string) => {
            await axios.get(u, { validateStatus: () => true });
          });
        void visit(url);
      },
    });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'recouvra-connect-'));
    intuit = new LoopbackServer('Intuit test server', handle);
    await intuit.start();
    codes = new Map();
    realmChosen = REALM;
  });
  afterEach(async () => {
    await intuit.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exchanges the code and stores the tokens, encrypted, for the connection', async () => {
    const before = Date.now();
    const result = await connect();
    const after = Date.now();
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`Connected the QuickBooks company ${REALM} to connection qbo-fr`);
    expect(result.stdout).toMatch(/Intuit ends it for good on \d{4}-\d{2}-\d{2}: reconnect before then/);
    const store = await openSqliteStore(join(dir, 'store.sqlite'));
    try {
      const stored = await store.credentials('qbo-fr', { keyring: new CredentialKeyring(key) }).read();
      expect(stored?.secret).toMatchObject({ accessToken: 'access-1', refreshToken: 'refresh-1' });
      expect(stored?.version).toBe(1);
      // x_refresh_token_hard_expires_in (700 days here) is kept as an instant, from the time of the answer.
      const hard = Date.parse((stored?.secret['extra'] as Record<string, string>)['refreshTokenHardExpiresAt']!);
      expect(hard).toBeGreaterThanOrEqual(before + 700 * 86_400_000);
      expect(hard).toBeLessThanOrEqual(after + 700 * 86_400_000);
      expect(result.stdout).toContain(`Intuit ends it for good on ${new Date(hard).toISOString().slice(0, 10)}`);
    } finally {
      await store.close();
    }
    expect(codes.get('code-1')).toBe(false);
  });

  it('reconnecting replaces an authorization stored with a key since lost', async () => {
    const lost = { ...env, RECOUVRA_CREDENTIALS_KEY: randomBytes(32).toString('base64') };
    expect((await connect({ env: lost })).exitCode).toBe(0);
    const result = await connect();
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const store = await openSqliteStore(join(dir, 'store.sqlite'));
    try {
      const stored = await store.credentials('qbo-fr', { keyring: new CredentialKeyring(key) }).read();
      expect(stored?.version).toBe(2);
      expect(stored?.secret).toMatchObject({ refreshToken: 'refresh-1' });
    } finally {
      await store.close();
    }
  });

  it('reconnecting ends a refusal the refresher recorded: the new tokens are stored without it', async () => {
    expect((await connect()).exitCode).toBe(0);
    let store = await openSqliteStore(join(dir, 'store.sqlite'));
    try {
      const credentials = store.credentials('qbo-fr', { keyring: new CredentialKeyring(key) });
      const refused = {
        ...(await credentials.read())!.secret,
        refused: { at: '2026-12-01T00:00:00.000Z', reason: 'x' },
      };
      expect((await credentials.compareAndSet(1, refused)).ok).toBe(true);
    } finally {
      await store.close();
    }
    const result = await connect();
    expect(result.exitCode).toBe(0);
    store = await openSqliteStore(join(dir, 'store.sqlite'));
    try {
      const stored = await store.credentials('qbo-fr', { keyring: new CredentialKeyring(key) }).read();
      expect(stored?.version).toBe(3);
      expect(stored?.secret['refused']).toBeUndefined();
      expect(stored?.secret).toMatchObject({ accessToken: 'access-1', refreshToken: 'refresh-1' });
    } finally {
      await store.close();
    }
  });

  it('a callback with another state is refused and the wait goes on; the real one then connects', async () => {
    const result = await connect({
      visit: async (url) => {
        const redirect = new URL(url).searchParams.get('redirect_uri')!;
        const forged = await axios.get(`${redirect}?code=stolen&state=${'0'.repeat(48)}&realmId=${REALM}`, {
          validateStatus: () => true,
        });
        expect(forged.status).toBe(400);
        expect(forged.data).toContain('state does not match');
        await axios.get(url);
      },
    });
    expect(result.exitCode).toBe(0);
  });

  it('another company chosen on the consent page is refused, nothing stored', async () => {
    realmChosen = '4620816365000000000';
    const result = await connect();
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      `the company chosen in Intuit's page is 4620816365000000000, but the connection is configured for ${REALM}`,
    );
    expect(codes.size).toBe(1);
    expect(codes.get('code-1')).toBe(true);
  });

  it('without the credentials key it stops before anyone is sent to Intuit', async () => {
    let told = false;
    const result = await connect({ env: { QBO_SECRET: 'client-secret' }, visit: async () => void (told = true) });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('RECOUVRA_CREDENTIALS_KEY is not set');
    expect(told).toBe(false);
  });

  it('names the connections when the one asked does not exist', async () => {
    const result = await runConnectQuickBooks({ config: configFile(), connection: 'nope', port: 0, env, registry });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('no connection "nope"');
    expect(result.stderr).toContain('(connections: qbo-fr)');
  });
});
