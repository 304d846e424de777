/**
 * The sign-in sessions of the dashboard's people. A session is known by the SHA-256 of its
 * token: the token itself lives only in the person's cookie, so a copy of the store lets nobody
 * in. Who may do what is not kept here: each request reads the person's role from the
 * configuration, so a role taken away applies at once.
 */
export interface StoredSession {
  /** Hex SHA-256 of the session token. */
  id: string;
  username: string;
  createdAt: string;
  /** When it ends unless used before: each use moves it on (connector/app/http/sessions.ts). */
  expiresAt: string;
  lastSeenAt: string;
}

export interface SessionStore {
  createSession(session: StoredSession): Promise<void>;

  getSession(id: string): Promise<StoredSession | undefined>;

  /** Records a use; false when the session is gone (signed out, or removed as expired). */
  touchSession(id: string, lastSeenAt: string, expiresAt: string): Promise<boolean>;

  deleteSession(id: string): Promise<void>;

  /** Ends every session of a person (a password changed, a person removed); returns how many. */
  deleteSessionsOf(username: string): Promise<number>;

  /** Removes the sessions that ended before `now`; returns how many. */
  deleteExpiredSessions(now: string): Promise<number>;
}
