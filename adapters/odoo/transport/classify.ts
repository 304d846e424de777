import { AdapterError } from '../../../connector/ports/adapter-error';
import { redactString } from '../../../connector/log/logger';

/**
 * Odoo failures → typed AdapterErrors (erp-apis.md §1.3 fault codes, §1.4 JSON-2 statuses).
 * The kind decides what happens next: config fails fast, transient and rate_limit are retried
 * by the retry policy, system stops and is reported. Details never carry the credentials.
 */

/** XML-RPC `/xmlrpc/2` fault codes (§1.3, `xmlrpc_handle_exception_int`). */
export const ODOO_FAULT = { APPLICATION_ERROR: 1, WARNING: 2, ACCESS_DENIED: 3, ACCESS_ERROR: 4 } as const;

const EXCERPT = 600;

/** The last line of a traceback is the exception and its message. */
export function faultSummary(faultString: string): string {
  const lines = faultString
    .trim()
    .split('\n')
    .filter((l) => l.trim() !== '');
  return (lines[lines.length - 1] ?? faultString).trim();
}

export function classifyFault(
  code: number | string,
  faultString: string,
  ctx: { what: string; isWrite: boolean; secrets: readonly string[] },
): AdapterError {
  const summary = redactString(faultSummary(faultString), ctx.secrets);
  const detail = `${ctx.what}: fault ${String(code)}: ${redactString(faultString.slice(-EXCERPT), ctx.secrets)}`;
  if (code === ODOO_FAULT.ACCESS_DENIED || code === 'AccessDenied') {
    return new AdapterError({
      code: 'ODOO_ACCESS_DENIED',
      kind: 'config',
      userMessage:
        'Odoo refused the login or API key: check `login` and the API key (Odoo › Preferences › Account Security › New API Key)',
      detail,
    });
  }
  if (code === ODOO_FAULT.ACCESS_ERROR || /AccessError/.test(String(code))) {
    return accessError(ctx.what, redactString(faultString, ctx.secrets), detail);
  }
  if (SENDER_EMAIL_MISSING.test(faultString)) return senderEmailMissing(ctx.what, detail);
  if (/cannot marshal None/.test(faultString)) {
    // §1.3: the method ran, maybe committed, and only its return value failed to travel.
    return new AdapterError({
      code: 'ODOO_RESULT_NOT_MARSHALLABLE',
      kind: 'system',
      outcomeUnknown: ctx.isWrite,
      userMessage: `${ctx.what} ran on Odoo but its result could not be sent back${ctx.isWrite ? ': the change may have been applied, so it is not repeated automatically' : ''}`,
      detail,
    });
  }
  if (/Invalid field/.test(faultString)) {
    return new AdapterError({
      code: 'ODOO_INVALID_FIELD',
      kind: 'config',
      userMessage: `Odoo does not know a field used by ${ctx.what} (${summary}): the server version or installed modules differ from what the connection expects`,
      detail,
    });
  }
  // An unknown database fails inside psycopg2 on every service; a bare KeyError means it only on `common`.
  if (
    /database "[^"]*" does not exist/.test(faultString) ||
    (ctx.what.startsWith('common.') && /database .* does not exist|KeyError: '.*'\s*$/.test(faultString))
  ) {
    return databaseNotFound(summary, detail);
  }
  if (/int exceeds XML-RPC limits/.test(faultString)) {
    // §1.3: Odoo's marshaller failed on the answer, so the method has run and a write may be applied.
    return intOverflow(ctx.what, { detail, outcomeUnknown: ctx.isWrite });
  }
  if (code === ODOO_FAULT.WARNING) {
    return new AdapterError({
      code: 'ODOO_USER_ERROR',
      kind: 'system',
      userMessage: `Odoo refused ${ctx.what}: ${summary}`,
      detail,
      outcomeUnknown: false,
    });
  }
  return new AdapterError({
    code: 'ODOO_APPLICATION_ERROR',
    kind: 'system',
    userMessage: `Odoo failed on ${ctx.what}: ${summary}`,
    detail,
    outcomeUnknown: ctx.isWrite,
  });
}

/**
 * An AccessError's text (captures v18-26, v18-29): a header naming the operation, the model's label
 * and its technical name, then the groups that would allow it, tab-indented, then Odoo's advice.
 */
