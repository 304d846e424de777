import type { PayerFacts } from '../store/kpi-store';
import { addDays, daysBetween, type IsoDate } from '../time/calendar-date';
import { promiseKeptRate, round1, type Formula } from './formulas';
import { paidLateDays, riskOf, type Risk } from './risk';

/**
 * How a debtor pays, from what the connector has seen of it: what a controller checks before
 * calling, and what the reference tools show on a customer (owl-odoo.md §4.1–4.2: Upflow's average
 * payment delay and A–D rating, Chaser's days-beyond-due, the promise-kept rate).
 *
 * An invoice counts as paid on the day its payments reached its total; one closed without
 * payments the connector read (a credit note set against it, a write-off) says nothing about how
 * the debtor pays and is left out. Amounts of several currencies are never added: the delays are
 * weighted by amount within the debtor's main currency only (the one with the most invoices).
 */

export interface PayerProfile {
  debtorId: string;
  asOf: IsoDate;
  /** Invoices the figures rest on. */
  paidInvoices: number;
  openInvoices: number;
  /** Mean days from issue to payment over the paid invoices; null when none is paid. */
  averageDaysToPay: number | null;
  /**
   * Upflow's average payment delay: days past the due date, weighted by amount, of the paid
   * invoices (paid date) and the open overdue ones (today); null when there is neither.
   */
  averagePaymentDelay: number | null;
  /** A ≤ 30 days of average payment delay, B ≤ 60, C ≤ 90, D beyond (Upflow's rating). */
  rating: 'A' | 'B' | 'C' | 'D' | null;
  /** Paid invoices paid after their due date, % of the paid ones. */
  paidLateShare: number | null;
  /** Days late of the invoices paid in the last 90 days less those paid in the 90 before; null without both. */
  trendDays: number | null;
  trend: Formula | null;
  promises: { kept: number; broken: number; pending: number };
  /** kept ÷ (kept + broken) × 100. */
  promisesKept: number | null;
  /** Open invoices disputed now. */
  disputes: number;
  /** Disputes ever recorded on its invoices (the journal). */
  disputesRecorded: number;
  /** The risk of its open invoices taken together, as the worklist scores a case. */
  risk: Risk | null;
  formulas: Record<'averageDaysToPay' | 'averagePaymentDelay' | 'paidLateShare' | 'promisesKept' | 'trend', Formula>;
}

const FORMULAS: PayerProfile['formulas'] = {
  averageDaysToPay: {
    fr: 'moyenne, sur les factures payées, des jours entre émission et paiement',
    en: 'mean, over the paid invoices, of the days from issue to payment',
  },
  averagePaymentDelay: {
    fr: 'moyenne pondérée par les montants des jours après l’échéance (payées : date du paiement ; échues ouvertes : aujourd’hui)',
    en: 'amount-weighted mean of days past due (paid: payment date; open overdue: today)',
  },
  paidLateShare: {
    fr: 'factures payées après l’échéance ÷ factures payées × 100',
    en: 'invoices paid after their due date ÷ invoices paid × 100',
  },
  promisesKept: { fr: 'promesses tenues ÷ (tenues + non tenues) × 100', en: 'kept ÷ (kept + broken) × 100' },
  trend: {
    fr: 'retard moyen des factures payées ces 90 derniers jours − celui des 90 jours précédents',
    en: 'mean days late of invoices paid in the last 90 days − of those paid in the 90 days before',
  },
};

const TREND_WINDOW_DAYS = 90;

