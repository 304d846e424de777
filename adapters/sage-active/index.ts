import { AdapterError } from '../../connector/ports/adapter-error';
import type {
  AdapterDefinition,
  AdapterDeps,
  CheckResult,
  ErpAdapter,
  ReadPosition,
  StreamName,
} from '../../connector/ports/erp';
import type { RequestLimiter } from '../../connector/ports/request-limiter';
import { SageActiveClient } from './client';
import {
  graphqlUrlOf,
  SageActiveConnectionSchema,
  sageActiveWriteBack,
  type SageActiveConnection,
} from './config.schema';
import { SAGE_ACTIVE_CURRENCY, SageActiveReader } from './reader';
import { writeBack } from './writer';

/**
 * The Sage Active adapter (GraphQL, one organisation per connection: sage.md §2): reads customers
 * and receivables — sales invoices and credit notes, or the customer lines of accounting entries
 * for an organisation that keeps only its books — incrementally, sweeps the open set at every full
 * reconciliation because Sage keeps no deletion feed (reader.ts, sync-plan.ts), and writes the
 * recovery status as notes (writer.ts).
 */

/** The adapter, with the client's count of calls. */
export interface SageActiveAdapter extends ErpAdapter {
  readonly meter: SageActiveClient['meter'];
}

export interface SageActiveAdapterOptions {
  /** The app's limiter; by default the one of AdapterDeps.limiters, else this process's (limiter.ts). */
  limiter?: RequestLimiter;
}

export function createSageActiveAdapter(
  config: SageActiveConnection,
  deps: AdapterDeps,
  options: SageActiveAdapterOptions = {},
): SageActiveAdapter {
  const client = new SageActiveClient({
    config,
    // The client's clock times tokens only: an access token lasts real hours (§2.1).
    clock: deps.wallClock ?? deps.clock,
    credentials: deps.credentials,
    ...(options.limiter ? { limiter: options.limiter } : {}),
    ...(deps.limiters ? { limiters: deps.limiters } : {}),
  });
  const reader = new SageActiveReader(client, config);
  return {
    writeBackKinds: sageActiveWriteBack(config),
    meter: client.meter,
    usage: () => ({ reads: client.meter.reads, writes: client.meter.writes, throttled: client.meter.throttled }),
    check: () => check(reader, config),
    streams: (): StreamName[] => reader.streams(),
    read: (stream: StreamName, position: ReadPosition) => reader.read(stream, position),
    estimate: (stream: StreamName, position: ReadPosition) => reader.count(stream, position),
    listOpenReceivableIds: (onProgress) => reader.openReceivableIds(onProgress),
    readByIds: (ids) => reader.receivablesByIds(ids),
    writeBack: (request) =>
      writeBack({ client, config, context: reader.context(), clock: deps.clock, logger: deps.logger }, request),
    close: async () => undefined,
  };
}

/**
 * The connection works and reads what it should (§2.1): the key and the token open the API (the
 * user's profile), the configured organisation is one this user can open, and whether its edition
 * and the user's role let us read accounting entries (a Starter edition cannot), which decides
 * where the receivables of an organisation without sales invoices are read.
 */
async function check(reader: SageActiveReader, config: SageActiveConnection): Promise<CheckResult> {
  const host = new URL(graphqlUrlOf(config)).host;
  try {
    await reader.userProfile();
    const organizations = await reader.organizations();
    const org = organizations.find((o) => o.id.toLowerCase() === config.organizationId.toLowerCase());
    if (!org) {
      const listed = organizations.map((o) => `"${o.socialName ?? '?'}" (${o.id})`).join(', ') || 'none';
      return {
        ok: false,
        capabilities: {},
        problems: [
          `connection ${config.id}: the organisation ${config.organizationId} is not among those the user who connected can open (${listed}); set organizationId to one of them, or connect with a user who has access to it: run \`recouvra connect sage-active --connection ${config.id}\``,
        ],
      };
    }
    const entries = await reader.canReadEntries();
    const route = await reader.route();
    const legislation = org.legislationCode ?? 'unknown';
    return {
      ok: true,
      serverVersion: `Sage Active GraphQL API (${host}): "${org.socialName ?? org.id}" (${org.id}), legislation ${legislation}, amounts in ${SAGE_ACTIVE_CURRENCY}; receivables read from ${route === 'sales' ? 'sales invoices' : 'accounting entries (the sales module is empty)'}${entries ? '' : '; accounting entries not readable (a Starter edition, or the user’s role)'}`,
      capabilities: {
        accountingEntries: entries,
        salesInvoices: route === 'sales',
        booksOnly: route === 'accounting',
        entryFiles: config.writeBack.entryFiles && entries,
        customerComments: config.writeBack.customerComments,
      },
      problems: [],
    };
  } catch (e) {
    if (!(e instanceof AdapterError)) throw e;
    return { ok: false, capabilities: {}, problems: [`${e.code}: ${e.userMessage}`] };
  }
}

export const sageActiveAdapter: AdapterDefinition<SageActiveConnection> = {
  type: 'sage-active',
  displayName: 'Sage Active',
  configSchema: SageActiveConnectionSchema,
  writeBackKinds: (config) => sageActiveWriteBack(config),
  create: (config, deps) => createSageActiveAdapter(config, deps),
};
