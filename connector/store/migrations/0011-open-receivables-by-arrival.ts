import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The open receivables of a connection, indexed in the order they arrived rather than by id.
 *
 * Migration 0002 indexed them on (source_connection, id). ERP ids are random (Sage's are UUIDs),
 * so each receivable a sync page wrote landed on a page of that index of its own: 500 receivables
 * rewrote about 470 index pages, a quarter of everything a page wrote at 100,000 receivables.
 * Keyed on source_connection alone, the index's entries follow the row ids, which grow: a page's
 * new entries go at the end of its connection's range, onto a handful of pages.
 * `listOpenReceivableIds` still reads only the open receivables of one connection from it; their
 * order no longer comes with them, and its one caller puts them in a set.
 */
export const openReceivablesByArrivalMigration: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema.dropIndex('receivables_open_by_connection').execute();
    await db.schema
      .createIndex('receivables_open_of_connection')
      .on('receivables')
      .column('source_connection')
      .where(sql<boolean>`open > 0`)
      .execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropIndex('receivables_open_of_connection').execute();
    await db.schema
      .createIndex('receivables_open_by_connection')
      .on('receivables')
      .columns(['source_connection', 'id'])
      .where(sql<boolean>`open > 0`)
      .execute();
  },
};
