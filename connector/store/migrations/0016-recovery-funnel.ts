import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDriver } from '../driver';

/**
 * Running counts for the overview's recovery funnel and its "recovered by" split, so that
 * neither reads the journal:
 *
 * - on each case, the day it first reached each step of the funnel: `reminded_on` (a reminder,
 *   or any later step), `noticed_on` (the formal notice), `escalated_on` (handed to the law
 *   firm), `recovered_on` (closed after the ledger recorded payments on it), and
 *   `recovered_total`, the open amount the ledger took off its invoices (minor units);
 * - `recoveries_monthly`: the same amounts added up per month, currency and the stage the case
 *   was at when the ledger recorded them (by reminders, by the formal notice, by the firm).
 *
 * The first three days are set by a trigger on every write of a case's stage, whatever the
 * path (a decision, an approval, a law-firm event, a sync closing it): no caller can forget
 * them. `recovered_total` and the monthly rows are added by the sync page that sees the open
 * amount fall (connector/sync/save-page.ts); the trigger sets `recovered_on` when such a case
 * closes.
 *
 * Counting starts with this migration: cases worked before it have no days, and the overview
 * says since when it counts (the migration's own timestamp).
 */
export function recoveryFunnelMigration(driver: StoreDriver): Migration {
  const money = driver === 'postgres' ? 'bigint' : 'integer';
  const key = driver === 'postgres' ? sql`text collate "C"` : 'text';
  return {
    async up(db: Kysely<any>): Promise<void> {
      for (const column of ['reminded_on', 'noticed_on', 'escalated_on', 'recovered_on'])
        await db.schema.alterTable('cases').addColumn(column, key).execute();
      await db.schema
        .alterTable('cases')
        .addColumn('recovered_total', money, (c) => c.notNull().defaultTo(0))
        .execute();
      // The funnel's one read: the cases first reminded since a day, with every column it counts.
      await db.schema
        .createIndex('cases_funnel')
        .on('cases')
        .columns(['reminded_on', 'currency', 'noticed_on', 'escalated_on', 'recovered_on'])
        .where(sql<boolean>`reminded_on is not null`)
        .execute();
      await db.schema
        .createTable('recoveries_monthly')
        .addColumn('period', key, (c) => c.notNull())
        .addColumn('currency', key, (c) => c.notNull())
        .addColumn('stage', key, (c) => c.notNull())
        .addColumn('amount', money, (c) => c.notNull())
        .addColumn('items', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('recoveries_monthly_pk', ['period', 'currency', 'stage'])
        .execute();
      if (driver === 'postgres') await postgresTrigger(db);
      else await sqliteTriggers(db);
    },

    async down(db: Kysely<any>): Promise<void> {
      if (driver === 'postgres') {
        await sql`drop trigger cases_reached on cases`.execute(db);
        await sql`drop function cases_reached()`.execute(db);
      } else {
        await sql`drop trigger cases_reached_on_insert`.execute(db);
        await sql`drop trigger cases_reached_on_update`.execute(db);
      }
      await db.schema.dropTable('recoveries_monthly').execute();
      await db.schema.dropIndex('cases_funnel').execute();
      for (const column of ['recovered_total', 'recovered_on', 'escalated_on', 'noticed_on', 'reminded_on'])
        await db.schema.alterTable('cases').dropColumn(column).execute();
    },
  };
}

/**
 * The stages that mark each step, as connector/model/case.schema.ts names them. Awaiting an
 * approval marks none: the step waiting may be any of them, and it is marked once performed.
 */
const REMINDED = `('reminding', 'formal_notice', 'escalated', 'in_procedure')`;
const NOTICED = `('formal_notice')`;
const ESCALATED = `('escalated', 'in_procedure')`;

/** SQLite: after the row is written, one UPDATE of the same row (it does not write `stage`, so fires nothing). */
async function sqliteTriggers(db: Kysely<any>): Promise<void> {
  const body = `
    UPDATE cases SET
      reminded_on = CASE WHEN NEW.stage IN ${REMINDED} THEN coalesce(reminded_on, substr(NEW.updated_at, 1, 10)) ELSE reminded_on END,
      noticed_on = CASE WHEN NEW.stage IN ${NOTICED} THEN coalesce(noticed_on, substr(NEW.updated_at, 1, 10)) ELSE noticed_on END,
      escalated_on = CASE WHEN NEW.stage IN ${ESCALATED} THEN coalesce(escalated_on, substr(NEW.updated_at, 1, 10)) ELSE escalated_on END,
      recovered_on = CASE WHEN NEW.stage = 'closed' AND recovered_total > 0 THEN coalesce(recovered_on, substr(NEW.updated_at, 1, 10)) ELSE recovered_on END
    WHERE id = NEW.id;`;
  await sql
    .raw(
      `CREATE TRIGGER cases_reached_on_update AFTER UPDATE OF stage ON cases FOR EACH ROW WHEN NEW.stage IS NOT OLD.stage BEGIN ${body} END`,
    )
    .execute(db);
  await sql
    .raw(
      `CREATE TRIGGER cases_reached_on_insert AFTER INSERT ON cases FOR EACH ROW WHEN NEW.stage <> 'open' BEGIN ${body} END`,
    )
    .execute(db);
}

/** PostgreSQL: the row is completed before it is written. */
async function postgresTrigger(db: Kysely<any>): Promise<void> {
  await sql
    .raw(
      `CREATE FUNCTION cases_reached() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.stage IS NOT DISTINCT FROM OLD.stage THEN RETURN NEW; END IF;
  IF NEW.stage IN ${REMINDED} THEN NEW.reminded_on := coalesce(NEW.reminded_on, substr(NEW.updated_at, 1, 10)); END IF;
  IF NEW.stage IN ${NOTICED} THEN NEW.noticed_on := coalesce(NEW.noticed_on, substr(NEW.updated_at, 1, 10)); END IF;
  IF NEW.stage IN ${ESCALATED} THEN NEW.escalated_on := coalesce(NEW.escalated_on, substr(NEW.updated_at, 1, 10)); END IF;
  IF NEW.stage = 'closed' AND NEW.recovered_total > 0 THEN NEW.recovered_on := coalesce(NEW.recovered_on, substr(NEW.updated_at, 1, 10)); END IF;
  RETURN NEW;
END $$`,
    )
    .execute(db);
  await sql`CREATE TRIGGER cases_reached BEFORE INSERT OR UPDATE OF stage ON cases FOR EACH ROW EXECUTE FUNCTION cases_reached()`.execute(
    db,
  );
}
