import axios from 'axios';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SageActiveClient } from '../../adapters/sage-active/client';
import { SageActiveConnectionSchema } from '../../adapters/sage-active/config.schema';
import { SageActiveSimulator } from '../../adapters/sage-active/simulator';
import { runConnectSageActive } from '../../connector/app/cli/connect-command';
import { CredentialKeyring } from '../../connector/credentials/keyring';
import type { CredentialSecret } from '../../connector/ports/credentials';
import { openSqliteStore } from '../../connector/store/sqlite';
import { SimulatedClock } from '../../connector/time/clock';

/**
 * `recouvra connect sage-active` end to end against the Sage Active simulator (its SBC Auth
 * endpoints and GraphQL API on loopback): the consent URL followed as a browser would (the
 * simulator's /connect/authorize consents at once for the user of `login_hint` and redirects to the
 * command's callback), the code exchanged with the PKCE verifier, the organisations listed, and the
 * tokens stored encrypted only when the configured organisation is among them.
 */
describe('recouvra connect sage-active', () => {
  let sim: SageActiveSimulator;
  let clock: SimulatedClock;
  let dir: string;
  let books: string;
  let starter: string;
  const key = randomBytes(32);
  const env = () => ({ RECOUVRA_CREDENTIALS_KEY: key.toString('base64'), SAGE_KEY: sim.subscriptionKeys[0] });
  const storePath = () => join(dir, 'store.sqlite');

  const configFile = (organizationId: string) => {
    const file = join(dir, 'recouvra.yaml');
    writeFileSync(
      file,
      [
        'version: 1',
        'store:',
        '  driver: sqlite',
        `  sqlite: { path: ${storePath()} }`,
        'logging: { level: error, format: json }',
        'connections:',
        '  - id: sage-fr',
        '    type: sage-active',
        `    baseUrl: ${sim.url}`,
        `    clientId: ${sim.clientId}`,
        '    subscriptionKey: ${SAGE_KEY}',
        `    organizationId: ${organizationId}`,
        '',
      ].join('\n'),
    );
    return file;
  };
  /** Runs the command and plays the person: opens the consent URL, signed in as `user` (the simulator's login_hint). */
  const connect = (over: { organizationId?: string; user?: string; env?: Record<string, string> } = {}) => {
    const seen: string[] = [];
    const result = runConnectSageActive({
      config: configFile(over.organizationId ?? books),
      connection: 'sage-fr',
      port: 0,
      timeoutSeconds: 5,
      env: over.env ?? env(),
      clock,
      onConsentUrl: (url) => {
        seen.push(url);
        const u = new URL(url);
        if (over.user) u.searchParams.set('login_hint', over.user);
        // Follows the 302 to the command's loopback callback, as the browser would.
        void axios.get(u.toString(), { validateStatus: () => true });
      },
    });
    return result.then((r) => ({ ...r, consent: seen[0] }));
  };
  const stored = async () => {
    if (!existsSync(storePath())) return undefined;
    const store = await openSqliteStore(storePath());
    try {
      return await store.credentials('sage-fr', { keyring: new CredentialKeyring(key) }).read();
    } finally {
      await store.close();
    }
  };

  beforeEach(async () => {
    clock = new SimulatedClock(Date.parse('2026-12-05T10:00:00Z'), 0);
    sim = await new SageActiveSimulator({ seed: 5, invoices: 40, clock }).start();
    [books, starter] = sim.organizations.map((o) => o.id) as [string, string];
    dir = mkdtempSync(join(tmpdir(), 'recouvra-connect-sage-'));
  });
  afterEach(async () => {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('signs in with PKCE, finds the organisation, and stores the tokens encrypted, printing none of them', async () => {
    const result = await connect();
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const organisation = sim.organizations[0]!;
    expect(result.stdout).toContain(
      `Connected the Sage Active organisation ${organisation.socialName} (${books}) to connection sage-fr: tokens stored, encrypted, in the store.`,
    );
    const consent = new URL(result.consent!);
    expect(consent.pathname).toBe('/connect/authorize');
    expect(consent.searchParams.get('code_challenge_method')).toBe('S256');
    expect(consent.searchParams.get('scope')).toBe('RDSA WDSA offline_access');
    expect(consent.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);

    const credential = await stored();
    expect(credential?.version).toBe(1);
    const secret = credential!.secret as { accessToken: string; refreshToken: string; accessTokenExpiresAt: string };
    expect(secret.refreshToken).toMatch(/^sage-sim-rt-/);
    // §2.1: access tokens last 28800 s, timed from the answer on the injected clock.
    expect(secret.accessTokenExpiresAt).toBe('2026-12-05T18:00:00.000Z');
    expect(result.stdout + result.stderr).not.toContain(secret.accessToken);
    expect(result.stdout + result.stderr).not.toContain(secret.refreshToken);
    // The store's row is ciphertext: neither token is readable in the file.
    expect(readFileSync(storePath()).includes(Buffer.from(secret.refreshToken))).toBe(false);

    // What was stored opens the organisation.
    const config = SageActiveConnectionSchema.parse({
      id: 'sage-fr',
      type: 'sage-active',
      baseUrl: sim.url,
      clientId: sim.clientId,
      subscriptionKey: sim.subscriptionKeys[0],
      organizationId: books,
    });
    const store = await openSqliteStore(storePath());
    try {
      const client = new SageActiveClient({
        config,
        clock,
        credentials: () => store.credentials('sage-fr', { keyring: new CredentialKeyring(key), clock }),
      });
      const data = await client.request<{ customers: { totalCount: number } }>(
        'Count',
        'query Count { customers(first: 1) { totalCount } }',
      );
      expect(data.customers.totalCount).toBe(sim.organizations[0]!.customers.length);
    } finally {
      await store.close();
    }
  });

  it("prints the organisations with their ids and stores nothing when the configured one is not the signed-in user's", async () => {
    // Inès may open the first organisation only (the simulator's third user).
    const result = await connect({ organizationId: starter, user: 'atelier@menuiserie-lefevre.example.fr' });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe(
      'The user who signed in can open these Sage Active organisations:\n' +
        `  ${books}  ${sim.organizations[0]!.socialName} (${sim.organizations[0]!.legislationCode})\n` +
        `Put the id of the one to read in organizationId of connection sage-fr (${join(dir, 'recouvra.yaml')}), then run this command again.\n`,
    );
    expect(result.stderr).toBe(
      `recouvra connect sage-active: the organisation ${starter} configured is not one the signed-in user can open: choose one of those listed, or sign in with a user who has access to it; nothing was stored\n`,
    );
    expect(await stored()).toBeUndefined();
  });

  it('lists both organisations to a user who may open both, and connects once the id is set', async () => {
    const unset = '00000000-0000-4000-8000-000000000000';
    const first = await connect({ organizationId: unset });
    expect(first.exitCode).toBe(1);
    expect(first.stdout).toContain(`  ${books}  `);
    expect(first.stdout).toContain(`  ${starter}  `);
    const second = await connect({ organizationId: starter });
    expect(second.exitCode).toBe(0);
    expect(second.stdout).toContain(`(${starter}) to connection sage-fr`);
  });

  it('a user who never signed in to Sage Active is told what to do, and nothing is stored', async () => {
    const result = await connect({ user: 'nouveau@menuiserie-lefevre.example.fr' });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('must have signed in to Sage Active at least once');
    expect(await stored()).toBeUndefined();
  });

  it('reconnecting replaces a refusal the refresher recorded: the new tokens are stored without it', async () => {
    expect((await connect()).exitCode).toBe(0);
    const store = await openSqliteStore(storePath());
    try {
      const credentials = store.credentials('sage-fr', { keyring: new CredentialKeyring(key) });
      const refused = {
        ...(await credentials.read())!.secret,
        refused: { at: '2026-12-05T09:00:00.000Z', reason: 'invalid_grant' },
      } as CredentialSecret;
      expect((await credentials.compareAndSet(1, refused)).ok).toBe(true);
    } finally {
      await store.close();
    }
    const again = await connect();
    expect(again.exitCode).toBe(0);
    const credential = await stored();
    expect(credential?.version).toBe(3);
    expect(credential?.secret['refused']).toBeUndefined();
  });

  it('without the credentials key it stops before anyone is sent to sign in', async () => {
    const result = await connect({ env: { SAGE_KEY: sim.subscriptionKeys[0] } });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('RECOUVRA_CREDENTIALS_KEY is not set');
    expect(result.consent).toBeUndefined();
  });

  it('refuses a connection of another type', async () => {
    const file = configFile(books);
    writeFileSync(
      file,
      `${[
        'version: 1',
        'connections:',
        '  - id: sage-fr',
        '    type: quickbooks',
        '    realmId: "9130350000000001"',
        '    clientId: c',
        '    clientSecret: ${QBO_SECRET}',
      ].join('\n')}\n`,
    );
    const result = await runConnectSageActive({
      config: file,
      connection: 'sage-fr',
      port: 0,
      env: { ...env(), QBO_SECRET: 's' },
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(
      'recouvra connect sage-active: connection "sage-fr" is of type quickbooks, not sage-active\n',
    );
  });
});
