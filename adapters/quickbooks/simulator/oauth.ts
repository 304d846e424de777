import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../../connector/time/clock';

/**
 * Intuit's OAuth 2.0 server as erp-apis.md §2.8 describes it: an authorize endpoint that consents at
 * once, and `POST /oauth2/v1/tokens/bearer` (form-encoded, HTTP Basic client_id:secret,
 * grant_type=authorization_code|refresh_token). Access tokens live 3600 s on the simulator's clock;
 * a refresh token rolls for 100 days, is replaced on every use, and a used one answers
 * `400 {"error":"invalid_grant"}`; refresh tokens die 5 years after the consent at the latest.
 */

export const ACCESS_TOKEN_SECONDS = 3_600;
/** §2.8: refresh tokens are "rolling 100 days", extended on every use. */
export const REFRESH_TOKEN_SECONDS = 100 * 86_400;
/** §2.8: "maximum lifetime of 5 years" (2025 policy change). */
export const REFRESH_TOKEN_HARD_SECONDS = 5 * 365 * 86_400;
/** How long an authorization code can be exchanged [UNVERIFIED; RFC 6749 §4.1.2 recommends at most 10 minutes]. */
export const AUTH_CODE_SECONDS = 600;
/** §2.8: the scope of the accounting API. */
export const ACCOUNTING_SCOPE = 'com.intuit.quickbooks.accounting';

export interface TokenResponse {
  token_type: 'bearer';
  access_token: string;
  refresh_token: string;
  expires_in: number;
  x_refresh_token_expires_in: number;
  x_refresh_token_hard_expires_in?: number;
}

interface Grant {
  realmId: string;
  /** Epoch ms after which the chain of refresh tokens ends. */
  hardExpiresAtMs: number;
}

export type AccessCheck = 'ok' | 'missing' | 'unknown' | 'expired' | 'other_realm';

export class OAuthServer {
  private readonly access = new Map<string, { grant: Grant; expiresAtMs: number }>();
  private readonly refresh = new Map<string, { grant: Grant; expiresAtMs: number; used: boolean }>();
  private readonly codes = new Map<
    string,
    { realmId: string; redirectUri: string; expiresAtMs: number; used: boolean }
  >();

  constructor(
    readonly clientId: string,
    private readonly clientSecret: string,
    private readonly clock: Clock,
  ) {}

  private nowMs(): number {
    return this.clock.now().getTime();
  }

  /** A fresh grant for `realmId`, as if a user had just consented and the code been exchanged. */
  issue(realmId: string, withHardExpiry = false): TokenResponse {
    return this.tokens({ realmId, hardExpiresAtMs: this.nowMs() + REFRESH_TOKEN_HARD_SECONDS * 1000 }, withHardExpiry);
  }

  private tokens(grant: Grant, withHardExpiry: boolean): TokenResponse {
    const now = this.nowMs();
    const accessToken = `qbo-sim-at-${randomBytes(24).toString('base64url')}`;
    const refreshToken = `qbo-sim-rt-${randomBytes(24).toString('base64url')}`;
    const refreshExpires = Math.min(now + REFRESH_TOKEN_SECONDS * 1000, grant.hardExpiresAtMs);
    this.access.set(accessToken, { grant, expiresAtMs: now + ACCESS_TOKEN_SECONDS * 1000 });
    this.refresh.set(refreshToken, { grant, expiresAtMs: refreshExpires, used: false });
    return {
      token_type: 'bearer',
      access_token: accessToken,
      refresh_token: refreshToken,
      expires_in: ACCESS_TOKEN_SECONDS,
      x_refresh_token_expires_in: Math.floor((refreshExpires - now) / 1000),
      // §2.8: sent when the request has `x-include-refresh-token-hard-expires-in: true`, in seconds.
      ...(withHardExpiry ? { x_refresh_token_hard_expires_in: Math.floor((grant.hardExpiresAtMs - now) / 1000) } : {}),
    };
  }

