import axios, { type AxiosResponse } from 'axios';
import { randomBytes } from 'node:crypto';
import { CredentialError, refreshToken } from '../../connector/credentials/refresh';
import { AdapterError } from '../../connector/ports/adapter-error';
import type { CredentialStore, OAuthTokens } from '../../connector/ports/credentials';
import type { RequestLimiter, RequestLimiterFactory } from '../../connector/ports/request-limiter';
import type { Clock } from '../../connector/time/clock';
import { graphqlUrlOf, type SageActiveConnection } from './config.schema';
import { appLimiter } from './limiter';
import { requestTokens } from './oauth';

/**
 * The GraphQL client of one Sage Active connection (sage.md §2.1–2.2, §2.6): every operation a POST
 * of `{query, variables, operationName}` to `/graphql` with `Authorization: Bearer`, `x-api-key` (the
 * subscription key) and `X-OrganizationId` (except the organisation-free queries: `userProfile`,
 * `organizations`, `localizedEnumValues`, `localizedErrorMessage`). Tokens come from the connection's
 * credential store, refreshed when due, one worker at a time (connector/credentials/refresh.ts); a
 * token refused before its expiry ("JWT not present.") is refreshed once and the call made again.
 *
 * Every failure leaves as an AdapterError whose kind says what the layer above does and whose
 * message says what a person does. GraphQL `errors[]` inside HTTP 200 are failures too: a partial
 * `data` with `null` at the failing path is normal for Hot Chocolate, and is never used.
 */

export interface SageActiveClientOptions {
  config: SageActiveConnection;
  /** Times the tokens: real time (AdapterDeps.wallClock). */
  clock: Clock;
  credentials: (() => CredentialStore) | undefined;
  /** The app's limiter; default: from `limiters`, else this process's one for the app (limiter.ts). */
  limiter?: RequestLimiter;
  /** Limiters shared by every worker (AdapterDeps.limiters), when the queue runs on Redis. */
  limiters?: RequestLimiterFactory | undefined;
}

/** One GraphQL error as Hot Chocolate writes it (sage.md §2.6). */
export interface GraphqlError {
  message: string;
  path?: (string | number)[];
  extensions?: Record<string, unknown>;
}

/**
 * A file sent with a mutation as a GraphQL multipart request (jaydenseric's spec, which Hot
 * Chocolate implements): `uploadFileToEntity` takes its file so (sage.md §2.5).
 */
export interface UploadPart {
  /** Where the file goes in the variables, dotted (`input.file`); it is sent there as null. */
  variablePath: string;
  fileName: string;
  contentType: string;
  bytes: Buffer;
}

/** The wait asked by a 429 without Retry-After: APIM's stock body says 60 s (sage.md §2.2, INFERRED). */
const DEFAULT_RETRY_AFTER_MS = 60_000;
/** Keys of the business errors that mean the user's role or the edition (Starter) lacks a feature (sage.md §2.1, §2.6). */
const DENIED = new Set(['global.businessErrors.authorizationPolicy', 'global.businessErrors.authorizationFeature']);

export class SageActiveClient {
  /** Calls made, by kind: reads are queries, writes mutations (what `usage()` reports). */
  readonly meter = { reads: 0, writes: 0, throttled: 0 };
  readonly limiter: RequestLimiter;
  private readonly url: string;

  constructor(private readonly options: SageActiveClientOptions) {
    this.url = graphqlUrlOf(options.config);
    this.limiter =
      options.limiter ??
      appLimiter(this.url, options.config.clientId, options.config.requestsPerMinute, options.limiters);
  }

  /**
   * Runs one operation and returns its `data`. `organization: false` for the queries that need no
   * organisation (sage.md §2.1).
   */
  async request<T>(
    operationName: string,
    query: string,
    variables: Record<string, unknown> = {},
    options: { organization?: boolean; mutation?: boolean; upload?: UploadPart } = {},
  ): Promise<T> {
    let tokens = await this.tokens();
    for (let attempt = 1; ; attempt++) {
      const response = await this.send(operationName, query, variables, options, tokens.accessToken);
      if (response.status === 401 && attempt === 1 && jwtRefused(response.data)) {
        // Refused before its expiry (revoked, or refreshed by another worker): refresh once.
        tokens = await this.tokens(tokens.accessToken);
        continue;
      }
      return this.answer(operationName, response) as T;
    }
  }

