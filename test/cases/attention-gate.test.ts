import { listNeedingAttention } from '../../connector/cases';
import { escalationGateHook } from '../../connector/dossier';
import { evaluationContext } from '../../connector/policy/context';
import { decide } from '../../connector/policy/decide';
import type { EvaluationContext } from '../../connector/policy/evaluate';
import type { Store } from '../../connector/store/store';
import { B2B, LEGAL, openStore, PROCEDURES, seedWorld, TIME_ZONE } from '../dossier/fixtures';
import { b2bWorld } from '../dossier/worlds';
import { snapshotOf } from './case-fixtures';

/**
 * With the real escalation gate (fr-b2b: the formal notice went out on 2026-03-25, received on
 * 2026-04-03, 8 days): a partial payment after the notice stops the escalation for good, and the
 * case is listed; a notice still running is not.
 */
describe('needs attention, with the real escalation gate', () => {
  let store: Store;
  const withGate: EvaluationContext = {
    ...evaluationContext(LEGAL),
    escalationGate: escalationGateHook({ legal: LEGAL, procedures: PROCEDURES, timeZone: TIME_ZONE }),
  };
  const run = async (caseId: string, asOf: string) =>
    decide(store, await snapshotOf(store, caseId), B2B, asOf, new Date(`${asOf}T05:00:00.000Z`), withGate);

  beforeEach(async () => {
    store = await openStore();
  });
  afterEach(() => store.close());

  it('a partial payment after the formal notice: listed with the payment and what to do', async () => {
    const caseId = await seedWorld(
      store,
      b2bWorld({
        payments: [
          ['odoo:move:101', '2025-09-15', 50_000],
          ['odoo:move:101', '2026-04-05', 20_000],
        ],
      }),
    );
    const r = await run(caseId, '2026-04-12');
    expect(r.evaluation.status).toBe('blocked');
    const items = await listNeedingAttention(store, { now: new Date('2026-04-12T09:00:00.000Z') });
    expect(items.map((i) => [i.caseId, i.kind])).toEqual([[caseId, 'answered_after_notice']]);
    // The condition's own words come from the gate (connector/dossier/escalation-gate.ts), which writes its amounts itself.
    expect(items[0]!.reason).toMatch(
      /^the formal notice no longer opens the way to the law firm: le débiteur a répondu à la mise en demeure envoyée le 25\/03\/2026 : paiement de 200,00\s€ le 05\/04\/2026/,
    );
    expect(items[0]!.todo).toContain(`recouvra promise --case ${caseId}`);
  });

  it('a formal notice still running is not a case to look at, until it has kept the escalation waiting for 30 days', async () => {
    const caseId = await seedWorld(store, b2bWorld());
    expect((await run(caseId, '2026-04-09')).evaluation.status).toBe('blocked');
    expect(await listNeedingAttention(store, { now: new Date('2026-04-10T09:00:00.000Z') })).toEqual([]);
    const late = await listNeedingAttention(store, { now: new Date('2026-05-10T09:00:00.000Z') });
    expect(late.map((i) => i.kind)).toEqual(['gate_failing']);
    expect(late[0]!.reason).toContain('son délai de 8 jours expire le 11/04/2026');
  });
});
