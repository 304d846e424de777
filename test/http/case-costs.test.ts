import { CASE_ID } from '../cases/case-fixtures';
import { CONSUMER_CASE, RECEIPT_PDF, seedCostWorld, sha256, USD_CASE } from '../cases/recovery-cost-suite';
import { openHarness, type Harness } from './api-harness';

/**
 * POST /cases/:id/costs: a recovery cost with its receipt in base64, checked like every body,
 * refused like every operation, recorded once per Idempotency-Key (or per cost and receipt).
 * The harness clock says 24 March 2025, 10:00 in Paris.
 */

describe('POST /cases/:id/costs', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await openHarness();
    await seedCostWorld(h.store);
  });
  afterEach(() => h.close());

  const url = (caseId = CASE_ID) => `/cases/${encodeURIComponent(caseId)}/costs`;
  const body = (over: Record<string, unknown> = {}) => ({
    date: '2025-03-20',
    amount: 12_050,
    label: 'constat de commissaire de justice',
    receipt: { contentBase64: RECEIPT_PDF.toString('base64') },
    ...over,
  });
  const costLines = async (caseId = CASE_ID) =>
    (await h.store.cases.readJournal(caseId)).filter((e) => e.type === 'recovery_cost');

  it('records the cost under the user header and stores the receipt; GET /documents/:id gives the bytes back', async () => {
    const res = await h.call('POST', url(), { body: body(), user: 'claire.martin' });
    expect(res.statusCode).toBe(200);
    const answer = res.json<{ replayed: boolean; cost: { documentId: string }; case: { id: string } }>();
    expect(answer).toMatchObject({
      replayed: false,
      case: { id: CASE_ID },
      cost: {
        amount: 12_050,
        currency: 'EUR',
        date: '2025-03-20',
        mediaType: 'application/pdf',
        sha256: sha256(RECEIPT_PDF),
      },
    });
    expect((await costLines())[0]).toMatchObject({ actor: { kind: 'user', id: 'claire.martin' } });
    const doc = await h.call('GET', `/documents/${encodeURIComponent(answer.cost.documentId)}`);
    expect(doc.statusCode).toBe(200);
    expect(doc.headers['content-type']).toBe('application/pdf');
    expect(doc.headers['x-content-sha256']).toBe(sha256(RECEIPT_PDF));
    expect(doc.rawPayload.equals(RECEIPT_PDF)).toBe(true);
    const listed = (await h.call('GET', `/cases/${encodeURIComponent(CASE_ID)}/documents`)).json<{
      documents: { id: string; kind: string }[];
    }>();
    expect(listed.documents.map((d) => [d.id, d.kind])).toEqual([[answer.cost.documentId, 'receipt']]);
  });

  it('Idempotency-Key: the same key answers the first cost again (replayed) and records nothing more; reused for another cost it is a 409', async () => {
    const headers = { 'idempotency-key': 'ticket-4711' };
    const first = await h.call('POST', url(), { body: body(), headers });
    const again = await h.call('POST', url(), { body: body(), headers });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ replayed: true, cost: first.json<{ cost: unknown }>().cost });
    const other = await h.call('POST', url(), { body: body({ amount: 9_900 }), headers });
    expect(other.statusCode).toBe(409);
    expect(other.json()).toMatchObject({ error: { code: 'IDEMPOTENCY_KEY_REUSED' } });
    expect(await costLines()).toHaveLength(1);
    const badKey = await h.call('POST', url(), { body: body(), headers: { 'idempotency-key': 'with space' } });
    expect(badKey.statusCode).toBe(400);
    expect(badKey.json()).toMatchObject({
      error: {
        code: 'INVALID_REQUEST',
        problems: [
          { path: 'headers.idempotency-key', message: 'must be 1 to 255 printable ASCII characters without spaces' },
        ],
      },
    });
  });

  it('without a key, the same cost with the same receipt sent twice is recorded once', async () => {
    await h.call('POST', url(), { body: body() });
    expect((await h.call('POST', url(), { body: body() })).json()).toMatchObject({ replayed: true });
    expect(await costLines()).toHaveLength(1);
  });

  it('checks the body, every problem at once: amount ≤ 0, no receipt, bad base64, a date that is no date', async () => {
    const res = await h.call('POST', url(), {
      body: { date: '2025-02-30', amount: 0, label: ' ', receipt: { contentBase64: 'not base64!' } },
    });
    expect(res.statusCode).toBe(400);
    const paths = res
      .json<{ error: { problems: { path: string }[] } }>()
      .error.problems.map((p) => p.path)
      .sort();
    expect(paths).toEqual(['body.amount', 'body.date', 'body.label', 'body.receipt.contentBase64']);
    const noReceipt = await h.call('POST', url(), { body: { date: '2025-03-20', amount: 100, label: 'x' } });
    expect(noReceipt.statusCode).toBe(400);
    expect(noReceipt.json()).toMatchObject({
      error: {
        problems: [{ path: 'body.receipt', message: 'must be {"contentBase64": "…"}: the receipt proving the cost' }],
      },
    });
    expect(await costLines()).toEqual([]);
  });

  it('refuses by the operation: a date to come, a receipt that is not a PDF or an image, a consumer debtor, a USD case, an unknown case', async () => {
    const future = await h.call('POST', url(), { body: body({ date: '2025-03-25' }) });
    expect(future.statusCode).toBe(400);
    expect(future.json()).toEqual({
      error: {
        code: 'COST_IN_THE_FUTURE',
        message: 'a cost dated 2025-03-25 has not been incurred yet (today is 2025-03-24): enter it once it is paid',
      },
    });
    const text = await h.call('POST', url(), {
      body: body({ receipt: { contentBase64: Buffer.from('paid 120.50').toString('base64') } }),
    });
    expect(text.json()).toMatchObject({ error: { code: 'RECEIPT_TYPE' } });
    const consumer = await h.call('POST', url(CONSUMER_CASE), { body: body() });
    expect(consumer.statusCode).toBe(400);
    expect(consumer.json()).toMatchObject({
      error: { code: 'RECOVERY_COSTS_CONSUMER', message: expect.stringContaining('CPCE L111-8 al. 2') },
    });
    expect((await h.call('POST', url(USD_CASE), { body: body() })).json()).toMatchObject({
      error: { code: 'RECOVERY_COSTS_NOT_EUR' },
    });
    expect((await h.call('POST', url('case_unknown'), { body: body() })).statusCode).toBe(404);
    expect(await costLines()).toEqual([]);
    expect(await costLines(CONSUMER_CASE)).toEqual([]);
  });

  it('takes a receipt of several MB (the 64 KiB limit of other bodies does not apply here), and needs the token', async () => {
    // 9 MiB: a backtracking base64 pattern overflowed V8's stack on bodies this size (a 500).
    const big = Buffer.concat([RECEIPT_PDF, Buffer.alloc(9 * 1024 * 1024, 0x20)]);
    const res = await h.call('POST', url(), { body: body({ receipt: { contentBase64: big.toString('base64') } }) });
    // On failure, the daemon's own log line says why.
    expect({ status: res.statusCode, errors: h.lines().filter((l) => l.includes('error')) }).toEqual({
      status: 200,
      errors: [],
    });
    expect((await h.store.deliveries.listDocuments(CASE_ID))[0]!.size).toBe(big.length);
    expect((await h.call('POST', url(), { body: body(), token: null })).statusCode).toBe(401);
  });
});
