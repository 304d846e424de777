import { annotationsToRow } from './rows';
import { insertActions, insertDocument, updateCaseIfUnchanged } from './kysely-writes';
import { StoreError } from './errors';
import type { CaseChangeInput } from './case-store';
import { chunksOf } from './kysely-helpers';
import { toJson } from './rows';
import { insertRows, lastById } from './kysely-helpers';
import type { MoveCasesInput } from './case-store';
import { type Kysely } from 'kysely';
import { type Case } from '../model/case.schema';
import type { Debtor } from '../model/debtor.schema';
import type { CaseJournalEntry } from '../model/journal.schema';
import { attempt, wrapError } from './errors';
import { caseToRow, rowToCase, rowToDebtor, rowToJournalEntry, rowToReceivable } from './rows';
import type { Database } from './schema';
import type { CaseFilter, CaseSnapshot } from './store';
import type { CaseStore } from './store';
import { KyselyAggregate, type KyselyUnit } from './kysely-unit';
import { DEFAULT_STREAM_BATCH_SIZE } from './kysely-helpers';
import { appendJournalEntries, saveCase } from './kysely-writes';

export class KyselyCaseStore extends KyselyAggregate implements CaseStore {
  protected rebind(unit: KyselyUnit): this {
    return new KyselyCaseStore(unit) as this;
  }

  // ── cases ────────────────────────────────────────────────────────────────

  async getCase(id: string): Promise<Case | undefined> {
    const row = await attempt('read', 'cases', id, () =>
      this.db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirst(),
    );
    return row === undefined ? undefined : rowToCase(row);
  }

  async listCases(filter: CaseFilter = {}): Promise<Case[]> {
    let query = this.db.selectFrom('cases').selectAll().orderBy('id');
    if (filter.stage !== undefined) query = query.where('stage', '=', filter.stage);
    if (filter.debtorId !== undefined) query = query.where('debtor_id', '=', filter.debtorId);
    if (filter.afterId !== undefined) query = query.where('id', '>', filter.afterId);
    if (filter.limit !== undefined) query = query.limit(filter.limit);
    const rows = await attempt('read', 'cases', undefined, () => query.execute());
    return rows.map(rowToCase);
  }

  async saveCase(c: Case): Promise<void> {
    await saveCase(this.db, c);
  }

  // ── journal ──────────────────────────────────────────────────────────────

  async applyCaseChange(input: CaseChangeInput): Promise<boolean> {
    const { expected, caseAfter, actions = [], annotations = [], journal, documents = [] } = input;
    const caseId = caseAfter.id;
    const stray = [
      expected?.id,
      ...actions.map((a) => a.caseId),
      ...journal.map((e) => e.caseId),
      ...documents.map((d) => d.caseId),
    ].find((id) => id !== undefined && id !== caseId);
    if (stray !== undefined)
      throw new StoreError(`a change to case "${caseId}" cannot write rows of case "${stray}"`, {
        table: 'cases',
        recordId: caseId,
      });
    return this.inTransaction(async (tx) => {
      // The guarded UPDATE comes first: on PostgreSQL it locks the case row, so a concurrent
      // change waits for this one to commit, then finds the case changed and writes nothing.
      const updated =
        expected !== undefined
          ? await updateCaseIfUnchanged(tx.db, expected, caseAfter)
          : (await attempt('write', 'cases', caseId, () =>
              tx.db
                .updateTable('cases')
                .set(caseToRow(caseAfter))
                .where('id', '=', caseId)
                .returning('id')
                .executeTakeFirst(),
            )) !== undefined;
      if (!updated) return false;
      for (const { receivableId, set } of annotations) {
        const changes = annotationsToRow(set);
        if (Object.keys(changes).length === 0) continue;
        const annotated = await attempt('write', 'receivables', receivableId, () =>
          tx.db
            .updateTable('receivables')
            .set(changes)
            .where('id', '=', receivableId)
            .where('case_id', '=', caseId)
            .returning('id')
            .executeTakeFirst(),
        );
        if (annotated === undefined)
          throw new StoreError(`cannot annotate receivable "${receivableId}": it is not an item of case "${caseId}"`, {
            table: 'receivables',
            recordId: receivableId,
          });
      }
      await insertActions(tx.db, actions);
      for (const d of documents) await insertDocument(tx.db, d);
      if (journal.length > 0) await appendJournalEntries(tx.db, journal);
      return true;
    });
  }
  async insertMissingCases(cases: readonly Case[]): Promise<void> {
    const rows = lastById(cases).map(caseToRow);
    await this.inTransaction((tx) =>
      insertRows(
        tx.unit,
        'cases',
        rows,
        (chunk) =>
          tx.db
            .insertInto('cases')
            .values(chunk)
            .onConflict((oc) => oc.column('id').doNothing()),
        (row) => row.id,
      ),
    );
  }

