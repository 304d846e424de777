import { minorUnitDigits } from '../model/money.schema';
import { daysBetween, toEpochDay, type IsoDate } from '../time/calendar-date';
import { round1 } from './formulas';

/**
 * The risk score that orders the worklist: a sum of points, each from one fact a controller can
 * check on the case, so that the screen can say which facts raised it. No model, no weights
 * learned from data: a controller who disagrees with the order can see why and say so.
 *
 * Today's points (0 to 100 shown; the order is by the unclamped sum):
 * - lateness: 0.3 point per day the oldest open invoice is past due (30 days → 9, 90 → 27,
 *   180 → 54). A case whose invoices are not yet due gets none.
 * - amount: 10 points per factor of ten above 100 in the currency's major unit, from 0 up to 30
 *   (1,000 → 10, 10,000 → 20, 100,000 or more → 30). A factor of ten, not a fixed scale, so that
 *   a portfolio of small invoices and one of large ones are both spread out.
 *
 * Lateness grows by the same 0.3 point a day on every case, so the order of two cases never
 * changes with the date: the store keeps an order key (`riskOrderKey`) written when a case's
 * items change, and the worklist sorts on it without recomputing 100,000 scores each day.
 * The score shown is computed for the day asked (`riskOf`), from the same facts.
 *
 * Thresholds of the levels: high from 60, medium from 30. These weights are a product choice,
 * not a published standard (the reference tools' scores — Chaser's payer rating, Upflow's A–D
 * rating on average payment delay — are not published as formulas): to be tuned with users.
 */

/** What the score is computed from: the case's summary, as the store keeps it. */
export interface RiskFacts {
  currency: string;
  /** Open amount of the case's invoices, in minor units. */
  openTotal: number;
  /** Due date of the oldest open invoice; null when none is open. */
  oldestDue: IsoDate | null;
}

export type RiskLevel = 'low' | 'medium' | 'high';

export interface RiskReason {
  code: 'DAYS_OVERDUE' | 'AMOUNT';
  points: number;
  fr: string;
  en: string;
}

export interface Risk {
  /** 0 to 100. */
  score: number;
  level: RiskLevel;
  /** Each fact that raised the score, largest first; none when the score is 0. */
  reasons: RiskReason[];
}

/** Tenths of a point per day past due: 3 = 0.3 point a day. */
const LATENESS_TENTHS_PER_DAY = 3;
const AMOUNT_POINTS_PER_DECADE = 10;
const AMOUNT_POINTS_MAX = 30;
/** Below this many major units the amount adds nothing. */
const AMOUNT_FLOOR_MAJOR = 100;
const HIGH_FROM = 60;
const MEDIUM_FROM = 30;

/** Points for the amount, whole: the same on every day. */
export function amountPoints(openTotal: number, currency: string): number {
  const major = openTotal / 10 ** minorUnitDigits(currency);
  if (major <= AMOUNT_FLOOR_MAJOR) return 0;
  return Math.min(AMOUNT_POINTS_MAX, Math.round(AMOUNT_POINTS_PER_DECADE * Math.log10(major / AMOUNT_FLOOR_MAJOR)));
}

/**
 * An integer that orders cases as their scores do, on any day: ten times the points that do not
 * change with the date, less 3 tenths of a point for each day since 1970 of the oldest due date
 * (an older due date is a larger lateness on every day). A case with nothing open sorts last.
 */
export function riskOrderKey(facts: RiskFacts): number {
  if (facts.oldestDue === null || facts.openTotal <= 0) return Number.MIN_SAFE_INTEGER;
  return 10 * amountPoints(facts.openTotal, facts.currency) - LATENESS_TENTHS_PER_DAY * toEpochDay(facts.oldestDue);
}

export function riskOf(facts: RiskFacts, asOf: IsoDate, locale = 'fr-FR'): Risk {
  const reasons: RiskReason[] = [];
  const daysOverdue = facts.oldestDue === null ? 0 : Math.max(0, daysBetween(facts.oldestDue, asOf));
  const lateness = (LATENESS_TENTHS_PER_DAY * daysOverdue) / 10;
  if (lateness > 0)
    reasons.push({
      code: 'DAYS_OVERDUE',
      points: round1(lateness),
      fr: `facture la plus ancienne échue depuis ${daysOverdue} jour${daysOverdue > 1 ? 's' : ''}\u00a0: +${points(lateness, 'fr-FR')}`,
      en: `oldest invoice ${daysOverdue} day${daysOverdue > 1 ? 's' : ''} past due: +${points(lateness, 'en-GB')}`,
    });
  const amount = facts.openTotal > 0 ? amountPoints(facts.openTotal, facts.currency) : 0;
  if (amount > 0) {
    const major = facts.openTotal / 10 ** minorUnitDigits(facts.currency);
    // French puts a no-break space before the colon, so that it never starts a line.
    const shown = (l: string) =>
      new Intl.NumberFormat(l, { style: 'currency', currency: facts.currency, maximumFractionDigits: 0 }).format(major);
    reasons.push({
      code: 'AMOUNT',
      points: amount,
      fr: `${shown(locale.startsWith('fr') ? locale : 'fr-FR')} ouverts\u00a0: +${points(amount, 'fr-FR')}`,
      en: `${shown(locale.startsWith('en') ? locale : 'en-GB')} open: +${points(amount, 'en-GB')}`,
    });
  }
  reasons.sort((a, b) => b.points - a.points);
  const score = Math.max(0, Math.min(100, Math.round(lateness + amount)));
  return { score, level: score >= HIGH_FROM ? 'high' : score >= MEDIUM_FROM ? 'medium' : 'low', reasons };
}

/** How the points are counted, said once beside a list of scores rather than on every reason. */
export const RISK_RULES = {
  fr: '0,3 point par jour de retard de la facture la plus ancienne ; 10 points par facteur dix du montant ouvert au-delà de 100 (30 au plus) ; score de 0 à 100, élevé à partir de 60, moyen à partir de 30.',
  en: '0.3 point per day the oldest invoice is past due; 10 points per factor of ten of the open amount above 100 (at most 30); score 0 to 100, high from 60, medium from 30.',
} as const;

function points(n: number, locale: string): string {
  const shown = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(round1(n));
  return locale.startsWith('fr') ? `${shown} pt${n >= 2 ? 's' : ''}` : `${shown} pt${n === 1 ? '' : 's'}`;
}
