import { procedureStateOf } from '../../mappings/lawfirm/status-words';
import type { PartnerEvent } from '../../connector/ports/lawfirm';
import { CaseOperations } from '../../connector/cases';
import { applyPartnerEvents } from '../../connector/lawfirm/procedure-events';
import { ActionSchema } from '../../connector/model/action.schema';
import { ledgerPerformer, performLedgerActions } from '../../connector/outbox/ledger-actions';
import { openSqliteStore } from '../../connector/store/sqlite';
import type { Store } from '../../connector/store/store';
import type { ErpAdapter, WriteBackRequest } from '../../connector/ports/erp';
import { caseAwaitingFormalNotice, CASE_ID, CREDIT, handClock, R1, R2, seed, TIME_ZONE } from '../cases/case-fixtures';
import { memoryLogger } from '../helpers/logger';

/**
 * The ledger performer and approvals: the activity asking a controller to approve a step is not
 * written once the step was approved or rejected elsewhere (API, CLI) before it reached the ledger.
 */

/** A ledger that records each write-back request and answers it written. */
function recordingAdapter(writes: WriteBackRequest[]): ErpAdapter {
  return {
    writeBackKinds: ['note', 'activity', 'fields'],
    writeBack: async (request: WriteBackRequest) => {
      writes.push(request);
      return {
        items: request.receivableIds.map((id) => ({
          receivableId: id,
          status: 'written' as const,
          ref: `mail.activity/${writes.length}`,
        })),
      };
    },
  } as unknown as ErpAdapter;
}

describe('ledger actions and approvals', () => {
  let store: Store;
  const writes: WriteBackRequest[] = [];
  const clock = handClock('2025-03-22T14:00:00.000Z');
  const adapter = recordingAdapter(writes);
  const perform = () =>
    performLedgerActions({
      store,
      adapters: new Map([['odoo-main', adapter]]),
      clock,
      logger: memoryLogger('error').logger,
    });
  const ops = () => new CaseOperations({ store, clock, timeZone: TIME_ZONE });
  const activityRow = async () => (await store.outbox.listActions({ caseId: CASE_ID, kind: 'ledger_activity' }))[0]!;

  beforeEach(async () => {
    store = await openSqliteStore(':memory:');
    await store.migrate();
    writes.length = 0;
    await caseAwaitingFormalNotice(store);
  });
  afterEach(() => store.close());

  it('writes the approval activity while the step waits for approval', async () => {
    expect((await activityRow()).status).toBe('pending');
    await perform();
    expect(writes.filter((w) => w.kind === 'activity')).toHaveLength(1);
    expect(writes.find((w) => w.kind === 'activity')?.key).toBe((await activityRow()).idempotencyKey);
  });

  it.each(['approved', 'rejected'] as const)(
    'does not write it once the step was %s before it reached the ledger, and says so in the journal',
    async (what) => {
      if (what === 'approved') await ops().approve(CASE_ID, 'user:ana');
      else await ops().reject(CASE_ID, 'user:ana', 'debtor called, paying this week');
      await perform();
      expect(writes.filter((w) => w.kind === 'activity')).toEqual([]);
      const row = await activityRow();
      expect(row.status).toBe('done');
      const line = (await store.cases.readJournal(CASE_ID)).find(
        (j) => j.type === 'action_performed' && j.data['actionId'] === row.id,
      );
      expect(line?.summary).toBe(
        'approval activity not written: the step was approved or rejected before it reached the ledger',
      );
    },
  );
});

/**
 * What the ledger rows are written on: the invoices a message claims. The open credit notes
 * netted from its amounts are part of the decision, but nothing is claimed on them, so they get
 * no note and no activity (14 reminder notes had landed on credit notes in Odoo).
 */
