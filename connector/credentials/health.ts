import type { OAuthTokens } from '../ports/credentials';

/**
 * Whether a connection's stored OAuth authorization will keep working, and what a person should do
 * before it stops. QuickBooks Online: refresh tokens roll over 100 days of use, and since 2025 have
 * a hard end (5 years; the token answer's `x_refresh_token_hard_expires_in`, kept as
 * `extra.refreshTokenHardExpiresAt`); Intuit warns 30 days, 7 days and on the day (erp-apis.md §2.8,
 * from Intuit's sample app: UNVERIFIED beyond it). We warn on the same days.
 */

export type CredentialState =
  /** Nothing to do. */
  | 'ok'
  /** Works now; must be reconnected before `endsAt`. */
  | 'expiring'
  /** No longer works (or never did): a person must connect the company again. */
  | 'reconnect';

export interface CredentialHealth {
  state: CredentialState;
  /** When the authorization ends for good, when known (ISO 8601). */
  endsAt?: string;
  /** One sentence for `connections check`, `/ready` and the API; empty when `ok`. */
  message: string;
}

/** The days before the end on which to warn (Intuit's own: 30 and 7). */
export const WARN_DAYS = [30, 7] as const;
const DAY_MS = 86_400_000;

export function credentialHealth(
  connection: string,
  tokens: OAuthTokens | undefined,
  now: Date,
  reconnectCommand: string,
): CredentialHealth {
  if (!tokens)
    return {
      state: 'reconnect',
      message: `connection ${connection} is not connected yet: run \`${reconnectCommand}\``,
    };
  const ends = [tokens.refreshTokenExpiresAt, tokens.extra?.['refreshTokenHardExpiresAt']]
    .filter((x): x is string => typeof x === 'string' && !Number.isNaN(Date.parse(x)))
    .sort((a, b) => Date.parse(a) - Date.parse(b));
  const endsAt = ends[0];
  if (endsAt === undefined) return { state: 'ok', message: '' };
  const left = Date.parse(endsAt) - now.getTime();
  if (left <= 0)
    return {
      state: 'reconnect',
      endsAt,
      message: `connection ${connection}: the authorization ended on ${endsAt.slice(0, 10)}; reconnect the company: run \`${reconnectCommand}\``,
    };
  const days = Math.ceil(left / DAY_MS);
  if (days > WARN_DAYS[0]) return { state: 'ok', endsAt, message: '' };
  return {
    state: 'expiring',
    endsAt,
    message: `connection ${connection}: the authorization ends on ${endsAt.slice(0, 10)} (in ${days} day${days === 1 ? '' : 's'}); reconnect the company before then: run \`${reconnectCommand}\``,
  };
}
