import type { Policy } from '../../config/policy.schema';
import { buildDossier, checkEscalation, DossierError, loadCaseRecords, type DossierDeps, type GateConditionId } from '../../connector/dossier';
import type { CourtKind, Dossier, ProcedureKind } from '../../connector/model/dossier.schema';
import type { Store } from '../../connector/store/store';
import { fixedClock } from '../../connector/time/clock';
import { B2B, CREDITOR, DEBTORS, LEGAL, openStore, PROCEDURES, recordEscalation, seedWorld, TIME_ZONE, type World } from './fixtures';
import { b2bWorld, companyWorld, consumerWorld, NOTICE } from './worlds';

/**
 * One table: a case brought to escalation on a real store → what the gate says (every failed
 * condition named, with the facts behind the first) → the procedure the dossier recommends, its
 * court and the key deadlines, or the refusal to build it.
 */

interface DossierExpectation {
  /** Built although the gate fails (a controller's decision). */
  override?: boolean;
  circumstances?: DossierDeps['circumstances'];
  procedure: ProcedureKind;
  court: CourtKind;
  courtName?: string;
  territory?: string;
  /** Substrings, each found in some reason. */
  reasons?: string[];
  /** [what substring, rule substring, dueOn or null]. */
  deadlines?: [string, string, string | null][];
  lawyer?: boolean;
  /** Substring of the lawyer's reason. */
  lawyerSays?: string;
  alternatives?: ProcedureKind[];
}

interface Row {
  name: string;
  world: World;
  asOf: string;
  failed: GateConditionId[];
  /** [condition, substring of its reason]. */
  says?: [GateConditionId, string][];
  dossier?: DossierExpectation | 'refused';
}

const policy = (over: Partial<Policy>): Policy => ({ ...B2B, ...over });
const AFTER = '2026-04-20';

const IP_SERVICE = 'within 6 months of its date for an ordonnance issued before 2026-09-01 (CPC 1411); 3 months for one issued from 2026-09-01 (CPC 1411 as amended by décret 2026-96)';

