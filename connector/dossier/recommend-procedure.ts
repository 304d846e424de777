/**
 * Which procedure the law firm should start, before which court, why, and the deadlines that
 * follow (reference §4–§8, §11; figures from config/legal/fr/procedures.yaml). Pure: the facts
 * and the date are passed in.
 *
 * Order of precedence, first match wins:
 * 1. insolvency proceedings → declaration of the claim to the mandataire judiciaire;
 * 2. recovery threatened → saisie conservatoire (then the merits within a month);
 * 3. the claim is disputed → assignation au fond (the injonction would only meet an opposition);
 * 4. speed matters → référé provision (the obligation is not seriously disputable);
 * 5. principal + interest strictly below the petites créances ceiling → petites créances;
 * 6. otherwise → injonction de payer (an uncontested claim of contractual origin, CPC 1405).
 */
import { extendToWorkingDay } from '../time/business-calendar';
import { ofPlace } from './french-place';
import { formatMinor } from '../claim/compute-claim';
import type { Address, Debtor, DebtorKind } from '../model/debtor.schema';
import type { CourtKind, LegalForm, ProcedureKind } from '../model/dossier.schema';
import { addMonths, type IsoDate } from '../time/calendar-date';
import type { CourtEntry, CourtTerritoryKind } from '../../config/legal/courts-data.schema';
import { courtsIn, resolveCourt, type SeatAddress } from './court-territory';
import { isMerchant } from './legal-form';
import type { ProcedureData } from './procedure-data';

export interface ProcedureFacts {
  asOf: IsoDate;
  currency: string;
  /** The claim as of `asOf`, minor units. */
  claim: { principal: number; interest: number; indemnity: number; total: number };
  debtor: { kind: DebtorKind; legalForm: LegalForm; /** Registered office or domicile, with its INSEE commune when known. */ seat: SeatAddress | null; insolvency: Debtor['flags']['insolvency'] };
  creditor: { legalForm: LegalForm; /** A creditor outside metropolitan France has 2 more months to declare (R622-24). */ outsideMetropolitanFrance?: boolean };
  /** Descriptions of the claimed invoices the debtor disputes; empty when the claim is undisputed. */
  disputed: readonly string[];
  /** What the controller knows that the ledger does not. */
  circumstances?: Circumstances;
  /** The earliest last day to bring the claim, among the claimed invoices. */
  prescribesOn: { on: IsoDate; article: string } | null;
}

export interface Circumstances {
  /** Why recovery is threatened (assets being sold, the debtor disappearing…): a conservatory seizure first. */
  recoveryThreatened?: string;
  /** Why speed matters: a référé provision gets a provisionally enforceable order after a short hearing. */
  speedMatters?: string;
}

export interface ProcedureDeadline {
  what: string;
  rule: string;
  article: string;
  /** The date, when it can be computed now; null when it runs from an event still to come (the order, its service). */
  dueOn: IsoDate | null;
}

export interface ProcedureRecommendation {
  procedure: ProcedureKind;
  court: { kind: CourtKind; name?: string; territory: string };
  reasons: string[];
  deadlines: ProcedureDeadline[];
  lawyer: { compulsory: boolean; reason: string };
  alternatives: { procedure: ProcedureKind; reason: string }[];
  warnings: string[];
}

interface MeritsCourt {
  kind: 'tribunal_de_commerce' | 'tribunal_des_activites_economiques' | 'tribunal_judiciaire';
  name?: string;
  /** The court, e.g. "tribunal de commerce" or "Tribunal des activités économiques de Lyon". */
  words: string;
  /** "at the debtor's registered office (44000 Nantes)". */
  where: string;
  reasons: string[];
  warnings: string[];
  /** What the court data says of the seat. */
  place: SeatCourt;
}

