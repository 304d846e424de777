import { inspect } from 'node:util';
import axios, { AxiosError } from 'axios';
import nock from 'nock';
import { LawFirmHttpConfigSchema, type LawFirmHttpConfig } from '../../../adapters/lawfirm/config.schema';
import { HttpLawFirmPartner } from '../../../adapters/lawfirm/http-client';
import type { AdapterError } from '../../../connector/ports/adapter-error';
import { decideRetry } from '../../../connector/sync/retry-policy';
import { adapterFailure } from '../../helpers/failure';
import { document, INVOICE_1, submission } from './fixtures';

const BASE = 'https://partner.firm.test';
const KEY = 'lf_live_never-in-errors-0123456789';
const WEBHOOK_SECRET = 'whsec_never_in_errors_abcdef012345';
const config = (over: Record<string, unknown> = {}): LawFirmHttpConfig =>
  LawFirmHttpConfigSchema.parse({ baseUrl: `${BASE}/`, apiKey: KEY, webhookSecret: WEBHOOK_SECRET, ...over });
const client = (over: Record<string, unknown> = {}) => new HttpLawFirmPartner({ config: config(over) });
/** A network failure as axios reports it (nock's replyWithError does not reach axios reliably). */
const failing = (code: string, message: string) =>
  new HttpLawFirmPartner({
    config: config(),
    http: axios.create({ adapter: (c) => Promise.reject(new AxiosError(message, code, c)) }),
  });
const everything = (e: AdapterError) => `${e.message} ${e.userMessage} ${e.detail ?? ''} ${inspect(e, { depth: 10 })}`;
const firmError = (code: string, message: string, details?: { field?: string; message: string }[]) => ({
  error: { code, message, ...(details ? { details } : {}) },
});
const receipt = {
  fileId: 'fil_01',
  dossierId: 'dos-0001',
  status: 'received',
  reasons: [],
  replayed: false,
  receivedAt: '2026-04-01T08:00:00.000Z',
};
const payment = { id: 'pay-1', amount: 5_000, currency: 'EUR', receivedOn: '2026-04-02', settlesInFull: false };
const retry = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000, random: () => 0 };

