import { dossierPerformer, paymentKey, pendingPaymentReports } from '../../connector/lawfirm/dossier-performer';
import { LawFirmLink } from '../../connector/lawfirm/link';
import type { DirectPayment, LawFirmPartner } from '../../connector/ports/lawfirm';
import { openSqliteStore } from '../../connector/store/sqlite';
import type { Store } from '../../connector/store/store';
import { procedureStateOf } from '../../mappings/lawfirm/status-words';
import { CASE_ID, handClock, R1, R2, seed } from '../cases/case-fixtures';
import { memoryLogger } from '../helpers/logger';

/**
 * A payment the ledger shows while the firm works the file becomes one `payment_report` row,
 * whose subject names the dossier and the journal line; performing it reports that payment.
 */

describe('payment reports to the law firm', () => {
  let store: Store;
  const clock = handClock('2026-05-01T09:00:00.000Z');
  const reported: [string, DirectPayment, string][] = [];
  const partner = {
    reportPayment: async (fileId: string, payment: DirectPayment, key: string) => {
      reported.push([fileId, payment, key]);
    },
  } as unknown as LawFirmPartner;

  beforeEach(async () => {
    reported.length = 0;
    store = await openSqliteStore(':memory:');
    await store.migrate();
    await seed(store);
    await store.dossiers.recordDossier(
      {
        id: 'dos-1',
        caseId: CASE_ID,
        actionId: null,
        partner: 'cabinet',
        fileId: 'F-77',
        status: 'submitted',
        state: 'submitted',
        stateAt: '2026-04-20T00:00:00.000Z',
        events: 0,
        content: { claim: { currency: 'EUR', lines: [{ kind: 'invoice', number: R1.number }] } },
        submittedAt: '2026-04-20T00:00:00.000Z',
        updatedAt: '2026-04-20T00:00:00.000Z',
      },
      [],
    );
  });
  afterEach(() => store.close());

  it('queues one row per payment line, names the line in its subject, and reports that payment once queued', async () => {
    const line = await store.cases.appendJournal({
      caseId: CASE_ID,
      at: '2026-04-25T10:00:00.000Z',
      actor: { kind: 'system', id: 'sync' },
      type: 'payment_received',
      summary: 'payment of 300.00 EUR on FAC-2025-0101',
      data: { receivableId: R1.id, openBefore: 100_000, openAfter: 70_000 },
    });
    // A payment on an item the file does not claim is not the firm's business.
    await store.cases.appendJournal({
      caseId: CASE_ID,
      at: '2026-04-26T10:00:00.000Z',
      actor: { kind: 'system', id: 'sync' },
      type: 'payment_received',
      summary: 'payment on FAC-2025-0102',
      data: { receivableId: R2.id, openBefore: 50_000, openAfter: 40_000 },
    });
    const rows = await pendingPaymentReports(store, clock, 'cabinet');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      kind: 'dossier',
      decisionId: null,
      idempotencyKey: paymentKey('dos-1', line.seq!),
      subject: { type: 'payment_report', dossierId: 'dos-1', journalSeq: line.seq },
      template: 'payment',
      status: 'pending',
    });
    const c = (await store.cases.getCase(CASE_ID))!;
    await store.cases.applyCaseChange({ expected: c, caseAfter: c, actions: rows, journal: [] });
    expect(await pendingPaymentReports(store, clock, 'cabinet')).toEqual([]);

    const link = new LawFirmLink({
      id: 'cabinet',
      partner,
      stateOf: procedureStateOf,
      store,
      clock,
      logger: memoryLogger('debug').logger,
    });
    const perform = dossierPerformer({
      store,
      clock,
      link,
      build: () => Promise.reject(new Error('a payment report builds no dossier')),
    });
    const stored = (await store.outbox.getAction(rows[0]!.id))!;
    const result = await perform(stored);
    expect(reported).toEqual([
      [
        'F-77',
        expect.objectContaining({ amount: 30_000, currency: 'EUR', receivedOn: '2026-04-25', settlesInFull: false }),
        paymentKey('dos-1', line.seq!),
      ],
    ]);
    expect(result.summary).toMatch(/^payment of .* reported to cabinet \(file F-77\)$/);
  });
});
