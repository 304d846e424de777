import { AdapterError } from '../../connector/ports/adapter-error';
import type {
  AdapterDefinition,
  AdapterDeps,
  CheckResult,
  ErpAdapter,
  ReadPosition,
  StreamName,
} from '../../connector/ports/erp';
import { QboClient, type QboMeter } from './client';
import { QuickBooksConnectionSchema, quickBooksWriteBack, type QuickBooksConnection } from './config.schema';
import { invoicePdf } from './invoice-pdf';
import type { RealmLimiter } from './limiter';
import { QboReader } from './reader';
import { writeBack } from './writer';

/**
 * The QuickBooks Online adapter (Accounting API v3, one company per connection): reads customers,
 * invoices and credit memos, and payments by query or change data capture (reader.ts,
 * sync-plan.ts), and writes the recovery status into each invoice's private note, or a custom
 * field the configuration names (writer.ts). Invoice PDFs for the law firm's dossier are
 * rendered by QuickBooks on request (invoice-pdf.ts).
 */

/** The adapter, with the client's count of calls (Intuit meters reads: erp-apis.md §2.9). */
export interface QuickBooksAdapter extends ErpAdapter {
  readonly meter: QboMeter;
}

export interface QuickBooksAdapterOptions {
  /** The company's limiter; by default the process's one for this company (limiter.ts). */
  limiter?: RealmLimiter;
}

export function createQuickBooksAdapter(
  config: QuickBooksConnection,
  deps: AdapterDeps,
  options: QuickBooksAdapterOptions = {},
): QuickBooksAdapter {
  const client = new QboClient({
    config,
    // The client's clock times tokens only: Intuit's one-hour access token is a real hour.
    clock: deps.wallClock ?? deps.clock,
    credentials: deps.credentials,
    ...(options.limiter ? { limiter: options.limiter } : {}),
    // Shared by every worker when the queue runs on Redis (AdapterDeps.limiters).
    ...(deps.limiters ? { limiters: deps.limiters } : {}),
  });
  const reader = new QboReader(client, config, deps.clock);
  return {
    writeBackKinds: quickBooksWriteBack(config),
    meter: client.meter,
    usage: () => ({ reads: client.meter.reads, writes: client.meter.writes, throttled: client.meter.throttled }),
    check: () => check(reader, config),
    // Customers first: a page of invoices then rarely needs to read its debtors.
    streams: (): StreamName[] => ['debtors', 'receivables', 'payments'],
    read: (stream: StreamName, position: ReadPosition) => reader.read(stream, position),
    estimate: (stream: StreamName, position: ReadPosition) => reader.count(stream, position),
    listOpenReceivableIds: (onProgress) => reader.openReceivableIds(onProgress),
    readByIds: (ids) => reader.receivablesByIds(ids),
    writeBack: (request) => writeBack({ client, config, context: reader.baseContext(), clock: deps.clock }, request),
    invoicePdf: (receivableId) =>
      invoicePdf({ client, context: reader.baseContext(), logger: deps.logger }, receivableId),
    close: async () => undefined,
  };
}

/**
 * The company is reachable with the stored tokens: CompanyInfo answers, and says the company's
 * name and home currency (every amount without a currency is in it).
 */
async function check(reader: QboReader, config: QuickBooksConnection): Promise<CheckResult> {
  let info;
  try {
    info = await reader.companyInfo();
  } catch (e) {
    return { ok: false, capabilities: {}, problems: [problemOf(e, config)] };
  }
  const company = info.name === undefined ? `company ${config.realmId}` : `"${info.name}" (${config.realmId})`;
  return {
    ok: true,
    serverVersion: `QuickBooks Online Accounting API v3, minorversion ${config.minorVersion}: ${company}${info.homeCurrency ? `, home currency ${info.homeCurrency}` : ''}`,
    capabilities: {
      multiCurrency: info.multiCurrency === true,
      homeCurrencyKnown: info.homeCurrency !== undefined,
      recoveryStageField: config.customFields.recoveryStage !== undefined,
    },
    problems: [],
  };
}

// Not connected yet (QBO_NOT_CONNECTED, QBO_NO_CREDENTIAL_STORE): their own message says what to run.
const CREDENTIAL_CODES = new Set(['QBO_RECONNECT', 'QBO_TOKEN_REFUSED', 'QBO_CREDENTIALS_UNREADABLE']);

function problemOf(e: unknown, config: QuickBooksConnection): string {
  if (!(e instanceof AdapterError)) throw e;
  if (CREDENTIAL_CODES.has(e.code))
    return `${e.code}: the stored credentials of connection ${config.id} do not open company ${config.realmId}: ${e.userMessage}`;
  return `${e.code}: ${e.userMessage}`;
}

export const quickBooksAdapter: AdapterDefinition<QuickBooksConnection> = {
  type: 'quickbooks',
  displayName: 'QuickBooks Online',
  configSchema: QuickBooksConnectionSchema,
  writeBackKinds: (config) => quickBooksWriteBack(config),
  create: (config, deps) => createQuickBooksAdapter(config, deps),
  monthlyReadAllowance: (config) => config.monthlyReadAllowance,
};
