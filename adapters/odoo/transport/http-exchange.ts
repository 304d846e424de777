import type { AxiosInstance } from 'axios';
import { redactString } from '../../../connector/log/logger';
import { classifyNetworkError, responseTooLarge } from './classify';

/** The default cap of one Odoo answer, decoded (`maxResponseBytes`): 32 MiB holds a page of 5,000 moves many times over. */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/** Who is asking, for the messages of the errors: the connection id, when there is one. */
export interface ExchangeLimits {
  /** The decoded body may be at most this many bytes (after gzip/deflate/br); reading stops beyond it. */
  maxResponseBytes: number;
  connection?: string | undefined;
}

/** A response as both protocols need it: status, text body and the one header they read. */
export interface RawResponse {
  status: number;
  text: string;
  retryAfter: string | undefined;
}

/**
 * One HTTP exchange with Odoo, shared by XML-RPC and JSON-2: the body as text (each protocol
 * parses its own), every status returned (each protocol classifies its own), no redirect
 * followed, and a network failure turned into an AdapterError. The axios error itself never
 * leaves: its config carries the request's headers, the API key among them.
 */
export async function exchange(
  http: AxiosInstance,
  request: { method: 'GET' | 'POST'; url: string; data?: string; headers: Record<string, string>; timeoutMs: number },
  ctx: { what: string; isWrite: boolean; secrets: readonly string[] },
  limits: ExchangeLimits = { maxResponseBytes: DEFAULT_MAX_RESPONSE_BYTES },
): Promise<RawResponse> {
  try {
    // With a text response and no transform, the body is a string; an empty one may come as undefined.
    const response = await http.request<string | undefined>({
      method: request.method,
      url: request.url,
      ...(request.data === undefined ? {} : { data: request.data }),
      headers: request.headers,
      responseType: 'text',
      transformResponse: (x: unknown) => x,
      timeout: request.timeoutMs,
      validateStatus: () => true,
      maxRedirects: 0,
      // axios counts the bytes as they arrive, after decompression, and destroys the stream at
      // the first chunk beyond the cap: a huge answer (or a gzip bomb) is never held whole.
      maxContentLength: limits.maxResponseBytes,
    });
    const retryAfter = (response.headers as Record<string, unknown> | undefined)?.['retry-after'];
    return {
      status: response.status,
      text: response.data ?? '',
      retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined,
    };
  } catch (e) {
    const err = e as { code?: string; message?: string };
    if (err.code === 'ERR_BAD_RESPONSE' && /^maxContentLength size of \d+ exceeded$/.test(err.message ?? '')) {
      throw responseTooLarge({
        what: ctx.what,
        url: request.url,
        isWrite: ctx.isWrite,
        maxResponseBytes: limits.maxResponseBytes,
        connection: limits.connection,
      });
    }
    throw classifyNetworkError(err.code, redactString(err.message ?? String(e), ctx.secrets), {
      what: ctx.what,
      url: request.url,
      isWrite: ctx.isWrite,
    });
  }
}
