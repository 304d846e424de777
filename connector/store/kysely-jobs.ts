import { sql, type UpdateObject } from 'kysely';
import { attempt } from './errors';
import { rowToStoredJob } from './rows';
import type { Database, JobsTable } from './schema';
import type { ClaimJobInput, EnqueueJobInput, JobStore, SettleJobInput, StoredJob } from './job-store';
import { KyselyAggregate, type KyselyUnit } from './kysely-unit';
import { fromExcluded } from './kysely-helpers';

/** Every column of `jobs` but the key: a completed job past its retention is replaced whole. */
const JOB_COLUMNS = [
  'name',
  'data',
  'status',
  'attempts_made',
  'max_attempts',
  'backoff_ms',
  'run_at',
  'locked_by',
  'locked_until',
  'last_error',
  'created_at',
  'finished_at',
] as const satisfies readonly (keyof JobsTable)[];
/** The error an attempt gets when its worker stopped (killed, crashed) before settling it. */
const ABANDONED_ATTEMPT = 'the worker running this attempt stopped before it finished (its lease expired)';

export class KyselyJobStore extends KyselyAggregate implements JobStore {
  protected rebind(unit: KyselyUnit): this {
    return new KyselyJobStore(unit) as this;
  }

  // ── jobs ─────────────────────────────────────────────────────────────────

  /**
   * One statement, so that two daemons enqueueing the same id at once cannot both add it: the
   * insert meets the other's row and replaces it only if that one completed before the window.
   */
  async enqueueJob({ job, now, completedRetentionMs }: EnqueueJobInput): Promise<boolean> {
    const row: JobsTable = {
      id: job.id,
      name: job.name,
      data: JSON.stringify(job.data),
      status: 'waiting',
      attempts_made: 0,
      max_attempts: job.maxAttempts,
      backoff_ms: job.backoffMs,
      run_at: job.runAt,
      locked_by: null,
      locked_until: null,
      last_error: null,
      created_at: now,
      finished_at: null,
    };
    const added = await attempt('write', 'jobs', job.id, () =>
      this.db
        .insertInto('jobs')
        .values(row)
        .onConflict((oc) =>
          oc
            .column('id')
            .doUpdateSet(fromExcluded(JOB_COLUMNS))
            .where('jobs.status', '=', 'completed')
            .where('jobs.finished_at', '<=', now - completedRetentionMs),
        )
        .returning('id')
        .executeTakeFirst(),
    );
    return added !== undefined;
  }

  async claimJob({ names, now, leaseMs, lockedBy }: ClaimJobInput): Promise<StoredJob | undefined> {
    if (names.length === 0) return undefined;
    return this.inTransaction(async (tx) => {
      for (;;) {
        const candidate = await attempt('read', 'jobs', undefined, () =>
          tx.db
            .selectFrom('jobs')
            .selectAll()
            .where('name', 'in', names)
            .where((eb) =>
              eb.or([
                eb.and([eb('status', '=', 'waiting'), eb('run_at', '<=', now)]),
                eb.and([eb('status', '=', 'active'), eb('locked_until', '<=', now)]),
              ]),
            )
            .where('name', 'not in', (eb) =>
              eb.selectFrom('job_holds').select('job_holds.name').where('held_until', '>', now),
            )
            .orderBy('run_at')
            .orderBy('id')
            .limit(1)
            // Another process's claim keeps its row locked until it commits: take the next one
            // instead of waiting. SQLite has no row locks; BEGIN IMMEDIATE serialises claims there.
            .$if(this.driver === 'postgres', (q) => q.forUpdate().skipLocked())
            .executeTakeFirst(),
        );
        if (candidate === undefined) return undefined;
        const abandoned = candidate.status === 'active';
        const attemptsMade = candidate.attempts_made + (abandoned ? 1 : 0);
        const lastError = abandoned ? ABANDONED_ATTEMPT : candidate.last_error;
        if (attemptsMade >= candidate.max_attempts) {
          await attempt('write', 'jobs', candidate.id, () =>
            tx.db
              .updateTable('jobs')
              .set({
                status: 'failed',
                attempts_made: attemptsMade,
                last_error: lastError,
                locked_by: null,
                locked_until: null,
                finished_at: now,
              })
              .where('id', '=', candidate.id)
              .execute(),
          );
          continue;
        }
        const claimed = await attempt('write', 'jobs', candidate.id, () =>
          tx.db
            .updateTable('jobs')
            .set({
              status: 'active',
              attempts_made: attemptsMade,
              last_error: lastError,
              locked_by: lockedBy,
              locked_until: now + leaseMs,
            })
            .where('id', '=', candidate.id)
            .returningAll()
            .executeTakeFirstOrThrow(),
        );
        return rowToStoredJob(claimed);
      }
    });
  }

