import type { LawFirmConfig } from '../config/lawfirm.schema';
import type { ProcedureState } from '../connector/model/procedure-event.schema';
import type { EmailChannel } from '../connector/ports/email';
import { registryEntry, type AdapterRegistry } from '../connector/ports/erp';
import type { LawFirmPartner, WebhookVerifier } from '../connector/ports/lawfirm';
import type { PostalProvider } from '../connector/ports/postal';
import type { SmsProvider } from '../connector/ports/sms';
import type { Clock } from '../connector/time/clock';
import { procedureStateOf } from '../mappings/lawfirm/status-words';
import type { EmailChannelConfig } from './email/config.schema';
import { ODOO_WRITE_BACK, OdooConnectionSchema, type OdooConnection } from './odoo/config.schema';
import type { PostalConfig } from './postal/config.schema';
import {
  QuickBooksConnectionSchema,
  quickBooksReconnectCommand,
  quickBooksWriteBack,
  type QuickBooksConnection,
} from './quickbooks/config.schema';
import {
  SageActiveConnectionSchema,
  sageActiveReconnectCommand,
  sageActiveWriteBack,
  type SageActiveConnection,
} from './sage-active/config.schema';
import type { SmsConfig } from './sms/config.schema';
import { SAGE_100_WRITE_BACK, Sage100ConnectionSchema, type Sage100Connection } from './sage-100-fr/config.schema';

/*
 * Each adapter's code (its clients, wire formats and libraries: nodemailer, axios, xml2js…) is
 * loaded when the adapter is first created: checking a configuration needs only the schemas, and
 * the commands that only read the store start without any of it.
 */
const odoo = () => (module.require('./odoo') as typeof import('./odoo')).odooAdapter;
const quickbooks = () => (module.require('./quickbooks') as typeof import('./quickbooks')).quickBooksAdapter;
const sageActive = () => (module.require('./sage-active') as typeof import('./sage-active')).sageActiveAdapter;
const sage100 = () => (module.require('./sage-100-fr') as typeof import('./sage-100-fr')).sage100Adapter;
const lawfirm = () => module.require('./lawfirm') as typeof import('./lawfirm');
const fileDrop = () => module.require('./lawfirm/file-drop') as typeof import('./lawfirm/file-drop');
const webhookVerifier = () =>
  module.require('./lawfirm/webhook-verifier') as typeof import('./lawfirm/webhook-verifier');
const email = () => module.require('./email') as typeof import('./email');
const sms = () => module.require('./sms/http-client') as typeof import('./sms/http-client');
const postal = () => module.require('./postal/http-client') as typeof import('./postal/http-client');

/**
 * Every adapter the composition root (connector/app/) may wire in, by the name the configuration
 * gives it: ERPs by a connection's `type`, law-firm partners by `lawfirm.transport`, channels by
 * their section under `channels:`. Each implements a port of the core (connector/ports/). Adding
 * an ERP is a folder in adapters/, a folder in mappings/, and one entry here; nothing else in
 * connector/ changes.
 */
export const adapterRegistry: AdapterRegistry = Object.freeze({
  odoo: registryEntry<OdooConnection>({
    type: 'odoo',
    displayName: 'Odoo (16.0–19.0, XML-RPC or JSON-2)',
    configSchema: OdooConnectionSchema,
    writeBackKinds: () => ODOO_WRITE_BACK,
    create: (config, deps) => odoo().create(config, deps),
  }),
  quickbooks: registryEntry<QuickBooksConnection>({
    type: 'quickbooks',
    displayName: 'QuickBooks Online',
    configSchema: QuickBooksConnectionSchema,
    writeBackKinds: (config) => quickBooksWriteBack(config),
    create: (config, deps) => quickbooks().create(config, deps),
    monthlyReadAllowance: (config) => config.monthlyReadAllowance,
    authorization: { reconnectCommand: quickBooksReconnectCommand },
  }),
  'sage-active': registryEntry<SageActiveConnection>({
    type: 'sage-active',
    displayName: 'Sage Active',
    configSchema: SageActiveConnectionSchema,
    writeBackKinds: (config) => sageActiveWriteBack(config),
    create: (config, deps) => sageActive().create(config, deps),
    authorization: { reconnectCommand: sageActiveReconnectCommand },
  }),

  'sage-100-fr': registryEntry<Sage100Connection>({
    type: 'sage-100-fr',
    displayName: 'Sage 100 France (read only)',
    configSchema: Sage100ConnectionSchema,
    writeBackKinds: () => SAGE_100_WRITE_BACK,
    create: (config, deps) => sage100().create(config, deps),
  }),
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
    partner: new (lawfirm().HttpLawFirmPartner)({ config: config.api! }),
    stateOf: procedureStateOf,
    webhook: webhookVerifier().httpWebhookVerifier({
      secrets: lawfirm().webhookSecrets(config.api!),
      toleranceSeconds: config.api!.toleranceSeconds,
    }),
  }),
  'file-drop': (config: LawFirmConfig, deps: { clock: Clock }) => ({
    partner: new (fileDrop().FileDropPartner)({
      outbound: config.fileDrop!.outbound,
      inbound: config.fileDrop!.inbound,
      clock: deps.clock,
    }),
    stateOf: procedureStateOf,
  }),
});

/** The channels, by their section under `channels:`. */
export const channelAdapters = Object.freeze({
  email: (config: EmailChannelConfig): EmailChannel => email().createSmtpEmailChannel(config),
  sms: (config: SmsConfig, deps: { clock: Clock }): SmsProvider =>
    new (sms().HttpSmsProvider)({ config, clock: deps.clock }),
  postal: (config: PostalConfig): PostalProvider => new (postal().HttpPostalProvider)({ config }),
});
