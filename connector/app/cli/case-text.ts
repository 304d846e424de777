import type { ApprovalView, AttentionItem, CaseDetail, RecordedStep } from '../../cases';
import type { Case } from '../../model/case.schema';
import type { CaseJournalEntry } from '../../model/journal.schema';
import { formatMoney } from '../../model/money.schema';
import type { Receivable } from '../../model/receivable.schema';

/** The controller's commands as a finance controller reads them: amounts in the company's locale, times in its time zone. */

export interface TextView {
  locale: string;
  timeZone: string;
}

/** Journal lines `cases show` prints; `cases journal` prints them all. */
export const RECENT_JOURNAL = 10;

export function money(amount: number, currency: string, view: TextView): string {
  return formatMoney(amount, currency, view.locale);
}

/** `2025-03-22 13:00` in the company's time zone. */
export function localTime(iso: string, view: TextView): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: view.timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
}

export function debtorName(debtor: { name: string } | null, c: Pick<Case, 'debtorId'>): string {
  return debtor?.name ?? `(debtor ${c.debtorId} not synced yet)`;
}

export function describeStep(step: RecordedStep): string {
  const what =
    step.kind === 'escalation'
      ? 'escalation to the law firm'
      : `${step.kind === 'formal_notice' ? 'formal notice' : 'reminder'}${step.channels.length > 0 ? ` by ${step.channels.join(' + ')}` : ''}`;
  return `${step.id} (${what})`;
}

export function describePause(pause: Case['manualPause']): string {
  if (!pause) return 'not paused';
  return `paused ${pause.until === null ? 'until resumed' : `until ${pause.until} included`}: ${pause.reason}`;
}

export function itemLine(item: Receivable, view: TextView): string {
  const signed = item.kind === 'credit_note' ? -item.open : item.open;
  const marks = [
    item.disputed ? `disputed since ${item.disputed.since}: ${item.disputed.reason}` : '',
    item.excluded ? `excluded since ${item.excluded.since}: ${item.excluded.reason}` : '',
    item.promiseToPay
      ? `promised by ${item.promiseToPay.date}${item.promiseToPay.amount === undefined ? '' : ` (${money(item.promiseToPay.amount, item.currency, view)})`}`
      : '',
  ].filter(Boolean);
  return `    ${item.number.padEnd(18)} ${item.kind === 'credit_note' ? 'credit note' : 'invoice    '}  due ${item.dueDate}  ${money(signed, item.currency, view).padStart(14)}${marks.length > 0 ? `  ${marks.join(' · ')}` : ''}  [${item.id}]`;
}

export function journalLine(e: CaseJournalEntry, view: TextView): string {
  return `    #${String(e.seq ?? '?').padEnd(5)} ${localTime(e.at, view)}  ${`${e.actor.kind}:${e.actor.id}`.padEnd(20)} ${e.type.padEnd(18)} ${e.summary}`;
}

/** `cases show`: who owes what, what is waiting, the items and the last lines of the journal. */
export function renderCaseDetail(
  detail: CaseDetail,
  pendingStep: RecordedStep | null,
  journal: readonly CaseJournalEntry[],
  view: TextView,
): string {
  const c = detail.case;
  const a = detail.amounts;
  const m = (n: number) => money(n, c.currency, view);
  const lines = [
    `${debtorName(detail.debtor, c)}${detail.debtor ? ` (${detail.debtor.kind})` : ''} · ${c.stage} · ${c.currency}  [${c.id}]`,
  ];
  lines.push(
    `  open on ${detail.asOf}: net ${m(a.net)} = invoices ${m(a.invoices)} − credit notes ${m(a.credit)} · overdue ${m(a.overdue)}${a.disputed > 0 ? ` · disputed ${m(a.disputed)}` : ''}${a.excluded > 0 ? ` · excluded ${m(a.excluded)}` : ''}`,
  );
  lines.push(
    `  last step: ${c.lastStep ? `${c.lastStep.stepId} on ${c.lastStep.on}` : 'none yet'} · last contact: ${c.lastContactOn ?? 'none yet'}`,
  );
  if (c.pendingApproval) {
    lines.push(
      `  waiting for approval: ${pendingStep ? describeStep(pendingStep) : c.pendingApproval.stepId}, decided on ${c.pendingApproval.on}: recouvra approve ${c.id} | recouvra reject ${c.id} --reason TEXT`,
    );
  }
  if (c.manualPause) lines.push(`  ${describePause(c.manualPause)}`);
  lines.push(`  ${detail.items.length} open item(s):`);
  for (const item of detail.items) lines.push(itemLine(item, view));
  const recent = journal.slice(-RECENT_JOURNAL);
  lines.push(
    `  journal${journal.length > recent.length ? ` (last ${recent.length} of ${journal.length}: recouvra cases journal ${c.id})` : ''}:`,
  );
  for (const e of recent) lines.push(journalLine(e, view));
  if (recent.length === 0) lines.push('    (empty)');
  return `${lines.join('\n')}\n`;
}

export function renderApprovals(approvals: readonly ApprovalView[], next: string | null, view: TextView): string {
  const lines = approvals.map((a) => {
    const amounts = a.amounts
      ? ` · open ${money(a.amounts.open, a.amounts.currency, view)} · overdue ${money(a.amounts.overdue, a.amounts.currency, view)}`
      : '';
    const paused = a.manualPause ? ` · ${describePause(a.manualPause)}` : '';
    return `${a.debtor?.name ?? '(debtor not synced yet)'} · ${a.step ? describeStep(a.step) : '(no decision records the step)'} · decided on ${a.decidedOn}${amounts}${paused}  [${a.caseId}]`;
  });
  lines.push(
    `${approvals.length} case(s) waiting for approval${next ? ` on this page; the next page: --after ${next}` : ''}.`,
  );
  return `${lines.join('\n')}\n`;
}

const ATTENTION_LABEL: Readonly<Record<AttentionItem['kind'], string>> = {
  answered_after_notice: 'answered after the formal notice',
  gate_failing: 'escalation held',
  escalation_rejected: 'escalation rejected',
  dossier_refused: 'refused by the law firm',
  debtor_unreachable: 'debtor cannot be reached',
  action_failed: 'failed for good',
};

/** `cases attention`: per case, what stopped and what to do, in plain words. */
export function renderAttention(items: readonly AttentionItem[], view: TextView): string {
  const lines: string[] = [];
  for (const a of items) {
    lines.push(
      `${a.debtor?.name ?? '(debtor not synced yet)'} · ${a.stage} · ${ATTENTION_LABEL[a.kind]} since ${localTime(a.since, view)}  [${a.caseId}]`,
    );
    lines.push(`    why:   ${a.reason}`);
    lines.push(`    to do: ${a.todo}`);
  }
  const cases = new Set(items.map((a) => a.caseId)).size;
  lines.push(
    items.length === 0 ? 'No case needs attention.' : `${cases} case(s) need attention (${items.length} point(s)).`,
  );
  return `${lines.join('\n')}\n`;
}
