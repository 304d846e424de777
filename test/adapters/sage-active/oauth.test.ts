import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackServer } from '../../../adapters/loopback-server';
import { SageActiveConnectionSchema } from '../../../adapters/sage-active/config.schema';
import { consentUrl, pkceChallenge, pkcePair, requestTokens } from '../../../adapters/sage-active/oauth';
import { AdapterError } from '../../../connector/ports/adapter-error';
import { RefreshTokenRejectedError } from '../../../connector/ports/credentials';
import { readRequestBody } from '../../../adapters/simulator-http';

/** A token endpoint on loopback that records each form and answers what the test says. */
describe('Sage Active sign-in (SBC Auth, authorization code with PKCE)', () => {
  let server: LoopbackServer;
  const forms: URLSearchParams[] = [];
  let answer: { status: number; body: unknown } = { status: 200, body: {} };
  const config = () =>
    SageActiveConnectionSchema.parse({
      id: 'sage-fr',
      type: 'sage-active',
      baseUrl: server.url,
      clientId: 'desktop-app',
      subscriptionKey: 'k',
      organizationId: '3f2c6a1e-8b4d-4c2a-9e7f-1a2b3c4d5e6f',
    });

  beforeAll(async () => {
    server = new LoopbackServer('SBC Auth test server', async (req: IncomingMessage, res: ServerResponse) => {
      forms.push(new URLSearchParams(await readRequestBody(req, 100_000)));
      res.writeHead(answer.status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    });
    await server.start();
  });
  afterAll(() => server.stop());
  beforeEach(() => {
    forms.length = 0;
  });

  it('derives the S256 challenge of RFC 7636 (its appendix B example) and makes a fresh 43-character verifier', () => {
    expect(pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
    const a = pkcePair();
    expect(a.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(pkceChallenge(a.verifier)).toBe(a.challenge);
    expect(pkcePair().verifier).not.toBe(a.verifier);
  });

  it('asks for RDSA, WDSA and offline_access on the consent page, with the challenge and its method', () => {
    const url = new URL(consentUrl(config(), 'http://localhost:8766/callback', 'st4te', 'ch4llenge'));
    expect(`${url.origin}${url.pathname}`).toBe(`${server.url}/connect/authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: 'desktop-app',
      response_type: 'code',
      scope: 'RDSA WDSA offline_access',
      redirect_uri: 'http://localhost:8766/callback',
      state: 'st4te',
      code_challenge: 'ch4llenge',
      code_challenge_method: 'S256',
    });
  });

  it('exchanges the code with its verifier, and refreshes without a scope, keeping the old refresh token when none comes back', async () => {
    answer = {
      status: 200,
      body: { access_token: 'at-1', expires_in: 28_800, refresh_token: 'rt-1', token_type: 'Bearer' },
    };
    const first = await requestTokens(config(), {
      type: 'authorization_code',
      code: 'c0de',
      redirectUri: 'http://localhost:8766/callback',
      verifier: 'v'.repeat(43),
    });
    expect(first).toEqual({ accessToken: 'at-1', expiresInSeconds: 28_800, refreshToken: 'rt-1' });
    expect(Object.fromEntries(forms[0]!)).toEqual({
      client_id: 'desktop-app',
      grant_type: 'authorization_code',
      code: 'c0de',
      redirect_uri: 'http://localhost:8766/callback',
      code_verifier: 'v'.repeat(43),
    });
    answer = { status: 200, body: { access_token: 'at-2', expires_in: 28_800 } };
    const refreshed = await requestTokens(config(), { type: 'refresh_token', refreshToken: 'rt-1' });
    expect(refreshed).toEqual({ accessToken: 'at-2', expiresInSeconds: 28_800 });
    expect(forms[1]!.has('scope')).toBe(false);
    expect(forms[1]!.get('grant_type')).toBe('refresh_token');
    // A web-server app sends its secret too.
    await requestTokens({ ...config(), clientSecret: 's3cret' }, { type: 'refresh_token', refreshToken: 'rt-1' });
    expect(forms[2]!.get('client_secret')).toBe('s3cret');
  });

  it('tells a refused grant from a refused app, a refused consent and a server in trouble', async () => {
    answer = { status: 400, body: { error: 'invalid_grant', error_description: 'refresh token revoked' } };
    await expect(requestTokens(config(), { type: 'refresh_token', refreshToken: 'old' })).rejects.toBeInstanceOf(
      RefreshTokenRejectedError,
    );
    const failure = async (status: number, body: unknown) => {
      answer = { status, body };
      return requestTokens(config(), { type: 'refresh_token', refreshToken: 'x' }).then(
        () => undefined,
        (e: unknown) => e as AdapterError,
      );
    };
    expect(await failure(400, { error: 'invalid_client' })).toMatchObject({
      code: 'SAGE_CLIENT_REFUSED',
      kind: 'config',
    });
    expect(await failure(400, { error: 'invalid_scope' })).toMatchObject({
      code: 'SAGE_CONSENT_REFUSED',
      kind: 'config',
      userMessage: expect.stringContaining('recouvra connect sage-active'),
    });
    expect(await failure(503, { error: 'temporarily_unavailable' })).toMatchObject({
      code: 'SAGE_TOKEN_ENDPOINT_FAILED',
      kind: 'transient',
    });
    expect(await failure(400, { error: 'invalid_request' })).toMatchObject({ kind: 'system' });
  });
});
