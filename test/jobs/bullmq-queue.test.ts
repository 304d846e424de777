import { BullMqJobQueue, decodeJobId, encodeJobId } from '../../connector/jobs/bullmq-queue';
import { RateLimitedError } from '../../connector/jobs/job-queue';
import { describeWithRedis, freshRedisPrefix, TEST_REDIS_URL } from '../helpers/redis';
import { describeJobQueueContract, waitFor } from './job-queue.contract';

describeWithRedis('BullMQ queue on Redis', () => {
  // A prefix per test: runs, files and tests never share keys, and all are deleted afterwards.
  const runPrefix = freshRedisPrefix('recouvra-test');
  const prefixes: string[] = [];
  const newPrefix = (): string => {
    const prefix = `${runPrefix}-${prefixes.length + 1}`;
    prefixes.push(prefix);
    return prefix;
  };

  /** Deletes everything under `prefix`, through a queue of its own (the tested one is closed by then). */
  const obliterate = async (prefix: string): Promise<void> => {
    const admin = new BullMqJobQueue({ url: TEST_REDIS_URL, prefix });
    try {
      await admin.obliterate();
    } finally {
      await admin.close();
    }
  };

  // Opening a queue writes its meta key: whatever a test opened after its cleanup goes here.
  afterAll(async () => {
    for (const prefix of prefixes) await obliterate(prefix);
  });

  describeJobQueueContract('BullMQ on Redis', async () => {
    const prefix = newPrefix();
    return { queue: new BullMqJobQueue({ url: TEST_REDIS_URL, prefix }), cleanup: () => obliterate(prefix) };
  });

  it('holds a rate-limited name back in another process too', async () => {
    const prefix = newPrefix();
    const queues = [
      new BullMqJobQueue({ url: TEST_REDIS_URL, prefix }),
      new BullMqJobQueue({ url: TEST_REDIS_URL, prefix }),
    ];
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
      await queues[1]!.enqueue('sync', {}, { jobId: 'sync/other' });

      await waitFor(async () => starts.length === 3);
      expect(starts.map((s) => s.id).sort()).toEqual(['sync/limited', 'sync/limited', 'sync/other']);
      for (const s of starts.slice(1)) expect(s.at - limitedAt!).toBeGreaterThanOrEqual(400 - 15);
    } finally {
      await Promise.all(queues.map((q) => q.close()));
    }
  });

  it('works under its prefix, and obliterate() leaves nothing there', async () => {
    const prefix = newPrefix();
    const otherPrefix = newPrefix();
    const queue = new BullMqJobQueue({ url: TEST_REDIS_URL, prefix });
    try {
      queue.process('sync', async () => undefined);
      await queue.enqueue('sync', {}, { jobId: 'sync/odoo/2026-11-27T09:00:00.000Z' });
      await waitFor(async () => (await queue.getJob('sync/odoo/2026-11-27T09:00:00.000Z'))?.status === 'completed');
      const other = new BullMqJobQueue({ url: TEST_REDIS_URL, prefix: otherPrefix });
      try {
        expect(await other.getJob('sync/odoo/2026-11-27T09:00:00.000Z')).toBeUndefined();
      } finally {
        await other.close();
      }
    } finally {
      await queue.close();
    }
    await obliterate(prefix);
    const after = new BullMqJobQueue({ url: TEST_REDIS_URL, prefix });
    try {
      expect(await after.getJob('sync/odoo/2026-11-27T09:00:00.000Z')).toBeUndefined();
      expect(await after.counts()).toEqual({ waiting: 0, delayed: 0, active: 0, completed: 0, failed: 0 });
    } finally {
      await after.close();
    }
  });
});

describe('BullMQ job ids', () => {
  it.each([
    ['sync/odoo/2026-11-27T09:00:00.000Z', 'sync/odoo/2026-11-27T09%3A00%3A00.000Z'],
    ['outbox/50%', 'outbox/50%25'],
    ['42', '%342'],
    ['-7', '%2D7'],
    ['a:b:c', 'a%3Ab%3Ac'],
    ['plain', 'plain'],
  ])('%s is stored as %s and read back', (id, encoded) => {
    expect(encodeJobId(id)).toBe(encoded);
    expect(decodeJobId(encoded)).toBe(id);
  });

  it('never produces what BullMQ refuses: a ":" or an integer', () => {
    for (const id of ['1', '007', '12:30', '%3A', '1e3', ' 5']) {
      const encoded = encodeJobId(id);
      expect(encoded).not.toContain(':');
      expect(`${Number.parseInt(encoded, 10)}`).not.toBe(encoded);
      expect(decodeJobId(encoded)).toBe(id);
    }
  });

  it('refuses a URL that is not redis://, without echoing a password', () => {
    expect(() => new BullMqJobQueue({ url: 'http://user:s3cret-pw@example.test' })).toThrow(/redis:\/\//);
    expect(() => new BullMqJobQueue({ url: 'http://user:s3cret-pw@example.test' })).not.toThrow(/s3cret-pw/);
  });
});
