/** The conditions the escalation gate checks before a case goes to the law firm (escalation-gate.ts). */

export type GateConditionId =
  | 'formal_notice_expired'
  | 'unanswered'
  | 'liquid_and_due'
  | 'not_disputed'
  | 'not_prescribed'
  | 'not_insolvent'
  | 'worth_the_cost';

/** In the order they are reported. */
export const GATE_CONDITIONS: readonly GateConditionId[] = [
  'formal_notice_expired',
  'unanswered',
  'liquid_and_due',
  'not_disputed',
  'not_prescribed',
  'not_insolvent',
  'worth_the_cost',
];
