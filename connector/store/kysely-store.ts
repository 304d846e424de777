import { createHash } from 'node:crypto';
import { sql, type Insertable, type Kysely, type RawBuilder, type UpdateObject } from 'kysely';
import type { Action } from '../model/action.schema';
import { caseIdOf, type Case } from '../model/case.schema';
import type { Debtor } from '../model/debtor.schema';
import type { CaseJournalEntry } from '../model/journal.schema';
import type { Payment } from '../model/payment.schema';
import type { Receivable } from '../model/receivable.schema';
import type { CredentialStore } from '../ports/credentials';
import { credentialStoreOn, type CredentialStoreOptions } from './credential-store';
import { migrateStore, type MigrateOptions, type MigrationReport } from './migrate';
import { StoreError, attempt, wrapError } from './errors';
import {
  CASE_COLUMNS,
  DEBTOR_COLUMNS,
  PAYMENT_COLUMNS,
  RECEIVABLE_ANNOTATION_COLUMNS,
  RECEIVABLE_COLUMNS,
  actionToRow,
  annotationsToRow,
  caseToRow,
  debtorToRow,
  decisionToRow,
  journalEntryToRow,
  newCaseRow,
  paymentToRow,
  receivableToRow,
  rowToAction,
  rowToCase,
  rowToDebtor,
  rowToDelivery,
  rowToDocument,
  dossierToRow,
  rowToDossier,
  rowToProcedureEvent,
  rowToDecision,
  rowToJournalEntry,
  rowToPayment,
  rowToReceivable,
  rowToStoredJob,
} from './rows';
import type { CasesTable, Database, JobsTable, PaymentAllocationsTable } from './schema';
import type {
  ActionFilter,
  CaseChangeInput,
  CaseFilter,
  CaseSnapshot,
  ClaimConnectionFilter,
  ClaimJobInput,
  CompleteActionInput,
  Decision,
  ApplyProcedureEventInput,
  Delivery,
  DeliveryCheckInput,
  NewDocument,
  StoredDocument,
  StoredDossier,
  PrepareDossierInput,
  RecordSubmissionInput,
  StoredProcedureEvent,
  EnqueueJobInput,
  QuarantinedRecord,
  ReceivableClosure,
  ReceivableState,
  RecordDecisionInput,
  SettleJobInput,
  Store,
  StoredJob,
  SyncCursor,
  SyncPage,
} from './store';

/** A number shared by more receivables than this is not a reference a person can use: the look-up stops there. */
const FIND_BY_NUMBER_LIMIT = 50;

/**
 * The one implementation of `Store`, shared by SQLite and PostgreSQL. What differs between
 * the drivers is decided when the store is opened (`sqlite.ts`, `postgres.ts`) and reaches
 * this class only through `KyselyStoreOptions`.
 *
 * Rows are validated by the zod schemas before they reach the store, so reads rebuild the
 * canonical objects by hand instead of parsing them again: the snapshot stream reads
 * millions of rows and must cost little more than the scan itself.
 */

export interface KyselyStoreOptions {
  driver: Store['driver'];
  /** PostgreSQL schema holding the tables and Kysely's migration tables, when not the default. */
  schema?: string;
  /**
   * Opens a connection that reads a consistent snapshot beside the store's own (SQLite in WAL
   * mode), for streams that hold a cursor open for a long time: the consumer can then keep
   * writing through the store while it iterates. Without it, streams read in keyset batches.
   */
  openReader?: () => Kysely<Database>;
  /** The store as messages name it: `the SQLite store /path/file`, `the PostgreSQL store host:port/db (schema s)`. */
  location?: string;
  /**
   * Copies the store aside before pending migrations change it (SQLite files), returning where
   * the copy went, or undefined when the database holds nothing to copy.
   */
  backupBeforeMigrating?: (targetVersion: string, at: Date) => Promise<string | undefined>;
}

/**
 * SQLite accepts at most 32,766 bound parameters per statement, PostgreSQL 65,535; and past a
 * few hundred rows a longer statement no longer saves time. Chunks stay under both bounds.
 */
const MAX_PARAMETERS_PER_STATEMENT = 30_000;
const MAX_ROWS_PER_STATEMENT = 500;
const DEFAULT_STREAM_BATCH_SIZE = 5_000;
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
/** Stages a settled case leaves by itself; escalated and in-procedure cases wait for the law firm. */
const CLOSABLE_STAGES: readonly Case['stage'][] = ['open', 'reminding', 'formal_notice', 'awaiting_approval'];

