import type { IncomingHttpHeaders } from 'node:http';
import { LoopbackServer } from '../../../adapters/loopback-server';
import { LawFirmHttpConfigSchema } from '../../../adapters/lawfirm/config.schema';
import { HttpLawFirmPartner } from '../../../adapters/lawfirm/http-client';
import {
  choosePath,
  PATH_NAMES,
  PATHS,
  PATHS_BY_PROCEDURE,
  type PathName,
} from '../../../adapters/lawfirm/simulator/paths';
import {
  LawFirmSimulator,
  type LawFirmSimulatorOptions,
  type SimulatedEvent,
} from '../../../adapters/lawfirm/simulator/server';
import { WEBHOOK_RETRY_DELAYS_MS } from '../../../adapters/lawfirm/simulator/webhook-sender';
import { verifyWebhook, type WebhookVerification } from '../../../adapters/lawfirm/webhook-signature';
import { submission } from './fixtures';
import { OpenApiContract } from './openapi-contract';

const SECRET = 'whsec_simulator_tests_0123456789';
const DAY = 86_400_000;
const contract = new OpenApiContract();

/** A creditor's webhook endpoint on loopback: keeps every request, verifies it, answers as told. */
class Receiver {
  readonly requests: { headers: IncomingHttpHeaders; body: string; verification: WebhookVerification }[] = [];
  /** Statuses of the next answers; then 204 for a verified request, 401 for a refused one. */
  readonly answers: number[] = [];
  private readonly http = new LoopbackServer('webhook receiver', async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const verification = verifyWebhook({ secret: SECRET, headers: req.headers, rawBody: raw, now: Date.now() });
    this.requests.push({ headers: req.headers, body: raw.toString('utf8'), verification });
    res.writeHead(this.answers.shift() ?? (verification.ok ? 204 : 401)).end();
  });

  get url(): string {
    return `${this.http.url}/webhooks/lawfirm`;
  }

  start(): Promise<void> {
    return this.http.start();
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  /** Event ids in the order they arrived. */
  eventIds(): string[] {
    return this.requests.flatMap((r) => (JSON.parse(r.body) as { events: SimulatedEvent[] }).events.map((e) => e.id));
  }

  events(): SimulatedEvent[] {
    return this.requests.flatMap((r) => (JSON.parse(r.body) as { events: SimulatedEvent[] }).events);
  }
}

