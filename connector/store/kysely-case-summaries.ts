import { sql, type Kysely } from 'kysely';
import { riskOrderKey } from '../kpis/risk';
import { attempt } from './errors';
import type { Database } from './schema';

/**
 * Keeping each case's summary of its open invoices (migration 0013): what the worklist sorts and
 * filters on. Called in the transaction that changes a case's items, so a summary is never seen
 * out of step with the items it sums.
 *
 * One grouped read walks the cases' items in receivables_by_case_due, which holds the kind, the
 * currency and the open amount (migration 0012): no receivable row is read. One UPDATE … FROM
 * (VALUES …) then writes the summaries that changed, on both databases.
 */

/**
 * The version of the summary's rules (the sums and `riskOrderKey`). Raise it when they change:
 * the store recomputes every older summary after migrating.
 */
export const CASE_SUMMARY_REV = 1;

/** 6 parameters a row: well under SQLite's 32,766 and PostgreSQL's 65,535 per statement. */
const CASES_PER_STATEMENT = 500;

/** SQLite returns sums as numbers; node-postgres returns bigint sums and counts as text. */
const int = (v: unknown): number => Number(v ?? 0);

export async function refreshCaseSummaries(db: Kysely<Database>, caseIds: Iterable<string>): Promise<void> {
  const unique = [...new Set(caseIds)];
  for (let i = 0; i < unique.length; i += CASES_PER_STATEMENT)
    await refreshChunk(db, unique.slice(i, i + CASES_PER_STATEMENT));
}

async function refreshChunk(db: Kysely<Database>, ids: string[]): Promise<void> {
  const sums = await attempt('read', 'receivables', ids.length === 1 ? ids[0] : undefined, () =>
    db
      .selectFrom('receivables')
      .where('case_id', 'in', ids)
      .where('kind', '=', 'invoice')
      .where('open', '>', 0)
      .select([
        'case_id',
        sql<string>`min(currency)`.as('currency'),
        sql<number>`sum(open)`.as('open_total'),
        sql<number>`count(*)`.as('open_items'),
        sql<string>`min(due_date)`.as('oldest_due'),
      ])
      .groupBy('case_id')
      .execute(),
  );
  const byCase = new Map(sums.map((s) => [s.case_id, s]));
  const rows = ids.map((id) => {
    const s = byCase.get(id);
    const openTotal = int(s?.open_total);
    const oldestDue = s?.oldest_due ?? null;
    const riskKey =
      s === undefined
        ? riskOrderKey({ currency: 'EUR', openTotal: 0, oldestDue: null })
        : riskOrderKey({ currency: s.currency, openTotal, oldestDue });
    return sql`(cast(${id} as text), cast(${openTotal} as bigint), cast(${int(s?.open_items)} as integer), cast(${oldestDue} as text), cast(${riskKey} as bigint), cast(${CASE_SUMMARY_REV} as integer))`;
  });
  // VALUES names its columns column1, column2… on both databases. Only the summaries that
  // changed are written: an unchanged case's row and index entries are left alone.
  await attempt('write', 'cases', ids.length === 1 ? ids[0] : ids, () =>
    sql`update cases set open_total = v.column2, open_items = v.column3, oldest_due = v.column4, risk_key = v.column5, summary_rev = v.column6
        from (values ${sql.join(rows)}) as v
        where cases.id = v.column1
          and (cases.open_total <> v.column2 or cases.open_items <> v.column3 or cases.oldest_due is distinct from v.column4
               or cases.risk_key <> v.column5 or cases.summary_rev <> v.column6)`.execute(db),
  );
}

/**
 * Recomputes the summaries written under older rules (or none: migration 0013 leaves them at 0),
 * a batch at a time. Returns how many cases it looked at.
 */
export async function refreshStaleCaseSummaries(db: Kysely<Database>): Promise<number> {
  let after = '';
  let seen = 0;
  for (;;) {
    const batch = await attempt('read', 'cases', undefined, () =>
      db
        .selectFrom('cases')
        .select('id')
        .where('summary_rev', '<>', CASE_SUMMARY_REV)
        .where('id', '>', after)
        .orderBy('id')
        .limit(CASES_PER_STATEMENT * 10)
        .execute(),
    );
    if (batch.length === 0) return seen;
    await db.transaction().execute((tx) =>
      refreshCaseSummaries(
        tx,
        batch.map((r) => r.id),
      ),
    );
    seen += batch.length;
    after = batch[batch.length - 1]!.id;
  }
}
