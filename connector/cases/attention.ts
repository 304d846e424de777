import type { Action, ActionKind } from '../model/action.schema';
import type { Case, CaseStage } from '../model/case.schema';
import type { CaseJournalEntry } from '../model/journal.schema';
import type { Store } from '../store/store';
import type { DebtorSummary } from './case-view';

/**
 * The cases that stopped with no next step: nothing will happen on them until a person acts.
 * Derived from what the store already holds — the case's stage, its journal, its dossiers and
 * its outbox rows failed for good — so that nothing new is written to find them:
 *
 * - answered_after_notice: the escalation gate found a payment, a promise or a dispute after the
 *   formal notice (condition `unanswered`): the notice no longer opens the way to the firm.
 * - gate_failing: the escalation gate refuses for a reason time will not fix (amount below the
 *   cost, prescription, insolvency, a dispute), or for any reason for GATE_STUCK_DAYS days.
 * - escalation_rejected: a controller rejected the escalation: the policy does not propose it again.
 * - dossier_refused: the law firm refused the file (422 as sent, or rejected on its merits).
 * - debtor_unreachable: a message failed for good because the ledger has no e-mail address, no
 *   French mobile or no postal address for the debtor.
 * - action_failed: any other outbox row failed for good (a permanent answer, its retry budget spent).
 *
 * Reads every failed outbox row, and the journal of every case at the formal notice or escalated:
 * meant for a person's look-up or a dashboard refresh, not for a tight loop.
 */

export type AttentionKind =
  | 'answered_after_notice'
  | 'gate_failing'
  | 'escalation_rejected'
  | 'dossier_refused'
  | 'debtor_unreachable'
  | 'action_failed';

export interface AttentionItem {
  caseId: string;
  debtor: DebtorSummary | null;
  stage: CaseStage;
  kind: AttentionKind;
  /** When the fact was recorded (ISO 8601). */
  since: string;
  /** What happened, in plain words. */
  reason: string;
  /** What a person does about it, in plain words, with the command where there is one. */
  todo: string;
  /** The outbox row and its kind, for the kinds about one. */
  actionId?: string;
  actionKind?: ActionKind;
  /** The journal line that says it, for the kinds read from the journal. */
  journalSeq?: number;
}

/** An outbox row's kind as a person names it. */
export const ACTION_KIND_TEXT: Readonly<Record<ActionKind, string>> = {
  email: 'e-mail',
  sms: 'SMS',
  letter: 'letter',
  registered_letter: 'registered letter',
  phone_task: 'phone task',
  ledger_note: 'note in the ledger',
  ledger_activity: 'activity in the ledger',
  dossier: 'dossier for the law firm',
};

/** Days a gate condition that time could fix (the notice's deadline, an item not yet due) may keep failing before a person is asked to look. */
export const GATE_STUCK_DAYS = 30;

const DAY_MS = 86_400_000;

/** Gate conditions a person must act on at once: waiting changes nothing. */
const GATE_TODO: Readonly<Record<string, { atOnce: boolean; todo: string }>> = {
  formal_notice_expired: {
    atOnce: false,
    todo: 'check that the formal notice was delivered and its deadline has run (recouvra cases show): without a delivered notice the file cannot escalate',
  },
  unanswered: { atOnce: true, todo: 'the debtor answered the formal notice' },
  liquid_and_due: {
    atOnce: false,
    todo: 'an item is not due yet or a payment plan runs: check the items and the plan in the ledger',
  },
  not_disputed: {
    atOnce: true,
    todo: 'settle the dispute with the debtor, then lift it (recouvra items undispute ITEM) or take the item out of dunning (recouvra items exclude ITEM --reason …)',
  },
  not_prescribed: {
    atOnce: true,
    todo: 'the claim is time-barred and can no longer go to court: take the items out of dunning (recouvra items exclude ITEM --reason …) and decide whether to write them off',
  },
  not_insolvent: {
    atOnce: true,
    todo: 'the debtor is in insolvency proceedings: individual recovery is stopped by law; declare the claim to the mandataire judiciaire within its deadline',
  },
  worth_the_cost: {
    atOnce: true,
    todo: 'the amount is below what the policy allows to escalate: keep recovering it amicably, write it off, or change escalation.minAmount in the policy',
  },
};

