import axios, { type AxiosInstance } from 'axios';
import { AdapterError } from '../../../connector/ports/adapter-error';
import { decodeMethodResponse, encodeMethodCall, type XmlRpcValue } from '../xmlrpc';
import { XmlRpcMarshalError, XmlRpcProtocolError } from '../xmlrpc/values';
import { classifyFault, classifyHttpStatus } from './classify';
import { DEFAULT_MAX_RESPONSE_BYTES, exchange } from './http-exchange';

export interface XmlRpcTransportOptions {
  /** Odoo's base URL, e.g. https://erp.example.com (no trailing path). */
  baseUrl: string;
  /** Per-request timeout (ms). */
  timeoutMs: number;
  /** Values never to write into an error (the API key). */
  secrets: readonly string[];
  /** An axios instance, for tests; default a fresh one (never a shared global). */
  http?: AxiosInstance;
  /** The largest answer taken, decoded, in bytes; default DEFAULT_MAX_RESPONSE_BYTES (32 MiB). */
  maxResponseBytes?: number;
  /** The connection id, named by the errors. */
  connection?: string;
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
  async call(
    service: 'common' | 'object',
    method: string,
    params: readonly XmlRpcValue[],
    opts: { isWrite: boolean; what: string },
  ): Promise<XmlRpcValue> {
    const url = `${this.options.baseUrl.replace(/\/+$/, '')}/xmlrpc/2/${service}`;
    let body: string;
    try {
      body = encodeMethodCall(method, params);
    } catch (e) {
      if (e instanceof XmlRpcMarshalError)
        throw new AdapterError({
          code: 'ODOO_REQUEST_NOT_ENCODABLE',
          kind: 'system',
          userMessage: `${opts.what}: ${e.message}`,
          cause: e,
        });
      throw e;
    }
    const response = await exchange(
      this.http,
      {
        method: 'POST',
        url,
        data: body,
        headers: { 'Content-Type': 'text/xml', Accept: 'text/xml' },
        timeoutMs: this.options.timeoutMs,
      },
      { what: opts.what, isWrite: opts.isWrite, secrets: this.options.secrets },
      {
        maxResponseBytes: this.options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
        connection: this.options.connection,
      },
    );
    if (response.status !== 200) {
      throw classifyHttpStatus(response.status, {
        what: opts.what,
        url,
        isWrite: opts.isWrite,
        retryAfter: response.retryAfter,
        body: response.text,
      });
    }
    let decoded;
    try {
      decoded = await decodeMethodResponse(response.text);
    } catch (e) {
      if (e instanceof XmlRpcProtocolError) {
        throw new AdapterError({
          code: 'ODOO_BAD_RESPONSE',
          kind: 'system',
          outcomeUnknown: opts.isWrite,
          userMessage: `${opts.what}: ${url} did not answer in XML-RPC (${e.message}); is \`url\` an Odoo server?`,
          detail: response.text.slice(0, 600),
          cause: e,
        });
      }
      throw e;
    }
    if (decoded.kind === 'fault')
      throw classifyFault(decoded.code, decoded.message, {
        what: opts.what,
        isWrite: opts.isWrite,
        secrets: this.options.secrets,
      });
    return decoded.value;
  }
}
