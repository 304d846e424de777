import { sql, type Expression, type Kysely, type Migration } from 'kysely';
import type { StoreDriver } from '../driver';

/**
 * The first schema. Both drivers get the same tables, columns, keys and indexes; only the
 * spelling of a few types and of the journal's append-only triggers differs.
 *
 * Enumerations (stage, status, kinds) are deliberately not CHECK constraints: the zod
 * schemas own them, and widening a CHECK on SQLite means rebuilding the table. The CHECKs
 * below are invariants that no model change will relax.
 */
export function initialMigration(driver: StoreDriver): Migration {
  // PostgreSQL compares text with the database's collation (often en_US, which ignores
  // punctuation); "C" makes ids and ISO dates sort byte-wise, as SQLite does, so both drivers
  // return the same order and keyset paging agrees with ORDER BY.
  const key: Expression<unknown> | 'text' = driver === 'postgres' ? sql`text collate "C"` : 'text';
  const money = driver === 'postgres' ? 'bigint' : 'integer';

  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('debtors')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('source_system', 'text', (c) => c.notNull())
        .addColumn('source_connection', key, (c) => c.notNull())
        .addColumn('source_id', key, (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('do_not_contact', 'integer', (c) => c.notNull())
        .addColumn('insolvency', 'text')
        .addColumn('data', 'text', (c) => c.notNull())
        .addCheckConstraint('debtors_do_not_contact_flag', sql`do_not_contact in (0, 1)`)
        .execute();

      await db.schema
        .createTable('cases')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('debtor_id', key, (c) => c.notNull())
        .addColumn('company_id', key, (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('stage', 'text', (c) => c.notNull())
        .addColumn('policy_id', 'text')
        .addColumn('last_step', 'text')
        .addColumn('last_contact_on', key)
        .addColumn('manual_pause', 'text')
        .addColumn('pending_approval', 'text')
        .addColumn('opened_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('journal_seq', 'integer', (c) => c.notNull().defaultTo(0))
        .addCheckConstraint('cases_journal_seq_non_negative', sql`journal_seq >= 0`)
        .execute();
      await db.schema.createIndex('cases_by_stage').on('cases').columns(['stage', 'id']).execute();
      await db.schema.createIndex('cases_by_debtor').on('cases').columns(['debtor_id', 'id']).execute();

      // No foreign key to debtors: a connection's invoice stream may be read before its
      // partner stream, and the sync must not fail for that. Cases without a debtor row are
      // left out of the snapshot stream until the debtor arrives.
      await db.schema
        .createTable('receivables')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('case_id', key, (c) => c.notNull())
        .addColumn('source_system', 'text', (c) => c.notNull())
        .addColumn('source_connection', key, (c) => c.notNull())
        .addColumn('source_id', key, (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('number', 'text', (c) => c.notNull())
        .addColumn('debtor_id', key, (c) => c.notNull())
        .addColumn('company_id', key, (c) => c.notNull())
        .addColumn('issue_date', key, (c) => c.notNull())
        .addColumn('due_date', key, (c) => c.notNull())
        .addColumn('completion_date', key)
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('total', money, (c) => c.notNull())
        .addColumn('open', money, (c) => c.notNull())
        .addColumn('disputed', 'text')
        .addColumn('excluded', 'text')
        .addColumn('promise_to_pay', 'text')
        .addColumn('payment_plan', 'text')
        .addColumn('document_url', 'text')
        .addColumn('source_version', 'text')
        .addColumn('data', 'text')
        .addForeignKeyConstraint('receivables_case_fk', ['case_id'], 'cases', ['id'])
        .addCheckConstraint('receivables_total_positive', sql`total > 0`)
        .addCheckConstraint('receivables_open_within_total', sql`open >= 0 and open <= total`)
        .addCheckConstraint('receivables_due_not_before_issue', sql`due_date >= issue_date`)
        .execute();
      // Serves listReceivablesOfCase and the snapshot stream's ORDER BY without a sort.
      await db.schema
        .createIndex('receivables_by_case_due')
        .on('receivables')
        .columns(['case_id', 'due_date', 'id'])
        .execute();

      await db.schema
        .createTable('payments')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('source_system', 'text', (c) => c.notNull())
        .addColumn('source_connection', key, (c) => c.notNull())
        .addColumn('source_id', key, (c) => c.notNull())
        .addColumn('debtor_id', key, (c) => c.notNull())
        .addColumn('company_id', key, (c) => c.notNull())
        .addColumn('date', key, (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('amount', money, (c) => c.notNull())
        .addColumn('data', 'text')
        .addCheckConstraint('payments_amount_positive', sql`amount > 0`)
        .execute();

      // No foreign key to receivables: a payment may be synced before the invoice it settles.
      await db.schema
        .createTable('payment_allocations')
        .addColumn('payment_id', key, (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('receivable_id', key, (c) => c.notNull())
        .addColumn('amount', money, (c) => c.notNull())
        .addPrimaryKeyConstraint('payment_allocations_pk', ['payment_id', 'position'])
        .addForeignKeyConstraint('payment_allocations_payment_fk', ['payment_id'], 'payments', ['id'], (fk) =>
          fk.onDelete('cascade'),
        )
        .addCheckConstraint('payment_allocations_amount_positive', sql`amount > 0`)
        .execute();
      await db.schema
        .createIndex('payment_allocations_by_receivable')
        .on('payment_allocations')
        .columns(['receivable_id', 'payment_id'])
        .execute();

      await db.schema
        .createTable('case_journal')
        .addColumn('case_id', key, (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor_kind', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('summary', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('case_journal_pk', ['case_id', 'seq'])
        .addForeignKeyConstraint('case_journal_case_fk', ['case_id'], 'cases', ['id'])
        .addCheckConstraint('case_journal_seq_positive', sql`seq > 0`)
        .execute();

      await db.schema
        .createTable('decisions')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('idempotency_key', key, (c) => c.notNull())
        .addColumn('case_id', key, (c) => c.notNull())
        .addColumn('step_id', 'text', (c) => c.notNull())
        .addColumn('step_index', 'integer', (c) => c.notNull())
        .addColumn('policy_id', 'text', (c) => c.notNull())
        .addColumn('policy_version', 'integer', (c) => c.notNull())
        .addColumn('as_of', key, (c) => c.notNull())
        .addColumn('decided_at', key, (c) => c.notNull())
        .addColumn('requires_approval', 'integer', (c) => c.notNull())
        .addColumn('evaluation', 'text', (c) => c.notNull())
        .addUniqueConstraint('decisions_idempotency_key_unique', ['idempotency_key'])
        .addForeignKeyConstraint('decisions_case_fk', ['case_id'], 'cases', ['id'])
        .addCheckConstraint('decisions_requires_approval_flag', sql`requires_approval in (0, 1)`)
        .execute();
      await db.schema
        .createIndex('decisions_by_case')
        .on('decisions')
        .columns(['case_id', 'decided_at', 'id'])
        .execute();

      await db.schema
        .createTable('outbox')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('idempotency_key', key, (c) => c.notNull())
        .addColumn('case_id', key, (c) => c.notNull())
        .addColumn('decision_id', key)
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('template', 'text')
        .addColumn('status', key, (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('not_before', key, (c) => c.notNull())
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('outbox_idempotency_key_unique', ['idempotency_key'])
        .addForeignKeyConstraint('outbox_case_fk', ['case_id'], 'cases', ['id'])
        .addForeignKeyConstraint('outbox_decision_fk', ['decision_id'], 'decisions', ['id'])
        .addCheckConstraint('outbox_attempts_non_negative', sql`attempts >= 0`)
        .execute();
      // Workers take due rows by status then not_before.
      await db.schema
        .createIndex('outbox_by_status_due')
        .on('outbox')
        .columns(['status', 'not_before', 'id'])
        .execute();
      await db.schema.createIndex('outbox_by_case').on('outbox').columns(['case_id', 'not_before', 'id']).execute();

      await db.schema
        .createTable('sync_cursors')
        .addColumn('connection', key, (c) => c.notNull())
        .addColumn('stream', key, (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('sync_cursors_pk', ['connection', 'stream'])
        .execute();

      // One row per rejected source record: a record rejected again replaces its row, and a
      // record that later maps cleanly leaves quarantine (see SyncStore.writePage).
      await db.schema
        .createTable('quarantine')
        .addColumn('connection', key, (c) => c.notNull())
        .addColumn('stream', key, (c) => c.notNull())
        .addColumn('source_id', key, (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('raw', 'text', (c) => c.notNull())
        .addColumn('at', key, (c) => c.notNull())
        .addPrimaryKeyConstraint('quarantine_pk', ['connection', 'stream', 'source_id'])
        .execute();

      await createJournalGuards(db, driver);
    },

    async down(db: Kysely<any>): Promise<void> {
      for (const table of [
        'quarantine',
        'sync_cursors',
        'outbox',
        'decisions',
        'case_journal',
        'payment_allocations',
        'payments',
        'receivables',
        'cases',
        'debtors',
      ]) {
        await db.schema.dropTable(table).execute();
      }
      if (driver === 'postgres') await sql`drop function case_journal_refuse_change()`.execute(db);
    },
  };
}

/**
 * The journal is evidence for the law firm: the database itself refuses to change or remove
 * a line, so that no code path (nor a hand-typed statement) can rewrite the history.
 */
async function createJournalGuards(db: Kysely<any>, driver: StoreDriver): Promise<void> {
  if (driver === 'sqlite') {
    for (const op of ['update', 'delete'] as const) {
      await sql
        .raw(
          `create trigger case_journal_no_${op} before ${op} on case_journal ` +
            `begin select raise(abort, 'case_journal is append-only: ${op.toUpperCase()} refused'); end`,
        )
        .execute(db);
    }
    return;
  }
  // Unqualified, the function lands in the first schema of search_path: the store's schema.
  await sql`
    create function case_journal_refuse_change() returns trigger language plpgsql as $$
    begin
      raise exception 'case_journal is append-only: % refused', tg_op using errcode = 'integrity_constraint_violation';
    end
    $$`.execute(db);
  await sql`create trigger case_journal_no_update_delete before update or delete on case_journal for each row execute function case_journal_refuse_change()`.execute(
    db,
  );
  await sql`create trigger case_journal_no_truncate before truncate on case_journal for each statement execute function case_journal_refuse_change()`.execute(
    db,
  );
}
