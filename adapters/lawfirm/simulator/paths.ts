import { createHash } from 'node:crypto';

/**
 * How files move once the simulated firm accepts them: one path per realistic outcome, as data.
 * Delays are typical, not legal deadlines, except where a step's comment cites one
 * (french-recovery-law.md §6–8). The simulator picks a path from the dossier's recommended
 * procedure with a seeded draw, so the same seed and dossier id always give the same story.
 */

export interface PathStep {
  /** The event `type` the firm sends; `claim_declared` is deliberately outside the known words (a firm's own word). */
  type: string;
  /** Simulated days after the previous step (the first: after the file is complete). Each is varied ±15 % by the seed. */
  afterDays: number;
  /** The firm's words for people (French: what a controller reads). */
  label: string;
  note?: string;
  /** Share of what is still owed that this step recovers; `rest` is all of it. */
  recovers?: number | 'rest';
  /** A document the firm attaches, generated as a small PDF. */
  document?: { kind: string; slug: string; title: string };
}

export interface ProcedurePath {
  description: string;
  steps: readonly PathStep[];
}

const ORDONNANCE = {
  kind: 'court_order',
  slug: 'ordonnance-injonction-de-payer',
  title: 'Ordonnance portant injonction de payer',
};
const JUGEMENT = { kind: 'judgment', slug: 'jugement', title: 'Jugement' };
const CERTIFICAT = {
  kind: 'certificate_of_irrecoverability',
  slug: 'certificat-irrecouvrabilite',
  title: "Certificat d'irrécouvrabilité",
};

const accepted: PathStep = { type: 'accepted', afterDays: 1, label: 'Dossier accepté par le cabinet' };
const closed: PathStep = { type: 'closed', afterDays: 3, label: 'Dossier clôturé' };

/** Injonction de payer up to the enforceable ordonnance (CPC 1405–1422). */
const ipUntilTitle: readonly PathStep[] = [
  accepted,
  {
    type: 'filed',
    afterDays: 5,
    label: 'Requête en injonction de payer déposée au greffe',
    note: 'Requête avec décompte et bordereau de pièces (CPC art. 1407)',
  },
  { type: 'order_issued', afterDays: 21, label: "Ordonnance d'injonction de payer rendue", document: ORDONNANCE },
  {
    type: 'served',
    afterDays: 12,
    label: 'Ordonnance signifiée au débiteur',
    note: 'Le débiteur a un mois pour former opposition (CPC art. 1416)',
  },
];
const noOpposition: PathStep = {
  type: 'enforceable_title',
  afterDays: 35,
  label: 'Aucune opposition dans le délai : ordonnance exécutoire',
  note: "Sans opposition dans le mois, l'ordonnance a les effets d'un jugement contradictoire (CPC art. 1422)",
};

