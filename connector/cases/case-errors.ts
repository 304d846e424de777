/**
 * Why a controller's operation on a case was refused. Each error has a stable code and a message
 * a person can act on; the HTTP API maps the kind to its status (not_found 404, conflict 409,
 * invalid 400). Messages name ids and states, never a debtor's personal data.
 */

export type CaseErrorKind = 'not_found' | 'conflict' | 'invalid';

export abstract class CaseOperationError extends Error {
  abstract readonly kind: CaseErrorKind;

  constructor(
    readonly code: string,
    message: string,
    /** What a client needs beyond the message to act (the candidates of an ambiguous reference); the API answers it beside `code` and `message`. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** The case, item, action or connection named does not exist. */
export class NotFoundError extends CaseOperationError {
  override readonly name = 'NotFoundError';
  readonly kind = 'not_found';
}

/** The record exists but its state does not allow the operation (the message names the state). */
export class ConflictError extends CaseOperationError {
  override readonly name = 'ConflictError';
  readonly kind = 'conflict';
}

/** The request itself cannot be carried out whatever the state (a date in the past, an amount above what is owed). */
export class InvalidOperationError extends CaseOperationError {
  override readonly name = 'InvalidOperationError';
  readonly kind = 'invalid';
}

/**
 * A reference a person typed (an invoice number) names records in several places: the message
 * lists them and says how to pick one; `details.candidates` lists them for a client. The API
 * answers 409, as for any request the store's state does not let it carry out as asked.
 */
export class AmbiguousReferenceError extends CaseOperationError {
  override readonly name = 'AmbiguousReferenceError';
  readonly kind = 'conflict';
}
