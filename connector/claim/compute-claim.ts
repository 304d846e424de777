/**
 * What a creditor can claim on a set of invoices at a given date under French law:
 * principal, late-payment interest and the fixed recovery indemnity. Pure: no I/O, no clock.
 *
 * Convention (reference §1.3; no statutory day count exists, [?]):
 * - simple interest, never capitalised (C. civ. 1343-2 needs a contract or a court order);
 * - the counted days are start+1 … as-of inclusive (start = due date, or the formal notice
 *   date for the legal-rate regimes when it is later); each day is priced at the rate of the
 *   semester its calendar date falls in;
 * - interest of a segment = base × rate × days / 365 ('actual/actual': / 366 for days of a
 *   leap year);
 * - a payment first pays the interest accrued to its date (C. civ. 1343-1, unless the creditor
 *   chose 'principal-first'), and what is left of it reduces the base from the day after the
 *   funds were received; the payment day
 *   itself still accrues on the old base (interest runs up to the day the funds are made
 *   available to the creditor: reference §1.3, [M] exact article not checked); payments dated
 *   after as-of are ignored;
 * - the exact rational sum of the segments is rounded half-up to the minor unit ONCE per
 *   invoice. Each segment's `interest` is its own value rounded half-up, for display only:
 *   the invoice interest may differ from the sum of the displayed segments by a minor unit.
 */
import {
  addDays,
  assertIsoDate,
  fromEpochDay,
  isLeapYear,
  maxDate,
  parts,
  semesterBounds,
  semesterOf,
  toEpochDay,
  type IsoDate,
  type Semester,
} from '../time/calendar-date';
import { basisPointsToPercent, percentToBasisPoints } from './basis-points';
import type { ClaimInput, ClaimInvoice } from './claim-input.schema';
import { CLAIM_FR } from './fr.wording';
import type { LegalData } from './legal-data';
import { DEFAULT_PRESCRIPTION_WARN_DAYS, prescriptionOf, prescriptionWarnings } from './limitation';
import { contractualFloorBps, l441DefaultRateBps, ratesFor } from './rates';

export type DayCount = 'actual/365' | 'actual/actual';
export const DAY_COUNTS: readonly DayCount[] = ['actual/365', 'actual/actual'];

export interface ComputeClaimOptions {
  /** Default 'actual/365', the common practice (reference §1.3). */
  dayCount?: DayCount;
  /** Warn when a claim prescribes within this many days of as-of. Default 90. */
  prescriptionWarnDays?: number;
  /** How a partial payment is imputed; default 'interest-first' (C. civ. 1343-1). */
  imputation?: Imputation;
}

/**
 * C. civ. 1343-1: "le paiement partiel s'impute d'abord sur les intérêts" — a payment first pays
 * the interest accrued to its date, then the principal ('interest-first'). A creditor
 * who chooses not to claim interest on the interest so paid applies payments to the principal
 * ('principal-first'), which claims less. A credit note always reduces the principal: it is not a
 * payment but a reduction of the debt.
 */
export type Imputation = 'interest-first' | 'principal-first';
export const IMPUTATIONS: readonly Imputation[] = ['interest-first', 'principal-first'];

/** The legal regime applied to the whole claim. */
export type ClaimRule =
  | 'C. com. L441-10 (between professionals)'
  | 'C. civ. 1231-6, 1344-1: legal rate "autres cas" (professional creditor, consumer debtor)'
  | 'C. civ. 1231-6, 1344-1: legal rate for a private-individual creditor';

export type RateKind =
  'l441-10-default' | 'contractual' | 'contractual-floor' | 'legal-rate-other' | 'legal-rate-individual-creditor';

