/**
 * The only errors that leave an adapter. Each has a stable code, a kind that tells the core
 * what to do with it, a message a person can act on, and internal detail for the logs — with
 * secrets already removed by the adapter.
 */
export type AdapterErrorKind =
  /** Wrong URL, database, credentials or rights: retrying cannot help, a person must act. */
  | 'config'
  /** Network trouble, 5xx, timeouts: worth retrying later. */
  | 'transient'
  /** The system asked us to slow down (HTTP 429): slow the queue, do not burn retries. */
  | 'rate_limit'
  /** The system answered something we cannot understand, or a write whose outcome is unknown. */
  | 'system';

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
