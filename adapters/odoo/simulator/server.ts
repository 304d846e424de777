import { readRequestBody, sendBody } from '../../simulator-http';
import { escapeHtml } from '../../../connector/model/html';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackServer } from '../../loopback-server';
import {
  decodeMethodCall,
  encodeFault,
  encodeMethodResponse,
  pythonFloatRepr,
  type OdooFlavour,
  type XmlRpcValue,
} from '../xmlrpc';
import { isXmlRpcDouble, xmlDouble, XmlRpcMarshalError, XmlRpcProtocolError } from '../xmlrpc/values';
import { odooNotFoundPage, werkzeugRedirectBody } from './http-pages';
import { OdooFault, type OdooDatabase, type OdooValue } from './model';
import { MARSHAL_NONE_FRAMES_18 } from './model/captured-frames';

/**
 * The Odoo simulator's HTTP face: `/xmlrpc/2/common`, `/xmlrpc/2/object` and, on 19.0, `/web/version`
 * and `/json/2/<model>/<method>` (erp-apis.md §1.1, §1.3, §1.4, §1.8), over the in-memory database.
 * Faults travel with HTTP 200 as Odoo sends them; JSON-2 errors use real statuses. Before 19.0 those two
 * routes answer as a real 18.0 does: a 404 page and a redirect to the login (v18-30 to v18-32).
 * Test controls inject latency, HTTP failures and rate limits.
 */

export interface OdooSimulatorOptions {
  db: OdooDatabase;
  /** Odoo version served; decides the XML-RPC flavour and whether JSON-2 exists. */
  version: string;
  /** Database name clients must send. */
  database?: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
}

interface InjectedFailure {
  status: number;
  body: string;
  retryAfter?: string;
}

/** Handles for tests; none of this is reachable over the API. */
export class SimulatorControls {
  latencyMs = 0;
  readonly failures: InjectedFailure[] = [];
  rateLimit: { limit: number; windowMs: number; hits: number[] } | undefined;
  /** Requests seen, by path, for assertions. */
  readonly requests: { path: string; method?: string; model?: string; rpcMethod?: string }[] = [];

  /** The next `count` requests fail with `status` (e.g. 502, 503) before reaching Odoo. */
  failNext(count: number, status = 503, retryAfter?: string): void {
    for (let i = 0; i < count; i++)
      this.failures.push({
        status,
        body: `<html><body><h1>${status}</h1></body></html>`,
        ...(retryAfter ? { retryAfter } : {}),
      });
  }

  /** At most `limit` requests per `windowMs`; the rest get 429 with Retry-After. */
  limitRate(limit: number, windowMs = 1000): void {
    this.rateLimit = { limit, windowMs, hits: [] };
  }
}

export class OdooSimulator {
  readonly controls = new SimulatorControls();
  private readonly flavour: OdooFlavour;
  private readonly major: number;
  private readonly http: LoopbackServer;

  constructor(private readonly options: OdooSimulatorOptions) {
    this.major = Number(options.version.split('.')[0]);
    this.flavour = this.major <= 16 ? '16' : '18';
    this.http = new LoopbackServer('Odoo simulator', (req, res) => this.handle(req, res), {
      ...(options.host === undefined ? {} : { host: options.host }),
      ...(options.port === undefined ? {} : { port: options.port }),
    });
  }

  get database(): string {
    return this.options.database ?? 'demo';
  }

  get url(): string {
    return this.http.url;
  }

