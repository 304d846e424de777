import { inspect } from 'node:util';
import axios, { type AxiosInstance } from 'axios';
import { LawFirmHttpConfigSchema, type LawFirmHttpConfig } from '../../../adapters/lawfirm/config.schema';
import { HttpLawFirmPartner } from '../../../adapters/lawfirm/http-client';
import { LawFirmSimulator } from '../../../adapters/lawfirm/simulator/server';
import type { AdapterError } from '../../../connector/ports/adapter-error';
import { adapterFailure } from '../../helpers/failure';
import { document, FORMAL_NOTICE, INVOICE_1, INVOICE_2, nextKey, submission } from './fixtures';
import { OpenApiContract, recordExchanges, type Exchange } from './openapi-contract';

const contract = new OpenApiContract();
const WEBHOOK_SECRET = 'whsec_contract_tests_0123456789';
const everything = (e: AdapterError) => `${e.message} ${e.userMessage} ${e.detail ?? ''} ${inspect(e, { depth: 10 })}`;
const DAY = 86_400_000;

/**
 * The client against the simulator, every request and every answer checked against
 * openapi.yaml: what one side sends, the other side's contract accepts.
 */
describe('law-firm contract: HttpLawFirmPartner against LawFirmSimulator, checked with openapi.yaml', () => {
  let sim: LawFirmSimulator;
  let http: AxiosInstance;
  let exchanges: Exchange[];
  let config: LawFirmHttpConfig;
  let firm: HttpLawFirmPartner;

  beforeEach(async () => {
    sim = await new LawFirmSimulator({ seed: 11 }).start();
    http = axios.create();
    exchanges = recordExchanges(http);
    config = LawFirmHttpConfigSchema.parse({
      baseUrl: sim.url,
      apiKey: sim.apiKey,
      webhookSecret: WEBHOOK_SECRET,
      timeoutMs: 5_000,
      eventsPageSize: 2,
    });
    firm = new HttpLawFirmPartner({ config, http });
  });

  afterEach(async () => {
    await sim.stop();
    // Every exchange of the test, whatever it asserted, follows the contract both ways.
    const problems = exchanges.flatMap((x) =>
      contract.validateExchange(x).map((p) => `${x.method} ${x.url} → ${x.status}: ${p}`),
    );
    expect(problems).toEqual([]);
  });

  it('the checker itself catches an answer outside the contract', () => {
    const x: Exchange = {
      method: 'GET',
      url: '/v1/files/fil_1',
      requestHeaders: { Authorization: 'Bearer k' },
      requestBody: undefined,
      status: 200,
      responseHeaders: { 'content-type': 'application/json' },
      responseBody: '{"fileId":"fil_1"}',
    };
    expect(contract.validateExchange(x).join('\n')).toContain("must have required property 'dossierId'");
    expect(contract.validateExchange({ ...x, status: 418 })).toEqual([
      'GET /v1/files/{fileId}: status 418 is not documented',
    ]);
    expect(contract.validateExchange({ ...x, requestHeaders: {} }).join()).toContain('no bearer Authorization header');
    const post: Exchange = {
      method: 'POST',
      url: '/v1/files/fil_1/withdrawal',
      requestHeaders: { Authorization: 'Bearer k', 'Content-Type': 'application/json' },
      requestBody: '{"reason":"paid"}',
      status: 201,
      responseHeaders: { 'content-type': 'application/json' },
      responseBody: '{"fileId":"fil_1","state":"withdrawn","replayed":false}',
    };
    expect(contract.validateExchange(post).join()).toContain('required header parameter Idempotency-Key is missing');
    expect(
      contract
        .validateExchange({ ...post, status: 429, responseBody: '{"error":{"code":"rate_limited","message":"x"}}' })
        .join(),
    ).toContain('required response header Retry-After is missing');
  });

  it('submits a dossier with its documents: one file, received, then accepted a day later', async () => {
    const request = submission();
    const result = await firm.submit(request);
    expect(result).toEqual({
      fileId: expect.stringMatching(/^fil_[0-9a-f]{16}$/),
      status: 'received',
      reasons: [],
      replayed: false,
    });
    const [file] = sim.listFiles();
    expect(file).toMatchObject({
      fileId: result.fileId,
      dossierId: 'dos-0001',
      caseId: 'case:dupont:EUR',
      idempotencyKey: request.idempotencyKey,
      status: 'received',
      procedure: 'injonction_de_payer',
      missingDocuments: [],
    });
    expect(file!.documents.map((d) => [d.name, d.sha256, d.size, d.from])).toEqual(
      request.documents.map((d) => [d.name, d.sha256, d.content.length, 'creditor']),
    );
    expect(sim.documentContent(result.fileId, INVOICE_1.name)).toEqual(INVOICE_1.content);
    expect(await firm.status(result.fileId)).toEqual({
      fileId: result.fileId,
      dossierId: 'dos-0001',
      state: 'submitted',
      updatedAt: '2026-04-01T08:00:00.000Z',
    });
    sim.clock.advance(2 * DAY);
    expect((await firm.status(result.fileId)).state).toBe('accepted');
    expect(sim.file(result.fileId)!.status).toBe('accepted');
    expect(exchanges[0]).toMatchObject({
      method: 'POST',
      status: 201,
      requestHeaders: expect.objectContaining({ 'Idempotency-Key': request.idempotencyKey }),
    });
  });

  it('replay: the same key and dossier answer the same file, marked replayed, and open no second file', async () => {
    const request = submission();
    const first = await firm.submit(request);
    sim.clock.advance(60_000);
    const again = await firm.submit(request);
    expect(again).toEqual({ ...first, replayed: true });
    expect(sim.listFiles()).toHaveLength(1);
    expect(exchanges.map((x) => [x.status, x.responseHeaders['idempotent-replayed']])).toEqual([
      [201, undefined],
      [200, 'true'],
    ]);
  });

  it('the same key with another body is a conflict (409), and nothing more is opened', async () => {
    const request = submission();
    await firm.submit(request);
    const e = await adapterFailure(
      firm.submit(submission(undefined, { documents: [INVOICE_1, INVOICE_2], idempotencyKey: request.idempotencyKey })),
    );
    expect(e).toMatchObject({ code: 'LAWFIRM_IDEMPOTENCY_CONFLICT', kind: 'system', outcomeUnknown: false });
    expect(e.userMessage).toContain(request.idempotencyKey);
    expect(sim.listFiles()).toHaveLength(1);
    expect(exchanges[1]).toMatchObject({ status: 409 });
    expect(JSON.parse(exchanges[1]!.responseBody)).toMatchObject({ error: { code: 'idempotency_conflict' } });
  });

  it('the same dossier under another key while its file is open is 409 dossier_already_submitted', async () => {
    const { fileId } = await firm.submit(submission());
    const e = await adapterFailure(firm.submit(submission()));
    expect(e).toMatchObject({ code: 'LAWFIRM_DOSSIER_ALREADY_SUBMITTED', kind: 'system' });
    expect(e.userMessage).toContain(fileId);
    expect(sim.listFiles()).toHaveLength(1);
  });

  it('422: a dossier the firm cannot work opens no file, and every problem comes back at once', async () => {
    const bad = submission((d) => {
      d.debtor.addresses = [];
      d.debtor.siren = '123456789';
      d.claim.total += 1;
      d.claim.lines[1]!.principal -= 100;
    });
    const e = await adapterFailure(firm.submit(bad));
    expect(e).toMatchObject({ code: 'LAWFIRM_DOSSIER_INVALID', kind: 'system', outcomeUnknown: false });
    for (const field of [
      'dossier.debtor.addresses',
      'dossier.debtor.siren',
      'dossier.claim.total',
      'dossier.claim.principal',
    ])
      expect(e.userMessage).toContain(field);
    expect(e.userMessage).toContain('no address to serve the debtor');
    expect(sim.listFiles()).toHaveLength(0);
    // The key was not bound by the refusal: the corrected dossier goes through under it.
    expect(await firm.submit({ ...submission(), idempotencyKey: bad.idempotencyKey })).toMatchObject({
      status: 'received',
      replayed: false,
    });
  });

  it('201 rejected: a file declined on its merits says why at once (time-barred invoice, petites créances ceiling)', async () => {
    const barred = await firm.submit(
      submission((d) => {
        d.claim.asOf = '2031-06-01';
      }),
    );
    expect(barred).toMatchObject({ status: 'rejected', replayed: false });
    expect(barred.reasons.join()).toMatch(/prescrite : FAC-2025-0101, FAC-2025-0117 .* 5 ans \(C\. com\. L110-4\)/);
    const ceiling = await firm.submit(
      submission(
        (d) => {
          d.recommendedProcedure = 'petites_creances';
          d.claim.lines[0]!.principal = d.claim.lines[0]!.total = 450_000;
          d.claim.principal = 550_000;
          d.claim.total = 550_000 + d.claim.interest + d.claim.indemnity;
        },
        { id: 'dos-0002' },
      ),
    );
    expect(ceiling.status).toBe('rejected');
    expect(ceiling.reasons.join()).toContain('plafond de 5 000 €');
    expect((await firm.status(ceiling.fileId)).state).toBe('rejected');
    const unknown = await firm.submit(
      submission((d) => (d.recommendedProcedure = 'procedure_europeenne'), { id: 'dos-0003' }),
    );
    expect(unknown.reasons).toEqual(['Procédure non pratiquée par le cabinet : procedure_europeenne']);
  });

  it('adds documents: a file waiting for a listed document is accepted once it comes', async () => {
    const { fileId } = await firm.submit(submission(undefined, { documents: [INVOICE_1, INVOICE_2] }));
    expect(sim.file(fileId)!.missingDocuments).toEqual([FORMAL_NOTICE.name]);
    sim.clock.advance(5 * DAY);
    expect((await firm.status(fileId)).state).toBe('submitted');
    await firm.addDocuments(fileId, [FORMAL_NOTICE], nextKey('docs'));
    expect(sim.file(fileId)!.missingDocuments).toEqual([]);
    sim.clock.advance(2 * DAY);
    expect((await firm.status(fileId)).state).toBe('accepted');
    const late = document('avis-de-reception.pdf', 'proof_of_delivery');
    const key = nextKey('docs');
    await firm.addDocuments(fileId, [late], key);
    await firm.addDocuments(fileId, [late], key);
    expect(sim.file(fileId)!.documents.map((d) => d.name)).toEqual([
      INVOICE_1.name,
      INVOICE_2.name,
      FORMAL_NOTICE.name,
      late.name,
    ]);
    expect(exchanges.slice(-2).map((x) => x.status)).toEqual([201, 200]);
    const clash = await adapterFailure(
      firm.addDocuments(
        fileId,
        [document(late.name, 'proof_of_delivery', Buffer.from('%PDF-1.4 other'))],
        nextKey('docs'),
      ),
    );
    expect(clash).toMatchObject({ code: 'LAWFIRM_DOCUMENT_CONFLICT', kind: 'system' });
  });

  it('reports a direct payment; settlesInFull closes the file; a closed file refuses more', async () => {
    const { fileId } = await firm.submit(submission());
    sim.clock.advance(2 * DAY);
    await firm.reportPayment(
      fileId,
      { id: 'pay-1', amount: 50_000, currency: 'EUR', receivedOn: '2026-04-02', settlesInFull: false },
      nextKey('pay'),
    );
    expect(sim.payments()).toEqual([
      expect.objectContaining({ fileId, id: 'pay-1', amount: 50_000, settlesInFull: false }),
    ]);
    expect((await firm.status(fileId)).state).toBe('accepted');
    // The same payment id under another key is applied once.
    await firm.reportPayment(
      fileId,
      { id: 'pay-1', amount: 50_000, currency: 'EUR', receivedOn: '2026-04-02', settlesInFull: false },
      nextKey('pay'),
    );
    expect(sim.payments()).toHaveLength(1);
    const wrongCurrency = await adapterFailure(
      firm.reportPayment(
        fileId,
        { id: 'pay-x', amount: 1, currency: 'USD', receivedOn: '2026-04-02', settlesInFull: false },
        nextKey('pay'),
      ),
    );
    expect(wrongCurrency).toMatchObject({ code: 'LAWFIRM_UNPROCESSABLE', kind: 'system' });
    expect(wrongCurrency.userMessage).toContain('currency: the claim is in EUR');
    await firm.reportPayment(
      fileId,
      { id: 'pay-2', amount: 214_150, currency: 'EUR', receivedOn: '2026-04-03', settlesInFull: true },
      nextKey('pay'),
    );
    expect(await firm.status(fileId)).toMatchObject({ state: 'closed' });
    const after = await adapterFailure(
      firm.reportPayment(
        fileId,
        { id: 'pay-3', amount: 1, currency: 'EUR', receivedOn: '2026-04-04', settlesInFull: false },
        nextKey('pay'),
      ),
    );
    expect(after).toMatchObject({ code: 'LAWFIRM_FILE_CLOSED', kind: 'system' });
    sim.clock.advance(400 * DAY);
    expect((await firm.status(fileId)).state).toBe('closed');
  });

  it('withdraws a file: withdrawn at once, nothing more happens to it, a second withdrawal answers the same', async () => {
    const { fileId } = await firm.submit(submission());
    await firm.withdraw(fileId, 'Accord trouvé avec le débiteur', nextKey('withdraw'));
    expect(sim.withdrawals()).toEqual([expect.objectContaining({ fileId, reason: 'Accord trouvé avec le débiteur' })]);
    expect((await firm.status(fileId)).state).toBe('withdrawn');
    await firm.withdraw(fileId, 'Again', nextKey('withdraw'));
    sim.clock.advance(400 * DAY);
    expect((await firm.status(fileId)).state).toBe('withdrawn');
    expect(
      sim
        .events()
        .filter((e) => e.fileId === fileId)
        .map((e) => e.type),
    ).toEqual(['submitted', 'withdrawn']);
  });

  it('reads every event with the cursor, page by page, oldest first, and an empty page keeps the cursor', async () => {
    for (const id of ['dos-a', 'dos-b', 'dos-c']) await firm.submit(submission(undefined, { id }));
    sim.clock.advance(40 * DAY);
    const read: string[] = [];
    const cursors: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 50; i++) {
      const page = await firm.events(cursor);
      expect(page.events.length).toBeLessThanOrEqual(2);
      if (page.events.length === 0) {
        expect(page.next).toBe(cursor);
        break;
      }
      read.push(...page.events.map((e) => e.id));
      cursors.push(page.next);
      cursor = page.next;
    }
    expect(read).toEqual(sim.events().map((e) => e.id));
    expect(read.length).toBeGreaterThan(6);
    expect(new Set(cursors).size).toBe(cursors.length);
    // Events recorded later come after the saved cursor, never before it.
    sim.clock.advance(30 * DAY);
    const more = await firm.events(cursor);
    expect(more.events.length).toBeGreaterThan(0);
    expect(more.events.every((e) => !read.includes(e.id))).toBe(true);
    const occurred = [
      ...read.map((id) => sim.events().find((e) => e.id === id)!.occurredAt),
      ...more.events.map((e) => e.occurredAt),
    ];
    expect([...occurred].sort()).toEqual(occurred);
  });

  it('an unknown cursor is 400 invalid_cursor, not an empty page', async () => {
    expect(await adapterFailure(firm.events('cur_999'))).toMatchObject({
      code: 'LAWFIRM_INVALID_CURSOR',
      kind: 'system',
    });
    expect(await adapterFailure(firm.events('garbage'))).toMatchObject({ code: 'LAWFIRM_INVALID_CURSOR' });
    expect(await firm.events()).toEqual({ events: [], next: 'cur_0' });
  });

  it('reads back the firm’s own document (an ordonnance) named by an event, hash checked', async () => {
    sim.controls.usePath('ip_no_opposition');
    const { fileId } = await firm.submit(submission());
    sim.clock.advance(40 * DAY);
    const order = sim.events().find((e) => e.type === 'order_issued')!;
    expect(order.documents).toEqual([
      { name: `ordonnance-injonction-de-payer-${fileId}.pdf`, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    ]);
    const doc = await firm.document(fileId, order.documents![0]!.name);
    expect(doc).toMatchObject({
      kind: 'court_order',
      mediaType: 'application/pdf',
      sha256: order.documents![0]!.sha256,
    });
    expect(doc.content.subarray(0, 5).toString()).toBe('%PDF-');
    expect(await adapterFailure(firm.document(fileId, 'nope.pdf'))).toMatchObject({
      code: 'LAWFIRM_DOCUMENT_NOT_FOUND',
      kind: 'system',
    });
  });

  it('error answers: 401, 404, 413, 415, 429, 503 and a dropped connection, each classified and inside the contract', async () => {
    const wrongKey = new HttpLawFirmPartner({ config: { ...config, apiKey: 'not-the-key-0000' }, http });
    const denied = await adapterFailure(wrongKey.submit(submission()));
    expect(denied).toMatchObject({ code: 'LAWFIRM_ACCESS_DENIED', kind: 'config' });
    expect(everything(denied)).not.toContain('not-the-key-0000');

    expect(await adapterFailure(firm.status('fil_unknown'))).toMatchObject({
      code: 'LAWFIRM_FILE_NOT_FOUND',
      kind: 'system',
    });

    sim.controls.rateLimitNext(1, 7);
    expect(await adapterFailure(firm.events())).toMatchObject({
      code: 'LAWFIRM_RATE_LIMITED',
      kind: 'rate_limit',
      retryAfterMs: 7_000,
    });

    sim.controls.down(120);
    const down = await adapterFailure(firm.submit(submission()));
    expect(down).toMatchObject({ code: 'LAWFIRM_PARTNER_ERROR', kind: 'transient', retryAfterMs: 120_000 });
    sim.controls.up();

    // A request outside the contract on purpose: sent around the recorder, its answer checked alone.
    const raw = await axios.post<string>(`${sim.url}/v1/files`, 'dossier=1', {
      headers: { Authorization: `Bearer ${sim.apiKey}`, 'Content-Type': 'text/plain', 'Idempotency-Key': 'k-415' },
      validateStatus: () => true,
      responseType: 'text',
    });
    expect(raw.status).toBe(415);
    expect(contract.componentProblems('Error', JSON.parse(raw.data))).toEqual([]);

    const small = await new LawFirmSimulator({ maxDocumentBytes: 1_024 }).start();
    try {
      const client = new HttpLawFirmPartner({ config: { ...config, baseUrl: small.url, apiKey: small.apiKey }, http });
      const big = document('contract.pdf', 'contract', Buffer.alloc(4_096, 0x41));
      const tooLarge = await adapterFailure(
        client.submit(
          submission(
            (d) =>
              d.documents.push({
                ref: 'doc:contract',
                kind: 'contract',
                name: big.name,
                mediaType: big.mediaType,
                sha256: big.sha256,
              }),
            { documents: [INVOICE_1, INVOICE_2, FORMAL_NOTICE, big] },
          ),
        ),
      );
      expect(tooLarge).toMatchObject({ code: 'LAWFIRM_TOO_LARGE', kind: 'system' });
      expect(small.listFiles()).toHaveLength(0);
    } finally {
      await small.stop();
    }

    const request = submission();
    sim.controls.dropNext(1);
    const lost = await adapterFailure(firm.submit(request));
    expect(lost).toMatchObject({ code: 'LAWFIRM_ANSWER_LOST', kind: 'transient', outcomeUnknown: true });
    expect(lost.userMessage).toContain('same idempotency key is safe');
    expect(sim.listFiles()).toHaveLength(1);
    const resent = await firm.submit(request);
    expect(resent).toMatchObject({ replayed: true, fileId: sim.listFiles()[0]!.fileId });
    expect(sim.listFiles()).toHaveLength(1);
    expect(exchanges.map((x) => x.status)).toEqual(expect.arrayContaining([401, 404, 413, 429, 503]));
  });
});
