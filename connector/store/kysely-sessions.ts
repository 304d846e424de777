import { attempt } from './errors';
import { KyselyAggregate, type KyselyUnit } from './kysely-unit';
import type { SessionStore, StoredSession } from './session-store';
import type { SessionsTable } from './schema';

export class KyselySessionStore extends KyselyAggregate implements SessionStore {
  protected rebind(unit: KyselyUnit): this {
    return new KyselySessionStore(unit) as this;
  }

  async createSession(session: StoredSession): Promise<void> {
    await attempt('write', 'sessions', undefined, () =>
      this.db
        .insertInto('sessions')
        .values({
          id: session.id,
          username: session.username,
          created_at: session.createdAt,
          expires_at: session.expiresAt,
          last_seen_at: session.lastSeenAt,
        })
        .execute(),
    );
  }

  async getSession(id: string): Promise<StoredSession | undefined> {
    // Not named in errors: the id is a hash of a secret.
    const row = await attempt('read', 'sessions', undefined, () =>
      this.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst(),
    );
    return row === undefined ? undefined : toSession(row);
  }

  async touchSession(id: string, lastSeenAt: string, expiresAt: string): Promise<boolean> {
    const result = await attempt('write', 'sessions', undefined, () =>
      this.db
        .updateTable('sessions')
        .set({ last_seen_at: lastSeenAt, expires_at: expiresAt })
        .where('id', '=', id)
        .executeTakeFirst(),
    );
    return result.numUpdatedRows > 0n;
  }

  async deleteSession(id: string): Promise<void> {
    await attempt('write', 'sessions', undefined, () => this.db.deleteFrom('sessions').where('id', '=', id).execute());
  }

  async deleteSessionsOf(username: string): Promise<number> {
    const result = await attempt('write', 'sessions', undefined, () =>
      this.db.deleteFrom('sessions').where('username', '=', username).executeTakeFirst(),
    );
    return Number(result.numDeletedRows);
  }

  async deleteExpiredSessions(now: string): Promise<number> {
    const result = await attempt('write', 'sessions', undefined, () =>
      this.db.deleteFrom('sessions').where('expires_at', '<', now).executeTakeFirst(),
    );
    return Number(result.numDeletedRows);
  }
}

function toSession(row: SessionsTable): StoredSession {
  return {
    id: row.id,
    username: row.username,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastSeenAt: row.last_seen_at,
  };
}
