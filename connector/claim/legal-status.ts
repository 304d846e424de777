import {
  addDays,
  compareDates,
  daysBetween,
  semesterBounds,
  semesterOf,
  type IsoDate,
  type Semester,
} from '../time/calendar-date';
import type { LegalData } from './legal-data';
import { formatBasisPoints } from './basis-points';

/**
 * Which semesters' rates the connector knows, and which it will need: every claim and hand-off
 * computes interest per semester, and a semester without its rates is refused (never a guessed
 * rate). The user adds a semester under `legal.rates` in the configuration; this says which, from
 * where, and warns ahead of time.
 */

/** Warn this many days before a semester starts without its rates. */
export const RATE_WARNING_DAYS = 30;

export interface KnownSemester {
  semester: Semester;
  /** The rates file or the configuration entry the figures come from. */
  origin: string;
  ecbMroPercent: string;
  legalRateOtherPercent: string;
  legalRateIndividualCreditorPercent: string;
  sources: readonly string[];
}

export interface MissingSemester {
  semester: Semester;
  startsOn: IsoDate;
  /** `missing`: the semester has begun (or is past) without its rates; `upcoming`: it starts after `asOf`. */
  state: 'missing' | 'upcoming';
  /** Where each figure is published. */
  where: string[];
}

export interface RateStatus {
  asOf: IsoDate;
  known: KnownSemester[];
  /** From the first known semester up to the next one to start after `asOf`. */
  missing: MissingSemester[];
  /** One line per semester missing now, or starting within RATE_WARNING_DAYS without its rates. */
  warnings: string[];
}

export function rateStatus(legal: LegalData, asOf: IsoDate, warningDays = RATE_WARNING_DAYS): RateStatus {
  const known = [...legal.rates.values()]
    .sort((a, b) => compareDates(semesterBounds(a.semester).first, semesterBounds(b.semester).first))
    .map((r) => ({
      semester: r.semester,
      origin: r.origin,
      ecbMroPercent: formatBasisPoints(r.ecbMroBps),
      legalRateOtherPercent: formatBasisPoints(r.legalRateOtherBps),
      legalRateIndividualCreditorPercent: formatBasisPoints(r.legalRateIndividualCreditorBps),
      sources: r.sources,
    }));
  const next = semesterOf(addDays(semesterBounds(semesterOf(asOf)).last, 1));
  const missing: MissingSemester[] = [];
  const warnings: string[] = [];
  const first = known[0] ? known[0].semester : semesterOf(asOf);
  for (let s = first; ; s = semesterOf(addDays(semesterBounds(s).last, 1))) {
    if (!legal.rates.has(s)) {
      const startsOn = semesterBounds(s).first;
      const state = compareDates(startsOn, asOf) <= 0 ? 'missing' : 'upcoming';
      missing.push({ semester: s, startsOn, state, where: whereToFind(s) });
      const inDays = daysBetween(asOf, startsOn);
      if (state === 'missing')
        warnings.push(
          `LEGAL_RATES_MISSING: no rates for ${s} (from ${startsOn}): claims and hand-offs that need a day of it are refused until it is added under legal.rates (recouvra legal status says where to find each figure)`,
        );
      else if (inDays <= warningDays)
        warnings.push(
          `LEGAL_RATES_DUE: no rates yet for ${s}, which starts on ${startsOn} (in ${inDays} day${inDays === 1 ? '' : 's'}): add them under legal.rates once published (recouvra legal status says where)`,
        );
    }
    if (s === next) break;
  }
  return { asOf, known, missing, warnings };
}

/**
 * Where each figure of a semester is published (french-recovery-law.md §1.4, §2): the ECB rate in
 * force on the semester's first day (C. com. L441-10 II), and the arrêté fixing the legal interest
 * rates, published in the Journal officiel at the end of the month before the semester (CMF L313-2,
 * D313-1-A).
 */
export function whereToFind(semester: Semester): string[] {
  const [yearText, half] = semester.split('-H');
  const year = Number(yearText);
  const firstDay = half === '1' ? `1 January ${year}` : `1 July ${year}`;
  const published = half === '1' ? `late December ${year - 1}` : `late June ${year}`;
  return [
    `ecbMroPercent: the ECB main refinancing operations rate in force on ${firstDay} (ECB monetary policy decisions; Banque de France)`,
    `legalRateOtherPercent and legalRateIndividualCreditorPercent: the arrêté fixing the taux de l'intérêt légal for ${half === '1' ? 'the first' : 'the second'} semester of ${year}, published in the Journal officiel in ${published} (Légifrance; Banque de France)`,
    'sources: name the ECB decision and the arrêté (its date and JO reference)',
  ];
}
