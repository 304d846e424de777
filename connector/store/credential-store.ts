import type { Kysely, Selectable } from 'kysely';
import { CredentialDecryptionError, type CredentialKeyring } from '../credentials/keyring';
import type {
  CompareAndSetResult,
  CredentialSecret,
  CredentialStore,
  RefreshLease,
  StoredCredential,
} from '../ports/credentials';
import { systemClock, type Clock } from '../time/clock';
import { StoreError, attempt } from './errors';
import type { Database } from './schema';

/**
 * The `CredentialStore` port on the store's database (SQLite or PostgreSQL, table `credentials`,
 * migration 0008). Every method is a single statement, so it is atomic and, once it resolves,
 * committed: SQLite in WAL mode with its default `synchronous = FULL`, PostgreSQL at commit.
 *
 * The compare-and-set is a guarded UPDATE (`… where connection_id = ? and version = ?`) whose
 * affected-row count says who won; the first write is an INSERT that does nothing when a row is
 * there. On PostgreSQL, a concurrent UPDATE of the same row waits for the first to commit and
 * then re-checks the guard against the new row (READ COMMITTED), so exactly one of two writers
 * of the same version wins on both drivers.
 *
 * The secret is encrypted before it reaches the database and decrypted after it leaves; the
 * lease columns are not secret and stay in clear, so that workers can coordinate without a key.
 */

/** The `credentials` table (migration 0008); kept here, beside its only user. */
export interface CredentialsTable {
  connection_id: string;
  version: number;
  cipher: string;
  key_id: string;
  iv: Buffer;
  ciphertext: Buffer;
  auth_tag: Buffer;
  lease_owner: string | null;
  /** Epoch milliseconds. */
  lease_until: number | null;
  updated_at: string;
}

type CredentialsDatabase = Database & { credentials: CredentialsTable };

export interface CredentialStoreOptions {
  keyring: CredentialKeyring;
  /** Timestamps of writes and lease expiry (default: the system clock). Every worker should agree on time. */
  clock?: Clock;
}

const TABLE = 'credentials';

/** The credential store of connection `connectionId` on `db` (not a transaction: see the port). */
export function credentialStoreOn(
  db: Kysely<Database>,
  connectionId: string,
  options: CredentialStoreOptions,
): CredentialStore {
  if (db.isTransaction) {
    throw new StoreError(
      'a credential store cannot work inside a store transaction: a refreshed token must be kept even if the transaction is rolled back',
    );
  }
  if (connectionId === '') throw new StoreError('a credential store needs a connection id');
  return new KyselyCredentialStore(db.withTables<{ credentials: CredentialsTable }>(), connectionId, options);
}

class KyselyCredentialStore implements CredentialStore {
  private readonly keyring: CredentialKeyring;
  private readonly clock: Clock;

  constructor(
    private readonly db: Kysely<CredentialsDatabase>,
    readonly connectionId: string,
    options: CredentialStoreOptions,
  ) {
    this.keyring = options.keyring;
    this.clock = options.clock ?? systemClock;
  }

  async read(): Promise<StoredCredential | undefined> {
    const row = await attempt('read', TABLE, this.connectionId, () =>
      this.db.selectFrom(TABLE).selectAll().where('connection_id', '=', this.connectionId).executeTakeFirst(),
    );
    return row === undefined ? undefined : this.toCredential(row);
  }

  async storedVersion(): Promise<number> {
    const row = await attempt('read', TABLE, this.connectionId, () =>
      this.db.selectFrom(TABLE).select('version').where('connection_id', '=', this.connectionId).executeTakeFirst(),
    );
    return row?.version ?? 0;
  }

