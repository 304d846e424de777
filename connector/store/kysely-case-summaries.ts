import { sql, type Kysely, type RawBuilder } from 'kysely';
import { paidLateDays, riskOrderKey } from '../kpis/risk';
import { attempt } from './errors';
import type { CasesTable, Database } from './schema';
import type { StoreDriver } from './driver';
import { chunksOf, int } from './kysely-helpers';

/**
 * Keeping each case's summary of its open invoices (migration 0013): what the worklist sorts and
 * filters on.
 *
 * A transaction that changes receivables adds their cases to `case_summaries_due`; the summaries
 * are computed later, a case once however many pages touched it: at the end of a sync, before
 * the worklist answers, and after migrating. Computing them in each sync page's transaction added
 * a third to the time of saving 100,000 invoices (3.3 s of 10.1 s, measured), most of it writing
 * the same cases again page after page.
 *
 * One grouped read walks the cases' items in receivables_by_case_due, which holds the kind, the
 * currency and the open amount (migration 0012): no receivable row is read. Then only the
 * summaries that changed are written.
 */

/** Adds the cases to those whose summary is due, in the caller's transaction. */
export async function markCaseSummariesDue(db: Kysely<Database>, caseIds: Iterable<string>): Promise<void> {
  for (const chunk of chunksOf([...new Set(caseIds)])) {
    await attempt('write', 'case_summaries_due', chunk.length === 1 ? chunk[0] : undefined, () =>
      db
        .insertInto('case_summaries_due')
        .values(chunk.map((case_id) => ({ case_id })))
        .onConflict((oc) => oc.column('case_id').doNothing())
        .execute(),
    );
  }
}

/** Adds the cases of these debtors to those whose summary is due (a debtor renamed). */
export async function markCasesOfDebtorsDue(db: Kysely<Database>, debtorIds: readonly string[]): Promise<void> {
  for (const chunk of chunksOf([...new Set(debtorIds)])) {
    await attempt('write', 'case_summaries_due', chunk.length === 1 ? chunk[0] : undefined, () =>
      db
        .insertInto('case_summaries_due')
        .columns(['case_id'])
        .expression((eb) => eb.selectFrom('cases').select('id').where('debtor_id', 'in', chunk))
        .onConflict((oc) => oc.column('case_id').doNothing())
        .execute(),
    );
  }
}

export interface SummaryRefresh {
  /** Cases whose summary was computed. */
  refreshed: number;
  /** Cases still due (more than `max` were). */
  pending: number;
}

/**
 * Computes the due summaries, a batch per transaction, up to `max` cases. Each batch takes its
 * cases off the queue first: a sync that adds one of them again meanwhile (PostgreSQL) waits for
 * this transaction, then queues it anew, so no change is left out.
 */
export async function refreshDueCaseSummaries(
  db: Kysely<Database>,
  driver: StoreDriver,
  max = Number.MAX_SAFE_INTEGER,
): Promise<SummaryRefresh> {
  let refreshed = 0;
  while (refreshed < max) {
    const size = Math.min(CASES_PER_BATCH, max - refreshed);
    const done = await db.transaction().execute(async (tx) => {
      const ids = (
        await attempt('read', 'case_summaries_due', undefined, () =>
          tx.selectFrom('case_summaries_due').select('case_id').orderBy('case_id').limit(size).execute(),
        )
      ).map((r) => r.case_id);
      for (const chunk of chunksOf(ids))
        await attempt('write', 'case_summaries_due', undefined, () =>
          tx.deleteFrom('case_summaries_due').where('case_id', 'in', chunk).execute(),
        );
      await refreshCaseSummaries(tx, driver, ids);
      return ids.length;
    });
    refreshed += done;
    if (done < size) return { refreshed, pending: 0 };
  }
  const pending = await attempt('read', 'case_summaries_due', undefined, () =>
    db
      .selectFrom('case_summaries_due')
      .select(sql<number>`count(*)`.as('n'))
      .executeTakeFirstOrThrow(),
  );
  return { refreshed, pending: int(pending.n) };
}

/** Cases per transaction when computing many summaries. */
const CASES_PER_BATCH = 5_000;

/**
 * The version of the summary's rules (the sums and `riskOrderKey`). Raise it when they change:
 * the store recomputes every older summary after migrating.
 */
export const CASE_SUMMARY_REV = 2;

/** 9 parameters a row in PostgreSQL's VALUES: well under its 65,535 per statement. */
const CASES_PER_STATEMENT = 500;

