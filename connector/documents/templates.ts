import { renderHtml, renderText, type Block } from './blocks';
import {
  contactBlock,
  contextOf,
  creditNoteBlocks,
  footerBlock,
  overdueTable,
  paymentBlocks,
  upcomingTable,
  type DocumentContext,
} from './document-context';
import {
  DocumentInputError,
  isTemplateName,
  parseDocumentInput,
  parseFormalNoticeInput,
  TEMPLATE_NAMES,
  type ReminderTemplateName,
  type TemplateName,
} from './document-input.schema';
import { noticeContent } from './notice-content';

/**
 * The e-mail templates named by the dunning policies (config/policies/*.yaml): a subject, a
 * plain-text body and a simple HTML body, in the debtor's language. Every reminder carries the
 * statement of the overdue invoices; pure functions of their input.
 */

export interface RenderedDocument {
  template: TemplateName;
  /** The language the texts are in (French when the debtor's has no wording). */
  language: string;
  /** The debtor's e-mail addresses, without duplicates. */
  to: string[];
  caseRef: string;
  subject: string;
  text: string;
  html: string;
  blocks: Block[];
}

function rendered(ctx: DocumentContext, template: TemplateName, subject: string, blocks: Block[]): RenderedDocument {
  return {
    template,
    language: ctx.w.language,
    to: [...new Set(ctx.input.debtor.emails)],
    caseRef: ctx.input.caseRef,
    subject,
    text: renderText(blocks),
    html: renderHtml(blocks, { lang: ctx.w.language, title: subject }),
    blocks,
  };
}

function signature(ctx: DocumentContext, signOff: string): Block[] {
  return [
    { kind: 'paragraph', text: signOff },
    { kind: 'lines', lines: [ctx.input.creditor.name] },
  ];
}

/** Totals under the statement, with the credit notes netted. */
function netTotals(ctx: DocumentContext): Block[] {
  const { statement, money, w } = ctx;
  if (statement.creditNotes.length === 0) return [];
  return [{ kind: 'paragraph', text: w.totals.netDue(money(statement.totals.netOverdue)), strong: true }];
}

function preDue(ctx: DocumentContext): RenderedDocument {
  const { statement, w, money, input } = ctx;
  const first = statement.upcoming[0];
  if (!first)
    throw new DocumentInputError('the reminder-pre-due e-mail', [
      'items: no invoice is still to fall due at the document date',
    ]);
  const subject = w.subjects.preDue({
    count: statement.upcoming.length,
    firstNumber: first.number,
    firstDueDate: w.formatDate(first.dueDate),
    total: money(statement.totals.upcoming),
    creditor: input.creditor.name,
  });
  const blocks: Block[] = [
    { kind: 'paragraph', text: w.greeting },
    { kind: 'paragraph', text: w.preDue.intro(statement.upcoming.length) },
    upcomingTable(ctx),
  ];
  if (statement.overdue.length > 0)
    blocks.push({ kind: 'paragraph', text: w.preDue.overdueToo(statement.overdue.length) }, overdueTable(ctx));
  blocks.push(...creditNoteBlocks(ctx));
  if (statement.creditNotes.length > 0)
    blocks.push({ kind: 'paragraph', text: w.totals.netDue(money(statement.totals.netOpen)), strong: true });
  blocks.push(
    { kind: 'paragraph', text: w.preDue.thanks },
    ...paymentBlocks(ctx),
    { kind: 'paragraph', text: w.alreadyPaid },
    contactBlock(ctx),
    ...signature(ctx, w.signOffCourteous),
    footerBlock(ctx),
  );
  return rendered(ctx, 'reminder-pre-due', subject, blocks);
}

