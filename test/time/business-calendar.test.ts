import {
  extendToWorkingDay,
  frenchPublicHolidays,
  isFrenchPublicHoliday,
  isWorkingDay,
} from '../../connector/time/business-calendar';

/** One business calendar for every rule: the SMS contact window and the deadlines of CPC 642. */

describe('French business calendar', () => {
  it('lists the eleven national public holidays of 2026 and 2027', () => {
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
    // 2027: Easter is 28 March, so Easter Monday 29 March, Ascension 6 May, Whit Monday 17 May.
    expect(frenchPublicHolidays(2027)).toEqual([
      '2027-01-01',
      '2027-03-29',
      '2027-05-01',
      '2027-05-06',
      '2027-05-08',
      '2027-05-17',
      '2027-07-14',
      '2027-08-15',
      '2027-11-01',
      '2027-11-11',
      '2027-12-25',
    ]);
  });

  it('Alsace-Moselle adds Good Friday and 26 December', () => {
    expect(isFrenchPublicHoliday('2026-12-26')).toBe(false);
    expect(isFrenchPublicHoliday('2026-12-26', '67')).toBe(true);
    expect(isFrenchPublicHoliday('2026-04-03', '68')).toBe(true);
  });

  it.each([
    ['a working day stays', '2026-12-04', '2026-12-04', undefined],
    ['a Saturday runs to Monday', '2026-12-05', '2026-12-07', 'a Saturday'],
    ['a Sunday runs to Monday', '2026-12-06', '2026-12-07', 'a Sunday'],
    ['Christmas (Friday) runs to Monday 28', '2026-12-25', '2026-12-28', 'a public holiday'],
    ['Saturday 14 November 2026 is an ordinary Saturday', '2026-11-14', '2026-11-16', 'a Saturday'],
    ['Thursday 31 December 2026 is a working day', '2026-12-31', '2026-12-31', undefined],
    ['Saturday 1 May 2027 runs past Sunday to Monday 3', '2027-05-01', '2027-05-03', 'a Saturday'],
    ['Ascension Thursday 2027 runs to Friday', '2027-05-06', '2027-05-07', 'a public holiday'],
  ])('CPC 642: %s', (_what, date, expected, because) => {
    const r = extendToWorkingDay(date);
    expect(r.date).toBe(expected);
    expect(r.because).toBe(because);
    expect(isWorkingDay(r.date)).toBe(true);
  });
});
