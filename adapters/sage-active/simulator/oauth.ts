import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../../connector/time/clock';

/**
 * SBC Auth, Sage's OpenID Connect-style server, as shared/reference/sage.md §2.1 and §2.7 describe
 * it: `GET /connect/authorize` (the authorization code flow; the simulator consents at once and
 * redirects), `POST /connect/token` (form-encoded; grant_type authorization_code with PKCE for the
 * desktop app type or client_secret for the web-server one, and refresh_token), `POST
 * /connect/revocation`. Scopes RDSA, WDSA and offline_access (a refresh token only with it). Access
 * tokens last 28800 s, codes 60 s [both UNVERIFIED on a Sage page, §2.1]. Whether refresh tokens
 * rotate is unknown (§2.1, §2.8 question 4): `refreshRotation` picks, and in 'keep' mode no new
 * refresh token comes back, so a client must keep its old one.
 */

/** §2.1 (digest 00-endpoints-auth) [UNVERIFIED on a Sage page]: "access token 28800 s (8 h)". */
export const ACCESS_TOKEN_SECONDS = 28_800;
/** §2.1: "authorization code 60 s". */
export const AUTH_CODE_SECONDS = 60;
/** §2.1: "refresh-token lifetime server-configured" [UNVERIFIED value: 90 days here]. */
export const REFRESH_TOKEN_SECONDS = 90 * 86_400;
export const SCOPES = ['RDSA', 'WDSA', 'offline_access'] as const;

export type RefreshRotation = 'rotate' | 'keep';

export interface SageUser {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  /** §2.1: a user who never logged into Sage Active gets HTTP 403. */
  loggedInOnce: boolean;
  /** Organisations the user may read; others answer AUTH_NOT_AUTHORIZED (§2.6). */
  organizationIds: string[];
}

interface Grant {
  userId: string;
  scope: string;
}

export type AccessCheck =
  { ok: true; userId: string; scope: string } | { ok: false; why: 'missing' | 'unknown' | 'expired' };

export class SbcAuthServer {
  private readonly access = new Map<string, { grant: Grant; expiresAtMs: number }>();
  private readonly refresh = new Map<string, { grant: Grant; expiresAtMs: number; revoked: boolean }>();
  private readonly codes = new Map<
    string,
    {
      grant: Grant;
      redirectUri: string;
      challenge: string | null;
      expiresAtMs: number;
      used: boolean;
    }
  >();
  refreshRotation: RefreshRotation = 'rotate';

  constructor(
    readonly clientId: string,
    private readonly clientSecret: string,
    private readonly clock: Clock,
  ) {}

  private nowMs(): number {
    return this.clock.now().getTime();
  }

  /**
   * A JWT-shaped bearer token (the gateway's 401 says "JWT not present.", §2.6), unsigned: only this
   * simulator reads it, by looking it up.
   */
  private accessToken(grant: Grant, expiresAtMs: number): string {
    const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    const token = `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ sub: grant.userId, scope: grant.scope, exp: Math.floor(expiresAtMs / 1000), iss: 'sage-active-simulator' })}.${randomBytes(24).toString('base64url')}`;
    this.access.set(token, { grant, expiresAtMs });
    return token;
  }

  /** Tokens for `userId` as if the user had just consented (the banner's ready token). */
  issue(userId: string, scope = 'RDSA WDSA offline_access'): TokenResponse {
    return this.tokens({ userId, scope }, true);
  }

  private tokens(grant: Grant, withRefresh: boolean): TokenResponse {
    const now = this.nowMs();
    const body: TokenResponse = {
      access_token: this.accessToken(grant, now + ACCESS_TOKEN_SECONDS * 1000),
      expires_in: ACCESS_TOKEN_SECONDS,
      scope: grant.scope,
      token_type: 'Bearer',
    };
    if (withRefresh && grant.scope.split(' ').includes('offline_access')) {
      const refreshToken = `sage-sim-rt-${randomBytes(24).toString('base64url')}`;
      this.refresh.set(refreshToken, { grant, expiresAtMs: now + REFRESH_TOKEN_SECONDS * 1000, revoked: false });
      body.refresh_token = refreshToken;
    }
    return body;
  }

  check(token: string | undefined): AccessCheck {
    if (token === undefined) return { ok: false, why: 'missing' };
    const entry = this.access.get(token);
    if (!entry) return { ok: false, why: 'unknown' };
    if (entry.expiresAtMs <= this.nowMs()) return { ok: false, why: 'expired' };
    return { ok: true, userId: entry.grant.userId, scope: entry.grant.scope };
  }

  expireAccessTokens(): void {
    const now = this.nowMs();
    for (const entry of this.access.values()) entry.expiresAtMs = Math.min(entry.expiresAtMs, now);
  }