export const PATHS = {
  ip_no_opposition: {
    description: 'injonction de payer, no opposition, then enforcement with partial recoveries until paid',
    steps: [
      ...ipUntilTitle,
      noOpposition,
      {
        type: 'enforcement',
        afterDays: 7,
        label: 'Saisie-attribution pratiquée sur les comptes bancaires du débiteur',
      },
      { type: 'partial_recovery', afterDays: 20, label: 'Encaissement partiel (saisie-attribution)', recovers: 0.4 },
      {
        type: 'partial_recovery',
        afterDays: 30,
        label: 'Encaissement partiel (échéancier accordé par le commissaire de justice)',
        recovers: 0.5,
      },
      { type: 'recovered', afterDays: 30, label: 'Solde encaissé : créance recouvrée', recovers: 'rest' },
      closed,
    ],
  },
  ip_opposition: {
    description: 'injonction de payer, opposition, hearing and judgment, then enforcement',
    steps: [
      ...ipUntilTitle,
      {
        type: 'opposition',
        afterDays: 20,
        label: 'Opposition formée par le débiteur',
        note: "L'affaire devient contentieuse ; avocat obligatoire au-delà de 10 000 €",
      },
      { type: 'hearing', afterDays: 60, label: 'Audience de plaidoiries' },
      { type: 'judgment', afterDays: 42, label: 'Jugement : le débiteur est condamné au paiement', document: JUGEMENT },
      { type: 'served', afterDays: 15, label: 'Jugement signifié au débiteur' },
      { type: 'enforceable_title', afterDays: 32, label: "Jugement définitif : délai d'appel expiré" },
      { type: 'enforcement', afterDays: 7, label: 'Saisie-attribution pratiquée' },
      { type: 'recovered', afterDays: 25, label: 'Fonds encaissés : créance recouvrée', recovers: 'rest' },
      closed,
    ],
  },
  ip_irrecoverable: {
    description: 'injonction de payer, enforceable, enforcement fails: certificate of irrecoverability',
    steps: [
      ...ipUntilTitle,
      noOpposition,
      { type: 'enforcement', afterDays: 7, label: 'Saisie-attribution : comptes débiteurs ou insaisissables' },
      { type: 'enforcement', afterDays: 30, label: 'Procès-verbal de carence (saisie-vente infructueuse)' },
      {
        type: 'irrecoverable',
        afterDays: 20,
        label: 'Créance irrécouvrable',
        note: 'Certificat joint : pièce pour la passation en perte et la récupération de la TVA (CGI art. 272)',
        document: CERTIFICAT,
      },
    ],
  },
  insolvency: {
    description: 'the debtor enters insolvency proceedings: claim declared, then liquidation closed for lack of assets',
    steps: [
      accepted,
      { type: 'filed', afterDays: 5, label: 'Requête en injonction de payer déposée au greffe' },
      {
        type: 'insolvency_declared',
        afterDays: 18,
        label: "Ouverture d'une procédure collective publiée au BODACC",
        note: 'Poursuites individuelles arrêtées (C. com. L622-21) ; créance à déclarer au mandataire dans les 2 mois de la publication (R622-24)',
      },
      { type: 'claim_declared', afterDays: 20, label: 'Créance déclarée au mandataire judiciaire' },
      {
        type: 'irrecoverable',
        afterDays: 180,
        label: "Clôture de la liquidation pour insuffisance d'actif",
        note: 'Certificat du liquidateur joint (CGI art. 272)',
        document: CERTIFICAT,
      },
    ],
  },
  amicable_settlement: {
    description: "the firm's amicable phase is enough: paid in two instalments",
    steps: [
      accepted,
      {
        type: 'amicable_phase',
        afterDays: 2,
        label: 'Phase amiable : mise en demeure du cabinet adressée au débiteur',
      },
      { type: 'partial_recovery', afterDays: 20, label: 'Règlement partiel amiable', recovers: 0.5 },
      { type: 'recovered', afterDays: 30, label: 'Solde réglé à l’amiable : créance recouvrée', recovers: 'rest' },
      closed,
    ],
  },
  assignation_au_fond: {
    description: 'assignation au fond: hearing, judgment, enforcement with a partial recovery',
    steps: [
      accepted,
      {
        type: 'amicable_phase',
        afterDays: 2,
        label: 'Phase amiable : mise en demeure du cabinet adressée au débiteur',
      },
      { type: 'filed', afterDays: 21, label: 'Assignation délivrée et placée au tribunal' },
      { type: 'hearing', afterDays: 56, label: 'Audience' },
      { type: 'judgment', afterDays: 42, label: 'Jugement : le débiteur est condamné au paiement', document: JUGEMENT },
      { type: 'served', afterDays: 14, label: 'Jugement signifié au débiteur' },
      { type: 'enforceable_title', afterDays: 32, label: "Jugement définitif : délai d'appel expiré" },
      { type: 'enforcement', afterDays: 7, label: 'Saisie-attribution pratiquée' },
      { type: 'partial_recovery', afterDays: 30, label: 'Encaissement partiel', recovers: 0.5 },
      { type: 'recovered', afterDays: 30, label: 'Solde encaissé : créance recouvrée', recovers: 'rest' },
      closed,
    ],
  },
  refere_provision: {
    description: 'référé-provision: provisionally enforceable order, then enforcement',
    steps: [
      accepted,
      { type: 'filed', afterDays: 10, label: 'Assignation en référé-provision délivrée' },
      { type: 'hearing', afterDays: 21, label: 'Audience de référé' },
      {
        type: 'judgment',
        afterDays: 14,
        label: 'Ordonnance de référé : provision accordée, exécutoire de droit',
        document: JUGEMENT,
      },
      { type: 'served', afterDays: 7, label: 'Ordonnance de référé signifiée' },
      { type: 'enforcement', afterDays: 10, label: 'Saisie-attribution pratiquée' },
      { type: 'recovered', afterDays: 20, label: 'Fonds encaissés : créance recouvrée', recovers: 'rest' },
      closed,
    ],
  },
  petites_creances_agreement: {
    description: 'procédure simplifiée des petites créances: the debtor agrees, the commissaire issues a title',
    steps: [
      accepted,
      {
        type: 'amicable_phase',
        afterDays: 3,
        label: 'Invitation à la procédure simplifiée de recouvrement des petites créances envoyée',
        note: 'Le débiteur a un mois pour accepter ; le silence vaut refus (CPCE L125-1, R125-1 et s.)',
      },
      {
        type: 'enforceable_title',
        afterDays: 24,
        label: 'Accord du débiteur : titre exécutoire délivré par le commissaire de justice',
        document: { kind: 'enforceable_title', slug: 'titre-executoire', title: 'Titre exécutoire (petites créances)' },
      },
      { type: 'partial_recovery', afterDays: 30, label: "Première échéance de l'accord payée", recovers: 0.5 },
      { type: 'recovered', afterDays: 30, label: 'Dernière échéance payée : créance recouvrée', recovers: 'rest' },
      closed,
    ],
  },
  petites_creances_refused: {
    description: 'petites créances refused (silence), then injonction de payer without opposition',
    steps: [
      accepted,
      {
        type: 'amicable_phase',
        afterDays: 3,
        label: 'Invitation à la procédure simplifiée de recouvrement des petites créances envoyée',
      },
      {
        type: 'filed',
        afterDays: 32,
        label: "Pas d'accord dans le mois (le silence vaut refus) : requête en injonction de payer déposée",
      },
      { type: 'order_issued', afterDays: 21, label: "Ordonnance d'injonction de payer rendue", document: ORDONNANCE },
      { type: 'served', afterDays: 12, label: 'Ordonnance signifiée au débiteur' },
      noOpposition,
      { type: 'enforcement', afterDays: 7, label: 'Saisie-attribution pratiquée' },
      { type: 'recovered', afterDays: 20, label: 'Fonds encaissés : créance recouvrée', recovers: 'rest' },
      closed,
    ],
  },
  saisie_conservatoire: {
    description: 'saisie conservatoire authorised by the JEX, merits proceedings within a month, then conversion',
    steps: [
      accepted,
      { type: 'filed', afterDays: 5, label: "Requête au juge de l'exécution en autorisation de saisie conservatoire" },
      {
        type: 'order_issued',
        afterDays: 7,
        label: 'Ordonnance autorisant la saisie conservatoire',
        note: "L'autorisation devient caduque si elle n'est pas exécutée dans les 3 mois (CPCE R511-6)",
        document: {
          kind: 'court_order',
          slug: 'ordonnance-saisie-conservatoire',
          title: 'Ordonnance autorisant une saisie conservatoire',
        },
      },
      { type: 'enforcement', afterDays: 5, label: 'Saisie conservatoire pratiquée sur les comptes' },
      {
        type: 'filed',
        afterDays: 20,
        label: 'Assignation au fond délivrée',
        note: 'Dans le mois de la saisie, à peine de caducité (CPCE R511-7)',
      },
      { type: 'hearing', afterDays: 56, label: 'Audience' },
      { type: 'judgment', afterDays: 42, label: 'Jugement : le débiteur est condamné au paiement', document: JUGEMENT },
      { type: 'enforceable_title', afterDays: 32, label: "Jugement définitif : délai d'appel expiré" },
      {
        type: 'recovered',
        afterDays: 10,
        label: 'Saisie convertie en saisie-attribution : fonds encaissés',
        recovers: 'rest',
      },
      closed,
    ],
  },
  execution_forcee: {
    description: 'the creditor already holds a title: enforcement at once, partial then full recovery',
    steps: [
      accepted,
      { type: 'enforcement', afterDays: 10, label: 'Commandement de payer signifié ; saisie-attribution pratiquée' },
      { type: 'partial_recovery', afterDays: 20, label: 'Encaissement partiel', recovers: 0.6 },
      { type: 'recovered', afterDays: 30, label: 'Solde encaissé : créance recouvrée', recovers: 'rest' },
      closed,
    ],
  },
  enforcement_irrecoverable: {
    description: 'the creditor already holds a title, but enforcement finds nothing',
    steps: [
      accepted,
      { type: 'enforcement', afterDays: 10, label: 'Commandement de payer signifié ; saisie-attribution infructueuse' },
      { type: 'enforcement', afterDays: 30, label: 'Procès-verbal de carence' },
      { type: 'irrecoverable', afterDays: 20, label: 'Créance irrécouvrable', document: CERTIFICAT },
    ],
  },
  declaration_de_creance: {
    description: 'the debtor is already in insolvency proceedings: claim declared, a dividend, then closure',
    steps: [
      accepted,
      {
        type: 'claim_declared',
        afterDays: 5,
        label: 'Créance déclarée au mandataire judiciaire',
        note: 'Dans les 2 mois de la publication au BODACC (C. com. R622-24)',
      },
      { type: 'partial_recovery', afterDays: 300, label: 'Dividende versé par le liquidateur', recovers: 0.1 },
      {
        type: 'irrecoverable',
        afterDays: 30,
        label: "Clôture pour insuffisance d'actif : solde irrécouvrable",
        document: CERTIFICAT,
      },
    ],
  },
} as const satisfies Record<string, ProcedurePath>;

