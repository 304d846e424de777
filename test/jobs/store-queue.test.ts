import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { RateLimitedError, UnrecoverableJobError } from '../../connector/jobs/job-queue';
import { openJobQueue } from '../../connector/jobs/open-queue';
import { outcomeOfError, StoreJobQueue, type StoreJobQueueOptions } from '../../connector/jobs/store-queue';
import { openPostgresStore } from '../../connector/store/postgres';
import { openSqliteStore } from '../../connector/store/sqlite';
import type { Store } from '../../connector/store/store';
import { describeWithPostgres, dropSchemas, freshSchemaName, TEST_POSTGRES_URL } from '../helpers/postgres';
import { deferred, describeJobQueueContract, waitFor } from './job-queue.contract';
import { jobStoreOf } from '../../connector/store/job-store';

/** Short enough for quick tests, long enough not to spin. */
const POLL_MS = 20;

const root = mkdtempSync(join(tmpdir(), 'recouvra-jobs-'));
let files = 0;
const freshSqliteStore = async (): Promise<Store> => {
  const store = await openSqliteStore(join(root, `jobs-${++files}.db`));
  await store.migrate();
  return store;
};

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describeJobQueueContract('store queue on a SQLite file', async () => {
  const store = await freshSqliteStore();
  return { queue: new StoreJobQueue(store, { pollMs: POLL_MS }), cleanup: () => store.close() };
});

describe('store queue on SQLite', () => {
  describeStoreQueueBehaviour(freshSqliteStore);
});

describeWithPostgres('store queue on PostgreSQL', () => {
  const prefix = freshSchemaName('recouvra_jobs');
  const schemas: string[] = [];
  const freshPostgresStore = async (schema = `${prefix}_${schemas.length + 1}`): Promise<Store> => {
    if (!schemas.includes(schema)) schemas.push(schema);
    const store = await openPostgresStore({ url: TEST_POSTGRES_URL, schema, poolSize: 4 });
    await store.migrate();
    return store;
  };

  afterAll(async () => {
    await dropSchemas(schemas);
  });

  describeJobQueueContract('store queue on PostgreSQL', async () => {
    const store = await freshPostgresStore();
    return { queue: new StoreJobQueue(store, { pollMs: POLL_MS }), cleanup: () => store.close() };
  });

  describeStoreQueueBehaviour(() => freshPostgresStore());

  it('shares the work of one schema between two processes: every job runs exactly once', async () => {
    const schema = `${prefix}_${schemas.length + 1}`;
    const [storeA, storeB] = [await freshPostgresStore(schema), await freshPostgresStore(schema)];
    const queues = [new StoreJobQueue(storeA, { pollMs: POLL_MS }), new StoreJobQueue(storeB, { pollMs: POLL_MS })];
    const handled = new Map<string, number>();
    const perQueue = [0, 0];
    try {
      for (const [i, q] of queues.entries()) {
        q.process(
          'sync',
          async (job) => {
            handled.set(job.id, (handled.get(job.id) ?? 0) + 1);
            perQueue[i]!++;
            await sleep(2);
          },
          { concurrency: 3 },
        );
      }
      const ids = Array.from({ length: 200 }, (_, i) => `sync/shared/${String(i).padStart(3, '0')}`);
      for (const [i, id] of ids.entries()) await queues[i % 2]!.enqueue('sync', { i }, { jobId: id });

      await waitFor(async () => (await queues[0]!.counts('sync')).completed === 200, 20_000);
      expect([...handled.keys()].sort()).toEqual(ids);
      expect([...handled.values()].every((n) => n === 1)).toBe(true);
      expect(perQueue[0]).toBeGreaterThan(0);
      expect(perQueue[1]).toBeGreaterThan(0);
    } finally {
      await Promise.all(queues.map((q) => q.close()));
      await Promise.all([storeA.close(), storeB.close()]);
    }
  });

  it('holds a rate-limited name back in another process too', async () => {
    const schema = `${prefix}_${schemas.length + 1}`;
    const [storeA, storeB] = [await freshPostgresStore(schema), await freshPostgresStore(schema)];
    const queues = [new StoreJobQueue(storeA, { pollMs: POLL_MS }), new StoreJobQueue(storeB, { pollMs: POLL_MS })];
    try {
      // Both processes work on sync: whichever is not the one that met the limit must wait too.
      const starts: { id: string; at: number }[] = [];
      let limitedAt: number | undefined;
      for (const q of queues) {
        q.process('sync', async (job) => {
          starts.push({ id: job.id, at: Date.now() });
          if (job.id === 'sync/limited' && limitedAt === undefined) {
            limitedAt = Date.now();
            throw new RateLimitedError(400);
          }
        });
      }
      await queues[0]!.enqueue('sync', {}, { jobId: 'sync/limited' });
      await waitFor(async () => limitedAt !== undefined);
      // The hold is written when the attempt settles, a moment after the handler threw: only then
      // is there anything for the other process to respect.
      await waitFor(async () => (await jobStoreOf(storeA).getJob('sync/limited'))?.status === 'waiting');
      await queues[1]!.enqueue('sync', {}, { jobId: 'sync/other' });

      await waitFor(async () => starts.length === 3);
      expect(starts.map((s) => s.id).sort()).toEqual(['sync/limited', 'sync/limited', 'sync/other']);
      for (const s of starts.slice(1)) expect(s.at - limitedAt!).toBeGreaterThanOrEqual(400 - 15);
    } finally {
      await Promise.all(queues.map((q) => q.close()));
      await Promise.all([storeA.close(), storeB.close()]);
    }
  });
});

