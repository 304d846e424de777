import type { Store } from './store';

/**
 * A job of the embedded queue (connector/jobs/store-queue.ts). Instants are epoch milliseconds
 * of the queue's clock. `delayed` is not a stored status: it is a waiting job whose `runAt` is
 * still ahead.
 */
export interface StoredJob {
  id: string;
  name: string;
  /** Ids only, never payloads or credentials. */
  data: Record<string, string | number | boolean>;
  status: 'waiting' | 'active' | 'completed' | 'failed';
  /** Attempts finished so far (a rate-limited return is not one; an attempt whose lease expired is). */
  attemptsMade: number;
  maxAttempts: number;
  /** Backoff before the second attempt (ms), doubled at each further one. */
  backoffMs: number;
  /** Not claimed before this instant. */
  runAt: number;
  /** The claim holding an active job: worker id and claim number. */
  lockedBy: string | undefined;
  /** An active job whose lease ends before it is settled is claimable again. */
  lockedUntil: number | undefined;
  lastError: string | undefined;
  createdAt: number;
  finishedAt: number | undefined;
}

export interface NewJob {
  id: string;
  name: string;
  data: Record<string, string | number | boolean>;
  maxAttempts: number;
  backoffMs: number;
  runAt: number;
}

export interface EnqueueJobInput {
  job: NewJob;
  now: number;
  /** A job that completed less than this long ago (ms) still holds its id. */
  completedRetentionMs: number;
}

export interface ClaimJobInput {
  /** Job names this worker has room for. */
  names: readonly string[];
  now: number;
  /** How long the claim holds the job (ms) unless it is extended. */
  leaseMs: number;
  /** Unique per claim: a settle or an extension must present it. */
  lockedBy: string;
}

/** How an attempt ended. */
export type JobOutcome =
  | { status: 'completed' }
  /** The attempt failed and another one is due at `runAt`. */
  | { status: 'retry'; runAt: number; error: string }
  /** The attempt failed and no other will be made: the job is parked. */
  | { status: 'failed'; error: string }
  /** Rate limited: back to waiting without counting an attempt; no job of its name is claimed before `holdNameUntil`. */
  | { status: 'postponed'; runAt: number; holdNameUntil: number }
  /** Not started after all (the queue closed while claiming): back to waiting as it was. */
  | { status: 'released' };

export interface SettleJobInput {
  id: string;
  lockedBy: string;
  now: number;
  outcome: JobOutcome;
}

/**
 * The embedded queue's jobs (connector/jobs/store-queue.ts, its only user: a dependency rule
 * keeps it so). Jobs are not part of a case's unit of work: each method is atomic on its own.
 */
export interface JobStore {
  /**
   * Adds a waiting job unless its id is taken: by a job waiting, active or failed, or by one that
   * completed within the retention window (an older completed job is replaced). Returns whether
   * it was added; atomic against concurrent enqueues of the same id.
   */
  enqueueJob(input: EnqueueJobInput): Promise<boolean>;

  /**
   * Takes the oldest runnable job of the given names, whose name no rate limit holds back, and
   * marks it active under `lockedBy` until `now + leaseMs`. Runnable: waiting and due, or active
   * with an expired lease (its worker died): such an attempt counts as made, and a job that has
   * no attempt left then is parked as failed instead. Several processes may claim at once (row
   * locks skipped on PostgreSQL, one writer at a time on SQLite); none gets the same job.
   */
  claimJob(input: ClaimJobInput): Promise<StoredJob | undefined>;

  /** Pushes an active job's lease to `lockedUntil`; false when the claim is no longer held. */
  extendJobLease(input: { id: string; lockedBy: string; lockedUntil: number }): Promise<boolean>;

  /** Records how an attempt ended; false, changing nothing, when the claim is no longer held. */
  settleJob(input: SettleJobInput): Promise<boolean>;

  getJob(id: string): Promise<StoredJob | undefined>;

  /** Jobs parked as failed, the most recently failed first. */
  listFailedJobs(filter?: { name?: string; limit?: number }): Promise<StoredJob[]>;

  /** Jobs per status, waiting ones due after `now` counted as delayed. */
  countJobs(filter: { name?: string; now: number }): Promise<Record<StoredJob['status'] | 'delayed', number>>;

  /** Deletes jobs that completed before `finishedBefore`; returns how many. */
  removeCompletedJobs(finishedBefore: number): Promise<number>;
}

/** Where a store keeps its job store: not a member of `Store`, so that only the queue reaches it. */
export const JOB_STORE: unique symbol = Symbol('recouvra.jobStore');

/** The job store of `store`; only the embedded queue (connector/jobs/store-queue.ts) may call this. */
export function jobStoreOf(store: Store): JobStore {
  const jobs = (store as Partial<Record<typeof JOB_STORE, JobStore>>)[JOB_STORE];
  if (jobs === undefined) throw new TypeError(`${store.location} keeps no jobs`);
  return jobs;
}