  /** One guarded UPDATE per 500 ids: the stage condition is the concurrency check. */
  async moveCases(input: MoveCasesInput): Promise<string[]> {
    const { set, at } = input;
    const changes = {
      stage: set.stage,
      updated_at: at,
      ...('lastStep' in set ? { last_step: toJson(set.lastStep ?? null) } : {}),
      ...('pendingApproval' in set ? { pending_approval: toJson(set.pendingApproval ?? null) } : {}),
    };
    const moved: string[] = [];
    for (const ids of chunksOf([...new Set(input.ids)])) {
      const rows = await attempt('write', 'cases', ids, () =>
        this.db
          .updateTable('cases')
          .set(changes)
          .where('stage', 'in', input.from)
          .where('id', 'in', ids)
          .returning('id')
          .execute(),
      );
      moved.push(...rows.map((r) => r.id));
    }
    return moved;
  }

  appendJournalEntries(entries: readonly Omit<CaseJournalEntry, 'seq'>[]): Promise<CaseJournalEntry[]> {
    return this.inTransaction((tx) => appendJournalEntries(tx.db, entries));
  }

  async appendJournal(entry: Omit<CaseJournalEntry, 'seq'>): Promise<CaseJournalEntry> {
    const [appended] = await this.inTransaction((tx) => appendJournalEntries(tx.db, [entry]));
    return appended!;
  }

  async readJournal(caseId: string, afterSeq?: number, limit?: number): Promise<CaseJournalEntry[]> {
    let query = this.db.selectFrom('case_journal').selectAll().where('case_id', '=', caseId).orderBy('seq');
    if (afterSeq !== undefined) query = query.where('seq', '>', afterSeq);
    if (limit !== undefined) query = query.limit(limit);
    const rows = await attempt('read', 'case_journal', caseId, () => query.execute());
    return rows.map(rowToJournalEntry);
  }

  // ── snapshots ────────────────────────────────────────────────────────────

  /**
   * Consecutive rows of one case (the query orders by case id) become one snapshot, so only
   * the current case's items are held in memory.
   */
  async *streamCaseSnapshots(options: { batchSize?: number } = {}): AsyncIterable<CaseSnapshot> {
    let current: CaseSnapshot | undefined;
    for await (const row of this.openItemRows(options.batchSize)) {
      if (current === undefined || current.case.id !== row.case_id) {
        if (current !== undefined) yield current;
        current = { case: joinedCase(row), debtor: joinedDebtor(row), items: [] };
      }
      current.items.push(rowToReceivable(row));
    }
    if (current !== undefined) yield current;
  }

  /**
   * The snapshot stream's rows as the driver returns them, unmapped: the baseline the
   * benchmark compares `streamCaseSnapshots` with. Not part of `Store`.
   */
  async *scanOpenReceivableRows(options: { batchSize?: number } = {}): AsyncIterable<unknown> {
    yield* this.openItemRows(options.batchSize);
  }

  private openItemRows(batchSize = DEFAULT_STREAM_BATCH_SIZE): AsyncIterable<OpenItemRow> {
    if (!Number.isSafeInteger(batchSize) || batchSize < 1)
      throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
    if (this.options.openReader !== undefined && !this.db.isTransaction)
      return this.streamFromReader(this.options.openReader, batchSize);
    return this.readInBatches(batchSize);
  }

  /** One query over a dedicated read connection, iterated row by row (better-sqlite3 `iterate`). */
  private async *streamFromReader(openReader: () => Kysely<Database>, batchSize: number): AsyncIterable<OpenItemRow> {
    const reader = openReader();
    try {
      yield* wrapStream(openItemsQuery(reader).stream(batchSize));
    } finally {
      await reader.destroy();
    }
  }

