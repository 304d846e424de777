import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import type { SessionStore, StoredSession } from '../../store/session-store';
import type { Clock } from '../../time/clock';
import type { ApiUser, Role } from './api-config.schema';

/**
 * People signing in to the dashboard: a password checked against its argon2id hash in the
 * configuration (`api.users`), then an opaque session token in an HTTP-only, SameSite=Strict
 * cookie. The store keeps the token's SHA-256 (session-store.ts); the role is read from the
 * configuration at every request, so a person removed or demoted loses access at once.
 *
 * Cross-site requests: besides SameSite=Strict, every state-changing request made with the cookie
 * must carry `X-CSRF-Token`, a value derived from the session token (an HMAC of it) that a page of
 * another site cannot read. Machines keep the bearer token (api.token) and need neither.
 *
 * Password guessing: after 5 failed sign-ins of one name from one address in 15 minutes, or 20
 * from one address, that pair (or address) is refused for the rest of the window (429 with
 * Retry-After). An unknown name costs the same argon2 verification as a known one.
 */

export const SESSION_COOKIE = 'recouvra_session';
export const CSRF_HEADER = 'x-csrf-token';

const TOKEN_BYTES = 32;
const FAILURES_PER_NAME = 5;
const FAILURES_PER_ADDRESS = 20;
const FAILURE_WINDOW_MS = 15 * 60_000;
/** A session's use is written at most once a minute: a page that asks six things writes once. */
const TOUCH_EVERY_MS = 60_000;
/** Beyond this many names and addresses with failures, those older than the window are forgotten. */
const MAX_TRACKED_FAILURES = 10_000;

export interface SignedIn {
  username: string;
  displayName: string;
  role: Role;
  csrfToken: string;
  /** When the session ends unless used before. */
  expiresAt: string;
}

export interface SessionSettings {
  users: readonly ApiUser[];
  /** A session unused this long ends (default 8 hours: a working day). */
  idleMinutes: number;
  /** A session ends this long after sign-in whatever its use (default 12 hours). */
  maxHours: number;
}

export class TooManyAttemptsError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`too many failed sign-ins: try again in ${Math.ceil(retryAfterSeconds / 60)} minute(s)`);
  }
}

/** Hashes a password as the configuration's `passwordHash` expects (argon2id, the library's defaults). */
export function hashPassword(password: string): Promise<string> {
  return argon2Hash(password);
}

export class Sessions {
  private readonly users: Map<string, ApiUser>;
  private readonly failures = new Map<string, number[]>();
  /** Verified against when the name is unknown, so that the answer takes as long. */
  private readonly decoy: Promise<string> = argon2Hash(randomBytes(16).toString('hex'));

  constructor(
    private readonly store: SessionStore,
    private readonly settings: SessionSettings,
    private readonly clock: Clock,
  ) {
    this.users = new Map(settings.users.map((u) => [u.username.toLowerCase(), u]));
  }

  get enabled(): boolean {
    return this.users.size > 0;
  }

  /** The token for the cookie and who signed in; undefined when the name or the password is wrong. */
  async signIn(
    username: string,
    password: string,
    address: string,
  ): Promise<{ token: string; signedIn: SignedIn } | undefined> {
    const now = this.clock.now().getTime();
    if (this.failures.size > MAX_TRACKED_FAILURES) this.forgetOldFailures(now);
    const nameKey = `${username.toLowerCase()}\u0000${address}`;
    const addressKey = `\u0000${address}`;
    this.refuseWhenThrottled(nameKey, FAILURES_PER_NAME, now);
    this.refuseWhenThrottled(addressKey, FAILURES_PER_ADDRESS, now);
    const user = this.users.get(username.toLowerCase());
    const ok = await verify(user?.passwordHash ?? (await this.decoy), password);
    if (!user || !ok) {
      for (const key of [nameKey, addressKey]) this.failures.set(key, [...this.recent(key, now), now]);
      return undefined;
    }
    this.failures.delete(nameKey);
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    const at = new Date(now).toISOString();
    const session: StoredSession = {
      id: sessionId(token),
      username: user.username,
      createdAt: at,
      lastSeenAt: at,
      expiresAt: this.expiry(at, at),
    };
    await this.store.createSession(session);
    await this.store.deleteExpiredSessions(at);
    return { token, signedIn: this.signedIn(user, token, session.expiresAt) };
  }

  /** Who the cookie's token belongs to, or undefined (unknown, ended, or the person is no longer configured). */
  async authenticate(token: string | undefined): Promise<SignedIn | undefined> {
    if (token === undefined || token === '' || token.length > 100) return undefined;
    const session = await this.store.getSession(sessionId(token));
    if (session === undefined) return undefined;
    const now = this.clock.now();
    const at = now.toISOString();
    const user = this.users.get(session.username.toLowerCase());
    if (Date.parse(session.expiresAt) <= now.getTime() || user === undefined) {
      await this.store.deleteSession(session.id);
      return undefined;
    }
    let expiresAt = session.expiresAt;
    if (now.getTime() - Date.parse(session.lastSeenAt) >= TOUCH_EVERY_MS) {
      expiresAt = this.expiry(session.createdAt, at);
      if (!(await this.store.touchSession(session.id, at, expiresAt))) return undefined;
    }
    return this.signedIn(user, token, expiresAt);
  }

  async signOut(token: string): Promise<void> {
    await this.store.deleteSession(sessionId(token));
  }

  /** True when `sent` is the CSRF token of the session whose cookie carries `token`. */
  csrfMatches(token: string, sent: string | undefined): boolean {
    const expected = Buffer.from(csrfTokenOf(token));
    const given = Buffer.from(sent ?? '');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private signedIn(user: ApiUser, token: string, expiresAt: string): SignedIn {
    return {
      username: user.username,
      displayName: user.name ?? user.username,
      role: user.role,
      csrfToken: csrfTokenOf(token),
      expiresAt,
    };
  }

  private expiry(createdAt: string, seenAt: string): string {
    const idle = Date.parse(seenAt) + this.settings.idleMinutes * 60_000;
    const cap = Date.parse(createdAt) + this.settings.maxHours * 3_600_000;
    return new Date(Math.min(idle, cap)).toISOString();
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => now - t < FAILURE_WINDOW_MS);
  }

  private forgetOldFailures(now: number): void {
    for (const key of [...this.failures.keys()]) if (this.recent(key, now).length === 0) this.failures.delete(key);
  }

  private refuseWhenThrottled(key: string, limit: number, now: number): void {
    const recent = this.recent(key, now);
    if (recent.length === 0) this.failures.delete(key);
    else this.failures.set(key, recent);
    if (recent.length >= limit)
      throw new TooManyAttemptsError(Math.ceil((recent[0]! + FAILURE_WINDOW_MS - now) / 1000));
  }
}

function sessionId(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function csrfTokenOf(token: string): string {
  return createHmac('sha256', token).update('recouvra csrf').digest('base64url');
}

async function verify(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2Verify(hash, password);
  } catch {
    // A hash the library cannot read: the configuration check refuses those, so this is a wrong password.
    return false;
  }
}

/** What each role may do: viewers read, controllers act on cases, approvers also approve and reject. */
export function roleAllows(role: Role | 'machine', method: string, route: string): boolean {
  if (role === 'machine' || role === 'approver') return true;
  if (method === 'GET' || method === 'HEAD') return true;
  if (role === 'viewer') return false;
  return !APPROVER_ROUTES.test(route);
}

const APPROVER_ROUTES = /^(\/api)?\/cases\/:id\/(approve|reject)$/;
