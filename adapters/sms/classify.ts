import { AdapterError } from '../../connector/ports/adapter-error';
import { redactString } from '../../connector/log/logger';
import { maskPhoneNumber } from '../../connector/model/phone-number';
import { providerError } from './wire.schema';

/**
 * SMS provider failures → typed AdapterErrors. The kind decides what happens next: config fails
 * fast, transient and rate_limit go back to the one retry policy, system stops that message.
 * Texts name the phone number masked only, and never the API key.
 */

export interface SmsCallContext {
  /** `sms.send` or `sms.status`. */
  what: string;
  url: string;
  isWrite: boolean;
  /** The recipient, for messages that must name it (masked). */
  to?: string;
  idempotencyKey?: string;
  secrets: readonly string[];
}

const EXCERPT = 400;

export function classifySmsResponse(
  status: number,
  body: string,
  retryAfter: string | undefined,
  ctx: SmsCallContext,
): AdapterError {
  const error = providerError(body);
  const said = error ? `${error.code}: ${error.message}` : body.slice(0, EXCERPT);
  const detail = redactString(`${ctx.what}: HTTP ${status} from ${ctx.url}: ${said}`, ctx.secrets);
  const message = redactString(error?.message ?? '', ctx.secrets);
  const number = ctx.to === undefined ? 'the number' : maskPhoneNumber(ctx.to);
  if (status === 429)
    return new AdapterError({
      code: 'SMS_RATE_LIMITED',
      kind: 'rate_limit',
      userMessage: 'the SMS provider asks to slow down (HTTP 429)',
      detail,
      ...retryAfterMs(retryAfter),
    });
  if (status === 401)
    return new AdapterError({
      code: 'SMS_ACCESS_DENIED',
      kind: 'config',
      userMessage: 'the SMS provider refused the API key (HTTP 401): check `apiKey`',
      detail,
    });
  if (status === 403 && error?.code === 'sender_not_allowed') {
    return new AdapterError({
      code: 'SMS_SENDER_NOT_ALLOWED',
      kind: 'config',
      userMessage: `the SMS provider does not let this account send as this sender id (${message}): register it with the provider or change \`senderId\``,
      detail,
    });
  }
  if (status === 403)
    return new AdapterError({
      code: 'SMS_FORBIDDEN',
      kind: 'config',
      userMessage: `the SMS provider refused ${ctx.what} for this API key (HTTP 403): give the key the right to send and read messages`,
      detail,
    });
  if (status === 400 && error?.code === 'invalid_number') {
    return new AdapterError({
      code: 'SMS_INVALID_NUMBER',
      kind: 'system',
      userMessage: `the SMS provider refused ${number} as a phone number: correct the debtor's mobile number`,
      detail,
    });
  }
  if (status === 400 && error?.code === 'invalid_sender') {
    return new AdapterError({
      code: 'SMS_INVALID_SENDER',
      kind: 'config',
      userMessage: `the SMS provider refused the sender id (${message}): change \`senderId\``,
      detail,
    });
  }
  if (status === 409 && error?.code === 'idempotency_conflict') {
    // Two different messages under one key: a bug above the adapter, which no retry can fix.
    return new AdapterError({
      code: 'SMS_IDEMPOTENCY_CONFLICT',
      kind: 'system',
      userMessage: `the idempotency key${ctx.idempotencyKey === undefined ? '' : ` ${ctx.idempotencyKey}`} was already used for a different SMS: nothing was sent; each outbox action needs its own key`,
      detail,
    });
  }
  if (status === 404 && error?.code === 'message_not_found') {
    return new AdapterError({
      code: 'SMS_MESSAGE_NOT_FOUND',
      kind: 'system',
      userMessage: `the SMS provider has no message with this id (${message})`,
      detail,
    });
  }
  if (status === 404)
    return new AdapterError({
      code: 'SMS_ENDPOINT_NOT_FOUND',
      kind: 'config',
      userMessage: `${ctx.url} does not exist: \`baseUrl\` must be the provider's address without /v1`,
      detail,
    });
  if (status >= 500) {
    // Safe to retry even for a send: the provider deduplicates on the Idempotency-Key, so an SMS
    // it did accept before failing is answered again, not sent twice.
    return new AdapterError({
      code: 'SMS_PROVIDER_ERROR',
      kind: 'transient',
      userMessage: `the SMS provider answered HTTP ${status}`,
      detail,
      ...retryAfterMs(retryAfter),
    });
  }
  if (status >= 300 && status < 400)
    return new AdapterError({
      code: 'SMS_REDIRECTED',
      kind: 'config',
      userMessage: `${ctx.url} answers with a redirect (HTTP ${status}): set \`baseUrl\` to the final address`,
      detail,
    });
  if (status >= 400 && status < 500)
    return new AdapterError({
      code: 'SMS_REJECTED',
      kind: 'system',
      userMessage: `the SMS provider refused ${ctx.what} (HTTP ${status}${message ? `: ${message}` : ''})`,
      detail,
    });
  return new AdapterError({
    code: 'SMS_HTTP_ERROR',
    kind: 'system',
    userMessage: `the SMS provider answered HTTP ${status} to ${ctx.what}`,
    detail,
  });
}

