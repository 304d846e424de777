import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackServer } from '../../../adapters/loopback-server';
import { QboClient } from '../../../adapters/quickbooks/client';
import { QuickBooksConnectionSchema } from '../../../adapters/quickbooks/config.schema';
import { RealmLimiter } from '../../../adapters/quickbooks/limiter';
import { CredentialKeyring } from '../../../connector/credentials/keyring';
import { AdapterError } from '../../../connector/ports/adapter-error';
import type { CredentialStore } from '../../../connector/ports/credentials';
import { openSqliteStore } from '../../../connector/store/sqlite';
import type { Store } from '../../../connector/store/store';
import { systemClock } from '../../../connector/time/clock';
import { decideSyncRetry } from '../../../connector/sync/retry-policy';

/**
 * The QuickBooks client against a small server on loopback that answers as Intuit documents
 * (erp-apis.md §2.4, §2.8): Faults in HTTP 200, the XML 429, 401 for a refused token, and a
 * token endpoint that rotates refresh tokens and refuses a used one.
 */

const REALM = '9130350000000001';
const XML_429 =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><IntuitResponse xmlns="http://schema.intuit.com/finance/v3" time="2026-12-05T02:00:00.000-08:00"><Fault type="SERVICE"><Error code="3001"><Message>message=ThrottleExceeded; errorCode=003001; statusCode=429</Message><Detail>The request limit was reached.  Try again later</Detail></Error></Fault></IntuitResponse>';

type Answer = { status: number; body: string; type?: string };

