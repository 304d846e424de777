import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  execute,
  GraphQLError,
  Kind,
  OperationTypeNode,
  parse,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLFormattedError,
  type OperationDefinitionNode,
} from 'graphql';
import { systemClock, type Clock } from '../../../connector/time/clock';
import { LoopbackServer } from '../../loopback-server';
import { bearerToken, requestHeader, sendBody } from '../../simulator-http';
import { SageActiveData, SimulatorInputError, type Organization } from './data';
import {
  BAD_SUBSCRIPTION_KEY,
  INJECTABLE_FAULTS,
  JWT_NOT_PRESENT,
  PREFLIGHT_MISSING,
  rateLimitBody,
  SERVER_ERROR,
  USER_NEVER_LOGGED_IN,
  type InjectedFault,
} from './faults';
import { boundaryOf, MultipartError, parseMultipart } from './multipart';
import { SbcAuthServer, type RefreshRotation, type SageUser, type TokenResponse } from './oauth';
import { SageBusinessError, SageSchema, UploadedFile, type SchemaSettings, type WriteRecord } from './resolvers';

/**
 * The Sage Active simulator's HTTP face (shared/reference/sage.md §2, checklist §2.7): `POST /graphql`
 * with the gateway's header checks in the documented order, SBC Auth's authorize, token and revocation
 * endpoints, rate limiting, injected faults, and under `/_simulator/` the inspection and controls (no
 * token: the simulator listens on loopback). A client changes only its base URLs to talk to it.
 */

export interface SageActiveSimulatorOptions {
  seed?: number;
  /** Sales invoices and credit notes over both organisations. Default 300. */
  invoices?: number;
  /** Data dates, and token lifetimes unless `authClock` is given. Default the system clock. */
  clock?: Clock;
  /**
   * Token and authorization-code lifetimes, when they must run in real time while the data's clock
   * runs fast (the demo: an 8-hour access token would otherwise end every second or so).
   */
  authClock?: Clock;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Factor on §2.2's 3000 requests per minute per app (0.001 allows 3). Default 1. */
  rateScale?: number;
  /** Real time in ms for the rate window. Default Date.now. */
  realNow?: () => number;
}

/** §2.2: "3000 requests per app per minute, HTTP 429 with Retry-After" [UNVERIFIED, the page is cut off]. */
export const REQUESTS_PER_MINUTE = 3_000;
/** §2.2: "at most 10 concurrent mutations" [UNVERIFIED how the 11th is answered: the 429 here]. */
export const MAX_CONCURRENT_MUTATIONS = 10;
/** UNVERIFIED: the largest request body (an upload included). */
const MAX_BODY_BYTES = 12 * 1024 * 1024;
/** Hot Chocolate's link for a field that does not exist on its type (§2.6, the 400 validation body). */
const FIELD_SELECTIONS_SPEC =
  'https://spec.graphql.org/October2021/#sec-Field-Selections-on-Objects-Interfaces-and-Unions-Types';

export interface SimulatorCounters {
  /** Every request to /graphql. */
  requests: number;
  /** Answers by HTTP status. */
  byStatus: Record<string, number>;
  /** Executed operations by root field. */
  byField: Record<string, number>;
  throttled: number;
}

export interface RequestLogEntry {
  atMs: number;
  status: number;
  /** The root fields asked for, when the request got as far as parsing. */
  fields: string[];
  organizationId: string | null;
}

/** Handles for tests and the CLI; the same operations answer under /_simulator/. */
export class SageActiveSimulatorControls {
  /** Real milliseconds each executed request waits (to see concurrency). */
  latencyMs = 0;
  readonly faults: InjectedFault[] = [];

  constructor(private readonly sim: SageActiveSimulator) {}

  get settings(): SchemaSettings {
    return this.sim.graph.settings;
  }

  set refreshRotation(mode: RefreshRotation) {
    this.sim.oauth.refreshRotation = mode;
  }

  /** The next `count` /graphql requests that pass the header checks fail as `kind` says. */
  injectFault(kind: InjectedFault, count = 1): void {
    if (!INJECTABLE_FAULTS.includes(kind))
      throw new SimulatorInputError(`fault must be one of ${INJECTABLE_FAULTS.join(', ')}`);
    for (let i = 0; i < count; i++) this.faults.push(kind);
  }

