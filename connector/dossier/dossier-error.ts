/**
 * A dossier that cannot be built as asked, with a stable code the outbox performer can act on
 * (retry later, or park the row and tell the controller) and a message a controller can act on.
 */
export type DossierErrorCode =
  | 'CASE_NOT_FOUND'
  | 'DEBTOR_MISSING'
  | 'NO_ESCALATION_DECISION'
  | 'ESCALATION_GATE_FAILED'
  | 'INVALID_IDENTIFIER'
  | 'NO_ADDRESS'
  | 'NOTHING_TO_CLAIM'
  | 'INVALID_DOSSIER';

export class DossierError extends Error {
  constructor(
    readonly code: DossierErrorCode,
    message: string,
    /** Every problem found, when there are several (each failed gate condition, each schema issue). */
    readonly problems: readonly string[] = [],
  ) {
    super(problems.length ? `${message}:\n${problems.map((p) => `  ${p}`).join('\n')}` : message);
    this.name = 'DossierError';
  }
}
