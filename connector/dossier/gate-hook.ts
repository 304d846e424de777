/**
 * The escalation gate as the policy engine runs it (`EvaluationContext.escalationGate`, used by
 * `decide()`): loads the case's records, checks every condition, and when the gate fails
 * journals why — once per change of the failing conditions, not at every hourly evaluation.
 * A gate that passes is recorded with the decision itself (its reasons).
 */
import type { PartyKind } from '../claim/claim-input.schema';
import type { LegalData } from '../claim/legal-data';
import type { CaseJournalEntry } from '../model/journal.schema';
import type { EscalationGateHook, Reason } from '../policy/evaluate';
import { loadCaseRecords } from './case-records';
import { checkEscalation, type EscalationGate } from './escalation-gate';
import type { ProcedureData } from './procedure-data';

export interface GateHookOptions {
  legal: LegalData;
  /** config/legal/fr/procedures.yaml (`loadProcedureData()`). */
  procedures: ProcedureData;
  /** The company's time zone. */
  timeZone: string;
  /** Default company. */
  creditorKind?: PartyKind;
}

/** The key under which a refusal's journal line keeps the gate's result. */
export const GATE_JOURNAL_KEY = 'escalationGate';

export function escalationGateHook(options: GateHookOptions): EscalationGateHook {
  return async ({ store, snapshot, policy, asOf, now }) => {
    const records = await loadCaseRecords(store, snapshot.case.id);
    const gate = checkEscalation(records, policy, asOf, options);
    const reasons: Reason[] = gate.conditions.map((c) => ({
      code: c.pass ? 'ESCALATION_CONDITION_MET' : 'ESCALATION_CONDITION_FAILED',
      message: `${c.id}: ${c.reason}`,
    }));
    if (!gate.pass && !sameRefusalJournalled(records.journal, gate)) {
      await store.cases.appendJournal({
        caseId: snapshot.case.id,
        at: now.toISOString(),
        actor: { kind: 'system', id: `policy:${policy.id}@${policy.version}` },
        type: 'note',
        summary: `escalation not decided on ${asOf}: ${gate.conditions
          .filter((c) => !c.pass)
          .map((c) => `${c.id} (${c.reason})`)
          .join('; ')}`,
        data: { [GATE_JOURNAL_KEY]: { asOf, pass: false, failed: gate.failed, conditions: gate.conditions } },
      });
    }
    return { pass: gate.pass, reasons };
  };
}

/** The last gate refusal or decision of the journal is a refusal for the same conditions. */
function sameRefusalJournalled(journal: readonly CaseJournalEntry[], gate: EscalationGate): boolean {
  const last = journal
    .filter((j) => j.type === 'decision' || (j.type === 'note' && j.data[GATE_JOURNAL_KEY] !== undefined))
    .pop();
  if (!last || last.type === 'decision') return false;
  const failed = (last.data[GATE_JOURNAL_KEY] as { failed?: unknown }).failed;
  return (
    Array.isArray(failed) && failed.length === gate.failed.length && failed.every((id, i) => id === gate.failed[i])
  );
}
