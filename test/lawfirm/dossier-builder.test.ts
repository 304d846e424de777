import type { Config } from '../../config/config.schema';
import { caseClaim, dossierBuilder, escalationPreview } from '../../connector/lawfirm/dossier-builder';
import type { Action } from '../../connector/model/action.schema';
import type { Store } from '../../connector/store/store';
import type { ErpAdapter } from '../../connector/ports/erp';
import type { ConnectionAdapter } from '../../connector/sync/connections';
import { fixedClock } from '../../connector/time/clock';
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

const config = {
  company: { name: CREDITOR.name, siren: CREDITOR.siren, address: CREDITOR.address, timezone: TIME_ZONE },
  dunning: { defaultPolicy: { company: 'fr-b2b', individual: 'fr-b2c' }, overrides: {} },
  legal: {},
} as unknown as Config;

/** What the daemon hands the dossier's builders, on a day (its business clock at 10:00 UTC). */
const builderDeps = (store: Store, day: string) => ({
  config,
  store,
  clock: fixedClock(`${day}T10:00:00Z`),
  legal: LEGAL,
  procedures: PROCEDURES,
  policies: POLICIES,
  connections: new Map<string, ConnectionAdapter>(),
});

/** dossierBuilder attaches the invoice PDFs the ledger holds, with their hash in the dossier. */
describe('dossierBuilder: invoice PDFs from the ERP', () => {
  let store: Store;
  beforeEach(async () => (store = await openStore()));
  afterEach(() => store.close());

  async function build(invoicePdf: ErpAdapter['invoicePdf']) {
    const world = b2bWorld();
    const caseId = await seedWorld(store, world);
    await recordEscalation(
      store,
      caseId,
      world.policy,
      '2026-04-20',
      world.items.map((r) => r.id),
    );
    const asked: string[] = [];
    const adapter = {
      invoicePdf: invoicePdf && ((id: string) => (asked.push(id), invoicePdf(id))),
    } as unknown as ErpAdapter;
    const connections = new Map<string, ConnectionAdapter>([['odoo-main', { adapter, settings: {} }]]);
    const build = dossierBuilder({
      config,
      store,
      clock: fixedClock('2026-04-20T10:00:00Z'),
      legal: LEGAL,
      procedures: PROCEDURES,
      policies: POLICIES,
      connections,
    });
    return { asked, built: await build({ id: 'act_1', caseId } as Action) };
  }

  it('attaches the PDF of an invoice the dossier lists and lists it with its hash', async () => {
    const bytes = pdf('FAC-2025-0101');
    const { asked, built } = await build(async () => ({ name: 'FAC_2025_0101.pdf', content: bytes }));
    // The listed invoice first; then the claimed invoice the ledger gave no link for is asked too.
    expect(asked).toEqual(['odoo:move:101', 'odoo:move:102']);
    expect(built.dossier.documents.find((d) => d.ref === 'invoice:FAC-2025-0102')).toMatchObject({
      name: 'facture-FAC-2025-0102.pdf',
      kind: 'invoice',
      sha256: sha256(bytes),
    });
    expect(built.documents.map((d) => d.name)).toContain('facture-FAC-2025-0102.pdf');
    const listed = built.dossier.documents.find((d) => d.ref === 'invoice:FAC-2025-0101')!;
    expect(listed.sha256).toBe(sha256(bytes));
    expect(built.documents.find((d) => d.name === listed.name)).toMatchObject({
      kind: 'invoice',
      mediaType: 'application/pdf',
      content: bytes,
      sha256: sha256(bytes),
    });
  });

  it('without a PDF in the ledger (or without the method) the invoice stays listed, unattached', async () => {
    for (const invoicePdf of [async () => undefined, undefined]) {
      const { built } = await build(invoicePdf);
      expect(built.dossier.documents.find((d) => d.ref === 'invoice:FAC-2025-0101')?.sha256).toBeNull();
      expect(built.documents.some((d) => d.kind === 'invoice')).toBe(false);
      await store.close();
      store = await openStore();
    }
  });

  it('an ERP error fails the build (the outbox row is retried)', async () => {
    await expect(build(async () => Promise.reject(new Error('odoo unreachable')))).rejects.toThrow('odoo unreachable');
  });
});