  /** Tokens for a user as if they had just signed in and consented (default: the logged-in user). */
  issueTokens(userId = this.sim.users[0]!.id, scope?: string): TokenResponse {
    if (!this.sim.users.some((u) => u.id === userId)) throw new SimulatorInputError(`no user ${userId}`);
    return this.sim.oauth.issue(userId, scope);
  }

  expireAccessTokens(): void {
    this.sim.oauth.expireAccessTokens();
  }

  pay(organizationId: string, invoiceId: string, amountCents: number): void {
    this.sim.data.pay(organizationId, invoiceId, amountCents, this.sim.nowMs());
  }

  /** A new posted invoice with one open item (data.ts createInvoice); returns its id. */
  createInvoice(
    organizationId: string,
    input: { customerId: string; amountCents: number; dueInDays?: number },
  ): string {
    return this.sim.data.createInvoice(organizationId, input, this.sim.nowMs()).id;
  }

  deleteInvoice(organizationId: string, invoiceId: string): void {
    this.sim.data.deleteInvoice(organizationId, invoiceId);
  }

  /** Credits what is left on an invoice with a credit note settled against it (data.ts creditInvoice); returns the credit note's id. */
  creditInvoice(organizationId: string, invoiceId: string): string {
    return this.sim.data.creditInvoice(organizationId, invoiceId, this.sim.nowMs()).id;
  }

  get writes(): readonly WriteRecord[] {
    return this.sim.graph.writes;
  }

  get requestLog(): readonly RequestLogEntry[] {
    return this.sim.log;
  }

  counters(): SimulatorCounters {
    const c = this.sim.counters;
    return { ...c, byStatus: { ...c.byStatus }, byField: { ...c.byField } };
  }
}

export class SageActiveSimulator {
  readonly controls: SageActiveSimulatorControls;
  readonly data: SageActiveData;
  readonly oauth: SbcAuthServer;
  readonly graph: SageSchema;
  readonly users: SageUser[];
  readonly subscriptionKeys: readonly [string, string];
  readonly clientId: string;
  readonly clientSecret: string;
  readonly counters: SimulatorCounters = { requests: 0, byStatus: {}, byField: {}, throttled: 0 };
  readonly log: RequestLogEntry[] = [];
  private readonly clock: Clock;
  private readonly realNow: () => number;
  private readonly hits: number[] = [];
  private scale: number;
  private mutationsInFlight = 0;
  private readonly http: LoopbackServer;

  constructor(options: SageActiveSimulatorOptions = {}) {
    const seed = options.seed ?? 1;
    this.clock = options.clock ?? systemClock;
    this.realNow = options.realNow ?? Date.now;
    this.scale = options.rateScale ?? 1;
    if (!(this.scale > 0) || !Number.isFinite(this.scale))
      throw new RangeError(`rateScale must be a positive number, got ${this.scale}`);
    this.data = new SageActiveData({ seed, invoices: options.invoices ?? 300, nowMs: this.nowMs() });
    const orgIds = this.data.organizations.map((o) => o.id);
    // §2.1: primary and secondary subscription keys; both work.
    this.subscriptionKeys = [`sage-sim-subscription-${seed}-primary`, `sage-sim-subscription-${seed}-secondary`];
    this.clientId = `sage-sim-client-${seed}`;
    this.clientSecret = `sage-sim-secret-${seed}`;
    this.users = [
      {
        id: '7f3a2c10-5b6d-4e8f-9a01-000000000001',
        email: 'comptable@menuiserie-lefevre.example.fr',
        firstName: 'Claire',
        lastName: 'Lefèvre',
        loggedInOnce: true,
        organizationIds: orgIds,
      },
      {
        // §2.1: a user who never opened Sage Active; every API call answers 403.
        id: '7f3a2c10-5b6d-4e8f-9a01-000000000002',
        email: 'nouveau@menuiserie-lefevre.example.fr',
        firstName: 'Paul',
        lastName: 'Durand',
        loggedInOnce: false,
        organizationIds: orgIds,
      },
      {
        // A user with rights on the first organisation only (§2.6 AUTH_NOT_AUTHORIZED on the other).
        id: '7f3a2c10-5b6d-4e8f-9a01-000000000003',
        email: 'atelier@menuiserie-lefevre.example.fr',
        firstName: 'Inès',
        lastName: 'Moreau',
        loggedInOnce: true,
        organizationIds: orgIds.slice(0, 1),
      },
    ];
    this.oauth = new SbcAuthServer(this.clientId, this.clientSecret, options.authClock ?? this.clock);
    this.graph = new SageSchema(this.data, {
      dateTimeFormat: 'milliseconds',
      creditNoteSign: 'positive',
      pageLimitCode: 'HC0051',
      lockedInvoiceUpdates: 'reject',
    });
    this.controls = new SageActiveSimulatorControls(this);
    this.http = new LoopbackServer('Sage Active simulator', (req, res) => this.handle(req, res), {
      ...(options.host === undefined ? {} : { host: options.host }),
      ...(options.port === undefined ? {} : { port: options.port }),
    });
  }

