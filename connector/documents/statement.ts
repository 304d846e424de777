import { daysBetween, type IsoDate } from '../time/calendar-date';
import type { DocumentCreditNote, DocumentInput, DocumentItem } from './document-input.schema';

/**
 * The statement of account every reminder carries: each open invoice with its days late, the
 * credit notes, and the totals. Pure; amounts are integer minor units.
 */

export interface StatementLine {
  id: string;
  number: string;
  issueDate: IsoDate;
  dueDate: IsoDate;
  open: number;
  /** Days past the due date at the document's date; 0 or less when not yet due. */
  daysLate: number;
}

export interface Statement {
  /** Due date before the document's date, oldest first. */
  overdue: StatementLine[];
  /** Due on or after the document's date, soonest first. */
  upcoming: StatementLine[];
  creditNotes: DocumentCreditNote[];
  totals: {
    overdue: number;
    upcoming: number;
    credit: number;
    /** Overdue net of the credit notes, never below zero: what a reminder asks for. */
    netOverdue: number;
    /** Everything open net of the credit notes, never below zero. */
    netOpen: number;
  };
}

function byDueDate(a: StatementLine, b: StatementLine): number {
  if (a.dueDate !== b.dueDate) return a.dueDate < b.dueDate ? -1 : 1;
  return a.number < b.number ? -1 : a.number > b.number ? 1 : 0;
}

function lineOf(item: DocumentItem, date: IsoDate): StatementLine {
  return {
    id: item.id,
    number: item.number,
    issueDate: item.issueDate,
    dueDate: item.dueDate,
    open: item.open,
    daysLate: daysBetween(item.dueDate, date),
  };
}

export function buildStatement(input: Pick<DocumentInput, 'date' | 'items' | 'creditNotes'>): Statement {
  const lines = input.items.filter((i) => i.open > 0).map((i) => lineOf(i, input.date));
  // An invoice is late from the day after its due date (L441-10 II: "le jour suivant la date de règlement").
  const overdue = lines.filter((l) => l.daysLate > 0).sort(byDueDate);
  const upcoming = lines.filter((l) => l.daysLate <= 0).sort(byDueDate);
  const creditNotes = input.creditNotes
    .filter((c) => c.open > 0)
    .sort((a, b) =>
      a.issueDate !== b.issueDate
        ? a.issueDate < b.issueDate
          ? -1
          : 1
        : a.number < b.number
          ? -1
          : a.number > b.number
            ? 1
            : 0,
    );
  const sum = (xs: readonly { open: number }[]) => xs.reduce((s, x) => s + x.open, 0);
  const totals = { overdue: sum(overdue), upcoming: sum(upcoming), credit: sum(creditNotes) };
  return {
    overdue,
    upcoming,
    creditNotes,
    totals: {
      ...totals,
      netOverdue: Math.max(0, totals.overdue - totals.credit),
      netOpen: Math.max(0, totals.overdue + totals.upcoming - totals.credit),
    },
  };
}