export function recommendProcedure(facts: ProcedureFacts, data: ProcedureData): ProcedureRecommendation {
  const money = (n: number) => formatMinor(n, facts.currency);
  const eur = (a: { amount: number; currency: string }) => formatMinor(a.amount, a.currency);
  const warnings = [...legalFormWarnings(facts.debtor.legalForm), ...seatWarnings(facts.debtor.seat)];
  const prescription = prescriptionDeadline(facts);

  // 1. Collective proceedings stop individual actions: the claim is declared instead.
  const ins = facts.debtor.insolvency;
  if (ins) return declaration(facts, data, warnings);

  const merits = meritsCourt(facts, data);
  warnings.push(...merits.warnings);
  const lawyerAbove = data.lawyer.compulsoryAbove;
  const overLawyerThreshold = facts.currency === lawyerAbove.currency ? facts.claim.total > lawyerAbove.amount : null;
  const lawyerArticle = merits.kind === 'tribunal_judiciaire' ? data.lawyer.articles.tribunal_judiciaire : data.lawyer.articles.tribunal_de_commerce;
  const contentiousLawyer = (court: string, article: string): { compulsory: boolean; reason: string } =>
    overLawyerThreshold === null
      ? { compulsory: false, reason: `the claim is in ${facts.currency}: compare its value in euros with the ${eur(lawyerAbove)} threshold above which a lawyer is compulsory before the ${court} (${article})` }
      : overLawyerThreshold
        ? { compulsory: true, reason: `the claim (${money(facts.claim.total)}) exceeds ${eur(lawyerAbove)}: representation by a lawyer is compulsory before the ${court} (${article})` }
        : { compulsory: false, reason: `the claim (${money(facts.claim.total)}) does not exceed ${eur(lawyerAbove)}: no lawyer is compulsory before the ${court} (${article})` };
  const courtWords = merits.kind === 'tribunal_judiciaire' ? 'tribunal judiciaire' : merits.kind === 'tribunal_de_commerce' ? 'tribunal de commerce' : 'tribunal des activités économiques';
  const ipFollowUp = facts.disputed.length ? 'assignation_au_fond' : 'injonction_de_payer';

  // 2. Recovery threatened: seize first, ex parte, then go to the merits.
  const threatened = facts.circumstances?.recoveryThreatened;
  if (threatened) {
    const cs = data.conservatorySeizure;
    return {
      procedure: 'saisie_conservatoire',
      court: { kind: 'juge_de_l_execution', territory: `the juge de l'exécution ${jexCourt(facts, data, merits)}${seatWord(facts)}${placeOf(facts.debtor.seat)}` },
      reasons: [
        `recovery is threatened: ${threatened}`,
        "a claim that appears founded in principle, with circumstances threatening its recovery, allows a conservatory seizure ordered on request, without hearing the debtor (CPCE L511-1), by the juge de l'exécution of the debtor's domicile or seat (CPCE R511-1, R511-2)",
        `${facts.disputed.length ? 'the claim is disputed: the merits follow by an assignation au fond' : 'the merits follow by an injonction de payer'} within ${cs.meritsWithinMonths} month${cs.meritsWithinMonths > 1 ? 's' : ''} of the seizure (${cs.meritsArticle})`,
      ],
      deadlines: [
        { what: 'execute the authorised seizure', rule: `within ${cs.executeWithinMonths} months of the authorisation, or it lapses`, article: cs.executeArticle, dueOn: null },
        { what: 'start the merits proceedings', rule: `within ${cs.meritsWithinMonths} month of executing the seizure, unless the creditor already holds a titre exécutoire, or the measure lapses`, article: `${cs.meritsArticle} ([M] article number)`, dueOn: null },
        { what: 'notify the seizure to the debtor', rule: `within ${cs.notifyDebtorWithinDays} days (bank accounts)`, article: `${cs.notifyArticle} ([M])`, dueOn: null },
        ...prescription,
      ],
      lawyer: contentiousLawyer("juge de l'exécution", data.lawyer.articles.juge_de_l_execution),
      alternatives: [
        { procedure: ipFollowUp, reason: `the merits procedure that must follow the seizure, before the ${merits.words} ${merits.where}` },
      ],
      warnings: [
        ...warnings,
        ...(isMerchant(facts.debtor.legalForm) ? ['for a commercial claim the président of the tribunal de commerce may also authorise the seizure before any merits proceedings (CPCE L511-3, [M])'] : []),
        'the creditor is liable for the damage if the seizure is lifted',
      ],
    };
  }

  const court = { kind: merits.kind as CourtKind, ...(merits.name ? { name: merits.name } : {}), territory: `the ${merits.words} ${merits.where}` };

  // 3. A disputed claim: an injonction would meet an opposition; the merits decide.
  if (facts.disputed.length) {
    const amicable = priorAmicableAttempt(facts, data, merits, 'the assignation');
    return {
      procedure: 'assignation_au_fond',
      court,
      reasons: [`the claim is disputed: ${facts.disputed.join('; ')}`, 'an injonction de payer is for uncontested claims: a disputed one would meet an opposition, so the merits are brought by assignation', ...merits.reasons, ...amicable.reasons],
      deadlines: [...amicable.deadlines, ...prescription],
      lawyer: contentiousLawyer(courtWords, lawyerArticle),
      alternatives: [{ procedure: 'refere_provision', reason: `for the part of the claim that is not seriously disputable, the président of the ${courtWords} may grant a provision (CPC ${merits.kind === 'tribunal_judiciaire' ? '835' : '873'} al. 2)` }],
      warnings: [...warnings, ...contribution(facts, data, merits)],
    };
  }

  // 4. Speed matters and the obligation is not seriously disputable: référé provision.
  const speed = facts.circumstances?.speedMatters;
  if (speed) {
    const amicable = priorAmicableAttempt(facts, data, merits, 'the référé');
    return {
      procedure: 'refere_provision',
      court: { ...court, territory: `the président of the ${merits.words} ${merits.where}` },
      reasons: [
        `speed matters: ${speed}`,
        `the obligation is not seriously disputable: the président may grant a provision up to the undisputed amount, without any urgency being needed (CPC ${merits.kind === 'tribunal_judiciaire' ? '835' : '873'} al. 2); the order is provisionally enforceable`,
        ...merits.reasons,
        ...amicable.reasons,
      ],
      deadlines: [...amicable.deadlines, ...prescription],
      lawyer: contentiousLawyer(courtWords, lawyerArticle),
      alternatives: [{ procedure: 'injonction_de_payer', reason: 'ex parte and without a hearing, but the debtor may oppose within a month of service' }],
      warnings: [...warnings, ...contribution(facts, data, merits)],
    };
  }

  // 5. Small claims: the commissaire de justice's procedure, strictly below its ceiling: CPCE
  // L125-1 says a claim "inférieure à un montant défini par décret" (R125-1: 5,000 EUR), so a claim
  // of exactly 5,000.00 EUR goes to the injonction de payer. (The reference sheet's "≤ €5,000" is
  // superseded by the text; [UNVERIFIED] against Légifrance from here.)
  const pc = data.petitesCreances;
  const smallAmount = facts.claim.principal + facts.claim.interest;
  const ipDeadlines = injonctionDeadlines(facts, data);
  if (facts.currency === pc.ceiling.currency && smallAmount < pc.ceiling.amount && facts.asOf >= pc.since) {
    return {
      procedure: 'petites_creances',
      court: { kind: 'commissaire_de_justice', territory: `a commissaire de justice of the cour d'appel area of the debtor's ${seatWord(facts)}${placeOf(facts.debtor.seat)}` },
      reasons: [
        `principal and interest (${money(smallAmount)}) are below the ${eur(pc.ceiling)} ceiling of the procédure simplifiée de recouvrement des petites créances (${pc.article}: "inférieure à"); the fixed indemnities are not counted ([?] the texts say "principal plus interest")`,
        'an uncontested claim of contractual origin: the commissaire de justice invites the debtor to agree on the amount and terms, and issues an enforceable title when they agree; the debtor\u2019s acceptance suspends prescription',
        'every fee of the procedure is borne by the creditor',
      ],
      deadlines: [
        { what: "the debtor's answer to the commissaire de justice's invitation", rule: `${pc.debtorReplyMonths} month; silence is a refusal`, article: pc.article, dueOn: null },
        ...prescription,
      ],
      lawyer: { compulsory: false, reason: 'no lawyer: the commissaire de justice runs the procedure' },
      alternatives: [
        {
          procedure: 'injonction_de_payer',
          reason: `if the debtor refuses or stays silent for ${pc.debtorReplyMonths} month, before the président of the ${merits.words} ${merits.where}; the failed attempt also satisfies CPC 750-1`,
        },
      ],
      warnings,
    };
  }

  // 6. The default: injonction de payer.
  const above =
    facts.currency !== pc.ceiling.currency
      ? `the claim is in ${facts.currency}: the petites créances ceiling (${eur(pc.ceiling)}) cannot be applied to it`
      : smallAmount > pc.ceiling.amount
        ? `principal and interest (${money(smallAmount)}) exceed the ${eur(pc.ceiling)} ceiling of the petites créances procedure`
        : `principal and interest (${money(smallAmount)}) equal the ${eur(pc.ceiling)} ceiling: the petites créances procedure needs a claim below it (${pc.article}: "inférieure à")`;
  return {
    procedure: 'injonction_de_payer',
    court: { ...court, territory: `the président of the ${merits.words} ${merits.where}` },
    reasons: [
      `an uncontested claim of contractual origin for a fixed amount (${data.injonctionDePayer.article}, art. 1405): the order is given on request, without a hearing, and is enforceable once served and not opposed`,
      above,
      'the injonction de payer is not subject to the prior amicable attempt of CPC 750-1 (Cass. 2e civ. avis 25 Sep 2025 n° 25-70.013)',
      ...merits.reasons,
    ],
    deadlines: [...ipDeadlines, ...prescription],
    lawyer: {
      compulsory: false,
      reason:
        overLawyerThreshold === null
          ? `no lawyer is needed to file the request; after an opposition, one is compulsory if the claim's value in euros exceeds ${eur(lawyerAbove)} (${lawyerArticle})`
          : `no lawyer is needed to file the request; after an opposition the case becomes contentious and a lawyer ${overLawyerThreshold ? 'is' : 'is not'} compulsory, the claim (${money(facts.claim.total)}) ${overLawyerThreshold ? 'exceeding' : 'not exceeding'} ${eur(lawyerAbove)} (${lawyerArticle})`,
    },
    alternatives: [{ procedure: 'refere_provision', reason: `a hearing instead of an order on request: the président of the ${courtWords} grants a provisionally enforceable provision when the obligation is not seriously disputable` }],
    warnings: [...warnings, ...contribution(facts, data, merits)],
  };
}

