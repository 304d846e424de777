import { randomBytes } from 'node:crypto';
import { CredentialKeyring } from '../../connector/credentials/keyring';
import { CredentialError, refreshToken, tokensAfter } from '../../connector/credentials/refresh';
import type {
  CredentialSecret,
  CredentialStore,
  OAuthTokens,
  RefreshCall,
  TokenGrant,
} from '../../connector/ports/credentials';
import { StoreError } from '../../connector/store/errors';
import { openSqliteStore } from '../../connector/store/sqlite';
import type { Store } from '../../connector/store/store';
import { SimulatedClock } from '../../connector/time/clock';

/**
 * The refresh protocol's own decisions, on the in-memory SQLite store. What must hold across
 * drivers and workers (races, crashes, rotation) is in credential-store.contract.ts.
 */

const START = Date.parse('2026-03-02T08:00:00.000Z');
const AT = new Date(START);

const expiredTokens = (): OAuthTokens => ({
  accessToken: `at-${randomBytes(12).toString('hex')}`,
  accessTokenExpiresAt: new Date(START - 1000).toISOString(),
  refreshToken: `rt-${randomBytes(12).toString('hex')}`,
  refreshTokenExpiresAt: '2026-06-10T08:00:00.000Z',
  extra: { organizationId: 'org-1' },
});
const grantOf = (refreshTokenValue?: string): TokenGrant => ({
  accessToken: `at-${randomBytes(12).toString('hex')}`,
  expiresInSeconds: 28_800,
  ...(refreshTokenValue === undefined ? {} : { refreshToken: refreshTokenValue }),
});

describe('tokensAfter', () => {
  const before = expiredTokens();

  it('keeps the refresh token and its expiry when the provider sent no new one (sage.md §2.1)', () => {
    const grant = grantOf();
    expect(tokensAfter(before, grant, AT, 'sage-a')).toStrictEqual({
      accessToken: grant.accessToken,
      accessTokenExpiresAt: '2026-03-02T16:00:00.000Z',
      refreshToken: before.refreshToken,
      refreshTokenExpiresAt: before.refreshTokenExpiresAt,
      extra: before.extra,
    });
  });

  it('takes a rotated refresh token, with its lifetime when given and none assumed otherwise', () => {
    const rotated = `rt-${randomBytes(12).toString('hex')}`;
    const withLifetime = tokensAfter(
      before,
      { ...grantOf(rotated), refreshTokenExpiresInSeconds: 8_640_000, extra: { realmId: 'r' } },
      AT,
      'qbo-a',
    );
    expect(withLifetime).toMatchObject({
      refreshToken: rotated,
      refreshTokenExpiresAt: '2026-06-10T08:00:00.000Z',
      extra: { realmId: 'r' },
    });
    const without = tokensAfter(before, grantOf(rotated), AT, 'qbo-a');
    expect(without.refreshToken).toBe(rotated);
    expect(without.refreshTokenExpiresAt).toBeUndefined();
  });

  it('refuses an answer without a usable access token or lifetime, naming fields only', () => {
    const bad = { accessToken: '', expiresInSeconds: Number.NaN, refreshToken: '' } as TokenGrant;
    expect(() => tokensAfter(before, bad, AT, 'qbo-a')).toThrow(
      'connection "qbo-a": the token endpoint\'s answer has no usable accessToken, expiresInSeconds, refreshToken',
    );
  });
});

