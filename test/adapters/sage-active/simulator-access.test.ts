import { createHash } from 'node:crypto';
import { SimulatedClock } from '../../../connector/time/clock';
import { startSimulator, type Running } from './simulator-fixture';

/** The gateway's checks, the error shapes of shared/reference/sage.md §2.6, and SBC Auth (§2.1, §2.7), over loopback HTTP. */

let r: Running;
beforeEach(async () => {
  r = await startSimulator({ invoices: 60 });
});
afterEach(async () => {
  await r.sim.stop();
});

const INVOICES = '{ salesInvoices(first: 2) { totalCount nodes { id } } }';

describe('header checks, in the documented order', () => {
  it('answers a missing or wrong subscription key with the APIM 401 before looking at the token', async () => {
    for (const key of [null, 'not-a-key']) {
      const a = await r.gql(INVOICES, {}, { 'x-api-key': key, Authorization: null });
      expect(a.status).toBe(401);
      expect(a.body).toEqual({
        statusCode: 401,
        message:
          'Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.',
      });
    }
    // The secondary key works as well as the primary.
    expect((await r.gql(INVOICES, {}, { 'x-api-key': r.sim.subscriptionKeys[1] })).status).toBe(200);
  });

  it('answers a missing, unknown or expired token with "JWT not present." before looking at the organisation', async () => {
    const jwt = { statusCode: 401, message: 'JWT not present.' };
    const missing = await r.gql(INVOICES, {}, { Authorization: null, 'X-OrganizationId': null });
    expect([missing.status, missing.body]).toEqual([401, jwt]);
    const unknown = await r.gql(INVOICES, {}, { Authorization: 'Bearer a.b.c' });
    expect([unknown.status, unknown.body]).toEqual([401, jwt]);
    r.clock.advance(28_800 * 1000);
    const expired = await r.gql(INVOICES);
    expect([expired.status, expired.body]).toEqual([401, jwt]);
  });

  it('answers 403 for a user who never logged into Sage Active', async () => {
    const never = r.sim.users.find((u) => !u.loggedInOnce)!;
    const token = r.sim.controls.issueTokens(never.id).access_token;
    const a = await r.gql(INVOICES, {}, { Authorization: `Bearer ${token}` });
    expect(a.status).toBe(403);
    expect(a.body.statusCode).toBe(403);
  });

  it('answers a missing X-OrganizationId inside HTTP 200, with the field null, and only the message', async () => {
    const a = await r.gql(INVOICES, {}, { 'X-OrganizationId': null });
    expect(a.status).toBe(200);
    expect(a.body).toEqual({
      errors: [{ message: 'X-OrganizationId header is mandatory' }],
      data: { salesInvoices: null },
    });
  });

  it('serves userProfile and organizations without X-OrganizationId, and ignores the deprecated X-TenantId', async () => {
    const a = await r.gql<{
      userProfile: { email: string };
      organizations: { nodes: { id: string; socialName: string; legislationCode: string }[] };
    }>(
      '{ userProfile { email } organizations { nodes { id socialName legislationCode } } }',
      {},
      { 'X-OrganizationId': null, 'X-TenantId': 'whatever' },
    );
    expect(a.status).toBe(200);
    expect(a.body.errors).toBeUndefined();
    expect(a.body.data!.userProfile.email).toBe(r.sim.users[0]!.email);
    expect(a.body.data!.organizations.nodes.map((o) => o.id)).toEqual([r.books, r.starter]);
    expect(a.body.data!.organizations.nodes.every((o) => o.legislationCode === 'FR')).toBe(true);
  });

  it('answers AUTH_NOT_AUTHORIZED for an organisation the user has no rights on', async () => {
    const partial = r.sim.users.find((u) => u.organizationIds.length === 1)!;
    const token = r.sim.controls.issueTokens(partial.id).access_token;
    const a = await r.gql(INVOICES, {}, { Authorization: `Bearer ${token}`, 'X-OrganizationId': r.starter });
    expect(a.status).toBe(200);
    expect(a.body.data).toEqual({ salesInvoices: null });
    expect(a.body.errors![0]).toMatchObject({
      message: 'The current user is not authorized to access this resource.',
      path: ['salesInvoices'],
      extensions: { code: 'AUTH_NOT_AUTHORIZED' },
    });
    expect(a.body.errors![0]!.locations).toEqual([{ line: 1, column: 3 }]);
  });
});

