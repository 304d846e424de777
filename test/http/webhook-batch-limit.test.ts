import { procedureStateOf } from '../../mappings/lawfirm/status-words';
import { webhookHeaders } from '../../adapters/lawfirm/webhook-signature';
import type { LawFirmPartner } from '../../connector/ports/lawfirm';
import { loadProcedureData } from '../../connector/dossier/procedure-data';
import { MAX_WEBHOOK_EVENTS } from '../../connector/app/http/webhook-routes';
import { LawFirmLink } from '../../connector/lawfirm/link';
import { CASE_ID, R1, seed } from '../cases/case-fixtures';
import { openHarness, type Harness } from './api-harness';
import { httpWebhookVerifier } from '../../adapters/lawfirm/webhook-verifier';

/** The contract allows at most 100 events in one webhook request (openapi.yaml, WebhookPayload.events.maxItems). */

const SECRET = 'whsec_3f9a1c5e7b2d4f6a8c0e1b3d5f7a9c2e';

describe('POST /webhooks/lawfirm: batch size', () => {
  let h: Harness;
  const batchOf = (n: number, prefix: string) =>
    JSON.stringify({
      events: Array.from({ length: n }, (_, i) => ({
        id: `${prefix}${i}`,
        fileId: 'F-9',
        dossierId: 'dos-9',
        type: i === 0 ? 'accepted' : 'amicable',
        occurredAt: '2025-03-20T10:00:00Z',
        label: `event ${i}`,
      })),
    });
  const post = (body: string) =>
    h.call('POST', '/webhooks/lawfirm', {
      token: null,
      body,
      headers: {
        'content-type': 'application/json',
        ...webhookHeaders(SECRET, Math.floor(h.clock.now().getTime() / 1000), body),
      },
    });
  const journalled = async () =>
    (await h.store.cases.readJournal(CASE_ID)).filter((j) => j.type === 'procedure_event').length;

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
            verifier: httpWebhookVerifier({ secrets: [SECRET], toleranceSeconds: 300 }),
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

  it('is the contract figure', () => {
    expect(MAX_WEBHOOK_EVENTS).toBe(100);
  });

  it('refuses a batch of 101 events with 400 and a body saying why, applying none of them', async () => {
    const res = await post(batchOf(MAX_WEBHOOK_EVENTS + 1, 'big-'));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: {
        code: 'WEBHOOK_BATCH_TOO_LARGE',
        message: expect.stringContaining(
          'the batch holds 101 events, more than the 100 the contract allows in one request',
        ),
        events: 101,
        maxEvents: 100,
      },
    });
    expect(res.json<{ error: { message: string } }>().error.message).toContain('none was applied');
    expect(await journalled()).toBe(0);
    expect(await h.store.dossiers.listProcedureEvents('dos-9')).toEqual([]);
    expect(await h.store.outbox.listActions({ caseId: CASE_ID, kind: 'ledger_note' })).toEqual([]);
    expect((await h.store.dossiers.getDossier('dos-9'))?.events).toBe(0);
    expect(h.lines().some((l) => l.includes('webhook refused: a batch of 101 events'))).toBe(true);
  });

  it('applies a batch of exactly 100 events, and the refused events come through in smaller batches afterwards', async () => {
    expect((await post(batchOf(MAX_WEBHOOK_EVENTS + 1, 'e'))).statusCode).toBe(400);
    const full = await post(batchOf(MAX_WEBHOOK_EVENTS, 'e'));
    expect(full.statusCode).toBe(200);
    expect(full.json()).toMatchObject({ applied: 100, duplicates: 0, quarantined: [] });
    const rest = JSON.stringify({
      events: [(JSON.parse(batchOf(MAX_WEBHOOK_EVENTS + 1, 'e')) as { events: unknown[] }).events[100]],
    });
    expect((await post(rest)).json()).toMatchObject({ applied: 1 });
    expect(await journalled()).toBe(101);
  });
});
