import { AdapterError } from '../../connector/sync/adapter-error';
import type { AdapterDefinition, AdapterDeps, CheckResult, ErpAdapter, ReadPosition, StreamName } from '../../connector/sync/adapter';
import { OdooConnectionSchema, type OdooConnection } from './config.schema';
import { OdooReader } from './reader';
import { BODY_IS_HTML_SINCE_MAJOR, OdooSession, type OdooSessionOptions } from './session';
import { OdooWriter } from './writer';

/**
 * The Odoo adapter (16.0 to 19.0, self-hosted, Odoo.sh or Online): XML-RPC or JSON-2 chosen by
 * configuration or by the server's version; reads customer invoices and credit notes with their
 * commercial partners, and writes recovery status back as notes, activities and `x_` fields.
 */
export function createOdooAdapter(config: OdooConnection, deps: AdapterDeps, options: OdooSessionOptions = {}): ErpAdapter {
  const session = new OdooSession(config, deps, options);
  const reader = new OdooReader(session);
  const writer = new OdooWriter(session, deps.clock);
  return {
    check: () => check(session),
    // Partners first: a page of invoices then rarely needs to fetch its debtors.
    streams: (): StreamName[] => ['debtors', 'receivables'],
    read: (stream: StreamName, position: ReadPosition) => {
      if (stream === 'receivables') return reader.receivablesPage(position);
      if (stream === 'debtors') return reader.debtorsPage(position);
      throw new AdapterError({ code: 'ODOO_NO_SUCH_STREAM', kind: 'config', userMessage: `the Odoo adapter has no stream "${stream}" (it has debtors and receivables; payments are read as open amounts)` });
    },
    estimate: (stream: StreamName, position: ReadPosition) => (stream === 'receivables' || stream === 'debtors' ? reader.count(stream, position) : Promise.resolve(undefined)),
    listOpenReceivableIds: (onProgress) => reader.openReceivableIds(onProgress),
    readByIds: (ids) => reader.byIds(ids),
    writeBack: (request) => writer.writeBack(request),
    invoicePdf: (receivableId) => reader.invoicePdf(receivableId),
    close: async () => undefined,
  };
}

/** Fields whose presence changes what the adapter reads or writes (erp-apis.md §1.5, §1.7). */
const WATCHED_PARTNER_FIELDS = ['company_registry', 'siret', 'country_code', 'mobile'];

async function check(session: OdooSession): Promise<CheckResult> {
  try {
    const facts = await session.prepare();
    const { stageField, procedureField } = session.config.writeBack;
    const capabilities: Record<string, boolean> = {
      json2: facts.protocol === 'json2',
      body_is_html: facts.version.major >= BODY_IS_HTML_SINCE_MAJOR,
      payment_state_blocked: facts.version.major >= 18,
      ...Object.fromEntries(WATCHED_PARTNER_FIELDS.map((f) => [`res.partner.${f}`, facts.partnerFields.has(f)])),
      [`account.move.${stageField}`]: facts.moveFields.has(stageField),
      [`account.move.${procedureField}`]: facts.moveFields.has(procedureField),
    };
    // Reading invoices is what the connector needs most: prove it now, not at the first sync.
    await session.call('account.move', 'search_count', { domain: [['move_type', 'in', ['out_invoice', 'out_refund']]], limit: 1 }, false);
    return { ok: true, serverVersion: facts.version.serverVersion, capabilities, problems: [] };
  } catch (e) {
    if (!(e instanceof AdapterError)) throw e;
    return { ok: false, capabilities: {}, problems: [`${e.code}: ${e.userMessage}`] };
  }
}

export const odooAdapter: AdapterDefinition<OdooConnection> = {
  type: 'odoo',
  displayName: 'Odoo (16.0–19.0, XML-RPC or JSON-2)',
  configSchema: OdooConnectionSchema,
  create: (config, deps) => createOdooAdapter(config, deps),
};
