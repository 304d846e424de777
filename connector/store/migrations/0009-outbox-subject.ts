import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDriver } from '../driver';

/**
 * Every outbox row names its subject — the decision, procedure event, payment or withdrawal it
 * performs — as JSON in `subject`, which its performer reads by id (connector/model/action.schema.ts,
 * `ActionSubject`). Rows written before are given theirs from what they hold: their decision, and
 * otherwise the template and key their writers used (the values are written out here, so that this
 * migration reads the same whatever those writers become). A row whose subject cannot be told
 * stops the migration, which names it, before anything is changed.
 */

interface OldRow {
  id: string;
  idempotency_key: string;
  case_id: string;
  decision_id: string | null;
  kind: string;
  template: string | null;
  status: string;
}

/** The tables as this migration finds them (typed here, not from schema.ts, which follows the latest migration). */
interface Tables {
  outbox: OldRow & { subject?: string | null };
  procedure_events: { id: string; dossier_id: string };
}

/** connector/lawfirm/procedure-events.ts: templates and key `<case id>/procedure/<note|activity>/<event id>`. */
const PROCEDURE_TEMPLATES: Readonly<Record<string, 'note' | 'activity'>> = {
  'procedure-event': 'note',
  'procedure-activity': 'activity',
};

export type OldSubject =
  | { type: 'decision'; decisionId: string }
  | { type: 'procedure_event'; eventId: string; dossierId: string; what: 'note' | 'activity' }
  | { type: 'payment_report'; dossierId: string; journalSeq: number }
  | { type: 'withdrawal' };

/** The subject of a row written before the column, or why it cannot be told; `dossierOfEvent` reads `procedure_events`. */
export function subjectOfOldRow(
  row: OldRow,
  dossierOfEvent: (eventId: string) => string | undefined,
): OldSubject | { unknown: string } {
  if (row.decision_id !== null) return { type: 'decision', decisionId: row.decision_id };
  const what = row.template === null ? undefined : PROCEDURE_TEMPLATES[row.template];
  if (what) {
    const prefix = `${row.case_id}/procedure/${what}/`;
    if (!row.idempotency_key.startsWith(prefix))
      return { unknown: `a procedure ${what} whose key does not start with ${prefix}` };
    const eventId = row.idempotency_key.slice(prefix.length);
    const dossierId = dossierOfEvent(eventId);
    if (dossierId === undefined) return { unknown: `a procedure ${what} of event ${eventId}, which is not stored` };
    return { type: 'procedure_event', eventId, dossierId, what };
  }
  if (row.kind === 'dossier' && row.template === 'payment') {
    const at = row.idempotency_key.lastIndexOf('/payment/');
    const seq = Number(row.idempotency_key.slice(at + '/payment/'.length));
    if (at <= 0 || !Number.isInteger(seq) || seq <= 0)
      return { unknown: 'a payment report whose key is not <dossier id>/payment/<journal seq>' };
    return { type: 'payment_report', dossierId: row.idempotency_key.slice(0, at), journalSeq: seq };
  }
  if (row.kind === 'dossier' && row.template === 'withdrawal') return { type: 'withdrawal' };
  return { unknown: `a row of kind ${row.kind} with no decision and template ${row.template ?? '(none)'}` };
}

export function outboxSubjectMigration(driver: StoreDriver): Migration {
  const decisionSubject =
    driver === 'postgres'
      ? sql<string>`json_build_object('type', 'decision', 'decisionId', decision_id)::text`
      : sql<string>`json_object('type', 'decision', 'decisionId', decision_id)`;
  return {
    async up(db: Kysely<Tables>): Promise<void> {
      const rows = await db
        .selectFrom('outbox')
        .select(['id', 'idempotency_key', 'case_id', 'decision_id', 'kind', 'template', 'status'])
        .where('decision_id', 'is', null)
        .orderBy('id')
        .execute();
      const events = new Map<string, string>();
      if (rows.length > 0)
        for (const e of await db.selectFrom('procedure_events').select(['id', 'dossier_id']).execute())
          events.set(e.id, e.dossier_id);
      const derived = rows.map((row) => ({ row, subject: subjectOfOldRow(row, (id) => events.get(id)) }));
      const unknown = derived.flatMap(({ row, subject }) =>
        'unknown' in subject ? [`${row.id} (${row.idempotency_key}, ${row.status}): ${subject.unknown}`] : [],
      );
      if (unknown.length > 0)
        throw new Error(
          `the outbox holds ${unknown.length} row(s) whose subject cannot be told, so the store is left as it was; cancel or remove them with the previous version, then upgrade:\n  ${unknown.join('\n  ')}`,
        );

      await db.schema.alterTable('outbox').addColumn('subject', 'text').execute();
      // One statement for every row of a decision (most of the outbox), then the others one by one.
      await db.updateTable('outbox').set({ subject: decisionSubject }).where('decision_id', 'is not', null).execute();
      for (const { row, subject } of derived)
        await db
          .updateTable('outbox')
          .set({ subject: JSON.stringify(subject) })
          .where('id', '=', row.id)
          .execute();
    },

    async down(db: Kysely<Tables>): Promise<void> {
      await db.schema.alterTable('outbox').dropColumn('subject').execute();
    },
  };
}
