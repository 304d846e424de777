import { sql } from 'kysely';
import type { Debtor } from '../model/debtor.schema';
import type { Payment } from '../model/payment.schema';
import type { Receivable } from '../model/receivable.schema';
import { attempt } from './errors';
import {
  DEBTOR_COLUMNS,
  PAYMENT_COLUMNS,
  RECEIVABLE_ANNOTATION_COLUMNS,
  RECEIVABLE_COLUMNS,
  debtorToRow,
  paymentToRow,
  receivableToRow,
  rowToDebtor,
  rowToPayment,
  rowToReceivable,
} from './rows';
import type { PaymentAllocationsTable } from './schema';
import type { QuarantinedRecord, ReceivableClosure, ReceivableState, SyncCursor, SyncPage } from './store';
import type { SyncStore } from './store';
import { KyselyAggregate, type KyselyUnit } from './kysely-unit';
import { markCaseSummariesDue, markCasesOfDebtorsDue } from './kysely-case-summaries';
import { fromExcluded, keptWhenIncomingNull, lastBy, lastById, chunksOf, idsOf, insertRows } from './kysely-helpers';

/** A number shared by more receivables than this is not a reference a person can use: the look-up stops there. */
const FIND_BY_NUMBER_LIMIT = 50;

export class KyselySyncStore extends KyselyAggregate implements SyncStore {
  protected rebind(unit: KyselyUnit): this {
    return new KyselySyncStore(unit) as this;
  }

  // ── debtors ──────────────────────────────────────────────────────────────

  async upsertDebtors(debtors: Debtor[]): Promise<void> {
    if (debtors.length === 0) return;
    const rows = lastById(debtors).map(debtorToRow);
    await this.inTransaction(async (tx) => {
      await insertRows(
        tx.unit,
        'debtors',
        rows,
        (chunk) =>
          tx.db
            .insertInto('debtors')
            .values(chunk)
            .onConflict((oc) => oc.column('id').doUpdateSet(fromExcluded(DEBTOR_COLUMNS))),
        (row) => row.id,
      );
      // Their cases' summaries carry the name and the connection (the worklist sorts on the name).
      await markCasesOfDebtorsDue(
        tx.db,
        rows.map((r) => r.id),
      );
    });
  }

  async getDebtor(id: string): Promise<Debtor | undefined> {
    const row = await attempt('read', 'debtors', id, () =>
      this.db.selectFrom('debtors').selectAll().where('id', '=', id).executeTakeFirst(),
    );
    return row === undefined ? undefined : rowToDebtor(row);
  }

  // ── receivables ──────────────────────────────────────────────────────────

  async upsertReceivables(receivables: Receivable[]): Promise<void> {
    if (receivables.length === 0) return;
    const rows = lastById(receivables).map(receivableToRow);
    await this.inTransaction(async (tx) => {
      // The summaries of the cases these receivables belong to, and of those they leave (an
      // invoice whose customer changed in the ledger moves to that customer's case).
      const touched = new Set(rows.map((r) => r.case_id));
      for (const caseId of (await tx.casesLeft(rows)).values()) touched.add(caseId);
      await insertRows(
        tx.unit,
        'receivables',
        rows,
        (chunk) =>
          tx.db
            .insertInto('receivables')
            .values(chunk)
            .onConflict((oc) =>
              oc.column('id').doUpdateSet({
                ...fromExcluded(RECEIVABLE_COLUMNS),
                ...keptWhenIncomingNull(RECEIVABLE_ANNOTATION_COLUMNS),
              }),
            ),
        (row) => row.id,
      );
      await markCaseSummariesDue(tx.db, touched);
    });
  }

