import { inspect } from 'node:util';
import axios, { AxiosError } from 'axios';
import nock from 'nock';
import { PostalConfigSchema, type PostalConfig } from '../../../adapters/postal/config.schema';
import { HttpPostalProvider } from '../../../adapters/postal/http-client';
import type { LetterSendRequest } from '../../../connector/ports/postal';
import { textPdf } from '../../../adapters/postal/simulator/proof-pdf';
import type { AdapterError } from '../../../connector/ports/adapter-error';
import { decideRetry } from '../../../connector/sync/retry-policy';
import { adapterFailure } from '../../helpers/failure';

const BASE = 'https://mail.provider.test';
const KEY = 'pk_live_never-in-errors-9876543210';
const config = (over: Partial<PostalConfig> = {}): PostalConfig => ({
  ...PostalConfigSchema.parse({ baseUrl: `${BASE}/`, apiKey: KEY }),
  ...over,
});
const client = (over: Partial<PostalConfig> = {}) => new HttpPostalProvider({ config: config(over) });
const failing = (code: string, message: string) =>
  new HttpPostalProvider({
    config: config(),
    http: axios.create({ adapter: (c) => Promise.reject(new AxiosError(message, code, c)) }),
  });
const everything = (e: AdapterError) => `${e.message} ${e.userMessage} ${e.detail ?? ''} ${inspect(e, { depth: 10 })}`;

const pdf = textPdf('Mise en demeure', ['Mise en demeure de payer']);
const letter: LetterSendRequest = {
  kind: 'registered_letter',
  recipient: {
    name: 'SARL DUPONT BATIMENT',
    addressLines: ['12 RUE DES LILAS'],
    postalCode: '69003',
    city: 'LYON',
    country: 'FR',
  },
  sender: { name: 'ACME SAS', addressLines: ['1 PLACE BELLECOUR'], postalCode: '69002', city: 'LYON', country: 'FR' },
  pdf,
  idempotencyKey: 'case-17/formal-notice',
};
const accepted = {
  id: 'ltr_01',
  kind: 'registered_letter',
  status: 'accepted',
  trackingNumber: '1A12345678901',
  createdAt: '2026-03-02T09:00:00.000Z',
  events: [{ at: '2026-03-02T09:00:00.000Z', status: 'accepted', detail: 'Courrier accepté' }],
};
const providerError = (code: string, message: string, details?: { field: string; message: string }[]) => ({
  error: { code, message, ...(details ? { details } : {}) },
});

