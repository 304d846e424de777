import { ProcedureStateSchema, type ProcedureState } from '../../connector/model/procedure-event.schema';

/**
 * The law firm's words for the state of a procedure (adapters/lawfirm/openapi.yaml, `EventType`,
 * and the file drop's status files): the state names themselves, and the synonyms a firm may
 * send. A word we do not know becomes `indeterminate`, which alerts a person rather than failing.
 */

/** The firm's words we accept beside the state names themselves (lower case, trimmed). */
const SYNONYMS: Readonly<Record<string, ProcedureState>> = {
  received: 'submitted',
  opened: 'accepted',
  amicable: 'amicable_phase',
  ordonnance: 'order_issued',
  order: 'order_issued',
  signification: 'served',
  notified: 'served',
  judgement: 'judgment',
  title: 'enforceable_title',
  payment: 'partial_recovery',
  paid: 'recovered',
  cancelled: 'withdrawn',
  canceled: 'withdrawn',
};

export function procedureStateOf(type: string): ProcedureState {
  const word = type.trim().toLowerCase();
  const known = ProcedureStateSchema.safeParse(word);
  if (known.success && known.data !== 'indeterminate') return known.data;
  return SYNONYMS[word] ?? 'indeterminate';
}
