import { CaseOperations } from '../../connector/cases';
import { buildDossier, dossierIdOf, escalationGateHook, GATE_JOURNAL_KEY } from '../../connector/dossier';
import { evaluationContext } from '../../connector/policy/context';
import { decide } from '../../connector/policy/decide';
import type { EvaluationContext } from '../../connector/policy/evaluate';
import type { Store } from '../../connector/store/store';
import { fixedClock } from '../../connector/time/clock';
import { snapshotOf } from '../cases/case-fixtures';
import { B2B, CREDITOR, LEGAL, openStore, PROCEDURES, seedWorld, TIME_ZONE } from './fixtures';
import { b2bWorld } from './worlds';

/**
 * The gate in the policy engine: `decide()` with the gate hook does not decide an escalation
 * whose gate fails, blocks the case with every condition's result and journals why once per
 * change; when the gate passes the decision records the conditions met. fr-b2b: the formal
 * notice went out on 2026-03-25, so the escalation step is due 15 days later, on 2026-04-09,
 * while the notice (received 2026-04-03, 8 days) runs until 2026-04-11.
 */

describe('decide() with the escalation gate', () => {
  let store: Store;
  let caseId: string;
  const withGate: EvaluationContext = {
    ...evaluationContext(LEGAL),
    escalationGate: escalationGateHook({ legal: LEGAL, procedures: PROCEDURES, timeZone: TIME_ZONE }),
  };
  const run = async (asOf: string, context = withGate) =>
    decide(store, await snapshotOf(store, caseId), B2B, asOf, new Date(`${asOf}T05:00:00.000Z`), context);
  const gateNotes = async () =>
    (await store.cases.readJournal(caseId)).filter((j) => j.type === 'note' && j.data[GATE_JOURNAL_KEY] !== undefined);
  const escalations = async () => (await store.outbox.listDecisions(caseId)).filter((d) => d.stepId === 'escalation');

  beforeEach(async () => {
    store = await openStore();
    caseId = await seedWorld(store, b2bWorld());
  });
  afterEach(() => store.close());

  it('blocks an escalation due before the notice expired, says which condition failed, and journals it once', async () => {
    const r = await run('2026-04-09');
    expect(r.recorded).toBe(false);
    expect(r.evaluation.status).toBe('blocked');
    expect(r.evaluation.reasons).toContainEqual({
      code: 'ESCALATION_CONDITION_FAILED',
      message:
        'formal_notice_expired: la mise en demeure adressée par lettre recommandée le 25/03/2026 a été reçue le 03/04/2026 (avis de réception) ; son délai de 8 jours expire le 11/04/2026, soit après le 09/04/2026',
    });
    expect(r.evaluation.reasons.filter((x) => x.code === 'ESCALATION_CONDITION_MET')).toHaveLength(6);
    expect(r.evaluation.reasons.map((x) => x.code)).not.toContain('REQUIRES_APPROVAL');
    expect(await escalations()).toEqual([]);
    expect((await store.cases.getCase(caseId))!.stage).toBe('formal_notice');

    const notes = await gateNotes();
    expect(notes).toHaveLength(1);
    expect(notes[0]!.summary).toMatch(
      /^escalation not decided on 2026-04-09: formal_notice_expired \(la mise en demeure adressée par lettre recommandée le 25\/03\/2026/,
    );
    expect(notes[0]!.data[GATE_JOURNAL_KEY]).toMatchObject({
      asOf: '2026-04-09',
      pass: false,
      failed: ['formal_notice_expired'],
    });

    // The next hourly or daily runs find the same failure: nothing more in the journal.
    await run('2026-04-10');
    await run('2026-04-11');
    expect(await gateNotes()).toHaveLength(1);
  });

  it('journals again when another condition fails', async () => {
    await run('2026-04-09');
    await new CaseOperations({ store, clock: fixedClock('2026-04-10T09:00:00Z'), timeZone: TIME_ZONE }).promiseToPay(
      { caseId },
      'claire.martin',
      { date: '2026-04-11' },
      new Date('2026-04-10T09:00:00Z'),
    );
    // The promise's grace (2 days) is over on 2026-04-14: the policy evaluates again, the gate finds the answer.
    const r = await run('2026-04-14');
    expect(r.evaluation.status).toBe('blocked');
    expect(r.evaluation.reasons.find((x) => x.code === 'ESCALATION_CONDITION_FAILED')!.message).toBe(
      'unanswered: le débiteur a répondu à la mise en demeure envoyée le 25/03/2026 : promesse de paiement pour le 11/04/2026, enregistrée le 10/04/2026',
    );
    expect((await gateNotes()).map((n) => (n.data[GATE_JOURNAL_KEY] as { failed: string[] }).failed)).toEqual([
      ['formal_notice_expired'],
      ['unanswered'],
    ]);
  });

  it('decides the escalation once the gate passes, recording every condition met', async () => {
    await run('2026-04-09');
    const r = await run('2026-04-12');
    expect(r.recorded).toBe(true);
    expect(r.evaluation.status).toBe('due');
    const reasons = (r.decision!.evaluation as { reasons: { code: string; message: string }[] }).reasons;
    expect(reasons.filter((x) => x.code === 'ESCALATION_CONDITION_MET').map((x) => x.message.split(':')[0])).toEqual([
      'formal_notice_expired',
      'unanswered',
      'liquid_and_due',
      'not_disputed',
      'not_prescribed',
      'not_insolvent',
      'worth_the_cost',
    ]);
    expect(await store.cases.getCase(caseId)).toMatchObject({
      stage: 'awaiting_approval',
      pendingApproval: { stepId: 'escalation', on: '2026-04-12' },
    });

    // Approved, the dossier row is queued; the dossier built for it is keyed on that decision.
    const approved = await new CaseOperations({
      store,
      clock: fixedClock('2026-04-13T08:00:00Z'),
      timeZone: TIME_ZONE,
    }).approve(caseId, 'claire.martin');
    expect(approved.actions.map((a) => a.kind)).toEqual(['dossier', 'ledger_note']);
    const dossier = await buildDossier(store, caseId, '2026-04-13', {
      legal: LEGAL,
      procedures: PROCEDURES,
      policy: B2B,
      creditor: CREDITOR,
      timeZone: TIME_ZONE,
      clock: fixedClock('2026-04-13T08:00:00Z'),
    });
    expect(dossier.id).toBe(dossierIdOf(caseId, r.decision!.id));
    expect(dossier.recommendedProcedure).toBe('injonction_de_payer');
  });

  it('without the gate the same day decides the escalation (the hook is what blocks it)', async () => {
    const r = await run('2026-04-09', evaluationContext(LEGAL));
    expect(r.recorded).toBe(true);
    expect(await escalations()).toHaveLength(1);
    expect(await gateNotes()).toEqual([]);
  });
});