/** Answers that are not what the contract promises, after the provider may have accepted a send. */
export function badResponse(problem: string, body: string, ctx: SmsCallContext): AdapterError {
  return new AdapterError({
    code: 'SMS_BAD_RESPONSE',
    kind: 'system',
    outcomeUnknown: ctx.isWrite,
    userMessage: `${ctx.what}: the SMS provider's answer ${problem}${ctx.isWrite ? `; the SMS may have been accepted. ${SAFE_TO_RESEND}` : ''}`,
    detail: redactString(`${ctx.what}: ${ctx.url}: ${body.slice(0, EXCERPT)}`, ctx.secrets),
  });
}

const SAFE_TO_RESEND =
  'Sending it again with the same idempotency key is safe: the provider deduplicates on it and answers the first message instead of sending a second';

/** The request never left: nothing can have been sent. */
const NOT_SENT = new Set(['ECONNREFUSED', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

export function classifySmsNetworkError(code: string | undefined, message: string, ctx: SmsCallContext): AdapterError {
  const detail = redactString(`${ctx.what}: ${code ?? 'network error'} on ${ctx.url}: ${message}`, ctx.secrets);
  if (code === 'ENOTFOUND')
    return new AdapterError({
      code: 'SMS_HOST_NOT_FOUND',
      kind: 'config',
      userMessage: `the host of ${ctx.url} does not exist: check \`baseUrl\``,
      detail,
    });
  if (code !== undefined && NOT_SENT.has(code))
    return new AdapterError({
      code: 'SMS_UNREACHABLE',
      kind: 'transient',
      userMessage: `cannot reach the SMS provider at ${ctx.url} (${code})`,
      detail,
    });
  if (ctx.isWrite) {
    // The request went out and its answer was lost (reset, timeout): the SMS may be accepted.
    return new AdapterError({
      code: 'SMS_ANSWER_LOST',
      kind: 'transient',
      outcomeUnknown: true,
      userMessage: `the answer to an SMS send to ${ctx.to === undefined ? 'the debtor' : maskPhoneNumber(ctx.to)} was lost (${code ?? 'network error'}), so it may have been accepted. ${SAFE_TO_RESEND}`,
      detail,
    });
  }
  return new AdapterError({
    code: 'SMS_UNREACHABLE',
    kind: 'transient',
    userMessage: `the SMS provider at ${ctx.url} did not answer (${code ?? 'network error'})`,
    detail,
  });
}

export function retryAfterMs(header: string | undefined, now: number = Date.now()): { retryAfterMs?: number } {
  if (!header) return {};
  const seconds = Number(header);
  if (header.trim() !== '' && Number.isFinite(seconds) && seconds >= 0)
    return { retryAfterMs: Math.round(seconds * 1000) };
  const at = Date.parse(header);
  return Number.isNaN(at) ? {} : { retryAfterMs: Math.max(0, at - now) };
}