function declaration(facts: ProcedureFacts, data: ProcedureData, warnings: string[]): ProcedureRecommendation {
  const ins = facts.debtor.insolvency!;
  const cp = data.collectiveProcedure;
  if (ins.kind === 'surendettement') {
    return {
      procedure: 'declaration_de_creance',
      court: { kind: 'juge_des_contentieux_de_la_protection', territory: "the Banque de France over-indebtedness commission of the debtor's domicile, and the juge des contentieux de la protection" },
      reasons: [
        `the debtor is in an over-indebtedness procedure (surendettement) since ${ins.openedOn}: enforcement is suspended once the file is admissible (C. conso L722-2 ff., [M])`,
        'the creditor makes its claim known to the commission and answers its statement of debts ([M]: not detailed in the reference)',
      ],
      deadlines: [],
      lawyer: { compulsory: false, reason: 'never compulsory before the juge des contentieux de la protection' },
      alternatives: [],
      warnings: [...warnings, 'no public feed of over-indebtedness decisions exists: confirm the procedure with the debtor or the commission'],
    };
  }
  const extra = facts.creditor.outsideMetropolitanFrance ? cp.outsideMetropolitanFranceExtraMonths : 0;
  const months = cp.declareWithinMonths + extra;
  return {
    procedure: 'declaration_de_creance',
    court: { kind: 'mandataire_judiciaire', territory: `the mandataire judiciaire (or liquidator) named in the opening judgment${ins.reference ? ` (${ins.reference})` : ''}` },
    reasons: [
      `insolvency proceedings (${ins.kind}) opened on ${ins.openedOn}: individual actions are stopped and pre-opening claims may not be paid (C. com. L622-21, L622-7, [M] article numbers); interest stops (L622-28, [M])`,
      'the claim is declared to the mandataire judiciaire; the declaration interrupts prescription until the procedure closes and stands for a formal notice',
      'no fixed recovery indemnity when the opening of the procedure forbids paying the claim at its due date (C. com. L441-10 II)',
    ],
    deadlines: [
      procedural({
        what: 'declare the claim to the mandataire judiciaire (creditors-services.com, or cerfa 10021 by registered letter)',
        rule: `${months} months after the BODACC publication of the opening judgment${extra ? ' (2 more months for a creditor outside metropolitan France)' : ''}`,
        article: cp.declareArticle,
        dueOn: ins.publishedOn ? addMonths(ins.publishedOn, months) : null,
      }),
      procedural({
        what: 'relevé de forclusion (late-claim relief), if the deadline was missed',
        rule: `${cp.reliefWithinMonths} months after the BODACC publication`,
        article: cp.reliefArticle,
        dueOn: ins.publishedOn ? addMonths(ins.publishedOn, cp.reliefWithinMonths) : null,
      }),
    ],
    lawyer: { compulsory: false, reason: 'the creditor may declare the claim itself' },
    alternatives: [],
    warnings: [...warnings, ...(ins.publishedOn ? [] : ['the BODACC publication date is not recorded: the declaration deadline cannot be computed; find the notice on BODACC'])],
  };
}

