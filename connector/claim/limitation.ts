/**
 * Limitation periods (prescription extinctive) of a receivable. Pure: the as-of date is
 * passed in, the periods come from `LegalData` (config/legal/fr/limitation.yaml).
 */
import { addYears, daysBetween, maxDate, minDate, type IsoDate } from '../time/calendar-date';
import type { PartyKind } from './claim-input.schema';
import { CLAIM_FR } from './fr.wording';
import type { LegalData, LimitationPeriod } from './legal-data';

export interface PrescriptionItem {
  issueDate: IsoDate;
  dueDate: IsoDate;
  /** Completion of the goods or services, when known. */
  completionDate?: IsoDate | undefined;
  payments: readonly { date: IsoDate }[];
}

export interface Prescription {
  /** The event the period counts from (not itself counted, C. civ. 2228). */
  startsOn: IsoDate;
  /** The last day on which the claim can still be brought; it prescribes at the end of it. */
  prescribesOn: IsoDate;
  prescribed: boolean;
  /** Days from the as-of date to `prescribesOn`: 0 on the last day, negative once prescribed. */
  daysLeft: number;
  years: number;
  article: string;
  /** The partial payment that restarted the period, if any (C. civ. 2240, 2231). */
  restartedBy: IsoDate | null;
  /** True when the period counts from the issue date because no completion date was given (and no payment restarted it). */
  startFromIssueDate: boolean;
}

export const DEFAULT_PRESCRIPTION_WARN_DAYS = 90;

/**
 * C. com. L110-4 (5 years) between professionals; C. conso L218-2 (2 years) for a
 * professional's goods or services to a consumer; otherwise the civil rule C. civ. 2224
 * (5 years) when the creditor is a private individual.
 */
export function limitationPeriodFor(
  debtorKind: PartyKind,
  creditorKind: PartyKind,
  legal: LegalData,
): LimitationPeriod {
  if (creditorKind === 'individual') return legal.limitation.civil;
  return debtorKind === 'individual' ? legal.limitation.professionalToConsumer : legal.limitation.betweenProfessionals;
}

export function prescriptionOf(
  item: PrescriptionItem,
  debtorKind: PartyKind,
  creditorKind: PartyKind,
  asOf: IsoDate,
  legal: LegalData,
): Prescription {
  const period = limitationPeriodFor(debtorKind, creditorKind, legal);
  // Reference §4 [M]/[?]: case law counts from completion, and a debt with a term cannot
  // prescribe before it is due (C. civ. 2233). Taking the EARLIER of the two never shows a
  // claim as alive when it may already be time-barred; the warnings say so.
  const completion = item.completionDate ?? item.issueDate;
  const initialStart = minDate(completion, item.dueDate);
  // A partial payment is an acknowledgement of the debt (C. civ. 2240): a new period of the
  // same length starts (C. civ. 2231). Payments after the as-of date are not known yet.
  let restartedBy: IsoDate | null = null;
  for (const p of item.payments) {
    if (p.date <= asOf && p.date > initialStart && (restartedBy === null || p.date > restartedBy)) restartedBy = p.date;
  }
  const startsOn = restartedBy === null ? initialStart : maxDate(initialStart, restartedBy);
  // C. civ. 2228-2229 [M]: the starting day is not counted and the period ends at the end
  // of its last day, so "start + N years" is the last day the claim can still be brought.
  const prescribesOn = addYears(startsOn, period.years);
  const daysLeft = daysBetween(asOf, prescribesOn);
  return {
    startsOn,
    prescribesOn,
    prescribed: asOf > prescribesOn,
    daysLeft,
    years: period.years,
    article: period.article,
    restartedBy,
    startFromIssueDate: item.completionDate === undefined && restartedBy === null,
  };
}

/**
 * A warning when the claim is prescribed or prescribes within `warnDaysAhead` days
 * (default 90); none otherwise.
 */
export function prescriptionWarnings(
  item: PrescriptionItem & { id: string },
  debtorKind: PartyKind,
  creditorKind: PartyKind,
  asOf: IsoDate,
  legal: LegalData,
  warnDaysAhead: number = DEFAULT_PRESCRIPTION_WARN_DAYS,
): string[] {
  const p = prescriptionOf(item, debtorKind, creditorKind, asOf, legal);
  if (p.daysLeft > warnDaysAhead) return [];
  const about = {
    id: item.id,
    prescribesOn: p.prescribesOn,
    years: p.years,
    article: p.article,
    startsOn: p.startsOn,
    restarted: p.restartedBy !== null,
    issueDate: p.startFromIssueDate ? item.issueDate : null,
  };
  return [p.prescribed ? CLAIM_FR.prescribed(about) : CLAIM_FR.prescribesSoon({ ...about, daysLeft: p.daysLeft })];
}
