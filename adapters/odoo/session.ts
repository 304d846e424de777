import { AdapterError } from '../../connector/ports/adapter-error';
import { SerialLane } from '../../connector/sync/serial-lane';
import type { AdapterDeps } from '../../connector/ports/erp';
import type { OdooConnection } from './config.schema';
import { Json2OdooRpc } from './transport/json2-transport';
import type { OdooRpc, OdooServerVersion } from './transport/rpc';
import { XmlRpcOdooRpc } from './transport/xmlrpc-rpc';
import { ADDON_MOVE_FIELDS, statusAddonOf, type StatusAddon } from './status-addon';

/** Partner fields present on some versions or with some modules only (erp-apis.md §1.5): read when fields_get lists them. */
export const OPTIONAL_PARTNER_FIELDS = ['company_registry', 'siret', 'mobile', 'country_code'] as const;

/** How long a session trusts what it learnt of the server (ms of real time, not the business clock). */
const FACTS_TTL_MS = 3_600_000;

/** The first Odoo with the JSON-2 API (erp-apis.md §1.1: 19.0; saas-18.4 on Odoo Online). */
export const JSON2_SINCE_MAJOR = 19;
/** `body_is_html` exists from 17.0 (odoo/odoo#129977, erp-apis.md §1.7). */
export const BODY_IS_HTML_SINCE_MAJOR = 17;

/** What `fields_get` told us about the server: which optional fields exist (never assumed). */
export interface OdooServerFacts {
  version: OdooServerVersion;
  protocol: OdooRpc['protocol'];
  uid: number;
  partnerFields: Set<string>;
  /**
   * The recovery `x_` fields account.move has: asked on first use only, because only write-back
   * needs them and a read-only sync should not pay for the question.
   */
  moveFields(): Promise<Set<string>>;
  /**
   * The `recouvra_status` addon (addon/README.md) when `fields_get` lists its `recouvra_stage`,
   * learnt in the same call as `moveFields` and kept as long as these facts: a new connection
   * (an hour later, or after `forget`) asks again, so an addon installed or removed meanwhile is seen.
   */
  statusAddon(): Promise<StatusAddon | undefined>;
}

/**
 * One connection to one Odoo database: picks the protocol, authenticates once, learns the
 * server's fields, and runs every call through ONE serial lane (one reader per connection).
 * A failed call fails with its classified AdapterError at once: it is not tried again here,
 * where a wait would hold every other call of the connection, but by the outbox (writes) or the
 * job queue (a sync). Nothing here knows about receivables.
 */
export class OdooSession {
  private readonly lane = new SerialLane();
  private facts: Promise<OdooServerFacts> | undefined;
  private factsAt = 0;
  private rpc: OdooRpc | undefined;

  constructor(
    readonly config: OdooConnection,
    private readonly deps: AdapterDeps,
  ) {}

  /**
   * Connects on first use; a failed connection is tried again on the next call. What was learnt
   * (version, protocol, uid, fields) serves every later run of a long-lived daemon for an hour, then
   * is asked again, so that an `x_` field created meanwhile is found without a restart.
   */
  prepare(): Promise<OdooServerFacts> {
    if (this.facts && performance.now() - this.factsAt > FACTS_TTL_MS) this.facts = undefined;
    if (!this.facts) {
      this.factsAt = performance.now();
      this.facts = this.connect().catch((e: unknown) => {
        this.facts = undefined;
        throw e;
      });
    }
    return this.facts;
  }

  /**
   * Drops what was learnt of the server: the next call connects again and asks `fields_get` anew.
   * For a write refused for a field the facts said exists (an addon uninstalled meanwhile).
   */
  forget(): void {
    this.facts = undefined;
  }

  async call<T>(
    model: string,
    method: string,
    named: { ids?: readonly number[] } & Record<string, unknown>,
    isWrite: boolean,
  ): Promise<T> {
    await this.prepare();
    return this.raw<T>(model, method, named, isWrite);
  }