export type PathName = keyof typeof PATHS;
export const PATH_NAMES = Object.keys(PATHS) as PathName[];

/** Which paths each recommended procedure may take, with weights. A procedure not listed is one the firm does not run. */
export const PATHS_BY_PROCEDURE: Readonly<Record<string, readonly (readonly [PathName, number])[]>> = {
  injonction_de_payer: [
    ['ip_no_opposition', 40],
    ['ip_opposition', 15],
    ['amicable_settlement', 15],
    ['ip_irrecoverable', 15],
    ['insolvency', 15],
  ],
  assignation_au_fond: [
    ['assignation_au_fond', 65],
    ['amicable_settlement', 20],
    ['insolvency', 15],
  ],
  refere_provision: [
    ['refere_provision', 70],
    ['amicable_settlement', 15],
    ['insolvency', 15],
  ],
  petites_creances: [
    ['petites_creances_agreement', 55],
    ['petites_creances_refused', 30],
    ['amicable_settlement', 15],
  ],
  saisie_conservatoire: [
    ['saisie_conservatoire', 80],
    ['insolvency', 20],
  ],
  execution_forcee: [
    ['execution_forcee', 70],
    ['enforcement_irrecoverable', 30],
  ],
  declaration_de_creance: [['declaration_de_creance', 100]],
};

