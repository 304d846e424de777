import axios from 'axios';
import type { FastifyInstance } from 'fastify';
import { startApi } from '../../connector/app/http/api';
import { createMetrics } from '../../connector/app/http/metrics';
import { openSqliteStore } from '../../connector/store/sqlite';
import type { Store } from '../../connector/store/store';
import { caseAwaitingFormalNotice, CASE_ID, handClock, TIME_ZONE } from '../cases/case-fixtures';
import { memoryLogger } from '../helpers/logger';
import { TOKEN } from './api-harness';

/** The API over a real socket on loopback, as the dashboard and Prometheus reach it. */

describe('HTTP API on a socket', () => {
  let store: Store;
  let app: FastifyInstance;
  let url: string;
  const log = memoryLogger('debug');

  beforeAll(async () => {
    store = await openSqliteStore(':memory:');
    await store.migrate();
    const clock = handClock('2025-03-24T09:00:00.000Z');
    ({ app, url } = await startApi({
      store,
      connections: [],
      config: { token: TOKEN, host: '127.0.0.1', port: 0 },
      clock,
      logger: log.logger,
      metrics: createMetrics({ clock }),
      timeZone: TIME_ZONE,
    }));
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  it('listens on loopback, refuses a request without the token and serves one with it', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await caseAwaitingFormalNotice(store);
    const http = axios.create({
      baseURL: url,
      validateStatus: () => true,
      headers: { authorization: `Bearer ${TOKEN}`, 'x-recouvra-user': 'claire' },
    });

    const refused = await axios.get(`${url}/approvals`, { validateStatus: () => true });
    expect(refused.status).toBe(401);
    expect(refused.data).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.any(String) } });

    const approvals = await http.get<{ approvals: { caseId: string }[] }>('/approvals');
    expect(approvals.status).toBe(200);
    expect(approvals.data.approvals.map((a) => a.caseId)).toEqual([CASE_ID]);

    const approved = await http.post(`/cases/${CASE_ID}/approve`);
    expect(approved.status).toBe(200);
    expect(approved.headers['content-type']).toMatch(/^application\/json/);
    expect((await store.cases.getCase(CASE_ID))?.stage).toBe('formal_notice');
    expect((await http.post(`/cases/${CASE_ID}/approve`)).status).toBe(409);
    expect(log.lines().some((l) => l.includes('API listening on http://127.0.0.1:'))).toBe(true);
    expect(log.lines().join('\n')).not.toContain(TOKEN);
  });
});
