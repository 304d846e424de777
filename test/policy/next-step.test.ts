import type { Config } from '../../config/config.schema';
import { saveReceivables } from '../../connector/cases/case-lifecycle';
import { caseIdOf } from '../../connector/model/case.schema';
import { loadPolicies } from '../../connector/policy/load-policies';
import { nextStepOf } from '../../connector/policy/next-step';
import { openSqliteStore } from '../../connector/store/sqlite';
import type { Store } from '../../connector/store/store';
import { fixedClock } from '../../connector/time/clock';
import { debtor, invoice } from '../helpers/builders';

/**
 * What the ladder does next on a stored case, as the case screen and the ledger's next deadline
 * read it. fr-b2b: reminder-1 five days after the due date, reminder-2 ten days after it, then a
 * phone call seven days later (config/policies/fr-b2b.yaml).
 */
describe('the next step of a case', () => {
  let store: Store;
  const d = debtor({ id: 'demo:partner:7' });
  const item = invoice({ id: 'demo:move:70', debtorId: d.id, dueDate: '2026-11-10', total: 120_000, open: 120_000 });
  const caseId = caseIdOf(d.id, item.companyId, 'EUR');
  const config = {
    company: { timezone: 'Europe/Paris' },
    dunning: { defaultPolicy: { company: 'fr-b2b', individual: 'fr-b2c' }, overrides: {} },
  } as unknown as Pick<Config, 'company' | 'dunning'>;
  // 23:30 UTC on 5 December 2026 is the 6th in Paris: the business date is the 6th.
  const nextOn = (instant = '2026-12-05T23:30:00Z') =>
    nextStepOf({ store, config, policies: loadPolicies(), context: {}, clock: fixedClock(instant) });

  beforeEach(async () => {
    store = await openSqliteStore(':memory:');
    await store.migrate();
    await store.sync.upsertDebtors([d]);
    await saveReceivables(store, [item], '2026-11-11T08:00:00Z');
  });
  afterEach(() => store.close());

  const setCase = async (over: Record<string, unknown>) => {
    const c = (await store.cases.getCase(caseId))!;
    await store.cases.saveCase({ ...c, ...over });
  };

  it('gives the step waited for and its date, counted from the last step performed', async () => {
    await setCase({ stage: 'reminding', lastStep: { stepId: 'reminder-1', index: 1, on: '2026-12-01' } });
    expect(await nextOn()(caseId)).toMatchObject({
      asOf: '2026-12-06',
      status: 'waiting',
      step: { id: 'reminder-2', kind: 'reminder', requiresApproval: false },
      dueOn: '2026-12-11',
    });
  });

  it('gives a step already due with the day it fell due', async () => {
    await setCase({ stage: 'reminding', lastStep: { stepId: 'reminder-1', index: 1, on: '2026-11-20' } });
    expect(await nextOn()(caseId)).toMatchObject({ status: 'due', step: { id: 'reminder-2' }, dueOn: '2026-11-30' });
  });

  it('has no date while paused (it says when dunning may resume) or waiting for an approval (it says which step waits)', async () => {
    await setCase({ manualPause: { reason: 'debtor in hospital', until: '2026-12-20' } });
    expect(await nextOn()(caseId)).toMatchObject({
      status: 'paused',
      step: null,
      dueOn: null,
      resumesOn: '2026-12-21',
    });
    await setCase({
      manualPause: null,
      stage: 'awaiting_approval',
      pendingApproval: { stepId: 'formal-notice', index: 4, on: '2026-12-04' },
    });
    expect(await nextOn()(caseId)).toMatchObject({
      status: 'awaiting_approval',
      step: { id: 'formal-notice', kind: 'formal_notice', requiresApproval: true },
      dueOn: null,
    });
  });

  it('knows no case that is not stored', async () => {
    expect(await nextOn()('case_nowhere')).toBeUndefined();
  });
});
