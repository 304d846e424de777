import type { LawFirmConfig } from '../config/lawfirm.schema';
import type { ProcedureState } from '../connector/model/procedure-event.schema';
import type { EmailChannel } from '../connector/ports/email';
import type { LawFirmPartner, WebhookVerifier } from '../connector/ports/lawfirm';
import type { PostalProvider } from '../connector/ports/postal';
import type { SmsProvider } from '../connector/ports/sms';
import { registryEntry, type AdapterRegistry } from '../connector/ports/erp';
import type { Clock } from '../connector/time/clock';
import { createSmtpEmailChannel, type EmailChannelConfig } from './email';
import { HttpLawFirmPartner, webhookSecrets } from './lawfirm';
import { FileDropPartner } from './lawfirm/file-drop';
import { httpWebhookVerifier } from './lawfirm/webhook-verifier';
import { procedureStateOf } from '../mappings/lawfirm/status-words';
import { odooAdapter } from './odoo';
import { HttpPostalProvider, type PostalConfig } from './postal';
import { HttpSmsProvider, type SmsConfig } from './sms';

/**
 * Every adapter the composition root (connector/app/) may wire in, by the name the configuration
 * gives it: ERPs by a connection's `type`, law-firm partners by `lawfirm.transport`, channels by
 * their section under `channels:`. Each implements a port of the core (connector/ports/ and
 * connector/ports/erp.ts). Adding an ERP is a folder in adapters/, a folder in mappings/, and
 * one line here; nothing else in connector/ changes.
 */
export const adapterRegistry: AdapterRegistry = Object.freeze({
  odoo: registryEntry(odooAdapter),
});

/** A law firm over one transport: the partner, and how its pushed events are checked (none when it pushes nothing). */
export interface LawFirmTransport {
  partner: LawFirmPartner;
  webhook?: WebhookVerifier;
  /** The procedure state each of the firm's words stands for. */
  stateOf: (type: string) => ProcedureState;
}

export const lawFirmTransports: Readonly<
  Record<LawFirmConfig['transport'], (config: LawFirmConfig, deps: { clock: Clock }) => LawFirmTransport>
> = Object.freeze({
  // The schema (config/lawfirm.schema.ts) requires `api` with transport "api" and `fileDrop` with "file-drop".
  api: (config: LawFirmConfig) => ({
    partner: new HttpLawFirmPartner({ config: config.api! }),
    stateOf: procedureStateOf,
    webhook: httpWebhookVerifier({
      secrets: webhookSecrets(config.api!),
      toleranceSeconds: config.api!.toleranceSeconds,
    }),
  }),
  'file-drop': (config: LawFirmConfig, deps: { clock: Clock }) => ({
    partner: new FileDropPartner({
      outbound: config.fileDrop!.outbound,
      inbound: config.fileDrop!.inbound,
      clock: deps.clock,
    }),
    stateOf: procedureStateOf,
  }),
});

/** The channels, by their section under `channels:`. */
export const channelAdapters = Object.freeze({
  email: (config: EmailChannelConfig): EmailChannel => createSmtpEmailChannel(config),
  sms: (config: SmsConfig, deps: { clock: Clock }): SmsProvider => new HttpSmsProvider({ config, clock: deps.clock }),
  postal: (config: PostalConfig): PostalProvider => new HttpPostalProvider({ config }),
});
