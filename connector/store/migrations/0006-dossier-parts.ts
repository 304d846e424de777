import type { Kysely, Migration } from 'kysely';

/**
 * A dossier is stored before it is first sent, so that every retry sends the same bytes and the
 * firm answers a lost submission again instead of opening a second file or refusing a changed
 * body (see connector/lawfirm/dossier-performer.ts).
 *
 * `content_sha256`: SHA-256 of the dossier's JSON as sent. `parts`: JSON list of its documents
 * (name, kind, media type, SHA-256, and the stored document holding the bytes). Both null on rows
 * written before this migration, which were recorded only once sent.
 */
export const dossierPartsMigration: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('dossiers').addColumn('content_sha256', 'text').execute();
    await db.schema.alterTable('dossiers').addColumn('parts', 'text').execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('dossiers').dropColumn('parts').execute();
    await db.schema.alterTable('dossiers').dropColumn('content_sha256').execute();
  },
};