  /** The case each already stored receivable of `rows` belongs to, where it is not the one `rows` give. */
  private async casesLeft(rows: readonly { id: string; case_id: string }[]): Promise<Map<string, string>> {
    const incoming = new Map(rows.map((r) => [r.id, r.case_id]));
    const moved = new Map<string, string>();
    for (const chunk of chunksOf([...incoming.keys()])) {
      const stored = await attempt('read', 'receivables', chunk.length === 1 ? chunk[0] : undefined, () =>
        this.db.selectFrom('receivables').select(['id', 'case_id']).where('id', 'in', chunk).execute(),
      );
      for (const r of stored) if (incoming.get(r.id) !== r.case_id) moved.set(r.id, r.case_id);
    }
    return moved;
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
   * Served by the partial index receivables_open_of_connection (migration 0011), which holds only
   * the open receivables. `open > 0` is written as a literal, not bound: a plan made before the
   * parameters are known (a PostgreSQL generic plan) can match the index's predicate only against
   * a constant. No ORDER BY: the index keeps them in the order they arrived, and sorting 100,000
   * ids would cost the store what its caller, which puts them in a set, does not need.
   */
  async listOpenReceivableIds(connection: string): Promise<string[]> {
    const rows = await attempt('read', 'receivables', undefined, () =>
      this.db
        .selectFrom('receivables')
        .select('id')
        .where('source_connection', '=', connection)
        .where(sql<boolean>`open > 0`)
        .execute(),
    );
    return rows.map((r) => r.id);
  }

  async caseIdsOfReceivables(ids: readonly string[]): Promise<string[]> {
    const caseIds: string[] = [];
    for (const chunk of chunksOf([...new Set(ids)])) {
      const rows = await attempt('read', 'receivables', chunk, () =>
        this.db.selectFrom('receivables').select('case_id').where('id', 'in', chunk).execute(),
      );
      caseIds.push(...rows.map((r) => r.case_id));
    }
    return caseIds;
  }

  async casesWithOpenItems(caseIds: readonly string[]): Promise<Set<string>> {
    const open = new Set<string>();
    for (const chunk of chunksOf([...new Set(caseIds)])) {
      const rows = await attempt('read', 'receivables', chunk, () =>
        this.db
          .selectFrom('receivables')
          .select('case_id')
          .distinct()
          .where('case_id', 'in', chunk)
          .where('open', '>', 0)
          .execute(),
      );
      for (const r of rows) open.add(r.case_id);
    }
    return open;
  }

  /** Sets the open amount of the receivables the store holds to 0; other ids match no row. */
  private async closeReceivables(closures: readonly ReceivableClosure[]): Promise<void> {
    const touched = new Set<string>();
    for (const ids of chunksOf([...new Set(closures.map((c) => c.id))])) {
      const closed = await attempt('write', 'receivables', ids.length === 1 ? ids[0] : ids, () =>
        this.db.updateTable('receivables').set({ open: 0 }).where('id', 'in', ids).returning('case_id').execute(),
      );
      for (const r of closed) touched.add(r.case_id);
    }
    await markCaseSummariesDue(this.db, touched);
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
      // A payment's allocations are replaced as a whole, as the source now lists them; the invoices
      // it paid before count in their cases' history too, whether or not it still pays them.
      const paidBefore: string[] = [];
      for (const ids of chunksOf(rows.map((r) => r.id))) {
        const removed = await attempt('write', 'payment_allocations', ids.length === 1 ? ids[0] : ids, () =>
          tx.db.deleteFrom('payment_allocations').where('payment_id', 'in', ids).returning('receivable_id').execute(),
        );
        paidBefore.push(...removed.map((r) => r.receivable_id));
      }
      for (const chunk of chunksOf(allocations)) {
        await attempt('write', 'payment_allocations', chunk.length === 1 ? chunk[0]?.payment_id : undefined, () =>
          tx.db.insertInto('payment_allocations').values(chunk).execute(),
        );
      }
      // The payer's history of the cases paid into is part of their summary (risk.ts).
      await markCaseSummariesDue(
        tx.db,
        await tx.caseIdsOfReceivables([...paidBefore, ...allocations.map((a) => a.receivable_id)]),
      );
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

  async writePage(page: Omit<SyncPage, 'journal'>): Promise<void> {
    await this.inTransaction(async (tx) => {
      if (page.debtors?.length) await tx.upsertDebtors(page.debtors);
      if (page.receivables?.length) await tx.upsertReceivables(page.receivables);
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
  private async releaseFromQuarantine(page: Omit<SyncPage, 'journal'>): Promise<void> {
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
}
