/**
 * The escalation gate: a file goes to the law firm only when the formal notice has expired
 * unanswered, the claim is liquid and due, not disputed, not time-barred, the debtor is not in
 * insolvency proceedings, and the amount is worth the cost (policy `escalation` thresholds).
 * Every condition is checked and reported, passed or failed, with the facts and dates behind
 * it, so that a refused case says exactly why. Pure: the records are loaded beforehand
 * (case-records.ts) and the date is passed in.
 */
import type { Policy } from '../../config/policy.schema';
import type { PartyKind } from '../claim/claim-input.schema';
import { formatMinor } from '../claim/compute-claim';
import type { LegalData } from '../claim/legal-data';
import type { Receivable } from '../model/receivable.schema';
import { addDays, addMonths, dateInZone, maxDate, type IsoDate } from '../time/calendar-date';
import type { CaseRecords } from './case-records';
import { selectClaim, type ClaimSelection } from './claim-selection';
import { findFormalNotice, type FormalNotice } from './formal-notice';
import type { ProcedureData } from './procedure-data';

export type GateConditionId = 'formal_notice_expired' | 'unanswered' | 'liquid_and_due' | 'not_disputed' | 'not_prescribed' | 'not_insolvent' | 'worth_the_cost';

/** In the order they are reported. */
export const GATE_CONDITIONS: readonly GateConditionId[] = ['formal_notice_expired', 'unanswered', 'liquid_and_due', 'not_disputed', 'not_prescribed', 'not_insolvent', 'worth_the_cost'];

export interface GateCondition {
  id: GateConditionId;
  pass: boolean;
  /** The facts and dates behind the result, in words a controller reads. */
  reason: string;
}

export interface EscalationGate {
  asOf: IsoDate;
  pass: boolean;
  /** Every condition, passed or failed, in GATE_CONDITIONS order. */
  conditions: GateCondition[];
  /** Ids of the failed conditions. */
  failed: GateConditionId[];
  notice: FormalNotice | undefined;
  selection: ClaimSelection;
}

export interface GateOptions {
  legal: LegalData;
  /** config/legal/fr/procedures.yaml: the claim-declaration deadline of an insolvent debtor. */
  procedures: ProcedureData;
  /** Business dates of journal instants are taken in this zone (the company's). */
  timeZone: string;
  /** The creditor: a company, unless it is a private individual. Default company. */
  creditorKind?: PartyKind;
}

export function checkEscalation(records: CaseRecords, policy: Policy, asOf: IsoDate, options: GateOptions): EscalationGate {
  const creditorKind = options.creditorKind ?? 'company';
  const currency = records.case.currency;
  const money = (n: number) => formatMinor(n, currency);
  const selection = selectClaim(records, policy, asOf, options.legal, creditorKind);
  const notice = findFormalNotice(records, options.timeZone);
  const conditions: GateCondition[] = [
    noticeExpired(notice, policy, asOf),
    unanswered(records, notice, options.timeZone, money),
    liquidAndDue(selection, policy, asOf, money),
    notDisputed(selection),
    notPrescribed(selection),
    notInsolvent(records, options.procedures),
    worthTheCost(selection, policy, currency, money),
  ];
  const failed = conditions.filter((c) => !c.pass).map((c) => c.id);
  return { asOf, pass: failed.length === 0, conditions, failed, notice, selection };
}

const numbers = (items: readonly Receivable[]) => items.map((r) => r.number).join(', ');

function channelWords(notice: FormalNotice): string {
  const sent = notice.channels.filter((c) => c.performedAt !== null).map((c) => c.channel);
  if (sent.includes('registered_letter')) return 'sent by registered letter';
  return `sent by ${sent.map((c) => (c === 'email' ? 'e-mail' : c.replace('_', ' '))).join(' and ')}`;
}

