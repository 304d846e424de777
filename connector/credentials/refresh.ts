import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  RefreshTokenRejectedError,
  type CredentialSecret,
  type RefusedAuthorization,
  type CredentialStore,
  type OAuthTokens,
  type RefreshCall,
  type RefreshLease,
  type StoredCredential,
  type TokenGrant,
} from '../ports/credentials';
import { systemClock, type Clock } from '../time/clock';

/**
 * The safe refresh of a rotating OAuth 2 refresh token, shared by every worker (process) of a
 * connection through its `CredentialStore`.
 *
 * What the providers do (shared reference): QuickBooks Online access tokens last 1 hour and are
 * refreshed "only when expired, not on every call"; a refresh "may return a new refresh token,
 * which invalidates the old one"; two workers refreshing at once end in `invalid_grant`; "use a
 * single-flight refresh lock per realm and persist the new token before using the access token"
 * (erp-apis.md §2.8). Sage Business Cloud Accounting: access 5 minutes, refresh tokens "rotating
 * and single-use" (erp-apis.md §3.1, UNVERIFIED on a Sage page). Sage Active: access 8 hours,
 * rotation unknown, "keep the old one if none comes back" (sage.md §2.1, UNVERIFIED).
 * UNVERIFIED, because neither sheet says it: WHEN the old refresh token stops working — as soon
 * as the new one is issued, or only once the new one has been used (a grace period).
 *
 * The protocol:
 * 1. Read the stored tokens. Still valid (not within `refreshBeforeMs` of expiry, and not the
 *    access token the caller saw refused): use them, no call.
 * 2. Another worker holds an unexpired lease on this version: wait and read again; it stores
 *    the new tokens and this worker adopts them.
 * 3. Take the lease (a marker in the row, guarded by the version: only one worker gets it), then
 *    call the token endpoint with the stored refresh token, within `requestTimeoutMs`.
 * 4. Store the new tokens with a compare-and-set on the version read in 1, which also clears the
 *    lease. The old refresh token stays in the row until that one statement commits: it is never
 *    removed before the new one is durable. A transient store failure is retried while the lease
 *    lasts, because the tokens in memory are then the only copy.
 * 5. Lost the compare-and-set (another worker stored first, after this one's lease expired):
 *    adopt what is stored; the tokens this worker received are dropped, never written over a
 *    newer version — except over the refusal of the very refresh token this worker used (6):
 *    the provider accepted it from this worker first, so the tokens received are its successors.
 * 6. The endpoint refused the refresh token (`invalid_grant`): the refusal is stored with the
 *    tokens (`OAuthTokens.refused`, a compare-and-set on the version read in 1, which also
 *    clears the lease). From then on every call, in any process and after any restart, fails at
 *    once with `reauthorization_required` and never calls the endpoint again with a token it
 *    refused (the reference asks for no retry loop on `invalid_grant`: a person must authorize
 *    the connection again, erp-apis.md §2.8), until new tokens are stored without it (`recouvra
 *    connect …` replaces whatever is stored).
 *
 * Guaranteed, for workers that all refresh through this function on the same store:
 * - no worker overwrites tokens stored after the version it refreshed from: a loser adopts the
 *   winner's tokens (compare-and-set on the version);
 * - the refresh token stored is replaced only by the write that stores its successor, in one
 *   atomic, durable statement;
 * - the access token returned is stored before it is returned (persist before use);
 * - while each refresh finishes within `leaseMs`, one worker at a time calls the token endpoint
 *   for a connection, and once per expiry: the others wait and adopt its tokens.
 *
 * Not guaranteed:
 * - A crash, or a store outage that outlasts the lease, after the endpoint issued new tokens
 *   and before they were stored, loses them: nothing local can make "the provider issued it"
 *   and "we stored it" one atomic step. The lease is left behind and expires; the next worker
 *   then refreshes with the previous refresh token, which is still stored. It works if the
 *   provider keeps that token valid until its successor is used; if the provider invalidated it
 *   when it issued the successor (what erp-apis.md §2.8 and §3.1 suggest for QuickBooks and Sage
 *   Accounting, timing unverified), the endpoint answers `invalid_grant` and this function
 *   throws `reauthorization_required`, saying that a refresh was abandoned: a person must
 *   authorize the connection again.
 * - A worker paused for longer than `leaseMs` between its call and its write (a stopped process,
 *   a clock jump) lets a second worker refresh in parallel. The compare-and-set keeps the first
 *   tokens stored; with a provider that invalidates on issue, the second worker gets
 *   `invalid_grant`, records the refusal and reports `reauthorization_required` although the
 *   first is about to store valid tokens; the first then stores them over that refusal (5), and
 *   calls made in between fail. Keep `requestTimeoutMs` well under `leaseMs`.
 * - Lease expiry compares instants of different workers' clocks: skew between hosts shortens
 *   or lengthens a lease by that much.
 */

