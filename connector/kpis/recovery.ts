import type { CaseStage } from '../model/case.schema';
import type { FunnelFact, RecoveryMonthFact } from '../store/kpi-store';
import { round1, type Formula, type Kpi } from './formulas';

/**
 * The overview's recovery figures, as pure functions of the running counts the store keeps
 * (migration 0016): the funnel from first reminder to recovered, and who recovered the money.
 *
 * Definitions (owl-odoo.md §4.2 "Recovery rate", the variant "recovered / placed in recovery"
 * for a dunning procedure, and §4.3 "Procedure pipeline: conversion between stages"; the cohort
 * and the channels below are our own choice, stated on screen):
 * - the funnel follows the cases first reminded in the window, whatever happened to them
 *   after it, so that each step is a share of the same cases;
 * - a case is recovered when it closes after the ledger recorded payments on it (a case closed
 *   with nothing paid — cancelled, credited, written off — is not);
 * - an amount is recovered "by" the stage its case was at when the sync saw the invoice's open
 *   amount fall. The ledger does not say why it fell: a credit note set against an invoice
 *   counts as a payment there.
 */

export type FunnelStep = 'reminded' | 'formal_notice' | 'law_firm' | 'recovered';

export interface RecoveryFunnel {
  steps: { step: FunnelStep; cases: number; share: Kpi }[];
  /** The recovered cases, split by whether the law firm had the file first. */
  recovered: { withoutFirm: number; afterFirm: number };
  /** Recovered ÷ reminded: the funnel's end-to-end rate. */
  recoveryRate: Kpi;
}

export type RecoveryChannel = 'before_dunning' | 'reminders' | 'formal_notice' | 'law_firm' | 'after_closing';

export interface RecoveredBy {
  channels: { channel: RecoveryChannel; amount: number; payments: number; share: Kpi }[];
  total: number;
  /** Month by month (YYYY-MM, oldest first), the amount recovered through each channel. */
  months: { period: string; amounts: Record<RecoveryChannel, number> }[];
}

/**
 * Where the money came in, by the stage of the case then. Awaiting approval counts with the
 * reminders: the step waiting has not been performed, so what was sent so far did the work.
 */
const CHANNEL_OF: Record<CaseStage, RecoveryChannel> = {
  open: 'before_dunning',
  reminding: 'reminders',
  awaiting_approval: 'reminders',
  formal_notice: 'formal_notice',
  escalated: 'law_firm',
  in_procedure: 'law_firm',
  closed: 'after_closing',
};
export const RECOVERY_CHANNELS: readonly RecoveryChannel[] = [
  'before_dunning',
  'reminders',
  'formal_notice',
  'law_firm',
  'after_closing',
];

const SHARE_OF_REMINDED: Formula = {
  fr: 'dossiers ayant atteint l’étape ÷ dossiers relancés × 100',
  en: 'cases that reached the step ÷ cases reminded × 100',
};

/** The funnel of one currency's cohort; `fact` absent: no case was first reminded in the window. */
export function recoveryFunnel(fact: FunnelFact | undefined): RecoveryFunnel {
  const f = fact ?? { reminded: 0, noticed: 0, escalated: 0, recovered: 0, recoveredAfterEscalation: 0 };
  const share = (cases: number, formula: Formula = SHARE_OF_REMINDED): Kpi =>
    f.reminded === 0
      ? { value: null, formula, unavailable: 'no case was first reminded in the period' }
      : { value: round1((cases / f.reminded) * 100), formula };
  return {
    steps: [
      { step: 'reminded', cases: f.reminded, share: share(f.reminded) },
      { step: 'formal_notice', cases: f.noticed, share: share(f.noticed) },
      { step: 'law_firm', cases: f.escalated, share: share(f.escalated) },
      { step: 'recovered', cases: f.recovered, share: share(f.recovered) },
    ],
    recovered: { withoutFirm: f.recovered - f.recoveredAfterEscalation, afterFirm: f.recoveredAfterEscalation },
    recoveryRate: share(f.recovered, {
      fr: 'dossiers recouvrés ÷ dossiers relancés × 100 (dossiers relancés pour la première fois sur la période)',
      en: 'cases recovered ÷ cases reminded × 100 (cases first reminded in the period)',
    }),
  };
}

/** The recoveries of one currency's months, by channel, with each channel's share of the total. */
export function recoveredBy(months: readonly RecoveryMonthFact[]): RecoveredBy {
  const zero = (): Record<RecoveryChannel, number> =>
    Object.fromEntries(RECOVERY_CHANNELS.map((c) => [c, 0])) as Record<RecoveryChannel, number>;
  const amounts = zero();
  const payments = zero();
  const byMonth = new Map<string, Record<RecoveryChannel, number>>();
  for (const m of months) {
    const channel = CHANNEL_OF[m.stage];
    amounts[channel] += m.amount;
    payments[channel] += m.payments;
    const month = byMonth.get(m.period) ?? zero();
    month[channel] += m.amount;
    byMonth.set(m.period, month);
  }
  const total = RECOVERY_CHANNELS.reduce((a, c) => a + amounts[c], 0);
  const formula = {
    fr: 'montant recouvré par ce canal ÷ montant recouvré × 100',
    en: 'recovered through it ÷ recovered × 100',
  };
  return {
    channels: RECOVERY_CHANNELS.map((channel) => ({
      channel,
      amount: amounts[channel],
      payments: payments[channel],
      share:
        total === 0
          ? { value: null, formula, unavailable: 'nothing recovered in the period' }
          : { value: round1((amounts[channel] / total) * 100), formula },
    })),
    total,
    months: [...byMonth.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([period, amounts]) => ({ period, amounts })),
  };
}