export interface ClaimSegment {
  /** First counted day (inclusive). */
  from: IsoDate;
  /** Last counted day (inclusive). */
  to: IsoDate;
  days: number;
  /** Annual rate in %, e.g. 12.15. */
  ratePercent: number;
  /** Outstanding amount the interest runs on, in minor units. */
  base: number;
  /** This segment's interest rounded half-up to the minor unit, for display. */
  interest: number;
  semester: Semester;
  rateKind: RateKind;
  /** Day-count denominator used for this segment (365 or 366). */
  yearDays: 365 | 366;
}

export interface ClaimInvoiceResult {
  id: string;
  /** Interest-first imputation: how each payment made while interest ran was split. */
  imputed?: { date: IsoDate; amount: number; toInterest: number; toPrincipal: number }[];
  /** Credit notes taken off this invoice (principal and interest base from the day after their date). */
  credited?: { id: string; date: IsoDate; amount: number }[];
  /** Outstanding at as-of, in minor units; negative for a credit note. */
  principal: number;
  interest: number;
  indemnity: number;
  segments: ClaimSegment[];
  kind: ClaimInvoice['kind'];
  /** Null for a credit note: nothing is claimed on it. */
  prescription: { startsOn: IsoDate; prescribesOn: IsoDate; prescribed: boolean; daysLeft: number } | null;
}

export interface ClaimResult {
  currency: string;
  principal: number;
  interest: number;
  indemnity: number;
  total: number;
  invoices: ClaimInvoiceResult[];
  warnings: string[];
  asOf: IsoDate;
  rule: ClaimRule;
  dayCount: DayCount;
  imputation: Imputation;
}

/**
 * Segment numerators are kept in units of 1 / (10000 × 365 × 366) minor unit: the 10000 turns
 * basis points into a fraction, and 365 × 366 is a common multiple of both day-count
 * denominators, so the sum of segments stays exact whatever the convention.
 */
const BPS_DENOMINATOR = 10_000n;
const DENOMINATOR = BPS_DENOMINATOR * 365n * 366n;

/** Half-up rounding of numerator / DENOMINATOR for a non-negative numerator. */
function roundHalfUp(numerator: bigint): number {
  return Number((2n * numerator + DENOMINATOR) / (2n * DENOMINATOR));
}

interface Regime {
  rule: ClaimRule;
  /** Day the interest starts counting after (exclusive), for an invoice; null when it does not run. */
  accrualStart(invoice: ClaimInvoice): IsoDate | null;
  rate(semester: Semester): { bps: number; kind: RateKind };
  indemnity: boolean;
}

