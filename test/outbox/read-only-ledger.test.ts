import { adapterRegistry } from '../../adapters/registry';
import { CaseOperations } from '../../connector/cases';
import { ActionSchema } from '../../connector/model/action.schema';
import type { CaseJournalEntry } from '../../connector/model/journal.schema';
import { decide } from '../../connector/policy/decide';
import type { EvaluationContext } from '../../connector/policy/evaluate';
import { ledgerPerformer, performLedgerActions } from '../../connector/outbox/ledger-actions';
import { CANNOT_WRITE_KEY } from '../../connector/outbox/ledger-write-back';
import { openSqliteStore } from '../../connector/store/sqlite';
import type { Store } from '../../connector/store/store';
import type { ErpAdapter, WriteBackKind, WriteBackRequest } from '../../connector/ports/erp';
import { connectionWriteBack } from '../../connector/sync/connections';
import { CASE_ID, CONTEXT, handClock, POLICY, R1, R2, seed, snapshotOf, TIME_ZONE } from '../cases/case-fixtures';
import { memoryLogger } from '../helpers/logger';

/**
 * A ledger that cannot take a write gets no row for it and is asked nothing; the case journal
 * says so once per connection and kind, not at every step.
 */

const CONNECTION = 'odoo-main';

/** A ledger taking `kinds` only, recording what it is asked. */
function ledger(kinds: readonly WriteBackKind[], writes: WriteBackRequest[]): ErpAdapter {
  return {
    writeBackKinds: kinds,
    writeBack: async (request: WriteBackRequest) => {
      writes.push(request);
      return { items: request.receivableIds.map((id) => ({ receivableId: id, status: 'written' as const })) };
    },
  } as Partial<ErpAdapter> as ErpAdapter;
}

const told = (journal: CaseJournalEntry[]) => journal.filter((j) => Array.isArray(j.data[CANNOT_WRITE_KEY]));