  async extendJobLease({
    id,
    lockedBy,
    lockedUntil,
  }: {
    id: string;
    lockedBy: string;
    lockedUntil: number;
  }): Promise<boolean> {
    const row = await attempt('write', 'jobs', id, () =>
      this.db
        .updateTable('jobs')
        .set({ locked_until: lockedUntil })
        .where('id', '=', id)
        .where('status', '=', 'active')
        .where('locked_by', '=', lockedBy)
        .returning('id')
        .executeTakeFirst(),
    );
    return row !== undefined;
  }

  async settleJob({ id, lockedBy, now, outcome }: SettleJobInput): Promise<boolean> {
    const released = { locked_by: null, locked_until: null };
    const attemptMade = sql<number>`attempts_made + 1`;
    let changes: UpdateObject<Database, 'jobs'>;
    switch (outcome.status) {
      case 'completed':
        changes = { ...released, status: 'completed', attempts_made: attemptMade, last_error: null, finished_at: now };
        break;
      case 'retry':
        changes = {
          ...released,
          status: 'waiting',
          attempts_made: attemptMade,
          last_error: outcome.error,
          run_at: outcome.runAt,
        };
        break;
      case 'failed':
        changes = {
          ...released,
          status: 'failed',
          attempts_made: attemptMade,
          last_error: outcome.error,
          finished_at: now,
        };
        break;
      case 'postponed':
        changes = { ...released, status: 'waiting', run_at: outcome.runAt };
        break;
      case 'released':
        changes = { ...released, status: 'waiting' };
        break;
    }
    return this.inTransaction(async (tx) => {
      const settled = await attempt('write', 'jobs', id, () =>
        tx.db
          .updateTable('jobs')
          .set(changes)
          .where('id', '=', id)
          .where('status', '=', 'active')
          .where('locked_by', '=', lockedBy)
          .returning('name')
          .executeTakeFirst(),
      );
      if (settled === undefined) return false;
      if (outcome.status === 'postponed') {
        const heldUntil = outcome.holdNameUntil;
        await attempt('write', 'job_holds', settled.name, () =>
          tx.db
            .insertInto('job_holds')
            .values({ name: settled.name, held_until: heldUntil })
            // A shorter hold never cuts a longer one short.
            .onConflict((oc) =>
              oc.column('name').doUpdateSet({
                held_until: sql<number>`case when excluded.held_until > job_holds.held_until then excluded.held_until else job_holds.held_until end`,
              }),
            )
            .execute(),
        );
      }
      return true;
    });
  }

  async getJob(id: string): Promise<StoredJob | undefined> {
    const row = await attempt('read', 'jobs', id, () =>
      this.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst(),
    );
    return row === undefined ? undefined : rowToStoredJob(row);
  }

  async listFailedJobs(filter: { name?: string; limit?: number } = {}): Promise<StoredJob[]> {
    let query = this.db
      .selectFrom('jobs')
      .selectAll()
      .where('status', '=', 'failed')
      .orderBy('finished_at', 'desc')
      .orderBy('id', 'desc');
    if (filter.name !== undefined) query = query.where('name', '=', filter.name);
    if (filter.limit !== undefined) query = query.limit(filter.limit);
    const rows = await attempt('read', 'jobs', undefined, () => query.execute());
    return rows.map(rowToStoredJob);
  }

  async countJobs({
    name,
    now,
  }: {
    name?: string;
    now: number;
  }): Promise<Record<StoredJob['status'] | 'delayed', number>> {
    let query = this.db
      .selectFrom('jobs')
      .select((eb) => [
        'status',
        eb.fn.countAll<number>().as('count'),
        eb.fn.sum<number>(sql<number>`case when run_at > ${now} then 1 else 0 end`).as('later'),
      ])
      .groupBy('status');
    if (name !== undefined) query = query.where('name', '=', name);
    const rows = await attempt('read', 'jobs', undefined, () => query.execute());
    const counts = { waiting: 0, delayed: 0, active: 0, completed: 0, failed: 0 };
    for (const row of rows) {
      const count = row.count;
      if (row.status === 'waiting') {
        counts.delayed = row.later;
        counts.waiting = count - counts.delayed;
      } else if (row.status in counts) {
        counts[row.status as keyof typeof counts] = count;
      }
    }
    return counts;
  }

  async removeCompletedJobs(finishedBefore: number): Promise<number> {
    const result = await attempt('write', 'jobs', undefined, () =>
      this.db
        .deleteFrom('jobs')
        .where('status', '=', 'completed')
        .where('finished_at', '<', finishedBefore)
        .executeTakeFirst(),
    );
    return Number(result.numDeletedRows);
  }
}
