import { AdapterError } from '../../connector/ports/adapter-error';

/**
 * QuickBooks Online's failures, classified for the layer that decides retries (the adapter never
 * retries). Sources: erp-apis.md §2.4 (Fault bodies, codes, a Fault inside HTTP 200, the 429 whose
 * body is XML even when JSON was asked), §2.8 (tokens), §2.9 (limits and metering).
 */

/** A Fault as QuickBooks sends it: `code` is a string; `type` includes the misspelled `AuthorizatonFault`. */
export interface QboFault {
  type: string;
  errors: { code: string; message: string; detail: string; element?: string }[];
}

/** Intuit asks to wait 60 s after a 429 (erp-apis.md §2.9, limits page). */
export const THROTTLE_WAIT_MS = 60_000;

/** The Fault of a JSON body (`{"Fault": {...}}`; a 401 is also seen as lowercase `fault`, unverified), or undefined. */
export function faultOf(body: unknown): QboFault | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  const raw = record['Fault'] ?? record['fault'];
  if (typeof raw !== 'object' || raw === null) return undefined;
  const fault = raw as Record<string, unknown>;
  const list = fault['Error'] ?? fault['error'];
  const errors = (Array.isArray(list) ? list : []).map((e: unknown) => {
    const x = (typeof e === 'object' && e !== null ? e : {}) as Record<string, unknown>;
    return {
      code: typeof x['code'] === 'string' || typeof x['code'] === 'number' ? String(x['code']) : '',
      message: typeof x['Message'] === 'string' ? x['Message'] : typeof x['message'] === 'string' ? x['message'] : '',
      detail: typeof x['Detail'] === 'string' ? x['Detail'] : typeof x['detail'] === 'string' ? x['detail'] : '',
      ...(typeof x['element'] === 'string' && x['element'] !== '' ? { element: x['element'] } : {}),
    };
  });
  return { type: typeof fault['type'] === 'string' ? fault['type'] : 'Unknown', errors };
}

/**
 * The Fault of the XML body a 429 carries (erp-apis.md §2.4):
 * `<IntuitResponse><Fault type="SERVICE"><Error code="3001"><Message>…</Message><Detail>…</Detail></Error></Fault></IntuitResponse>`.
 * Read with patterns rather than a parser: only these three values are needed, from a small body.
 */
export function xmlFaultOf(text: string): QboFault | undefined {
  const fault = /<Fault\b[^>]*\btype="([^"]*)"/.exec(text);
  if (!fault) return undefined;
  const errors = [...text.matchAll(/<Error\b[^>]*\bcode="([^"]*)"[^>]*>([\s\S]*?)<\/Error>/g)].map((m) => ({
    code: m[1]!,
    message: /<Message>([\s\S]*?)<\/Message>/.exec(m[2]!)?.[1]?.trim() ?? '',
    detail: /<Detail>([\s\S]*?)<\/Detail>/.exec(m[2]!)?.[1]?.trim() ?? '',
  }));
  return { type: fault[1]!, errors };
}

function describe(fault: QboFault): string {
  return fault.errors
    .map((e) => `${e.code} ${e.message}${e.detail && e.detail !== e.message ? ` (${e.detail})` : ''}`)
    .join('; ');
}

/** The request as logs name it: method and path, never a token. */
export interface QboRequestRef {
  connection: string;
  method: string;
  /** Path and query without the host; a query statement is kept, it holds no secret. */
  path: string;
}

/**
 * The error for an answer with status `status` and, when it had one, its Fault. Codes from
 * erp-apis.md §2.4: 5010 stale object; 610 object not found; 6000 business validation; 120
 * authorization failure; 3200 (or 401) an expired token; 3001 throttled (429).
 */
export function faultError(
  ref: QboRequestRef,
  status: number,
  fault: QboFault | undefined,
  /** The wait a throttled answer asks for (its Retry-After), Intuit's 60 s by default. */
  throttleWaitMs: number = THROTTLE_WAIT_MS,
): AdapterError {
  const where = `connection ${ref.connection}: QuickBooks ${ref.method} ${ref.path.split('?')[0]}`;
  const codes = new Set(fault?.errors.map((e) => e.code) ?? []);
  const detail = `HTTP ${status}${fault ? ` ${fault.type}: ${describe(fault)}` : ''}`;
  if (status === 429 || codes.has('3001') || codes.has('003001')) {
    return new AdapterError({
      code: 'QBO_THROTTLED',
      kind: 'rate_limit',
      userMessage: `${where}: QuickBooks throttled this company (${detail}); requests to it wait ${throttleWaitMs / 1000} s, other companies go on. If it keeps happening, the company's monthly read quota may be spent (Intuit App Partner Program: reads are blocked until next month)`,
      detail,
      retryAfterMs: throttleWaitMs,
    });
  }
  if (codes.has('5010')) {
    return new AdapterError({
      code: 'QBO_STALE_OBJECT',
      kind: 'transient',
      userMessage: `${where}: someone changed the record since it was read (stale SyncToken, code 5010); it is read again before the next try`,
      detail,
    });
  }
  if (status === 401 || codes.has('3200')) {
    return new AdapterError({
      code: 'QBO_TOKEN_REFUSED',
      kind: 'config',
      userMessage: `${where}: QuickBooks refused the access token even after a refresh (${detail}); run \`recouvra connect quickbooks --connection ${ref.connection}\` to authorize the company again`,
      detail,
    });
  }
  if (
    status === 403 ||
    codes.has('120') ||
    fault?.type === 'AuthorizationFault' ||
    fault?.type === 'AuthorizatonFault'
  ) {
    return new AdapterError({
      code: 'QBO_NOT_AUTHORIZED',
      kind: 'config',
      userMessage: `${where}: the authorized user may not do this in this company (${detail}); check realmId and that the user who connected the app is an admin of the company`,
      detail,
    });
  }
  if (codes.has('610')) {
    return new AdapterError({
      code: 'QBO_OBJECT_NOT_FOUND',
      kind: 'system',
      userMessage: `${where}: the record no longer exists in QuickBooks (${detail})`,
      detail,
    });
  }
  if (status >= 500 || fault?.type === 'SystemFault') {
    return new AdapterError({
      code: 'QBO_UNAVAILABLE',
      kind: 'transient',
      userMessage: `${where}: QuickBooks is not answering properly (${detail}); it is tried again later`,
      detail,
    });
  }
  return new AdapterError({
    code: 'QBO_VALIDATION',
    kind: 'system',
    userMessage: `${where}: QuickBooks refused the request (${detail})`,
    detail,
  });
}
