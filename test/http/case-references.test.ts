import { JOURNAL_PAGE_DEFAULT, JOURNAL_PAGE_MAX } from '../../connector/cases';
import { CASE_ID, R1 } from '../cases/case-fixtures';
import { BE_137, BE_CASE_ID, MAIN_137, seedTwoLedgers, SHARED_NUMBER } from '../cases/reference-fixtures';
import { openHarness, type Harness } from './api-harness';

/**
 * The API takes what a controller reads: invoice numbers (their slashes percent-encoded) and
 * case references, wherever it takes a case or item id; and it reads a journal page by page.
 */

describe('HTTP API: references people read', () => {
  let h: Harness;
  const enc = encodeURIComponent;
  beforeEach(async () => {
    h = await openHarness();
    await seedTwoLedgers(h.store);
  });
  afterEach(() => h.close());

  it('GET /cases/INV%2F2025%2F00137?connection=… reads the case of that invoice', async () => {
    const res = await h.call('GET', `/cases/${enc(SHARED_NUMBER)}?connection=odoo-be`);
    expect(res.statusCode).toBe(200);
    expect(res.json<{ case: { id: string } }>().case.id).toBe(BE_CASE_ID);
    expect((await h.call('GET', `/cases/${enc(R1.number)}`)).json<{ case: { id: string } }>().case.id).toBe(CASE_ID);
    expect((await h.call('GET', `/cases/${CASE_ID.toUpperCase()}`)).json<{ case: { id: string } }>().case.id).toBe(
      CASE_ID,
    );
  });

  it('an invoice number in two connections is 409 AMBIGUOUS_REFERENCE with the candidates, and nothing is changed', async () => {
    const res = await h.call('POST', `/cases/${enc(SHARED_NUMBER)}/pause`, { body: { reason: 'the customer called' } });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toEqual({
      error: {
        code: 'AMBIGUOUS_REFERENCE',
        message: `invoice number ${SHARED_NUMBER} is in 2 connections (odoo-be, odoo-main): say which one with --connection <id> (API: ?connection=<id>)`,
        reference: SHARED_NUMBER,
        connections: ['odoo-be', 'odoo-main'],
        candidates: [
          { connection: 'odoo-be', itemId: BE_137.id, number: SHARED_NUMBER, kind: 'invoice', caseId: BE_CASE_ID },
          { connection: 'odoo-main', itemId: MAIN_137.id, number: SHARED_NUMBER, kind: 'invoice', caseId: CASE_ID },
        ],
      },
    });
    expect((await h.store.cases.getCase(CASE_ID))?.manualPause).toBeNull();
    expect((await h.store.cases.getCase(BE_CASE_ID))?.manualPause).toBeNull();
    const picked = await h.call('POST', `/cases/${enc(SHARED_NUMBER)}/pause?connection=odoo-main`, {
      body: { reason: 'the customer called' },
    });
    expect(picked.statusCode).toBe(200);
    expect((await h.store.cases.getCase(CASE_ID))?.manualPause).toEqual({ reason: 'the customer called', until: null });
    expect((await h.store.cases.getCase(BE_CASE_ID))?.manualPause).toBeNull();
  });

  it('item routes take the number too: POST /items/INV%2F2025%2F00137/dispute?connection=odoo-be', async () => {
    expect((await h.call('POST', `/items/${enc(SHARED_NUMBER)}/dispute`, { body: { reason: 'x' } })).statusCode).toBe(
      409,
    );
    const res = await h.call('POST', `/items/${enc(SHARED_NUMBER)}/dispute?connection=odoo-be`, {
      body: { reason: 'goods returned' },
    });
    expect(res.statusCode).toBe(200);
    expect((await h.store.sync.getReceivable(BE_137.id))?.disputed?.reason).toBe('goods returned');
    expect((await h.store.sync.getReceivable(MAIN_137.id))?.disputed).toBeNull();
    const promise = await h.call('POST', `/items/${enc(R1.number)}/promise`, { body: { date: '2025-04-15' } });
    expect(promise.statusCode).toBe(200);
    expect((await h.store.sync.getReceivable(R1.id))?.promiseToPay?.date).toBe('2025-04-15');
  });

  it('unknown: 404 naming what was searched; a wrong connection says where the number is', async () => {
    const res = await h.call('GET', `/cases/${enc('INV/2099/00001')}/journal`);
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      error: {
        code: 'CASE_NOT_FOUND',
        message: 'no case INV/2099/00001: searched case ids, item ids and invoice numbers',
      },
    });
    const wrong = await h.call('GET', `/cases/${enc(R1.number)}?connection=odoo-be`);
    expect(wrong.statusCode).toBe(404);
    expect(wrong.json()).toEqual({
      error: {
        code: 'CASE_NOT_FOUND',
        message: `no case ${R1.number} in connection odoo-be: searched case ids, item ids and invoice numbers; the invoice number is in connection odoo-main`,
        connections: ['odoo-main'],
      },
    });
    expect((await h.call('POST', `/items/${enc('INV/2099/00001')}/exclude`, { body: { reason: 'x' } })).json()).toEqual(
      { error: { code: 'ITEM_NOT_FOUND', message: 'no item INV/2099/00001: searched item ids and invoice numbers' } },
    );
  });

  describe('GET /cases/:id/journal, paged', () => {
    const append = async (n: number) => {
      for (let i = 0; i < n; i++)
        await h.store.cases.appendJournal({
          caseId: CASE_ID,
          at: '2025-03-20T08:00:00.000Z',
          actor: { kind: 'system', id: 't' },
          type: 'note',
          summary: `line ${i + 1}`,
          data: {},
        });
    };
    type Page = { entries: { seq: number }[]; next: number | null };

    it(`default ${JOURNAL_PAGE_DEFAULT} entries a page; \`next\` leads through the whole journal, once each`, async () => {
      await append(JOURNAL_PAGE_DEFAULT + 30);
      const first = (await h.call('GET', `/cases/${CASE_ID}/journal`)).json<Page>();
      expect(first.entries).toHaveLength(JOURNAL_PAGE_DEFAULT);
      expect(first.next).toBe(JOURNAL_PAGE_DEFAULT);
      const seen: number[] = [];
      let after: number | null = null;
      do {
        const page: Page = (
          await h.call('GET', `/cases/${enc(R1.number)}/journal?limit=40${after === null ? '' : `&after=${after}`}`)
        ).json<Page>();
        seen.push(...page.entries.map((e) => e.seq));
        after = page.next;
      } while (after !== null);
      expect(seen).toEqual(Array.from({ length: JOURNAL_PAGE_DEFAULT + 30 }, (_, i) => i + 1));
    });

    it(`refuses a limit above ${JOURNAL_PAGE_MAX} or below 1, naming the parameter`, async () => {
      for (const limit of [0, JOURNAL_PAGE_MAX + 1]) {
        const res = await h.call('GET', `/cases/${CASE_ID}/journal?limit=${limit}`);
        expect(res.statusCode).toBe(400);
        expect(res.json<{ error: { problems: { path: string }[] } }>().error.problems.map((p) => p.path)).toEqual([
          'query.limit',
        ]);
      }
      expect((await h.call('GET', `/cases/${CASE_ID}/journal?limit=${JOURNAL_PAGE_MAX}`)).json<Page>()).toEqual({
        entries: [],
        next: null,
      });
    });
  });
});
