import { createHash } from 'node:crypto';
import { CompiledQuery, sql, type RawBuilder } from 'kysely';
import { attempt } from './errors';
import type { KyselyUnit } from './kysely-unit';
/**
 * SQLite accepts at most 32,766 bound parameters per statement, PostgreSQL 65,535; and past a
 * few hundred rows a longer statement no longer saves time. Chunks stay under both bounds.
 */
export const MAX_PARAMETERS_PER_STATEMENT = 30_000;
export const MAX_ROWS_PER_STATEMENT = 500;
export const DEFAULT_STREAM_BATCH_SIZE = 5_000;

// ── helpers ────────────────────────────────────────────────────────────────

/**
 * `col = excluded.col` for every column: the upsert replaces the whole row. Typed `never`, which
 * fits every column, because each reference has its own column's type, which a generic list
 * cannot name.
 */
export function fromExcluded<C extends string>(columns: readonly C[]): Record<C, RawBuilder<never>> {
  return Object.fromEntries(columns.map((c) => [c, sql.ref(`excluded.${c}`)])) as Record<C, RawBuilder<never>>;
}

/**
 * `col = coalesce(excluded.col, receivables.col)`: the stored value stays when the incoming
 * row has null (local annotations win over a source that knows nothing of them).
 */
export function keptWhenIncomingNull<C extends string>(columns: readonly C[]): Record<C, RawBuilder<never>> {
  return Object.fromEntries(
    columns.map((c) => [c, sql`coalesce(${sql.ref(`excluded.${c}`)}, ${sql.ref(`receivables.${c}`)})`]),
  ) as Record<C, RawBuilder<never>>;
}

/**
 * One statement cannot update the same row twice (PostgreSQL refuses `ON CONFLICT DO UPDATE`
 * on a duplicate within the batch); the last occurrence wins, as sequential upserts would.
 */
export function lastBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const item of items) {
    const k = key(item);
    byKey.delete(k);
    byKey.set(k, item);
  }
  return [...byKey.values()];
}

export function lastById<T extends { id: string }>(items: readonly T[]): T[] {
  return lastBy(items, (item) => item.id);
}

/** Rows are plain column objects (or single ids), all with the same keys as the first. */
export function* chunksOf<T extends object | string>(rows: readonly T[]): Iterable<T[]> {
  const first = rows[0];
  if (first === undefined) return;
  const parametersPerRow = typeof first === 'string' ? 1 : Math.max(1, Object.keys(first).length);
  const size = Math.max(
    1,
    Math.min(MAX_ROWS_PER_STATEMENT, Math.floor(MAX_PARAMETERS_PER_STATEMENT / parametersPerRow)),
  );
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

export function idsOf(rows: readonly { id: string }[]): string | readonly string[] {
  return rows.length === 1 ? rows[0]!.id : rows.map((r) => r.id);
}

export function sha256Of(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Thrown inside recordDecision's transaction to undo it when its key was already recorded. */
export class DecisionReplayed extends Error {}

/** Thrown inside applyProcedureEvent's transaction to undo it when the event was already applied. */
export class EventAlreadyApplied extends Error {}

/** An insert Kysely can both compile and run. */
export interface InsertOf {
  compile(): CompiledQuery;
  execute(): Promise<unknown>;
}

/**
 * Inserts (or upserts) `rows` with the statement `build` makes of them, the way the driver writes
 * fastest, each statement under `attempt` naming the rows it wrote.
 *
 * PostgreSQL: statements of up to 500 rows, one round trip each. SQLite, in process, has no round
 * trip to save, and runs one prepared single-row statement 500 times in half the time of one
 * 500-row statement (measured on a page of Sage invoices: 7 ms against 16, ON CONFLICT included),
 * without Kysely building and compiling 11,000 values: the statement is compiled once from the
 * first row and run with each row's values in the same column order. A row that would not compile
 * to the same statement (a column left undefined) is compiled on its own.
 */
export async function insertRows<R extends object>(
  unit: Pick<KyselyUnit, 'db' | 'driver'>,
  table: string,
  rows: readonly R[],
  build: (rows: R[]) => InsertOf,
  idOf: (row: R) => string | undefined,
): Promise<void> {
  const first = rows[0];
  if (first === undefined) return;
  const columns = Object.keys(first) as (keyof R)[];
  const valuesOf = (row: R): unknown[] | undefined => {
    const values: unknown[] = columns.map((c) => row[c]);
    return values.length === Object.keys(row).length && !values.includes(undefined) ? values : undefined;
  };
  const template = unit.driver === 'sqlite' ? build([first]).compile() : undefined;
  const firstValues = valuesOf(first);
  const sameOrder =
    template !== undefined &&
    firstValues !== undefined &&
    template.parameters.length === firstValues.length &&
    template.parameters.every((p, i) => p === firstValues[i]);
  if (!sameOrder) {
    for (const chunk of chunksOf(rows)) {
      const ids = chunk.map(idOf).filter((id): id is string => id !== undefined);
      await attempt('write', table, ids.length === 1 ? ids[0] : ids, () => build(chunk).execute());
    }
    return;
  }
  const odd: R[] = [];
  // One hold of the connection for all the rows: through Kysely's executor, each row's statement
  // would cost more in promises and locking than SQLite takes to write it.
  await unit.db.getExecutor().provideConnection(async (connection) => {
    for (const row of rows) {
      const values = valuesOf(row);
      if (values === undefined) odd.push(row);
      else
        await attempt('write', table, idOf(row), () =>
          connection.executeQuery(CompiledQuery.raw(template.sql, values)),
        );
    }
  });
  for (const row of odd) await attempt('write', table, idOf(row), () => build([row]).execute());
}

/** A count or a sum as a number: SQLite returns numbers, node-postgres returns bigint sums and counts as text. */
export const int = (v: unknown): number => Number(v ?? 0);
