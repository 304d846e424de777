import { createHash } from 'node:crypto';
import { formatMoney } from '../../connector/model/money.schema';
import {
  CaseOperations,
  ConflictError,
  InvalidOperationError,
  NotFoundError,
  type RecoveryCostInput,
} from '../../connector/cases';
import { caseIdOf } from '../../connector/model/case.schema';
import type { Store } from '../../connector/store/store';
import { debtor, invoice } from '../helpers/builders';
import { CASE_ID, COMPANY, handClock, seed, TIME_ZONE } from './case-fixtures';
import { saveReceivables } from '../../connector/cases/case-lifecycle';

/**
 * `recordRecoveryCost` against a real store: the same table for SQLite and PostgreSQL. The
 * clock says 24 March 2025, 10:00 in Paris.
 */

export const RECEIPT_PDF = Buffer.from('%PDF-1.4\n% acte de commissaire de justice n° 2025-117\n%%EOF\n', 'latin1');
export const RECEIPT_PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('IHDR scan of an invoice'),
]);
export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

export const CONSUMER = debtor({
  id: 'odoo:partner:8',
  name: 'Claire Fontaine',
  kind: 'individual',
  source: { system: 'odoo', connection: 'odoo-main', id: '8' },
});
export const CONSUMER_CASE = caseIdOf(CONSUMER.id, COMPANY, 'EUR');
export const USD_CASE = caseIdOf('odoo:partner:7', COMPANY, 'USD');

/** Seeds the fixtures' company case, a consumer's case and a USD case of the company debtor. */
export async function seedCostWorld(store: Store): Promise<void> {
  await seed(store);
  await store.sync.upsertDebtors([CONSUMER]);
  const item = (id: string, debtorId: string, currency: string) =>
    invoice({
      id,
      source: { system: 'odoo', connection: 'odoo-main', id: id.split(':').pop()! },
      debtorId,
      companyId: COMPANY,
      currency,
      dueDate: '2025-03-10',
      total: 50_000,
      open: 50_000,
    });
  await saveReceivables(
    store,
    [item('odoo:move:201', CONSUMER.id, 'EUR'), item('odoo:move:202', 'odoo:partner:7', 'USD')],
    '2025-03-01T08:00:00.000Z',
  );
}

export const COST: RecoveryCostInput = {
  date: '2025-03-20',
  amount: 12_050,
  label: 'constat de commissaire de justice',
  receipt: RECEIPT_PDF,
};

