export {
  AmbiguousReferenceError,
  CaseOperationError,
  ConflictError,
  InvalidOperationError,
  NotFoundError,
  type CaseErrorKind,
} from './case-errors';
export { resolveCaseId, resolveItemId, type ReferenceCandidate, type ReferenceScope } from './case-reference';
export {
  CaseOperations,
  type ApprovalOutcome,
  type CallOutcome,
  type CallResult,
  type CaseOperationsDeps,
  type CaseOutcome,
  type ItemMarks,
  type ItemOutcome,
  type PromiseInput,
  type PromiseOutcome,
  type PromiseTarget,
  type RecoveryCostInput,
  type RecoveryCostOutcome,
} from './case-operations';
export {
  amountsOf,
  JOURNAL_PAGE_DEFAULT,
  JOURNAL_PAGE_MAX,
  listApprovals,
  readCaseDetail,
  readJournalPage,
  type ApprovalView,
  type CaseAmounts,
  type CaseDetail,
  type DebtorSummary,
  type JournalPage,
} from './case-view';
export {
  pendingDecision,
  recordedEvaluation,
  stageOfLastStep,
  STAGE_AFTER_STEP,
  type RecordedEvaluation,
  type RecordedStep,
} from './recorded-step';
export {
  MAX_RECEIPT_BYTES,
  receiptMediaType,
  recordedRecoveryCosts,
  type RecordedRecoveryCost,
  type RecoveryCostData,
} from './recovery-cost';
export {
  ACTION_KIND_TEXT,
  GATE_STUCK_DAYS,
  listNeedingAttention,
  type AttentionItem,
  type AttentionKind,
} from './attention';
