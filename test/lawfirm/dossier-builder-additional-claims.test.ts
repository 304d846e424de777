import type { Config } from '../../config/config.schema';
import { CaseOperations } from '../../connector/cases';
import { dossierBuilder } from '../../connector/lawfirm/dossier-builder';
import type { Action } from '../../connector/model/action.schema';
import type { Store } from '../../connector/store/store';
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

/**
 * The outbox's dossier builder passes the configuration's terms of sale and the bundled court
 * costs to the dossier, and hands the receipts of the recovery costs to the firm with their bytes.
 */
describe('dossierBuilder: additional claims', () => {
  let store: Store;
  beforeEach(async () => (store = await openStore()));
  afterEach(() => store.close());

  const config = {
    company: { name: CREDITOR.name, siren: CREDITOR.siren, address: CREDITOR.address, timezone: TIME_ZONE },
    dunning: { defaultPolicy: { company: 'fr-b2b', individual: 'fr-b2c' }, overrides: {} },
    legal: {
      termsOfSale: { penaltyClause: { percent: 10, reference: 'CGV art. 9' }, article700: { amount: 150_000 } },
    },
  } as unknown as Config;

  it('the receipt goes to the firm as a document of kind other; the clause, CPC 700 and the court costs come from the configuration and the data', async () => {
    const world = b2bWorld();
    const caseId = await seedWorld(store, world);
    const receipt = pdf('acte 2026-117');
    await new CaseOperations({
      store,
      clock: fixedClock('2026-04-20T08:00:00Z'),
      timeZone: TIME_ZONE,
    }).recordRecoveryCost(caseId, 'claire', { date: '2026-03-02', amount: 25_000, label: 'constat', receipt });
    await recordEscalation(
      store,
      caseId,
      world.policy,
      '2026-04-20',
      world.items.map((r) => r.id),
    );
    const build = dossierBuilder({
      config,
      store,
      clock: fixedClock('2026-04-20T10:00:00Z'),
      legal: LEGAL,
      procedures: PROCEDURES,
      policies: POLICIES,
      connections: new Map(),
    });
    const { dossier, documents } = await build({ id: 'act_1', caseId } as Action);

    const ref = dossier.additionalClaims!.recoveryCosts!.costs[0]!.documentRef;
    expect(dossier.documents.find((d) => d.ref === ref)).toMatchObject({
      kind: 'other',
      name: 'receipt-2026-03-02.pdf',
      sha256: sha256(receipt),
    });
    expect(documents.find((d) => d.name === 'receipt-2026-03-02.pdf')).toMatchObject({
      kind: 'other',
      mediaType: 'application/pdf',
      content: receipt,
      sha256: sha256(receipt),
    });
    // 250.00 − 2 × 40.00 = 170.00 EUR; 10 % of 5,865.67 = 586.57 EUR.
    expect(dossier.additionalClaims).toMatchObject({
      recoveryCosts: { complementaryIndemnity: 17_000 },
      penaltyClause: { amount: 58_657 },
      article700: { amount: 150_000 },
      courtCosts: { procedure: 'injonction_de_payer', court: 'tribunal_de_commerce', amount: null, verified: false },
    });
  });
});
