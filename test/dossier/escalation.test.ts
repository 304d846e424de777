import type { Policy } from '../../config/policy.schema';
import {
  buildDossier,
  checkEscalation,
  DossierError,
  loadCaseRecords,
  type DossierDeps,
  type GateConditionId,
} from '../../connector/dossier';
import type { CourtKind, Dossier, ProcedureKind } from '../../connector/model/dossier.schema';
import type { Store } from '../../connector/store/store';

import { FR } from '../../connector/dossier/fr.wording';
import {
  B2B,
  DEBTORS,
  LEGAL,
  openStore,
  plain,
  PROCEDURES,
  recordEscalation,
  seedWorld,
  TIME_ZONE,
  type World,
  dossierDeps,
} from './fixtures';
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

const IP_SERVICE =
  'dans les 6 mois à compter de sa date pour une ordonnance rendue avant le 01/09/2026 (CPC 1411) ; 3 mois pour une ordonnance rendue à compter du 01/09/2026 (CPC 1411 as amended by décret 2026-96)';

const table: Row[] = [
  {
    name: 'merchant above the ceiling, notice expired unanswered → injonction de payer at the tribunal de commerce of the seat',
    world: b2bWorld(),
    asOf: AFTER,
    failed: [],
    says: [
      [
        'formal_notice_expired',
        'la mise en demeure adressée par lettre recommandée le 25/03/2026 a été reçue le 03/04/2026 (avis de réception) ; son délai de 8 jours a expiré le 11/04/2026',
      ],
      [
        'unanswered',
        "aucun paiement, aucune promesse de paiement ni aucune contestation n'a été enregistré depuis l'envoi de la mise en demeure le 25/03/2026",
      ],
      [
        'liquid_and_due',
        "créance certaine, liquide et exigible : 2 factures échues et impayées d'un montant déterminé (FAC-2025-0101, FAC-2025-0102) : 5 800,00 €, après déduction d'un avoir pour 200,00 €",
      ],
      [
        'not_prescribed',
        "la première facture réclamée se prescrit à l'issue du 15/09/2030 (5 ans, C. com. L110-4, à compter du 15/09/2025)",
      ],
      [
        'worth_the_cost',
        'principal net de 5 800,00 € : au moins égal au minimum de 300,00 €, au moins égal à 200 % du coût estimé de 150,00 €',
      ],
    ],
    dossier: {
      procedure: 'injonction_de_payer',
      court: 'tribunal_de_commerce',
      courtName: 'Tribunal de commerce de Nantes',
      territory: 'le président du Tribunal de commerce de Nantes, lieu du siège social du débiteur (44000 Nantes)',
      reasons: [
        "créance non contestée d'origine contractuelle",
        'le principal et les intérêts (6 121,06 €) excèdent le plafond de 5 000,00 €',
        'entre commerçants',
      ],
      deadlines: [
        ["signifier l'ordonnance", IP_SERVICE, null],
        ['opposition du débiteur', 'un mois à compter de la signification à personne', null],
        ['interrompre la prescription', 'seulement une fois son ordonnance signifiée', '2030-09-15'],
      ],
      lawyer: false,
      lawyerSays:
        "après opposition, l'affaire devient contentieuse et la représentation par avocat n'est pas obligatoire, la créance (6 201,06 €) n'excédant pas 10 000,00 € (CPC 853)",
      alternatives: ['refere_provision'],
    },
  },
  {
    name: 'notice with acknowledgement not expired (the example of the issue)',
    world: b2bWorld(),
    asOf: '2026-04-09',
    failed: ['formal_notice_expired'],
    says: [
      [
        'formal_notice_expired',
        'la mise en demeure adressée par lettre recommandée le 25/03/2026 a été reçue le 03/04/2026 (avis de réception) ; son délai de 8 jours expire le 11/04/2026, soit après le 09/04/2026',
      ],
    ],
    dossier: 'refused',
  },
  {
    name: 'notice with acknowledgement: the deadline counts from receipt (still running on 2026-04-05)',
    world: b2bWorld(),
    asOf: '2026-04-05',
    failed: ['formal_notice_expired'],
    says: [['formal_notice_expired', 'son délai de 8 jours expire le 11/04/2026, soit après le 05/04/2026']],
  },
  {
    name: 'notice without acknowledgement: the deadline counts from the day it was sent (expired on 2026-04-05)',
    world: b2bWorld({ notice: { ...NOTICE, ack: undefined } }),
    asOf: '2026-04-05',
    failed: [],
    says: [
      [
        'formal_notice_expired',
        "la mise en demeure adressée par lettre recommandée le 25/03/2026 n'a pas d'avis de réception : son délai court à compter du jour de son envoi, le 25/03/2026 ; son délai de 8 jours a expiré le 02/04/2026",
      ],
    ],
  },
  {
    name: 'notice without acknowledgement, letter returned, on its last day',
    world: b2bWorld({ notice: { ...NOTICE, ack: undefined, returned: true } }),
    asOf: '2026-04-02',
    failed: ['formal_notice_expired'],
    says: [
      [
        'formal_notice_expired',
        "n'a pas d'avis de réception (la lettre recommandée est revenue à l'expéditeur) : son délai court à compter du jour de son envoi, le 25/03/2026 ; son délai de 8 jours expire le 02/04/2026, à la fin du jour de la présente vérification",
      ],
    ],
  },
  {
    name: 'no formal notice at all',
    world: b2bWorld({ notice: null }),
    asOf: AFTER,
    failed: ['formal_notice_expired', 'unanswered'],
    says: [['formal_notice_expired', "aucune mise en demeure n'a été décidée sur ce dossier"]],
    dossier: 'refused',
  },
  {
    name: 'formal notice decided but still in the outbox',
    world: b2bWorld({ notice: { on: '2026-03-25', performed: false } }),
    asOf: AFTER,
    failed: ['formal_notice_expired', 'unanswered'],
    says: [
      [
        'formal_notice_expired',
        "la mise en demeure décidée le 25/03/2026 n'a pas encore été envoyée (lettre recommandée avec demande d’avis de réception : en attente, courrier électronique : en attente)",
      ],
    ],
  },
  {
    name: 'promise to pay recorded after the notice',
    world: b2bWorld({
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
    failed: ['unanswered'],
    says: [
      [
        'unanswered',
        'le débiteur a répondu à la mise en demeure envoyée le 25/03/2026 : promesse de paiement pour le 30/04/2026, enregistrée le 06/04/2026',
      ],
    ],
    dossier: 'refused',
  },
  {
    name: 'payment received after the notice',
    world: b2bWorld({
      payments: [
        ['odoo:move:101', '2025-09-15', 50_000],
        ['odoo:move:102', '2026-04-08', 100_000],
      ],
    }),
    asOf: AFTER,
    failed: ['unanswered'],
    says: [['unanswered', 'paiement de 1 000,00 € le 08/04/2026 (FAC-2025-0102)']],
  },
  {
    name: 'disputed before the notice (pause_case) → refused; handed over by the controller → assignation au fond',
    world: b2bWorld({
      operations: [
        (ops) =>
          ops.markItem(
            'odoo:move:102',
            'claire.martin',
            { disputed: { reason: 'marchandise endommagée' } },
            new Date('2026-03-20T10:00:00Z'),
          ),
      ],
    }),
    asOf: AFTER,
    failed: ['not_disputed'],
    says: [['not_disputed', 'la créance est contestée : FAC-2025-0102 (marchandise endommagée, depuis le 20/03/2026)']],
    dossier: {
      override: true,
      procedure: 'assignation_au_fond',
      court: 'tribunal_de_commerce',
      reasons: [
        'la créance est contestée : FAC-2025-0102 (marchandise endommagée, depuis le 20/03/2026)',
        'une créance contestée se heurterait à une opposition',
      ],
      deadlines: [
        [
          'interrompre la prescription',
          'une assignation ou un référé interrompt la prescription (C. civ. 2241)',
          '2030-09-15',
        ],
      ],
      lawyer: false,
      lawyerSays:
        "n'excède pas 10 000,00 € : la représentation par avocat n'est pas obligatoire devant le tribunal de commerce (CPC 853)",
      alternatives: ['refere_provision'],
    },
  },
  {
    name: 'disputed item left out (policy exclude_item): the rest escalates',
    world: b2bWorld({
      policy: policy({ disputes: 'exclude_item' }),
      operations: [
        (ops) =>
          ops.markItem(
            'odoo:move:102',
            'claire.martin',
            { disputed: { reason: 'marchandise endommagée' } },
            new Date('2026-03-20T10:00:00Z'),
          ),
      ],
    }),
    asOf: AFTER,
    failed: [],
    says: [
      [
        'not_disputed',
        "aucune facture contestée n'est réclamée ; écartées car contestées (politique exclude_item) : FAC-2025-0102 (marchandise endommagée, depuis le 20/03/2026)",
      ],
      ['worth_the_cost', 'principal net de 1 300,00 €'],
    ],
    dossier: {
      procedure: 'petites_creances',
      court: 'commissaire_de_justice',
      reasons: ['le principal et les intérêts (1', ') sont inférieurs au plafond de 5 000,00 €'],
      alternatives: ['injonction_de_payer'],
    },
  },
  {
    name: 'debtor in insolvency proceedings → refused; handed over → declaration of the claim',
    world: b2bWorld({
      debtor: {
        ...DEBTORS.merchant,
        flags: {
          doNotContact: false,
          insolvency: { kind: 'redressement', openedOn: '2026-04-01', publishedOn: '2026-04-08' },
        },
      },
    }),
    asOf: AFTER,
    failed: ['not_insolvent'],
    says: [
      [
        'not_insolvent',
        'redressement judiciaire ouvert le 01/04/2026 : les poursuites individuelles sont interrompues (C. com. L622-21) ; déclarer la créance au mandataire judiciaire au plus tard le 08/06/2026',
      ],
    ],
    dossier: {
      override: true,
      procedure: 'declaration_de_creance',
      court: 'mandataire_judiciaire',
      deadlines: [
        ['déclarer la créance', '2 mois à compter de la publication au BODACC', '2026-06-08'],
        ['relevé de forclusion', '6 mois à compter de la publication au BODACC', '2026-10-08'],
      ],
      lawyer: false,
    },
  },
  {
    name: 'amount under the policy threshold',
    world: companyWorld(DEBTORS.merchant, 25_000),
    asOf: AFTER,
    failed: ['worth_the_cost'],
    says: [
      [
        'worth_the_cost',
        'le principal net de 250,00 € est inférieur au minimum de 300,00 € fixé par la politique (escalation.minAmount)',
      ],
    ],
  },
  {
    name: 'under the cost coverage but above the minimum',
    world: companyWorld(DEBTORS.merchant, 40_000, {
      policy: policy({
        escalation: { minAmount: { EUR: 30_000 }, estimatedCost: { EUR: 25_000 }, costCoveragePercent: 200 },
      }),
    }),
    asOf: AFTER,
    failed: ['worth_the_cost'],
    says: [
      [
        'worth_the_cost',
        'le principal net de 400,00 € est inférieur à 200 % du coût estimé de 250,00 €, soit 500,00 €',
      ],
    ],
  },
  {
    name: 'merchant at or below the ceiling → petites créances',
    world: companyWorld(DEBTORS.merchant, 300_000),
    asOf: AFTER,
    failed: [],
    dossier: {
      procedure: 'petites_creances',
      court: 'commissaire_de_justice',
      territory: "un commissaire de justice du ressort de la cour d'appel du siège social du débiteur (44000 Nantes)",
      deadlines: [['réponse du débiteur', 'un mois ; le silence vaut refus', null]],
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
      reasons: ['siège en tant que tribunal des activités économiques du 01/01/2025 au 31/12/2028'],
      deadlines: [["signifier l'ordonnance", IP_SERVICE, null]],
      lawyer: false,
      lawyerSays: 'la représentation par avocat est obligatoire, la créance (12',
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
      territory: 'le président du Tribunal judiciaire de Nantes, lieu du siège social du débiteur (44000 Nantes)',
      reasons: [
        'le débiteur est une société civile (SCI), non commerçante : le tribunal judiciaire connaît des demandes formées contre les non-commerçants',
      ],
      lawyer: false,
      lawyerSays: 'excédant 10 000,00 € (CPC 760, 761)',
    },
  },
  {
    name: 'association above the ceiling → injonction de payer at the tribunal judiciaire',
    world: companyWorld(DEBTORS.association, 600_000),
    asOf: AFTER,
    failed: [],
    dossier: {
      procedure: 'injonction_de_payer',
      court: 'tribunal_judiciaire',
      reasons: ['le débiteur est une association, non commerçante'],
    },
  },
  {
    name: 'SCI disputed below 5,000 EUR, handed over → assignation au fond at the tribunal judiciaire, prior amicable attempt first',
    world: companyWorld(DEBTORS.sci, 400_000, {
      operations: [
        (ops) =>
          ops.markItem(
            'odoo:move:91',
            'claire.martin',
            { disputed: { reason: 'travaux inachevés' } },
            new Date('2026-03-20T10:00:00Z'),
          ),
      ],
    }),
    asOf: AFTER,
    failed: ['not_disputed'],
    dossier: {
      override: true,
      procedure: 'assignation_au_fond',
      court: 'tribunal_judiciaire',
      reasons: [
        'est irrecevable sans tentative préalable de conciliation, de médiation ou de procédure participative (CPC 750-1)',
      ],
      deadlines: [['tentative préalable de résolution amiable', "avant l'assignation", null]],
      lawyer: false,
    },
  },
  {
    name: 'merchant, recovery threatened → saisie conservatoire before the juge de l’exécution',
    world: b2bWorld(),
    asOf: AFTER,
    failed: [],
    dossier: {
      circumstances: { recoveryThreatened: 'le débiteur met en vente ses locaux' },
      procedure: 'saisie_conservatoire',
      court: 'juge_de_l_execution',
      reasons: ['le recouvrement de la créance est menacé : le débiteur met en vente ses locaux'],
      deadlines: [
        ['exécuter la saisie autorisée', "dans les 3 mois de l'autorisation", null],
        ['engager la procédure au fond', "dans le mois de l'exécution de la saisie", null],
      ],
      alternatives: ['injonction_de_payer'],
    },
  },
  {
    name: 'merchant, speed matters → référé provision',
    world: b2bWorld(),
    asOf: AFTER,
    failed: [],
    dossier: {
      circumstances: { speedMatters: 'la société débitrice est en cours de cession' },
      procedure: 'refere_provision',
      court: 'tribunal_de_commerce',
      reasons: ["sans qu'une urgence soit requise (CPC 873 al. 2)"],
      alternatives: ['injonction_de_payer'],
    },
  },
  {
    name: 'consumer below the ceiling, 15-day notice expired → petites créances',
    world: consumerWorld(120_000),
    asOf: '2026-02-20',
    failed: [],
    says: [
      [
        'formal_notice_expired',
        'a été reçue le 18/12/2025 (avis de réception) ; son délai de 15 jours a expiré le 02/01/2026',
      ],
    ],
    dossier: {
      procedure: 'petites_creances',
      court: 'commissaire_de_justice',
      territory: "un commissaire de justice du ressort de la cour d'appel du domicile du débiteur (35000 Rennes)",
    },
  },
  {
    name: 'consumer above the ceiling → injonction de payer at the tribunal judiciaire of the domicile',
    world: consumerWorld(800_000),
    asOf: '2026-02-20',
    failed: [],
    dossier: {
      procedure: 'injonction_de_payer',
      court: 'tribunal_judiciaire',
      courtName: 'Tribunal judiciaire de Rennes',
      territory: 'le président du Tribunal judiciaire de Rennes, lieu du domicile du débiteur (35000 Rennes)',
      reasons: ['le débiteur est un consommateur'],
    },
  },
  {
    name: 'consumer claim prescribed (2 years, C. conso L218-2)',
    world: consumerWorld(120_000, {
      items: consumerWorld(120_000).items.map((r) => ({ ...r, issueDate: '2023-05-01', dueDate: '2023-05-31' })),
    }),
    asOf: '2026-02-20',
    failed: ['not_prescribed', 'worth_the_cost'],
    says: [
      [
        'not_prescribed',
        "toutes les factures échues sont prescrites : FAC-C-0001 (prescrite à l'issue du 01/05/2025, prescription de 2 ans, C. conso L218-2)",
      ],
    ],
    dossier: 'refused',
  },
  {
    name: 'payment plan running',
    world: b2bWorld({ items: [FAC1_PLAN(), ...b2bWorld().items.slice(1)] }),
    asOf: AFTER,
    failed: ['liquid_and_due'],
    says: [
      [
        'liquid_and_due',
        'un échéancier est en cours : FAC-2025-0101, convenu le 01/02/2026, dernière échéance augmentée du délai de grâce : 05/05/2026',
      ],
    ],
  },
];

function FAC1_PLAN() {
  const [fac1] = b2bWorld().items;
  return {
    ...fac1!,
    paymentPlan: {
      agreedOn: '2026-02-01',
      instalments: [
        { dueDate: '2026-03-31', amount: 75_000 },
        { dueDate: '2026-04-30', amount: 75_000 },
      ],
    },
  };
}

describe('escalation gate and recommended procedure', () => {
  let store: Store;
  beforeEach(async () => (store = await openStore()));
  afterEach(() => store.close());

  const deps = dossierDeps;

  it.each(table.map((r) => [r.name, r] as const))('%s', async (_name, row) => {
    const caseId = await seedWorld(store, row.world);
    const gate = checkEscalation(await loadCaseRecords(store, caseId), row.world.policy, row.asOf, {
      legal: LEGAL,
      procedures: PROCEDURES,
      timeZone: TIME_ZONE,
    });

    expect(gate.conditions.map((c) => c.id)).toEqual([
      'formal_notice_expired',
      'unanswered',
      'liquid_and_due',
      'not_disputed',
      'not_prescribed',
      'not_insolvent',
      'worth_the_cost',
    ]);
    expect(gate.failed).toEqual(row.failed);
    expect(gate.pass).toBe(row.failed.length === 0);
    for (const [id, text] of row.says ?? [])
      expect(plain(gate.conditions.find((c) => c.id === id)!.reason)).toContain(text);

    if (!row.dossier) return;
    await recordEscalation(
      store,
      caseId,
      row.world.policy,
      row.asOf,
      row.world.items.map((r) => r.id),
    );
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
      deps(row.world, {
        ...(e.override ? { override: { reason: 'accord de la direction financière' } } : {}),
        ...(e.circumstances ? { circumstances: e.circumstances } : {}),
      }),
    );
    expect(dossier.recommendedProcedure).toBe(e.procedure);
    expect(dossier.court.kind).toBe(e.court);
    if (e.courtName) expect(dossier.court.name).toBe(e.courtName);
    if (e.territory) expect(dossier.court.territory).toBe(e.territory);
    for (const text of e.reasons ?? []) expect(dossier.reasons.some((r) => plain(r).includes(text))).toBe(true);
    for (const [what, rule, dueOn] of e.deadlines ?? []) {
      expect(dossier.deadlines).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ what: expect.stringContaining(what), rule: expect.stringContaining(rule), dueOn }),
        ]),
      );
    }
    if (e.lawyer !== undefined) expect(dossier.lawyer?.compulsory).toBe(e.lawyer);
    if (e.lawyerSays) expect(plain(dossier.lawyer?.reason ?? '')).toContain(e.lawyerSays);
    if (e.alternatives) expect(dossier.alternatives.map((a) => a.procedure)).toEqual(e.alternatives);
    if (e.override)
      expect(dossier.warnings[0]).toMatch(
        new RegExp(
          `^transmis sur décision du créancier \\(accord de la direction financière\\) bien que les conditions suivantes ne soient pas remplies : ${FR.condition(row.failed[0]!)} — `,
        ),
      );
  });
});
