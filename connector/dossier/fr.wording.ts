/**
 * Every sentence the dossier says to the law firm, in French: the escalation gate's reasons, the
 * recommendation's reasons, deadlines, alternatives and warnings, the claim's notes and the
 * additional claims. The builders (escalation-gate.ts, recommend-procedure.ts, build-dossier.ts,
 * additional-claims.ts, after-title.ts, court-territory.ts, legal-form.ts) decide what is said;
 * this file only says it, so that the firm's lawyers read one consistent legal French and a
 * translator finds every phrase in one place.
 *
 * Conventions:
 * - Dates arrive as ISO calendar dates and are written `05/12/2026` (jj/mm/aaaa, as the letters'
 *   tables write them: connector/documents/fr.wording.ts); case-law citations keep their usual
 *   French form ("Cass. com., 18 mai 2022, n° 20-23.204").
 * - Amounts arrive already formatted (`formatMoney`, fr-FR: `1 234,56 €`).
 * - Article references, codes of the configuration (`escalation.minAmount`) and markers
 *   (`[M]`, `[?]`, `[V]`, `[UNVERIFIED]`) stay as they are.
 */
import type { CourtKind, LegalCategory, ProcedureKind } from '../model/dossier.schema';
import { frDate } from '../time/fr-date';
import type { GateConditionId } from './gate-conditions';

export { frDate };

const D = frDate;
const NUMBER = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 4 });

/** `10.50` (a rate as the dossier's data writes it) → `10,50`. */
function decimal(text: string | number): string {
  return typeof text === 'number' ? NUMBER.format(text) : text.replace('.', ',');
}

function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}

/** "dans le mois", "dans les 2 mois". */
function withinMonths(n: number): string {
  return n === 1 ? 'dans le mois' : `dans les ${n} mois`;
}

/** "un mois", "3 mois". */
function months(n: number): string {
  return n === 1 ? 'un mois' : `${n} mois`;
}

function weekdayWords(iso: string): string {
  const day = new Date(`${iso}T00:00:00Z`).getUTCDay();
  return day === 6 ? 'un samedi' : day === 0 ? 'un dimanche' : 'un jour férié';
}

export type SeatKind = 'domicile' | 'registered_office';
const SEAT: Record<SeatKind, string> = { domicile: 'domicile', registered_office: 'siège social' };

const CHANNEL: Record<string, string> = {
  email: 'courrier électronique',
  sms: 'SMS',
  letter: 'lettre simple',
  registered_letter: 'lettre recommandée avec demande d’avis de réception',
  phone_task: 'appel téléphonique',
};
const ACTION_STATUS: Record<string, string> = {
  pending: 'en attente',
  in_progress: 'en cours',
  done: 'effectué',
  failed: 'en échec',
  cancelled: 'annulé',
};
const ADDRESS_KIND: Record<string, string> = {
  billing: 'de facturation',
  delivery: 'de livraison',
  other: 'connue',
  registered_office: 'du siège social',
};
/** A collective procedure "ouvert(e) le …", with its gender. */
const INSOLVENCY_OPENED: Record<string, string> = {
  sauvegarde: 'procédure de sauvegarde ouverte',
  redressement: 'redressement judiciaire ouvert',
  liquidation: 'liquidation judiciaire ouverte',
  other: 'procédure collective ouverte',
};

const PROCEDURE: Record<ProcedureKind, string> = {
  injonction_de_payer: "l'injonction de payer",
  refere_provision: 'le référé-provision',
  assignation_au_fond: "l'assignation au fond",
  saisie_conservatoire: 'la saisie conservatoire',
  execution_forcee: "l'exécution forcée",
  petites_creances: 'la procédure simplifiée de recouvrement des petites créances',
  declaration_de_creance: 'la déclaration de créance',
};

const COURT: Record<CourtKind, string> = {
  tribunal_de_commerce: 'le tribunal de commerce',
  tribunal_des_activites_economiques: 'le tribunal des activités économiques',
  tribunal_judiciaire: 'le tribunal judiciaire',
  juge_des_contentieux_de_la_protection: 'le juge des contentieux de la protection',
  juge_de_l_execution: "le juge de l'exécution",
  commissaire_de_justice: 'le commissaire de justice',
  mandataire_judiciaire: 'le mandataire judiciaire',
};

/** What each gate condition checks, as a lawyer names it. */
const CONDITION: Record<GateConditionId, string> = {
  formal_notice_expired: 'mise en demeure expirée',
  unanswered: 'mise en demeure restée sans réponse',
  liquid_and_due: 'créance certaine, liquide et exigible',
  not_disputed: 'créance non contestée',
  not_prescribed: 'créance non prescrite',
  not_insolvent: 'absence de procédure collective',
  worth_the_cost: 'montant justifiant le coût de la procédure',
};