/** Computes the summaries of these cases now, in the caller's transaction. */
export async function refreshCaseSummaries(
  db: Kysely<Database>,
  driver: StoreDriver,
  caseIds: Iterable<string>,
): Promise<void> {
  const unique = [...new Set(caseIds)];
  for (let i = 0; i < unique.length; i += CASES_PER_STATEMENT)
    await refreshChunk(db, driver, unique.slice(i, i + CASES_PER_STATEMENT));
}

async function refreshChunk(db: Kysely<Database>, driver: StoreDriver, ids: string[]): Promise<void> {
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
  const debtors = await attempt('read', 'debtors', ids.length === 1 ? ids[0] : undefined, () =>
    db
      .selectFrom('cases as c')
      .innerJoin('debtors as d', 'd.id', 'c.debtor_id')
      .where('c.id', 'in', ids)
      .select(['c.id', 'd.name', 'd.source_connection'])
      .execute(),
  );
  const byCase = new Map(sums.map((s) => [s.case_id, s]));
  const debtorOf = new Map(debtors.map((d) => [d.id, d]));
  const history = await paymentHistory(db, driver, ids);
  const summaries = ids.map((id): Summary => {
    const s = byCase.get(id);
    const openTotal = int(s?.open_total);
    const oldestDue = s?.oldest_due ?? null;
    const lateDays = paidLateDays(history.get(id) ?? []);
    return {
      id,
      open_total: openTotal,
      open_items: int(s?.open_items),
      oldest_due: oldestDue,
      risk_key: riskOrderKey({ currency: s?.currency ?? 'EUR', openTotal, oldestDue, paidLateDays: lateDays }),
      // Never null on a case with something open: a null would end the keyset of the name order.
      debtor_name: debtorOf.get(id)?.name ?? '',
      connection: debtorOf.get(id)?.source_connection ?? null,
      summary_rev: CASE_SUMMARY_REV,
      paid_late_days: lateDays,
    };
  });
  if (driver === 'sqlite') await writeOneByOne(db, summaries);
  else await writeAtOnce(db, summaries);
}

/**
 * The settled invoices of these cases, each with the day it was paid: the payer's history
 * (risk.ts `paidLateDays`). Where the ledger gives payment records (QuickBooks), the day of its
 * last payment, from each case's settled items to their allocations
 * (payment_allocations_by_receivable) and payments. Where it gives none (Odoo and Sage are read
 * as open amounts), the day (UTC) the sync saw its open amount fall to 0: the journal's last
 * `payment_received` line for it (sync-connection.ts), within a sync's interval of the payment.
 * An invoice closed otherwise (cancelled, deleted at the source) has no such line and counts for
 * nothing; nor does one settled before the connector first saw it, which it never keeps.
 */
async function paymentHistory(
  db: Kysely<Database>,
  driver: StoreDriver,
  ids: readonly string[],
): Promise<Map<string, { total: number; dueDate: string; paidOn: string }[]>> {
  const receivableOf =
    driver === 'postgres'
      ? sql<string>`(j.data::jsonb ->> 'receivableId')`
      : sql<string>`json_extract(j.data, '$.receivableId')`;
  const seen = await attempt('read', 'case_journal', ids.length === 1 ? ids[0] : undefined, () =>
    db
      .selectFrom('receivables as r')
      .innerJoin('case_journal as j', (join) =>
        join
          .onRef('j.case_id', '=', 'r.case_id')
          .on('j.type', '=', 'payment_received')
          .on(receivableOf, '=', sql.ref('r.id')),
      )
      .where('r.case_id', 'in', [...ids])
      .where('r.kind', '=', 'invoice')
      .where('r.open', '=', 0)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb.selectFrom('payment_allocations as a').select('a.payment_id').whereRef('a.receivable_id', '=', 'r.id'),
          ),
        ),
      )
      .select(['r.case_id', 'r.id', 'r.total', 'r.due_date', sql<string>`max(substr(j.at, 1, 10))`.as('paid_on')])
      .groupBy(['r.case_id', 'r.id', 'r.total', 'r.due_date'])
      .execute(),
  );
  const rows = await attempt('read', 'payment_allocations', ids.length === 1 ? ids[0] : undefined, () =>
    db
      .selectFrom('receivables as r')
      .innerJoin('payment_allocations as a', 'a.receivable_id', 'r.id')
      .innerJoin('payments as p', 'p.id', 'a.payment_id')
      .where('r.case_id', 'in', [...ids])
      .where('r.kind', '=', 'invoice')
      .where('r.open', '=', 0)
      .select(['r.case_id', 'r.id', 'r.total', 'r.due_date', sql<string>`max(p.date)`.as('paid_on')])
      .groupBy(['r.case_id', 'r.id', 'r.total', 'r.due_date'])
      .execute(),
  );
  const byCase = new Map<string, { total: number; dueDate: string; paidOn: string }[]>();
  for (const r of [...rows, ...seen]) {
    const list = byCase.get(r.case_id) ?? [];
    list.push({ total: int(r.total), dueDate: r.due_date, paidOn: r.paid_on });
    byCase.set(r.case_id, list);
  }
  return byCase;
}

