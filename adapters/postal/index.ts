export type {
  LetterEvent,
  LetterKind,
  LetterProof,
  LetterSendRequest,
  LetterSendResult,
  LetterStatus,
  LetterStatusResult,
  PostalAddress,
  PostalProvider,
} from '../../connector/ports/postal';
export { HttpPostalProvider, type HttpPostalProviderOptions } from './http-client';
export { DEFAULT_MAX_PDF_BYTES, PostalConfigSchema, type PostalConfig } from './config.schema';
export { ADDRESS_RULES, addressProblems, pdfProblems } from './letter-checks';
