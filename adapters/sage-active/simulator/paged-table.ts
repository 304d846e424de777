import {
  checkSize,
  compare,
  compareOn,
  connection,
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  encodeCursor,
  matches,
  sortKeys,
  sortRows,
  type Connection,
  type OverLimitCode,
  type PageArgs,
  type SortKeys,
} from './relay';

/**
 * Relay pages of a list of records in time proportional to the page, so that the simulator keeps up
 * with a sync of 100,000 invoices (each request used to render, filter and sort every record of the
 * organisation: seconds per request). The answers are those of relay.ts's `connection` over every
 * node filtered and sorted (still used for `last`/`before`); only the work differs:
 *
 * - a sort is an index built once per change of the data (`changes` of data.ts, the list and its
 *   length), not per request; a range on the sort's first field (`gte`, `lt`, `eq`, `neq: null`…, the
 *   keysets of sage.md §2.4) starts and ends the scan by binary search;
 * - `where: {id: {eq|in}}` (the reads by id of §2.4) looks its records up;
 * - the filter runs on the nodes the scan meets, rendered from the records as they are now, and the
 *   scan stops one match past the page; `totalCount` is counted only when asked for;
 * - an index cursor (`after`, as the sweep pages with) resumes where the previous page of the same
 *   query stopped instead of counting matches from the start again.
 */

export type Node = Record<string, unknown>;
export type Where = Record<string, unknown>;
export type Order = readonly Record<string, 'ASC' | 'DESC' | undefined>[];

/** One root field's records in one organisation. */
export interface Table<R> {
  /** Names the table in the caches: organisation, root field, and any setting its nodes depend on. */
  name: string;
  /** The records, in their natural order (what an unsorted query answers). */
  records: readonly R[];
  /** The node GraphQL serves (its keys are the field names filters and sorts read). */
  view(record: R): Node;
  id(record: R): string;
}

/** A Relay connection whose `totalCount` is counted when selected (graphql-js calls a function-valued field). */
export type PagedConnection<T> = Omit<Connection<T>, 'totalCount'> & { totalCount: number | (() => number) };

export interface PageQuery extends PageArgs {
  where?: Where | null;
  order?: Order | null;
}

/** What an index was built from: valid while the data has had no change and the list is the same. */
interface Basis {
  changes: number;
  records: readonly unknown[];
  length: number;
}

interface SortedIndex<R> extends Basis {
  rows: R[];
  /** Each row's value of the sort's first field. */
  keys: unknown[];
  /** Rows [0, nulls) have no value on the first field (nulls sort first, ascending). */
  nulls: number;
  /** The type every non-null first-field value has, or undefined when they differ (then no range search). */
  keyType: 'number' | 'string' | undefined;
}

interface IdIndex extends Basis {
  at: Map<string, number[]>;
}

/** Where the last page of one query (table, filter, sort) stopped: `matched` matches before row `pos`. */
interface Resume extends Basis {
  rows: readonly unknown[];
  matched: number;
  pos: number;
}

/** Queries whose resume point is kept (the sweep pages one at a time; a few more for readers side by side). */
const RESUMES_KEPT = 16;
const RANGE_OPERATORS = ['gt', 'gte', 'lt', 'lte'] as const;

export class PagedTables {
  private readonly sorted = new Map<string, SortedIndex<unknown>>();
  private readonly ids = new Map<string, IdIndex>();
  private readonly resumes = new Map<string, Resume>();

  /** `changes`: how many changes the data has had (data.ts SageActiveData.changes). */
  constructor(private readonly changes: () => number) {}

