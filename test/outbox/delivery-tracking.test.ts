import { createHash } from 'node:crypto';
import { PostalConfigSchema } from '../../adapters/postal/config.schema';
import { HttpPostalProvider } from '../../adapters/postal/http-client';
import type { LetterKind } from '../../connector/ports/postal';
import { textPdf } from '../../adapters/postal/simulator/proof-pdf';
import { PostalSimulator } from '../../adapters/postal/simulator/server';
import { SmsConfigSchema } from '../../adapters/sms/config.schema';
import { HttpSmsProvider } from '../../adapters/sms/http-client';
import { SmsSimulator } from '../../adapters/sms/simulator/server';
import { ActionSchema, type Action } from '../../connector/model/action.schema';
import { CaseSchema, caseIdOf } from '../../connector/model/case.schema';
import { firstCheckAt, trackDeliveries, type TrackingOptions } from '../../connector/outbox/delivery-tracking';
import { openSqliteStore } from '../../connector/store/sqlite';
import type { Store } from '../../connector/store/store';
import type { Clock } from '../../connector/time/clock';
import { invoice } from '../helpers/builders';
import { memoryLogger } from '../helpers/logger';
import { saveReceivables } from '../../connector/cases/case-lifecycle';

/**
 * Delivery tracking against the SMS and postal simulators on one simulated clock: what the
 * journal says after each check, the proofs kept, and that a check repeated (two workers, a
 * worker killed before recording) journals nothing twice.
 */

const START = '2026-03-02T09:00:00.000Z';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ALWAYS = {
  days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
  ranges: [{ from: '00:00', to: '24:00' }],
  publicHolidays: 'none',
};
const sender = {
  name: 'ACME SAS',
  addressLines: ['1 PLACE BELLECOUR'],
  postalCode: '69002',
  city: 'LYON',
  country: 'FR',
};
const recipient = (name: string) => ({
  name,
  addressLines: ['12 RUE DES LILAS'],
  postalCode: '69003',
  city: 'LYON',
  country: 'FR',
});

