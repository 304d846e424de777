import { inspect } from 'node:util';
import axios from 'axios';
import { PostalConfigSchema, type PostalConfig } from '../../../adapters/postal/config.schema';
import { HttpPostalProvider } from '../../../adapters/postal/http-client';
import type { LetterSendRequest } from '../../../connector/ports/postal';
import { textPdf } from '../../../adapters/postal/simulator/proof-pdf';
import { PostalSimulator } from '../../../adapters/postal/simulator/server';
import type { AdapterError } from '../../../connector/ports/adapter-error';
import { retryAsDecided } from '../../helpers/retry';
import { adapterFailure } from '../../helpers/failure';

const everything = (e: AdapterError) => `${e.message} ${e.userMessage} ${e.detail ?? ''} ${inspect(e, { depth: 10 })}`;
const HOUR = 3_600_000;

describe('postal client against the simulator', () => {
  let sim: PostalSimulator;
  let config: PostalConfig;
  let post: HttpPostalProvider;
  let n = 0;
  const letter = (over: Partial<LetterSendRequest> = {}): LetterSendRequest => ({
    kind: 'registered_letter',
    recipient: {
      name: 'SARL DUPONT BATIMENT',
      addressLines: ['12 RUE DES LILAS'],
      postalCode: '69003',
      city: 'LYON',
      country: 'FR',
    },
    sender: { name: 'ACME SAS', addressLines: ['1 PLACE BELLECOUR'], postalCode: '69002', city: 'LYON', country: 'FR' },
    pdf: textPdf('Mise en demeure', ['Mise en demeure de payer', `Dossier ${n + 1}`]),
    idempotencyKey: `case-${++n}/formal-notice`,
    ...over,
  });

  beforeEach(async () => {
    sim = await new PostalSimulator({ seed: 42 }).start();
    config = PostalConfigSchema.parse({ baseUrl: sim.url, apiKey: sim.apiKey, timeoutMs: 2_000 });
    post = new HttpPostalProvider({ config });
  });
  afterEach(() => sim.stop());

  it('accepts a registered letter with a La Poste-like tracking number and records it', async () => {
    const l = letter();
    const sent = await post.send(l);
    expect(sent).toEqual({
      providerId: expect.stringMatching(/^ltr_[0-9a-f]{20}$/),
      trackingNumber: expect.stringMatching(/^1A\d{11}$/),
      status: 'accepted',
    });
    expect(sim.sent()).toEqual([
      expect.objectContaining({
        id: sent.providerId,
        kind: 'registered_letter',
        trackingNumber: sent.trackingNumber,
        idempotencyKey: l.idempotencyKey,
        recipient: l.recipient,
        status: 'accepted',
      }),
    ]);
    expect(sim.sent()[0]!.pdf.equals(l.pdf)).toBe(true);
  });

  it('tracking numbers are reproducible from the seed and differ with another seed', async () => {
    const twin = await new PostalSimulator({ seed: 42 }).start();
    const other = await new PostalSimulator({ seed: 43 }).start();
    try {
      const on = (s: PostalSimulator) =>
        new HttpPostalProvider({ config: { ...config, baseUrl: s.url, apiKey: s.apiKey } });
      const numbers = await Promise.all(
        [post, on(twin), on(other)].map(async (p) => (await p.send(letter())).trackingNumber),
      );
      expect(numbers[0]).toBe(numbers[1]);
      expect(numbers[2]).not.toBe(numbers[0]);
      expect(
        new Set(await Promise.all([1, 2, 3].map(async () => (await post.send(letter())).trackingNumber))).size,
      ).toBe(3);
    } finally {
      await Promise.all([twin.stop(), other.stop()]);
    }
  });

  it('moves accepted → printed → posted → delivered on its clock, with the proof following', async () => {
    const { providerId, trackingNumber } = await post.send(letter());
    expect(await post.proof(providerId)).toBeUndefined();
    sim.clock.advance(4 * HOUR);
    expect((await post.status(providerId)).status).toBe('printed');
    expect(await post.proof(providerId)).toBeUndefined();
    sim.clock.advanceDays(1);
    const posted = await post.status(providerId);
    expect(posted.status).toBe('posted');
    const deposit = await post.proof(providerId);
    expect(deposit).toMatchObject({ kind: 'deposit_proof', at: '2026-03-03T09:00:00.000Z' });
    expect(deposit!.pdf.toString('latin1')).toContain(`(Num\xe9ro : ${trackingNumber!}) Tj`);
    sim.clock.advanceDays(2);
    const delivered = await post.status(providerId);
    expect(delivered).toEqual({
      status: 'delivered',
      trackingNumber,
      events: [
        { at: '2026-03-02T09:00:00.000Z', status: 'accepted', detail: 'Courrier accepté' },
        { at: '2026-03-02T13:00:00.000Z', status: 'printed', detail: 'Courrier imprimé et mis sous pli' },
        {
          at: '2026-03-03T09:00:00.000Z',
          status: 'posted',
          detail: `Lettre recommandée ${trackingNumber!} déposée à La Poste`,
        },
        { at: '2026-03-05T09:00:00.000Z', status: 'delivered', detail: 'Pli distribué contre signature' },
      ],
    });
    const ar = await post.proof(providerId);
    expect(ar).toMatchObject({ kind: 'acknowledgement_of_receipt', at: '2026-03-05T09:00:00.000Z' });
    const pdf = ar!.pdf.toString('latin1');
    expect(pdf.startsWith('%PDF-')).toBe(true);
    expect(pdf.trimEnd().endsWith('%%EOF')).toBe(true);
    expect(pdf).toContain('2026-03-05T09:00:00.000Z');
    expect(pdf).toContain('sans valeur probante');
  });

  it('a plain letter has no tracking number, stops at posted and never has a proof', async () => {
    const { providerId, trackingNumber } = await post.send(letter({ kind: 'letter' }));
    expect(trackingNumber).toBeUndefined();
    sim.clock.advanceDays(10);
    expect(await post.status(providerId)).toMatchObject({ status: 'posted', trackingNumber: undefined });
    expect(await post.proof(providerId)).toBeUndefined();
  });

  it('a letter to an unknown recipient comes back "destinataire inconnu"; the deposit proof stays', async () => {
    sim.controls.returnLettersTo({ name: 'sarl dupont  batiment', postalCode: '69003' });
    const { providerId } = await post.send(letter());
    const other = await post.send(letter({ recipient: { ...letter().recipient, postalCode: '69004' } }));
    sim.clock.advanceDays(6);
    const returned = await post.status(providerId);
    expect(returned.status).toBe('returned');
    expect(returned.events.map((e) => e.status)).toEqual(['accepted', 'printed', 'posted', 'returned']);
    expect(returned.events.at(-1)).toEqual({
      at: '2026-03-08T09:00:00.000Z',
      status: 'returned',
      detail: "Destinataire inconnu à l'adresse",
    });
    expect(await post.proof(providerId)).toMatchObject({ kind: 'deposit_proof' });
    expect((await post.status(other.providerId)).status).toBe('delivered');
  });

  it('a letter that fails at printing has no proof', async () => {
    sim.controls.failLettersTo({ postalCode: '69003' }, 'PDF illisible à l’impression');
    const { providerId } = await post.send(letter());
    sim.clock.advanceDays(5);
    expect(await post.status(providerId)).toMatchObject({
      status: 'failed',
      events: [
        expect.objectContaining({ status: 'accepted' }),
        { at: '2026-03-02T13:00:00.000Z', status: 'failed', detail: 'PDF illisible à l’impression' },
      ],
    });
    expect(await post.proof(providerId)).toBeUndefined();
  });

  it('the same key and letter twice is one letter; the same key with another PDF is a conflict', async () => {
    const l = letter();
    const first = await post.send(l);
    sim.clock.advanceDays(2);
    expect(await post.send(l)).toEqual(first);
    expect(sim.sent()).toHaveLength(1);
    const e = await adapterFailure(post.send({ ...l, pdf: textPdf('Autre', ['Autre lettre']) }));
    expect(e).toMatchObject({ code: 'POSTAL_IDEMPOTENCY_CONFLICT', kind: 'system' });
    expect(sim.sent()).toHaveLength(1);
  });

  it('a lost answer is outcome-unknown; the resend with the same key gets the same letter and tracking number', async () => {
    sim.controls.dropNext();
    const l = letter();
    const e = await adapterFailure(post.send(l));
    expect(e).toMatchObject({ code: 'POSTAL_ANSWER_LOST', kind: 'transient', outcomeUnknown: true });
    expect(sim.sent()).toHaveLength(1);
    const again = await post.send(l);
    expect(again).toEqual({
      providerId: sim.sent()[0]!.id,
      trackingNumber: sim.sent()[0]!.trackingNumber,
      status: 'accepted',
    });
    expect(sim.sent()).toHaveLength(1);
  });

  it('401 is a configuration error without the key; 429 carries Retry-After; 5xx retried posts once', async () => {
    const wrong = new HttpPostalProvider({ config: { ...config, apiKey: 'pk_wrong_0123456789' } });
    const denied = await adapterFailure(wrong.send(letter()));
    expect(denied).toMatchObject({ code: 'POSTAL_ACCESS_DENIED', kind: 'config' });
    expect(everything(denied)).not.toContain('pk_wrong_0123456789');
    sim.controls.rateLimitNext(1, 12);
    expect(await adapterFailure(post.status('ltr_x'))).toMatchObject({
      code: 'POSTAL_RATE_LIMITED',
      kind: 'rate_limit',
      retryAfterMs: 12_000,
    });
    sim.controls.failNext(1, 500);
    const l = letter();
    await retryAsDecided(() => post.send(l), {
      isWrite: true,
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1, random: () => 0 },
      sleep: async () => undefined,
    });
    expect(sim.sent()).toHaveLength(1);
    expect(
      sim.controls.requests.filter((r) => r.method === 'POST' && r.idempotencyKey === l.idempotencyKey),
    ).toHaveLength(2);
  });

  it('an unknown letter id', async () => {
    expect(await adapterFailure(post.status('ltr_nope'))).toMatchObject({
      code: 'POSTAL_LETTER_NOT_FOUND',
      kind: 'system',
    });
    expect(await adapterFailure(post.proof('ltr_nope'))).toMatchObject({
      code: 'POSTAL_LETTER_NOT_FOUND',
      kind: 'system',
    });
  });

  it('checks addresses and PDFs itself, naming fields, for clients that do not', async () => {
    const headers = { Authorization: `Bearer ${sim.apiKey}`, 'Idempotency-Key': 'raw-1' };
    const body = {
      kind: 'registered_letter',
      recipient: { ...letter().recipient, postalCode: '693' },
      sender: letter().sender,
      pdf: letter().pdf.toString('base64'),
    };
    const bad = await axios.post<{ error: unknown }>(`${sim.url}/v1/letters`, body, {
      headers,
      validateStatus: () => true,
    });
    expect(bad.status).toBe(400);
    expect(bad.data.error).toMatchObject({
      code: 'invalid_address',
      details: [{ field: 'recipient.postalCode', message: expect.stringContaining('5 digits') }],
    });
    const notPdf = await axios.post<{ error: { code: string } }>(
      `${sim.url}/v1/letters`,
      { ...body, recipient: letter().recipient, pdf: Buffer.from('hello').toString('base64') },
      { headers, validateStatus: () => true },
    );
    expect([notPdf.status, notPdf.data.error.code]).toEqual([400, 'invalid_document']);
    expect(sim.sent()).toHaveLength(0);
    const good = await axios.post<string>(
      `${sim.url}/v1/letters`,
      { ...body, recipient: letter().recipient },
      { headers, responseType: 'text' },
    );
    expect(good.status).toBe(201);
    expect(good.data).toBe(
      `{"id":"${sim.sent()[0]!.id}","kind":"registered_letter","status":"accepted","trackingNumber":"${sim.sent()[0]!.trackingNumber!}","createdAt":"2026-03-02T09:00:00.000Z","events":[{"at":"2026-03-02T09:00:00.000Z","status":"accepted","detail":"Courrier accepté"}]}`,
    );
  });

  it('a PDF above the provider limit is refused with 413, classified as a document problem', async () => {
    const small = await new PostalSimulator({ maxPdfBytes: 4_096 }).start();
    try {
      const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(20_000, 0x20), Buffer.from('\n%%EOF\n')]);
      const client = new HttpPostalProvider({ config: { ...config, baseUrl: small.url, apiKey: small.apiKey } });
      expect(await adapterFailure(client.send(letter({ pdf: big })))).toMatchObject({
        code: 'POSTAL_INVALID_DOCUMENT',
        kind: 'system',
      });
      expect(small.sent()).toHaveLength(0);
    } finally {
      await small.stop();
    }
  });
});
