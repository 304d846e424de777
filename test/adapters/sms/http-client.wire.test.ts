import { inspect } from 'node:util';
import axios, { AxiosError } from 'axios';
import nock from 'nock';
import { SmsConfigSchema, type SmsConfig } from '../../../adapters/sms/config.schema';
import { HttpSmsProvider } from '../../../adapters/sms/http-client';
import type { AdapterError } from '../../../connector/ports/adapter-error';
import { decideRetry } from '../../../connector/sync/retry-policy';
import { fixedClock } from '../../../connector/time/clock';
import { adapterFailure } from '../../helpers/failure';

const BASE = 'https://sms.provider.test';
const KEY = 'sk_live_never-in-errors-0123456789';
const NUMBER = '+33612345678';
const ALWAYS = {
  days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
  ranges: [{ from: '00:00', to: '24:00' }],
  publicHolidays: 'none',
};
const config = (over: Record<string, unknown> = {}): SmsConfig =>
  SmsConfigSchema.parse({ baseUrl: `${BASE}/`, apiKey: KEY, senderId: 'RECOUVRA', contactWindow: ALWAYS, ...over });
const client = (over: Record<string, unknown> = {}, at = '2026-03-02T10:00:00Z') =>
  new HttpSmsProvider({ config: config(over), clock: fixedClock(at) });
/** A network failure as axios reports it (nock's replyWithError does not reach axios reliably). */
const failing = (code: string, message: string, at = '2026-03-02T10:00:00Z') =>
  new HttpSmsProvider({
    config: config(),
    clock: fixedClock(at),
    http: axios.create({ adapter: (c) => Promise.reject(new AxiosError(message, code, c)) }),
  });
const request = {
  to: NUMBER,
  text: 'ACME : facture F-42 échue. Merci de régler.',
  senderId: 'RECOUVRA',
  idempotencyKey: 'case-17/step-2',
};
const everything = (e: AdapterError) => `${e.message} ${e.userMessage} ${e.detail ?? ''} ${inspect(e, { depth: 10 })}`;
const created = {
  id: 'msg_01',
  status: 'queued',
  to: NUMBER,
  from: 'RECOUVRA',
  segments: 1,
  encoding: 'GSM-7',
  createdAt: '2026-03-02T10:00:00.000Z',
  statusAt: '2026-03-02T10:00:00.000Z',
};
const providerError = (code: string, message: string) => ({ error: { code, message } });

