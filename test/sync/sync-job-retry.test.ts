import { Daemon } from '../../connector/app/daemon/daemon';
import { parseConfig } from '../../connector/config/load-config';
import { StoreJobQueue } from '../../connector/jobs/store-queue';
import type { Receivable } from '../../connector/model';
import { openSqliteStore } from '../../connector/store/sqlite';
import type { Store } from '../../connector/store/store';
import type { ErpAdapter, ReadPage, ReadPosition, StreamName } from '../../connector/ports/erp';
import { AdapterError } from '../../connector/ports/adapter-error';
import { SYNC_JOB_RETRY } from '../../connector/sync/retry-policy';
import { RECONCILIATION_STREAM } from '../../connector/sync/sync-connection';
import { debtor, invoice } from '../helpers/builders';
import { memoryLogger } from '../helpers/logger';

/**
 * One retry layer for reads: a sync whose read fails on a later page stops with the pages before
 * it saved; the job queue runs the sync job again after its backoff, and that run resumes from the
 * cursor of the last saved page — no saved page read again, no receivable saved twice.
 */

const CONNECTION = 'fake';
const PAGE = 3;

/** Receivables ordered by version; the cursor is the last version read. Fails where told to. */
class PagedSource {
  /** Each with its version as `sourceVersion`. */
  readonly records: Receivable[] = [];
  /** Every position a page was read from, in order. */
  readonly reads: ReadPosition[] = [];
  /** Reads that fail, by their number (1 = the first read of the adapter's life). */
  readonly failing = new Map<number, AdapterError>();

  constructor(count: number) {
    for (let i = 1; i <= count; i++)
      this.records.push({
        ...invoice({
          id: `${CONNECTION}:${i}`,
          source: { system: 'fake', connection: CONNECTION, id: String(i) },
          number: `F${i}`,
          total: 10_000,
          open: 10_000,
        }),
        sourceVersion: String(i),
      });
  }

  adapter(): ErpAdapter {
    return {
      writeBackKinds: [],
      check: async () => ({ ok: true, capabilities: {}, problems: [] }),
      streams: (): StreamName[] => ['receivables'],
      read: async (_stream: StreamName, position: ReadPosition): Promise<ReadPage> => {
        this.reads.push(position);
        const failure = this.failing.get(this.reads.length);
        if (failure) throw failure;
        const from = Number((position.resume ?? position.saved)?.['v'] ?? 0);
        const rows = this.records.filter((r) => Number(r.sourceVersion) > from).slice(0, PAGE);
        const last = rows.length ? Number(rows[rows.length - 1]!.sourceVersion) : undefined;
        return {
          debtors: rows.length ? [debtor({ id: rows[0]!.debtorId })] : [],
          receivables: rows,
          payments: [],
          closed: [],
          quarantined: [],
          warnings: [],
          read: rows.length,
          cursor: last === undefined ? position.saved : { v: last },
          resume: rows.length === PAGE ? { v: last } : undefined,
        };
      },
      listOpenReceivableIds: async () => new Set(this.records.map((r) => r.id)),
      readByIds: async () => {
        throw new Error('no reconciliation expected');
      },
      writeBack: async () => ({ items: [] }),
      close: async () => undefined,
    };
  }
}