function noticeExpired(notice: FormalNotice | undefined, policy: Policy, asOf: IsoDate): GateCondition {
  const id = 'formal_notice_expired';
  if (!notice) return { id, pass: false, reason: 'no formal notice was decided on this case: the file escalates only after a mise en demeure has expired unanswered' };
  const sent = notice.sent;
  if (!sent) {
    const states = notice.channels.map((c) => `${c.channel} ${c.status}`).join(', ') || 'no channel queued';
    return { id, pass: false, reason: `the formal notice decided on ${notice.decidedOn} has not been sent yet (${states})` };
  }
  // A registered letter still on its way to the postal service will date the notice when it goes:
  // the e-mail sent first does not start the deadline while the letter may still (crash test:
  // escalations decided on the e-mail's date failed at hand-off once the letter went out).
  const letterDue = notice.channels.find((c) => c.channel === 'registered_letter' && (c.status === 'pending' || c.status === 'in_progress'));
  if (letterDue) return { id, pass: false, reason: `the registered letter of the formal notice decided on ${notice.decidedOn} has not been handed to the postal service yet (${letterDue.status}): the deadline will count from it` };
  const deadlineDays = notice.deadlineDays ?? policy.steps.find((s) => s.kind === 'formal_notice')?.deadlineDays ?? null;
  if (deadlineDays === null) return { id, pass: false, reason: `the formal notice ${channelWords(notice)} on ${sent.on} records no deadline, and the policy gives none` };
  const endsOn = addDays(sent.startsOn, deadlineDays);
  // The deadline counts from the day after the notice's date and runs to the end of its last
  // day (practice; CPC 641–642 for procedural deadlines, [M]): escalation from the day after.
  const start =
    sent.startBasis === 'acknowledgement_of_receipt'
      ? `the formal notice ${channelWords(notice)} on ${sent.on} was received on ${sent.receivedOn} (acknowledgement of receipt)`
      : `the formal notice ${channelWords(notice)} on ${sent.on} has no acknowledgement of receipt${sent.returned ? ' (the registered letter came back to the sender)' : ''}: its deadline counts from the day it was sent, ${sent.startsOn}`;
  if (asOf > endsOn) return { id, pass: true, reason: `${start}; its ${deadlineDays}-day deadline ended on ${endsOn}` };
  return { id, pass: false, reason: `${start}; its ${deadlineDays}-day deadline ends on ${endsOn}, ${endsOn === asOf ? 'at the end of the day of this check' : `after ${asOf}`}` };
}

function unanswered(records: CaseRecords, notice: FormalNotice | undefined, timeZone: string, money: (n: number) => string): GateCondition {
  const id = 'unanswered';
  const sent = notice?.sent;
  if (!sent) return { id, pass: false, reason: 'cannot tell whether the debtor answered: no formal notice was sent' };
  const numberOf = new Map(records.receivables.map((r) => [r.id, r.number]));
  const answers: string[] = [];
  for (const [receivableId, list] of records.payments) {
    for (const p of list) if (p.date > sent.on) answers.push(`payment of ${money(p.amount)} on ${p.date} (${numberOf.get(receivableId) ?? receivableId})`);
  }
  const after = records.journal.filter((j) => j.at > sent.at);
  const dayOf = (at: string) => dateInZone(new Date(at), timeZone);
  for (const j of after) {
    const item = typeof j.data['receivableId'] === 'string' ? numberOf.get(j.data['receivableId']) : undefined;
    if (j.type === 'payment_received') answers.push(`payment seen in the ledger on ${dayOf(j.at)}${item ? ` (${item})` : ''}`);
    else if (j.type === 'promise_to_pay') answers.push(`promise to pay by ${String(j.data['date'])} recorded on ${dayOf(j.at)}`);
    else if (j.type === 'item_disputed' && j.data['cleared'] !== true) answers.push(`dispute recorded on ${dayOf(j.at)}${item ? ` (${item}: ${String(j.data['reason'])})` : ''}`);
    else if (j.type === 'note' && j.data['outcome'] === 'dispute') answers.push(`the debtor disputed the claim on the phone on ${dayOf(j.at)}`);
  }
  // Promises and disputes the ledger itself brings have no journal line of their own.
  const journalled = (type: string) => after.some((j) => j.type === type);
  for (const r of records.receivables) {
    if (r.promiseToPay && r.promiseToPay.recordedOn > sent.on && !journalled('promise_to_pay')) answers.push(`promise to pay ${r.number} by ${r.promiseToPay.date} recorded on ${r.promiseToPay.recordedOn}`);
    if (r.disputed && r.disputed.since > sent.on && !journalled('item_disputed')) answers.push(`dispute of ${r.number} since ${r.disputed.since} (${r.disputed.reason})`);
  }
  if (answers.length) return { id, pass: false, reason: `the debtor answered the formal notice sent on ${sent.on}: ${answers.join('; ')}` };
  return { id, pass: true, reason: `no payment, promise to pay or dispute recorded since the formal notice was sent on ${sent.on}` };
}

