import type { JobOptions } from './job-queue';

/** The defaults `JobOptions` documents, in one place for both queues. */
export const DEFAULT_ATTEMPTS = 5;
export const DEFAULT_BACKOFF_MS = 1_000;
/** How long a completed job keeps its id taken (ms): 24 hours. */
export const DEFAULT_COMPLETED_RETENTION_MS = 24 * 60 * 60 * 1_000;

export type ResolvedJobOptions = Required<JobOptions>;

/** Fills in the defaults and refuses options that would make a job unrunnable, naming the job. */
export function resolveJobOptions(options: JobOptions): ResolvedJobOptions {
  const { jobId, delayMs = 0, attempts = DEFAULT_ATTEMPTS, backoffMs = DEFAULT_BACKOFF_MS } = options;
  if (typeof jobId !== 'string' || jobId.length === 0) throw new RangeError('a job needs a non-empty jobId');
  if (!Number.isSafeInteger(attempts) || attempts < 1)
    throw new RangeError(`job ${jobId}: attempts must be a positive integer, got ${attempts}`);
  if (!Number.isFinite(delayMs) || delayMs < 0)
    throw new RangeError(`job ${jobId}: delayMs must be a finite number ≥ 0, got ${delayMs}`);
  if (!Number.isFinite(backoffMs) || backoffMs < 0)
    throw new RangeError(`job ${jobId}: backoffMs must be a finite number ≥ 0, got ${backoffMs}`);
  return { jobId, delayMs: Math.round(delayMs), attempts, backoffMs: Math.round(backoffMs) };
}

/** Validates a retention window given in milliseconds. */
export function checkRetentionMs(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0)
    throw new RangeError(`completedRetentionMs must be a finite number ≥ 0, got ${ms}`);
  return Math.round(ms);
}

/** Where a queue reports its own failures (a winston Logger fits). */
export interface QueueLog {
  error(message: string): unknown;
}

/** The default: standard error, so that a failure is never silent. */
export const stderrLog: QueueLog = { error: (message) => process.stderr.write(`${message}\n`) };

export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