describe('QuickBooks client', () => {
  let store: Store;
  let credentials: CredentialStore;
  let server: LoopbackServer;
  const seen: { method: string; url: string; auth: string | undefined; type?: string; body: string }[] = [];
  let next: Answer[] = [];
  let validAccess = new Set<string>();
  let refreshTokens = new Map<string, boolean>();
  let tokenCalls = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString();
    const send = (a: Answer) => {
      res.writeHead(a.status, { 'Content-Type': a.type ?? 'application/json' });
      res.end(a.body);
    };
    if (req.url === '/oauth2/v1/tokens/bearer') {
      tokenCalls++;
      const form = new URLSearchParams(body);
      const token = form.get('refresh_token') ?? '';
      if (!refreshTokens.get(token)) return send({ status: 400, body: '{"error":"invalid_grant"}' });
      refreshTokens.set(token, false);
      const access = `access-${tokenCalls}`;
      const refresh = `refresh-${tokenCalls}`;
      validAccess.add(access);
      refreshTokens.set(refresh, true);
      return send({
        status: 200,
        body: JSON.stringify({
          access_token: access,
          refresh_token: refresh,
          token_type: 'bearer',
          expires_in: 3600,
          x_refresh_token_expires_in: 8_726_400,
          ...(req.headers['x-include-refresh-token-hard-expires-in'] === 'true'
            ? { x_refresh_token_hard_expires_in: 86_400 * 365 }
            : {}),
        }),
      });
    }
    seen.push({
      method: req.method!,
      url: req.url!,
      auth: req.headers.authorization,
      ...(req.headers['content-type'] === undefined ? {} : { type: req.headers['content-type'] }),
      body,
    });
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    if (!validAccess.has(token))
      return send({
        status: 401,
        body: JSON.stringify({
          fault: {
            error: [
              {
                message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401',
                detail: 'Token expired',
                code: '3200',
              },
            ],
            type: 'AUTHENTICATION',
          },
        }),
      });
    send(
      next.shift() ?? {
        status: 200,
        body: JSON.stringify({ QueryResponse: { startPosition: 1, maxResults: 0 }, time: 'now' }),
      },
    );
  };

  const config = () =>
    QuickBooksConnectionSchema.parse({
      id: 'qbo-fr',
      type: 'quickbooks',
      realmId: REALM,
      baseUrl: server.url,
      clientId: 'client',
      clientSecret: 'secret',
    });
  const client = (limiter = new RealmLimiter({ requestsPerMinute: 500, maxInFlight: 10 })) =>
    new QboClient({ config: config(), clock: systemClock, credentials: () => credentials, limiter });
  const connect = async (access = 'access-0', refresh = 'refresh-0', expiresInMs = 3_600_000) => {
    validAccess.add(access);
    refreshTokens.set(refresh, true);
    await credentials.compareAndSet(0, {
      accessToken: access,
      accessTokenExpiresAt: new Date(Date.now() + expiresInMs).toISOString(),
      refreshToken: refresh,
    });
  };
  const failure = async (p: Promise<unknown>): Promise<AdapterError> => {
    const e = await p.then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(AdapterError);
    return e as AdapterError;
  };

  beforeEach(async () => {
    store = await openSqliteStore(':memory:');
    await store.migrate();
    credentials = store.credentials('qbo-fr', { keyring: new CredentialKeyring(randomBytes(32)) });
    server = new LoopbackServer('QuickBooks test server', handle);
    await server.start();
    seen.length = 0;
    next = [];
    validAccess = new Set();
    refreshTokens = new Map();
    tokenCalls = 0;
  });
  afterEach(async () => {
    await server.stop();
    await store.close();
  });

  it('queries with the stored token and minorversion 75, under /v3/company/{realmId}', async () => {
    await connect();
    next.push({
      status: 200,
      body: JSON.stringify({ QueryResponse: { Invoice: [{ Id: '1' }], startPosition: 1, maxResults: 1 } }),
    });
    const c = client();
    const body = await c.query("SELECT * FROM Invoice WHERE Balance > '0' STARTPOSITION 1 MAXRESULTS 1000");
    expect(body).toEqual({ QueryResponse: { Invoice: [{ Id: '1' }], startPosition: 1, maxResults: 1 } });
    const url = new URL(seen[0]!.url, server.url);
    expect(url.pathname).toBe(`/v3/company/${REALM}/query`);
    expect(url.searchParams.get('minorversion')).toBe('75');
    expect(url.searchParams.get('query')).toBe(
      "SELECT * FROM Invoice WHERE Balance > '0' STARTPOSITION 1 MAXRESULTS 1000",
    );
    expect(seen[0]!.auth).toBe('Bearer access-0');
    expect(tokenCalls).toBe(0);
    expect(c.meter).toMatchObject({ requests: 1, reads: 1, writes: 0 });
  });

  it('POSTs a long query as application/text, and counts it as a read', async () => {
    await connect();
    next.push({ status: 200, body: JSON.stringify({ QueryResponse: { Customer: [{ Id: '7' }] } }) });
    const c = client();
    const statement = `SELECT * FROM Customer WHERE Id IN (${Array.from({ length: 1000 }, (_, i) => `'${i + 1}'`).join(', ')})`;
    expect(await c.queryPosted(statement)).toEqual({ QueryResponse: { Customer: [{ Id: '7' }] } });
    const url = new URL(seen[0]!.url, server.url);
    expect(seen[0]).toMatchObject({ method: 'POST', type: 'application/text', body: statement });
    expect(url.pathname).toBe(`/v3/company/${REALM}/query`);
    expect([...url.searchParams.keys()]).toEqual(['minorversion']);
    expect(c.meter).toMatchObject({ requests: 1, reads: 1, writes: 0 });
  });

  it('a Fault inside HTTP 200 is an error naming its code', async () => {
    await connect();
    next.push({
      status: 200,
      body: JSON.stringify({
        Fault: {
          Error: [
            {
              Message: 'A business validation error has occurred',
              Detail: 'Invalid customer',
              code: '6000',
              element: '',
            },
          ],
          type: 'ValidationFault',
        },
        time: '2026-12-05T02:00:00.000-08:00',
      }),
    });
    const e = await failure(client().query('SELECT * FROM Invoice'));
    expect(e.code).toBe('QBO_VALIDATION');
    expect(e.kind).toBe('system');
    expect(e.userMessage).toContain('6000 A business validation error has occurred (Invalid customer)');
  });

  it('the XML 429 is a rate limit of 60 s that holds this company only', async () => {
    await connect();
    next.push({ status: 429, body: XML_429, type: 'application/xml' });
    const limiter = new RealmLimiter({ requestsPerMinute: 500, maxInFlight: 10 });
    const c = client(limiter);
    const e = await failure(c.query('SELECT * FROM Invoice'));
    expect(e.code).toBe('QBO_THROTTLED');
    expect(e.kind).toBe('rate_limit');
    expect(e.retryAfterMs).toBe(60_000);
    expect(e.detail).toContain('3001 message=ThrottleExceeded');
    expect(limiter.heldUntilMs).toBeGreaterThan(Date.now() + 59_000);
    expect(c.meter.throttled).toBe(1);
  });

  it('a stale SyncToken (5010) is told apart', async () => {
    await connect();
    next.push({
      status: 400,
      body: JSON.stringify({
        Fault: {
          Error: [
            {
              Message: 'Stale Object Error',
              Detail: 'Stale Object Error : You and Ana were working on this at the same time.',
              code: '5010',
            },
          ],
          type: 'ValidationFault',
        },
      }),
    });
    const e = await failure(client().post('invoice', { Id: '130', SyncToken: '1', sparse: true, PrivateNote: 'x' }));
    expect(e.code).toBe('QBO_STALE_OBJECT');
  });

  it('an expired access token is refreshed once, the rotated refresh token stored before the call is repeated', async () => {
    await connect('access-0', 'refresh-0', 30_000);
    const c = client();
    await c.query('SELECT * FROM Customer');
    expect(tokenCalls).toBe(1);
    expect(seen.map((s) => s.auth)).toEqual(['Bearer access-1']);
    const stored = (await credentials.read())!.secret as Record<string, unknown>;
    expect(stored['refreshToken']).toBe('refresh-1');
    expect((stored['extra'] as Record<string, string>)['refreshTokenHardExpiresAt']).toMatch(/^\d{4}-/);
  });

  it('a token refused before its expiry is refreshed once and the call repeated', async () => {
    await connect();
    validAccess.delete('access-0');
    await client().query('SELECT * FROM Customer');
    expect(seen.map((s) => s.auth)).toEqual(['Bearer access-0', 'Bearer access-1']);
    expect(tokenCalls).toBe(1);
  });

  it('a refresh token refused (invalid_grant) asks for a reconnection, once, without a retry loop', async () => {
    await connect('access-0', 'refresh-0', 30_000);
    refreshTokens.set('refresh-0', false);
    const e = await failure(client().query('SELECT * FROM Customer'));
    expect(e.code).toBe('QBO_RECONNECT');
    expect(e.kind).toBe('config');
    expect(e.userMessage).toContain('recouvra connect quickbooks --connection qbo-fr');
    expect(tokenCalls).toBe(1);
    expect(seen).toEqual([]);
    // The job queue does not retry it: a configuration error waits for a person.
    expect(decideSyncRetry({ code: e.code, message: e.userMessage, kind: e.kind }).retry).toBe('never');
  });

  it('once refused, every later call, of any client on the store, fails at once without asking the token endpoint', async () => {
    await connect('access-0', 'refresh-0', 30_000);
    refreshTokens.set('refresh-0', false);
    await failure(client().query('SELECT * FROM Customer'));
    expect(tokenCalls).toBe(1);
    const stored = (await credentials.read())!;
    expect(stored.secret['refused']).toMatchObject({ reason: expect.stringContaining('invalid_grant') });
    expect(JSON.stringify(stored.secret['refused'])).not.toContain('refresh-0');
    // A new client (a restarted daemon, another worker) on the same store.
    for (let i = 0; i < 3; i++) {
      const again = await failure(client().query('SELECT * FROM Invoice'));
      expect(again.code).toBe('QBO_RECONNECT');
      expect(again.kind).toBe('config');
      expect(again.userMessage).toContain('no refresh is tried until the connection is authorized again');
    }
    expect(tokenCalls).toBe(1);
    expect(seen).toEqual([]);
  });

  it('the hard expiry Intuit sends on a refresh is stored as extra.refreshTokenHardExpiresAt, from the time of the answer', async () => {
    await connect('access-0', 'refresh-0', 30_000);
    const before = Date.now();
    await client().query('SELECT * FROM Customer');
    const after = Date.now();
    const extra = (await credentials.read())!.secret['extra'] as Record<string, string>;
    const hard = Date.parse(extra['refreshTokenHardExpiresAt']!);
    // The server answers x_refresh_token_hard_expires_in: 365 days, asked with the header.
    expect(hard).toBeGreaterThanOrEqual(before + 365 * 86_400_000);
    expect(hard).toBeLessThanOrEqual(after + 365 * 86_400_000);
  });

  it('a company never connected says how to connect it', async () => {
    const e = await failure(client().query('SELECT * FROM Customer'));
    expect(e.code).toBe('QBO_NOT_CONNECTED');
    expect(e.userMessage).toContain('recouvra connect quickbooks --connection qbo-fr');
  });

  it('an answer that is not JSON is an error, not a crash', async () => {
    await connect();
    next.push({ status: 200, body: '<html>maintenance</html>', type: 'text/html' });
    const e = await failure(client().query('SELECT * FROM Invoice'));
    expect(e.code).toBe('QBO_UNREADABLE_ANSWER');
  });
});

