import axios, { type AxiosInstance } from 'axios';
import { AdapterError } from '../../../connector/sync/adapter-error';
import { decodeMethodResponse, encodeMethodCall, type XmlRpcValue } from '../xmlrpc';
import { XmlRpcMarshalError, XmlRpcProtocolError } from '../xmlrpc/values';
import { classifyFault, classifyHttpStatus, classifyNetworkError } from './classify';

export interface XmlRpcTransportOptions {
  /** Odoo's base URL, e.g. https://erp.example.com (no trailing path). */
  baseUrl: string;
  /** Per-request timeout (ms). */
  timeoutMs: number;
  /** Values never to write into an error (the API key). */
  secrets: readonly string[];
  /** An axios instance, for tests; default a fresh one (never a shared global). */
  http?: AxiosInstance;
}

/**
 * One XML-RPC call over HTTP POST `/xmlrpc/2/<service>` (erp-apis.md §1.1). No retries here:
 * they belong to the retry policy one layer up. Every failure leaves as an AdapterError.
 */
export class XmlRpcTransport {
  private readonly http: AxiosInstance;

  constructor(private readonly options: XmlRpcTransportOptions) {
    this.http = options.http ?? axios.create();
  }

  // https://www.odoo.com/documentation/18.0/developer/reference/external_api.html
  async call(service: 'common' | 'object', method: string, params: readonly XmlRpcValue[], opts: { isWrite: boolean; what: string }): Promise<XmlRpcValue> {
    const url = `${this.options.baseUrl.replace(/\/+$/, '')}/xmlrpc/2/${service}`;
    let body: string;
    try {
      body = encodeMethodCall(method, params);
    } catch (e) {
      if (e instanceof XmlRpcMarshalError) throw new AdapterError({ code: 'ODOO_REQUEST_NOT_ENCODABLE', kind: 'system', userMessage: `${opts.what}: ${e.message}`, cause: e });
      throw e;
    }
    let response;
    try {
      response = await this.http.post<string>(url, body, {
        headers: { 'Content-Type': 'text/xml', Accept: 'text/xml' },
        responseType: 'text',
        transformResponse: (x: unknown) => x,
        timeout: this.options.timeoutMs,
        validateStatus: () => true,
        maxRedirects: 0,
      });
    } catch (e) {
      const err = e as { code?: string; message?: string };
      throw classifyNetworkError(err.code, err.message ?? String(e), { what: opts.what, url, isWrite: opts.isWrite });
    }
    if (response.status !== 200) {
      throw classifyHttpStatus(response.status, { what: opts.what, url, isWrite: opts.isWrite, retryAfter: header(response.headers, 'retry-after'), body: String(response.data ?? '') });
    }
    let decoded;
    try {
      decoded = await decodeMethodResponse(String(response.data ?? ''));
    } catch (e) {
      if (e instanceof XmlRpcProtocolError) {
        throw new AdapterError({
          code: 'ODOO_BAD_RESPONSE',
          kind: 'system',
          outcomeUnknown: opts.isWrite,
          userMessage: `${opts.what}: ${url} did not answer in XML-RPC (${e.message}); is \`url\` an Odoo server?`,
          detail: String(response.data ?? '').slice(0, 600),
          cause: e,
        });
      }
      throw e;
    }
    if (decoded.kind === 'fault') throw classifyFault(decoded.code, decoded.message, { what: opts.what, isWrite: opts.isWrite, secrets: this.options.secrets });
    return decoded.value;
  }
}

function header(headers: unknown, name: string): string | undefined {
  const h = headers as Record<string, unknown> | undefined;
  const v = h?.[name];
  return typeof v === 'string' ? v : undefined;
}
