import type { AxiosInstance } from 'axios';
import { AdapterError } from '../../../connector/ports/adapter-error';
import { isXmlRpcStruct, XmlRpcMarshalError, type XmlRpcStruct, type XmlRpcValue } from '../xmlrpc';
import { intOverflow } from './classify';
import type { OdooCallOptions, OdooRpc, OdooServerVersion } from './rpc';
import { parseServerVersion } from './server-version';
import { XmlRpcTransport } from './xmlrpc-transport';

export interface XmlRpcOdooRpcOptions {
  /** Odoo's base URL, e.g. https://erp.example.com (no trailing path). */
  baseUrl: string;
  /** Database name, sent with every call. */
  database: string;
  /** The user's login (usually an email); the API key replaces the password, not the login. */
  login: string;
  /** API key (Odoo › Preferences › Account Security); never written into an error. */
  apiKey: string;
  /** Per-request timeout (ms). */
  timeoutMs: number;
  /** An axios instance, for tests; default a fresh one. */
  http?: AxiosInstance;
  /** The largest answer taken, decoded, in bytes; default 32 MiB (the connection's `maxResponseBytes`). */
  maxResponseBytes?: number;
  /** The connection id, named by the errors. */
  connection?: string;
}

/**
 * Named arguments that must travel by POSITION over XML-RPC, although JSON-2 takes them by name.
 * Odoo 16–18's `odoo/api.py call_kw` runs `create` and then reads `args[0]` to answer an id or a
 * list of ids: `create(vals_list=…)` with empty positional args faults with `IndexError: tuple index
 * out of range` AFTER the create ran, and the create is rolled back (capture v18-20); the positional
 * form works (v18-21). [UNVERIFIED on 19.0's XML-RPC; positional is accepted there too.]
 */
const POSITIONAL_OVER_XMLRPC: Readonly<Record<string, string>> = { create: 'vals_list' };

/**
 * OdooRpc over `/xmlrpc/2/common` and `/xmlrpc/2/object` (erp-apis.md §1.1-1.3): every version,
 * deprecated since 19.0. Authenticates once, lazily, and sends db, uid and key with every call.
 */
export class XmlRpcOdooRpc implements OdooRpc {
  readonly protocol = 'xmlrpc' as const;
  private readonly transport: XmlRpcTransport;
  private uid: number | undefined;

  constructor(private readonly options: XmlRpcOdooRpcOptions) {
    this.transport = new XmlRpcTransport({
      baseUrl: options.baseUrl,
      timeoutMs: options.timeoutMs,
      secrets: [options.apiKey],
      ...(options.http ? { http: options.http } : {}),
      ...(options.maxResponseBytes === undefined ? {} : { maxResponseBytes: options.maxResponseBytes }),
      ...(options.connection === undefined ? {} : { connection: options.connection }),
    });
  }

  // https://www.odoo.com/documentation/18.0/developer/reference/external_api.html#connection
  async version(): Promise<OdooServerVersion> {
    const answer = await this.transport.call('common', 'version', [], { isWrite: false, what: 'common.version' });
    const struct: XmlRpcStruct = isXmlRpcStruct(answer) ? answer : {};
    return parseServerVersion(struct['server_version'], struct['server_version_info'], {
      what: 'common.version',
      url: this.options.baseUrl,
    });
  }

  // https://www.odoo.com/documentation/18.0/developer/reference/external_api.html#logging-in
  async authenticate(): Promise<number> {
    const { database, login, apiKey } = this.options;
    const uid = await this.transport.call('common', 'authenticate', [database, login, apiKey, {}], {
      isWrite: false,
      what: 'common.authenticate',
    });
    // Bad credentials are not a fault: authenticate answers False (captures v16-02b / v18-02b).
    if (uid === false) {
      throw new AdapterError({
        code: 'ODOO_ACCESS_DENIED',
        kind: 'config',
        userMessage: `Odoo refused login "${login}" on database "${database}": check \`login\` and the API key (Odoo › Preferences › Account Security › New API Key)`,
        detail: `common.authenticate answered false for ${login}@${database} on ${this.options.baseUrl}`,
      });
    }
    if (typeof uid !== 'number') {
      throw new AdapterError({
        code: 'ODOO_BAD_RESPONSE',
        kind: 'system',
        userMessage: `common.authenticate: ${this.options.baseUrl} answered something other than a user id`,
        detail: `${typeof uid} answer`,
      });
    }
    this.uid = uid;
    return uid;
  }

  // https://www.odoo.com/documentation/18.0/developer/reference/external_api.html#calling-methods
  async call<T = unknown>(
    model: string,
    method: string,
    named: { ids?: readonly number[] } & Record<string, unknown>,
    options: OdooCallOptions,
  ): Promise<T> {
    const uid = this.uid ?? (await this.authenticate());
    const { ids, ...rest } = named;
    const positionalName = POSITIONAL_OVER_XMLRPC[method];
    const positional =
      positionalName !== undefined && rest[positionalName] !== undefined ? [rest[positionalName] as XmlRpcValue] : [];
    const sentAsPositional = positional.length ? positionalName : undefined;
    // An absent named argument takes its default, as JSON.stringify gives it on JSON-2.
    const kwargs = Object.fromEntries(
      Object.entries(rest).filter(([k, v]) => v !== undefined && k !== sentAsPositional),
    ) as XmlRpcStruct;
    const { database, apiKey } = this.options;
    const what = `${model}.${method}`;
    try {
      const args: XmlRpcValue[] = [...(ids ? [ids] : []), ...positional];
      return (await this.transport.call('object', 'execute_kw', [database, uid, apiKey, model, method, args, kwargs], {
        isWrite: options.isWrite,
        what,
      })) as T;
    } catch (e) {
      // An id beyond 2^31−1 in the request: refused before sending, so nothing ran.
      if (e instanceof AdapterError && e.cause instanceof XmlRpcMarshalError && e.cause.reason === 'overflow') {
        throw intOverflow(what, { detail: `${what}: ${e.cause.message}`, outcomeUnknown: false, cause: e.cause });
      }
      throw e;
    }
  }
}
