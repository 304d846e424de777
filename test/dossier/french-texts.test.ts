import type { TermsOfSale } from '../../config/terms-of-sale.schema';
import { CaseOperations } from '../../connector/cases';
import { CLAIM_FR, type ClaimWording } from '../../connector/claim/fr.wording';
import { buildDossier, checkEscalation, loadCaseRecords, type DossierDeps } from '../../connector/dossier';
import { loadCostsData } from '../../connector/dossier/costs-data';
import type { Dossier } from '../../connector/model/dossier.schema';
import type { Store } from '../../connector/store/store';
import { fixedClock } from '../../connector/time/clock';
import {
  CREDITOR,
  DEBTORS,
  LEGAL,
  openStore,
  pdf,
  PROCEDURES,
  recordEscalation,
  seedWorld,
  TIME_ZONE,
  type World,
} from './fixtures';
import { b2bWorld, companyWorld, consumerWorld, NOTICE } from './worlds';

/**
 * The law firm's lawyers read the dossier in French: a guard that no text the dossier builder
 * writes for the sample worlds falls back to English. Every procedure branch, the gate's failed
 * and passed conditions, the additional claims, the builder's warnings and the claim's warnings
 * (`claim.warnings`: the builder's notes and computeClaim's, connector/claim/fr.wording.ts) are
 * covered; every text of the claim wording is also checked on its own, since the sample worlds do
 * not reach each of them.
 *
 * Left out on purpose: the evidence (quotes of the journal and of what the controller typed).
 */

const ENGLISH =
  /\b(the|is|are|and|of|not|no|with|from|within|after|before|when|for|has|invoice|debtor|creditor|court|claim|lawyer|payment|notice)\b/i;

const COSTS = loadCostsData();
const TERMS: TermsOfSale = {
  penaltyClause: { percent: 10, minimum: 100_000, reference: 'CGV art. 9' },
  article700: { amount: 150_000 },
};
const AFTER = '2026-04-20';

function dossierTexts(d: Dossier): string[] {
  const a = d.additionalClaims;
  return [
    ...(d.court.territory ? [d.court.territory] : []),
    ...d.reasons,
    ...d.warnings,
    ...d.claim.warnings,
    ...(d.lawyer ? [d.lawyer.reason] : []),
    ...d.alternatives.map((x) => x.reason),
    ...d.deadlines.flatMap((x) => [x.what, x.rule]),
    d.debtor.legalForm.label,
    ...(a
      ? [
          ...(a.recoveryCosts ? [a.recoveryCosts.note] : []),
          ...(a.penaltyClause ? [a.penaltyClause.label, ...a.penaltyClause.warnings] : []),
          a.article700.note,
          a.courtCosts.reason,
          a.capitalisation.reason,
        ]
      : []),
  ];
}

interface Scenario {
  name: string;
  world: World;
  asOf?: string;
  deps?: Partial<DossierDeps>;
  costs?: boolean;
}

const disputed = (world: World, itemId: string): World => ({
  ...world,
  operations: [
    (ops) =>
      ops.markItem(
        itemId,
        'claire.martin',
        { disputed: { reason: 'marchandise endommagée' } },
        new Date('2026-03-20T10:00:00Z'),
      ),
  ],
});
const override = { override: { reason: 'accord de la direction financière' } };
const insolvent = (insolvency: World['debtor']['flags']['insolvency']) => ({ doNotContact: false, insolvency });

const DOSSIERS: Scenario[] = [
  {
    name: 'injonction de payer, with costs, penalty clause and CPC 700',
    world: b2bWorld(),
    deps: { termsOfSale: TERMS },
    costs: true,
  },
  {
    name: 'saisie conservatoire',
    world: b2bWorld(),
    deps: { circumstances: { recoveryThreatened: 'le débiteur met en vente ses locaux' } },
  },
  {
    name: 'référé-provision',
    world: b2bWorld(),
    deps: { circumstances: { speedMatters: 'la société débitrice est en cours de cession' } },
  },
  {
    name: 'assignation au fond after a full year (capitalisation)',
    world: disputed(b2bWorld(), 'odoo:move:102'),
    asOf: '2026-06-10',
    deps: override,
  },
  {
    name: 'notice without acknowledgement, letter returned',
    world: b2bWorld({ notice: { ...NOTICE, ack: undefined, returned: true } }),
  },
  {
    name: 'redressement judiciaire',
    world: b2bWorld({
      debtor: {
        ...DEBTORS.merchant,
        flags: insolvent({ kind: 'redressement', openedOn: '2026-04-01', publishedOn: '2026-04-08' }),
      },
    }),
    deps: override,
  },
  {
    name: 'liquidation without a BODACC date',
    world: b2bWorld({
      debtor: { ...DEBTORS.merchant, flags: insolvent({ kind: 'liquidation', openedOn: '2026-04-01' }) },
    }),
    deps: override,
  },
  { name: 'petites créances', world: companyWorld(DEBTORS.merchant, 300_000) },
  { name: 'tribunal des activités économiques, contribution', world: companyWorld(DEBTORS.lyonMerchant, 6_000_000) },
  {
    name: 'SCI disputed below 5,000 EUR: prior amicable attempt',
    world: disputed(companyWorld(DEBTORS.sci, 400_000), 'odoo:move:91'),
    deps: override,
  },
  { name: 'association, legal form from the name', world: companyWorld(DEBTORS.association, 600_000) },
  {
    name: 'no SIREN, billing address only, legal form unknown',
    world: companyWorld(
      {
        ...DEBTORS.merchant,
        name: 'Boulangerie Sabatier',
        registration: {},
        addresses: [{ ...DEBTORS.merchant.addresses[1]!, kind: 'billing' }],
      },
      600_000,
    ),
  },
  {
    name: 'consumer, petites créances, penalty clause',
    world: consumerWorld(120_000),
    asOf: '2026-02-20',
    deps: { termsOfSale: TERMS },
  },
  { name: 'consumer, injonction de payer', world: consumerWorld(800_000), asOf: '2026-02-20' },
  {
    name: 'consumer in surendettement',
    world: consumerWorld(800_000, {
      debtor: { ...DEBTORS.consumer, flags: insolvent({ kind: 'surendettement', openedOn: '2026-01-10' }) },
    }),
    asOf: '2026-02-20',
    deps: override,
  },
];