  /**
   * Runs one mutation with a file, as a multipart request with the header `GraphQL-preflight: 1`
   * that Sage asks of uploads (sage.md §2.5; Hot Chocolate refuses a multipart request without it,
   * as a guard against cross-site posts). Tokens, the refused-token retry and the answer's reading
   * are those of `request`.
   */
  upload<T>(operationName: string, query: string, variables: Record<string, unknown>, file: UploadPart): Promise<T> {
    return this.request<T>(operationName, query, variables, { mutation: true, upload: file });
  }

  private async send(
    operationName: string,
    query: string,
    variables: Record<string, unknown>,
    options: { organization?: boolean; mutation?: boolean; upload?: UploadPart },
    accessToken: string,
  ): Promise<AxiosResponse<unknown>> {
    const { config } = this.options;
    // Sage counts every request against the app's minute (§2.2), a refused one too.
    const release = await this.limiter.acquire();
    if (options.mutation) this.meter.writes++;
    else this.meter.reads++;
    const multipart = options.upload ? multipartBody(operationName, query, variables, options.upload) : undefined;
    try {
      return await axios.post<unknown>(this.url, multipart?.body ?? { query, variables, operationName }, {
        headers: {
          Authorization: `Bearer ${accessToken}`,
          'x-api-key': config.subscriptionKey,
          ...(options.organization === false ? {} : { 'X-OrganizationId': config.organizationId }),
          ...(multipart
            ? { 'Content-Type': multipart.contentType, 'GraphQL-preflight': '1' }
            : { 'Content-Type': 'application/json' }),
          Accept: 'application/json',
        },
        timeout: config.timeoutMs,
        validateStatus: () => true,
        responseType: 'json',
      });
    } catch (e) {
      throw new AdapterError({
        code: 'SAGE_UNREACHABLE',
        kind: 'transient',
        userMessage: `connection ${config.id}: Sage Active (${new URL(this.url).host}) did not answer ${operationName}: ${(e as Error).message}; it is tried again later`,
        cause: e,
        outcomeUnknown: options.mutation === true,
      });
    } finally {
      release();
    }
  }

  /** The answer's `data`, or the AdapterError it stands for. */
  private answer(operationName: string, response: AxiosResponse<unknown>): Record<string, unknown> {
    const connection = this.options.config.id;
    const body = isObject(response.data) ? response.data : undefined;
    const errors = graphqlErrors(body);
    const what = `Sage Active ${operationName}`;
    if (response.status === 200 && body && errors.length === 0 && isObject(body['data'])) return body['data'];
    if (response.status === 429) {
      this.meter.throttled++;
      const wait = retryAfterMs(response.headers['retry-after']) ?? DEFAULT_RETRY_AFTER_MS;
      // Every connection of the app waits: the limit is the app's, not this organisation's (§2.2).
      this.limiter.hold(wait);
      return fail({
        code: 'SAGE_THROTTLED',
        kind: 'rate_limit',
        userMessage: `connection ${connection}: Sage Active asked to slow down (HTTP 429); ${what} is tried again in ${Math.ceil(wait / 1000)} s`,
        detail: describe(response),
        retryAfterMs: wait,
      });
    }
    if (response.status === 401) {
      const message = typeof body?.['message'] === 'string' ? body['message'] : '';
      return fail(
        /subscription key/i.test(message)
          ? {
              code: 'SAGE_SUBSCRIPTION_KEY',
              kind: 'config',
              userMessage: `connection ${connection}: Sage refused the subscription key ("${message}"); set subscriptionKey to the primary or secondary key of the app's subscription (Sage Developer Center)`,
              detail: describe(response),
            }
          : {
              code: 'SAGE_TOKEN_REFUSED',
              kind: 'config',
              userMessage: `connection ${connection}: Sage refused a fresh token (${message || 'HTTP 401'}); connect the company again: run \`recouvra connect sage-active --connection ${connection}\``,
              detail: describe(response),
            },
      );
    }
    if (response.status === 403)
      return fail({
        code: 'SAGE_USER_NEVER_SIGNED_IN',
        kind: 'config',
        userMessage: `connection ${connection}: Sage refused the user (HTTP 403): the user who connected the company must have signed in to Sage Active at least once, then connect again`,
        detail: describe(response),
      });
    if (response.status >= 500)
      return fail({
        code: 'SAGE_SERVER_ERROR',
        kind: 'transient',
        userMessage: `connection ${connection}: Sage Active failed on ${operationName} (HTTP ${response.status}); it is tried again later`,
        detail: describe(response),
      });
    if (errors.length > 0) return fail(graphqlFailure(connection, what, response.status, errors));
    return fail({
      code: 'SAGE_UNREADABLE_ANSWER',
      kind: 'system',
      userMessage: `connection ${connection}: ${what} answered HTTP ${response.status} with no data and no error we can read`,
      detail: describe(response),
    });
  }

