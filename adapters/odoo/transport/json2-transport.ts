import axios, { type AxiosInstance } from 'axios';
import { AdapterError } from '../../../connector/ports/adapter-error';
import { redactString } from '../../../connector/log/logger';
import { classifyJson2Error } from './classify';
import { DEFAULT_MAX_RESPONSE_BYTES, exchange } from './http-exchange';
import type { OdooCallOptions, OdooRpc, OdooServerVersion } from './rpc';
import { parseServerVersion } from './server-version';

export interface Json2OdooRpcOptions {
  /** Odoo's base URL, e.g. https://erp.example.com (no trailing path). */
  baseUrl: string;
  /** Sent as X-Odoo-Database, for hosts serving several databases. */
  database: string;
  /** Not sent: the API key alone identifies the user on JSON-2. Kept for a uniform configuration. */
  login?: string;
  /** API key (Odoo › Preferences › Account Security), sent as a bearer token; never written into an error. */
  apiKey: string;
  /** Per-request timeout (ms). */
  timeoutMs: number;
  /** An axios instance, for tests; default a fresh one. */
  http?: AxiosInstance;
  /** The largest answer taken, decoded, in bytes; default 32 MiB (the connection's `maxResponseBytes`). */
  maxResponseBytes?: number;
  /** The connection id, named by the errors. */
  connection?: string;
}

const EXCERPT = 600;

/**
 * OdooRpc over JSON-2, `POST /json/2/<model>/<method>` (erp-apis.md §1.2, §1.4), Odoo 19 and later.
 * Arguments travel named, with `ids` beside them; the answer is the raw result. No retries here.
 */
export class Json2OdooRpc implements OdooRpc {
  readonly protocol = 'json2' as const;
  private readonly http: AxiosInstance;
  private readonly baseUrl: string;

  constructor(private readonly options: Json2OdooRpcOptions) {
    this.http = options.http ?? axios.create();
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  // https://www.odoo.com/documentation/19.0/developer/reference/external_api.html
  async version(): Promise<OdooServerVersion> {
    const answer = await this.request('GET', '/web/version', undefined, { what: 'web.version', isWrite: false });
    const { version, version_info } = (answer ?? {}) as { version?: unknown; version_info?: unknown };
    return parseServerVersion(version, version_info, { what: 'web.version', url: this.baseUrl });
  }

  // https://www.odoo.com/documentation/19.0/developer/reference/external_api.html (context_get gives the uid)
  async authenticate(): Promise<number> {
    const context = await this.call<{ uid?: unknown } | null>('res.users', 'context_get', {}, { isWrite: false });
    const uid = context?.uid;
    if (typeof uid !== 'number') {
      throw new AdapterError({
        code: 'ODOO_BAD_RESPONSE',
        kind: 'system',
        userMessage: `res.users.context_get: ${this.baseUrl} answered a context without a user id`,
        detail: redactString(JSON.stringify(context), [this.options.apiKey]).slice(0, EXCERPT),
      });
    }
    return uid;
  }

  // https://www.odoo.com/documentation/19.0/developer/reference/external_api.html
  async call<T = unknown>(
    model: string,
    method: string,
    named: { ids?: readonly number[] } & Record<string, unknown>,
    options: OdooCallOptions,
  ): Promise<T> {
    const path = `/json/2/${encodeURIComponent(model)}/${encodeURIComponent(method)}`;
    return (await this.request('POST', path, named, { what: `${model}.${method}`, isWrite: options.isWrite })) as T;
  }

  private async request(
    verb: 'GET' | 'POST',
    path: string,
    body: unknown,
    ctx: { what: string; isWrite: boolean },
  ): Promise<unknown> {
    const url = `${this.baseUrl}${path}`;
    const secrets = [this.options.apiKey];
    const { status, text, retryAfter } = await exchange(
      this.http,
      {
        method: verb,
        url,
        ...(verb === 'POST' ? { data: JSON.stringify(body) } : {}),
        headers: {
          Accept: 'application/json',
          ...(verb === 'POST'
            ? {
                'Content-Type': 'application/json',
                Authorization: `bearer ${this.options.apiKey}`,
                'X-Odoo-Database': this.options.database,
              }
            : {}),
        },
        timeoutMs: this.options.timeoutMs,
      },
      { ...ctx, secrets },
      {
        maxResponseBytes: this.options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
        connection: this.options.connection,
      },
    );
    if (status !== 200)
      throw classifyJson2Error(status, text, { what: ctx.what, url, isWrite: ctx.isWrite, retryAfter, secrets });
    return parseJson(text, { ...ctx, url, secrets });
  }
}

/**
 * JSON.parse, refusing integers a JS number cannot hold exactly: Odoo ids are 64-bit, and a rounded
 * id would silently name another record. Floats (amounts) are left alone.
 */
export function parseJson(
  text: string,
  ctx: { what: string; url: string; isWrite: boolean; secrets: readonly string[] },
): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new AdapterError({
      code: 'ODOO_BAD_RESPONSE',
      kind: 'system',
      outcomeUnknown: ctx.isWrite,
      userMessage: `${ctx.what}: ${ctx.url} did not answer JSON (${(e as Error).message}); is \`url\` an Odoo 19+ server?`,
      detail: redactString(text.slice(0, EXCERPT), ctx.secrets),
    });
  }
  const unsafe = unsafeInteger(text);
  if (unsafe !== undefined) {
    throw new AdapterError({
      code: 'ODOO_UNSAFE_INTEGER',
      kind: 'system',
      outcomeUnknown: ctx.isWrite,
      userMessage: `${ctx.what}: Odoo answered the integer ${unsafe}, beyond 2^53−1, which this connector cannot hold exactly; the answer is refused rather than risk a wrong id`,
      detail: redactString(text.slice(0, EXCERPT), ctx.secrets),
    });
  }
  return value;
}

/** The first integer literal outside strings whose magnitude exceeds Number.MAX_SAFE_INTEGER. */
export function unsafeInteger(json: string): string | undefined {
  for (const [token] of json.matchAll(/"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g)) {
    if (token.startsWith('"') || /[.eE]/.test(token)) continue;
    if (!Number.isSafeInteger(Number(token))) return token;
  }
  return undefined;
}
