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
import type { LegalData } from '../claim/legal-data';
import { formatMoney } from '../model/money.schema';
import type { Receivable } from '../model/receivable.schema';
import { addDays, addMonths, dateInZone, maxDate, type IsoDate } from '../time/calendar-date';
import type { CaseRecords } from './case-records';
import { selectClaim, type ClaimSelection } from './claim-selection';
import { findFormalNotice, type FormalNotice } from './formal-notice';
import { FR } from './fr.wording';
import { GATE_CONDITIONS, type GateConditionId } from './gate-conditions';
import type { ProcedureData } from './procedure-data';

export { GATE_CONDITIONS, type GateConditionId };

export interface GateCondition {
  id: GateConditionId;
  pass: boolean;
  /** The facts and dates behind the result, in the French the law firm and the controller read (fr.wording.ts). */
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

export function checkEscalation(
  records: CaseRecords,
  policy: Policy,
  asOf: IsoDate,
  options: GateOptions,
): EscalationGate {
  const creditorKind = options.creditorKind ?? 'company';
  const currency = records.case.currency;
  const money = (n: number) => formatMoney(n, currency);
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
const W = FR.gate;

function channelWords(notice: FormalNotice): string {
  return W.sentBy(notice.channels.filter((c) => c.performedAt !== null).map((c) => c.channel));
}

function noticeExpired(notice: FormalNotice | undefined, policy: Policy, asOf: IsoDate): GateCondition {
  const id = 'formal_notice_expired';
  if (!notice) return { id, pass: false, reason: W.noNotice };
  const sent = notice.sent;
  if (!sent)
    return { id, pass: false, reason: W.noticeNotSent({ decidedOn: notice.decidedOn, channels: notice.channels }) };
  // A registered letter still on its way to the postal service will date the notice when it goes:
  // the e-mail sent first does not start the deadline while the letter may still (crash test:
  // escalations decided on the e-mail's date failed at hand-off once the letter went out).
  const letterDue = notice.channels.find(
    (c) => c.channel === 'registered_letter' && (c.status === 'pending' || c.status === 'in_progress'),
  );
  if (letterDue)
    return { id, pass: false, reason: W.letterNotYetPosted({ decidedOn: notice.decidedOn, status: letterDue.status }) };
  const deadlineDays =
    notice.deadlineDays ?? policy.steps.find((s) => s.kind === 'formal_notice')?.deadlineDays ?? null;
  // "Sent by registered letter on …" names the letter's day, not the e-mail's that may have gone first.
  const on = notice.channels.find((c) => c.channel === 'registered_letter' && c.sentOn !== null)?.sentOn ?? sent.on;
  if (deadlineDays === null) return { id, pass: false, reason: W.noDeadline({ sentBy: channelWords(notice), on }) };
  const endsOn = addDays(sent.startsOn, deadlineDays);
  // The deadline counts from the day after the notice's date and runs to the end of its last
  // day (practice; CPC 641–642 for procedural deadlines, [M]): escalation from the day after.
  const start =
    sent.startBasis === 'acknowledgement_of_receipt' && sent.receivedOn
      ? W.receivedOn({ sentBy: channelWords(notice), on, receivedOn: sent.receivedOn })
      : W.noAcknowledgement({ sentBy: channelWords(notice), on, returned: sent.returned, startsOn: sent.startsOn });
  if (asOf > endsOn) return { id, pass: true, reason: W.deadlineEnded({ start, days: deadlineDays, endsOn }) };
  return { id, pass: false, reason: W.deadlineRuns({ start, days: deadlineDays, endsOn, asOf }) };
}

function unanswered(
  records: CaseRecords,
  notice: FormalNotice | undefined,
  timeZone: string,
  money: (n: number) => string,
): GateCondition {
  const id = 'unanswered';
  const sent = notice?.sent;
  if (!sent) return { id, pass: false, reason: W.cannotTellAnswer };
  const numberOf = new Map(records.receivables.map((r) => [r.id, r.number]));
  const answers: string[] = [];
  for (const [receivableId, list] of records.payments) {
    for (const p of list)
      if (p.date > sent.on)
        answers.push(
          W.answerPayment({ amount: money(p.amount), on: p.date, number: numberOf.get(receivableId) ?? receivableId }),
        );
  }
  const after = records.journal.filter((j) => j.at > sent.at);
  const dayOf = (at: string) => dateInZone(new Date(at), timeZone);
  for (const j of after) {
    const item = typeof j.data['receivableId'] === 'string' ? numberOf.get(j.data['receivableId']) : undefined;
    if (j.type === 'payment_received') answers.push(W.answerLedgerPayment({ on: dayOf(j.at), number: item }));
    else if (j.type === 'promise_to_pay')
      answers.push(W.answerPromise({ by: String(j.data['date']), on: dayOf(j.at) }));
    else if (j.type === 'item_disputed' && j.data['cleared'] !== true)
      answers.push(W.answerDispute({ on: dayOf(j.at), number: item, reason: String(j.data['reason']) }));
    else if (j.type === 'note' && j.data['outcome'] === 'dispute') answers.push(W.answerPhoneDispute(dayOf(j.at)));
  }
  // Promises and disputes the ledger itself brings have no journal line of their own.
  const journalled = (type: string) => after.some((j) => j.type === type);
  for (const r of records.receivables) {
    if (r.promiseToPay && r.promiseToPay.recordedOn > sent.on && !journalled('promise_to_pay'))
      answers.push(W.answerItemPromise({ number: r.number, by: r.promiseToPay.date, on: r.promiseToPay.recordedOn }));
    if (r.disputed && r.disputed.since > sent.on && !journalled('item_disputed'))
      answers.push(W.answerItemDispute({ number: r.number, since: r.disputed.since, reason: r.disputed.reason }));
  }
  if (answers.length) return { id, pass: false, reason: W.answered({ sentOn: sent.on, answers }) };
  return { id, pass: true, reason: W.unanswered(sent.on) };
}

function liquidAndDue(s: ClaimSelection, policy: Policy, asOf: IsoDate, money: (n: number) => string): GateCondition {
  const id = 'liquid_and_due';
  // Judged on every overdue invoice that is not excluded; whether a disputed or time-barred one
  // may be claimed is for not_disputed and not_prescribed to say.
  const due = [...s.claimed, ...s.prescribed.map((p) => p.item), ...s.disputedLeftOut];
  const tail = W.leftOutTail(
    [
      s.notYetDue.length ? W.notYetDue(s.notYetDue) : '',
      s.excluded.length ? W.excluded(numbers(s.excluded)) : '',
    ].filter(Boolean),
  );
  if (due.length === 0) return { id, pass: false, reason: W.nothingDue(tail) };
  // A payment plan agreed with the debtor reschedules the debt: it is not exigible as agreed
  // before the plan's last instalment (plus the policy's grace).
  const running = due
    .filter((r) => r.paymentPlan)
    .map((r) => ({
      r,
      until: addDays(
        r.paymentPlan!.instalments.reduce((d, x) => maxDate(d, x.dueDate), r.paymentPlan!.instalments[0]!.dueDate),
        policy.paymentPlanGraceDays,
      ),
    }))
    .filter((p) => asOf <= p.until);
  if (running.length) {
    return {
      id,
      pass: false,
      reason: W.planRuns(
        running.map((p) => ({ number: p.r.number, agreedOn: p.r.paymentPlan!.agreedOn, until: p.until })),
      ),
    };
  }
  const invoices = due.reduce((t, r) => t + r.open, 0);
  const credit = s.credits.reduce((t, r) => t + r.open, 0);
  if (invoices - credit <= 0)
    return { id, pass: false, reason: W.creditsCover({ credit: money(credit), invoices: money(invoices) }) };
  return {
    id,
    pass: true,
    reason: W.liquidAndDue({
      count: due.length,
      numbers: numbers(due),
      net: money(invoices - credit),
      credits: s.credits.length,
      credit: money(credit),
      tail,
    }),
  };
}

function notDisputed(s: ClaimSelection): GateCondition {
  const id = 'not_disputed';
  const describe = (items: readonly Receivable[]) =>
    items
      .map((r) => W.disputedItem({ number: r.number, reason: r.disputed!.reason, since: r.disputed!.since }))
      .join(', ');
  if (s.disputedClaimed.length) return { id, pass: false, reason: W.disputed(describe(s.disputedClaimed)) };
  // With `disputes: exclude_item` a disputed invoice is left out and the rest goes on.
  if (s.disputedLeftOut.length) {
    if (s.claimed.length === 0) return { id, pass: false, reason: W.allDisputed(describe(s.disputedLeftOut)) };
    return { id, pass: true, reason: W.disputedLeftOut(describe(s.disputedLeftOut)) };
  }
  return { id, pass: true, reason: W.noDispute };
}

function notPrescribed(s: ClaimSelection): GateCondition {
  const id = 'not_prescribed';
  const barred = s.prescribed
    .map(({ item, prescription: p }) =>
      W.barredItem({ number: item.number, prescribesOn: p.prescribesOn, years: p.years, article: p.article }),
    )
    .join(', ');
  if (s.claimed.length === 0 && s.prescribed.length > 0) return { id, pass: false, reason: W.allBarred(barred) };
  const earliest = [...s.prescriptions.entries()].sort((a, b) => (a[1].prescribesOn < b[1].prescribesOn ? -1 : 1))[0];
  const next = earliest
    ? W.firstPrescribes({
        on: earliest[1].prescribesOn,
        years: earliest[1].years,
        article: earliest[1].article,
        from: earliest[1].startsOn,
      })
    : W.nothingToCheck;
  return { id, pass: true, reason: W.prescription({ barred: s.prescribed.length ? barred : null, next }) };
}

function notInsolvent(records: CaseRecords, procedures: ProcedureData): GateCondition {
  const id = 'not_insolvent';
  const ins = records.debtor.flags.insolvency;
  if (!ins) return { id, pass: true, reason: W.noInsolvency };
  if (ins.kind === 'surendettement') return { id, pass: false, reason: W.surendettement(ins.openedOn) };
  const cp = procedures.collectiveProcedure;
  const declare = ins.publishedOn
    ? W.declareBy({
        by: addMonths(ins.publishedOn, cp.declareWithinMonths),
        months: cp.declareWithinMonths,
        publishedOn: ins.publishedOn,
        article: cp.declareArticle,
      })
    : W.declareWithin({ months: cp.declareWithinMonths, article: cp.declareArticle });
  return { id, pass: false, reason: W.insolvency({ kind: ins.kind, openedOn: ins.openedOn, declare }) };
}

function worthTheCost(
  s: ClaimSelection,
  policy: Policy,
  currency: string,
  money: (n: number) => string,
): GateCondition {
  const id = 'worth_the_cost';
  const t = policy.escalation;
  const min = t.minAmount[currency];
  const cost = t.estimatedCost[currency];
  const needed = cost === undefined ? undefined : Math.ceil((cost * t.costCoveragePercent) / 100);
  const principal = money(s.netPrincipal);
  if (s.claimed.length === 0) return { id, pass: false, reason: W.nothingLeft };
  if (min !== undefined && s.netPrincipal < min)
    return { id, pass: false, reason: W.belowMinimum({ principal, min: money(min) }) };
  if (needed !== undefined && s.netPrincipal < needed) {
    return {
      id,
      pass: false,
      reason: W.belowCoverage({ principal, percent: t.costCoveragePercent, cost: money(cost!), needed: money(needed) }),
    };
  }
  const tests = [
    min !== undefined ? W.atLeastMinimum(money(min)) : W.noMinimum(currency),
    needed !== undefined
      ? W.atLeastCoverage({ percent: t.costCoveragePercent, cost: money(cost!) })
      : W.noCost(currency),
  ];
  return { id, pass: true, reason: W.worthTheCost({ principal, tests }) };
}