async function until(what: string, ready: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('a sync job retried by the queue', () => {
  let store: Store;
  let queue: StoreJobQueue;
  let daemon: Daemon;
  let nowMs: number;
  let source: PagedSource;

  beforeEach(async () => {
    store = await openSqliteStore(':memory:');
    await store.migrate();
    nowMs = Date.parse('2026-11-23T06:00:00Z');
    queue = new StoreJobQueue(store, { pollMs: 10, now: () => nowMs });
    source = new PagedSource(8);
    const { config } = parseConfig('sync-job.yaml', 'version: 1\n', { env: {} });
    daemon = new Daemon({
      config,
      store,
      queue,
      clock: { now: () => new Date(nowMs) },
      logger: memoryLogger('error').logger,
      connections: new Map([[CONNECTION, { adapter: source.adapter(), settings: { fullReconciliationHours: 24 } }]]),
      policies: new Map(),
      context: {},
      performers: {},
    });
    daemon.start({ schedule: false });
  });

  afterEach(async () => {
    await daemon.stop();
    await store.close();
  });

  it('a transient failure on page 3 of a first sync: retried after the backoff, it resumes after page 2', async () => {
    // Reads 1 and 2 are pages 1 and 2; read 3, page 3, fails as a server restarting would.
    source.failing.set(
      3,
      new AdapterError({ code: 'FAKE_UNREACHABLE', kind: 'transient', userMessage: 'the ERP is restarting' }),
    );
    await daemon.enqueue('sync', { connection: CONNECTION }, 'now');
    await until('the first attempt to fail', async () => (await queue.getJob('sync/now'))?.status === 'delayed');
    expect(await queue.getJob('sync/now')).toMatchObject({
      attemptsMade: 1,
      error: 'FAKE_UNREACHABLE: the ERP is restarting',
    });
    expect((await store.sync.getCursor(CONNECTION, 'receivables'))!.value).toEqual({ v: 6 });
    expect(await store.sync.listOpenReceivableIds(CONNECTION)).toHaveLength(6);

    // Not before the backoff: the queue, not the adapter, decides when.
    await new Promise((r) => setTimeout(r, 100));
    expect(source.reads).toHaveLength(3);
    nowMs += SYNC_JOB_RETRY.backoffMs;
    await until('the retry to complete', async () => (await queue.getJob('sync/now'))?.status === 'completed');

    // The retry read from the saved cursor only: page 3 (records 7 and 8), nothing saved before.
    expect(source.reads.slice(3)).toEqual([{ saved: { v: 6 } }]);
    expect((await store.sync.getCursor(CONNECTION, 'receivables'))!.value).toEqual({ v: 8 });
    const open = await store.sync.listOpenReceivableIds(CONNECTION);
    expect(open).toHaveLength(8);
    expect(new Set(open).size).toBe(8);
    // The interrupted first read and its retry are one first read: no reconciliation after it.
    expect((await store.sync.getCursor(CONNECTION, RECONCILIATION_STREAM))!.value).toMatchObject({ by: 'first-read' });
  });

  it('a configuration error is not retried: the job fails at once, the pages before it stay', async () => {
    source.failing.set(
      2,
      new AdapterError({ code: 'FAKE_ACCESS_DENIED', kind: 'config', userMessage: 'the API key was revoked' }),
    );
    await daemon.enqueue('sync', { connection: CONNECTION }, 'now');
    await until('the job to fail', async () => (await queue.getJob('sync/now'))?.status === 'failed');
    const job = (await queue.getJob('sync/now'))!;
    expect(job.attemptsMade).toBe(1);
    expect(job.error).toMatch(/^FAKE_ACCESS_DENIED: the API key was revoked \(fix the configuration/);
    expect((await store.sync.getCursor(CONNECTION, 'receivables'))!.value).toEqual({ v: 3 });
  });

  it('a rate limit puts the job back after the wait the server asked, without counting an attempt', async () => {
    source.failing.set(
      1,
      new AdapterError({
        code: 'FAKE_RATE_LIMITED',
        kind: 'rate_limit',
        userMessage: 'slow down',
        retryAfterMs: 30_000,
      }),
    );
    await daemon.enqueue('sync', { connection: CONNECTION }, 'now');
    await until('the job to be put back', async () => (await queue.getJob('sync/now'))?.status === 'delayed');
    expect((await queue.getJob('sync/now'))!.attemptsMade).toBe(0);
    nowMs += 30_000;
    await until('the job to complete', async () => (await queue.getJob('sync/now'))?.status === 'completed');
    expect(await store.sync.listOpenReceivableIds(CONNECTION)).toHaveLength(8);
  });
});
