import { randomUUID } from 'node:crypto';
import { Queue, UnrecoverableError, Worker, type Job, type RedisOptions } from 'bullmq';
import {
  checkRetentionMs,
  DEFAULT_COMPLETED_RETENTION_MS,
  messageOf,
  resolveJobOptions,
  stderrLog,
  type QueueLog,
} from './job-options';
import {
  JOB_NAMES,
  RateLimitedError,
  UnrecoverableJobError,
  type JobData,
  type JobHandler,
  type JobInfo,
  type JobName,
  type JobOptions,
  type JobQueue,
  type JobStatus,
  type ProcessOptions,
} from './job-queue';

/**
 * The scaled-out queue: BullMQ on Redis, one BullMQ queue (and, where this process works, one
 * worker) per job name. The only file that imports bullmq (STYLE.md, "one file that imports
 * the queue library"); the contract tests run it against a real Redis.
 *
 * Keys are `<prefix>:<name>:…` (BullMQ refuses ':' in a queue name, so the prefix carries it).
 */

export interface BullMqJobQueueOptions {
  /** redis://[user:password@]host:port[/db] or rediss:// for TLS. */
  url: string;
  /** First segment of every key, so that several installations (or test runs) can share one Redis. Default `recouvra`. */
  prefix?: string;
  /** How long a completed job keeps its id taken (ms, rounded up to whole seconds). Default 24 h. */
  completedRetentionMs?: number;
  /** Where errors of the connections and workers go. Default: stderr. */
  logger?: QueueLog;
}

export const DEFAULT_REDIS_PREFIX = 'recouvra';
const DEFAULT_FAILED_LIMIT = 100;

/**
 * BullMQ honours a manual rate limit (`queue.rateLimit`) only in workers that have a limiter:
 * its moveToActive script reads the limiter key only when a maximum is set (5.81). This one
 * never limits by count. https://docs.bullmq.io/guide/rate-limiting
 */
const MANUAL_LIMITER_ONLY = { max: Number.MAX_SAFE_INTEGER, duration: 1_000 };

/** What is stored in a BullMQ job: the caller's data, and which enqueue call stored it. */
interface Envelope {
  data: JobData;
  /** BullMQ's `add` returns the same answer whether it added the job or met an existing one; reading this back tells. */
  enqueueId: string;
}

/**
 * BullMQ refuses a custom job id that contains ':' (unless it has exactly two, for its own
 * repeatable jobs) or that reads as an integer (https://docs.bullmq.io/guide/jobs/job-ids);
 * ours are business keys such as
 * `sync/odoo/2026-11-27T09:00:00.000Z`. '%' and ':' are percent-encoded, and so is the first
 * character of an id that reads as an integer; `decodeJobId` reverses it.
 */
