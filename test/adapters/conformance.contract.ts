import type { ErpAdapter, ReadPage, ReadPosition, StreamName } from '../../connector/ports/erp';
import { AdapterError } from '../../connector/ports/adapter-error';
import { decideSyncRetry } from '../../connector/sync/retry-policy';
import { memoryLogger } from '../helpers/logger';
import { openSqliteStore } from '../../connector/store/sqlite';
import type { Store } from '../../connector/store/store';
import { syncConnection, type SyncSummary } from '../../connector/sync/sync-connection';
import type { Clock } from '../../connector/time/clock';

/**
 * The scenarios every ERP adapter passes (STYLE.md habit 12; singer's named tap scenarios):
 * check, pagination end, cursor monotonic across runs, interrupted run resumed without loss or
 * duplicates, same-second ties, late-committing transactions, 429/5xx typed and retried by the
 * queue (never inside the adapter), a retried sync resuming after its saved pages, paid / cancelled /
 * deleted receivables, bad records quarantined with a clear reason. Each adapter supplies a
 * harness over its simulator; the scenarios only use the harness and the adapter interface.
 */

export interface ConformanceSource {
  readonly connection: string;
  /** A fresh adapter on this source, as after a restart. */
  adapter(options?: { pageSize?: number; badCredentials?: boolean }): ErpAdapter;
  /** Canonical ids of the receivables open at the source now. */
  openIds(): Promise<Set<string>>;
  /** Fully pays, cancels or deletes `n` open invoices; returns their canonical ids. */
  pay(n: number): Promise<string[]>;
  cancel(n: number): Promise<string[]>;
  remove(n: number): Promise<string[]>;
  /** Changes `n` open invoices in ONE transaction, so they share a change timestamp; returns their ids. */
  touchInOneTransaction(n: number): Promise<string[]>;
  /**
   * Starts a transaction that pays one open invoice but commits only when `commit` is called; its
   * change carries the start time, earlier than changes made in between. Returns the invoice id.
   */
  payLate(): { id: string; commit: () => Promise<void> };
  /** Moves the source's clock forward. */
  advance(seconds: number): void;
  /** The next `count` requests fail with `status` before reaching the ERP. */
  failNext(count: number, status: number, retryAfterSeconds?: number): void;
  /** Adds an open invoice that cannot be mapped; returns its source id and a word the reason must contain. */
  addBadRecord(): Promise<{ sourceId: string; canonicalId: string; reasonMentions: RegExp }>;
  /** Orders two saved cursors of the same stream (negative, 0, positive). */
  compareCursors(stream: StreamName, a: Record<string, unknown>, b: Record<string, unknown>): number;
  stop(): Promise<void>;
}

export interface ConformanceHarness {
  /** A source holding about `invoices` receivables, with `clock` as the connector's clock. */
  start(options: { invoices: number }): Promise<ConformanceSource>;
  clock: Clock;
  /**
   * The adapter's incremental read reports deletions itself (QuickBooks' change data capture): a
   * deleted receivable closes at the next incremental read instead of at the full reconciliation.
   */
  incrementalReadSeesDeletions?: boolean;
}

const { logger } = memoryLogger('error');

