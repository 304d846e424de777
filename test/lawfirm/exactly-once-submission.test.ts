import { procedureStateOf } from '../../mappings/lawfirm/status-words';
import { LawFirmHttpConfigSchema } from '../../adapters/lawfirm/config.schema';
import { DossierAlreadySubmittedError } from '../../connector/ports/lawfirm';
import { HttpLawFirmPartner } from '../../adapters/lawfirm/http-client';
import { LawFirmSimulator } from '../../adapters/lawfirm/simulator/server';
import type { Config } from '../../config/config.schema';
import {
  dossierPerformer,
  requeueSubmissionsInDoubt,
  type BuiltDossier,
} from '../../connector/lawfirm/dossier-performer';
import { LawFirmLink } from '../../connector/lawfirm/link';
import { dossierBuilder } from '../../connector/lawfirm/dossier-builder';
import type { Action } from '../../connector/model/action.schema';
import type { Store } from '../../connector/store/store';
import { AdapterError } from '../../connector/ports/adapter-error';
import type { ErpAdapter } from '../../connector/ports/erp';
import type { ConnectionAdapter } from '../../connector/sync/connections';
import {
  CREDITOR,
  LEGAL,
  openStore,
  pdf,
  POLICIES,
  PROCEDURES,
  recordEscalation,
  seedWorld,
  sha256,
  TIME_ZONE,
} from '../dossier/fixtures';
import { b2bWorld } from '../dossier/worlds';
import { handClock } from '../cases/case-fixtures';
import { memoryLogger } from '../helpers/logger';

/**
 * The hand-off to the firm is exactly once across a lost answer: the dossier is built and stored
 * once, before its first sending, and every attempt sends the stored bytes under the row's key,
 * against the simulated firm over HTTP (its `dropNext` processes a submission, then cuts the
 * connection before the answer).
 */
