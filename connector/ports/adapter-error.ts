/**
 * The only errors that leave an adapter. Each has a stable code, a kind that tells the core
 * what to do with it, a message a person can act on, and internal detail for the logs — with
 * secrets already removed by the adapter.
 *
 * An adapter classifies; it never retries. Whether and when a failed call is tried again is
 * decided by the layer above, from the class of the error (`failureClass`): the outbox for
 * writes (connector/outbox/dispatch.ts), the job queue for a sync's reads (connector/sync/retry-policy.ts).
 */
export type AdapterErrorKind =
  /** Wrong URL, database, credentials or rights: retrying cannot help, a person must act. */
  | 'config'
  /** Network trouble, 5xx, timeouts: worth retrying later. */
  | 'transient'
  /** The system asked us to slow down (HTTP 429): come back after `retryAfterMs`, do not burn retries. */
  | 'rate_limit'
  /**
   * A permanent refusal: the system refused this request (a business rule, a missing record) or
   * answered something we cannot understand. The same request gets the same answer.
   */
  | 'system';

/**
 * The five things a failure can mean to the layer that decides retries:
 * - `transient`: retry later, with backoff;
 * - `rate_limit`: retry after the wait the server asked (`retryAfterMs`), not counted as an attempt;
 * - `config`: never retried; a person fixes the configuration, then asks again;
 * - `refused`: never retried; the system will answer the same;
 * - `outcome_unknown`: a write that may have been applied (its answer was lost): never repeated
 *   blindly; only a performer that first looks for its own earlier write may try it again.
 */
export type FailureClass = 'transient' | 'rate_limit' | 'config' | 'refused' | 'outcome_unknown';

export class AdapterError extends Error {
  override readonly name = 'AdapterError';
  readonly code: string;
  readonly kind: AdapterErrorKind;
  /** What the person running the connector should do. */
  readonly userMessage: string;
  /** For the logs: request, status, response excerpt. Never a secret. */
  readonly detail: string | undefined;
  /** Set by the system when it says when to come back (Retry-After), in milliseconds. */
  readonly retryAfterMs: number | undefined;
  /** True when a write may have been applied although the call failed: never retry it blindly. */
  readonly outcomeUnknown: boolean;

  constructor(init: {
    code: string;
    kind: AdapterErrorKind;
    userMessage: string;
    detail?: string;
    retryAfterMs?: number;
    outcomeUnknown?: boolean;
    cause?: unknown;
  }) {
    super(`${init.code}: ${init.userMessage}`, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.kind = init.kind;
    this.userMessage = init.userMessage;
    this.detail = init.detail;
    this.retryAfterMs = init.retryAfterMs;
    this.outcomeUnknown = init.outcomeUnknown ?? false;
  }
}

/**
 * The class of an adapter's failure. A configuration error stays one even when a write may have
 * been applied: repeating it cannot succeed before a person acts.
 */
export function failureClass(error: AdapterError): FailureClass {
  if (error.kind === 'config') return 'config';
  if (error.outcomeUnknown) return 'outcome_unknown';
  if (error.kind === 'system') return 'refused';
  return error.kind;
}
