import type { Config } from '../../config/config.schema';
import type { LegalData } from '../claim/legal-data';
import {
  noticeClaim,
  parseDocumentInput,
  parseFormalNoticeInput,
  type DocumentInput,
  type FormalNoticeInput,
} from '../documents';
import type { Action } from '../model/action.schema';
import type { Debtor } from '../model/debtor.schema';
import { readEvaluation, RecordedEvaluationSchema, type RecordedStep } from '../policy/recorded-evaluation.schema';
import type { Decision, Store } from '../store/store';
import { UnrecoverableJobError } from '../jobs/job-queue';
import { AdapterError } from '../ports/adapter-error';

/**
 * What a message or letter of an outbox row says, read from the store when the row is
 * performed (the row itself carries ids only): the creditor from the configuration, the
 * debtor, the items the decision covered as they are NOW (an invoice paid since is left out),
 * and for a formal notice the claim computed under French law as of the decision's date.
 */

export interface ActionContext {
  action: Action;
  decision: Decision;
  step: RecordedStep;
  debtor: Debtor;
  input: DocumentInput;
}

/** Every item the decision covered was paid, cancelled or disputed since: nothing is sent. */
export const NOTHING_LEFT = 'not sent: every invoice the decision covered has been settled or closed since';

export async function actionContext(
  store: Store,
  config: Config,
  legal: LegalData,
  action: Action,
): Promise<ActionContext | typeof NOTHING_LEFT> {
  const decisionId = action.subject.type === 'decision' ? action.subject.decisionId : null;
  const decision = decisionId === null ? undefined : await store.outbox.getDecisionById(decisionId);
  if (!decision)
    throw new UnrecoverableJobError(`action ${action.id} names decision ${String(decisionId)}, which does not exist`);
  const read = readEvaluation(decision, RecordedEvaluationSchema);
  if (!read.ok) throw new UnrecoverableJobError(`action ${action.id}: ${read.message}`);
  const evaluation = read.evaluation;
  const c = await store.cases.getCase(action.caseId);
  const debtor = c ? await store.sync.getDebtor(c.debtorId) : undefined;
  if (!c || !debtor)
    throw new AdapterError({
      code: 'ACTION_DEBTOR_MISSING',
      kind: 'transient',
      userMessage: `case ${action.caseId}: its debtor is not synced yet`,
    });
  const covered = new Set(evaluation.itemIds ?? []);
  const receivables = (await store.sync.listReceivablesOfCase(c.id)).filter(
    (r) => r.open > 0 && (covered.size === 0 || covered.has(r.id)),
  );
  if (!receivables.some((r) => r.kind === 'invoice')) return NOTHING_LEFT;
  const company = config.company;
  if (!company.address || !company.contact) {
    throw new AdapterError({
      code: 'COMPANY_DETAILS_MISSING',
      kind: 'config',
      userMessage:
        'company.address and company.contact.email must be set in the configuration to send letters and e-mails',
    });
  }
  const address = debtor.addresses.find((a) => a.kind === 'registered_office') ?? debtor.addresses[0];
  const input = parseDocumentInput(
    {
      language: debtor.language,
      date: decision.asOf,
      currency: c.currency,
      caseRef: c.id,
      creditor: {
        name: company.name,
        address: company.address,
        ...(company.siren ? { siren: company.siren } : {}),
        contact: company.contact,
      },
      debtor: {
        name: debtor.name,
        kind: debtor.kind,
        ...(address ? { address } : {}),
        ...(debtor.registration.siren ? { siren: debtor.registration.siren } : {}),
        emails: debtor.emails,
      },
      items: receivables
        .filter((r) => r.kind === 'invoice')
        .map((r) => ({
          id: r.id,
          number: r.number,
          issueDate: r.issueDate,
          dueDate: r.dueDate,
          total: r.total,
          open: r.open,
        })),
      creditNotes: receivables
        .filter((r) => r.kind === 'credit_note')
        .map((r) => ({ id: r.id, number: r.number, issueDate: r.issueDate, open: r.open })),
      ...(company.payment ? { payment: { ...company.payment, reference: c.id } } : {}),
      ...(legal.indemnity.currency === c.currency
        ? { fixedIndemnity: { amount: legal.indemnity.amount, currency: legal.indemnity.currency } }
        : {}),
    },
    `the ${action.kind} of ${action.idempotencyKey}`,
  );
  return { action, decision, step: evaluation.step, debtor, input };
}

/** The formal notice's input: the claim as of the decision's date and the step's deadline. */
export function formalNoticeInput(
  ctx: ActionContext,
  config: Config,
  legal: LegalData,
  sentBy: ('registered_letter' | 'email')[],
): FormalNoticeInput {
  const claim = noticeClaim(ctx.input, legal, { dayCount: config.legal.dayCount, imputation: config.legal.imputation });
  return parseFormalNoticeInput(
    {
      ...ctx.input,
      notice: {
        claim,
        deadlineDays: ctx.step.deadlineDays ?? 8,
        ...(config.company.signatory ? { signatory: config.company.signatory } : {}),
        sentBy,
      },
    },
    `the formal notice of ${ctx.action.idempotencyKey}`,
  );
}
