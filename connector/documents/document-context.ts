import { formatMoney } from '../model/money.schema';
import type { Block } from './blocks';
import type { Creditor, DocumentInput } from './document-input.schema';
import { buildStatement, type Statement } from './statement';
import type { DocumentWording } from './wording';
import { wordingFor } from './wording-for';

/**
 * What every template needs: the parsed input, its statement, the wording of the debtor's
 * language and a money formatter in that language. The blocks below are shared by the
 * reminders, the notice's cover e-mail and the notice letter.
 */
export interface DocumentContext {
  input: DocumentInput;
  statement: Statement;
  w: DocumentWording;
  /** Integer minor units of the input's currency → display string. */
  money: (amount: number) => string;
}

export function contextOf(input: DocumentInput): DocumentContext {
  const w = wordingFor(input.language);
  return {
    input,
    statement: buildStatement(input),
    w,
    money: (amount) => formatMoney(amount, input.currency, w.locale),
  };
}

export function addressLines(address: {
  lines: string[];
  postalCode: string;
  city: string;
  country: string;
}): string[] {
  return [
    ...address.lines,
    `${address.postalCode} ${address.city}`,
    ...(address.country === 'FR' ? [] : [address.country]),
  ];
}

export function creditorIdentity(
  ctx: DocumentContext,
  creditor: Creditor,
): { name: string; address: string; siren: string | null } {
  return {
    name: creditor.name,
    address: addressLines(creditor.address).join(', '),
    siren: creditor.siren ? ctx.w.formatSiren(creditor.siren) : null,
  };
}

/** The overdue invoices with their days late, the total in the footer row. */
export function overdueTable(ctx: DocumentContext): Block {
  const { w, money, statement } = ctx;
  const c = w.columns;
  return {
    kind: 'table',
    columns: [
      { header: c.number, align: 'left', weight: 3 },
      { header: c.issueDate, align: 'left', weight: 2 },
      { header: c.dueDate, align: 'left', weight: 2 },
      { header: c.daysLate, align: 'right', weight: 2 },
      { header: c.open, align: 'right', weight: 3 },
    ],
    rows: statement.overdue.map((l) => [
      l.number,
      w.formatDate(l.issueDate),
      w.formatDate(l.dueDate),
      String(l.daysLate),
      money(l.open),
    ]),
    footer: [[w.totalLabels.overdue, '', '', '', money(statement.totals.overdue)]],
    text: [
      ...statement.overdue.map((l) =>
        w.overdueLine({
          number: l.number,
          issueDate: w.formatDate(l.issueDate),
          dueDate: w.formatDate(l.dueDate),
          daysLate: l.daysLate,
          open: money(l.open),
        }),
      ),
      w.totals.overdue(money(statement.totals.overdue)),
    ],
  };
}

export function upcomingTable(ctx: DocumentContext): Block {
  const { w, money, statement } = ctx;
  const c = w.columns;
  return {
    kind: 'table',
    columns: [
      { header: c.number, align: 'left', weight: 3 },
      { header: c.issueDate, align: 'left', weight: 2 },
      { header: c.dueDate, align: 'left', weight: 2 },
      { header: c.open, align: 'right', weight: 3 },
    ],
    rows: statement.upcoming.map((l) => [l.number, w.formatDate(l.issueDate), w.formatDate(l.dueDate), money(l.open)]),
    footer: [[w.totalLabels.upcoming, '', '', money(statement.totals.upcoming)]],
    text: [
      ...statement.upcoming.map((l) =>
        w.upcomingLine({
          number: l.number,
          issueDate: w.formatDate(l.issueDate),
          dueDate: w.formatDate(l.dueDate),
          open: money(l.open),
        }),
      ),
      w.totals.upcoming(money(statement.totals.upcoming)),
    ],
  };
}

/** The open credit notes, or nothing when there are none. */
export function creditNoteBlocks(ctx: DocumentContext): Block[] {
  const { w, money, statement } = ctx;
  if (statement.creditNotes.length === 0) return [];
  return [
    { kind: 'paragraph', text: w.creditNotesIntro },
    {
      kind: 'table',
      columns: [
        { header: w.columns.creditNote, align: 'left', weight: 3 },
        { header: w.columns.issueDate, align: 'left', weight: 2 },
        { header: w.columns.amount, align: 'right', weight: 3 },
      ],
      rows: statement.creditNotes.map((n) => [n.number, w.formatDate(n.issueDate), `-${money(n.open)}`]),
      footer: [[w.totalLabels.credit, '', `-${money(statement.totals.credit)}`]],
      text: [
        ...statement.creditNotes.map((n) =>
          w.creditNoteLine({ number: n.number, issueDate: w.formatDate(n.issueDate), open: money(n.open) }),
        ),
        w.totals.credit(money(statement.totals.credit)),
      ],
    },
  ];
}

export function paymentBlocks(ctx: DocumentContext): Block[] {
  const p = ctx.input.payment;
  if (!p) return [];
  const out: Block[] = [];
  if (p.iban)
    out.push({ kind: 'paragraph', text: ctx.w.payment.transfer({ iban: p.iban, bic: p.bic, reference: p.reference }) });
  if (p.url) out.push({ kind: 'paragraph', text: ctx.w.payment.online(p.url) });
  return out;
}

export function contactBlock(ctx: DocumentContext): Block {
  return { kind: 'paragraph', text: ctx.w.contact(ctx.input.creditor.contact) };
}

export function footerBlock(ctx: DocumentContext): Block {
  const { creditor } = ctx.input;
  return {
    kind: 'footer',
    lines: [
      ctx.w.footer.identity(creditorIdentity(ctx, creditor)),
      ctx.w.footer.privacy({ creditor: creditor.name, email: creditor.contact.email }),
    ],
  };
}
