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
 *
 * Every text is French, for the firm's lawyers: the phrases are in fr.wording.ts.
 */
import { extendToWorkingDay } from '../time/business-calendar';
import { ofPlace } from './french-place';
import type { Address, Debtor, DebtorKind } from '../model/debtor.schema';
import type { CourtKind, LegalForm, ProcedureKind } from '../model/dossier.schema';
import { formatMoney } from '../model/money.schema';
import { addMonths, type IsoDate } from '../time/calendar-date';
import type { CourtEntry, CourtTerritoryKind } from '../../config/legal/courts-data.schema';
import { courtsIn, resolveCourt, type SeatAddress } from './court-territory';
import { FR, type SeatKind } from './fr.wording';
import { isMerchant } from './legal-form';
import type { ProcedureData } from './procedure-data';

export interface ProcedureFacts {
  asOf: IsoDate;
  currency: string;
  /** The claim as of `asOf`, minor units. */
  claim: { principal: number; interest: number; indemnity: number; total: number };
  debtor: {
    kind: DebtorKind;
    legalForm: LegalForm;
    /** Registered office or domicile, with its INSEE commune when known. */ seat: SeatAddress | null;
    insolvency: Debtor['flags']['insolvency'];
  };
  creditor: {
    legalForm: LegalForm;
    /** A creditor outside metropolitan France has 2 more months to declare (R622-24). */ outsideMetropolitanFrance?: boolean;
  };
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
  /** "lieu du siège social du débiteur (44000 Nantes)". */
  where: string;
  reasons: string[];
  warnings: string[];
  /** What the court data says of the seat. */
  place: SeatCourt;
}

const W = FR.procedureAdvice;