export function recoveryCostSuite(open: () => Promise<Store>, close: (store: Store) => Promise<void>): void {
  let store: Store;
  let ops: CaseOperations;
  const clock = handClock('2025-03-24T09:00:00.000Z');

  beforeEach(async () => {
    store = await open();
    clock.set('2025-03-24T09:00:00.000Z');
    ops = new CaseOperations({ store, clock, timeZone: TIME_ZONE });
    await seedCostWorld(store);
  });
  afterEach(() => close(store));

  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => {
        throw new Error('expected the cost to be refused');
      },
      (e: unknown) => e as Error & { code?: string },
    );
  const costLines = async (caseId = CASE_ID) =>
    (await store.cases.readJournal(caseId)).filter((e) => e.type === 'recovery_cost');

  it('stores the receipt as a document of the case and journals the cost under the controller, in one change', async () => {
    const outcome = await ops.recordRecoveryCost(CASE_ID, 'claire', COST);
    expect(outcome.replayed).toBe(false);
    expect(outcome.cost).toEqual({
      documentId: expect.stringMatching(/^receipt:[0-9a-f]{32}$/),
      date: '2025-03-20',
      label: 'constat de commissaire de justice',
      amount: 12_050,
      currency: 'EUR',
      mediaType: 'application/pdf',
      sha256: sha256(RECEIPT_PDF),
    });
    const stored = await store.deliveries.getDocument(outcome.cost.documentId);
    expect(stored).toMatchObject({
      caseId: CASE_ID,
      actionId: null,
      kind: 'receipt',
      mediaType: 'application/pdf',
      sha256: sha256(RECEIPT_PDF),
      size: RECEIPT_PDF.length,
      createdAt: '2025-03-24T09:00:00.000Z',
    });
    expect(stored!.content.equals(RECEIPT_PDF)).toBe(true);
    const [line, ...more] = await costLines();
    expect(more).toEqual([]);
    // 12,050 minor units are 120,50 € in the default locale (fr-FR).
    expect(line).toMatchObject({
      actor: { kind: 'user', id: 'claire' },
      summary: `recovery cost of ${formatMoney(12_050, 'EUR', 'fr-FR')} on 2025-03-20 entered by claire: constat de commissaire de justice`,
      data: { ...outcome.cost, size: RECEIPT_PDF.length },
    });
    expect((await store.cases.getCase(CASE_ID))!.updatedAt).toBe('2025-03-24T09:00:00.000Z');
  });

  it('reads the media type from the bytes: a PNG scan is kept as image/png, a text file is refused', async () => {
    const png = await ops.recordRecoveryCost(CASE_ID, 'claire', { ...COST, receipt: RECEIPT_PNG });
    expect(png.cost.mediaType).toBe('image/png');
    const text = await refusal(
      ops.recordRecoveryCost(CASE_ID, 'claire', { ...COST, receipt: Buffer.from('receipt: 120.50 EUR') }),
    );
    expect(text).toBeInstanceOf(InvalidOperationError);
    expect(text.code).toBe('RECEIPT_TYPE');
  });

  it('the same cost entered twice is recorded once: the second answer is a replay, nothing is written', async () => {
    const first = await ops.recordRecoveryCost(CASE_ID, 'claire', COST);
    clock.set('2025-03-24T15:00:00.000Z');
    const again = await ops.recordRecoveryCost(CASE_ID, 'paul', {
      ...COST,
      label: '  constat de commissaire de justice ',
    });
    expect(again).toMatchObject({ replayed: true, cost: first.cost });
    expect(again.case.updatedAt).toBe('2025-03-24T09:00:00.000Z');
    expect(await costLines()).toHaveLength(1);
    expect((await store.deliveries.listDocuments(CASE_ID)).map((d) => d.id)).toEqual([first.cost.documentId]);
  });

  it('with an idempotency key: the same key records once; another key records the same cost again; the key with another cost is a conflict', async () => {
    const first = await ops.recordRecoveryCost(CASE_ID, 'claire', { ...COST, idempotencyKey: 'ticket-4711' });
    expect((await ops.recordRecoveryCost(CASE_ID, 'claire', { ...COST, idempotencyKey: 'ticket-4711' })).replayed).toBe(
      true,
    );
    const second = await ops.recordRecoveryCost(CASE_ID, 'claire', { ...COST, idempotencyKey: 'ticket-4712' });
    expect(second.replayed).toBe(false);
    expect(second.cost.documentId).not.toBe(first.cost.documentId);
    const reused = await refusal(
      ops.recordRecoveryCost(CASE_ID, 'claire', { ...COST, amount: 9_900, idempotencyKey: 'ticket-4711' }),
    );
    expect(reused).toBeInstanceOf(ConflictError);
    expect(reused.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(reused.message).toContain(
      `${formatMoney(12_050, 'EUR', 'fr-FR')} on 2025-03-20, "constat de commissaire de justice"`,
    );
    expect(await costLines()).toHaveLength(2);
    // The key is never stored, only what it derives.
    expect(JSON.stringify(await store.cases.readJournal(CASE_ID))).not.toContain('ticket-4711');
  });

  it('the same cost sent three times at once is recorded once', async () => {
    const results = await Promise.allSettled(
      [1, 2, 3].map(() => ops.recordRecoveryCost(CASE_ID, 'claire', { ...COST, idempotencyKey: 'once' })),
    );
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    expect(results.filter((r) => r.status === 'fulfilled' && !r.value.replayed)).toHaveLength(1);
    expect(await costLines()).toHaveLength(1);
    expect(await store.deliveries.listDocuments(CASE_ID)).toHaveLength(1);
  });

  it.each<[string, Partial<RecoveryCostInput>, string, string]>([
    ['an amount of 0', { amount: 0 }, 'COST_AMOUNT', 'above 0'],
    ['a negative amount', { amount: -500 }, 'COST_AMOUNT', 'above 0'],
    ['a fractional amount', { amount: 120.5 }, 'COST_AMOUNT', 'whole number of minor units'],
    [
      'no receipt',
      { receipt: undefined },
      'RECEIPT_REQUIRED',
      'only on proof (C. com. L441-10 II, "sur justification")',
    ],
    ['an empty receipt', { receipt: Buffer.alloc(0) }, 'RECEIPT_REQUIRED', 'attach its receipt'],
    // The clock says 24 March in Paris: the 25th has not come.
    [
      'a date still to come',
      { date: '2025-03-25' },
      'COST_IN_THE_FUTURE',
      'a cost dated 2025-03-25 has not been incurred yet (today is 2025-03-24)',
    ],
    ['a blank label', { label: '   ' }, 'COST_LABEL_REQUIRED', 'label'],
  ])('refuses %s, naming what and why, and writes nothing', async (_name, change, code, text) => {
    const error = await refusal(ops.recordRecoveryCost(CASE_ID, 'claire', { ...COST, ...change }));
    expect(error).toBeInstanceOf(InvalidOperationError);
    expect(error.code).toBe(code);
    expect(error.message).toContain(text);
    expect(await costLines()).toEqual([]);
    expect(await store.deliveries.listDocuments(CASE_ID)).toEqual([]);
  });

  it('today is the clock’s business date in Paris: at 23:30 UTC on the 24th it is already the 25th there', async () => {
    clock.set('2025-03-24T23:30:00.000Z');
    await expect(ops.recordRecoveryCost(CASE_ID, 'claire', { ...COST, date: '2025-03-25' })).resolves.toMatchObject({
      replayed: false,
    });
  });

  it('refuses a consumer debtor (CPCE L111-8 al. 2) and a case not in EUR, saying why', async () => {
    const consumer = await refusal(ops.recordRecoveryCost(CONSUMER_CASE, 'claire', COST));
    expect(consumer).toBeInstanceOf(InvalidOperationError);
    expect(consumer.code).toBe('RECOVERY_COSTS_CONSUMER');
    expect(consumer.message).toBe(
      `case ${CONSUMER_CASE}: the debtor is a consumer; costs of recovery engaged without an enforceable title stay with the creditor (CPCE L111-8 al. 2) and cannot be claimed from them`,
    );
    const usd = await refusal(ops.recordRecoveryCost(USD_CASE, 'claire', COST));
    expect(usd.code).toBe('RECOVERY_COSTS_NOT_EUR');
    expect(usd.message).toContain(`case ${USD_CASE} is in USD`);
    expect(await costLines(CONSUMER_CASE)).toEqual([]);
    expect(await store.deliveries.listDocuments(CONSUMER_CASE)).toEqual([]);
    expect(await refusal(ops.recordRecoveryCost('case_unknown', 'claire', COST))).toBeInstanceOf(NotFoundError);
  });
}
