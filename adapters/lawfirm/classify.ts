import { AdapterError } from '../../connector/ports/adapter-error';
import { redactString } from '../../connector/log/logger';
import { DossierAlreadySubmittedError } from '../../connector/ports/lawfirm';
import { partnerError } from '../../mappings/lawfirm/wire.schema';

/**
 * Law-firm API failures → typed AdapterErrors. The kind decides what happens next: config fails
 * fast, transient and rate_limit go back to the one retry policy, system stops that action for
 * a person to look at. Texts never carry the API key or a webhook secret.
 */

export interface LawFirmCallContext {
  /** `lawfirm.submit`, `lawfirm.addDocuments`, `lawfirm.reportPayment`, `lawfirm.withdraw`, `lawfirm.status`, `lawfirm.events`, `lawfirm.document`. */
  what: string;
  url: string;
  isWrite: boolean;
  idempotencyKey?: string;
  fileId?: string;
  secrets: readonly string[];
}

const EXCERPT = 400;

export function classifyLawFirmResponse(
  status: number,
  body: string,
  retryAfter: string | undefined,
  ctx: LawFirmCallContext,
): AdapterError {
  const error = partnerError(body);
  const said = error
    ? `${error.code}: ${error.message}${error.details.length ? ` (${error.details.join('; ')})` : ''}`
    : body.slice(0, EXCERPT);
  const detail = redactString(`${ctx.what}: HTTP ${status} from ${ctx.url}: ${said}`, ctx.secrets);
  const reasons = redactString(
    error ? (error.details.length ? error.details.join('; ') : error.message) : '',
    ctx.secrets,
  );
  const file = ctx.fileId === undefined ? 'the file' : `file ${ctx.fileId}`;
  const make = (code: string, kind: AdapterError['kind'], userMessage: string, extra: { retryAfterMs?: number } = {}) =>
    new AdapterError({ code, kind, userMessage: redactString(userMessage, ctx.secrets), detail, ...extra });

  if (status === 429)
    return make(
      'LAWFIRM_RATE_LIMITED',
      'rate_limit',
      'the law firm asks to slow down (HTTP 429)',
      retryAfterMs(retryAfter),
    );
  if (status === 401)
    return make(
      'LAWFIRM_ACCESS_DENIED',
      'config',
      'the law firm refused the API key (HTTP 401): check `apiKey` with the firm',
    );
  if (status === 403)
    return make(
      'LAWFIRM_FORBIDDEN',
      'config',
      `the law firm refused ${ctx.what} for this API key (HTTP 403): ask the firm to give the key the right to submit and follow files`,
    );
  if (status === 422 && error?.code === 'dossier_invalid') {
    return make(
      'LAWFIRM_DOSSIER_INVALID',
      'system',
      `the law firm cannot work the dossier as sent, no file was opened: ${reasons || 'no reason given'}. Correct the dossier and submit it again`,
    );
  }
  if (status === 422)
    return make(
      'LAWFIRM_UNPROCESSABLE',
      'system',
      `the law firm refused ${ctx.what} on ${file}: ${reasons || 'no reason given'}`,
    );
  if (status === 409 && error?.code === 'idempotency_conflict') {
    // Two different requests under one key: a bug above the adapter, which no retry can fix.
    return make(
      'LAWFIRM_IDEMPOTENCY_CONFLICT',
      'system',
      `the idempotency key${ctx.idempotencyKey === undefined ? '' : ` ${ctx.idempotencyKey}`} was already used for a different request: nothing was done; each outbox action needs its own key`,
    );
  }
  if (status === 409 && error?.code === 'dossier_already_submitted') {
    // The contract's `details` name the open file: `{field: "dossier.id", message: "open file <fileId>"}`.
    const openFileId = /\bopen file (\S+)/.exec(reasons)?.[1];
    return new DossierAlreadySubmittedError(
      {
        code: 'LAWFIRM_DOSSIER_ALREADY_SUBMITTED',
        kind: 'system',
        userMessage: redactString(
          `the law firm already has an open file for this dossier (${reasons}): follow that file instead of submitting again`,
          ctx.secrets,
        ),
        detail,
      },
      openFileId,
    );
  }
  if (status === 409 && error?.code === 'file_closed')
    return make('LAWFIRM_FILE_CLOSED', 'system', `${file} is closed at the law firm: nothing more can be done on it`);
  if (status === 409 && error?.code === 'document_conflict')
    return make(
      'LAWFIRM_DOCUMENT_CONFLICT',
      'system',
      `${file} already has a different document under this name (${reasons}): documents are never replaced, give the new one another name`,
    );
  if (status === 409 && error?.code === 'payment_conflict')
    return make(
      'LAWFIRM_PAYMENT_CONFLICT',
      'system',
      `the law firm already recorded this payment id with other figures (${reasons})`,
    );
  if (status === 409)
    return make(
      'LAWFIRM_CONFLICT',
      'system',
      `the law firm refused ${ctx.what} on ${file} (HTTP 409${reasons ? `: ${reasons}` : ''})`,
    );
  if (status === 413)
    return make(
      'LAWFIRM_TOO_LARGE',
      'system',
      `the law firm refused the request as too large (${reasons || 'HTTP 413'}): send the documents in several requests or smaller files`,
    );
  if (status === 404 && error?.code === 'file_not_found')
    return make('LAWFIRM_FILE_NOT_FOUND', 'system', `the law firm has no ${file} for this API key`);
  if (status === 404 && error?.code === 'document_not_found')
    return make('LAWFIRM_DOCUMENT_NOT_FOUND', 'system', `the law firm has no such document on ${file} (${reasons})`);
  if (status === 404)
    return make(
      'LAWFIRM_ENDPOINT_NOT_FOUND',
      'config',
      `${ctx.url} does not exist: \`baseUrl\` must be the firm's API address without /v1`,
    );
  if (status === 400 && error?.code === 'invalid_cursor')
    return make(
      'LAWFIRM_INVALID_CURSOR',
      'system',
      `the law firm does not know the saved events cursor (${reasons}): reset the law-firm events cursor`,
    );
  if (status >= 500) {
    // Safe to retry even for a write: the firm deduplicates on the Idempotency-Key, so a request
    // it did apply before failing is answered again, not applied twice.
    return make('LAWFIRM_PARTNER_ERROR', 'transient', `the law firm answered HTTP ${status}`, retryAfterMs(retryAfter));
  }
  if (status >= 300 && status < 400)
    return make(
      'LAWFIRM_REDIRECTED',
      'config',
      `${ctx.url} answers with a redirect (HTTP ${status}): set \`baseUrl\` to the final address`,
    );
  // 400, 415 and the rest: the request broke the contract, a bug on our side that a retry repeats.
  if (status >= 400 && status < 500)
    return make(
      'LAWFIRM_REJECTED',
      'system',
      `the law firm refused ${ctx.what} (HTTP ${status}${reasons ? `: ${reasons}` : ''})`,
    );
  return make('LAWFIRM_HTTP_ERROR', 'system', `the law firm answered HTTP ${status} to ${ctx.what}`);
}

