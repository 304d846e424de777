import type { ProcedureState } from '../model/procedure-event.schema';
import type { DocumentWording, LedgerWording } from './wording';

/**
 * French wording of the reminders and of the formal notice. Reminders are courteous; the
 * notice is formal. Legal mentions follow shared/reference/french-recovery-law.md (§1.2, §1.5,
 * §3, §5, §9); each cites its article so that a reader can check it.
 */

const MONTHS = [
  'janvier',
  'février',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'août',
  'septembre',
  'octobre',
  'novembre',
  'décembre',
];

function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}

function isoParts(iso: string): [string, string, string] {
  const [y = '', m = '', d = ''] = iso.split('-');
  return [y, m, d];
}

const PERCENT = new Intl.NumberFormat('fr-FR', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

const CHANNEL: Readonly<Record<string, string>> = {
  email: 'e-mail',
  sms: 'SMS',
  letter: 'courrier',
  registered_letter: 'lettre recommandée',
  phone_task: 'appel téléphonique',
};

/** What the controller must do when the firm reports this state (an activity in the ledger), if anything. */
const CONTROLLER_MUST_ACT: Partial<Record<ProcedureState, string>> = {
  rejected: 'le cabinet a refusé le dossier : le compléter ou reprendre le recouvrement amiable',
  opposition: 'le débiteur a formé opposition : la procédure devient contentieuse, décider de la suite avec le cabinet',
  irrecoverable:
    "créance irrécouvrable : émettre la facture rectificative puis récupérer la TVA (CGI art. 272-1) avant le 31 décembre de la deuxième année suivant l'événement",
  insolvency_declared:
    'procédure collective ouverte : déclarer la créance au mandataire judiciaire dans les 2 mois de la publication au BODACC (C. com. R622-24)',
  indeterminate: "le cabinet a envoyé un statut que Recouvra ne connaît pas : le lire et qualifier l'étape",
};

const PROCEDURE_STATE: Readonly<Record<ProcedureState, string>> = {
  submitted: 'dossier transmis',
  accepted: 'dossier accepté par le cabinet',
  rejected: 'dossier refusé par le cabinet',
  amicable_phase: 'phase amiable du cabinet',
  filed: 'requête ou assignation déposée',
  order_issued: 'ordonnance rendue',
  served: 'acte signifié',
  opposition: 'opposition du débiteur',
  hearing: 'audience',
  judgment: 'jugement rendu',
  enforceable_title: 'titre exécutoire obtenu',
  enforcement: 'exécution forcée en cours',
  partial_recovery: 'recouvrement partiel',
  recovered: 'créance recouvrée',
  irrecoverable: 'créance irrécouvrable',
  insolvency_declared: 'procédure collective du débiteur',
  withdrawn: 'dossier retiré',
  closed: 'dossier clos',
  indeterminate: 'statut inconnu',
};

const LEDGER: LedgerWording = {
  channel: (channel) => CHANNEL[channel] ?? channel,
  stepLabel: (step) =>
    step.kind === 'formal_notice'
      ? 'Mise en demeure'
      : step.kind === 'escalation'
        ? 'Transmission au cabinet partenaire'
        : `Relance (${step.id})`,
  reference: (caseRef) => `Réf. Recouvra : ${caseRef}`,
  decidedNote: (p) =>
    [
      `Recouvra — ${p.step} décidée le ${p.date}${p.channels ? ` (${p.channels})` : ''}.`,
      `Le dossier couvre ${p.itemCount} pièce(s) : ${p.open} ouverts, dont ${p.overdue} échus${p.credit !== null ? `, après ${p.credit} d'avoirs${p.creditNotes ? ` (${p.creditNotes})` : ''}` : ''}.`,
    ].join('\n'),
  approval: {
    summary: (step) => `Recouvra : approuver « ${step} »`,
    text: (p) =>
      [
        `${p.step} pour ${p.debtor} attend votre approbation depuis le ${p.since}.`,
        `Montant ouvert : ${p.open}. Approuvez ou refusez l'étape dans Recouvra.`,
      ].join('\n'),
  },
  taskNote: (p) =>
    [`Tâche pour le contrôleur${p.due !== null ? `, à traiter dès le ${p.due}` : ''} — ${p.summary}`, p.text].join(
      '\n',
    ),
  phoneCall: {
    summary: (debtor) => `Recouvra : appeler ${debtor}`,
    text: (p) =>
      [
        `Appel de relance à passer à ${p.debtor}${p.phones.length ? ` (${p.phones.join(', ')})` : ' (aucun numéro connu)'}.`,
        `Montant échu : ${p.overdue} sur ${p.open} ouverts.`,
        `Notez le résultat de l'appel (promesse de paiement, litige, injoignable) dans Recouvra.`,
      ].join('\n'),
  },
  procedure: {
    state: (state) => PROCEDURE_STATE[state],
    controllerMustAct: (state) => CONTROLLER_MUST_ACT[state],
    note: (p) =>
      `Recouvra — procédure judiciaire : ${p.state}${p.label !== null ? ` — ${p.label}` : ''} (le ${p.date}).`,
    recovered: (amount) => `Montant recouvré par cet événement : ${amount}.`,
    firmWord: (word) => `Statut transmis par le cabinet : « ${word} ».`,
    rateIncrease: (p) =>
      `Taux de l'intérêt légal majoré de ${p.points} points à compter du ${p.date}, deux mois après que la décision est devenue exécutoire, sauf dispense du juge de l'exécution (${p.article}).`,
    titleDeadline: (p) => `Titre à exécuter au plus tard le ${p.date} (${p.years} ans, ${p.article}).`,
    activitySummary: (state) => `Recouvra : ${state}`,
    todo: (what) => `À faire : ${what}.`,
  },
};

export const FR: DocumentWording = {
  language: 'fr',
  locale: 'fr-FR',
  formatDate(iso) {
    const [y, m, d] = isoParts(iso);
    return `${d}/${m}/${y}`;
  },
  formatLongDate(iso) {
    const [y, m, d] = isoParts(iso);
    const day = Number(d);
    return `${day === 1 ? '1er' : String(day)} ${MONTHS[Number(m) - 1] ?? m} ${y}`;
  },
  formatPercent: (percent) => `${PERCENT.format(percent)} %`,
  formatSiren: (siren) => siren.replace(/^(\d{3})(\d{3})(\d{3})$/, '$1 $2 $3'),

  subjects: {
    preDue: (p) =>
      p.count === 1
        ? `Rappel : la facture ${p.firstNumber} arrive à échéance le ${p.firstDueDate} — ${p.creditor}`
        : `Rappel : ${p.count} factures arrivent prochainement à échéance (${p.total}) — ${p.creditor}`,
    reminder1: (p) =>
      p.count === 1
        ? `Rappel de paiement : facture ${p.firstNumber} échue — ${p.total} — ${p.creditor}`
        : `Rappel de paiement : ${p.count} factures échues — ${p.total} — ${p.creditor}`,
    reminder2: (p) =>
      p.count === 1
        ? `Deuxième rappel : facture ${p.firstNumber} impayée — ${p.total} — ${p.creditor}`
        : `Deuxième rappel : ${p.count} factures impayées — ${p.total} — ${p.creditor}`,
    formalNotice: (p) => `Mise en demeure de payer — ${p.total} — ${p.creditor}`,
  },

  greeting: 'Madame, Monsieur,',
  columns: {
    number: 'Facture',
    creditNote: 'Avoir',
    issueDate: 'Date',
    dueDate: 'Échéance',
    daysLate: 'Jours de retard',
    open: 'Reste dû',
    amount: 'Montant',
    interest: 'Intérêts',
    indemnity: 'Indemnité',
  },
  overdueLine: (r) =>
    `- Facture ${r.number} du ${r.issueDate}, échue le ${r.dueDate} (${r.daysLate} ${plural(r.daysLate, 'jour', 'jours')} de retard) : ${r.open}`,
  claimLine: (r) =>
    `- Facture ${r.number} du ${r.issueDate}, échue le ${r.dueDate} (${r.daysLate} ${plural(r.daysLate, 'jour', 'jours')} de retard) : ${r.open}` +
    `${r.interest ? `, pénalités de retard ${r.interest}` : ''}${r.indemnity ? `, indemnité forfaitaire ${r.indemnity}` : ''}`,
  upcomingLine: (r) => `- Facture ${r.number} du ${r.issueDate}, à régler au plus tard le ${r.dueDate} : ${r.open}`,
  creditNoteLine: (c) => `- Avoir ${c.number} du ${c.issueDate} : -${c.open}`,
  creditNotesIntro: 'Les avoirs suivants sont déduits :',
  totals: {
    overdue: (a) => `Total échu : ${a}`,
    upcoming: (a) => `Total à échoir : ${a}`,
    credit: (a) => `Avoirs déduits : -${a}`,
    netDue: (a) => `Reste à régler : ${a}`,
  },
  totalLabels: {
    overdue: 'Total échu',
    upcoming: 'Total à échoir',
    credit: 'Avoirs déduits',
    netDue: 'Reste à régler',
  },

  preDue: {
    intro: (n) =>
      n === 1
        ? 'Nous nous permettons de vous rappeler que la facture suivante arrive prochainement à échéance :'
        : 'Nous nous permettons de vous rappeler que les factures suivantes arrivent prochainement à échéance :',
    overdueToo: (n) =>
      n === 1
        ? 'Par ailleurs, sauf erreur de notre part, la facture suivante est déjà échue et reste à régler :'
        : 'Par ailleurs, sauf erreur de notre part, les factures suivantes sont déjà échues et restent à régler :',
    thanks: 'Nous vous remercions par avance de votre règlement à bonne date.',
  },
  reminder1: {
    intro: (n) =>
      n === 1
        ? "Sauf erreur ou omission de notre part, nous n'avons pas encore reçu le règlement de la facture suivante, arrivée à échéance :"
        : "Sauf erreur ou omission de notre part, nous n'avons pas encore reçu le règlement des factures suivantes, arrivées à échéance :",
    request: 'Nous vous remercions de bien vouloir procéder à ce règlement dans les meilleurs délais.',
  },
  reminder2: {
    intro: (n) =>
      n === 1
        ? 'Malgré notre précédent rappel, la facture suivante reste impayée à ce jour :'
        : 'Malgré notre précédent rappel, les factures suivantes restent impayées à ce jour :',
    request: 'Nous vous demandons de bien vouloir régulariser cette situation sans délai.',
    // C. com. L441-10 II and D441-5 (reference §1.2, §1.5): due between professionals only.
    latePenaltiesB2b: (p) =>
      `Nous vous rappelons que tout retard de paiement rend exigibles de plein droit, sans qu'un rappel soit nécessaire, ` +
      `des pénalités de retard ainsi qu'une indemnité forfaitaire pour frais de recouvrement${p.indemnity ? ` de ${p.indemnity}` : ''} par facture ` +
      `(articles L441-10 et D441-5 du Code de commerce).`,
    nextStep: 'Sans règlement de votre part, nous serons contraints de vous adresser une mise en demeure.',
  },
  alreadyPaid:
    'Si votre règlement a été effectué entre-temps, nous vous en remercions et vous prions de ne pas tenir compte de ce message.',
  dispute:
    "Si l'une de ces factures fait l'objet d'une contestation, merci de nous en indiquer le motif en répondant à ce message.",
  payment: {
    transfer: (p) =>
      `Règlement par virement sur notre compte IBAN ${p.iban}${p.bic ? ` (BIC ${p.bic})` : ''}` +
      `${p.reference ? `, en indiquant la référence ${p.reference}` : ''}.`,
    online: (url) => `Vous pouvez également régler en ligne : ${url}`,
  },
  contact: (p) =>
    `Pour toute question, vous pouvez nous écrire à ${p.email}${p.phone ? ` ou nous appeler au ${p.phone}` : ''}.`,
  signOffCourteous:
    'Avec nos remerciements, nous vous prions de recevoir, Madame, Monsieur, nos salutations distinguées.',
  signOffFormal: "Nous vous prions d'agréer, Madame, Monsieur, l'expression de nos salutations distinguées.",
  footer: {
    identity: (c) => `${c.name} — ${c.address}${c.siren ? ` — SIREN ${c.siren}` : ''}`,
    // GDPR art. 6-1-f and art. 13-14 information (reference §9): legitimate interest in
    // recovering the debt, no consent needed; say who processes the data and how to reach them.
    privacy: (p) =>
      `Vos données personnelles sont traitées par ${p.creditor} pour la gestion et le recouvrement de ses factures, ` +
      `sur le fondement de son intérêt légitime (article 6.1.f du RGPD). Vous pouvez exercer vos droits d'accès, de rectification, ` +
      `d'effacement, de limitation et d'opposition en écrivant à ${p.email}, et introduire une réclamation auprès de la CNIL.`,
  },

  notice: {
    fileName: (ref) => `mise-en-demeure-${ref}.pdf`,
    emailIntro: (p) =>
      `Vous trouverez ci-joint notre mise en demeure de payer la somme de ${p.total}` +
      `${p.byRegisteredLetter ? ', qui vous est également adressée ce jour par lettre recommandée avec demande d’avis de réception' : ''}.`,
    title: 'Mise en demeure de payer',
    object: 'Objet : Mise en demeure de payer',
    registeredLetter: 'Lettre recommandée avec demande d’avis de réception',
    alsoByEmail: 'Copie adressée par courrier électronique',
    reference: (ref) => `Réf. : ${ref}`,
    placeAndDate: (p) => `À ${p.place}, le ${p.date}`,
    signedAt: (p) => `Fait à ${p.place}, le ${p.date}`,
    defaultSignatory: 'Le service recouvrement',
    origin: (n) =>
      n === 1
        ? 'Sauf erreur de notre part, la facture suivante, échue, demeure impayée à ce jour :'
        : 'Sauf erreur de notre part, les factures suivantes, échues, demeurent impayées à ce jour :',
    claimHeading: (date) => `Décompte des sommes dues au ${date}`,
    principalLabel: 'Principal restant dû (net des avoirs)',
    interestLabelB2b: (date) => `Pénalités de retard arrêtées au ${date}`,
    interestLabelLegal: (date) => `Intérêts au taux légal arrêtés au ${date}`,
    indemnityLabel: (p) => `Indemnité forfaitaire pour frais de recouvrement (${p.count} × ${p.each})`,
    totalLabel: 'Total dû',
    // C. com. L441-10 II (reference §1.2, §1.3) and D441-5 (§1.5).
    basisB2b: (p) =>
      `Conformément à l'article L441-10 II du Code de commerce, des pénalités de retard sont dues de plein droit, sans qu'un rappel soit nécessaire, ` +
      `à compter du jour suivant la date d'échéance de chaque facture. Elles sont calculées en intérêts simples sur le montant restant dû, ` +
      `au ${p.rateBasis}, ${p.dayCount}, jusqu'au ${p.asOf}. Taux appliqués : ${p.rates}.` +
      (p.indemnity
        ? ` Une indemnité forfaitaire pour frais de recouvrement de ${p.indemnity} est en outre due pour chaque facture payée en retard ` +
          `(articles L441-10 II et D441-5 du Code de commerce).`
        : ''),
    // C. civ. 1231-6 and 1344-1 (reference §3): against a consumer, legal-rate interest from
    // the formal notice only, no L441-10 penalties and no fixed indemnity.
    basisConsumer: (p) =>
      `Conformément aux articles 1231-6 et 1344-1 du Code civil, la présente mise en demeure fait courir, à compter de sa réception, ` +
      `les intérêts au taux légal sur la somme de ${p.principal}.` +
      (p.interest
        ? ` Les intérêts au taux légal déjà courus depuis notre précédente mise en demeure s'élèvent à ${p.interest} au ${p.asOf}.`
        : ''),
    // C. civ. 1343-1: "le paiement partiel s'impute d'abord sur les intérêts".
    imputedFirst: (p) =>
      `Conformément à l'article 1343-1 du Code civil, vos paiements partiels ont été imputés d'abord sur ${p.b2b ? 'les pénalités de retard' : 'les intérêts'} ` +
      `échus à leur date, soit ${p.amount} (${p.invoices}) : le principal restant dû ci-dessus en tient compte.`,
    rateBasis: (kind) => {
      switch (kind) {
        case 'l441-10-default':
          return 'taux de refinancement de la Banque centrale européenne majoré de 10 points';
        case 'contractual':
          return 'taux prévu par nos conditions générales de vente';
        case 'contractual-floor':
          return "taux minimal de trois fois le taux de l'intérêt légal prévu par ce même article, notre taux contractuel lui étant inférieur";
        case 'legal-rate-other':
        case 'legal-rate-individual-creditor':
          return "taux de l'intérêt légal";
      }
    },
    rateBasisContractualWithFloor:
      "taux prévu par nos conditions générales de vente, porté à trois fois le taux de l'intérêt légal pour les semestres où il lui était inférieur",
    dayCount: (d) =>
      d === 'actual/365' ? 'sur la base de 365 jours par an' : "sur la base du nombre réel de jours de l'année",
    semester: (s) => {
      const [year, half] = s.split('-H');
      return `${half === '1' ? '1er' : '2e'} semestre ${year}`;
    },
    demand: (p) =>
      `En conséquence, nous vous mettons en demeure de nous régler la somme totale de ${p.total} ` +
      `dans un délai de ${p.deadlineDays} ${plural(p.deadlineDays, 'jour', 'jours')} à compter de la réception de la présente.`,
    stillRunningB2b: "Les pénalités de retard continuent de courir jusqu'au complet paiement.",
    // Reference §5-§6: the injonction de payer (CPC 1405 ff.) is the usual next step and is
    // exempt from the prior amicable attempt of CPC 750-1.
    consequencesB2b:
      'À défaut de règlement intégral dans ce délai, nous engagerons sans autre avis une procédure judiciaire de recouvrement à votre encontre, ' +
      "notamment par voie d'injonction de payer (articles 1405 et suivants du Code de procédure civile), dont les frais et dépens seront sollicités à votre charge, " +
      "ainsi qu'une indemnisation complémentaire des frais de recouvrement exposés, sur justification (article L441-10 II du Code de commerce).",
    // Reference §3: recovery costs without an enforceable title stay with the creditor
    // (CPCE L111-8 al. 2), and the DGCCRF pursues letters that threaten a consumer with costs:
    // the consumer notice names the procedure and claims no costs.
    consequencesConsumer:
      'À défaut de règlement dans ce délai, nous pourrons engager une procédure judiciaire de recouvrement, ' +
      "notamment par voie d'injonction de payer (articles 1405 et suivants du Code de procédure civile), afin d'obtenir un titre exécutoire.",
    disputeInvite:
      'Si vous estimez ne pas être redevable de tout ou partie de ces sommes, nous vous remercions de nous en faire part par écrit dans le même délai, en précisant vos motifs.',
    // C. civ. 1344 (reference §5): an "acte portant interpellation suffisante" puts the debtor on notice.
    formalEffect: "La présente lettre vaut mise en demeure au sens de l'article 1344 du Code civil.",
    page: (p) => `Page ${p.index}/${p.count}`,
  },
  ledger: LEDGER,
};