/** What only the store queue promises: leases, retention on its own clock, purge. */
function describeStoreQueueBehaviour(freshStore: () => Promise<Store>): void {
  let store: Store;
  let offset: number;
  const opened: StoreJobQueue[] = [];
  const open = (options: StoreJobQueueOptions = {}): StoreJobQueue => {
    const queue = new StoreJobQueue(store, { pollMs: POLL_MS, now: () => Date.now() + offset, ...options });
    opened.push(queue);
    return queue;
  };

  beforeEach(async () => {
    store = await freshStore();
    offset = 0;
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((q) => q.close()));
    await store.close();
  });

  it('takes again a job whose worker died (lease expired), counting the lost attempt', async () => {
    const queue = open({ leaseMs: 1_000 });
    await queue.enqueue('sync', { connection: 'odoo' }, { jobId: 'sync/orphan', attempts: 3 });
    // A worker claims it and is killed before it settles anything.
    const dead = await jobStoreOf(store).claimJob({
      names: ['sync'],
      now: Date.now(),
      leaseMs: 1_000,
      lockedBy: 'dead-worker#1',
    });
    expect(dead?.id).toBe('sync/orphan');

    const attempts: number[] = [];
    queue.process('sync', async (job) => void attempts.push(job.attempt));
    await sleep(150);
    expect(attempts).toEqual([]);
    expect((await queue.getJob('sync/orphan'))?.status).toBe('active');

    offset = 1_001;
    await waitFor(async () => (await queue.getJob('sync/orphan'))?.status === 'completed');
    expect(attempts).toEqual([2]);
    expect(await queue.getJob('sync/orphan')).toMatchObject({ attemptsMade: 2, error: undefined });
    // The dead worker's outcome, should it ever arrive, changes nothing.
    expect(
      await jobStoreOf(store).settleJob({
        id: 'sync/orphan',
        lockedBy: 'dead-worker#1',
        now: Date.now(),
        outcome: { status: 'failed', error: 'late' },
      }),
    ).toBe(false);
  });

  it('parks a job whose lease expired on its last attempt, saying why', async () => {
    const queue = open({ leaseMs: 1_000 });
    await queue.enqueue('sync', {}, { jobId: 'sync/last-chance', attempts: 1 });
    await jobStoreOf(store).claimJob({ names: ['sync'], now: Date.now(), leaseMs: 1_000, lockedBy: 'dead-worker#1' });
    let runs = 0;
    queue.process('sync', async () => {
      runs++;
    });

    offset = 1_001;
    await waitFor(async () => (await queue.getJob('sync/last-chance'))?.status === 'failed');
    expect(runs).toBe(0);
    expect((await queue.getJob('sync/last-chance'))?.error).toMatch(/lease expired/);
  });

  it('extends the lease of a long handler, so no other worker takes the job meanwhile', async () => {
    const a = open({ leaseMs: 90 });
    const b = open({ leaseMs: 90 });
    let runs = 0;
    for (const q of [a, b]) {
      q.process('reconcile', async () => {
        runs++;
        await sleep(400);
      });
    }
    await a.enqueue('reconcile', {}, { jobId: 'reconcile/long' });
    await waitFor(async () => (await a.getJob('reconcile/long'))?.status === 'completed');
    expect(runs).toBe(1);
  });

  it('keeps a completed id taken for the retention window, then accepts it again', async () => {
    const queue = open({ completedRetentionMs: 60_000 });
    let runs = 0;
    queue.process('evaluate', async () => {
      runs++;
    });
    await queue.enqueue('evaluate', {}, { jobId: 'evaluate/tick' });
    await waitFor(async () => (await queue.getJob('evaluate/tick'))?.status === 'completed');

    offset = 59_000;
    expect(await queue.enqueue('evaluate', {}, { jobId: 'evaluate/tick' })).toEqual({ added: false });
    offset = 61_000;
    expect(await queue.enqueue('evaluate', {}, { jobId: 'evaluate/tick' })).toEqual({ added: true });
    // The handler has run when `runs` moves; the job is settled a moment later.
    await waitFor(async () => runs === 2 && (await queue.getJob('evaluate/tick'))?.status !== 'active');
    expect(await queue.getJob('evaluate/tick')).toMatchObject({ status: 'completed', attemptsMade: 1 });
  });

  it('deletes completed jobs past their retention, and only those', async () => {
    const queue = open({ completedRetentionMs: 60_000 });
    queue.process('outbox', async () => undefined);
    await queue.enqueue('outbox', {}, { jobId: 'outbox/old' });
    await waitFor(async () => (await queue.getJob('outbox/old'))?.status === 'completed');
    await queue.enqueue('reconcile', {}, { jobId: 'reconcile/waiting' });

    expect(await jobStoreOf(store).removeCompletedJobs(Date.now() + offset - 60_000)).toBe(0);
    expect(await jobStoreOf(store).removeCompletedJobs(Date.now() + offset + 1)).toBe(1);
    expect(await queue.getJob('outbox/old')).toBeUndefined();
    expect((await queue.getJob('reconcile/waiting'))?.status).toBe('waiting');
  });

  it('does not start a job claimed while it closes: the job waits for the next process', async () => {
    const queue = open();
    const gate = deferred();
    queue.process('sync', async () => gate.promise, { concurrency: 1 });
    await queue.enqueue('sync', {}, { jobId: 'sync/first' });
    await waitFor(async () => (await queue.getJob('sync/first'))?.status === 'active');
    await queue.enqueue('sync', {}, { jobId: 'sync/second' });
    const closed = queue.close();
    gate.resolve();
    await closed;
    expect((await jobStoreOf(store).getJob('sync/second'))?.status).toBe('waiting');
    expect((await jobStoreOf(store).getJob('sync/second'))?.lockedBy).toBeUndefined();

    const next = open();
    const seen: string[] = [];
    next.process('sync', async (job) => void seen.push(job.id));
    await waitFor(async () => seen.length === 1);
    expect(seen).toEqual(['sync/second']);
  });

  it('follows its injected clock for delays', async () => {
    const queue = open();
    let ran = false;
    queue.process('outbox', async () => void (ran = true));
    await queue.enqueue('outbox', {}, { jobId: 'outbox/in-an-hour', delayMs: 3_600_000 });
    await sleep(100);
    expect(ran).toBe(false);
    expect((await queue.getJob('outbox/in-an-hour'))?.status).toBe('delayed');
    offset = 3_600_000;
    await waitFor(async () => ran);
  });

  it('refuses a second handler for a name, and options that cannot work', async () => {
    const queue = open();
    queue.process('sync', async () => undefined);
    expect(() => queue.process('sync', async () => undefined)).toThrow(/already have a handler/);
    expect(() => queue.process('outbox', async () => undefined, { concurrency: 0 })).toThrow(/concurrency/);
    await expect(queue.enqueue('sync', {}, { jobId: '' })).rejects.toThrow(/jobId/);
    await expect(queue.enqueue('sync', {}, { jobId: 'sync/x', attempts: 0 })).rejects.toThrow(/attempts/);
    await expect(queue.enqueue('sync', {}, { jobId: 'sync/x', delayMs: -1 })).rejects.toThrow(/delayMs/);
  });
}

