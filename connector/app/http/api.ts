import type { ConnectionWriteBack } from '../../ports/erp';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { CaseOperationError, CaseOperations } from '../../cases';
import type { JobQueue } from '../../jobs/job-queue';
import type { Logger } from '../../log/logger';
import { StoreError } from '../../store/errors';
import type { Store } from '../../store/store';
import { businessDate, type Clock } from '../../time/clock';
import type { ApiSettings } from './api-config.schema';
import { bearerChecker } from './auth';
import { Sessions } from './sessions';
import { admitSignedIn, registerSessionRoutes, SESSION_ROUTE } from './session-routes';
import { registerDashboard } from '../dashboard/serve-dashboard';
import { registerCaseRoutes } from './case-routes';
import { registerKpiRoutes } from './kpi-routes';
import { portfolioOverview } from '../../kpis/overview';
import { createMetrics, type Metrics } from './metrics';
import { registerOpsRoutes } from './ops-routes';
import { registerWebhookRoutes, WEBHOOK_ROUTE } from './webhook-routes';
import {
  QUICKBOOKS_WEBHOOK_ROUTE,
  registerQuickBooksWebhookRoute,
  type QuickBooksWebhookTarget,
} from './quickbooks-webhook-route';
import type { LawFirmLink } from '../../lawfirm/link';
import type { CaseClaim } from '../../dossier';
import type { NextStep } from '../../policy/next-step';
import type { EscalationPreview } from '../../lawfirm/dossier-builder';
import type { LegalData } from '../../claim/legal-data';
import type { ProcedureData } from '../../dossier/procedure-data';
import { RequestValidationError } from './request-validation';
import { sendError } from './send-error';
import type { ApiContext, JobEnqueuer, LawFirmPolling } from './api-context';
import { registerLawFirmRoutes } from './lawfirm-routes';
import type { MonthlyReads } from '../erp-read-meter';
import type { ConnectionAuthorization } from '../connection-authorizations';

export type { ApiContext, JobEnqueuer };

/**
 * The daemon's JSON API for the finance controller's dashboard and scripts: read cases and
 * approvals, act on them (connector/cases), ask for a sync, look at failed jobs and quarantined
 * records and at the connections' authorizations; and the Prometheus metrics.
 *
 * - Every route but the probes, GET /health and GET /ready, needs `Authorization: Bearer
 *   <api.token>` (GET /metrics too, unless `metricsPublic`); the probes answer a status and
 *   nothing else. The token is compared in constant time and never logged.
 * - Errors are `{ error: { code, message } }` (400 adds `problems`, each with its path).
 * - The log has one line per request: method, route pattern, status, duration. No query
 *   string, no body, no header: nothing personal and nothing secret.
 */

export interface ApiDeps {
  store: Store;
  /** Enqueues manual syncs; without it, `queue` does, under the same job ids. */
  daemon?: JobEnqueuer;
  /** Failed jobs, queue gauges, and manual syncs when there is no daemon. */
  queue?: JobQueue;
  /** Ids of the configured connections: a sync of any other id is a 404. */
  connections?: Iterable<string>;
  /**
   * Every configured connection with the state of its OAuth authorization (connector/app/
   * connection-authorizations.ts): GET /connections lists them, GET /ready flags the worst, and
   * the metrics count the days left.
   */
  authorizations?: () => Promise<ConnectionAuthorization[]>;
  config: ApiSettings;
  clock: Clock;
  /** Real time when `clock` is simulated (the demo, a rehearsal); default `clock`. */
  wallClock?: Clock;
  logger: Logger;
  /** Shared with the daemon, which reports into it; created here when absent. */
  metrics?: Metrics;
  /** The company's time zone (business dates of views and operations); default Europe/Paris. */
  timeZone?: string;
  /** The company's locale (`company.locale`): amounts in journal lines and texts. Default fr-FR. */
  locale?: string;
  /** The law-firm partner: its signed webhook is served at POST /webhooks/lawfirm, its state at GET /lawfirm. */
  lawfirm?: LawFirmLink;
  /** How the daemon polls the partner's events (GET /lawfirm); absent, the answer says null (not known here). */
  lawfirmPolling?: LawFirmPolling;
  /**
   * Each connection whose provider meters reads per month, with its reads this month and its
   * allowance (connector/app/erp-read-meter.ts): GET /connections `reads` and the metrics.
   */
  monthlyReads?: () => Promise<Map<string, MonthlyReads>>;
  /** QuickBooks connections whose changes Intuit posts to POST /webhooks/quickbooks (signed, no API token). */
  quickbooksWebhooks?: readonly QuickBooksWebhookTarget[];
  /** The legal figures in use: GET /legal/status. */
  legal?: LegalData;
  /** The procedure figures: the deadlines that follow a title in GET /cases/:id/dossiers. */
  procedures?: ProcedureData;
  /** The gate and the recommended procedure and court of an escalation waiting for approval (GET /approvals). */
  escalationPreview?: (caseId: string) => Promise<EscalationPreview | undefined>;
  /** The claim of a case as of today, as the law firm would be handed it (GET /cases/:id/claim). */
  caseClaim?: (caseId: string) => Promise<CaseClaim | undefined>;
  /** What the dunning ladder does next on a case (GET /cases/:id/next-step). */
  nextStep?: (caseId: string) => Promise<NextStep | undefined>;
  /** What each connection's ledger takes: an approval records no ledger row its ledgers cannot perform. */
  ledgerWriteBack?: ConnectionWriteBack;
}

