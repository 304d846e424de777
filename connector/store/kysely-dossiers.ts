import { insertActions } from './kysely-writes';
import type { CaseJournalEntry } from '../model/journal.schema';
import { StoreError, attempt } from './errors';
import { dossierToRow, rowToDossier, rowToProcedureEvent } from './rows';
import type {
  ApplyProcedureEventInput,
  StoredDossier,
  PrepareDossierInput,
  RecordSubmissionInput,
  StoredProcedureEvent,
} from './store';
import type { DossierStore, PartnerDossierCounts } from './store';
import { KyselyAggregate, type KyselyUnit } from './kysely-unit';
import { EventAlreadyApplied, int } from './kysely-helpers';
import { appendJournalEntries, insertDocument } from './kysely-writes';

export class KyselyDossierStore extends KyselyAggregate implements DossierStore {
  protected rebind(unit: KyselyUnit): this {
    return new KyselyDossierStore(unit) as this;
  }

  // ── dossiers and procedure events ────────────────────────────────────────

  async recordDossier(dossier: StoredDossier, journal: Omit<CaseJournalEntry, 'seq'>[]): Promise<boolean> {
    return this.inTransaction(async (tx) => {
      if (!(await tx.insertDossier(dossier))) return false;
      if (journal.length > 0) await appendJournalEntries(tx.db, journal);
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
        await insertDocument(tx.db, d);
      }
      if (input.journal.length > 0) await appendJournalEntries(tx.db, input.journal);
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
      if (input.journal.length > 0) await appendJournalEntries(tx.db, input.journal);
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
      if (input.journal.length > 0) await appendJournalEntries(tx.db, input.journal);
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

  async findDossierOfAction(actionId: string): Promise<StoredDossier | undefined> {
    const row = await attempt('read', 'dossiers', actionId, () =>
      this.db.selectFrom('dossiers').selectAll().where('action_id', '=', actionId).orderBy('id').executeTakeFirst(),
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

  async countPartnerDossiers(partner: string): Promise<PartnerDossierCounts> {
    const statuses = await attempt('read', 'dossiers', undefined, () =>
      this.db
        .selectFrom('dossiers')
        .select(['status', (eb) => eb.fn.countAll().as('n')])
        .where('partner', '=', partner)
        .groupBy('status')
        .execute(),
    );
    const last = await attempt('read', 'procedure_events', undefined, () =>
      this.db
        .selectFrom('procedure_events')
        .innerJoin('dossiers', 'dossiers.id', 'procedure_events.dossier_id')
        .select((eb) => eb.fn.max('procedure_events.received_at').as('last'))
        .where('dossiers.partner', '=', partner)
        .executeTakeFirst(),
    );
    const rows = await attempt('read', 'outbox', undefined, () =>
      this.db
        .selectFrom('outbox')
        .select(['status', (eb) => eb.fn.countAll().as('n')])
        .where('kind', '=', 'dossier')
        .where('status', 'in', ['pending', 'in_progress', 'failed'])
        .groupBy('status')
        .execute(),
    );
    const byStatus: PartnerDossierCounts['byStatus'] = {};
    for (const r of statuses) byStatus[r.status as StoredDossier['status']] = int(r.n);
    const count = (status: string) => int(rows.find((r) => r.status === status)?.n);
    return {
      byStatus,
      lastEventAt: last?.last ?? null,
      outbox: { pending: count('pending') + count('in_progress'), failed: count('failed') },
    };
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
      await insertActions(tx.db, input.actions);
      if (input.journal.length > 0) await appendJournalEntries(tx.db, input.journal);
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
}