export interface RefreshOptions {
  clock?: Clock;
  /** Names this call in the lease (default: host, process id and a random part, new for each call). */
  owner?: string;
  /** How long one refresh may hold the lease before another worker takes it over, in ms (default 60000). */
  leaseMs?: number;
  /** How long the token endpoint may take, in ms (default 20000); must be under `leaseMs`. */
  requestTimeoutMs?: number;
  /** Refresh when the access token expires within this many ms (default 60000). */
  refreshBeforeMs?: number;
  /**
   * The API refused this access token (a 401 before its expiry): refresh even though it is not
   * due — unless another worker has already replaced it, in which case its tokens are returned.
   */
  rejectedAccessToken?: string;
  /** How often a worker waiting for another's refresh reads again, in ms (default 250). */
  pollMs?: number;
  /** How long to wait in all before giving up, in ms of real time (default 2 × `leaseMs` + `pollMs`). */
  waitLimitMs?: number;
}

export interface RefreshResult {
  tokens: OAuthTokens;
  version: number;
  /** `fresh`: stored tokens were still valid; `refreshed`: this call refreshed; `adopted`: another worker did. */
  outcome: 'fresh' | 'refreshed' | 'adopted';
}

export type CredentialErrorCode =
  'missing' | 'malformed' | 'reauthorization_required' | 'refresh_timeout' | 'wait_timeout' | 'store_failed';

/** Why the connection's tokens could not be had. Messages name the connection, never a token. */
export class CredentialError extends Error {
  override readonly name = 'CredentialError';

  constructor(
    readonly code: CredentialErrorCode,
    readonly connectionId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const DEFAULT_LEASE_MS = 60_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 20_000;
const DEFAULT_REFRESH_BEFORE_MS = 60_000;
const DEFAULT_POLL_MS = 250;
/** Attempts at storing received tokens when the store fails (they exist nowhere else). */
const STORE_ATTEMPTS = 4;
const STORE_RETRY_BASE_MS = 100;

/** Valid tokens for the connection, refreshed first if due: see the file's comment. */
export async function refreshToken(
  store: CredentialStore,
  refresh: RefreshCall,
  options: RefreshOptions = {},
): Promise<RefreshResult> {
  const clock = options.clock ?? systemClock;
  const owner = options.owner ?? `${hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const requestTimeoutMs = options.requestTimeoutMs ?? Math.min(DEFAULT_REQUEST_TIMEOUT_MS, Math.floor(leaseMs / 2));
  const refreshBeforeMs = options.refreshBeforeMs ?? DEFAULT_REFRESH_BEFORE_MS;
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  const waitLimitMs = options.waitLimitMs ?? 2 * leaseMs + pollMs;
  if (!(requestTimeoutMs > 0 && requestTimeoutMs < leaseMs)) {
    throw new RangeError(
      `requestTimeoutMs (${requestTimeoutMs}) must be positive and under leaseMs (${leaseMs}): a call may not outlive its lease`,
    );
  }
  const connectionId = store.connectionId;
  const started = performance.now();
  let waited = false;

  for (;;) {
    const current = await store.read();
    if (current === undefined) {
      throw new CredentialError(
        'missing',
        connectionId,
        `connection "${connectionId}" has no stored OAuth tokens: authorize it first`,
      );
    }
    const tokens = tokensOf(current);
    if (tokens.refused !== undefined) throw refusedBefore(connectionId, tokens.refused);
    const now = clock.now().getTime();
    const due =
      Date.parse(tokens.accessTokenExpiresAt) - refreshBeforeMs <= now ||
      (options.rejectedAccessToken !== undefined && options.rejectedAccessToken === tokens.accessToken);
    if (!due) return { tokens, version: current.version, outcome: waited ? 'adopted' : 'fresh' };

    const lease = current.lease;
    if (lease !== undefined && lease.owner !== owner && Date.parse(lease.expiresAt) > now) {
      if (performance.now() - started > waitLimitMs) {
        throw new CredentialError(
          'wait_timeout',
          connectionId,
          `connection "${connectionId}": gave up after ${waitLimitMs} ms waiting for another worker's token refresh (${lease.owner}, lease until ${lease.expiresAt})`,
        );
      }
      waited = true;
      await sleep(pollMs);
      continue;
    }
    // A lease that expired on the version still stored: its worker stopped before storing.
    const abandoned = lease !== undefined && lease.owner !== owner ? lease : undefined;
    const taken = await store.acquireRefreshLease({ owner, expectedVersion: current.version, durationMs: leaseMs });
    if (taken === undefined) {
      // Another worker took the lease or stored new tokens between the read and here.
      waited = true;
      continue;
    }

    let grant: TokenGrant;
    try {
      grant = await withTimeout(refresh, tokens.refreshToken, requestTimeoutMs, connectionId);
    } catch (error) {
      if (!(error instanceof RefreshTokenRejectedError)) {
        await store.releaseRefreshLease(owner).catch(() => false);
        throw error;
      }
      const why = refusalReason(abandoned, error);
      // Recorded while this worker still holds the lease, so no other worker calls the endpoint
      // with the refused token in between; the write clears the lease.
      const recorded = await store
        .compareAndSet(current.version, {
          ...tokens,
          refused: { at: clock.now().toISOString(), reason: why },
        })
        .catch(() => undefined);
      if (recorded?.ok !== true) await store.releaseRefreshLease(owner).catch(() => false);
      if (recorded?.ok === false) {
        // Someone stored newer tokens while this worker used the old refresh token: adopt them.
        waited = true;
        continue;
      }
      // Not recorded when the store failed: the next call then asks the endpoint once more.
      throw new CredentialError(
        'reauthorization_required',
        connectionId,
        `connection "${connectionId}": ${why}. Authorize the connection again`,
        { cause: error },
      );
    }

    const next = tokensAfter(tokens, grant, clock.now(), connectionId);
    let stored = await storeReceived(store, current.version, next, taken, clock);
    if (!stored.ok && refusedFrom(stored.current, current.version)) {
      // Another worker, which took over this one's expired lease, was refused the token this
      // worker had just used successfully: the tokens received are its successors (step 5).
      stored = await storeReceived(store, stored.current!.version, next, taken, clock);
    }
    if (stored.ok) return { tokens: next, version: stored.credential.version, outcome: 'refreshed' };
    waited = true;
  }
}

