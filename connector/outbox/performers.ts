import type { Config } from '../../config/config.schema';
import type { LegalData } from '../claim/legal-data';
import { composeEmail } from '../channels/email/compose';
import { isTemplateName, reminderLetter, renderFormalNoticePdf, renderLetter, reminderSms } from '../documents';
import { formalNoticeDocumentId } from '../dossier/formal-notice';
import type { ProcedureData } from '../dossier/procedure-data';
import { dossierPerformer, type BuiltDossier } from '../lawfirm/dossier-performer';
import type { LawFirmLink } from '../lawfirm/link';
import type { Action, ActionKind } from '../model/action.schema';
import type { Address, Debtor } from '../model/debtor.schema';
import { frenchNumberToE164, isE164, isFrenchMobile } from '../model/phone-number';
import { AdapterError } from '../ports/adapter-error';
import type { EmailChannel } from '../ports/email';
import type { ErpAdapter } from '../ports/erp';
import type { PostalAddress, PostalProvider } from '../ports/postal';
import type { SmsProvider } from '../ports/sms';
import type { NextStep } from '../policy/next-step';
import type { Store } from '../store/store';
import type { Clock } from '../time/clock';
import { actionContext, formalNoticeInput, NOTHING_LEFT, type ActionContext } from './action-documents';
import type { Performer } from './dispatch';
import { ledgerPerformer } from './ledger-actions';

/**
 * Every performer of the outbox, registered by the kind of row it performs. A factory is given
 * the ports the composition root (connector/app/daemon/performers.ts) chose and returns no
 * performer when its channel is not configured: rows of that kind then wait in the outbox (and
 * the log says so once). Failure messages name the debtor by id, never by name: they reach the
 * logs, which carry no personal data.
 */

export interface PerformerPorts {
  config: Config;
  store: Store;
  clock: Clock;
  legal: LegalData;
  /** The procedures' data: the ledger note of a title states the deadlines that follow it. */
  procedures?: ProcedureData;
  /** The ERP adapter of each configured connection, by connection id: the ledger rows are written through them. */
  ledgers: ReadonlyMap<string, ErpAdapter>;
  email?: EmailChannel;
  sms?: SmsProvider;
  postal?: PostalProvider;
  /** The law-firm partner and how a dossier is built: `dossier` rows are performed through them. */
  lawfirm?: { link: LawFirmLink; build: (action: Action) => Promise<BuiltDossier> };
  /** What the ladder does next on a case: a stage note gives the ledger its date as the next deadline. */
  nextStep?: (caseId: string) => Promise<NextStep | undefined>;
}

export type PerformerFactory = (ports: PerformerPorts) => Performer | undefined;

/** The performers these ports give, by kind. */
export function performersFor(ports: PerformerPorts): Partial<Record<ActionKind, Performer>> {
  const performers: Partial<Record<ActionKind, Performer>> = {};
  for (const kind of Object.keys(PERFORMERS) as ActionKind[]) {
    const performer = PERFORMERS[kind](ports);
    if (performer) performers[kind] = performer;
  }
  return performers;
}

/** The ledger's performer: notes, activities and phone tasks (an activity in the ledger) share it. */
const ledger: PerformerFactory = (ports) =>
  ledgerPerformer({
    store: ports.store,
    adapters: ports.ledgers,
    locale: ports.config.company.locale,
    ...(ports.nextStep ? { nextStep: ports.nextStep } : {}),
    ...(ports.procedures
      ? { afterTitle: { procedures: ports.procedures, timeZone: ports.config.company.timezone } }
      : {}),
  });

/** Reads the action's context; a row whose items were all settled since is done without sending. */
const withContext =
  (ports: PerformerPorts, perform: (ctx: ActionContext) => Promise<Awaited<ReturnType<Performer>>>): Performer =>
  async (action) => {
    const ctx = await actionContext(ports.store, ports.config, ports.legal, action);
    return ctx === NOTHING_LEFT ? { summary: NOTHING_LEFT } : perform(ctx);
  };

/**
 * The formal notice this row sends, kept as a case document before it first goes out: the dossier
 * carries the letter as sent, and a retry sends the same bytes, not a letter rendered again.
 */
async function keptNotice(ports: PerformerPorts, action: Action, render: () => Promise<Buffer>) {
  const id = formalNoticeDocumentId(action.id);
  const earlier = await ports.store.deliveries.getDocument(id);
  if (earlier) return earlier;
  return ports.store.deliveries.keepDocument({
    id,
    caseId: action.caseId,
    actionId: action.id,
    kind: 'formal_notice',
    mediaType: 'application/pdf',
    content: await render(),
    provenAt: null,
    createdAt: ports.clock.now().toISOString(),
  });
}