export function recommendProcedure(facts: ProcedureFacts, data: ProcedureData): ProcedureRecommendation {
  const money = (n: number) => formatMoney(n, facts.currency);
  const eur = (a: { amount: number; currency: string }) => formatMoney(a.amount, a.currency);
  const warnings = [...legalFormWarnings(facts.debtor.legalForm), ...seatWarnings(facts.debtor.seat)];
  const prescription = prescriptionDeadline(facts);

  // 1. Collective proceedings stop individual actions: the claim is declared instead.
  const ins = facts.debtor.insolvency;
  if (ins) return declaration(facts, data, warnings);

  const merits = meritsCourt(facts, data);
  warnings.push(...merits.warnings);
  const lawyerAbove = data.lawyer.compulsoryAbove;
  const overLawyerThreshold = facts.currency === lawyerAbove.currency ? facts.claim.total > lawyerAbove.amount : null;
  const lawyerArticle =
    merits.kind === 'tribunal_judiciaire'
      ? data.lawyer.articles.tribunal_judiciaire
      : data.lawyer.articles.tribunal_de_commerce;
  const contentiousLawyer = (court: string, article: string): { compulsory: boolean; reason: string } => {
    const words = { threshold: eur(lawyerAbove), court, article };
    if (overLawyerThreshold === null)
      return { compulsory: false, reason: W.lawyerOtherCurrency({ ...words, currency: facts.currency }) };
    return overLawyerThreshold
      ? { compulsory: true, reason: W.lawyerCompulsory({ ...words, total: money(facts.claim.total) }) }
      : { compulsory: false, reason: W.lawyerNotCompulsory({ ...words, total: money(facts.claim.total) }) };
  };
  const courtWords =
    merits.kind === 'tribunal_judiciaire'
      ? 'tribunal judiciaire'
      : merits.kind === 'tribunal_de_commerce'
        ? 'tribunal de commerce'
        : 'tribunal des activités économiques';
  const provisionArticle = merits.kind === 'tribunal_judiciaire' ? '835' : '873';
  const ipFollowUp = facts.disputed.length ? 'assignation_au_fond' : 'injonction_de_payer';

  // 2. Recovery threatened: seize first, ex parte, then go to the merits.
  const threatened = facts.circumstances?.recoveryThreatened;
  if (threatened) {
    const cs = data.conservatorySeizure;
    const S = W.seizure;
    return {
      procedure: 'saisie_conservatoire',
      court: {
        kind: 'juge_de_l_execution',
        territory: S.territory({
          tj: jexCourt(facts, data, merits),
          seat: seatKind(facts),
          place: placeOf(facts.debtor.seat),
        }),
      },
      reasons: [
        S.threatened(threatened),
        S.rule,
        S.merits({ disputed: facts.disputed.length > 0, months: cs.meritsWithinMonths, article: cs.meritsArticle }),
      ],
      deadlines: [
        { what: S.executeWhat, rule: S.executeRule(cs.executeWithinMonths), article: cs.executeArticle, dueOn: null },
        {
          what: S.meritsWhat,
          rule: S.meritsRule(cs.meritsWithinMonths),
          article: S.meritsArticle(cs.meritsArticle),
          dueOn: null,
        },
        {
          what: S.notifyWhat,
          rule: S.notifyRule(cs.notifyDebtorWithinDays),
          article: `${cs.notifyArticle} ([M])`,
          dueOn: null,
        },
        ...prescription,
      ],
      lawyer: contentiousLawyer(S.lawyerCourt, data.lawyer.articles.juge_de_l_execution),
      alternatives: [{ procedure: ipFollowUp, reason: S.followUp({ court: merits.words, where: merits.where }) }],
      warnings: [...warnings, ...(isMerchant(facts.debtor.legalForm) ? [S.commercialPresident] : []), S.liability],
    };
  }

  const court = {
    kind: merits.kind as CourtKind,
    ...(merits.name ? { name: merits.name } : {}),
    territory: W.courtAt({ court: merits.words, where: merits.where }),
  };
  const president = W.presidentOf({ court: merits.words, where: merits.where });

  // 3. A disputed claim: an injonction would meet an opposition; the merits decide.
  if (facts.disputed.length) {
    const amicable = priorAmicableAttempt(facts, data, merits, false);
    return {
      procedure: 'assignation_au_fond',
      court,
      reasons: [W.disputed.claimDisputed(facts.disputed), W.disputed.rule, ...merits.reasons, ...amicable.reasons],
      deadlines: [...amicable.deadlines, ...prescription],
      lawyer: contentiousLawyer(`le ${courtWords}`, lawyerArticle),
      alternatives: [
        {
          procedure: 'refere_provision',
          reason: W.disputed.provision({ court: courtWords, article: provisionArticle }),
        },
      ],
      warnings: [...warnings, ...contribution(facts, data, merits)],
    };
  }

  // 4. Speed matters and the obligation is not seriously disputable: référé provision.
  const speed = facts.circumstances?.speedMatters;
  if (speed) {
    const amicable = priorAmicableAttempt(facts, data, merits, true);
    return {
      procedure: 'refere_provision',
      court: { ...court, territory: president },
      reasons: [W.speed.speedMatters(speed), W.speed.rule(provisionArticle), ...merits.reasons, ...amicable.reasons],
      deadlines: [...amicable.deadlines, ...prescription],
      lawyer: contentiousLawyer(`le ${courtWords}`, lawyerArticle),
      alternatives: [{ procedure: 'injonction_de_payer', reason: W.speed.injonction }],
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
    const P = W.smallClaims;
    return {
      procedure: 'petites_creances',
      court: {
        kind: 'commissaire_de_justice',
        territory: P.territory({ seat: seatKind(facts), place: placeOf(facts.debtor.seat) }),
      },
      reasons: [P.below({ amount: money(smallAmount), ceiling: eur(pc.ceiling), article: pc.article }), P.how, P.fees],
      deadlines: [
        { what: P.answerWhat, rule: P.answerRule(pc.debtorReplyMonths), article: pc.article, dueOn: null },
        ...prescription,
      ],
      lawyer: { compulsory: false, reason: P.lawyer },
      alternatives: [
        {
          procedure: 'injonction_de_payer',
          reason: P.injonction({ months: pc.debtorReplyMonths, court: merits.words, where: merits.where }),
        },
      ],
      warnings,
    };
  }

  // 6. The default: injonction de payer.
  const I = W.injonction;
  const above =
    facts.currency !== pc.ceiling.currency
      ? I.otherCurrency({ currency: facts.currency, ceiling: eur(pc.ceiling) })
      : smallAmount > pc.ceiling.amount
        ? I.aboveCeiling({ amount: money(smallAmount), ceiling: eur(pc.ceiling) })
        : I.atCeiling({ amount: money(smallAmount), ceiling: eur(pc.ceiling), article: pc.article });
  return {
    procedure: 'injonction_de_payer',
    court: { ...court, territory: president },
    reasons: [I.rule(data.injonctionDePayer.article), above, I.noAmicableAttempt, ...merits.reasons],
    deadlines: [...ipDeadlines, ...prescription],
    lawyer: {
      compulsory: false,
      reason:
        overLawyerThreshold === null
          ? I.lawyerOtherCurrency({ threshold: eur(lawyerAbove), article: lawyerArticle })
          : I.lawyer({
              compulsory: overLawyerThreshold,
              total: money(facts.claim.total),
              threshold: eur(lawyerAbove),
              article: lawyerArticle,
            }),
    },
    alternatives: [{ procedure: 'refere_provision', reason: I.provision(courtWords) }],
    warnings: [...warnings, ...contribution(facts, data, merits)],
  };
}

function declaration(facts: ProcedureFacts, data: ProcedureData, warnings: string[]): ProcedureRecommendation {
  const ins = facts.debtor.insolvency!;
  const cp = data.collectiveProcedure;
  if (ins.kind === 'surendettement') {
    const S = W.surendettement;
    return {
      procedure: 'declaration_de_creance',
      court: { kind: 'juge_des_contentieux_de_la_protection', territory: S.territory },
      reasons: [S.opened(ins.openedOn), S.declare],
      deadlines: [],
      lawyer: { compulsory: false, reason: S.lawyer },
      alternatives: [],
      warnings: [...warnings, S.noFeed],
    };
  }
  const C = W.collective;
  const extra = facts.creditor.outsideMetropolitanFrance ? cp.outsideMetropolitanFranceExtraMonths : 0;
  const months = cp.declareWithinMonths + extra;
  return {
    procedure: 'declaration_de_creance',
    court: { kind: 'mandataire_judiciaire', territory: C.territory(ins.reference) },
    reasons: [C.opened({ kind: ins.kind, openedOn: ins.openedOn }), C.declaration, C.noIndemnity],
    deadlines: [
      procedural({
        what: C.declareWhat,
        rule: C.declareRule({ months, extra }),
        article: cp.declareArticle,
        dueOn: ins.publishedOn ? addMonths(ins.publishedOn, months) : null,
      }),
      procedural({
        what: C.reliefWhat,
        rule: C.reliefRule(cp.reliefWithinMonths),
        article: cp.reliefArticle,
        dueOn: ins.publishedOn ? addMonths(ins.publishedOn, cp.reliefWithinMonths) : null,
      }),
    ],
    lawyer: { compulsory: false, reason: C.lawyer },
    alternatives: [],
    warnings: [...warnings, ...(ins.publishedOn ? [] : [C.noPublication])],
  };
}

/** Tribunal de commerce (or TAE) for a merchant debtor, tribunal judiciaire for anyone else, at the debtor's seat. */
function meritsCourt(facts: ProcedureFacts, data: ProcedureData): MeritsCourt {
  const M = W.merits;
  const debtorForm = facts.debtor.legalForm;
  const seat = facts.debtor.seat;
  const where = W.where({ seat: seatKind(facts), place: placeOf(seat) });
  if (!isMerchant(debtorForm)) {
    const place = courtOfSeat('tribunal_judiciaire', facts, data);
    const name = place.certain ? `Tribunal judiciaire ${ofPlace(place.certain.seat)}` : undefined;
    return {
      kind: 'tribunal_judiciaire',
      ...(name ? { name } : {}),
      words: name ?? 'tribunal judiciaire',
      where,
      reasons: [M.nonMerchant(M.who(debtorForm.category, debtorForm.label)), M.territoryRule, ...place.reasons],
      warnings: [
        ...(debtorForm.category === 'unknown'
          ? [/entrepreneur individuel/.test(debtorForm.label) ? M.entrepreneurToConfirm : M.unknownForm]
          : []),
        ...place.warnings,
      ],
      place,
    };
  }
  const between = isMerchant(facts.creditor.legalForm) ? M.betweenMerchants : M.mixed;
  const tae = data.economicActivitiesCourts;
  const inExperiment = facts.asOf >= tae.from && facts.asOf <= tae.until;
  const isTae = (court: CourtEntry) => inExperiment && tae.seats.includes(court.seat);
  const place = courtOfSeat('tribunal_de_commerce', facts, data, isTae);
  if (place.certain) {
    const name = commercialCourtName(place.certain, isTae);
    return {
      kind: isTae(place.certain) ? 'tribunal_des_activites_economiques' : 'tribunal_de_commerce',
      name,
      words: name,
      where,
      reasons: [
        between,
        ...(isTae(place.certain)
          ? [M.taeRule({ ofSeat: ofPlace(place.certain.seat), from: tae.from, until: tae.until })]
          : []),
        M.territoryRule,
        ...place.reasons,
      ],
      warnings: place.warnings,
      place,
    };
  }
  const taeNamed = place.options.filter(isTae);
  return {
    kind: 'tribunal_de_commerce',
    words: 'tribunal de commerce',
    where,
    reasons: [between, M.territoryRule, ...place.reasons],
    warnings: [
      ...place.warnings,
      ...(inExperiment && (place.options.length === 0 || taeNamed.length > 0)
        ? [
            M.taeSeats({
              from: tae.from,
              until: tae.until,
              ofSeats: tae.seats.map(ofPlace),
              named: taeNamed.map((c) => commercialCourtName(c, isTae)),
            }),
          ]
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

function courtOfSeat(
  kind: CourtTerritoryKind,
  facts: ProcedureFacts,
  data: ProcedureData,
  isTae: (c: CourtEntry) => boolean = () => false,
): SeatCourt {
  const T = W.seatCourt;
  const seat = facts.debtor.seat;
  // Without a French seat there is no commune to look up (seatWarnings says so).
  if (!seat || seat.country !== 'FR') return { options: [], reasons: [], warnings: [] };
  const courts = data.courts;
  const label = (c: CourtEntry) =>
    kind === 'tribunal_judiciaire' ? `Tribunal judiciaire ${ofPlace(c.seat)}` : commercialCourtName(c, isTae);
  const textOf = (c: CourtEntry) => T.source(courts.sources[c.source]!);
  const found = resolveCourt(kind, seat, courts);
  const notes = (departements: readonly string[]) =>
    departements.flatMap((d) =>
      courts.departementNotes[kind][d]
        ? [T.departementNote({ departement: d, note: courts.departementNotes[kind][d] })]
        : [],
    );
  if (found.status === 'certain') {
    return {
      certain: found.court,
      options: [found.court],
      reasons: [
        T.certain({
          how: found.how,
          court: label(found.court),
          source: textOf(found.court),
          verification: courts.verification,
        }),
      ],
      warnings: notes([...new Set(found.communes.map((c) => c.departement))]),
    };
  }
  if (found.status === 'ambiguous') {
    const options = found.options.map((o) => o.court);
    return {
      options,
      reasons: [],
      warnings: [
        T.ambiguous({
          seat: seatKind(facts),
          how: found.how,
          options: found.options.map((o) => ({
            court: label(o.court),
            communes: o.communes.map((c) => `${c.name} (${c.code})`).join(', '),
          })),
          sources: [...new Set(options.map(textOf))].join(' ; '),
        }),
        ...notes([...new Set(found.options.flatMap((o) => o.communes.map((c) => c.departement)))]),
      ],
    };
  }
  const known = courtsIn(kind, found.departements, courts);
  return {
    options: known,
    reasons: [],
    warnings: [
      T.toConfirm({ why: found.why, rule: T.rule(kind), departements: found.departements, known: known.map(label) }),
      ...notes(found.departements),
    ],
  };
}

/** "Tribunal de commerce de Nanterre", or "Tribunal des activités économiques de Nanterre" during the experiment. */
function commercialCourtName(court: CourtEntry, isTae: (c: CourtEntry) => boolean): string {
  return `${isTae(court) ? 'Tribunal des activités économiques' : 'Tribunal de commerce'} ${ofPlace(court.seat)}`;
}

function injonctionDeadlines(facts: ProcedureFacts, data: ProcedureData): ProcedureDeadline[] {
  const I = W.injonction;
  const ip = data.injonctionDePayer;
  const changes = [...ip.serviceDeadline.changes].sort((a, b) => (a.ordersIssuedFrom < b.ordersIssuedFrom ? -1 : 1));
  // The regime follows the date the ordonnance is issued, still to come: from the hand-off date
  // on, only the regimes in force then or later can apply.
  const current = changes.filter((c) => c.ordersIssuedFrom <= facts.asOf).pop();
  const later = changes.filter((c) => c.ordersIssuedFrom > facts.asOf);
  const regimes = [
    current
      ? I.serviceRegimeCurrent({ months: current.months, article: current.article })
      : I.serviceRegimeBefore({
          months: ip.serviceDeadline.months,
          before: later[0]?.ordersIssuedFrom ?? null,
          article: ip.serviceDeadline.article,
        }),
    ...later.map((c) => I.serviceRegimeLater({ months: c.months, from: c.ordersIssuedFrom, article: c.article })),
  ];
  const notice = ip.noOppositionNotice;
  const enforcement =
    facts.asOf >= notice.ordersIssuedFrom
      ? I.enforceRule(notice.months)
      : I.enforceRuleBefore({ from: notice.ordersIssuedFrom, months: notice.months });
  return [
    { what: I.serveWhat, rule: I.serveRule(regimes), article: ip.serviceDeadline.article, dueOn: null },
    {
      what: I.oppositionWhat,
      rule: I.oppositionRule(ip.oppositionMonths),
      article: I.oppositionArticle(ip.oppositionArticle),
      dueOn: null,
    },
    { what: I.enforceWhat, rule: enforcement, article: 'CPC 1422; décret 2026-96', dueOn: null },
  ];
}

function prescriptionDeadline(facts: ProcedureFacts): ProcedureDeadline[] {
  if (!facts.prescribesOn) return [];
  return [
    {
      what: W.prescription.what,
      rule: W.prescription.rule,
      article: facts.prescribesOn.article,
      dueOn: facts.prescribesOn.on,
    },
  ];
}

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
  return {
    ...deadline,
    dueOn: extended.date,
    rule: W.extended({ rule: deadline.rule, from: extended.extendedFrom, to: extended.date }),
  };
}

/**
 * CPC 750-1: before the tribunal judiciaire, a claim of at most 5,000 EUR needs a prior attempt at
 * conciliation, mediation or procédure participative — for the assignation and for the référé
 * (the text covers every "demande en justice" of that amount; [UNVERIFIED] against Légifrance from
 * here). The injonction de payer stays exempt (see its branch).
 */
function priorAmicableAttempt(
  facts: ProcedureFacts,
  data: ProcedureData,
  merits: MeritsCourt,
  refere: boolean,
): { reasons: string[]; deadlines: ProcedureDeadline[] } {
  const p = data.priorAmicableAttempt;
  if (
    merits.kind !== 'tribunal_judiciaire' ||
    facts.currency !== p.upTo.currency ||
    facts.claim.total > p.upTo.amount ||
    facts.asOf < p.since
  )
    return { reasons: [], deadlines: [] };
  return {
    reasons: [W.amicable.reason({ upTo: formatMoney(p.upTo.amount, p.upTo.currency), article: p.article, refere })],
    deadlines: [{ what: W.amicable.what, rule: W.amicable.rule(refere), article: p.article, dueOn: null }],
  };
}

/** The tribunal judiciaire the juge de l'exécution sits in (COJ L213-5, [M]), when the seat's commune names it: "Tribunal judiciaire de Lyon". */
function jexCourt(facts: ProcedureFacts, data: ProcedureData, merits: MeritsCourt): string | null {
  const tj = merits.kind === 'tribunal_judiciaire' ? merits.place : courtOfSeat('tribunal_judiciaire', facts, data);
  return tj.certain ? `Tribunal judiciaire ${ofPlace(tj.certain.seat)}` : null;
}

/** The contribution follows the court: due before a TAE, and flagged when a TAE is one of the courts still possible. */
function contribution(facts: ProcedureFacts, data: ProcedureData, merits: MeritsCourt): string[] {
  const c = data.economicActivitiesCourts.contribution;
  const tae = data.economicActivitiesCourts;
  const inExperiment = facts.asOf >= tae.from && facts.asOf <= tae.until;
  const possibleTae =
    merits.kind === 'tribunal_de_commerce' && inExperiment
      ? merits.place.options.filter((o) => tae.seats.includes(o.seat))
      : [];
  if (
    (merits.kind !== 'tribunal_des_activites_economiques' && possibleTae.length === 0) ||
    facts.currency !== c.above.currency ||
    facts.claim.total <= c.above.amount
  )
    return [];
  return [
    W.contribution({
      possible: possibleTae.map((o) => `Tribunal des activités économiques ${ofPlace(o.seat)}`),
      above: formatMoney(c.above.amount, c.above.currency),
      min: c.ratePercentMin,
      max: c.ratePercentMax,
      cap: formatMoney(c.cap.amount, c.cap.currency),
      employees: c.exemptBelowEmployees,
    }),
  ];
}

function legalFormWarnings(form: LegalForm): string[] {
  if (form.source === 'name') return [W.legalForm.inferred(form.label)];
  if (form.source === 'unknown') return [W.legalForm.unknown];
  if (form.category === 'unknown') return [W.legalForm.undecided(form.label)];
  return [];
}

function seatWarnings(seat: Address | null): string[] {
  if (!seat) return [W.noSeat];
  if (seat.country !== 'FR') return [W.seatAbroad(seat.country)];
  return [];
}

function seatKind(facts: ProcedureFacts): SeatKind {
  return facts.debtor.kind === 'individual' ? 'domicile' : 'registered_office';
}

function placeOf(seat: Address | null): string {
  return seat ? ` (${seat.postalCode} ${seat.city}${seat.country === 'FR' ? '' : `, ${seat.country}`})` : '';
}