  page<R>(table: Table<R>, args: PageQuery, overLimit: OverLimitCode): PagedConnection<Node> {
    const where = args.where ?? undefined;
    if ((args.last !== null && args.last !== undefined) || args.before) return this.everything(table, args, overLimit);
    const asked = idsAsked(where);
    if (asked) {
      // Few records: filtered and sorted as relay.ts does it for every record.
      const index = this.idIndex(table);
      const positions = [...new Set(asked.flatMap((id) => index.at.get(id) ?? []))].sort((a, b) => a - b);
      const nodes = positions.map((p) => table.view(table.records[p]!)).filter((n) => matches(n, where));
      return connection(sortRows(nodes, args.order), args, overLimit);
    }
    checkSize(args.first, 'first', overLimit);
    checkSize(args.last, 'last', overLimit);
    const skip = args.after ? decodeCursor(args.after, 'after') + 1 : 0;
    const first = args.first ?? DEFAULT_PAGE_SIZE;
    const keys = sortKeys(args.order);
    let rows: readonly R[] = table.records;
    let lo = 0;
    let hi = rows.length;
    if (keys.length > 0) {
      const index = this.sortedIndex(table, keys);
      rows = index.rows;
      [lo, hi] = bounds(index, keys[0]!, where);
    }
    const filtered = where !== undefined && Object.values(where).some((c) => c !== undefined);
    const query = `${table.name}|${JSON.stringify(keys)}|${JSON.stringify(where ?? null)}`;
    let pos = lo;
    let matched = 0;
    const resume = this.resumes.get(query);
    if (resume && resume.rows === rows && this.holds(resume, table) && resume.matched <= skip) {
      pos = resume.pos;
      matched = resume.matched;
    }
    let node: Node | undefined;
    /** Moves to the next match (its node in `node` when the filter rendered it); false at the end. */
    const advance = (): boolean => {
      while (pos < hi) {
        const row = rows[pos++]!;
        node = undefined;
        if (filtered) {
          const n = table.view(row);
          if (!matches(n, where)) continue;
          node = n;
        }
        matched++;
        return true;
      }
      return false;
    };
    while (matched < skip && advance());
    const start = matched;
    const nodes: Node[] = [];
    while (nodes.length < first && advance()) nodes.push(node ?? table.view(rows[pos - 1]!));
    this.remember(query, { ...this.basis(table), rows, matched, pos });
    const hasNextPage = advance();
    let total: number | undefined;
    const edges = nodes.map((n, i) => ({ cursor: encodeCursor(start + i), node: n }));
    return {
      nodes,
      edges,
      pageInfo: {
        hasNextPage,
        hasPreviousPage: start > 0,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
      },
      totalCount: () => {
        if (total === undefined) {
          while (advance());
          total = matched;
        }
        return total;
      },
    };
  }

  /** Every node filtered then sorted, as relay.ts pages it (backwards paging, which no reader of ours uses). */
  private everything<R>(table: Table<R>, args: PageQuery, overLimit: OverLimitCode): Connection<Node> {
    const nodes = table.records.map((r) => table.view(r)).filter((n) => matches(n, args.where ?? undefined));
    return connection(sortRows(nodes, args.order), args, overLimit);
  }

  private basis(table: Table<unknown>): Basis {
    return { changes: this.changes(), records: table.records, length: table.records.length };
  }

  private holds(basis: Basis, table: Table<unknown>): boolean {
    return basis.changes === this.changes() && basis.records === table.records && basis.length === table.records.length;
  }

  private remember(query: string, resume: Resume): void {
    this.resumes.delete(query);
    this.resumes.set(query, resume);
    if (this.resumes.size > RESUMES_KEPT) this.resumes.delete(this.resumes.keys().next().value!);
  }

