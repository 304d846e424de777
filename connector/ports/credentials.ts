/**
 * The credentials of one ERP connection, as the core hands them to the adapter that uses them:
 * OAuth 2 access and refresh tokens for QuickBooks Online and Sage, kept in the store, encrypted at
 * rest (connector/store/credential-store.ts), and refreshed by one worker at a time
 * (connector/credentials/refresh.ts).
 *
 * Why the care: QuickBooks Online may return a new refresh token on every refresh, and that new
 * token "invalidates the old one"; two workers refreshing at once, or one that does not store the
 * latest refresh token, end in `400 {"error":"invalid_grant"}` and a connection that must be
 * authorized again by a person (shared reference erp-apis.md §2.8). Sage Business Cloud
 * Accounting's refresh tokens are said to be "rotating and single-use" (erp-apis.md §3.1,
 * UNVERIFIED on a Sage page); whether Sage Active's rotate is unknown (sage.md §2.1).
 */

/** A JSON object: what the store encrypts, opaque to it. Never logged, never in an error message. */
export interface CredentialSecret {
  readonly [key: string]: unknown;
}

/** A worker refreshing the connection's tokens right now, or one that stopped before it finished. */
export interface RefreshLease {
  /** Who took it: host, process id and a random part (never a secret). */
  owner: string;
  /** ISO 8601 instant after which another worker may take it over. */
  expiresAt: string;
}

export interface StoredCredential {
  connectionId: string;
  secret: CredentialSecret;
  /**
   * 1 for the first credential stored, one more at every write: what `compareAndSet` is guarded by.
   * It is also bound into the ciphertext, so a row restored over a newer one, or copied from
   * another connection, does not decrypt.
   */
  version: number;
  /** ISO 8601 instant of the write that stored this version. */
  updatedAt: string;
  /** The refresh in progress (or abandoned) on this version, if any; a write clears it. */
  lease: RefreshLease | undefined;
}

export type CompareAndSetResult =
  | { ok: true; credential: StoredCredential }
  /** Another writer stored a version first: `current` is what the store holds now (undefined: nothing). */
  | { ok: false; current: StoredCredential | undefined };

/**
 * The credential store of ONE connection. Every method is one atomic statement on its own, and
 * is durable when its promise resolves: it is never run inside a store transaction, whose rollback
 * would lose a refresh token the provider already rotated.
 */
export interface CredentialStore {
  readonly connectionId: string;

  read(): Promise<StoredCredential | undefined>;

  /**
   * The stored version (0: nothing stored), read without decrypting: a new authorization replaces
   * whatever is stored, even a credential written with a key that is lost.
   */
  storedVersion(): Promise<number>;

  /**
   * Writes `next` as version `expectedVersion + 1` only if the stored version is still
   * `expectedVersion` (0: only if nothing is stored yet, the first authorization). Otherwise
   * writes nothing and returns what is stored now: the caller adopts it instead of overwriting
   * it. A successful write clears the refresh lease, whoever holds it.
   */
  compareAndSet(expectedVersion: number, next: CredentialSecret): Promise<CompareAndSetResult>;

  /**
   * Marks a refresh in progress on version `expectedVersion`, held by `owner` for `durationMs`:
   * taken only if that version is still the stored one and no other owner holds an unexpired
   * lease (an expired one, left by a worker that stopped, is taken over). Undefined when not taken.
   */
  acquireRefreshLease(input: {
    owner: string;
    expectedVersion: number;
    durationMs: number;
  }): Promise<RefreshLease | undefined>;

  /** Gives the lease up (after a failed refresh) if `owner` still holds it; false otherwise. */
  releaseRefreshLease(owner: string): Promise<boolean>;
}

/** OAuth 2 tokens as stored: the secret of a QuickBooks Online or Sage connection. */
export interface OAuthTokens {
  accessToken: string;
  /** ISO 8601 instant at which the provider stops accepting `accessToken`. */
  accessTokenExpiresAt: string;
  refreshToken: string;
  /** ISO 8601 instant, when the provider says (QuickBooks: `x_refresh_token_expires_in`). */
  refreshTokenExpiresAt?: string;
  /** What else the adapter keeps with the tokens (realm id, scope, organization id). */
  extra?: Record<string, string>;
  /**
   * The provider refused `refreshToken` (`invalid_grant`): recorded by the refresher so that no
   * worker, in this process or another, after a restart too, calls the token endpoint with it
   * again; every call fails at once until a person authorizes the connection again, which stores
   * new tokens without it (connector/credentials/refresh.ts).
   */
  refused?: RefusedAuthorization;
}

/** When and why the provider refused the stored refresh token. Never holds a token. */
export interface RefusedAuthorization {
  /** ISO 8601 instant of the refusal. */
  at: string;
  /** The provider's error code and description, and whether a refresh had been abandoned before. */
  reason: string;
}

/** What a token endpoint answered to a refresh, as the adapter read it from the wire. */
export interface TokenGrant {
  accessToken: string;
  /** Lifetime of `accessToken` in seconds (`expires_in`: 3600 for QuickBooks, erp-apis.md §2.8). */
  expiresInSeconds: number;
  /**
   * The new refresh token, when the provider rotated it. Absent: the current one stays in use
   * (Sage Active may answer without one: "keep the old one if none comes back", sage.md §2.1).
   */
  refreshToken?: string;
  /** Lifetime of the refresh token in seconds, when the provider says. */
  refreshTokenExpiresInSeconds?: number;
  /** Replaces the stored `extra` when present. */
  extra?: Record<string, string>;
}

/**
 * The adapter's call to its provider's token endpoint (grant_type=refresh_token). It must stop
 * when `signal` aborts, and throw `RefreshTokenRejectedError` when the provider refuses the
 * refresh token itself (`invalid_grant`), so that the refresher can tell "authorize again" from
 * a transient failure.
 */
export type RefreshCall = (refreshToken: string, context: { signal: AbortSignal }) => Promise<TokenGrant>;

/** The provider refused the refresh token (OAuth `invalid_grant`): used, revoked or expired. */
export class RefreshTokenRejectedError extends Error {
  override readonly name = 'RefreshTokenRejectedError';

  /** `detail`: the provider's error code and description, never a token. */
  constructor(detail: string, options?: { cause?: unknown }) {
    super(`the token endpoint refused the refresh token: ${detail}`, options);
  }
}
