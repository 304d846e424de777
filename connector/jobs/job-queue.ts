/**
 * The one job-queue seam (STYLE.md habits 7–8; DESIGN.md "Two ways to run"). Two
 * implementations: in-process, durable in the store (default), and BullMQ on Redis
 * (`queue: redis`); the same contract tests run against both.
 *
 * - Jobs carry ids, never payloads or credentials: a worker reads what it needs from the store.
 * - A job id is a business key (`sync/odoo/2026-11-27T09:00`): enqueueing an id that is waiting,
 *   delayed or running adds nothing, so several daemons enqueueing the same tick run it once.
 * - A handler signals with errors: `RateLimitedError` puts the job back after the delay WITHOUT
 *   counting an attempt and holds back that queue meanwhile (a 429 slows the queue down, it does
 *   not burn retries); `UnrecoverableJobError` fails the job at once; any other error is an
 *   attempt, retried with backoff until `attempts` are spent, then the job is parked as failed
 *   with its error, visible through `failed()`.
 */

export const JOB_NAMES = ['sync', 'reconcile', 'evaluate', 'outbox', 'track', 'lawfirm'] as const;
export type JobName = (typeof JOB_NAMES)[number];

/** Ids only (STYLE.md habit 8). */
export type JobData = Readonly<Record<string, string | number | boolean>>;

export interface JobOptions {
  /**
   * Deterministic business key; also the deduplication key. Unique across all names, so start
   * it with the name (`sync/…`): the Redis queue keeps one key space per name, the store one for all.
   */
  jobId: string;
  /** Run no sooner than this many milliseconds from now. */
  delayMs?: number;
  /** Attempts in all, the first included. Default 5. */
  attempts?: number;
  /** Backoff before the second attempt (ms), doubled each time. Default 1,000. */
  backoffMs?: number;
}

export type JobStatus = 'waiting' | 'delayed' | 'active' | 'completed' | 'failed';

export interface JobInfo {
  id: string;
  name: JobName;
  data: JobData;
  status: JobStatus;
  /** Attempts made (rate-limited returns do not count). */
  attemptsMade: number;
  /** The last error's message, when the job failed or is waiting for a retry. */
  error: string | undefined;
  createdAt: string;
  finishedAt: string | undefined;
}

export interface RunningJob {
  id: string;
  name: JobName;
  data: JobData;
  /** 1 for the first attempt. */
  attempt: number;
}

export type JobHandler = (job: RunningJob) => Promise<void>;

export interface ProcessOptions {
  /** Jobs of this name run at most this many at once in this process. Default 1. */
  concurrency?: number;
}

export interface JobQueue {
  readonly kind: 'store' | 'redis';
  /**
   * Adds a job unless one with the same id is waiting, delayed or active; `added` says which.
   * An id also stays taken while a job with it is parked as failed, and for the retention window
   * after it completed (24 h by default, at least that long on Redis, where old completed jobs are
   * removed only when a later job of the name completes): several daemons enqueueing the same
   * schedule tick, one after the other, run it once.
   */
  enqueue(name: JobName, data: JobData, options: JobOptions): Promise<{ added: boolean }>;
  /** Starts taking jobs of `name` in this process. */
  process(name: JobName, handler: JobHandler, options?: ProcessOptions): void;
  /** Jobs parked as failed, newest first. */
  failed(name?: JobName, limit?: number): Promise<JobInfo[]>;
  getJob(id: string): Promise<JobInfo | undefined>;
  /** Jobs per status, for metrics and the API. */
  counts(name?: JobName): Promise<Record<JobStatus, number>>;
  /**
   * Resolves when what holds the jobs answers (GET /ready, and the start of `recouvra run`); rejects
   * with a message naming it otherwise. The store queue asks the store; the Redis queue asks Redis.
   */
  ping(): Promise<void>;
  /** Stops taking new jobs, waits for the running ones to finish, then releases resources. */
  close(): Promise<void>;
}

/** Thrown by a handler when the system it called asked to slow down (HTTP 429). */
export class RateLimitedError extends Error {
  override readonly name = 'RateLimitedError';
  constructor(
    readonly retryAfterMs: number,
    message = `rate limited: retry in ${retryAfterMs} ms`,
  ) {
    super(message);
  }
}

/** Thrown by a handler when retrying cannot help (a configuration error): the job fails at once. */
export class UnrecoverableJobError extends Error {
  override readonly name = 'UnrecoverableJobError';
}