  private sortedIndex<R>(table: Table<R>, keys: SortKeys): SortedIndex<R> {
    const name = `${table.name}|${JSON.stringify(keys)}`;
    const have = this.sorted.get(name) as SortedIndex<R> | undefined;
    if (have && this.holds(have, table)) return have;
    // Each node is rendered once for its sort values, then let go: the index keeps records and values only.
    const fields = keys.map(([field]) => field);
    const entries = table.records.map((row) => {
      const node = table.view(row);
      const values: Node = {};
      for (const f of fields) values[f] = node[f];
      return { row, values };
    });
    entries.sort((a, b) => compareOn(keys, a.values, b.values));
    const first = fields[0]!;
    const values = entries.map((e) => e.values[first]);
    let nulls = 0;
    while (nulls < values.length && (values[nulls] === null || values[nulls] === undefined)) nulls++;
    const types = new Set(values.slice(nulls).map((v) => typeof v));
    const only = types.size === 1 ? [...types][0] : undefined;
    const index: SortedIndex<R> = {
      ...this.basis(table),
      rows: entries.map((e) => e.row),
      keys: values,
      nulls,
      keyType: only === 'number' || only === 'string' ? only : undefined,
    };
    this.sorted.set(name, index);
    return index;
  }

  private idIndex<R>(table: Table<R>): IdIndex {
    const have = this.ids.get(table.name);
    if (have && this.holds(have, table)) return have;
    const at = new Map<string, number[]>();
    table.records.forEach((r, i) => {
      const id = table.id(r);
      const list = at.get(id);
      if (list) list.push(i);
      else at.set(id, [i]);
    });
    const index: IdIndex = { ...this.basis(table), at };
    this.ids.set(table.name, index);
    return index;
  }
}

/**
 * The ids a filter is limited to by `id: {eq}` or `id: {in}` at its top level (every match has one of
 * them), or undefined when it is not.
 */
function idsAsked(where: Where | undefined): string[] | undefined {
  const c = where?.['id'];
  if (typeof c !== 'object' || c === null) return undefined;
  const { eq, in: among } = c as { eq?: unknown; in?: unknown };
  if (typeof eq === 'string') return [eq];
  if (Array.isArray(among) && among.every((id) => typeof id === 'string' || id === null))
    return among.filter((id): id is string => id !== null);
  return undefined;
}

/**
 * The rows [lo, hi) of an index that can match the filter's conditions on the sort's first field
 * (ascending only): nulls are first, and the rest is in the order `compare` gives, which the
 * operators of relay.ts use too. Rows outside cannot match; rows inside are still filtered.
 */
function bounds(
  index: SortedIndex<unknown>,
  [field, dir]: readonly [string, 'ASC' | 'DESC'],
  where: Where | undefined,
): [number, number] {
  const n = index.rows.length;
  const c = where?.[field];
  if (dir !== 'ASC' || typeof c !== 'object' || c === null || Array.isArray(c)) return [0, n];
  const ops = c as Record<string, unknown>;
  let lo = 0;
  let hi = n;
  // eq null holds for null only; neq null, eq of a value and every range operator for values only.
  if (ops['eq'] === null) hi = index.nulls;
  if (
    ops['neq'] === null ||
    (ops['eq'] !== undefined && ops['eq'] !== null) ||
    RANGE_OPERATORS.some((op) => ops[op] !== undefined)
  )
    lo = index.nulls;
  /** The first row past the nulls whose value is above `operand`, or equal to it when `orEqual`. */
  const firstAbove = (operand: unknown, orEqual: boolean): number => {
    let low = index.nulls;
    let high = n;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const order = compare(index.keys[mid], operand);
      if (order > 0 || (orEqual && order === 0)) high = mid;
      else low = mid + 1;
    }
    return low;
  };
  const typed = (op: string): boolean => index.keyType !== undefined && typeof ops[op] === index.keyType;
  if (typed('gte')) lo = Math.max(lo, firstAbove(ops['gte'], true));
  if (typed('gt')) lo = Math.max(lo, firstAbove(ops['gt'], false));
  if (typed('lt')) hi = Math.min(hi, firstAbove(ops['lt'], true));
  if (typed('lte')) hi = Math.min(hi, firstAbove(ops['lte'], false));
  if (typed('eq')) {
    lo = Math.max(lo, firstAbove(ops['eq'], true));
    hi = Math.min(hi, firstAbove(ops['eq'], false));
  }
  return [lo, Math.max(lo, hi)];
}
