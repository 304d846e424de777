export type {
  SmsDeliveryStatus,
  SmsProvider,
  SmsSendRequest,
  SmsSendResult,
  SmsSendStatus,
  SmsStatusResult,
} from '../../connector/ports/sms';
export { HttpSmsProvider, type HttpSmsProviderOptions } from './http-client';
export {
  ContactWindowSchema,
  SenderIdSchema,
  SmsConfigSchema,
  type ContactWindowConfig,
  type SmsConfig,
} from './config.schema';
export {
  checkContactWindow,
  DEFAULT_CONTACT_WINDOW,
  type ContactWindow,
  type ContactWindowDecision,
} from './contact-window';
export { segmentSms, SMS_LIMITS, type SmsEncoding, type SmsSegmentation } from './segments';
export { frenchNumberToE164, isE164, isFrenchMobile, maskPhoneNumber } from '../../connector/model/phone-number';
export { senderIdProblem, SENDER_ID_MAX } from './sender-id';
