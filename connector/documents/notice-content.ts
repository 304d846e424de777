import type { ClaimInvoiceResult, ClaimResult, ClaimSegment } from '../claim/compute-claim';
import type { Block } from './blocks';
import type { DocumentContext } from './document-context';
import { DocumentInputError, type FormalNoticeDetails } from './document-input.schema';

/**
 * The figures and legal sentences of a formal notice, shared by its cover e-mail and its
 * letter. The amounts are `computeClaim`'s, never recomputed here: this only checks that the
 * claim covers exactly the overdue invoices and credit notes the notice lists.
 */
export interface NoticeContent {
  claim: ClaimResult;
  b2b: boolean;
  /** Invoices with their principal, interest and indemnity. */
  claimTable: Block;
  /** Principal, interest, indemnity, total. */
  summary: Block;
  /** The legal basis of the amounts (L441-10 / D441-5, or C. civ. 1231-6 and 1344-1). */
  basis: string;
  demand: string;
  /** Said after the demand (B2B: the penalties keep running). */
  afterDemand: string[];
  consequences: string;
}

export function noticeContent(ctx: DocumentContext, notice: FormalNoticeDetails): NoticeContent {
  const { w, money, statement, input } = ctx;
  const claim = notice.claim;
  checkClaim(ctx, claim);
  const b2b = input.debtor.kind === 'company';
  const byId = new Map(claim.invoices.map((i) => [i.id, i]));
  const asOf = w.formatDate(claim.asOf);
  const showInterest = b2b || claim.interest > 0;
  const showIndemnity = claim.indemnity > 0;

  const c = w.columns;
  const columns: Extract<Block, { kind: 'table' }>['columns'] = [
    { header: c.number, align: 'left', weight: 3 },
    { header: c.issueDate, align: 'left', weight: 2 },
    { header: c.dueDate, align: 'left', weight: 2 },
    { header: c.daysLate, align: 'right', weight: 2 },
    { header: c.open, align: 'right', weight: 3 },
    ...(showInterest ? [{ header: c.interest, align: 'right' as const, weight: 2.5 }] : []),
    ...(showIndemnity ? [{ header: c.indemnity, align: 'right' as const, weight: 2.5 }] : []),
  ];
  const rows = statement.overdue.map((l) => {
    const r = byId.get(l.id) as ClaimInvoiceResult;
    return [
      l.number,
      w.formatDate(l.issueDate),
      w.formatDate(l.dueDate),
      String(l.daysLate),
      money(r.principal),
      ...(showInterest ? [money(r.interest)] : []),
      ...(showIndemnity ? [money(r.indemnity)] : []),
    ];
  });
  const claimTable: Block = {
    kind: 'table',
    columns,
    rows,
    text: statement.overdue.map((l) => {
      const r = byId.get(l.id) as ClaimInvoiceResult;
      return w.claimLine({
        number: l.number,
        issueDate: w.formatDate(l.issueDate),
        dueDate: w.formatDate(l.dueDate),
        daysLate: l.daysLate,
        open: money(r.principal),
        interest: showInterest ? money(r.interest) : null,
        indemnity: showIndemnity ? money(r.indemnity) : null,
      });
    }),
  };

  const lateInvoices = claim.invoices.filter((i) => i.indemnity > 0);
  const each = lateInvoices[0]?.indemnity ?? 0;
  const summaryRows: [string, string][] = [[w.notice.principalLabel, money(claim.principal)]];
  if (showInterest)
    summaryRows.push([
      b2b ? w.notice.interestLabelB2b(asOf) : w.notice.interestLabelLegal(asOf),
      money(claim.interest),
    ]);
  if (showIndemnity)
    summaryRows.push([
      w.notice.indemnityLabel({ count: lateInvoices.length, each: money(each) }),
      money(claim.indemnity),
    ]);
  const summary: Block = {
    kind: 'table',
    columns: [
      { header: w.notice.claimHeading(asOf), align: 'left', weight: 7 },
      { header: '', align: 'right', weight: 3 },
    ],
    rows: summaryRows,
    footer: [[w.notice.totalLabel, money(claim.total)]],
    text: [
      ...summaryRows.map(([label, amount]) => `${label} : ${amount}`),
      `${w.notice.totalLabel} : ${money(claim.total)}`,
    ],
  };

  const basis = b2b
    ? w.notice.basisB2b({
        rateBasis: rateBasis(ctx, claim),
        dayCount: w.notice.dayCount(claim.dayCount),
        rates: ratesBySemester(ctx, claim),
        indemnity: showIndemnity ? money(each) : null,
        asOf,
      })
    : w.notice.basisConsumer({
        principal: money(claim.principal),
        interest: claim.interest > 0 ? money(claim.interest) : null,
        asOf,
      });
  const imputedLines = statement.overdue.filter((l) => interestPaidFirst(byId.get(l.id)) > 0);
  const imputedTotal = imputedLines.reduce((sum, l) => sum + interestPaidFirst(byId.get(l.id)), 0);
  const imputedSentence =
    imputedTotal > 0
      ? ` ${w.notice.imputedFirst({ amount: money(imputedTotal), invoices: imputedLines.map((l) => l.number).join(', '), b2b })}`
      : '';

  return {
    claim,
    b2b,
    claimTable,
    summary,
    basis: `${basis}${imputedSentence}`,
    demand: w.notice.demand({ total: money(claim.total), deadlineDays: notice.deadlineDays }),
    afterDemand: b2b ? [w.notice.stillRunningB2b] : [],
    consequences: b2b ? w.notice.consequencesB2b : w.notice.consequencesConsumer,
  };
}