/** Error codes of a channel that cannot reach the debtor, and the field the ledger lacks. */
const UNREACHABLE: readonly { test: RegExp; what: string; fix: string }[] = [
  {
    test: /^EMAIL_NO_RECIPIENT\b/,
    what: 'the debtor has no e-mail address in the ledger',
    fix: "add the debtor's e-mail address in the ledger",
  },
  {
    test: /^SMS_NO_NUMBER\b/,
    what: 'the debtor has no French mobile number in the ledger',
    fix: "add the debtor's mobile number in the ledger",
  },
  {
    test: /^LETTER_NO_ADDRESS\b|\bNO_ADDRESS\b|no postal address/,
    what: 'the debtor has no postal address in the ledger',
    fix: "add the debtor's postal address in the ledger",
  },
];

export async function listNeedingAttention(
  store: Store,
  options: { now: Date; gateStuckDays?: number },
): Promise<AttentionItem[]> {
  const items: AttentionItem[] = [];
  const cases = new Map<string, Case | null>();
  const caseOf = async (id: string): Promise<Case | null> => {
    if (!cases.has(id)) cases.set(id, (await store.cases.getCase(id)) ?? null);
    return cases.get(id)!;
  };
  const debtors = new Map<string, DebtorSummary | null>();
  const debtorOf = async (c: Case): Promise<DebtorSummary | null> => {
    if (!debtors.has(c.debtorId)) {
      const d = await store.sync.getDebtor(c.debtorId);
      debtors.set(c.debtorId, d ? { id: d.id, name: d.name, kind: d.kind } : null);
    }
    return debtors.get(c.debtorId)!;
  };

  for (const action of await store.outbox.listActions({ status: 'failed' })) {
    const c = await caseOf(action.caseId);
    if (!c || c.stage === 'closed') continue;
    items.push({ caseId: c.id, debtor: await debtorOf(c), stage: c.stage, ...failedAction(action) });
  }

  const stuckMs = (options.gateStuckDays ?? GATE_STUCK_DAYS) * DAY_MS;
  for (const stage of ['formal_notice', 'escalated'] as const) {
    for await (const c of casesAt(store, stage)) {
      const found = await fromJournal(store, c, options.now, stuckMs);
      if (found) items.push({ caseId: c.id, debtor: await debtorOf(c), stage: c.stage, ...found });
    }
  }
  // A dossier the firm refused also fails its outbox row: the refusal says it better, once.
  const refused = new Set(items.filter((i) => i.kind === 'dossier_refused').map((i) => i.caseId));
  const kept = items.filter(
    (i) => !(i.kind === 'action_failed' && refused.has(i.caseId) && i.actionKind === 'dossier'),
  );
  return kept.sort((a, b) =>
    a.caseId < b.caseId ? -1 : a.caseId > b.caseId ? 1 : a.since < b.since ? -1 : a.since > b.since ? 1 : 0,
  );
}

type Found = Omit<AttentionItem, 'caseId' | 'debtor' | 'stage'>;

function failedAction(action: Action): Found {
  const error = action.lastError ?? 'no error was recorded';
  const what = `${ACTION_KIND_TEXT[action.kind]}${action.template ? ` (${action.template})` : ''}`;
  const retry = `recouvra actions retry ${action.id} (API: POST /actions/${action.id}/retry)`;
  const unreachable = UNREACHABLE.find((u) => u.test.test(error));
  if (unreachable) {
    return {
      kind: 'debtor_unreachable',
      since: action.updatedAt,
      actionId: action.id,
      actionKind: action.kind,
      reason: `the ${what} could not go out: ${unreachable.what}`,
      todo: `${unreachable.fix}; once the next sync has brought it, send it again: ${retry}`,
    };
  }
  return {
    kind: 'action_failed',
    since: action.updatedAt,
    actionId: action.id,
    actionKind: action.kind,
    reason: `the ${what} failed for good after ${action.attempts} attempt${action.attempts === 1 ? '' : 's'}: ${error}`,
    todo: `fix what the error names (a setting, a provider account, the ledger's data), then send it again: ${retry}`,
  };
}

async function* casesAt(store: Store, stage: CaseStage): AsyncIterable<Case> {
  let afterId: string | undefined;
  for (;;) {
    const page = await store.cases.listCases({ stage, limit: 500, ...(afterId === undefined ? {} : { afterId }) });
    yield* page;
    if (page.length < 500) return;
    afterId = page[page.length - 1]!.id;
  }
}

interface GateNote {
  failed: string[];
  conditions: { id: string; pass: boolean; reason: string }[];
}

function gateOf(e: CaseJournalEntry): GateNote | undefined {
  if (e.type !== 'note') return undefined;
  const gate = e.data['escalationGate'] as Partial<GateNote> | undefined;
  if (!gate || !Array.isArray(gate.failed) || !Array.isArray(gate.conditions)) return undefined;
  return { failed: gate.failed.map(String), conditions: gate.conditions };
}