  async compareAndSet(expectedVersion: number, next: CredentialSecret): Promise<CompareAndSetResult> {
    if (!Number.isSafeInteger(expectedVersion) || expectedVersion < 0)
      throw new StoreError(`compareAndSet: the expected version is a non-negative integer, got ${expectedVersion}`);
    const version = expectedVersion + 1;
    const sealed = this.keyring.seal({ connectionId: this.connectionId, version }, serialize(next));
    const updatedAt = this.clock.now().toISOString();
    const values = {
      version,
      cipher: sealed.cipher,
      key_id: sealed.keyId,
      iv: sealed.iv,
      ciphertext: sealed.ciphertext,
      auth_tag: sealed.authTag,
      lease_owner: null,
      lease_until: null,
      updated_at: updatedAt,
    };
    const written = await attempt('write', TABLE, this.connectionId, async () => {
      if (expectedVersion === 0) {
        const result = await this.db
          .insertInto(TABLE)
          .values({ connection_id: this.connectionId, ...values })
          .onConflict((oc) => oc.column('connection_id').doNothing())
          .executeTakeFirst();
        return (result.numInsertedOrUpdatedRows ?? 0n) === 1n;
      }
      const result = await this.db
        .updateTable(TABLE)
        .set(values)
        .where('connection_id', '=', this.connectionId)
        .where('version', '=', expectedVersion)
        .executeTakeFirst();
      return result.numUpdatedRows === 1n;
    });
    if (!written) return { ok: false, current: await this.read() };
    return {
      ok: true,
      credential: { connectionId: this.connectionId, secret: next, version, updatedAt, lease: undefined },
    };
  }

  async acquireRefreshLease(input: {
    owner: string;
    expectedVersion: number;
    durationMs: number;
  }): Promise<RefreshLease | undefined> {
    const { owner, expectedVersion, durationMs } = input;
    if (owner === '') throw new StoreError('a refresh lease needs an owner');
    if (!Number.isSafeInteger(durationMs) || durationMs <= 0)
      throw new StoreError(`a refresh lease lasts a positive whole number of milliseconds, got ${durationMs}`);
    const now = this.clock.now().getTime();
    const until = now + durationMs;
    const result = await attempt('write', TABLE, this.connectionId, () =>
      this.db
        .updateTable(TABLE)
        .set({ lease_owner: owner, lease_until: until })
        .where('connection_id', '=', this.connectionId)
        .where('version', '=', expectedVersion)
        .where((eb) =>
          eb.or([eb('lease_owner', 'is', null), eb('lease_until', '<=', now), eb('lease_owner', '=', owner)]),
        )
        .executeTakeFirst(),
    );
    return result.numUpdatedRows === 1n ? { owner, expiresAt: new Date(until).toISOString() } : undefined;
  }

  async releaseRefreshLease(owner: string): Promise<boolean> {
    const result = await attempt('write', TABLE, this.connectionId, () =>
      this.db
        .updateTable(TABLE)
        .set({ lease_owner: null, lease_until: null })
        .where('connection_id', '=', this.connectionId)
        .where('lease_owner', '=', owner)
        .executeTakeFirst(),
    );
    return result.numUpdatedRows === 1n;
  }

  private toCredential(row: Selectable<CredentialsTable>): StoredCredential {
    const context = { connectionId: this.connectionId, version: row.version };
    const plaintext = this.keyring.open(context, {
      cipher: row.cipher,
      keyId: row.key_id,
      iv: row.iv,
      ciphertext: row.ciphertext,
      authTag: row.auth_tag,
    });
    let secret: unknown;
    try {
      secret = JSON.parse(plaintext.toString('utf8'));
    } catch {
      secret = undefined;
    }
    if (typeof secret !== 'object' || secret === null || Array.isArray(secret)) {
      throw new CredentialDecryptionError(
        `the stored credential of connection "${this.connectionId}" (version ${row.version}) decrypted to something that is not a JSON object`,
        'malformed',
      );
    }
    return {
      connectionId: this.connectionId,
      secret: secret as CredentialSecret,
      version: row.version,
      updatedAt: row.updated_at,
      lease:
        row.lease_owner === null || row.lease_until === null
          ? undefined
          : { owner: row.lease_owner, expiresAt: new Date(row.lease_until).toISOString() },
    };
  }
}

function serialize(secret: CredentialSecret): Buffer {
  if (typeof secret !== 'object' || Array.isArray(secret)) throw new StoreError('a credential secret is a JSON object');
  return Buffer.from(JSON.stringify(secret), 'utf8');
}
