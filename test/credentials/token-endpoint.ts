import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RefreshTokenRejectedError, type OAuthTokens, type RefreshCall } from '../../connector/ports/credentials';

/**
 * An OAuth 2 token endpoint on loopback that rotates refresh tokens the way QuickBooks Online's
 * does (erp-apis.md §2.8: form-encoded POST with HTTP Basic client credentials,
 * `grant_type=refresh_token`, answer `{access_token, refresh_token, token_type, expires_in: 3600,
 * x_refresh_token_expires_in}`, `400 {"error":"invalid_grant"}` for a refresh token it no longer
 * accepts).
 *
 * When the previous refresh token stops working is not in the reference, so both are modelled:
 * - `grace`: a refresh token stays valid after it was used, until a token issued from it is used;
 * - `strict`: a refresh token is single-use: it stops working as soon as it was used once.
 */
export type RotationMode = 'grace' | 'strict';

interface IssuedRefreshToken {
  parent: string | undefined;
  valid: boolean;
}

/** QuickBooks: access tokens last an hour, refresh tokens 100 days (erp-apis.md §2.8). */
export const ACCESS_TOKEN_SECONDS = 3600;
export const REFRESH_TOKEN_SECONDS = 100 * 86_400;

export class FakeTokenEndpoint {
  /** Refresh requests received (granted or refused). */
  refreshRequests = 0;
  /** Refresh requests refused with invalid_grant. */
  refusals = 0;
  /** Milliseconds each answer waits, to widen the window in which workers could race. */
  delayMs = 0;
  readonly clientId = `client-${randomBytes(6).toString('hex')}`;
  readonly clientSecret = randomBytes(18).toString('base64url');
  private readonly refreshTokens = new Map<string, IssuedRefreshToken>();
  private issued = 0;
  private newest: string | undefined;
  private server: Server | undefined;
  url = '';

  constructor(readonly mode: RotationMode) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.answer(req).then(({ status, body }) => {
        res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/oauth2/v1/tokens/bearer`;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The tokens of a first authorization, their access token already expired at `now`. */
  authorize(now: Date): OAuthTokens {
    const { accessToken, refreshToken } = this.issue(undefined);
    return {
      accessToken,
      accessTokenExpiresAt: new Date(now.getTime() - 1000).toISOString(),
      refreshToken,
      refreshTokenExpiresAt: new Date(now.getTime() + REFRESH_TOKEN_SECONDS * 1000).toISOString(),
      extra: { realmId: '9130350000000001' },
    };
  }

  /** The provider stops accepting `refreshToken` (revoked by the company, or used elsewhere). */
  revoke(refreshToken: string): void {
    const token = this.refreshTokens.get(refreshToken);
    if (token !== undefined) token.valid = false;
  }

  isValid(refreshToken: string): boolean {
    return this.refreshTokens.get(refreshToken)?.valid === true;
  }

  /** The refresh token issued last. */
  get newestRefreshToken(): string {
    return this.newest!;
  }

  /** A client of this endpoint, as an adapter would write it. */
  refreshCall(): RefreshCall {
    return tokenEndpointClient(this);
  }

  private async answer(req: IncomingMessage): Promise<{ status: number; body: Record<string, unknown> }> {
    let raw = '';
    for await (const chunk of req) raw += (chunk as Buffer).toString('utf8');
    const expected = `Basic ${Buffer.from(`${this.clientId}:${this.clientSecret}`).toString('base64')}`;
    if (req.method !== 'POST' || req.headers.authorization !== expected)
      return { status: 401, body: { error: 'invalid_client' } };
    const form = new URLSearchParams(raw);
    if (form.get('grant_type') !== 'refresh_token') return { status: 400, body: { error: 'unsupported_grant_type' } };
    this.refreshRequests++;
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    const used = form.get('refresh_token') ?? '';
    const token = this.refreshTokens.get(used);
    if (token === undefined || !token.valid) {
      this.refusals++;
      return { status: 400, body: { error: 'invalid_grant', error_description: 'Incorrect or invalid refresh token' } };
    }
    if (this.mode === 'strict') token.valid = false;
    else if (token.parent !== undefined) this.refreshTokens.get(token.parent)!.valid = false;
    const next = this.issue(used);
    return {
      status: 200,
      body: {
        token_type: 'bearer',
        access_token: next.accessToken,
        expires_in: ACCESS_TOKEN_SECONDS,
        refresh_token: next.refreshToken,
        x_refresh_token_expires_in: REFRESH_TOKEN_SECONDS,
      },
    };
  }

  private issue(parent: string | undefined): { accessToken: string; refreshToken: string } {
    this.issued++;
    const accessToken = `at-${this.issued}-${randomBytes(12).toString('hex')}`;
    const refreshToken = `rt-${this.issued}-${randomBytes(12).toString('hex')}`;
    this.refreshTokens.set(refreshToken, { parent, valid: true });
    this.newest = refreshToken;
    return { accessToken, refreshToken };
  }
}

/**
 * The refresh call of an adapter talking to `endpoint`: form-encoded POST with HTTP Basic client
 * credentials, `invalid_grant` turned into `RefreshTokenRejectedError`. `onReceived` runs once the
 * answer is read, before it is returned: a worker process uses it to die at that exact point.
 */
export function tokenEndpointClient(
  endpoint: { url: string; clientId: string; clientSecret: string },
  onReceived: () => void = () => undefined,
): RefreshCall {
  return async (refreshToken, { signal }) => {
    const response = await fetch(endpoint.url, {
      method: 'POST',
      signal,
      headers: {
        authorization: `Basic ${Buffer.from(`${endpoint.clientId}:${endpoint.clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }).toString(),
    });
    const body = (await response.json()) as Record<string, unknown>;
    if (response.status === 400 && body['error'] === 'invalid_grant')
      throw new RefreshTokenRejectedError(`invalid_grant (${String(body['error_description'])})`);
    if (!response.ok) throw new Error(`the token endpoint answered ${response.status}`);
    onReceived();
    return {
      accessToken: body['access_token'] as string,
      expiresInSeconds: body['expires_in'] as number,
      refreshToken: body['refresh_token'] as string,
      refreshTokenExpiresInSeconds: body['x_refresh_token_expires_in'] as number,
    };
  };
}