  async start(): Promise<this> {
    await this.http.start();
    return this;
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const [path = '/', query = ''] = (req.url ?? '/').split(/\?(.*)/s);
    try {
      const body = await readBody(req);
      if (this.controls.latencyMs > 0) await new Promise((r) => setTimeout(r, this.controls.latencyMs));
      if (this.injectedFailure(res)) return;
      if (path === '/web/version' || path === '/json/version') {
        // v18-30/31: 18.0 has no such route, whatever the method. [UNVERIFIED for 16.0, 17.0 and /json/version.]
        if (this.major <= 18) return sendOdooNotFound(res);
        if (req.method === 'GET') {
          const v = this.options.db.serverVersion();
          return sendBody(
            res,
            200,
            'application/json',
            JSON.stringify({ version: v.server_version, version_info: v.server_version_info }),
          );
        }
      }
      if (req.method === 'POST' && (path === '/xmlrpc/2/common' || path === '/xmlrpc/2/object')) {
        return sendBody(
          res,
          200,
          'text/xml; charset=utf-8',
          await this.xmlRpc(path.endsWith('common') ? 'common' : 'object', body),
        );
      }
      const json2 = /^\/json\/2\/([^/]+)\/([^/]+)$/.exec(path);
      if (req.method === 'POST' && json2 && this.major >= 19)
        return this.json2(req, res, decodeURIComponent(json2[1]!), decodeURIComponent(json2[2]!), body);
      // v18-32: before 19.0 a JSON-2 call is sent to the login page, with werkzeug's full_path (path, "?",
      // query) as `redirect`. [UNVERIFIED for 16.0 and 17.0.]
      if (req.method === 'POST' && json2)
        return sendLoginRedirect(res, `/web/login?redirect=${encodeURIComponent(`${safeDecode(path)}?${query}`)}`);
      return sendBody(res, 404, 'text/html; charset=utf-8', NOT_FOUND_HTML);
    } catch (e) {
      return sendBody(
        res,
        500,
        'text/html; charset=utf-8',
        `<html><body><h1>Internal Server Error</h1><p>${escapeHtml(String(e))}</p></body></html>`,
      );
    }
  }

  private injectedFailure(res: ServerResponse): boolean {
    const rl = this.controls.rateLimit;
    if (rl) {
      const now = Date.now();
      while (rl.hits.length && rl.hits[0]! <= now - rl.windowMs) rl.hits.shift();
      if (rl.hits.length >= rl.limit) {
        const retryAfter = Math.max(1, Math.ceil((rl.hits[0]! + rl.windowMs - now) / 1000));
        sendBody(res, 429, 'text/html; charset=utf-8', '<html><body><h1>429 Too Many Requests</h1></body></html>', {
          'Retry-After': String(retryAfter),
        });
        return true;
      }
      rl.hits.push(now);
    }
    const failure = this.controls.failures.shift();
    if (!failure) return false;
    sendBody(
      res,
      failure.status,
      'text/html; charset=utf-8',
      failure.body,
      failure.retryAfter ? { 'Retry-After': failure.retryAfter } : {},
    );
    return true;
  }

  private async xmlRpc(service: 'common' | 'object', body: string): Promise<string> {
    let call;
    try {
      call = await decodeMethodCall(body);
    } catch (e) {
      if (e instanceof XmlRpcProtocolError)
        return encodeFault(1, traceback('xml.parsers.expat.ExpatError', e.message), this.flavour);
      throw e;
    }
    const p = call.params;
    this.controls.requests.push({
      path: `/xmlrpc/2/${service}`,
      method: call.method,
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- logged as received; a name that is not a string fails the call below
      ...(service === 'object' ? { model: String(p[3]), rpcMethod: String(p[4]) } : {}),
    });
    try {
      if (service === 'common') return this.respond(this.common(call.method, p));
      if (call.method !== 'execute_kw' && call.method !== 'execute')
        return encodeFault(1, traceback('NameError', `Method not available ${call.method}`), this.flavour);
      const [db, uid, secret, model, method] = p;
      this.checkDatabase(db);
      const args = call.method === 'execute_kw' ? ((p[5] ?? []) as unknown[]) : p.slice(5);
      const kwargs = call.method === 'execute_kw' ? ((p[6] ?? {}) as Record<string, unknown>) : {};
      if (typeof uid !== 'number' || typeof secret !== 'string' || !this.options.db.checkCredentials(uid, secret))
        return encodeFault(3, 'Access Denied', this.flavour);
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a name that is not a string names no model or method, and the call faults
      const [modelName, methodName] = [String(model), String(method)];
      const result = this.options.db.call(modelName, methodName, args, kwargs, { uid }, 'execute_kw');
      return this.respond(this.withDoubles(modelName, methodName, result));
    } catch (e) {
      if (e instanceof OdooFault) return encodeFault(e.code, e.faultString, this.flavour);
      throw e;
    }
  }