/** A number in [0, 1) fixed by the seed and the parts: the same inputs always draw the same. */
export function seededDraw(seed: number, ...parts: (string | number)[]): number {
  const digest = createHash('sha256')
    .update([seed, ...parts].join('\u0000'))
    .digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

/** The path of one dossier, or undefined when the firm does not run its procedure. */
export function choosePath(procedure: string, seed: number, dossierId: string): PathName | undefined {
  const options = PATHS_BY_PROCEDURE[procedure];
  if (!options) return undefined;
  const total = options.reduce((sum, [, w]) => sum + w, 0);
  let draw = seededDraw(seed, 'path', dossierId) * total;
  for (const [name, weight] of options) {
    if (draw < weight) return name;
    draw -= weight;
  }
  return options[options.length - 1]![0];
}

/** The instants of a path's steps from `startMs`, each delay varied ±15 % by the seed and rounded to the minute. */
export function schedule(path: ProcedurePath, startMs: number, seed: number, fileKey: string): number[] {
  let at = startMs;
  return path.steps.map((step, i) => {
    const factor = 0.85 + 0.3 * seededDraw(seed, 'delay', fileKey, i);
    at += Math.round((step.afterDays * 86_400_000 * factor) / 60_000) * 60_000;
    return at;
  });
}