describe('error shapes', () => {
  it("answers a field that does not exist with 400 in Hot Chocolate's shape, without data", async () => {
    const a = await r.gql('{ salesInvoices { nodes { id amountDue } } }');
    expect(a.status).toBe(400);
    expect(a.body.data).toBeUndefined();
    expect(a.body.errors).toEqual([
      {
        message: 'The field `amountDue` does not exist on the type `SalesInvoice`.',
        locations: [{ line: 1, column: 30 }],
        extensions: {
          type: 'SalesInvoice',
          field: 'amountDue',
          responseName: 'amountDue',
          specifiedBy:
            'https://spec.graphql.org/October2021/#sec-Field-Selections-on-Objects-Interfaces-and-Unions-Types',
        },
      },
    ]);
  });

  it('answers a syntax error with 400', async () => {
    const a = await r.gql('{ salesInvoices { nodes { id }');
    expect(a.status).toBe(400);
    expect(a.body.errors![0]!.message).toMatch(/Syntax Error/);
  });

  it('refuses accounting entries to a Starter organisation with authorizationFeature, located', async () => {
    const a = await r.gql('{ accountingEntries(first: 1) { totalCount } }', {}, { 'X-OrganizationId': r.starter });
    expect(a.status).toBe(200);
    expect(a.body).toEqual({
      errors: [
        {
          message: 'global.businessErrors.authorizationFeature',
          locations: [{ line: 1, column: 3 }],
          path: ['accountingEntries'],
          extensions: { details: 'accounting-entries' },
        },
      ],
      data: { accountingEntries: null },
    });
  });

  it('translates a business key with localizedErrorMessage', async () => {
    const a = await r.gql<{ localizedErrorMessage: { errorKey: string; localizedMessage: string } }>(
      '{ localizedErrorMessage(input: {languageCode: "fr-FR", errorKey: "global.businessErrors.authorizationFeature"}) { errorKey localizedMessage } }',
      {},
      { 'X-OrganizationId': null },
    );
    expect(a.body.data!.localizedErrorMessage.localizedMessage).toMatch(/Sage Active/);
  });

  it('answers 429 with Retry-After and the APIM body past the requests a minute, counting per app', async () => {
    let now = 1_000_000;
    await r.sim.stop();
    r = await startSimulator({ invoices: 10, rateScale: 0.001, realNow: () => now });
    expect(r.sim.requestsPerMinute).toBe(3);
    for (let i = 0; i < 3; i++) expect((await r.gql(INVOICES)).status).toBe(200);
    now += 20_000;
    const limited = await r.gql(INVOICES);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('40');
    expect(limited.body).toEqual({ statusCode: 429, message: 'Rate limit is exceeded. Try again in 40 seconds.' });
    now += 40_000;
    expect((await r.gql(INVOICES)).status).toBe(200);
    expect(r.sim.controls.counters().throttled).toBe(1);
  });

  it('injects a 500, a 429, a 401 and a dropped answer into the next requests, in turn', async () => {
    r.sim.controls.injectFault('500');
    r.sim.controls.injectFault('429');
    r.sim.controls.injectFault('401');
    r.sim.controls.injectFault('drop');
    expect((await r.gql(INVOICES)).status).toBe(500);
    const limited = await r.gql(INVOICES);
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '60']);
    expect((await r.gql(INVOICES)).status).toBe(401);
    await expect(r.gql(INVOICES)).rejects.toThrow();
    expect((await r.gql(INVOICES)).status).toBe(200);
  });
});