  private common(method: string, p: readonly XmlRpcValue[]): OdooValue {
    if (method === 'version') return this.options.db.serverVersion();
    if (method === 'authenticate' || method === 'login') {
      this.checkDatabase(p[0]);
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a login or password that is not a string matches no user
      return this.options.db.authenticate(String(p[1]), String(p[2]));
    }
    throw new OdooFault(
      1,
      'builtins.NameError',
      `Method not available ${method}`,
      'not_found',
      traceback('NameError', `Method not available ${method}`),
    );
  }

  /** An unknown database fails the way a missing PostgreSQL database does inside Odoo. */
  private checkDatabase(db: unknown): void {
    if (db === this.database) return;
    const message = `connection to server at "127.0.0.1", port 5432 failed: FATAL:  database "${String(db)}" does not exist`;
    throw new OdooFault(
      1,
      'psycopg2.OperationalError',
      message,
      'application',
      traceback('psycopg2.OperationalError', message),
    );
  }

  /** Python's marshaller refuses None and ints beyond 2^31-1 (erp-apis.md §1.3): both become faults after the work is done. */
  private respond(value: OdooValue | XmlRpcValue): string {
    try {
      return encodeMethodResponse(value, this.flavour);
    } catch (e) {
      if (!(e instanceof XmlRpcMarshalError)) throw e;
      // v18-47/49: a method that returned None, with the whole traceback a real 18.0 prints.
      if (value === null && this.options.version === '18.0') {
        return encodeFault(
          1,
          `Traceback (most recent call last):\n${MARSHAL_NONE_FRAMES_18}${e.pythonType}: ${e.pythonMessage}\n`,
          this.flavour,
        );
      }
      return encodeFault(1, traceback(e.pythonType, e.pythonMessage), this.flavour);
    }
  }

  /** Odoo sends float and monetary fields as `<double>` even when whole (31750.0, capture v18-03). */
  private withDoubles(model: string, method: string, result: OdooValue): OdooValue | XmlRpcValue {
    if ((method !== 'search_read' && method !== 'read') || !Array.isArray(result)) return result;
    const floats = new Set(
      this.options.db
        .fieldDefs(model)
        .filter((f) => f.type === 'float' || f.type === 'monetary')
        .map((f) => f.name),
    );
    return result.map((record) => {
      if (record === null || typeof record !== 'object' || Array.isArray(record)) return record;
      const out: Record<string, XmlRpcValue> = {};
      for (const [k, v] of Object.entries(record)) out[k] = floats.has(k) && typeof v === 'number' ? xmlDouble(v) : v;
      return out;
    });
  }

