import type { TermsOfSale } from '../../config/terms-of-sale.schema';
import { CaseOperations } from '../../connector/cases';
import { buildDossier, type DossierDeps } from '../../connector/dossier';
import { loadCostsData } from '../../connector/dossier/costs-data';
import { DossierSchema, type Dossier } from '../../connector/model/dossier.schema';
import type { Store } from '../../connector/store/store';
import { fixedClock } from '../../connector/time/clock';
import {
  DEBTORS,
  openStore,
  pdf,
  plain,
  recordEscalation,
  seedWorld,
  sha256,
  TIME_ZONE,
  type World,
  dossierDeps,
} from './fixtures';
import { b2bWorld, companyWorld, consumerWorld } from './worlds';

/**
 * The dossier's additional claims, built from a real store: the costs the controller entered
 * with their receipts, the creditor's terms of sale, the court-costs data, and the recommended
 * procedure. The b2b world claims FAC-2025-0101 and FAC-2025-0102 (two fixed indemnities of
 * 40.00 EUR: 80.00 EUR) with a principal of 5,865.67 EUR as of 2026-04-20 (test/dossier/dossier.test.ts).
 */

const HAND_OFF = '2026-04-20';
const COSTS = loadCostsData();
const TERMS: TermsOfSale = { penaltyClause: { percent: 10, reference: 'CGV art. 9' } };
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('scan')]);

type Cost = { date: string; amount: number; label: string; receipt: Buffer };
const COMMISSAIRE: Cost = {
  date: '2026-03-02',
  amount: 15_000,
  label: 'constat de commissaire de justice',
  receipt: pdf('acte 2026-117'),
};
const AGENCY: Cost = { date: '2026-04-10', amount: 10_000, label: "honoraires d'agence de recouvrement", receipt: PNG };

