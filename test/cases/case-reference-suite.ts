import {
  AmbiguousReferenceError,
  NotFoundError,
  readJournalPage,
  resolveCaseId,
  resolveItemId,
} from '../../connector/cases';
import type { Store } from '../../connector/store/store';
import { invoice } from '../helpers/builders';
import { CASE_ID, DEBTOR, R1 } from './case-fixtures';
import { BE_137, BE_CASE_ID, MAIN_137, seedTwoLedgers, SHARED_NUMBER } from './reference-fixtures';
import { saveReceivables } from '../../connector/cases/case-lifecycle';

/** What a controller types to name a case or an item, and the journal read page by page, on one store. */
export function caseReferenceSuite(open: () => Promise<Store>, close: (store: Store) => Promise<void>): void {
  let store: Store;
  beforeEach(async () => {
    store = await open();
    await seedTwoLedgers(store);
  });
  afterEach(() => close(store));

  const refusal = async (p: Promise<unknown>): Promise<Error> => {
    const e = await p.then(
      () => undefined,
      (err: unknown) => err as Error,
    );
    if (!e) throw new Error('expected a refusal');
    return e;
  };

  describe('a case reference', () => {
    it('is a case id, written in any letter case and with spaces around it, as the letters print it', async () => {
      expect(await resolveCaseId(store, CASE_ID)).toBe(CASE_ID);
      expect(await resolveCaseId(store, `  ${CASE_ID.toUpperCase()} `)).toBe(CASE_ID);
    });

    it('is an item id or the number of an invoice or credit note of the case', async () => {
      expect(await resolveCaseId(store, R1.id)).toBe(CASE_ID);
      expect(await resolveCaseId(store, R1.number)).toBe(CASE_ID);
      expect(await resolveCaseId(store, 'AV-2025-0001')).toBe(CASE_ID);
    });

    it('an invoice number in two connections is refused, naming both, until --connection picks one', async () => {
      const e = await refusal(resolveCaseId(store, SHARED_NUMBER));
      expect(e).toBeInstanceOf(AmbiguousReferenceError);
      expect(e.message).toBe(
        `invoice number ${SHARED_NUMBER} is in 2 connections (odoo-be, odoo-main): say which one with --connection <id> (API: ?connection=<id>)`,
      );
      expect((e as AmbiguousReferenceError).code).toBe('AMBIGUOUS_REFERENCE');
      expect((e as AmbiguousReferenceError).details).toEqual({
        reference: SHARED_NUMBER,
        connections: ['odoo-be', 'odoo-main'],
        candidates: [
          { connection: 'odoo-be', itemId: BE_137.id, number: SHARED_NUMBER, kind: 'invoice', caseId: BE_CASE_ID },
          { connection: 'odoo-main', itemId: MAIN_137.id, number: SHARED_NUMBER, kind: 'invoice', caseId: CASE_ID },
        ],
      });
      expect(await resolveCaseId(store, SHARED_NUMBER, { connection: 'odoo-be' })).toBe(BE_CASE_ID);
      expect(await resolveCaseId(store, SHARED_NUMBER, { connection: 'odoo-main' })).toBe(CASE_ID);
    });

    it('unknown: "not found" says what was searched, and where the number is when the connection was wrong', async () => {
      const e = await refusal(resolveCaseId(store, 'INV/2099/99999'));
      expect(e).toBeInstanceOf(NotFoundError);
      expect(e.message).toBe('no case INV/2099/99999: searched case ids, item ids and invoice numbers');
      const wrong = await refusal(resolveCaseId(store, R1.number, { connection: 'odoo-be' }));
      expect(wrong).toBeInstanceOf(NotFoundError);
      expect(wrong.message).toBe(
        `no case ${R1.number} in connection odoo-be: searched case ids, item ids and invoice numbers; the invoice number is in connection odoo-main`,
      );
      expect((await refusal(resolveCaseId(store, '   '))).message).toMatch(/^no case : searched/);
    });
  });

  describe('an item reference', () => {
    it('is an item id or a number; a shared number needs its connection', async () => {
      expect(await resolveItemId(store, R1.id)).toBe(R1.id);
      expect(await resolveItemId(store, R1.number)).toBe(R1.id);
      expect(await refusal(resolveItemId(store, SHARED_NUMBER))).toBeInstanceOf(AmbiguousReferenceError);
      expect(await resolveItemId(store, SHARED_NUMBER, { connection: 'odoo-be' })).toBe(BE_137.id);
      expect((await refusal(resolveItemId(store, 'nothing'))).message).toBe(
        'no item nothing: searched item ids and invoice numbers',
      );
    });

    it('a number twice in one ledger (two companies of one Odoo) asks for the item id', async () => {
      const other = invoice({
        id: 'odoo:move:900',
        source: { system: 'odoo', connection: 'odoo-main', id: '900' },
        number: R1.number,
        debtorId: DEBTOR.id,
        companyId: 'odoo:company:2',
      });
      await saveReceivables(store, [other], '2025-03-02T08:00:00.000Z');
      const e = await refusal(resolveItemId(store, R1.number, { connection: 'odoo-main' }));
      expect(e).toBeInstanceOf(AmbiguousReferenceError);
      expect(e.message).toContain(`give the item id (${R1.id}, ${other.id})`);
    });
  });

  describe('the journal, page by page', () => {
    const append = async (n: number) => {
      for (let i = 0; i < n; i++)
        await store.cases.appendJournal({
          caseId: CASE_ID,
          at: `2025-03-0${1 + (i % 9)}T08:00:00.000Z`,
          actor: { kind: 'system', id: 't' },
          type: 'note',
          summary: `line ${i + 1}`,
          data: {},
        });
    };

    it('gives `next` until the last page, and null on it', async () => {
      await append(7);
      const p1 = await readJournalPage(store, CASE_ID, { limit: 3 });
      expect([p1.entries.map((e) => e.seq), p1.next]).toEqual([[1, 2, 3], 3]);
      const p2 = await readJournalPage(store, CASE_ID, { limit: 3, after: 3 });
      expect([p2.entries.map((e) => e.seq), p2.next]).toEqual([[4, 5, 6], 6]);
      const p3 = await readJournalPage(store, CASE_ID, { limit: 3, after: 6 });
      expect([p3.entries.map((e) => e.summary), p3.next]).toEqual([['line 7'], null]);
    });

    it('a journal that ends exactly on a page boundary has no empty page after it', async () => {
      await append(6);
      expect((await readJournalPage(store, CASE_ID, { limit: 3, after: 3 })).next).toBeNull();
      expect(await readJournalPage(store, CASE_ID, { limit: 3, after: 6 })).toEqual({ entries: [], next: null });
    });
  });
}