/** The claim must be about this case, as computed for exactly the notice's items. */
function checkClaim(ctx: DocumentContext, claim: ClaimResult): void {
  const { statement, input } = ctx;
  const problems: string[] = [];
  if (claim.currency !== input.currency)
    problems.push(`notice.claim.currency: ${claim.currency}, but the document is in ${input.currency}`);
  const byId = new Map(claim.invoices.map((i) => [i.id, i]));
  const expected = new Set<string>();
  for (const line of statement.overdue) {
    expected.add(line.id);
    const r = byId.get(line.id);
    if (!r || r.kind !== 'invoice')
      problems.push(`notice.claim.invoices: overdue invoice ${line.number} (id ${line.id}) is missing from the claim`);
    // C. civ. 1343-1: the principal exceeds what is open by the interest the payments paid first.
    else if (r.principal !== line.open + interestPaidFirst(r))
      problems.push(
        `notice.claim.invoices: invoice ${line.number} has ${r.principal} open in the claim but ${line.open} in the items${interestPaidFirst(r) ? ` plus ${interestPaidFirst(r)} of interest its payments paid first` : ''}`,
      );
  }
  for (const note of statement.creditNotes) {
    expected.add(note.id);
    const r = byId.get(note.id);
    if (!r || r.kind !== 'credit_note')
      problems.push(`notice.claim.invoices: credit note ${note.number} (id ${note.id}) is missing from the claim`);
  }
  for (const r of claim.invoices) {
    if (!expected.has(r.id) && (r.principal !== 0 || r.interest !== 0 || r.indemnity !== 0)) {
      problems.push(
        `notice.claim.invoices: ${r.id} is claimed but is neither an overdue item nor an open credit note of the document`,
      );
    }
  }
  const net =
    statement.totals.overdue -
    statement.totals.credit +
    claim.invoices.reduce((sum, r) => sum + interestPaidFirst(r), 0);
  if (problems.length === 0 && claim.principal !== net) {
    problems.push(
      `notice.claim.principal: ${claim.principal}, but the overdue items net of credit notes add up to ${net}`,
    );
  }
  if (problems.length === 0 && claim.principal <= 0) {
    problems.push(
      `notice.claim.principal: ${claim.principal}: the credit notes cover the overdue invoices, there is nothing to demand`,
    );
  }
  if (problems.length > 0) throw new DocumentInputError('the formal notice', problems);
}

/** What an invoice's payments paid of the interest accrued first (C. civ. 1343-1); 0 with principal-first. */
function interestPaidFirst(r: ClaimInvoiceResult | undefined): number {
  return (r?.imputed ?? []).reduce((sum, i) => sum + i.toInterest, 0);
}

function segmentsOf(claim: ClaimResult): ClaimSegment[] {
  return claim.invoices.flatMap((i) => i.segments);
}

function rateBasis(ctx: DocumentContext, claim: ClaimResult): string {
  const kinds = new Set(segmentsOf(claim).map((s) => s.rateKind));
  if (kinds.size === 0) kinds.add('l441-10-default');
  if (kinds.has('contractual') && kinds.has('contractual-floor')) return ctx.w.notice.rateBasisContractualWithFloor;
  const [kind] = [...kinds];
  return ctx.w.notice.rateBasis(kind ?? 'l441-10-default');
}

/** "1er semestre 2025 : 13,15 % ; 2e semestre 2025 : 12,15 %", in calendar order. */
function ratesBySemester(ctx: DocumentContext, claim: ClaimResult): string {
  const bySemester = new Map<string, number>();
  for (const s of segmentsOf(claim)) bySemester.set(s.semester, s.ratePercent);
  return [...bySemester]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([semester, rate]) => `${ctx.w.notice.semester(semester)} : ${ctx.w.formatPercent(rate)}`)
    .join(' ; ');
}
