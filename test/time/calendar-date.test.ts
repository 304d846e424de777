import {
  addDays,
  addMonths,
  addYears,
  assertIsoDate,
  compareDates,
  dateInZone,
  daysBetween,
  daysInMonth,
  fromEpochDay,
  isIsoDate,
  isLeapYear,
  isValidTimeZone,
  maxDate,
  minDate,
  semesterBounds,
  semesterOf,
  toEpochDay,
} from '../../connector/time/calendar-date';

/** Business dates: the arithmetic every legal deadline and dunning step is counted with. */
describe('calendar dates', () => {
  it('accept only real dates written YYYY-MM-DD', () => {
    expect(['2026-12-05', '2028-02-29', '2000-02-29', '2026-12-31'].every(isIsoDate)).toBe(true);
    for (const bad of [
      '2026-02-29',
      '1900-02-29',
      '2026-13-01',
      '2026-00-10',
      '2026-04-31',
      '2026-1-05',
      '05/12/2026',
      '2026-12-05T00:00:00Z',
      '',
    ])
      expect(isIsoDate(bad)).toBe(false);
    expect(() => assertIsoDate('2026-02-30', 'dueDate')).toThrow(
      'dueDate: "2026-02-30" is not a calendar date written YYYY-MM-DD',
    );
  });

  it('know leap years by the Gregorian rule', () => {
    expect([2024, 2028, 2000, 2400].map(isLeapYear)).toEqual([true, true, true, true]);
    expect([2026, 2027, 1900, 2100].map(isLeapYear)).toEqual([false, false, false, false]);
    expect([daysInMonth(2026, 2), daysInMonth(2028, 2), daysInMonth(2026, 4), daysInMonth(2026, 12)]).toEqual([
      28, 29, 30, 31,
    ]);
  });

  it('count days on epoch days, so daylight-saving changes cannot shift a result', () => {
    expect(toEpochDay('1970-01-01')).toBe(0);
    // Europe/Paris moves to summer time on 2026-03-29 and back on 2026-10-25.
    expect(daysBetween('2026-03-28', '2026-03-30')).toBe(2);
    expect(daysBetween('2026-10-24', '2026-10-26')).toBe(2);
    expect(addDays('2026-12-05', 30)).toBe('2027-01-04');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(daysBetween('2026-12-05', '2026-11-05')).toBe(-30);
    for (let day = toEpochDay('2026-01-01'); day <= toEpochDay('2028-12-31'); day++)
      expect(toEpochDay(fromEpochDay(day))).toBe(day);
  });

  it('add months and years clamped to the end of the month', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2028-01-31', 1)).toBe('2028-02-29');
    expect(addMonths('2026-12-05', 1)).toBe('2027-01-05');
    expect(addMonths('2026-03-31', -1)).toBe('2026-02-28');
    expect(addMonths('2026-12-05', -12)).toBe('2025-12-05');
    expect(addYears('2028-02-29', 1)).toBe('2029-02-28');
    expect(addYears('2026-12-05', 5)).toBe('2031-12-05');
  });

  it('order dates as strings of the same form', () => {
    expect(compareDates('2026-12-05', '2027-01-01')).toBe(-1);
    expect(compareDates('2026-12-05', '2026-12-05')).toBe(0);
    expect(minDate('2026-12-05', '2026-11-30')).toBe('2026-11-30');
    expect(maxDate('2026-12-05', '2026-11-30')).toBe('2026-12-05');
  });

  it('split the year into the semesters of the French rate tables', () => {
    expect([semesterOf('2026-06-30'), semesterOf('2026-07-01'), semesterOf('2026-12-05')]).toEqual([
      '2026-H1',
      '2026-H2',
      '2026-H2',
    ]);
    expect(semesterBounds('2027-H1')).toEqual({ first: '2027-01-01', last: '2027-06-30' });
    expect(semesterBounds('2026-H2')).toEqual({ first: '2026-07-01', last: '2026-12-31' });
  });

  it('give the date of an instant in the company time zone', () => {
    // New Year's Eve, 23:30 UTC: already 2027 in Paris (UTC+1 in winter), still 2026 in Martinique.
    const instant = new Date('2026-12-31T23:30:00Z');
    expect(dateInZone(instant, 'Europe/Paris')).toBe('2027-01-01');
    expect(dateInZone(instant, 'America/Martinique')).toBe('2026-12-31');
    expect(dateInZone(instant, 'UTC')).toBe('2026-12-31');
    // The night summer time starts: 00:59:59 UTC is 01:59:59 in Paris, the same date.
    expect(dateInZone(new Date('2026-03-29T00:59:59Z'), 'Europe/Paris')).toBe('2026-03-29');
    // Réunion is UTC+4: 21:00 UTC on 5 December is already the 6th there.
    expect(dateInZone(new Date('2026-12-05T21:00:00Z'), 'Indian/Reunion')).toBe('2026-12-06');
  });

  it('tell a time zone from a misspelt one', () => {
    expect(isValidTimeZone('Europe/Paris')).toBe(true);
    expect(isValidTimeZone('Indian/Reunion')).toBe(true);
    expect(isValidTimeZone('Europe/Pariss')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
  });
});
