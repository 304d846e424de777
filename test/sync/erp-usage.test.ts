import { renderSummaries } from '../../connector/app/cli/sync-command';
import { createMetrics } from '../../connector/app/http/metrics';
import { emptyPage, withTypedErrors, type ErpAdapter } from '../../connector/ports/erp';
import { openSqliteStore } from '../../connector/store/sqlite';
import type { Store } from '../../connector/store/store';
import { syncConnection, type SyncSummary } from '../../connector/sync/sync-connection';
import { fixedClock } from '../../connector/time/clock';
import { memoryLogger } from '../helpers/logger';

/**
 * The calls a sync makes to its ERP, where the adapter counts them (QuickBooks meters its reads,
 * erp-apis.md §2.9): in the sync's summary, in `sync --once`'s table, and as a metric.
 */

/** An adapter of two streams that counts one read per page and had made 5 reads before the sync. */
function countingAdapter(): ErpAdapter {
  const usage = { reads: 5, writes: 1, throttled: 0 };
  return {
    writeBackKinds: ['note'],
    check: async () => ({ ok: true, capabilities: {}, problems: [] }),
    streams: () => ['debtors', 'receivables'],
    read: async () => {
      usage.reads++;
      return emptyPage();
    },
    listOpenReceivableIds: async () => {
      usage.reads++;
      return new Set();
    },
    readByIds: async () => emptyPage(),
    writeBack: async () => ({ items: [] }),
    usage: () => ({ ...usage }),
    close: async () => undefined,
  };
}

describe('ERP calls of a sync', () => {
  let store: Store;
  beforeEach(async () => {
    store = await openSqliteStore(':memory:');
    await store.migrate();
  });
  afterEach(() => store.close());

  it('are counted in the summary: only this sync’s, through the typed-errors wrapper', async () => {
    const adapter = withTypedErrors(countingAdapter(), { connection: 'qbo', displayName: 'test' });
    const summary = await syncConnection({
      store,
      adapter,
      connection: 'qbo',
      clock: fixedClock('2026-12-05T10:00:00Z'),
      logger: memoryLogger('error').logger,
      mode: 'full',
    });
    expect(summary.error).toBeUndefined();
    // Two streams of one page each, and the reconciliation's listing.
    expect(summary.erpCalls).toEqual({ reads: 3, writes: 0, throttled: 0 });
  });

  it('are shown by sync --once only when an adapter counts them, and exported as a metric', async () => {
    const base: SyncSummary = {
      connection: 'odoo',
      read: 0,
      new: 0,
      changed: 0,
      unchanged: 0,
      closed: 0,
      quarantined: 0,
      debtors: 0,
      pages: 0,
      warnings: 0,
      reconciled: false,
      durationMs: 1200,
    };
    expect(renderSummaries([base], false)).not.toContain('ERP reads');
    const qbo = { ...base, connection: 'qbo', erpCalls: { reads: 42, writes: 0, throttled: 1 } };
    const table = renderSummaries([base, qbo], false).split('\n');
    expect(table[0]).toMatch(/reconciled {2}ERP reads {2}result$/);
    expect(table[2]).toMatch(/ {2}no {10}- {2}ok$/);
    expect(table[3]).toMatch(/ {2}no {9}42 {2}ok$/);
    const metrics = createMetrics({ clock: fixedClock('2026-12-05T10:00:00Z') });
    metrics.observeSync(qbo);
    metrics.observeSync(qbo);
    const text = (await metrics.render()).body;
    expect(text).toContain('recouvra_erp_calls_total{connection="qbo",kind="read"} 84');
    expect(text).toContain('recouvra_erp_calls_total{connection="qbo",kind="throttled"} 2');
  });
});