export class KyselyStore implements Store {
  readonly driver: Store['driver'];

  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: KyselyStoreOptions,
  ) {
    this.driver = options.driver;
  }

  /**
   * The Kysely instance (or transaction) underneath, for maintenance scripts and tests that
   * must reach below the interface, e.g. to show that the journal refuses a raw UPDATE.
   */
  get kysely(): Kysely<Database> {
    return this.db;
  }

  async migrate(options: MigrateOptions = {}): Promise<MigrationReport> {
    const { schema, backupBeforeMigrating } = this.options;
    return migrateStore(
      this.db,
      {
        driver: this.driver,
        location: this.location,
        ...(schema === undefined ? {} : { schema }),
        ...(backupBeforeMigrating === undefined ? {} : { backup: backupBeforeMigrating }),
      },
      options,
    );
  }

  get location(): string {
    return this.options.location ?? `${this.driver} store`;
  }

  async ping(): Promise<void> {
    await attempt('read', 'the database', undefined, () => sql`select 1`.execute(this.db));
  }

  async close(): Promise<void> {
    if (this.db.isTransaction)
      throw new StoreError('close() cannot be called on the store a transaction hands to its callback');
    await this.db.destroy();
  }

  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    return this.inTransaction(fn);
  }

  credentials(connectionId: string, options: CredentialStoreOptions): CredentialStore {
    return credentialStoreOn(this.db, connectionId, options);
  }

  /** `transaction` typed with this class, for the multi-statement methods below. */
  private inTransaction<T>(fn: (tx: KyselyStore) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) return fn(this);
    return this.db.transaction().execute((trx) => fn(new KyselyStore(trx, this.options)));
  }

  // ── debtors ──────────────────────────────────────────────────────────────

  async upsertDebtors(debtors: Debtor[]): Promise<void> {
    if (debtors.length === 0) return;
    const rows = lastById(debtors).map(debtorToRow);
    await this.inTransaction(async (tx) => {
      for (const chunk of chunksOf(rows)) {
        await attempt('write', 'debtors', idsOf(chunk), () =>
          tx.db
            .insertInto('debtors')
            .values(chunk)
            .onConflict((oc) => oc.column('id').doUpdateSet(fromExcluded(DEBTOR_COLUMNS)))
            .execute(),
        );
      }
    });
  }

  async getDebtor(id: string): Promise<Debtor | undefined> {
    const row = await attempt('read', 'debtors', id, () =>
      this.db.selectFrom('debtors').selectAll().where('id', '=', id).executeTakeFirst(),
    );
    return row === undefined ? undefined : rowToDebtor(row);
  }

  // ── receivables ──────────────────────────────────────────────────────────

  async upsertReceivables(receivables: Receivable[], at: string): Promise<void> {
    if (receivables.length === 0) return;
    const rows = lastById(receivables).map(receivableToRow);
    const missingCases = new Map<string, Insertable<CasesTable>>();
    for (const r of rows) {
      if (!missingCases.has(r.case_id)) missingCases.set(r.case_id, newCaseRow(r, at));
    }
    await this.inTransaction(async (tx) => {
      // Creates only the cases that do not exist: an existing case keeps its stage and history.
      for (const chunk of chunksOf([...missingCases.values()])) {
        await attempt('write', 'cases', idsOf(chunk), () =>
          tx.db
            .insertInto('cases')
            .values(chunk)
            .onConflict((oc) => oc.column('id').doNothing())
            .execute(),
        );
      }
      for (const chunk of chunksOf(rows)) {
        await attempt('write', 'receivables', idsOf(chunk), () =>
          tx.db
            .insertInto('receivables')
            .values(chunk)
            .onConflict((oc) =>
              oc.column('id').doUpdateSet({
                ...fromExcluded(RECEIVABLE_COLUMNS),
                ...keptWhenIncomingNull(RECEIVABLE_ANNOTATION_COLUMNS),
              }),
            )
            .execute(),
        );
      }
    });
  }

  async getReceivable(id: string): Promise<Receivable | undefined> {
    const row = await attempt('read', 'receivables', id, () =>
      this.db.selectFrom('receivables').selectAll().where('id', '=', id).executeTakeFirst(),
    );
    return row === undefined ? undefined : rowToReceivable(row);
  }

  async findReceivablesByNumber(number: string): Promise<Receivable[]> {
    const rows = await attempt('read', 'receivables', undefined, () =>
      this.db
        .selectFrom('receivables')
        .selectAll()
        .where('number', '=', number)
        .orderBy('source_connection')
        .orderBy('id')
        .limit(FIND_BY_NUMBER_LIMIT)
        .execute(),
    );
    return rows.map(rowToReceivable);
  }

  async listReceivablesOfCase(caseId: string): Promise<Receivable[]> {
    const rows = await attempt('read', 'receivables', undefined, () =>
      this.db
        .selectFrom('receivables')
        .selectAll()
        .where('case_id', '=', caseId)
        .orderBy('due_date')
        .orderBy('id')
        .execute(),
    );
    return rows.map(rowToReceivable);
  }

  async receivableStates(ids: readonly string[]): Promise<Map<string, ReceivableState>> {
    const states = new Map<string, ReceivableState>();
    for (const chunk of chunksOf([...new Set(ids)])) {
      const rows = await attempt('read', 'receivables', chunk, () =>
        this.db
          .selectFrom('receivables')
          .select(['id', 'case_id', 'source_version', 'open', 'number'])
          .where('id', 'in', chunk)
          .execute(),
      );
      for (const row of rows)
        states.set(row.id, {
          caseId: row.case_id,
          sourceVersion: row.source_version ?? undefined,
          open: row.open,
          number: row.number,
        });
    }
    return states;
  }

  /**
   * Served by the partial index receivables_open_by_connection (migration 0002), without a
   * sort. `open > 0` is written as a literal, not bound: a plan made before the parameters are
   * known (a PostgreSQL generic plan) can match the index's predicate only against a constant.
   */
  async listOpenReceivableIds(connection: string): Promise<string[]> {
    const rows = await attempt('read', 'receivables', undefined, () =>
      this.db
        .selectFrom('receivables')
        .select('id')
        .where('source_connection', '=', connection)
        .where(sql<boolean>`open > 0`)
        .orderBy('id')
        .execute(),
    );
    return rows.map((r) => r.id);
  }

  /**
   * A case whose last open item the page settled is closed; a closed case that receives an open
   * item again is reopened and its ladder starts over. Cases escalated or in a procedure keep
   * their stage: the law firm must hear of the payment first. Returns the journal lines.
   */
  private async settleCases(page: SyncPage): Promise<Omit<CaseJournalEntry, 'seq'>[]> {
    const actor = { kind: 'erp' as const, id: page.connection };
    const entry = (caseId: string, type: CaseJournalEntry['type'], summary: string): Omit<CaseJournalEntry, 'seq'> => ({
      caseId,
      at: page.at,
      actor,
      type,
      summary,
      data: {},
    });
    const receivables = page.receivables ?? [];
    const reopenIds = [
      ...new Set(receivables.filter((r) => r.open > 0).map((r) => caseIdOf(r.debtorId, r.companyId, r.currency))),
    ];
    const entries: Omit<CaseJournalEntry, 'seq'>[] = [];
    for (const ids of chunksOf(reopenIds)) {
      const reopened = await attempt('write', 'cases', ids, () =>
        this.db
          .updateTable('cases')
          .set({ stage: 'open', last_step: null, pending_approval: null, updated_at: page.at })
          .where('stage', '=', 'closed')
          .where('id', 'in', ids)
          .returning('id')
          .execute(),
      );
      entries.push(
        ...reopened.map((r) =>
          entry(
            r.id,
            'case_opened',
            'reopened: a new open item arrived from the ledger; the dunning ladder starts over',
          ),
        ),
      );
    }
    const settledIds = receivables
      .filter((r) => r.open === 0)
      .map((r) => caseIdOf(r.debtorId, r.companyId, r.currency));
    for (const ids of chunksOf([...new Set((page.closures ?? []).map((c) => c.id))])) {
      const rows = await attempt('read', 'receivables', ids, () =>
        this.db.selectFrom('receivables').select('case_id').where('id', 'in', ids).execute(),
      );
      settledIds.push(...rows.map((r) => r.case_id));
    }
    for (const ids of chunksOf([...new Set(settledIds)])) {
      const stillOpen = await attempt('read', 'receivables', ids, () =>
        this.db
          .selectFrom('receivables')
          .select('case_id')
          .distinct()
          .where('case_id', 'in', ids)
          .where('open', '>', 0)
          .execute(),
      );
      const open = new Set(stillOpen.map((r) => r.case_id));
      const done = ids.filter((id) => !open.has(id));
      if (done.length === 0) continue;
      const closed = await attempt('write', 'cases', done, () =>
        this.db
          .updateTable('cases')
          .set({ stage: 'closed', pending_approval: null, updated_at: page.at })
          .where('stage', 'in', CLOSABLE_STAGES)
          .where('id', 'in', done)
          .returning('id')
          .execute(),
      );
      entries.push(...closed.map((r) => entry(r.id, 'case_closed', 'closed: nothing is left to claim in the ledger')));
    }
    return entries;
  }

  /** Sets the open amount of the receivables the store holds to 0; other ids match no row. */
  private async closeReceivables(closures: readonly ReceivableClosure[]): Promise<void> {
    for (const ids of chunksOf([...new Set(closures.map((c) => c.id))])) {
      await attempt('write', 'receivables', ids.length === 1 ? ids[0] : ids, () =>
        this.db.updateTable('receivables').set({ open: 0 }).where('id', 'in', ids).execute(),
      );
    }
  }

  // ── payments ─────────────────────────────────────────────────────────────

  async upsertPayments(payments: Payment[]): Promise<void> {
    if (payments.length === 0) return;
    const unique = lastById(payments);
    const rows = unique.map(paymentToRow);
    const allocations = unique.flatMap((p) =>
      p.allocations.map((a, position): PaymentAllocationsTable => ({
        payment_id: p.id,
        position,
        receivable_id: a.receivableId,
        amount: a.amount,
      })),
    );
    await this.inTransaction(async (tx) => {
      for (const chunk of chunksOf(rows)) {
        await attempt('write', 'payments', idsOf(chunk), () =>
          tx.db
            .insertInto('payments')
            .values(chunk)
            .onConflict((oc) => oc.column('id').doUpdateSet(fromExcluded(PAYMENT_COLUMNS)))
            .execute(),
        );
      }
      // A payment's allocations are replaced as a whole, as the source now lists them.
      for (const ids of chunksOf(rows.map((r) => r.id))) {
        await attempt('write', 'payment_allocations', ids.length === 1 ? ids[0] : ids, () =>
          tx.db.deleteFrom('payment_allocations').where('payment_id', 'in', ids).execute(),
        );
      }
      for (const chunk of chunksOf(allocations)) {
        await attempt('write', 'payment_allocations', chunk.length === 1 ? chunk[0]?.payment_id : undefined, () =>
          tx.db.insertInto('payment_allocations').values(chunk).execute(),
        );
      }
    });
  }

  async listPaymentsOfReceivable(receivableId: string): Promise<Payment[]> {
    const rows = await attempt('read', 'payments', undefined, () =>
      this.db
        .selectFrom('payments')
        .selectAll()
        .where('id', 'in', (eb) =>
          eb.selectFrom('payment_allocations').select('payment_id').where('receivable_id', '=', receivableId),
        )
        .orderBy('date')
        .orderBy('id')
        .execute(),
    );
    if (rows.length === 0) return [];
    const paymentIds = rows.map((r) => r.id);
    const allocations = await attempt('read', 'payment_allocations', undefined, () =>
      this.db
        .selectFrom('payment_allocations')
        .selectAll()
        .where('payment_id', 'in', paymentIds)
        .orderBy('payment_id')
        .orderBy('position')
        .execute(),
    );
    const byPayment = new Map<string, Payment['allocations']>();
    for (const a of allocations) {
      const list = byPayment.get(a.payment_id) ?? [];
      list.push({ receivableId: a.receivable_id, amount: a.amount });
      byPayment.set(a.payment_id, list);
    }
    return rows.map((r) => rowToPayment(r, byPayment.get(r.id) ?? []));
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
    await attempt('write', 'cases', c.id, () =>
      this.db
        .insertInto('cases')
        .values(caseToRow(c))
        .onConflict((oc) => oc.column('id').doUpdateSet(fromExcluded(CASE_COLUMNS)))
        .execute(),
    );
  }

  // ── journal ──────────────────────────────────────────────────────────────

  async appendJournal(entry: Omit<CaseJournalEntry, 'seq'>): Promise<CaseJournalEntry> {
    const [appended] = await this.inTransaction((tx) => tx.appendJournalEntries([entry]));
    return appended!;
  }

  async readJournal(caseId: string, afterSeq?: number, limit?: number): Promise<CaseJournalEntry[]> {
    let query = this.db.selectFrom('case_journal').selectAll().where('case_id', '=', caseId).orderBy('seq');
    if (afterSeq !== undefined) query = query.where('seq', '>', afterSeq);
    if (limit !== undefined) query = query.limit(limit);
    const rows = await attempt('read', 'case_journal', caseId, () => query.execute());
    return rows.map(rowToJournalEntry);
  }

  /**
   * Numbers the entries 1, 2, 3… per case. The counter lives on the case row, so the UPDATE
   * that advances it locks that row until commit: concurrent appends to one case wait for
   * each other instead of colliding on the same seq. Must run inside a transaction.
   */
  private async appendJournalEntries(entries: readonly Omit<CaseJournalEntry, 'seq'>[]): Promise<CaseJournalEntry[]> {
    const countByCase = new Map<string, number>();
    for (const e of entries) countByCase.set(e.caseId, (countByCase.get(e.caseId) ?? 0) + 1);
    const nextSeq = new Map<string, number>();
    for (const [caseId, count] of countByCase) {
      const bumped = await attempt('write', 'cases', caseId, () =>
        this.db
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
        this.db.insertInto('case_journal').values(chunk).execute(),
      );
    }
    return appended;
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
        if (!(await tx.updateCaseIfUnchanged(expected, caseAfter))) return false;
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

      if (expected === undefined) await tx.saveCase(caseAfter);
      for (const chunk of chunksOf(actions.map(actionToRow))) {
        await attempt('write', 'outbox', idsOf(chunk), () => tx.db.insertInto('outbox').values(chunk).execute());
      }
      await tx.appendJournalEntries(journal);
      return true;
    }).catch((e: unknown) => {
      if (e instanceof DecisionReplayed) return false;
      throw e;
    });
  }

  /** UPDATE of the case to `after` where every column still equals `expected`; false when none matched. */
  private async updateCaseIfUnchanged(expected: Case, after: Case): Promise<boolean> {
    let update = this.db.updateTable('cases').set(caseToRow(after)).where('id', '=', after.id);
    const before = caseToRow(expected);
    for (const column of CASE_COLUMNS) {
      const value = before[column];
      update = value === null ? update.where(column, 'is', null) : update.where(column, '=', value);
    }
    return (await attempt('write', 'cases', after.id, () => update.returning('id').executeTakeFirst())) !== undefined;
  }

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
          ? await tx.updateCaseIfUnchanged(expected, caseAfter)
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
      for (const chunk of chunksOf(actions.map(actionToRow))) {
        await attempt('write', 'outbox', idsOf(chunk), () => tx.db.insertInto('outbox').values(chunk).execute());
      }
      for (const d of documents) await tx.insertDocument(d);
      if (journal.length > 0) await tx.appendJournalEntries(journal);
      return true;
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
      if (journal.length > 0) await tx.appendJournalEntries(journal);
      if (input.delivery && status === 'done') await tx.insertDelivery(id, input.delivery, at);
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
      if (input.journal.length > 0) await tx.appendJournalEntries(input.journal);
      return true;
    });
  }

  // ── deliveries and documents ─────────────────────────────────────────────

  private async insertDelivery(
    actionId: string,
    delivery: NonNullable<CompleteActionInput['delivery']>,
    at: string,
  ): Promise<void> {
    const action = await attempt('read', 'outbox', actionId, () =>
      this.db.selectFrom('outbox').select('case_id').where('id', '=', actionId).executeTakeFirstOrThrow(),
    );
    await attempt('write', 'deliveries', actionId, () =>
      this.db
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

  async claimDelivery(input: { now: string; leaseUntil: string }): Promise<Delivery | undefined> {
    return this.inTransaction(async (tx) => {
      let next = tx.db
        .selectFrom('deliveries')
        .select('action_id')
        .where('final', '=', 0)
        .where('next_check_at', '<=', input.now)
        .orderBy('next_check_at')
        .orderBy('action_id')
        .limit(1);
      if (this.driver === 'postgres') next = next.forUpdate().skipLocked();
      const row = await attempt('read', 'deliveries', undefined, () => next.executeTakeFirst());
      if (row === undefined) return undefined;
      const claimed = await attempt('write', 'deliveries', row.action_id, () =>
        tx.db
          .updateTable('deliveries')
          .set({ next_check_at: input.leaseUntil })
          .where('action_id', '=', row.action_id)
          .returningAll()
          .executeTakeFirstOrThrow(),
      );
      return rowToDelivery(claimed);
    });
  }

  async getDelivery(actionId: string): Promise<Delivery | undefined> {
    const row = await attempt('read', 'deliveries', actionId, () =>
      this.db.selectFrom('deliveries').selectAll().where('action_id', '=', actionId).executeTakeFirst(),
    );
    return row === undefined ? undefined : rowToDelivery(row);
  }

  async listDeliveries(filter: { caseId?: string; final?: boolean } = {}): Promise<Delivery[]> {
    let query = this.db.selectFrom('deliveries').selectAll().orderBy('sent_at').orderBy('action_id');
    if (filter.caseId !== undefined) query = query.where('case_id', '=', filter.caseId);
    if (filter.final !== undefined) query = query.where('final', '=', filter.final ? 1 : 0);
    const rows = await attempt('read', 'deliveries', undefined, () => query.execute());
    return rows.map(rowToDelivery);
  }

  async recordDeliveryCheck(input: DeliveryCheckInput): Promise<boolean> {
    return this.inTransaction(async (tx) => {
      const updated = await attempt('write', 'deliveries', input.actionId, () =>
        tx.db
          .updateTable('deliveries')
          .set({
            status: input.status,
            events_seen: input.eventsSeen,
            proofs: JSON.stringify(input.proofs),
            checks: input.expectedChecks + 1,
            final: input.final ? 1 : 0,
            next_check_at: input.nextCheckAt,
            last_error: input.lastError,
            updated_at: input.at,
          })
          .where('action_id', '=', input.actionId)
          .where('checks', '=', input.expectedChecks)
          .returning('case_id')
          .executeTakeFirst(),
      );
      if (updated === undefined) return false;
      for (const d of input.documents ?? []) {
        if (d.caseId !== updated.case_id)
          throw new StoreError(
            `document "${d.id}" belongs to case "${d.caseId}", not to the delivery's case "${updated.case_id}"`,
            { table: 'documents', recordId: d.id },
          );
        await tx.insertDocument(d);
      }
      if (input.journal?.length) await tx.appendJournalEntries(input.journal);
      return true;
    });
  }

  /** A document whose id is taken keeps what it holds: ids are deterministic, the same evidence is stored once. */
  private async insertDocument(d: NewDocument): Promise<void> {
    await attempt('write', 'documents', d.id, () =>
      this.db
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

  // ── dossiers and procedure events ────────────────────────────────────────

  async recordDossier(dossier: StoredDossier, journal: Omit<CaseJournalEntry, 'seq'>[]): Promise<boolean> {
    return this.inTransaction(async (tx) => {
      if (!(await tx.insertDossier(dossier))) return false;
      if (journal.length > 0) await tx.appendJournalEntries(journal);
      return true;
    });
  }

  /** A dossier whose id is taken is left as it is: false. */
  private async insertDossier(dossier: StoredDossier): Promise<boolean> {
    const inserted = await attempt('write', 'dossiers', dossier.id, () =>
      this.db
        .insertInto('dossiers')
        .values(dossierToRow(dossier))
        .onConflict((oc) => oc.column('id').doNothing())
        .returning('id')
        .executeTakeFirst(),
    );
    return inserted !== undefined;
  }

  async prepareDossier(input: PrepareDossierInput): Promise<{ dossier: StoredDossier; created: boolean }> {
    const { dossier } = input;
    const created = await this.inTransaction(async (tx) => {
      if (!(await tx.insertDossier(dossier))) return false;
      for (const d of input.documents) {
        if (d.caseId !== dossier.caseId)
          throw new StoreError(
            `document "${d.id}" belongs to case "${d.caseId}", not to the dossier's case "${dossier.caseId}"`,
            { table: 'documents', recordId: d.id },
          );
        await tx.insertDocument(d);
      }
      if (input.journal.length > 0) await tx.appendJournalEntries(input.journal);
      return true;
    });
    const stored = await this.getDossier(dossier.id);
    if (!stored)
      throw new StoreError(`dossier "${dossier.id}" was neither stored nor found`, {
        table: 'dossiers',
        recordId: dossier.id,
      });
    return { dossier: stored, created };
  }

  async recordSubmission(input: RecordSubmissionInput): Promise<boolean> {
    return this.inTransaction(async (tx) => {
      const updated = await attempt('write', 'dossiers', input.id, () =>
        tx.db
          .updateTable('dossiers')
          .set((eb) => ({
            file_id: input.fileId,
            status: eb.case().when('status', '=', 'prepared').then('submitted').else(eb.ref('status')).end(),
            updated_at: input.at,
          }))
          .where('id', '=', input.id)
          .where('file_id', 'is', null)
          .returning('id')
          .executeTakeFirst(),
      );
      if (updated === undefined) return false;
      if (input.journal.length > 0) await tx.appendJournalEntries(input.journal);
      return true;
    });
  }

  async refusePreparedDossier(input: {
    id: string;
    at: string;
    journal: Omit<CaseJournalEntry, 'seq'>[];
  }): Promise<boolean> {
    return this.inTransaction(async (tx) => {
      const updated = await attempt('write', 'dossiers', input.id, () =>
        tx.db
          .updateTable('dossiers')
          .set({ status: 'rejected', updated_at: input.at })
          .where('id', '=', input.id)
          .where('status', '=', 'prepared')
          .where('file_id', 'is', null)
          .returning('id')
          .executeTakeFirst(),
      );
      if (updated === undefined) return false;
      if (input.journal.length > 0) await tx.appendJournalEntries(input.journal);
      return true;
    });
  }

  async getDossier(id: string): Promise<StoredDossier | undefined> {
    const row = await attempt('read', 'dossiers', id, () =>
      this.db.selectFrom('dossiers').selectAll().where('id', '=', id).executeTakeFirst(),
    );
    return row === undefined ? undefined : rowToDossier(row);
  }

  async findDossierByFile(partner: string, fileId: string): Promise<StoredDossier | undefined> {
    const row = await attempt('read', 'dossiers', fileId, () =>
      this.db
        .selectFrom('dossiers')
        .selectAll()
        .where('partner', '=', partner)
        .where('file_id', '=', fileId)
        .executeTakeFirst(),
    );
    return row === undefined ? undefined : rowToDossier(row);
  }

  async listDossiers(filter: { caseId?: string; open?: boolean } = {}): Promise<StoredDossier[]> {
    let query = this.db.selectFrom('dossiers').selectAll().orderBy('submitted_at').orderBy('id');
    if (filter.caseId !== undefined) query = query.where('case_id', '=', filter.caseId);
    // A prepared dossier is open: the firm may have opened its file, the answer is not known yet.
    if (filter.open !== undefined)
      query = filter.open
        ? query.where('status', 'in', ['prepared', 'submitted', 'accepted'])
        : query.where('status', 'not in', ['prepared', 'submitted', 'accepted']);
    const rows = await attempt('read', 'dossiers', undefined, () => query.execute());
    return rows.map(rowToDossier);
  }

  async applyProcedureEvent(input: ApplyProcedureEventInput): Promise<StoredProcedureEvent | undefined> {
    const { event } = input;
    return this.inTransaction(async (tx) => {
      // The dossier row is locked first (PostgreSQL): events of one dossier are numbered one at a time.
      const bumped = await attempt('write', 'dossiers', event.dossierId, () =>
        tx.db
          .updateTable('dossiers')
          .set((eb) => ({ events: eb('events', '+', 1), updated_at: input.at }))
          .where('id', '=', event.dossierId)
          .returning(['events', 'state_at', 'case_id'])
          .executeTakeFirst(),
      );
      if (bumped === undefined)
        throw new StoreError(`cannot apply event "${event.id}": no dossier "${event.dossierId}"`, {
          table: 'procedure_events',
          recordId: event.id,
        });
      if (bumped.case_id !== event.caseId)
        throw new StoreError(
          `event "${event.id}" names case "${event.caseId}" but dossier "${event.dossierId}" belongs to case "${bumped.case_id}"`,
          { table: 'procedure_events', recordId: event.id },
        );
      const inserted = await attempt('write', 'procedure_events', event.id, () =>
        tx.db
          .insertInto('procedure_events')
          .values({
            id: event.id,
            dossier_id: event.dossierId,
            case_id: event.caseId,
            seq: bumped.events,
            state: event.state,
            source_state: event.sourceState,
            occurred_at: event.occurredAt,
            received_at: event.receivedAt,
            data: JSON.stringify(event.data),
          })
          .onConflict((oc) => oc.column('id').doNothing())
          .returning('seq')
          .executeTakeFirst(),
      );
      // Already applied: undo the count with the rest.
      if (inserted === undefined) throw new EventAlreadyApplied();
      const latest = Date.parse(event.occurredAt) >= Date.parse(bumped.state_at);
      if (latest || input.status !== undefined) {
        await attempt('write', 'dossiers', event.dossierId, () =>
          tx.db
            .updateTable('dossiers')
            .set({
              ...(latest ? { state: event.state, state_at: event.occurredAt } : {}),
              ...(input.status !== undefined ? { status: input.status } : {}),
            })
            .where('id', '=', event.dossierId)
            .execute(),
        );
      }
      if (input.caseStage !== undefined) {
        await attempt('write', 'cases', event.caseId, () =>
          tx.db
            .updateTable('cases')
            .set({ stage: input.caseStage!, updated_at: input.at })
            .where('id', '=', event.caseId)
            .execute(),
        );
      }
      for (const chunk of chunksOf(input.actions.map(actionToRow))) {
        await attempt('write', 'outbox', idsOf(chunk), () => tx.db.insertInto('outbox').values(chunk).execute());
      }
      if (input.journal.length > 0) await tx.appendJournalEntries(input.journal);
      return { ...event, seq: inserted.seq };
    }).catch((e: unknown) => {
      if (e instanceof EventAlreadyApplied) return undefined;
      throw e;
    });
  }

  async listProcedureEvents(dossierId: string): Promise<StoredProcedureEvent[]> {
    const rows = await attempt('read', 'procedure_events', dossierId, () =>
      this.db.selectFrom('procedure_events').selectAll().where('dossier_id', '=', dossierId).orderBy('seq').execute(),
    );
    return rows.map(rowToProcedureEvent);
  }

  async getProcedureEvent(id: string): Promise<StoredProcedureEvent | undefined> {
    const row = await attempt('read', 'procedure_events', id, () =>
      this.db.selectFrom('procedure_events').selectAll().where('id', '=', id).executeTakeFirst(),
    );
    return row === undefined ? undefined : rowToProcedureEvent(row);
  }

  async listDocuments(caseId: string): Promise<StoredDocument[]> {
    const rows = await attempt('read', 'documents', undefined, () =>
      this.db
        .selectFrom('documents')
        .select(['id', 'case_id', 'action_id', 'kind', 'media_type', 'sha256', 'size', 'proven_at', 'created_at'])
        .where('case_id', '=', caseId)
        .orderBy('created_at')
        .orderBy('id')
        .execute(),
    );
    return rows.map(rowToDocument);
  }

  async getDocument(id: string): Promise<(StoredDocument & { content: Buffer }) | undefined> {
    const row = await attempt('read', 'documents', id, () =>
      this.db.selectFrom('documents').selectAll().where('id', '=', id).executeTakeFirst(),
    );
    return row === undefined ? undefined : { ...rowToDocument(row), content: Buffer.from(row.content) };
  }

  async keepDocument(document: NewDocument): Promise<StoredDocument & { content: Buffer }> {
    await this.insertDocument(document);
    const kept = await this.getDocument(document.id);
    if (!kept)
      throw new StoreError(`document "${document.id}" was not kept`, { table: 'documents', recordId: document.id });
    if (kept.caseId !== document.caseId)
      throw new StoreError(`document "${document.id}" belongs to case "${kept.caseId}", not to "${document.caseId}"`, {
        table: 'documents',
        recordId: document.id,
      });
    return kept;
  }

  // ── sync ─────────────────────────────────────────────────────────────────

  async getCursor(connection: string, stream: string): Promise<SyncCursor | undefined> {
    const row = await attempt('read', 'sync_cursors', `${connection}/${stream}`, () =>
      this.db
        .selectFrom('sync_cursors')
        .selectAll()
        .where('connection', '=', connection)
        .where('stream', '=', stream)
        .executeTakeFirst(),
    );
    if (row === undefined) return undefined;
    return {
      connection: row.connection,
      stream: row.stream,
      value: JSON.parse(row.value) as Record<string, unknown>,
      updatedAt: row.updated_at,
    };
  }

  async savePage(page: SyncPage): Promise<void> {
    await this.inTransaction(async (tx) => {
      if (page.debtors?.length) await tx.upsertDebtors(page.debtors);
      if (page.receivables?.length) await tx.upsertReceivables(page.receivables, page.at);
      if (page.payments?.length) await tx.upsertPayments(page.payments);
      if (page.closures?.length) await tx.closeReceivables(page.closures);
      await tx.releaseFromQuarantine(page);
      const quarantined = lastBy(page.quarantined ?? [], (q) => q.sourceId).map((q) => ({
        connection: page.connection,
        stream: page.stream,
        source_id: q.sourceId,
        reason: q.reason,
        // An ERP's integer beyond 2^53 arrives as a bigint, which JSON.stringify refuses: kept as its digits.
        raw: JSON.stringify(q.raw ?? null, (_key, value: unknown) =>
          typeof value === 'bigint' ? value.toString() : value,
        ),
        at: q.at,
      }));
      for (const chunk of chunksOf(quarantined)) {
        await attempt('write', 'quarantine', chunk.length === 1 ? chunk[0]?.source_id : undefined, () =>
          tx.db
            .insertInto('quarantine')
            .values(chunk)
            .onConflict((oc) =>
              oc
                .columns(['connection', 'stream', 'source_id'])
                .doUpdateSet(fromExcluded(['reason', 'raw', 'at'] as const)),
            )
            .execute(),
        );
      }
      const stageChanges = await tx.settleCases(page);
      const journal = [...stageChanges, ...(page.journal ?? [])];
      if (journal.length) await tx.appendJournalEntries(journal);
      if (page.cursor === undefined) return;
      const cursor = page.cursor;
      await attempt('write', 'sync_cursors', `${page.connection}/${page.stream}`, () =>
        tx.db
          .insertInto('sync_cursors')
          .values({
            connection: page.connection,
            stream: page.stream,
            value: JSON.stringify(cursor),
            updated_at: page.at,
          })
          .onConflict((oc) =>
            oc.columns(['connection', 'stream']).doUpdateSet(fromExcluded(['value', 'updated_at'] as const)),
          )
          .execute(),
      );
    });
  }

  /**
   * A record of the page that mapped leaves quarantine: its row for this connection and stream
   * is deleted. Runs before the page's own quarantined rows are written, so that a source id
   * the page both saved and rejected stays quarantined.
   */
  private async releaseFromQuarantine(page: SyncPage): Promise<void> {
    const sourceIds = new Set<string>();
    for (const records of [page.debtors, page.receivables, page.payments]) {
      for (const r of records ?? []) {
        if (r.source.connection === page.connection) sourceIds.add(r.source.id);
      }
    }
    for (const ids of chunksOf([...sourceIds])) {
      await attempt('write', 'quarantine', ids.length === 1 ? ids[0] : ids, () =>
        this.db
          .deleteFrom('quarantine')
          .where('connection', '=', page.connection)
          .where('stream', '=', page.stream)
          .where('source_id', 'in', ids)
          .execute(),
      );
    }
  }

  async listQuarantined(connection?: string): Promise<QuarantinedRecord[]> {
    let query = this.db
      .selectFrom('quarantine')
      .selectAll()
      .orderBy('connection')
      .orderBy('stream')
      .orderBy('source_id');
    if (connection !== undefined) query = query.where('connection', '=', connection);
    const rows = await attempt('read', 'quarantine', undefined, () => query.execute());
    return rows.map((r) => ({
      connection: r.connection,
      stream: r.stream,
      sourceId: r.source_id,
      reason: r.reason,
      raw: JSON.parse(r.raw) as unknown,
      at: r.at,
    }));
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

// ── helpers ────────────────────────────────────────────────────────────────

/**
 * `col = excluded.col` for every column: the upsert replaces the whole row. Typed `never`, which
 * fits every column, because each reference has its own column's type, which a generic list
 * cannot name.
 */
function fromExcluded<C extends string>(columns: readonly C[]): Record<C, RawBuilder<never>> {
  return Object.fromEntries(columns.map((c) => [c, sql.ref(`excluded.${c}`)])) as Record<C, RawBuilder<never>>;
}

/**
 * `col = coalesce(excluded.col, receivables.col)`: the stored value stays when the incoming
 * row has null (local annotations win over a source that knows nothing of them).
 */
function keptWhenIncomingNull<C extends string>(columns: readonly C[]): Record<C, RawBuilder<never>> {
  return Object.fromEntries(
    columns.map((c) => [c, sql`coalesce(${sql.ref(`excluded.${c}`)}, ${sql.ref(`receivables.${c}`)})`]),
  ) as Record<C, RawBuilder<never>>;
}

/**
 * One statement cannot update the same row twice (PostgreSQL refuses `ON CONFLICT DO UPDATE`
 * on a duplicate within the batch); the last occurrence wins, as sequential upserts would.
 */
function lastBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const item of items) {
    const k = key(item);
    byKey.delete(k);
    byKey.set(k, item);
  }
  return [...byKey.values()];
}

function lastById<T extends { id: string }>(items: readonly T[]): T[] {
  return lastBy(items, (item) => item.id);
}

/** Rows are plain column objects (or single ids), all with the same keys as the first. */
function* chunksOf<T extends object | string>(rows: readonly T[]): Iterable<T[]> {
  const first = rows[0];
  if (first === undefined) return;
  const parametersPerRow = typeof first === 'string' ? 1 : Math.max(1, Object.keys(first).length);
  const size = Math.max(
    1,
    Math.min(MAX_ROWS_PER_STATEMENT, Math.floor(MAX_PARAMETERS_PER_STATEMENT / parametersPerRow)),
  );
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

function idsOf(rows: readonly { id: string }[]): string | readonly string[] {
  return rows.length === 1 ? rows[0]!.id : rows.map((r) => r.id);
}

function sha256Of(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Thrown inside recordDecision's transaction to undo it when its key was already recorded. */
class DecisionReplayed extends Error {}

/** Thrown inside applyProcedureEvent's transaction to undo it when the event was already applied. */
class EventAlreadyApplied extends Error {}
