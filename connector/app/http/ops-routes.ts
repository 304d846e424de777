import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { rateStatus } from '../../claim/legal-status';
import { JOB_NAMES } from '../../jobs/job-queue';
import { businessDate } from '../../time/clock';
import { worstState, type CredentialState } from '../../credentials/health';
import type { ApiContext } from './api-context';
import type { MonthlyReads } from '../erp-read-meter';
import { sendError } from './send-error';
import { IdParamSchema, intParam, parseRequest } from './request-validation';

/** The daemon's own state: liveness, readiness, metrics, jobs, quarantine, connections, a sync on demand. */

/** How long GET /ready waits for each dependency (ms) before calling it down. */
const READY_TIMEOUT_MS = 2_000;

/**
 * Probes (GET /health, GET /ready) are answered without a token, so they say nothing but a
 * status, and for /ready which dependency is down: no counts, no names, no warnings (those are
 * behind the token, at GET /legal/status, GET /connections and GET /metrics).
 *
 * `connections`: the worst authorization state of the OAuth connections (connector/credentials/
 * health.ts), absent when there are none or their store did not answer. It does not make the
 * daemon "not ready": a daemon with one company to reconnect still syncs and serves the others,
 * and an orchestrator that restarted or unrouted it would fix nothing, since a person must act.
 * So /ready stays 200 and flags it, without naming the connection (a probe names none; GET
 * /connections, behind the token, says which one and what to run).
 */
export type ReadyAnswer = ({ status: 'ready' } | { status: 'not_ready'; down: string[] }) & {
  connections?: CredentialState;
};

/** Every dependency the daemon needs to work: the store, and Redis when the jobs are there. */
async function readiness(ctx: ApiContext): Promise<ReadyAnswer> {
  const checks: { name: string; ping: () => Promise<void> }[] = [{ name: 'store', ping: () => ctx.store.ping() }];
  const queue = ctx.queue;
  if (queue?.kind === 'redis') checks.push({ name: 'redis', ping: () => queue.ping() });
  const authorizations = ctx.authorizations;
  const [answers, connections] = await Promise.all([
    Promise.all(checks.map(async (c) => ({ name: c.name, up: await answersWithin(c.ping, READY_TIMEOUT_MS) }))),
    authorizations === undefined
      ? undefined
      : within(
          authorizations().then((list) => {
            const states = list.flatMap((c) => (c.authorization ? [c.authorization.state] : []));
            return states.length === 0 ? undefined : worstState(states);
          }),
          READY_TIMEOUT_MS,
        ),
  ]);
  const down = answers.filter((a) => !a.up).map((a) => a.name);
  const flagged = connections === undefined ? {} : { connections };
  return down.length === 0 ? { status: 'ready', ...flagged } : { status: 'not_ready', down, ...flagged };
}

function answersWithin(ping: () => Promise<void>, ms: number): Promise<boolean> {
  return within(
    ping().then(() => true),
    ms,
  ).then((up) => up === true);
}

/** What `work` resolves to within `ms`; undefined when it fails or takes longer. */
function within<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work.catch(() => undefined),
    new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms))),
  ]).finally(() => clearTimeout(timer));
}

const FailedJobsQuerySchema = z.strictObject({
  name: z.enum(JOB_NAMES, { error: `must be one of ${JOB_NAMES.join(', ')}` }).optional(),
  limit: intParam(1, 500).default(100),
});

const QuarantineQuerySchema = z.strictObject({ connection: IdParamSchema.optional() });

const IdParams = z.strictObject({ id: IdParamSchema });
const NoBody = z.strictObject({}).optional();

export function registerOpsRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/health', async () => ({ status: 'ok' }));

  app.get('/ready', async (_request, reply) => {
    const answer = await readiness(ctx);
    return reply.code(answer.status === 'ready' ? 200 : 503).send(answer);
  });

  app.get('/legal/status', async (_request, reply) => {
    if (!ctx.legal) return sendError(reply, 503, 'NO_LEGAL_DATA', 'this API runs without the legal data');
    return rateStatus(ctx.legal, businessDate(ctx.clock, ctx.timeZone));
  });

  app.get('/metrics', async (_request, reply) => {
    const { contentType, body } = await ctx.metrics.render();
    return reply.type(contentType).send(body);
  });

  app.get('/jobs/failed', async (request, reply) => {
    const { query } = parseRequest(request, { query: FailedJobsQuerySchema });
    if (!ctx.queue) return sendError(reply, 503, 'NO_QUEUE', 'this API runs without a job queue');
    const jobs = await ctx.queue.failed(query.name, query.limit);
    return { jobs };
  });

  // Each configured connection, its type, and the state of its OAuth authorization (null: it has
  // none; its access is in the configuration). Never a token: only states, dates and messages.
  // With each, what this process has seen of its syncs (`sync`: null before the first one ends),
  // and, where the provider meters reads per month (QuickBooks), `reads`: this month's against
  // the allowance, kept in the store (connector/app/erp-read-meter.ts).
  app.get('/connections', async () => {
    const authorizations = ctx.authorizations;
    const syncs = ctx.metrics.syncStates();
    const [listed, reads] = await Promise.all([
      authorizations === undefined
        ? [...ctx.connections].map((id) => ({ id, type: null as string | null, authorization: null }))
        : authorizations(),
      ctx.monthlyReads?.() ?? new Map<string, MonthlyReads>(),
    ]);
    return {
      connections: listed.map((c) => {
        const monthly = reads.get(c.id);
        return { ...c, sync: syncs.get(c.id) ?? null, ...(monthly ? { reads: monthly } : {}) };
      }),
    };
  });

  app.get('/quarantine', async (request) => {
    const { query } = parseRequest(request, { query: QuarantineQuerySchema });
    return { records: await ctx.store.sync.listQuarantined(query.connection) };
  });

  app.post('/connections/:id/sync', async (request, reply) => {
    const { params } = parseRequest(request, { params: IdParams, body: NoBody });
    if (!ctx.connections.has(params.id))
      return sendError(reply, 404, 'CONNECTION_NOT_FOUND', `no connection ${params.id} in the configuration`);
    if (!ctx.enqueuer) return sendError(reply, 503, 'NO_QUEUE', 'this API runs without a job queue');
    const key = `manual/${params.id}/${ctx.clock.now().toISOString()}`;
    const { added } = await ctx.enqueuer.enqueue('sync', { connection: params.id }, key);
    return reply.code(202).send({ jobId: `sync/${key}`, added });
  });
}