type Summary = { id: string } & Pick<CasesTable, 'oldest_due' | 'debtor_name' | 'connection'> & {
    open_total: number;
    open_items: number;
    risk_key: number;
    summary_rev: number;
    paid_late_days: number | null;
  };

/** The summary's columns, each with the type PostgreSQL must be told for a value bound in VALUES. */
const COLUMNS = [
  ['open_total', 'bigint'],
  ['open_items', 'integer'],
  ['oldest_due', 'text'],
  ['risk_key', 'bigint'],
  ['debtor_name', 'text'],
  ['connection', 'text'],
  ['summary_rev', 'integer'],
  ['paid_late_days', 'integer'],
] as const satisfies readonly (readonly [Exclude<keyof Summary, 'id'>, string])[];

type Column = (typeof COLUMNS)[number][0];

/**
 * `a = <a>, b = <b>…`, and `cases.a is distinct from <a> or …`: only a summary that changed is
 * written, so an unchanged case's row and index entries are left alone.
 */
function assignments(value: (column: Column) => RawBuilder<unknown>): {
  set: RawBuilder<unknown>;
  changed: RawBuilder<unknown>;
} {
  return {
    set: sql.join(COLUMNS.map(([c]) => sql`${sql.ref(c)} = ${value(c)}`)),
    changed: sql.join(
      COLUMNS.map(([c]) => sql`${sql.ref(`cases.${c}`)} is distinct from ${value(c)}`),
      sql` or `,
    ),
  };
}

/**
 * SQLite: one UPDATE per case, in the caller's transaction. Measured on 100,000 cases, an
 * UPDATE … FROM (VALUES …) of 500 rows at a time took three times as long (7.8 s against 2.5 s
 * with better-sqlite3 alone): SQLite materialises the VALUES and updates in two passes.
 */
async function writeOneByOne(db: Kysely<Database>, summaries: readonly Summary[]): Promise<void> {
  for (const s of summaries) {
    const { set, changed } = assignments((c) => sql`${s[c]}`);
    await attempt('write', 'cases', s.id, () =>
      sql`update cases set ${set} where id = ${s.id} and (${changed})`.execute(db),
    );
  }
}

/** PostgreSQL: one UPDATE … FROM (VALUES …) per chunk, a round trip for 500 cases rather than 500. */
async function writeAtOnce(db: Kysely<Database>, summaries: readonly Summary[]): Promise<void> {
  const rows = summaries.map(
    (s) =>
      sql`(cast(${s.id} as text), ${sql.join(COLUMNS.map(([c, type]) => sql`cast(${s[c]} as ${sql.raw(type)})`))})`,
  );
  const { set, changed } = assignments((c) => sql`${sql.ref(`v.${c}`)}`);
  await attempt('write', 'cases', summaries.length === 1 ? summaries[0]!.id : summaries.map((s) => s.id), () =>
    sql`update cases set ${set}
        from (values ${sql.join(rows)}) as v (id, ${sql.join(COLUMNS.map(([c]) => sql.ref(c)))})
        where cases.id = v.id and (${changed})`.execute(db),
  );
}

/**
 * Recomputes the summaries written under older rules (or none: migration 0013 leaves them at 0),
 * a batch at a time. Returns how many cases it looked at.
 */
export async function refreshStaleCaseSummaries(db: Kysely<Database>, driver: StoreDriver): Promise<number> {
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
        .limit(CASES_PER_BATCH)
        .execute(),
    );
    if (batch.length === 0) return seen;
    await db.transaction().execute((tx) =>
      refreshCaseSummaries(
        tx,
        driver,
        batch.map((r) => r.id),
      ),
    );
    seen += batch.length;
    after = batch[batch.length - 1]!.id;
  }
}