describe('the dossier: additional claims', () => {
  let store: Store;
  beforeEach(async () => (store = await openStore()));
  afterEach(() => store.close());

  const deps = (world: World, over: Partial<DossierDeps> = {}): DossierDeps =>
    dossierDeps(world, { costs: COSTS, ...over });

  /** Seeds the world, enters the costs as the controller would on the hand-off day, then builds the dossier. */
  async function handOff(
    world: World,
    options: { asOf?: string; costs?: Cost[]; deps?: Partial<DossierDeps> } = {},
  ): Promise<Dossier> {
    const asOf = options.asOf ?? HAND_OFF;
    const caseId = await seedWorld(store, world);
    const ops = new CaseOperations({ store, clock: fixedClock(`${asOf}T08:00:00Z`), timeZone: TIME_ZONE });
    for (const cost of options.costs ?? []) await ops.recordRecoveryCost(caseId, 'claire.martin', cost);
    await recordEscalation(
      store,
      caseId,
      world.policy,
      asOf,
      world.items.map((r) => r.id),
    );
    return buildDossier(store, caseId, asOf, deps(world, options.deps));
  }

  const disputedB2b = () =>
    b2bWorld({
      operations: [
        (ops) =>
          ops.markItem(
            'odoo:move:102',
            'claire.martin',
            { disputed: { reason: 'marchandise endommagée' } },
            new Date('2026-03-20T10:00:00Z'),
          ),
      ],
    });
  const override = { override: { reason: 'assignation validée par la direction financière' } };

  describe('recovery costs on proof (C. com. L441-10 II)', () => {
    it('costs of 250.00 EUR with two invoices: 250.00 − 2 × 40.00 = 170.00 EUR of complementary indemnity, the receipts listed as documents', async () => {
      const dossier = await handOff(b2bWorld(), { costs: [COMMISSAIRE, AGENCY] });
      const rc = dossier.additionalClaims!.recoveryCosts!;
      // 150.00 + 100.00 = 250.00 EUR; fixed: 40.00 × 2 = 80.00 EUR; complementary: 250.00 − 80.00 = 170.00 EUR.
      expect(rc).toMatchObject({
        article: 'C. com. L441-10 II',
        total: 25_000,
        fixedIndemnities: 8_000,
        complementaryIndemnity: 17_000,
      });
      expect(plain(rc.note)).toBe(
        'indemnisation complémentaire demandée sur justification (C. com. L441-10 II) : les frais de recouvrement justifiés (250,00 €, justificatifs joints aux pièces) excèdent de 170,00 € les indemnités forfaitaires réclamées (80,00 €)',
      );
      expect(rc.costs.map((c) => [c.date, c.label, c.amount])).toEqual([
        ['2026-03-02', 'constat de commissaire de justice', 15_000],
        ['2026-04-10', "honoraires d'agence de recouvrement", 10_000],
      ]);
      const receipts = rc.costs.map((c) => dossier.documents.find((d) => d.ref === c.documentRef));
      expect(receipts).toEqual([
        {
          ref: rc.costs[0]!.documentRef,
          kind: 'other',
          name: 'receipt-2026-03-02.pdf',
          mediaType: 'application/pdf',
          sha256: sha256(COMMISSAIRE.receipt),
          provenAt: null,
        },
        {
          ref: rc.costs[1]!.documentRef,
          kind: 'other',
          name: 'receipt-2026-04-10.png',
          mediaType: 'image/png',
          sha256: sha256(PNG),
          provenAt: null,
        },
      ]);
      // The claim is untouched: principal + interest + indemnity as without any cost (5,865.67 + 255.39 + 80.00).
      expect(dossier.claim).toMatchObject({ principal: 586_567, interest: 25_539, indemnity: 8_000, total: 620_106 });
      expect(DossierSchema.safeParse(dossier).success).toBe(true);
    });

    it('costs not above the fixed indemnities (60.00 ≤ 80.00 EUR): listed, no complementary indemnity', async () => {
      const dossier = await handOff(b2bWorld(), { costs: [{ ...COMMISSAIRE, amount: 6_000 }] });
      expect(dossier.additionalClaims!.recoveryCosts).toMatchObject({
        total: 6_000,
        fixedIndemnities: 8_000,
        complementaryIndemnity: 0,
      });
      expect(plain(dossier.additionalClaims!.recoveryCosts!.note)).toBe(
        "les frais de recouvrement justifiés (60,00 €) n'excèdent pas les indemnités forfaitaires réclamées (80,00 €) : aucune indemnisation complémentaire n'est demandée (C. com. L441-10 II)",
      );
      // Exactly the fixed indemnities: 80.00 − 80.00 = 0, still none.
      await store.close();
      store = await openStore();
      const equal = await handOff(b2bWorld(), { costs: [{ ...COMMISSAIRE, amount: 8_000 }] });
      expect(equal.additionalClaims!.recoveryCosts).toMatchObject({ total: 8_000, complementaryIndemnity: 0 });
    });

    it('two receipts of the same day get distinct names; without any cost there is no recoveryCosts', async () => {
      const dossier = await handOff(b2bWorld(), {
        costs: [COMMISSAIRE, { ...COMMISSAIRE, amount: 2_500, label: 'second acte', receipt: pdf('acte 2026-118') }],
      });
      expect(dossier.documents.filter((d) => d.kind === 'other').map((d) => d.name)).toEqual([
        'receipt-2026-03-02.pdf',
        'receipt-2026-03-02-2.pdf',
      ]);
      await store.close();
      store = await openStore();
      expect((await handOff(b2bWorld())).additionalClaims!.recoveryCosts).toBeNull();
    });

    it('a cost dated after the hand-off (a dossier built as of an earlier day) is not claimed, and the firm is told', async () => {
      const caseId = await seedWorld(store, b2bWorld());
      await new CaseOperations({
        store,
        clock: fixedClock('2026-04-20T08:00:00Z'),
        timeZone: TIME_ZONE,
      }).recordRecoveryCost(caseId, 'claire', { ...AGENCY, date: '2026-04-17' });
      await recordEscalation(
        store,
        caseId,
        b2bWorld().policy,
        '2026-04-15',
        b2bWorld().items.map((r) => r.id),
      );
      const dossier = await buildDossier(store, caseId, '2026-04-15', deps(b2bWorld()));
      expect(dossier.additionalClaims!.recoveryCosts).toBeNull();
      expect(dossier.warnings.map(plain)).toContain(
        'la dépense de recouvrement de 100,00 € du 17/04/2026 est postérieure à la date de transmission (15/04/2026) : non réclamée',
      );
      expect(dossier.documents.some((d) => d.kind === 'other')).toBe(false);
    });
  });

  describe('the penalty clause (C. civ. 1231-5)', () => {
    it('10 % of the principal claimed, apart from the claim, with the wording the judge reads', async () => {
      const dossier = await handOff(b2bWorld(), { deps: { termsOfSale: TERMS } });
      // 5,865.67 × 10 % = 586.567 → 586.57 EUR (half-up).
      const clause = dossier.additionalClaims!.penaltyClause!;
      expect({ ...clause, label: plain(clause.label) }).toEqual({
        reference: 'CGV art. 9',
        article: 'C. civ. 1231-5',
        ratePercent: '10.00',
        base: 586_567,
        minimum: null,
        amount: 58_657,
        label:
          'clause pénale (CGV art. 9), C. civ. 1231-5, réclamée séparément, que le juge peut modérer si elle est manifestement excessive : 10,00 % du principal réclamé (5 865,67 €) = 586,57 €',
        warnings: [],
      });
      expect(dossier.claim.total).toBe(620_106);
    });

    it('a rate with decimals rounds half-up once; the clause’s minimum wins when higher', async () => {
      const dossier = await handOff(b2bWorld(), {
        deps: { termsOfSale: { penaltyClause: { percent: '12.5', minimum: 100_000, reference: 'CGV art. 9.2' } } },
      });
      // 5,865.67 × 12.5 % = 733.20875 → 733.21 EUR, below the 1,000.00 EUR minimum.
      expect(dossier.additionalClaims!.penaltyClause).toMatchObject({
        ratePercent: '12.50',
        minimum: 100_000,
        amount: 100_000,
      });
      expect(plain(dossier.additionalClaims!.penaltyClause!.label)).toContain(
        '12,50 % du principal réclamé (5 865,67 €) = 733,21 €, porté au minimum prévu par la clause, soit 1 000,00 €',
      );
    });

    it('against a consumer it is computed but comes with the unfair-terms check (C. conso L212-1)', async () => {
      const dossier = await handOff(consumerWorld(120_000), { asOf: '2026-02-20', deps: { termsOfSale: TERMS } });
      // 1,200.00 × 10 % = 120.00 EUR.
      const clause = dossier.additionalClaims!.penaltyClause!;
      expect(clause.amount).toBe(12_000);
      const warning =
        "le débiteur est un consommateur : la clause pénale (CGV art. 9) doit d'abord être examinée au regard de la réglementation des clauses abusives (C. conso L212-1), et le juge peut la modérer (C. civ. 1231-5)";
      expect(clause.warnings).toEqual([warning]);
      expect(dossier.warnings).toContain(warning);
    });

    it('without terms of sale there is none', async () => {
      expect((await handOff(b2bWorld())).additionalClaims!.penaltyClause).toBeNull();
    });
  });

  describe('a consumer debtor', () => {
    it('recovery costs stay with the creditor (CPCE L111-8 al. 2): a cost recorded before the debtor was known as a consumer is not claimed', async () => {
      // The ledger first had the debtor as a company; the controller entered a cost; the next sync said "individual".
      const world = consumerWorld(120_000);
      const asCompany = { ...world.debtor, kind: 'company' as const };
      const caseId = await seedWorld(store, { ...world, debtor: asCompany });
      await new CaseOperations({
        store,
        clock: fixedClock('2026-02-20T08:00:00Z'),
        timeZone: TIME_ZONE,
      }).recordRecoveryCost(caseId, 'claire', { ...COMMISSAIRE, date: '2026-02-10' });
      await store.sync.upsertDebtors([world.debtor]);
      await recordEscalation(
        store,
        caseId,
        world.policy,
        '2026-02-20',
        world.items.map((r) => r.id),
      );
      const dossier = await buildDossier(store, caseId, '2026-02-20', deps(world));
      expect(dossier.additionalClaims!.recoveryCosts).toBeNull();
      expect(dossier.documents.some((d) => d.kind === 'other')).toBe(false);
      expect(dossier.warnings).toContain(
        'les frais de recouvrement enregistrés sur le dossier (1 dépense) ne sont pas réclamés : le débiteur est un consommateur, et les frais de recouvrement engagés sans titre exécutoire restent à la charge du créancier (CPCE L111-8 al. 2)',
      );
    });
  });

  describe('article 700 CPC', () => {
    it('the configured amount is asked; without one it is left for the firm to assess', async () => {
      const asked = await handOff(b2bWorld(), { deps: { termsOfSale: { article700: { amount: 150_000 } } } });
      expect(asked.additionalClaims!.article700).toMatchObject({ article: 'CPC 700', amount: 150_000 });
      expect(plain(asked.additionalClaims!.article700.note)).toBe(
        'demandé au juge : 1 500,00 € au titre des frais exposés et non compris dans les dépens (CPC 700) ; le juge en fixe souverainement le montant',
      );
      await store.close();
      store = await openStore();
      const open = await handOff(b2bWorld(), { deps: { termsOfSale: { article700: {} } } });
      expect(open.additionalClaims!.article700).toEqual({
        article: 'CPC 700',
        amount: null,
        note: expect.stringMatching(/^à apprécier par le cabinet : .*\(CPC 700\)/),
      });
    });
  });

  describe('court costs (config/legal/fr/costs.yaml)', () => {
    it('injonction de payer at the tribunal de commerce: no figure, the range of the sources, [UNVERIFIED]', async () => {
      const dossier = await handOff(b2bWorld());
      expect([dossier.recommendedProcedure, dossier.court.kind]).toEqual([
        'injonction_de_payer',
        'tribunal_de_commerce',
      ]);
      const cc = dossier.additionalClaims!.courtCosts;
      expect(cc).toMatchObject({
        procedure: 'injonction_de_payer',
        court: 'tribunal_de_commerce',
        currency: 'EUR',
        amount: null,
        verified: false,
        range: { from: 3_347, to: 3_840 },
      });
      expect(cc.reason).toContain('[UNVERIFIED] les sources divergent (33,47 à 38,40 EUR TTC');
      expect(cc.reason).toContain('appliquer le tarif réglementé des greffes en vigueur');
    });

    it('injonction de payer at the tribunal judiciaire (an SCI): no greffe fee, 0.00 EUR verified', async () => {
      const dossier = await handOff(companyWorld(DEBTORS.sci, 800_000));
      expect([dossier.recommendedProcedure, dossier.court.kind]).toEqual([
        'injonction_de_payer',
        'tribunal_judiciaire',
      ]);
      expect(dossier.additionalClaims!.courtCosts).toMatchObject({
        amount: 0,
        verified: true,
        range: null,
        currency: 'EUR',
      });
      expect(plain(dossier.additionalClaims!.courtCosts.reason)).toBe(
        'droit de greffe de la requête en injonction de payer : 0,00 € ; la signification des actes par commissaire de justice relève de son propre tarif réglementé et n’est pas comprise',
      );
    });

    it('a procedure the data has no figure for, or no data at all: null with the reason', async () => {
      const assignation = await handOff(disputedB2b(), { deps: override });
      expect(assignation.additionalClaims!.courtCosts).toMatchObject({
        procedure: 'assignation_au_fond',
        amount: null,
        verified: false,
        range: null,
      });
      expect(assignation.additionalClaims!.courtCosts.reason).toBe(
        "aucun montant pour l'assignation au fond devant le tribunal de commerce dans config/legal/fr/costs.yaml : le cabinet évalue les frais de justice",
      );
      await store.close();
      store = await openStore();
      const { costs: _costs, ...withoutData } = deps(b2bWorld());
      const caseId = await seedWorld(store, b2bWorld());
      await recordEscalation(
        store,
        caseId,
        b2bWorld().policy,
        HAND_OFF,
        b2bWorld().items.map((r) => r.id),
      );
      const bare = await buildDossier(store, caseId, HAND_OFF, withoutData);
      expect(bare.additionalClaims!.courtCosts).toMatchObject({
        amount: null,
        reason:
          "aucune donnée sur les frais de justice n'a été fournie au générateur du dossier : le cabinet évalue les frais de justice",
      });
    });
  });

  describe('capitalisation (C. civ. 1343-2)', () => {
    it('proposed in an assignation au fond once interest has run a full year: FAC-2025-0101 from 2025-06-11 has one on 2026-06-10', async () => {
      const dossier = await handOff(disputedB2b(), { asOf: '2026-06-10', deps: override });
      expect(dossier.recommendedProcedure).toBe('assignation_au_fond');
      const cap = dossier.additionalClaims!.capitalisation;
      const fac1 = dossier.claim.lines.find((l) => l.number === 'FAC-2025-0101')!;
      // FAC-2025-0102's interest runs from 2026-01-16: under five months.
      expect({ ...cap, reason: plain(cap.reason) }).toEqual({
        proposed: true,
        article: 'C. civ. 1343-2',
        invoices: [
          { number: 'FAC-2025-0101', interestFrom: '2025-06-11', fullYearOn: '2026-06-10', interest: fac1.interest },
        ],
        reason: `demander au juge d'ordonner que les intérêts dus pour une année entière au moins produisent eux-mêmes intérêts (C. civ. 1343-2) : FAC-2025-0101 (intérêts depuis le 11/06/2025, ${(fac1.interest / 100).toFixed(2).replace('.', ',')} €) ; il s'agit d'une demande au juge, non d'une capitalisation intégrée à la créance`,
      });
      // Never compounded: the claim's interest is the sum of its lines' simple interest.
      expect(dossier.claim.interest).toBe(dossier.claim.lines.reduce((s, l) => s + l.interest, 0));
      expect(dossier.claim.total).toBe(dossier.claim.principal + dossier.claim.interest + dossier.claim.indemnity);
    });

    it('not proposed one day short of the year (2026-06-09), saying when it will be', async () => {
      const dossier = await handOff(disputedB2b(), { asOf: '2026-06-09', deps: override });
      expect(dossier.additionalClaims!.capitalisation).toEqual({
        proposed: false,
        article: 'C. civ. 1343-2',
        invoices: [],
        reason:
          "non proposée : les intérêts n'ont couru une année entière sur aucune facture réclamée au 09/06/2026 (la première à l'atteindre, FAC-2025-0101, portant intérêts depuis le 11/06/2025, l'atteindra le 10/06/2026), or seuls les intérêts dus pour une année entière peuvent produire des intérêts (C. civ. 1343-2)",
      });
    });

    it('not proposed for an injonction de payer, even after a full year', async () => {
      const dossier = await handOff(b2bWorld(), { asOf: '2026-06-10' });
      expect(dossier.recommendedProcedure).toBe('injonction_de_payer');
      expect(dossier.additionalClaims!.capitalisation).toMatchObject({
        proposed: false,
        invoices: [{ number: 'FAC-2025-0101', fullYearOn: '2026-06-10' }],
        reason:
          "non proposée : la capitalisation se demande au juge dans une assignation au fond (C. civ. 1343-2) ; la procédure recommandée est l'injonction de payer",
      });
    });

    it('not proposed against a consumer (Cass. 1re civ. 9 Feb 2012 n° 11-14.605)', async () => {
      const dossier = await handOff(consumerWorld(120_000), { asOf: '2026-02-20' });
      expect(dossier.additionalClaims!.capitalisation).toMatchObject({
        proposed: false,
        reason:
          'non proposée : les juridictions refusent la capitalisation des intérêts à l’encontre d’un consommateur en l’absence de texte spécial (Cass. 1re civ., 9 févr. 2012, n° 11-14.605)',
      });
    });
  });
});
