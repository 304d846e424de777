import { randomBytes } from 'node:crypto';
import { credentialHealth, storedCredentialHealth, worstState } from '../../connector/credentials/health';
import { CredentialKeyring } from '../../connector/credentials/keyring';
import { openSqliteStore } from '../../connector/store/sqlite';
import { SimulatedClock } from '../../connector/time/clock';

/** When a stored OAuth authorization needs a person, and what they are told (today: late 2026). */
describe('the health of a stored authorization', () => {
  const now = new Date('2026-12-05T10:00:00Z');
  const command = 'recouvra connect quickbooks --connection qbo-fr';
  const tokens = (refreshEnds: string, hardEnds?: string) => ({
    accessToken: 'a',
    accessTokenExpiresAt: '2026-12-05T11:00:00Z',
    refreshToken: 'r',
    refreshTokenExpiresAt: refreshEnds,
    ...(hardEnds ? { extra: { refreshTokenHardExpiresAt: hardEnds } } : {}),
  });

  it('nothing stored: not connected, with the command to run', () => {
    expect(credentialHealth('qbo-fr', undefined, now, command)).toEqual({
      state: 'reconnect',
      message: 'connection qbo-fr is not connected yet: run `recouvra connect quickbooks --connection qbo-fr`',
    });
  });

  it('far from any end: ok, silent', () => {
    expect(credentialHealth('qbo-fr', tokens('2027-03-15T10:00:00Z', '2031-11-01T00:00:00Z'), now, command)).toEqual({
      state: 'ok',
      endsAt: '2027-03-15T10:00:00Z',
      daysLeft: 100,
      message: '',
    });
  });

  it('the hard end 30 days ahead: warned, with the date; 7 days ahead: warned again', () => {
    const in30 = credentialHealth('qbo-fr', tokens('2027-03-15T10:00:00Z', '2027-01-04T10:00:00Z'), now, command);
    expect(in30.state).toBe('expiring');
    expect(in30.message).toBe(
      'connection qbo-fr: the authorization ends on 2027-01-04 (in 30 days); reconnect the company before then: run `recouvra connect quickbooks --connection qbo-fr`',
    );
    const in31 = credentialHealth('qbo-fr', tokens('2027-03-15T10:00:00Z', '2027-01-05T10:00:01Z'), now, command);
    expect(in31.state).toBe('ok');
    expect(credentialHealth('qbo-fr', tokens('2026-12-12T09:00:00Z'), now, command).message).toContain('(in 7 days)');
    expect(credentialHealth('qbo-fr', tokens('2026-12-05T12:00:00Z'), now, command).message).toContain('(in 1 day)');
  });

  describe('the hard end N days after 2026-12-05 10:00 UTC, the rolling end far later', () => {
    const DAY = 86_400_000;
    const hardIn = (days: number) => new Date(now.getTime() + days * DAY).toISOString();
    // Days ahead → state, notice, days told. Expiring every day from 30 on; the notice changes on the days (30, 7).
    const table: [number, string, 30 | 7 | undefined, number][] = [
      [31, 'ok', undefined, 31],
      [30, 'expiring', 30, 30],
      [8, 'expiring', 30, 8],
      [7, 'expiring', 7, 7],
      [1, 'expiring', 7, 1],
      [0, 'reconnect', undefined, 0],
    ];
    it.each(table)('%i day(s) ahead: %s, notice %s', (days, state, notice, told) => {
      const health = credentialHealth('qbo-fr', tokens('2027-12-31T00:00:00Z', hardIn(days)), now, command);
      expect(health.state).toBe(state);
      expect(health.notice).toBe(notice);
      expect(health.endsAt).toBe(hardIn(days));
      expect(health.daysLeft).toBe(told);
      if (state === 'expiring') expect(health.message).toContain(`(in ${told} day${told === 1 ? '' : 's'})`);
      if (state === 'ok') expect(health.message).toBe('');
      if (state === 'reconnect') expect(health.message).toContain(`ended on ${hardIn(0).slice(0, 10)}`);
    });

    it('30 days less a second: told 30 days; 7 days and a second: told 8, still the 30-day notice', () => {
      const in30 = credentialHealth(
        'qbo-fr',
        tokens('2027-12-31T00:00:00Z', hardIn(30)),
        new Date(now.getTime() + 1000),
        command,
      );
      expect(in30).toMatchObject({ state: 'expiring', notice: 30, daysLeft: 30 });
      const past7 = credentialHealth('qbo-fr', tokens('2027-12-31T00:00:00Z', hardIn(7 + 1 / 86_400)), now, command);
      expect(past7).toMatchObject({ state: 'expiring', notice: 30, daysLeft: 8 });
    });
  });

  it('past its end: reconnect', () => {
    const ended = credentialHealth('qbo-fr', tokens('2026-12-04T10:00:00Z'), now, command);
    expect(ended).toMatchObject({ state: 'reconnect', endsAt: '2026-12-04T10:00:00Z', daysLeft: 0 });
    expect(ended.message).toContain('ended on 2026-12-04');
  });

  it('refused by the provider: reconnect, whatever the ends, with when and why and the command', () => {
    const refused = credentialHealth(
      'qbo-fr',
      {
        ...tokens('2027-03-15T10:00:00Z'),
        refused: {
          at: '2026-12-01T08:30:00.000Z',
          reason: 'the provider refused the stored refresh token (invalid_grant)',
        },
      },
      now,
      command,
    );
    expect(refused).toEqual({
      state: 'reconnect',
      endsAt: '2027-03-15T10:00:00Z',
      daysLeft: 100,
      refusedAt: '2026-12-01T08:30:00.000Z',
      message:
        'connection qbo-fr: the provider refused the stored authorization on 2026-12-01 (the provider refused the stored refresh token (invalid_grant)); nothing is read or written until the company is reconnected: run `recouvra connect quickbooks --connection qbo-fr`',
    });
  });

  it('the worst of several states is the one that needs a person most', () => {
    expect(worstState([])).toBe('ok');
    expect(worstState(['ok', 'expiring', 'ok'])).toBe('expiring');
    expect(worstState(['expiring', 'unreadable'])).toBe('unreadable');
    expect(worstState(['reconnect', 'unreadable', 'ok'])).toBe('reconnect');
  });
});