  nowMs(): number {
    return this.clock.now().getTime();
  }

  get url(): string {
    return this.http.url;
  }

  get organizations(): readonly Organization[] {
    return this.data.organizations;
  }

  get requestsPerMinute(): number {
    return Math.max(1, Math.round(REQUESTS_PER_MINUTE * this.scale));
  }

  set rateScale(scale: number) {
    if (!(scale > 0) || !Number.isFinite(scale))
      throw new RangeError(`rateScale must be a positive number, got ${scale}`);
    this.scale = scale;
    this.hits.length = 0;
  }

  async start(): Promise<this> {
    await this.http.start();
    return this;
  }

  async stop(): Promise<void> {
    await this.http.stop();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    try {
      const body = await readBody(req);
      // §2.1: SBC Auth's endpoints (https://sbcauth.sage.fr/connect/…), on this server.
      if (req.method === 'GET' && url.pathname === '/connect/authorize') return this.authorize(res, url);
      if (req.method === 'POST' && url.pathname === '/connect/token') {
        const out = this.oauth.token(requestHeader(req, 'authorization'), new URLSearchParams(body.toString('utf8')));
        return json(res, out.status, out.body, { 'Cache-Control': 'no-store' });
      }
      if (req.method === 'POST' && url.pathname === '/connect/revocation') {
        this.oauth.revoke(new URLSearchParams(body.toString('utf8')));
        return sendBody(res, 200, 'text/plain', '');
      }
      if (url.pathname === '/graphql') {
        // §2.2: every operation is a POST.
        if (req.method !== 'POST')
          return json(res, 405, { errors: [{ message: 'Only POST is served on /graphql [simulator].' }] });
        return await this.graphql(req, res, body);
      }
      if (url.pathname.startsWith('/_simulator/')) return this.control(req, res, url, body);
      json(res, 404, { statusCode: 404, message: 'Resource not found' });
    } catch (e) {
      if (!res.headersSent) json(res, 500, { ...SERVER_ERROR, detail: e instanceof Error ? e.message : String(e) });
    }
  }

  private authorize(res: ServerResponse, url: URL): void {
    // The consent page consents at once for the user named by `login_hint` (the simulator's sign-in), else the first.
    const hint = url.searchParams.get('login_hint');
    const user = this.users.find((u) => u.email === hint || u.id === hint) ?? this.users[0]!;
    const out = this.oauth.authorize(url.searchParams, user.id);
    if (out.status === 302) {
      res.writeHead(302, { Location: out.location, 'Content-Length': 0 });
      res.end();
    } else sendBody(res, 400, 'text/plain; charset=utf-8', out.message);
  }