const table: Row[] = [
  {
    name: 'merchant above the ceiling, notice expired unanswered → injonction de payer at the tribunal de commerce of the seat',
    world: b2bWorld(),
    asOf: AFTER,
    failed: [],
    says: [
      ['formal_notice_expired', 'the formal notice sent by registered letter on 2026-03-25 was received on 2026-04-03 (acknowledgement of receipt); its 8-day deadline ended on 2026-04-11'],
      ['unanswered', 'no payment, promise to pay or dispute recorded since the formal notice was sent on 2026-03-25'],
      ['liquid_and_due', '2 invoices due and unpaid for a fixed amount (FAC-2025-0101, FAC-2025-0102): 5800.00 EUR, 1 credit note of 200.00 EUR deducted'],
      ['not_prescribed', 'the first claimed invoice prescribes at the end of 2030-09-15 (5 years, C. com. L110-4, from 2025-09-15)'],
      ['worth_the_cost', 'net principal 5800.00 EUR: at least the minimum of 300.00 EUR, at least 200 % of the estimated cost of 150.00 EUR'],
    ],
    dossier: {
      procedure: 'injonction_de_payer',
      court: 'tribunal_de_commerce',
      courtName: 'Tribunal de commerce de Nantes',
      territory: "the président of the Tribunal de commerce de Nantes at the debtor's registered office (44000 Nantes)",
      reasons: ['an uncontested claim of contractual origin', 'principal and interest (6121.06 EUR) exceed the 5000.00 EUR ceiling', 'between merchants'],
      deadlines: [
        ['serve the ordonnance', IP_SERVICE, null],
        ["the debtor's opposition", '1 month after service to the person', null],
        ['interrupt prescription', 'only once its ordonnance is served', '2030-09-15'],
      ],
      lawyer: false,
      lawyerSays: 'after an opposition the case becomes contentious and a lawyer is not compulsory, the claim (6201.06 EUR) not exceeding 10000.00 EUR (CPC 853)',
      alternatives: ['refere_provision'],
    },
  },
  {
    name: 'notice with acknowledgement not expired (the example of the issue)',
    world: b2bWorld(),
    asOf: '2026-04-09',
    failed: ['formal_notice_expired'],
    says: [['formal_notice_expired', 'the formal notice sent by registered letter on 2026-03-25 was received on 2026-04-03 (acknowledgement of receipt); its 8-day deadline ends on 2026-04-11, after 2026-04-09']],
    dossier: 'refused',
  },
  {
    name: 'notice with acknowledgement: the deadline counts from receipt (still running on 2026-04-05)',
    world: b2bWorld(),
    asOf: '2026-04-05',
    failed: ['formal_notice_expired'],
    says: [['formal_notice_expired', 'its 8-day deadline ends on 2026-04-11, after 2026-04-05']],
  },
  {
    name: 'notice without acknowledgement: the deadline counts from the day it was sent (expired on 2026-04-05)',
    world: b2bWorld({ notice: { ...NOTICE, ack: undefined } }),
    asOf: '2026-04-05',
    failed: [],
    says: [['formal_notice_expired', 'the formal notice sent by registered letter on 2026-03-25 has no acknowledgement of receipt: its deadline counts from the day it was sent, 2026-03-25; its 8-day deadline ended on 2026-04-02']],
  },
  {
    name: 'notice without acknowledgement, letter returned, on its last day',
    world: b2bWorld({ notice: { ...NOTICE, ack: undefined, returned: true } }),
    asOf: '2026-04-02',
    failed: ['formal_notice_expired'],
    says: [['formal_notice_expired', 'has no acknowledgement of receipt (the registered letter came back to the sender): its deadline counts from the day it was sent, 2026-03-25; its 8-day deadline ends on 2026-04-02, at the end of the day of this check']],
  },
  {
    name: 'no formal notice at all',
    world: b2bWorld({ notice: null }),
    asOf: AFTER,
    failed: ['formal_notice_expired', 'unanswered'],
    says: [['formal_notice_expired', 'no formal notice was decided on this case']],
    dossier: 'refused',
  },
  {
    name: 'formal notice decided but still in the outbox',
    world: b2bWorld({ notice: { on: '2026-03-25', performed: false } }),
    asOf: AFTER,
    failed: ['formal_notice_expired', 'unanswered'],
    says: [['formal_notice_expired', 'the formal notice decided on 2026-03-25 has not been sent yet (registered_letter pending, email pending)']],
  },
  {
    name: 'promise to pay recorded after the notice',
    world: b2bWorld({ operations: [(ops) => ops.promiseToPay({ receivableId: 'odoo:move:102' }, 'claire.martin', { date: '2026-04-30', amount: 100_000 }, new Date('2026-04-06T10:00:00Z'))] }),
    asOf: AFTER,
    failed: ['unanswered'],
    says: [['unanswered', 'the debtor answered the formal notice sent on 2026-03-25: promise to pay by 2026-04-30 recorded on 2026-04-06']],
    dossier: 'refused',
  },
  {
    name: 'payment received after the notice',
    world: b2bWorld({ payments: [['odoo:move:101', '2025-09-15', 50_000], ['odoo:move:102', '2026-04-08', 100_000]] }),
    asOf: AFTER,
    failed: ['unanswered'],
    says: [['unanswered', 'payment of 1000.00 EUR on 2026-04-08 (FAC-2025-0102)']],
  },
  {
    name: 'disputed before the notice (pause_case) → refused; handed over by the controller → assignation au fond',
    world: b2bWorld({ operations: [(ops) => ops.markItem('odoo:move:102', 'claire.martin', { disputed: { reason: 'goods damaged' } }, new Date('2026-03-20T10:00:00Z'))] }),
    asOf: AFTER,
    failed: ['not_disputed'],
    says: [['not_disputed', 'the claim is disputed: FAC-2025-0102 (goods damaged, since 2026-03-20)']],
    dossier: {
      override: true,
      procedure: 'assignation_au_fond',
      court: 'tribunal_de_commerce',
      reasons: ['the claim is disputed: FAC-2025-0102 (goods damaged, since 2026-03-20)', 'a disputed one would meet an opposition'],
      deadlines: [['interrupt prescription', 'an assignation or a référé interrupts (C. civ. 2241)', '2030-09-15']],
      lawyer: false,
      lawyerSays: 'does not exceed 10000.00 EUR: no lawyer is compulsory before the tribunal de commerce (CPC 853)',
      alternatives: ['refere_provision'],
    },
  },
  {
    name: 'disputed item left out (policy exclude_item): the rest escalates',
    world: b2bWorld({ policy: policy({ disputes: 'exclude_item' }), operations: [(ops) => ops.markItem('odoo:move:102', 'claire.martin', { disputed: { reason: 'goods damaged' } }, new Date('2026-03-20T10:00:00Z'))] }),
    asOf: AFTER,
    failed: [],
    says: [
      ['not_disputed', 'no disputed invoice is claimed; left out as disputed (policy exclude_item): FAC-2025-0102 (goods damaged, since 2026-03-20)'],
      ['worth_the_cost', 'net principal 1300.00 EUR'],
    ],
    dossier: { procedure: 'petites_creances', court: 'commissaire_de_justice', reasons: ['principal and interest (1',') are below the 5000.00 EUR ceiling'], alternatives: ['injonction_de_payer'] },
  },
  {
    name: 'debtor in insolvency proceedings → refused; handed over → declaration of the claim',
    world: b2bWorld({ debtor: { ...DEBTORS.merchant, flags: { doNotContact: false, insolvency: { kind: 'redressement', openedOn: '2026-04-01', publishedOn: '2026-04-08' } } } }),
    asOf: AFTER,
    failed: ['not_insolvent'],
    says: [['not_insolvent', 'insolvency proceedings (redressement) opened on 2026-04-01: individual actions are stopped (C. com. L622-21); declare the claim to the mandataire judiciaire by 2026-06-08']],
    dossier: {
      override: true,
      procedure: 'declaration_de_creance',
      court: 'mandataire_judiciaire',
      deadlines: [
        ['declare the claim', '2 months after the BODACC publication', '2026-06-08'],
        ['relevé de forclusion', '6 months after the BODACC publication', '2026-10-08'],
      ],
      lawyer: false,
    },
  },
  {
    name: 'amount under the policy threshold',
    world: companyWorld(DEBTORS.merchant, 25_000),
    asOf: AFTER,
    failed: ['worth_the_cost'],
    says: [['worth_the_cost', 'net principal 250.00 EUR is below the policy minimum of 300.00 EUR (escalation.minAmount)']],
  },
  {
    name: 'under the cost coverage but above the minimum',
    world: companyWorld(DEBTORS.merchant, 40_000, { policy: policy({ escalation: { minAmount: { EUR: 30_000 }, estimatedCost: { EUR: 25_000 }, costCoveragePercent: 200 } }) }),
    asOf: AFTER,
    failed: ['worth_the_cost'],
    says: [['worth_the_cost', 'net principal 400.00 EUR is below 200 % of the estimated cost of 250.00 EUR = 500.00 EUR']],
  },
  {
    name: 'merchant at or below the ceiling → petites créances',
    world: companyWorld(DEBTORS.merchant, 300_000),
    asOf: AFTER,
    failed: [],
    dossier: {
      procedure: 'petites_creances',
      court: 'commissaire_de_justice',
      territory: "a commissaire de justice of the cour d'appel area of the debtor's registered office (44000 Nantes)",
      deadlines: [["the debtor's answer", '1 month; silence is a refusal', null]],
      lawyer: false,
      alternatives: ['injonction_de_payer'],
    },
  },
  {
    name: 'merchant in Lyon above 10,000 EUR → injonction de payer at the tribunal des activités économiques',
    world: companyWorld(DEBTORS.lyonMerchant, 1_200_000),
    asOf: AFTER,
    failed: [],
    dossier: {
      procedure: 'injonction_de_payer',
      court: 'tribunal_des_activites_economiques',
      courtName: 'Tribunal des activités économiques de Lyon',
      reasons: ['sits as a tribunal des activités économiques from 2025-01-01 to 2028-12-31'],
      deadlines: [['serve the ordonnance', IP_SERVICE, null]],
      lawyer: false,
      lawyerSays: 'a lawyer is compulsory, the claim (12',
    },
  },
  {
    name: 'SCI above 10,000 EUR → injonction de payer at the tribunal judiciaire, lawyer after an opposition',
    world: companyWorld(DEBTORS.sci, 1_200_000),
    asOf: AFTER,
    failed: [],
    dossier: {
      procedure: 'injonction_de_payer',
      court: 'tribunal_judiciaire',
      courtName: 'Tribunal judiciaire de Nantes',
      territory: "the président of the Tribunal judiciaire de Nantes at the debtor's registered office (44000 Nantes)",
      reasons: ['the debtor is a société civile (SCI), not a merchant: the tribunal judiciaire hears claims against non-merchants'],
      lawyer: false,
      lawyerSays: 'exceeding 10000.00 EUR (CPC 760, 761)',
    },
  },
  {
    name: 'association above the ceiling → injonction de payer at the tribunal judiciaire',
    world: companyWorld(DEBTORS.association, 600_000),
    asOf: AFTER,
    failed: [],
    dossier: { procedure: 'injonction_de_payer', court: 'tribunal_judiciaire', reasons: ['the debtor is an association, not a merchant'] },
  },
  {
    name: 'SCI disputed below 5,000 EUR, handed over → assignation au fond at the tribunal judiciaire, prior amicable attempt first',
    world: companyWorld(DEBTORS.sci, 400_000, { operations: [(ops) => ops.markItem('odoo:move:91', 'claire.martin', { disputed: { reason: 'works unfinished' } }, new Date('2026-03-20T10:00:00Z'))] }),
    asOf: AFTER,
    failed: ['not_disputed'],
    dossier: {
      override: true,
      procedure: 'assignation_au_fond',
      court: 'tribunal_judiciaire',
      reasons: ['is inadmissible without a prior conciliation, mediation or procédure participative (CPC 750-1)'],
      deadlines: [['prior amicable attempt', 'before the assignation', null]],
      lawyer: false,
    },
  },
  {
    name: 'merchant, recovery threatened → saisie conservatoire before the juge de l’exécution',
    world: b2bWorld(),
    asOf: AFTER,
    failed: [],
    dossier: {
      circumstances: { recoveryThreatened: 'the debtor is selling its premises' },
      procedure: 'saisie_conservatoire',
      court: 'juge_de_l_execution',
      reasons: ['recovery is threatened: the debtor is selling its premises'],
      deadlines: [
        ['execute the authorised seizure', 'within 3 months of the authorisation', null],
        ['start the merits proceedings', 'within 1 month of executing the seizure', null],
      ],
      alternatives: ['injonction_de_payer'],
    },
  },
  {
    name: 'merchant, speed matters → référé provision',
    world: b2bWorld(),
    asOf: AFTER,
    failed: [],
    dossier: { circumstances: { speedMatters: 'the debtor is about to be sold' }, procedure: 'refere_provision', court: 'tribunal_de_commerce', reasons: ['without any urgency being needed (CPC 873 al. 2)'], alternatives: ['injonction_de_payer'] },
  },
  {
    name: 'consumer below the ceiling, 15-day notice expired → petites créances',
    world: consumerWorld(120_000),
    asOf: '2026-02-20',
    failed: [],
    says: [['formal_notice_expired', 'was received on 2025-12-18 (acknowledgement of receipt); its 15-day deadline ended on 2026-01-02']],
    dossier: { procedure: 'petites_creances', court: 'commissaire_de_justice', territory: "a commissaire de justice of the cour d'appel area of the debtor's domicile (35000 Rennes)" },
  },
  {
    name: 'consumer above the ceiling → injonction de payer at the tribunal judiciaire of the domicile',
    world: consumerWorld(800_000),
    asOf: '2026-02-20',
    failed: [],
    dossier: { procedure: 'injonction_de_payer', court: 'tribunal_judiciaire', courtName: 'Tribunal judiciaire de Rennes', territory: "the président of the Tribunal judiciaire de Rennes at the debtor's domicile (35000 Rennes)", reasons: ['the debtor is a consumer'] },
  },
  {
    name: 'consumer claim prescribed (2 years, C. conso L218-2)',
    world: consumerWorld(120_000, { items: consumerWorld(120_000).items.map((r) => ({ ...r, issueDate: '2023-05-01', dueDate: '2023-05-31' })) }),
    asOf: '2026-02-20',
    failed: ['not_prescribed', 'worth_the_cost'],
    says: [['not_prescribed', 'every overdue invoice is time-barred: FAC-C-0001 (prescribed after 2025-05-01, 2 years, C. conso L218-2)']],
    dossier: 'refused',
  },
  {
    name: 'payment plan running',
    world: b2bWorld({ items: [FAC1_PLAN(), ...b2bWorld().items.slice(1)] }),
    asOf: AFTER,
    failed: ['liquid_and_due'],
    says: [['liquid_and_due', 'a payment plan runs: FAC-2025-0101 agreed 2026-02-01, last instalment plus grace 2026-05-05']],
  },
];

