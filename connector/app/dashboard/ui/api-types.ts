/**
 * The shapes the dashboard reads from the API (connector/app/http/*-routes.ts, connector/kpis/
 * overview.ts, connector/cases/case-view.ts). Written out here rather than imported: the browser
 * build must not pull the daemon's modules, and only the fields shown are listed.
 */

export type Role = 'viewer' | 'controller' | 'approver';

export interface SessionUser {
  username: string;
  displayName: string;
  role: Role;
}

export interface SessionAnswer {
  user: SessionUser;
  csrfToken: string;
}

export interface Text2 {
  fr: string;
  en: string;
}

export interface Kpi {
  value: number | null;
  formula: Text2;
  unavailable?: string;
}

export interface AgingRow {
  bucket: string;
  items: number;
  amount: number;
}

export interface StageRow {
  stage: string;
  cases: number;
  items: number;
  amount: number;
}

export interface CurrencyOverview {
  currency: string;
  receivables: number;
  overdue: number;
  current: number;
  unappliedCredits: number;
  disputed: number;
  excluded: number;
  overdueRatio: Kpi;
  aging: AgingRow[];
  dso: { standard: Kpi; countback: Kpi; bestPossible: Kpi; daysDelinquent: Kpi; windowSales: number };
  stages: StageRow[];
  /** Absent from an older daemon's answer: each section is shown when present. */
  cei?: Kpi & { variant?: Text2 };
  trend?: { period: string; dsoStandard?: number | null; dsoCountback?: number | null; overdue?: number }[];
  funnel?: RecoveryFunnel;
  recoveredBy?: RecoveredBy;
}

/** connector/kpis/recovery.ts */
export interface RecoveryFunnel {
  steps: { step: string; cases: number; share: Kpi }[];
  recovered: { withoutFirm: number; afterFirm: number };
  recoveryRate: Kpi;
}

export interface RecoveredBy {
  channels: { channel: string; amount: number; payments: number; share: Kpi }[];
  total: number;
  months: { period: string; amounts: Record<string, number> }[];
}

export interface PortfolioOverview {
  asOf: string;
  window: { from: string; to: string; days: number };
  basis: Text2;
  recovery?: { from: string; to: string; countingSince: string | null; partial: boolean; basis: Text2 };
  currencies: CurrencyOverview[];
}

export interface RiskReason {
  code: string;
  fr: string;
  en: string;
}

export interface WorklistItem {
  caseId: string;
  debtor: { id: string; name: string };
  companyId: string;
  connectionIds: string[];
  stage: string;
  currency: string;
  open: number;
  overdue: number;
  itemCount: number;
  oldestDueDate: string | null;
  daysOverdue: number;
  paused: boolean;
  pendingApproval: boolean;
  risk: { score: number; level: string; reasons: RiskReason[] } | null;
}

export interface WorklistPage {
  asOf: string;
  items: WorklistItem[];
  next: string | null;
  /** How the risk points are counted, once for the page. */
  riskRules?: Text2;
  /** Cases whose place in the list is still being computed (a large sync being saved). */
  summariesPending?: number;
}

export interface Receivable {
  id: string;
  kind: 'invoice' | 'credit_note';
  number: string;
  issueDate: string;
  dueDate: string;
  currency: string;
  total: number;
  open: number;
  source?: { connection?: string };
  disputed: { reason: string; since: string } | null;
  excluded: { reason: string; since: string } | null;
  promiseToPay: { date: string; amount?: number; recordedOn: string } | null;
  paymentPlan: { instalments: { dueDate: string; amount: number }[]; agreedOn: string } | null;
  documentUrl?: string;
}

/** GET /cases/:id/next-step (connector/policy/next-step.ts). */
export interface NextStepView {
  asOf: string;
  status: string;
  step: { id: string; kind: string; channels: string[]; requiresApproval: boolean } | null;
  dueOn: string | null;
  resumesOn?: string | null;
  reasons: { code: string; message: string }[];
}

/** GET /cases/:id/claim (connector/dossier/build-dossier.ts `CaseClaim`). */
export interface CaseClaimView {
  asOf: string;
  claim: {
    currency: string;
    rule: string;
    principal: number;
    interest: number;
    indemnity: number;
    total: number;
    lines: {
      kind: string;
      number: string;
      dueDate: string;
      principal: number;
      interest: number;
      indemnity: number;
      segments: { from: string; to: string; days: number; ratePercent: string; interest: number }[];
    }[];
    warnings: string[];
  } | null;
  leftOut: { number: string; reason: string; open: number }[];
  unavailable?: string;
}

