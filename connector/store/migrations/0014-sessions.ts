import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDriver } from '../driver';

/**
 * The dashboard's sign-in sessions (session-store.ts), kept in the store rather than in the
 * daemon's memory: a restart does not sign everyone out, and several daemons on one PostgreSQL
 * database share them. Rows hold a hash of the token, never the token.
 */
export function sessionsMigration(driver: StoreDriver): Migration {
  const key = driver === 'postgres' ? sql`text collate "C"` : 'text';
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('sessions')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('username', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('last_seen_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('sessions_by_username').on('sessions').column('username').execute();
      await db.schema.createIndex('sessions_by_expiry').on('sessions').column('expires_at').execute();
    },

    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable('sessions').execute();
    },
  };
}
