import { createHmac } from 'node:crypto';
import {
  DEFAULT_TOLERANCE_SECONDS,
  signWebhook,
  verifyWebhook,
  webhookHeaders,
  type VerifyWebhookInput,
} from '../../../adapters/lawfirm/webhook-signature';
import { parseWebhookPayload } from '../../../mappings/lawfirm/wire.schema';

const SECRET = 'whsec_current_0123456789abcdef';
const OLD_SECRET = 'whsec_previous_fedcba9876543210';
const NOW = Date.parse('2026-04-02T10:00:00Z');
const TS = NOW / 1000;
const BODY =
  '{"events":[{"id":"evt_1","fileId":"fil_1","dossierId":"dos-0001","type":"accepted","occurredAt":"2026-04-02T09:00:00.000Z"}]}';

const signed = (
  over: Partial<VerifyWebhookInput> & { headers?: VerifyWebhookInput['headers'] } = {},
): VerifyWebhookInput => ({
  secret: SECRET,
  headers: { 'recouvra-timestamp': String(TS), 'recouvra-signature': signWebhook(SECRET, TS, BODY) },
  rawBody: Buffer.from(BODY),
  now: NOW,
  ...over,
});

describe('webhook signature', () => {
  it('signs v1=<hex HMAC-SHA256(secret, timestamp + "." + rawBody)>, as the contract spells it', () => {
    const expected = createHmac('sha256', SECRET).update(`${TS}.${BODY}`).digest('hex');
    expect(signWebhook(SECRET, TS, BODY)).toBe(`v1=${expected}`);
    expect(signWebhook(SECRET, TS, Buffer.from(BODY))).toBe(`v1=${expected}`);
    expect(webhookHeaders(SECRET, TS, BODY)).toEqual({
      'Recouvra-Timestamp': String(TS),
      'Recouvra-Signature': `v1=${expected}`,
    });
  });

  it('accepts a correctly signed request, whatever the header casing', () => {
    expect(verifyWebhook(signed())).toEqual({ ok: true, timestamp: TS, secretIndex: 0 });
    expect(verifyWebhook(signed({ headers: webhookHeaders(SECRET, TS, BODY) }))).toMatchObject({ ok: true });
    expect(verifyWebhook(signed({ rawBody: BODY, now: new Date(NOW) }))).toMatchObject({ ok: true });
  });

  it.each<[string, VerifyWebhookInput['headers'], string]>([
    ['no signature header', { 'recouvra-timestamp': String(TS) }, 'missing_signature'],
    ['an empty signature header', { 'recouvra-timestamp': String(TS), 'recouvra-signature': '' }, 'missing_signature'],
    ['no headers at all', {}, 'missing_signature'],
    ['a signature without a timestamp', { 'recouvra-signature': signWebhook(SECRET, TS, BODY) }, 'malformed_signature'],
    [
      'a timestamp that is not unix seconds',
      { 'recouvra-timestamp': '2026-04-02T10:00:00Z', 'recouvra-signature': signWebhook(SECRET, TS, BODY) },
      'malformed_signature',
    ],
    [
      'a signature that is not hex',
      { 'recouvra-timestamp': String(TS), 'recouvra-signature': 'v1=xyz' },
      'malformed_signature',
    ],
    [
      'a bare hex digest without its scheme',
      { 'recouvra-timestamp': String(TS), 'recouvra-signature': signWebhook(SECRET, TS, BODY).slice(3) },
      'malformed_signature',
    ],
    [
      'only an unknown scheme',
      { 'recouvra-timestamp': String(TS), 'recouvra-signature': `v0=${'a'.repeat(64)}` },
      'malformed_signature',
    ],
    [
      'a truncated signature',
      { 'recouvra-timestamp': String(TS), 'recouvra-signature': signWebhook(SECRET, TS, BODY).slice(0, 40) },
      'malformed_signature',
    ],
    [
      'a wrong signature',
      { 'recouvra-timestamp': String(TS), 'recouvra-signature': `v1=${'0'.repeat(64)}` },
      'bad_signature',
    ],
    [
      'a signature of another timestamp',
      { 'recouvra-timestamp': String(TS), 'recouvra-signature': signWebhook(SECRET, TS - 1, BODY) },
      'bad_signature',
    ],
  ])('refuses %s', (_what, headers, reason) => {
    const result = verifyWebhook(signed({ headers }));
    expect(result).toMatchObject({ ok: false, reason });
  });

  it('refuses a request signed with another secret', () => {
    const headers = webhookHeaders('whsec_someone_else_000000000000', TS, BODY);
    expect(verifyWebhook(signed({ headers }))).toMatchObject({ ok: false, reason: 'bad_signature' });
  });

  it('refuses a body altered by one byte', () => {
    const altered = Buffer.from(BODY);
    altered[altered.indexOf('accepted')] = 'A'.charCodeAt(0);
    expect(verifyWebhook(signed({ rawBody: altered }))).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(verifyWebhook(signed({ rawBody: `${BODY} ` }))).toMatchObject({ ok: false, reason: 'bad_signature' });
    // Re-serialised JSON is another body: receivers must verify the raw bytes.
    expect(verifyWebhook(signed({ rawBody: JSON.stringify(JSON.parse(BODY), null, 1) }))).toMatchObject({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('refuses a request older than the tolerance (300 s by default), and accepts one just within', () => {
    const at = (ts: number) => signed({ headers: webhookHeaders(SECRET, ts, BODY) });
    expect(DEFAULT_TOLERANCE_SECONDS).toBe(300);
    expect(verifyWebhook(at(TS - 300))).toMatchObject({ ok: true });
    expect(verifyWebhook(at(TS - 301))).toMatchObject({ ok: false, reason: 'stale' });
    expect(verifyWebhook({ ...at(TS - 301), toleranceSeconds: 600 })).toMatchObject({ ok: true });
    expect(verifyWebhook({ ...at(TS - 31), toleranceSeconds: 30 })).toMatchObject({ ok: false, reason: 'stale' });
  });

  it('refuses a request from further in the future than the tolerance', () => {
    expect(verifyWebhook(signed({ headers: webhookHeaders(SECRET, TS + 300, BODY) }))).toMatchObject({ ok: true });
    expect(verifyWebhook(signed({ headers: webhookHeaders(SECRET, TS + 301, BODY) }))).toMatchObject({
      ok: false,
      reason: 'future',
    });
  });

  it('says "bad_signature", not "stale", for an old request with a wrong signature: the timestamp is only trusted once signed', () => {
    expect(
      verifyWebhook(
        signed({ headers: { 'recouvra-timestamp': String(TS - 3600), 'recouvra-signature': `v1=${'1'.repeat(64)}` } }),
      ),
    ).toMatchObject({ reason: 'bad_signature' });
  });

  describe('rotation', () => {
    it('accepts a request signed with any configured secret, and says which', () => {
      const both = [SECRET, OLD_SECRET];
      expect(
        verifyWebhook({ secrets: both, headers: webhookHeaders(OLD_SECRET, TS, BODY), rawBody: BODY, now: NOW }),
      ).toEqual({ ok: true, timestamp: TS, secretIndex: 1 });
      expect(
        verifyWebhook({ secrets: both, headers: webhookHeaders(SECRET, TS, BODY), rawBody: BODY, now: NOW }),
      ).toEqual({ ok: true, timestamp: TS, secretIndex: 0 });
    });

    it('accepts a request carrying several signatures when one matches (the sender rotating)', () => {
      const both = webhookHeaders([OLD_SECRET, SECRET], TS, BODY);
      expect(both['Recouvra-Signature']).toMatch(/^v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
      expect(verifyWebhook(signed({ headers: both }))).toMatchObject({ ok: true });
      expect(verifyWebhook({ secrets: [OLD_SECRET], headers: both, rawBody: BODY, now: NOW })).toMatchObject({
        ok: true,
      });
      expect(
        verifyWebhook({ secrets: ['whsec_neither_of_them_0000000'], headers: both, rawBody: BODY, now: NOW }),
      ).toMatchObject({ ok: false, reason: 'bad_signature' });
    });

    it('a retired secret is refused once removed from the list', () => {
      const headers = webhookHeaders(OLD_SECRET, TS, BODY);
      expect(verifyWebhook({ secrets: [SECRET], headers, rawBody: BODY, now: NOW })).toMatchObject({
        ok: false,
        reason: 'bad_signature',
      });
    });

    it('a header repeated by a proxy (array) is one comma-separated list', () => {
      const headers = {
        'recouvra-timestamp': String(TS),
        'recouvra-signature': [signWebhook(OLD_SECRET, TS, BODY), signWebhook(SECRET, TS, BODY)],
      };
      expect(verifyWebhook({ secret: SECRET, headers, rawBody: BODY, now: NOW })).toMatchObject({ ok: true });
    });
  });

  it('never puts a secret or the expected signature in its message', () => {
    const wrong = verifyWebhook(
      signed({ headers: { 'recouvra-timestamp': String(TS), 'recouvra-signature': `v1=${'0'.repeat(64)}` } }),
    );
    const expected = signWebhook(SECRET, TS, BODY).slice(3);
    expect(wrong.ok).toBe(false);
    const message = wrong.ok ? '' : wrong.message;
    expect(message).not.toContain(SECRET);
    expect(message).not.toContain(expected);
  });

  it('refuses to work without a secret', () => {
    expect(() => verifyWebhook({ ...signed(), secret: '' })).toThrow(/secret/);
    expect(() => verifyWebhook({ secrets: [], headers: {}, rawBody: '', now: NOW })).toThrow(/secret/);
    expect(() => signWebhook('', TS, BODY)).toThrow(/secret/);
  });
});

describe('webhook payload', () => {
  it('gives the events of a verified body, unknown words kept, unknown fields dropped', () => {
    const body = JSON.stringify({
      events: [
        { ...(JSON.parse(BODY) as { events: object[] }).events[0], extra: 1 },
        {
          id: 'evt_2',
          fileId: 'fil_1',
          dossierId: 'dos-0001',
          type: 'claim_declared',
          occurredAt: '2026-04-03T09:00:00Z',
          amount: { amount: 100, currency: 'EUR' },
        },
      ],
    });
    expect(parseWebhookPayload(Buffer.from(body))).toEqual({
      ok: true,
      events: [
        {
          id: 'evt_1',
          fileId: 'fil_1',
          dossierId: 'dos-0001',
          type: 'accepted',
          occurredAt: '2026-04-02T09:00:00.000Z',
        },
        {
          id: 'evt_2',
          fileId: 'fil_1',
          dossierId: 'dos-0001',
          type: 'claim_declared',
          occurredAt: '2026-04-03T09:00:00Z',
          amount: { amount: 100, currency: 'EUR' },
        },
      ],
    });
  });

  it.each([
    ['not JSON', '<html>', 'not JSON'],
    ['no events', '{"events":[]}', 'events'],
    [
      'an event without its file',
      '{"events":[{"id":"e","dossierId":"d","type":"served","occurredAt":"2026-04-03T09:00:00Z"}]}',
      'events.0.fileId',
    ],
    [
      'a date without a zone',
      '{"events":[{"id":"e","fileId":"f","dossierId":"d","type":"served","occurredAt":"2026-04-03 09:00"}]}',
      'events.0.occurredAt',
    ],
  ])('refuses %s, naming what is wrong', (_what, body, says) => {
    const result = parseWebhookPayload(body);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.problem).toContain(says);
  });
});