function liquidAndDue(s: ClaimSelection, policy: Policy, asOf: IsoDate, money: (n: number) => string): GateCondition {
  const id = 'liquid_and_due';
  // Judged on every overdue invoice that is not excluded; whether a disputed or time-barred one
  // may be claimed is for not_disputed and not_prescribed to say.
  const due = [...s.claimed, ...s.prescribed.map((p) => p.item), ...s.disputedLeftOut];
  const leftOut = [
    s.notYetDue.length ? `not yet due: ${s.notYetDue.map((r) => `${r.number} (due ${r.dueDate})`).join(', ')}` : '',
    s.excluded.length ? `excluded: ${numbers(s.excluded)}` : '',
  ].filter(Boolean);
  const tail = leftOut.length ? `; left out, ${leftOut.join('; ')}` : '';
  if (due.length === 0) return { id, pass: false, reason: `no overdue invoice is left to claim${tail}` };
  // A payment plan agreed with the debtor reschedules the debt: it is not exigible as agreed
  // before the plan's last instalment (plus the policy's grace).
  const running = due
    .filter((r) => r.paymentPlan)
    .map((r) => ({ r, until: addDays(r.paymentPlan!.instalments.reduce((d, x) => maxDate(d, x.dueDate), r.paymentPlan!.instalments[0]!.dueDate), policy.paymentPlanGraceDays) }))
    .filter((p) => asOf <= p.until);
  if (running.length) {
    return { id, pass: false, reason: `a payment plan runs: ${running.map((p) => `${p.r.number} agreed ${p.r.paymentPlan!.agreedOn}, last instalment plus grace ${p.until}`).join('; ')}` };
  }
  const invoices = due.reduce((t, r) => t + r.open, 0);
  const credit = s.credits.reduce((t, r) => t + r.open, 0);
  if (invoices - credit <= 0) return { id, pass: false, reason: `open credit notes (${money(credit)}) cover the overdue invoices (${money(invoices)})` };
  const credits = s.credits.length ? `, ${s.credits.length} credit note${s.credits.length > 1 ? 's' : ''} of ${money(credit)} deducted` : '';
  return { id, pass: true, reason: `${due.length} invoice${due.length > 1 ? 's' : ''} due and unpaid for a fixed amount (${numbers(due)}): ${money(invoices - credit)}${credits}${tail}` };
}

function notDisputed(s: ClaimSelection): GateCondition {
  const id = 'not_disputed';
  const describe = (items: readonly Receivable[]) => items.map((r) => `${r.number} (${r.disputed!.reason}, since ${r.disputed!.since})`).join(', ');
  if (s.disputedClaimed.length) return { id, pass: false, reason: `the claim is disputed: ${describe(s.disputedClaimed)}` };
  // With `disputes: exclude_item` a disputed invoice is left out and the rest goes on.
  if (s.disputedLeftOut.length) {
    if (s.claimed.length === 0) return { id, pass: false, reason: `every overdue invoice is disputed: ${describe(s.disputedLeftOut)}` };
    return { id, pass: true, reason: `no disputed invoice is claimed; left out as disputed (policy exclude_item): ${describe(s.disputedLeftOut)}` };
  }
  return { id, pass: true, reason: 'no invoice of the case is disputed' };
}