/** Tribunal de commerce (or TAE) for a merchant debtor, tribunal judiciaire for anyone else, at the debtor's seat. */
function meritsCourt(facts: ProcedureFacts, data: ProcedureData): MeritsCourt {
  const debtorForm = facts.debtor.legalForm;
  const seat = facts.debtor.seat;
  const where = `at the debtor's ${seatWord(facts)}${placeOf(seat)}`;
  const territoryRule = 'territory: where the debtor lives or has its registered office, which is ordre public for the injonction de payer (CPC 1406)';
  if (!isMerchant(debtorForm)) {
    const who: Record<LegalForm['category'], string> = {
      consumer: 'the debtor is a consumer',
      civil_company: `the debtor is a société civile (${debtorForm.label}), not a merchant`,
      association: 'the debtor is an association, not a merchant',
      liberal_profession: `the debtor is a liberal profession (${debtorForm.label}), not a merchant`,
      unknown: "the debtor's legal form is unknown",
      merchant: '',
    };
    const place = courtOfSeat('tribunal_judiciaire', facts, data);
    const name = place.certain ? `Tribunal judiciaire ${ofPlace(place.certain.seat)}` : undefined;
    return {
      kind: 'tribunal_judiciaire',
      ...(name ? { name } : {}),
      words: name ?? 'tribunal judiciaire',
      where,
      reasons: [`${who[debtorForm.category]}: the tribunal judiciaire hears claims against non-merchants`, territoryRule, ...place.reasons],
      warnings: [
        ...(debtorForm.category === 'unknown'
          ? [
              /entrepreneur individuel/.test(debtorForm.label)
                ? "court TO CONFIRM: the debtor is an entrepreneur individuel whose activity is not known; a commercial or artisanal activity goes to the tribunal de commerce (C. com. L721-3, artisans since 2022), a liberal one to the tribunal judiciaire, which is named only until the activity is known (state it as `activity` with the INSEE code)"
                : "the debtor's legal form is unknown: the tribunal judiciaire is named; if the debtor is a commercial company, a trader or an artisan, the tribunal de commerce is competent instead (C. com. L721-3)",
            ]
          : []),
        ...place.warnings,
      ],
      place,
    };
  }
  const between = isMerchant(facts.creditor.legalForm)
    ? 'between merchants (commercial companies, traders, artisans): the tribunal de commerce (C. com. L721-3)'
    : 'the debtor is a merchant and the creditor is not: the creditor may choose the tribunal de commerce or the tribunal judiciaire ([M]); the tribunal de commerce is named';
  const tae = data.economicActivitiesCourts;
  const inExperiment = facts.asOf >= tae.from && facts.asOf <= tae.until;
  const isTae = (court: CourtEntry) => inExperiment && tae.seats.includes(court.seat);
  const place = courtOfSeat('tribunal_de_commerce', facts, data, isTae);
  const taeRule = (seatName: string) => `the tribunal de commerce of ${seatName} sits as a tribunal des activités économiques from ${tae.from} to ${tae.until} (loi 2023-1059 art. 26), over the same territory`;
  if (place.certain) {
    const name = commercialCourtName(place.certain, isTae);
    return {
      kind: isTae(place.certain) ? 'tribunal_des_activites_economiques' : 'tribunal_de_commerce',
      name,
      words: name,
      where,
      reasons: [between, ...(isTae(place.certain) ? [taeRule(place.certain.seat)] : []), territoryRule, ...place.reasons],
      warnings: place.warnings,
      place,
    };
  }
  const taeNamed = place.options.filter(isTae);
  return {
    kind: 'tribunal_de_commerce',
    words: 'tribunal de commerce',
    where,
    reasons: [between, territoryRule, ...place.reasons],
    warnings: [
      ...place.warnings,
      ...(inExperiment && (place.options.length === 0 || taeNamed.length > 0)
        ? [`from ${tae.from} to ${tae.until} the tribunaux de commerce of ${tae.seats.join(', ')} sit as tribunaux des activités économiques (loi 2023-1059 art. 26): if the debtor's seat lies in one of their territories, file there${taeNamed.length ? ` (here: ${taeNamed.map((c) => commercialCourtName(c, isTae)).join(', ')})` : ''}`]
        : []),
    ],
    place,
  };
}