const GATES: { name: string; world: World; asOf: string }[] = [
  { name: 'every condition met', world: b2bWorld(), asOf: AFTER },
  { name: 'notice not expired', world: b2bWorld(), asOf: '2026-04-09' },
  { name: 'no notice', world: b2bWorld({ notice: null }), asOf: AFTER },
  {
    name: 'notice still in the outbox',
    world: b2bWorld({ notice: { on: '2026-03-25', performed: false } }),
    asOf: AFTER,
  },
  {
    name: 'promise and payment after the notice',
    world: b2bWorld({
      payments: [
        ['odoo:move:101', '2025-09-15', 50_000],
        ['odoo:move:102', '2026-04-08', 100_000],
      ],
      operations: [
        (ops) =>
          ops.promiseToPay(
            { receivableId: 'odoo:move:102' },
            'claire.martin',
            { date: '2026-04-30', amount: 100_000 },
            new Date('2026-04-06T10:00:00Z'),
          ),
      ],
    }),
    asOf: AFTER,
  },
  {
    name: 'disputed, left out',
    world: { ...disputed(b2bWorld(), 'odoo:move:102'), policy: { ...b2bWorld().policy, disputes: 'exclude_item' } },
    asOf: AFTER,
  },
  { name: 'under the minimum', world: companyWorld(DEBTORS.merchant, 25_000), asOf: AFTER },
  {
    name: 'consumer time-barred',
    world: consumerWorld(120_000, {
      items: consumerWorld(120_000).items.map((r) => ({ ...r, issueDate: '2023-05-01', dueDate: '2023-05-31' })),
    }),
    asOf: '2026-02-20',
  },
  {
    name: 'surendettement',
    world: consumerWorld(800_000, {
      debtor: { ...DEBTORS.consumer, flags: insolvent({ kind: 'surendettement', openedOn: '2026-01-10' }) },
    }),
    asOf: '2026-02-20',
  },
];

