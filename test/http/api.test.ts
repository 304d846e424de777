import { createHash } from 'node:crypto';
import { ActionSchema } from '../../connector/model/action.schema';
import type { JobEnqueuer } from '../../connector/app/http/api';
import {
  caseAwaitingFormalNotice,
  CASE_ID,
  COMPANY,
  CREDIT,
  DEBTOR,
  phoneTask,
  R1,
  R2,
  seed,
} from '../cases/case-fixtures';
import { invoice } from '../helpers/builders';
import { CONNECTION, openHarness, TOKEN, type Harness } from './api-harness';
import { saveReceivables } from '../../connector/cases/case-lifecycle';
import { saveSyncPage } from '../../connector/sync/save-page';
import { jobStoreOf } from '../../connector/store/job-store';

/** The JSON API through Fastify's inject: authentication, validation, error shapes, and each route's effect on the store. */

describe('HTTP API', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await openHarness();
  });
  afterEach(() => h.close());

  const approvedActions = async () =>
    (await h.store.outbox.listActions({ caseId: CASE_ID })).filter((a) => a.idempotencyKey.includes('/approved/'));
  const lastEntry = async () => (await h.store.cases.readJournal(CASE_ID)).at(-1);

  describe('authentication', () => {
    it('answers 401 with a JSON error without a token, with a wrong one, or with another scheme', async () => {
      await seed(h.store);
      const attempts: Record<string, string>[] = [
        {},
        { authorization: `Bearer ${TOKEN}x` },
        { authorization: 'Bearer rcv_0000000000000000000000000000000000' },
        { authorization: `Basic ${TOKEN}` },
        { authorization: TOKEN },
      ];
      for (const headers of attempts) {
        const res = await h.call('GET', '/cases', { token: null, headers });
        expect(res.statusCode).toBe(401);
        expect(res.headers['www-authenticate']).toBe('Bearer realm="recouvra"');
        expect(res.json()).toEqual({
          error: { code: 'UNAUTHORIZED', message: expect.stringContaining('Authorization: Bearer') },
        });
      }
      const posted = await h.call('POST', `/cases/${CASE_ID}/pause`, {
        token: 'wrong-token-wrong-token-wrong',
        body: { reason: 'x' },
      });
      expect(posted.statusCode).toBe(401);
      expect((await h.store.cases.getCase(CASE_ID))?.manualPause).toBeNull();
      expect((await h.call('GET', '/cases')).statusCode).toBe(200);
    });

    it('lets GET /health through without a token, and hides unknown routes behind it', async () => {
      const health = await h.call('GET', '/health', { token: null });
      expect(health.statusCode).toBe(200);
      expect(health.json()).toEqual({ status: 'ok' });
      expect((await h.call('GET', '/nowhere', { token: null })).statusCode).toBe(401);
      const unknown = await h.call('GET', '/nowhere?x=1');
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json()).toEqual({ error: { code: 'ROUTE_NOT_FOUND', message: 'no route GET /nowhere' } });
    });

    it('logs method, route, status and duration only: never the token, the ids, the query or the body', async () => {
      await seed(h.store);
      await h.call('GET', '/cases', { token: null });
      await h.call('GET', '/cases', { token: 'rcv_guessing_guessing_guessing_guessing' });
      await h.call('GET', `/cases/${CASE_ID}?debug=${encodeURIComponent(DEBTOR.name)}`);
      await h.call('POST', `/items/${encodeURIComponent(R1.id)}/dispute`, {
        body: { reason: 'Mme Lemoine says the van was never delivered' },
        user: 'claire.martin',
      });
      const lines = h.lines();
      const text = lines.join('\n');
      for (const secret of [TOKEN, 'rcv_guessing', CASE_ID, R1.id, DEBTOR.name, 'Lemoine', 'claire.martin', 'debug'])
        expect(text).not.toContain(secret);
      const requests = lines
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((l) => typeof l['route'] === 'string');
      expect(requests.map((l) => [l['method'], l['route'], l['status']])).toEqual([
        ['GET', '/cases', 401],
        ['GET', '/cases', 401],
        // An unknown query parameter is refused (a misspelt ?connection= must not be ignored).
        ['GET', '/cases/:id', 400],
        ['POST', '/items/:id/dispute', 200],
      ]);
      for (const l of requests)
        expect(Object.keys(l).sort()).toEqual([
          'durationMs',
          'level',
          'message',
          'method',
          'route',
          'status',
          'timestamp',
        ]);
    });
  });

  describe('validation', () => {
    it('answers 400 listing every problem of the body and the user header, each with its path', async () => {
      await seed(h.store);
      const res = await h.call('POST', `/cases/${CASE_ID}/pause`, {
        body: { until: '2025-02-30', colour: 'red' },
        user: 'x'.repeat(101),
      });
      expect(res.statusCode).toBe(400);
      const { error } = res.json<{
        error: { code: string; message: string; problems: { path: string; message: string }[] };
      }>();
      expect(error.code).toBe('INVALID_REQUEST');
      expect(error.problems.map((p) => p.path).sort()).toEqual([
        'body.colour',
        'body.reason',
        'body.until',
        'headers.x-recouvra-user',
      ]);
      expect(error.problems.find((p) => p.path === 'body.until')?.message).toBe(
        '"2025-02-30" is not a calendar date written YYYY-MM-DD',
      );
      expect(error.message).toMatch(/^the request has 4 problems: /);
      expect((await h.store.cases.getCase(CASE_ID))?.manualPause).toBeNull();
    });

    it('lists every problem of the query string and the path too', async () => {
      const res = await h.call('GET', '/cases?stage=sleeping&limit=0&colour=red');
      expect(res.statusCode).toBe(400);
      expect(
        res
          .json<{ error: { problems: { path: string }[] } }>()
          .error.problems.map((p) => p.path)
          .sort(),
      ).toEqual(['query.colour', 'query.limit', 'query.stage']);
      const longest = await h.call('GET', `/cases/${'é'.repeat(200)}`);
      expect(longest.json<{ error: { code: string } }>().error.code).toBe('CASE_NOT_FOUND');
      const tooLong = await h.call('GET', `/cases/${'c'.repeat(201)}`);
      expect(tooLong.json()).toMatchObject({
        error: { code: 'INVALID_REQUEST', problems: [{ path: 'params.id', message: 'is longer than 200 characters' }] },
      });
      const journal = await h.call('GET', `/cases/${CASE_ID}/journal?after=-1`);
      expect(journal.json<{ error: { problems: { path: string; message: string }[] } }>().error.problems).toEqual([
        { path: 'query.after', message: 'must be a whole number' },
      ]);
    });

    it('answers 400 to a body that is not JSON, 415 to one in another format, and takes an empty body of any type as none', async () => {
      await caseAwaitingFormalNotice(h.store);
      const broken = await h.call('POST', `/cases/${CASE_ID}/reject`, {
        body: '{"reason": ',
        headers: { 'content-type': 'application/json' },
      });
      expect(broken.statusCode).toBe(400);
      expect(broken.json<{ error: { code: string } }>().error.code).toMatch(/^FST_ERR_CTP_/);
      const form = await h.call('POST', `/cases/${CASE_ID}/reject`, {
        body: 'reason=later',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(form.statusCode).toBe(415);
      expect(form.json()).toEqual({
        error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send the body as JSON (Content-Type: application/json)' },
      });
      expect((await h.store.cases.getCase(CASE_ID))?.stage).toBe('awaiting_approval');
      const empty = await h.call('POST', `/cases/${CASE_ID}/approve`, {
        headers: { 'content-type': 'application/json' },
      });
      expect(empty.statusCode).toBe(200);
      const emptyForm = await h.call('POST', `/cases/${CASE_ID}/pause`, {
        body: '',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(emptyForm.json<{ error: { problems: { path: string }[] } }>().error.problems.map((p) => p.path)).toEqual([
        'body',
      ]);
    });
  });

  describe('error shapes', () => {
    it('404 for what does not exist and 409 for a state that does not allow the operation', async () => {
      await caseAwaitingFormalNotice(h.store);
      const missing = await h.call('GET', '/cases/case_000000000000000000000000');
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toEqual({
        error: {
          code: 'CASE_NOT_FOUND',
          message: 'no case case_000000000000000000000000: searched case ids, item ids and invoice numbers',
        },
      });
      expect((await h.call('POST', '/items/odoo:move:999/dispute', { body: { reason: 'x' } })).json()).toEqual({
        error: { code: 'ITEM_NOT_FOUND', message: 'no item odoo:move:999: searched item ids and invoice numbers' },
      });
      expect((await h.call('GET', '/cases/case_000000000000000000000000/journal')).statusCode).toBe(404);

      const notPaused = await h.call('POST', `/cases/${CASE_ID}/resume`);
      expect(notPaused.statusCode).toBe(409);
      expect(notPaused.json()).toEqual({
        error: { code: 'NOT_PAUSED', message: `case ${CASE_ID} is awaiting_approval and not paused` },
      });

      expect((await h.call('POST', `/cases/${CASE_ID}/approve`)).statusCode).toBe(200);
      const again = await h.call('POST', `/cases/${CASE_ID}/approve`);
      expect(again.statusCode).toBe(409);
      expect(again.json()).toEqual({
        error: { code: 'NOT_AWAITING_APPROVAL', message: `case ${CASE_ID} is formal_notice, not awaiting approval` },
      });
      expect(await approvedActions()).toHaveLength(3);
    });
  });

  describe('reading cases', () => {
    it('GET /cases pages by id and filters by stage', async () => {
      await caseAwaitingFormalNotice(h.store);
      for (const d of ['odoo:partner:8', 'odoo:partner:9'])
        await saveReceivables(
          h.store,
          [invoice({ id: `${d}/inv`, debtorId: d, companyId: COMPANY })],
          '2025-03-01T08:00:00.000Z',
        );
      const all = (await h.store.cases.listCases()).map((c) => c.id);
      const first = await h.call('GET', '/cases?limit=2');
      const page1 = first.json<{ cases: { id: string }[]; next: string | null }>();
      expect(page1.cases.map((c) => c.id)).toEqual(all.slice(0, 2));
      expect(page1.next).toBe(all[1]);
      const page2 = (await h.call('GET', `/cases?limit=2&after=${page1.next}`)).json<{
        cases: { id: string }[];
        next: string | null;
      }>();
      expect(page2).toEqual({ cases: [expect.objectContaining({ id: all[2] })], next: null });
      const waiting = (await h.call('GET', '/cases?stage=awaiting_approval')).json<{
        cases: { id: string; stage: string }[];
      }>();
      expect(waiting.cases.map((c) => [c.id, c.stage])).toEqual([[CASE_ID, 'awaiting_approval']]);
    });

    it('GET /cases/:id gives the case, the debtor’s name, the open items and their amounts', async () => {
      await seed(h.store);
      await saveSyncPage(h.store, {
        connection: CONNECTION,
        stream: 'invoices',
        receivables: [{ ...R2, open: 0, sourceVersion: 'v2' }],
        at: '2025-03-22T08:00:00.000Z',
      });
      await h.call('POST', `/items/${R1.id}/dispute`, { body: { reason: 'price' } });
      const res = await h.call('GET', `/cases/${CASE_ID}`);
      expect(res.statusCode).toBe(200);
      const body = res.json<{
        case: { id: string };
        debtor: unknown;
        items: { id: string }[];
        amounts: unknown;
        asOf: string;
      }>();
      expect(body.case.id).toBe(CASE_ID);
      expect(body.debtor).toEqual({ id: DEBTOR.id, name: 'Garage Lemoine SARL', kind: 'company' });
      expect(body.items.map((i) => i.id)).toEqual([R1.id, CREDIT.id]);
      expect(body.amounts).toEqual({
        currency: 'EUR',
        invoices: 100_000,
        credit: 10_000,
        net: 90_000,
        overdue: 100_000,
        disputed: 100_000,
        excluded: 0,
      });
      expect(body.asOf).toBe('2025-03-24');
    });

    it('GET /cases/:id/journal reads the journal after a seq', async () => {
      await caseAwaitingFormalNotice(h.store);
      const all = (await h.call('GET', `/cases/${CASE_ID}/journal`)).json<{
        entries: { seq: number; type: string }[];
      }>().entries;
      expect(all.map((e) => e.type)).toEqual(['decision', 'decision', 'approval_requested']);
      const after = (await h.call('GET', `/cases/${CASE_ID}/journal?after=2`)).json<{
        entries: { seq: number; type: string }[];
      }>().entries;
      expect(after.map((e) => [e.seq, e.type])).toEqual([[3, 'approval_requested']]);
    });

    it('GET /cases/:id/deliveries and /documents list the tracking and the proofs; GET /documents/:id gives the bytes and their SHA-256', async () => {
      await seed(h.store);
      const at = '2025-03-24T09:00:00.000Z';
      const action = ActionSchema.parse({
        id: 'act-lrar',
        idempotencyKey: `${CASE_ID}/formal-notice/registered_letter`,
        caseId: CASE_ID,
        decisionId: null,
        subject: { type: 'decision', decisionId: 'dec-unrecorded' },
        kind: 'registered_letter',
        template: 'formal-notice',
        status: 'pending',
        notBefore: at,
        createdAt: at,
        updatedAt: at,
      });
      await h.store.cases.applyCaseChange({
        caseAfter: (await h.store.cases.getCase(CASE_ID))!,
        actions: [action],
        journal: [],
      });
      await h.store.outbox.completeAction({
        id: action.id,
        status: 'done',
        attempts: 1,
        lastError: null,
        at,
        delivery: { channel: 'registered_letter', providerId: 'ltr_1', status: 'accepted', nextCheckAt: at },
      });
      const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from([0, 0xff, 0x80]), Buffer.from('\n%%EOF\n')]);
      const id = `proof:${action.id}:acknowledgement_of_receipt`;
      await h.store.deliveries.recordDeliveryCheck({
        actionId: action.id,
        expectedChecks: 0,
        status: 'delivered',
        eventsSeen: 4,
        proofs: ['acknowledgement_of_receipt'],
        final: true,
        nextCheckAt: at,
        lastError: null,
        at,
        documents: [
          {
            id,
            caseId: CASE_ID,
            actionId: action.id,
            kind: 'acknowledgement_of_receipt',
            mediaType: 'application/pdf',
            content: pdf,
            provenAt: '2025-03-27',
            createdAt: at,
          },
        ],
      });

      const deliveries = (await h.call('GET', `/cases/${CASE_ID}/deliveries`)).json<{
        deliveries: { actionId: string; status: string; final: boolean }[];
      }>().deliveries;
      expect(deliveries).toEqual([
        expect.objectContaining({
          actionId: action.id,
          status: 'delivered',
          final: true,
          proofs: ['acknowledgement_of_receipt'],
        }),
      ]);
      const documents = (await h.call('GET', `/cases/${CASE_ID}/documents`)).json<{
        documents: { id: string; sha256: string; size: number }[];
      }>().documents;
      expect(documents).toEqual([
        expect.objectContaining({ id, kind: 'acknowledgement_of_receipt', size: pdf.length, provenAt: '2025-03-27' }),
      ]);
      expect(documents[0]).not.toHaveProperty('content');

      const res = await h.call('GET', `/documents/${encodeURIComponent(id)}`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.headers['content-disposition']).toBe(
        'attachment; filename="proof-act-lrar-acknowledgement_of_receipt.pdf"',
      );
      expect(res.rawPayload.equals(pdf)).toBe(true);
      expect(res.headers['x-content-sha256']).toBe(createHash('sha256').update(pdf).digest('hex'));
      expect(res.headers['x-content-sha256']).toBe(documents[0]!.sha256);

      expect((await h.call('GET', '/documents/proof:nothing:here')).json()).toEqual({
        error: { code: 'DOCUMENT_NOT_FOUND', message: 'no document proof:nothing:here' },
      });
      expect((await h.call('GET', '/cases/no-such-case/documents')).statusCode).toBe(404);
      expect((await h.call('GET', `/documents/${encodeURIComponent(id)}`, { token: null })).statusCode).toBe(401);
    });

    it('GET /approvals lists the cases waiting, with the step and the amounts the decision saw', async () => {
      await caseAwaitingFormalNotice(h.store);
      const res = await h.call('GET', '/approvals');
      expect(res.json()).toEqual({
        approvals: [
          {
            caseId: CASE_ID,
            debtor: { id: DEBTOR.id, name: 'Garage Lemoine SARL', kind: 'company' },
            step: expect.objectContaining({
              id: 'formal-notice',
              index: 1,
              kind: 'formal_notice',
              channels: ['registered_letter', 'email'],
              template: 'formal-notice',
            }),
            decidedOn: '2025-03-22',
            decisionId: expect.stringMatching(/^dec_/),
            decidedAt: '2025-03-22T12:00:00.000Z',
            amounts: { currency: 'EUR', open: 140_000, overdue: 140_000, credit: 10_000 },
            itemIds: [R1.id, R2.id, CREDIT.id],
            manualPause: null,
          },
        ],
        next: null,
      });
      await h.call('POST', `/cases/${CASE_ID}/approve`);
      expect((await h.call('GET', '/approvals')).json()).toEqual({ approvals: [], next: null });
    });

    it('GET /approvals shows the escalation preview on escalations only', async () => {
      await h.close();
      const asked: string[] = [];
      h = await openHarness({
        escalationPreview: async (caseId) => {
          asked.push(caseId);
          return { asOf: '2025-03-24', gate: { pass: true, conditions: [] }, recommendation: null, claim: null };
        },
      });
      await caseAwaitingFormalNotice(h.store);
      const [approval] = (await h.call('GET', '/api/approvals')).json<{ approvals: Record<string, unknown>[] }>()
        .approvals;
      // A formal notice waiting is not an escalation: no preview is computed for it.
      expect(approval).not.toHaveProperty('gate');
      expect(asked).toEqual([]);
    });
  });

  describe('GET /cases/:id/next-step', () => {
    it('answers what the ladder does next, and 404 with a code when the API has no policies', async () => {
      await seed(h.store);
      const unserved = await h.call('GET', `/cases/${CASE_ID}/next-step`);
      expect(unserved.statusCode).toBe(404);
      expect(unserved.json<{ error: { code: string } }>().error.code).toBe('NEXT_STEP_NOT_SERVED');
      await h.close();
      h = await openHarness({
        nextStep: async (caseId) =>
          caseId === CASE_ID
            ? {
                asOf: '2025-03-24',
                status: 'waiting',
                step: { id: 'reminder-2', kind: 'reminder', channels: ['email'], requiresApproval: false },
                dueOn: '2025-03-25',
                reasons: [],
              }
            : undefined,
      });
      await seed(h.store);
      const res = await h.call('GET', `/api/cases/${CASE_ID}/next-step`);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ status: 'waiting', step: { id: 'reminder-2' }, dueOn: '2025-03-25' });
    });
  });

  describe('GET /cases/:id/claim', () => {
    it('answers the claim of today for the case named by id or by reference, and 404 with a code otherwise', async () => {
      await h.close();
      const asked: string[] = [];
      h = await openHarness({
        caseClaim: async (caseId) => {
          asked.push(caseId);
          if (caseId !== CASE_ID) return undefined;
          return {
            asOf: '2025-03-24',
            claim: null,
            leftOut: [],
            unavailable: 'no overdue invoice is left to claim today',
          };
        },
      });
      await seed(h.store);
      const res = await h.call('GET', `/api/cases/${CASE_ID}/claim`);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        asOf: '2025-03-24',
        claim: null,
        leftOut: [],
        unavailable: 'no overdue invoice is left to claim today',
      });
      const missing = await h.call('GET', '/cases/case_nowhere/claim');
      expect(missing.statusCode).toBe(404);
      expect(missing.json<{ error: { code: string } }>().error.code).toBe('CASE_NOT_FOUND');
      // An unknown case is refused before anything is computed.
      expect(asked).toEqual([CASE_ID]);
    });

    it('says the claim is not served by an API started without the legal data', async () => {
      await seed(h.store);
      const res = await h.call('GET', `/cases/${CASE_ID}/claim`);
      expect(res.statusCode).toBe(404);
      expect(res.json<{ error: { code: string } }>().error.code).toBe('CLAIM_NOT_SERVED');
    });
  });

  describe('acting on cases', () => {
    it('POST approve queues the actions under the user named by X-Recouvra-User', async () => {
      await caseAwaitingFormalNotice(h.store);
      const res = await h.call('POST', `/cases/${CASE_ID}/approve`, { user: 'claire.martin' });
      expect(res.statusCode).toBe(200);
      const body = res.json<{ case: { stage: string }; actions: { kind: string }[] }>();
      expect(body.case.stage).toBe('formal_notice');
      expect(body.actions.map((a) => a.kind)).toEqual(['registered_letter', 'email', 'ledger_note']);
      expect((await approvedActions()).map((a) => a.kind).sort()).toEqual([
        'email',
        'ledger_note',
        'registered_letter',
      ]);
      expect(await lastEntry()).toMatchObject({ type: 'approved', actor: { kind: 'user', id: 'claire.martin' } });
    });

    it('POST reject returns the case to its last stage and journals the reason as user "api" by default', async () => {
      await caseAwaitingFormalNotice(h.store);
      const res = await h.call('POST', `/cases/${CASE_ID}/reject`, {
        body: { reason: 'a payment plan is being negotiated' },
      });
      expect(res.statusCode).toBe(200);
      expect(await h.store.cases.getCase(CASE_ID)).toMatchObject({ stage: 'reminding', pendingApproval: null });
      expect(await lastEntry()).toMatchObject({
        type: 'rejected',
        actor: { kind: 'user', id: 'api' },
        data: { reason: 'a payment plan is being negotiated' },
      });
      expect(await approvedActions()).toEqual([]);
    });

    it('POST pause and resume set and clear the manual pause', async () => {
      await seed(h.store);
      const paused = await h.call('POST', `/cases/${CASE_ID}/pause`, {
        body: { reason: 'debtor in hospital', until: '2025-04-30' },
        user: 'paul',
      });
      expect(paused.statusCode).toBe(200);
      expect((await h.store.cases.getCase(CASE_ID))?.manualPause).toEqual({
        reason: 'debtor in hospital',
        until: '2025-04-30',
      });
      await h.call('POST', `/cases/${CASE_ID}/pause`, { body: { reason: 'until further notice' } });
      expect((await h.store.cases.getCase(CASE_ID))?.manualPause).toEqual({
        reason: 'until further notice',
        until: null,
      });
      expect((await h.call('POST', `/cases/${CASE_ID}/resume`, { user: 'paul' })).statusCode).toBe(200);
      expect((await h.store.cases.getCase(CASE_ID))?.manualPause).toBeNull();
      expect((await h.store.cases.readJournal(CASE_ID)).map((e) => e.type)).toEqual(['paused', 'paused', 'resumed']);
      const past = await h.call('POST', `/cases/${CASE_ID}/pause`, { body: { reason: 'x', until: '2025-03-01' } });
      expect(past.statusCode).toBe(400);
      expect(past.json<{ error: { code: string } }>().error.code).toBe('PAUSE_IN_THE_PAST');
    });

    it('POST and DELETE /items/:id/dispute, POST and DELETE /items/:id/exclude set and clear the marks', async () => {
      await seed(h.store);
      const disputed = await h.call('POST', `/items/${R1.id}/dispute`, { body: { reason: 'van never delivered' } });
      expect(disputed.json<{ item: { disputed: unknown } }>().item.disputed).toEqual({
        reason: 'van never delivered',
        since: '2025-03-24',
      });
      expect((await h.store.sync.getReceivable(R1.id))?.disputed).toEqual({
        reason: 'van never delivered',
        since: '2025-03-24',
      });
      expect((await h.call('DELETE', `/items/${R1.id}/dispute`)).statusCode).toBe(200);
      expect((await h.store.sync.getReceivable(R1.id))?.disputed).toBeNull();
      expect((await h.call('DELETE', `/items/${R1.id}/dispute`)).json()).toEqual({
        error: { code: 'NOT_DISPUTED', message: `item ${R1.id} is not disputed` },
      });

      await h.call('POST', `/items/${R2.id}/exclude`, { body: { reason: 'handled by sales' } });
      expect((await h.store.sync.getReceivable(R2.id))?.excluded).toEqual({
        reason: 'handled by sales',
        since: '2025-03-24',
      });
      await h.call('DELETE', `/items/${R2.id}/exclude`);
      expect((await h.store.sync.getReceivable(R2.id))?.excluded).toBeNull();
      expect((await h.store.cases.readJournal(CASE_ID)).map((e) => e.type)).toEqual([
        'item_disputed',
        'item_disputed',
        'item_excluded',
        'item_excluded',
      ]);
    });

    it('POST /cases/:id/promise and /items/:id/promise record the promise on the items', async () => {
      await seed(h.store);
      const res = await h.call('POST', `/cases/${CASE_ID}/promise`, { body: { date: '2025-04-05', amount: 120_000 } });
      expect(res.statusCode).toBe(200);
      expect((await h.store.sync.getReceivable(R1.id))?.promiseToPay).toEqual({
        date: '2025-04-05',
        amount: 100_000,
        recordedOn: '2025-03-24',
      });
      expect((await h.store.sync.getReceivable(R2.id))?.promiseToPay).toEqual({
        date: '2025-04-05',
        amount: 20_000,
        recordedOn: '2025-03-24',
      });
      await h.call('POST', `/items/${R2.id}/promise`, { body: { date: '2025-04-15' } });
      expect((await h.store.sync.getReceivable(R2.id))?.promiseToPay).toEqual({
        date: '2025-04-15',
        recordedOn: '2025-03-24',
      });
      const tooMuch = await h.call('POST', `/cases/${CASE_ID}/promise`, {
        body: { date: '2025-04-05', amount: 150_001 },
      });
      expect(tooMuch.statusCode).toBe(400);
      expect(tooMuch.json<{ error: { code: string } }>().error.code).toBe('PROMISE_ABOVE_OPEN');
      expect(
        (await h.call('POST', `/cases/${CASE_ID}/promise`, { body: { date: '2025-04-05', amount: 12.5 } })).statusCode,
      ).toBe(400);
    });

    it('POST /actions/:id/call-result journals the call, and a promise with it', async () => {
      await seed(h.store);
      const { phone, email } = await phoneTask(h.store);
      expect(
        (
          await h.call('POST', `/actions/${phone.id}/call-result`, {
            body: { outcome: 'wrong_number', note: 'number disconnected' },
            user: 'paul',
          })
        ).statusCode,
      ).toBe(200);
      expect(await lastEntry()).toMatchObject({
        type: 'note',
        actor: { id: 'paul' },
        data: { outcome: 'wrong_number', note: 'number disconnected' },
      });
      await h.call('POST', `/actions/${phone.id}/call-result`, {
        body: { outcome: 'promise', date: '2025-04-10', amount: 30_000 },
      });
      expect((await h.store.sync.getReceivable(R1.id))?.promiseToPay).toEqual({
        date: '2025-04-10',
        amount: 30_000,
        recordedOn: '2025-03-24',
      });
      const wrong = await h.call('POST', `/actions/${phone.id}/call-result`, {
        body: { outcome: 'reached', date: '2025-04-10' },
      });
      expect(wrong.json<{ error: { problems: { path: string }[] } }>().error.problems.map((p) => p.path)).toEqual([
        'body.date',
      ]);
      expect(
        (await h.call('POST', `/actions/${email.id}/call-result`, { body: { outcome: 'reached' } })).statusCode,
      ).toBe(409);
      expect((await h.call('POST', '/actions/act-none/call-result', { body: { outcome: 'reached' } })).statusCode).toBe(
        404,
      );
    });
  });

  describe('readiness', () => {
    it('GET /ready answers 200 while the store answers and 503 once it is closed', async () => {
      const ready = await h.call('GET', '/ready');
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toEqual({ status: 'ready' });
      await h.store.close();
      const closed = await h.call('GET', '/ready');
      expect(closed.statusCode).toBe(503);
      expect(closed.json()).toEqual({ status: 'not_ready', down: ['store'] });
      expect((await h.call('GET', '/health')).statusCode).toBe(200);
    });
  });

  describe('jobs, quarantine and syncs on demand', () => {
    it('POST /connections/:id/sync enqueues exactly one sync job keyed manual/<id>/<at>', async () => {
      const res = await h.call('POST', `/connections/${CONNECTION}/sync`);
      expect(res.statusCode).toBe(202);
      const jobId = `sync/manual/${CONNECTION}/2025-03-24T09:00:00.000Z`;
      expect(res.json()).toEqual({ jobId, added: true });
      expect(await h.queue.getJob(jobId)).toMatchObject({
        id: jobId,
        name: 'sync',
        data: { connection: CONNECTION },
        status: 'waiting',
      });
      expect((await h.call('POST', `/connections/${CONNECTION}/sync`)).json()).toEqual({ jobId, added: false });
      expect(await h.queue.counts('sync')).toMatchObject({ waiting: 1 });
      h.clock.advance(60_000);
      expect((await h.call('POST', `/connections/${CONNECTION}/sync`)).json<{ added: boolean }>().added).toBe(true);
      expect(await h.queue.counts('sync')).toMatchObject({ waiting: 2 });

      const unknown = await h.call('POST', '/connections/sage-main/sync');
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json()).toEqual({
        error: { code: 'CONNECTION_NOT_FOUND', message: 'no connection sage-main in the configuration' },
      });
      expect(await h.queue.counts()).toMatchObject({ waiting: 2 });
    });

    it('goes through the daemon when there is one', async () => {
      const calls: unknown[][] = [];
      const daemon: JobEnqueuer = { enqueue: async (...args) => (calls.push(args), { added: true }) };
      const withDaemon = await openHarness({ daemon, withQueue: false });
      try {
        expect((await withDaemon.call('POST', `/connections/${CONNECTION}/sync`)).statusCode).toBe(202);
        expect(calls).toEqual([['sync', { connection: CONNECTION }, `manual/${CONNECTION}/2025-03-24T09:00:00.000Z`]]);
        expect((await withDaemon.call('GET', '/jobs/failed')).json()).toEqual({
          error: { code: 'NO_QUEUE', message: 'this API runs without a job queue' },
        });
      } finally {
        await withDaemon.close();
      }
    });

    it('GET /jobs/failed lists the parked jobs with their errors', async () => {
      const now = h.clock.now().getTime();
      await jobStoreOf(h.store).enqueueJob({
        job: {
          id: 'sync/odoo-main/tick-1',
          name: 'sync',
          data: { connection: CONNECTION },
          maxAttempts: 1,
          backoffMs: 1_000,
          runAt: now,
        },
        now,
        completedRetentionMs: 0,
      });
      await jobStoreOf(h.store).claimJob({ names: ['sync'], now, leaseMs: 10_000, lockedBy: 'worker-1' });
      await jobStoreOf(h.store).settleJob({
        id: 'sync/odoo-main/tick-1',
        lockedBy: 'worker-1',
        now,
        outcome: { status: 'failed', error: 'ODOO_AUTH: the API key was refused' },
      });
      await h.call('POST', `/connections/${CONNECTION}/sync`);
      const res = await h.call('GET', '/jobs/failed?name=sync');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        jobs: [
          expect.objectContaining({
            id: 'sync/odoo-main/tick-1',
            name: 'sync',
            status: 'failed',
            attemptsMade: 1,
            error: 'ODOO_AUTH: the API key was refused',
          }),
        ],
      });
      expect((await h.call('GET', '/jobs/failed?name=evaluate')).json()).toEqual({ jobs: [] });
      expect((await h.call('GET', '/jobs/failed?name=fetch')).statusCode).toBe(400);
    });

    it('GET /quarantine lists the quarantined records, by connection', async () => {
      await saveSyncPage(h.store, {
        connection: CONNECTION,
        stream: 'invoices',
        quarantined: [
          { sourceId: '404', reason: 'amount_residual is negative', raw: { id: 404 }, at: '2025-03-24T08:00:00.000Z' },
        ],
        at: '2025-03-24T08:00:00.000Z',
      });
      const res = await h.call('GET', `/quarantine?connection=${CONNECTION}`);
      expect(res.json()).toEqual({
        records: [
          {
            connection: CONNECTION,
            stream: 'invoices',
            sourceId: '404',
            reason: 'amount_residual is negative',
            raw: { id: 404 },
            at: '2025-03-24T08:00:00.000Z',
          },
        ],
      });
      expect((await h.call('GET', '/quarantine?connection=other')).json()).toEqual({ records: [] });
    });
  });
});