  /** Valid tokens from the credential store, refreshed first when due (or when `rejected` was refused). */
  private async tokens(rejected?: string): Promise<OAuthTokens> {
    const { config, clock } = this.options;
    const connect = `run \`recouvra connect sage-active --connection ${config.id}\``;
    if (!this.options.credentials)
      throw new AdapterError({
        code: 'SAGE_NO_CREDENTIAL_STORE',
        kind: 'config',
        userMessage: `connection ${config.id}: no store holding the company's authorization was found (connect it first): ${connect}`,
      });
    try {
      const result = await refreshToken(
        this.options.credentials(),
        (token, { signal }) => requestTokens(config, { type: 'refresh_token', refreshToken: token }, { signal }),
        { clock, ...(rejected === undefined ? {} : { rejectedAccessToken: rejected }) },
      );
      return result.tokens;
    } catch (e) {
      if (e instanceof AdapterError) throw e;
      if (e instanceof CredentialError && e.code === 'missing')
        throw new AdapterError({
          code: 'SAGE_NOT_CONNECTED',
          kind: 'config',
          userMessage: `connection ${config.id}: the company is not connected yet: ${connect}`,
          cause: e,
        });
      if (e instanceof CredentialError && (e.code === 'reauthorization_required' || e.code === 'malformed'))
        throw new AdapterError({
          code: 'SAGE_RECONNECT',
          kind: 'config',
          userMessage: `connection ${config.id}: Sage no longer accepts the stored authorization (${e.message}); reconnect this company: ${connect}`,
          cause: e,
        });
      throw new AdapterError({
        code: 'SAGE_TOKEN_UNAVAILABLE',
        kind: 'transient',
        userMessage: `connection ${config.id}: no valid Sage token could be had now (${(e as Error).message}); it is tried again later`,
        cause: e,
      });
    }
  }
}