/** What the court data says of the debtor's seat: the court when certain, else why not. */
interface SeatCourt {
  certain?: CourtEntry;
  /** The courts still possible when the seat's commune is not known for certain. */
  options: CourtEntry[];
  reasons: string[];
  warnings: string[];
}

function courtOfSeat(kind: CourtTerritoryKind, facts: ProcedureFacts, data: ProcedureData, isTae: (c: CourtEntry) => boolean = () => false): SeatCourt {
  const seat = facts.debtor.seat;
  // Without a French seat there is no commune to look up (seatWarnings says so).
  if (!seat || seat.country !== 'FR') return { options: [], reasons: [], warnings: [] };
  const courts = data.courts;
  const label = (c: CourtEntry) => (kind === 'tribunal_judiciaire' ? `Tribunal judiciaire ${ofPlace(c.seat)}` : commercialCourtName(c, isTae));
  const textOf = (c: CourtEntry) => {
    const src = courts.sources[c.source]!;
    return `${src.text}, ${src.version} (${src.versionDate})`;
  };
  const rule =
    kind === 'tribunal_judiciaire'
      ? "the tribunal judiciaire whose territory holds the debtor's commune (COJ annexe tableau IV)"
      : "the tribunal de commerce whose territory holds the debtor's commune (C. com. annexe 7-1)";
  const found = resolveCourt(kind, seat, courts);
  const notes = (departements: readonly string[]) => departements.flatMap((d) => (courts.departementNotes[kind][d] ? [`département ${d}: ${courts.departementNotes[kind][d]}`] : []));
  if (found.status === 'certain') {
    return {
      certain: found.court,
      options: [found.court],
      reasons: [`${found.how}: in the territory of the ${label(found.court)} (${textOf(found.court)}; ${courts.verification})`],
      warnings: notes([...new Set(found.communes.map((c) => c.departement))]),
    };
  }
  if (found.status === 'ambiguous') {
    const options = found.options.map((o) => o.court);
    return {
      options,
      reasons: [],
      warnings: [
        `court TO CONFIRM, ask for the commune of the debtor's ${seatWord(facts)}: ${found.how}, which fall under different courts: ${found.options.map((o) => `${label(o.court)} for ${o.communes.map((c) => `${c.name} (${c.code})`).join(', ')}`).join('; ')} (${[...new Set(options.map(textOf))].join('; ')}); state the commune as \`communeCode\` on the seat`,
        ...notes([...new Set(found.options.flatMap((o) => o.communes.map((c) => c.departement)))]),
      ],
    };
  }
  const known = courtsIn(kind, found.departements, courts);
  return {
    options: known,
    reasons: [],
    warnings: [
      `court TO CONFIRM: ${found.why}; the competent court is ${rule}${known.length ? `; in département ${found.departements.join(' or ')} the data knows ${known.map(label).join(', ')}, whose territories it lists only in part` : ''}`,
      ...notes(found.departements),
    ],
  };
}