describe('delivery tracking', () => {
  let store: Store;
  let postalSim: PostalSimulator;
  let smsSim: SmsSimulator;
  let postal: HttpPostalProvider;
  let sms: HttpSmsProvider;
  let clock: Clock;
  let logged: ReturnType<typeof memoryLogger>;
  const caseId = caseIdOf('d1', 'co1', 'EUR');
  let n = 0;

  const advance = (ms: number) => {
    postalSim.clock.advance(ms);
    smsSim.clock.advance(ms);
  };

  beforeEach(async () => {
    postalSim = await new PostalSimulator({ startAt: START, seed: 3 }).start();
    smsSim = await new SmsSimulator({ startAt: START, seed: 3, deliveredAfterMs: 20 * 60_000 }).start();
    clock = postalSim.clock;
    postal = new HttpPostalProvider({
      config: PostalConfigSchema.parse({ baseUrl: postalSim.url, apiKey: postalSim.apiKey, timeoutMs: 2_000 }),
    });
    sms = new HttpSmsProvider({
      config: SmsConfigSchema.parse({
        baseUrl: smsSim.url,
        apiKey: smsSim.apiKey,
        senderId: 'RECOUVRA',
        timeoutMs: 2_000,
        contactWindow: ALWAYS,
      }),
      clock,
    });
    store = await openSqliteStore(':memory:');
    await store.migrate();
    await saveReceivables(store, [invoice({ id: 'r1', debtorId: 'd1', companyId: 'co1' })], START);
    logged = memoryLogger('debug');
  });
  afterEach(async () => {
    await store.close();
    await postalSim.stop();
    await smsSim.stop();
  });

  const options = (over: Partial<TrackingOptions> = {}): TrackingOptions => ({
    store,
    clock,
    logger: logged.logger,
    sms,
    postal,
    ...over,
  });
  const track = (over: Partial<TrackingOptions> = {}) => trackDeliveries(options(over));
  const journal = async () =>
    (await store.cases.readJournal(caseId)).filter((j) => j.type === 'delivery_status' || j.type === 'proof_received');

  /** An outbox row performed: the provider accepted it and the row is done with its delivery, as the dispatcher records it. */
  async function performed(
    kind: Action['kind'],
    send: (key: string) => Promise<{ providerId: string; status: string }>,
  ): Promise<string> {
    const id = `act-${++n}`;
    const action = ActionSchema.parse({
      id,
      idempotencyKey: `${caseId}/${id}`,
      caseId,
      decisionId: `dec-${id}`,
      subject: { type: 'decision', decisionId: `dec-${id}` },
      kind,
      template: 'formal-notice',
      status: 'pending',
      notBefore: START,
      createdAt: START,
      updatedAt: START,
    });
    const c = (await store.cases.getCase(caseId))!;
    await store.outbox.recordDecision({
      decision: {
        id: `dec-${id}`,
        idempotencyKey: `${caseId}/${id}`,
        caseId,
        stepId: id,
        stepIndex: 0,
        policyId: 'p',
        policyVersion: 1,
        asOf: '2026-03-02',
        decidedAt: START,
        requiresApproval: false,
        evaluation: {},
      },
      actions: [action],
      journal: [],
      caseAfter: CaseSchema.parse({ ...c, stage: 'formal_notice' }),
    });
    const sent = await send(action.idempotencyKey);
    const channel = kind as 'sms' | 'letter' | 'registered_letter';
    await store.outbox.completeAction({
      id,
      status: 'done',
      attempts: 1,
      lastError: null,
      at: clock.now().toISOString(),
      journal: [],
      delivery: {
        channel,
        providerId: sent.providerId,
        status: sent.status,
        nextCheckAt: firstCheckAt(channel, clock.now()),
      },
    });
    return id;
  }
  const letter = (kind: LetterKind, to = 'SARL DUPONT') =>
    performed(kind, (key) =>
      postal.send({
        kind,
        recipient: recipient(to),
        sender,
        pdf: textPdf('Mise en demeure', ['Payer sous 8 jours']),
        idempotencyKey: key,
      }),
    );
  const text = (to: string) =>
    performed('sms', (key) =>
      sms.send({ to, text: 'ACME : facture échue.', senderId: 'RECOUVRA', idempotencyKey: key }),
    );

  it('follows a registered letter to its acknowledgement of receipt, journalling each status once and keeping both proofs', async () => {
    const id = await letter('registered_letter');
    expect(await track()).toMatchObject({ checked: 0 });

    advance(7 * HOUR);
    expect(await track()).toMatchObject({ checked: 1, events: 2, proofs: 0, finished: 0 });
    expect((await journal()).map((j) => j.data['status'])).toEqual(['accepted', 'printed']);

    advance(DAY);
    expect(await track()).toMatchObject({ checked: 1, events: 1, proofs: 1 });
    advance(3 * DAY);
    expect(await track()).toMatchObject({ checked: 1, events: 1, proofs: 1, finished: 1 });
    advance(10 * DAY);
    expect(await track()).toMatchObject({ checked: 0 });

    const lines = await journal();
    expect(lines.map((j) => `${j.type}:${String(j.data['status'] ?? j.data['proofKind'])}`)).toEqual([
      'delivery_status:accepted',
      'delivery_status:printed',
      'delivery_status:posted',
      'proof_received:deposit_proof',
      'delivery_status:delivered',
      'proof_received:acknowledgement_of_receipt',
    ]);
    expect(lines.find((j) => j.data['status'] === 'delivered')?.summary).toBe(
      'registered letter delivered: Pli distribué contre signature',
    );
    expect(lines.every((j) => j.data['actionId'] === id && typeof j.data['trackingNumber'] === 'string')).toBe(true);

    const documents = await store.deliveries.listDocuments(caseId);
    expect(documents.map((d) => d.kind)).toEqual(['deposit_proof', 'acknowledgement_of_receipt']);
    const ar = await store.deliveries.getDocument(`proof:${id}:acknowledgement_of_receipt`);
    expect(ar?.content.subarray(0, 5).toString()).toBe('%PDF-');
    expect(ar?.sha256).toBe(createHash('sha256').update(ar!.content).digest('hex'));
    expect(lines.at(-1)?.data['documentId']).toBe(ar?.id);
    expect(await store.deliveries.getDelivery(id)).toMatchObject({
      status: 'delivered',
      final: true,
      eventsSeen: 4,
      proofs: ['deposit_proof', 'acknowledgement_of_receipt'],
    });
  });

  it('a returned letter ends with the postal service’s reason', async () => {
    postalSim.controls.returnLettersTo({ name: 'SARL PARTIE' }, "Destinataire inconnu à l'adresse");
    const id = await letter('letter', 'SARL PARTIE');
    advance(7 * DAY);
    expect(await track()).toMatchObject({ checked: 1, finished: 1, proofs: 0 });
    expect((await journal()).at(-1)).toMatchObject({
      type: 'delivery_status',
      summary: "letter returned: Destinataire inconnu à l'adresse",
      data: { status: 'returned' },
    });
    expect(await store.deliveries.getDelivery(id)).toMatchObject({ final: true, status: 'returned' });
  });

  it('a plain letter that never comes back is followed until the horizon, then tracking stops and says so', async () => {
    const id = await letter('letter');
    for (let day = 0; day < 32; day++) {
      advance(DAY);
      await track();
    }
    const lines = await journal();
    expect(lines.map((j) => j.data['status'])).toEqual(['accepted', 'printed', 'posted', 'posted']);
    expect(lines.at(-1)?.summary).toBe('letter: no final status after 30 days; tracking stopped at "posted"');
    const delivery = await store.deliveries.getDelivery(id);
    expect(delivery).toMatchObject({ final: true, status: 'posted' });
    // Checks back off (6 h, 12 h, 24 h, then daily): far fewer than one per call.
    expect(delivery!.checks).toBeLessThanOrEqual(32);
  });

  it('SMS: delivered, or not delivered with the provider’s reason', async () => {
    smsSim.controls.undeliverable.set('+33699999999', {
      code: 'absent_subscriber',
      message: 'phone switched off for 72 h',
    });
    const ok = await text('+33612345678');
    const ko = await text('+33699999999');
    advance(30 * 60_000);
    expect(await track()).toMatchObject({ checked: 2, events: 2, finished: 2 });
    const lines = await journal();
    expect(lines.find((j) => j.data['actionId'] === ok)).toMatchObject({
      summary: 'SMS delivered to the phone',
      data: { status: 'delivered' },
    });
    expect(lines.find((j) => j.data['actionId'] === ko)?.summary).toMatch(/^SMS not delivered: absent_subscriber/);
  });

  it('two workers at once, and a worker killed before recording, journal each event once', async () => {
    await letter('registered_letter');
    await letter('registered_letter', 'SAS AUTRE');
    advance(2 * DAY);
    // A worker took one row, read the provider, and died before recording: its lease runs out.
    const taken = await store.deliveries.claimDelivery({
      now: clock.now().toISOString(),
      leaseUntil: new Date(clock.now().getTime() + 20_000).toISOString(),
    });
    expect(taken).toBeDefined();
    await Promise.all([track(), track(), track()]);
    advance(60_000);
    await Promise.all([track(), track()]);
    advance(3 * DAY);
    await Promise.all([track(), track(), track()]);
    const lines = await journal();
    const keys = lines.map(
      (j) => `${String(j.data['actionId'])}:${j.type}:${String(j.data['status'] ?? j.data['proofKind'])}`,
    );
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.filter((k) => k.endsWith('acknowledgement_of_receipt'))).toHaveLength(2);
    expect(keys.filter((k) => k.endsWith(':delivered'))).toHaveLength(2);
    expect(await store.deliveries.listDocuments(caseId)).toHaveLength(4);
  });

  it('a provider that fails is asked again later; one that asks to slow down stops the run until Retry-After', async () => {
    const id = await letter('registered_letter');
    advance(7 * HOUR);
    postalSim.controls.failNext(1, 503);
    expect(await track()).toMatchObject({ checked: 1, errors: 1, events: 0 });
    expect(await store.deliveries.getDelivery(id)).toMatchObject({
      status: 'accepted',
      eventsSeen: 0,
      lastError: expect.stringMatching(/^POSTAL_/),
    });
    expect(logged.lines().some((l) => l.includes(`tracking registered_letter of action ${id}`))).toBe(true);
    expect(await journal()).toEqual([]);

    advance(6 * HOUR);
    postalSim.controls.rateLimitNext(1, 600);
    expect(await track()).toMatchObject({ checked: 1, rateLimitedMs: 600_000 });
    expect((await store.deliveries.getDelivery(id))?.nextCheckAt).toBe(
      new Date(clock.now().getTime() + 600_000).toISOString(),
    );
    advance(600_000);
    expect(await track()).toMatchObject({ checked: 1, errors: 0, events: 2 });
  });

  it('without the provider of a channel, its deliveries wait with the reason', async () => {
    const id = await text('+33612345678');
    advance(DAY);
    expect(await track({ sms: undefined })).toMatchObject({ errors: 1 });
    expect(await store.deliveries.getDelivery(id)).toMatchObject({
      final: false,
      lastError: 'TRACKING_NO_PROVIDER: no SMS provider is configured to ask for the status',
    });
  });
});