  // erp-apis.md §1.4: JSON-2 answers the raw result with 200, errors with a real status and an object body.
  private json2(req: IncomingMessage, res: ServerResponse, model: string, method: string, body: string): void {
    this.controls.requests.push({ path: `/json/2/${model}/${method}`, model, rpcMethod: method });
    const auth = /^bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
    const uid = auth ? this.options.db.uidForApiKey(auth[1]!.trim()) : false;
    if (uid === false) return sendJson2Error(res, 401, 'werkzeug.exceptions.Unauthorized', 'Invalid apikey');
    const dbHeader = req.headers['x-odoo-database'];
    if (dbHeader !== undefined && dbHeader !== this.database)
      return sendJson2Error(res, 404, 'werkzeug.exceptions.NotFound', `database "${String(dbHeader)}" not found`);
    let params: Record<string, unknown>;
    try {
      const parsed: unknown = body.trim() === '' ? {} : JSON.parse(body);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
        throw new Error('the body must be a JSON object');
      params = parsed as Record<string, unknown>;
    } catch (e) {
      return sendJson2Error(res, 400, 'werkzeug.exceptions.BadRequest', (e as Error).message);
    }
    const { ids, ...kwargs } = params;
    const shape = this.options.db.describeMethod(model, method);
    // json2.py refuses ids for an @api.model method (erp-apis.md §1.4).
    if (shape?.kind === 'model' && ids !== undefined)
      return sendJson2Error(
        res,
        422,
        'werkzeug.exceptions.UnprocessableEntity',
        `cannot call ${model}.${method} with ids`,
      );
    try {
      const result = this.options.db.call(
        model,
        method,
        shape?.kind === 'records' ? [ids ?? []] : [],
        kwargs,
        { uid },
        'json2',
      );
      return sendBody(res, 200, 'application/json; charset=utf-8', pythonJson(this.withDoubles(model, method, result)));
    } catch (e) {
      if (!(e instanceof OdooFault)) throw e;
      const status = { not_found: 404, arguments: 422, access_denied: 401, access: 403, user: 422, application: 500 }[
        e.kind
      ];
      return sendJson2Error(res, status, e.exception, e.detail);
    }
  }
}

const NOT_FOUND_HTML =
  '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n';

function traceback(exception: string, message: string): string {
  return `Traceback (most recent call last):\n  File "/opt/odoo/odoo/addons/base/controllers/rpc.py", line 160, in xmlrpc_2\n    response = self._xmlrpc(service)\n${exception}: ${message}\n`;
}

/** JSON as Python's json.dumps writes it: doubles keep their ".0" (31750.0). */
export function pythonJson(value: unknown): string {
  if (isXmlRpcDouble(value)) return pythonFloatRepr(value.value);
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}: ${pythonJson(v)}`)
      .join(', ')}}`;
  return JSON.stringify(value ?? null);
}

/**
 * v18-30/31: Odoo's HTML 404 with its cookies. The csrf_token is an HMAC followed by "o" and its expiry,
 * a year ahead; the session id is redacted in the capture, so ours is random hex [UNVERIFIED format].
 */
function sendOdooNotFound(res: ServerResponse): void {
  const now = Date.now();
  const inAYear = new Date(now + 365 * 86_400_000);
  const csrfToken = `${randomBytes(20).toString('hex')}o${Math.floor(inAYear.getTime() / 1000)}`;
  const body = odooNotFoundPage(csrfToken);
  res.writeHead(404, 'NOT FOUND', {
    Server: WERKZEUG,
    'Content-Type': 'text/html;charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Set-Cookie': [
      `frontend_lang=en_US; Expires=${inAYear.toUTCString()}; Path=/`,
      `session_id=${randomBytes(20).toString('hex')}; Expires=${inAYear.toUTCString()}; Max-Age=604800; HttpOnly; Path=/`,
    ],
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(body);
}

/** v18-32: werkzeug's redirect, 303 SEE OTHER. */
function sendLoginRedirect(res: ServerResponse, location: string): void {
  const body = werkzeugRedirectBody(location);
  res.writeHead(303, 'SEE OTHER', {
    Server: WERKZEUG,
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    Location: location,
  });
  res.end(body);
}

/** The `Server` header of the 18.0 captures (v18-30 to v18-32). */
const WERKZEUG = 'Werkzeug/2.2.2 Python/3.11.2';

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function sendJson2Error(res: ServerResponse, status: number, name: string, message: string): void {
  sendBody(
    res,
    status,
    'application/json; charset=utf-8',
    JSON.stringify({ name, message, arguments: [message, status], context: {}, debug: '' }),
  );
}

const MAX_BODY = 16 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return readRequestBody(req, MAX_BODY);
}