describe('postal client (wire level)', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  // The interceptor stays in the worker process otherwise, and buffers the answers of the next test files' real servers.
  afterAll(() => {
    nock.enableNetConnect();
    nock.restore();
  });

  it('POSTs /v1/letters as JSON with the PDF in base64, the bearer key and the Idempotency-Key', async () => {
    const body =
      '{"kind":"registered_letter",' +
      '"recipient":{"name":"SARL DUPONT BATIMENT","addressLines":["12 RUE DES LILAS"],"postalCode":"69003","city":"LYON","country":"FR"},' +
      '"sender":{"name":"ACME SAS","addressLines":["1 PLACE BELLECOUR"],"postalCode":"69002","city":"LYON","country":"FR"},' +
      `"pdf":"${pdf.toString('base64')}"}`;
    const scope = nock(BASE)
      .post('/v1/letters', body)
      .matchHeader('authorization', `Bearer ${KEY}`)
      .matchHeader('idempotency-key', 'case-17/formal-notice')
      .matchHeader('content-type', 'application/json')
      .matchHeader('accept', 'application/json')
      .reply(201, accepted);
    expect(await client().send({ ...letter, recipient: { ...letter.recipient, extra: 'dropped' } as never })).toEqual({
      providerId: 'ltr_01',
      trackingNumber: '1A12345678901',
      status: 'accepted',
    });
    expect(scope.isDone()).toBe(true);
  });

  it('a plain letter has no tracking number', async () => {
    nock(BASE)
      .post('/v1/letters')
      .reply(201, { ...accepted, kind: 'letter', trackingNumber: null });
    expect(await client().send({ ...letter, kind: 'letter' })).toEqual({ providerId: 'ltr_01', status: 'accepted' });
  });

  it('GETs /v1/letters/{id} and gives status, events oldest first and tracking number', async () => {
    const events = [
      { at: '2026-03-02T09:00:00.000Z', status: 'accepted', detail: 'Courrier accepté' },
      { at: '2026-03-03T09:00:00.000Z', status: 'posted', detail: 'Lettre recommandée déposée' },
      { at: '2026-03-05T09:00:00.000Z', status: 'delivered', detail: 'Pli distribué contre signature' },
    ];
    nock(BASE, { badheaders: ['idempotency-key'] })
      .get('/v1/letters/ltr%2F01')
      .matchHeader('authorization', `Bearer ${KEY}`)
      .reply(200, { ...accepted, status: 'delivered', events });
    expect(await client().status('ltr/01')).toEqual({ status: 'delivered', events, trackingNumber: '1A12345678901' });
  });

  it('GETs /v1/letters/{id}/proof and decodes the PDF; no proof yet is undefined', async () => {
    const proof = textPdf('AR', ['Avis de réception']);
    nock(BASE)
      .get('/v1/letters/ltr_01/proof')
      .matchHeader('authorization', `Bearer ${KEY}`)
      .reply(200, {
        kind: 'acknowledgement_of_receipt',
        at: '2026-03-05T09:00:00.000Z',
        contentType: 'application/pdf',
        pdf: proof.toString('base64'),
      });
    const got = await client().proof('ltr_01');
    expect(got).toEqual({ kind: 'acknowledgement_of_receipt', at: '2026-03-05T09:00:00.000Z', pdf: proof });
    nock(BASE).get('/v1/letters/ltr_02/proof').reply(404, providerError('proof_not_available', 'not posted yet'));
    expect(await client().proof('ltr_02')).toBeUndefined();
  });

  it('a proof that is not a PDF, or an unknown letter, is an error, not "no proof"', async () => {
    nock(BASE)
      .get('/v1/letters/ltr_01/proof')
      .reply(200, {
        kind: 'deposit_proof',
        at: '2026-03-03T09:00:00.000Z',
        contentType: 'application/pdf',
        pdf: Buffer.from('<html>').toString('base64'),
      });
    expect(await adapterFailure(client().proof('ltr_01'))).toMatchObject({
      code: 'POSTAL_BAD_RESPONSE',
      kind: 'system',
      outcomeUnknown: false,
    });
    nock(BASE).get('/v1/letters/ltr_x/proof').reply(404, providerError('letter_not_found', 'no letter ltr_x'));
    expect(await adapterFailure(client().proof('ltr_x'))).toMatchObject({
      code: 'POSTAL_LETTER_NOT_FOUND',
      kind: 'system',
    });
    nock(BASE).get('/v1/letters/ltr_x/proof').reply(404, '<html>nginx</html>');
    expect(await adapterFailure(client().proof('ltr_x'))).toMatchObject({
      code: 'POSTAL_ENDPOINT_NOT_FOUND',
      kind: 'config',
    });
  });

  it.each([
    [
      400,
      providerError('invalid_address', 'the address cannot be posted', [
        { field: 'recipient.postalCode', message: 'unknown postcode 69999' },
      ]),
      'POSTAL_INVALID_ADDRESS',
      'system',
      'recipient.postalCode: unknown postcode 69999',
    ],
    [
      400,
      providerError('invalid_document', 'the PDF is encrypted'),
      'POSTAL_INVALID_DOCUMENT',
      'system',
      'the PDF is encrypted',
    ],
    [413, '<html>Request Entity Too Large</html>', 'POSTAL_INVALID_DOCUMENT', 'system', 'HTTP 413'],
    [400, providerError('invalid_request', 'kind is unknown'), 'POSTAL_REJECTED', 'system', 'kind is unknown'],
    [401, providerError('unauthorized', 'unknown key'), 'POSTAL_ACCESS_DENIED', 'config', 'apiKey'],
    [403, providerError('forbidden', 'read-only key'), 'POSTAL_FORBIDDEN', 'config', 'right to send'],
    [404, '<html>Not Found</html>', 'POSTAL_ENDPOINT_NOT_FOUND', 'config', 'baseUrl'],
    [
      409,
      providerError('idempotency_conflict', 'key reused'),
      'POSTAL_IDEMPOTENCY_CONFLICT',
      'system',
      'case-17/formal-notice',
    ],
    [301, '', 'POSTAL_REDIRECTED', 'config', 'baseUrl'],
  ])('send: HTTP %i → %s', async (status, body, code, kind, says) => {
    nock(BASE).post('/v1/letters').reply(status, body);
    const e = await adapterFailure(client().send(letter));
    expect(e).toMatchObject({ code, kind, outcomeUnknown: false });
    expect(e.userMessage).toContain(says);
    expect(everything(e)).not.toContain(KEY);
  });

  it('5xx is transient and retried; 429 is a rate limit with Retry-After', async () => {
    nock(BASE).post('/v1/letters').reply(502, '<html>Bad Gateway</html>');
    const e = await adapterFailure(client().send(letter));
    expect(e).toMatchObject({ code: 'POSTAL_PROVIDER_ERROR', kind: 'transient', outcomeUnknown: false });
    expect(decideRetry(e, 1, true)).toMatchObject({ retry: true });
    nock(BASE).get('/v1/letters/ltr_01').reply(429, providerError('rate_limited', 'slow down'), { 'Retry-After': '3' });
    expect(await adapterFailure(client().status('ltr_01'))).toMatchObject({
      code: 'POSTAL_RATE_LIMITED',
      kind: 'rate_limit',
      retryAfterMs: 3_000,
    });
  });

  it('an upload whose answer is lost is outcome-unknown, and says a resend with the same key is safe', async () => {
    const e = await adapterFailure(failing('ECONNRESET', `socket hang up (Bearer ${KEY})`).send(letter));
    expect(e).toMatchObject({ code: 'POSTAL_ANSWER_LOST', kind: 'transient', outcomeUnknown: true });
    expect(e.userMessage).toContain('same idempotency key is safe');
    expect(everything(e)).not.toContain(KEY);
    expect(decideRetry(e, 1, true)).toMatchObject({ retry: false });
    expect(await adapterFailure(failing('ECONNREFUSED', 'connect ECONNREFUSED').send(letter))).toMatchObject({
      code: 'POSTAL_UNREACHABLE',
      outcomeUnknown: false,
    });
    expect(await adapterFailure(failing('ETIMEDOUT', 'timeout').status('ltr_01'))).toMatchObject({
      code: 'POSTAL_UNREACHABLE',
      outcomeUnknown: false,
    });
    expect(await adapterFailure(failing('ENOTFOUND', 'getaddrinfo ENOTFOUND').proof('ltr_01'))).toMatchObject({
      code: 'POSTAL_HOST_NOT_FOUND',
      kind: 'config',
    });
  });

  it('an accepted upload with an unreadable answer is outcome-unknown', async () => {
    nock(BASE).post('/v1/letters').reply(201, { id: 'ltr_01', status: 'stamped' });
    expect(await adapterFailure(client().send(letter))).toMatchObject({
      code: 'POSTAL_BAD_RESPONSE',
      outcomeUnknown: true,
    });
  });

  describe('refused before any request, every problem at once', () => {
    it.each([
      [
        'a 4-digit postcode and a 40-character line',
        { recipient: { ...letter.recipient, postalCode: '6900', addressLines: ['x'.repeat(40)] } },
        'POSTAL_INVALID_ADDRESS',
        ['recipient.postalCode "6900"', 'recipient.addressLines[0] has 40 characters'],
      ],
      [
        'a bad sender',
        { sender: { ...letter.sender, country: 'France' } },
        'POSTAL_INVALID_ADDRESS',
        ['sender.country "France"'],
      ],
      ['not a PDF', { pdf: Buffer.from('hello') }, 'POSTAL_INVALID_DOCUMENT', ['does not start with "%PDF-"']],
      [
        'a PDF above maxPdfBytes',
        { pdf: Buffer.concat([pdf, Buffer.alloc(2_000)]) },
        'POSTAL_INVALID_DOCUMENT',
        ['`maxPdfBytes` allows 2048', 'truncated'],
      ],
      [
        'an idempotency key with spaces',
        { idempotencyKey: 'case 17' },
        'POSTAL_INVALID_IDEMPOTENCY_KEY',
        ['printable ASCII'],
      ],
    ])('%s', async (_label, change, code, says) => {
      const e = await adapterFailure(client({ maxPdfBytes: 2_048 }).send({ ...letter, ...change }));
      expect(e).toMatchObject({ code, kind: 'system' });
      for (const s of says) expect(e.userMessage).toContain(s);
      expect(nock.pendingMocks()).toEqual([]);
    });
  });
});

describe('PostalConfigSchema', () => {
  it('documents its defaults and lists every bad key at once', () => {
    expect(PostalConfigSchema.parse({ baseUrl: 'https://mail.example.com', apiKey: 'k' })).toEqual({
      baseUrl: 'https://mail.example.com',
      apiKey: 'k',
      timeoutMs: 30_000,
      maxPdfBytes: 10 * 1024 * 1024,
    });
    const r = PostalConfigSchema.safeParse({
      baseUrl: 'mail.example.com',
      apiKey: '',
      timeoutMs: 5,
      maxPdfBytes: 1e12,
      color: true,
    });
    expect(r.error!.issues.map((i) => i.path.join('.')).sort()).toEqual([
      '',
      'apiKey',
      'baseUrl',
      'maxPdfBytes',
      'timeoutMs',
    ]);
  });
});