async function fromJournal(store: Store, c: Case, now: Date, stuckMs: number): Promise<Found | undefined> {
  const journal = await store.cases.readJournal(c.id);

  if (c.stage === 'escalated') {
    const dossiers = await store.dossiers.listDossiers({ caseId: c.id });
    const last = dossiers[dossiers.length - 1];
    if (last?.status !== 'rejected') return undefined;
    const said = [...journal]
      .reverse()
      .find(
        (e) =>
          e.data['dossierId'] === last.id &&
          (e.type === 'dossier_refused' || (e.type === 'procedure_event' && e.data['state'] === 'rejected')),
      );
    return {
      kind: 'dossier_refused',
      since: said?.at ?? last.updatedAt,
      ...(said?.seq === undefined ? {} : { journalSeq: said.seq }),
      reason: `the law firm refused the file (dossier ${last.id})${said ? `: ${said.summary}` : ''}`,
      todo: `read the firm's reasons (recouvra cases journal ${c.id}), correct in the ledger what they name (address, registration number, documents) and agree with the firm how to hand the file over again; or take the case back to amicable recovery (recouvra promise, recouvra cases pause)`,
    };
  }

  // What happened last about the escalation: a decision, a refusal of the gate, a controller's approval or rejection.
  const decisions = new Map<string, CaseJournalEntry>();
  let last: CaseJournalEntry | undefined;
  for (const e of journal) {
    if (e.type === 'decision' && typeof e.data['decisionId'] === 'string') decisions.set(e.data['decisionId'], e);
    if (e.type === 'decision' || e.type === 'approved' || e.type === 'rejected' || gateOf(e)) last = e;
  }
  if (!last) return undefined;

  if (last.type === 'rejected') {
    const decision = typeof last.data['decisionId'] === 'string' ? decisions.get(last.data['decisionId']) : undefined;
    const kind = (decision?.data['step'] as { kind?: unknown } | undefined)?.kind;
    if (kind !== 'escalation') return undefined;
    return {
      kind: 'escalation_rejected',
      since: last.at,
      ...(last.seq === undefined ? {} : { journalSeq: last.seq }),
      reason: `the escalation to the law firm was rejected by ${last.actor.id}${typeof last.data['reason'] === 'string' ? `: ${last.data['reason']}` : ''}; the policy does not propose it again`,
      todo: `decide what becomes of the debt: settle with the debtor and record it (recouvra promise --case ${c.id} …), take the invoices out of dunning (recouvra items exclude ITEM --reason …), or pause the case with the reason (recouvra cases pause ${c.id} --reason …)`,
    };
  }

  const gate = gateOf(last);
  if (!gate) return undefined;
  const reasonOf = (id: string) => gate.conditions.find((x) => x.id === id)?.reason ?? id;
  const seq = last.seq === undefined ? {} : { journalSeq: last.seq };
  if (gate.failed.includes('unanswered')) {
    return {
      kind: 'answered_after_notice',
      since: last.at,
      ...seq,
      reason: `the formal notice no longer opens the way to the law firm: ${reasonOf('unanswered')}`,
      todo: `agree on the balance with the debtor and record it (recouvra promise --case ${c.id} --date YYYY-MM-DD); if the balance stays unpaid, it needs a new formal notice before the file can escalate${
        gate.failed.length > 1
          ? `; the escalation also fails on: ${gate.failed
              .filter((id) => id !== 'unanswered')
              .map(reasonOf)
              .join('; ')}`
          : ''
      }`,
    };
  }
  // How long the same conditions have been failing: from the first refusal of this run.
  let since = last;
  for (const e of [...journal].reverse()) {
    if (e.seq !== undefined && last.seq !== undefined && e.seq >= last.seq) continue;
    if (e.type === 'decision' || e.type === 'approved' || e.type === 'rejected') break;
    const g = gateOf(e);
    if (g && g.failed.join() === gate.failed.join()) since = e;
    else if (g) break;
  }
  const atOnce = gate.failed.filter((id) => GATE_TODO[id]?.atOnce !== false);
  if (atOnce.length === 0 && now.getTime() - Date.parse(since.at) < stuckMs) return undefined;
  return {
    kind: 'gate_failing',
    since: since.at,
    ...seq,
    reason: `the escalation to the law firm is held: ${gate.failed.map(reasonOf).join('; ')}`,
    todo: gate.failed
      .map((id) => GATE_TODO[id]?.todo ?? `see why ${id} fails (recouvra cases journal ${c.id})`)
      .join('; '),
  };
}