const SAFE_TO_RESEND =
  'Sending it again with the same idempotency key is safe: the firm deduplicates on it and answers the first request instead of applying a second';

/** Answers that are not what the contract promises, after the firm may have applied a write. */
export function badResponse(problem: string, body: string, ctx: LawFirmCallContext): AdapterError {
  return new AdapterError({
    code: 'LAWFIRM_BAD_RESPONSE',
    kind: 'system',
    outcomeUnknown: ctx.isWrite,
    userMessage: redactString(
      `${ctx.what}: the law firm's answer ${problem}${ctx.isWrite ? `; the request may have been applied. ${SAFE_TO_RESEND}` : ''}`,
      ctx.secrets,
    ),
    detail: redactString(`${ctx.what}: ${ctx.url}: ${body.slice(0, EXCERPT)}`, ctx.secrets),
  });
}

/** The request never left: nothing can have been applied. */
const NOT_SENT = new Set(['ECONNREFUSED', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

export function classifyLawFirmNetworkError(
  code: string | undefined,
  message: string,
  ctx: LawFirmCallContext,
): AdapterError {
  const detail = redactString(`${ctx.what}: ${code ?? 'network error'} on ${ctx.url}: ${message}`, ctx.secrets);
  if (code === 'ENOTFOUND')
    return new AdapterError({
      code: 'LAWFIRM_HOST_NOT_FOUND',
      kind: 'config',
      userMessage: `the host of ${ctx.url} does not exist: check \`baseUrl\``,
      detail,
    });
  if (code !== undefined && NOT_SENT.has(code))
    return new AdapterError({
      code: 'LAWFIRM_UNREACHABLE',
      kind: 'transient',
      userMessage: `cannot reach the law firm at ${ctx.url} (${code})`,
      detail,
    });
  if (ctx.isWrite) {
    // The request went out and its answer was lost (reset, timeout): the firm may have applied it.
    return new AdapterError({
      code: 'LAWFIRM_ANSWER_LOST',
      kind: 'transient',
      outcomeUnknown: true,
      userMessage: `the answer to ${ctx.what} was lost (${code ?? 'network error'}), so the firm may have applied it. ${SAFE_TO_RESEND}`,
      detail,
    });
  }
  return new AdapterError({
    code: 'LAWFIRM_UNREACHABLE',
    kind: 'transient',
    userMessage: `the law firm at ${ctx.url} did not answer (${code ?? 'network error'})`,
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