  private async graphql(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    this.counters.requests++;
    const entry: RequestLogEntry = { atMs: this.nowMs(), status: 0, fields: [], organizationId: null };
    this.log.push(entry);
    if (this.log.length > 1_000) this.log.shift();
    const answer = (status: number, payload: object, headers: Record<string, string> = {}): void => {
      entry.status = status;
      this.counters.byStatus[status] = (this.counters.byStatus[status] ?? 0) + 1;
      json(res, status, payload, headers);
    };
    // §2.7: x-api-key first, then the bearer token, then X-OrganizationId (inside the GraphQL answer).
    const key = requestHeader(req, 'x-api-key');
    if (key === undefined || !this.subscriptionKeys.includes(key)) return answer(401, BAD_SUBSCRIPTION_KEY);
    // The limit is per app (§2.2), so it is counted once the subscription key names the app, before
    // the token is looked at [UNVERIFIED: the order of the gateway's policies].
    if (!this.admit()) {
      this.counters.throttled++;
      const retryAfter = this.retryAfterSeconds();
      return answer(429, rateLimitBody(retryAfter), { 'Retry-After': String(retryAfter) });
    }
    const access = this.oauth.check(bearerToken(req));
    // §2.6: one body for a missing or an expired token.
    if (!access.ok) return answer(401, JWT_NOT_PRESENT);
    const user = this.users.find((u) => u.id === access.userId)!;
    if (!user.loggedInOnce) return answer(403, USER_NEVER_LOGGED_IN);
    const fault = this.controls.faults.shift();
    if (fault === '500') return answer(500, SERVER_ERROR);
    if (fault === '429') return answer(429, rateLimitBody(60), { 'Retry-After': '60' });
    if (fault === '401') return answer(401, JWT_NOT_PRESENT);

    let request: { query: string; variables: Record<string, unknown>; operationName: string | null };
    try {
      request = this.readOperation(req, body);
    } catch (e) {
      if (e instanceof PreflightMissing) return answer(400, PREFLIGHT_MISSING);
      return answer(400, { errors: [{ message: e instanceof Error ? e.message : String(e) }] });
    }
    let document: DocumentNode;
    try {
      document = parse(request.query);
    } catch (e) {
      // UNVERIFIED: Hot Chocolate answers a syntax error with 400 and its own message; graphql-js's here.
      const err = e as GraphQLError;
      return answer(400, {
        errors: [{ message: err.message, locations: err.locations, extensions: { code: 'HC0011' } }],
      });
    }
    const validation = validate(this.graph.schema, document);
    // §2.6: GraphQL validation errors are HTTP 400 in Hot Chocolate's shape, without `data`.
    if (validation.length > 0) return answer(400, { errors: validation.map(hotChocolateValidationError) });
    const operation = document.definitions.find(
      (d): d is OperationDefinitionNode =>
        d.kind === Kind.OPERATION_DEFINITION &&
        (request.operationName === null || d.name?.value === request.operationName),
    );
    entry.fields = operation
      ? operation.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : []))
      : [];
    for (const f of entry.fields) this.counters.byField[f] = (this.counters.byField[f] ?? 0) + 1;
    const organizationId = requestHeader(req, 'x-organizationid');
    // §2.1: X-TenantId is deprecated and ignored; accepted without a word.
    entry.organizationId = organizationId ?? null;
    const isMutation = operation?.operation === OperationTypeNode.MUTATION;
    if (isMutation && this.mutationsInFlight >= MAX_CONCURRENT_MUTATIONS) {
      this.counters.throttled++;
      return answer(429, rateLimitBody(1), { 'Retry-After': '1' });
    }
    if (isMutation) this.mutationsInFlight++;
    let result: ExecutionResult;
    try {
      if (this.controls.latencyMs > 0) await new Promise((r) => setTimeout(r, this.controls.latencyMs));
      result = await execute({
        schema: this.graph.schema,
        document,
        rootValue: this.graph.root(),
        contextValue: { organizationId, user, scope: access.scope, nowMs: this.nowMs() },
        variableValues: request.variables,
        operationName: request.operationName,
      });
    } finally {
      if (isMutation) this.mutationsInFlight--;
    }
    // Variables that do not fit their types come back without data; Hot Chocolate answers those 400 too [UNVERIFIED].
    const status = result.data === undefined ? 400 : 200;
    const payload: Record<string, unknown> = {};
    if (result.errors && result.errors.length > 0) payload.errors = result.errors.map(formatError);
    if (result.data !== undefined) payload.data = result.data;
    if (fault === 'drop') {
      entry.status = -1;
      res.destroy();
      return;
    }
    answer(status, payload);
  }

  /** The operation of a JSON POST, or of a GraphQL multipart request (§2.5) with its files in place. */
  private readOperation(
    req: IncomingMessage,
    body: Buffer,
  ): { query: string; variables: Record<string, unknown>; operationName: string | null } {
    const type = requestHeader(req, 'content-type') ?? '';
    let operations: unknown;
    if (/^multipart\/form-data/i.test(type)) {
      // §2.5: uploads need the `GraphQL-preflight: 1` header (Hot Chocolate's CSRF guard).
      if (requestHeader(req, 'graphql-preflight') === undefined) throw new PreflightMissing();
      const boundary = boundaryOf(type);
      if (!boundary) throw new MultipartError('the multipart Content-Type has no boundary');
      const parts = parseMultipart(body, boundary);
      const ops = parts.find((p) => p.name === 'operations');
      const map = parts.find((p) => p.name === 'map');
      if (!ops || !map)
        throw new MultipartError('a GraphQL multipart request needs the `operations` and `map` fields first');
      operations = JSON.parse(ops.body.toString('utf8'));
      const mapping = JSON.parse(map.body.toString('utf8')) as Record<string, string[]>;
      for (const [partName, paths] of Object.entries(mapping)) {
        const part = parts.find((p) => p.name === partName);
        if (!part) throw new MultipartError(`the map names a file part "${partName}" the request does not have`);
        const file = new UploadedFile(part.filename ?? partName, part.contentType, Buffer.from(part.body));
        for (const path of paths) setPath(operations, path, file);
      }
    } else {
      try {
        operations = JSON.parse(body.toString('utf8'));
      } catch {
        throw new Error('The request body is not valid JSON [simulator].');
      }
    }
    const o = (operations ?? {}) as { query?: unknown; variables?: unknown; operationName?: unknown };
    if (typeof o.query !== 'string') throw new Error('The GraphQL request has no query [simulator].');
    return {
      query: o.query,
      variables: (o.variables ?? {}) as Record<string, unknown>,
      operationName: typeof o.operationName === 'string' ? o.operationName : null,
    };
  }

  /** True when the app is under its per-minute limit, which then counts this request. */
  private admit(): boolean {
    const now = this.realNow();
    while (this.hits.length > 0 && this.hits[0]! <= now - 60_000) this.hits.shift();
    if (this.hits.length >= this.requestsPerMinute) return false;
    this.hits.push(now);
    return true;
  }

  private retryAfterSeconds(): number {
    const oldest = this.hits[0] ?? this.realNow();
    return Math.max(1, Math.ceil((oldest + 60_000 - this.realNow()) / 1000));
  }

  private control(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): void {
    const path = url.pathname.slice('/_simulator/'.length);
    let input: Record<string, unknown> = {};
    if (req.method === 'POST' && body.length > 0) {
      try {
        input = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      } catch {
        return json(res, 400, { error: 'the body is not JSON' });
      }
    }
    try {
      if (req.method === 'GET' && path === 'state') return json(res, 200, this.state());
      if (req.method === 'GET' && path === 'counters') return json(res, 200, this.controls.counters());
      if (req.method === 'GET' && path === 'requests') return json(res, 200, { requests: this.log });
      if (req.method === 'GET' && path === 'writes') return json(res, 200, { writes: this.graph.writes });
      if (req.method === 'GET' && path === 'files')
        return json(res, 200, {
          files: this.data.organizations.flatMap((o) =>
            o.files.map((f) => ({
              id: f.id,
              organizationId: o.id,
              entityType: f.entityType,
              entityId: f.entityId,
              fileName: f.fileName,
              comment: f.comment,
              contentType: f.contentType,
              size: f.bytes.length,
              text: f.contentType.startsWith('text/') ? f.bytes.toString('utf8') : null,
            })),
          ),
        });
      if (req.method === 'POST' && path === 'tokens')
        return json(
          res,
          200,
          this.controls.issueTokens(optionalString(input.userId, 'userId'), optionalString(input.scope, 'scope')),
        );
      if (req.method === 'POST' && path === 'expire-tokens') {
        this.controls.expireAccessTokens();
        return json(res, 200, { ok: true });
      }
      if (req.method === 'POST' && path === 'faults') {
        const kind = String(input.kind) as InjectedFault;
        this.controls.injectFault(kind, typeof input.count === 'number' ? input.count : 1);
        return json(res, 200, { pending: this.controls.faults });
      }
      if (req.method === 'POST' && path === 'payments') {
        this.controls.pay(String(input.organizationId), String(input.invoiceId), Number(input.amountCents));
        return json(res, 200, { ok: true });
      }
      if (req.method === 'POST' && path === 'invoices') {
        const id = this.controls.createInvoice(String(input.organizationId), {
          customerId: String(input.customerId),
          amountCents: Number(input.amountCents),
          ...(input.dueInDays === undefined ? {} : { dueInDays: Number(input.dueInDays) }),
        });
        return json(res, 200, { id });
      }
      if (req.method === 'POST' && path === 'delete-invoice') {
        this.controls.deleteInvoice(String(input.organizationId), String(input.invoiceId));
        return json(res, 200, { ok: true });
      }
      if (req.method === 'POST' && path === 'credit-invoice') {
        const id = this.controls.creditInvoice(String(input.organizationId), String(input.invoiceId));
        return json(res, 200, { id });
      }
      if (req.method === 'POST' && path === 'settings') return json(res, 200, this.applySettings(input));
      json(res, 404, { error: `no control ${req.method ?? ''} /_simulator/${path}` });
    } catch (e) {
      if (e instanceof SimulatorInputError || e instanceof RangeError) return json(res, 400, { error: e.message });
      throw e;
    }
  }

  private applySettings(input: Record<string, unknown>): object {
    const s = this.graph.settings;
    const pick = <T extends string>(name: string, allowed: readonly T[]): T | undefined => {
      const v = input[name];
      if (v === undefined) return undefined;
      if (!allowed.includes(v as T)) throw new SimulatorInputError(`${name} must be one of ${allowed.join(', ')}`);
      return v as T;
    };
    s.dateTimeFormat = pick('dateTimeFormat', ['milliseconds', 'seconds', 'date'] as const) ?? s.dateTimeFormat;
    s.creditNoteSign = pick('creditNoteSign', ['positive', 'negative'] as const) ?? s.creditNoteSign;
    s.pageLimitCode = pick('pageLimitCode', ['HC0051', 'PAGINATION_MAX_ITEMS'] as const) ?? s.pageLimitCode;
    s.lockedInvoiceUpdates = pick('lockedInvoiceUpdates', ['reject', 'accept'] as const) ?? s.lockedInvoiceUpdates;
    const rotation = pick('refreshRotation', ['rotate', 'keep'] as const);
    if (rotation) this.oauth.refreshRotation = rotation;
    if (typeof input.rateScale === 'number') this.rateScale = input.rateScale;
    if (typeof input.latencyMs === 'number') this.controls.latencyMs = input.latencyMs;
    return {
      ...s,
      refreshRotation: this.oauth.refreshRotation,
      requestsPerMinute: this.requestsPerMinute,
      latencyMs: this.controls.latencyMs,
    };
  }

  /** What /_simulator/state shows: the organisations with their counts, the users, the settings. */
  state(): object {
    return {
      subscriptionKeys: this.subscriptionKeys,
      clientId: this.clientId,
      organizations: this.data.organizations.map((o) => ({
        id: o.id,
        socialName: o.socialName,
        edition: o.edition,
        customers: o.customers.length,
        salesInvoices: o.invoices.length,
        creditNotes: o.invoices.filter((i) => i.type === 'CREDIT_NOTE').length,
        accountingEntries: o.entries.length,
        files: o.files.length,
      })),
      users: this.users.map((u) => ({
        id: u.id,
        email: u.email,
        loggedInOnce: u.loggedInOnce,
        organizationIds: u.organizationIds,
      })),
      settings: {
        ...this.graph.settings,
        refreshRotation: this.oauth.refreshRotation,
        requestsPerMinute: this.requestsPerMinute,
      },
      counters: this.controls.counters(),
    };
  }
}