const ACCESS_HEADER = /You are not allowed to (access|modify|create|delete) '([^']*)' \(([\w.]+)\) records/;
const OPERATION: Readonly<Record<string, string>> = {
  access: 'read',
  modify: 'modify',
  create: 'create',
  delete: 'delete',
};

/** What an AccessError says is refused and who may do it; undefined when the text has another shape. */
export function parseAccessError(
  text: string,
): { operation: string; label: string; model: string; groups: string[] } | undefined {
  const header = ACCESS_HEADER.exec(text);
  if (!header) return undefined;
  const groups = [...text.matchAll(/^\s*-\s+(.+?)\s*$/gm)].map((m) => m[1]!);
  return { operation: OPERATION[header[1]!]!, label: header[2]!, model: header[3]!, groups };
}

/**
 * The operation, the model and the groups that would allow it stay in the message: Odoo's last
 * line alone ("Contact your administrator…") tells the user nothing they can act on.
 */
function accessError(what: string, text: string, detail: string): AdapterError {
  const parsed = parseAccessError(text);
  if (!parsed) {
    return new AdapterError({
      code: 'ODOO_ACCESS_ERROR',
      kind: 'config',
      userMessage: `the Odoo user lacks access rights for ${what}: ${faultSummary(text)}`,
      detail,
    });
  }
  const groups = parsed.groups.length
    ? `; Odoo allows it to the groups ${parsed.groups.map((g) => `"${g}"`).join(', ')}: add the integration user to one of them (Settings › Users & Companies › Users)`
    : '; no group allows it: ask the Odoo administrator';
  return new AdapterError({
    code: 'ODOO_ACCESS_ERROR',
    kind: 'config',
    userMessage: `the Odoo user may not ${parsed.operation} '${parsed.label}' (${parsed.model}) records, which ${what} needs${groups}`,
    detail,
  });
}

/** Fault 2 of capture v18-27/28: assigning an activity to someone else e-mails them as the caller. */
const SENDER_EMAIL_MISSING = /Unable to send message, please configure the sender's email address/;

function senderEmailMissing(what: string, detail: string): AdapterError {
  return new AdapterError({
    code: 'ODOO_SENDER_EMAIL_MISSING',
    kind: 'config',
    userMessage: `Odoo refused ${what}: an activity assigned to another user notifies them by e-mail from the integration user, who has no e-mail address. Give the integration user an e-mail address in Odoo (Settings › Users & Companies › Users › Email), or remove \`writeBack.activityUserId\` so that activities are assigned to the integration user itself`,
    detail,
  });
}

function databaseNotFound(summary: string, detail: string): AdapterError {
  return new AdapterError({
    code: 'ODOO_DATABASE_NOT_FOUND',
    kind: 'config',
    userMessage: `Odoo has no such database (${summary}): check \`database\``,
    detail,
  });
}

/** An id beyond 2^31−1 met XML-RPC's 32-bit `<int>` (§1.3), on the way out or on the way back. */
export function intOverflow(
  what: string,
  init: { detail: string; outcomeUnknown: boolean; cause?: unknown },
): AdapterError {
  return new AdapterError({
    code: 'ODOO_INT_OVERFLOW',
    kind: 'config',
    userMessage: `${what}: this Odoo database has ids beyond 2^31−1, which cannot travel over XML-RPC; use \`protocol: json2\` (Odoo 19 and later)${init.outcomeUnknown ? '. The change may have been applied, so it is not repeated automatically' : ''}`,
    ...init,
  });
}