function FAC1_PLAN() {
  const [fac1] = b2bWorld().items;
  return { ...fac1!, paymentPlan: { agreedOn: '2026-02-01', instalments: [{ dueDate: '2026-03-31', amount: 75_000 }, { dueDate: '2026-04-30', amount: 75_000 }] } };
}

describe('escalation gate and recommended procedure', () => {
  let store: Store;
  beforeEach(async () => (store = await openStore()));
  afterEach(() => store.close());

  const deps = (world: World, extra: Partial<DossierDeps> = {}): DossierDeps => ({
    legal: LEGAL,
    procedures: PROCEDURES,
    policy: world.policy,
    creditor: CREDITOR,
    timeZone: TIME_ZONE,
    clock: fixedClock('2026-04-20T10:00:00Z'),
    ...extra,
  });

  it.each(table.map((r) => [r.name, r] as const))('%s', async (_name, row) => {
    const caseId = await seedWorld(store, row.world);
    const gate = checkEscalation(await loadCaseRecords(store, caseId), row.world.policy, row.asOf, { legal: LEGAL, procedures: PROCEDURES, timeZone: TIME_ZONE });

    expect(gate.conditions.map((c) => c.id)).toEqual(['formal_notice_expired', 'unanswered', 'liquid_and_due', 'not_disputed', 'not_prescribed', 'not_insolvent', 'worth_the_cost']);
    expect(gate.failed).toEqual(row.failed);
    expect(gate.pass).toBe(row.failed.length === 0);
    for (const [id, text] of row.says ?? []) expect(gate.conditions.find((c) => c.id === id)!.reason).toContain(text);

    if (!row.dossier) return;
    await recordEscalation(store, caseId, row.world.policy, row.asOf, row.world.items.map((r) => r.id));
    if (row.dossier === 'refused') {
      const error = await buildDossier(store, caseId, row.asOf, deps(row.world)).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DossierError);
      expect((error as DossierError).code).toBe('ESCALATION_GATE_FAILED');
      expect((error as DossierError).problems.map((p) => p.split(':')[0])).toEqual(row.failed);
      return;
    }
    const e = row.dossier;
    const dossier: Dossier = await buildDossier(
      store,
      caseId,
      row.asOf,
      deps(row.world, { ...(e.override ? { override: { reason: 'approved by the credit manager' } } : {}), ...(e.circumstances ? { circumstances: e.circumstances } : {}) }),
    );
    expect(dossier.recommendedProcedure).toBe(e.procedure);
    expect(dossier.court.kind).toBe(e.court);
    if (e.courtName) expect(dossier.court.name).toBe(e.courtName);
    if (e.territory) expect(dossier.court.territory).toBe(e.territory);
    for (const text of e.reasons ?? []) expect(dossier.reasons.some((r) => r.includes(text))).toBe(true);
    for (const [what, rule, dueOn] of e.deadlines ?? []) {
      expect(dossier.deadlines).toEqual(expect.arrayContaining([expect.objectContaining({ what: expect.stringContaining(what), rule: expect.stringContaining(rule), dueOn })]));
    }
    if (e.lawyer !== undefined) expect(dossier.lawyer?.compulsory).toBe(e.lawyer);
    if (e.lawyerSays) expect(dossier.lawyer?.reason).toContain(e.lawyerSays);
    if (e.alternatives) expect(dossier.alternatives.map((a) => a.procedure)).toEqual(e.alternatives);
    if (e.override) expect(dossier.warnings[0]).toMatch(new RegExp(`^handed over by decision of the creditor \\(approved by the credit manager\\) although: ${row.failed[0]}: `));
  });
});
