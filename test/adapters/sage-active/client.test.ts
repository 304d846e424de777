import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackServer } from '../../../adapters/loopback-server';
import { SageActiveClient } from '../../../adapters/sage-active/client';
import { SageActiveConnectionSchema } from '../../../adapters/sage-active/config.schema';
import { readRequestBody } from '../../../adapters/simulator-http';
import { CredentialKeyring } from '../../../connector/credentials/keyring';
import { AdapterError } from '../../../connector/ports/adapter-error';
import { openSqliteStore } from '../../../connector/store/sqlite';
import type { Store } from '../../../connector/store/store';
import { fixedClock } from '../../../connector/time/clock';

/**
 * The Sage Active client against a loopback server answering as sage.md §2.6 says Sage does: the
 * headers of every call, `errors[]` inside HTTP 200, the gateway's 401 bodies, 403, 429, 400, 5xx.
 */

const NOW = '2026-12-05T09:00:00.000Z';
const ORG = '3f2c6a1e-8b4d-4c2a-9e7f-1a2b3c4d5e6f';

interface Seen {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

describe('Sage Active GraphQL client', () => {
  let server: LoopbackServer;
  let store: Store;
  const seen: Seen[] = [];
  let answers: { status: number; body: unknown; headers?: Record<string, string> }[] = [];
  let tokenCalls = 0;
  const clock = fixedClock(new Date(NOW));

  const client = (credentials = true) =>
    new SageActiveClient({
      config: SageActiveConnectionSchema.parse({
        id: 'sage-fr',
        type: 'sage-active',
        baseUrl: server.url,
        clientId: 'desktop-app',
        subscriptionKey: 'sub-key-1',
        organizationId: ORG,
      }),
      clock,
      credentials: credentials ? () => store.credentials('sage-fr', { keyring, clock }) : undefined,
    });
  const keyring = new CredentialKeyring(randomBytes(32));
  const failure = async (c: SageActiveClient) =>
    c.request('customers', '{ customers { nodes { id } } }').then(
      () => undefined,
      (e: unknown) => e as AdapterError,
    );

  beforeAll(async () => {
    server = new LoopbackServer('Sage Active test server', async (req: IncomingMessage, res: ServerResponse) => {
      const body = await readRequestBody(req, 1_000_000);
      if (req.url === '/connect/token') {
        tokenCalls++;
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ access_token: `at-fresh-${tokenCalls}`, expires_in: 28_800, token_type: 'Bearer' }));
        return;
      }
      seen.push({ path: req.url ?? '', headers: req.headers, body });
      const next = answers.shift() ?? { status: 200, body: { data: { customers: { nodes: [] } } } };
      res.writeHead(next.status, { 'Content-Type': 'application/json', ...next.headers });
      res.end(JSON.stringify(next.body));
    });
    await server.start();
  });
  afterAll(() => server.stop());

  beforeEach(async () => {
    seen.length = 0;
    answers = [];
    tokenCalls = 0;
    store = await openSqliteStore(':memory:');
    await store.migrate();
    const tokens = {
      accessToken: 'at-stored',
      accessTokenExpiresAt: '2026-12-05T15:00:00.000Z',
      refreshToken: 'rt-stored',
    };
    await store.credentials('sage-fr', { keyring, clock }).compareAndSet(0, tokens);
  });
  afterEach(() => store.close());

  it('posts {query, variables, operationName} with the bearer, the subscription key and the organisation; not the organisation where Sage wants none', async () => {
    const data = await client().request<{ customers: unknown }>(
      'customers',
      'query customers { customers { nodes { id } } }',
      {
        first: 500,
      },
    );
    expect(data).toEqual({ customers: { nodes: [] } });
    expect(seen[0]!.path).toBe('/graphql');
    expect(seen[0]!.headers).toMatchObject({
      authorization: 'Bearer at-stored',
      'x-api-key': 'sub-key-1',
      'x-organizationid': ORG,
      'content-type': 'application/json',
    });
    expect(JSON.parse(seen[0]!.body)).toEqual({
      query: 'query customers { customers { nodes { id } } }',
      variables: { first: 500 },
      operationName: 'customers',
    });
    await client().request('organizations', '{ organizations { nodes { id } } }', {}, { organization: false });
    expect(seen[1]!.headers['x-organizationid']).toBeUndefined();
  });

  it('reads errors[] inside HTTP 200 as failures, each with what to do, never the partial data', async () => {
    const cases: [unknown, Partial<AdapterError>][] = [
      [
        {
          errors: [
            { message: 'global.businessErrors.documentIdAlreadyExistInOrganization' },
            { message: 'global.businessErrors.vatNumberAlreadyExistInOrganization' },
          ],
          data: { createCustomer: null },
        },
        { code: 'SAGE_BUSINESS_ERROR', kind: 'system' },
      ],
      [
        { errors: [{ message: 'X-OrganizationId header is mandatory' }], data: { journalTypes: null } },
        { code: 'SAGE_NO_ORGANIZATION', kind: 'config' },
      ],
      [
        {
          errors: [
            {
              message: 'global.businessErrors.authorizationFeature',
              path: ['accountingEntries'],
              extensions: { details: 'accounting' },
            },
          ],
          data: { accountingEntries: null },
        },
        { code: 'SAGE_FEATURE_DENIED', kind: 'config' },
      ],
      [
        {
          errors: [
            {
              message: 'The current user is not authorized to access this resource.',
              path: ['customers'],
              extensions: { code: 'AUTH_NOT_AUTHORIZED' },
            },
          ],
          data: { customers: null },
        },
        { code: 'SAGE_NOT_AUTHORIZED', kind: 'config' },
      ],
      [
        {
          errors: [
            {
              message: 'The maximum allowed items per page were exceeded.',
              extensions: { code: 'HC0051', requestedItems: 501, maxAllowedItems: 500 },
            },
          ],
          data: { customers: null },
        },
        { code: 'SAGE_PAGE_TOO_LARGE', kind: 'system' },
      ],
    ];
    for (const [body, expected] of cases) {
      answers = [{ status: 200, body }];
      expect(await failure(client())).toMatchObject(expected);
    }
    answers = [{ status: 200, body: cases[0]![0] }];
    expect((await failure(client()))?.userMessage).toContain(
      'global.businessErrors.documentIdAlreadyExistInOrganization; global.businessErrors.vatNumberAlreadyExistInOrganization',
    );
  });

  it('tells the gateway’s answers apart: a bad subscription key is not retried, a refused token is refreshed once', async () => {
    answers = [
      {
        status: 401,
        body: {
          statusCode: 401,
          message:
            'Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.',
        },
      },
    ];
    expect(await failure(client())).toMatchObject({ code: 'SAGE_SUBSCRIPTION_KEY', kind: 'config' });
    expect(seen).toHaveLength(1);
    expect(tokenCalls).toBe(0);

    seen.length = 0;
    answers = [{ status: 401, body: { statusCode: 401, message: 'JWT not present.' } }];
    await client().request('customers', '{ customers { nodes { id } } }');
    expect(tokenCalls).toBe(1);
    expect(seen.map((s) => s.headers.authorization)).toEqual(['Bearer at-stored', 'Bearer at-fresh-1']);

    answers = [
      { status: 401, body: { statusCode: 401, message: 'JWT not present.' } },
      { status: 401, body: { statusCode: 401, message: 'JWT not present.' } },
    ];
    expect(await failure(client())).toMatchObject({ code: 'SAGE_TOKEN_REFUSED', kind: 'config' });
  });

  it('403, 429 with Retry-After, a 400 validation error and a 500 each get their kind', async () => {
    answers = [{ status: 403, body: '' }];
    expect(await failure(client())).toMatchObject({ code: 'SAGE_USER_NEVER_SIGNED_IN', kind: 'config' });
    answers = [
      {
        status: 429,
        body: { statusCode: 429, message: 'Rate limit is exceeded. Try again in 7 seconds.' },
        headers: { 'Retry-After': '7' },
      },
    ];
    const throttled = client();
    expect(await failure(throttled)).toMatchObject({ code: 'SAGE_THROTTLED', kind: 'rate_limit', retryAfterMs: 7_000 });
    expect(throttled.meter.throttled).toBe(1);
    answers = [
      {
        status: 400,
        body: {
          errors: [
            {
              message: 'The field `x` does not exist on the type `SalesInvoice`.',
              locations: [{ line: 1, column: 20 }],
              extensions: { type: 'SalesInvoice', field: 'x' },
            },
          ],
        },
      },
    ];
    expect(await failure(client())).toMatchObject({ code: 'SAGE_QUERY_REFUSED', kind: 'system' });
    answers = [{ status: 500, body: {} }];
    expect(await failure(client())).toMatchObject({ code: 'SAGE_SERVER_ERROR', kind: 'transient' });
  });

  it('says to connect the company when nothing is stored, and counts reads and writes', async () => {
    expect(await failure(client(false))).toMatchObject({ code: 'SAGE_NO_CREDENTIAL_STORE', kind: 'config' });
    const empty = await openSqliteStore(':memory:');
    await empty.migrate();
    const c = new SageActiveClient({
      config: SageActiveConnectionSchema.parse({
        id: 'sage-fr',
        type: 'sage-active',
        baseUrl: server.url,
        clientId: 'desktop-app',
        subscriptionKey: 'k',
        organizationId: ORG,
      }),
      clock,
      credentials: () => empty.credentials('sage-fr', { keyring, clock }),
    });
    expect(await failure(c)).toMatchObject({
      code: 'SAGE_NOT_CONNECTED',
      userMessage: expect.stringContaining('recouvra connect sage-active --connection sage-fr'),
    });
    await empty.close();
    const counted = client();
    await counted.request('customers', '{ customers { nodes { id } } }');
    await counted.request('updateCustomer', 'mutation { updateCustomer(input: {}) { id } }', {}, { mutation: true });
    expect(counted.meter).toEqual({ reads: 1, writes: 1, throttled: 0 });
  });
});
