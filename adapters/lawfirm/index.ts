export type {
  DirectPayment,
  EventPage,
  FileStatus,
  LawFirmPartner,
  PartnerDocument,
  PartnerEvent,
  SubmitRequest,
  SubmitResult,
} from '../../connector/ports/lawfirm';
export { HttpLawFirmPartner, type FirmDocument, type HttpLawFirmPartnerOptions } from './http-client';
export {
  LawFirmHttpConfigSchema,
  MAX_DOCUMENT_BYTES,
  MAX_EVENTS_PAGE,
  MIN_WEBHOOK_SECRET_LENGTH,
  webhookSecrets,
  type LawFirmHttpConfig,
} from './config.schema';
export {
  DEFAULT_TOLERANCE_SECONDS,
  SIGNATURE_HEADER,
  signWebhook,
  TIMESTAMP_HEADER,
  verifyWebhook,
  webhookDigest,
  webhookHeaders,
  type VerifyWebhookInput,
  type WebhookHeaders,
  type WebhookRefusalReason,
  type WebhookSecrets,
  type WebhookVerification,
} from './webhook-signature';
export {
  parseWebhookPayload,
  PartnerEventWireSchema,
  WebhookPayloadWireSchema,
} from '../../mappings/lawfirm/wire.schema';