describe('a read-only ledger', () => {
  let store: Store;
  const writes: WriteBackRequest[] = [];
  const clock = handClock('2025-03-22T14:00:00.000Z');
  const readOnly: EvaluationContext = { ...CONTEXT, ledgerWriteBack: (c) => (c === CONNECTION ? [] : undefined) };
  const decideOn = async (asOf: string, context: EvaluationContext = readOnly) =>
    (await decide(store, await snapshotOf(store), POLICY, asOf, new Date(`${asOf}T12:00:00.000Z`), context)).recorded;
  const perform = (kinds: readonly WriteBackKind[] = []) =>
    performLedgerActions({
      store,
      adapters: new Map([[CONNECTION, ledger(kinds, writes)]]),
      clock,
      logger: memoryLogger('error').logger,
    });

  beforeEach(async () => {
    store = await openSqliteStore(':memory:');
    await store.migrate();
    writes.length = 0;
    await seed(store);
  });
  afterEach(() => store.close());

  it('the evaluation records no note and no approval activity for it, and says so once for each', async () => {
    expect(await decideOn('2025-03-15')).toBe(true);
    expect((await store.outbox.listActions({ caseId: CASE_ID })).map((a) => a.kind)).toEqual(['email']);
    expect(told(await store.cases.readJournal(CASE_ID)).map((j) => [j.type, j.summary])).toEqual([
      ['note', 'the ledger of connection odoo-main is read-only: no note written back'],
    ]);
    // The formal notice waits for approval: the activity asking for it has no ledger to go to.
    expect(await decideOn('2025-03-22')).toBe(true);
    expect((await store.outbox.listActions({ caseId: CASE_ID })).map((a) => a.kind)).toEqual(['email']);
    expect((await store.cases.getCase(CASE_ID))!.stage).toBe('awaiting_approval');
    expect(told(await store.cases.readJournal(CASE_ID)).map((j) => j.summary)).toEqual([
      'the ledger of connection odoo-main is read-only: no note written back',
      'the ledger of connection odoo-main is read-only: no activity (approval request, phone task) written back',
    ]);
  });

  it('a row recorded elsewhere (an approval) is done without asking the ledger, and not told again', async () => {
    await decideOn('2025-03-15');
    await decideOn('2025-03-22');
    await new CaseOperations({ store, clock, timeZone: TIME_ZONE }).approve(CASE_ID, 'user:ana');
    const note = (await store.outbox.listActions({ caseId: CASE_ID, kind: 'ledger_note' }))[0]!;
    expect(note.status).toBe('pending');
    const before = (await store.cases.readJournal(CASE_ID)).length;
    expect(await perform()).toEqual({ done: 1, retried: 0, failed: 0 });
    expect(writes).toEqual([]);
    expect((await store.outbox.getAction(note.id))!.status).toBe('done');
    // Already told when the reminder was decided: no second line.
    expect((await store.cases.readJournal(CASE_ID)).length).toBe(before);
    expect(told(await store.cases.readJournal(CASE_ID))).toHaveLength(2);
  });

  it('an approval with the ledgers known records no note for a read-only ledger, and says so once', async () => {
    // Decided without knowing the ledgers: the reminder's note is recorded and nothing is told.
    await decideOn('2025-03-15', CONTEXT);
    await decideOn('2025-03-22', CONTEXT);
    expect(told(await store.cases.readJournal(CASE_ID))).toEqual([]);
    const ops = new CaseOperations({
      store,
      clock,
      timeZone: TIME_ZONE,
      ledgerWriteBack: readOnly.ledgerWriteBack!,
    });
    const approved = await ops.approve(CASE_ID, 'user:ana');
    expect(approved.actions.map((a) => a.kind)).toEqual(['registered_letter', 'email']);
    expect((await store.outbox.listActions({ caseId: CASE_ID, kind: 'ledger_note' })).map((a) => a.subject)).toEqual([
      { type: 'decision', decisionId: expect.any(String) },
    ]);
    const journal = await store.cases.readJournal(CASE_ID);
    expect(journal.find((j) => j.type === 'approved')!.summary).toMatch(
      /approved by user:ana: registered_letter \+ email queued$/,
    );
    expect(told(journal).map((j) => [j.type, j.actor, j.summary])).toEqual([
      [
        'note',
        { kind: 'user', id: 'user:ana' },
        'the ledger of connection odoo-main is read-only: no note written back',
      ],
    ]);
  });

  it('without the connections known at evaluation, rows are recorded; the performer tells once, then stays silent', async () => {
    const unknown: EvaluationContext = CONTEXT;
    await decideOn('2025-03-15', unknown);
    await decideOn('2025-03-22', unknown);
    expect((await store.outbox.listActions({ caseId: CASE_ID })).map((a) => a.kind).sort()).toEqual([
      'email',
      'ledger_activity',
      'ledger_note',
    ]);
    expect(await perform()).toEqual({ done: 2, retried: 0, failed: 0 });
    expect(writes).toEqual([]);
    const lines = told(await store.cases.readJournal(CASE_ID));
    expect(lines.map((j) => [j.type, j.summary])).toEqual([
      ['action_performed', 'note not written: the ledger of connection odoo-main is read-only: no note written back'],
      [
        'action_performed',
        'activity not written: the ledger of connection odoo-main is read-only: no activity (approval request, phone task) written back',
      ],
    ]);
    // A later note of the same case: done, no journal line.
    await new CaseOperations({ store, clock, timeZone: TIME_ZONE }).approve(CASE_ID, 'user:ana');
    const before = (await store.cases.readJournal(CASE_ID)).length;
    expect(await perform()).toEqual({ done: 1, retried: 0, failed: 0 });
    expect((await store.cases.readJournal(CASE_ID)).length).toBe(before);
    const ledgerRows = (await store.outbox.listActions({ caseId: CASE_ID })).filter((a) => a.kind.startsWith('ledger'));
    expect(ledgerRows.map((a) => [a.kind, a.status]).sort()).toEqual([
      ['ledger_activity', 'done'],
      ['ledger_note', 'done'],
      ['ledger_note', 'done'],
    ]);
  });

  it('a phone task stays a step of the ladder: recorded, done without a ledger activity, told once', async () => {
    const at = '2025-03-18T08:00:00.000Z';
    const phone = ActionSchema.parse({
      id: 'act-phone',
      idempotencyKey: `${CASE_ID}/phone-call/2025-03-10/phone_task`,
      caseId: CASE_ID,
      decisionId: 'dec-call',
      subject: { type: 'decision', decisionId: 'dec-call' },
      kind: 'phone_task',
      template: 'phone-call',
      status: 'pending',
      notBefore: at,
      createdAt: at,
      updatedAt: at,
    });
    await store.outbox.recordDecision({
      decision: {
        id: 'dec-call',
        idempotencyKey: `${CASE_ID}/phone-call/2025-03-10`,
        caseId: CASE_ID,
        stepId: 'phone-call',
        stepIndex: 1,
        policyId: 'p',
        policyVersion: 1,
        asOf: '2025-03-18',
        decidedAt: at,
        requiresApproval: false,
        evaluation: {
          step: { id: 'phone-call', kind: 'reminder', channels: ['phone_task'] },
          amounts: { currency: 'EUR', open: 150_000, overdue: 100_000, credit: 0 },
        },
      },
      actions: [phone],
      journal: [],
      caseAfter: { ...(await store.cases.getCase(CASE_ID))!, stage: 'reminding' },
    });
    const result = await ledgerPerformer({ store, adapters: new Map([[CONNECTION, ledger([], writes)]]) })(phone);
    expect(writes).toEqual([]);
    expect(result.summary).toBe(
      'phone task not written: the ledger of connection odoo-main is read-only: no activity (approval request, phone task) written back',
    );
    expect(result.data?.[CANNOT_WRITE_KEY]).toEqual([{ connection: CONNECTION, kind: 'activity' }]);
  });
});

