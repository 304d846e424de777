import { AdapterError } from '../../connector/ports/adapter-error';
import { domainOf } from './message-id';

/**
 * The one place that turns an SMTP failure into a typed error. SMTP reply codes (RFC 5321
 * §4.2.1): 4yz is a transient failure, worth trying again; 5yz is permanent. What a 5yz means
 * depends on the command it answered: the login (535) or the sender (MAIL FROM) is ours to fix,
 * a recipient or the content refused will fail the same way every time.
 *
 * No secret leaves: the password (and its base64 forms, as AUTH PLAIN and LOGIN send them) is
 * removed from anything the server said, and so are the local parts of e-mail addresses.
 */

/** The fields nodemailer puts on its errors. */
interface SmtpFailure {
  message?: unknown;
  code?: unknown;
  originalCode?: unknown;
  responseCode?: unknown;
  response?: unknown;
  command?: unknown;
  rejected?: unknown;
}

export interface SmtpErrorContext {
  host: string;
  /** The message's recipients, for naming their domains. */
  recipients: readonly string[];
  user?: string | undefined;
  /** Values that must never appear (the SMTP password). */
  secrets: readonly string[];
}

const TLS_CERT_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const MAX_REPLY = 300;

/** Every form a secret may take on the wire. */
function secretForms(ctx: SmtpErrorContext): string[] {
  const forms = new Set<string>();
  for (const secret of ctx.secrets) {
    if (!secret) continue;
    forms.add(secret);
    forms.add(Buffer.from(secret, 'utf8').toString('base64'));
    if (ctx.user !== undefined) forms.add(Buffer.from(`\u0000${ctx.user}\u0000${secret}`, 'utf8').toString('base64'));
  }
  for (const f of [...forms]) forms.add(f.replace(/=+$/, ''));
  return [...forms].filter((f) => f.length > 0).sort((a, b) => b.length - a.length);
}

/** Removes secrets and the local part of e-mail addresses (personal data) from a text. */
export function scrub(text: string, ctx: SmtpErrorContext): string {
  let out = text;
  for (const form of secretForms(ctx)) out = out.split(form).join('[redacted]');
  out = out.replace(/[^\s<>"'@,;:()]+@([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g, '***@$1');
  out = out.replace(/\s+/g, ' ').trim();
  return out.length > MAX_REPLY ? `${out.slice(0, MAX_REPLY)}…` : out;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function domains(addresses: readonly string[]): string {
  const unique = [...new Set(addresses.map(domainOf))].sort();
  return unique.length === 0 ? 'the recipient' : unique.join(', ');
}

export function classifySmtpError(error: unknown, ctx: SmtpErrorContext): AdapterError {
  const e: SmtpFailure = typeof error === 'object' && error !== null ? error : { message: String(error) };
  const code = str(e.code);
  const originalCode = str(e.originalCode);
  const command = str(e.command) ?? '';
  const reply = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const rejected = Array.isArray(e.rejected) ? e.rejected.filter((r): r is string => typeof r === 'string') : [];
  const said = str(e.response) ? scrub(String(e.response), ctx) : undefined;
  const detail = scrub(
    [
      `smtp ${ctx.host}`,
      command && `command ${command}`,
      code && `code ${code}`,
      originalCode && `(${originalCode})`,
      said ? `reply "${said}"` : str(e.message),
    ]
      .filter(Boolean)
      .join(' '),
    ctx,
  );
  const serverSaid = said ? ` (server said: ${said})` : '';
  const make = (init: { code: string; kind: 'config' | 'transient' | 'system'; userMessage: string }) =>
    new AdapterError({ ...init, detail });
  const recipientDomains = domains(rejected.length > 0 ? rejected : ctx.recipients);
  const isAuth = code === 'EAUTH' || code === 'ENOAUTH' || command.startsWith('AUTH');

  if (reply !== undefined && reply >= 400 && reply < 500) {
    const about = command === 'RCPT TO' || command === 'DATA' ? ` for ${recipientDomains}` : '';
    return make({
      code: 'EMAIL_DEFERRED',
      kind: 'transient',
      userMessage: `the mail server ${ctx.host} deferred the message${about} with a temporary failure ${reply}${serverSaid}; it will be tried again`,
    });
  }
  if (isAuth || reply === 530 || reply === 534 || reply === 535 || reply === 538) {
    return make({
      code: 'EMAIL_AUTH_FAILED',
      kind: 'config',
      userMessage:
        `the mail server ${ctx.host} refused the login${ctx.user ? ` of user "${ctx.user}"` : ''}${reply ? ` (${reply})` : ''}${serverSaid}: ` +
        `check the e-mail channel's auth.user and the password in its environment variable`,
    });
  }
  if (
    code === 'ETLS' ||
    command === 'STARTTLS' ||
    code === 'EREQUIRETLS' ||
    (originalCode !== undefined && TLS_CERT_CODES.has(originalCode))
  ) {
    return make({
      code: 'EMAIL_TLS',
      kind: 'config',
      userMessage: `no secure connection with ${ctx.host}${originalCode ? ` (${originalCode})` : ''}${reply ? ` (${reply})` : ''}${serverSaid}: check the e-mail channel's port, secure and requireTls options and the server's certificate`,
    });
  }
  if (reply !== undefined && reply >= 500) {
    if (command === 'MAIL FROM' && reply !== 552) {
      return make({
        code: 'EMAIL_SENDER_REFUSED',
        kind: 'config',
        userMessage: `the mail server ${ctx.host} refused our sender address (${reply})${serverSaid}: check that the e-mail channel's from.address may send through this server`,
      });
    }
    if (command === 'RCPT TO') {
      return make({
        code: 'EMAIL_RECIPIENT_REJECTED',
        kind: 'system',
        userMessage: `the mail server refused the recipient at ${recipientDomains} permanently (${reply})${serverSaid}: check the debtor's e-mail address; this message will not be sent again`,
      });
    }
    if (command === 'DATA' || command === 'MAIL FROM') {
      return make({
        code: 'EMAIL_MESSAGE_REJECTED',
        kind: 'system',
        userMessage: `the mail server refused the message to ${recipientDomains} permanently (${reply})${serverSaid}; it will not be sent again as it is`,
      });
    }
    return make({
      code: 'EMAIL_SERVER_REFUSED',
      kind: 'config',
      userMessage: `the mail server ${ctx.host} refused the connection (${reply})${serverSaid}: check the e-mail channel's host and port, and that this machine may relay through it`,
    });
  }
  if (code === 'EDNS' && originalCode === 'ENOTFOUND') {
    return make({
      code: 'EMAIL_HOST_NOT_FOUND',
      kind: 'config',
      userMessage: `the mail server host "${ctx.host}" does not exist: check the e-mail channel's host`,
    });
  }
  if (code === 'ETIMEDOUT') {
    return make({
      code: 'EMAIL_TIMEOUT',
      kind: 'transient',
      userMessage: `the mail server ${ctx.host} did not answer in time; the message will be tried again`,
    });
  }
  if (code === 'ECONNECTION' || code === 'ESOCKET' || code === 'EDNS') {
    return make({
      code: 'EMAIL_CONNECTION',
      kind: 'transient',
      userMessage: `cannot reach the mail server ${ctx.host}${originalCode ? ` (${originalCode})` : ''}; the message will be tried again`,
    });
  }
  return make({
    code: 'EMAIL_FAILED',
    kind: 'system',
    userMessage: `sending through ${ctx.host} failed${code ? ` (${code})` : ''}: ${scrub(str(e.message) ?? 'unknown error', ctx)}`,
  });
}
