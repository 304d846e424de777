import { prescriptionOf } from '../claim/limitation';
import type { LegalData } from '../claim/legal-data';
import type { EvaluationContext } from './evaluate';

/**
 * The legal checks the policy engine needs, built from the legal data tables. Payments are
 * not in a case snapshot, so a partial payment's restart of the period (C. civ. 2240) is not
 * counted here: the date found is the earliest possible one, which errs on the side of not
 * escalating a claim that might be time-barred.
 */
export function evaluationContext(
  legal: LegalData,
  creditorKind: 'company' | 'individual' = 'company',
): EvaluationContext {
  return {
    prescription: (item, debtorKind, asOf) => {
      const p = prescriptionOf(
        { issueDate: item.issueDate, dueDate: item.dueDate, completionDate: item.completionDate, payments: [] },
        debtorKind,
        creditorKind,
        asOf,
        legal,
      );
      return { prescribed: p.prescribed, prescribesOn: p.prescribesOn };
    },
  };
}
