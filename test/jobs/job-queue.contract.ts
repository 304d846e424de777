import { setTimeout as sleep } from 'node:timers/promises';
import {
  RateLimitedError,
  UnrecoverableJobError,
  type JobQueue,
  type RunningJob,
} from '../../connector/jobs/job-queue';

/**
 * The behaviour every `JobQueue` must show, run against each one (store-queue.test.ts on SQLite
 * and PostgreSQL, bullmq-queue.test.ts on Redis). `open` returns a queue on an empty backend of
 * its own, and `cleanup` releases the backend once the queue is closed.
 *
 * Timings are real but short: backoffs and limits of tens of milliseconds, and every wait is a
 * poll for a condition with a deadline, never a fixed sleep that hopes it was long enough.
 */
export interface QueueUnderTest {
  queue: JobQueue;
  cleanup: () => Promise<void>;
}

/** Slack for timer granularity between the instant a test records and the one the queue used (ms). */
const CLOCK_SLACK_MS = 15;

export function describeJobQueueContract(name: string, open: () => Promise<QueueUnderTest>): void {
  describe(`JobQueue contract: ${name}`, () => {
    let queue: JobQueue;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ queue, cleanup } = await open());
    });

    afterEach(async () => {
      await queue.close();
      await cleanup();
    });

    it('runs a job once, with its id, name and data, and records it completed', async () => {
      const runs: RunningJob[] = [];
      queue.process('sync', async (job) => void runs.push(job));
      expect(
        await queue.enqueue(
          'sync',
          { connection: 'odoo', page: 3, full: false },
          { jobId: 'sync/odoo/2026-11-27T09:00:00.000Z' },
        ),
      ).toEqual({ added: true });

      await waitFor(async () => (await queue.getJob('sync/odoo/2026-11-27T09:00:00.000Z'))?.status === 'completed');
      await sleep(100);
      expect(runs).toEqual([
        {
          id: 'sync/odoo/2026-11-27T09:00:00.000Z',
          name: 'sync',
          data: { connection: 'odoo', page: 3, full: false },
          attempt: 1,
        },
      ]);
      const info = await queue.getJob('sync/odoo/2026-11-27T09:00:00.000Z');
      expect(info).toMatchObject({
        id: 'sync/odoo/2026-11-27T09:00:00.000Z',
        name: 'sync',
        data: { connection: 'odoo', page: 3, full: false },
        status: 'completed',
        attemptsMade: 1,
        error: undefined,
      });
      expect(Date.parse(info!.createdAt)).not.toBeNaN();
      expect(Date.parse(info!.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(info!.createdAt));
    });

    it('returns undefined for an id it never saw', async () => {
      expect(await queue.getJob('sync/nobody')).toBeUndefined();
    });

    it('adds an id once: while it waits, while it runs and after it completed, the same id adds nothing and runs no more', async () => {
      const gate = deferred();
      let runs = 0;
      expect(await queue.enqueue('sync', { connection: 'a' }, { jobId: 'sync/a/t1' })).toEqual({ added: true });
      expect(await queue.enqueue('sync', { connection: 'a' }, { jobId: 'sync/a/t1' })).toEqual({ added: false });

      queue.process('sync', async () => {
        runs++;
        await gate.promise;
      });
      await waitFor(async () => (await queue.getJob('sync/a/t1'))?.status === 'active');
      expect(await queue.enqueue('sync', { connection: 'a' }, { jobId: 'sync/a/t1' })).toEqual({ added: false });

      gate.resolve();
      await waitFor(async () => (await queue.getJob('sync/a/t1'))?.status === 'completed');
      expect(await queue.enqueue('sync', { connection: 'a' }, { jobId: 'sync/a/t1' })).toEqual({ added: false });
      await sleep(150);
      expect(runs).toBe(1);
      expect((await queue.counts('sync')).completed).toBe(1);
    });

    it('answers added: true to exactly one of several concurrent enqueues of one id', async () => {
      const answers = await Promise.all(
        Array.from({ length: 8 }, () => queue.enqueue('evaluate', {}, { jobId: 'evaluate/all/t1' })),
      );
      expect(answers.filter((a) => a.added)).toHaveLength(1);
      expect((await queue.counts('evaluate')).waiting).toBe(1);
    });

    it('keeps a delayed job until its delay has passed', async () => {
      let startedAt: number | undefined;
      queue.process('outbox', async () => void (startedAt = Date.now()));
      const enqueuedAt = Date.now();
      await queue.enqueue('outbox', {}, { jobId: 'outbox/later', delayMs: 400 });
      expect((await queue.getJob('outbox/later'))?.status).toBe('delayed');
      expect((await queue.counts('outbox')).delayed).toBe(1);

      await waitFor(async () => startedAt !== undefined);
      expect(startedAt! - enqueuedAt).toBeGreaterThanOrEqual(400 - CLOCK_SLACK_MS);
    });

    it('retries a failing job after an exponential backoff, counting its attempts', async () => {
      const starts: { attempt: number; at: number }[] = [];
      queue.process('sync', async (job) => {
        starts.push({ attempt: job.attempt, at: Date.now() });
        if (job.attempt < 3) throw new Error(`flaky #${job.attempt}`);
      });
      await queue.enqueue('sync', { connection: 'b' }, { jobId: 'sync/b/t1', attempts: 5, backoffMs: 60 });

      await waitFor(async () => (await queue.getJob('sync/b/t1'))?.status === 'completed');
      expect(starts.map((s) => s.attempt)).toEqual([1, 2, 3]);
      expect(starts[1]!.at - starts[0]!.at).toBeGreaterThanOrEqual(60 - CLOCK_SLACK_MS);
      expect(starts[2]!.at - starts[1]!.at).toBeGreaterThanOrEqual(120 - CLOCK_SLACK_MS);
      expect(await queue.getJob('sync/b/t1')).toMatchObject({ status: 'completed', attemptsMade: 3, error: undefined });
    });

    it('shows the last error of a job waiting for its retry', async () => {
      queue.process('sync', async () => {
        throw new Error('ERP unreachable');
      });
      await queue.enqueue('sync', { connection: 'c' }, { jobId: 'sync/c/t1', attempts: 2, backoffMs: 60_000 });

      await waitFor(async () => (await queue.getJob('sync/c/t1'))?.attemptsMade === 1);
      expect(await queue.getJob('sync/c/t1')).toMatchObject({
        status: 'delayed',
        attemptsMade: 1,
        error: 'ERP unreachable',
      });
      expect(await queue.failed()).toEqual([]);
    });

    it('parks a job that used up its attempts as failed, with its last error', async () => {
      let runs = 0;
      queue.process('reconcile', async (job) => {
        runs++;
        throw new Error(`still broken #${job.attempt}`);
      });
      await queue.enqueue('reconcile', { connection: 'd' }, { jobId: 'reconcile/d/t1', attempts: 3, backoffMs: 5 });

      await waitFor(async () => (await queue.getJob('reconcile/d/t1'))?.status === 'failed');
      await sleep(100);
      expect(runs).toBe(3);
      const info = await queue.getJob('reconcile/d/t1');
      expect(info).toMatchObject({
        status: 'failed',
        attemptsMade: 3,
        error: 'still broken #3',
        data: { connection: 'd' },
      });
      expect(info!.finishedAt).toBeDefined();
      expect(await queue.failed()).toEqual([info]);
      expect(await queue.failed('reconcile')).toEqual([info]);
      expect(await queue.failed('sync')).toEqual([]);
      expect(await queue.counts()).toMatchObject({ failed: 1, waiting: 0, delayed: 0, active: 0 });
    });

    it('lists failed jobs newest first, as many as asked', async () => {
      queue.process('outbox', async (job) => {
        throw new UnrecoverableJobError(`no performer for ${job.id}`);
      });
      for (const n of [1, 2, 3]) {
        await queue.enqueue('outbox', {}, { jobId: `outbox/f${n}` });
        await waitFor(async () => (await queue.getJob(`outbox/f${n}`))?.status === 'failed');
        await sleep(5);
      }
      expect((await queue.failed('outbox')).map((j) => j.id)).toEqual(['outbox/f3', 'outbox/f2', 'outbox/f1']);
      expect((await queue.failed(undefined, 2)).map((j) => j.id)).toEqual(['outbox/f3', 'outbox/f2']);
    });

    it('keeps the id of a failed job taken: enqueueing it again adds nothing', async () => {
      queue.process('outbox', async () => {
        throw new UnrecoverableJobError('refused');
      });
      await queue.enqueue('outbox', {}, { jobId: 'outbox/once' });
      await waitFor(async () => (await queue.getJob('outbox/once'))?.status === 'failed');
      expect(await queue.enqueue('outbox', {}, { jobId: 'outbox/once' })).toEqual({ added: false });
    });

    it('fails a job at once on UnrecoverableJobError, whatever attempts are left', async () => {
      let runs = 0;
      queue.process('sync', async () => {
        runs++;
        throw new UnrecoverableJobError('no connection "ghost" in the configuration');
      });
      await queue.enqueue('sync', { connection: 'ghost' }, { jobId: 'sync/ghost/t1', attempts: 5, backoffMs: 5 });

      await waitFor(async () => (await queue.getJob('sync/ghost/t1'))?.status === 'failed');
      await sleep(100);
      expect(runs).toBe(1);
      expect(await queue.getJob('sync/ghost/t1')).toMatchObject({
        status: 'failed',
        attemptsMade: 1,
        error: 'no connection "ghost" in the configuration',
      });
    });

    it('on RateLimitedError puts the job back without counting an attempt, and holds back its name only', async () => {
      const LIMIT_MS = 400;
      const starts: { id: string; attempt: number; at: number }[] = [];
      let limitedAt: number | undefined;
      queue.process('sync', async (job) => {
        starts.push({ id: job.id, attempt: job.attempt, at: Date.now() });
        if (job.id === 'sync/limited' && limitedAt === undefined) {
          limitedAt = Date.now();
          throw new RateLimitedError(LIMIT_MS);
        }
      });
      let evaluateAt: number | undefined;
      queue.process('evaluate', async () => void (evaluateAt = Date.now()));

      await queue.enqueue('sync', { connection: 'e' }, { jobId: 'sync/limited', attempts: 1 });
      await waitFor(async () => limitedAt !== undefined);
      await queue.enqueue('sync', { connection: 'f' }, { jobId: 'sync/other' });
      await queue.enqueue('evaluate', {}, { jobId: 'evaluate/meanwhile' });

      await waitFor(
        async () =>
          (await queue.getJob('sync/limited'))?.status === 'completed' &&
          (await queue.getJob('sync/other'))?.status === 'completed',
      );
      // attempts: 1 and still completed: the rate-limited run did not use up the only attempt.
      expect(await queue.getJob('sync/limited')).toMatchObject({ status: 'completed', attemptsMade: 1 });
      expect(starts.filter((s) => s.id === 'sync/limited').map((s) => s.attempt)).toEqual([1, 1]);
      for (const s of starts.slice(1)) expect(s.at - limitedAt!).toBeGreaterThanOrEqual(LIMIT_MS - CLOCK_SLACK_MS);
      expect(evaluateAt).toBeDefined();
      expect(evaluateAt! - limitedAt!).toBeLessThan(LIMIT_MS - 100);
    });

    it('runs at most `concurrency` handlers of a name at once, and uses them all', async () => {
      let running = 0;
      let most = 0;
      queue.process(
        'sync',
        async () => {
          running++;
          most = Math.max(most, running);
          await sleep(40);
          running--;
        },
        { concurrency: 3 },
      );
      for (let i = 0; i < 12; i++) await queue.enqueue('sync', { i }, { jobId: `sync/c${i}` });

      await waitFor(async () => (await queue.counts('sync')).completed === 12, 10_000);
      expect(most).toBe(3);
    });

    it('close() waits for a running handler to finish, and starts no job after it', async () => {
      const started: string[] = [];
      let finished = false;
      queue.process('sync', async (job) => {
        started.push(job.id);
        await sleep(300);
        finished = true;
      });
      await queue.enqueue('sync', {}, { jobId: 'sync/running' });
      await waitFor(async () => started.length === 1);
      await queue.enqueue('sync', {}, { jobId: 'sync/waiting' });

      await queue.close();
      expect(finished).toBe(true);
      await sleep(200);
      expect(started).toEqual(['sync/running']);
    });

    it('counts jobs per state, for all names or one', async () => {
      const gate = deferred();
      queue.process('sync', async (job) => {
        if (job.id === 'sync/blocked') await gate.promise;
        if (job.id === 'sync/bad') throw new UnrecoverableJobError('bad');
      });
      await queue.enqueue('reconcile', {}, { jobId: 'reconcile/w1' });
      await queue.enqueue('reconcile', {}, { jobId: 'reconcile/w2' });
      await queue.enqueue('evaluate', {}, { jobId: 'evaluate/later', delayMs: 60_000 });
      await queue.enqueue('sync', {}, { jobId: 'sync/ok' });
      await queue.enqueue('sync', {}, { jobId: 'sync/bad' });
      await waitFor(
        async () => (await queue.counts('sync')).completed === 1 && (await queue.counts('sync')).failed === 1,
      );
      await queue.enqueue('sync', {}, { jobId: 'sync/blocked' });
      await waitFor(async () => (await queue.counts('sync')).active === 1);

      expect(await queue.counts()).toEqual({ waiting: 2, delayed: 1, active: 1, completed: 1, failed: 1 });
      expect(await queue.counts('reconcile')).toEqual({ waiting: 2, delayed: 0, active: 0, completed: 0, failed: 0 });
      expect(await queue.counts('evaluate')).toEqual({ waiting: 0, delayed: 1, active: 0, completed: 0, failed: 0 });
      expect(await queue.counts('outbox')).toEqual({ waiting: 0, delayed: 0, active: 0, completed: 0, failed: 0 });
      gate.resolve();
      await waitFor(async () => (await queue.counts('sync')).completed === 2);
    });
  });
}

/** Polls `condition` every 10 ms until it holds; fails after `timeoutMs`. */
export async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(10);
  }
}

export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