export const FR = {
  condition: (id: GateConditionId) => CONDITION[id],

  /** The escalation gate's reasons (escalation-gate.ts). */
  gate: {
    sentBy: (channels: readonly string[]) =>
      channels.includes('registered_letter')
        ? 'adressée par lettre recommandée'
        : `adressée par ${channels.map((c) => CHANNEL[c] ?? c).join(' et ')}`,
    noNotice:
      "aucune mise en demeure n'a été décidée sur ce dossier : la transmission au cabinet d'avocats suppose une mise en demeure expirée et restée sans réponse",
    noticeNotSent: (p: { decidedOn: string; channels: readonly { channel: string; status: string }[] }) =>
      `la mise en demeure décidée le ${D(p.decidedOn)} n'a pas encore été envoyée (${
        p.channels
          .map((c) => `${CHANNEL[c.channel] ?? c.channel} : ${ACTION_STATUS[c.status] ?? c.status}`)
          .join(', ') || 'aucun envoi programmé'
      })`,
    letterNotYetPosted: (p: { decidedOn: string; status: string }) =>
      `la lettre recommandée de la mise en demeure décidée le ${D(p.decidedOn)} n'a pas encore été remise au prestataire postal (${ACTION_STATUS[p.status] ?? p.status}) : le délai courra à compter de son envoi`,
    noDeadline: (p: { sentBy: string; on: string }) =>
      `la mise en demeure ${p.sentBy} le ${D(p.on)} ne mentionne aucun délai, et la politique de relance n'en prévoit pas`,
    receivedOn: (p: { sentBy: string; on: string; receivedOn: string }) =>
      `la mise en demeure ${p.sentBy} le ${D(p.on)} a été reçue le ${D(p.receivedOn)} (avis de réception)`,
    noAcknowledgement: (p: { sentBy: string; on: string; returned: boolean; startsOn: string }) =>
      `la mise en demeure ${p.sentBy} le ${D(p.on)} n'a pas d'avis de réception${p.returned ? " (la lettre recommandée est revenue à l'expéditeur)" : ''} : son délai court à compter du jour de son envoi, le ${D(p.startsOn)}`,
    deadlineEnded: (p: { start: string; days: number; endsOn: string }) =>
      `${p.start} ; son délai de ${p.days} ${plural(p.days, 'jour', 'jours')} a expiré le ${D(p.endsOn)}`,
    deadlineRuns: (p: { start: string; days: number; endsOn: string; asOf: string }) =>
      `${p.start} ; son délai de ${p.days} ${plural(p.days, 'jour', 'jours')} expire le ${D(p.endsOn)}, ${p.endsOn === p.asOf ? 'à la fin du jour de la présente vérification' : `soit après le ${D(p.asOf)}`}`,

    cannotTellAnswer: "impossible de savoir si le débiteur a répondu : aucune mise en demeure n'a été envoyée",
    answerPayment: (p: { amount: string; on: string; number: string }) =>
      `paiement de ${p.amount} le ${D(p.on)} (${p.number})`,
    answerLedgerPayment: (p: { on: string; number?: string | undefined }) =>
      `paiement constaté en comptabilité le ${D(p.on)}${p.number ? ` (${p.number})` : ''}`,
    answerPromise: (p: { by: string; on: string }) =>
      `promesse de paiement pour le ${D(p.by)}, enregistrée le ${D(p.on)}`,
    answerDispute: (p: { on: string; number?: string | undefined; reason: string }) =>
      `contestation enregistrée le ${D(p.on)}${p.number ? ` (${p.number} : ${p.reason})` : ''}`,
    answerPhoneDispute: (on: string) => `le débiteur a contesté la créance par téléphone le ${D(on)}`,
    answerItemPromise: (p: { number: string; by: string; on: string }) =>
      `promesse de paiement de ${p.number} pour le ${D(p.by)}, enregistrée le ${D(p.on)}`,
    answerItemDispute: (p: { number: string; since: string; reason: string }) =>
      `contestation de ${p.number} depuis le ${D(p.since)} (${p.reason})`,
    answered: (p: { sentOn: string; answers: readonly string[] }) =>
      `le débiteur a répondu à la mise en demeure envoyée le ${D(p.sentOn)} : ${p.answers.join(' ; ')}`,
    unanswered: (sentOn: string) =>
      `aucun paiement, aucune promesse de paiement ni aucune contestation n'a été enregistré depuis l'envoi de la mise en demeure le ${D(sentOn)}`,

    notYetDue: (items: readonly { number: string; dueDate: string }[]) =>
      `non encore échues : ${items.map((r) => `${r.number} (échéance le ${D(r.dueDate)})`).join(', ')}`,
    excluded: (numbers: string) => `exclues : ${numbers}`,
    leftOutTail: (parts: readonly string[]) => (parts.length ? ` ; écartées, ${parts.join(' ; ')}` : ''),
    nothingDue: (tail: string) => `aucune facture échue ne reste à réclamer${tail}`,
    planRuns: (plans: readonly { number: string; agreedOn: string; until: string }[]) =>
      `un échéancier est en cours : ${plans.map((p) => `${p.number}, convenu le ${D(p.agreedOn)}, dernière échéance augmentée du délai de grâce : ${D(p.until)}`).join(' ; ')}`,
    creditsCover: (p: { credit: string; invoices: string }) =>
      `les avoirs non imputés (${p.credit}) couvrent les factures échues (${p.invoices})`,
    liquidAndDue: (p: { count: number; numbers: string; net: string; credits: number; credit: string; tail: string }) =>
      `créance certaine, liquide et exigible : ${p.count} ${plural(p.count, 'facture échue et impayée', 'factures échues et impayées')} d'un montant déterminé (${p.numbers}) : ${p.net}` +
      `${p.credits ? `, après déduction ${p.credits === 1 ? "d'un avoir" : `de ${p.credits} avoirs`} pour ${p.credit}` : ''}${p.tail}`,

    disputedItem: (p: { number: string; reason: string; since: string }) =>
      `${p.number} (${p.reason}, depuis le ${D(p.since)})`,
    disputed: (items: string) => `la créance est contestée : ${items}`,
    allDisputed: (items: string) => `toutes les factures échues sont contestées : ${items}`,
    disputedLeftOut: (items: string) =>
      `aucune facture contestée n'est réclamée ; écartées car contestées (politique exclude_item) : ${items}`,
    noDispute: "aucune facture du dossier n'est contestée",

    barredItem: (p: { number: string; prescribesOn: string; years: number; article: string }) =>
      `${p.number} (prescrite à l'issue du ${D(p.prescribesOn)}, prescription de ${p.years} ans, ${p.article})`,
    allBarred: (items: string) => `toutes les factures échues sont prescrites : ${items}`,
    firstPrescribes: (p: { on: string; years: number; article: string; from: string }) =>
      `la première facture réclamée se prescrit à l'issue du ${D(p.on)} (${p.years} ans, ${p.article}, à compter du ${D(p.from)})`,
    nothingToCheck: 'aucune facture échue à examiner',
    prescription: (p: { barred: string | null; next: string }) =>
      `${p.barred ? `écartées car prescrites : ${p.barred} ; ` : "aucune facture réclamée n'est prescrite ; "}${p.next}`,

    noInsolvency:
      "aucune procédure collective n'est enregistrée pour le débiteur (à vérifier au BODACC avant toute saisine)",
    surendettement: (openedOn: string) =>
      `procédure de surendettement depuis le ${D(openedOn)} : les procédures d'exécution sont suspendues dès la recevabilité du dossier (C. conso L722-2 et s., [M])`,
    declareBy: (p: { by: string; months: number; publishedOn: string; article: string }) =>
      ` ; déclarer la créance au mandataire judiciaire au plus tard le ${D(p.by)} (${p.months} mois à compter de la publication au BODACC du ${D(p.publishedOn)}, ${p.article})`,
    declareWithin: (p: { months: number; article: string }) =>
      ` ; déclarer la créance au mandataire judiciaire dans les ${p.months} mois de la publication au BODACC (${p.article})`,
    insolvency: (p: { kind: string; openedOn: string; declare: string }) =>
      `${INSOLVENCY_OPENED[p.kind] ?? `procédure collective (${p.kind}) ouverte`} le ${D(p.openedOn)} : les poursuites individuelles sont interrompues (C. com. L622-21)${p.declare}`,

    nothingLeft: 'rien ne reste à réclamer une fois écartées les factures exclues, contestées et prescrites',
    belowMinimum: (p: { principal: string; min: string }) =>
      `le principal net de ${p.principal} est inférieur au minimum de ${p.min} fixé par la politique (escalation.minAmount)`,
    belowCoverage: (p: { principal: string; percent: number; cost: string; needed: string }) =>
      `le principal net de ${p.principal} est inférieur à ${decimal(p.percent)} % du coût estimé de ${p.cost}, soit ${p.needed} (escalation.estimatedCost, costCoveragePercent)`,
    atLeastMinimum: (min: string) => `au moins égal au minimum de ${min}`,
    noMinimum: (currency: string) => `aucun minimum pour la devise ${currency}`,
    atLeastCoverage: (p: { percent: number; cost: string }) =>
      `au moins égal à ${decimal(p.percent)} % du coût estimé de ${p.cost}`,
    noCost: (currency: string) => `aucun coût estimé pour la devise ${currency}`,
    worthTheCost: (p: { principal: string; tests: readonly string[] }) =>
      `principal net de ${p.principal} : ${p.tests.join(', ')}`,
  },

  /** The builder's own warnings and notes (build-dossier.ts). */
  dossier: {
    overridden: (p: { reason: string; failed: readonly { id: GateConditionId; reason: string }[] }) =>
      `transmis sur décision du créancier (${p.reason}) bien que les conditions suivantes ne soient pas remplies : ${p.failed.map((f) => `${CONDITION[f.id]} — ${f.reason}`).join(' ; ')}`,
    noticeWithoutAcknowledgement: (p: { on: string; returned: boolean }) =>
      `la mise en demeure n'a pas d'avis de réception : sa date est celle de son envoi (${D(p.on)})${p.returned ? " ; la lettre recommandée est revenue à l'expéditeur" : ''}`,
    vatLeftOut: (vat: string) =>
      `le numéro de TVA « ${vat} » de la comptabilité n'a pas la forme d'un numéro de TVA intracommunautaire (deux lettres, puis 2 à 13 lettres ou chiffres) : il est omis ; le vérifier (VIES) avant toute saisine`,
    noSiren:
      "le débiteur n'a ni SIREN ni SIRET en comptabilité : l'identifier au registre (recherche-entreprises.api.gouv.fr) avant toute saisine",
    noRegisteredOffice: (addressKind: string) =>
      `aucune adresse de siège social en comptabilité : l'adresse ${ADDRESS_KIND[addressKind] ?? addressKind} est indiquée ; vérifier le siège social au registre, la compétence territoriale du tribunal en dépend`,
    paymentsDoNotExplain: (p: { number: string; paid: string; open: string; total: string }) =>
      `${p.number} : les paiements enregistrés (${p.paid}) n'expliquent pas le montant restant dû (${p.open} sur ${p.total}) : les intérêts sont calculés sur le montant restant dû à compter de l'échéance`,
    imputedPayment: (p: { toInterest: string; amount: string; on: string }) =>
      `${p.toInterest} sur les ${p.amount} payés le ${D(p.on)}`,
    imputation: (p: { number: string; ledgerOpen: string; principal: string; paid: readonly string[] }) =>
      `${p.number} : la comptabilité indique ${p.ledgerOpen} restant dû, la créance ${p.principal} en principal : ${p.paid.join(', ')} ont d'abord été imputés sur les intérêts alors échus (C. civ. 1343-1), ` +
      `de sorte qu'autant du prix reste dû ; paramétrer legal.imputation: principal-first pour ne réclamer que le montant indiqué en comptabilité`,
    /** A dispute journalled without its reason. */
    disputedNoReason: 'contestée',
  },

  /** The recommendation (recommend-procedure.ts). */
  procedureAdvice: {
    /** "lieu du siège social du débiteur (44000 Nantes)". */
    where: (p: { seat: SeatKind; place: string }) => `lieu du ${SEAT[p.seat]} du débiteur${p.place}`,
    /** "le Tribunal de commerce de Nantes, lieu du siège social du débiteur (44000 Nantes)". */
    courtAt: (p: { court: string; where: string }) => `le ${p.court}, ${p.where}`,
    presidentOf: (p: { court: string; where: string }) => `le président du ${p.court}, ${p.where}`,

    lawyerOtherCurrency: (p: { currency: string; threshold: string; court: string; article: string }) =>
      `la créance est libellée en ${p.currency} : comparer sa contre-valeur en euros au seuil de ${p.threshold} au-delà duquel la représentation par avocat est obligatoire devant ${p.court} (${p.article})`,
    lawyerCompulsory: (p: { total: string; threshold: string; court: string; article: string }) =>
      `la créance (${p.total}) excède ${p.threshold} : la représentation par avocat est obligatoire devant ${p.court} (${p.article})`,
    lawyerNotCompulsory: (p: { total: string; threshold: string; court: string; article: string }) =>
      `la créance (${p.total}) n'excède pas ${p.threshold} : la représentation par avocat n'est pas obligatoire devant ${p.court} (${p.article})`,

    seizure: {
      territory: (p: { tj: string | null; seat: SeatKind; place: string }) =>
        p.tj
          ? `le juge de l'exécution près le ${p.tj}, lieu du ${SEAT[p.seat]} du débiteur${p.place}`
          : `le juge de l'exécution du lieu du ${SEAT[p.seat]} du débiteur${p.place}`,
      threatened: (why: string) => `le recouvrement de la créance est menacé : ${why}`,
      rule:
        'une créance qui paraît fondée en son principe, dont le recouvrement est menacé, permet une saisie conservatoire autorisée sur requête, sans que le débiteur soit entendu (CPCE L511-1), ' +
        "par le juge de l'exécution du lieu où demeure le débiteur (CPCE R511-1, R511-2)",
      merits: (p: { disputed: boolean; months: number; article: string }) =>
        `${p.disputed ? 'la créance étant contestée, le fond est ensuite porté par une assignation au fond' : 'le fond est ensuite porté par une requête en injonction de payer'} ` +
        `${withinMonths(p.months)} de l'exécution de la saisie (${p.article})`,
      executeWhat: 'exécuter la saisie autorisée',
      executeRule: (months: number) => `${withinMonths(months)} de l'autorisation, à peine de caducité`,
      meritsWhat: 'engager la procédure au fond',
      meritsRule: (months: number) =>
        `${withinMonths(months)} de l'exécution de la saisie, sauf si le créancier dispose déjà d'un titre exécutoire, à peine de caducité de la mesure`,
      meritsArticle: (article: string) => `${article} ([M] numéro d'article)`,
      notifyWhat: 'dénoncer la saisie au débiteur',
      notifyRule: (days: number) =>
        `dans un délai de ${days} ${plural(days, 'jour', 'jours')} (saisie de comptes bancaires)`,
      lawyerCourt: "le juge de l'exécution",
      followUp: (p: { court: string; where: string }) =>
        `la procédure au fond qui doit suivre la saisie, devant le ${p.court}, ${p.where}`,
      commercialPresident:
        'pour une créance commerciale, le président du tribunal de commerce peut également autoriser la saisie avant tout procès (CPCE L511-3, [M])',
      liability: 'le créancier répond du préjudice causé par la saisie si celle-ci est levée',
    },

    disputed: {
      claimDisputed: (items: readonly string[]) => `la créance est contestée : ${items.join(' ; ')}`,
      rule: "l'injonction de payer est réservée aux créances non contestées : une créance contestée se heurterait à une opposition ; le fond est donc porté par voie d'assignation",
      provision: (p: { court: string; article: string }) =>
        `pour la partie de la créance qui n'est pas sérieusement contestable, le président du ${p.court} peut accorder une provision (CPC ${p.article} al. 2)`,
    },

    speed: {
      speedMatters: (why: string) => `la rapidité du recouvrement est déterminante : ${why}`,
      rule: (article: string) =>
        `l'obligation n'est pas sérieusement contestable : le président peut accorder une provision à hauteur du montant non contestable, sans qu'une urgence soit requise (CPC ${article} al. 2) ; ` +
        "l'ordonnance de référé est exécutoire à titre provisoire",
      injonction:
        'sur requête et sans audience, mais le débiteur peut former opposition dans le mois de la signification',
    },

    smallClaims: {
      territory: (p: { seat: SeatKind; place: string }) =>
        `un commissaire de justice du ressort de la cour d'appel du ${SEAT[p.seat]} du débiteur${p.place}`,
      below: (p: { amount: string; ceiling: string; article: string }) =>
        `le principal et les intérêts (${p.amount}) sont inférieurs au plafond de ${p.ceiling} de la procédure simplifiée de recouvrement des petites créances (${p.article} : « inférieure à ») ; ` +
        'les indemnités forfaitaires ne sont pas prises en compte ([?] les textes visent le principal et les intérêts)',
      how:
        "créance non contestée d'origine contractuelle : le commissaire de justice invite le débiteur à convenir du montant et des modalités du paiement, et délivre un titre exécutoire en cas d'accord ; " +
        "l'acceptation du débiteur suspend la prescription",
      fees: "l'ensemble des frais de la procédure est à la charge du créancier",
      answerWhat: "réponse du débiteur à l'invitation du commissaire de justice",
      answerRule: (n: number) => `${months(n)} ; le silence vaut refus`,
      lawyer: 'aucun avocat : la procédure est conduite par le commissaire de justice',
      injonction: (p: { months: number; court: string; where: string }) =>
        `en cas de refus du débiteur ou de silence pendant ${months(p.months)}, devant le président du ${p.court}, ${p.where} ; ` +
        "l'échec de la tentative vaut également tentative préalable de résolution amiable (CPC 750-1)",
    },

    injonction: {
      otherCurrency: (p: { currency: string; ceiling: string }) =>
        `la créance est libellée en ${p.currency} : le plafond de la procédure des petites créances (${p.ceiling}) ne peut lui être appliqué`,
      aboveCeiling: (p: { amount: string; ceiling: string }) =>
        `le principal et les intérêts (${p.amount}) excèdent le plafond de ${p.ceiling} de la procédure des petites créances`,
      atCeiling: (p: { amount: string; ceiling: string; article: string }) =>
        `le principal et les intérêts (${p.amount}) atteignent exactement le plafond de ${p.ceiling} : la procédure des petites créances suppose une créance inférieure à ce montant (${p.article} : « inférieure à »)`,
      rule: (article: string) =>
        `créance non contestée d'origine contractuelle, d'un montant déterminé (${article}, art. 1405) : l'ordonnance est rendue sur requête, sans audience, et devient exécutoire une fois signifiée, faute d'opposition`,
      noAmicableAttempt:
        "l'injonction de payer n'est pas soumise à la tentative préalable de résolution amiable de CPC 750-1 (Cass. 2e civ., avis, 25 sept. 2025, n° 25-70.013)",
      lawyerOtherCurrency: (p: { threshold: string; article: string }) =>
        `aucun avocat n'est requis pour déposer la requête ; après opposition, la représentation par avocat est obligatoire si la contre-valeur en euros de la créance excède ${p.threshold} (${p.article})`,
      lawyer: (p: { compulsory: boolean; total: string; threshold: string; article: string }) =>
        `aucun avocat n'est requis pour déposer la requête ; après opposition, l'affaire devient contentieuse et la représentation par avocat ${p.compulsory ? 'est' : "n'est pas"} obligatoire, ` +
        `la créance (${p.total}) ${p.compulsory ? 'excédant' : "n'excédant pas"} ${p.threshold} (${p.article})`,
      provision: (court: string) =>
        `une audience plutôt qu'une ordonnance sur requête : le président du ${court} accorde une provision exécutoire à titre provisoire lorsque l'obligation n'est pas sérieusement contestable`,
      serviceRegimeCurrent: (p: { months: number; article: string }) =>
        `${p.months} mois à compter de sa date (${p.article})`,
      serviceRegimeBefore: (p: { months: number; before: string | null; article: string }) =>
        `${p.months} mois à compter de sa date pour une ordonnance rendue${p.before ? ` avant le ${D(p.before)}` : ''} (${p.article})`,
      serviceRegimeLater: (p: { months: number; from: string; article: string }) =>
        `${p.months} mois pour une ordonnance rendue à compter du ${D(p.from)} (${p.article})`,
      serveWhat: "signifier l'ordonnance au débiteur, à peine de caducité",
      serveRule: (regimes: readonly string[]) => `dans les ${regimes.join(' ; ')}`,
      oppositionWhat: 'opposition du débiteur',
      oppositionRule: (n: number) =>
        `${months(n)} à compter de la signification à personne (à défaut, à compter du premier acte signifié à personne ou de la première mesure d'exécution rendant indisponibles tout ou partie des biens du débiteur)`,
      oppositionArticle: (article: string) => `${article} ([V]/[M] numéro d'article)`,
      enforceWhat: "faire exécuter l'ordonnance",
      enforceRule: (months: number) =>
        `lorsqu'aucune opposition n'a été formée ${withinMonths(months)} de la signification`,
      enforceRuleBefore: (p: { from: string; months: number }) =>
        `pour une ordonnance rendue à compter du ${D(p.from)}, lorsqu'aucune opposition n'a été formée ${withinMonths(p.months)} de la signification ; ` +
        'auparavant, en pratique sur certificat de non-opposition délivré par le greffe',
    },

    prescription: {
      what: 'interrompre la prescription',
      rule:
        'saisir le juge avant la fin de ce jour : une assignation ou un référé interrompt la prescription (C. civ. 2241), une injonction de payer seulement une fois son ordonnance signifiée, ' +
        'et non lors du dépôt de la requête (Cass. 10 juill. 1990, n° 89-13.345) ; une mise en demeure ne l’interrompt pas (Cass. com., 18 mai 2022, n° 20-23.204)',
    },

    /** A procedural deadline ending on a non-working day (CPC 642 al. 2). */
    extended: (p: { rule: string; from: string; to: string }) =>
      `${p.rule} ; le ${D(p.from)} étant ${weekdayWords(p.from)}, le délai est prorogé jusqu'au ${D(p.to)}, premier jour ouvrable suivant (CPC 642)`,

    amicable: {
      reason: (p: { upTo: string; article: string; refere: boolean }) =>
        `devant le tribunal judiciaire, une demande n'excédant pas ${p.upTo} est irrecevable sans tentative préalable de conciliation, de médiation ou de procédure participative (${p.article})` +
        `${p.refere ? ', y compris en référé' : ''}, sauf si le créancier a tenté sans succès la procédure des petites créances ([M] liste exacte des dispenses)`,
      what: 'tentative préalable de résolution amiable',
      rule: (refere: boolean) =>
        `avant ${refere ? 'le référé' : "l'assignation"} : conciliation par un conciliateur de justice, médiation ou procédure participative`,
    },

    contribution: (p: {
      possible: readonly string[];
      above: string;
      min: number;
      max: number;
      cap: string;
      employees: number;
    }) =>
      `${p.possible.length ? `si le tribunal compétent est le ${p.possible.join(' ou le ')} : ` : ''}devant un tribunal des activités économiques, une demande supérieure à ${p.above} ` +
      `donne lieu à la contribution pour la justice économique (${decimal(p.min)} % à ${decimal(p.max)} %, plafonnée à ${p.cap}), sauf si le créancier emploie moins de ${p.employees} salariés ; ` +
      'à défaut de paiement, la demande est irrecevable (loi 2023-1059 art. 27 ; [?] jurisprudence ultérieure non vérifiée)',

    surendettement: {
      territory:
        'la commission de surendettement de la Banque de France du domicile du débiteur, et le juge des contentieux de la protection',
      opened: (openedOn: string) =>
        `le débiteur fait l'objet d'une procédure de surendettement depuis le ${D(openedOn)} : les procédures d'exécution sont suspendues dès la recevabilité du dossier (C. conso L722-2 et s., [M])`,
      declare:
        "le créancier fait connaître sa créance à la commission et répond à l'état du passif qu'elle dresse ([M] : non détaillé dans la référence)",
      lawyer: "la représentation par avocat n'est jamais obligatoire devant le juge des contentieux de la protection",
      noFeed:
        'aucune source publique ne recense les décisions de surendettement : confirmer la procédure auprès du débiteur ou de la commission',
    },

    collective: {
      territory: (reference: string | undefined) =>
        `le mandataire judiciaire (ou le liquidateur) désigné par le jugement d'ouverture${reference ? ` (${reference})` : ''}`,
      opened: (p: { kind: string; openedOn: string }) =>
        `${INSOLVENCY_OPENED[p.kind] ?? `procédure collective (${p.kind}) ouverte`} le ${D(p.openedOn)} : les poursuites individuelles sont interrompues et les créances antérieures au jugement d'ouverture ne peuvent être payées ` +
        "(C. com. L622-21, L622-7, [M] numéros d'articles) ; le cours des intérêts est arrêté (L622-28, [M])",
      declaration:
        "la créance est déclarée au mandataire judiciaire ; la déclaration interrompt la prescription jusqu'à la clôture de la procédure et vaut mise en demeure",
      noIndemnity:
        "pas d'indemnité forfaitaire pour frais de recouvrement lorsque l'ouverture de la procédure interdit le paiement de la créance à son échéance (C. com. L441-10 II)",
      declareWhat:
        'déclarer la créance au mandataire judiciaire (creditors-services.com, ou formulaire cerfa 10021 par lettre recommandée)',
      declareRule: (p: { months: number; extra: number }) =>
        `${p.months} mois à compter de la publication au BODACC du jugement d'ouverture${p.extra ? ` (${p.extra} mois supplémentaires pour un créancier établi hors de France métropolitaine)` : ''}`,
      reliefWhat: "relevé de forclusion, si le délai de déclaration n'a pas été respecté",
      reliefRule: (months: number) => `${months} mois à compter de la publication au BODACC`,
      lawyer: 'le créancier peut déclarer lui-même sa créance',
      noPublication:
        "la date de publication au BODACC n'est pas enregistrée : le délai de déclaration ne peut être calculé ; rechercher l'annonce au BODACC",
    },

    merits: {
      territoryRule:
        "compétence territoriale : lieu où demeure le débiteur (domicile ou siège social), règle d'ordre public pour l'injonction de payer (CPC 1406)",
      who: (category: LegalCategory, label: string): string => {
        switch (category) {
          case 'consumer':
            return 'le débiteur est un consommateur';
          case 'civil_company':
            return `le débiteur est une société civile (${label}), non commerçante`;
          case 'association':
            return 'le débiteur est une association, non commerçante';
          case 'liberal_profession':
            return `le débiteur exerce une profession libérale (${label}), non commerçante`;
          case 'unknown':
            return 'la forme juridique du débiteur est inconnue';
          case 'merchant':
            return '';
        }
      },
      nonMerchant: (who: string) =>
        `${who} : le tribunal judiciaire connaît des demandes formées contre les non-commerçants`,
      entrepreneurToConfirm:
        "tribunal À CONFIRMER : le débiteur est un entrepreneur individuel dont l'activité n'est pas connue ; une activité commerciale ou artisanale relève du tribunal de commerce (C. com. L721-3, artisans depuis 2022), " +
        "une activité libérale du tribunal judiciaire, désigné ici tant que l'activité n'est pas connue (la préciser dans `activity` avec le code INSEE)",
      unknownForm:
        'la forme juridique du débiteur est inconnue : le tribunal judiciaire est désigné ; si le débiteur est une société commerciale, un commerçant ou un artisan, le tribunal de commerce est compétent (C. com. L721-3)',
      betweenMerchants:
        'entre commerçants (sociétés commerciales, commerçants, artisans) : le tribunal de commerce est compétent (C. com. L721-3)',
      mixed:
        "le débiteur est commerçant et le créancier ne l'est pas : le créancier peut saisir, à son choix, le tribunal de commerce ou le tribunal judiciaire ([M]) ; le tribunal de commerce est désigné",
      taeRule: (p: { ofSeat: string; from: string; until: string }) =>
        `le tribunal de commerce ${p.ofSeat} siège en tant que tribunal des activités économiques du ${D(p.from)} au ${D(p.until)} (loi 2023-1059 art. 26), sur le même ressort`,
      taeSeats: (p: { from: string; until: string; ofSeats: readonly string[]; named: readonly string[] }) =>
        `du ${D(p.from)} au ${D(p.until)}, les tribunaux de commerce ${p.ofSeats.join(', ')} siègent en tant que tribunaux des activités économiques (loi 2023-1059 art. 26) : ` +
        `si le siège du débiteur se trouve dans l'un de leurs ressorts, c'est ce tribunal qu'il faut saisir${p.named.length ? ` (ici : ${p.named.join(', ')})` : ''}`,
    },

    seatCourt: {
      rule: (kind: 'tribunal_judiciaire' | 'tribunal_de_commerce') =>
        kind === 'tribunal_judiciaire'
          ? 'le tribunal judiciaire dans le ressort duquel se trouve la commune du débiteur (COJ annexe tableau IV)'
          : 'le tribunal de commerce dans le ressort duquel se trouve la commune du débiteur (C. com. annexe 7-1)',
      source: (p: { text: string; version: string; versionDate: string }) =>
        `${p.text}, ${p.version} (${D(p.versionDate)})`,
      departementNote: (p: { departement: string; note: string }) => `département ${p.departement} : ${p.note}`,
      certain: (p: { how: string; court: string; source: string; verification: string }) =>
        `${p.how} : dans le ressort du ${p.court} (${p.source} ; ${p.verification})`,
      ambiguous: (p: {
        seat: SeatKind;
        how: string;
        options: readonly { court: string; communes: string }[];
        sources: string;
      }) =>
        `tribunal À CONFIRMER, demander la commune du ${SEAT[p.seat]} du débiteur : ${p.how}, qui relèvent de tribunaux différents : ` +
        `${p.options.map((o) => `${o.court} pour ${o.communes}`).join(' ; ')} (${p.sources}) ; indiquer la commune dans \`communeCode\` sur l'adresse du siège`,
      toConfirm: (p: { why: string; rule: string; departements: readonly string[]; known: readonly string[] }) =>
        `tribunal À CONFIRMER : ${p.why} ; le tribunal compétent est ${p.rule}` +
        (p.known.length
          ? ` ; dans le département ${p.departements.join(' ou ')}, les données connaissent ${p.known.join(', ')}, dont elles ne décrivent le ressort qu'en partie`
          : ''),
    },

    legalForm: {
      inferred: (label: string) =>
        `la forme juridique du débiteur (${label}) a été déduite de sa dénomination : la vérifier au registre (Sirene, nature_juridique) avant toute saisine, elle détermine le choix entre tribunal de commerce et tribunal judiciaire`,
      unknown:
        'la forme juridique du débiteur est inconnue : la rechercher au registre (Sirene, nature_juridique) avant toute saisine',
      undecided: (label: string) =>
        `la forme juridique du débiteur (${label}) ne permet pas de savoir s'il est commerçant : la vérifier avant toute saisine`,
    },
    noSeat:
      "aucune adresse n'est connue pour le siège ou le domicile du débiteur : la compétence territoriale ne peut être déterminée",
    seatAbroad: (country: string) =>
      `le siège du débiteur est situé hors de France (${country}) : la règle de compétence territoriale de CPC 1406 ne s'applique pas telle quelle ; ` +
      "envisager l'injonction de payer européenne (règl. 1896/2006) ou la procédure européenne de règlement des petits litiges (règl. 861/2007) ([M])",
  },

  /** Where the seat's commune is (court-territory.ts). */
  commune: {
    stated: (p: { name: string; code: string }) =>
      `commune indiquée dans les données transmises : ${p.name} (INSEE ${p.code})`,
    statedUnknown: (code: string) => `le code commune indiqué, ${code}, n'est pas une commune INSEE des données`,
    onlyOne: (p: { postalCode: string; name: string; code: string; city: string | null }) =>
      `le code postal ${p.postalCode} est celui de la seule commune de ${p.name} (INSEE ${p.code})${p.city ? ` ; « ${p.city} » est lu comme un lieu-dit ou un nom de distribution de cette commune` : ''}`,
    named: (p: { postalCode: string; count: number; city: string; name: string; code: string }) =>
      `le code postal ${p.postalCode} couvre ${p.count} communes ; la ville « ${p.city} » est ${p.name} (INSEE ${p.code})`,
    defenseByPostalCode: (p: { postalCode: string; communes: string }) =>
      `« La Défense » n'est pas une commune ; le code postal ${p.postalCode} la situe sur ${p.communes}`,
    several: (p: { postalCode: string; communes: string; city: string }) =>
      `le code postal ${p.postalCode} couvre ${p.communes}, et la ville « ${p.city} » ne désigne aucune d'elles à elle seule`,
    defense: (communes: string) =>
      `« La Défense » n'est pas une commune : son quartier d'affaires s'étend sur ${communes}`,
    byCity: (p: { postalCode: string; city: string; communes: string }) =>
      `le code postal ${p.postalCode} n'est pas un code de distribution (code CEDEX ?) ; la ville « ${p.city} » est ${p.communes}`,
    notFound: (p: { postalCode: string; departements: readonly string[]; city: string }) =>
      `le code postal ${p.postalCode} n'est pas un code de distribution et aucune commune du département ${p.departements.join(' ou ')} ne s'appelle « ${p.city} »`,
    notCovered: (p: { how: string; communes: string; count: number }) =>
      `${p.how} ; ${p.communes} ${plural(p.count, 'ne figure', 'ne figurent')} dans le ressort d'aucun tribunal des données`,
  },

  /** Labels of legal forms the builder infers (legal-form.ts). */
  legalForm: {
    unknown: 'forme juridique inconnue',
    inseeCategory: (code: string) => `catégorie juridique INSEE ${code}`,
    entrepreneurUnknownActivity: 'entrepreneur individuel (INSEE 1000), activité non connue',
  },

  /** Beyond principal, interest and the fixed indemnities (additional-claims.ts). */
  additional: {
    costsNotClaimed: (count: number) =>
      count === 1
        ? 'les frais de recouvrement enregistrés sur le dossier (1 dépense) ne sont pas réclamés'
        : `les frais de recouvrement enregistrés sur le dossier (${count} dépenses) ne sont pas réclamés`,
    consumerCosts: (head: string) =>
      `${head} : le débiteur est un consommateur, et les frais de recouvrement engagés sans titre exécutoire restent à la charge du créancier (CPCE L111-8 al. 2)`,
    individualCreditorCosts: (p: { head: string; article: string }) =>
      `${p.head} : l'indemnisation complémentaire de ${p.article} n'est due qu'entre professionnels`,
    costOtherCurrency: (p: { amount: string; on: string; currency: string }) =>
      `la dépense de recouvrement de ${p.amount} du ${D(p.on)} n'est pas libellée dans la devise de la créance (${p.currency}) : non réclamée`,
    costAfterHandOff: (p: { amount: string; on: string; asOf: string }) =>
      `la dépense de recouvrement de ${p.amount} du ${D(p.on)} est postérieure à la date de transmission (${D(p.asOf)}) : non réclamée`,
    costWithoutReceipt: (p: { amount: string; on: string; label: string; documentId: string }) =>
      `le justificatif de la dépense de recouvrement de ${p.amount} du ${D(p.on)} (${p.label}) est introuvable (${p.documentId}) : non réclamée`,
    complementary: (p: { article: string; total: string; fixed: string; complementary: string }) =>
      `indemnisation complémentaire demandée sur justification (${p.article}) : les frais de recouvrement justifiés (${p.total}, justificatifs joints aux pièces) ` +
      `excèdent de ${p.complementary} les indemnités forfaitaires réclamées (${p.fixed})`,
    noComplementary: (p: { article: string; total: string; fixed: string }) =>
      `les frais de recouvrement justifiés (${p.total}) n'excèdent pas les indemnités forfaitaires réclamées (${p.fixed}) : aucune indemnisation complémentaire n'est demandée (${p.article})`,

    clauseMinimumOtherCurrency: (currency: string) =>
      `le minimum de la clause pénale est paramétré en EUR et la créance est libellée en ${currency} : seul son taux est appliqué`,
    clauseHow: (p: { rate: string; base: string; computed: string; minimum: string | null }) =>
      `${decimal(p.rate)} % du principal réclamé (${p.base}) = ${p.computed}${p.minimum ? `, porté au minimum prévu par la clause, soit ${p.minimum}` : ''}`,
    clauseConsumer: (p: { reference: string; article: string }) =>
      `le débiteur est un consommateur : la clause pénale (${p.reference}) doit d'abord être examinée au regard de la réglementation des clauses abusives (C. conso L212-1), et le juge peut la modérer (${p.article})`,
    clauseLabel: (p: { reference: string; article: string; how: string }) =>
      `clause pénale (${p.reference}), ${p.article}, réclamée séparément, que le juge peut modérer si elle est manifestement excessive : ${p.how}`,

    article700ToAssess: (article: string) =>
      `à apprécier par le cabinet : somme que le juge peut allouer au titre des frais exposés et non compris dans les dépens (${article}), à sa discrétion`,
    article700OtherCurrency: (p: { currency: string; article: string }) =>
      `à apprécier par le cabinet : le montant paramétré est en EUR et la créance en ${p.currency} (${p.article})`,
    article700Asked: (p: { amount: string; article: string }) =>
      `demandé au juge : ${p.amount} au titre des frais exposés et non compris dans les dépens (${p.article}) ; le juge en fixe souverainement le montant`,

    noCostsData:
      "aucune donnée sur les frais de justice n'a été fournie au générateur du dossier : le cabinet évalue les frais de justice",
    noCostFigure: (p: { procedure: ProcedureKind; court: CourtKind }) =>
      `aucun montant pour ${PROCEDURE[p.procedure]} devant ${COURT[p.court]} dans config/legal/fr/costs.yaml : le cabinet évalue les frais de justice`,
    service:
      'la signification des actes par commissaire de justice relève de son propre tarif réglementé et n’est pas comprise',
    courtCost: (p: { what: string; amount: string; service: string }) => `${p.what} : ${p.amount} ; ${p.service}`,
    courtCostUnverified: (p: { what: string; note: string; service: string }) => `${p.what} : ${p.note} ; ${p.service}`,

    notProposed: (why: string) => `non proposée : ${why}`,
    capitalisationConsumer:
      'les juridictions refusent la capitalisation des intérêts à l’encontre d’un consommateur en l’absence de texte spécial (Cass. 1re civ., 9 févr. 2012, n° 11-14.605)',
    capitalisationOtherProcedure: (p: { article: string; procedure: ProcedureKind }) =>
      `la capitalisation se demande au juge dans une assignation au fond (${p.article}) ; la procédure recommandée est ${PROCEDURE[p.procedure]}`,
    capitalisationNoFullYear: (p: {
      asOf: string;
      nearest: { number: string; from: string; on: string } | undefined;
      article: string;
    }) =>
      `les intérêts n'ont couru une année entière sur aucune facture réclamée au ${D(p.asOf)}` +
      (p.nearest
        ? ` (la première à l'atteindre, ${p.nearest.number}, portant intérêts depuis le ${D(p.nearest.from)}, l'atteindra le ${D(p.nearest.on)})`
        : '') +
      `, or seuls les intérêts dus pour une année entière peuvent produire des intérêts (${p.article})`,
    capitalisationItem: (p: { number: string; from: string; interest: string }) =>
      `${p.number} (intérêts depuis le ${D(p.from)}, ${p.interest})`,
    capitalisationProposed: (p: { article: string; listed: string }) =>
      `demander au juge d'ordonner que les intérêts dus pour une année entière au moins produisent eux-mêmes intérêts (${p.article}) : ${p.listed} ; ` +
      "il s'agit d'une demande au juge, non d'une capitalisation intégrée à la créance",
  },

  /** After an enforceable title (after-title.ts). */
  afterTitle: {
    rateWhat: (points: number) => `majoration de ${decimal(points)} points du taux de l'intérêt légal`,
    rateRule: (p: { months: number; enforceableOn: string }) =>
      `${p.months} mois après que la décision est devenue exécutoire (le ${D(p.enforceableOn)}), sauf dispense accordée par le juge de l'exécution`,
    titleWhat: 'exécuter le titre avant sa prescription',
    titleRule: (p: { years: number; enforceableOn: string }) =>
      `${p.years} ans à compter du ${D(p.enforceableOn)}, sauf si la prescription propre à la créance est plus longue`,
  },
};

export type DossierWording = typeof FR;