export function describeAdapterConformance(name: string, harness: ConformanceHarness): void {
  describe(`Adapter conformance: ${name}`, () => {
    let source: ConformanceSource;
    let store: Store;

    beforeEach(async () => {
      source = await harness.start({ invoices: 120 });
      store = await openSqliteStore(':memory:');
      await store.migrate();
    });

    afterEach(async () => {
      await store.close();
      await source.stop();
    });

    const sync = (adapter: ErpAdapter, mode: 'incremental' | 'full' | 'auto' = 'incremental'): Promise<SyncSummary> =>
      syncConnection({ store, adapter, connection: source.connection, clock: harness.clock, logger, mode });
    const storeOpen = async () => new Set(await store.sync.listOpenReceivableIds(source.connection));

    it('check: proves the connection works and says what the server offers', async () => {
      const ok = await source.adapter().check();
      expect(ok.ok).toBe(true);
      expect(ok.serverVersion).toMatch(/\d/);
      expect(ok.problems).toEqual([]);
      const bad = await source.adapter({ badCredentials: true }).check();
      expect(bad.ok).toBe(false);
      expect(bad.problems.join('\n')).toMatch(/key|credential|login|password/i);
    });

    it('pagination end: reads every open receivable across pages and stops after the last one', async () => {
      const adapter = spy(source.adapter({ pageSize: 7 }));
      const summary = await sync(adapter);
      expect(summary.error).toBeUndefined();
      expect(await storeOpen()).toEqual(await source.openIds());
      const receivablePages = adapter.pages.filter((p) => p.stream === 'receivables');
      expect(receivablePages.length).toBeGreaterThan(3);
      // Every page but the last asks for more; the last one ends the stream.
      expect(receivablePages.slice(0, -1).every((p) => p.page.resume !== undefined)).toBe(true);
      expect(receivablePages[receivablePages.length - 1]!.page.resume).toBeUndefined();
    });

    it('cursor monotonic across runs: never moves back, moves on after a change', async () => {
      const adapter = source.adapter({ pageSize: 20 });
      await sync(adapter);
      const c1 = (await store.sync.getCursor(source.connection, 'receivables'))!.value;
      await sync(source.adapter({ pageSize: 20 }));
      const c2 = (await store.sync.getCursor(source.connection, 'receivables'))!.value;
      expect(source.compareCursors('receivables', c2, c1)).toBeGreaterThanOrEqual(0);
      source.advance(3_600);
      await source.pay(1);
      await sync(source.adapter({ pageSize: 20 }));
      const c3 = (await store.sync.getCursor(source.connection, 'receivables'))!.value;
      expect(source.compareCursors('receivables', c3, c2)).toBeGreaterThan(0);
    });

    it('interrupted run: resumes from the last saved page without loss or duplicates', async () => {
      const expected = await source.openIds();
      const failing = spy(source.adapter({ pageSize: 10 }), { failOnReceivablesPage: 4 });
      const first = await sync(failing);
      expect(first.error?.message).toMatch(/interrupted/);
      const partial = await storeOpen();
      expect(partial.size).toBeGreaterThan(0);
      expect(partial.size).toBeLessThan(expected.size);
      const second = await sync(source.adapter({ pageSize: 10 }));
      expect(second.error).toBeUndefined();
      expect(await storeOpen()).toEqual(expected);
      // Nothing seen twice as new: the two runs together created each receivable once.
      const receivables = first.new + second.new;
      expect(second.changed).toBe(0);
      expect(receivables).toBeGreaterThanOrEqual(expected.size);
      expect(receivables).toBe(await countReceivables(store, source.connection));
    });

    it('same-second ties: a page boundary inside one timestamp loses nothing', async () => {
      await sync(source.adapter({ pageSize: 5 }));
      source.advance(60);
      const touched = await source.touchInOneTransaction(17);
      const summary = await sync(source.adapter({ pageSize: 5 }));
      expect(summary.error).toBeUndefined();
      const states = await store.sync.receivableStates(touched);
      expect(states.size).toBe(touched.length);
      expect(summary.changed).toBeGreaterThanOrEqual(touched.length);
      expect(await storeOpen()).toEqual(await source.openIds());
    });

    it('late-committing transactions: a change that commits after the read is still seen', async () => {
      await sync(source.adapter());
      source.advance(30);
      const late = source.payLate();
      source.advance(30);
      await source.pay(1);
      await sync(source.adapter());
      expect((await storeOpen()).has(late.id)).toBe(true);
      await late.commit();
      source.advance(30);
      const summary = await sync(source.adapter());
      expect(summary.closed).toBe(1);
      expect((await storeOpen()).has(late.id)).toBe(false);
    });

    it('429 and 5xx: typed and never retried inside the adapter; the syncs the queue retries complete with nothing lost', async () => {
      source.failNext(2, 503);
      source.failNext(1, 429, 0);
      const adapter = source.adapter();
      // The job queue's part: each run that stops is run again as decideSyncRetry says.
      const stopped: NonNullable<SyncSummary['error']>[] = [];
      let summary = await sync(adapter);
      while (summary.error && stopped.length < 10) {
        stopped.push(summary.error);
        expect(decideSyncRetry(summary.error).retry).not.toBe('never');
        summary = await sync(adapter);
      }
      expect(summary.error).toBeUndefined();
      // One failed request stops one run: nothing slept and retried within the connection's lane.
      expect(stopped.map((e) => e.kind)).toEqual(['transient', 'transient', 'rate_limit']);
      expect(stopped[2]!.retryAfterMs).toBe(0);
      expect(await storeOpen()).toEqual(await source.openIds());
    });

    it('a server that keeps failing stops the sync with a typed error, pages saved before stay', async () => {
      await sync(source.adapter({ pageSize: 10 }));
      source.advance(60);
      await source.touchInOneTransaction(30);
      source.failNext(50, 502);
      const summary = await sync(source.adapter({ pageSize: 10 }));
      expect(summary.error?.code).toMatch(/SERVER_ERROR|UNREACHABLE/);
      expect(summary.error?.kind).toBe('transient');
    });

    it('a failure on a later page: the retried sync resumes after the pages saved, reading none of them again', async () => {
      const expected = await source.openIds();
      const flaky = spy(source.adapter({ pageSize: 10 }), { transientOnReceivablesPage: 4 });
      const first = await sync(flaky);
      expect(first.error?.kind).toBe('transient');
      expect(decideSyncRetry(first.error!).retry).toBe('backoff');
      const savedPages = flaky.pages.filter((p) => p.stream === 'receivables').map((p) => p.page);
      expect(savedPages).toHaveLength(3);
      const saved = (await store.sync.getCursor(source.connection, 'receivables'))!.value;
      expect(saved).toEqual(savedPages[2]!.cursor);
      const again = spy(source.adapter({ pageSize: 10 }));
      const second = await sync(again);
      expect(second.error).toBeUndefined();
      // The retried run starts from the cursor of the last saved page (walking back only the
      // adapter's own overlap window, if it has one), never from the start.
      expect(again.positions.find((p) => p.stream === 'receivables')!.position.saved).toEqual(saved);
      const firstIds = new Set(savedPages.flatMap((p) => p.receivables.map((r) => r.id)));
      const reread = again.pages
        .filter((p) => p.stream === 'receivables')
        .flatMap((p) => p.page.receivables.map((r) => r.id))
        .filter((id) => firstIds.has(id));
      expect(second.unchanged).toBe(reread.length);
      expect(reread.length).toBeLessThan(firstIds.size);
      expect(second.changed).toBe(0);
      expect(await storeOpen()).toEqual(expected);
      expect(first.new + second.new).toBe(await countReceivables(store, source.connection));
    });

    it('every error leaving the adapter is an AdapterError with a kind', async () => {
      const failures: unknown[] = [];
      const adapter = source.adapter({ badCredentials: true });
      failures.push(await adapter.read('receivables', { saved: undefined }).catch((e: unknown) => e));
      source.failNext(1, 503);
      failures.push(
        await source
          .adapter()
          .read('receivables', { saved: undefined })
          .catch((e: unknown) => e),
      );
      for (const f of failures) {
        expect(f).toBeInstanceOf(AdapterError);
        expect(['config', 'transient', 'rate_limit', 'system']).toContain((f as AdapterError).kind);
      }
      expect((failures[0] as AdapterError).kind).toBe('config');
      expect((failures[1] as AdapterError).kind).toBe('transient');
    });

    it('paid and cancelled invoices close incrementally; deleted ones at the full reconciliation at the latest', async () => {
      // A ledger whose change feed reports deletions (QuickBooks' CDC) closes them at once;
      // another only sees them missing when the full reconciliation reads everything.
      const early = harness.incrementalReadSeesDeletions === true;
      await sync(source.adapter());
      source.advance(60);
      const paid = await source.pay(2);
      const cancelled = await source.cancel(1);
      const deleted = await source.remove(1);
      const incremental = await sync(source.adapter());
      expect(incremental.closed).toBe(early ? 4 : 3);
      let open = await storeOpen();
      for (const id of [...paid, ...cancelled]) expect(open.has(id)).toBe(false);
      expect(open.has(deleted[0]!)).toBe(!early);
      const full = await sync(source.adapter(), 'full');
      expect(full.reconciled).toBe(true);
      expect(full.closed).toBe(early ? 0 : 1);
      open = await storeOpen();
      expect(open.has(deleted[0]!)).toBe(false);
      expect(open).toEqual(await source.openIds());
      const state = (await store.sync.receivableStates(deleted)).get(deleted[0]!)!;
      const journal = await store.cases.readJournal(state.caseId);
      expect(journal.map((j) => j.summary).join('\n')).toMatch(/deleted/);
    });

    it('bad records are quarantined with a clear reason; the rest of the page is saved', async () => {
      const bad = await source.addBadRecord();
      const summary = await sync(source.adapter());
      expect(summary.error).toBeUndefined();
      expect(summary.quarantined).toBeGreaterThanOrEqual(1);
      const row = (await store.sync.listQuarantined(source.connection)).find((q) => q.sourceId === bad.sourceId);
      expect(row?.reason).toMatch(bad.reasonMentions);
      const open = await source.openIds();
      expect(open.has(bad.canonicalId)).toBe(true);
      open.delete(bad.canonicalId);
      expect(await storeOpen()).toEqual(open);
    });
  });
}

