import type { ClaimSegment } from '../claim/compute-claim';
import type { DayCount } from '../claim/compute-claim';
import type { ProcedureState } from '../model/procedure-event.schema';

/**
 * Every phrase of the reminders and of the formal notice, for one language. The templates
 * (templates.ts, formal-notice-letter.ts) decide what is said in which order; a wording only
 * says it. Amounts and dates arrive already formatted, so a phrase never computes anything.
 *
 * To add a language: copy fr.wording.ts to <lang>.wording.ts, translate, and list it in
 * WORDINGS below. The legal references stay French law whatever the language.
 */

export interface StatementRow {
  number: string;
  issueDate: string;
  dueDate: string;
  daysLate: number;
  open: string;
}

export interface CreditorIdentity {
  name: string;
  address: string;
  siren: string | null;
}

export interface DocumentWording {
  language: string;
  /** For formatMoney and numbers. */
  locale: string;
  formatDate(iso: string): string;
  formatLongDate(iso: string): string;
  formatPercent(percent: number): string;
  formatSiren(siren: string): string;

  subjects: {
    preDue(p: { count: number; firstNumber: string; firstDueDate: string; total: string; creditor: string }): string;
    reminder1(p: { count: number; firstNumber: string; total: string; creditor: string }): string;
    reminder2(p: { count: number; firstNumber: string; total: string; creditor: string }): string;
    formalNotice(p: { total: string; creditor: string }): string;
  };

  greeting: string;
  columns: {
    number: string;
    creditNote: string;
    issueDate: string;
    dueDate: string;
    daysLate: string;
    open: string;
    amount: string;
    interest: string;
    indemnity: string;
  };
  /** One open invoice in a plain-text statement. */
  overdueLine(row: StatementRow): string;
  /** An overdue invoice in the plain-text claim of a formal notice, with its interest and indemnity when claimed. */
  claimLine(row: StatementRow & { interest: string | null; indemnity: string | null }): string;
  upcomingLine(row: Omit<StatementRow, 'daysLate'>): string;
  creditNoteLine(p: { number: string; issueDate: string; open: string }): string;
  creditNotesIntro: string;
  totals: {
    overdue(amount: string): string;
    upcoming(amount: string): string;
    credit(amount: string): string;
    netDue(amount: string): string;
  };
  /** Short labels for the totals rows of tables. */
  totalLabels: { overdue: string; upcoming: string; credit: string; netDue: string };

  preDue: { intro(count: number): string; overdueToo(count: number): string; thanks: string };
  reminder1: { intro(count: number): string; request: string };
  reminder2: {
    intro(count: number): string;
    request: string;
    latePenaltiesB2b(p: { indemnity: string | null }): string;
    nextStep: string;
  };
  alreadyPaid: string;
  dispute: string;
  payment: {
    transfer(p: { iban: string; bic?: string | undefined; reference?: string | undefined }): string;
    online(url: string): string;
  };
  contact(p: { email: string; phone?: string | undefined }): string;
  signOffCourteous: string;
  signOffFormal: string;
  footer: { identity(c: CreditorIdentity): string; privacy(p: { creditor: string; email: string }): string };

  notice: {
    fileName(caseRef: string): string;
    emailIntro(p: { total: string; byRegisteredLetter: boolean }): string;
    title: string;
    object: string;
    registeredLetter: string;
    alsoByEmail: string;
    reference(ref: string): string;
    placeAndDate(p: { place: string; date: string }): string;
    signedAt(p: { place: string; date: string }): string;
    defaultSignatory: string;
    origin(count: number): string;
    claimHeading(date: string): string;
    principalLabel: string;
    interestLabelB2b(date: string): string;
    interestLabelLegal(date: string): string;
    indemnityLabel(p: { count: number; each: string }): string;
    totalLabel: string;
    basisB2b(p: { rateBasis: string; dayCount: string; rates: string; indemnity: string | null; asOf: string }): string;
    basisConsumer(p: { principal: string; interest: string | null; asOf: string }): string;
    /** Partial payments paid the interest accrued first (C. civ. 1343-1): how much, on which invoices. */
    imputedFirst(p: { amount: string; invoices: string; b2b: boolean }): string;
    rateBasis(kind: ClaimSegment['rateKind']): string;
    /** Contractual rate in some semesters, the legal floor in others. */
    rateBasisContractualWithFloor: string;
    dayCount(d: DayCount): string;
    semester(semester: string): string;
    demand(p: { total: string; deadlineDays: number }): string;
    stillRunningB2b: string;
    consequencesB2b: string;
    consequencesConsumer: string;
    disputeInvite: string;
    formalEffect: string;
    page(p: { index: number; count: number }): string;
  };

  /** What the connector writes into the ledger: notes and activities (connector/outbox/ledger-texts.ts, connector/lawfirm/procedure-events.ts). */
  ledger: LedgerWording;
}

/**
 * The texts of the ledger: the note of each decision, the activities asking a controller to act,
 * and the notes of the law firm's procedure events. Plain text (each adapter turns it into its
 * ledger's format); amounts and dates arrive formatted, dates in the company's time zone.
 */
export interface LedgerWording {
  channel(channel: string): string;
  stepLabel(step: { id: string; kind: string }): string;
  reference(caseRef: string): string;
  decidedNote(p: {
    step: string;
    date: string;
    channels: string;
    itemCount: number;
    open: string;
    overdue: string;
    credit: string | null;
    creditNotes: string;
  }): string;
  approval: {
    summary(step: string): string;
    text(p: { step: string; debtor: string; since: string; open: string }): string;
  };
  /**
   * An activity written as a note, for a ledger that has no tasks (QuickBooks Online): the task's
   * summary, text and due date in one entry a person reading the invoice sees.
   */
  taskNote(p: { summary: string; text: string; due: string | null }): string;
  phoneCall: {
    summary(debtor: string): string;
    text(p: { debtor: string; phones: readonly string[]; overdue: string; open: string }): string;
  };
  procedure: {
    state(state: ProcedureState): string;
    /** What the controller must do when the firm reports this state, if anything (an activity). */
    controllerMustAct(state: ProcedureState): string | undefined;
    note(p: { state: string; label: string | null; date: string }): string;
    recovered(amount: string): string;
    firmWord(word: string): string;
    rateIncrease(p: { points: number; date: string; article: string }): string;
    titleDeadline(p: { date: string; years: number; article: string }): string;
    activitySummary(state: string): string;
    todo(what: string): string;
  };
}