/** Every simulator a test starts, stopped after it. */
const started: LawFirmSimulator[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

async function simulator(
  options: LawFirmSimulatorOptions = {},
): Promise<{ sim: LawFirmSimulator; firm: HttpLawFirmPartner }> {
  const sim = await new LawFirmSimulator({ seed: 1, ...options }).start();
  started.push(sim);
  const firm = new HttpLawFirmPartner({
    config: LawFirmHttpConfigSchema.parse({
      baseUrl: sim.url,
      apiKey: sim.apiKey,
      webhookSecret: SECRET,
      timeoutMs: 5_000,
    }),
  });
  return { sim, firm };
}

const typesOf = (sim: LawFirmSimulator, fileId: string) =>
  sim
    .events()
    .filter((e) => e.fileId === fileId)
    .map((e) => e.type);

describe('law-firm simulator: procedure paths', () => {
  let sim: LawFirmSimulator;
  let firm: HttpLawFirmPartner;

  it('seed 1: an injonction de payer without opposition walks, day by day, to enforcement and partial recoveries', async () => {
    ({ sim, firm } = await simulator({ seed: 1 }));
    expect(choosePath('injonction_de_payer', 1, 'dos-0001')).toBe('ip_no_opposition');
    const { fileId } = await firm.submit(submission());
    const states: string[] = [];
    for (let day = 0; day <= 400; day++) {
      const { state } = await firm.status(fileId);
      if (states[states.length - 1] !== state) states.push(state);
      sim.clock.advanceDays(1);
    }
    // `partial_recovery` twice in a row is one state change here: the feed has both.
    expect(states).toEqual([
      'submitted',
      'accepted',
      'filed',
      'order_issued',
      'served',
      'enforceable_title',
      'enforcement',
      'partial_recovery',
      'recovered',
      'closed',
    ]);
    const events = sim.events().filter((e) => e.fileId === fileId);
    expect(events.map((e) => e.type)).toEqual([
      'submitted',
      'accepted',
      'filed',
      'order_issued',
      'served',
      'enforceable_title',
      'enforcement',
      'partial_recovery',
      'partial_recovery',
      'recovered',
      'closed',
    ]);
    const at = (type: string) => Date.parse(events.find((e) => e.type === type)!.occurredAt);
    // No title before the month the debtor has to oppose the served ordonnance (CPC art. 1416).
    expect(at('enforceable_title') - at('served')).toBeGreaterThan(30 * DAY);
    const recovered = events.filter((e) => e.amount).map((e) => e.amount!);
    expect(recovered.every((m) => m.currency === 'EUR' && Number.isInteger(m.amount) && m.amount > 0)).toBe(true);
    expect(recovered.reduce((s, m) => s + m.amount, 0)).toBe(264_150);
    expect(sim.file(fileId)).toMatchObject({ path: 'ip_no_opposition', recovered: 264_150, state: 'closed' });
    const occurred = events.map((e) => e.occurredAt);
    expect([...occurred].sort()).toEqual(occurred);
  });

  it('seed 1, another dossier: the debtor opposes, then hearing, judgment, title and enforcement', async () => {
    ({ sim, firm } = await simulator({ seed: 1 }));
    const { fileId } = await firm.submit(submission(undefined, { id: 'dos-0002' }));
    sim.clock.advanceDays(500);
    expect(typesOf(sim, fileId)).toEqual([
      'submitted',
      'accepted',
      'filed',
      'order_issued',
      'served',
      'opposition',
      'hearing',
      'judgment',
      'served',
      'enforceable_title',
      'enforcement',
      'recovered',
      'closed',
    ]);
  });

  it('the same seed tells the same story; another seed another', async () => {
    const story = async (seed: number) => {
      const { sim: s, firm: f } = await simulator({ seed });
      for (const id of ['dos-1', 'dos-2', 'dos-3', 'dos-4']) await f.submit(submission(undefined, { id }));
      s.clock.advanceDays(600);
      return s.events();
    };
    const a = await story(5);
    expect(await story(5)).toEqual(a);
    expect(await story(6)).not.toEqual(a);
    expect(a.length).toBeGreaterThan(20);
  });

  it('the seeded choice spreads over every path of a procedure, and only those', () => {
    for (const [procedure, options] of Object.entries(PATHS_BY_PROCEDURE)) {
      const chosen = new Set(Array.from({ length: 300 }, (_, i) => choosePath(procedure, 3, `dos-${i}`)));
      expect([procedure, [...chosen].sort()]).toEqual([procedure, options.map(([name]) => name).sort()]);
    }
    expect(choosePath('procedure_europeenne', 3, 'dos-1')).toBeUndefined();
  });

  it.each(PATH_NAMES)('path %s runs to its end, with its documents and its money', async (path: PathName) => {
    ({ sim, firm } = await simulator());
    sim.controls.usePath(path);
    const { fileId } = await firm.submit(submission());
    sim.clock.advanceDays(800);
    const events = sim.events().filter((e) => e.fileId === fileId);
    expect(events.map((e) => e.type)).toEqual(['submitted', ...PATHS[path].steps.map((s) => s.type)]);
    for (const e of events.filter((x) => x.documents)) {
      for (const d of e.documents!) {
        const doc = await firm.document(fileId, d.name);
        expect(doc.sha256).toBe(d.sha256);
        expect(doc.content.subarray(0, 5).toString()).toBe('%PDF-');
      }
    }
    const recovered = events.reduce((s, e) => s + (e.amount?.amount ?? 0), 0);
    const last = events[events.length - 1]!.type;
    if (last === 'closed') expect(recovered).toBe(264_150);
    if (last === 'irrecoverable') {
      expect(recovered).toBeLessThan(264_150);
      const certificate = events[events.length - 1]!.documents!;
      expect(certificate).toHaveLength(1);
      expect((await firm.document(fileId, certificate[0]!.name)).kind).toBe('certificate_of_irrecoverability');
    }
    expect(['closed', 'irrecoverable']).toContain(last);
    for (const e of events) expect(contract.componentProblems('PartnerEvent', e)).toEqual([]);
  });

  it('insolvency: proceedings declared, the claim declared (a word outside the known set), then a certificate', async () => {
    ({ sim, firm } = await simulator());
    sim.controls.usePath('insolvency', 'dos-0001');
    const { fileId } = await firm.submit(submission());
    sim.clock.advanceDays(30);
    expect((await firm.status(fileId)).state).toBe('insolvency_declared');
    const declared = sim.events().find((e) => e.type === 'insolvency_declared')!;
    expect(declared.note).toContain('L622-21');
    sim.clock.advanceDays(300);
    expect(typesOf(sim, fileId).slice(-3)).toEqual(['insolvency_declared', 'claim_declared', 'irrecoverable']);
  });

  it('a payment reported during the procedure lowers what the firm recovers afterwards', async () => {
    ({ sim, firm } = await simulator());
    sim.controls.usePath('execution_forcee');
    const { fileId } = await firm.submit(submission());
    await firm.reportPayment(
      fileId,
      { id: 'p1', amount: 64_150, currency: 'EUR', receivedOn: '2026-04-01', settlesInFull: false },
      'pay-p1',
    );
    sim.clock.advanceDays(200);
    expect(sim.file(fileId)!.recovered).toBe(200_000);
  });
});

describe('law-firm simulator: webhooks', () => {
  let sim: LawFirmSimulator;
  let firm: HttpLawFirmPartner;
  let receiver: Receiver;

  beforeEach(async () => {
    receiver = new Receiver();
    await receiver.start();
    ({ sim, firm } = await simulator({ webhook: { url: receiver.url, secret: SECRET }, autoDeliver: false }));
  });
  afterEach(() => receiver.stop());

  it('pushes every event, signed so that verifyWebhook accepts it, in the contract shape', async () => {
    const { fileId } = await firm.submit(submission());
    sim.clock.advanceDays(60);
    await sim.deliverWebhooks();
    expect(receiver.requests.length).toBeGreaterThan(0);
    for (const r of receiver.requests) {
      expect(r.verification).toMatchObject({ ok: true });
      expect(contract.validateWebhook(r.headers, r.body)).toEqual([]);
    }
    expect(receiver.eventIds()).toEqual(sim.events().map((e) => e.id));
    expect(receiver.events().map((e) => e.type)).toEqual(typesOf(sim, fileId));
    expect(sim.deliveries().every((d) => d.outcome === 'delivered' && d.signature === 'valid')).toBe(true);
    expect(sim.pendingDeliveries()).toBe(0);
  });

  it('retries a refused delivery later on its clock, with the same events, until a 2xx', async () => {
    receiver.answers.push(500, 503);
    await firm.submit(submission());
    await sim.deliverWebhooks();
    expect(receiver.requests).toHaveLength(1);
    await sim.deliverWebhooks();
    expect(receiver.requests).toHaveLength(1);
    sim.clock.advance(WEBHOOK_RETRY_DELAYS_MS[0]!);
    await sim.deliverWebhooks();
    sim.clock.advance(WEBHOOK_RETRY_DELAYS_MS[1]!);
    await sim.deliverWebhooks();
    expect(receiver.requests.map((r) => r.body)).toEqual([
      receiver.requests[0]!.body,
      receiver.requests[0]!.body,
      receiver.requests[0]!.body,
    ]);
    expect(sim.deliveries().map((d) => [d.attempt, d.status, d.outcome])).toEqual([
      [1, 500, 'retry'],
      [2, 503, 'retry'],
      [3, 204, 'delivered'],
    ]);
  });

  it('gives up after the last retry; the events stay in the feed for polling', async () => {
    receiver.answers.push(...Array.from({ length: 20 }, () => 500));
    await firm.submit(submission());
    await sim.deliverWebhooks();
    for (const delay of WEBHOOK_RETRY_DELAYS_MS) {
      sim.clock.advance(delay);
      await sim.deliverWebhooks();
    }
    const first = sim.deliveries()[0]!.deliveryId;
    const attempts = () => sim.deliveries().filter((d) => d.deliveryId === first);
    expect(attempts().map((d) => d.outcome)).toEqual([...WEBHOOK_RETRY_DELAYS_MS.map(() => 'retry'), 'abandoned']);
    sim.clock.advanceDays(3);
    await sim.deliverWebhooks();
    expect(attempts()).toHaveLength(WEBHOOK_RETRY_DELAYS_MS.length + 1);
    expect((await firm.events()).events.map((e) => e.type)).toEqual(expect.arrayContaining(['submitted', 'accepted']));
  });

  it('a receiver that is not listening is retried too', async () => {
    await receiver.stop();
    await firm.submit(submission());
    await sim.deliverWebhooks();
    expect(sim.deliveries()).toEqual([
      expect.objectContaining({ status: undefined, error: 'ECONNREFUSED', outcome: 'retry' }),
    ]);
  });

  it.each([
    ['wrong_secret', 'bad_signature'],
    ['stale', 'stale'],
    ['future', 'future'],
    ['missing', 'missing_signature'],
    ['malformed', 'malformed_signature'],
  ] as const)(
    'injected bad signature (%s) is refused by the receiver as %s, then delivered signed right',
    async (how, reason) => {
      sim.controls.badSignatureNext(1, how);
      await firm.submit(submission());
      await sim.deliverWebhooks();
      expect(receiver.requests[0]!.verification).toMatchObject({ ok: false, reason });
      expect(sim.deliveries()[0]).toMatchObject({ signature: how, status: 401, outcome: 'retry' });
      sim.clock.advance(WEBHOOK_RETRY_DELAYS_MS[0]!);
      await sim.deliverWebhooks();
      expect(receiver.requests[1]).toMatchObject({ body: receiver.requests[0]!.body, verification: { ok: true } });
    },
  );

  it('duplicate injection really delivers the same events twice, in separate requests', async () => {
    sim.controls.duplicateNextEvents(2);
    await firm.submit(submission());
    sim.clock.advanceDays(10);
    await sim.deliverWebhooks();
    const ids = receiver.eventIds();
    const twice = [...new Set(ids)].filter((id) => ids.filter((x) => x === id).length === 2);
    expect(twice).toHaveLength(2);
    expect(ids.length).toBe(new Set(ids).size + 2);
    const carrying = receiver.requests.filter((r) => twice.some((id) => r.body.includes(id)));
    expect(carrying.length).toBeGreaterThanOrEqual(2);
    expect(new Set(ids)).toEqual(new Set(sim.events().map((e) => e.id)));
  });

  it('duplicate injection in the feed lists one event id under two cursors', async () => {
    sim.controls.duplicateNextEvents(1, 'feed');
    await firm.submit(submission());
    const page = await firm.events();
    expect(page.events.map((e) => e.type)).toEqual(['submitted', 'submitted']);
    expect(page.events[0]!.id).toBe(page.events[1]!.id);
  });

  it('out-of-order injection really delivers newer events before older ones', async () => {
    await firm.submit(submission());
    await sim.deliverWebhooks();
    sim.controls.deliverOutOfOrder();
    sim.clock.advanceDays(60);
    await sim.deliverWebhooks();
    const late = receiver.requests.slice(1).map((r) => JSON.parse(r.body) as { events: SimulatedEvent[] });
    expect(late.length).toBeGreaterThan(2);
    expect(late.every((b) => b.events.length === 1)).toBe(true);
    const times = late.map((b) => b.events[0]!.occurredAt);
    expect(times).toEqual([...times].sort().reverse());
    expect(times[0]! > times[times.length - 1]!).toBe(true);
  });

  it('delivers by itself when autoDeliver is on', async () => {
    ({ sim, firm } = await simulator({ webhook: { url: receiver.url, secret: SECRET }, deliveryIntervalMs: 20 }));
    await firm.submit(submission());
    for (let i = 0; i < 100 && receiver.requests.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(receiver.events().map((e) => e.type)).toEqual(['submitted']);
    expect(receiver.requests[0]!.verification.ok).toBe(true);
  });
});