describe('exactly-once submission of a dossier', () => {
  let store: Store;
  let sim: LawFirmSimulator;
  let firm: HttpLawFirmPartner;
  const clock = handClock('2026-04-20T10:00:00.000Z');
  const logged = memoryLogger('debug');
  const config = {
    company: { name: CREDITOR.name, siren: CREDITOR.siren, address: CREDITOR.address, timezone: TIME_ZONE },
    dunning: { defaultPolicy: { company: 'fr-b2b', individual: 'fr-b2c' }, overrides: {} },
    legal: {},
  } as unknown as Config;
  const INVOICE_PDF = pdf('FAC-2025-0101');

  beforeEach(async () => {
    store = await openStore();
    sim = await new LawFirmSimulator({ seed: 1 }).start();
    firm = new HttpLawFirmPartner({
      config: LawFirmHttpConfigSchema.parse({
        baseUrl: sim.url,
        apiKey: sim.apiKey,
        webhookSecret: 'whsec_exactly_once_0123456789abcd',
        timeoutMs: 5_000,
      }),
    });
  });
  afterEach(async () => {
    await sim.stop();
    await store.close();
  });

  async function world(): Promise<{
    action: Action;
    builds: () => number;
    perform: (a?: Action) => ReturnType<ReturnType<typeof dossierPerformer>>;
    link: LawFirmLink;
  }> {
    const w = b2bWorld();
    const caseId = await seedWorld(store, w);
    await recordEscalation(
      store,
      caseId,
      w.policy,
      '2026-04-20',
      w.items.map((r) => r.id),
    );
    const stored = (await store.outbox.listActions({ caseId }))[0]!;
    const action: Action = {
      ...stored,
      kind: 'dossier',
      template: null,
      idempotencyKey: `${caseId}/escalation/2026-04-20/dossier`,
    };
    const adapter = { invoicePdf: async () => ({ name: 'FAC.pdf', content: INVOICE_PDF }) } as unknown as ErpAdapter;
    const build = dossierBuilder({
      config,
      store,
      clock,
      legal: LEGAL,
      procedures: PROCEDURES,
      policies: POLICIES,
      connections: new Map<string, ConnectionAdapter>([['odoo-main', { adapter, settings: {} }]]),
    });
    let count = 0;
    const counted = async (a: Action): Promise<BuiltDossier> => (count++, build(a));
    const link = new LawFirmLink({
      stateOf: procedureStateOf,
      id: 'cabinet',
      partner: firm,
      store,
      clock,
      logger: logged.logger,
    });
    const performer = dossierPerformer({ store, clock, link, build: counted });
    return { action, builds: () => count, perform: (a = action) => performer(a), link };
  }

  it('a lost answer two days later: the stored bytes are sent again, the firm replays, one file, one journal line', async () => {
    const { action, builds, perform } = await world();
    sim.controls.dropNext(1);
    await expect(perform()).rejects.toThrow();
    // The firm opened the file; on our side the dossier is stored, prepared, with its documents.
    expect(sim.listFiles()).toHaveLength(1);
    const [prepared] = await store.dossiers.listDossiers({ caseId: action.caseId });
    expect(prepared).toMatchObject({ status: 'prepared', fileId: null, actionId: action.id });
    expect(prepared!.contentSha256).toBe(sha256(Buffer.from(JSON.stringify(prepared!.content))));
    expect(prepared!.parts!.map((p) => [p.kind, p.sha256])).toEqual(
      expect.arrayContaining([['invoice', sha256(INVOICE_PDF)]]),
    );
    expect(await store.dossiers.listDossiers({ caseId: action.caseId, open: true })).toHaveLength(1);

    // Two days on, a rebuild would carry another createdAt, as-of and interest: the firm would see another body.
    clock.advance(2 * 86_400_000);
    const done = await perform();
    expect(builds()).toBe(1);
    expect(done.data).toMatchObject({ replayed: true, fileId: sim.listFiles()[0]!.fileId });
    expect(sim.listFiles()).toHaveLength(1);
    expect(await store.dossiers.getDossier(prepared!.id)).toMatchObject({
      status: 'submitted',
      fileId: sim.listFiles()[0]!.fileId,
      content: prepared!.content,
    });
    const journal = await store.cases.readJournal(action.caseId);
    expect(journal.filter((j) => j.type === 'dossier_prepared')).toHaveLength(1);
    expect(journal.filter((j) => j.type === 'dossier_submitted')).toHaveLength(1);
    expect(journal.find((j) => j.type === 'dossier_submitted')!.summary).toMatch(/already received/);

    // Performed once more (a completion lost after the answer): nothing is sent, nothing journalled.
    const again = await perform();
    expect(again.summary).toMatch(/^dossier already handed to the law firm cabinet: file /);
    expect((await store.cases.readJournal(action.caseId)).filter((j) => j.type === 'dossier_submitted')).toHaveLength(
      1,
    );
  });

  it("the firm's event before its answer: applied to the prepared dossier, whose file it names; the answer then adds nothing", async () => {
    const { action, perform, link } = await world();
    sim.controls.dropNext(1);
    await expect(perform()).rejects.toThrow();
    const fileId = sim.listFiles()[0]!.fileId;
    const polled = await link.poll();
    expect(polled.applied).toBeGreaterThan(0);
    const [dossier] = await store.dossiers.listDossiers({ caseId: action.caseId });
    expect(dossier!.fileId).toBe(fileId);
    expect(dossier!.events).toBe(polled.applied);
    await perform();
    const submitted = (await store.cases.readJournal(action.caseId)).filter((j) => j.type === 'dossier_submitted');
    expect(submitted).toHaveLength(1);
    expect(submitted[0]!.data).toMatchObject({ fileId, fromEvent: expect.any(String) });
  });

  it('at start, a submission in doubt whose row failed for good is made due again, once; the stored bytes find the file', async () => {
    const { action, perform } = await world();
    sim.controls.dropNext(1);
    await expect(perform()).rejects.toThrow();
    // The firm was down longer than the retries: the row failed for good, the file unknown on our side.
    await store.outbox.completeAction({
      id: action.id,
      status: 'failed',
      attempts: 5,
      lastError: 'LAWFIRM_UNREACHABLE: connection reset',
      at: clock.now().toISOString(),
    });
    expect(await requeueSubmissionsInDoubt({ store, clock, partner: 'cabinet' })).toBe(1);
    expect(await requeueSubmissionsInDoubt({ store, clock, partner: 'cabinet' })).toBe(0);
    expect(await requeueSubmissionsInDoubt({ store, clock, partner: 'another-firm' })).toBe(0);
    expect(await store.outbox.getAction(action.id)).toMatchObject({ status: 'pending' });
    expect((await store.cases.readJournal(action.caseId)).at(-1)!.summary).toMatch(
      /sent again to cabinet: it was sent and the firm's answer never came \(LAWFIRM_UNREACHABLE: connection reset\)/,
    );
    expect((await perform()).data).toMatchObject({ replayed: true });
    expect(sim.listFiles()).toHaveLength(1);
    expect(await requeueSubmissionsInDoubt({ store, clock, partner: 'cabinet' })).toBe(0);
  });

  it('the firm no longer remembers the first answer: its 409 names our open file, whose status reconciles the hand-off', async () => {
    const { action, perform } = await world();
    sim.controls.dropNext(1);
    await expect(perform()).rejects.toThrow();
    const fileId = sim.listFiles()[0]!.fileId;
    // The retry outlived the firm's memory of the key: the same bytes now meet the dossier's own open file.
    sim.expireIdempotencyAnswers();
    const done = await perform();
    expect(done.data).toMatchObject({ fileId, replayed: true, reconciled: true });
    expect(done.summary).toMatch(/already open at the firm \(found by its status: /);
    expect(sim.listFiles()).toHaveLength(1);
    const [dossier] = await store.dossiers.listDossiers({ caseId: action.caseId });
    expect(dossier).toMatchObject({ status: 'submitted', fileId });
    expect(sim.controls.requests.filter((r) => r.method === 'GET' && r.path.endsWith(fileId)).length).toBe(1);
  });

  it('a 409 naming a file of another dossier is not taken for ours: the row fails, nothing recorded', async () => {
    const { action, perform } = await world();
    const status = jest.spyOn(firm, 'status');
    jest
      .spyOn(firm, 'submit')
      .mockRejectedValueOnce(
        new DossierAlreadySubmittedError(
          { code: 'LAWFIRM_DOSSIER_ALREADY_SUBMITTED', kind: 'system', userMessage: 'already' },
          'F-OTHER',
        ),
      );
    status.mockResolvedValueOnce({
      fileId: 'F-OTHER',
      dossierId: 'someone-else',
      state: 'filed',
      updatedAt: '2026-04-20T10:00:00.000Z',
    });
    await expect(perform()).rejects.toThrow(/already has an open file|already/);
    expect(status).toHaveBeenCalledWith('F-OTHER');
    const [dossier] = await store.dossiers.listDossiers({ caseId: action.caseId });
    expect(dossier).toMatchObject({ status: 'prepared', fileId: null });
  });

  it('a dossier the file drop will not write (it fails the contract) is no longer open, nor in doubt at the next start', async () => {
    const { action, perform } = await world();
    jest.spyOn(firm, 'submit').mockRejectedValueOnce(
      new AdapterError({
        code: 'FILE_DROP_INVALID_OUTPUT',
        kind: 'system',
        userMessage:
          'dossier x cannot be written for the law firm: it fails xsd/dossier-manifest.xsd at dossier/debtor/vat',
      }),
    );
    await expect(perform()).rejects.toThrow(/FILE_DROP_INVALID_OUTPUT/);
    const [dossier] = await store.dossiers.listDossiers({ caseId: action.caseId });
    expect(dossier).toMatchObject({ status: 'rejected', fileId: null });
    expect((await store.cases.readJournal(action.caseId)).at(-1)).toMatchObject({
      type: 'dossier_refused',
      summary: expect.stringMatching(/not written for cabinet, no file opened/),
    });
    await store.outbox.completeAction({
      id: action.id,
      status: 'failed',
      attempts: 1,
      lastError: 'FILE_DROP_INVALID_OUTPUT',
      at: clock.now().toISOString(),
    });
    expect(await requeueSubmissionsInDoubt({ store, clock, partner: 'cabinet' })).toBe(0);
  });

  it('a document whose stored bytes changed is not sent: the dossier cannot be sent again as it was', async () => {
    const { action, perform } = await world();
    sim.controls.dropNext(1);
    await expect(perform()).rejects.toThrow();
    const [prepared] = await store.dossiers.listDossiers({ caseId: action.caseId });
    const part = prepared!.parts!.find((p) => p.kind === 'invoice')!;
    // A stored document keeps its bytes (its id is taken): the record's hash stands for bytes that changed.
    const tampered = {
      ...prepared!,
      parts: prepared!.parts!.map((p) => (p.documentId === part.documentId ? { ...p, sha256: '0'.repeat(64) } : p)),
    };
    jest.spyOn(store.dossiers, 'findDossierOfAction').mockResolvedValueOnce(tampered);
    await expect(perform()).rejects.toThrow(
      `its document ${part.name} (stored as ${part.documentId}) no longer has the bytes first sent`,
    );
    expect(sim.listFiles()).toHaveLength(1);
  });
});
