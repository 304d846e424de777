import { inspect } from 'node:util';
import { createServer } from 'node:net';
import axios from 'axios';
import { SmsConfigSchema, type SmsConfig } from '../../../adapters/sms/config.schema';
import { HttpSmsProvider } from '../../../adapters/sms/http-client';
import { SmsSimulator } from '../../../adapters/sms/simulator/server';
import type { AdapterError } from '../../../connector/ports/adapter-error';
import { retryAsDecided } from '../../helpers/retry';
import { fixedClock } from '../../../connector/time/clock';
import { adapterFailure } from '../../helpers/failure';

const ALWAYS = {
  days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
  ranges: [{ from: '00:00', to: '24:00' }],
  publicHolidays: 'none',
};
const everything = (e: AdapterError) => `${e.message} ${e.userMessage} ${e.detail ?? ''} ${inspect(e, { depth: 10 })}`;

describe('SMS client against the simulator', () => {
  let sim: SmsSimulator;
  let config: SmsConfig;
  let sms: HttpSmsProvider;
  let n = 0;
  const key = () => `case-${++n}/sms`;
  const message = (over: Partial<{ to: string; text: string; senderId: string; idempotencyKey: string }> = {}) => ({
    to: '+33612345678',
    text: 'ACME : facture F-42 échue.',
    senderId: 'RECOUVRA',
    idempotencyKey: key(),
    ...over,
  });

  beforeEach(async () => {
    sim = await new SmsSimulator({ seed: 7, allowedSenders: ['RECOUVRA'] }).start();
    config = SmsConfigSchema.parse({
      baseUrl: sim.url,
      apiKey: sim.apiKey,
      senderId: 'RECOUVRA',
      timeoutMs: 2_000,
      contactWindow: ALWAYS,
    });
    sms = new HttpSmsProvider({ config, clock: fixedClock('2026-03-02T10:00:00Z') });
  });
  afterEach(() => sim.stop());

  it('sends, records the message, and moves it queued → sent → delivered on the simulator clock', async () => {
    const sent = await sms.send(message({ text: 'Vous êtes en retard' }));
    expect(sent).toEqual({ providerId: expect.stringMatching(/^msg_[0-9a-f]{20}$/), status: 'queued' });
    expect(sim.sent()).toEqual([
      expect.objectContaining({
        id: sent.providerId,
        to: '+33612345678',
        from: 'RECOUVRA',
        text: 'Vous êtes en retard',
        encoding: 'UCS-2',
        segments: 1,
        status: 'queued',
      }),
    ]);
    expect(await sms.status(sent.providerId)).toEqual({ status: 'queued', at: '2026-03-02T09:00:00.000Z' });
    sim.clock.advance(1_000);
    expect(await sms.status(sent.providerId)).toEqual({ status: 'sent', at: '2026-03-02T09:00:01.000Z' });
    sim.clock.advance(4_000);
    expect(await sms.status(sent.providerId)).toEqual({ status: 'delivered', at: '2026-03-02T09:00:05.000Z' });
    expect(sim.sent()[0]!.status).toBe('delivered');
  });

  it('a number the network cannot reach ends failed, with the reason', async () => {
    sim.controls.undeliverable.set('+33799999999', { code: 'unreachable', message: 'absent subscriber' });
    const { providerId } = await sms.send(message({ to: '+33799999999' }));
    sim.clock.advance(5_000);
    expect(await sms.status(providerId)).toEqual({
      status: 'failed',
      at: '2026-03-02T09:00:05.000Z',
      error: 'unreachable: absent subscriber',
    });
  });

  it('the same key and body twice is one message with one id', async () => {
    const m = message();
    const first = await sms.send(m);
    sim.clock.advance(60_000);
    const again = await sms.send(m);
    expect(again).toEqual(first);
    expect(sim.sent()).toHaveLength(1);
    expect(sim.controls.requests.filter((r) => r.method === 'POST').map((r) => r.idempotencyKey)).toEqual([
      m.idempotencyKey,
      m.idempotencyKey,
    ]);
  });

  it('replays the first answer byte for byte, marked Idempotent-Replayed, whatever the key order of the body', async () => {
    const headers = {
      Authorization: `Bearer ${sim.apiKey}`,
      'Content-Type': 'application/json',
      'Idempotency-Key': 'raw-1',
    };
    const a = await axios.post<string>(
      `${sim.url}/v1/messages`,
      '{"to":"+33612345678","from":"RECOUVRA","text":"Bonjour"}',
      { headers, responseType: 'text' },
    );
    const b = await axios.post<string>(
      `${sim.url}/v1/messages`,
      '{"text":"Bonjour","from":"RECOUVRA","to":"+33612345678"}',
      { headers, responseType: 'text' },
    );
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(a.headers['idempotent-replayed']).toBeUndefined();
    expect(b.headers['idempotent-replayed']).toBe('true');
    expect(b.data).toBe(a.data);
    expect(a.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(Object.keys(JSON.parse(a.data) as object)).toEqual([
      'id',
      'status',
      'to',
      'from',
      'segments',
      'encoding',
      'createdAt',
      'statusAt',
    ]);
    expect(sim.sent()).toHaveLength(1);
  });

  it('the same key with another text is a conflict, and nothing more is sent', async () => {
    const m = message();
    await sms.send(m);
    const e = await adapterFailure(sms.send({ ...m, text: 'Autre texte' }));
    expect(e).toMatchObject({ code: 'SMS_IDEMPOTENCY_CONFLICT', kind: 'system', outcomeUnknown: false });
    expect(sim.sent()).toHaveLength(1);
  });

  it('a refused request does not bind its key: the corrected message can use it', async () => {
    const headers = {
      Authorization: `Bearer ${sim.apiKey}`,
      'Content-Type': 'application/json',
      'Idempotency-Key': 'fix-me',
    };
    const bad = await axios.post(
      `${sim.url}/v1/messages`,
      { to: '0612345678', from: 'RECOUVRA', text: 'x' },
      { headers, validateStatus: () => true },
    );
    expect(bad.status).toBe(400);
    expect(bad.data).toEqual({
      error: { code: 'invalid_number', message: expect.stringContaining('E.164'), field: 'to' },
    });
    expect((await sms.send(message({ idempotencyKey: 'fix-me' }))).status).toBe('queued');
    expect(sim.sent()).toHaveLength(1);
  });

  it('requires the Idempotency-Key and JSON', async () => {
    const auth = { Authorization: `Bearer ${sim.apiKey}` };
    const noKey = await axios.post<{ error: { code: string } }>(
      `${sim.url}/v1/messages`,
      { to: '+33612345678', from: 'RECOUVRA', text: 'x' },
      { headers: auth, validateStatus: () => true },
    );
    expect([noKey.status, noKey.data.error.code]).toEqual([400, 'idempotency_key_required']);
    const form = await axios.post(`${sim.url}/v1/messages`, 'to=1', {
      headers: { ...auth, 'Content-Type': 'application/x-www-form-urlencoded', 'Idempotency-Key': 'k' },
      validateStatus: () => true,
    });
    expect(form.status).toBe(415);
    expect(sim.sent()).toHaveLength(0);
  });

  it('a wrong API key is a configuration error that never shows the key', async () => {
    const wrong = new HttpSmsProvider({
      config: { ...config, apiKey: 'sk_wrong_0123456789' },
      clock: fixedClock('2026-03-02T10:00:00Z'),
    });
    const e = await adapterFailure(wrong.send(message()));
    expect(e).toMatchObject({ code: 'SMS_ACCESS_DENIED', kind: 'config' });
    expect(everything(e)).not.toContain('sk_wrong_0123456789');
    expect(sim.sent()).toHaveLength(0);
  });

  it('an unregistered sender is a configuration error naming the fix', async () => {
    const e = await adapterFailure(sms.send(message({ senderId: 'OTHERCO' })));
    expect(e).toMatchObject({ code: 'SMS_SENDER_NOT_ALLOWED', kind: 'config' });
    expect(e.userMessage).toContain('OTHERCO');
  });

  it('an unknown message id', async () => {
    expect(await adapterFailure(sms.status('msg_nope'))).toMatchObject({
      code: 'SMS_MESSAGE_NOT_FOUND',
      kind: 'system',
    });
  });

  it('429 carries Retry-After; 5xx is transient and, retried by the one policy, sends exactly once', async () => {
    sim.controls.rateLimitNext(1, 7);
    expect(await adapterFailure(sms.send(message()))).toMatchObject({
      code: 'SMS_RATE_LIMITED',
      kind: 'rate_limit',
      retryAfterMs: 7_000,
    });
    sim.controls.failNext(2, 503);
    const m = message();
    const delays: number[] = [];
    const result = await retryAsDecided(() => sms.send(m), {
      isWrite: true,
      retry: { maxAttempts: 5, baseDelayMs: 10, maxDelayMs: 100, random: () => 0.5 },
      sleep: async (ms) => void delays.push(ms),
    });
    expect(result.status).toBe('queued');
    expect(delays).toEqual([5, 10]);
    expect(sim.sent()).toHaveLength(1);
  });

  it('a lost answer is outcome-unknown; the resend with the same key gets the same message, not a second SMS', async () => {
    sim.controls.dropNext();
    const m = message();
    const e = await adapterFailure(sms.send(m));
    expect(e).toMatchObject({ code: 'SMS_ANSWER_LOST', kind: 'transient', outcomeUnknown: true });
    expect(e.userMessage).toContain('same idempotency key is safe');
    expect(sim.sent()).toHaveLength(1);
    const again = await sms.send(m);
    expect(again.providerId).toBe(sim.sent()[0]!.id);
    expect(sim.sent()).toHaveLength(1);
  });

  it('a timeout while the provider is slow is a lost answer too, and the resend does not duplicate', async () => {
    const impatient = new HttpSmsProvider({
      config: { ...config, timeoutMs: 100 },
      clock: fixedClock('2026-03-02T10:00:00Z'),
    });
    sim.controls.latencyMs = 300;
    const m = message();
    expect(await adapterFailure(impatient.send(m))).toMatchObject({ code: 'SMS_ANSWER_LOST', outcomeUnknown: true });
    sim.controls.latencyMs = 0;
    const again = await impatient.send(m);
    await new Promise((r) => setTimeout(r, 400));
    expect(sim.sent()).toEqual([expect.objectContaining({ id: again.providerId, idempotencyKey: m.idempotencyKey })]);
  });

  it('a closed port is unreachable and nothing was sent', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const closed = new HttpSmsProvider({
      config: { ...config, baseUrl: `http://127.0.0.1:${port}` },
      clock: fixedClock('2026-03-02T10:00:00Z'),
    });
    expect(await adapterFailure(closed.send(message()))).toMatchObject({
      code: 'SMS_UNREACHABLE',
      outcomeUnknown: false,
    });
  });

  it('ids are reproducible from the seed', async () => {
    const other = await new SmsSimulator({ seed: 7 }).start();
    try {
      const twin = new HttpSmsProvider({
        config: { ...config, baseUrl: other.url, apiKey: other.apiKey },
        clock: fixedClock('2026-03-02T10:00:00Z'),
      });
      expect((await twin.send(message())).providerId).toBe((await sms.send(message())).providerId);
    } finally {
      await other.stop();
    }
  });
});
