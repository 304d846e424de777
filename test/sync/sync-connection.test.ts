import type { ErpAdapter, ReadPage, ReadPosition, StreamName } from '../../connector/ports/erp';
import { AdapterError } from '../../connector/ports/adapter-error';
import { openSqliteStore } from '../../connector/store/sqlite';
import type { Store } from '../../connector/store/store';
import {
  RECONCILIATION_STREAM,
  syncConnection,
  type SyncOptions,
  type SyncProgress,
} from '../../connector/sync/sync-connection';
import type { Receivable } from '../../connector/model';
import { creditNote, debtor, invoice } from '../helpers/builders';
import { memoryLogger } from '../helpers/logger';

/**
 * The sync engine over a scripted in-memory source: what it counts, what it saves with each
 * cursor, when it reconciles. The wire-level behaviour is in the adapter conformance suite.
 */

const CONNECTION = 'fake';

const versionOf = (r: Receivable): number => Number(r.sourceVersion);

/** A source of receivables ordered by a version number; the cursor is the last version read. */
class FakeSource {
  /** Each with its version as `sourceVersion`. */
  readonly records = new Map<string, Receivable>();
  private version = 0;
  failOnRead: AdapterError | undefined;

  put(r: Receivable): void {
    this.records.set(r.id, { ...r, sourceVersion: String(++this.version) });
  }

  adapter(pageSize = 3): ErpAdapter {
    const page = (partial: Partial<ReadPage>): ReadPage => ({
      debtors: [],
      receivables: [],
      payments: [],
      closed: [],
      quarantined: [],
      warnings: [],
      read: 0,
      cursor: undefined,
      resume: undefined,
      ...partial,
    });
    return {
      writeBackKinds: [],
      check: async () => ({ ok: true, capabilities: {}, problems: [] }),
      streams: (): StreamName[] => ['receivables'],
      estimate: async () => this.records.size,
      read: async (_stream: StreamName, position: ReadPosition) => {
        if (this.failOnRead) throw this.failOnRead;
        const from = Number((position.resume ?? position.saved)?.['v'] ?? 0);
        const rows = [...this.records.values()]
          .filter((r) => versionOf(r) > from)
          .sort((a, b) => versionOf(a) - versionOf(b))
          .slice(0, pageSize);
        const last = rows.length ? versionOf(rows[rows.length - 1]!) : undefined;
        return page({
          receivables: rows,
          debtors: rows.length ? [debtor({ id: rows[0]!.debtorId })] : [],
          read: rows.length,
          cursor: last === undefined ? position.saved : { v: last },
          resume: rows.length === pageSize ? { v: last } : undefined,
        });
      },
      listOpenReceivableIds: async () => new Set([...this.records.values()].filter((r) => r.open > 0).map((r) => r.id)),
      readByIds: async (ids) => {
        const found = ids.map((id) => this.records.get(id)).filter((r) => r !== undefined);
        return page({
          receivables: found,
          read: found.length,
          closed: ids.filter((id) => !this.records.has(id)).map((id) => ({ id, reason: 'deleted at the source' })),
        });
      },
      writeBack: async () => ({ items: [] }),
      close: async () => undefined,
    };
  }
}