/** The credential stored is the refusal recorded on version `version` (its compare-and-set wrote `version + 1`). */
function refusedFrom(credential: StoredCredential | undefined, version: number): boolean {
  if (credential?.version !== version + 1) return false;
  try {
    return tokensOf(credential).refused !== undefined;
  } catch {
    return false;
  }
}

/** The stored secret as OAuth tokens; a clear error naming the fields, not their values, otherwise. */
export function tokensOf(credential: StoredCredential): OAuthTokens {
  const s = credential.secret;
  const wrong: string[] = [];
  const text = (key: string, required: boolean): void => {
    const v = s[key];
    if (v === undefined && !required) return;
    if (typeof v !== 'string' || v === '') wrong.push(key);
  };
  text('accessToken', true);
  text('refreshToken', true);
  text('accessTokenExpiresAt', true);
  text('refreshTokenExpiresAt', false);
  for (const key of ['accessTokenExpiresAt', 'refreshTokenExpiresAt']) {
    if (typeof s[key] === 'string' && Number.isNaN(Date.parse(s[key]))) wrong.push(`${key} (not an instant)`);
  }
  const refused = s['refused'] as Partial<Record<keyof RefusedAuthorization, unknown>> | null | undefined;
  if (
    refused !== undefined &&
    (typeof refused !== 'object' ||
      refused === null ||
      typeof refused.at !== 'string' ||
      Number.isNaN(Date.parse(refused.at)) ||
      typeof refused.reason !== 'string')
  )
    wrong.push('refused');
  const extra = s['extra'];
  if (
    extra !== undefined &&
    (typeof extra !== 'object' ||
      extra === null ||
      Array.isArray(extra) ||
      Object.values(extra).some((v) => typeof v !== 'string'))
  )
    wrong.push('extra');
  if (wrong.length > 0) {
    throw new CredentialError(
      'malformed',
      credential.connectionId,
      `the stored credential of connection "${credential.connectionId}" (version ${credential.version}) is not a set of OAuth tokens: ${wrong.join(', ')} missing or malformed`,
    );
  }
  return s as unknown as OAuthTokens;
}

