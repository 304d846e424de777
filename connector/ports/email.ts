/**
 * What the outbox hands to the e-mail channel, and what it gets back. The channel only
 * transports: it never reads the store, the case or the policy.
 */

export interface EmailAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
}

export interface EmailMessage {
  to: string[];
  subject: string;
  text: string;
  html: string;
  attachments: EmailAttachment[];
  /**
   * The outbox row's idempotency key (`case/step/email`). The same key always gives the same
   * Message-ID, so that a message sent again after a crash is recognisable by the receiving
   * system. Only its hash leaves the connector: the key may name a case.
   */
  idempotencyKey: string;
}

export interface EmailSendResult {
  /** The Message-ID header sent, with its angle brackets. */
  messageId: string;
  /** Recipients the server accepted. */
  accepted: string[];
  /** Recipients the server refused while accepting others; empty in the usual case. */
  rejected: string[];
}

/**
 * Failures are `AdapterError`s: `transient` (try again later: 4xx, timeouts, connection
 * refused), `config` (a person must fix the configuration: login refused, sender refused, TLS),
 * `system` (the message will never go through as it is: a mailbox refused permanently).
 */
export interface EmailChannel {
  send(message: EmailMessage): Promise<EmailSendResult>;
  /** Connects and logs in without sending anything (the connection check). */
  verify(): Promise<void>;
  close(): void;
}
