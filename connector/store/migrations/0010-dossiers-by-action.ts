import type { Kysely, Migration } from 'kysely';

/**
 * The dossier an outbox row submitted is found by the row's id (`dossiers.findDossierOfAction`),
 * not by reading every dossier of its case.
 */
export const dossiersByActionMigration: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema.createIndex('dossiers_by_action').on('dossiers').column('action_id').execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropIndex('dossiers_by_action').execute();
  },
};
