import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Indexes the sync engine reads at the end of every run.
 *
 * `listOpenReceivableIds` asks for the open receivables of one connection in id order, to find
 * those the source no longer lists. A partial index on (source_connection, id) for open > 0
 * holds only those rows, already in that order: most receivables are closed, and neither
 * driver then reads them or sorts. The statement must repeat `open > 0` for the planners to
 * pick it (both accept a query whose WHERE implies the index's).
 */
export const syncIndexesMigration: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createIndex('receivables_open_by_connection')
      .on('receivables')
      .columns(['source_connection', 'id'])
      .where(sql<boolean>`open > 0`)
      .execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropIndex('receivables_open_by_connection').execute();
  },
};