/** "Tribunal de commerce de Nanterre", or "Tribunal des activités économiques de Nanterre" during the experiment. */
function commercialCourtName(court: CourtEntry, isTae: (c: CourtEntry) => boolean): string {
  return `${isTae(court) ? 'Tribunal des activités économiques' : 'Tribunal de commerce'} ${ofPlace(court.seat)}`;
}

function injonctionDeadlines(facts: ProcedureFacts, data: ProcedureData): ProcedureDeadline[] {
  const ip = data.injonctionDePayer;
  const changes = [...ip.serviceDeadline.changes].sort((a, b) => (a.ordersIssuedFrom < b.ordersIssuedFrom ? -1 : 1));
  // The regime follows the date the ordonnance is issued, still to come: from the hand-off date
  // on, only the regimes in force then or later can apply.
  const current = changes.filter((c) => c.ordersIssuedFrom <= facts.asOf).pop();
  const later = changes.filter((c) => c.ordersIssuedFrom > facts.asOf);
  const regimes = [
    current ? `${current.months} months of its date (${current.article})` : `${ip.serviceDeadline.months} months of its date for an ordonnance issued${later[0] ? ` before ${later[0].ordersIssuedFrom}` : ''} (${ip.serviceDeadline.article})`,
    ...later.map((c) => `${c.months} months for one issued from ${c.ordersIssuedFrom} (${c.article})`),
  ];
  const notice = ip.noOppositionNotice;
  const enforcement =
    facts.asOf >= notice.ordersIssuedFrom
      ? `when no opposition was notified within ${notice.months} months of service`
      : `for an ordonnance issued from ${notice.ordersIssuedFrom}, when no opposition was notified within ${notice.months} months of service; before, in practice on a certificat de non-opposition from the greffe`;
  return [
    { what: 'serve the ordonnance on the debtor, or it is void', rule: `within ${regimes.join('; ')}`, article: ip.serviceDeadline.article, dueOn: null },
    { what: "the debtor's opposition", rule: `${ip.oppositionMonths} month after service to the person (else after the first act served to the person or the first measure making assets unavailable)`, article: `${ip.oppositionArticle} ([V]/[M] article number)`, dueOn: null },
    { what: 'enforce the ordonnance', rule: enforcement, article: 'CPC 1422; décret 2026-96', dueOn: null },
  ];
}

