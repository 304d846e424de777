import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { CredentialDecryptionError, CredentialKeyring } from '../../connector/credentials/keyring';
import { CredentialError, refreshToken, type RefreshResult } from '../../connector/credentials/refresh';
import type { CredentialSecret, CredentialStore, OAuthTokens } from '../../connector/ports/credentials';
import type { CredentialsTable } from '../../connector/store/credential-store';
import { StoreError } from '../../connector/store/errors';
import type { KyselyStore } from '../../connector/store/kysely-store';
import type { Database } from '../../connector/store/schema';
import type { Store } from '../../connector/store/store';
import { SimulatedClock } from '../../connector/time/clock';
import { FakeTokenEndpoint, type RotationMode } from './token-endpoint';

/**
 * The behaviour of the credential store and of the refresh protocol on each store driver
 * (sqlite.test.ts, postgres.test.ts). `open` returns a migrated store on an empty database of its
 * own, and, when the driver allows it, a way to open a second store on the same database: a
 * second worker process, with its own connections.
 */
export interface CredentialStoreTarget {
  store: Store;
  openSibling?: () => Promise<Store>;
}

const START = Date.parse('2026-03-02T08:00:00.000Z');
const LEASE_MS = 60_000;

type RawDb = Kysely<Database & { credentials: CredentialsTable }>;