export function computeClaim(
  input: ClaimInput,
  asOf: IsoDate,
  legal: LegalData,
  options: ComputeClaimOptions = {},
): ClaimResult {
  assertIsoDate(asOf, 'as-of date');
  const dayCount = options.dayCount ?? 'actual/365';
  const imputation = options.imputation ?? 'interest-first';
  const warnDays = options.prescriptionWarnDays ?? DEFAULT_PRESCRIPTION_WARN_DAYS;
  const warnings = new Set<string>();
  const regime = regimeFor(input, asOf, legal, warnings);

  // C. com. L622-28: the opening judgment stops the interest. It takes effect from the first hour of
  // its date ([UNVERIFIED] C. com. R621-4 / practice), so the last day counted is the day before.
  const opened = input.insolvencyOpenedOn;
  const interestUntil = opened !== null && opened <= asOf ? addDays(opened, -1) : asOf;
  if (opened !== null && opened <= asOf) {
    warnings.add(CLAIM_FR.insolvency({ openedOn: opened, interestUntil }));
  }
  const credits = relatedCredits(input, asOf, warnings);
  // Invoices first: what a related credit note took off its invoice is known only once the
  // invoice's payments are imputed; the credit notes follow, netting what is left of them.
  const results = new Map<string, ClaimInvoiceResult>();
  for (const invoice of input.invoices) {
    if (invoice.kind !== 'invoice') continue;
    let credited = credits.byInvoice.get(invoice.id) ?? [];
    // A credit note lowers what is owed on its invoice from its date, exactly as a payment would.
    const movements: Movement[] = [
      ...invoice.payments.map((p) => ({ ...p, credit: false })),
      ...credited.map((c) => ({ date: c.date, amount: c.amount, credit: true, noteId: c.id, available: c.available })),
    ];
    const counted = movements
      .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))
      .filter((p) => p.date <= asOf);
    for (const p of invoice.payments) {
      if (p.date > asOf) {
        warnings.add(
          CLAIM_FR.paymentAfterAsOf({ id: invoice.id, amount: p.amount, currency: input.currency, on: p.date, asOf }),
        );
      }
    }
    const paid = counted.reduce((sum, p) => sum + p.amount, 0);
    let principal = invoice.total - paid;
    const notYetDue = asOf <= invoice.dueDate;
    if (notYetDue && principal > 0) {
      warnings.add(
        CLAIM_FR.notYetDue({ id: invoice.id, dueDate: invoice.dueDate, asOf, principal, currency: input.currency }),
      );
    }

    const start = notYetDue ? null : regime.accrualStart(invoice);
    const accrued =
      start !== null && interestUntil > start
        ? accrue(invoice.total, counted, start, interestUntil, regime, dayCount, imputation)
        : undefined;
    const segments = accrued?.segments ?? [];
    const interest = accrued?.interest ?? 0;
    if (accrued) {
      principal = accrued.principal;
      // With interest-first a payment left more principal than the price says: a credit note may
      // take that too (up to what it has), and the rest of it nets the total.
      credited = credited.map((c) => ({ ...c, amount: accrued.credited.get(c.id) ?? c.amount }));
    }
    for (const c of credited) credits.applied.set(c.id, (credits.applied.get(c.id) ?? 0) + c.amount);

    const paidByDueDate = counted.filter((p) => p.date <= invoice.dueDate).reduce((sum, p) => sum + p.amount, 0);
    // In insolvency proceedings only invoices already late on the opening day carry the indemnity.
    const late = !notYetDue && paidByDueDate < invoice.total && (opened === null || invoice.dueDate < opened);
    let indemnity = 0;
    if (late && regime.indemnity) {
      if (input.currency !== legal.indemnity.currency) {
        warnings.add(
          CLAIM_FR.indemnityOtherCurrency({
            article: legal.indemnity.article,
            amount: legal.indemnity.amount,
            indemnityCurrency: legal.indemnity.currency,
            currency: input.currency,
          }),
        );
      } else if (invoice.dueDate < legal.indemnity.since) {
        warnings.add(
          CLAIM_FR.indemnityNotYetInForce({
            id: invoice.id,
            dueDate: invoice.dueDate,
            article: legal.indemnity.article,
            since: legal.indemnity.since,
          }),
        );
      } else {
        // D441-5 / CJEU C-419/21: the fixed indemnity is due per late invoice, even when it
        // was paid late in full since.
        indemnity = legal.indemnity.amount;
      }
    }

    const p = prescriptionOf(invoice, input.debtor.kind, input.creditor.kind, asOf, legal);
    if (principal > 0 || interest > 0 || indemnity > 0) {
      for (const w of prescriptionWarnings(invoice, input.debtor.kind, input.creditor.kind, asOf, legal, warnDays))
        warnings.add(w);
    }
    results.set(invoice.id, {
      id: invoice.id,
      ...(credited.length ? { credited: credited.map((c) => ({ id: c.id, date: c.date, amount: c.amount })) } : {}),
      ...(accrued?.imputed.length ? { imputed: accrued.imputed } : {}),
      principal,
      interest,
      indemnity,
      segments,
      kind: invoice.kind,
      prescription: {
        startsOn: p.startsOn,
        prescribesOn: p.prescribesOn,
        prescribed: p.prescribed,
        daysLeft: p.daysLeft,
      },
    });
  }
  for (const note of input.invoices) {
    if (note.kind !== 'credit_note') continue;
    // A credit note reduces what is owed; it bears no interest and no indemnity. What it took
    // off its invoice is counted there; only the rest nets the total.
    const refunded = note.payments.filter((p) => p.date <= asOf).reduce((sum, p) => sum + p.amount, 0);
    const applied = credits.applied.get(note.id) ?? 0;
    const principal = 0 - (note.total - refunded - applied);
    if (principal < 0 && note.relatesTo === undefined) {
      warnings.add(CLAIM_FR.creditNoteUnrelated(note.id));
    } else if (principal < 0 && applied > 0) {
      warnings.add(
        CLAIM_FR.creditNoteExceeds({
          id: note.id,
          excess: -principal,
          currency: input.currency,
          invoice: note.relatesTo ?? '',
          on: note.issueDate,
        }),
      );
    }
    results.set(note.id, {
      id: note.id,
      principal,
      interest: 0,
      indemnity: 0,
      segments: [],
      kind: note.kind,
      prescription: null,
    });
  }
  const invoices = input.invoices.map((i) => results.get(i.id)!);

  const principal = invoices.reduce((sum, i) => sum + i.principal, 0);
  const interest = invoices.reduce((sum, i) => sum + i.interest, 0);
  const indemnity = invoices.reduce((sum, i) => sum + i.indemnity, 0);
  for (const w of floorWarnings(input, invoices, legal)) warnings.add(w);
  return {
    currency: input.currency,
    principal,
    interest,
    indemnity,
    total: principal + interest + indemnity,
    invoices,
    warnings: [...warnings],
    asOf,
    rule: regime.rule,
    dayCount,
    imputation,
  };
}