describe('a ledger that takes some writes only', () => {
  let store: Store;
  const writes: WriteBackRequest[] = [];
  const clock = handClock('2025-03-22T14:00:00.000Z');

  beforeEach(async () => {
    store = await openSqliteStore(':memory:');
    await store.migrate();
    writes.length = 0;
    await seed(store);
  });
  afterEach(() => store.close());

  it('notes but no activities nor fields (QuickBooks): the approval request is written as a note saying what to do, its fields are not asked', async () => {
    const notesOnly: EvaluationContext = { ...CONTEXT, ledgerWriteBack: () => ['note'] };
    const decideOn = async (asOf: string) =>
      decide(store, await snapshotOf(store), POLICY, asOf, new Date(`${asOf}T12:00:00.000Z`), notesOnly);
    await decideOn('2025-03-15');
    await decideOn('2025-03-22');
    expect((await store.outbox.listActions({ caseId: CASE_ID })).map((a) => a.kind).sort()).toEqual([
      'email',
      'ledger_activity',
      'ledger_note',
    ]);
    expect(told(await store.cases.readJournal(CASE_ID))).toEqual([]);
    await performLedgerActions({
      store,
      adapters: new Map([[CONNECTION, ledger(['note'], writes)]]),
      clock,
      logger: memoryLogger('error').logger,
    });
    const activity = (await store.outbox.listActions({ caseId: CASE_ID, kind: 'ledger_activity' }))[0]!;
    expect(writes.map((w) => [w.kind, w.receivableIds])).toEqual([
      ['note', [R1.id]],
      ['note', [R1.id, R2.id]],
    ]);
    const task = writes[1]!;
    // The activity's own key: performed twice, it finds its own entry instead of writing again.
    expect(task.key).toBe(activity.idempotencyKey);
    expect(task).not.toHaveProperty('summary');
    expect(task).not.toHaveProperty('deadline');
    expect(task.text.split('\n')[0]).toBe(
      'Tâche pour le contrôleur, à traiter dès le 22/03/2025 — Recouvra : approuver « Mise en demeure »',
    );
    expect(task.text).toContain('attend votre approbation depuis le 22/03/2025');
    const performed = (await store.cases.readJournal(CASE_ID)).filter(
      (j) => j.type === 'action_performed' && j.data['kind'] === 'ledger_activity',
    );
    expect(performed.map((j) => j.summary)).toEqual([
      'activity written in the ledger on 2 item(s) as a note (the ledger has no tasks)',
    ]);
  });

  it('a ledger taking activities gets the approval activity on the invoices of the step', async () => {
    const all: EvaluationContext = { ...CONTEXT, ledgerWriteBack: () => ['note', 'activity', 'fields'] };
    for (const asOf of ['2025-03-15', '2025-03-22'])
      await decide(store, await snapshotOf(store), POLICY, asOf, new Date(`${asOf}T12:00:00.000Z`), all);
    expect((await store.outbox.listActions({ caseId: CASE_ID })).map((a) => a.kind).sort()).toEqual([
      'email',
      'ledger_activity',
      'ledger_note',
    ]);
    expect(told(await store.cases.readJournal(CASE_ID))).toEqual([]);
    await performLedgerActions({
      store,
      adapters: new Map([[CONNECTION, ledger(['note', 'activity', 'fields'], writes)]]),
      clock,
      logger: memoryLogger('error').logger,
    });
    expect(writes.map((w) => [w.kind, w.receivableIds])).toEqual([
      ['note', [R1.id]],
      ['fields', [R1.id]],
      ['activity', [R1.id, R2.id]],
    ]);
  });
});

describe('what each configured connection can write back', () => {
  it('is known from the configuration alone: Odoo takes notes, activities and fields', () => {
    const writeBack = connectionWriteBack(
      [
        {
          id: 'odoo',
          type: 'odoo',
          url: 'https://erp.example.com',
          database: 'd',
          login: 'l',
          apiKey: 'k',
        } as { id: string; type: string },
        { id: 'other', type: 'not-an-adapter' },
      ],
      adapterRegistry,
    );
    expect(writeBack('odoo')).toEqual(['note', 'activity', 'fields']);
    expect(writeBack('other')).toBeUndefined();
    expect(writeBack('nowhere')).toBeUndefined();
  });
});