function notPrescribed(s: ClaimSelection): GateCondition {
  const id = 'not_prescribed';
  const barred = s.prescribed.map(({ item, prescription: p }) => `${item.number} (prescribed after ${p.prescribesOn}, ${p.years} years, ${p.article})`).join(', ');
  if (s.claimed.length === 0 && s.prescribed.length > 0) return { id, pass: false, reason: `every overdue invoice is time-barred: ${barred}` };
  const earliest = [...s.prescriptions.entries()].sort((a, b) => (a[1].prescribesOn < b[1].prescribesOn ? -1 : 1))[0];
  const next = earliest
    ? `the first claimed invoice prescribes at the end of ${earliest[1].prescribesOn} (${earliest[1].years} years, ${earliest[1].article}, from ${earliest[1].startsOn})`
    : 'no overdue invoice to check';
  return { id, pass: true, reason: `${s.prescribed.length ? `left out, time-barred: ${barred}; ` : 'no claimed invoice is time-barred; '}${next}` };
}

function notInsolvent(records: CaseRecords, procedures: ProcedureData): GateCondition {
  const id = 'not_insolvent';
  const ins = records.debtor.flags.insolvency;
  if (!ins) return { id, pass: true, reason: 'no insolvency proceedings are recorded for the debtor (check BODACC before filing)' };
  if (ins.kind === 'surendettement') {
    return { id, pass: false, reason: `over-indebtedness procedure (surendettement) since ${ins.openedOn}: enforcement is suspended once the file is admissible (C. conso L722-2 ff., [M])` };
  }
  const cp = procedures.collectiveProcedure;
  const within = `${cp.declareWithinMonths} months`;
  const declare = ins.publishedOn
    ? `; declare the claim to the mandataire judiciaire by ${addMonths(ins.publishedOn, cp.declareWithinMonths)} (${within} after the BODACC publication of ${ins.publishedOn}, ${cp.declareArticle})`
    : `; declare the claim to the mandataire judiciaire within ${within} of the BODACC publication (${cp.declareArticle})`;
  return { id, pass: false, reason: `insolvency proceedings (${ins.kind}) opened on ${ins.openedOn}: individual actions are stopped (C. com. L622-21)${declare}` };
}

function worthTheCost(s: ClaimSelection, policy: Policy, currency: string, money: (n: number) => string): GateCondition {
  const id = 'worth_the_cost';
  const t = policy.escalation;
  const min = t.minAmount[currency];
  const cost = t.estimatedCost[currency];
  const needed = cost === undefined ? undefined : Math.ceil((cost * t.costCoveragePercent) / 100);
  const principal = money(s.netPrincipal);
  if (s.claimed.length === 0) return { id, pass: false, reason: 'nothing is left to claim once excluded, disputed and time-barred invoices are left out' };
  if (min !== undefined && s.netPrincipal < min) return { id, pass: false, reason: `net principal ${principal} is below the policy minimum of ${money(min)} (escalation.minAmount)` };
  if (needed !== undefined && s.netPrincipal < needed) {
    return { id, pass: false, reason: `net principal ${principal} is below ${t.costCoveragePercent} % of the estimated cost of ${money(cost!)} = ${money(needed)} (escalation.estimatedCost, costCoveragePercent)` };
  }
  const tests = [min !== undefined ? `at least the minimum of ${money(min)}` : `no minimum for ${currency}`, needed !== undefined ? `at least ${t.costCoveragePercent} % of the estimated cost of ${money(cost!)}` : `no estimated cost for ${currency}`];
  return { id, pass: true, reason: `net principal ${principal}: ${tests.join(', ')}` };
}
