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
 * - payment history: 1 point per 3 days its settled invoices were paid late on average
 *   (amount-weighted, `paidLateDays`), up to 20 (15 days → 5, 30 → 10, 60 or more → 20). A
 *   debtor who paid on time, or of whom no settled invoice has its payments known, gets none.
 *   Upflow rates payers on the same average delay (owl-odoo.md §4.2); a debtor who paid late
 *   before is the one to call first.
 *
 * Lateness grows by the same 0.3 point a day on every case, and the other points change only
 * with the case's items and payments, so the order of two cases never changes with the date: the store keeps an order key (`riskOrderKey`) written when a case's
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
  /** How late its settled invoices were paid, amount-weighted days (`paidLateDays`); null or absent without any. */
  paidLateDays?: number | null;
}

export type RiskLevel = 'low' | 'medium' | 'high';

export interface RiskReason {
  code: 'DAYS_OVERDUE' | 'AMOUNT' | 'PAYMENT_HISTORY';
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
/** Days of average payment delay per point, and the most the history adds. */
const HISTORY_DAYS_PER_POINT = 3;
const HISTORY_POINTS_MAX = 20;
const HIGH_FROM = 60;
const MEDIUM_FROM = 30;

/** Points for the amount, whole: the same on every day. */
export function amountPoints(openTotal: number, currency: string): number {
  const major = openTotal / 10 ** minorUnitDigits(currency);
  if (major <= AMOUNT_FLOOR_MAJOR) return 0;
  return Math.min(AMOUNT_POINTS_MAX, Math.round(AMOUNT_POINTS_PER_DECADE * Math.log10(major / AMOUNT_FLOOR_MAJOR)));
}

/** Points for the payment history, whole: the same on every day. */
export function historyPoints(paidLateDays: number | null | undefined): number {
  if (paidLateDays === null || paidLateDays === undefined || paidLateDays <= 0) return 0;
  return Math.min(HISTORY_POINTS_MAX, Math.round(paidLateDays / HISTORY_DAYS_PER_POINT));
}

/**
 * How late settled invoices were paid: the amount-weighted mean of the days from each one's due
 * date to its last payment (0 for one paid on or before its due date), rounded to whole days;
 * null when there is none. The same figure for the worklist's order (the store, at each summary)
 * and the payer profile's score.
 */
export function paidLateDays(settled: readonly { total: number; dueDate: IsoDate; paidOn: IsoDate }[]): number | null {
  let weight = 0;
  let days = 0;
  for (const s of settled) {
    if (s.total <= 0) continue;
    weight += s.total;
    days += s.total * Math.max(0, daysBetween(s.dueDate, s.paidOn));
  }
  return weight === 0 ? null : Math.round(days / weight);
}

/**
 * An integer that orders cases as their scores do, on any day: ten times the points that do not
 * change with the date (amount, payment history), less 3 tenths of a point for each day since 1970 of the oldest due date
 * (an older due date is a larger lateness on every day). A case with nothing open sorts last.
 */
export function riskOrderKey(facts: RiskFacts): number {
  if (facts.oldestDue === null || facts.openTotal <= 0) return Number.MIN_SAFE_INTEGER;
  const fixed = amountPoints(facts.openTotal, facts.currency) + historyPoints(facts.paidLateDays);
  return 10 * fixed - LATENESS_TENTHS_PER_DAY * toEpochDay(facts.oldestDue);
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
  const history = historyPoints(facts.paidLateDays);
  if (history > 0) {
    const days = facts.paidLateDays!;
    reasons.push({
      code: 'PAYMENT_HISTORY',
      points: history,
      fr: `factures réglées avec ${days} jour${days > 1 ? 's' : ''} de retard en moyenne\u00a0: +${points(history, 'fr-FR')}`,
      en: `settled invoices paid ${days} day${days > 1 ? 's' : ''} late on average: +${points(history, 'en-GB')}`,
    });
  }
  reasons.sort((a, b) => b.points - a.points);
  const score = Math.max(0, Math.min(100, Math.round(lateness + amount + history)));
  return { score, level: score >= HIGH_FROM ? 'high' : score >= MEDIUM_FROM ? 'medium' : 'low', reasons };
}

/** How the points are counted, said once beside a list of scores rather than on every reason. */
export const RISK_RULES = {
  fr: '0,3 point par jour de retard de la facture la plus ancienne ; 10 points par facteur dix du montant ouvert au-delà de 100 (30 au plus) ; 1 point par 3 jours de retard moyen des factures déjà réglées (20 au plus) ; score de 0 à 100, élevé à partir de 60, moyen à partir de 30.',
  en: '0.3 point per day the oldest invoice is past due; 10 points per factor of ten of the open amount above 100 (at most 30); 1 point per 3 days the settled invoices were paid late on average (at most 20); score 0 to 100, high from 60, medium from 30.',
} as const;

function points(n: number, locale: string): string {
  const shown = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(round1(n));
  return locale.startsWith('fr') ? `${shown} pt${n >= 2 ? 's' : ''}` : `${shown} pt${n === 1 ? '' : 's'}`;
}
