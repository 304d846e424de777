import { sql, type Expression, type Kysely, type Migration } from 'kysely';

/**
 * The credentials of ERP connections that use OAuth 2 (QuickBooks Online, Sage): one row per
 * connection, its secret encrypted with AES-256-GCM (connector/credentials/keyring.ts), a version
 * every write is guarded by, and the lease of the refresh in progress (connector/store/credential-store.ts).
 *
 * `lease_until` is epoch milliseconds, as in `jobs` (0003): compared with the caller's clock in
 * every lease claim.
 *
 * The driver is typed as a literal rather than `Store['driver']`: importing store.ts from here
 * would close an import cycle (store.ts → migrate.ts → migrations/index.ts → here).
 */
export function credentialsMigration(driver: 'sqlite' | 'postgres'): Migration {
  // Same reason as in 0001: byte-wise order on PostgreSQL, as on SQLite.
  const key: Expression<unknown> | 'text' = driver === 'postgres' ? sql`text collate "C"` : 'text';
  const bytes = driver === 'postgres' ? 'bytea' : 'blob';
  const millis = driver === 'postgres' ? 'bigint' : 'integer';

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('credentials')
        .addColumn('connection_id', key, (c) => c.primaryKey())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('cipher', 'text', (c) => c.notNull())
        .addColumn('key_id', 'text', (c) => c.notNull())
        .addColumn('iv', bytes, (c) => c.notNull())
        .addColumn('ciphertext', bytes, (c) => c.notNull())
        .addColumn('auth_tag', bytes, (c) => c.notNull())
        .addColumn('lease_owner', 'text')
        .addColumn('lease_until', millis)
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addCheckConstraint('credentials_version_positive', sql`version >= 1`)
        .addCheckConstraint(
          'credentials_lease_whole',
          sql`(lease_owner is null and lease_until is null) or (lease_owner is not null and lease_until is not null)`,
        )
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('credentials').execute();
    },
  };
}