/**
 * The credit notes that relate to an invoice, as amounts taken off it on their date: at most what
 * the invoice still owed then (payments and earlier credits counted), the rest staying on the
 * credit note to net the total. A credit note dated after as-of is ignored, as a payment would be.
 */
function relatedCredits(
  input: ClaimInput,
  asOf: IsoDate,
  warnings: Set<string>,
): { byInvoice: Map<string, RelatedCredit[]>; applied: Map<string, number> } {
  const byInvoice = new Map<string, RelatedCredit[]>();
  const notes = input.invoices
    .filter((n) => n.kind === 'credit_note' && n.relatesTo !== undefined)
    .sort((a, b) => (a.issueDate < b.issueDate ? -1 : a.issueDate > b.issueDate ? 1 : 0));
  for (const note of notes) {
    const target = input.invoices.find((i) => i.id === note.relatesTo && i.kind === 'invoice');
    if (!target) continue;
    if (note.issueDate > asOf) {
      warnings.add(CLAIM_FR.creditNoteAfterAsOf({ id: note.id, on: note.issueDate, asOf, invoice: target.id }));
      continue;
    }
    const refunded = note.payments.filter((p) => p.date <= asOf).reduce((sum, p) => sum + p.amount, 0);
    const before = [
      ...target.payments.filter((p) => p.date <= note.issueDate),
      ...(byInvoice.get(target.id) ?? []),
    ].reduce((sum, p) => sum + p.amount, 0);
    const available = note.total - refunded;
    const amount = Math.min(available, Math.max(0, target.total - before));
    if (amount <= 0) continue;
    byInvoice.set(target.id, [
      ...(byInvoice.get(target.id) ?? []),
      { id: note.id, date: note.issueDate, amount, available },
    ]);
  }
  return { byInvoice, applied: new Map() };
}

/**
 * A credit note taken off its invoice: `amount` is what the invoice's price still owed on the
 * note's date (payments deducted); with interest-first imputation the principal may be higher by
 * the interest those payments paid, and the note takes up to `available` of it.
 */
interface RelatedCredit {
  id: string;
  date: IsoDate;
  amount: number;
  available: number;
}