describe('SBC Auth', () => {
  const redirect = 'http://127.0.0.1:8765/callback';
  const verifier = 'a-very-long-code-verifier-of-the-desktop-app-0123456789-abcdefgh';
  const challenge = createHash('sha256').update(verifier).digest('base64url');

  async function authorize(extra: Record<string, string> = {}): Promise<URL> {
    const params = new URLSearchParams({
      client_id: r.sim.clientId,
      response_type: 'code',
      redirect_uri: redirect,
      scope: 'RDSA WDSA offline_access',
      state: 'st-1',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...extra,
    });
    const res = await fetch(`${r.sim.url}/connect/authorize?${params.toString()}`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    return new URL(res.headers.get('location')!);
  }

  async function token(form: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`${r.sim.url}/connect/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  it('consents at once, exchanges the code with its PKCE verifier once, and the token reads the API', async () => {
    const back = await authorize();
    expect(`${back.origin}${back.pathname}`).toBe(redirect);
    expect(back.searchParams.get('state')).toBe('st-1');
    const code = back.searchParams.get('code')!;
    const form = { grant_type: 'authorization_code', code, redirect_uri: redirect, client_id: r.sim.clientId };
    const wrong = await token({ ...form, code_verifier: `${verifier}x` });
    expect([wrong.status, wrong.body]).toEqual([400, { error: 'invalid_grant' }]);
    const ok = await token({ ...form, code_verifier: verifier });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ expires_in: 28_800, scope: 'RDSA WDSA offline_access', token_type: 'Bearer' });
    expect(typeof ok.body.refresh_token).toBe('string');
    const again = await token({ ...form, code_verifier: verifier });
    expect([again.status, again.body]).toEqual([400, { error: 'invalid_grant' }]);
    const a = await r.gql(INVOICES, {}, { Authorization: `Bearer ${String(ok.body.access_token)}` });
    expect(a.status).toBe(200);
  });

  it('refuses a code without its verifier, a code older than 60 s, and a public client without PKCE', async () => {
    const code1 = (await authorize()).searchParams.get('code')!;
    const base = { grant_type: 'authorization_code', redirect_uri: redirect, client_id: r.sim.clientId };
    expect((await token({ ...base, code: code1 })).body).toMatchObject({ error: 'invalid_request' });
    const code2 = (await authorize()).searchParams.get('code')!;
    r.clock.advance(61_000);
    expect((await token({ ...base, code: code2, code_verifier: verifier })).body).toEqual({ error: 'invalid_grant' });
    // Without PKCE, the code needs the client secret.
    const params = new URLSearchParams({
      client_id: r.sim.clientId,
      response_type: 'code',
      redirect_uri: redirect,
      scope: 'RDSA',
    });
    const res = await fetch(`${r.sim.url}/connect/authorize?${params.toString()}`, { redirect: 'manual' });
    const code3 = new URL(res.headers.get('location')!).searchParams.get('code')!;
    expect((await token({ ...base, code: code3 })).body).toEqual({ error: 'invalid_client' });
    const code4 = new URL(
      (await fetch(`${r.sim.url}/connect/authorize?${params.toString()}`, { redirect: 'manual' })).headers.get(
        'location',
      )!,
    ).searchParams.get('code')!;
    const secret = await token({ ...base, code: code4, client_secret: r.sim.clientSecret });
    expect(secret.status).toBe(200);
    // No offline_access asked: no refresh token.
    expect(secret.body.refresh_token).toBeUndefined();
  });

  it('redirects an unknown scope back with invalid_scope', async () => {
    const back = await authorize({ scope: 'RDSA admin' });
    expect(back.searchParams.get('error')).toBe('invalid_scope');
    expect(back.searchParams.get('code')).toBeNull();
  });

  it('rotates refresh tokens by default, keeps them when told, and refuses scope on refresh', async () => {
    const first = r.sim.controls.issueTokens();
    const refresh = (t: string, extra: Record<string, string> = {}) =>
      token({ grant_type: 'refresh_token', refresh_token: t, client_id: r.sim.clientId, ...extra });
    expect((await refresh(first.refresh_token!, { scope: 'RDSA' })).body).toEqual({ error: 'invalid_scope' });
    const second = await refresh(first.refresh_token!);
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(first.refresh_token);
    expect((await refresh(first.refresh_token!)).body).toEqual({ error: 'invalid_grant' });
    r.sim.controls.refreshRotation = 'keep';
    const kept = await refresh(String(second.body.refresh_token));
    expect(kept.status).toBe(200);
    expect(kept.body.refresh_token).toBeUndefined();
    expect((await refresh(String(second.body.refresh_token))).status).toBe(200);
    // Revocation ends it.
    await fetch(`${r.sim.url}/connect/revocation`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: String(second.body.refresh_token) }).toString(),
    });
    expect((await refresh(String(second.body.refresh_token))).body).toEqual({ error: 'invalid_grant' });
  });

  it('refuses a wrong client secret with invalid_client', async () => {
    const out = await token({
      grant_type: 'refresh_token',
      refresh_token: 'x',
      client_id: r.sim.clientId,
      client_secret: 'nope',
    });
    expect([out.status, out.body]).toEqual([400, { error: 'invalid_client' }]);
  });
});

describe('inspection endpoint', () => {
  it('shows the organisations, counters, requests and settings, and changes settings', async () => {
    await r.gql(INVOICES);
    await r.gql(INVOICES, {}, { 'x-api-key': null });
    const state = (await (await fetch(`${r.sim.url}/_simulator/state`)).json()) as {
      organizations: { id: string; edition: string; salesInvoices: number }[];
      counters: { requests: number; byStatus: Record<string, number>; byField: Record<string, number> };
    };
    expect(state.organizations.map((o) => o.edition)).toEqual(['STANDARD', 'STARTER']);
    expect(state.organizations.reduce((n, o) => n + o.salesInvoices, 0)).toBe(60);
    expect(state.counters).toMatchObject({ requests: 2, byStatus: { 200: 1, 401: 1 }, byField: { salesInvoices: 1 } });
    const log = (await (await fetch(`${r.sim.url}/_simulator/requests`)).json()) as {
      requests: { status: number; fields: string[] }[];
    };
    expect(log.requests.map((q) => q.status)).toEqual([200, 401]);
    const set = await fetch(`${r.sim.url}/_simulator/settings`, {
      method: 'POST',
      body: JSON.stringify({ creditNoteSign: 'sideways' }),
    });
    expect(set.status).toBe(400);
    expect(((await set.json()) as { error: string }).error).toBe('creditNoteSign must be one of positive, negative');
    const ok = await fetch(`${r.sim.url}/_simulator/settings`, {
      method: 'POST',
      body: JSON.stringify({ dateTimeFormat: 'seconds' }),
    });
    expect(((await ok.json()) as { dateTimeFormat: string }).dateTimeFormat).toBe('seconds');
    const fresh = (await (await fetch(`${r.sim.url}/_simulator/tokens`, { method: 'POST' })).json()) as {
      access_token: string;
    };
    expect((await r.gql(INVOICES, {}, { Authorization: `Bearer ${fresh.access_token}` })).status).toBe(200);
    const fault = await fetch(`${r.sim.url}/_simulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ kind: '500' }),
    });
    expect(fault.status).toBe(200);
    expect((await r.gql(INVOICES)).status).toBe(500);
  });
});

describe('token lifetimes on their own clock', () => {
  it('with authClock, a token outlives any advance of the data clock and ends with its own clock', async () => {
    const auth = new SimulatedClock(Date.parse('2026-12-05T09:00:00Z'), 0);
    const fast = await startSimulator({ invoices: 6, authClock: auth });
    try {
      // Thirty data days pass (a demo's few seconds): the 8-hour token still opens the API.
      fast.clock.advance(30 * 86_400_000);
      expect((await fast.gql(INVOICES)).status).toBe(200);
      // Eight real hours pass: it does not.
      auth.advance(28_800 * 1000);
      expect((await fast.gql(INVOICES)).status).toBe(401);
    } finally {
      await fast.sim.stop();
    }
  });
});
