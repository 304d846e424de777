import { AdapterError } from '../../connector/ports/adapter-error';
import { postTokenForm } from '../oauth-token-endpoint';
import { RefreshTokenRejectedError, type TokenGrant } from '../../connector/ports/credentials';
import { QBO_AUTHORIZE_URL, QBO_TOKEN_URL, type QuickBooksConnection } from './config.schema';

/**
 * Intuit's OAuth 2.0 token endpoint (erp-apis.md §2.8): `POST …/oauth2/v1/tokens/bearer`,
 * form-encoded, HTTP Basic with client_id:client_secret, `grant_type=authorization_code` or
 * `refresh_token`. The answer: `access_token`, `refresh_token`, `token_type: "bearer"`,
 * `expires_in` (3600), `x_refresh_token_expires_in`, and, when asked with the header
 * `x-include-refresh-token-hard-expires-in: true`, `x_refresh_token_hard_expires_in` (seconds;
 * from Intuit's sample app, UNVERIFIED beyond it). A used or revoked refresh token answers
 * `400 {"error":"invalid_grant"}`.
 */

/** The scope of the accounting API (erp-apis.md §2.8). */
export const QBO_SCOPE = 'com.intuit.quickbooks.accounting';

/** Key of `OAuthTokens.extra` holding the refresh token's hard expiry (ISO 8601), when Intuit says it. */
export const HARD_EXPIRY_KEY = 'refreshTokenHardExpiresAt';

type TokenConfig = Pick<
  QuickBooksConnection,
  'id' | 'clientId' | 'clientSecret' | 'baseUrl' | 'tokenUrl' | 'authorizeUrl'
>;

export function tokenUrlOf(config: TokenConfig): string {
  return (
    config.tokenUrl ??
    (config.baseUrl ? `${config.baseUrl.replace(/\/+$/, '')}/oauth2/v1/tokens/bearer` : QBO_TOKEN_URL)
  );
}

export function authorizeUrlOf(config: TokenConfig): string {
  return (
    config.authorizeUrl ?? (config.baseUrl ? `${config.baseUrl.replace(/\/+$/, '')}/connect/oauth2` : QBO_AUTHORIZE_URL)
  );
}

/** The consent page a person opens to connect the company (authorization-code flow). */
export function consentUrl(config: TokenConfig, redirectUri: string, state: string): string {
  const url = new URL(authorizeUrlOf(config));
  url.searchParams.set('client_id', config.clientId);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', QBO_SCOPE);
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('state', state);
  return url.toString();
}

export type Grant =
  { type: 'refresh_token'; refreshToken: string } | { type: 'authorization_code'; code: string; redirectUri: string };

/** Calls the token endpoint; `RefreshTokenRejectedError` on `invalid_grant`, an AdapterError otherwise. */
export async function requestTokens(
  config: TokenConfig,
  grant: Grant,
  options: { signal?: AbortSignal; timeoutMs?: number; now: () => Date },
): Promise<TokenGrant> {
  const form = new URLSearchParams(
    grant.type === 'refresh_token'
      ? { grant_type: 'refresh_token', refresh_token: grant.refreshToken }
      : { grant_type: 'authorization_code', code: grant.code, redirect_uri: grant.redirectUri },
  );
  const url = tokenUrlOf(config);
  const basic = Buffer.from(`${config.clientId}:${config.clientSecret}`).toString('base64');
  const { status, body } = await postTokenForm({
    url,
    form,
    headers: { Authorization: `Basic ${basic}`, 'x-include-refresh-token-hard-expires-in': 'true' },
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.signal ? { signal: options.signal } : {}),
    unreachable: {
      code: 'QBO_TOKEN_ENDPOINT_UNREACHABLE',
      connection: config.id,
      server: 'the QuickBooks token endpoint',
    },
  });
  const error = typeof body['error'] === 'string' ? body['error'] : undefined;
  if (error === 'invalid_grant') {
    throw new RefreshTokenRejectedError(
      `invalid_grant${typeof body['error_description'] === 'string' ? ` (${body['error_description']})` : ''}`,
    );
  }
  if (status !== 200 || error !== undefined) {
    const config_ = error === 'invalid_client' || status === 401;
    throw new AdapterError({
      code: config_ ? 'QBO_CLIENT_REFUSED' : 'QBO_TOKEN_ENDPOINT_FAILED',
      kind: config_ ? 'config' : status >= 500 ? 'transient' : 'system',
      userMessage: config_
        ? `connection ${config.id}: Intuit refused the app's client id or secret (${error ?? `HTTP ${status}`}); check clientId and clientSecret against the developer portal's Keys & credentials`
        : `connection ${config.id}: the QuickBooks token endpoint answered HTTP ${status}${error ? ` (${error})` : ''}`,
      detail: `HTTP ${status} ${error ?? ''}`.trim(),
    });
  }
  const text = (key: string) => (typeof body[key] === 'string' && body[key] !== '' ? body[key] : undefined);
  const seconds = (key: string) =>
    typeof body[key] === 'number' && Number.isFinite(body[key]) ? body[key] : undefined;
  const hard = seconds('x_refresh_token_hard_expires_in');
  const refreshToken = text('refresh_token');
  const refreshExpires = seconds('x_refresh_token_expires_in');
  return {
    accessToken: text('access_token') ?? '',
    expiresInSeconds: seconds('expires_in') ?? Number.NaN,
    ...(refreshToken === undefined ? {} : { refreshToken }),
    ...(refreshExpires === undefined ? {} : { refreshTokenExpiresInSeconds: refreshExpires }),
    ...(hard === undefined
      ? {}
      : { extra: { [HARD_EXPIRY_KEY]: new Date(options.now().getTime() + hard * 1000).toISOString() } }),
  };
}