/** Every text of the claim wording, with the arguments compute-claim.ts and limitation.ts give it: a key added there and not here fails to compile. */
const PRESCRIPTION = {
  id: 'FAC-2025-0101',
  prescribesOn: '2030-09-15',
  years: 5,
  article: 'C. com. L110-4',
  startsOn: '2025-09-15',
};
const CLAIM_TEXTS: Record<keyof ClaimWording, () => string[]> = {
  insolvency: () => [CLAIM_FR.insolvency({ openedOn: '2026-04-01', interestUntil: '2026-03-31' })],
  paymentAfterAsOf: () => [
    CLAIM_FR.paymentAfterAsOf({ id: 'FAC-2025-0101', amount: 50_000, currency: 'EUR', on: '2026-05-02', asOf: AFTER }),
  ],
  notYetDue: () => [
    CLAIM_FR.notYetDue({
      id: 'FAC-2026-0007',
      dueDate: '2026-05-15',
      asOf: AFTER,
      principal: 120_000,
      currency: 'EUR',
    }),
  ],
  indemnityOtherCurrency: () => [
    CLAIM_FR.indemnityOtherCurrency({
      article: 'C. com. D441-5',
      amount: 4_000,
      indemnityCurrency: 'EUR',
      currency: 'USD',
    }),
  ],
  indemnityNotYetInForce: () => [
    CLAIM_FR.indemnityNotYetInForce({
      id: 'FAC-2012-0001',
      dueDate: '2012-11-30',
      article: 'C. com. D441-5',
      since: '2013-01-01',
    }),
  ],
  creditNoteUnrelated: () => [CLAIM_FR.creditNoteUnrelated('AV-2026-0001')],
  creditNoteExceeds: () => [
    CLAIM_FR.creditNoteExceeds({
      id: 'AV-2026-0001',
      excess: 19_820,
      currency: 'EUR',
      invoice: 'FAC-2025-0101',
      on: '2026-01-10',
    }),
  ],
  creditNoteAfterAsOf: () => [
    CLAIM_FR.creditNoteAfterAsOf({ id: 'AV-2026-0001', on: '2026-05-02', asOf: AFTER, invoice: 'FAC-2025-0101' }),
  ],
  contractualRateIndividualCreditor: () => [CLAIM_FR.contractualRateIndividualCreditor(12)],
  contractualRateConsumer: () => [CLAIM_FR.contractualRateConsumer(12.5)],
  noFormalNotice: () => [CLAIM_FR.noFormalNotice],
  noticeNotBeforeAsOf: () => [CLAIM_FR.noticeNotBeforeAsOf({ notice: AFTER, asOf: AFTER })],
  contractualRateBelowFloor: () => [
    CLAIM_FR.contractualRateBelowFloor({
      contractualPercent: 8,
      semester: '2026-H1',
      legalRateBps: 662,
      floorBps: 1986,
      ecbBps: 215,
      defaultBps: 1215,
    }),
  ],
  prescribed: () => [
    CLAIM_FR.prescribed({ ...PRESCRIPTION, restarted: false, issueDate: '2025-09-01' }),
    CLAIM_FR.prescribed({ ...PRESCRIPTION, restarted: true, issueDate: null }),
  ],
  prescribesSoon: () =>
    [0, 1, 68].flatMap((daysLeft) => [
      CLAIM_FR.prescribesSoon({ ...PRESCRIPTION, daysLeft, restarted: false, issueDate: '2025-09-01' }),
      CLAIM_FR.prescribesSoon({ ...PRESCRIPTION, daysLeft, restarted: true, issueDate: null }),
    ]),
};

describe('the dossier speaks French', () => {
  let store: Store;
  beforeEach(async () => (store = await openStore()));
  afterEach(() => store.close());

  it('the guard catches English', () => {
    expect(ENGLISH.test('the claim is disputed')).toBe(true);
    expect(
      ENGLISH.test('AV-2026-0001: the credit note reduces the principal but not the interest base of any invoice'),
    ).toBe(true);
    expect(
      ENGLISH.test('la créance est contestée : FAC-2025-0102 (marchandise endommagée, depuis le 20/03/2026)'),
    ).toBe(false);
  });

  it.each(Object.entries(CLAIM_TEXTS))('claim wording: %s', (_key, texts) => {
    const written = texts();
    expect(written.length).toBeGreaterThan(0);
    expect(written.filter((t) => ENGLISH.test(t))).toEqual([]);
    // Dates as the firm reads them, never as the machine fields write them.
    expect(written.filter((t) => /\b\d{4}-\d{2}-\d{2}\b/.test(t))).toEqual([]);
  });

  it.each(DOSSIERS.map((s) => [s.name, s] as const))('dossier: %s', async (_name, s) => {
    const asOf = s.asOf ?? AFTER;
    const caseId = await seedWorld(store, s.world);
    if (s.costs) {
      const ops = new CaseOperations({ store, clock: fixedClock(`${asOf}T08:00:00Z`), timeZone: TIME_ZONE });
      await ops.recordRecoveryCost(caseId, 'claire.martin', {
        date: '2026-03-02',
        amount: 15_000,
        label: 'constat de commissaire de justice',
        receipt: pdf('acte 2026-117'),
      });
    }
    await recordEscalation(
      store,
      caseId,
      s.world.policy,
      asOf,
      s.world.items.map((r) => r.id),
    );
    const dossier = await buildDossier(store, caseId, asOf, {
      legal: LEGAL,
      procedures: PROCEDURES,
      policy: s.world.policy,
      creditor: CREDITOR,
      timeZone: TIME_ZONE,
      clock: fixedClock(`${asOf}T10:00:00Z`),
      costs: COSTS,
      ...s.deps,
    });
    const texts = dossierTexts(dossier);
    expect(texts.length).toBeGreaterThan(8);
    expect(texts.filter((t) => ENGLISH.test(t))).toEqual([]);
  });

  it.each(GATES.map((g) => [g.name, g] as const))('gate: %s', async (_name, g) => {
    const caseId = await seedWorld(store, g.world);
    const gate = checkEscalation(await loadCaseRecords(store, caseId), g.world.policy, g.asOf, {
      legal: LEGAL,
      procedures: PROCEDURES,
      timeZone: TIME_ZONE,
    });
    expect(gate.conditions).toHaveLength(7);
    expect(gate.conditions.map((c) => c.reason).filter((t) => ENGLISH.test(t))).toEqual([]);
  });
});
