/**
 * Which annual rate applies on a given day, per regime. Pure: reads only `LegalData`.
 */
import { semesterOf, type IsoDate, type Semester } from '../time/calendar-date';
import { formatBasisPoints } from './basis-points';
import type { LegalData, SemesterRates } from './legal-data';

/**
 * A day to be priced falls in a semester the legal data does not cover. Never defaulted to
 * zero: a claim with a silently missing rate would understate what the law grants.
 */
export class MissingRateError extends Error {
  readonly code = 'MISSING_RATE';
  constructor(readonly semester: Semester) {
    const [year, half] = semester.split('-H');
    const day = half === '1' ? `1 January ${year}` : `1 July ${year}`;
    // The message starts with the semester in a fixed form: a failed outbox row is found by it and
    // retried by itself once the rates are configured (connector/outbox/rate-retry.ts).
    super(
      `${missingRatePrefix(semester)}: add under \`legal.rates\` in the configuration an entry \`semester: "${semester}"\` with ecbMroPercent (ECB MRO rate in force on ${day}), ` +
        `legalRateOtherPercent and legalRateIndividualCreditorPercent (the legal interest rates of the arrêté for ${semester}) and their sources; \`recouvra legal status\` says where to find each`,
    );
    this.name = 'MissingRateError';
  }
}

/** How a missing semester's error begins, in messages and in an outbox row's `lastError`. */
export function missingRatePrefix(semester: Semester): string {
  return `no rate configured for semester ${semester}`;
}

export function ratesFor(legal: LegalData, semester: Semester): SemesterRates {
  const rates = legal.rates.get(semester);
  if (!rates) throw new MissingRateError(semester);
  return rates;
}

export function ratesOn(legal: LegalData, day: IsoDate): SemesterRates {
  return ratesFor(legal, semesterOf(day));
}

/**
 * L441-10 II default rate: "le taux d'intérêt appliqué par la Banque centrale européenne à
 * son opération de refinancement la plus récente majoré de 10 points de pourcentage", the
 * rate in force on 1 January for H1 and on 1 July for H2.
 */
export const L441_10_MARGIN_BPS = 10_00;

export function l441DefaultRateBps(rates: SemesterRates): number {
  return rates.ecbMroBps + L441_10_MARGIN_BPS;
}

/**
 * L441-10 II: a contractual rate "ne peut … être inférieur à trois fois le taux d'intérêt
 * légal". The "autres cas" legal rate is the one for a professional creditor (reference §1.2).
 */
export function contractualFloorBps(rates: SemesterRates): number {
  return 3 * rates.legalRateOtherBps;
}

export function describeRate(bps: number): string {
  return `${formatBasisPoints(bps)} %`;
}
