import { procedureStateOf } from '../../mappings/lawfirm/status-words';
import { httpWebhookVerifier } from '../../adapters/lawfirm/webhook-verifier';
import { LawFirmLink } from '../../connector/lawfirm/link';
import { AdapterError } from '../../connector/ports/adapter-error';
import type { EventPage, LawFirmPartner } from '../../connector/ports/lawfirm';
import { ActionSchema } from '../../connector/model/action.schema';
import { CASE_ID, seed } from '../cases/case-fixtures';
import { openHarness, type Harness } from './api-harness';

/**
 * GET /lawfirm (and /api/lawfirm): the law-firm link as the health screen shows it, with a
 * partner whose feed is scripted: how events arrive, the last poll and its error (without the
 * address's credentials), the last event received, and the dossiers by state.
 */

const SECRET = 'whsec_3f9a1c5e7b2d4f6a8c0e1b3d5f7a9c2e';

describe('GET /lawfirm', () => {
  let h: Harness;
  afterEach(() => h.close());

  it('without a law-firm partner: configured false, under /api too', async () => {
    h = await openHarness();
    for (const path of ['/lawfirm', '/api/lawfirm']) {
      const answer = await h.call('GET', path);
      expect(answer.statusCode).toBe(200);
      expect(answer.json()).toStrictEqual({ configured: false });
    }
    expect((await h.call('GET', '/lawfirm', { token: null })).statusCode).toBe(401);
  });

  it('with a partner: how events arrive, the last poll and its error, the last event, the dossiers by state', async () => {
    const pages: (EventPage | Error)[] = [
      new AdapterError({
        code: 'LAWFIRM_UNREACHABLE',
        kind: 'transient',
        userMessage:
          'the firm did not answer GET https://recouvra:pa55w0rd@firm.example/v1/events?apiKey=k3y-s3cret (ECONNRESET); it is tried again later',
      }),
      {
        events: [
          {
            id: 'e1',
            fileId: 'F-9',
            dossierId: 'dos-9',
            type: 'accepted',
            occurredAt: '2025-03-23T10:00:00Z',
            label: 'Dossier ouvert',
          },
        ],
        next: 'c1',
      },
      { events: [], next: 'c1' },
    ];
    const partner = {
      events: async () => {
        const page = pages.shift()!;
        if (page instanceof Error) throw page;
        return page;
      },
    } as unknown as LawFirmPartner;
    let link: LawFirmLink | undefined;
    h = await openHarness({
      lawfirmPolling: { cron: '*/5 * * * *', timeZone: 'Europe/Paris' },
      lawfirm: ({ store, clock, logger }) =>
        (link = new LawFirmLink({
          id: 'cabinet',
          stateOf: procedureStateOf,
          partner,
          store,
          clock,
          logger,
          webhook: { verifier: httpWebhookVerifier({ secrets: [SECRET], toleranceSeconds: 300 }) },
        })),
    });
    await seed(h.store);
    const dossier = (id: string, status: 'submitted' | 'prepared' | 'rejected' | 'closed') =>
      h.store.dossiers.recordDossier(
        {
          id,
          caseId: CASE_ID,
          actionId: null,
          partner: 'cabinet',
          fileId: status === 'prepared' ? null : `F-${id.slice(4)}`,
          status,
          state: 'submitted',
          stateAt: '2025-03-01T00:00:00.000Z',
          events: 0,
          content: {},
          submittedAt: '2025-03-01T00:00:00.000Z',
          updatedAt: '2025-03-01T00:00:00.000Z',
        },
        [],
      );
    await dossier('dos-9', 'submitted');
    await dossier('dos-10', 'prepared');
    await dossier('dos-11', 'rejected');
    await dossier('dos-12', 'closed');
    const c = (await h.store.cases.getCase(CASE_ID))!;
    await h.store.cases.applyCaseChange({
      expected: c,
      caseAfter: c,
      actions: [
        ActionSchema.parse({
          id: 'act-withdraw',
          idempotencyKey: `${CASE_ID}/withdraw`,
          caseId: CASE_ID,
          decisionId: null,
          subject: { type: 'withdrawal' },
          kind: 'dossier',
          template: 'withdrawal',
          status: 'pending',
          notBefore: '2025-03-24T09:00:00.000Z',
          createdAt: '2025-03-24T09:00:00.000Z',
          updatedAt: '2025-03-24T09:00:00.000Z',
        }),
      ],
      journal: [],
    });

    const before = (await h.call('GET', '/api/lawfirm')).json();
    expect(before).toStrictEqual({
      configured: true,
      id: 'cabinet',
      webhook: { configured: true, path: '/webhooks/lawfirm' },
      polling: { cron: '*/5 * * * *', timeZone: 'Europe/Paris' },
      lastPollAt: null,
      lastPollError: null,
      lastEventAt: null,
      dossiers: { awaitingAnswer: 1, open: 1, refused: 1, ended: 1 },
      outbox: { waiting: 1, failed: 0 },
    });

    await expect(link!.poll()).rejects.toThrow(AdapterError);
    const failed = await h.call('GET', '/lawfirm');
    expect(failed.body).not.toMatch(/pa55w0rd|k3y-s3cret|apiKey/);
    expect(failed.json()).toMatchObject({
      lastPollAt: null,
      lastPollError: {
        code: 'LAWFIRM_UNREACHABLE',
        message: 'the firm did not answer GET https://firm.example/v1/events (ECONNRESET); it is tried again later',
        at: '2025-03-24T09:00:00.000Z',
      },
    });

    h.clock.advance(60_000);
    await link!.poll();
    expect((await h.call('GET', '/lawfirm')).json()).toMatchObject({
      lastPollAt: '2025-03-24T09:01:00.000Z',
      lastPollError: null,
      lastEventAt: '2025-03-24T09:01:00.000Z',
      dossiers: { awaitingAnswer: 1, open: 1, refused: 1, ended: 1 },
    });
  });

  it('a partner that pushes nothing and an API not told the schedule say so', async () => {
    h = await openHarness({
      lawfirm: ({ store, clock, logger }) =>
        new LawFirmLink({
          id: 'etude',
          stateOf: procedureStateOf,
          partner: {} as LawFirmPartner,
          store,
          clock,
          logger,
        }),
    });
    expect((await h.call('GET', '/lawfirm')).json()).toMatchObject({
      configured: true,
      id: 'etude',
      webhook: { configured: false, path: null },
      polling: null,
      dossiers: { awaitingAnswer: 0, open: 0, refused: 0, ended: 0 },
      outbox: { waiting: 0, failed: 0 },
    });
  });
});