describe('QuickBooks limits per company', () => {
  it('starts at most requestsPerMinute in any minute and keeps maxInFlight', async () => {
    let now = 0;
    const sleeps: number[] = [];
    const limiter = new RealmLimiter(
      { requestsPerMinute: 5, maxInFlight: 2 },
      {
        now: () => now,
        // Time moves on a later turn: the requests already let through record when they started first.
        sleep: (ms) =>
          new Promise((resolve) =>
            setImmediate(() => {
              sleeps.push(ms);
              now += ms;
              resolve();
            }),
          ),
      },
    );
    const started: number[] = [];
    const run = async () => {
      const release = await limiter.acquire();
      started.push(now);
      await Promise.resolve();
      release();
    };
    await Promise.all(Array.from({ length: 7 }, run));
    expect(limiter.maxSeenInFlight).toBeLessThanOrEqual(2);
    expect(started.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    expect(started.slice(5)).toEqual([60_000, 60_000]);
  });

  it('counts a request until a minute after its answer: the next one cannot reach Intuit inside its minute', async () => {
    let now = 0;
    const limiter = new RealmLimiter(
      { requestsPerMinute: 2, maxInFlight: 2 },
      { now: () => now, sleep: async (ms) => void (now += ms) },
    );
    const slow = await limiter.acquire();
    const fast = await limiter.acquire();
    fast();
    now = 5_000;
    // Sent at 0, answered at 5 s: Intuit may have counted it as late as 5 s.
    slow();
    const started: number[] = [];
    for (let i = 0; i < 2; i++) {
      const release = await limiter.acquire();
      started.push(now);
      release();
    }
    expect(started).toEqual([60_000, 65_000]);
  });

  it('a hold delays every next start of the company', async () => {
    let now = 1_000;
    const limiter = new RealmLimiter(
      { requestsPerMinute: 500, maxInFlight: 10 },
      { now: () => now, sleep: async (ms) => void (now += ms) },
    );
    limiter.hold(60_000);
    const release = await limiter.acquire();
    expect(now).toBe(61_000);
    release();
  });
});