export function payerProfile(facts: PayerFacts, asOf: IsoDate, locale = 'fr-FR'): PayerProfile {
  const currency = mainCurrency(facts);
  const invoices = facts.invoices.filter((i) => i.currency === currency);
  const paymentsOf = new Map<string, { date: IsoDate; amount: number }[]>();
  for (const p of facts.payments) paymentsOf.set(p.receivableId, [...(paymentsOf.get(p.receivableId) ?? []), p]);

  const paid: { issueDate: IsoDate; dueDate: IsoDate; total: number; paidOn: IsoDate }[] = [];
  const seenSettled = new Map(facts.settledSeen.map((s) => [s.receivableId, s.on]));
  for (const inv of invoices) {
    if (inv.open > 0) continue;
    // The payments read, else the day the sync saw it settled (a ledger without payment records).
    const payments = paymentsOf.get(inv.id);
    const paidOn = payments ? paidOnOf(inv.total, payments) : (seenSettled.get(inv.id) ?? null);
    if (paidOn !== null) paid.push({ ...inv, paidOn });
  }
  const open = invoices.filter((i) => i.open > 0);
  const late = (p: { dueDate: IsoDate; paidOn: IsoDate }) => Math.max(0, daysBetween(p.dueDate, p.paidOn));

  const averageDaysToPay = paid.length
    ? round1(paid.reduce((s, p) => s + daysBetween(p.issueDate, p.paidOn), 0) / paid.length)
    : null;
  let weighted = 0;
  let weight = 0;
  for (const p of paid) {
    weighted += daysBetween(p.dueDate, p.paidOn) * p.total;
    weight += p.total;
  }
  for (const o of open.filter((i) => i.dueDate < asOf)) {
    weighted += daysBetween(o.dueDate, asOf) * o.open;
    weight += o.open;
  }
  const averagePaymentDelay = weight > 0 ? round1(weighted / weight) : null;

  const recentFrom = addDays(asOf, -TREND_WINDOW_DAYS);
  const priorFrom = addDays(asOf, -2 * TREND_WINDOW_DAYS);
  const meanLate = (list: typeof paid) => (list.length ? list.reduce((s, p) => s + late(p), 0) / list.length : null);
  const recent = meanLate(paid.filter((p) => p.paidOn > recentFrom && p.paidOn <= asOf));
  const prior = meanLate(paid.filter((p) => p.paidOn > priorFrom && p.paidOn <= recentFrom));
  const trendDays = recent !== null && prior !== null ? round1(recent - prior) : null;

  const promises = { kept: 0, broken: 0, pending: 0 };
  for (const promise of facts.promises) {
    const promised = invoices.filter((i) => promise.itemIds.includes(i.id));
    const paidBy = promised.reduce(
      (s, i) =>
        s + (paymentsOf.get(i.id) ?? []).filter((p) => p.date <= promise.date).reduce((a, p) => a + p.amount, 0),
      0,
    );
    // A promise of the whole open amount is kept when every item it named was paid by its date.
    const needed = promise.amount ?? promised.reduce((s, i) => s + i.total, 0);
    if (promised.length > 0 && paidBy >= needed) promises.kept++;
    else if (promise.date < asOf) promises.broken++;
    else promises.pending++;
  }

  const openTotal = open.reduce((s, i) => s + i.open, 0);
  const oldestDue = open.map((i) => i.dueDate).sort()[0] ?? null;
  return {
    debtorId: facts.debtorId,
    asOf,
    paidInvoices: paid.length,
    openInvoices: open.length,
    averageDaysToPay,
    averagePaymentDelay,
    rating: averagePaymentDelay === null ? null : ratingOf(averagePaymentDelay),
    paidLateShare: paid.length ? round1((paid.filter((p) => late(p) > 0).length / paid.length) * 100) : null,
    trendDays,
    trend: trendDays === null ? null : trendText(trendDays),
    promises,
    promisesKept: promiseKeptRate(promises).value,
    disputes: open.filter((i) => i.disputed).length,
    disputesRecorded: facts.disputesRecorded,
    risk:
      currency !== null && openTotal > 0
        ? riskOf({ currency, openTotal, oldestDue, paidLateDays: paidLateDays(paid) }, asOf, locale)
        : null,
    formulas: FORMULAS,
  };
}

/** The day the payments of an invoice, in date order, reached its total; null when they never did. */
function paidOnOf(total: number, payments: readonly { date: IsoDate; amount: number }[]): IsoDate | null {
  let sum = 0;
  for (const p of [...payments].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))) {
    sum += p.amount;
    if (sum >= total) return p.date;
  }
  return null;
}

function ratingOf(delay: number): 'A' | 'B' | 'C' | 'D' {
  return delay <= 30 ? 'A' : delay <= 60 ? 'B' : delay <= 90 ? 'C' : 'D';
}

function trendText(days: number): Formula {
  if (days === 0) return { fr: 'stable par rapport aux 90 jours précédents', en: 'unchanged from the 90 days before' };
  const n = Math.abs(days).toLocaleString('fr-FR');
  const e = Math.abs(days).toLocaleString('en-GB');
  return days > 0
    ? { fr: `paie ${n} j plus tard que les 90 jours précédents`, en: `pays ${e} days later than in the 90 days before` }
    : {
        fr: `paie ${n} j plus tôt que les 90 jours précédents`,
        en: `pays ${e} days sooner than in the 90 days before`,
      };
}

function mainCurrency(facts: PayerFacts): string | null {
  const count = new Map<string, number>();
  for (const i of facts.invoices) count.set(i.currency, (count.get(i.currency) ?? 0) + 1);
  return [...count.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? null;
}
