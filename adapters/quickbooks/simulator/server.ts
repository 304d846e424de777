import type { IncomingMessage, ServerResponse } from 'node:http';
import { systemClock, type Clock } from '../../../connector/time/clock';
import { LoopbackServer } from '../../loopback-server';
import { bearerToken, readRequestBody, requestHeader, sendBody } from '../../simulator-http';
import { INVOICE_DELETED } from './columns';
import { createQboData, SimulatorInputError, type Company, type EntityName, type QboData } from './data';
import { FAULTS, faultBody, throttleXml, type FaultError, type FaultType } from './faults';
import { invoicePdf } from './invoice-pdf';
import { OAuthServer } from './oauth';
import { parseQuery, QueryError } from './query';
import {
  deletedStub,
  renderCompanyInfo,
  renderCreditMemo,
  renderCustomer,
  renderInvoice,
  renderPayment,
  type Json,
} from './render';
import { entityNamed, matchingRows } from './select';
import { parseInstant, responseTimeText } from './time';
import { WebhookDispatcher, type WebhookDelivery, type WebhookFormat, type WebhookTarget } from './webhooks';

/**
 * The QuickBooks Online simulator's HTTP face (erp-apis.md §2, checklist §2.10): the v3 query, read,
 * sparse-update and CDC endpoints of each simulated company, Intuit's OAuth endpoints, throttling and
 * metering per realm, and signed webhooks. A client only changes its base URLs to talk to it. Test
 * controls are on `controls` and, for the CLI and the demo, under `/_simulator/` (no token: the
 * simulator listens on loopback).
 */

export interface QuickBooksSimulatorOptions {
  seed?: number;
  /** Invoices over all companies. Default 1000. */
  invoices?: number;
  /** The simulator's clock: data dates, token lifetimes, the CDC window. Default the system clock. */
  clock?: Clock;
  /**
   * The clock of Intuit's OAuth server (codes, token lifetimes) when it is not `clock`: under a
   * fast demo clock a one-hour access token would last milliseconds, where Intuit's lasts a real
   * hour whatever the company's business dates. Default `clock`.
   */
  authClock?: Clock;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  clientId?: string;
  clientSecret?: string;
  webhook?: WebhookTarget;
  /**
   * Factor on the 500 requests per minute per realm of §2.9 (2 allows 1000, 0.01 allows 5). The
   * 10-in-flight limit is not scaled. Default 1.
   */
  rateScale?: number;
  /** Real time in ms for the throttling window. Default Date.now. */
  realNow?: () => number;
}

/** §2.9: "500 requests/min per realm ID". */
export const REQUESTS_PER_MINUTE = 500;
/** §2.9 [CONFLICT]: the 2016 limit of 10 concurrent requests per app and realm, answered with 429. */
export const MAX_IN_FLIGHT = 10;
/** §2.2: MAXRESULTS maximum. */
export const MAX_RESULTS_LIMIT = 1000;
/** §2.2 [UNVERIFIED]: MAXRESULTS when the query has none. */
export const DEFAULT_MAX_RESULTS = 100;
/** §2.6: CDC covers the last 30 days and answers at most 1000 objects. */
export const CDC_WINDOW_DAYS = 30;
export const CDC_MAX_OBJECTS = 1000;
/** §2.3 [UNVERIFIED]: longest PrivateNote. */
export const PRIVATE_NOTE_MAX = 4000;

export type InjectedFault = '500' | 'fault200' | '429' | '401' | 'drop';

export interface RealmCounters {
  /** Every request to the company's v3 endpoints, answered or not. */
  requests: number;
  /** §2.9: reads (queries, reads by id, CDC) served, the "CorePlus" calls Intuit meters. */
  meteredReads: number;
  /** Requests answered 429 by the limits (not the injected ones). */
  throttled: number;
  inFlight: number;
  maxInFlight: number;
}

const SERVED_ENTITIES: readonly EntityName[] = ['Invoice', 'CreditMemo', 'Payment', 'Customer'];

/** Handles for tests and the CLI; the same operations answer under /_simulator/. */
export class QuickBooksSimulatorControls {
  /** Real milliseconds each API request waits while counted in flight. */
  latencyMs = 0;
  /**
   * §2.2 [CONFLICT] "one says larger values return an error; another says they are silently capped":
   * 'error' (the default, so a client asking for more than it can get fails loudly) answers a
   * QueryValidationError Fault; 'cap' serves 1000.
   */
  maxResultsOver1000: 'error' | 'cap' = 'error';
  readonly faults: InjectedFault[] = [];