  private raw<T>(
    model: string,
    method: string,
    named: { ids?: readonly number[] } & Record<string, unknown>,
    isWrite: boolean,
  ): Promise<T> {
    const rpc = this.rpc!;
    return this.lane.run(() => rpc.call<T>(model, method, named, { isWrite }));
  }

  private async connect(): Promise<OdooServerFacts> {
    const c = this.config;
    const common = {
      baseUrl: c.url,
      database: c.database,
      login: c.login,
      apiKey: c.apiKey,
      timeoutMs: c.timeoutMs,
      maxResponseBytes: c.maxResponseBytes,
      connection: c.id,
    };
    const xmlrpc = new XmlRpcOdooRpc(common);
    const { version, answeredBy } = await this.serverVersion(xmlrpc, () => new Json2OdooRpc(common));
    const protocol = c.protocol === 'auto' ? (version.major >= JSON2_SINCE_MAJOR ? 'json2' : 'xmlrpc') : c.protocol;
    if (protocol === 'json2' && version.major < JSON2_SINCE_MAJOR) {
      throw new AdapterError({
        code: 'ODOO_JSON2_UNAVAILABLE',
        kind: 'config',
        userMessage: `Odoo ${version.serverVersion} has no JSON-2 API (it arrived in 19.0): set \`protocol: xmlrpc\` or \`auto\` for connection ${c.id}`,
      });
    }
    const rpc: OdooRpc =
      protocol === 'xmlrpc' ? xmlrpc : answeredBy.protocol === 'json2' ? answeredBy : new Json2OdooRpc(common);
    this.rpc = rpc;
    const uid = await this.lane.run(() => rpc.authenticate());
    // Only the optional fields the adapter looks for: a whole fields_get of account.move is hundreds of
    // fields with their selections, the largest answer of a small sync. The answer holds only the
    // names asked for that exist (capture v18-45), so a missing one is simply absent.
    const fieldsGet = (model: string, names: readonly string[], attributes: readonly string[]) =>
      this.raw<Record<string, unknown>>(
        model,
        'fields_get',
        { allfields: [...names], attributes: [...attributes] },
        false,
      );
    const partnerFields = new Set(Object.keys(await fieldsGet('res.partner', OPTIONAL_PARTNER_FIELDS, ['type'])));
    // The custom x_ fields and the addon's in one call; `selection` for the keys the addon knows.
    let moveFields: Promise<Record<string, unknown>> | undefined;
    const moveFieldsGet = () =>
      (moveFields ??= fieldsGet(
        'account.move',
        [c.writeBack.stageField, c.writeBack.procedureField, ...Object.values(ADDON_MOVE_FIELDS)],
        ['type', 'selection'],
      ).catch((e: unknown) => {
        moveFields = undefined;
        throw e;
      }));
    this.deps.logger.info(`odoo ${c.id}: connected to Odoo ${version.serverVersion} over ${protocol}`, {
      connection: c.id,
    });
    return {
      version,
      protocol,
      uid,
      partnerFields,
      moveFields: async () => new Set(Object.keys(await moveFieldsGet())),
      statusAddon: async () => statusAddonOf(await moveFieldsGet()),
    };
  }

  /**
   * The server's version, asked the way every version answers: XML-RPC's `common.version()` serves
   * 16.0 to 21.x self-hosted, while `/web/version` is 404 on 18.0 (capture v18-30) and JSON-2 paths
   * redirect to the login page there (v18-32). Only a server without XML-RPC (Odoo 22, Online 21.1,
   * erp-apis.md §1.1) is asked over JSON-2's `/web/version`.
   */
  private async serverVersion(
    xmlrpc: OdooRpc,
    json2: () => OdooRpc,
  ): Promise<{ version: OdooServerVersion; answeredBy: OdooRpc }> {
    try {
      return { version: await this.lane.run(() => xmlrpc.version()), answeredBy: xmlrpc };
    } catch (e) {
      if (!(e instanceof AdapterError && e.code === 'ODOO_ENDPOINT_NOT_FOUND')) throw e;
      const rpc = json2();
      return { version: await this.lane.run(() => rpc.version()), answeredBy: rpc };
    }
  }
}
