import type { AxiosInstance } from 'axios';
import { redactString } from '../connector/log/logger';

/**
 * One HTTP exchange with a provider whose contract the project owns (SMS, postal, law firm):
 * JSON with a bearer key, every status returned to the caller's classifier (nothing thrown on
 * 4xx/5xx), no redirects, and a network failure handed to the caller's classifier with the
 * message stripped of the secrets. The axios error itself never leaves: its config holds the
 * Authorization header.
 */

export interface ProviderRequest {
  method: 'GET' | 'POST';
  url: string;
  data?: string;
  headers: Record<string, string>;
}

export interface ProviderResponse {
  status: number;
  text: string;
  retryAfter: string | undefined;
  /** Lower-case names, as axios gives them. */
  headers: Record<string, unknown>;
}

export interface ProviderExchangeOptions {
  apiKey: string;
  timeoutMs: number;
  /** Values never to appear in an error message (the key, webhook secrets). */
  secrets: readonly string[];
  /** Request and response bodies unbounded here: the provider's own limit (413) applies, the caller sized the documents. */
  unboundedBodies?: boolean;
  /** Turns a network failure (axios code, redacted message) into the caller's typed error. */
  networkError: (code: string | undefined, message: string) => Error;
}

export async function providerExchange(
  http: AxiosInstance,
  request: ProviderRequest,
  options: ProviderExchangeOptions,
): Promise<ProviderResponse> {
  try {
    // With a text response and no transform, the body is a string; an empty one may come as undefined.
    const response = await http.request<string | undefined>({
      method: request.method,
      url: request.url,
      ...(request.data === undefined ? {} : { data: request.data }),
      headers: { Accept: 'application/json', Authorization: `Bearer ${options.apiKey}`, ...request.headers },
      responseType: 'text',
      transformResponse: (x: unknown) => x,
      timeout: options.timeoutMs,
      validateStatus: () => true,
      maxRedirects: 0,
      ...(options.unboundedBodies ? { maxBodyLength: Infinity, maxContentLength: Infinity } : {}),
    });
    const headers = (response.headers as Record<string, unknown> | undefined) ?? {};
    const retryAfter = headers['retry-after'];
    return {
      status: response.status,
      text: response.data ?? '',
      retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined,
      headers,
    };
  } catch (e) {
    const err = e as { code?: string; message?: string };
    throw options.networkError(err.code, redactString(err.message ?? String(e), options.secrets));
  }
}