export function encodeJobId(id: string): string {
  const escaped = id.replace(/[%:]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  if (`${Number.parseInt(escaped, 10)}` !== escaped) return escaped;
  return `%${escaped.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}${escaped.slice(1)}`;
}

export function decodeJobId(encoded: string): string {
  return encoded.replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

export class BullMqJobQueue implements JobQueue {
  readonly kind = 'redis';

  private readonly connection: RedisOptions;
  private readonly url: string;
  private readonly prefix: string;
  private readonly completedRetentionSeconds: number;
  private readonly logger: QueueLog;
  private readonly queues = new Map<JobName, Queue<Envelope, void, JobName>>();
  private readonly workers = new Map<JobName, Worker<Envelope, void, JobName>>();
  private closing: Promise<void> | undefined;
  private closed = false;

  constructor(options: BullMqJobQueueOptions) {
    if (!/^rediss?:\/\//.test(options.url))
      throw new RangeError(`the Redis URL must start with redis:// or rediss://, got ${describeRedisUrl(options.url)}`);
    this.connection = { url: options.url };
    this.url = options.url;
    this.prefix = options.prefix ?? DEFAULT_REDIS_PREFIX;
    if (this.prefix.length === 0) throw new RangeError('the Redis key prefix must not be empty');
    this.completedRetentionSeconds = Math.ceil(
      checkRetentionMs(options.completedRetentionMs ?? DEFAULT_COMPLETED_RETENTION_MS) / 1_000,
    );
    this.logger = options.logger ?? stderrLog;
  }

  async enqueue(name: JobName, data: JobData, options: JobOptions): Promise<{ added: boolean }> {
    const { jobId, delayMs, attempts, backoffMs } = resolveJobOptions(options);
    const queue = this.queue(name);
    const id = encodeJobId(jobId);
    const enqueueId = randomUUID();
    await queue.add(
      name,
      { data: { ...data }, enqueueId },
      {
        jobId: id,
        delay: delayMs,
        attempts,
        backoff: { type: 'exponential', delay: backoffMs },
        removeOnComplete: { age: this.completedRetentionSeconds },
        removeOnFail: false,
      },
    );
    // Absent: the job that held the id was removed in between, so this call did not add one.
    const stored = await queue.getJob(id);
    return { added: stored?.data.enqueueId === enqueueId };
  }

  process(name: JobName, handler: JobHandler, options: ProcessOptions = {}): void {
    if (this.closing !== undefined) throw new Error(`cannot process ${name} jobs: the queue is closed`);
    if (this.workers.has(name)) throw new Error(`${name} jobs already have a handler in this process`);
    const concurrency = options.concurrency ?? 1;
    if (!Number.isSafeInteger(concurrency) || concurrency < 1)
      throw new RangeError(`concurrency of ${name} jobs must be a positive integer, got ${concurrency}`);
    const queue = this.queue(name);
    const worker = new Worker<Envelope, void, JobName>(
      name,
      async (job) => {
        try {
          await handler({ id: decodeJobId(job.id ?? ''), name, data: job.data.data, attempt: job.attemptsMade + 1 });
        } catch (error) {
          if (error instanceof RateLimitedError) {
            // The job goes back to waiting without an attempt counted, and every worker of this
            // name, in any process, takes nothing until the limit expires.
            await queue.rateLimit(Math.max(1, error.retryAfterMs));
            throw Worker.RateLimitError();
          }
          if (error instanceof UnrecoverableJobError) throw new UnrecoverableError(error.message);
          throw error;
        }
      },
      // Workers block on Redis reads, which must not time out: BullMQ requires maxRetriesPerRequest null.
      {
        connection: { ...this.connection, maxRetriesPerRequest: null },
        prefix: this.prefix,
        concurrency,
        limiter: MANUAL_LIMITER_ONLY,
      },
    );
    worker.on('error', (error) => this.logger.error(`job queue: ${name} worker: ${messageOf(error)}`));
    this.workers.set(name, worker);
  }

  async failed(name?: JobName, limit = DEFAULT_FAILED_LIMIT): Promise<JobInfo[]> {
    if (limit <= 0) return [];
    const names = name === undefined ? JOB_NAMES : [name];
    const jobs: JobInfo[] = [];
    for (const n of names) {
      // Newest first within a name (BullMQ orders its failed set by finish time).
      for (const job of await this.queue(n).getFailed(0, limit - 1)) jobs.push(toJobInfo(job, 'failed'));
    }
    jobs.sort((a, b) => (b.finishedAt ?? '').localeCompare(a.finishedAt ?? '') || b.id.localeCompare(a.id));
    return jobs.slice(0, limit);
  }

  async getJob(id: string): Promise<JobInfo | undefined> {
    for (const name of JOB_NAMES) {
      const job = await this.queue(name).getJob(encodeJobId(id));
      if (job === undefined) continue;
      const status = statusOf(await job.getState());
      if (status !== undefined) return toJobInfo(job, status);
    }
    return undefined;
  }

  async counts(name?: JobName): Promise<Record<JobStatus, number>> {
    const counts: Record<JobStatus, number> = { waiting: 0, delayed: 0, active: 0, completed: 0, failed: 0 };
    for (const n of name === undefined ? JOB_NAMES : [name]) {
      const c = await this.queue(n).getJobCounts(
        'waiting',
        'paused',
        'prioritized',
        'waiting-children',
        'delayed',
        'active',
        'completed',
        'failed',
      );
      counts.waiting +=
        (c['waiting'] ?? 0) + (c['paused'] ?? 0) + (c['prioritized'] ?? 0) + (c['waiting-children'] ?? 0);
      counts.delayed += c['delayed'] ?? 0;
      counts.active += c['active'] ?? 0;
      counts.completed += c['completed'] ?? 0;
      counts.failed += c['failed'] ?? 0;
    }
    return counts;
  }

  /** Waits as long as Redis does not answer (BullMQ reconnects for ever): callers bound the wait. */
  async ping(): Promise<void> {
    try {
      // A read of one key (absent) through the client BullMQ wraps, which has no PING of its own.
      const client = await this.queue('sync').client;
      await client.get(`${this.prefix}:ready`);
    } catch (error) {
      throw new Error(`Redis at ${describeRedisUrl(this.url)} does not answer: ${messageOf(error)}`, { cause: error });
    }
  }

  close(): Promise<void> {
    this.closing ??= this.closeAll();
    return this.closing;
  }

  /**
   * Deletes every job and key of this prefix, whatever their state: for tests and for
   * decommissioning an installation. Not part of `JobQueue`.
   */
  async obliterate(): Promise<void> {
    if (this.closing !== undefined) throw new Error('cannot obliterate through a closed queue: open another one');
    for (const name of JOB_NAMES) await this.queue(name).obliterate({ force: true });
  }

  /** Workers first, each waiting for its running jobs (which may still enqueue), then the queues. */
  private async closeAll(): Promise<void> {
    await Promise.all([...this.workers.values()].map((w) => w.close()));
    this.closed = true;
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }

  private queue(name: JobName): Queue<Envelope, void, JobName> {
    let queue = this.queues.get(name);
    if (queue === undefined) {
      if (this.closed) throw new Error(`the ${name} queue is closed`);
      queue = new Queue<Envelope, void, JobName>(name, { connection: this.connection, prefix: this.prefix });
      queue.on('error', (error) => this.logger.error(`job queue: ${name} queue: ${messageOf(error)}`));
      this.queues.set(name, queue);
    }
    return queue;
  }
}

function statusOf(state: string): JobStatus | undefined {
  switch (state) {
    case 'waiting':
    case 'prioritized':
    case 'waiting-children':
      return 'waiting';
    case 'delayed':
    case 'active':
    case 'completed':
    case 'failed':
      return state;
    default:
      return undefined;
  }
}

function toJobInfo(job: Job<Envelope, void, JobName>, status: JobStatus): JobInfo {
  return {
    id: decodeJobId(job.id ?? ''),
    name: job.name,
    data: job.data.data,
    status,
    attemptsMade: job.attemptsMade,
    error:
      status === 'failed' || status === 'waiting' || status === 'delayed' ? job.failedReason || undefined : undefined,
    createdAt: new Date(job.timestamp).toISOString(),
    finishedAt: job.finishedOn === undefined ? undefined : new Date(job.finishedOn).toISOString(),
  };
}

/** host:port/db, for messages: never the password. */
export function describeRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.hostname}:${u.port || '6379'}${u.pathname}`;
  } catch {
    return '(a URL that does not parse)';
  }
}