  constructor(private readonly sim: QuickBooksSimulator) {}

  /** The throttle's factor on 500 requests a minute; setting it starts a new minute (see setRateScale). */
  get rateScale(): number {
    return this.sim.rateScale;
  }

  set rateScale(scale: number) {
    this.sim.setRateScale(scale);
  }

  /** The next `count` API requests (v3 endpoints) fail as `kind` says. */
  injectFault(kind: InjectedFault, count = 1): void {
    for (let i = 0; i < count; i++) this.faults.push(kind);
  }

  counters(): Record<string, RealmCounters> {
    return Object.fromEntries([...this.sim.counterMap].map(([realm, c]) => [realm, { ...c }]));
  }

  resetCounters(): void {
    this.sim.counterMap.clear();
  }

  createInvoice(
    realmId: string,
    input: { customerId: string; amount: number; dueInDays?: number; docNumber?: string },
  ): string {
    return this.sim.data.createInvoice(realmId, input);
  }

  updateInvoice(realmId: string, id: string, change: { privateNote?: string; customField?: string | null }): void {
    this.sim.data.updateInvoice(realmId, id, change);
  }

  voidInvoice(realmId: string, id: string): void {
    this.sim.data.voidInvoice(realmId, id);
  }

  deleteInvoice(realmId: string, id: string): void {
    this.sim.data.deleteInvoice(realmId, id);
  }

  addPayment(realmId: string, input: { invoiceId: string; amount: number }): string {
    return this.sim.data.addPayment(realmId, input);
  }

  updateCustomer(
    realmId: string,
    id: string,
    change: { displayName?: string; active?: boolean; email?: string; phone?: string },
  ): void {
    this.sim.data.updateCustomer(realmId, id, change);
  }

  /** Tokens for `realmId` as if a user had just connected the app. */
  issueTokens(realmId: string, withHardExpiry = false): ReturnType<OAuthServer['issue']> {
    if (!this.sim.data.company(realmId)) throw new SimulatorInputError(`no company ${realmId}`);
    return this.sim.oauth.issue(realmId, withHardExpiry);
  }

  expireAccessTokens(): void {
    this.sim.oauth.expireAccessTokens();
  }

  set webhookFormat(format: WebhookFormat) {
    if (this.sim.webhooks) this.sim.webhooks.format = format;
  }

  get webhookDeliveries(): readonly WebhookDelivery[] {
    return this.sim.webhooks?.deliveries ?? [];
  }

  /** Sends the changes gathered so far now and waits for the deliveries. */
  flushWebhooks(): Promise<void> {
    return this.sim.webhooks?.flush() ?? Promise.resolve();
  }
}

interface Reply {
  res: ServerResponse;
  /** Cut the connection instead of answering (an injected drop). */
  drop: boolean;
  offsetMinutes: number;
}

export class QuickBooksSimulator {
  readonly controls: QuickBooksSimulatorControls;
  readonly data: QboData;
  readonly oauth: OAuthServer;
  readonly webhooks: WebhookDispatcher | undefined;
  readonly counterMap = new Map<string, RealmCounters>();
  readonly clientId: string;
  readonly clientSecret: string;
  private scale = 1;
  private readonly clock: Clock;
  private readonly realNow: () => number;
  private readonly windows = new Map<string, number[]>();
  private readonly http: LoopbackServer;

  constructor(options: QuickBooksSimulatorOptions = {}) {
    const seed = options.seed ?? 1;
    this.clock = options.clock ?? systemClock;
    this.realNow = options.realNow ?? Date.now;
    this.setRateScale(options.rateScale ?? 1);
    this.data = createQboData({ seed, invoices: options.invoices ?? 1000, now: () => this.clock.now() });
    this.clientId = options.clientId ?? `qbo-sim-client-${seed}`;
    this.clientSecret = options.clientSecret ?? `qbo-sim-secret-${seed}`;
    this.oauth = new OAuthServer(this.clientId, this.clientSecret, options.authClock ?? this.clock);
    if (options.webhook) {
      const dispatcher = new WebhookDispatcher(options.webhook);
      this.webhooks = dispatcher;
      this.data.listener = (event) => dispatcher.enqueue(event);
    }
    this.controls = new QuickBooksSimulatorControls(this);
    this.http = new LoopbackServer('QuickBooks Online simulator', (req, res) => this.handle(req, res), {
      ...(options.host === undefined ? {} : { host: options.host }),
      ...(options.port === undefined ? {} : { port: options.port }),
    });
  }

