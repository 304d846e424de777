import { formatMoney } from '../model/money.schema';
import { wordingFor } from '../documents/wording-for';
import type { DocumentWording } from '../documents/wording';
import type { Amounts, StepDecision } from '../policy/evaluate';
import { dateInZone } from '../time/calendar-date';
import type { WriteBackRequest } from '../ports/erp';

/**
 * What the connector writes into the ledger, in French by default (DESIGN.md: user-facing texts
 * are French and translatable), through the same wording as letters and e-mails
 * (connector/documents/*.wording.ts, `ledger`). Plain text: each adapter turns it into its
 * ledger's format.
 */

/**
 * The case reference, as the letters and SMS print it (`Réf. case_…`, the case id): a controller
 * reading the note in the ledger types it, or the invoice's number, into `recouvra cases show`
 * or the API (connector/cases/case-reference.ts).
 */
function referenceLine(caseRef: string | undefined, wording: DocumentWording): string[] {
  return caseRef ? [wording.ledger.reference(caseRef)] : [];
}

/**
 * A date of a ledger text as its reader writes it (`03/04/2026` in French): a calendar date as it
 * is, an instant as the date it was in the company's time zone (an event the firm reports at
 * 23:30 UTC on 31 December happened on 1 January in Paris).
 */
export function ledgerDate(value: string, timeZone: string, wording: DocumentWording = wordingFor(undefined)): string {
  return wording.formatDate(/^\d{4}-\d{2}-\d{2}$/.test(value) ? value : dateInZone(new Date(value), timeZone));
}

/**
 * The note written on each invoice a step claims when it is decided. `itemCount` counts those
 * invoices; the credit notes deducted get no note of their own, so their numbers are named here.
 */
export function stageNoteText(input: {
  step: Pick<StepDecision, 'id' | 'kind' | 'channels'>;
  asOf: string;
  amounts: Amounts;
  itemCount: number;
  creditNoteNumbers?: readonly string[];
  locale?: string;
  caseRef?: string;
}): string {
  const { step, amounts } = input;
  const wording = wordingFor(input.locale);
  const money = (minor: number) => formatMoney(minor, amounts.currency, input.locale);
  return [
    wording.ledger.decidedNote({
      step: wording.ledger.stepLabel(step),
      date: wording.formatDate(input.asOf),
      channels: step.channels.map((c) => wording.ledger.channel(c)).join(', '),
      itemCount: input.itemCount,
      open: money(amounts.open),
      overdue: money(amounts.overdue),
      credit: amounts.credit > 0 ? money(amounts.credit) : null,
      creditNotes: input.creditNoteNumbers?.join(', ') ?? '',
    }),
    ...referenceLine(input.caseRef, wording),
  ].join('\n');
}

/** The activity asking a controller to approve a step (escalation by default needs it). */
export function approvalActivity(input: {
  step: Pick<StepDecision, 'id' | 'kind'>;
  asOf: string;
  amounts: Amounts;
  debtorName: string;
  locale?: string;
  caseRef?: string;
}): { summary: string; text: string } {
  const wording = wordingFor(input.locale);
  const step = wording.ledger.stepLabel(input.step);
  return {
    summary: wording.ledger.approval.summary(step),
    text: [
      wording.ledger.approval.text({
        step,
        debtor: input.debtorName,
        since: wording.formatDate(input.asOf),
        open: formatMoney(input.amounts.open, input.amounts.currency, input.locale),
      }),
      ...referenceLine(input.caseRef, wording),
    ].join('\n'),
  };
}

/** The phone task: an activity asking the responsible person to call the debtor. */
export function phoneCallActivity(input: {
  asOf: string;
  amounts: Amounts;
  debtorName: string;
  phones: readonly string[];
  locale?: string;
  caseRef?: string;
}): { summary: string; text: string } {
  const wording = wordingFor(input.locale);
  return {
    summary: wording.ledger.phoneCall.summary(input.debtorName),
    text: [
      wording.ledger.phoneCall.text({
        debtor: input.debtorName,
        phones: input.phones,
        overdue: formatMoney(input.amounts.overdue, input.amounts.currency, input.locale),
        open: formatMoney(input.amounts.open, input.amounts.currency, input.locale),
      }),
      ...referenceLine(input.caseRef, wording),
    ].join('\n'),
  };
}

/**
 * An activity as a note, for a ledger without tasks (ledger-write-back.ts `writtenAs`): the request
 * keeps its key (a row performed twice finds its own entry), the note's text names the task, the
 * day it is due and what it asks.
 */
export function activityAsNote<R extends Omit<WriteBackRequest, 'receivableIds'>>(
  request: R,
  locale?: string,
): Omit<R, 'summary' | 'deadline' | 'kind'> & { kind: 'note' } {
  const wording = wordingFor(locale);
  const { summary, deadline, kind: _activity, ...rest } = request;
  return {
    ...rest,
    kind: 'note',
    text: wording.ledger.taskNote({
      summary: summary ?? '',
      text: request.text,
      due: deadline === undefined ? null : wording.formatDate(deadline),
    }),
  };
}
