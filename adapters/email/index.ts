export type { EmailAttachment, EmailChannel, EmailMessage, EmailSendResult } from '../../connector/ports/email';
export { EmailChannelConfigSchema, type EmailChannelConfig, type EmailChannelConfigInput } from './config.schema';
export { domainOf, keyHash, messageIdFor } from './message-id';
export { classifySmtpError, scrub, type SmtpErrorContext } from './smtp-errors';
export { createSmtpEmailChannel, KEY_HEADER } from './smtp-email-channel';
