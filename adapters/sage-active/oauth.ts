import { createHash, randomBytes } from 'node:crypto';
import { AdapterError } from '../../connector/ports/adapter-error';
import { postTokenForm } from '../oauth-token-endpoint';
import { RefreshTokenRejectedError, type TokenGrant } from '../../connector/ports/credentials';
import {
  SAGE_ACTIVE_AUTHORIZE_URL,
  SAGE_ACTIVE_SCOPES,
  SAGE_ACTIVE_TOKEN_URL,
  type SageActiveConnection,
} from './config.schema';

/**
 * SBC Auth, Sage Active's OAuth 2 server (sage.md §2.1): the authorization code with PKCE (the
 * desktop flow, the one that fits a daemon on the customer's machine: a one-time sign-in in a browser,
 * then a stored refresh token), scopes `RDSA WDSA offline_access`. The code lives 60 s and access
 * tokens 8 h [both UNVERIFIED on a Sage page]; whether refresh tokens rotate is unknown, so whatever
 * comes back is stored and the old one kept when none does; `scope` is not sent when refreshing.
 *
 * The client authenticates in the form body (`client_id`, and `client_secret` for a web-server app):
 * SBC Auth's `/connect/…` paths are those of an OpenID Connect server that takes it there
 * [UNVERIFIED which client authentication Sage's server expects; the body form is the one every
 * public PKCE client must use for `client_id`].
 */

type TokenConfig = Pick<
  SageActiveConnection,
  'id' | 'clientId' | 'clientSecret' | 'baseUrl' | 'tokenUrl' | 'authorizeUrl'
>;

export function tokenUrlOf(config: TokenConfig): string {
  return (
    config.tokenUrl ?? (config.baseUrl ? `${config.baseUrl.replace(/\/+$/, '')}/connect/token` : SAGE_ACTIVE_TOKEN_URL)
  );
}

export function authorizeUrlOf(config: TokenConfig): string {
  return (
    config.authorizeUrl ??
    (config.baseUrl ? `${config.baseUrl.replace(/\/+$/, '')}/connect/authorize` : SAGE_ACTIVE_AUTHORIZE_URL)
  );
}

/** A PKCE pair (RFC 7636 §4.1–4.2): a 43-character verifier, and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: pkceChallenge(verifier) };
}

/** BASE64URL(SHA256(verifier)), without padding (RFC 7636 §4.2). */
export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** The page a person opens to sign in and consent (authorization-code flow with PKCE). */
export function consentUrl(config: TokenConfig, redirectUri: string, state: string, challenge: string): string {
  const url = new URL(authorizeUrlOf(config));
  url.searchParams.set('client_id', config.clientId);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', SAGE_ACTIVE_SCOPES.join(' '));
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('state', state);
  url.searchParams.set('code_challenge', challenge);
  url.searchParams.set('code_challenge_method', 'S256');
  return url.toString();
}

export type SageGrant =
  | { type: 'refresh_token'; refreshToken: string }
  | { type: 'authorization_code'; code: string; redirectUri: string; verifier: string };

/**
 * Calls the token endpoint. `invalid_grant` (a code older than 60 s or used, a refresh token revoked:
 * sage.md §2.1) is `RefreshTokenRejectedError`; the other documented codes are AdapterErrors saying
 * what to change.
 */
export async function requestTokens(
  config: TokenConfig,
  grant: SageGrant,
  options: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<TokenGrant> {
  const form = new URLSearchParams({ client_id: config.clientId });
  if (config.clientSecret !== undefined) form.set('client_secret', config.clientSecret);
  if (grant.type === 'refresh_token') {
    form.set('grant_type', 'refresh_token');
    form.set('refresh_token', grant.refreshToken);
  } else {
    form.set('grant_type', 'authorization_code');
    form.set('code', grant.code);
    form.set('redirect_uri', grant.redirectUri);
    form.set('code_verifier', grant.verifier);
  }
  const { status, body } = await postTokenForm({
    url: tokenUrlOf(config),
    form,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.signal ? { signal: options.signal } : {}),
    unreachable: { code: 'SAGE_TOKEN_ENDPOINT_UNREACHABLE', connection: config.id, server: 'the Sage sign-in server' },
  });
  const error = typeof body['error'] === 'string' ? body['error'] : undefined;
  const description = typeof body['error_description'] === 'string' ? ` (${body['error_description']})` : '';
  if (error === 'invalid_grant') throw new RefreshTokenRejectedError(`invalid_grant${description}`);
  if (status !== 200 || error !== undefined) throw tokenFailure(config.id, status, error, description);
  const text = (key: string) => (typeof body[key] === 'string' && body[key] !== '' ? body[key] : undefined);
  const seconds = (key: string) =>
    typeof body[key] === 'number' && Number.isFinite(body[key]) ? body[key] : undefined;
  const refreshToken = text('refresh_token');
  return {
    accessToken: text('access_token') ?? '',
    expiresInSeconds: seconds('expires_in') ?? Number.NaN,
    // None back: the stored one stays in use (sage.md §2.1, "keep the old one if none comes back").
    ...(refreshToken === undefined ? {} : { refreshToken }),
  };
}

/** The token endpoint's other answers (sage.md §2.1 lists the codes), each with what to do. */
function tokenFailure(
  connection: string,
  status: number,
  error: string | undefined,
  description: string,
): AdapterError {
  const what = `${error ?? `HTTP ${status}`}${description}`;
  if (error === 'invalid_client' || error === 'unauthorized_client' || (error === undefined && status === 401))
    return new AdapterError({
      code: 'SAGE_CLIENT_REFUSED',
      kind: 'config',
      userMessage: `connection ${connection}: Sage refused the app (${what}); check clientId and clientSecret against the app in the Sage Developer Center, and that it is allowed for this market`,
      detail: `HTTP ${status} ${what}`,
    });
  if (error === 'invalid_scope' || error === 'access_denied')
    return new AdapterError({
      code: 'SAGE_CONSENT_REFUSED',
      kind: 'config',
      userMessage: `connection ${connection}: Sage did not grant the access asked (${what}); the user must consent to RDSA, WDSA and offline_access: run \`recouvra connect sage-active\` again`,
      detail: `HTTP ${status} ${what}`,
    });
  return new AdapterError({
    code: 'SAGE_TOKEN_ENDPOINT_FAILED',
    kind: status >= 500 || error === 'server_error' || error === 'temporarily_unavailable' ? 'transient' : 'system',
    userMessage: `connection ${connection}: the Sage sign-in server answered ${what}`,
    detail: `HTTP ${status} ${what}`,
  });
}