describe('law-firm client (wire level)', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  // The interceptor stays in the worker process otherwise, and buffers the answers of the next test files' real servers.
  afterAll(() => {
    nock.enableNetConnect();
    nock.restore();
  });

  it('POSTs /v1/files with the bearer key, the Idempotency-Key, JSON, and exactly the contract body', async () => {
    const request = submission(undefined, { documents: [INVOICE_1], idempotencyKey: 'case-17/dossier-1' });
    let sent: unknown;
    const scope = nock(BASE)
      .post('/v1/files', (body: unknown) => ((sent = body), true))
      .matchHeader('authorization', `Bearer ${KEY}`)
      .matchHeader('idempotency-key', 'case-17/dossier-1')
      .matchHeader('content-type', 'application/json')
      .matchHeader('accept', 'application/json')
      .reply(201, receipt);
    expect(await client().submit(request)).toEqual({
      fileId: 'fil_01',
      status: 'received',
      reasons: [],
      replayed: false,
    });
    expect(scope.isDone()).toBe(true);
    expect(sent).toEqual({
      dossier: request.dossier,
      documents: [
        {
          name: INVOICE_1.name,
          kind: 'invoice',
          mediaType: 'application/pdf',
          sha256: INVOICE_1.sha256,
          contentBase64: INVOICE_1.content.toString('base64'),
        },
      ],
    });
  });

  it('a replay is read from the body or from the Idempotent-Replayed header', async () => {
    nock(BASE)
      .post('/v1/files')
      .reply(200, { ...receipt, replayed: true });
    expect(await client().submit(submission())).toMatchObject({ replayed: true });
    nock(BASE)
      .post('/v1/files')
      .reply(200, { ...receipt, replayed: false }, { 'Idempotent-Replayed': 'true' });
    expect(await client().submit(submission())).toMatchObject({ replayed: true });
  });

  it('documents, payments and withdrawals carry their own Idempotency-Key, and the file id escaped', async () => {
    const doc = document('avis de réception.pdf', 'proof_of_delivery');
    const scope = nock(BASE)
      .post('/v1/files/fil%2F01/documents', {
        documents: [
          {
            name: doc.name,
            kind: 'proof_of_delivery',
            mediaType: 'application/pdf',
            sha256: doc.sha256,
            contentBase64: doc.content.toString('base64'),
          },
        ],
      })
      .matchHeader('idempotency-key', 'k-docs')
      .matchHeader('content-type', 'application/json')
      .reply(201, { fileId: 'fil/01', documents: [{ name: doc.name, sha256: doc.sha256 }], replayed: false })
      .post('/v1/files/fil%2F01/payments', payment)
      .matchHeader('idempotency-key', 'k-pay')
      .matchHeader('authorization', `Bearer ${KEY}`)
      .reply(201, { fileId: 'fil/01', paymentId: 'pay-1', replayed: false })
      .post('/v1/files/fil%2F01/withdrawal', { reason: 'Accord amiable' })
      .matchHeader('idempotency-key', 'k-withdraw')
      .reply(201, { fileId: 'fil/01', state: 'withdrawn', replayed: false });
    const c = client();
    await c.addDocuments('fil/01', [doc], 'k-docs');
    await c.reportPayment('fil/01', payment, 'k-pay');
    await c.withdraw('fil/01', 'Accord amiable', 'k-withdraw');
    expect(scope.isDone()).toBe(true);
  });

  it('reads are GETs without Idempotency-Key or Content-Type; events ask for the configured page size after the cursor', async () => {
    const event = {
      id: 'evt_1',
      fileId: 'fil_01',
      dossierId: 'dos-0001',
      type: 'partial_recovery',
      occurredAt: '2026-06-01T09:00:00.000Z',
      label: 'Encaissement partiel',
      amount: { amount: 40_000, currency: 'EUR' },
      extra: 'ignored',
    };
    nock(BASE, { badheaders: ['idempotency-key', 'content-type'] })
      .get('/v1/events')
      .query({ limit: '25', after: 'cur_7' })
      .matchHeader('authorization', `Bearer ${KEY}`)
      .reply(200, {
        events: [event, { ...event, id: 'evt_2', type: 'claim_declared', amount: undefined }],
        next: 'cur_9',
        hasMore: false,
      })
      .get('/v1/files/fil_01')
      .reply(200, {
        fileId: 'fil_01',
        dossierId: 'dos-0001',
        state: 'served',
        updatedAt: '2026-05-01T09:00:00.000Z',
        recovered: { amount: 0, currency: 'EUR' },
      });
    const c = client({ eventsPageSize: 25 });
    expect(await c.events('cur_7')).toEqual({
      events: [
        {
          id: 'evt_1',
          fileId: 'fil_01',
          dossierId: 'dos-0001',
          type: 'partial_recovery',
          occurredAt: '2026-06-01T09:00:00.000Z',
          label: 'Encaissement partiel',
          amount: { amount: 40_000, currency: 'EUR' },
        },
        {
          id: 'evt_2',
          fileId: 'fil_01',
          dossierId: 'dos-0001',
          type: 'claim_declared',
          occurredAt: '2026-06-01T09:00:00.000Z',
          label: 'Encaissement partiel',
        },
      ],
      next: 'cur_9',
    });
    expect(await c.status('fil_01')).toEqual({
      fileId: 'fil_01',
      dossierId: 'dos-0001',
      state: 'served',
      updatedAt: '2026-05-01T09:00:00.000Z',
    });
  });

  it('the first events page is asked without a cursor', async () => {
    nock(BASE).get('/v1/events').query({ limit: '100' }).reply(200, { events: [], next: 'cur_0', hasMore: false });
    expect(await client().events()).toEqual({ events: [], next: 'cur_0' });
  });

  it('429 is a rate limit carrying Retry-After (seconds or a date), which the retry policy waits', async () => {
    nock(BASE).post('/v1/files').reply(429, firmError('rate_limited', 'slow down'), { 'Retry-After': '30' });
    const e = await adapterFailure(client().submit(submission()));
    expect(e).toMatchObject({ code: 'LAWFIRM_RATE_LIMITED', kind: 'rate_limit', retryAfterMs: 30_000 });
    expect(decideRetry(e, 1, true, retry)).toMatchObject({ retry: true, delayMs: 30_000 });
    const when = new Date(Date.now() + 120_000).toUTCString();
    nock(BASE).get('/v1/events').query(true).reply(429, '', { 'Retry-After': when });
    const d = await adapterFailure(client().events());
    expect(d.retryAfterMs).toBeGreaterThan(100_000);
    expect(d.retryAfterMs).toBeLessThanOrEqual(120_000);
  });

  it.each([500, 502, 503, 504])(
    'HTTP %i is transient, safe to retry even for a submission (the firm dedupes on the key)',
    async (status) => {
      nock(BASE).post('/v1/files').reply(status, '<html>Bad Gateway</html>');
      const e = await adapterFailure(client().submit(submission()));
      expect(e).toMatchObject({ code: 'LAWFIRM_PARTNER_ERROR', kind: 'transient', outcomeUnknown: false });
      expect(decideRetry(e, 1, true, retry)).toMatchObject({ retry: true });
    },
  );

  it('401 is an authentication failure: configuration, never retried, the key never written', async () => {
    nock(BASE)
      .post('/v1/files')
      .reply(401, firmError('unauthorized', `unknown key ${KEY}`));
    const e = await adapterFailure(client().submit(submission()));
    expect(e).toMatchObject({ code: 'LAWFIRM_ACCESS_DENIED', kind: 'config' });
    expect(e.userMessage).toContain('apiKey');
    expect(decideRetry(e, 1, true, retry)).toMatchObject({ retry: false });
    expect(everything(e)).not.toContain(KEY);
  });

  it("422 is a system error that carries every one of the firm's reasons", async () => {
    nock(BASE)
      .post('/v1/files')
      .reply(
        422,
        firmError('dossier_invalid', 'the dossier cannot be worked as sent (2 problems)', [
          { field: 'dossier.debtor.addresses', message: 'no address to serve the debtor' },
          { field: 'dossier.claim.total', message: '264151 is not principal + interest + indemnity (264150)' },
        ]),
      );
    const e = await adapterFailure(client().submit(submission()));
    expect(e).toMatchObject({ code: 'LAWFIRM_DOSSIER_INVALID', kind: 'system', outcomeUnknown: false });
    expect(e.userMessage).toContain('dossier.debtor.addresses: no address to serve the debtor');
    expect(e.userMessage).toContain('dossier.claim.total: 264151 is not principal + interest + indemnity (264150)');
    expect(decideRetry(e, 1, true, retry)).toMatchObject({ retry: false });
    nock(BASE)
      .post('/v1/files/fil_01/payments')
      .reply(
        422,
        firmError('payment_invalid', 'wrong currency', [{ field: 'currency', message: 'the claim is in EUR' }]),
      );
    expect(await adapterFailure(client().reportPayment('fil_01', payment, 'k'))).toMatchObject({
      code: 'LAWFIRM_UNPROCESSABLE',
      kind: 'system',
      userMessage: expect.stringContaining('currency: the claim is in EUR'),
    });
  });

  it.each([
    [400, 'LAWFIRM_REJECTED', 'system', firmError('invalid_request', 'bad body')],
    [403, 'LAWFIRM_FORBIDDEN', 'config', firmError('forbidden', 'no')],
    [404, 'LAWFIRM_ENDPOINT_NOT_FOUND', 'config', '<html>Not Found</html>'],
    [409, 'LAWFIRM_IDEMPOTENCY_CONFLICT', 'system', firmError('idempotency_conflict', 'key reused')],
    [
      409,
      'LAWFIRM_DOSSIER_ALREADY_SUBMITTED',
      'system',
      firmError('dossier_already_submitted', 'open', [{ field: 'dossier.id', message: 'open file fil_9' }]),
    ],
    [413, 'LAWFIRM_TOO_LARGE', 'system', firmError('document_too_large', 'limit')],
    [415, 'LAWFIRM_REJECTED', 'system', firmError('unsupported_media_type', 'json please')],
    [302, 'LAWFIRM_REDIRECTED', 'config', ''],
  ])('submit: HTTP %i → %s (%s)', async (status, code, kind, body) => {
    nock(BASE).post('/v1/files').reply(status, body);
    const e = await adapterFailure(client().submit(submission()));
    expect(e).toMatchObject({ code, kind, outcomeUnknown: false });
    expect(everything(e)).not.toContain(KEY);
  });

  it('404 file_not_found and 409 file_closed name the file and are not configuration errors', async () => {
    nock(BASE).get('/v1/files/fil_x').reply(404, firmError('file_not_found', 'no file fil_x'));
    expect(await adapterFailure(client().status('fil_x'))).toMatchObject({
      code: 'LAWFIRM_FILE_NOT_FOUND',
      kind: 'system',
      userMessage: expect.stringContaining('fil_x'),
    });
    nock(BASE).post('/v1/files/fil_x/withdrawal').reply(409, firmError('file_closed', 'recovered'));
    expect(await adapterFailure(client().withdraw('fil_x', 'x', 'k'))).toMatchObject({
      code: 'LAWFIRM_FILE_CLOSED',
      kind: 'system',
      userMessage: expect.stringContaining('fil_x'),
    });
  });

  it('an answer that is not JSON, or not the contract, is a clear error naming the operation; outcome unknown for a write', async () => {
    nock(BASE).post('/v1/files').reply(201, '<html>OK</html>');
    const notJson = await adapterFailure(client().submit(submission()));
    expect(notJson).toMatchObject({ code: 'LAWFIRM_BAD_RESPONSE', kind: 'system', outcomeUnknown: true });
    expect(notJson.userMessage).toMatch(
      /^lawfirm\.submit: the law firm's answer is not JSON; .*same idempotency key is safe/,
    );

    nock(BASE).post('/v1/files').reply(201, { fileId: 'fil_01', status: 'opened' });
    const offContract = await adapterFailure(client().submit(submission()));
    expect(offContract.userMessage).toMatch(
      /^lawfirm\.submit: the law firm's answer does not follow the contract \(dossierId: .*status: /,
    );

    nock(BASE)
      .post('/v1/files')
      .reply(201, { ...receipt, dossierId: 'someone-else' });
    expect((await adapterFailure(client().submit(submission()))).userMessage).toContain(
      'names dossier "someone-else" instead of "dos-0001"',
    );

    nock(BASE)
      .get('/v1/events')
      .query(true)
      .reply(200, { events: [{ id: 'evt_1', type: 'served' }], next: 'cur_1' });
    const events = await adapterFailure(client().events());
    expect(events).toMatchObject({ code: 'LAWFIRM_BAD_RESPONSE', outcomeUnknown: false });
    expect(events.userMessage).toMatch(/^lawfirm\.events: .*events\.0\.fileId/);

    nock(BASE).get('/v1/files/fil_01').reply(200, 'not json');
    expect((await adapterFailure(client().status('fil_01'))).userMessage).toMatch(
      /^lawfirm\.status: the law firm's answer is not JSON$/,
    );
  });

  it('a document read back must match its hash', async () => {
    nock(BASE)
      .get('/v1/files/fil_01/documents/ordonnance.pdf')
      .reply(200, {
        name: 'ordonnance.pdf',
        kind: 'court_order',
        mediaType: 'application/pdf',
        sha256: 'a'.repeat(64),
        contentBase64: Buffer.from('%PDF-1.4').toString('base64'),
      });
    expect((await adapterFailure(client().document('fil_01', 'ordonnance.pdf'))).userMessage).toContain(
      'does not match its sha256',
    );
  });

  it('a submission whose answer is lost is outcome-unknown, and says a resend with the same key is safe', async () => {
    const e = await adapterFailure(
      failing('ECONNRESET', `socket hang up (Authorization: Bearer ${KEY})`).submit(submission()),
    );
    expect(e).toMatchObject({ code: 'LAWFIRM_ANSWER_LOST', kind: 'transient', outcomeUnknown: true });
    expect(e.userMessage).toContain('same idempotency key is safe');
    expect(everything(e)).not.toContain(KEY);
    expect(decideRetry(e, 1, true)).toMatchObject({ retry: false });
    expect(await adapterFailure(failing('ECONNREFUSED', 'connect ECONNREFUSED').submit(submission()))).toMatchObject({
      code: 'LAWFIRM_UNREACHABLE',
      kind: 'transient',
      outcomeUnknown: false,
    });
    expect(await adapterFailure(failing('ECONNRESET', 'socket hang up').events())).toMatchObject({
      code: 'LAWFIRM_UNREACHABLE',
      outcomeUnknown: false,
    });
    expect(await adapterFailure(failing('ENOTFOUND', 'getaddrinfo ENOTFOUND').status('f'))).toMatchObject({
      code: 'LAWFIRM_HOST_NOT_FOUND',
      kind: 'config',
    });
    expect(
      await adapterFailure(failing('ECONNABORTED', 'timeout of 30000ms exceeded').withdraw('f', 'r', 'k')),
    ).toMatchObject({ code: 'LAWFIRM_ANSWER_LOST', outcomeUnknown: true });
  });

  it('no error ever carries the API key or the webhook secrets, even when the firm echoes them', async () => {
    const echo = `${KEY} ${WEBHOOK_SECRET}`;
    const cases: [number, unknown][] = [
      [400, firmError('invalid_request', echo)],
      [401, echo],
      [409, firmError('conflict', echo)],
      [422, firmError('dossier_invalid', echo, [{ field: 'x', message: echo }])],
      [429, firmError('rate_limited', echo)],
      [500, echo],
      [201, echo],
    ];
    for (const [status, body] of cases) {
      nock(BASE)
        .post('/v1/files')
        .reply(status, body as string);
      const e = await adapterFailure(client().submit(submission()));
      expect([status, everything(e).includes(KEY), everything(e).includes(WEBHOOK_SECRET)]).toEqual([
        status,
        false,
        false,
      ]);
    }
  });

  it('refuses before sending what the contract forbids, listing every problem, with no request made', async () => {
    const wrongHash = { ...INVOICE_1, sha256: 'b'.repeat(64) };
    const huge = document('huge.pdf', 'contract', Buffer.alloc(2_048, 1));
    const e = await adapterFailure(
      client({ maxDocumentBytes: 1_024 }).submit(
        submission(undefined, { documents: [wrongHash, huge, huge], idempotencyKey: 'has spaces' }),
      ),
    );
    expect(e).toMatchObject({ code: 'LAWFIRM_INVALID_REQUEST', kind: 'system' });
    expect(e.userMessage).toContain('idempotency key');
    expect(e.userMessage).toContain(`document "${INVOICE_1.name}": its sha256 does not match its content`);
    expect(e.userMessage).toContain('document "huge.pdf": 2048 bytes, more than `maxDocumentBytes` (1024)');
    expect(e.userMessage).toContain('document "huge.pdf": the name is used twice');
    expect(
      await adapterFailure(client().reportPayment('fil_01', { ...payment, amount: 12.5, currency: 'eur' }, 'k')),
    ).toMatchObject({ code: 'LAWFIRM_INVALID_REQUEST', userMessage: expect.stringMatching(/minor units.*ISO 4217/) });
    expect(await adapterFailure(client().addDocuments('fil_01', [], 'k'))).toMatchObject({
      code: 'LAWFIRM_INVALID_REQUEST',
    });
    expect(await adapterFailure(client().withdraw('fil_01', ' ', 'k'))).toMatchObject({
      code: 'LAWFIRM_INVALID_REQUEST',
    });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('configuration: every bad key listed at once; secrets must be long enough', () => {
    const parsed = LawFirmHttpConfigSchema.safeParse({
      baseUrl: 'ftp://x',
      apiKey: '',
      webhookSecret: 'short',
      timeoutMs: 10,
      eventsPageSize: 501,
      extra: 1,
    });
    expect(parsed.success).toBe(false);
    const paths = parsed.error!.issues.map((i) => i.path.join('.') || i.code);
    expect(paths).toEqual(
      expect.arrayContaining([
        'baseUrl',
        'apiKey',
        'webhookSecret',
        'timeoutMs',
        'eventsPageSize',
        'unrecognized_keys',
      ]),
    );
    expect(config()).toMatchObject({
      timeoutMs: 30_000,
      toleranceSeconds: 300,
      maxDocumentBytes: 10 * 1024 * 1024,
      eventsPageSize: 100,
      previousWebhookSecrets: [],
    });
  });
});
