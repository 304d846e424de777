import { randomBytes } from 'node:crypto';
import { QboClient } from '../../../adapters/quickbooks/client';
import { QuickBooksConnectionSchema } from '../../../adapters/quickbooks/config.schema';
import { RealmLimiter } from '../../../adapters/quickbooks/limiter';
import { CredentialKeyring } from '../../../connector/credentials/keyring';
import { AdapterError } from '../../../connector/ports/adapter-error';
import type { CredentialStore } from '../../../connector/ports/credentials';
import { openSqliteStore } from '../../../connector/store/sqlite';
import type { Store } from '../../../connector/store/store';
import { systemClock } from '../../../connector/time/clock';
import { startSimulator, type Running } from './simulator-fixture';

/**
 * The client against the simulator (two implementations of Intuit's contract checked against
 * each other): tokens issued and rotated by the simulator's token endpoint, Faults and the XML 429.
 */
describe('QuickBooks client against the simulator', () => {
  let sim: Running;
  let store: Store;
  let credentials: CredentialStore;

  const client = () =>
    new QboClient({
      config: QuickBooksConnectionSchema.parse({
        id: 'qbo-fr',
        type: 'quickbooks',
        realmId: sim.fr,
        baseUrl: sim.sim.url,
        clientId: sim.sim.clientId,
        clientSecret: sim.sim.clientSecret,
      }),
      clock: systemClock,
      credentials: () => credentials,
      limiter: new RealmLimiter({ requestsPerMinute: 500, maxInFlight: 10 }),
    });
  const failure = async (p: Promise<unknown>): Promise<AdapterError> => {
    const e = await p.then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(AdapterError);
    return e as AdapterError;
  };

  beforeEach(async () => {
    sim = await startSimulator();
    store = await openSqliteStore(':memory:');
    await store.migrate();
    credentials = store.credentials('qbo-fr', { keyring: new CredentialKeyring(randomBytes(32)) });
    const issued = sim.sim.controls.issueTokens(sim.fr);
    await credentials.compareAndSet(0, {
      accessToken: issued.access_token,
      accessTokenExpiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      refreshToken: issued.refresh_token,
    });
  });
  afterEach(async () => {
    await sim.sim.stop();
    await store.close();
  });

  it('pages the open invoices and counts them', async () => {
    const c = client();
    const count = (await c.query("SELECT count(*) FROM Invoice WHERE Balance > '0'")) as {
      QueryResponse: { totalCount: number };
    };
    expect(count.QueryResponse.totalCount).toBeGreaterThan(100);
    const page = (await c.query(
      "SELECT * FROM Invoice WHERE Balance > '0' ORDERBY MetaData.LastUpdatedTime, Id STARTPOSITION 1 MAXRESULTS 100",
    )) as { QueryResponse: { Invoice: { Id: string; Balance: number }[]; maxResults: number } };
    expect(page.QueryResponse.Invoice).toHaveLength(100);
    expect(page.QueryResponse.Invoice.every((i) => i.Balance > 0)).toBe(true);
    expect(c.meter.reads).toBe(2);
  });

  it('an access token the simulator expired is refreshed there, and the rotated refresh token is the one stored', async () => {
    const before = (await credentials.read())!.secret['refreshToken'];
    sim.sim.controls.expireAccessTokens();
    await client().query('SELECT count(*) FROM Customer');
    const after = (await credentials.read())!.secret['refreshToken'];
    expect(after).not.toBe(before);
    // The simulator rotated it: the previous refresh token is refused from now on.
    const reuse = await fetch(`${sim.sim.url}/oauth2/v1/tokens/bearer`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${sim.sim.clientId}:${sim.sim.clientSecret}`).toString('base64')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: String(before) }).toString(),
    });
    expect(reuse.status).toBe(400);
    expect(await reuse.json()).toEqual({ error: 'invalid_grant' });
  });

  it('the simulator’s Fault inside HTTP 200 and its XML 429 are classified', async () => {
    const c = client();
    sim.sim.controls.injectFault('fault200');
    expect((await failure(c.query('SELECT * FROM Customer'))).kind).toMatch(/system|transient/);
    sim.sim.controls.injectFault('429');
    const throttled = await failure(c.query('SELECT * FROM Customer'));
    expect(throttled.code).toBe('QBO_THROTTLED');
    expect(throttled.retryAfterMs).toBe(60_000);
  });
});
