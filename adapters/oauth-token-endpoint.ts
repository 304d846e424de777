import axios from 'axios';
import { AdapterError } from '../connector/ports/adapter-error';

/**
 * One call to an OAuth 2 token endpoint (RFC 6749 §3.2): a form POST whose answer is read as a JSON
 * object whatever its status, since an error (`invalid_grant`, `invalid_client`, …) is a JSON object
 * too. What the answer means is each provider's to say (adapters/quickbooks/oauth.ts,
 * adapters/sage-active/oauth.ts); a server that does not answer is told here, naming its host.
 */
export async function postTokenForm(input: {
  url: string;
  form: URLSearchParams;
  /** Beyond Accept and Content-Type: HTTP Basic client authentication, a provider's own header. */
  headers?: Record<string, string>;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** The error code, and who the server is in a person's words ("the QuickBooks token endpoint"). */
  unreachable: { code: string; connection: string; server: string };
}): Promise<{ status: number; body: Record<string, unknown> }> {
  let response;
  try {
    response = await axios.post<unknown>(input.url, input.form.toString(), {
      headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded', ...input.headers },
      timeout: input.timeoutMs ?? 20_000,
      ...(input.signal ? { signal: input.signal } : {}),
      validateStatus: () => true,
      responseType: 'json',
    });
  } catch (e) {
    const { code, connection, server } = input.unreachable;
    throw new AdapterError({
      code,
      kind: 'transient',
      userMessage: `connection ${connection}: ${server} (${new URL(input.url).host}) did not answer: ${(e as Error).message}`,
      cause: e,
    });
  }
  const data = response.data;
  return {
    status: response.status,
    body: typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : {},
  };
}