function regimeFor(input: ClaimInput, asOf: IsoDate, legal: LegalData, warnings: Set<string>): Regime {
  if (input.creditor.kind === 'company' && input.debtor.kind === 'company') {
    const contractual =
      input.contractualRatePercent === null ? null : percentToBasisPoints(input.contractualRatePercent);
    return {
      rule: 'C. com. L441-10 (between professionals)',
      // L441-10 II: penalties run from the day after the due date "sans qu'un rappel soit
      // nécessaire"; a formal notice changes nothing here.
      accrualStart: (invoice) => invoice.dueDate,
      rate: (semester) => {
        const rates = ratesFor(legal, semester);
        if (contractual === null) return { bps: l441DefaultRateBps(rates), kind: 'l441-10-default' };
        // "Sauf disposition contraire qui ne peut toutefois fixer un taux inférieur à trois
        // fois le taux d'intérêt légal": the floor constrains only a contractual rate; the
        // default ECB+10 applies even when lower than the floor (reference §1.2, [M]).
        const floor = contractualFloorBps(rates);
        return contractual >= floor
          ? { bps: contractual, kind: 'contractual' }
          : { bps: floor, kind: 'contractual-floor' };
      },
      indemnity: true,
    };
  }

  const individualCreditor = input.creditor.kind === 'individual';
  const rule: ClaimRule = individualCreditor
    ? 'C. civ. 1231-6, 1344-1: legal rate for a private-individual creditor'
    : 'C. civ. 1231-6, 1344-1: legal rate "autres cas" (professional creditor, consumer debtor)';
  const anyOverdue = input.invoices.some((i) => i.kind === 'invoice' && asOf > i.dueDate);
  if (input.contractualRatePercent !== null) {
    warnings.add(
      individualCreditor
        ? CLAIM_FR.contractualRateIndividualCreditor(input.contractualRatePercent)
        : CLAIM_FR.contractualRateConsumer(input.contractualRatePercent),
    );
  }
  const notice = input.formalNoticeDate;
  if (notice === null && anyOverdue) {
    warnings.add(CLAIM_FR.noFormalNotice);
  } else if (notice !== null && notice >= asOf && anyOverdue) {
    warnings.add(CLAIM_FR.noticeNotBeforeAsOf({ notice, asOf }));
  }
  return {
    rule,
    // Interest runs from the mise en demeure (C. civ. 1344-1), and never before the debt is
    // due: a notice sent before the due date starts nothing until then.
    accrualStart: (invoice) => (notice === null ? null : maxDate(invoice.dueDate, notice)),
    rate: (semester) => {
      const rates = ratesFor(legal, semester);
      // CMF L313-2: the category follows the creditor (reference §2).
      return individualCreditor
        ? { bps: rates.legalRateIndividualCreditorBps, kind: 'legal-rate-individual-creditor' }
        : { bps: rates.legalRateOtherBps, kind: 'legal-rate-other' };
    },
    // L441-10 II and D441-5 bind a "professionnel en situation de retard de paiement" towards
    // a professional creditor: no fixed indemnity for a consumer debtor (and CPCE L111-8
    // leaves recovery costs to the creditor) nor for a private-individual creditor, who is
    // outside L441-10 altogether.
    indemnity: false,
  };
}

/** A payment (funds received) or a credit note taken off the invoice, on its date. */
interface Movement {
  date: IsoDate;
  amount: number;
  credit: boolean;
  /** A credit note's id and all it can take off the invoice (see RelatedCredit). */
  noteId?: string;
  available?: number;
}

/**
 * Splits start+1 … asOf into segments with one base and one semester each, and sums their
 * interest exactly. Semester boundaries include 31 December / 1 January, so a segment never
 * spans two calendar years and its leap-year denominator is well defined.
 *
 * Each movement lowers what is owed from the day after its date. With 'interest-first' (C. civ.
 * 1343-1) a payment first pays the interest accrued up to its date, rounded half-up to the minor
 * unit at that imputation, and only the rest lowers the principal base; a credit note, and every
 * payment with 'principal-first', lowers the base by its whole amount. A movement on as-of itself
 * changes no counted day but is imputed all the same.
 */
