import { procedureStateOf } from '../../mappings/lawfirm/status-words';
import { webhookHeaders } from '../../adapters/lawfirm/webhook-signature';
import type { LawFirmPartner } from '../../connector/ports/lawfirm';
import { LawFirmLink } from '../../connector/lawfirm/link';
import { CASE_ID, R1, seed } from '../cases/case-fixtures';
import { openHarness, type Harness } from './api-harness';
import { loadProcedureData } from '../../connector/dossier/procedure-data';
import { httpWebhookVerifier } from '../../adapters/lawfirm/webhook-verifier';

/** The firm's webhook: signature, replay window, deduplication, bad batches, files that are not ours. */

const SECRET = 'whsec_3f9a1c5e7b2d4f6a8c0e1b3d5f7a9c2e';
const OLD_SECRET = 'whsec_old_0a1b2c3d4e5f60718293a4b5c6d7';

describe('POST /webhooks/lawfirm', () => {
  let h: Harness;
  const unix = () => Math.floor(h.clock.now().getTime() / 1000);
  const batch = (...ids: string[]) =>
    JSON.stringify({
      events: ids.map((id, i) => ({
        id,
        fileId: 'F-9',
        dossierId: 'dos-9',
        type: i === 0 ? 'accepted' : 'filed',
        occurredAt: `2025-03-2${i}T10:00:00Z`,
        label: 'Dossier ouvert',
      })),
    });
  const post = (body: string, headers: Record<string, string>) =>
    h.call('POST', '/webhooks/lawfirm', {
      token: null,
      body,
      headers: { 'content-type': 'application/json', ...headers },
    });
  const signed = (body: string, secret = SECRET, at = unix()) => webhookHeaders(secret, at, body);
  const applied = async () =>
    (await h.store.cases.readJournal(CASE_ID))
      .filter((j) => j.type === 'procedure_event')
      .map((j) => j.data['eventId']);

  beforeEach(async () => {
    h = await openHarness({
      procedures: loadProcedureData(),
      lawfirm: ({ store, clock, logger }) =>
        new LawFirmLink({
          id: 'cabinet',
          stateOf: procedureStateOf,
          partner: {} as LawFirmPartner,
          store,
          clock,
          logger,
          webhook: {
            verifier: httpWebhookVerifier({ secrets: [SECRET, OLD_SECRET], toleranceSeconds: 300 }),
            transportClock: clock,
          },
        }),
    });
    await seed(h.store);
    await h.store.dossiers.recordDossier(
      {
        id: 'dos-9',
        caseId: CASE_ID,
        actionId: null,
        partner: 'cabinet',
        fileId: 'F-9',
        status: 'submitted',
        state: 'submitted',
        stateAt: '2025-03-01T00:00:00.000Z',
        events: 0,
        content: { claim: { lines: [{ kind: 'invoice', number: R1.number }] } },
        submittedAt: '2025-03-01T00:00:00.000Z',
        updatedAt: '2025-03-01T00:00:00.000Z',
      },
      [],
    );
  });
  afterEach(() => h.close());

  it('applies a signed batch without a bearer token, each event once however often it comes', async () => {
    const body = batch('e1', 'e2');
    const first = await post(body, signed(body));
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ applied: 2, duplicates: 0, quarantined: [] });
    // The firm retries the same batch (its answer was lost), and signs it again later.
    h.clock.advance(120_000);
    expect((await post(body, signed(body))).json()).toEqual({ applied: 0, duplicates: 2, quarantined: [] });
    expect(await applied()).toEqual(['e1', 'e2']);
    expect(await h.store.outbox.listActions({ caseId: CASE_ID, kind: 'ledger_note' })).toHaveLength(2);
  });

  it('GET /cases/:id/dossiers shows the file and its events in the order applied', async () => {
    const first = batch('e2', 'e1');
    await post(first, signed(first));
    const res = await h.call('GET', `/cases/${CASE_ID}/dossiers`);
    const dossiers = res.json<{
      dossiers: { id: string; state: string; procedureEvents: { seq: number; id: string; state: string }[] }[];
    }>().dossiers;
    expect(dossiers.map((d) => [d.id, d.state])).toEqual([['dos-9', 'filed']]);
    expect(dossiers[0]!.procedureEvents.map((e) => [e.seq, e.id, e.state])).toEqual([
      [1, 'cabinet:e2', 'accepted'],
      [2, 'cabinet:e1', 'filed'],
    ]);
    expect((await h.call('GET', '/cases/nope/dossiers')).statusCode).toBe(404);
  });

  it("once the firm reports a title, the dossier shows the legal rate's +5 points and the title's 10 years", async () => {
    const none = await h.call('GET', `/cases/${CASE_ID}/dossiers`);
    expect(none.json<{ dossiers: { deadlines: unknown[] }[] }>().dossiers[0]!.deadlines).toEqual([]);
    const body = JSON.stringify({
      events: [
        {
          id: 't1',
          fileId: 'F-9',
          dossierId: 'dos-9',
          type: 'title',
          occurredAt: '2025-03-21T10:00:00Z',
          label: 'Ordonnance exécutoire',
        },
      ],
    });
    await post(body, signed(body));
    const res = await h.call('GET', `/cases/${CASE_ID}/dossiers`);
    // CMF L313-3: + 5 points two months after the decision became enforceable; CPCE L111-4: 10 years to enforce it.
    expect(res.json<{ dossiers: { deadlines: unknown[] }[] }>().dossiers[0]!.deadlines).toEqual([
      {
        what: "majoration de 5 points du taux de l'intérêt légal",
        rule: "2 mois après que la décision est devenue exécutoire (le 21/03/2025), sauf dispense accordée par le juge de l'exécution",
        article: 'CMF L313-3',
        dueOn: '2025-05-21',
      },
      {
        what: 'exécuter le titre avant sa prescription',
        rule: '10 ans à compter du 21/03/2025, sauf si la prescription propre à la créance est plus longue',
        article: 'CPCE L111-4',
        dueOn: '2035-03-21',
      },
    ]);
  });

  it('accepts the previous secret during a rotation', async () => {
    const body = batch('e1');
    expect((await post(body, signed(body, OLD_SECRET))).statusCode).toBe(200);
  });

  it.each([
    ['unsigned', (_body: string) => ({}), 'missing_signature'],
    [
      'signed with another secret',
      (body: string) => signed(body, 'whsec_someone_else_entirely_000000'),
      'bad_signature',
    ],
    ['signed over another body', (body: string) => signed(body.replace('F-9', 'F-8')), 'bad_signature'],
    [
      'a signature that is not v1=<hex>',
      (body: string) => ({ ...signed(body), 'Recouvra-Signature': 'sha256=abc' }),
      'malformed_signature',
    ],
    ['replayed after the tolerance window', (body: string) => signed(body, SECRET, unix() - 301), 'stale'],
    ['signed in the future', (body: string) => signed(body, SECRET, unix() + 301), 'future'],
    [
      'with the API bearer token but no signature',
      (_body: string) => ({ authorization: 'Bearer rcv_7f3a9c1e5b2d8f4a6c0e9b1d3f5a7c9e' }),
      'missing_signature',
    ],
  ])('refuses a batch %s (401), applying nothing', async (_what, headersOf, reason) => {
    const body = batch('e1');
    const res = await post(body, headersOf(body));
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({
      error: { code: 'WEBHOOK_REFUSED', message: expect.stringMatching(new RegExp(`^${reason}: `)) },
    });
    expect(await applied()).toEqual([]);
    expect(h.lines().some((l) => l.includes(`webhook refused (${reason})`))).toBe(true);
    expect(h.lines().join('\n')).not.toContain(SECRET);
  });

  it('answers 400 to a signed body that is not a batch of events', async () => {
    const body = JSON.stringify({ events: [{ id: 'e1', type: 'accepted' }] });
    const res = await post(body, signed(body));
    expect(res.statusCode).toBe(400);
    const { error } = res.json<{ error: { code: string; message: string } }>();
    expect(error.code).toBe('WEBHOOK_INVALID');
    expect(error.message).toMatch(/events\.0\.fileId/);
    const notJson = '{"events": [';
    expect((await post(notJson, signed(notJson))).json<{ error: unknown }>().error).toEqual({
      code: 'WEBHOOK_INVALID',
      message: 'the body is not JSON',
    });
  });

  it('quarantines an event for a file that is not ours, with the reason, and still stores the others', async () => {
    const body = JSON.stringify({
      events: [
        { id: 'x1', fileId: 'F-404', dossierId: 'dos-404', type: 'accepted', occurredAt: '2025-03-20T10:00:00Z' },
        (JSON.parse(batch('e1')) as { events: unknown[] }).events[0],
      ],
    });
    const res = await post(body, signed(body));
    expect(res.json()).toEqual({
      applied: 1,
      duplicates: 0,
      quarantined: [{ id: 'x1', reason: 'no dossier dos-404 (file F-404) was handed to this firm' }],
    });
    const q = (await h.call('GET', '/quarantine?connection=cabinet')).json<{
      records: { sourceId: string; reason: string }[];
    }>().records;
    expect(q).toEqual([
      expect.objectContaining({ sourceId: 'x1', reason: 'no dossier dos-404 (file F-404) was handed to this firm' }),
    ]);
  });
});
