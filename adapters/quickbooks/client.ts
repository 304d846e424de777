import axios, { type AxiosResponse } from 'axios';
import { AdapterError } from '../../connector/ports/adapter-error';
import type { CredentialStore, OAuthTokens } from '../../connector/ports/credentials';
import { CredentialError, refreshToken } from '../../connector/credentials/refresh';
import type { Clock } from '../../connector/time/clock';
import { apiBaseOf, type QuickBooksConnection } from './config.schema';
import { faultError, faultOf, THROTTLE_WAIT_MS, xmlFaultOf, type QboRequestRef } from './faults';
import { realmLimiter } from './limiter';
import type { RequestLimiter, RequestLimiterFactory } from '../../connector/ports/request-limiter';
import { requestTokens } from './oauth';

/**
 * One QuickBooks Online company over HTTP: `Authorization: Bearer` from the connection's credential
 * store (refreshed only when due, one worker at a time: connector/credentials/refresh.ts), the
 * company's limits (limiter.ts), `minorversion` pinned (erp-apis.md §2.5), and every answer checked
 * for a Fault, HTTP 200 included (§2.4). A 401 refreshes the token once and tries again; anything
 * else fails with a classified AdapterError (faults.ts) and is never retried here.
 */

/**
 * The largest PDF taken, in bytes: 10 MiB, the law firm's limit for one document of a dossier
 * (its contract's `DocumentUpload`, MAX_DOCUMENT_BYTES in adapters/lawfirm/config.schema.ts). A
 * larger invoice PDF could not be handed over, so it is not downloaded whole either.
 */
export const MAX_PDF_BYTES = 10 * 1024 * 1024;

/** Every PDF starts with this header (ISO 32000-1 §7.5.2). */
const PDF_MAGIC = Buffer.from('%PDF-', 'latin1');

type Accept = 'json' | 'pdf';
type AnswerOf<A extends Accept> = A extends 'pdf' ? ArrayBuffer : string;

export interface QboClientOptions {
  config: QuickBooksConnection;
  /** Times the tokens: real time (AdapterDeps.wallClock), also under a simulated business clock. */
  clock: Clock;
  /** The connection's credential store (AdapterDeps.credentials). */
  credentials: (() => CredentialStore) | undefined;
  /** This company's limiter; default: from `limiters`, else one in this process (limiter.ts). */
  limiter?: RequestLimiter;
  /** Where the composition root keeps limits shared by every worker (Redis with queue.driver: redis). */
  limiters?: RequestLimiterFactory | undefined;
}

/** Calls made to this company by this client: reads are metered by Intuit (erp-apis.md §2.9). */
export interface QboMeter {
  requests: number;
  /** Queries (GET or POSTed), CDC and reads by id: Intuit's metered "CorePlus" calls. */
  reads: number;
  writes: number;
  throttled: number;
}

export class QboClient {
  readonly meter: QboMeter = { requests: 0, reads: 0, writes: 0, throttled: 0 };
  readonly limiter: RequestLimiter;
  private readonly base: string;

  constructor(private readonly options: QboClientOptions) {
    const { config } = options;
    this.base = `${apiBaseOf(config)}/v3/company/${config.realmId}`;
    this.limiter =
      options.limiter ??
      options.limiters?.(`quickbooks:${apiBaseOf(config)}:${config.realmId}`, {
        perMinute: config.requestsPerMinute,
        inFlight: config.maxInFlight,
      }) ??
      realmLimiter(apiBaseOf(config), config.realmId, {
        requestsPerMinute: config.requestsPerMinute,
        maxInFlight: config.maxInFlight,
      });
  }

  /** `SELECT …` through GET `/query` (erp-apis.md §2.2). */
  query(statement: string): Promise<Record<string, unknown>> {
    return this.request('GET', 'query', { params: { query: statement } });
  }

  /**
   * `SELECT …` POSTed to `/query` as `application/text` (erp-apis.md §2.2: "or POST with the
   * statement as the body"): a long statement (a list of Ids) stays out of the address. A read all
   * the same, metered as one (§2.9).
   */
  queryPosted(statement: string): Promise<Record<string, unknown>> {
    return this.request('POST', 'query', { text: statement });
  }

  /** GET `/{entity}/{id}`, `/cdc?…` and the like. */
  get(path: string, params: Record<string, string> = {}): Promise<Record<string, unknown>> {
    return this.request('GET', path, { params });
  }

  /** POST `/{entity}` (a sparse update: erp-apis.md §2.4). */
  post(path: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.request('POST', path, { data: body });
  }

