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

export interface QboClientOptions {
  config: QuickBooksConnection;
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

  private async request(
    method: 'GET' | 'POST',
    path: string,
    init: { params?: Record<string, string>; data?: Record<string, unknown>; text?: string },
  ): Promise<Record<string, unknown>> {
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
      return this.answer(response, ref);
    }
  }

  private async send(
    method: 'GET' | 'POST',
    path: string,
    params: Record<string, string>,
    body: { data?: Record<string, unknown>; text?: string },
    accessToken: string,
    ref: QboRequestRef,
  ): Promise<AxiosResponse<string>> {
    const { data, text } = body;
    const release = await this.limiter.acquire();
    this.meter.requests++;
    // A writing POST carries a JSON entity; a POSTed query (text) reads.
    if (data === undefined) this.meter.reads++;
    else this.meter.writes++;
    try {
      return await axios.request<string>({
        method,
        url: `${this.base}/${path}`,
        params,
        ...(data === undefined ? {} : { data: JSON.stringify(data) }),
        ...(text === undefined ? {} : { data: text }),
        headers: {
          Authorization: `Bearer ${accessToken}`,
          Accept: 'application/json',
          ...(data === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...(text === undefined ? {} : { 'Content-Type': 'application/text' }),
        },
        timeout: this.options.config.timeoutMs,
        responseType: 'text',
        transformResponse: (x: unknown) => x,
        validateStatus: () => true,
      });
    } catch (e) {
      const message = (e as Error).message;
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
    const text = typeof response.data === 'string' ? response.data : '';
    if (response.status === 429) {
      // Intuit's 429 body is XML even when JSON was asked (erp-apis.md §2.4). Intuit asks to wait
      // 60 s (§2.9) and is not known to send Retry-After; one that is sent is what the server wants.
      const wait = retryAfterMs(response.headers['retry-after']) ?? THROTTLE_WAIT_MS;
      this.meter.throttled++;
      this.limiter.hold(wait);
      throw faultError(ref, 429, xmlFaultOf(text) ?? faultOf(parseJson(text)), wait);
    }
    const json = parseJson(text);
    const fault = faultOf(json) ?? (json === undefined ? xmlFaultOf(text) : undefined);
    if (response.status === 200 && fault === undefined) {
      if (typeof json === 'object' && json !== null && !Array.isArray(json)) return json as Record<string, unknown>;
      throw new AdapterError({
        code: 'QBO_UNREADABLE_ANSWER',
        kind: 'system',
        userMessage: `connection ${ref.connection}: QuickBooks answered ${ref.method} ${ref.path} with something that is not a JSON object`,
        detail: `HTTP 200, ${text.length} bytes starting ${JSON.stringify(text.slice(0, 80))}`,
      });
    }
    if (fault?.errors.some((e) => e.code === '3001')) {
      this.meter.throttled++;
      this.limiter.hold(THROTTLE_WAIT_MS);
    }
    throw faultError(ref, response.status, fault);
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

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