export function describeCredentialStoreContract(name: string, open: () => Promise<CredentialStoreTarget>): void {
  describe(`CredentialStore contract: ${name}`, () => {
    let store: Store;
    let siblings: Store[];
    let openSibling: (() => Promise<Store>) | undefined;
    let clock: SimulatedClock;
    let keyring: CredentialKeyring;

    beforeEach(async () => {
      ({ store, openSibling } = await open());
      siblings = [];
      // Stopped: leases expire only when a test moves it.
      clock = new SimulatedClock(START, 0);
      keyring = new CredentialKeyring(randomBytes(32));
    });

    afterEach(async () => {
      for (const s of siblings) await s.close();
      await store.close();
    });

    const raw = (): RawDb => (store as KyselyStore).kysely.withTables<{ credentials: CredentialsTable }>();
    const rowOf = (connectionId: string) =>
      raw().selectFrom('credentials').selectAll().where('connection_id', '=', connectionId).executeTakeFirstOrThrow();
    const credentials = (connectionId: string, ring: CredentialKeyring = keyring, on: Store = store) =>
      on.credentials(connectionId, { keyring: ring, clock });
    /** A second worker's view of the connection: through its own store when the driver allows it. */
    const worker = async (connectionId: string): Promise<CredentialStore> => {
      if (openSibling === undefined) return credentials(connectionId);
      const sibling = await openSibling();
      siblings.push(sibling);
      return credentials(connectionId, keyring, sibling);
    };

    describe('encryption at rest', () => {
      it('round-trips a secret that the row holds only encrypted, with a fresh IV at every write', async () => {
        const secret = tokens();
        const cs = credentials('qbo-a');
        const first = await cs.compareAndSet(0, secret);
        expect(first).toMatchObject({ ok: true, credential: { version: 1, secret } });
        expect(await cs.read()).toStrictEqual({
          connectionId: 'qbo-a',
          secret,
          version: 1,
          updatedAt: new Date(START).toISOString(),
          lease: undefined,
        });

        const row1 = await rowOf('qbo-a');
        expect(row1).toMatchObject({ version: 1, cipher: 'aes-256-gcm', key_id: keyring.currentKeyId });
        expect(row1.iv).toHaveLength(12);
        expect(row1.auth_tag).toHaveLength(16);
        expectNoPlaintext(row1, secret);

        await cs.compareAndSet(1, secret);
        const row2 = await rowOf('qbo-a');
        expect(row2.version).toBe(2);
        expect(Buffer.compare(row2.iv, row1.iv)).not.toBe(0);
        expect(Buffer.compare(row2.ciphertext, row1.ciphertext)).not.toBe(0);
        expect((await cs.read())?.secret).toStrictEqual(secret);
      });

      it('refuses to read with another key, naming the variable and the key ids but no key or token', async () => {
        const secret = tokens();
        await credentials('qbo-a').compareAndSet(0, secret);
        const other = new CredentialKeyring(randomBytes(32));
        const error = await caught(credentials('qbo-a', other).read());
        expect(error).toBeInstanceOf(CredentialDecryptionError);
        expect(error).toMatchObject({ reason: 'unknown_key' });
        const message = (error as Error).message;
        expect(message).toContain('connection "qbo-a" (version 1)');
        expect(message).toContain(`was encrypted with key ${keyring.currentKeyId}`);
        expect(message).toContain(`RECOUVRA_CREDENTIALS_KEY is key ${other.currentKeyId}`);
        expect(message).toContain('RECOUVRA_CREDENTIALS_KEY_PREVIOUS is not set');
        expectNoSecretIn(message, secret);
      });

      it('refuses a row whose ciphertext, tag or IV was altered', async () => {
        const secret = tokens();
        await credentials('qbo-a').compareAndSet(0, secret);
        const original = await rowOf('qbo-a');
        const flipped = (b: Buffer, at: number): Buffer => {
          const copy = Buffer.from(b);
          copy[at] = copy[at]! ^ 0x01;
          return copy;
        };
        for (const change of [
          { ciphertext: flipped(original.ciphertext, 5) },
          { auth_tag: flipped(original.auth_tag, 15) },
          { iv: flipped(original.iv, 0) },
        ]) {
          await raw().updateTable('credentials').set(change).where('connection_id', '=', 'qbo-a').execute();
          const error = await caught(credentials('qbo-a').read());
          expect(error).toBeInstanceOf(CredentialDecryptionError);
          expect(error).toMatchObject({ reason: 'authentication_failed' });
          expect((error as Error).message).toMatch(/connection "qbo-a" \(version 1\) failed authentication.*altered/);
          expectNoSecretIn((error as Error).message, secret);
          await raw()
            .updateTable('credentials')
            .set({ ciphertext: original.ciphertext, auth_tag: original.auth_tag, iv: original.iv })
            .where('connection_id', '=', 'qbo-a')
            .execute();
        }
        const truncated = await (async () => {
          await raw()
            .updateTable('credentials')
            .set({ auth_tag: original.auth_tag.subarray(0, 12) })
            .where('connection_id', '=', 'qbo-a')
            .execute();
          return caught(credentials('qbo-a').read());
        })();
        expect(truncated).toMatchObject({ reason: 'malformed' });
      });

      it('refuses a row copied to another connection, and one put back over a newer version', async () => {
        const secret = tokens();
        await credentials('qbo-a').compareAndSet(0, secret);
        const row = await rowOf('qbo-a');
        await raw()
          .insertInto('credentials')
          .values({ ...row, connection_id: 'qbo-b' })
          .execute();
        const moved = await caught(credentials('qbo-b').read());
        expect(moved).toBeInstanceOf(CredentialDecryptionError);
        expect(moved).toMatchObject({ reason: 'authentication_failed' });
        expect((moved as Error).message).toContain('connection "qbo-b"');
        expect((moved as Error).message).toContain('copied from another connection');
        expectNoSecretIn((moved as Error).message, secret);
        // The original still reads.
        expect((await credentials('qbo-a').read())?.secret).toStrictEqual(secret);

        // An old copy of the row (version 1) restored with the version number of a newer one.
        await credentials('qbo-a').compareAndSet(1, tokens());
        await raw()
          .updateTable('credentials')
          .set({ iv: row.iv, ciphertext: row.ciphertext, auth_tag: row.auth_tag, key_id: row.key_id })
          .where('connection_id', '=', 'qbo-a')
          .execute();
        expect(await caught(credentials('qbo-a').read())).toMatchObject({ reason: 'authentication_failed' });
      });

      it('rotates keys: the previous key still reads, the next write re-encrypts with the current one', async () => {
        const oldKey = randomBytes(32);
        const newKey = randomBytes(32);
        const before = new CredentialKeyring(oldKey);
        const rotating = new CredentialKeyring(newKey, oldKey);
        const after = new CredentialKeyring(newKey);
        const [a, b] = [tokens(), tokens()];
        await credentials('qbo-a', before).compareAndSet(0, a);
        await credentials('qbo-b', before).compareAndSet(0, b);

        expect((await credentials('qbo-a', rotating).read())?.secret).toStrictEqual(a);
        expect((await credentials('qbo-b', rotating).read())?.secret).toStrictEqual(b);
        expect((await rowOf('qbo-a')).key_id).toBe(before.currentKeyId);

        const a2 = tokens();
        expect((await credentials('qbo-a', rotating).compareAndSet(1, a2)).ok).toBe(true);
        expect((await rowOf('qbo-a')).key_id).toBe(rotating.currentKeyId);
        expect((await rowOf('qbo-b')).key_id).toBe(before.currentKeyId);

        // Once the previous key is dropped, rows written since read; a row not yet rewritten names both keys.
        expect((await credentials('qbo-a', after).read())?.secret).toStrictEqual(a2);
        const stale = await caught(credentials('qbo-b', after).read());
        expect(stale).toMatchObject({ reason: 'unknown_key' });
        expect((stale as Error).message).toContain(
          `was encrypted with key ${before.currentKeyId}, but RECOUVRA_CREDENTIALS_KEY is key ${after.currentKeyId}`,
        );
        // And the old key alone no longer reads the rewritten row.
        expect(await caught(credentials('qbo-a', before).read())).toMatchObject({ reason: 'unknown_key' });
      });
    });

    describe('compare-and-set', () => {
      it('writes version 1 only where nothing is stored, and returns what is stored otherwise', async () => {
        const cs = credentials('qbo-a');
        expect(await cs.read()).toBeUndefined();
        const first = tokens();
        expect((await cs.compareAndSet(0, first)).ok).toBe(true);
        const again = await cs.compareAndSet(0, tokens());
        expect(again).toMatchObject({ ok: false, current: { version: 1, secret: first } });
        // Another connection is another row.
        expect((await credentials('qbo-b').compareAndSet(0, tokens())).ok).toBe(true);
        expect((await cs.read())?.secret).toStrictEqual(first);
      });

      it('lets one of two writers of the same version win; the other gets the winner and writes nothing', async () => {
        await credentials('qbo-a').compareAndSet(0, tokens());
        const a = credentials('qbo-a');
        const b = await worker('qbo-a');
        const [readA, readB] = [await a.read(), await b.read()];
        expect(readA?.version).toBe(1);
        expect(readB?.version).toBe(1);
        const winner = tokens();
        const loser = tokens();
        const [ra, rb] = await Promise.all([a.compareAndSet(1, winner), b.compareAndSet(1, loser)]);
        const results = [ra, rb];
        expect(results.filter((r) => r.ok)).toHaveLength(1);
        const lost = results.find((r) => !r.ok)!;
        const stored = (await a.read())!;
        expect(stored.version).toBe(2);
        expect(lost).toStrictEqual({ ok: false, current: stored });
        expect([winner, loser]).toContainEqual(stored.secret);

        // A stale version never writes, however often it is tried.
        const stale = await a.compareAndSet(1, tokens());
        expect(stale).toMatchObject({ ok: false, current: { version: 2, secret: stored.secret } });
        expect(await credentials('qbo-a').compareAndSet(7, tokens())).toMatchObject({ ok: false });
        expect(await credentials('nothing-here').compareAndSet(3, tokens())).toStrictEqual({
          ok: false,
          current: undefined,
        });
      });

      it('refuses a negative version, and a credential store inside a transaction', async () => {
        await expect(credentials('qbo-a').compareAndSet(-1, tokens())).rejects.toThrow(StoreError);
        await expect(store.transaction(async (tx) => credentials('qbo-a', keyring, tx))).rejects.toThrow(
          /cannot work inside a store transaction/,
        );
      });
    });

    describe('refresh lease', () => {
      it('is held by one owner until it expires or a write clears it, and only on the version it names', async () => {
        const cs = credentials('qbo-a');
        expect(await cs.acquireRefreshLease({ owner: 'w1', expectedVersion: 1, durationMs: LEASE_MS })).toBeUndefined();
        await cs.compareAndSet(0, tokens());
        const held = await cs.acquireRefreshLease({ owner: 'w1', expectedVersion: 1, durationMs: LEASE_MS });
        expect(held).toStrictEqual({ owner: 'w1', expiresAt: new Date(START + LEASE_MS).toISOString() });
        expect((await cs.read())?.lease).toStrictEqual(held);
        const other = await worker('qbo-a');
        expect(await other.acquireRefreshLease({ owner: 'w2', expectedVersion: 1, durationMs: LEASE_MS })).toBe(
          undefined,
        );
        expect(await other.releaseRefreshLease('w2')).toBe(false);

        clock.advance(LEASE_MS);
        const takenOver = await other.acquireRefreshLease({ owner: 'w2', expectedVersion: 1, durationMs: LEASE_MS });
        expect(takenOver?.owner).toBe('w2');
        expect(await cs.releaseRefreshLease('w1')).toBe(false);

        // A write clears the lease, whoever holds it, and a lease on the old version is no longer possible.
        expect((await cs.compareAndSet(1, tokens())).ok).toBe(true);
        expect((await cs.read())?.lease).toBeUndefined();
        expect(await cs.acquireRefreshLease({ owner: 'w1', expectedVersion: 1, durationMs: LEASE_MS })).toBe(undefined);
        expect(await cs.acquireRefreshLease({ owner: 'w1', expectedVersion: 2, durationMs: LEASE_MS })).toBeDefined();
        expect(await cs.releaseRefreshLease('w1')).toBe(true);
        expect((await cs.read())?.lease).toBeUndefined();
      });
    });

    describe('refreshToken against a rotating token endpoint on loopback', () => {
      let endpoint: FakeTokenEndpoint;
      const start = async (mode: RotationMode): Promise<FakeTokenEndpoint> => {
        endpoint = await new FakeTokenEndpoint(mode).start();
        return endpoint;
      };
      afterEach(async () => {
        await endpoint.stop();
      });

      const authorize = async (connectionId: string): Promise<OAuthTokens> => {
        const initial = endpoint.authorize(clock.now());
        expect((await credentials(connectionId).compareAndSet(0, asSecret(initial))).ok).toBe(true);
        return initial;
      };

      it('with several workers at once, calls the endpoint once per expiry and every worker gets the newest tokens', async () => {
        // Single-use refresh tokens: a second refresh with the same token would be refused.
        await start('strict');
        endpoint.delayMs = 150;
        const initial = await authorize('qbo-a');
        const workers = [credentials('qbo-a'), await worker('qbo-a'), await worker('qbo-a')];
        const refreshAll = () =>
          Promise.all(
            workers.map((w, i) =>
              refreshToken(w, endpoint.refreshCall(), { clock, owner: `worker-${i}`, pollMs: 20, leaseMs: LEASE_MS }),
            ),
          );

        const first = await refreshAll();
        expect(endpoint.refreshRequests).toBe(1);
        expect(endpoint.refusals).toBe(0);
        expect(first.map((r) => r.outcome).sort()).toEqual(['adopted', 'adopted', 'refreshed']);
        const stored = (await credentials('qbo-a').read())!;
        expect(stored.version).toBe(2);
        expect(stored.lease).toBeUndefined();
        const storedTokens = stored.secret as unknown as OAuthTokens;
        expect(storedTokens.refreshToken).toBe(endpoint.newestRefreshToken);
        expect(storedTokens.refreshToken).not.toBe(initial.refreshToken);
        expect(endpoint.isValid(storedTokens.refreshToken)).toBe(true);
        expect(endpoint.isValid(initial.refreshToken)).toBe(false);
        expect(storedTokens.extra).toStrictEqual(initial.extra);
        for (const r of first) expect(r).toMatchObject({ version: 2, tokens: storedTokens });

        // Still valid: nobody calls.
        clock.advance(30 * 60_000);
        expect((await refreshAll()).map((r) => r.outcome)).toEqual(['fresh', 'fresh', 'fresh']);
        expect(endpoint.refreshRequests).toBe(1);

        // The next expiry: one call again.
        clock.advance(30 * 60_000);
        const second = await refreshAll();
        expect(endpoint.refreshRequests).toBe(2);
        expect(second.filter((r) => r.outcome === 'refreshed')).toHaveLength(1);
        const final = (await credentials('qbo-a').read())!;
        expect(final.version).toBe(3);
        expect((final.secret as unknown as OAuthTokens).refreshToken).toBe(endpoint.newestRefreshToken);
        expect(endpoint.isValid(endpoint.newestRefreshToken)).toBe(true);
      });

      it('refreshes an access token the API refused before its expiry once, whoever reports it', async () => {
        await start('strict');
        await authorize('qbo-a');
        const current = await refreshToken(credentials('qbo-a'), endpoint.refreshCall(), { clock });
        expect(current.outcome).toBe('refreshed');
        const rejected = current.tokens.accessToken;
        const [a, b] = await Promise.all(
          [credentials('qbo-a'), await worker('qbo-a')].map((w) =>
            refreshToken(w, endpoint.refreshCall(), { clock, rejectedAccessToken: rejected, pollMs: 20 }),
          ),
        );
        expect(endpoint.refreshRequests).toBe(2);
        expect(a!.tokens.accessToken).not.toBe(rejected);
        expect(b!.tokens).toStrictEqual(a!.tokens);
        // Reported again later, the same refused token no longer causes a call.
        const late = await refreshToken(credentials('qbo-a'), endpoint.refreshCall(), {
          clock,
          rejectedAccessToken: rejected,
        });
        expect(late.outcome).toBe('fresh');
        expect(endpoint.refreshRequests).toBe(2);
      });

      it('a worker that stored late adopts the tokens stored before it instead of overwriting them', async () => {
        // Grace rotation, so that a second refresh with the same token is possible at all.
        await start('grace');
        await authorize('qbo-a');
        let reached!: () => void;
        const paused = new Promise<void>((r) => (reached = r));
        let resume!: () => void;
        const gate = new Promise<void>((r) => (resume = r));
        const slow = pausedBeforeWrite(credentials('qbo-a'), reached, gate);

        const a = refreshToken(slow, endpoint.refreshCall(), { clock, owner: 'worker-a', leaseMs: LEASE_MS });
        await paused;
        const receivedByA = endpoint.newestRefreshToken;
        // Worker A stays stopped past its lease: worker B takes over and stores first.
        clock.advance(LEASE_MS + 1);
        const b = await refreshToken(await worker('qbo-a'), endpoint.refreshCall(), { clock, owner: 'worker-b' });
        expect(b.outcome).toBe('refreshed');
        resume();
        const late = await a;

        expect(late.outcome).toBe('adopted');
        expect(late.tokens).toStrictEqual(b.tokens);
        const stored = (await credentials('qbo-a').read())!;
        expect(stored.version).toBe(2);
        expect(stored.secret).toStrictEqual(b.tokens);
        expect(b.tokens.refreshToken).not.toBe(receivedByA);
        expect(endpoint.isValid(b.tokens.refreshToken)).toBe(true);
        expect(endpoint.refreshRequests).toBe(2);
      });

      describe('a worker that dies between receiving new tokens and storing them', () => {
        /** Worker A refreshes, receives, and dies before its write: the lease stays, the tokens are lost. */
        const dieAfterReceiving = async (): Promise<{ initial: OAuthTokens; lost: string }> => {
          const initial = await authorize('qbo-a');
          const error = await caught(
            refreshToken(dead(credentials('qbo-a')), endpoint.refreshCall(), {
              clock,
              owner: 'worker-a',
              leaseMs: LEASE_MS,
            }),
          );
          expect(error).toMatchObject({ code: 'store_failed' });
          expect((error as Error).cause).toBeInstanceOf(ProcessDied);
          expect(endpoint.refreshRequests).toBe(1);
          const lost = endpoint.newestRefreshToken;
          expect(lost).not.toBe(initial.refreshToken);
          const left = (await credentials('qbo-a').read())!;
          expect(left.version).toBe(1);
          expect(left.secret).toStrictEqual(asSecret(initial));
          expect(left.lease?.owner).toBe('worker-a');
          return { initial, lost };
        };

        /** Worker B waits while A's lease lasts, then goes on once it has expired. */
        const nextWorker = async (): Promise<RefreshResult> => {
          const b = refreshToken(await worker('qbo-a'), endpoint.refreshCall(), {
            clock,
            owner: 'worker-b',
            leaseMs: LEASE_MS,
            pollMs: 20,
          });
          const outcome = b.then(
            () => 'settled',
            () => 'settled',
          );
          expect(await Promise.race([outcome, sleep(200).then(() => 'waiting')])).toBe('waiting');
          expect(endpoint.refreshRequests).toBe(1);
          clock.advance(LEASE_MS);
          return b;
        };

        it('when the provider keeps the previous refresh token valid until its successor is used, the next worker refreshes with it', async () => {
          await start('grace');
          const { initial, lost } = await dieAfterReceiving();
          const b = await nextWorker();
          expect(b.outcome).toBe('refreshed');
          expect(endpoint.refreshRequests).toBe(2);
          const stored = (await credentials('qbo-a').read())!;
          expect(stored.version).toBe(2);
          expect(stored.lease).toBeUndefined();
          expect(stored.secret).toStrictEqual(b.tokens);
          expect(b.tokens.refreshToken).toBe(endpoint.newestRefreshToken);
          expect([initial.refreshToken, lost]).not.toContain(b.tokens.refreshToken);
          expect(endpoint.isValid(b.tokens.refreshToken)).toBe(true);
        });

        it('when the provider invalidated it on issuing the lost one, the next worker reports that the connection must be authorized again, and why', async () => {
          await start('strict');
          const { initial, lost } = await dieAfterReceiving();
          const error = await caught(nextWorker());
          expect(error).toBeInstanceOf(CredentialError);
          expect(error).toMatchObject({ code: 'reauthorization_required', connectionId: 'qbo-a' });
          const message = (error as Error).message;
          expect(message).toContain('a refresh started by worker-a did not store its result');
          expect(message).toContain(`its lease expired at ${new Date(START + LEASE_MS).toISOString()}`);
          expect(message).toContain('Authorize the connection again');
          for (const token of [initial.refreshToken, initial.accessToken, lost]) expect(message).not.toContain(token);
          expect(endpoint.refreshRequests).toBe(2);
          expect(endpoint.refusals).toBe(1);
          // The refusal is stored over the refused tokens, with when and why; the lease is given up.
          const left = (await credentials('qbo-a').read())!;
          expect(left.version).toBe(2);
          expect(left.secret).toStrictEqual(
            asSecret({
              ...initial,
              refused: { at: new Date(START + LEASE_MS).toISOString(), reason: expect.any(String) },
            }),
          );
          expect((left.secret['refused'] as { reason: string }).reason).toContain(
            'a refresh started by worker-a did not store its result',
          );
          expect(left.lease).toBeUndefined();
        });
      });

      describe('a refresh token the provider refused', () => {
        /** Connects, then has the provider forget the stored refresh token (revoked, or used elsewhere). */
        const refusedOnce = async (): Promise<{ initial: OAuthTokens; error: unknown }> => {
          await start('strict');
          const initial = await authorize('qbo-a');
          endpoint.revoke(initial.refreshToken);
          const error = await caught(refreshToken(credentials('qbo-a'), endpoint.refreshCall(), { clock }));
          expect(error).toMatchObject({ code: 'reauthorization_required', connectionId: 'qbo-a' });
          expect(endpoint.refreshRequests).toBe(1);
          return { initial, error };
        };

        it('is recorded with the tokens, without a secret in the record, and no worker asks the endpoint again', async () => {
          const { initial } = await refusedOnce();
          const stored = (await credentials('qbo-a').read())!;
          expect(stored.version).toBe(2);
          expect(stored.lease).toBeUndefined();
          const refused = stored.secret['refused'] as { at: string; reason: string };
          expect(refused).toStrictEqual({ at: new Date(START).toISOString(), reason: expect.any(String) });
          expect(refused.reason).toContain('invalid_grant');
          expectNoSecretIn(refused.reason, asSecret(initial));

          // Other workers, later, on the same store or their own connections to it: none calls.
          clock.advance(3_600_000);
          for (const w of [credentials('qbo-a'), await worker('qbo-a'), await worker('qbo-a')]) {
            const again = await caught(refreshToken(w, endpoint.refreshCall(), { clock }));
            expect(again).toBeInstanceOf(CredentialError);
            expect(again).toMatchObject({ code: 'reauthorization_required', connectionId: 'qbo-a' });
            const message = (again as Error).message;
            expect(message).toContain(`at ${new Date(START).toISOString()}`);
            expect(message).toContain('no refresh is tried until the connection is authorized again');
            expectNoSecretIn(message, asSecret(initial));
          }
          expect(endpoint.refreshRequests).toBe(1);
          expect((await credentials('qbo-a').read())!.version).toBe(2);
        });

        it('new tokens stored by a new authorization end it', async () => {
          await refusedOnce();
          const fresh = endpoint.authorize(clock.now());
          const connect = credentials('qbo-a');
          expect((await connect.compareAndSet(await connect.storedVersion(), asSecret(fresh))).ok).toBe(true);
          const result = await refreshToken(credentials('qbo-a'), endpoint.refreshCall(), { clock });
          expect(result.outcome).toBe('refreshed');
          expect(result.tokens.refused).toBeUndefined();
          expect(endpoint.refreshRequests).toBe(2);
          expect((await credentials('qbo-a').read())!.secret['refused']).toBeUndefined();
        });

        it('a worker that used the token first, and stored late, stores its tokens over the refusal of that same token', async () => {
          // Worker A refreshes and stops before its write; B takes over its expired lease, is refused
          // the token A used (strict rotation), and records the refusal; A's tokens are the valid ones.
          await start('strict');
          await authorize('qbo-a');
          let reached!: () => void;
          const paused = new Promise<void>((r) => (reached = r));
          let resume!: () => void;
          const gate = new Promise<void>((r) => (resume = r));
          const a = refreshToken(pausedBeforeWrite(credentials('qbo-a'), reached, gate), endpoint.refreshCall(), {
            clock,
            owner: 'worker-a',
            leaseMs: LEASE_MS,
          });
          await paused;
          clock.advance(LEASE_MS + 1);
          const refusal = await caught(
            refreshToken(await worker('qbo-a'), endpoint.refreshCall(), { clock, owner: 'worker-b' }),
          );
          expect(refusal).toMatchObject({ code: 'reauthorization_required' });
          expect((await credentials('qbo-a').read())!.version).toBe(2);
          resume();
          const late = await a;
          expect(late.outcome).toBe('refreshed');
          expect(late.version).toBe(3);
          const stored = (await credentials('qbo-a').read())!;
          expect(stored.secret).toStrictEqual(asSecret(late.tokens));
          expect(stored.secret['refused']).toBeUndefined();
          expect(endpoint.isValid(late.tokens.refreshToken)).toBe(true);
          // And the connection works again for everyone, without a call.
          const c = await refreshToken(await worker('qbo-a'), endpoint.refreshCall(), { clock });
          expect(c.outcome).toBe('fresh');
          expect(endpoint.refreshRequests).toBe(2);
        });

        it('a stored refusal that is not well formed is refused as malformed, naming the field', async () => {
          await start('strict');
          const initial = await authorize('qbo-a');
          const w = credentials('qbo-a');
          await w.compareAndSet(1, asSecret({ ...initial, refused: { at: 'yesterday', reason: 'x' } }));
          const error = await caught(refreshToken(w, endpoint.refreshCall(), { clock }));
          expect(error).toMatchObject({ code: 'malformed' });
          expect((error as Error).message).toContain('refused');
          expect(endpoint.refreshRequests).toBe(0);
        });
      });
    });
  });
}