function prescriptionDeadline(facts: ProcedureFacts): ProcedureDeadline[] {
  if (!facts.prescribesOn) return [];
  return [
    {
      what: 'interrupt prescription',
      rule: 'bring the claim before the end of this day: an assignation or a référé interrupts (C. civ. 2241), an injonction de payer only once its ordonnance is served, not when it is filed (Cass. 10 Jul 1990 n° 89-13.345); a formal notice does not (Cass. com. 18 May 2022 n° 20-23.204)',
      article: facts.prescribesOn.article,
      dueOn: facts.prescribesOn.on,
    },
  ];
}

/**
 * CPC 750-1: before the tribunal judiciaire, a claim of at most 5,000 EUR needs a prior attempt at
 * conciliation, mediation or procédure participative — for the assignation and for the référé
 * (the text covers every "demande en justice" of that amount; [UNVERIFIED] against Légifrance from
 * here). The injonction de payer stays exempt (see its branch).
 */
/**
 * A procedural deadline ending on a Saturday, a Sunday or a public holiday runs to the next working
 * day (CPC 642 al. 2), and its rule says so. Applied to the insolvency deadlines of R622-24 and
 * L622-26 ([UNVERIFIED] that CPC 642 governs them: case law applies it to procedural time limits
 * the Code de commerce sets without a rule of its own). Prescription is not extended: C. civ. 2229
 * ends it on the last day whatever that day is ([UNVERIFIED]).
 */
function procedural(deadline: ProcedureDeadline): ProcedureDeadline {
  if (deadline.dueOn === null) return deadline;
  const extended = extendToWorkingDay(deadline.dueOn);
  if (!extended.extendedFrom) return deadline;
  return { ...deadline, dueOn: extended.date, rule: `${deadline.rule}; ${extended.extendedFrom} is ${extended.because}, so the deadline runs to ${extended.date}, the next working day (CPC 642)` };
}