  /**
   * GET a document QuickBooks renders as a PDF (`invoice/{id}/pdf`): its bytes, asked with
   * `Accept: application/pdf`. A read like any other: same limiter, token refresh and metering.
   * A Fault (JSON or XML, HTTP 200 included) is classified as for the JSON calls; any other
   * answer that does not start with `%PDF-` is refused (QBO_NOT_A_PDF), and one longer than
   * MAX_PDF_BYTES is cut off while it arrives (QBO_PDF_TOO_LARGE).
   */
  async getPdf(path: string, params: Record<string, string> = {}): Promise<Buffer> {
    const { response, ref } = await this.exchange('GET', path, { params, accept: 'pdf' });
    // Node's axios hands an arraybuffer answer over as a Buffer already.
    const bytes = Buffer.isBuffer(response.data) ? response.data : Buffer.from(response.data);
    if (response.status === 200 && bytes.subarray(0, PDF_MAGIC.length).equals(PDF_MAGIC)) return bytes;
    const text = bytes.toString('utf8');
    const json = parseJson(text);
    const fault = faultOf(json) ?? (json === undefined ? xmlFaultOf(text) : undefined);
    // Worth trying again, unlike a JSON call's unreadable answer: QuickBooks renders the PDF on each
    // request, so what came instead is most likely a page put in front of it for a while (maintenance,
    // a proxy); the layer above gives up after its retry budget if it lasts.
    if (response.status === 200 && fault === undefined)
      throw new AdapterError({
        code: 'QBO_NOT_A_PDF',
        kind: 'transient',
        userMessage: `connection ${ref.connection}: QuickBooks answered ${ref.method} ${ref.path} with something that is not a PDF (${contentTypeOf(response)}, ${bytes.length} bytes, no %PDF- header); nothing was kept, it is tried again later`,
        detail: `HTTP 200, ${contentTypeOf(response)}, ${bytes.length} bytes starting ${JSON.stringify(text.slice(0, 80))}`,
      });
    throw this.failure({ ...response, data: text }, ref);
  }

  private async request(
    method: 'GET' | 'POST',
    path: string,
    init: { params?: Record<string, string>; data?: Record<string, unknown>; text?: string },
  ): Promise<Record<string, unknown>> {
    const { response, ref } = await this.exchange(method, path, { ...init, accept: 'json' });
    const text = typeof response.data === 'string' ? response.data : '';
    return this.answer({ ...response, data: text }, ref);
  }

  /** One call, with the token refreshed and the call made again once when QuickBooks answers 401. */
  private async exchange<A extends Accept>(
    method: 'GET' | 'POST',
    path: string,
    init: { params?: Record<string, string>; data?: Record<string, unknown>; text?: string; accept: A },
  ): Promise<{ response: AxiosResponse<AnswerOf<A>>; ref: QboRequestRef }> {
    const { config } = this.options;
    const params = { ...init.params, minorversion: String(config.minorVersion) };
    const ref: QboRequestRef = { connection: config.id, method, path: `/${path}` };
    let tokens = await this.tokens();
    for (let attempt = 1; ; attempt++) {
      const response = await this.send(method, path, params, init, tokens.accessToken, ref);
      if (response.status === 401 && attempt === 1) {
        // Refused before its expiry (revoked, or refreshed by another worker): refresh once, then try again.
        tokens = await this.tokens(tokens.accessToken);
        continue;
      }
      return { response, ref };
    }
  }