export interface CaseDetail {
  case: {
    id: string;
    debtorId: string;
    companyId: string;
    currency: string;
    stage: string;
    manualPause: { reason: string; until: string | null } | null;
    pendingApproval: { stepId: string; index: number; on: string } | null;
    lastContactOn: string | null;
    openedAt: string;
  };
  debtor: { id: string; name: string; kind: string } | null;
  items: Receivable[];
  amounts: {
    currency: string;
    invoices: number;
    credit: number;
    net: number;
    overdue: number;
    disputed: number;
    excluded: number;
  };
  asOf: string;
}

export interface JournalEntry {
  seq?: number;
  at: string;
  actor: { kind: string; id: string };
  type: string;
  summary: string;
  data: Record<string, unknown>;
}

export interface JournalPage {
  entries: JournalEntry[];
  next: number | null;
}

export interface StoredDocument {
  id: string;
  kind: string;
  mediaType: string;
  provenAt: string | null;
  createdAt: string;
  size: number;
  sha256: string;
}

export interface Deadline {
  what: string;
  rule: string;
  article: string;
  dueOn: string | null;
}

export interface DossierView {
  id: string;
  partner: string;
  fileId: string | null;
  status: string;
  state: string;
  stateAt: string;
  submittedAt: string;
  content: {
    recommendedProcedure?: string;
    court?: { kind: string; name?: string; territory?: string };
    reasons?: string[];
    deadlines?: Deadline[];
    claim?: {
      asOf: string;
      currency: string;
      principal?: number;
      interest?: number;
      indemnity?: number;
      total?: number;
    };
  };
  procedureEvents: { id: string; state: string; sourceState: string; occurredAt: string; note?: string }[];
  deadlines: Deadline[];
}

export interface DebtorProfile {
  debtorId?: string;
  averageDaysToPay?: number | null;
  trend?: Text2 | string | null;
  paidLateShare?: number | null;
  promisesKept?: number | null;
  disputes?: number | null;
  risk?: { score: number; level: string; reasons: RiskReason[] } | null;
}

export interface GateConditionView {
  id: string;
  pass: boolean;
  reason: string;
}

export interface ApprovalView {
  caseId: string;
  debtor: { id: string; name: string; kind: string } | null;
  step: { id: string; kind: string; channels: string[] } | null;
  decidedOn: string;
  decisionId: string | null;
  amounts: { currency: string; open: number; overdue: number; credit: number } | null;
  itemIds: string[];
  manualPause: { reason: string; until: string | null } | null;
  /** Later in the API: the gate as checked and the procedure the dossier would recommend. */
  gate?: { pass: boolean; conditions: GateConditionView[] };
  recommendation?: { procedure: string; court: { kind: string; name?: string; territory?: string }; reasons: string[] };
}

export interface ConnectionView {
  id: string;
  type: string | null;
  authorization: {
    state: 'ok' | 'expiring' | 'reconnect' | 'unreadable';
    endsAt?: string;
    daysLeft?: number;
    message: string;
  } | null;
  /** What the daemon has seen of its syncs since it started; null before the first ends. */
  sync?: {
    lastSuccessAt: string | null;
    lagSeconds: number | null;
    lastError: { code: string; message: string; at: string } | null;
    calls: { reads: number; writes: number; throttled: number } | null;
  } | null;
  /** A provider that meters reads per month (QuickBooks): this month's against the allowance, kept in the store. */
  reads?: MonthlyReads;
}

export interface MonthlyReads {
  /** YYYY-MM, the month in UTC. */
  period: string;
  used: number;
  allowance: number;
  /** used ÷ allowance: from 0.8 a warning, from 1 reads are refused until `resetsAt`. */
  share: number;
  resetsAt: string;
}

/** GET /lawfirm (connector/app/http/lawfirm-routes.ts). */
export type LawFirmView =
  | { configured: false }
  | {
      configured: true;
      id: string;
      webhook: { configured: boolean; path: string | null };
      polling: { cron: string; timeZone: string } | { everySimulatedSeconds: number } | null;
      lastPollAt: string | null;
      lastPollError: { code: string; message: string; at: string } | null;
      lastEventAt: string | null;
      dossiers: { awaitingAnswer: number; open: number; refused: number; ended: number };
      outbox: { waiting: number; failed: number };
    };

export interface QuarantinedRecord {
  connection: string;
  stream: string;
  sourceId: string;
  reason: string;
  at: string;
}

export interface FailedJob {
  id: string;
  name: string;
  attemptsMade: number;
  error: string | undefined;
  createdAt: string;
  finishedAt: string | undefined;
}

export interface RateStatus {
  asOf: string;
  known: { semester: string; origin: string; ecbMroPercent: string }[];
  missing: { semester: string; startsOn: string; state: 'missing' | 'upcoming'; where: string[] }[];
  warnings: string[];
}
