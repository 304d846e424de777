import type HolidaysType from 'date-holidays';
import { addDays, parts, toEpochDay, type IsoDate } from './calendar-date';

/**
 * The French business calendar: public holidays (jours fériés, C. trav. L3133-1) and working days,
 * for every rule that needs them — the SMS contact window and the procedural deadlines extended
 * by CPC 642. Holidays come from the `date-holidays` package (its FR data; with a département, the
 * local ones: Good Friday and 26 December in Alsace-Moselle, "67", "68", "57"), cached per year.
 */

const cache = new Map<string, ReadonlySet<IsoDate>>();
let library: typeof HolidaysType | undefined;

/** Loaded on first use: its data for every country costs about 140 ms, which most commands never need. */
function holidaysLibrary(): typeof HolidaysType {
  if (!library) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, as said above
    const loaded = require('date-holidays') as typeof HolidaysType | { default: typeof HolidaysType };
    library = 'default' in loaded ? loaded.default : loaded;
  }
  return library;
}

/** The public holidays of a year, as dates; `region` is a département code for local holidays. */
export function frenchPublicHolidays(year: number, region?: string): IsoDate[] {
  return [...holidaysOf(year, region)].sort();
}

export function isFrenchPublicHoliday(date: IsoDate, region?: string): boolean {
  return holidaysOf(parts(date).year, region).has(date);
}

function holidaysOf(year: number, region: string | undefined): ReadonlySet<IsoDate> {
  const key = `${year}/${region ?? ''}`;
  let days = cache.get(key);
  if (!days) {
    const Holidays = holidaysLibrary();
    const calendar = region ? new Holidays('FR', region) : new Holidays('FR');
    days = new Set(
      calendar
        .getHolidays(year)
        .filter((h) => h.type === 'public')
        .map((h) => h.date.slice(0, 10)),
    );
    cache.set(key, days);
  }
  return days;
}

/** 0 Sunday … 6 Saturday, from the calendar date alone (no time zone can shift it). */
function dayOfWeek(date: IsoDate): number {
  // 1970-01-01 was a Thursday.
  return (((toEpochDay(date) + 4) % 7) + 7) % 7;
}

export function isWorkingDay(date: IsoDate, region?: string): boolean {
  const d = dayOfWeek(date);
  return d !== 0 && d !== 6 && !isFrenchPublicHoliday(date, region);
}

/**
 * CPC 642 al. 2: "Le délai qui expirerait normalement un samedi, un dimanche ou un jour férié ou
 * chômé est prorogé jusqu'au premier jour ouvrable suivant." The deadline itself when it is a
 * working day; otherwise the next one, with the reason in words.
 */
export function extendToWorkingDay(
  date: IsoDate,
  region?: string,
): { date: IsoDate; extendedFrom?: IsoDate; because?: string } {
  if (isWorkingDay(date, region)) return { date };
  let next = date;
  do next = addDays(next, 1);
  while (!isWorkingDay(next, region));
  const d = dayOfWeek(date);
  const because = d === 6 ? 'a Saturday' : d === 0 ? 'a Sunday' : 'a public holiday';
  return { date: next, extendedFrom: date, because };
}
