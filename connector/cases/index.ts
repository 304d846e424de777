export { CaseOperationError, ConflictError, InvalidOperationError, NotFoundError, type CaseErrorKind } from './case-errors';
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
export { amountsOf, listApprovals, readCaseDetail, type ApprovalView, type CaseAmounts, type CaseDetail, type DebtorSummary } from './case-view';
export { pendingDecision, recordedEvaluation, stageOfLastStep, STAGE_AFTER_STEP, type RecordedEvaluation, type RecordedStep } from './recorded-step';
export { MAX_RECEIPT_BYTES, receiptMediaType, recordedRecoveryCosts, type RecordedRecoveryCost, type RecoveryCostData } from './recovery-cost';