  private async send<A extends Accept>(
    method: 'GET' | 'POST',
    path: string,
    params: Record<string, string>,
    init: { data?: Record<string, unknown>; text?: string; accept: A },
    accessToken: string,
    ref: QboRequestRef,
  ): Promise<AxiosResponse<AnswerOf<A>>> {
    const { data, text, accept } = init;
    const release = await this.limiter.acquire();
    this.meter.requests++;
    // A writing POST carries a JSON entity; a POSTed query (text) reads.
    if (data === undefined) this.meter.reads++;
    else this.meter.writes++;
    try {
      return await axios.request<AnswerOf<A>>({
        method,
        url: `${this.base}/${path}`,
        params,
        ...(data === undefined ? {} : { data: JSON.stringify(data) }),
        ...(text === undefined ? {} : { data: text }),
        headers: {
          Authorization: `Bearer ${accessToken}`,
          Accept: accept === 'pdf' ? 'application/pdf' : 'application/json',
          ...(data === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...(text === undefined ? {} : { 'Content-Type': 'application/text' }),
        },
        timeout: this.options.config.timeoutMs,
        ...(accept === 'pdf'
          ? // axios stops reading at the first chunk beyond the cap: a runaway answer is never held whole.
            { responseType: 'arraybuffer' as const, maxContentLength: MAX_PDF_BYTES }
          : { responseType: 'text' as const }),
        transformResponse: (x: unknown) => x,
        validateStatus: () => true,
      });
    } catch (e) {
      const err = e as Error & { code?: string };
      if (
        accept === 'pdf' &&
        err.code === 'ERR_BAD_RESPONSE' &&
        /^maxContentLength size of \d+ exceeded$/.test(err.message)
      )
        throw new AdapterError({
          code: 'QBO_PDF_TOO_LARGE',
          kind: 'system',
          userMessage: `connection ${ref.connection}: QuickBooks answered ${method} ${ref.path} with more than ${MAX_PDF_BYTES} bytes (${MAX_PDF_BYTES / 1024 / 1024} MiB), more than one document handed to the law firm may hold; the download was stopped`,
          detail: err.message,
        });
      const message = err.message;
      throw new AdapterError({
        code: 'QBO_UNREACHABLE',
        kind: 'transient',
        userMessage: `connection ${ref.connection}: QuickBooks did not answer ${method} ${ref.path} (${message}); it is tried again later`,
        detail: message,
        // A write whose answer was lost may have been applied (the SyncToken tells on the next read); a query was not.
        outcomeUnknown: data !== undefined,
        cause: e,
      });
    } finally {
      release();
    }
  }

  private answer(response: AxiosResponse<string>, ref: QboRequestRef): Record<string, unknown> {
    const text = response.data;
    if (response.status === 200) {
      const json = parseJson(text);
      const fault = faultOf(json) ?? (json === undefined ? xmlFaultOf(text) : undefined);
      if (fault === undefined) {
        if (typeof json === 'object' && json !== null && !Array.isArray(json)) return json as Record<string, unknown>;
        throw new AdapterError({
          code: 'QBO_UNREADABLE_ANSWER',
          kind: 'system',
          userMessage: `connection ${ref.connection}: QuickBooks answered ${ref.method} ${ref.path} with something that is not a JSON object`,
          detail: `HTTP 200, ${text.length} bytes starting ${JSON.stringify(text.slice(0, 80))}`,
        });
      }
    }
    throw this.failure(response, ref);
  }

  /** The error for an answer that is a 429, a Fault (HTTP 200 included, erp-apis.md §2.4) or another failed status. */
  private failure(response: AxiosResponse<string>, ref: QboRequestRef): AdapterError {
    const text = response.data;
    if (response.status === 429) {
      // Intuit's 429 body is XML even when JSON was asked (erp-apis.md §2.4). Intuit asks to wait
      // 60 s (§2.9) and is not known to send Retry-After; one that is sent is what the server wants.
      const wait = retryAfterMs(response.headers['retry-after']) ?? THROTTLE_WAIT_MS;
      this.meter.throttled++;
      this.limiter.hold(wait);
      return faultError(ref, 429, xmlFaultOf(text) ?? faultOf(parseJson(text)), wait);
    }
    const json = parseJson(text);
    const fault = faultOf(json) ?? (json === undefined ? xmlFaultOf(text) : undefined);
    if (fault?.errors.some((e) => e.code === '3001')) {
      this.meter.throttled++;
      this.limiter.hold(THROTTLE_WAIT_MS);
    }
    return faultError(ref, response.status, fault);
  }

  /** Valid tokens from the credential store, refreshed first when due (or when `rejected` was refused). */
  private async tokens(rejected?: string): Promise<OAuthTokens> {
    const { config, clock } = this.options;
    if (!this.options.credentials)
      throw new AdapterError({
        code: 'QBO_NO_CREDENTIAL_STORE',
        kind: 'config',
        userMessage: `connection ${config.id}: no store holding the company's authorization was found (connect it first): run \`recouvra connect quickbooks --connection ${config.id}\``,
      });
    try {
      const result = await refreshToken(
        this.options.credentials(),
        (token, { signal }) =>
          requestTokens(config, { type: 'refresh_token', refreshToken: token }, { signal, now: () => clock.now() }),
        { clock, ...(rejected === undefined ? {} : { rejectedAccessToken: rejected }) },
      );
      return result.tokens;
    } catch (e) {
      throw credentialFailure(config.id, e);
    }
  }
}

/** A failure to get tokens, as an AdapterError that says what a person must do. */
export function credentialFailure(connection: string, e: unknown): AdapterError {
  if (e instanceof AdapterError) return e;
  const connect = `run \`recouvra connect quickbooks --connection ${connection}\``;
  if (e instanceof CredentialError) {
    if (e.code === 'missing')
      return new AdapterError({
        code: 'QBO_NOT_CONNECTED',
        kind: 'config',
        userMessage: `connection ${connection}: the company is not connected yet: ${connect}`,
        cause: e,
      });
    if (e.code === 'reauthorization_required' || e.code === 'malformed')
      return new AdapterError({
        code: 'QBO_RECONNECT',
        kind: 'config',
        userMessage: `connection ${connection}: QuickBooks no longer accepts the stored authorization (${e.message}); reconnect this company: ${connect}`,
        cause: e,
      });
    return new AdapterError({
      code: 'QBO_TOKEN_UNAVAILABLE',
      kind: 'transient',
      userMessage: `connection ${connection}: no valid QuickBooks token could be had now (${e.message}); it is tried again later`,
      cause: e,
    });
  }
  return new AdapterError({
    code: 'QBO_CREDENTIALS_UNREADABLE',
    kind: 'config',
    userMessage: `connection ${connection}: the stored QuickBooks authorization cannot be read (${(e as Error).message})`,
    cause: e,
  });
}

/** A Retry-After in seconds (RFC 9110 §10.2.3; the HTTP-date form is not used by the APIs we call), in ms. */
function retryAfterMs(header: unknown): number | undefined {
  if (typeof header !== 'string' || !/^\d{1,6}$/.test(header.trim())) return undefined;
  return Number(header.trim()) * 1000;
}

function contentTypeOf(response: AxiosResponse): string {
  const type: unknown = response.headers['content-type'];
  return typeof type === 'string' && type !== '' ? type : 'no Content-Type';
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
