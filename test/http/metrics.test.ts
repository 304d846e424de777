import { register } from 'prom-client';
import { createMetrics } from '../../connector/app/http/metrics';
import type { SyncSummary } from '../../connector/sync/sync-connection';
import { handClock } from '../cases/case-fixtures';
import { CONNECTION, openHarness, type Harness } from './api-harness';

/** Prometheus metrics: what the daemon reports shows at GET /metrics, in a registry of their own. */

function summary(over: Partial<SyncSummary> = {}): SyncSummary {
  return {
    connection: CONNECTION,
    read: 12,
    new: 3,
    changed: 2,
    unchanged: 5,
    closed: 1,
    quarantined: 4,
    debtors: 2,
    pages: 1,
    warnings: 0,
    reconciled: false,
    durationMs: 800,
    ...over,
  };
}

describe('metrics', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await openHarness();
  });
  afterEach(() => h.close());

  const scrape = async () => {
    const res = await h.call('GET', '/metrics');
    expect(res.statusCode).toBe(200);
    return res.body;
  };

  it('GET /metrics shows the sync, action, queue and error metrics with the values observed', async () => {
    h.metrics.observeSync(summary());
    h.metrics.observeSync(summary({ new: 1, changed: 0, closed: 0, quarantined: 0 }));
    h.metrics.observeAction('email', 'done');
    h.metrics.observeAction('email', 'done');
    h.metrics.observeAction('registered_letter', 'retried');
    h.metrics.observeAction('sms', 'failed', 3);
    h.metrics.observeError('EVALUATION_FAILED');
    await h.call('POST', `/connections/${CONNECTION}/sync`);
    h.clock.advance(90_000);

    const res = await h.call('GET', '/metrics');
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = res.body;
    for (const line of [
      `recouvra_sync_records_total{connection="${CONNECTION}",outcome="new"} 4`,
      `recouvra_sync_records_total{connection="${CONNECTION}",outcome="changed"} 2`,
      `recouvra_sync_records_total{connection="${CONNECTION}",outcome="closed"} 1`,
      `recouvra_sync_records_total{connection="${CONNECTION}",outcome="quarantined"} 4`,
      `recouvra_sync_lag_seconds{connection="${CONNECTION}"} 90`,
      'recouvra_actions_total{channel="email",outcome="done"} 2',
      'recouvra_actions_total{channel="registered_letter",outcome="retried"} 1',
      'recouvra_actions_total{channel="sms",outcome="failed"} 3',
      'recouvra_queue_jobs{name="sync",status="waiting"} 1',
      'recouvra_queue_jobs{name="evaluate",status="waiting"} 0',
      'recouvra_errors_total{code="EVALUATION_FAILED"} 1',
    ]) {
      expect(text.split('\n')).toContain(line);
    }
    for (const name of [
      'recouvra_sync_records_total',
      'recouvra_sync_lag_seconds',
      'recouvra_actions_total',
      'recouvra_queue_jobs',
      'recouvra_errors_total',
    ])
      expect(text).toContain(`# TYPE ${name} `);
  });

  it('a failed sync counts its error code and leaves the lag running from the last success', async () => {
    h.metrics.observeSync(summary());
    h.clock.advance(300_000);
    h.metrics.observeSync(
      summary({
        new: 0,
        changed: 0,
        closed: 0,
        quarantined: 0,
        error: { code: 'ODOO_TIMEOUT', message: 'no answer in 30 s', kind: 'transient' },
      }),
    );
    h.clock.advance(30_000);
    const lines = (await scrape()).split('\n');
    expect(lines).toContain(`recouvra_sync_lag_seconds{connection="${CONNECTION}"} 330`);
    expect(lines).toContain('recouvra_errors_total{code="ODOO_TIMEOUT"} 1');
    // The health screen reads the same through GET /connections, with the error and the calls counted.
    const listed = (await h.call('GET', '/api/connections')).json<{ connections: { id: string; sync: unknown }[] }>();
    expect(listed.connections.find((c) => c.id === CONNECTION)!.sync).toEqual({
      lastSuccessAt: '2025-03-24T09:00:00.000Z',
      lagSeconds: 330,
      lastError: { code: 'ODOO_TIMEOUT', message: 'no answer in 30 s', at: '2025-03-24T09:05:00.000Z' },
      // This summary's adapter counts no calls.
      calls: null,
    });
    h.metrics.observeSync(summary());
    expect((await scrape()).split('\n')).toContain(`recouvra_sync_lag_seconds{connection="${CONNECTION}"} 0`);
    expect(h.metrics.syncStates().get(CONNECTION)!.lastError).toBeNull();
    // An adapter that counts its calls: added up sync after sync.
    h.metrics.observeSync(summary({ erpCalls: { reads: 5, writes: 1, throttled: 0 } }));
    h.metrics.observeSync(summary({ erpCalls: { reads: 7, writes: 0, throttled: 2 } }));
    expect(h.metrics.syncStates().get(CONNECTION)!.calls).toEqual({ reads: 12, writes: 1, throttled: 2 });
  });

  it('the queue gauge follows the queue at each scrape', async () => {
    await h.call('POST', `/connections/${CONNECTION}/sync`);
    h.clock.advance(1_000);
    await h.call('POST', `/connections/${CONNECTION}/sync`);
    expect((await scrape()).split('\n')).toContain('recouvra_queue_jobs{name="sync",status="waiting"} 2');
  });

  it('needs the token unless metricsPublic, which opens /metrics and nothing else', async () => {
    expect((await h.call('GET', '/metrics', { token: null })).statusCode).toBe(401);
    const open = await openHarness({
      config: { token: 'rcv_7f3a9c1e5b2d8f4a6c0e9b1d3f5a7c9e', host: '127.0.0.1', port: 0, metricsPublic: true },
    });
    try {
      const res = await open.call('GET', '/metrics', { token: null });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('# TYPE recouvra_errors_total counter');
      expect((await open.call('GET', '/cases', { token: null })).statusCode).toBe(401);
    } finally {
      await open.close();
    }
  });

  it('keeps its metrics out of prom-client’s global registry, so two sets live side by side', async () => {
    const clock = handClock('2025-03-24T09:00:00.000Z');
    const a = createMetrics({ clock });
    const b = createMetrics({ clock });
    a.observeError('X');
    expect((await b.render()).body).not.toContain('recouvra_errors_total{code="X"}');
    expect((await a.render()).body).toContain('recouvra_errors_total{code="X"} 1');
    expect(await register.metrics()).not.toContain('recouvra_');
  });

  it('reads the portfolio once for all the KPI gauges of a scrape, and a failed read gives no samples, counted, then is tried again', async () => {
    const clock = handClock('2026-12-05T09:00:00.000Z');
    let reads = 0;
    let fail = true;
    const metrics = createMetrics({
      clock,
      portfolio: async () => {
        reads++;
        if (fail) throw new Error('database is locked');
        return {
          asOf: '2026-12-05',
          window: { from: '2026-09-07', to: '2026-12-05', days: 90 },
          basis: { fr: '', en: '' },
          recovery: {
            from: '2026-01-01',
            to: '2026-12-05',
            countingSince: null,
            partial: false,
            basis: { fr: '', en: '' },
          },
          currencies: [],
        };
      },
    });
    const first = (await metrics.render()).body;
    expect(first).not.toContain('recouvra_receivables_open_minor{');
    expect(reads).toBe(1);
    // The error counter is rendered before the gauges: a scrape's failure shows in the next one.
    const second = (await metrics.render()).body;
    expect(second).toContain('recouvra_errors_total{code="METRICS_PORTFOLIO_UNREADABLE"} 1');
    expect(reads).toBe(2);
    fail = false;
    await metrics.render();
    await metrics.render();
    expect(reads).toBe(3);
  });
});
