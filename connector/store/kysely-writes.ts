import { fromExcluded } from './kysely-helpers';
import { CASE_COLUMNS, caseToRow } from './rows';
import { type Kysely } from 'kysely';
import type { Action } from '../model/action.schema';
import { type Case } from '../model/case.schema';
import type { CaseJournalEntry } from '../model/journal.schema';
import { StoreError, attempt } from './errors';
import { actionToRow, journalEntryToRow } from './rows';
import type { Database } from './schema';
import type { CompleteActionInput, NewDocument } from './store';
import { chunksOf, idsOf, sha256Of } from './kysely-helpers';

/** Writes that several aggregates make in one unit of work: each takes the unit's connection or transaction. */

/**
 * Numbers the entries 1, 2, 3… per case. The counter lives on the case row, so the UPDATE
 * that advances it locks that row until commit: concurrent appends to one case wait for
 * each other instead of colliding on the same seq. Must run inside a transaction.
 */
export async function appendJournalEntries(
  db: Kysely<Database>,
  entries: readonly Omit<CaseJournalEntry, 'seq'>[],
): Promise<CaseJournalEntry[]> {
  const countByCase = new Map<string, number>();
  for (const e of entries) countByCase.set(e.caseId, (countByCase.get(e.caseId) ?? 0) + 1);
  const nextSeq = new Map<string, number>();
  for (const [caseId, count] of countByCase) {
    const bumped = await attempt('write', 'cases', caseId, () =>
      db
        .updateTable('cases')
        .set((eb) => ({ journal_seq: eb('journal_seq', '+', count) }))
        .where('id', '=', caseId)
        .returning('journal_seq')
        .executeTakeFirst(),
    );
    if (bumped === undefined) {
      throw new StoreError(
        `cannot append to the journal of case "${caseId}": the case does not exist (save it first)`,
        { table: 'case_journal', recordId: caseId },
      );
    }
    nextSeq.set(caseId, bumped.journal_seq - count + 1);
  }
  const appended = entries.map((e): CaseJournalEntry => {
    const seq = nextSeq.get(e.caseId)!;
    nextSeq.set(e.caseId, seq + 1);
    return { ...e, seq };
  });
  for (const chunk of chunksOf(appended.map(journalEntryToRow))) {
    await attempt('write', 'case_journal', chunk.length === 1 ? chunk[0]?.case_id : undefined, () =>
      db.insertInto('case_journal').values(chunk).execute(),
    );
  }
  return appended;
}

/** UPDATE of the case to `after` where every column still equals `expected`; false when none matched. */
export async function updateCaseIfUnchanged(db: Kysely<Database>, expected: Case, after: Case): Promise<boolean> {
  let update = db.updateTable('cases').set(caseToRow(after)).where('id', '=', after.id);
  const before = caseToRow(expected);
  for (const column of CASE_COLUMNS) {
    const value = before[column];
    update = value === null ? update.where(column, 'is', null) : update.where(column, '=', value);
  }
  return (await attempt('write', 'cases', after.id, () => update.returning('id').executeTakeFirst())) !== undefined;
}

export async function insertDelivery(
  db: Kysely<Database>,
  actionId: string,
  delivery: NonNullable<CompleteActionInput['delivery']>,
  at: string,
): Promise<void> {
  const action = await attempt('read', 'outbox', actionId, () =>
    db.selectFrom('outbox').select('case_id').where('id', '=', actionId).executeTakeFirstOrThrow(),
  );
  await attempt('write', 'deliveries', actionId, () =>
    db
      .insertInto('deliveries')
      .values({
        action_id: actionId,
        case_id: action.case_id,
        channel: delivery.channel,
        provider_id: delivery.providerId,
        status: delivery.status,
        events_seen: 0,
        proofs: '[]',
        checks: 0,
        final: 0,
        next_check_at: delivery.nextCheckAt,
        last_error: null,
        sent_at: at,
        updated_at: at,
      })
      // A row performed again after a crash keeps its first delivery.
      .onConflict((oc) => oc.column('action_id').doNothing())
      .execute(),
  );
}

/** A document whose id is taken keeps what it holds: ids are deterministic, the same evidence is stored once. */
export async function insertDocument(db: Kysely<Database>, d: NewDocument): Promise<void> {
  await attempt('write', 'documents', d.id, () =>
    db
      .insertInto('documents')
      .values({
        id: d.id,
        case_id: d.caseId,
        action_id: d.actionId,
        kind: d.kind,
        media_type: d.mediaType,
        sha256: sha256Of(d.content),
        size: d.content.length,
        content: d.content,
        proven_at: d.provenAt,
        created_at: d.createdAt,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute(),
  );
}

/** Inserts outbox rows, 500 at a time. */
export async function insertActions(db: Kysely<Database>, actions: readonly Action[]): Promise<void> {
  for (const chunk of chunksOf(actions.map(actionToRow))) {
    await attempt('write', 'outbox', idsOf(chunk), () => db.insertInto('outbox').values(chunk).execute());
  }
}

/** Inserts the case, or replaces every column of the stored one. */
export async function saveCase(db: Kysely<Database>, c: Case): Promise<void> {
  await attempt('write', 'cases', c.id, () =>
    db
      .insertInto('cases')
      .values(caseToRow(c))
      .onConflict((oc) => oc.column('id').doUpdateSet(fromExcluded(CASE_COLUMNS)))
      .execute(),
  );
}