/** What an approver sees before approving an escalation: the gate today and what would be asked of the firm. */
describe('escalationPreview', () => {
  let store: Store;
  beforeEach(async () => (store = await openStore()));
  afterEach(() => store.close());

  const previewOn = (day: string) => escalationPreview(builderDeps(store, day));

  it('gives the gate, the recommended procedure and court and the claim, as the dossier would carry them', async () => {
    const world = b2bWorld();
    const caseId = await seedWorld(store, world);
    await recordEscalation(
      store,
      caseId,
      world.policy,
      '2026-04-20',
      world.items.map((r) => r.id),
    );
    const preview = (await previewOn('2026-04-20')(caseId))!;
    const built = await dossierBuilder(builderDeps(store, '2026-04-20'))({ id: 'act_1', caseId } as Action);
    expect(preview.asOf).toBe('2026-04-20');
    expect(preview.gate.pass).toBe(true);
    expect(preview.gate.conditions.length).toBeGreaterThan(3);
    expect(preview.gate.conditions.every((c) => c.pass && c.reason.length > 0)).toBe(true);
    expect(preview.recommendation).toEqual({
      procedure: built.dossier.recommendedProcedure,
      court: built.dossier.court,
      reasons: built.dossier.reasons,
    });
    expect(preview.claim).toEqual({ total: built.dossier.claim.total, currency: 'EUR' });
    // Nothing was stored: a preview is not a dossier.
    expect(await store.dossiers.listDossiers({ caseId })).toEqual([]);
  });

  it('says so, rather than failing, when the claim cannot be computed today (a legal rate not yet configured)', async () => {
    const world = b2bWorld();
    const caseId = await seedWorld(store, world);
    await recordEscalation(
      store,
      caseId,
      world.policy,
      '2026-04-20',
      world.items.map((r) => r.id),
    );
    const preview = (await previewOn('2026-07-15')(caseId))!;
    expect(preview.recommendation).toBeNull();
    expect(preview.unavailable).toMatch(/rate/i);
    expect(preview.gate.conditions.length).toBeGreaterThan(3);
  });

  it('says why no recommendation can be made when no escalation was decided, and knows no unknown case', async () => {
    const world = b2bWorld();
    const caseId = await seedWorld(store, world);
    const preview = (await previewOn('2026-04-20')(caseId))!;
    expect(preview.recommendation).toBeNull();
    expect(preview.unavailable).toMatch(/no escalation was decided/);
    expect(await previewOn('2026-04-20')('case_nowhere')).toBeUndefined();
  });
});

/** The case screen's claim: the daemon's configuration, policies and legal data, as of the business date. */
describe('caseClaim', () => {
  let store: Store;
  beforeEach(async () => (store = await openStore()));
  afterEach(() => store.close());

  const claimOn = (day: string) => caseClaim(builderDeps(store, day));

  it('is the claim the dossier carries once an escalation is decided, and is there before one is', async () => {
    const world = b2bWorld();
    const caseId = await seedWorld(store, world);
    const before = (await claimOn('2026-04-20')(caseId))!;
    await recordEscalation(
      store,
      caseId,
      world.policy,
      '2026-04-20',
      world.items.map((r) => r.id),
    );
    const built = await dossierBuilder(builderDeps(store, '2026-04-20'))({ id: 'act_1', caseId } as Action);
    expect(before.asOf).toBe('2026-04-20');
    // The same figures, line by line; only the dossier names the invoice files it attaches.
    const figures = (claim: typeof built.dossier.claim) => ({
      ...claim,
      lines: claim.lines.map(({ documentRef: _ref, ...line }) => line),
    });
    expect(figures(before.claim!)).toEqual(figures(built.dossier.claim));
    expect(await claimOn('2026-04-20')('case_nowhere')).toBeUndefined();
  });
});