describe('the health of the authorization in a credential store', () => {
  const clock = new SimulatedClock(Date.parse('2026-12-05T10:00:00Z'), 0);
  const command = 'recouvra connect quickbooks --connection qbo-fr';

  it('reads the stored tokens; a credential written with another key is unreadable; one that is not tokens is to reconnect', async () => {
    const store = await openSqliteStore(':memory:');
    await store.migrate();
    try {
      const keyring = new CredentialKeyring(randomBytes(32));
      const credentials = store.credentials('qbo-fr', { keyring, clock });
      expect((await storedCredentialHealth('qbo-fr', () => credentials, clock.now(), command)).message).toContain(
        'is not connected yet',
      );
      expect((await storedCredentialHealth('qbo-fr', undefined, clock.now(), command)).state).toBe('reconnect');

      const secret = {
        accessToken: 'at-secret-value',
        accessTokenExpiresAt: '2026-12-05T11:00:00.000Z',
        refreshToken: 'rt-secret-value',
        refreshTokenExpiresAt: '2027-03-15T10:00:00.000Z',
        extra: { refreshTokenHardExpiresAt: '2026-12-12T10:00:00.000Z' },
      };
      await credentials.compareAndSet(0, secret);
      expect(await storedCredentialHealth('qbo-fr', () => credentials, clock.now(), command)).toMatchObject({
        state: 'expiring',
        notice: 7,
        daysLeft: 7,
        endsAt: '2026-12-12T10:00:00.000Z',
      });

      const otherKey = store.credentials('qbo-fr', { keyring: new CredentialKeyring(randomBytes(32)), clock });
      const unreadable = await storedCredentialHealth('qbo-fr', () => otherKey, clock.now(), command);
      expect(unreadable.state).toBe('unreadable');
      expect(unreadable.message).toContain('RECOUVRA_CREDENTIALS_KEY');
      expect(unreadable.message).toContain(command);
      const noKey = await storedCredentialHealth(
        'qbo-fr',
        () => store.credentials('qbo-fr', { keyring: CredentialKeyring.fromEnv({}), clock }),
        clock.now(),
        command,
      );
      expect(noKey.state).toBe('unreadable');
      expect(noKey.message).toContain('RECOUVRA_CREDENTIALS_KEY');

      await credentials.compareAndSet(1, { apiKey: 'not-oauth' });
      const wrong = await storedCredentialHealth('qbo-fr', () => credentials, clock.now(), command);
      expect(wrong.state).toBe('reconnect');
      expect(wrong.message).toContain('is not a set of OAuth tokens');
      for (const h of [unreadable, wrong]) {
        expect(h.message).not.toContain('secret-value');
        expect(h.message).not.toContain('not-oauth');
      }
    } finally {
      await store.close();
    }
    // A store that does not answer is not an authorization state: the caller hears of the store.
    const closed = store.credentials('qbo-fr', { keyring: new CredentialKeyring(randomBytes(32)), clock });
    await expect(storedCredentialHealth('qbo-fr', () => closed, clock.now(), command)).rejects.toThrow();
  });
});
