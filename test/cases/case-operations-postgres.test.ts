import { CaseOperations, ConflictError } from '../../connector/cases';
import { openPostgresStore } from '../../connector/store/postgres';
import type { Store } from '../../connector/store/store';
import { describeWithPostgres, dropSchemas, freshSchemaName, TEST_POSTGRES_URL } from '../helpers/postgres';
import { caseAwaitingFormalNotice, CASE_ID, handClock, R1, TIME_ZONE } from './case-fixtures';
import { saveSyncPage } from '../../connector/sync/save-page';

/**
 * On PostgreSQL two controllers' transactions really overlap (read committed, a pool of
 * connections): the guard on the case row must let exactly one of them through.
 */
describeWithPostgres('case operations on PostgreSQL', () => {
  const schema = freshSchemaName('recouvra_cases');
  let store: Store;
  let ops: CaseOperations;

  beforeEach(async () => {
    store = await openPostgresStore({ url: TEST_POSTGRES_URL, schema, poolSize: 4 });
    await store.migrate();
    ops = new CaseOperations({ store, clock: handClock('2025-03-24T09:00:00.000Z'), timeZone: TIME_ZONE });
  });
  afterEach(async () => {
    await store.close();
    await dropSchemas([schema]);
  });

  it('of two approvals at once, exactly one queues its actions; the other is a conflict', async () => {
    await caseAwaitingFormalNotice(store);
    const results = await Promise.allSettled([
      ops.approve(CASE_ID, 'a'),
      ops.approve(CASE_ID, 'b'),
      ops.approve(CASE_ID, 'c'),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConflictError);
    expect(
      (await store.outbox.listActions({ caseId: CASE_ID })).filter((a) => a.idempotencyKey.includes('/approved/')),
    ).toHaveLength(3);
    expect((await store.cases.readJournal(CASE_ID)).filter((e) => e.type === 'approved')).toHaveLength(1);
  });

  it('a dispute survives a later sync upsert of the same invoice with disputed null', async () => {
    await caseAwaitingFormalNotice(store);
    await ops.markItem(R1.id, 'claire', { disputed: { reason: 'delivery incomplete' } });
    await saveSyncPage(store, {
      connection: 'odoo-main',
      stream: 'invoices',
      receivables: [{ ...R1, open: 60_000, sourceVersion: 'v2', disputed: null }],
      at: '2025-03-25T06:00:00.000Z',
    });
    expect(await store.sync.getReceivable(R1.id)).toMatchObject({
      open: 60_000,
      disputed: { reason: 'delivery incomplete', since: '2025-03-24' },
    });
  });
});