describe('refreshToken', () => {
  let store: Store;
  let clock: SimulatedClock;
  let credentials: CredentialStore;

  beforeEach(async () => {
    store = await openSqliteStore(':memory:');
    await store.migrate();
    clock = new SimulatedClock(START, 0);
    credentials = store.credentials('sage-a', { keyring: new CredentialKeyring(randomBytes(32)), clock });
  });

  afterEach(async () => {
    await store.close();
  });

  const seed = async (tokens: OAuthTokens | CredentialSecret = expiredTokens()) => {
    expect((await credentials.compareAndSet(0, tokens as unknown as CredentialSecret)).ok).toBe(true);
    return tokens;
  };
  const counting = (grant: () => TokenGrant) => {
    const seen: string[] = [];
    const call: RefreshCall = async (refreshTokenValue) => {
      seen.push(refreshTokenValue);
      return grant();
    };
    return { call, seen };
  };

  it('asks a connection that has no tokens to be authorized first', async () => {
    await expect(refreshToken(credentials, counting(grantOf).call, { clock })).rejects.toMatchObject({
      code: 'missing',
      message: 'connection "sage-a" has no stored OAuth tokens: authorize it first',
    });
  });

  it('refuses stored tokens of the wrong shape, naming the fields, not their values', async () => {
    const value = `rt-${randomBytes(12).toString('hex')}`;
    await seed({ refreshToken: value, accessTokenExpiresAt: 'soon' });
    const error = (await refreshToken(credentials, counting(grantOf).call, { clock }).catch(
      (e: unknown) => e,
    )) as Error;
    expect(error).toBeInstanceOf(CredentialError);
    expect(error.message).toBe(
      'the stored credential of connection "sage-a" (version 1) is not a set of OAuth tokens: accessToken, accessTokenExpiresAt (not an instant) missing or malformed',
    );
    expect(error.message).not.toContain(value);
  });

  it('uses the stored refresh token, stores the new tokens before returning them, and keeps the old refresh token when none came back', async () => {
    const before = await seed();
    const { call, seen } = counting(() => grantOf());
    const result = await refreshToken(credentials, call, { clock });
    expect(seen).toEqual([(before as OAuthTokens).refreshToken]);
    expect(result.outcome).toBe('refreshed');
    expect(result.tokens.refreshToken).toBe((before as OAuthTokens).refreshToken);
    const stored = (await credentials.read())!;
    expect(stored.version).toBe(2);
    expect(stored.secret).toStrictEqual(result.tokens);
  });

  it('refreshes a minute before expiry by default, not earlier', async () => {
    await seed({ ...expiredTokens(), accessTokenExpiresAt: new Date(START + 61_000).toISOString() });
    const { call, seen } = counting(() => grantOf());
    expect((await refreshToken(credentials, call, { clock })).outcome).toBe('fresh');
    clock.advance(1_000);
    expect((await refreshToken(credentials, call, { clock })).outcome).toBe('refreshed');
    expect(seen).toHaveLength(1);
  });

  it('passes a transient failure of the endpoint through unchanged and gives the lease up at once', async () => {
    const before = await seed();
    const outage = new Error('the token endpoint answered 503');
    await expect(refreshToken(credentials, () => Promise.reject(outage), { clock })).rejects.toBe(outage);
    const left = (await credentials.read())!;
    expect(left).toMatchObject({ version: 1, secret: before, lease: undefined });
    // The next attempt does not wait for a lease.
    const started = Date.now();
    expect((await refreshToken(credentials, counting(() => grantOf()).call, { clock })).outcome).toBe('refreshed');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('gives up on an endpoint that does not answer within the request timeout, aborting the call', async () => {
    await seed();
    let aborted = false;
    const hanging: RefreshCall = (_token, { signal }) =>
      new Promise((_resolve, reject) => {
        signal.addEventListener('abort', () => {
          aborted = true;
          reject(new Error('aborted'));
        });
      });
    await expect(
      refreshToken(credentials, hanging, { clock, leaseMs: 1_000, requestTimeoutMs: 50 }),
    ).rejects.toMatchObject({
      code: 'refresh_timeout',
      message: 'connection "sage-a": the token endpoint did not answer within 50 ms',
    });
    expect(aborted).toBe(true);
    expect((await credentials.read())?.lease).toBeUndefined();
  });

  it('refuses a request timeout that would outlive the lease', async () => {
    await seed();
    await expect(
      refreshToken(credentials, counting(grantOf).call, { clock, leaseMs: 1_000, requestTimeoutMs: 1_000 }),
    ).rejects.toThrow(RangeError);
  });

  it('stops waiting for another worker after the wait limit', async () => {
    await seed();
    await credentials.acquireRefreshLease({ owner: 'other-host/42/ab', expectedVersion: 1, durationMs: 60_000 });
    const { call, seen } = counting(() => grantOf());
    await expect(refreshToken(credentials, call, { clock, pollMs: 10, waitLimitMs: 100 })).rejects.toMatchObject({
      code: 'wait_timeout',
      message: expect.stringContaining(
        "waiting for another worker's token refresh (other-host/42/ab, lease until",
      ) as unknown,
    });
    expect(seen).toHaveLength(0);
  });

  it('retries storing tokens it received when the store fails for a moment, since they exist nowhere else', async () => {
    await seed();
    let failures = 1;
    const flaky: CredentialStore = {
      connectionId: credentials.connectionId,
      read: () => credentials.read(),
      storedVersion: () => credentials.storedVersion(),
      acquireRefreshLease: (input) => credentials.acquireRefreshLease(input),
      releaseRefreshLease: (owner) => credentials.releaseRefreshLease(owner),
      compareAndSet: (expected, next) =>
        failures-- > 0
          ? Promise.reject(new StoreError('cannot write credentials "sage-a": Connection terminated'))
          : credentials.compareAndSet(expected, next),
    };
    const { call, seen } = counting(() => grantOf(`rt-${randomBytes(12).toString('hex')}`));
    const result = await refreshToken(flaky, call, { clock });
    expect(seen).toHaveLength(1);
    expect(result.outcome).toBe('refreshed');
    expect((await credentials.read())?.secret).toStrictEqual(result.tokens);
  });
});