  get url(): string {
    return this.http.url;
  }

  /** The factor on §2.9's requests per minute (the `rateScale` option). */
  get rateScale(): number {
    return this.scale;
  }

  /**
   * Changes the factor, and starts a new minute for every realm: what was counted under the old
   * limit is forgotten (a benchmark measures an unthrottled run, then a throttled one, on one data set).
   */
  setRateScale(scale: number): void {
    if (!(scale > 0) || !Number.isFinite(scale))
      throw new RangeError(`rateScale must be a positive number, got ${scale}`);
    this.scale = scale;
    this.windows.clear();
  }

  /** Requests per minute each realm may make (§2.9's 500 times rateScale). */
  get requestsPerMinute(): number {
    return Math.max(1, Math.round(REQUESTS_PER_MINUTE * this.rateScale));
  }

  get companies(): readonly Company[] {
    return this.data.companies;
  }

  async start(): Promise<this> {
    await this.http.start();
    return this;
  }

  async stop(): Promise<void> {
    this.webhooks?.stop();
    await this.http.stop();
  }

  private counters(realmId: string): RealmCounters {
    let c = this.counterMap.get(realmId);
    if (!c)
      this.counterMap.set(realmId, (c = { requests: 0, meteredReads: 0, throttled: 0, inFlight: 0, maxInFlight: 0 }));
    return c;
  }

  private timeText(offsetMinutes: number): string {
    return responseTimeText(this.clock.now().getTime(), offsetMinutes);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    try {
      const body = await readBody(req);
      // §2.8: Intuit's authorize page (appcenter.intuit.com/connect/oauth2), on this server.
      if (req.method === 'GET' && url.pathname === '/connect/oauth2') {
        const out = this.oauth.authorize(
          url.searchParams,
          this.data.companies.map((c) => c.realmId),
        );
        if (out.status === 302) {
          res.writeHead(302, { Location: out.location, 'Content-Length': 0 });
          res.end();
        } else sendBody(res, 400, 'text/plain; charset=utf-8', out.message);
        return;
      }
      // §2.8: POST https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer
      if (req.method === 'POST' && url.pathname === '/oauth2/v1/tokens/bearer') {
        const out = this.oauth.token(
          requestHeader(req, 'authorization'),
          new URLSearchParams(body),
          requestHeader(req, 'x-include-refresh-token-hard-expires-in') === 'true',
        );
        sendBody(res, out.status, 'application/json;charset=UTF-8', JSON.stringify(out.body), {
          'Cache-Control': 'no-cache, no-store',
        });
        return;
      }
      if (url.pathname.startsWith('/_simulator/')) return this.control(req, res, url, body);
      const api = /^\/v3\/company\/([^/]+)\/(.+)$/.exec(url.pathname);
      if (api) return await this.api(req, res, decodeURIComponent(api[1]!), api[2]!, url, body);
      sendBody(res, 404, 'application/json;charset=UTF-8', JSON.stringify({ error: 'not found' }));
    } catch (e) {
      if (!res.headersSent)
        sendBody(
          res,
          500,
          'application/json;charset=UTF-8',
          faultBody('SystemFault', { ...FAULTS.system(), Detail: String(e) }, this.timeText(0)),
        );
    }
  }