describe('store queue when the store fails', () => {
  it('logs a claim failure when it happens, not at every poll', async () => {
    const store = await freshSqliteStore();
    const errors: string[] = [];
    const queue = new StoreJobQueue(store, { pollMs: 10, logger: { error: (message) => errors.push(message) } });
    queue.process('sync', async () => undefined);
    await store.close();
    await waitFor(async () => errors.length > 0);
    await sleep(50);
    const logged = errors.length;
    await sleep(200);
    await queue.close();
    // Twenty polls failed meanwhile, with the same error, and none of them was logged again.
    expect(errors).toHaveLength(logged);
    expect(errors.every((e) => e.startsWith('job queue: cannot claim jobs: '))).toBe(true);
  });
});

describe('outcomeOfError', () => {
  const job = { attempt: 2, maxAttempts: 4, backoffMs: 1_000 };
  const NOW = 1_000_000;

  it.each([
    [
      'a plain error with attempts left: retry after backoff × 2^(attempt-1)',
      new Error('boom'),
      job,
      { status: 'retry', runAt: NOW + 2_000, error: 'boom' },
    ],
    [
      'the first attempt: retry after the backoff itself',
      new Error('boom'),
      { ...job, attempt: 1 },
      { status: 'retry', runAt: NOW + 1_000, error: 'boom' },
    ],
    ['the last attempt: parked', new Error('boom'), { ...job, attempt: 4 }, { status: 'failed', error: 'boom' }],
    [
      'UnrecoverableJobError: parked at once',
      new UnrecoverableJobError('bad config'),
      { ...job, attempt: 1 },
      { status: 'failed', error: 'bad config' },
    ],
    [
      'RateLimitedError: postponed, name held, attempt not counted',
      new RateLimitedError(30_000),
      { ...job, attempt: 4 },
      { status: 'postponed', runAt: NOW + 30_000, holdNameUntil: NOW + 30_000 },
    ],
    [
      'something thrown that is not an Error',
      'just a string',
      job,
      { status: 'retry', runAt: NOW + 2_000, error: 'just a string' },
    ],
  ])('%s', (_title, error, attempt, expected) => {
    expect(outcomeOfError(error, attempt, NOW)).toEqual(expected);
  });
});

describe('openJobQueue', () => {
  it('opens the store queue by default, and the Redis one when asked, without connecting yet', async () => {
    const store = await openSqliteStore(':memory:');
    try {
      const embedded = openJobQueue({}, { store });
      expect(embedded.kind).toBe('store');
      await embedded.close();
      const redis = openJobQueue({ driver: 'redis', redis: { url: 'redis://127.0.0.1:1' } }, { store });
      expect(redis.kind).toBe('redis');
      await redis.close();
    } finally {
      await store.close();
    }
  });

  it('refuses a configuration the schema refuses', async () => {
    const store = await openSqliteStore(':memory:');
    try {
      expect(() => openJobQueue({ driver: 'kafka' } as never, { store })).toThrow(/queue.driver/);
    } finally {
      await store.close();
    }
  });
});