describe('ledger rows go on the invoices claimed, not on the credit notes netted', () => {
  let store: Store;
  const writes: WriteBackRequest[] = [];
  const clock = handClock('2025-03-22T14:00:00.000Z');
  const adapter = recordingAdapter(writes);
  const adapters = new Map([['odoo-main', adapter]]);
  const perform = () => performLedgerActions({ store, adapters, clock, logger: memoryLogger('error').logger });
  const touched = () => new Set(writes.flatMap((w) => w.receivableIds));

  beforeEach(async () => {
    store = await openSqliteStore(':memory:');
    await store.migrate();
    writes.length = 0;
  });
  afterEach(() => store.close());

  it('writes the decision note on the overdue invoice only, counts invoices and names the credit note deducted', async () => {
    // reminder-1 on 03-15 covers R1 (overdue) and the credit note CREDIT; R2 is not due yet.
    await caseAwaitingFormalNotice(store);
    const reminder = (await store.outbox.listDecisions(CASE_ID)).find((d) => d.stepId === 'reminder-1')!;
    expect(reminder.evaluation['itemIds']).toEqual([R1.id, CREDIT.id]);
    await perform();
    const notes = writes.filter((w) => w.kind === 'note');
    expect(notes.map((w) => w.receivableIds)).toEqual([[R1.id]]);
    expect(notes[0]!.text).toContain('Le dossier couvre 1 pièce(s)');
    expect(notes[0]!.text).toMatch(/après 100,00\s€ d'avoirs \(AV-2025-0001\)\.\n/);
    // The case reference the controller can type into `recouvra cases show` or the API.
    expect(notes[0]!.text.split('\n').pop()).toBe(`Réf. Recouvra : ${CASE_ID}`);
    expect(writes.find((w) => w.kind === 'fields')?.receivableIds).toEqual([R1.id]);
    expect(touched().has(CREDIT.id)).toBe(false);
  });

  it('gives a stage note the date of the ladder’s next step as the next deadline, and none when the ladder has no date', async () => {
    await caseAwaitingFormalNotice(store);
    const next = (status: 'waiting' | 'paused' | 'fails') => async (caseId: string) => {
      if (status === 'fails') throw new Error('policy fr-b2b has no step reminder-9');
      return {
        asOf: '2025-03-22',
        status,
        step:
          status === 'waiting'
            ? { id: 'formal-notice', kind: 'formal_notice', channels: [], requiresApproval: true }
            : null,
        dueOn: status === 'waiting' ? '2025-04-01' : null,
        reasons: [{ code: 'X', message: caseId }],
      };
    };
    const deadlines = () =>
      writes.filter((w) => w.kind === 'note' || w.kind === 'fields').map((w) => [w.kind, w.recovery?.nextDeadline]);

    await performLedgerActions({
      store,
      adapters,
      clock,
      logger: memoryLogger('error').logger,
      nextStep: next('waiting'),
    });
    expect(deadlines()).toEqual([
      ['note', '2025-04-01'],
      ['fields', '2025-04-01'],
    ]);

    for (const status of ['paused', 'fails'] as const) {
      await store.close();
      store = await openSqliteStore(':memory:');
      await store.migrate();
      writes.length = 0;
      await caseAwaitingFormalNotice(store);
      await performLedgerActions({
        store,
        adapters,
        clock,
        logger: memoryLogger('error').logger,
        nextStep: next(status),
      });
      // The note is written all the same, without a deadline.
      expect(deadlines()).toEqual([
        ['note', undefined],
        ['fields', undefined],
      ]);
    }
  });

  it('writes the approval activity on the invoices of the step only', async () => {
    await caseAwaitingFormalNotice(store);
    await perform();
    expect(writes.filter((w) => w.kind === 'activity').map((w) => w.receivableIds)).toEqual([[R1.id, R2.id]]);
    expect(touched().has(CREDIT.id)).toBe(false);
  });

  it('writes a phone task whose decision lists no items on the open invoices of the case only', async () => {
    await seed(store);
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
      attempts: 0,
      notBefore: at,
      createdAt: at,
      updatedAt: at,
    });
    const evaluation = {
      step: { id: 'phone-call', kind: 'reminder', channels: ['phone_task'] },
      amounts: { currency: 'EUR', open: 140_000, overdue: 90_000, credit: 10_000 },
    };
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
        evaluation,
      },
      actions: [phone],
      journal: [],
      caseAfter: { ...(await store.cases.getCase(CASE_ID))!, stage: 'reminding' },
    });
    await ledgerPerformer({ store, adapters })(phone);
    expect(writes.map((w) => [w.kind, w.receivableIds])).toEqual([['activity', [R1.id, R2.id]]]);
  });

  it.each([
    [
      'the invoices its lines claim',
      [
        { kind: 'invoice', number: R1.number },
        { kind: 'credit_note', number: CREDIT.number },
      ],
      [R1.id],
    ],
    [
      'every invoice of the case when its lines match none',
      [{ kind: 'credit_note', number: CREDIT.number }],
      [R1.id, R2.id],
    ],
  ])('writes a procedure note on %s, never on a credit note of the dossier', async (_what, lines, expected) => {
    await seed(store);
    await store.cases.saveCase({ ...(await store.cases.getCase(CASE_ID))!, stage: 'escalated' });
    const at = '2026-04-20T00:00:00.000Z';
    await store.dossiers.recordDossier(
      {
        id: 'dos-1',
        caseId: CASE_ID,
        actionId: null,
        partner: 'cabinet',
        fileId: 'F-77',
        status: 'submitted',
        state: 'submitted',
        stateAt: at,
        events: 0,
        content: { claim: { lines } },
        submittedAt: at,
        updatedAt: at,
      },
      [],
    );
    const event: PartnerEvent = {
      id: 'e1',
      fileId: 'F-77',
      dossierId: 'dos-1',
      type: 'rejected',
      occurredAt: '2026-04-21T10:00:00Z',
    };
    await applyPartnerEvents(
      { store, clock, logger: memoryLogger('error').logger, partner: 'cabinet', stateOf: procedureStateOf },
      [event],
    );
    await perform();
    expect(writes.map((w) => w.kind).sort()).toEqual(['activity', 'fields', 'note']);
    for (const w of writes) expect(w.receivableIds).toEqual(expected);
  });
});
