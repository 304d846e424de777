import type { Config } from '../../../config/config.schema';
import { channelAdapters } from '../../../adapters/registry';
import type { LegalData } from '../../claim/legal-data';
import type { ProcedureData } from '../../dossier/procedure-data';
import type { BuiltDossier } from '../../lawfirm/dossier-performer';
import type { LawFirmLink } from '../../lawfirm/link';
import type { Logger } from '../../log/logger';
import type { Action, ActionKind } from '../../model/action.schema';
import type { Performer } from '../../outbox/dispatch';
import { performersFor } from '../../outbox/performers';
import type { EmailChannel } from '../../ports/email';
import type { PostalProvider } from '../../ports/postal';
import type { SmsProvider } from '../../ports/sms';
import type { NextStep } from '../../policy/next-step';
import type { Store } from '../../store/store';
import type { ConnectionAdapter } from '../../sync/connections';
import type { Clock } from '../../time/clock';

export { smsRecipient } from '../../outbox/performers';

/**
 * The performers of the daemon: the channels' adapters chosen from the configuration (or given
 * by tests and the demo), handed to the outbox's registry of performers by kind
 * (connector/outbox/performers.ts).
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
  /** What the ladder does next on a case: a stage note gives the ledger its date as the next deadline. */
  nextStep?: (caseId: string) => Promise<NextStep | undefined>;
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
  const { config } = deps;
  const email = deps.email ?? (config.channels.email ? channelAdapters.email(config.channels.email) : undefined);
  const sms =
    deps.sms ?? (config.channels.sms ? channelAdapters.sms(config.channels.sms, { clock: deps.clock }) : undefined);
  const postal = deps.postal ?? (config.channels.postal ? channelAdapters.postal(config.channels.postal) : undefined);
  const performers = performersFor({
    config,
    store: deps.store,
    clock: deps.clock,
    legal: deps.legal,
    ...(deps.procedures ? { procedures: deps.procedures } : {}),
    ledgers: new Map([...deps.connections].map(([id, c]) => [id, c.adapter])),
    ...(email ? { email } : {}),
    ...(sms ? { sms } : {}),
    ...(postal ? { postal } : {}),
    ...(deps.lawfirm ? { lawfirm: deps.lawfirm } : {}),
    ...(deps.nextStep ? { nextStep: deps.nextStep } : {}),
  });
  return {
    performers,
    providers: { ...(sms ? { sms } : {}), ...(postal ? { postal } : {}) },
    close: async () => email?.close(),
  };
}