/** Bodies are small JSON objects: a reason, a date, an amount. */
const BODY_LIMIT_BYTES = 64 * 1024;
/**
 * Ids are up to 200 characters (the model's IdSchema): the router's default limit of 100 would
 * answer a longer one with "no route" instead of checking it. The margin is for escapes.
 */
const MAX_PARAM_LENGTH = 600;
/** What a load balancer or an orchestrator polls, without a token: they answer a status and nothing else (ops-routes.ts). */
const PROBE_ROUTES = new Set(['/health', '/ready']);
/**
 * Routes polled by probes and scrapers, and Intuit's change notifications (several a minute while
 * a company is busy, our own writes included): logged at debug when they succeed, not info.
 */
const QUIET_ROUTES = new Set(['/health', '/ready', '/metrics', QUICKBOOKS_WEBHOOK_ROUTE, '/', '/assets/*']);

export function buildApi(deps: ApiDeps): FastifyInstance {
  const { store, clock, logger, config } = deps;
  const timeZone = deps.timeZone ?? 'Europe/Paris';
  const locale = deps.locale ?? 'fr-FR';
  const metrics =
    deps.metrics ??
    createMetrics({
      clock,
      ...(deps.queue ? { queue: deps.queue } : {}),
      ...(deps.authorizations ? { authorizations: deps.authorizations } : {}),
      portfolio: () => portfolioOverview(store, businessDate(clock, timeZone)),
      ...(deps.monthlyReads ? { monthlyReads: deps.monthlyReads } : {}),
    });
  const queue = deps.queue;
  const enqueuer: JobEnqueuer | undefined =
    deps.daemon ??
    (queue ? { enqueue: (name, data, key) => queue.enqueue(name, data, { jobId: `${name}/${key}` }) } : undefined);
  const ctx: ApiContext = {
    store,
    operations: new CaseOperations({
      store,
      clock,
      timeZone,
      locale,
      ...(deps.ledgerWriteBack ? { ledgerWriteBack: deps.ledgerWriteBack } : {}),
    }),
    enqueuer,
    queue,
    connections: new Set(deps.connections ?? []),
    authorizations: deps.authorizations,
    clock,
    wallClock: deps.wallClock ?? clock,
    timeZone,
    locale,
    metrics,
    metricsPublic: config.metricsPublic ?? false,
    legal: deps.legal,
    procedures: deps.procedures,
    escalationPreview: deps.escalationPreview,
    caseClaim: deps.caseClaim,
    nextStep: deps.nextStep,
    monthlyReads: deps.monthlyReads,
    lawfirm: deps.lawfirm ? { link: deps.lawfirm, polling: deps.lawfirmPolling ?? null } : undefined,
  };
  const authorized = bearerChecker(config.token);

  const app = Fastify({
    logger: false,
    // Behind a TLS proxy, request.ip is the client's (the sign-in throttling counts by it).
    trustProxy: config.trustProxy ?? false,
    bodyLimit: BODY_LIMIT_BYTES,
    return503OnClosing: true,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
  });

  // An action without a body (approve, resume) may come with any content type (HTTP clients
  // label an empty POST as a form): an empty body is no body. A body that is there is JSON.
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (typeof body === 'string' && body.trim() === '') done(null, undefined);
    // The default parser answers through done; its type also allows a promise-returning parser.
    else void json(request, body as string, done);
  });
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    if (typeof body === 'string' && body.trim() === '') done(null, undefined);
    else
      done(
        Object.assign(new Error('send the body as JSON (Content-Type: application/json)'), {
          statusCode: 415,
          code: 'UNSUPPORTED_MEDIA_TYPE',
        }),
        undefined,
      );
  });

  const sessions = new Sessions(
    store.sessions,
    {
      users: config.users ?? [],
      idleMinutes: config.session?.idleMinutes ?? 480,
      maxHours: config.session?.maxHours ?? 12,
    },
    // Sessions end in real time, also when the demo's clock runs fast.
    deps.wallClock ?? clock,
  );
  const cookie = { secure: config.session?.secureCookie ?? false };
  app.decorateRequest('signedIn', null);

  app.addHook('onRequest', async (request, reply) => {
    const route = request.routeOptions.url;
    // The firm's webhook carries its own authentication: the HMAC signature (webhook-routes.ts).
    // The dashboard's page and assets hold no data; signing in needs no token.
    if (
      PROBE_ROUTES.has(route ?? '') ||
      (route === '/metrics' && ctx.metricsPublic) ||
      (route === WEBHOOK_ROUTE && deps.lawfirm?.options.webhook) ||
      (route === QUICKBOOKS_WEBHOOK_ROUTE && deps.quickbooksWebhooks?.length) ||
      request.routeOptions.config.dashboard === true ||
      (route === SESSION_ROUTE && request.method === 'POST')
    )
      return;
    // A machine: the bearer token, with every right. A wrong token is refused, whatever cookie comes with it.
    if (request.headers.authorization !== undefined) {
      if (authorized(request.headers.authorization)) return;
      reply.header('www-authenticate', 'Bearer realm="recouvra"');
      return sendError(
        reply,
        401,
        'UNAUTHORIZED',
        'send the API token of the configuration (api.token) as Authorization: Bearer <token>',
      );
    }
    // A person: the session cookie, the CSRF header on changes, the role (session-routes.ts).
    await admitSignedIn(request, reply, sessions, cookie);
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? '(no route)';
    const line = { method: request.method, route, status: reply.statusCode, durationMs: Math.round(reply.elapsedTime) };
    const message = `http ${line.method} ${line.route} ${line.status} ${line.durationMs} ms`;
    if (QUIET_ROUTES.has(route) && reply.statusCode < 400) logger.debug(message, line);
    else logger.info(message, line);
  });

  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    if (error instanceof RequestValidationError)
      return sendError(reply, 400, 'INVALID_REQUEST', error.message, { problems: error.problems });
    if (error instanceof CaseOperationError)
      return sendError(reply, STATUS_OF[error.kind], error.code, error.message, error.details);
    const status = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status < 500)
      return sendError(
        reply,
        status,
        'code' in error && typeof error.code === 'string' ? error.code : 'BAD_REQUEST',
        error.message,
      );
    // A StoreError's message names a table and a record id, never a row; other errors are only named.
    logger.error(
      `http ${request.method} ${request.routeOptions.url ?? '(no route)'} failed: ${error instanceof StoreError ? error.message : error.name}`,
      { method: request.method, route: request.routeOptions.url, error: error.name },
    );
    metrics.observeError('API_INTERNAL_ERROR');
    return sendError(reply, 500, 'INTERNAL_ERROR', 'the request failed inside the daemon; its log says why');
  });

  app.setNotFoundHandler((request, reply) =>
    sendError(reply, 404, 'ROUTE_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`),
  );

  registerOpsRoutes(app, ctx);
  registerCaseRoutes(app, ctx);
  registerLawFirmRoutes(app, ctx);
  // The same routes under /api, where the dashboard calls them: its page at / and its assets
  // share the origin with the API, so the session cookie needs no CORS.
  void app.register(
    async (api) => {
      registerOpsRoutes(api, ctx);
      registerCaseRoutes(api, ctx);
      registerLawFirmRoutes(api, ctx);
    },
    { prefix: '/api' },
  );
  registerKpiRoutes(app, ctx);
  registerSessionRoutes(app, sessions, cookie, logger);
  registerDashboard(app);
  if (deps.lawfirm) registerWebhookRoutes(app, ctx, deps.lawfirm, logger);
  if (deps.quickbooksWebhooks?.length) registerQuickBooksWebhookRoute(app, ctx, deps.quickbooksWebhooks, logger);
  return app;
}

/** Builds the API and listens on `config.host:config.port`; resolves to the address it listens on. */
export async function startApi(deps: ApiDeps): Promise<{ app: FastifyInstance; url: string }> {
  const app = buildApi(deps);
  try {
    const url = await app.listen({ host: deps.config.host, port: deps.config.port });
    deps.logger.info(`API listening on ${url}`);
    return { app, url };
  } catch (error) {
    await app.close();
    throw error;
  }
}

const STATUS_OF: Readonly<Record<CaseOperationError['kind'], number>> = { not_found: 404, conflict: 409, invalid: 400 };