const email: PerformerFactory = (ports) => {
  const channel = ports.email;
  if (!channel) return undefined;
  const { config, legal } = ports;
  return withContext(ports, async (ctx) => {
    const { action } = ctx;
    const template = action.template ?? 'reminder-1';
    const notice =
      template === 'formal-notice' ? formalNoticeInput(ctx, config, legal, ['registered_letter', 'email']) : undefined;
    const pdf = notice ? await keptNotice(ports, action, () => renderFormalNoticePdf(notice)) : undefined;
    const message = composeEmail(template, notice ?? ctx.input, pdf?.content);
    const sent = await channel.send({ ...message, idempotencyKey: action.idempotencyKey });
    return {
      summary: `e-mail "${message.subject}" sent to ${sent.accepted.length} recipient(s)${pdf ? ' with the formal notice attached' : ''}`,
      data: {
        messageId: sent.messageId,
        accepted: sent.accepted.length,
        rejected: sent.rejected.length,
        template,
        ...(pdf ? { documentId: pdf.id, sha256: pdf.sha256 } : {}),
      },
    };
  });
};

const sms: PerformerFactory = (ports) => {
  const provider = ports.sms;
  if (!provider) return undefined;
  const senderId = ports.config.channels.sms?.senderId ?? 'Recouvra';
  return withContext(ports, async (ctx) => {
    const { action } = ctx;
    const to = smsRecipient(ctx.debtor);
    if (!to)
      throw new AdapterError({
        code: 'SMS_NO_NUMBER',
        kind: 'system',
        userMessage: `debtor ${ctx.debtor.id} has no French mobile number in the ledger`,
      });
    const sent = await provider.send({
      to,
      text: reminderSms(ctx.input),
      senderId,
      idempotencyKey: action.idempotencyKey,
    });
    return {
      summary: `SMS sent (${sent.status})`,
      data: { providerId: sent.providerId },
      delivery: { channel: 'sms', providerId: sent.providerId, status: sent.status },
    };
  });
};

const letter =
  (kind: 'letter' | 'registered_letter'): PerformerFactory =>
  (ports) => {
    const postal = ports.postal;
    if (!postal) return undefined;
    const { config, legal } = ports;
    return withContext(ports, async (ctx) => {
      const { action } = ctx;
      const address = ctx.input.debtor.address;
      if (!address)
        throw new AdapterError({
          code: 'LETTER_NO_ADDRESS',
          kind: 'system',
          userMessage: `debtor ${ctx.debtor.id} has no postal address in the ledger`,
        });
      const template = action.template ?? 'formal-notice';
      let pdf: Buffer;
      let kept: { id: string; sha256: string } | undefined;
      if (template === 'formal-notice') {
        const notice = await keptNotice(ports, action, () =>
          renderFormalNoticePdf(
            formalNoticeInput(
              ctx,
              config,
              legal,
              kind === 'registered_letter' ? ['registered_letter', 'email'] : ['email'],
            ),
          ),
        );
        pdf = notice.content;
        kept = { id: notice.id, sha256: notice.sha256 };
      } else if (isTemplateName(template) && template !== 'formal-notice')
        pdf = await renderLetter(reminderLetter(template, ctx.input));
      else
        throw new AdapterError({
          code: 'LETTER_NO_TEMPLATE',
          kind: 'config',
          userMessage: `no letter for template "${template}" (a policy step sends letters with reminder or formal-notice templates)`,
        });
      const sent = await postal.send({
        kind,
        recipient: postalAddress(ctx.debtor.name, address),
        sender: postalAddress(config.company.name, config.company.address!),
        pdf,
        idempotencyKey: action.idempotencyKey,
      });
      return {
        summary: `${kind === 'registered_letter' ? 'registered letter with acknowledgement of receipt' : 'letter'} (${template}) handed to the postal service${sent.trackingNumber ? `, tracking ${sent.trackingNumber}` : ''}`,
        data: {
          providerId: sent.providerId,
          trackingNumber: sent.trackingNumber ?? null,
          status: sent.status,
          template,
          ...(kept ? { documentId: kept.id, sha256: kept.sha256 } : {}),
        },
        delivery: { channel: kind, providerId: sent.providerId, status: sent.status },
      };
    });
  };

const dossier: PerformerFactory = (ports) =>
  ports.lawfirm
    ? dossierPerformer({ store: ports.store, clock: ports.clock, link: ports.lawfirm.link, build: ports.lawfirm.build })
    : undefined;

/** The performer factory of every kind of row. */
export const PERFORMERS: Readonly<Record<ActionKind, PerformerFactory>> = {
  ledger_note: ledger,
  ledger_activity: ledger,
  phone_task: ledger,
  email,
  sms,
  letter: letter('letter'),
  registered_letter: letter('registered_letter'),
  dossier,
};

/** The debtor's first French mobile number in E.164 form: the only numbers an SMS goes to. */
export function smsRecipient(debtor: Debtor): string | undefined {
  return debtor.phones
    .map((p) => (isE164(p) ? p : frenchNumberToE164(p)))
    .find((p): p is string => typeof p === 'string' && isFrenchMobile(p));
}

function postalAddress(name: string, address: Address): PostalAddress {
  return {
    name,
    addressLines: address.lines,
    postalCode: address.postalCode,
    city: address.city,
    country: address.country,
  };
}
