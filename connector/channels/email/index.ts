export type { EmailAttachment, EmailChannel, EmailMessage, EmailSendResult } from './email-channel';
export { EmailChannelConfigSchema, type EmailChannelConfig, type EmailChannelConfigInput } from './email-config.schema';
export { domainOf, keyHash, messageIdFor } from './message-id';
export { classifySmtpError, scrub, type SmtpErrorContext } from './smtp-errors';
export { createSmtpEmailChannel, KEY_HEADER } from './smtp-email-channel';
export { composeEmail, type ComposedEmail } from './compose';