class PreflightMissing extends Error {}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendBody(res, status, 'application/json; charset=utf-8', JSON.stringify(body), headers);
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new SimulatorInputError(`${name} must be a string`);
  return value;
}

/**
 * §2.6: a business error carries only its key as `message`; an authorization one adds locations,
 * path and extensions; other execution errors keep graphql-js's shape.
 */
function formatError(error: GraphQLError): GraphQLFormattedError {
  const original = error.originalError;
  if (original instanceof SageBusinessError) {
    if (!original.withPlace) return { message: original.message };
    return {
      message: original.message,
      ...(error.locations ? { locations: error.locations } : {}),
      ...(error.path ? { path: error.path } : {}),
      ...(original.extensions ? { extensions: original.extensions } : {}),
    };
  }
  return error.toJSON();
}

/**
 * A validation error in Hot Chocolate's words where §2.6 quotes them (a field that does not exist
 * on its type); graphql-js's message otherwise [UNVERIFIED: the other rules' wording, and the `path`
 * §2.6 shows, which graphql-js's validation does not give].
 */
function hotChocolateValidationError(error: GraphQLError): GraphQLFormattedError {
  const unknownField = /^Cannot query field "([^"]+)" on type "([^"]+)"\./.exec(error.message);
  if (unknownField) {
    const [, field, type] = unknownField;
    return {
      message: `The field \`${field}\` does not exist on the type \`${type}\`.`,
      ...(error.locations ? { locations: error.locations } : {}),
      extensions: { type, field, responseName: field, specifiedBy: FIELD_SELECTIONS_SPEC },
    };
  }
  return { message: error.message, ...(error.locations ? { locations: error.locations } : {}) };
}

/** Sets `value` at a dotted path such as `variables.input.file` (the multipart spec's map). */
function setPath(target: unknown, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== 'object')
      throw new MultipartError(`the map path "${path}" does not exist in operations`);
    node = next as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`request body larger than ${MAX_BODY_BYTES} bytes`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
