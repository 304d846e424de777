import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApi, type ApiDeps } from '../../connector/app/http/api';
import { createMetrics, type Metrics } from '../../connector/app/http/metrics';
import type { JobQueue } from '../../connector/jobs/job-queue';
import { openJobQueue } from '../../connector/jobs/open-queue';
import { openSqliteStore } from '../../connector/store/sqlite';
import type { Store } from '../../connector/store/store';
import { handClock, TIME_ZONE } from '../cases/case-fixtures';
import { memoryLogger } from '../helpers/logger';
import type { LawFirmLink } from '../../connector/lawfirm/link';
import type { Logger } from '../../connector/log/logger';
import { businessDate, type Clock } from '../../connector/time/clock';
import { portfolioOverview } from '../../connector/kpis/overview';

/** The API over a real SQLite store and the store-backed job queue, with a hand clock and a logger that keeps its lines. */

export const TOKEN = 'rcv_7f3a9c1e5b2d8f4a6c0e9b1d3f5a7c9e';
export const CONNECTION = 'odoo-main';

export interface Harness {
  app: FastifyInstance;
  store: Store;
  queue: JobQueue;
  metrics: Metrics;
  clock: ReturnType<typeof handClock>;
  lines: () => string[];
  call(
    method: InjectOptions['method'],
    url: string,
    options?: { body?: unknown; token?: string | null; user?: string; headers?: Record<string, string> },
  ): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function openHarness(
  over: Partial<
    Pick<
      ApiDeps,
      | 'daemon'
      | 'config'
      | 'legal'
      | 'procedures'
      | 'quickbooksWebhooks'
      | 'escalationPreview'
      | 'caseClaim'
      | 'nextStep'
      | 'lawfirmPolling'
      | 'monthlyReads'
    >
  > & {
    withQueue?: boolean;
    lawfirm?: (deps: { store: Store; clock: Clock; logger: Logger }) => LawFirmLink;
  } = {},
): Promise<Harness> {
  const store = await openSqliteStore(':memory:');
  await store.migrate();
  const clock = handClock('2025-03-24T09:00:00.000Z');
  const { logger, lines } = memoryLogger('debug');
  const queue = openJobQueue({ driver: 'store' }, { store, now: () => clock.now().getTime() });
  const metrics = createMetrics({
    clock,
    queue,
    portfolio: () => portfolioOverview(store, businessDate(clock, TIME_ZONE)),
  });
  const app = buildApi({
    store,
    ...(over.withQueue === false ? {} : { queue }),
    ...(over.daemon ? { daemon: over.daemon } : {}),
    connections: [CONNECTION],
    config: over.config ?? { token: TOKEN, host: '127.0.0.1', port: 0 },
    clock,
    logger,
    metrics,
    timeZone: TIME_ZONE,
    ...(over.lawfirm ? { lawfirm: over.lawfirm({ store, clock, logger }) } : {}),
    ...(over.legal ? { legal: over.legal } : {}),
    ...(over.procedures ? { procedures: over.procedures } : {}),
    ...(over.quickbooksWebhooks ? { quickbooksWebhooks: over.quickbooksWebhooks } : {}),
    ...(over.escalationPreview ? { escalationPreview: over.escalationPreview } : {}),
    ...(over.caseClaim ? { caseClaim: over.caseClaim } : {}),
    ...(over.nextStep ? { nextStep: over.nextStep } : {}),
    ...(over.lawfirmPolling ? { lawfirmPolling: over.lawfirmPolling } : {}),
    ...(over.monthlyReads ? { monthlyReads: over.monthlyReads } : {}),
  });
  await app.ready();
  let closed = false;
  return {
    app,
    store,
    queue,
    metrics,
    clock,
    lines,
    call: (method, url, options = {}) => {
      const headers: Record<string, string> = { ...options.headers };
      if (options.token !== null) headers['authorization'] = `Bearer ${options.token ?? TOKEN}`;
      if (options.user !== undefined) headers['x-recouvra-user'] = options.user;
      return app.inject({
        method,
        url,
        headers,
        ...(options.body === undefined ? {} : { payload: options.body as InjectOptions['payload'] }),
      });
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await app.close();
      await queue.close();
      await store.close().catch(() => undefined);
    },
  };
}