export function classifyHttpStatus(
  status: number,
  ctx: { what: string; url: string; isWrite: boolean; retryAfter?: string | undefined; body?: string },
): AdapterError {
  const detail = `${ctx.what}: HTTP ${status} from ${ctx.url}${ctx.body ? `: ${ctx.body.slice(0, EXCERPT)}` : ''}`;
  if (status === 429) {
    return new AdapterError({
      code: 'ODOO_RATE_LIMITED',
      kind: 'rate_limit',
      userMessage: 'Odoo asks to slow down (HTTP 429)',
      detail,
      ...retryAfter(ctx.retryAfter),
    });
  }
  if (status === 401 || status === 403)
    return new AdapterError({
      code: 'ODOO_ACCESS_DENIED',
      kind: 'config',
      userMessage: `Odoo refused the credentials (HTTP ${status}): check the login and API key`,
      detail,
    });
  if (status === 404) {
    return new AdapterError({
      code: 'ODOO_ENDPOINT_NOT_FOUND',
      kind: 'config',
      userMessage: `${ctx.url} does not exist: is \`url\` the Odoo server's address, and does this Odoo still serve this API (XML-RPC is removed on Odoo Online 21.1)?`,
      detail,
    });
  }
  if (status >= 500) {
    // A 5xx after a write may come after the write committed: not safe to repeat blindly.
    return new AdapterError({
      code: 'ODOO_SERVER_ERROR',
      kind: 'transient',
      userMessage: `Odoo answered HTTP ${status}`,
      detail,
      outcomeUnknown: ctx.isWrite,
      ...retryAfter(ctx.retryAfter),
    });
  }
  return new AdapterError({
    code: 'ODOO_HTTP_ERROR',
    kind: 'config',
    userMessage: `Odoo answered HTTP ${status} to ${ctx.what}`,
    detail,
  });
}

/** Odoo refusing the operation itself (XML-RPC fault code 2): retrying cannot change the answer. */
const USER_ERROR_NAME = /(UserError|ValidationError|MissingError|RedirectWarning)$/;

/**
 * A JSON-2 failure (§1.4): a real HTTP status with `{name, message, arguments, context, debug}` when
 * Odoo itself answered, HTML when the HTTP stack (or a proxy) did.
 */
export function classifyJson2Error(
  status: number,
  body: string,
  ctx: { what: string; url: string; isWrite: boolean; retryAfter?: string | undefined; secrets: readonly string[] },
): AdapterError {
  const error = json2ErrorBody(body);
  if (!error) {
    const excerpt = redactString(body.slice(0, EXCERPT), ctx.secrets);
    if (status === 404) {
      return new AdapterError({
        code: 'ODOO_ENDPOINT_NOT_FOUND',
        kind: 'config',
        userMessage: `${ctx.url} does not exist: JSON-2 needs Odoo 19 or later (use \`protocol: xmlrpc\` before that), and \`url\` must be the Odoo server's address`,
        detail: `${ctx.what}: HTTP 404 from ${ctx.url}: ${excerpt}`,
      });
    }
    // Odoo 18 sends unknown /json/2 paths to its login page (capture v18-32: 303 to /web/login).
    if (status >= 300 && status < 400) {
      return new AdapterError({
        code: 'ODOO_JSON2_UNAVAILABLE',
        kind: 'config',
        userMessage: `${ctx.url} redirects to the login page: this Odoo has no JSON-2 API (it arrived in 19.0); use \`protocol: xmlrpc\` or \`auto\``,
        detail: `${ctx.what}: HTTP ${status} from ${ctx.url}: ${excerpt}`,
      });
    }
    return classifyHttpStatus(status, { ...ctx, body: excerpt });
  }
  const message = redactString(error.message, ctx.secrets);
  const detail = `${ctx.what}: HTTP ${status} from ${ctx.url}: ${redactString(error.name, ctx.secrets)}: ${message.slice(0, EXCERPT)}`;
  if (status === 401) {
    return new AdapterError({
      code: 'ODOO_ACCESS_DENIED',
      kind: 'config',
      userMessage: `Odoo refused the API key (${message}): check that it exists and has not expired (Odoo › Preferences › Account Security › New API Key)`,
      detail,
    });
  }
  if (status === 403) return accessError(ctx.what, message, detail);
  if (SENDER_EMAIL_MISSING.test(message)) return senderEmailMissing(ctx.what, detail);
  const userError = new AdapterError({
    code: 'ODOO_USER_ERROR',
    kind: 'system',
    userMessage: `Odoo refused ${ctx.what}: ${message}`,
    detail,
    outcomeUnknown: false,
  });
  if (status === 404) {
    if (/MissingError$/.test(error.name)) return userError;
    if (/database/i.test(message)) return databaseNotFound(message, detail);
    return new AdapterError({
      code: 'ODOO_METHOD_NOT_FOUND',
      kind: 'config',
      userMessage: `Odoo has no ${ctx.what} (${message}): check the model and method names and the modules installed on this database`,
      detail,
    });
  }
  if (USER_ERROR_NAME.test(error.name)) return userError;
  if (status === 422) {
    return new AdapterError({
      code: 'ODOO_BAD_ARGUMENTS',
      kind: 'config',
      userMessage: `Odoo cannot take the arguments sent to ${ctx.what}: ${message}`,
      detail,
    });
  }
  if (/Invalid field/.test(message)) {
    return new AdapterError({
      code: 'ODOO_INVALID_FIELD',
      kind: 'config',
      userMessage: `Odoo does not know a field used by ${ctx.what} (${message}): the server version or installed modules differ from what the connection expects`,
      detail,
    });
  }
  return classifyHttpStatus(status, { ...ctx, body: `${error.name}: ${message}` });
}