describe('SMS client (wire level)', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  // The interceptor stays in the worker process otherwise, and buffers the answers of the next test files' real servers.
  afterAll(() => {
    nock.enableNetConnect();
    nock.restore();
  });

  it('POSTs /v1/messages with the bearer key, the Idempotency-Key and exactly the contract body', async () => {
    const scope = nock(BASE)
      .post(
        '/v1/messages',
        '{"to":"+33612345678","from":"RECOUVRA","text":"ACME : facture F-42 échue. Merci de régler."}',
      )
      .matchHeader('authorization', `Bearer ${KEY}`)
      .matchHeader('idempotency-key', 'case-17/step-2')
      .matchHeader('content-type', 'application/json')
      .matchHeader('accept', 'application/json')
      .reply(201, created);
    expect(await client().send(request)).toEqual({ providerId: 'msg_01', status: 'queued' });
    expect(scope.isDone()).toBe(true);
  });

  it('takes a replayed answer (200) like a first one', async () => {
    nock(BASE)
      .post('/v1/messages')
      .reply(200, { ...created, status: 'sent' }, { 'Idempotent-Replayed': 'true' });
    expect(await client().send(request)).toEqual({ providerId: 'msg_01', status: 'sent' });
  });

  it('GETs /v1/messages/{id} with the id escaped, and maps status, time and failure', async () => {
    nock(BASE, { badheaders: ['idempotency-key', 'content-type'] })
      .get('/v1/messages/msg%2F7')
      .matchHeader('authorization', `Bearer ${KEY}`)
      .reply(200, { ...created, id: 'msg/7', status: 'delivered', statusAt: '2026-03-02T10:00:05.000Z' });
    expect(await client().status('msg/7')).toEqual({ status: 'delivered', at: '2026-03-02T10:00:05.000Z' });
    nock(BASE)
      .get('/v1/messages/msg_02')
      .reply(200, {
        ...created,
        id: 'msg_02',
        status: 'failed',
        statusAt: '2026-03-02T10:00:05.000Z',
        error: { code: 'unreachable', message: 'handset off for 48 h' },
      });
    expect(await client().status('msg_02')).toEqual({
      status: 'failed',
      at: '2026-03-02T10:00:05.000Z',
      error: 'unreachable: handset off for 48 h',
    });
  });

  it.each([
    [
      400,
      providerError('invalid_number', `"to" is not a valid number: ${NUMBER}`),
      'SMS_INVALID_NUMBER',
      'system',
      '+336******78',
    ],
    [400, providerError('invalid_sender', 'sender too long'), 'SMS_INVALID_SENDER', 'config', 'senderId'],
    [400, providerError('text_too_long', 'too many parts'), 'SMS_REJECTED', 'system', 'too many parts'],
    [401, providerError('unauthorized', 'unknown key'), 'SMS_ACCESS_DENIED', 'config', 'apiKey'],
    [
      403,
      providerError('sender_not_allowed', 'sender "RECOUVRA" is not registered'),
      'SMS_SENDER_NOT_ALLOWED',
      'config',
      'register it',
    ],
    [403, '<html>Forbidden</html>', 'SMS_FORBIDDEN', 'config', 'right to send'],
    [404, '<html>Not Found</html>', 'SMS_ENDPOINT_NOT_FOUND', 'config', 'baseUrl'],
    [409, providerError('idempotency_conflict', 'key reused'), 'SMS_IDEMPOTENCY_CONFLICT', 'system', 'case-17/step-2'],
    [302, '', 'SMS_REDIRECTED', 'config', 'baseUrl'],
  ])('send: HTTP %i → %s', async (status, body, code, kind, says) => {
    nock(BASE).post('/v1/messages').reply(status, body);
    const e = await adapterFailure(client().send(request));
    expect(e).toMatchObject({ code, kind, outcomeUnknown: false });
    expect(e.userMessage).toContain(says);
    expect(everything(e)).not.toContain(KEY);
  });

  it('names the refused number masked only, in every text of the error', async () => {
    nock(BASE).post('/v1/messages').reply(400, providerError('invalid_number', 'not attributed'));
    const e = await adapterFailure(client().send(request));
    expect(e.userMessage).toContain('+336******78');
    expect(everything(e)).not.toContain(NUMBER);
  });

  it.each([500, 502, 503])(
    'HTTP %i is transient, safe to retry because the provider dedupes on the key',
    async (status) => {
      nock(BASE).post('/v1/messages').reply(status, '<html>Bad Gateway</html>');
      const e = await adapterFailure(client().send(request));
      expect(e).toMatchObject({ code: 'SMS_PROVIDER_ERROR', kind: 'transient', outcomeUnknown: false });
      expect(
        decideRetry(e, 1, true, { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000, random: () => 0.5 }),
      ).toMatchObject({ retry: true });
    },
  );

  it('429 is a rate limit carrying Retry-After in seconds or as a date', async () => {
    nock(BASE).post('/v1/messages').reply(429, providerError('rate_limited', 'slow down'), { 'Retry-After': '30' });
    const e = await adapterFailure(client().send(request));
    expect(e).toMatchObject({ code: 'SMS_RATE_LIMITED', kind: 'rate_limit', retryAfterMs: 30_000 });
    expect(
      decideRetry(e, 1, true, { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000, random: () => 0 }),
    ).toMatchObject({ retry: true, delayMs: 30_000 });
    const when = new Date(Date.now() + 120_000).toUTCString();
    nock(BASE).get('/v1/messages/msg_01').reply(429, '', { 'Retry-After': when });
    const d = await adapterFailure(client().status('msg_01'));
    expect(d.retryAfterMs).toBeGreaterThan(100_000);
    expect(d.retryAfterMs).toBeLessThanOrEqual(120_000);
  });

  it('404 message_not_found on a status read names the message, it is not a configuration error', async () => {
    nock(BASE).get('/v1/messages/msg_x').reply(404, providerError('message_not_found', 'no message msg_x'));
    expect(await adapterFailure(client().status('msg_x'))).toMatchObject({
      code: 'SMS_MESSAGE_NOT_FOUND',
      kind: 'system',
    });
  });

  it('a send whose answer is lost is outcome-unknown, and says a resend with the same key is safe', async () => {
    const e = await adapterFailure(
      failing('ECONNRESET', `socket hang up (Authorization: Bearer ${KEY})`).send(request),
    );
    expect(e).toMatchObject({ code: 'SMS_ANSWER_LOST', kind: 'transient', outcomeUnknown: true });
    expect(e.userMessage).toContain('same idempotency key is safe');
    expect(e.userMessage).toContain('+336******78');
    expect(everything(e)).not.toContain(KEY);
    expect(decideRetry(e, 1, true)).toMatchObject({ retry: false });
  });

  it('a refused connection sent nothing; a lost read is plainly transient; an unknown host is configuration', async () => {
    expect(await adapterFailure(failing('ECONNREFUSED', 'connect ECONNREFUSED').send(request))).toMatchObject({
      code: 'SMS_UNREACHABLE',
      kind: 'transient',
      outcomeUnknown: false,
    });
    expect(await adapterFailure(failing('ECONNRESET', 'socket hang up').status('msg_01'))).toMatchObject({
      code: 'SMS_UNREACHABLE',
      kind: 'transient',
      outcomeUnknown: false,
    });
    expect(await adapterFailure(failing('ENOTFOUND', 'getaddrinfo ENOTFOUND').send(request))).toMatchObject({
      code: 'SMS_HOST_NOT_FOUND',
      kind: 'config',
    });
    expect(await adapterFailure(failing('ECONNABORTED', 'timeout of 10000ms exceeded').send(request))).toMatchObject({
      code: 'SMS_ANSWER_LOST',
      outcomeUnknown: true,
    });
  });

  it('an accepted send with an unreadable answer is outcome-unknown', async () => {
    nock(BASE).post('/v1/messages').reply(201, '<html>OK</html>');
    expect(await adapterFailure(client().send(request))).toMatchObject({
      code: 'SMS_BAD_RESPONSE',
      kind: 'system',
      outcomeUnknown: true,
    });
    nock(BASE).post('/v1/messages').reply(201, { id: 'msg_01', status: 'delivered' });
    expect(await adapterFailure(client().send(request))).toMatchObject({
      code: 'SMS_BAD_RESPONSE',
      outcomeUnknown: true,
    });
    nock(BASE).get('/v1/messages/msg_01').reply(200, { id: 'msg_01', status: 'lost' });
    expect(await adapterFailure(client().status('msg_01'))).toMatchObject({
      code: 'SMS_BAD_RESPONSE',
      outcomeUnknown: false,
    });
  });

  describe('refused before any request', () => {
    it.each([
      ['a national number', { to: '0612345678' }, 'SMS_INVALID_NUMBER', 'system', '0612****78'],
      ['a sender of 12 characters', { senderId: 'RECOUVRA2026' }, 'SMS_INVALID_SENDER', 'config', 'at most 11'],
      ['an empty text', { text: '' }, 'SMS_EMPTY_TEXT', 'system', 'empty'],
      ['a text of 4 GSM-7 parts', { text: 'a'.repeat(153 * 3 + 1) }, 'SMS_TEXT_TOO_LONG', 'system', '4 parts'],
      [
        'a UCS-2 text of 4 parts',
        { text: `ê${'a'.repeat(67 * 3)}` },
        'SMS_TEXT_TOO_LONG',
        'system',
        'UCS-2, 67 characters a part, because of "ê"',
      ],
      ['a key with a space', { idempotencyKey: 'case 17' }, 'SMS_INVALID_IDEMPOTENCY_KEY', 'system', 'printable ASCII'],
    ])('%s', async (_label, change, code, kind, says) => {
      const e = await adapterFailure(client().send({ ...request, ...change }));
      expect(e).toMatchObject({ code, kind });
      expect(e.userMessage).toContain(says);
      expect(nock.pendingMocks()).toEqual([]);
    });

    it('outside the contact window: wait until it opens, as a rate limit that burns no attempt', async () => {
      // Saturday 7 March 2026, 15:00 Paris; the default window opens Monday 10:00 (09:00 UTC).
      const sms = new HttpSmsProvider({
        config: SmsConfigSchema.parse({ baseUrl: BASE, apiKey: KEY, senderId: 'RECOUVRA' }),
        clock: fixedClock('2026-03-07T14:00:00Z'),
      });
      const e = await adapterFailure(sms.send(request));
      expect(e).toMatchObject({
        code: 'SMS_OUTSIDE_CONTACT_WINDOW',
        kind: 'rate_limit',
        retryAfterMs: (43 * 60 + 0) * 60_000,
      });
      expect(e.userMessage).toContain('next opening 2026-03-09T09:00:00.000Z');
    });

    it('a window that never opens is a configuration error, not an endless wait', async () => {
      const never = { ...config(), contactWindow: { ...config().contactWindow, days: [] } };
      expect(
        await adapterFailure(
          new HttpSmsProvider({ config: never, clock: fixedClock('2026-03-02T10:00:00Z') }).send(request),
        ),
      ).toMatchObject({ code: 'SMS_CONTACT_WINDOW_NEVER_OPENS', kind: 'config' });
    });

    it('inside the window the same send goes out', async () => {
      const scope = nock(BASE).post('/v1/messages').reply(201, created);
      const sms = new HttpSmsProvider({
        config: SmsConfigSchema.parse({ baseUrl: BASE, apiKey: KEY, senderId: 'RECOUVRA' }),
        clock: fixedClock('2026-03-09T09:00:00Z'),
      });
      await sms.send(request);
      expect(scope.isDone()).toBe(true);
    });
  });
});
