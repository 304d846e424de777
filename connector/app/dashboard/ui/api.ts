import { t } from './i18n';

/**
 * The daemon's JSON API on the same origin, under /api only (the same routes also answer at the
 * root, where the dashboard never calls them). The session cookie goes with every call
 * (same-origin); every state-changing call carries the session's CSRF token. A 401 from any call
 * hands over to the sign-in screen (`onUnauthenticated`), except the sign-in itself.
 */

export interface Problem {
  path: string;
  message: string;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    /** 0 when the daemon did not answer. */
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problems: readonly Problem[] = [],
    /** Seconds, from Retry-After (429). */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
  }
}

/** What the API's errors look like: `{"error": {"code", "message", "problems"?}}`. */
interface ErrorBody {
  error?: { code?: unknown; message?: unknown; problems?: unknown };
}

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface ApiOptions {
  fetch: FetchLike;
  /** The session's CSRF token, null before sign-in. */
  csrfToken: () => string | null;
  /** A call answered 401: the session is gone. */
  onUnauthenticated: () => void;
}

export type Query = Readonly<Record<string, string | number | boolean | null | undefined>>;

export class Api {
  constructor(private readonly options: ApiOptions) {}

  get<T>(path: string, query: Query = {}): Promise<T> {
    return this.call<T>('GET', path, { query });
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.call<T>('POST', path, { body });
  }

  delete<T>(path: string): Promise<T> {
    return this.call<T>('DELETE', path, {});
  }

  /** `signIn`: a 401 is a refused password, not a lost session. */
  async call<T>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    init: { query?: Query; body?: unknown; signIn?: boolean },
  ): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (init.body !== undefined) headers['Content-Type'] = 'application/json';
    const token = this.options.csrfToken();
    if (method !== 'GET' && token) headers['X-CSRF-Token'] = token;
    let response: Response;
    try {
      response = await this.options.fetch(urlOf(path, init.query ?? {}), {
        method,
        headers,
        credentials: 'same-origin',
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
    } catch {
      throw new ApiError(0, 'NETWORK', t('The daemon did not answer. Check that it is running, then try again.'));
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let body: unknown = undefined;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
    }
    if (response.ok) return body as T;
    const error = errorOf(response, body);
    if (response.status === 401 && !init.signIn) this.options.onUnauthenticated();
    throw error;
  }
}

/** `/api` + path, with the query's non-empty values in the order given. */
export function urlOf(path: string, query: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query))
    if (value !== undefined && value !== null && value !== '') params.append(key, String(value));
  const search = params.toString();
  return `/api${path}${search ? `?${search}` : ''}`;
}

function errorOf(response: Response, body: unknown): ApiError {
  const e = (body as ErrorBody | undefined)?.error;
  const code = typeof e?.code === 'string' ? e.code : `HTTP_${response.status}`;
  const message =
    typeof e?.message === 'string' && e.message !== ''
      ? e.message
      : t('The daemon answered with an error.') + ` (HTTP ${response.status})`;
  const problems = Array.isArray(e?.problems)
    ? (e.problems as unknown[]).flatMap((p) => {
        const r = p as { path?: unknown; message?: unknown };
        return typeof r.path === 'string' && typeof r.message === 'string'
          ? [{ path: r.path, message: r.message }]
          : [];
      })
    : [];
  const retry = Number(response.headers.get('retry-after'));
  return new ApiError(response.status, code, message, problems, Number.isFinite(retry) && retry > 0 ? retry : null);
}

/** A sentence a person can act on, for a failed call: the server's words, and what a refusal means. */
export function describeError(error: unknown): string {
  if (!(error instanceof ApiError)) return t('Something went wrong in the page. Reload it and try again.');
  if (error.status === 403 && error.code === 'FORBIDDEN')
    return `${t('Your role does not allow this action.')} ${error.message}`;
  if (error.status === 403 && error.code === 'CSRF_TOKEN_INVALID')
    return `${t('Your session is out of date: reload the page.')} ${error.message}`;
  if (error.status === 429)
    return `${t('Too many attempts.')} ${error.message}${error.retryAfter ? ` (${t('Try again in seconds:')} ${error.retryAfter})` : ''}`;
  const problems = error.problems.map((p) => `${p.path}: ${p.message}`).join('; ');
  return problems ? `${error.message} (${problems})` : error.message;
}
