import { t } from './i18n';

/** Words for the API's codes. An unknown code is shown as it is: a newer daemon may send one this page does not know. */

export function stageLabel(stage: string): string {
  switch (stage) {
    case 'open':
      return t('Not yet dunned');
    case 'reminding':
      return t('Reminders');
    case 'formal_notice':
      return t('Formal notice');
    case 'awaiting_approval':
      return t('Awaiting approval');
    case 'escalated':
      return t('Handed to the law firm');
    case 'in_procedure':
      return t('In procedure');
    case 'closed':
      return t('Closed');
    default:
      return stage;
  }
}

export const STAGES = [
  'open',
  'reminding',
  'formal_notice',
  'awaiting_approval',
  'escalated',
  'in_procedure',
  'closed',
];

/** A policy step's kind (config/policy.schema.ts). */
export function stepKindLabel(kind: string): string {
  switch (kind) {
    case 'reminder':
      return t('Reminder');
    case 'formal_notice':
      return t('Formal notice');
    case 'escalation':
      return t('Hand-off to the law firm');
    default:
      return kind;
  }
}

/** The funnel's steps (connector/kpis/recovery.ts `FunnelStep`). */
export function funnelStepLabel(step: string): string {
  switch (step) {
    case 'reminded':
      return t('First reminder sent');
    case 'formal_notice':
      return t('Formal notice');
    case 'law_firm':
      return t('Handed to the law firm');
    case 'recovered':
      return t('Recovered');
    default:
      return step;
  }
}

/** Who recovered the money (connector/kpis/recovery.ts `RecoveryChannel`). */
export function channelLabel(channel: string): string {
  switch (channel) {
    case 'before_dunning':
      return t('Before any reminder');
    case 'reminders':
      return t('By reminders');
    case 'formal_notice':
      return t('By the formal notice');
    case 'law_firm':
      return t('By the law firm');
    case 'after_closing':
      return t('After the case was closed');
    default:
      return channel;
  }
}

export function bucketLabel(bucket: string): string {
  switch (bucket) {
    case 'not_due':
      return t('Not due');
    case '1_30':
      return t('1–30 days');
    case '31_60':
      return t('31–60 days');
    case '61_90':
      return t('61–90 days');
    case 'over_90':
      return t('Over 90 days');
    default:
      return bucket;
  }
}

export function riskLabel(level: string): string {
  switch (level) {
    case 'low':
      return t('Low');
    case 'medium':
      return t('Medium');
    case 'high':
      return t('High');
    case 'critical':
      return t('Critical');
    default:
      return level;
  }
}

export function journalTypeLabel(type: string): string {
  switch (type) {
    case 'case_opened':
      return t('Case opened');
    case 'decision':
      return t('Decision');
    case 'approval_requested':
      return t('Approval requested');
    case 'approved':
      return t('Approved');
    case 'rejected':
      return t('Rejected');
    case 'action_performed':
      return t('Action performed');
    case 'action_failed':
      return t('Action failed');
    case 'delivery_status':
      return t('Delivery status');
    case 'proof_received':
      return t('Proof received');
    case 'paused':
      return t('Paused');
    case 'resumed':
      return t('Resumed');
    case 'item_disputed':
      return t('Item disputed');
    case 'item_excluded':
      return t('Item excluded');
    case 'promise_to_pay':
      return t('Promise to pay');
    case 'recovery_cost':
      return t('Recovery cost');
    case 'payment_received':
      return t('Payment received');
    case 'dossier_prepared':
      return t('Dossier prepared');
    case 'dossier_submitted':
      return t('Dossier submitted');
    case 'dossier_refused':
      return t('Dossier refused');
    case 'procedure_event':
      return t('Procedure event');
    case 'note':
      return t('Note');
    case 'case_closed':
      return t('Case closed');
    default:
      return type;
  }
}

export function procedureStateLabel(state: string): string {
  switch (state) {
    case 'submitted':
      return t('Submitted');
    case 'accepted':
      return t('Accepted by the firm');
    case 'rejected':
      return t('Refused by the firm');
    case 'amicable_phase':
      return t('Amicable phase');
    case 'filed':
      return t('Filed with the court');
    case 'order_issued':
      return t('Order issued');
    case 'served':
      return t('Served');
    case 'opposition':
      return t('Opposition');
    case 'hearing':
      return t('Hearing');
    case 'judgment':
      return t('Judgment');
    case 'enforceable_title':
      return t('Enforceable title');
    case 'enforcement':
      return t('Enforcement');
    case 'partial_recovery':
      return t('Partly recovered');
    case 'recovered':
      return t('Recovered');
    case 'irrecoverable':
      return t('Irrecoverable');
    case 'insolvency_declared':
      return t('Insolvency declared');
    case 'withdrawn':
      return t('Withdrawn');
    case 'closed':
      return t('Closed');
    case 'indeterminate':
      return t('Unknown state: check with the firm');
    default:
      return state;
  }
}

export function procedureLabel(kind: string): string {
  switch (kind) {
    case 'injonction_de_payer':
      return t('Order for payment (injonction de payer)');
    case 'refere_provision':
      return t('Summary proceedings for an interim payment (référé provision)');
    case 'assignation_au_fond':
      return t('Action on the merits (assignation au fond)');
    case 'saisie_conservatoire':
      return t('Conservatory seizure (saisie conservatoire)');
    case 'execution_forcee':
      return t('Enforcement (exécution forcée)');
    case 'petites_creances':
      return t('Small claims procedure (petites créances)');
    case 'declaration_de_creance':
      return t('Proof of claim in insolvency (déclaration de créance)');
    default:
      return kind;
  }
}

export function courtLabel(kind: string): string {
  switch (kind) {
    case 'tribunal_de_commerce':
      return t('Commercial court (tribunal de commerce)');
    case 'tribunal_des_activites_economiques':
      return t('Economic activities court (tribunal des activités économiques)');
    case 'tribunal_judiciaire':
      return t('Civil court (tribunal judiciaire)');
    case 'juge_des_contentieux_de_la_protection':
      return t('Consumer protection judge (juge des contentieux de la protection)');
    case 'juge_de_l_execution':
      return t('Enforcement judge (juge de l’exécution)');
    case 'commissaire_de_justice':
      return t('Judicial officer (commissaire de justice)');
    case 'mandataire_judiciaire':
      return t('Creditors’ representative (mandataire judiciaire)');
    default:
      return kind;
  }
}

export function connectionStateLabel(state: string | null): string {
  switch (state) {
    case null:
      return t('Access in the configuration');
    case 'ok':
      return t('Connected');
    case 'expiring':
      return t('Authorization ending soon');
    case 'reconnect':
      return t('Reconnect this company');
    case 'unreadable':
      return t('Stored authorization unreadable');
    default:
      return state;
  }
}

export function gateConditionLabel(id: string): string {
  switch (id) {
    case 'formal_notice_expired':
      return t('The formal notice has expired');
    case 'unanswered':
      return t('The debtor has not answered');
    case 'liquid_and_due':
      return t('The claim is liquid and due');
    case 'not_disputed':
      return t('Not disputed');
    case 'not_prescribed':
      return t('Not time-barred');
    case 'not_insolvent':
      return t('The debtor is not in insolvency proceedings');
    case 'worth_the_cost':
      return t('Worth the cost of a procedure');
    default:
      return id;
  }
}
