import { insertActions, saveCase } from './kysely-writes';
import { sql } from 'kysely';
import type { Action } from '../model/action.schema';
import type { CaseJournalEntry } from '../model/journal.schema';
import { StoreError, attempt } from './errors';
import { caseToRow, decisionToRow, rowToAction, rowToDecision } from './rows';
import type { ActionFilter, ClaimConnectionFilter, CompleteActionInput, Decision, RecordDecisionInput } from './store';
import type { OutboxStore } from './store';
import { KyselyAggregate, type KyselyUnit } from './kysely-unit';
import { DecisionReplayed } from './kysely-helpers';
import { appendJournalEntries, updateCaseIfUnchanged, insertDelivery } from './kysely-writes';

export class KyselyOutboxStore extends KyselyAggregate implements OutboxStore {
  protected rebind(unit: KyselyUnit): this {
    return new KyselyOutboxStore(unit) as this;
  }

  // ── decisions and outbox ─────────────────────────────────────────────────

  async recordDecision(input: RecordDecisionInput): Promise<boolean> {
    const { decision, actions, journal, caseAfter, expected } = input;
    if (decision.caseId !== caseAfter.id) {
      throw new StoreError(
        `decision "${decision.id}" is for case "${decision.caseId}" but caseAfter is case "${caseAfter.id}"`,
        { table: 'decisions', recordId: decision.id },
      );
    }
    if (expected !== undefined && expected.id !== caseAfter.id) {
      throw new StoreError(
        `decision "${decision.id}" expects case "${expected.id}" but caseAfter is case "${caseAfter.id}"`,
        { table: 'decisions', recordId: decision.id },
      );
    }
    return this.inTransaction(async (tx) => {
      if (expected !== undefined) {
        // The guarded UPDATE comes first (as in applyCaseChange): on PostgreSQL it locks the case
        // row, so a controller's change committed meanwhile makes it match nothing.
        if (!(await updateCaseIfUnchanged(tx.db, expected, caseAfter))) return false;
      } else {
        // The decision row references its case, which must exist before it. Inserting the case
        // only when it is missing writes nothing in the replay case: a decision that already
        // exists implies its case exists.
        await attempt('write', 'cases', caseAfter.id, () =>
          tx.db
            .insertInto('cases')
            .values(caseToRow(caseAfter))
            .onConflict((oc) => oc.column('id').doNothing())
            .execute(),
        );
      }
      // ON CONFLICT DO NOTHING rather than a prior SELECT: on PostgreSQL a concurrent
      // recorder of the same key waits here for the first to commit, then inserts nothing.
      const inserted = await attempt('write', 'decisions', decision.id, () =>
        tx.db
          .insertInto('decisions')
          .values(decisionToRow(decision))
          .onConflict((oc) => oc.column('idempotency_key').doNothing())
          .returning('id')
          .executeTakeFirst(),
      );
      // A replay: the case UPDATE above, if any, is undone with the rest.
      if (inserted === undefined) throw new DecisionReplayed();

      if (expected === undefined) await saveCase(tx.db, caseAfter);
      await insertActions(tx.db, actions);
      await appendJournalEntries(tx.db, journal);
      return true;
    }).catch((e: unknown) => {
      if (e instanceof DecisionReplayed) return false;
      throw e;
    });
  }

  async getDecision(idempotencyKey: string): Promise<Decision | undefined> {
    const row = await attempt('read', 'decisions', idempotencyKey, () =>
      this.db.selectFrom('decisions').selectAll().where('idempotency_key', '=', idempotencyKey).executeTakeFirst(),
    );
    return row === undefined ? undefined : rowToDecision(row);
  }

  async getDecisionById(id: string): Promise<Decision | undefined> {
    const row = await attempt('read', 'decisions', id, () =>
      this.db.selectFrom('decisions').selectAll().where('id', '=', id).executeTakeFirst(),
    );
    return row === undefined ? undefined : rowToDecision(row);
  }

  async listDecisions(caseId: string): Promise<Decision[]> {
    const rows = await attempt('read', 'decisions', undefined, () =>
      this.db
        .selectFrom('decisions')
        .selectAll()
        .where('case_id', '=', caseId)
        .orderBy('decided_at')
        .orderBy('id')
        .execute(),
    );
    return rows.map(rowToDecision);
  }

  async listActions(filter: ActionFilter = {}): Promise<Action[]> {
    let query = this.db.selectFrom('outbox').selectAll().orderBy('not_before').orderBy('id');
    if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    if (filter.caseId !== undefined) query = query.where('case_id', '=', filter.caseId);
    if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
    if (filter.limit !== undefined) query = query.limit(filter.limit);
    const rows = await attempt('read', 'outbox', undefined, () => query.execute());
    return rows.map(rowToAction);
  }