interface Spied extends ErpAdapter {
  pages: { stream: StreamName; page: ReadPage }[];
  /** Every position read from, in order. */
  positions: { stream: StreamName; position: ReadPosition }[];
}

/**
 * Records the pages an adapter returns; optionally fails on the n-th receivables page like a
 * crash (an untyped error), or like the server failing for a moment (a transient AdapterError).
 */
function spy(
  adapter: ErpAdapter,
  options: { failOnReceivablesPage?: number; transientOnReceivablesPage?: number } = {},
): Spied {
  const pages: Spied['pages'] = [];
  const positions: Spied['positions'] = [];
  let receivablePages = 0;
  return {
    ...adapter,
    pages,
    positions,
    read: async (stream: StreamName, position: ReadPosition) => {
      positions.push({ stream, position });
      if (stream === 'receivables') {
        receivablePages++;
        if (receivablePages === options.failOnReceivablesPage) throw new Error('interrupted (simulated crash)');
        if (receivablePages === options.transientOnReceivablesPage)
          throw new AdapterError({
            code: 'TEST_UNREACHABLE',
            kind: 'transient',
            userMessage: 'the server is restarting',
          });
      }
      const page = await adapter.read(stream, position);
      pages.push({ stream, page });
      return page;
    },
  };
}

async function countReceivables(store: Store, connection: string): Promise<number> {
  let n = 0;
  for (const c of await store.cases.listCases())
    n += (await store.sync.listReceivablesOfCase(c.id)).filter((r) => r.source.connection === connection).length;
  return n;
}
