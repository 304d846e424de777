export { percentToBasisPoints, formatBasisPoints, basisPointsToPercent } from './basis-points';
export {
  ClaimInputSchema,
  ClaimInvoiceSchema,
  ClaimPaymentSchema,
  PartyKindSchema,
  parseClaimInput,
  type ClaimInput,
  type ClaimInputRaw,
  type ClaimInvoice,
  type ClaimPayment,
  type ParsedClaimInput,
  type PartyKind,
} from './claim-input.schema';
export {
  computeClaim,
  DAY_COUNTS,
  type ClaimInvoiceResult,
  type ClaimResult,
  type ClaimRule,
  type ClaimSegment,
  type ComputeClaimOptions,
  type DayCount,
  type RateKind,
} from './compute-claim';
export {
  loadFrenchLegalData,
  buildLegalData,
  LegalDataError,
  LEGAL_FILES,
  type LegalData,
  type LimitationPeriod,
  type SemesterRates,
} from './legal-data';
export {
  prescriptionOf,
  prescriptionWarnings,
  limitationPeriodFor,
  DEFAULT_PRESCRIPTION_WARN_DAYS,
  type Prescription,
  type PrescriptionItem,
} from './limitation';
export {
  MissingRateError,
  ratesFor,
  ratesOn,
  l441DefaultRateBps,
  contractualFloorBps,
  L441_10_MARGIN_BPS,
} from './rates';
export { formatIssues, issuePath } from './zod-issues';