/** OAuth tokens with random values, as a secret. */
function tokens(): CredentialSecret {
  return asSecret({
    accessToken: `at-${randomBytes(16).toString('hex')}`,
    accessTokenExpiresAt: '2026-03-02T09:00:00.000Z',
    refreshToken: `rt-${randomBytes(16).toString('hex')}`,
    extra: { realmId: '9130350000000001' },
  });
}

function asSecret(t: OAuthTokens): CredentialSecret {
  return t as unknown as CredentialSecret;
}

function expectNoPlaintext(row: CredentialsTable, secret: CredentialSecret): void {
  const bytes = Buffer.concat([row.iv, row.ciphertext, row.auth_tag]);
  const text = JSON.stringify({ ...row, iv: null, ciphertext: null, auth_tag: null });
  for (const value of [secret['accessToken'], secret['refreshToken']] as string[]) {
    expect(bytes.includes(Buffer.from(value))).toBe(false);
    expect(text).not.toContain(value);
  }
}

function expectNoSecretIn(message: string, secret: CredentialSecret): void {
  for (const value of [secret['accessToken'], secret['refreshToken']] as string[]) expect(message).not.toContain(value);
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The process stopped: nothing it does after this point reaches the store. */
class ProcessDied extends Error {}

/** The store as seen by a worker that dies right after its token call returned: writes never happen. */
function dead(inner: CredentialStore): CredentialStore {
  return {
    connectionId: inner.connectionId,
    read: () => inner.read(),
    storedVersion: () => inner.storedVersion(),
    acquireRefreshLease: (input) => inner.acquireRefreshLease(input),
    compareAndSet: () => Promise.reject(new ProcessDied('the worker died after receiving new tokens')),
    releaseRefreshLease: () => Promise.reject(new ProcessDied('the worker died')),
  };
}

/** The store of a worker that stops between its token call and its write until `gate` opens. */
function pausedBeforeWrite(inner: CredentialStore, reached: () => void, gate: Promise<void>): CredentialStore {
  return {
    connectionId: inner.connectionId,
    read: () => inner.read(),
    storedVersion: () => inner.storedVersion(),
    acquireRefreshLease: (input) => inner.acquireRefreshLease(input),
    releaseRefreshLease: (owner) => inner.releaseRefreshLease(owner),
    compareAndSet: async (expected, next) => {
      reached();
      await gate;
      return inner.compareAndSet(expected, next);
    },
  };
}
