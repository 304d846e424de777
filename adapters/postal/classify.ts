import { AdapterError } from '../../connector/ports/adapter-error';
import { redactString } from '../../connector/log/logger';
import { providerError } from './wire.schema';

/**
 * Hybrid-mail provider failures → typed AdapterErrors. The kind decides what happens next: config
 * fails fast, transient and rate_limit go back to the one retry policy, system stops that letter.
 * Texts never carry the API key.
 */

export interface PostalCallContext {
  /** `postal.send`, `postal.status` or `postal.proof`. */
  what: string;
  url: string;
  isWrite: boolean;
  idempotencyKey?: string;
  secrets: readonly string[];
}

const EXCERPT = 400;

export function classifyPostalResponse(
  status: number,
  body: string,
  retryAfter: string | undefined,
  ctx: PostalCallContext,
): AdapterError {
  const error = providerError(body);
  const said = error
    ? `${error.code}: ${error.message}${error.details.length ? ` (${error.details.join('; ')})` : ''}`
    : body.slice(0, EXCERPT);
  const detail = redactString(`${ctx.what}: HTTP ${status} from ${ctx.url}: ${said}`, ctx.secrets);
  const reasons = redactString(
    error ? (error.details.length ? error.details.join('; ') : error.message) : '',
    ctx.secrets,
  );
  if (status === 429)
    return new AdapterError({
      code: 'POSTAL_RATE_LIMITED',
      kind: 'rate_limit',
      userMessage: 'the postal provider asks to slow down (HTTP 429)',
      detail,
      ...retryAfterMs(retryAfter),
    });
  if (status === 401)
    return new AdapterError({
      code: 'POSTAL_ACCESS_DENIED',
      kind: 'config',
      userMessage: 'the postal provider refused the API key (HTTP 401): check `apiKey`',
      detail,
    });
  if (status === 403)
    return new AdapterError({
      code: 'POSTAL_FORBIDDEN',
      kind: 'config',
      userMessage: `the postal provider refused ${ctx.what} for this API key (HTTP 403): give the key the right to send letters and read their proofs`,
      detail,
    });
  if (status === 400 && error?.code === 'invalid_address') {
    return new AdapterError({
      code: 'POSTAL_INVALID_ADDRESS',
      kind: 'system',
      userMessage: `the postal provider cannot post to this address: ${reasons}. Correct the debtor's address`,
      detail,
    });
  }
  if ((status === 400 && error?.code === 'invalid_document') || status === 413) {
    return new AdapterError({
      code: 'POSTAL_INVALID_DOCUMENT',
      kind: 'system',
      userMessage: `the postal provider refused the PDF${reasons ? `: ${reasons}` : ` (HTTP ${status})`}`,
      detail,
    });
  }
  if (status === 409 && error?.code === 'idempotency_conflict') {
    // Two different letters under one key: a bug above the adapter, which no retry can fix.
    return new AdapterError({
      code: 'POSTAL_IDEMPOTENCY_CONFLICT',
      kind: 'system',
      userMessage: `the idempotency key${ctx.idempotencyKey === undefined ? '' : ` ${ctx.idempotencyKey}`} was already used for a different letter: nothing was posted; each outbox action needs its own key`,
      detail,
    });
  }
  if (status === 404 && error?.code === 'letter_not_found')
    return new AdapterError({
      code: 'POSTAL_LETTER_NOT_FOUND',
      kind: 'system',
      userMessage: `the postal provider has no letter with this id (${reasons})`,
      detail,
    });
  if (status === 404)
    return new AdapterError({
      code: 'POSTAL_ENDPOINT_NOT_FOUND',
      kind: 'config',
      userMessage: `${ctx.url} does not exist: \`baseUrl\` must be the provider's address without /v1`,
      detail,
    });
  if (status >= 500) {
    // Safe to retry even for a send: the provider deduplicates on the Idempotency-Key, so a letter
    // it did accept before failing is answered again, not printed twice.
    return new AdapterError({
      code: 'POSTAL_PROVIDER_ERROR',
      kind: 'transient',
      userMessage: `the postal provider answered HTTP ${status}`,
      detail,
      ...retryAfterMs(retryAfter),
    });
  }
  if (status >= 300 && status < 400)
    return new AdapterError({
      code: 'POSTAL_REDIRECTED',
      kind: 'config',
      userMessage: `${ctx.url} answers with a redirect (HTTP ${status}): set \`baseUrl\` to the final address`,
      detail,
    });
  if (status >= 400 && status < 500)
    return new AdapterError({
      code: 'POSTAL_REJECTED',
      kind: 'system',
      userMessage: `the postal provider refused ${ctx.what} (HTTP ${status}${reasons ? `: ${reasons}` : ''})`,
      detail,
    });
  return new AdapterError({
    code: 'POSTAL_HTTP_ERROR',
    kind: 'system',
    userMessage: `the postal provider answered HTTP ${status} to ${ctx.what}`,
    detail,
  });
}

const SAFE_TO_RESEND =
  'Sending it again with the same idempotency key is safe: the provider deduplicates on it and answers the first letter instead of posting a second';

/** Answers that are not what the contract promises, after the provider may have accepted a letter. */
export function badResponse(problem: string, body: string, ctx: PostalCallContext): AdapterError {
  return new AdapterError({
    code: 'POSTAL_BAD_RESPONSE',
    kind: 'system',
    outcomeUnknown: ctx.isWrite,
    userMessage: `${ctx.what}: the postal provider's answer ${problem}${ctx.isWrite ? `; the letter may have been accepted. ${SAFE_TO_RESEND}` : ''}`,
    detail: redactString(`${ctx.what}: ${ctx.url}: ${body.slice(0, EXCERPT)}`, ctx.secrets),
  });
}

/** The request never left: nothing can have been posted. */
const NOT_SENT = new Set(['ECONNREFUSED', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

export function classifyPostalNetworkError(
  code: string | undefined,
  message: string,
  ctx: PostalCallContext,
): AdapterError {
  const detail = redactString(`${ctx.what}: ${code ?? 'network error'} on ${ctx.url}: ${message}`, ctx.secrets);
  if (code === 'ENOTFOUND')
    return new AdapterError({
      code: 'POSTAL_HOST_NOT_FOUND',
      kind: 'config',
      userMessage: `the host of ${ctx.url} does not exist: check \`baseUrl\``,
      detail,
    });
  if (code !== undefined && NOT_SENT.has(code))
    return new AdapterError({
      code: 'POSTAL_UNREACHABLE',
      kind: 'transient',
      userMessage: `cannot reach the postal provider at ${ctx.url} (${code})`,
      detail,
    });
  if (ctx.isWrite) {
    // The upload went out and its answer was lost (reset, timeout): the letter may be accepted.
    return new AdapterError({
      code: 'POSTAL_ANSWER_LOST',
      kind: 'transient',
      outcomeUnknown: true,
      userMessage: `the answer to a letter upload was lost (${code ?? 'network error'}), so it may have been accepted. ${SAFE_TO_RESEND}`,
      detail,
    });
  }
  return new AdapterError({
    code: 'POSTAL_UNREACHABLE',
    kind: 'transient',
    userMessage: `the postal provider at ${ctx.url} did not answer (${code ?? 'network error'})`,
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
