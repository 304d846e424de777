import nodemailer from 'nodemailer';
import { AdapterError } from '../../connector/ports/adapter-error';
import type { EmailChannel, EmailMessage, EmailSendResult } from '../../connector/ports/email';
import { EmailChannelConfigSchema, type EmailChannelConfig, type EmailChannelConfigInput } from './config.schema';
import { domainOf, keyHash, messageIdFor } from './message-id';
import { classifySmtpError, type SmtpErrorContext } from './smtp-errors';

/**
 * The e-mail channel over SMTP (nodemailer). The only file that imports nodemailer. Pooled
 * connections: an evaluation decides thousands of reminders at once.
 * Retries are not done here: the outbox decides (connector/sync/retry-policy.ts).
 */

/** Header carrying the hash of the outbox idempotency key, for support and de-duplication. */
export const KEY_HEADER = 'X-Recouvra-Key';

function addressOf(a: string | { address: string }): string {
  return typeof a === 'string' ? a : a.address;
}

export function createSmtpEmailChannel(rawConfig: EmailChannelConfig | EmailChannelConfigInput): EmailChannel {
  const config = EmailChannelConfigSchema.parse(rawConfig);
  // https://nodemailer.com/smtp/ (options), RFC 5321 for the protocol and its reply codes.
  const transporter = nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure,
    requireTLS: !config.secure && config.requireTls,
    tls: { rejectUnauthorized: config.rejectUnauthorized, minVersion: 'TLSv1.2' },
    ...(config.auth ? { auth: { user: config.auth.user, pass: config.auth.pass } } : {}),
    connectionTimeout: config.connectionTimeoutMs,
    greetingTimeout: config.greetingTimeoutMs,
    socketTimeout: config.socketTimeoutMs,
    // Attachments are buffers built by the connector: never let a message read a file or a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
    // One connection per message costs the greeting, STARTTLS and the login each time (about
    // 100 ms even on loopback): a pooled connection keeps an evaluation's thousands of reminders
    // within the outbox's latency target.
    pool: true,
    maxConnections: 2,
    maxMessages: 1_000,
    logger: false,
    debug: false,
  });
  const domain = config.messageIdDomain ?? domainOf(config.from.address);
  const context = (recipients: readonly string[]): SmtpErrorContext => ({
    host: config.host,
    recipients,
    user: config.auth?.user,
    secrets: config.auth ? [config.auth.pass] : [],
  });

  return {
    async send(message: EmailMessage): Promise<EmailSendResult> {
      if (message.to.length === 0) {
        throw new AdapterError({
          code: 'EMAIL_NO_RECIPIENT',
          kind: 'system',
          userMessage: 'the message has no recipient: the debtor has no e-mail address',
        });
      }
      const messageId = messageIdFor(message.idempotencyKey, domain);
      try {
        // https://nodemailer.com/message/ (messageId, headers, attachments)
        const info = await transporter.sendMail({
          from: { name: config.from.name, address: config.from.address },
          to: message.to,
          ...(config.replyTo ? { replyTo: config.replyTo } : {}),
          subject: message.subject,
          text: message.text,
          html: message.html,
          attachments: message.attachments.map((a) => ({
            filename: a.filename,
            content: a.content,
            contentType: a.contentType,
          })),
          messageId,
          headers: { [KEY_HEADER]: keyHash(message.idempotencyKey) },
        });
        return { messageId, accepted: info.accepted.map(addressOf), rejected: info.rejected.map(addressOf) };
      } catch (e) {
        throw classifySmtpError(e, context(message.to));
      }
    },
    async verify(): Promise<void> {
      try {
        await transporter.verify();
      } catch (e) {
        throw classifySmtpError(e, context([]));
      }
    },
    close(): void {
      transporter.close();
    },
  };
}
