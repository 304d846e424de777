import type { Config } from '../../../config/config.schema';
import type { ProcedureData } from '../../dossier/procedure-data';
import type { PostalAddress, PostalProvider } from '../../ports/postal';
import { frenchNumberToE164, isE164, isFrenchMobile } from '../../model/phone-number';
import type { SmsProvider } from '../../ports/sms';
import { channelAdapters } from '../../../adapters/registry';
import { composeEmail } from '../../channels/email/compose';
import type { EmailChannel } from '../../ports/email';
import type { LegalData } from '../../claim/legal-data';
import { isTemplateName, reminderLetter, renderFormalNoticePdf, renderLetter, reminderSms } from '../../documents';
import type { Logger } from '../../log/logger';
import type { ActionKind } from '../../model/action.schema';
import type { Address, Debtor } from '../../model/debtor.schema';
import type { Performer } from '../../outbox/dispatch';
import { dossierPerformer, type BuiltDossier } from '../../lawfirm/dossier-performer';
import type { LawFirmLink } from '../../lawfirm/link';
import type { Action } from '../../model/action.schema';
import { ledgerPerformer } from '../../outbox/ledger-actions';
import { formalNoticeDocumentId } from '../../dossier/formal-notice';
import type { Store } from '../../store/store';
import { AdapterError } from '../../ports/adapter-error';
import type { ConnectionAdapter } from '../../sync/connections';
import type { Clock } from '../../time/clock';
import { actionContext, formalNoticeInput, NOTHING_LEFT, type ActionContext } from './action-documents';

/**
 * The performer of each action kind, from the configured channels. Failure messages name the
 * debtor by id, never by name: they reach the logs, which carry no personal data. A kind whose channel is not
 * configured has no performer: its rows wait in the outbox (and the log says so once).
 */

export interface PerformerDeps {
  config: Config;
  store: Store;
  clock: Clock;
  logger: Logger;
  legal: LegalData;
  /** The procedures' data: the ledger note of a title states the deadlines that follow it. */
  procedures?: ProcedureData;
  connections: ReadonlyMap<string, ConnectionAdapter>;
  /** The law-firm partner and how a dossier is built: `dossier` rows are performed through them. */
  lawfirm?: { link: LawFirmLink; build: (action: Action) => Promise<BuiltDossier> };
  /** Tests and the demo may pass their own providers. */
  email?: EmailChannel;
  sms?: SmsProvider;
  postal?: PostalProvider;
}

export interface Performers {
  performers: Partial<Record<ActionKind, Performer>>;
  /** The providers the tracking job asks what became of what they accepted. */
  providers: { sms?: SmsProvider; postal?: PostalProvider };
  close(): Promise<void>;
}

export function buildPerformers(deps: PerformerDeps): Performers {
  const { config, store, legal } = deps;
  const adapters = new Map([...deps.connections].map(([id, c]) => [id, c.adapter]));
  const ledger = ledgerPerformer({
    store,
    adapters,
    locale: config.company.locale,
    ...(deps.procedures ? { afterTitle: { procedures: deps.procedures, timeZone: config.company.timezone } } : {}),
  });
  const performers: Partial<Record<ActionKind, Performer>> = {
    ledger_note: ledger,
    ledger_activity: ledger,
    phone_task: ledger,
  };
  const email = deps.email ?? (config.channels.email ? channelAdapters.email(config.channels.email) : undefined);
  const sms =
    deps.sms ?? (config.channels.sms ? channelAdapters.sms(config.channels.sms, { clock: deps.clock }) : undefined);
  const postal = deps.postal ?? (config.channels.postal ? channelAdapters.postal(config.channels.postal) : undefined);

  /** Reads the action's context; a row whose items were all settled since is done without sending. */
  const withContext =
    (perform: (ctx: ActionContext) => Promise<{ summary: string; data?: Record<string, unknown> }>): Performer =>
    async (action) => {
      const ctx = await actionContext(store, config, legal, action);
      return ctx === NOTHING_LEFT ? { summary: NOTHING_LEFT } : perform(ctx);
    };

  /**
   * The formal notice this row sends, kept as a case document before it first goes out: the dossier
   * carries the letter as sent, and a retry sends the same bytes, not a letter rendered again.
   */
  const keptNotice = async (action: Action, render: () => Promise<Buffer>) => {
    const id = formalNoticeDocumentId(action.id);
    const earlier = await store.getDocument(id);
    if (earlier) return earlier;
    return store.keepDocument({
      id,
      caseId: action.caseId,
      actionId: action.id,
      kind: 'formal_notice',
      mediaType: 'application/pdf',
      content: await render(),
      provenAt: null,
      createdAt: deps.clock.now().toISOString(),
    });
  };

  if (email) {
    performers.email = withContext(async (ctx) => {
      const { action } = ctx;
      const template = action.template ?? 'reminder-1';
      const notice =
        template === 'formal-notice'
          ? formalNoticeInput(ctx, config, legal, ['registered_letter', 'email'])
          : undefined;
      const pdf = notice ? await keptNotice(action, () => renderFormalNoticePdf(notice)) : undefined;
      const message = composeEmail(template, notice ?? ctx.input, pdf?.content);
      const sent = await email.send({ ...message, idempotencyKey: action.idempotencyKey });
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
  }
  if (sms) {
    const senderId = config.channels.sms?.senderId ?? 'Recouvra';
    performers.sms = withContext(async (ctx) => {
      const { action } = ctx;
      const to = smsRecipient(ctx.debtor);
      if (!to)
        throw new AdapterError({
          code: 'SMS_NO_NUMBER',
          kind: 'system',
          userMessage: `debtor ${ctx.debtor.id} has no French mobile number in the ledger`,
        });
      const sent = await sms.send({
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
  }
  if (postal) {
    const letter = (kind: 'letter' | 'registered_letter'): Performer =>
      withContext(async (ctx) => {
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
          const notice = await keptNotice(action, () =>
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
    performers.letter = letter('letter');
    performers.registered_letter = letter('registered_letter');
  }
  if (deps.lawfirm)
    performers.dossier = dossierPerformer({
      store,
      clock: deps.clock,
      link: deps.lawfirm.link,
      build: deps.lawfirm.build,
    });
  return {
    performers,
    providers: { ...(sms ? { sms } : {}), ...(postal ? { postal } : {}) },
    close: async () => email?.close(),
  };
}

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