  /**
   * Keyset pages over the same ordering, used where no reader connection exists (PostgreSQL
   * without pg-cursor, SQLite in memory, inside a transaction): each query returns whole
   * cases, so every snapshot is read by one statement and is consistent in itself, and no
   * connection is held between pages, so the consumer may write while it iterates.
   */
  private async *readInBatches(batchSize: number): AsyncIterable<OpenItemRow> {
    const page = (after: string | undefined): Promise<OpenItemRow[]> =>
      attempt('read', 'receivables', undefined, () =>
        openItemsQuery(this.db)
          // Stated on both sides of the join: PostgreSQL does not carry an inequality across
          // `c.id = r.case_id`, and would otherwise merge-join from the first case every page.
          .$if(after !== undefined, (q) => q.where('r.case_id', '>', after!).where('c.id', '>', after!))
          .limit(batchSize)
          .execute(),
      );
    let pending: Promise<OpenItemRow[]> | undefined = page(undefined);
    try {
      while (pending !== undefined) {
        let rows = await pending;
        pending = undefined;
        let end = rows.length;
        if (rows.length === batchSize) {
          // The page may end inside a case: hold that case back and start the next page with it.
          const lastCaseId = rows[rows.length - 1]!.case_id;
          while (end > 0 && rows[end - 1]!.case_id === lastCaseId) end--;
          const nextAfter = end > 0 ? rows[end - 1]!.case_id : lastCaseId;
          if (end === 0) {
            // One case has more open items than a page: read it alone, whole.
            rows = await attempt('read', 'receivables', undefined, () =>
              openItemsQuery(this.db).where('r.case_id', '=', lastCaseId).execute(),
            );
            end = rows.length;
          }
          // The next page is on its way while the consumer works through this one.
          pending = page(nextAfter);
        }
        for (let i = 0; i < end; i++) yield rows[i]!;
      }
    } finally {
      // A consumer that stops early leaves a page in flight: let it settle, so that its
      // connection is released and a failure of it is not left unhandled.
      if (pending !== undefined) await pending.catch(() => undefined);
    }
  }
}

// ── the snapshot query ─────────────────────────────────────────────────────

const RECEIVABLE_SELECTION = [
  'r.id',
  'r.case_id',
  'r.source_system',
  'r.source_connection',
  'r.source_id',
  'r.kind',
  'r.number',
  'r.debtor_id',
  'r.company_id',
  'r.issue_date',
  'r.due_date',
  'r.completion_date',
  'r.currency',
  'r.total',
  'r.open',
  'r.disputed',
  'r.excluded',
  'r.promise_to_pay',
  'r.payment_plan',
  'r.document_url',
  'r.source_version',
  'r.data',
] as const;

const CASE_SELECTION = [
  'c.debtor_id as c_debtor_id',
  'c.company_id as c_company_id',
  'c.currency as c_currency',
  'c.stage as c_stage',
  'c.policy_id as c_policy_id',
  'c.last_step as c_last_step',
  'c.last_contact_on as c_last_contact_on',
  'c.manual_pause as c_manual_pause',
  'c.pending_approval as c_pending_approval',
  'c.opened_at as c_opened_at',
  'c.updated_at as c_updated_at',
] as const;

const DEBTOR_SELECTION = [
  'd.id as d_id',
  'd.source_system as d_source_system',
  'd.source_connection as d_source_connection',
  'd.source_id as d_source_id',
  'd.name as d_name',
  'd.kind as d_kind',
  'd.language as d_language',
  'd.do_not_contact as d_do_not_contact',
  'd.insolvency as d_insolvency',
  'd.data as d_data',
] as const;

/**
 * Open items (invoices and credit notes alike) with their case and debtor, in case order.
 * The index receivables(case_id, due_date, id) delivers this order without sorting; the
 * inner join leaves out cases whose debtor has not been synced yet.
 */
function openItemsQuery(db: Kysely<Database>) {
  return db
    .selectFrom('receivables as r')
    .innerJoin('cases as c', 'c.id', 'r.case_id')
    .innerJoin('debtors as d', 'd.id', 'c.debtor_id')
    .select(RECEIVABLE_SELECTION)
    .select(CASE_SELECTION)
    .select(DEBTOR_SELECTION)
    .where('r.open', '>', 0)
    .orderBy('r.case_id')
    .orderBy('r.due_date')
    .orderBy('r.id');
}

type OpenItemRow = Awaited<ReturnType<ReturnType<typeof openItemsQuery>['executeTakeFirstOrThrow']>>;

async function* wrapStream<T>(rows: AsyncIterable<T>): AsyncIterable<T> {
  try {
    yield* rows;
  } catch (error) {
    throw wrapError('read', 'receivables', undefined, error);
  }
}

function joinedCase(row: OpenItemRow): Case {
  return rowToCase({
    id: row.case_id,
    debtor_id: row.c_debtor_id,
    company_id: row.c_company_id,
    currency: row.c_currency,
    stage: row.c_stage,
    policy_id: row.c_policy_id,
    last_step: row.c_last_step,
    last_contact_on: row.c_last_contact_on,
    manual_pause: row.c_manual_pause,
    pending_approval: row.c_pending_approval,
    opened_at: row.c_opened_at,
    updated_at: row.c_updated_at,
  });
}

function joinedDebtor(row: OpenItemRow): Debtor {
  return rowToDebtor({
    id: row.d_id,
    source_system: row.d_source_system,
    source_connection: row.d_source_connection,
    source_id: row.d_source_id,
    name: row.d_name,
    kind: row.d_kind,
    language: row.d_language,
    do_not_contact: row.d_do_not_contact,
    insolvency: row.d_insolvency,
    data: row.d_data,
  });
}