  private async api(
    req: IncomingMessage,
    res: ServerResponse,
    realmId: string,
    rest: string,
    url: URL,
    body: string,
  ): Promise<void> {
    const counters = this.counters(realmId);
    counters.requests++;
    const company = this.data.company(realmId);
    const reply: Reply = { res, drop: false, offsetMinutes: company?.offsetMinutes ?? 0 };
    const injected = this.controls.faults.shift();
    if (injected === '500') return this.fault(reply, 500, 'SystemFault', FAULTS.system());
    // §2.4: "HTTP 200 may still carry a Fault".
    if (injected === 'fault200') return this.fault(reply, 200, 'SystemFault', FAULTS.system());
    if (injected === '429') return this.throttle(reply);
    if (injected === '401')
      return this.fault(reply, 401, 'AuthenticationFault', FAULTS.authentication('Token expired'));
    if (injected === 'drop') reply.drop = true;
    // §2.4 and §2.10: 401 on a missing or expired access token.
    const access = this.oauth.check(bearerToken(req), realmId);
    if (access === 'missing' || access === 'unknown')
      return this.fault(reply, 401, 'AuthenticationFault', FAULTS.authentication('Token invalid'));
    if (access === 'expired')
      return this.fault(reply, 401, 'AuthenticationFault', FAULTS.authentication('Token expired'));
    if (access === 'other_realm' || !company)
      return this.fault(reply, 403, 'AuthorizatonFault', FAULTS.authorization());
    // §2.9: 10 in flight and 500 per minute per realm, both answered 429 with the XML body of §2.4.
    if (counters.inFlight >= MAX_IN_FLIGHT || !this.admit(realmId)) {
      counters.throttled++;
      return this.throttle(reply);
    }
    counters.inFlight++;
    counters.maxInFlight = Math.max(counters.maxInFlight, counters.inFlight);
    try {
      if (this.controls.latencyMs > 0) await new Promise((r) => setTimeout(r, this.controls.latencyMs));
      // §2.5: minorversion below 75 is served as 75; the simulator serves one version whatever is asked.
      const [head = '', id, tail] = rest.split('/');
      if (head === 'query' && (req.method === 'GET' || req.method === 'POST')) {
        let statement: string | null;
        if (req.method === 'GET') statement = url.searchParams.get('query');
        else {
          // §2.2: POST with the statement as the body and Content-Type: application/text.
          const type = (requestHeader(req, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
          if (type !== 'application/text')
            return this.fault(reply, 400, 'ValidationFault', {
              Message: 'Unsupported Media Type',
              Detail: `a query is POSTed as application/text, not ${type || 'no Content-Type'} [simulator]`,
              code: '4000',
            });
          statement = body;
        }
        return this.query(reply, company, statement ?? '', counters);
      }
      if (head === 'cdc' && req.method === 'GET') return this.cdc(reply, company, url, counters);
      const entity = entityNamed(head);
      if (entity === 'Invoice' && id !== undefined && tail === 'pdf' && req.method === 'GET')
        return this.pdf(req, reply, company, decodeURIComponent(id), counters);
      if (entity && id !== undefined && req.method === 'GET')
        return this.read(reply, company, entity, decodeURIComponent(id), counters);
      if (entity === 'Invoice' && id === undefined && req.method === 'POST')
        return this.update(reply, company, url, body);
      if (entity && req.method === 'POST')
        return this.fault(reply, 400, 'ValidationFault', unsupported(`writes to ${entity} are not simulated`));
      return this.fault(reply, 404, 'ValidationFault', {
        Message: 'Unsupported Operation',
        Detail: `${req.method ?? ''} /v3/company/${realmId}/${rest} is not simulated`,
        code: '4000',
      });
    } finally {
      counters.inFlight--;
    }
  }

  /** True when the realm is under its per-minute limit, which then counts this request. */
  private admit(realmId: string): boolean {
    const now = this.realNow();
    let hits = this.windows.get(realmId);
    if (!hits) this.windows.set(realmId, (hits = []));
    while (hits.length > 0 && hits[0]! <= now - 60_000) hits.shift();
    if (hits.length >= this.requestsPerMinute) return false;
    hits.push(now);
    return true;
  }

  private query(reply: Reply, company: Company, statement: string, counters: RealmCounters): void {
    try {
      const q = parseQuery(statement);
      const { entity, rows, table } = matchingRows(company, q);
      counters.meteredReads++;
      if (q.count) return this.json(reply, 200, { QueryResponse: { totalCount: rows.length } });
      const start = q.startPosition ?? 1;
      let max = q.maxResults ?? DEFAULT_MAX_RESULTS;
      if (start < 1) throw new QueryError('4001', 'Invalid query', 'QueryValidationError: STARTPOSITION starts at 1');
      if (max < 1) throw new QueryError('4001', 'Invalid query', 'QueryValidationError: MAXRESULTS must be at least 1');
      if (max > MAX_RESULTS_LIMIT) {
        if (this.controls.maxResultsOver1000 === 'error')
          throw new QueryError(
            '4001',
            'Invalid query',
            `QueryValidationError: MAXRESULTS may not exceed ${MAX_RESULTS_LIMIT}`,
          );
        max = MAX_RESULTS_LIMIT;
      }
      const page = rows.subarray(start - 1, start - 1 + max);
      // §2.2: no entity key when nothing matches; maxResults is how many came back (the sample's 1).
      if (page.length === 0) return this.json(reply, 200, { QueryResponse: {} });
      const items: Json[] = [];
      for (const row of page) items.push(table.render(row));
      this.json(reply, 200, { QueryResponse: { [entity]: items, startPosition: start, maxResults: items.length } });
    } catch (e) {
      if (!(e instanceof QueryError)) throw e;
      this.fault(reply, 400, 'ValidationFault', { Message: e.message, Detail: e.detail, code: e.code });
    }
  }

  private read(reply: Reply, company: Company, entity: EntityName, id: string, counters: RealmCounters): void {
    let json: Json | undefined;
    const n = /^\d+$/.test(id) ? Number(id) : NaN;
    if (entity === 'Invoice') {
      const row = company.invoiceRow(n);
      if (row !== undefined && company.invoices.state[row] !== INVOICE_DELETED) json = renderInvoice(company, row);
    } else if (entity === 'Payment') {
      const p = company.payment(n);
      if (p && !p.deleted) json = renderPayment(company, p);
    } else if (entity === 'CreditMemo') {
      const m = company.creditMemo(n);
      if (m && !m.deleted) json = renderCreditMemo(company, m);
    } else if (entity === 'Customer') {
      if (company.customerById(n)) json = renderCustomer(company, n - 1);
    } else json = renderCompanyInfo(company);
    counters.meteredReads++;
    if (!json) return this.fault(reply, 400, 'ValidationFault', FAULTS.notFound(entity, id));
    this.json(reply, 200, { [entity]: json });
  }

  /**
   * An invoice as a PDF (invoice-pdf.ts; UNVERIFIED: not in the reference, the path public clients
   * use, with `Accept: application/pdf`). Every invoice has one, a voided one too; a deleted or
   * unknown one gets the Fault a read by id gets. Metered like a read by id (§2.9) [UNVERIFIED].
   */
  private pdf(req: IncomingMessage, reply: Reply, company: Company, id: string, counters: RealmCounters): void {
    // UNVERIFIED what Intuit answers an Accept without application/pdf: refused here, so that a
    // client that forgets the header finds out from the simulator rather than from QuickBooks.
    const accept = (requestHeader(req, 'accept') ?? '').toLowerCase();
    if (!/application\/pdf|\*\/\*|application\/\*/.test(accept))
      return this.fault(reply, 400, 'ValidationFault', {
        Message: 'Unsupported Media Type',
        Detail: `an invoice PDF is asked with Accept: application/pdf, not ${accept || 'no Accept'} [simulator]`,
        code: '4000',
      });
    counters.meteredReads++;
    const row = company.invoiceRow(/^\d+$/.test(id) ? Number(id) : NaN);
    if (row === undefined || company.invoices.state[row] === INVOICE_DELETED)
      return this.fault(reply, 400, 'ValidationFault', FAULTS.notFound('Invoice', id));
    if (reply.drop) return void reply.res.destroy();
    const body = invoicePdf(company, row);
    reply.res.writeHead(200, { 'Content-Type': 'application/pdf', 'Content-Length': body.length });
    reply.res.end(body);
  }

  /** §2.4: the sparse update of an invoice's PrivateNote or CustomField, guarded by its SyncToken. */
  private update(reply: Reply, company: Company, url: URL, body: string): void {
    // §2.1 lists POST {entity} for create and update and ?operation=delete for delete; Intuit's Java
    // SDK (intuit/QuickBooks-V3-Java-SDK DataService.prepareUpdate) and node-quickbooks (module.update)
    // send updates as POST {entity}?operation=update, so that is an update too. Other operations
    // (delete, void) are not simulated.
    const operation = url.searchParams.get('operation');
    if (operation !== null && operation !== 'update')
      return this.fault(reply, 400, 'ValidationFault', unsupported(`operation=${operation}`));
    let input: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(body);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      input = parsed as Record<string, unknown>;
    } catch {
      return this.fault(reply, 400, 'ValidationFault', {
        Message: 'Request has invalid or unsupported property',
        Detail: 'the body is not a JSON object',
        code: '2010',
      });
    }
    if (input.Id === undefined) return this.fault(reply, 400, 'ValidationFault', unsupported('creating an invoice'));
    if (input.sparse !== true)
      return this.fault(reply, 400, 'ValidationFault', unsupported('a full update (send "sparse": true)'));
    const others = Object.keys(input).filter(
      (k) => !['Id', 'SyncToken', 'sparse', 'domain', 'PrivateNote', 'CustomField'].includes(k),
    );
    if (others.length > 0)
      return this.fault(
        reply,
        400,
        'ValidationFault',
        unsupported(`updating ${others.join(', ')} (only PrivateNote and CustomField)`),
      );
    const id = typeof input.Id === 'string' || typeof input.Id === 'number' ? String(input.Id) : '';
    const row = company.invoiceRow(/^\d+$/.test(id) ? Number(id) : NaN);
    if (row === undefined || company.invoices.state[row] === INVOICE_DELETED)
      return this.fault(reply, 400, 'ValidationFault', FAULTS.notFound('Invoice', id));
    if (typeof input.SyncToken !== 'string' || input.SyncToken !== String(company.invoices.syncToken[row]))
      return this.fault(reply, 400, 'ValidationFault', FAULTS.stale());
    const change: { privateNote?: string; customField?: string | null } = {};
    if (input.PrivateNote !== undefined) {
      if (typeof input.PrivateNote !== 'string')
        return this.fault(reply, 400, 'ValidationFault', FAULTS.validation('PrivateNote must be text', 'PrivateNote'));
      if (input.PrivateNote.length > PRIVATE_NOTE_MAX)
        return this.fault(
          reply,
          400,
          'ValidationFault',
          FAULTS.validation(`PrivateNote is longer than ${PRIVATE_NOTE_MAX} characters`, 'PrivateNote'),
        );
      change.privateNote = input.PrivateNote;
    }
    if (input.CustomField !== undefined) {
      const fields = Array.isArray(input.CustomField) ? (input.CustomField as unknown[]) : [];
      for (const f of fields) {
        const field = (f ?? {}) as { DefinitionId?: unknown; StringValue?: unknown };
        if (String(field.DefinitionId) !== company.invoiceField.DefinitionId)
          return this.fault(
            reply,
            400,
            'ValidationFault',
            FAULTS.validation(`no custom field ${String(field.DefinitionId)}`, 'CustomField'),
          );
        if (field.StringValue !== undefined && typeof field.StringValue !== 'string')
          return this.fault(
            reply,
            400,
            'ValidationFault',
            FAULTS.validation('StringValue must be text', 'CustomField'),
          );
        change.customField = field.StringValue ?? null;
      }
    }
    this.data.updateInvoice(company.realmId, id, change);
    this.json(reply, 200, { Invoice: renderInvoice(company, row) });
  }

  /** §2.6: changes since `changedSince`, at most 30 days back, at most 1000 objects over all entities. */
  private cdc(reply: Reply, company: Company, url: URL, counters: RealmCounters): void {
    const names = (url.searchParams.get('entities') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const entities: EntityName[] = [];
    for (const name of names) {
      const e = entityNamed(name);
      if (!e || !SERVED_ENTITIES.includes(e))
        return this.fault(reply, 400, 'ValidationFault', {
          Message: 'Invalid entity',
          Detail: `CDC does not serve ${name} [simulator]`,
          code: '4001',
        });
      if (!entities.includes(e)) entities.push(e);
    }
    if (entities.length === 0)
      return this.fault(reply, 400, 'ValidationFault', {
        Message: 'Invalid query',
        Detail: 'entities is required',
        code: '4001',
      });
    const since = parseInstant(url.searchParams.get('changedSince') ?? '', company.offsetMinutes);
    if (since === undefined)
      return this.fault(reply, 400, 'ValidationFault', {
        Message: 'Invalid query',
        Detail: 'changedSince is not a date-time',
        code: '4001',
      });
    const now = this.clock.now().getTime() / 1000;
    // §2.6: "the last 30 days only" [UNVERIFIED: the code and text of the refusal].
    if (since < now - CDC_WINDOW_DAYS * 86_400)
      return this.fault(reply, 400, 'ValidationFault', {
        Message: 'Invalid query',
        Detail: `changedSince must be within the last ${CDC_WINDOW_DAYS} days`,
        code: '4001',
      });
    counters.meteredReads++;
    const found: { entity: EntityName; updated: number; id: number; render: () => Json }[] = [];
    for (const entity of entities) collectChanges(company, entity, since, found);
    // Which 1000 a full answer holds is [UNVERIFIED]: the oldest changes, so a client's next window can start from the last one.
    found.sort((a, b) => a.updated - b.updated || a.id - b.id);
    const kept = found.slice(0, CDC_MAX_OBJECTS);
    const responses = entities.map((entity) => {
      const items = kept.filter((f) => f.entity === entity).map((f) => f.render());
      // §2.6 [UNVERIFIED JSON shape]: an empty QueryResponse for an entity with no changes.
      return items.length === 0
        ? {}
        : { [entity]: items, startPosition: 1, maxResults: items.length, totalCount: items.length };
    });
    this.json(reply, 200, { CDCResponse: [{ QueryResponse: responses }] });
  }

  private json(reply: Reply, status: number, body: Json): void {
    if (reply.drop) return void reply.res.destroy();
    sendBody(
      reply.res,
      status,
      'application/json;charset=UTF-8',
      JSON.stringify({ ...body, time: this.timeText(reply.offsetMinutes) }),
    );
  }

  private fault(reply: Reply, status: number, type: FaultType, error: FaultError): void {
    if (reply.drop) return void reply.res.destroy();
    sendBody(
      reply.res,
      status,
      'application/json;charset=UTF-8',
      faultBody(type, error, this.timeText(reply.offsetMinutes)),
    );
  }

  private throttle(reply: Reply): void {
    if (reply.drop) return void reply.res.destroy();
    // §2.4: the 429 body is XML even when JSON was asked for; §2.9: wait 60 s (no Retry-After is sent [UNVERIFIED]).
    sendBody(reply.res, 429, 'application/xml', throttleXml(this.timeText(reply.offsetMinutes)));
  }

  private control(req: IncomingMessage, res: ServerResponse, url: URL, body: string): void {
    const reply = (status: number, value: unknown): void =>
      sendBody(res, status, 'application/json; charset=utf-8', JSON.stringify(value));
    let input: Record<string, unknown> = {};
    try {
      if (body.trim() !== '') input = JSON.parse(body) as Record<string, unknown>;
    } catch {
      return reply(400, { error: 'the body is not JSON' });
    }
    const path = url.pathname.slice('/_simulator'.length);
    const str = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
    try {
      if (req.method === 'GET' && path === '/counters') return reply(200, this.controls.counters());
      if (req.method === 'GET' && path === '/companies')
        return reply(
          200,
          this.companies.map((c) => ({
            realmId: c.realmId,
            name: c.name,
            country: c.country,
            homeCurrency: c.homeCurrency,
            currencies: c.currencies,
          })),
        );
      if (req.method === 'GET' && path === '/webhooks') return reply(200, this.controls.webhookDeliveries);
      const listed = /^\/realms\/([^/]+)\/invoices$/.exec(path);
      if (req.method === 'GET' && listed) {
        // Inspection (no token, loopback only): every invoice as the API renders it, private note
        // included; `?noted=1` keeps those with a note, where the connector's entries go.
        const company = this.data.company(listed[1]!);
        if (!company) return reply(404, { error: `no company ${listed[1]}` });
        const invoices: Json[] = [];
        for (let row = 0; row < company.invoices.length; row++) {
          if (company.invoices.state[row] === INVOICE_DELETED) continue;
          if (url.searchParams.get('noted') === '1' && !company.invoices.privateNote.has(row)) continue;
          invoices.push(renderInvoice(company, row));
        }
        return reply(200, { Invoice: invoices });
      }
      if (req.method !== 'POST') return reply(404, { error: 'not found' });
      if (path === '/tokens')
        return reply(200, this.controls.issueTokens(str(input.realmId), input.hardExpiry === true));
      if (path === '/expire-tokens') {
        this.controls.expireAccessTokens();
        return reply(200, {});
      }
      if (path === '/faults') {
        const kind = str(input.kind) as InjectedFault;
        if (!['500', 'fault200', '429', '401', 'drop'].includes(kind))
          return reply(400, { error: 'kind must be one of 500, fault200, 429, 401, drop' });
        this.controls.injectFault(kind, typeof input.count === 'number' ? input.count : 1);
        return reply(200, { pending: this.controls.faults.length });
      }
      if (path === '/settings') {
        if (input.maxResultsOver1000 === 'error' || input.maxResultsOver1000 === 'cap')
          this.controls.maxResultsOver1000 = input.maxResultsOver1000;
        if (typeof input.latencyMs === 'number') this.controls.latencyMs = input.latencyMs;
        if (input.webhookFormat === 'legacy' || input.webhookFormat === 'cloudevents')
          this.controls.webhookFormat = input.webhookFormat;
        return reply(200, { maxResultsOver1000: this.controls.maxResultsOver1000, latencyMs: this.controls.latencyMs });
      }
      if (path === '/webhooks/flush') {
        void this.controls.flushWebhooks();
        return reply(200, {});
      }
      const m = /^\/realms\/([^/]+)\/(invoices|payments|customers)(?:\/([^/]+))?(?:\/(void|delete))?$/.exec(path);
      if (m) {
        const [, realmId = '', kind, id, action] = m;
        if (kind === 'invoices' && id === undefined)
          return reply(200, {
            Id: this.controls.createInvoice(realmId, {
              customerId: str(input.customerId),
              amount: Number(input.amount),
              ...(typeof input.dueInDays === 'number' ? { dueInDays: input.dueInDays } : {}),
              ...(typeof input.docNumber === 'string' ? { docNumber: input.docNumber } : {}),
            }),
          });
        if (kind === 'invoices' && id !== undefined && action === 'void') this.controls.voidInvoice(realmId, id);
        else if (kind === 'invoices' && id !== undefined && action === 'delete')
          this.controls.deleteInvoice(realmId, id);
        else if (kind === 'invoices' && id !== undefined)
          this.controls.updateInvoice(realmId, id, {
            ...(typeof input.privateNote === 'string' ? { privateNote: input.privateNote } : {}),
            ...(typeof input.customField === 'string' || input.customField === null
              ? { customField: input.customField }
              : {}),
          });
        else if (kind === 'payments' && id === undefined)
          return reply(200, {
            Id: this.controls.addPayment(realmId, { invoiceId: str(input.invoiceId), amount: Number(input.amount) }),
          });
        else if (kind === 'customers' && id !== undefined && action === undefined)
          this.controls.updateCustomer(realmId, id, {
            ...(typeof input.displayName === 'string' ? { displayName: input.displayName } : {}),
            ...(typeof input.active === 'boolean' ? { active: input.active } : {}),
            ...(typeof input.email === 'string' ? { email: input.email } : {}),
            ...(typeof input.phone === 'string' ? { phone: input.phone } : {}),
          });
        else return reply(404, { error: 'not found' });
        return reply(200, {});
      }
      return reply(404, { error: 'not found' });
    } catch (e) {
      if (e instanceof SimulatorInputError) return reply(400, { error: e.message });
      throw e;
    }
  }
}

function unsupported(what: string): FaultError {
  return {
    Message: 'Operation not supported by the simulator',
    Detail: `The QuickBooks Online simulator does not support ${what}`,
    code: '6000',
  };
}

function collectChanges(
  company: Company,
  entity: EntityName,
  since: number,
  out: { entity: EntityName; updated: number; id: number; render: () => Json }[],
): void {
  if (entity === 'Invoice') {
    const inv = company.invoices;
    for (let row = 0; row < inv.length; row++) {
      const updated = inv.updated[row]!;
      // Changes at or after changedSince [UNVERIFIED: inclusive].
      if (updated < since) continue;
      const id = inv.id[row]!;
      out.push({
        entity,
        updated,
        id,
        render: () =>
          inv.state[row] === INVOICE_DELETED ? deletedStub(company, id, updated) : renderInvoice(company, row),
      });
    }
  } else if (entity === 'Payment' || entity === 'CreditMemo') {
    const items = entity === 'Payment' ? company.payments : company.creditMemos;
    for (const item of items) {
      if (item.updated < since) continue;
      out.push({
        entity,
        updated: item.updated,
        id: item.id,
        render: () =>
          item.deleted
            ? deletedStub(company, item.id, item.updated)
            : entity === 'Payment'
              ? renderPayment(company, item as (typeof company.payments)[number])
              : renderCreditMemo(company, item as (typeof company.creditMemos)[number]),
      });
    }
  } else if (entity === 'Customer') {
    // Inactive customers come back too: CDC has no implicit Active filter [UNVERIFIED].
    company.customers.forEach((k, index) => {
      if (k.updated >= since)
        out.push({ entity, updated: k.updated, id: k.id, render: () => renderCustomer(company, index) });
    });
  }
}

const MAX_BODY = 4 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return readRequestBody(req, MAX_BODY);
}
