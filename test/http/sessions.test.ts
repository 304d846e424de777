import { hashPassword, Sessions } from '../../connector/app/http/sessions';
import { ApiConfigSchema } from '../../connector/app/http/api-config.schema';
import { saveReceivables } from '../../connector/cases/case-lifecycle';
import { caseIdOf } from '../../connector/model/case.schema';
import { kpiPortfolio } from '../store/store.contract';
import { openHarness, TOKEN, type Harness } from './api-harness';

/**
 * People signing in to the dashboard: the session cookie, the CSRF token on changes, the roles,
 * the throttling of wrong passwords, and actions journalled under the person's name.
 */
describe('sign-in sessions', () => {
  let h: Harness;
  let hashes: Record<string, string>;

  beforeAll(async () => {
    hashes = {
      claire: await hashPassword('claire-pass'),
      marc: await hashPassword('marc-pass'),
      lea: await hashPassword('lea-pass'),
    };
  });

  beforeEach(async () => {
    h = await openHarness({
      config: {
        token: TOKEN,
        host: '127.0.0.1',
        port: 0,
        users: [
          { username: 'claire', name: 'Claire Martin', role: 'approver', passwordHash: hashes['claire']! },
          { username: 'marc', role: 'controller', passwordHash: hashes['marc']! },
          { username: 'lea', role: 'viewer', passwordHash: hashes['lea']! },
        ],
        session: { idleMinutes: 60, maxHours: 12, secureCookie: false },
      },
    });
    await saveReceivables(h.store, kpiPortfolio(), '2025-03-20T09:00:00Z');
  });
  afterEach(() => h.close());

  const signIn = async (username: string, password: string) => {
    const res = await h.call('POST', '/api/session', { token: null, body: { username, password } });
    const cookie = /recouvra_session=([^;]*)/.exec(String(res.headers['set-cookie'] ?? ''))?.[1];
    return { res, cookie, csrf: res.statusCode === 200 ? res.json<{ csrfToken: string }>().csrfToken : '' };
  };
  const asPerson = (cookie: string, csrf?: string) => ({
    token: null,
    headers: { cookie: `recouvra_session=${cookie}`, ...(csrf !== undefined ? { 'x-csrf-token': csrf } : {}) },
  });

  it('signs a person in with an HTTP-only, SameSite=Strict cookie, says who is signed in, and signs out', async () => {
    const { res, cookie } = await signIn('Claire', 'claire-pass');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      user: { username: 'claire', displayName: 'Claire Martin', role: 'approver' },
      csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    expect(String(res.headers['set-cookie'])).toMatch(
      /^recouvra_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/,
    );
    // The store keeps a hash of the token, not the token.
    expect(await h.store.sessions.getSession(cookie!)).toBeUndefined();
    const me = await h.call('GET', '/api/session', asPerson(cookie!));
    expect(me.json()).toMatchObject({ user: { username: 'claire' } });
    // A person reads the API's routes under /api too.
    expect((await h.call('GET', '/api/approvals', asPerson(cookie!))).statusCode).toBe(200);
    expect((await h.call('DELETE', '/api/session', asPerson(cookie!))).statusCode).toBe(403);
    const out = await h.call('DELETE', '/api/session', asPerson(cookie!, me.json<{ csrfToken: string }>().csrfToken));
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/recouvra_session=; .*Expires=Thu, 01 Jan 1970/);
    const after = await h.call('GET', '/api/session', asPerson(cookie!));
    expect(after.statusCode).toBe(401);
    expect(after.json()).toMatchObject({ error: { code: 'SESSION_ENDED' } });
    expect(h.lines().join('\n')).not.toContain(cookie!);
    expect(h.lines().join('\n')).not.toContain('claire-pass');
  });

  it('refuses a wrong password or an unknown name alike, then throttles the name after 5 failures', async () => {
    const wrong = await signIn('claire', 'nope');
    const unknown = await signIn('nobody', 'nope');
    expect(wrong.res.statusCode).toBe(401);
    expect(unknown.res.json()).toEqual(wrong.res.json());
    expect(wrong.res.json()).toEqual({
      error: { code: 'SIGN_IN_FAILED', message: 'the user name or the password is wrong' },
    });
    for (let i = 0; i < 4; i++) await signIn('claire', 'nope');
    const throttled = await signIn('claire', 'claire-pass');
    expect(throttled.res.statusCode).toBe(429);
    expect(throttled.res.json()).toMatchObject({ error: { code: 'TOO_MANY_ATTEMPTS' } });
    expect(Number(throttled.res.headers['retry-after'])).toBeGreaterThan(800);
    // Another person from the same address still signs in.
    expect((await signIn('marc', 'marc-pass')).res.statusCode).toBe(200);
    // 15 minutes later the window has passed.
    h.clock.set('2025-03-24T09:16:00.000Z');
    expect((await signIn('claire', 'claire-pass')).res.statusCode).toBe(200);
    const body = await h.call('POST', '/api/session', { token: null, body: { username: 'claire' } });
    expect(body.json()).toMatchObject({ error: { code: 'INVALID_REQUEST', problems: [{ path: 'body.password' }] } });
  });

  it('needs the CSRF token for changes, lets a viewer read only and an approver alone approve; actions carry the person’s name', async () => {
    const caseId = caseIdOf('d1', 'co1', 'EUR');
    const marc = await signIn('marc', 'marc-pass');
    const pause = (who: { cookie?: string; csrf: string }, csrf = who.csrf) =>
      h.call('POST', `/api/cases/${caseId}/pause`, {
        ...asPerson(who.cookie!, csrf),
        body: { reason: 'customer on holiday' },
      });
    const missing = await h.call('POST', `/api/cases/${caseId}/pause`, {
      ...asPerson(marc.cookie!),
      body: { reason: 'x' },
    });
    expect(missing.statusCode).toBe(403);
    expect(missing.json()).toMatchObject({ error: { code: 'CSRF_TOKEN_INVALID' } });
    const lea = await signIn('lea', 'lea-pass');
    // Another session's token is no good either.
    expect((await pause(marc, lea.csrf)).statusCode).toBe(403);
    expect((await pause(marc)).statusCode).toBe(200);
    const viewer = await pause(lea);
    expect(viewer.statusCode).toBe(403);
    expect(viewer.json()).toEqual({
      error: { code: 'FORBIDDEN', message: 'lea may read but not change anything (role viewer)' },
    });
    expect((await h.call('GET', `/api/cases/${caseId}`, asPerson(lea.cookie!))).statusCode).toBe(200);
    const approve = await h.call('POST', `/api/cases/${caseId}/approve`, asPerson(marc.cookie!, marc.csrf));
    expect(approve.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
    // The header naming a person is for machines: a signed-in person acts as themselves.
    await h.call('POST', `/api/cases/${caseId}/resume`, {
      ...asPerson(marc.cookie!, marc.csrf),
      headers: {
        cookie: `recouvra_session=${marc.cookie!}`,
        'x-csrf-token': marc.csrf,
        'x-recouvra-user': 'someone-else',
      },
    });
    const journal = await h.store.cases.readJournal(caseId);
    expect(journal.filter((e) => e.type === 'paused' || e.type === 'resumed').map((e) => [e.type, e.actor])).toEqual([
      ['paused', { kind: 'user', id: 'marc' }],
      ['resumed', { kind: 'user', id: 'marc' }],
    ]);
    // The machine token keeps every right, and names people with the header.
    expect(
      (await h.call('POST', `/cases/${caseId}/pause`, { body: { reason: 'api' }, user: 'script' })).statusCode,
    ).toBe(200);
  });

  it('ends a session left unused, and at once when the person leaves the configuration', async () => {
    const marc = await signIn('marc', 'marc-pass');
    h.clock.set('2025-03-24T09:50:00.000Z');
    expect((await h.call('GET', '/api/session', asPerson(marc.cookie!))).statusCode).toBe(200);
    // Used at 09:50: it now ends at 10:50, not 10:00.
    h.clock.set('2025-03-24T10:40:00.000Z');
    expect((await h.call('GET', '/api/session', asPerson(marc.cookie!))).statusCode).toBe(200);
    h.clock.set('2025-03-24T11:41:00.000Z');
    expect((await h.call('GET', '/api/session', asPerson(marc.cookie!))).statusCode).toBe(401);
    const claire = await signIn('claire', 'claire-pass');
    // The same store read with a configuration that no longer lists claire: her cookie opens nothing.
    const without = new Sessions(
      h.store.sessions,
      {
        users: [{ username: 'marc', role: 'controller', passwordHash: hashes['marc']! }],
        idleMinutes: 60,
        maxHours: 12,
      },
      h.clock,
    );
    expect(await without.authenticate(claire.cookie)).toBeUndefined();
    expect(await without.authenticate(marc.cookie)).toBeUndefined();
    const again = await signIn('marc', 'marc-pass');
    expect(await without.authenticate(again.cookie)).toMatchObject({ username: 'marc', role: 'controller' });
    // …and the API that still lists her finds the session gone.
    expect((await h.call('GET', '/api/session', asPerson(claire.cookie!))).statusCode).toBe(401);
  });

  it('behind a proxy (trustProxy), counts wrong passwords per forwarded address; without it, all under the proxy’s', async () => {
    for (const trustProxy of [true, false]) {
      await h.close();
      h = await openHarness({
        config: {
          token: TOKEN,
          host: '127.0.0.1',
          port: 0,
          trustProxy,
          users: [{ username: 'marc', role: 'controller', passwordHash: hashes['marc']! }],
        },
      });
      const from = (address: string, password: string) =>
        h.call('POST', '/api/session', {
          token: null,
          headers: { 'x-forwarded-for': address },
          body: { username: 'marc', password },
        });
      for (let i = 0; i < 5; i++) await from('203.0.113.7', 'wrong');
      // Marc from another address: with trustProxy he is someone else; without, the same proxy.
      expect((await from('198.51.100.23', 'marc-pass')).statusCode).toBe(trustProxy ? 200 : 429);
    }
  });

  it('refuses a configuration whose password is not a hash, or with a name twice', () => {
    const result = ApiConfigSchema.safeParse({
      token: TOKEN,
      users: [
        { username: 'claire', role: 'approver', passwordHash: 'claire-pass' },
        { username: 'CLAIRE', role: 'viewer', passwordHash: hashes['lea'] },
      ],
    });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['users.0.passwordHash', expect.stringContaining('recouvra config hash-password')],
      ['users.1.username', 'CLAIRE is already users[0]: each person signs in under one name (compared without case)'],
    ]);
  });
});