  /**
   * GET /connect/authorize: consents at once for `userId` (the simulator's stand-in for the sign-in
   * page) and sends the browser back with `code` and `state`. PKCE (RFC 7636) with S256 only: the
   * plain method gives no protection, and §2.1 does not say SBC Auth accepts it [UNVERIFIED].
   */
  authorize(
    params: URLSearchParams,
    userId: string,
  ): { status: 302; location: string } | { status: 400; message: string } {
    const redirectUri = params.get('redirect_uri');
    if (params.get('client_id') !== this.clientId) return { status: 400, message: 'unknown client_id' };
    if (params.get('response_type') !== 'code') return { status: 400, message: 'response_type must be code' };
    if (!redirectUri || !/^https?:\/\//.test(redirectUri)) return { status: 400, message: 'redirect_uri is required' };
    const scopes = (params.get('scope') ?? '').split(/\s+/).filter(Boolean);
    const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s) && s !== 'openid');
    if (unknown.length > 0) return this.redirectError(redirectUri, 'invalid_scope', params.get('state'));
    if (!scopes.includes('RDSA')) return this.redirectError(redirectUri, 'invalid_scope', params.get('state'));
    const challenge = params.get('code_challenge');
    if (challenge !== null && (params.get('code_challenge_method') ?? 'plain') !== 'S256')
      return this.redirectError(redirectUri, 'invalid_request', params.get('state'));
    const code = `sage-sim-code-${randomBytes(16).toString('base64url')}`;
    this.codes.set(code, {
      grant: { userId, scope: scopes.join(' ') },
      redirectUri,
      challenge,
      expiresAtMs: this.nowMs() + AUTH_CODE_SECONDS * 1000,
      used: false,
    });
    const target = new URL(redirectUri);
    target.searchParams.set('code', code);
    const state = params.get('state');
    if (state !== null) target.searchParams.set('state', state);
    return { status: 302, location: target.toString() };
  }

  private redirectError(redirectUri: string, error: string, state: string | null): { status: 302; location: string } {
    const target = new URL(redirectUri);
    target.searchParams.set('error', error);
    if (state !== null) target.searchParams.set('state', state);
    return { status: 302, location: target.toString() };
  }

  /** POST /connect/token: the status and JSON body to answer (§2.1's error codes). */
  token(authorization: string | undefined, form: URLSearchParams): { status: number; body: object } {
    const now = this.nowMs();
    const grantType = form.get('grant_type');
    // Client authentication: HTTP Basic or client_id/client_secret in the form (RFC 6749 §2.3.1), or
    // for a public PKCE client client_id alone.
    const client = this.client(authorization, form);
    // UNVERIFIED: 400 for invalid_client (RFC 6749 §5.2 allows 401 when the client used HTTP Basic).
    if (client === 'bad') return { status: 400, body: { error: 'invalid_client' } };
    if (grantType === 'authorization_code') {
      const entry = this.codes.get(form.get('code') ?? '');
      // §2.1: invalid_grant for a code older than 60 s or already used; bound to its redirect_uri (RFC 6749 §4.1.3).
      if (!entry || entry.used || entry.expiresAtMs <= now || entry.redirectUri !== form.get('redirect_uri'))
        return { status: 400, body: { error: 'invalid_grant' } };
      if (entry.challenge !== null) {
        const verifier = form.get('code_verifier');
        if (verifier === null)
          return { status: 400, body: { error: 'invalid_request', error_description: 'code_verifier is missing' } };
        const digest = createHash('sha256').update(verifier).digest('base64url');
        // RFC 7636 §4.6: a verifier that does not hash to the challenge is invalid_grant.
        if (digest !== entry.challenge) return { status: 400, body: { error: 'invalid_grant' } };
      } else if (client !== 'secret') return { status: 400, body: { error: 'invalid_client' } };
      entry.used = true;
      return { status: 200, body: this.tokens(entry.grant, true) };
    }
    if (grantType === 'refresh_token') {
      // §2.1: "do not send scope when refreshing" [UNVERIFIED what SBC Auth answers when it is sent: refused here, so a client that sends it finds out].
      if (form.has('scope')) return { status: 400, body: { error: 'invalid_scope' } };
      const token = form.get('refresh_token') ?? '';
      const entry = this.refresh.get(token);
      if (!entry || entry.revoked || entry.expiresAtMs <= now) return { status: 400, body: { error: 'invalid_grant' } };
      if (this.refreshRotation === 'rotate') {
        entry.revoked = true;
        return { status: 200, body: this.tokens(entry.grant, true) };
      }
      return { status: 200, body: this.tokens(entry.grant, false) };
    }
    return { status: 400, body: { error: 'unsupported_grant_type' } };
  }

  /** POST /connect/revocation (RFC 7009): always 200, the token no longer works. */
  revoke(form: URLSearchParams): void {
    const token = form.get('token') ?? '';
    const entry = this.refresh.get(token);
    if (entry) entry.revoked = true;
    this.access.delete(token);
  }

  private client(authorization: string | undefined, form: URLSearchParams): 'secret' | 'public' | 'bad' {
    const basic = /^Basic\s+(.+)$/i.exec(authorization ?? '');
    let id = form.get('client_id');
    let secret = form.get('client_secret');
    if (basic) {
      const [i, ...rest] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':');
      id = decodeURIComponent(i ?? '');
      secret = decodeURIComponent(rest.join(':'));
    }
    if (id !== this.clientId) return 'bad';
    if (secret === null) return 'public';
    const a = Buffer.from(secret);
    const b = Buffer.from(this.clientSecret);
    return a.length === b.length && timingSafeEqual(a, b) ? 'secret' : 'bad';
  }
}

/** §2.7: `{"access_token","expires_in":28800,"refresh_token","scope","token_type":"Bearer"}`. */
export interface TokenResponse {
  access_token: string;
  expires_in: number;
  refresh_token?: string;
  scope: string;
  token_type: 'Bearer';
}