/** The tokens after a refresh: the old refresh token is kept when the provider sent none. */
export function tokensAfter(tokens: OAuthTokens, grant: TokenGrant, at: Date, connectionId: string): OAuthTokens {
  const wrong: string[] = [];
  if (typeof grant.accessToken !== 'string' || grant.accessToken === '') wrong.push('accessToken');
  if (!(Number.isFinite(grant.expiresInSeconds) && grant.expiresInSeconds > 0)) wrong.push('expiresInSeconds');
  if (grant.refreshToken !== undefined && (typeof grant.refreshToken !== 'string' || grant.refreshToken === ''))
    wrong.push('refreshToken');
  if (
    grant.refreshTokenExpiresInSeconds !== undefined &&
    !(Number.isFinite(grant.refreshTokenExpiresInSeconds) && grant.refreshTokenExpiresInSeconds > 0)
  )
    wrong.push('refreshTokenExpiresInSeconds');
  if (wrong.length > 0) {
    throw new CredentialError(
      'malformed',
      connectionId,
      `connection "${connectionId}": the token endpoint's answer has no usable ${wrong.join(', ')}`,
    );
  }
  const now = at.getTime();
  const rotated = grant.refreshToken !== undefined;
  const refreshTokenExpiresAt =
    grant.refreshTokenExpiresInSeconds !== undefined
      ? new Date(now + grant.refreshTokenExpiresInSeconds * 1000).toISOString()
      : rotated
        ? undefined
        : tokens.refreshTokenExpiresAt;
  const extra = grant.extra ?? tokens.extra;
  return {
    accessToken: grant.accessToken,
    accessTokenExpiresAt: new Date(now + grant.expiresInSeconds * 1000).toISOString(),
    refreshToken: grant.refreshToken ?? tokens.refreshToken,
    ...(refreshTokenExpiresAt === undefined ? {} : { refreshTokenExpiresAt }),
    ...(extra === undefined ? {} : { extra }),
  };
}

/**
 * Stores tokens the endpoint issued, retrying a store that fails while the lease lasts: they
 * exist nowhere else. A lost compare-and-set is an answer, not a failure, and is not retried.
 */
async function storeReceived(
  store: CredentialStore,
  expectedVersion: number,
  next: OAuthTokens,
  lease: RefreshLease,
  clock: Clock,
): ReturnType<CredentialStore['compareAndSet']> {
  const secret = next as unknown as CredentialSecret;
  for (let attempt = 1; ; attempt++) {
    try {
      return await store.compareAndSet(expectedVersion, secret);
    } catch (error) {
      const wait = STORE_RETRY_BASE_MS * 2 ** (attempt - 1);
      if (attempt >= STORE_ATTEMPTS || clock.now().getTime() + wait >= Date.parse(lease.expiresAt)) {
        throw new CredentialError(
          'store_failed',
          store.connectionId,
          `connection "${store.connectionId}": the token endpoint issued new tokens, but storing them failed ${attempt} time(s); ` +
            'they are lost, and if the provider invalidated the previous refresh token the connection must be authorized again',
          { cause: error },
        );
      }
      await sleep(wait);
    }
  }
}

/** Why the refresh token was refused, as stored and told: the provider's words, never a token. */
function refusalReason(abandoned: RefreshLease | undefined, cause: RefreshTokenRejectedError): string {
  const why =
    abandoned === undefined
      ? 'the provider refused the stored refresh token (revoked, expired, or already used)'
      : `the provider refused the stored refresh token; a refresh started by ${abandoned.owner} did not store its result ` +
        `(its lease expired at ${abandoned.expiresAt}), so the provider most likely rotated the refresh token then and invalidated the stored one`;
  return `${why} (${cause.message})`;
}

/** A refusal recorded earlier: said again without asking the provider. */
function refusedBefore(connectionId: string, refused: RefusedAuthorization): CredentialError {
  return new CredentialError(
    'reauthorization_required',
    connectionId,
    `connection "${connectionId}": ${refused.reason}, at ${refused.at}; no refresh is tried until the connection is authorized again. Authorize the connection again`,
  );
}

async function withTimeout(
  refresh: RefreshCall,
  refreshTokenValue: string,
  timeoutMs: number,
  connectionId: string,
): Promise<TokenGrant> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // Settled before the abort, so that the call's own rejection (an AbortError) loses the race.
      reject(
        new CredentialError(
          'refresh_timeout',
          connectionId,
          `connection "${connectionId}": the token endpoint did not answer within ${timeoutMs} ms`,
        ),
      );
      controller.abort();
    }, timeoutMs);
  });
  try {
    return await Promise.race([refresh(refreshTokenValue, { signal: controller.signal }), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
