import { rowToDocument } from './rows';
import type { NewDocument, StoredDocument } from './delivery-store';
import { StoreError, attempt } from './errors';
import { rowToDelivery } from './rows';
import type { Delivery, DeliveryCheckInput } from './store';
import type { DeliveryStore } from './store';
import { KyselyAggregate, type KyselyUnit } from './kysely-unit';
import { appendJournalEntries, insertDocument } from './kysely-writes';

export class KyselyDeliveryStore extends KyselyAggregate implements DeliveryStore {
  protected rebind(unit: KyselyUnit): this {
    return new KyselyDeliveryStore(unit) as this;
  }

  // ── deliveries and documents ─────────────────────────────────────────────

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
        await insertDocument(tx.db, d);
      }
      if (input.journal?.length) await appendJournalEntries(tx.db, input.journal);
      return true;
    });
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
    await insertDocument(this.db, document);
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
}
