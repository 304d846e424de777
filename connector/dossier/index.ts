export {
  buildDossier,
  caseClaimFromRecords,
  type CaseClaim,
  dossierFromRecords,
  dossierIdOf,
  type CreditorIdentity,
  type DossierDeps,
} from './build-dossier';
export { claimedReceivables, matchClaimedReceivables, type DossierClaimLines } from './claimed-items';
export { loadCaseRecords, type CaseRecords, type ItemPayment } from './case-records';
export { selectClaim, type ClaimSelection } from './claim-selection';
export { DossierError, type DossierErrorCode } from './dossier-error';
export {
  checkEscalation,
  GATE_CONDITIONS,
  type EscalationGate,
  type GateCondition,
  type GateConditionId,
  type GateOptions,
} from './escalation-gate';
export { buildEvidence } from './evidence';
export { findFormalNotice, type FormalNotice, type NoticeChannel, type NoticeProof } from './formal-notice';
export { escalationGateHook, GATE_JOURNAL_KEY, type GateHookOptions } from './gate-hook';
export {
  legalFormFromInseeCode,
  legalFormFromName,
  resolveLegalForm,
  isMerchant,
  type DeclaredLegalForm,
} from './legal-form';
export {
  COURTS_FILE,
  loadProcedureData,
  parseCourtsData,
  parseProcedureData,
  PROCEDURES_FILE,
  type CourtsData,
  type ProcedureData,
} from './procedure-data';
export {
  recommendProcedure,
  type Circumstances,
  type ProcedureDeadline,
  type ProcedureFacts,
  type ProcedureRecommendation,
} from './recommend-procedure';
