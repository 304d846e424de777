import { CaseOperations } from '../../../connector/cases';
import { performLedgerActions } from '../../../connector/outbox/ledger-actions';
import { openSqliteStore } from '../../../connector/store/sqlite';
import type { Store } from '../../../connector/store/store';
import type { ErpAdapter, WriteBackRequest } from '../../../connector/sync/adapter';
import { caseAwaitingFormalNotice, CASE_ID, handClock, TIME_ZONE } from '../../cases/case-fixtures';
import { memoryLogger } from '../../helpers/logger';

/**
 * The ledger performer and approvals: the activity asking a controller to approve a step is not
 * written once the step was approved or rejected elsewhere (API, CLI) before it reached the ledger.
 */

describe('ledger actions and approvals', () => {
  let store: Store;
  let writes: WriteBackRequest[];
  const clock = handClock('2025-03-22T14:00:00.000Z');
  const adapter = {
    writeBack: async (request: WriteBackRequest) => {
      writes.push(request);
      return { items: request.receivableIds.map((id) => ({ receivableId: id, status: 'written' as const, ref: `mail.activity/${writes.length}` })) };
    },
  } as unknown as ErpAdapter;
  const perform = () => performLedgerActions({ store, adapters: new Map([['odoo-main', adapter]]), clock, logger: memoryLogger('error').logger });
  const ops = () => new CaseOperations({ store, clock, timeZone: TIME_ZONE });
  const activityRow = async () => (await store.listActions({ caseId: CASE_ID, kind: 'ledger_activity' }))[0]!;

  beforeEach(async () => {
    store = await openSqliteStore(':memory:');
    await store.migrate();
    writes = [];
    await caseAwaitingFormalNotice(store);
  });
  afterEach(() => store.close());

  it('writes the approval activity while the step waits for approval', async () => {
    expect((await activityRow()).status).toBe('pending');
    await perform();
    expect(writes.filter((w) => w.kind === 'activity')).toHaveLength(1);
    expect(writes.find((w) => w.kind === 'activity')?.key).toBe((await activityRow()).idempotencyKey);
  });

  it.each(['approved', 'rejected'] as const)('does not write it once the step was %s before it reached the ledger, and says so in the journal', async (what) => {
    if (what === 'approved') await ops().approve(CASE_ID, 'user:ana');
    else await ops().reject(CASE_ID, 'user:ana', 'debtor called, paying this week');
    await perform();
    expect(writes.filter((w) => w.kind === 'activity')).toEqual([]);
    const row = await activityRow();
    expect(row.status).toBe('done');
    const line = (await store.readJournal(CASE_ID)).find((j) => j.type === 'action_performed' && j.data['actionId'] === row.id);
    expect(line?.summary).toBe('approval activity not written: the step was approved or rejected before it reached the ledger');
  });
});