function reminder(ctx: DocumentContext, template: 'reminder-1' | 'reminder-2'): RenderedDocument {
  const { statement, w, money, input } = ctx;
  const first = statement.overdue[0];
  if (!first)
    throw new DocumentInputError(`the ${template} e-mail`, ['items: no invoice is overdue at the document date']);
  const subjectParams = {
    count: statement.overdue.length,
    firstNumber: first.number,
    total: money(statement.totals.netOverdue),
    creditor: input.creditor.name,
  };
  const second = template === 'reminder-2';
  const blocks: Block[] = [
    { kind: 'paragraph', text: w.greeting },
    {
      kind: 'paragraph',
      text: second ? w.reminder2.intro(statement.overdue.length) : w.reminder1.intro(statement.overdue.length),
    },
    overdueTable(ctx),
    ...creditNoteBlocks(ctx),
    ...netTotals(ctx),
    { kind: 'paragraph', text: second ? w.reminder2.request : w.reminder1.request },
  ];
  if (second && input.debtor.kind === 'company') {
    // L441-10 II binds professionals only: a consumer is never told of penalties or the indemnity.
    const fixed = input.fixedIndemnity;
    const indemnity = fixed && fixed.currency === input.currency ? money(fixed.amount) : null;
    blocks.push({ kind: 'paragraph', text: w.reminder2.latePenaltiesB2b({ indemnity }) });
  }
  if (second) blocks.push({ kind: 'paragraph', text: w.reminder2.nextStep });
  blocks.push(
    ...paymentBlocks(ctx),
    { kind: 'paragraph', text: w.alreadyPaid },
    { kind: 'paragraph', text: w.dispute },
    contactBlock(ctx),
    ...signature(ctx, w.signOffCourteous),
    footerBlock(ctx),
  );
  return rendered(
    ctx,
    template,
    second ? w.subjects.reminder2(subjectParams) : w.subjects.reminder1(subjectParams),
    blocks,
  );
}

/** A reminder e-mail: the overdue statement, in a courteous tone. */
export function renderReminder(template: ReminderTemplateName, raw: unknown): RenderedDocument {
  const ctx = contextOf(parseDocumentInput(raw, `the ${template} e-mail`));
  return template === 'reminder-pre-due' ? preDue(ctx) : reminder(ctx, template);
}

/** The cover e-mail of a formal notice: the statement, the claim, the deadline; the letter is attached as PDF. */
export function renderFormalNoticeEmail(raw: unknown): RenderedDocument {
  const input = parseFormalNoticeInput(raw, 'the formal-notice e-mail');
  const ctx = contextOf(input);
  const { w, money } = ctx;
  const content = noticeContent(ctx, input.notice);
  const subject = w.subjects.formalNotice({ total: money(content.claim.total), creditor: input.creditor.name });
  const blocks: Block[] = [
    { kind: 'paragraph', text: w.greeting },
    {
      kind: 'paragraph',
      text: w.notice.emailIntro({
        total: money(content.claim.total),
        byRegisteredLetter: input.notice.sentBy.includes('registered_letter'),
      }),
    },
    { kind: 'paragraph', text: w.notice.origin(ctx.statement.overdue.length) },
    content.claimTable,
    ...creditNoteBlocks(ctx),
    content.summary,
    { kind: 'paragraph', text: content.basis },
    { kind: 'paragraph', text: content.demand, strong: true },
    ...content.afterDemand.map((text): Block => ({ kind: 'paragraph', text })),
    ...paymentBlocks(ctx),
    { kind: 'paragraph', text: content.consequences },
    { kind: 'paragraph', text: w.notice.disputeInvite },
    contactBlock(ctx),
    ...signature(ctx, w.signOffFormal),
    footerBlock(ctx),
  ];
  return rendered(ctx, 'formal-notice', subject, blocks);
}

/** Any e-mail template by the name a policy step gives it. */
export function renderTemplate(template: string, raw: unknown): RenderedDocument {
  if (!isTemplateName(template)) {
    throw new DocumentInputError(`an e-mail from template "${template}"`, [
      `template: unknown e-mail template "${template}" (known: ${TEMPLATE_NAMES.join(', ')})`,
    ]);
  }
  return template === 'formal-notice' ? renderFormalNoticeEmail(raw) : renderReminder(template, raw);
}