/** The object form of the 19.0 docs, or the bare JSON string an earlier design sent (§1.4 [CONFLICT]). */
function json2ErrorBody(body: string): { name: string; message: string } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed === 'string') return { name: '', message: parsed };
  if (parsed === null || typeof parsed !== 'object') return undefined;
  const { name, message } = parsed as { name?: unknown; message?: unknown };
  return typeof message === 'string' ? { name: typeof name === 'string' ? name : '', message } : undefined;
}

/**
 * An answer beyond the connection's `maxResponseBytes`, refused while it was arriving. Not worth
 * retrying: the same request brings the same answer. A page of records is made smaller with
 * `pageSize`; the cap is raised with `maxResponseBytes`.
 */
export function responseTooLarge(ctx: {
  what: string;
  url: string;
  isWrite: boolean;
  maxResponseBytes: number;
  connection?: string | undefined;
}): AdapterError {
  const where = ctx.connection === undefined ? 'Odoo' : `Odoo connection ${ctx.connection}`;
  const cap = `${formatBytes(ctx.maxResponseBytes)} (maxResponseBytes ${ctx.maxResponseBytes})`;
  return new AdapterError({
    code: 'ODOO_RESPONSE_TOO_LARGE',
    kind: 'config',
    outcomeUnknown: ctx.isWrite,
    userMessage: `${where}: the answer to ${ctx.what} is larger than the cap of ${cap}; it was refused without reading the rest. Lower \`pageSize\`, or raise \`maxResponseBytes\` if answers this large are expected${ctx.isWrite ? '. The change may have been applied' : ''}`,
    detail: `${ctx.what}: answer from ${ctx.url} above ${ctx.maxResponseBytes} bytes (decoded)`,
  });
}

function formatBytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  if (mib >= 1) return `${Number.isInteger(mib) ? mib : mib.toFixed(1)} MiB`;
  const kib = bytes / 1024;
  return `${Number.isInteger(kib) ? kib : kib.toFixed(1)} KiB`;
}

const NETWORK_TRANSIENT = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

export function classifyNetworkError(
  code: string | undefined,
  message: string,
  ctx: { what: string; url: string; isWrite: boolean },
): AdapterError {
  const detail = `${ctx.what}: ${code ?? 'network error'} on ${ctx.url}: ${message}`;
  if (code === 'ENOTFOUND')
    return new AdapterError({
      code: 'ODOO_HOST_NOT_FOUND',
      kind: 'config',
      userMessage: `the host of ${ctx.url} does not exist: check \`url\``,
      detail,
    });
  if (code && NETWORK_TRANSIENT.has(code)) {
    return new AdapterError({
      code: 'ODOO_UNREACHABLE',
      kind: 'transient',
      userMessage: `cannot reach Odoo at ${ctx.url} (${code})`,
      detail,
      outcomeUnknown: ctx.isWrite && code !== 'ECONNREFUSED',
    });
  }
  return new AdapterError({
    code: 'ODOO_NETWORK_ERROR',
    kind: 'transient',
    userMessage: `network error talking to ${ctx.url}: ${message}`,
    detail,
    outcomeUnknown: ctx.isWrite,
  });
}

function retryAfter(header: string | undefined): { retryAfterMs?: number } {
  if (!header) return {};
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return { retryAfterMs: seconds * 1000 };
  const at = Date.parse(header);
  return Number.isNaN(at) ? {} : { retryAfterMs: Math.max(0, at - Date.now()) };
}
