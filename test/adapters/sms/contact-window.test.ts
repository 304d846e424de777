import {
  checkContactWindow,
  DEFAULT_CONTACT_WINDOW,
  weekday,
  type ContactWindow,
} from '../../../adapters/sms/contact-window';
import { frenchPublicHolidays, isFrenchPublicHoliday } from '../../../connector/time/business-calendar';
import { addDays } from '../../../connector/time/calendar-date';

describe('debt-collection SMS contact window', () => {
  // 2026-03-02 is a Monday; Paris is UTC+1 until 29 March 2026, then UTC+2.
  it.each([
    ['Monday 10:00 Paris: opens', '2026-03-02T09:00:00Z', true, undefined],
    ['Monday 09:59: not yet', '2026-03-02T08:59:00Z', false, '2026-03-02T09:00:00.000Z'],
    ['Monday 12:59: still open', '2026-03-02T11:59:00Z', true, undefined],
    ['Monday 13:00: lunch break (to is excluded)', '2026-03-02T12:00:00Z', false, '2026-03-02T13:00:00.000Z'],
    ['Monday 19:59: open', '2026-03-02T18:59:00Z', true, undefined],
    ['Monday 20:00: closed until Tuesday 10:00', '2026-03-02T19:00:00Z', false, '2026-03-03T09:00:00.000Z'],
    ['Monday 00:30 Paris is still Sunday 23:30 UTC', '2026-03-01T23:30:00Z', false, '2026-03-02T09:00:00.000Z'],
    ['Friday evening waits for Monday', '2026-03-06T19:30:00Z', false, '2026-03-09T09:00:00.000Z'],
    ['Saturday noon waits for Monday', '2026-03-07T11:00:00Z', false, '2026-03-09T09:00:00.000Z'],
    [
      'across the spring DST change, Monday 10:00 is 08:00 UTC',
      '2026-03-27T19:30:00Z',
      false,
      '2026-03-30T08:00:00.000Z',
    ],
    ['Easter Monday 2026 (6 April) is a holiday', '2026-04-06T09:00:00Z', false, '2026-04-07T08:00:00.000Z'],
    ['1 May 2026 (Friday) waits for Monday 4 May', '2026-05-01T09:00:00Z', false, '2026-05-04T08:00:00.000Z'],
    ['Ascension 2026 (Thursday 14 May)', '2026-05-14T12:00:00Z', false, '2026-05-15T08:00:00.000Z'],
    ['14 July 2026 (Tuesday)', '2026-07-14T12:00:00Z', false, '2026-07-15T08:00:00.000Z'],
    ['an ordinary summer Wednesday at 15:00 CEST', '2026-07-15T13:00:00Z', true, undefined],
  ])('%s', (_label, at, allowed, next) => {
    const d = checkContactWindow(new Date(at), DEFAULT_CONTACT_WINDOW);
    expect(d.allowed).toBe(allowed);
    if (!d.allowed) expect(d.nextAllowedAt).toBe(next);
  });

  it('says why in words: a holiday, a day off, or the hours', () => {
    const reason = (at: string) => {
      const d = checkContactWindow(new Date(at), DEFAULT_CONTACT_WINDOW);
      return d.allowed ? '' : d.reason;
    };
    expect(reason('2026-05-01T09:00:00Z')).toBe('2026-05-01 is a French public holiday');
    expect(reason('2026-03-07T11:00:00Z')).toContain('2026-03-07 is a sat');
    expect(reason('2026-03-02T19:30:00Z')).toBe(
      '20:30 on 2026-03-02 is outside 10:00–13:00, 14:00–20:00 (Europe/Paris)',
    );
  });

  const window = (over: Partial<ContactWindow>): ContactWindow => ({ ...DEFAULT_CONTACT_WINDOW, ...over });

  it('every part is configurable: holidays off, extra days, hours, days, zone', () => {
    expect(checkContactWindow(new Date('2026-05-01T09:00:00Z'), window({ publicHolidays: 'none' })).allowed).toBe(true);
    const extra = checkContactWindow(new Date('2026-12-28T09:00:00Z'), window({ extraHolidays: ['2026-12-28'] }));
    expect(extra).toMatchObject({
      allowed: false,
      reason: '2026-12-28 is a configured holiday',
      nextAllowedAt: '2026-12-29T09:00:00.000Z',
    });
    const always = window({
      days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
      ranges: [{ from: '00:00', to: '24:00' }],
      publicHolidays: 'none',
    });
    for (const at of ['2026-03-08T23:59:00Z', '2026-05-01T02:00:00Z', '2026-12-25T12:00:00Z'])
      expect(checkContactWindow(new Date(at), always).allowed).toBe(true);
    expect(checkContactWindow(new Date('2026-03-07T09:00:00Z'), window({ days: ['sat'] })).allowed).toBe(true);
    // 10:00 in La Réunion (UTC+4, no DST) is 06:00 UTC.
    expect(checkContactWindow(new Date('2026-03-02T05:00:00Z'), window({ timeZone: 'Indian/Reunion' }))).toMatchObject({
      allowed: false,
      nextAllowedAt: '2026-03-02T06:00:00.000Z',
    });
  });

  it('a window that never opens has no next opening', () => {
    expect(checkContactWindow(new Date('2026-03-02T09:00:00Z'), window({ days: [] }))).toMatchObject({
      allowed: false,
      nextAllowedAt: undefined,
    });
  });

  it.each([
    [2019, '2019-04-21'],
    [2024, '2024-03-31'],
    [2025, '2025-04-20'],
    [2026, '2026-04-05'],
    [2027, '2027-03-28'],
    [2038, '2038-04-25'],
  ])('Easter %i is %s: its Monday, Ascension (+39) and Whit Monday (+50) are public holidays', (year, date) => {
    expect(weekday(date)).toBe('sun');
    for (const offset of [1, 39, 50]) expect(isFrenchPublicHoliday(addDays(date, offset))).toBe(true);
    expect(isFrenchPublicHoliday(date)).toBe(false);
  });

  it('lists the eleven French public holidays of a year', () => {
    expect(frenchPublicHolidays(2026)).toEqual([
      '2026-01-01',
      '2026-04-06',
      '2026-05-01',
      '2026-05-08',
      '2026-05-14',
      '2026-05-25',
      '2026-07-14',
      '2026-08-15',
      '2026-11-01',
      '2026-11-11',
      '2026-12-25',
    ]);
  });
});