function accrue(
  total: number,
  movements: readonly Movement[],
  start: IsoDate,
  asOf: IsoDate,
  regime: Regime,
  dayCount: DayCount,
  imputation: Imputation,
): {
  segments: ClaimSegment[];
  interest: number;
  principal: number;
  imputed: { date: IsoDate; amount: number; toInterest: number; toPrincipal: number }[];
  credited: Map<string, number>;
} {
  const first = toEpochDay(start) + 1;
  const last = toEpochDay(asOf);
  const breaks = new Set<number>([first]);
  for (let day = first; ;) {
    const next = toEpochDay(semesterBounds(semesterOf(fromEpochDay(day))).last) + 1;
    if (next > last) break;
    breaks.add(next);
    day = next;
  }
  for (const m of movements) {
    // The base drops the day after the funds are received; a payment on or before the start
    // already lowers the first counted day.
    const effective = toEpochDay(m.date) + 1;
    if (effective > first && effective <= last) breaks.add(effective);
  }
  const starts = [...breaks].sort((a, b) => a - b);

  const segments: ClaimSegment[] = [];
  const imputed: { date: IsoDate; amount: number; toInterest: number; toPrincipal: number }[] = [];
  const credited = new Map<string, number>();
  let base = total;
  let owed = 0n;
  let next = 0;
  const impute = (until: number) => {
    for (; next < movements.length && toEpochDay(movements[next]!.date) < until; next++) {
      const m = movements[next]!;
      if (m.credit) {
        const taken = Math.min(m.available ?? m.amount, Math.max(base, m.amount));
        credited.set(m.noteId ?? '', taken);
        base -= taken;
        continue;
      }
      if (imputation === 'principal-first' || owed === 0n) {
        base -= m.amount;
        continue;
      }
      const interestDue = roundHalfUp(owed);
      const toInterest = Math.min(m.amount, interestDue);
      owed = BigInt(interestDue - toInterest) * DENOMINATOR;
      base -= m.amount - toInterest;
      imputed.push({ date: m.date, amount: m.amount, toInterest, toPrincipal: m.amount - toInterest });
    }
  };
  starts.forEach((from, i) => {
    impute(from);
    const to = (starts[i + 1] ?? last + 1) - 1;
    if (base <= 0) return;
    const fromDate = fromEpochDay(from);
    const semester = semesterOf(fromDate);
    const { bps, kind } = regime.rate(semester);
    const days = to - from + 1;
    const yearDays: 365 | 366 = dayCount === 'actual/actual' && isLeapYear(parts(fromDate).year) ? 366 : 365;
    const numerator = BigInt(base) * BigInt(bps) * BigInt(days) * (yearDays === 365 ? 366n : 365n);
    owed += numerator;
    segments.push({
      from: fromDate,
      to: fromEpochDay(to),
      days,
      ratePercent: basisPointsToPercent(bps),
      base,
      interest: roundHalfUp(numerator),
      semester,
      rateKind: kind,
      yearDays,
    });
  });
  impute(last + 1);
  return { segments, interest: roundHalfUp(owed), principal: base, imputed, credited };
}

/** One warning per semester where the 3× legal-rate floor replaced the contractual rate. */
function floorWarnings(input: ClaimInput, invoices: readonly ClaimInvoiceResult[], legal: LegalData): string[] {
  if (input.contractualRatePercent === null) return [];
  const semesters = new Set<Semester>();
  for (const inv of invoices)
    for (const s of inv.segments) if (s.rateKind === 'contractual-floor') semesters.add(s.semester);
  return [...semesters].sort().map((semester) => {
    const rates = ratesFor(legal, semester);
    return CLAIM_FR.contractualRateBelowFloor({
      contractualPercent: input.contractualRatePercent ?? 0,
      semester,
      legalRateBps: rates.legalRateOtherBps,
      floorBps: contractualFloorBps(rates),
      ecbBps: rates.ecbMroBps,
      defaultBps: l441DefaultRateBps(rates),
    });
  });
}
