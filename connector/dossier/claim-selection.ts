/**
 * Which items of a case the law firm would claim as of a date, and which are left out and why:
 * excluded items, disputed ones when the policy leaves them out, invoices not yet due, and
 * time-barred ones (limitation periods from config/legal/fr/limitation.yaml, restarted by
 * each partial payment, C. civ. 2240). Pure.
 */
import type { Policy } from '../../config/policy.schema';
import type { PartyKind } from '../claim/claim-input.schema';
import type { LegalData } from '../claim/legal-data';
import { prescriptionOf, type Prescription } from '../claim/limitation';
import type { Receivable } from '../model/receivable.schema';
import type { IsoDate } from '../time/calendar-date';
import type { CaseRecords } from './case-records';

export interface ClaimSelection {
  /** Overdue invoices handed over: not excluded, not left out as disputed, not time-barred. */
  claimed: Receivable[];
  /** Open credit notes, netted from the claim. */
  credits: Receivable[];
  excluded: Receivable[];
  /** Disputed invoices the policy leaves out (`disputes: exclude_item`). */
  disputedLeftOut: Receivable[];
  /** Disputed invoices that stay in the claim (`disputes: pause_case`): the claim is disputed. */
  disputedClaimed: Receivable[];
  notYetDue: Receivable[];
  prescribed: { item: Receivable; prescription: Prescription }[];
  /** Prescription of each claimed invoice, by id. */
  prescriptions: ReadonlyMap<string, Prescription>;
  /** Open principal of the claimed invoices minus the open credit notes (minor units). */
  netPrincipal: number;
}

export function selectClaim(
  records: CaseRecords,
  policy: Pick<Policy, 'disputes'>,
  asOf: IsoDate,
  legal: LegalData,
  creditorKind: PartyKind,
): ClaimSelection {
  const open = records.receivables.filter((r) => r.open > 0 && r.currency === records.case.currency);
  const invoices = open.filter((r) => r.kind === 'invoice');
  const credits = open.filter((r) => r.kind === 'credit_note');
  const excluded = invoices.filter((r) => r.excluded);
  const leaveOutDisputes = policy.disputes === 'exclude_item';
  const disputedLeftOut = leaveOutDisputes ? invoices.filter((r) => !r.excluded && r.disputed) : [];
  const kept = invoices.filter((r) => !r.excluded && !(leaveOutDisputes && r.disputed));
  // An invoice is due the day after its due date, as the policy engine counts overdue items.
  const notYetDue = kept.filter((r) => r.dueDate >= asOf);
  const prescribed: ClaimSelection['prescribed'] = [];
  const prescriptions = new Map<string, Prescription>();
  const claimed: Receivable[] = [];
  for (const item of kept.filter((r) => r.dueDate < asOf)) {
    const payments = records.payments.get(item.id) ?? [];
    const p = prescriptionOf(
      { issueDate: item.issueDate, dueDate: item.dueDate, completionDate: item.completionDate, payments },
      records.debtor.kind,
      creditorKind,
      asOf,
      legal,
    );
    if (p.prescribed) prescribed.push({ item, prescription: p });
    else {
      claimed.push(item);
      prescriptions.set(item.id, p);
    }
  }
  const netPrincipal = claimed.reduce((s, r) => s + r.open, 0) - credits.reduce((s, r) => s + r.open, 0);
  return {
    claimed,
    credits,
    excluded,
    disputedLeftOut,
    disputedClaimed: claimed.filter((r) => r.disputed),
    notYetDue,
    prescribed,
    prescriptions,
    netPrincipal,
  };
}