describe('sync engine', () => {
  let store: Store;
  let source: FakeSource;
  let now: Date;
  const run = (over: Partial<SyncOptions> = {}) =>
    syncConnection({
      store,
      adapter: source.adapter(),
      connection: CONNECTION,
      clock: { now: () => now },
      logger: memoryLogger('error').logger,
      mode: 'auto',
      ...over,
    });

  beforeEach(async () => {
    store = await openSqliteStore(':memory:');
    await store.migrate();
    source = new FakeSource();
    now = new Date('2026-11-23T06:00:00Z');
    for (let i = 1; i <= 7; i++)
      source.put(
        invoice({
          id: `${CONNECTION}:${i}`,
          source: { system: 'fake', connection: CONNECTION, id: String(i) },
          number: `F${i}`,
          total: 10_000,
          open: 10_000,
        }),
      );
  });
  afterEach(() => store.close());

  it('counts new, changed, unchanged and closed, and saves the cursor of the last page', async () => {
    const first = await run();
    expect(first).toMatchObject({ read: 7, new: 7, changed: 0, closed: 0, pages: 3, reconciled: false });
    expect((await store.sync.getCursor(CONNECTION, 'receivables'))!.value).toEqual({ v: 7 });
    const r2 = source.records.get(`${CONNECTION}:2`)!;
    source.put({ ...r2, open: 0 });
    const r3 = source.records.get(`${CONNECTION}:3`)!;
    source.put({ ...r3, open: 4_000 });
    const second = await run();
    expect(second).toMatchObject({ read: 2, new: 0, changed: 2, closed: 1 });
    const caseId = (await store.sync.receivableStates([r2.id])).get(r2.id)!.caseId;
    const journal = (await store.cases.readJournal(caseId)).map((j) => j.summary);
    expect(journal).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/F2 is settled/),
        expect.stringMatching(/^F3: 60,00\s€ paid, \d+,\d{2}\s€ still open$/),
      ]),
    );
  });

  it('counts what the ledger took off invoices at the stage their case was at; a credit note used up and a record deleted at the source are not recoveries', async () => {
    source.put(
      creditNote({
        id: `${CONNECTION}:cn`,
        source: { system: 'fake', connection: CONNECTION, id: 'cn' },
        total: 2_000,
        open: 2_000,
      }),
    );
    await run();
    const caseId = (await store.sync.receivableStates([`${CONNECTION}:1`])).get(`${CONNECTION}:1`)!.caseId;
    await store.cases.saveCase({ ...(await store.cases.getCase(caseId))!, stage: 'reminding' });
    now = new Date('2026-12-01T06:00:00Z');
    const get = (id: number | string) => source.records.get(`${CONNECTION}:${id}`)!;
    source.put({ ...get(1), open: 0 });
    source.put({ ...get(2), open: 2_500 });
    source.put({ ...get('cn'), open: 0 });
    source.records.delete(`${CONNECTION}:4`);
    await run({ mode: 'full' });
    const states = await store.sync.receivableStates([`${CONNECTION}:4`, `${CONNECTION}:cn`]);
    expect([states.get(`${CONNECTION}:4`)!.open, states.get(`${CONNECTION}:cn`)!.open]).toEqual([0, 0]);
    const facts = await store.kpis.recoveryFacts({ from: '2026-01-01', to: '2026-12-31' });
    expect(facts.months).toEqual([
      { period: '2026-12', currency: 'EUR', stage: 'reminding', amount: 10_000 + 7_500, payments: 2 },
    ]);
    // The case is still open (five invoices left), so not yet recovered; it was reminded.
    expect(facts.funnel).toEqual([
      { currency: 'EUR', reminded: 1, noticed: 0, escalated: 0, recovered: 0, recoveredAfterEscalation: 0 },
    ]);
  });

  it('a re-read record whose version did not change is counted unchanged and not written again', async () => {
    await run();
    const second = await run({ fromScratch: true, mode: 'incremental' });
    expect(second).toMatchObject({ read: 7, new: 0, changed: 0, unchanged: 7 });
  });

  it('an error stops the sync with its code; pages saved before it stay', async () => {
    await run();
    source.put(
      invoice({ id: `${CONNECTION}:8`, source: { system: 'fake', connection: CONNECTION, id: '8' }, number: 'F8' }),
    );
    source.failOnRead = new AdapterError({ code: 'FAKE_DOWN', kind: 'transient', userMessage: 'source down' });
    const failed = await run();
    expect(failed.error).toEqual({ code: 'FAKE_DOWN', message: 'source down', kind: 'transient' });
    expect((await store.sync.getCursor(CONNECTION, 'receivables'))!.value).toEqual({ v: 7 });
  });

  it('a next page that fails while this one is being saved: the page is saved, the failure reported, never left unhandled', async () => {
    const adapter = source.adapter();
    let reads = 0;
    // Whether the engine had handled the failing read when it failed: an unhandled rejection
    // stops a Node process, however soon after it the engine would have awaited it.
    let handledWhenRejected: boolean | undefined;
    const failing: ErpAdapter = {
      ...adapter,
      read: (stream, position) => {
        if (++reads !== 2) return adapter.read(stream, position);
        let handled = false;
        const page = new Promise<ReadPage>((_resolve, reject) =>
          setTimeout(() => {
            handledWhenRejected = handled;
            reject(new AdapterError({ code: 'FAKE_DOWN', kind: 'transient', userMessage: 'source down' }));
          }, 5),
        );
        const then = page.then.bind(page);
        page.then = ((onFulfilled, onRejected) => {
          handled = true;
          return then(onFulfilled, onRejected);
        }) as typeof page.then;
        return page;
      },
    };
    // The store takes its time with the first page: the second read fails before it is done.
    const slow = Object.create(store) as Store;
    slow.transaction = async (fn) => {
      await new Promise((r) => setTimeout(r, 50));
      return store.transaction(fn);
    };
    const summary = await run({ adapter: failing, store: slow });
    expect(summary.error).toEqual({ code: 'FAKE_DOWN', message: 'source down', kind: 'transient' });
    expect((await store.sync.getCursor(CONNECTION, 'receivables'))!.value).toEqual({ v: 3 });
    expect(handledWhenRejected).toBe(true);
  });

  it('auto mode: the first read stamps the reconciliation; the next runs after fullEveryHours', async () => {
    await run({ fullEveryHours: 24 });
    expect((await store.sync.getCursor(CONNECTION, RECONCILIATION_STREAM))!.value).toMatchObject({ by: 'first-read' });
    source.records.delete(`${CONNECTION}:5`);
    now = new Date('2026-11-23T18:00:00Z');
    expect(await run({ fullEveryHours: 24 })).toMatchObject({ reconciled: false, closed: 0 });
    now = new Date('2026-11-24T07:00:00Z');
    const later = await run({ fullEveryHours: 24 });
    expect(later).toMatchObject({ reconciled: true, closed: 1 });
    expect(await store.sync.listOpenReceivableIds(CONNECTION)).not.toContain(`${CONNECTION}:5`);
    expect((await store.sync.getCursor(CONNECTION, RECONCILIATION_STREAM))!.value).toMatchObject({
      completedAt: '2026-11-24T07:00:00.000Z',
      checked: 1,
      openAtSource: 6,
    });
  });

  it('reports progress per phase with the estimated total', async () => {
    const events: SyncProgress[] = [];
    await run({ mode: 'full', onProgress: (p) => events.push(p) });
    const reads = events.filter((e) => e.phase === 'receivables');
    expect(reads.map((e) => e.done)).toEqual([0, 3, 6, 7]);
    expect(reads.every((e) => e.total === 7)).toBe(true);
    expect(events.some((e) => e.phase === 'reconcile:list')).toBe(true);
  });
});
