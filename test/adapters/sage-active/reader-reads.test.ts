import type { ReadPage } from '../../../connector/ports/erp';
import { openSqliteStore } from '../../../connector/store/sqlite';
import type { Store } from '../../../connector/store/store';
import { syncConnection } from '../../../connector/sync/sync-connection';
import { memoryLogger } from '../../helpers/logger';
import { startSageSource, type SageTestSource } from './reader-fixture';

/**
 * The reader against the simulator, on what the conformance suite does not look at: the three
 * shapes Sage may write its DateTimes in (sage.md §2.2 [CONFLICT]), a group of records sharing one
 * instant larger than a page, what a record read again by id turns into (paid, credited, deleted),
 * and the sweep of the open set.
 */

const { logger } = memoryLogger('error');

describe('Sage Active reader', () => {
  let source: SageTestSource;
  let store: Store;

  beforeEach(async () => {
    source = await startSageSource({ connection: 'sage-read', simulator: { invoices: 150 } });
    source.clock.advance(3_600_000);
    store = await openSqliteStore(':memory:');
    await store.migrate();
  });
  afterEach(async () => {
    await store.close();
    await source.stop();
  });

  const sync = (pageSize = 9, mode: 'incremental' | 'full' = 'incremental') =>
    syncConnection({
      store,
      adapter: source.adapter({ pageSize }),
      connection: source.connection,
      clock: source.clock,
      logger,
      mode,
    });
  const storeOpen = async () => new Set(await store.sync.listOpenReceivableIds(source.connection));

  it.each(['milliseconds', 'seconds', 'date'] as const)(
    'reads every open invoice and then each later change when Sage writes DateTimes as %s',
    async (format) => {
      source.sim.graph.settings.dateTimeFormat = format;
      const first = await sync();
      expect(first.error).toBeUndefined();
      expect(await storeOpen()).toEqual(source.openIds());
      source.clock.advance(600_000);
      const touched = source.take(4).map((i) => {
        source.sim.controls.pay(source.org, i.id, 1);
        return source.canonical(i.id);
      });
      const paid = source.take(1).map((i) => {
        const left = i.openItems.reduce((n, x) => n + x.amount - x.paid, 0);
        source.sim.controls.pay(source.org, i.id, left);
        return source.canonical(i.id);
      });
      const second = await sync();
      expect(second.error).toBeUndefined();
      expect(second.changed).toBeGreaterThanOrEqual(touched.length + paid.length);
      expect(second.closed).toBe(1);
      expect(await storeOpen()).toEqual(source.openIds());
      // A date alone stands for its whole day: the run read that day again, and nothing before it.
      if (format === 'date') expect(second.unchanged).toBeGreaterThan(0);
    },
  );

  it('asks for the next page before handing this one over, uses it for the read that follows, and drops it for any other', async () => {
    const adapter = source.adapter({ pageSize: 9 });
    // The pages' requests (9 a page), not the route's question (one invoice, with its count).
    const ops = () =>
      source.requests.filter((r) => r.operationName === 'RecouvraSalesInvoices' && r.variables['first'] === 9);
    const start = ops().length;
    const first = await adapter.read('receivables', { saved: undefined });
    expect(first.resume).toBeDefined();
    // Requested while the caller saves the first page: a second request is already out.
    await new Promise((r) => setTimeout(r, 50));
    expect(ops().length - start).toBe(2);
    const second = await adapter.read('receivables', { saved: first.cursor, resume: first.resume });
    // The read used what was fetched ahead (no new request for it) and sent the one after.
    await new Promise((r) => setTimeout(r, 50));
    expect(ops().length - start).toBe(3);
    expect(ops()[start + 1]!.variables).not.toEqual(ops()[start]!.variables);
    const ids = (p: ReadPage) => p.receivables.map((r) => r.id);
    expect(ids(second).some((id) => ids(first).includes(id))).toBe(false);
    // Asked for the first page again instead of the third: what was fetched ahead is not used.
    const again = await adapter.read('receivables', { saved: undefined });
    expect(ids(again)).toEqual(ids(first));
    expect(ops()[start + 3]!.variables).toEqual(ops()[start]!.variables);
    await adapter.close();
  });

  it('reads a group of records sharing one instant, larger than a page, whole and each record once', async () => {
    await sync();
    source.clock.advance(600_000);
    const touched = source.take(23).map((i) => {
      source.sim.controls.pay(source.org, i.id, 1);
      return source.canonical(i.id);
    });
    const adapter = source.adapter({ pageSize: 5 });
    const saved = (await store.sync.getCursor(source.connection, 'receivables'))!.value;
    const pages: ReadPage[] = [];
    let page = await adapter.read('receivables', { saved });
    pages.push(page);
    while (page.resume) {
      page = await adapter.read('receivables', { saved: page.cursor ?? saved, resume: page.resume });
      pages.push(page);
    }
    const ids = pages.flatMap((p) => p.receivables.map((r) => r.id));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of touched) expect(ids).toContain(id);
    // No page holds more than asked, and the tie took several pages.
    expect(pages.every((p) => p.read <= 5)).toBe(true);
    expect(pages.filter((p) => p.receivables.some((r) => touched.includes(r.id))).length).toBeGreaterThanOrEqual(5);
    // The saved cursor ends past the group's instant, and never moved back on the way.
    const last = pages[pages.length - 1]!.cursor as { modified: { time: string; id: string } };
    expect(Date.parse(last.modified.time)).toBeGreaterThanOrEqual(source.clock.now().getTime());
  });

  it('reads dropped ids again: paid comes back settled, credited and deleted as closures that say so', async () => {
    await sync();
    const [paid, credited, deleted, stillOpen] = source.take(4);
    const left = paid!.openItems.reduce((n, x) => n + x.amount - x.paid, 0);
    source.sim.controls.pay(source.org, paid!.id, left);
    source.sim.controls.creditInvoice(source.org, credited!.id);
    source.sim.controls.deleteInvoice(source.org, deleted!.id);
    const ids = [paid!, credited!, deleted!, stillOpen!].map((i) => source.canonical(i.id));
    const page = await source.adapter().readByIds([...ids, 'another-connection:x:SalesInvoice:y']);
    expect(page.receivables.find((r) => r.id === ids[0])?.open).toBe(0);
    expect(page.closed).toEqual([
      { id: ids[1], reason: 'credited in Sage Active' },
      { id: ids[2], reason: 'deleted in Sage Active' },
    ]);
    expect(page.receivables.find((r) => r.id === ids[3])?.open).toBeGreaterThan(0);
  });

  it('sweeps the open set by id, 500 at a time, and a full sync closes only what left it', async () => {
    await sync();
    const expected = source.openIds();
    const before = source.requests.length;
    const listed = await source.adapter().listOpenReceivableIds();
    expect(listed).toEqual(expected);
    // The first request of a new adapter asks where its receivables are (the route); the rest is the sweep.
    const sweep = source.requests
      .slice(before)
      .filter((r) => r.operationName === 'RecouvraSalesInvoices' && r.variables['first'] === 500);
    expect(sweep).toHaveLength(Math.ceil(expected.size / 500) || 1);
    expect(sweep[0]!.variables['first']).toBe(500);
    const [gone] = source.take(1);
    source.sim.controls.deleteInvoice(source.org, gone!.id);
    const full = await sync(9, 'full');
    expect(full.reconciled).toBe(true);
    expect(full.closed).toBe(1);
    expect(await storeOpen()).toEqual(source.openIds());
  });

  it('estimates a first read from the connections’ totalCount', async () => {
    const adapter = source.adapter();
    const estimate = await adapter.estimate!('receivables', { saved: undefined });
    expect(estimate).toBe(source.openIds().size);
  });
});
