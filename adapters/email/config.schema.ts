import { z } from 'zod';

/**
 * The e-mail channel's configuration: the SMTP server reminders and formal notices are sent
 * through. Every option says its unit and default. The password is a secret: write it as
 * `pass: ${SMTP_PASSWORD}` so that it comes from the environment (the loader then keeps it out
 * of every log line).
 */

const HOSTNAME =
  /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

const timeoutMs = (what: string, dflt: number) =>
  z
    .number({ error: `${what} must be a number of milliseconds` })
    .int({ error: `${what} must be a whole number of milliseconds` })
    .min(100, { error: `${what} must be at least 100 ms` })
    .max(600_000, { error: `${what} must be at most 600000 ms (10 minutes)` })
    .default(dflt);

export const EmailChannelConfigSchema = z.strictObject({
  /** SMTP server host name or IP address, e.g. smtp.example.com. Required. */
  host: z.string().min(1, { error: 'host must not be empty' }),
  /** TCP port. Default 587 (message submission with STARTTLS); 465 goes with secure: true. */
  port: z.number().int().min(1).max(65_535, { error: 'port must be between 1 and 65535' }).default(587),
  /** true: TLS from the first byte (port 465). Default false: a plain connection upgraded with STARTTLS. */
  secure: z.boolean().default(false),
  /**
   * With secure: false, refuse to send unless the server upgrades the connection with STARTTLS.
   * Default true: reminders carry personal data and amounts (GDPR art. 32). false only for a
   * relay on the same machine.
   */
  requireTls: z.boolean().default(true),
  /** Check the server's TLS certificate. Default true; false only for a test relay with a self-signed certificate. */
  rejectUnauthorized: z.boolean().default(true),
  /** SMTP login; omit for a relay that needs none. */
  auth: z
    .strictObject({
      user: z.string().min(1, { error: 'auth.user must not be empty' }),
      /** A secret: write `${SMTP_PASSWORD}` and set the variable. */
      pass: z.string().min(1, { error: 'auth.pass must not be empty (write it as ${SMTP_PASSWORD})' }),
    })
    .optional(),
  /** The sender the debtor sees. */
  from: z.strictObject({
    address: z.email({ error: 'from.address must be an e-mail address' }),
    /** Display name, e.g. the company's name. */
    name: z.string().min(1, { error: 'from.name must not be empty' }),
  }),
  /** Where replies go (the collection team's mailbox); default: the from address. */
  replyTo: z.email({ error: 'replyTo must be an e-mail address' }).optional(),
  /** Right-hand side of the Message-ID; default: the domain of from.address. */
  messageIdDomain: z
    .string()
    .regex(HOSTNAME, { error: 'messageIdDomain must be a domain name such as example.com' })
    .optional(),
  /** How long to wait for the TCP (and TLS) connection, in ms. Default 10000. */
  connectionTimeoutMs: timeoutMs('connectionTimeoutMs', 10_000),
  /** How long to wait for the server's greeting once connected, in ms. Default 30000. */
  greetingTimeoutMs: timeoutMs('greetingTimeoutMs', 30_000),
  /** How long the connection may stay silent during a command before it is dropped, in ms. Default 60000. */
  socketTimeoutMs: timeoutMs('socketTimeoutMs', 60_000),
});
export type EmailChannelConfig = z.infer<typeof EmailChannelConfigSchema>;
export type EmailChannelConfigInput = z.input<typeof EmailChannelConfigSchema>;
