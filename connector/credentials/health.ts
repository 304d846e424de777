import type { CredentialStore, OAuthTokens } from '../ports/credentials';
import { CredentialDecryptionError, CredentialKeyError } from './keyring';
import { tokensOf } from './refresh';

/**
 * Whether a connection's stored OAuth authorization will keep working, and what a person should do
 * before it stops. QuickBooks Online: refresh tokens roll over 100 days of use, and since 2025 have
 * a hard end (5 years; the token answer's `x_refresh_token_hard_expires_in`, kept as
 * `extra.refreshTokenHardExpiresAt`); Intuit warns 30 days, 7 days and on the day (erp-apis.md §2.8,
 * from Intuit's sample app: UNVERIFIED beyond it). We warn on the same days.
 *
 * Warning every day or on the days: this is a state, read whenever someone asks (`connections
 * check`, GET /ready, GET /connections, the metric), so it is `expiring` on EVERY day from 30 days
 * before the end: a person who did not look on day 30 must still see it on day 20. What changes on
 * Intuit's days is `notice`: 30 from 30 days before the end, 7 from 7 days before; an alert that
 * should fire once per notice, as Intuit's e-mails do, keys on that field (or on the days gauge
 * crossing 30 and 7), not on the state.
 */

export type CredentialState =
  /** Nothing to do. */
  | 'ok'
  /** Works now; must be reconnected before `endsAt`. */
  | 'expiring'
  /** No longer works (refused, ended, or never connected): a person must connect the company again. */
  | 'reconnect'
  /** Stored, but this process cannot read it (the key is missing or not the one it was written with). */
  | 'unreadable';

export interface CredentialHealth {
  state: CredentialState;
  /** When the authorization ends for good, when known (ISO 8601). */
  endsAt?: string;
  /** Whole days left before `endsAt`, rounded up (1: ends within 24 hours); 0 once it has ended. */
  daysLeft?: number;
  /** Which of the warnings applies while `expiring`: 30 from 30 days ahead, 7 from 7 days ahead. */
  notice?: (typeof WARN_DAYS)[number];
  /** When the provider refused the stored refresh token (ISO 8601), when it did. */
  refusedAt?: string;
  /** One sentence for `connections check`, `/ready` and the API; empty when `ok`. */
  message: string;
}

/** The days before the end on which to warn (Intuit's own: 30 and 7), largest first. */
export const WARN_DAYS = [30, 7] as const;
const DAY_MS = 86_400_000;

/** The health of `tokens` (undefined: nothing stored) at `now`; `reconnectCommand` is what a person runs. */
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
  const left = endsAt === undefined ? undefined : Date.parse(endsAt) - now.getTime();
  const daysLeft = left === undefined ? undefined : Math.max(0, Math.ceil(left / DAY_MS));
  const known = endsAt === undefined ? {} : { endsAt, daysLeft: daysLeft! };
  if (tokens.refused)
    return {
      state: 'reconnect',
      ...known,
      refusedAt: tokens.refused.at,
      message: `connection ${connection}: the provider refused the stored authorization on ${tokens.refused.at.slice(0, 10)} (${tokens.refused.reason}); nothing is read or written until the company is reconnected: run \`${reconnectCommand}\``,
    };
  if (endsAt === undefined || left === undefined) return { state: 'ok', message: '' };
  if (left <= 0)
    return {
      state: 'reconnect',
      ...known,
      message: `connection ${connection}: the authorization ended on ${endsAt.slice(0, 10)}; reconnect the company: run \`${reconnectCommand}\``,
    };
  const days = daysLeft!;
  if (days > WARN_DAYS[0]) return { state: 'ok', ...known, message: '' };
  return {
    state: 'expiring',
    ...known,
    notice: days > WARN_DAYS[1] ? WARN_DAYS[0] : WARN_DAYS[1],
    message: `connection ${connection}: the authorization ends on ${endsAt.slice(0, 10)} (in ${days} day${days === 1 ? '' : 's'}); reconnect the company before then: run \`${reconnectCommand}\``,
  };
}

/**
 * The health of the authorization stored for a connection, read from its credential store
 * (undefined: no store is open, so nothing can be stored). A credential that cannot be decrypted
 * (or whose key is missing) is `unreadable`; one that is not a set of OAuth tokens must be
 * connected again; the messages name the connection and the variable, never a token or a key.
 * A store that does not answer is not a state of the authorization: its error is thrown.
 */
export async function storedCredentialHealth(
  connection: string,
  credentials: (() => CredentialStore) | undefined,
  now: Date,
  reconnectCommand: string,
): Promise<CredentialHealth> {
  if (credentials === undefined) return credentialHealth(connection, undefined, now, reconnectCommand);
  let stored;
  try {
    stored = await credentials().read();
  } catch (e) {
    if (!(e instanceof CredentialDecryptionError || e instanceof CredentialKeyError)) throw e;
    return {
      state: 'unreadable',
      message: `connection ${connection}: the stored authorization cannot be read (${(e as Error).message}); set the key it was stored with, or reconnect the company: run \`${reconnectCommand}\``,
    };
  }
  if (stored === undefined) return credentialHealth(connection, undefined, now, reconnectCommand);
  let tokens: OAuthTokens;
  try {
    tokens = tokensOf(stored);
  } catch (e) {
    return {
      state: 'reconnect',
      message: `connection ${connection}: ${(e as Error).message}; reconnect the company: run \`${reconnectCommand}\``,
    };
  }
  return credentialHealth(connection, tokens, now, reconnectCommand);
}

/** The state that needs a person most, of several connections (`ok` for none). */
export function worstState(states: Iterable<CredentialState>): CredentialState {
  const order: readonly CredentialState[] = ['ok', 'expiring', 'unreadable', 'reconnect'];
  let worst: CredentialState = 'ok';
  for (const s of states) if (order.indexOf(s) > order.indexOf(worst)) worst = s;
  return worst;
}