  check(token: string | undefined, realmId: string): AccessCheck {
    if (token === undefined) return 'missing';
    const entry = this.access.get(token);
    if (!entry) return 'unknown';
    if (entry.expiresAtMs <= this.nowMs()) return 'expired';
    return entry.grant.realmId === realmId ? 'ok' : 'other_realm';
  }

  /** Every access token issued so far stops working (refresh tokens still work). */
  expireAccessTokens(): void {
    const now = this.nowMs();
    for (const entry of this.access.values()) entry.expiresAtMs = Math.min(entry.expiresAtMs, now);
  }

  /**
   * GET /connect/oauth2 (§2.8, appcenter.intuit.com): consents at once and sends the browser back to
   * `redirect_uri` with `code`, `state` and `realmId`. A `realmId` parameter picks the company (the
   * simulator's stand-in for the company picker); the first company otherwise.
   */
  authorize(
    params: URLSearchParams,
    realmIds: readonly string[],
  ): { status: 302; location: string } | { status: 400; message: string } {
    const redirectUri = params.get('redirect_uri');
    if (params.get('client_id') !== this.clientId) return { status: 400, message: 'unknown client_id' };
    if (params.get('response_type') !== 'code') return { status: 400, message: 'response_type must be code' };
    if (!redirectUri || !/^https?:\/\//.test(redirectUri)) return { status: 400, message: 'redirect_uri is required' };
    if (!(params.get('scope') ?? '').split(/\s+/).includes(ACCOUNTING_SCOPE))
      return { status: 400, message: `scope must include ${ACCOUNTING_SCOPE}` };
    const realmId = params.get('realmId') ?? realmIds[0];
    if (realmId === undefined || !realmIds.includes(realmId)) return { status: 400, message: 'unknown realmId' };
    const code = `qbo-sim-code-${randomBytes(16).toString('base64url')}`;
    this.codes.set(code, { realmId, redirectUri, expiresAtMs: this.nowMs() + AUTH_CODE_SECONDS * 1000, used: false });
    const target = new URL(redirectUri);
    target.searchParams.set('code', code);
    const state = params.get('state');
    if (state !== null) target.searchParams.set('state', state);
    target.searchParams.set('realmId', realmId);
    return { status: 302, location: target.toString() };
  }

  /** POST /oauth2/v1/tokens/bearer: the status and JSON body to answer. */
  token(
    authorization: string | undefined,
    form: URLSearchParams,
    wantsHardExpiry: boolean,
  ): { status: number; body: object } {
    if (!this.clientAuthenticated(authorization)) return { status: 401, body: { error: 'invalid_client' } };
    const now = this.nowMs();
    const grantType = form.get('grant_type');
    if (grantType === 'authorization_code') {
      const entry = this.codes.get(form.get('code') ?? '');
      // Codes are single-use (RFC 6749 §4.1.2) and bound to their redirect_uri (§4.1.3).
      if (!entry || entry.used || entry.expiresAtMs <= now || entry.redirectUri !== form.get('redirect_uri'))
        return { status: 400, body: { error: 'invalid_grant' } };
      entry.used = true;
      return { status: 200, body: this.issue(entry.realmId, wantsHardExpiry) };
    }
    if (grantType === 'refresh_token') {
      const entry = this.refresh.get(form.get('refresh_token') ?? '');
      // §2.8: a replaced refresh token, or two workers refreshing at once, answers invalid_grant.
      if (!entry || entry.used || entry.expiresAtMs <= now) return { status: 400, body: { error: 'invalid_grant' } };
      entry.used = true;
      return { status: 200, body: this.tokens(entry.grant, wantsHardExpiry) };
    }
    return { status: 400, body: { error: 'unsupported_grant_type' } };
  }

  private clientAuthenticated(authorization: string | undefined): boolean {
    const m = /^Basic\s+(.+)$/i.exec(authorization ?? '');
    if (!m) return false;
    const expected = Buffer.from(`${this.clientId}:${this.clientSecret}`);
    const given = Buffer.from(Buffer.from(m[1]!, 'base64').toString('utf8'));
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