/** What `errors[]` inside an answer say, with the action a person can take (sage.md §2.6). */
export function graphqlFailure(
  connection: string,
  what: string,
  status: number,
  errors: readonly GraphqlError[],
): ConstructorParameters<typeof AdapterError>[0] {
  const first = errors[0]!;
  const code = typeof first.extensions?.['code'] === 'string' ? first.extensions['code'] : undefined;
  const detail = `HTTP ${status} ${errors.map((e) => `${e.message}${e.path ? ` at ${e.path.join('.')}` : ''}`).join('; ')}`;
  const listed = errors.map((e) => e.message).join('; ');
  if (errors.some((e) => /X-OrganizationId header is mandatory/.test(e.message)))
    return {
      code: 'SAGE_NO_ORGANIZATION',
      kind: 'config',
      userMessage: `connection ${connection}: ${what}: Sage asks for the organisation (X-OrganizationId); set organizationId (recouvra connect sage-active lists them)`,
      detail,
    };
  if (code === 'AUTH_NOT_AUTHORIZED')
    return {
      code: 'SAGE_NOT_AUTHORIZED',
      kind: 'config',
      userMessage: `connection ${connection}: ${what}: the user who connected the company may not open this organisation (${first.message}); give that user access to the organisation in Sage Active, or connect with a user who has it`,
      detail,
    };
  if (errors.some((e) => DENIED.has(e.message)))
    return {
      code: 'SAGE_FEATURE_DENIED',
      kind: 'config',
      userMessage: `connection ${connection}: ${what}: Sage Active refuses it to this user's role or this edition (${listed}); a Starter edition has no access to accounting entries: give the user the role, or turn the feature off in the connection's writeBack`,
      detail,
    };
  if (code === 'HC0051' || code === 'PAGINATION_MAX_ITEMS')
    return {
      code: 'SAGE_PAGE_TOO_LARGE',
      kind: 'system',
      userMessage: `connection ${connection}: ${what}: Sage refused the page size (${first.message}); pageSize is at most 500`,
      detail,
    };
  if (status === 400)
    return {
      code: 'SAGE_QUERY_REFUSED',
      kind: 'system',
      userMessage: `connection ${connection}: ${what}: Sage refused the query (${listed}); the API may have changed: report it with this message`,
      detail,
    };
  return {
    code: 'SAGE_BUSINESS_ERROR',
    kind: 'system',
    userMessage: `connection ${connection}: ${what}: Sage refused it (${listed})`,
    detail,
  };
}

/**
 * The GraphQL multipart request (https://github.com/jaydenseric/graphql-multipart-request-spec):
 * `operations` (the operation, the file's variable null), `map` (file part `0` → that variable),
 * then the file part; in that order, since a server may stream the parts (sage.md §2.5).
 */
function multipartBody(
  operationName: string,
  query: string,
  variables: Record<string, unknown>,
  file: UploadPart,
): { body: Buffer; contentType: string } {
  const boundary = `recouvra-${randomBytes(16).toString('hex')}`;
  const withNull = structuredClone(variables);
  const keys = file.variablePath.split('.');
  let node = withNull;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (!isObject(next)) throw new Error(`the upload's variable path ${file.variablePath} is not in the variables`);
    node = next;
  }
  node[keys[keys.length - 1]!] = null;
  const field = (name: string, value: string): Buffer =>
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`, 'utf8');
  const fileName = file.fileName.replace(/["\r\n\\]/g, '_');
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    body: Buffer.concat([
      field('operations', JSON.stringify({ query, variables: withNull, operationName })),
      field('map', JSON.stringify({ 0: [`variables.${file.variablePath}`] })),
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="0"; filename="${fileName}"\r\nContent-Type: ${file.contentType}\r\n\r\n`,
        'utf8',
      ),
      file.bytes,
      Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8'),
    ]),
  };
}

function fail(init: ConstructorParameters<typeof AdapterError>[0]): never {
  throw new AdapterError(init);
}

function graphqlErrors(body: Record<string, unknown> | undefined): GraphqlError[] {
  const errors = body?.['errors'];
  if (!Array.isArray(errors)) return [];
  return errors.filter(isObject).map((e) => ({
    message: typeof e['message'] === 'string' ? e['message'] : JSON.stringify(e),
    ...(Array.isArray(e['path']) ? { path: e['path'] as (string | number)[] } : {}),
    ...(isObject(e['extensions']) ? { extensions: e['extensions'] } : {}),
  }));
}

/** "JWT not present." — APIM's answer to a missing or refused token (sage.md §2.6), as opposed to a bad subscription key. */
function jwtRefused(data: unknown): boolean {
  return !(isObject(data) && typeof data['message'] === 'string' && /subscription key/i.test(data['message']));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Retry-After in seconds or as an HTTP date; a date is the server's, compared with this machine's real time. */
function retryAfterMs(header: unknown): number | undefined {
  if (typeof header !== 'string' || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function describe(response: AxiosResponse<unknown>): string {
  const text =
    typeof response.data === 'string'
      ? response.data
      : response.data === undefined
        ? ''
        : JSON.stringify(response.data);
  return `HTTP ${response.status} ${text.slice(0, 300)}`;
}