  async claimAction(input: {
    kind: Action['kind'];
    now: string;
    leaseUntil: string;
    connection?: ClaimConnectionFilter;
  }): Promise<Action | undefined> {
    const { connection } = input;
    return this.inTransaction(async (tx) => {
      let next = tx.db
        .selectFrom('outbox')
        .select('id')
        .where('kind', '=', input.kind)
        .where('status', 'in', ['pending', 'in_progress'])
        .where('not_before', '<=', input.now)
        .orderBy('not_before')
        .orderBy('id')
        .limit(1);
      // A case's connection is that of its items (receivables_by_case_due serves the lookup); a
      // case with no item, or none from the listed connections, falls to the `except` lane.
      if (connection && 'only' in connection) {
        next = next.where((eb) =>
          eb.exists(
            eb
              .selectFrom('receivables')
              .select(sql.lit(1).as('one'))
              .whereRef('receivables.case_id', '=', 'outbox.case_id')
              .where('receivables.source_connection', '=', connection.only),
          ),
        );
      } else if (connection && connection.except.length > 0) {
        const except = [...connection.except];
        next = next.where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('receivables')
                .select(sql.lit(1).as('one'))
                .whereRef('receivables.case_id', '=', 'outbox.case_id')
                .where('receivables.source_connection', 'in', except),
            ),
          ),
        );
      }
      if (this.driver === 'postgres') next = next.forUpdate().skipLocked();
      const row = await attempt('read', 'outbox', undefined, () => next.executeTakeFirst());
      if (row === undefined) return undefined;
      const claimed = await attempt('write', 'outbox', row.id, () =>
        tx.db
          .updateTable('outbox')
          .set({ status: 'in_progress', not_before: input.leaseUntil, updated_at: input.now })
          .where('id', '=', row.id)
          .returningAll()
          .executeTakeFirstOrThrow(),
      );
      return rowToAction(claimed);
    });
  }

  async dueActionKinds(now: string): Promise<Action['kind'][]> {
    const rows = await attempt('read', 'outbox', undefined, () =>
      this.db
        .selectFrom('outbox')
        .select('kind')
        .distinct()
        .where('status', 'in', ['pending', 'in_progress'])
        .where('not_before', '<=', now)
        .execute(),
    );
    return rows.map((r) => r.kind as Action['kind']);
  }

  async getAction(id: string): Promise<Action | undefined> {
    const row = await attempt('read', 'outbox', id, () =>
      this.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst(),
    );
    return row === undefined ? undefined : rowToAction(row);
  }

  async completeAction(input: CompleteActionInput): Promise<void> {
    const { id, status, attempts, lastError, at, notBefore, journal = [] } = input;
    // A failure (retried or final) opens a run of failures if none is open; success closes it.
    const firstFailed =
      input.firstFailedAt !== undefined
        ? { first_failed_at: input.firstFailedAt }
        : status === 'done'
          ? { first_failed_at: null }
          : lastError !== null
            ? { first_failed_at: sql<string>`coalesce(first_failed_at, ${at})` }
            : {};
    await this.inTransaction(async (tx) => {
      const updated = await attempt('write', 'outbox', id, () =>
        tx.db
          .updateTable('outbox')
          .set({
            status,
            attempts,
            last_error: lastError,
            updated_at: at,
            ...firstFailed,
            ...(notBefore === undefined ? {} : { not_before: notBefore }),
          })
          .where('id', '=', id)
          .returning('id')
          .executeTakeFirst(),
      );
      if (updated === undefined)
        throw new StoreError(`cannot complete action "${id}": the outbox holds no action with that id`, {
          table: 'outbox',
          recordId: id,
        });
      if (journal.length > 0) await appendJournalEntries(tx.db, journal);
      if (input.delivery && status === 'done') await insertDelivery(tx.db, id, input.delivery, at);
    });
  }

  async requeueFailedAction(input: {
    id: string;
    at: string;
    journal: Omit<CaseJournalEntry, 'seq'>[];
  }): Promise<boolean> {
    return this.inTransaction(async (tx) => {
      const updated = await attempt('write', 'outbox', input.id, () =>
        tx.db
          .updateTable('outbox')
          .set({ status: 'pending', attempts: 0, first_failed_at: null, not_before: input.at, updated_at: input.at })
          .where('id', '=', input.id)
          .where('status', '=', 'failed')
          .returning('id')
          .executeTakeFirst(),
      );
      if (updated === undefined) return false;
      if (input.journal.length > 0) await appendJournalEntries(tx.db, input.journal);
      return true;
    });
  }
}
