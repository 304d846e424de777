import { credentialHealth } from '../../connector/credentials/health';

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

  it('past its end: reconnect', () => {
    const ended = credentialHealth('qbo-fr', tokens('2026-12-04T10:00:00Z'), now, command);
    expect(ended).toMatchObject({ state: 'reconnect', endsAt: '2026-12-04T10:00:00Z' });
    expect(ended.message).toContain('ended on 2026-12-04');
  });
});