function priorAmicableAttempt(facts: ProcedureFacts, data: ProcedureData, merits: MeritsCourt, before: 'the assignation' | 'the référé'): { reasons: string[]; deadlines: ProcedureDeadline[] } {
  const p = data.priorAmicableAttempt;
  if (merits.kind !== 'tribunal_judiciaire' || facts.currency !== p.upTo.currency || facts.claim.total > p.upTo.amount || facts.asOf < p.since) return { reasons: [], deadlines: [] };
  return {
    reasons: [`before the tribunal judiciaire a claim of at most ${formatMinor(p.upTo.amount, p.upTo.currency)} is inadmissible without a prior conciliation, mediation or procédure participative (${p.article}), ${before === 'the référé' ? 'a référé included, ' : ''}unless the creditor tried the petites créances procedure without success ([M] exact list of exemptions)`],
    deadlines: [{ what: 'prior amicable attempt', rule: `before ${before}: conciliation by a conciliateur de justice, mediation, or procédure participative`, article: p.article, dueOn: null }],
  };
}

/** The tribunal judiciaire the juge de l'exécution sits in (COJ L213-5, [M]), when the seat's commune names it: "of the Tribunal judiciaire de Lyon, at the debtor's ". */
function jexCourt(facts: ProcedureFacts, data: ProcedureData, merits: MeritsCourt): string {
  const tj = merits.kind === 'tribunal_judiciaire' ? merits.place : courtOfSeat('tribunal_judiciaire', facts, data);
  return tj.certain ? `of the Tribunal judiciaire ${ofPlace(tj.certain.seat)}, at the debtor's ` : "of the debtor's ";
}

/** The contribution follows the court: due before a TAE, and flagged when a TAE is one of the courts still possible. */
function contribution(facts: ProcedureFacts, data: ProcedureData, merits: MeritsCourt): string[] {
  const c = data.economicActivitiesCourts.contribution;
  const tae = data.economicActivitiesCourts;
  const inExperiment = facts.asOf >= tae.from && facts.asOf <= tae.until;
  const possibleTae = merits.kind === 'tribunal_de_commerce' && inExperiment ? merits.place.options.filter((o) => tae.seats.includes(o.seat)) : [];
  if ((merits.kind !== 'tribunal_des_activites_economiques' && possibleTae.length === 0) || facts.currency !== c.above.currency || facts.claim.total <= c.above.amount) return [];
  return [
    `${possibleTae.length ? `if the court is the ${possibleTae.map((o) => `Tribunal des activités économiques ${ofPlace(o.seat)}`).join(' or the ')}: ` : ''}before a tribunal des activités économiques a claim above ${formatMinor(c.above.amount, c.above.currency)} owes the contribution pour la justice économique (${c.ratePercentMin} % to ${c.ratePercentMax} %, at most ${formatMinor(c.cap.amount, c.cap.currency)}) unless the creditor has fewer than ${c.exemptBelowEmployees} employees; not paying it makes the claim inadmissible (loi 2023-1059 art. 27; [?] later litigation not checked)`,
  ];
}

function legalFormWarnings(form: LegalForm): string[] {
  if (form.source === 'name') return [`the debtor's legal form (${form.label}) was inferred from its name: confirm it in the register (Sirene, nature_juridique) before filing, it decides between the tribunal de commerce and the tribunal judiciaire`];
  if (form.source === 'unknown') return ["the debtor's legal form is unknown: look it up in the register (Sirene, nature_juridique) before filing"];
  if (form.category === 'unknown') return [`the debtor's legal form (${form.label}) does not tell whether it is a merchant: confirm it before filing`];
  return [];
}

function seatWarnings(seat: Address | null): string[] {
  if (!seat) return ["no address is known for the debtor's seat: the court's territory cannot be determined"];
  if (seat.country !== 'FR') {
    return [`the debtor's seat is outside France (${seat.country}): the territorial rule of CPC 1406 does not apply as such; consider the European order for payment (Reg. 1896/2006) or the European small claims procedure (Reg. 861/2007) ([M])`];
  }
  return [];
}

function seatWord(facts: ProcedureFacts): string {
  return facts.debtor.kind === 'individual' ? 'domicile' : 'registered office';
}

function placeOf(seat: Address | null): string {
  return seat ? ` (${seat.postalCode} ${seat.city}${seat.country === 'FR' ? '' : `, ${seat.country}`})` : '';
}
