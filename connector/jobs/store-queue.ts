import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Store } from '../store/store';
import {
  checkRetentionMs,
  DEFAULT_COMPLETED_RETENTION_MS,
  messageOf,
  resolveJobOptions,
  stderrLog,
  type QueueLog,
} from './job-options';
import {
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
import { jobStoreOf, type JobOutcome, type JobStore, type StoredJob } from '../store/job-store';

/**
 * The embedded queue: jobs are rows of the store (`jobs`, migration 0003), so they survive a
 * restart, and several processes sharing a PostgreSQL store share the work.
 *
 * Each process polls for due jobs of the names it processes, and wakes at once when it enqueues
 * one itself or a handler finishes. A claimed job is leased: the lease is extended while its
 * handler runs, and a job whose lease ran out (its process was killed) is claimed again by
 * anyone, the lost attempt counted. A job is therefore run at least once, not exactly once:
 * handlers are idempotent (STYLE.md habit 8).
 */

export interface StoreJobQueueOptions {
  /** How often to look for due jobs when nothing wakes the queue (ms). Default 200. */
  pollMs?: number;
  /** How long a completed job keeps its id taken, so the same id is not run again (ms). Default 24 h. */
  completedRetentionMs?: number;
  /** How long a claim holds a job before another process may take it (ms); extended every third of it while the handler runs. Default 30,000. */
  leaseMs?: number;
  /** The clock for due times, backoffs and leases (epoch ms). Default `Date.now`. */
  now?: () => number;
  /** Names this process in `locked_by`. Default host, pid and a random suffix. */
  workerId?: string;
  /** Where errors of the queue itself go (the store unreachable while polling). Default: stderr. */
  logger?: QueueLog;
}

export const DEFAULT_POLL_MS = 200;
export const DEFAULT_LEASE_MS = 30_000;
const DEFAULT_FAILED_LIMIT = 100;
/** How often the same polling error is logged again while it lasts (ms). */
const POLL_ERROR_REPEAT_MS = 60_000;
/** How often completed jobs past their retention are deleted (ms of the queue's clock). */
const PURGE_EVERY_MS = 10 * 60 * 1_000;

/**
 * What becomes of a job whose attempt `attempt` (1-based) threw `error` (STYLE.md habit 5): one
 * place decides between a retry, a parked failure and a rate-limited return.
 */
export function outcomeOfError(
  error: unknown,
  job: { attempt: number; maxAttempts: number; backoffMs: number },
  now: number,
): JobOutcome {
  if (error instanceof RateLimitedError) {
    const until = now + Math.max(0, error.retryAfterMs);
    return { status: 'postponed', runAt: until, holdNameUntil: until };
  }
  const message = messageOf(error);
  if (error instanceof UnrecoverableJobError || job.attempt >= job.maxAttempts)
    return { status: 'failed', error: message };
  return { status: 'retry', runAt: now + job.backoffMs * 2 ** (job.attempt - 1), error: message };
}

interface Registration {
  handler: JobHandler;
  concurrency: number;
  running: number;
}

export class StoreJobQueue implements JobQueue {
  readonly kind = 'store';

  private readonly pollMs: number;
  private readonly completedRetentionMs: number;
  private readonly leaseMs: number;
  private readonly now: () => number;
  private readonly workerId: string;
  private readonly logger: QueueLog;
  /** The store's jobs: this queue is the only user of the job store. */
  private readonly jobs: JobStore;

  private readonly registrations = new Map<JobName, Registration>();
  private readonly running = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private wakeAgain = false;
  private closed = false;
  private closing: Promise<void> | undefined;
  private claims = 0;
  private lastPurge = Number.NEGATIVE_INFINITY;
  private lastPollError: { message: string; at: number } | undefined;

  constructor(
    private readonly store: Store,
    options: StoreJobQueueOptions = {},
  ) {
    this.pollMs = positive('pollMs', options.pollMs ?? DEFAULT_POLL_MS);
    this.leaseMs = positive('leaseMs', options.leaseMs ?? DEFAULT_LEASE_MS);
    this.completedRetentionMs = checkRetentionMs(options.completedRetentionMs ?? DEFAULT_COMPLETED_RETENTION_MS);
    this.now = options.now ?? Date.now;
    this.workerId = options.workerId ?? `${hostname()}/${process.pid}/${randomBytes(3).toString('hex')}`;
    this.logger = options.logger ?? stderrLog;
    this.jobs = jobStoreOf(store);
  }

  /** Still works while `close()` waits for running handlers, which may enqueue follow-up jobs. */
  async enqueue(name: JobName, data: JobData, options: JobOptions): Promise<{ added: boolean }> {
    const { jobId, delayMs, attempts, backoffMs } = resolveJobOptions(options);
    const now = this.now();
    const added = await this.jobs.enqueueJob({
      job: { id: jobId, name, data: { ...data }, maxAttempts: attempts, backoffMs, runAt: now + delayMs },
      now,
      completedRetentionMs: this.completedRetentionMs,
    });
    if (added && delayMs === 0 && this.registrations.has(name)) this.wake();
    return { added };
  }

  process(name: JobName, handler: JobHandler, options: ProcessOptions = {}): void {
    if (this.closed) throw new Error(`cannot process ${name} jobs: the queue is closed`);
    if (this.registrations.has(name)) throw new Error(`${name} jobs already have a handler in this process`);
    const concurrency = options.concurrency ?? 1;
    if (!Number.isSafeInteger(concurrency) || concurrency < 1)
      throw new RangeError(`concurrency of ${name} jobs must be a positive integer, got ${concurrency}`);
    this.registrations.set(name, { handler, concurrency, running: 0 });
    this.wake();
  }

  async failed(name?: JobName, limit = DEFAULT_FAILED_LIMIT): Promise<JobInfo[]> {
    if (limit <= 0) return [];
    const jobs = await this.jobs.listFailedJobs({ ...(name === undefined ? {} : { name }), limit });
    const now = this.now();
    return jobs.map((job) => toJobInfo(job, now));
  }

  async getJob(id: string): Promise<JobInfo | undefined> {
    const job = await this.jobs.getJob(id);
    return job === undefined ? undefined : toJobInfo(job, this.now());
  }

  counts(name?: JobName): Promise<Record<JobStatus, number>> {
    return this.jobs.countJobs({ ...(name === undefined ? {} : { name }), now: this.now() });
  }

  ping(): Promise<void> {
    return this.store.ping();
  }

  close(): Promise<void> {
    this.closing ??= this.drain();
    return this.closing;
  }

  private async drain(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.ticking;
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  /** Claims now rather than at the next poll; a claim round already under way goes round once more. */
  private wake(): void {
    if (this.closed) return;
    if (this.ticking !== undefined) {
      this.wakeAgain = true;
      return;
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    this.ticking = this.claimWhileRoom().finally(() => {
      this.ticking = undefined;
      if (this.closed) return;
      if (this.wakeAgain) {
        this.wakeAgain = false;
        this.wake();
      } else {
        this.timer = setTimeout(() => this.wake(), this.pollMs);
      }
    });
  }

  /** Claims jobs until no name has a free slot or nothing is due. */
  private async claimWhileRoom(): Promise<void> {
    try {
      await this.purgeIfDue();
      while (!this.closed) {
        const names = [...this.registrations].filter(([, r]) => r.running < r.concurrency).map(([name]) => name);
        if (names.length === 0) return;
        const lockedBy = `${this.workerId}#${++this.claims}`;
        const job = await this.jobs.claimJob({ names, now: this.now(), leaseMs: this.leaseMs, lockedBy });
        this.lastPollError = undefined;
        if (job === undefined) return;
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- close() may have run while the claim was awaited
        if (this.closed) {
          await this.jobs.settleJob({ id: job.id, lockedBy, now: this.now(), outcome: { status: 'released' } });
          return;
        }
        this.start(job, lockedBy);
        // SQLite answers synchronously: give sockets, timers and lease renewals a turn between claims.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } catch (error) {
      // The store may stay down a while: say so when it happens, then once a minute, not every poll.
      const message = messageOf(error);
      const at = Date.now();
      if (this.lastPollError?.message !== message || at - this.lastPollError.at >= POLL_ERROR_REPEAT_MS) {
        this.lastPollError = { message, at };
        this.logger.error(`job queue: cannot claim jobs: ${message}; trying again every ${this.pollMs} ms`);
      }
    }
  }

  private async purgeIfDue(): Promise<void> {
    const now = this.now();
    if (now - this.lastPurge < PURGE_EVERY_MS) return;
    this.lastPurge = now;
    await this.jobs.removeCompletedJobs(now - this.completedRetentionMs);
  }

  private start(job: StoredJob, lockedBy: string): void {
    const registration = this.registrations.get(job.name as JobName);
    if (registration === undefined) throw new Error(`claimed a ${job.name} job, which this process does not handle`);
    registration.running++;
    const run = this.run(job, lockedBy, registration.handler).finally(() => {
      registration.running--;
      this.running.delete(run);
      this.wake();
    });
    this.running.add(run);
  }

  private async run(job: StoredJob, lockedBy: string, handler: JobHandler): Promise<void> {
    const attempt = job.attemptsMade + 1;
    const renewal = setInterval(
      () => {
        this.jobs
          .extendJobLease({ id: job.id, lockedBy, lockedUntil: this.now() + this.leaseMs })
          .catch((error: unknown) => {
            this.logger.error(`job queue: cannot extend the lease of job ${job.id}: ${messageOf(error)}`);
          });
      },
      Math.max(1, Math.floor(this.leaseMs / 3)),
    );
    let outcome: JobOutcome;
    try {
      await handler({ id: job.id, name: job.name as JobName, data: job.data, attempt });
      outcome = { status: 'completed' };
    } catch (error) {
      outcome = outcomeOfError(error, { attempt, maxAttempts: job.maxAttempts, backoffMs: job.backoffMs }, this.now());
    } finally {
      clearInterval(renewal);
    }
    try {
      const settled = await this.jobs.settleJob({ id: job.id, lockedBy, now: this.now(), outcome });
      if (!settled)
        this.logger.error(
          `job queue: job ${job.id} ran past its lease and was taken again elsewhere; this run's outcome (${outcome.status}) is dropped`,
        );
    } catch (error) {
      // The job stays active until its lease ends, then runs again: at least once, never lost.
      this.logger.error(
        `job queue: cannot record the outcome (${outcome.status}) of job ${job.id}: ${messageOf(error)}`,
      );
    }
  }
}

function toJobInfo(job: StoredJob, now: number): JobInfo {
  const status: JobStatus = job.status === 'waiting' && job.runAt > now ? 'delayed' : job.status;
  return {
    id: job.id,
    name: job.name as JobName,
    data: job.data,
    status,
    attemptsMade: job.attemptsMade,
    error: status === 'failed' || status === 'waiting' || status === 'delayed' ? job.lastError : undefined,
    createdAt: new Date(job.createdAt).toISOString(),
    finishedAt: job.finishedAt === undefined ? undefined : new Date(job.finishedAt).toISOString(),
  };
}

function positive(what: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new RangeError(`${what} must be a positive number of milliseconds, got ${value}`);
  return value;
}
