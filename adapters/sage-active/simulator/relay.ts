/**
 * Hot Chocolate's Relay connections, filtering and sorting over plain objects (shared/reference/sage.md
 * §2.2): `first`/`after`/`last`/`before`, index cursors that are Base64 of the decimal index ("MA==" is
 * index 0), `totalCount`, a default page of 20 and a maximum of 500; `where` with eq, neq, in, nin, gt,
 * gte, lt, lte, contains, ncontains, startsWith, endsWith, and/or, nested objects and some/all/none/any
 * on lists; `order: [{field: ASC|DESC}]`.
 */

/** §2.2: https://developer.sage.com/sageactive/concepts/paginate, "Default 20, maximum 500 per request". */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 500;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/** A page size over the maximum, or another paging mistake; the server turns it into a GraphQL error. */
export class PagingError extends Error {
  constructor(
    message: string,
    readonly extensions: Record<string, unknown>,
  ) {
    super(message);
  }
}

export function encodeCursor(index: number): string {
  return Buffer.from(String(index), 'utf8').toString('base64');
}

export function decodeCursor(cursor: string, name: string): number {
  const text = Buffer.from(cursor, 'base64').toString('utf8');
  if (!/^\d+$/.test(text) || encodeCursor(Number(text)) !== cursor)
    // UNVERIFIED: Hot Chocolate's exact message for a cursor it cannot read.
    throw new PagingError(`The cursor given in \`${name}\` is invalid.`, { code: 'HC0052', argument: name });
  return Number(text);
}

export type OverLimitCode = 'HC0051' | 'PAGINATION_MAX_ITEMS';

export function checkSize(value: number | null | undefined, name: string, overLimit: OverLimitCode): void {
  if (value === null || value === undefined) return;
  if (value < 0)
    // UNVERIFIED message: Hot Chocolate refuses a negative page size.
    throw new PagingError(`The \`${name}\` argument must be a non-negative integer.`, {
      code: 'HC0050',
      argument: name,
    });
  if (value > MAX_PAGE_SIZE)
    // §2.2: HC0051 in newer Hot Chocolate, PAGINATION_MAX_ITEMS in older ones [UNVERIFIED which Sage runs].
    throw new PagingError('The maximum allowed items per page were exceeded.', {
      code: overLimit,
      requestedItems: value,
      maxAllowedItems: MAX_PAGE_SIZE,
    });
}

export interface Connection<T> {
  nodes: T[];
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: number;
}

export function connection<T>(items: readonly T[], args: PageArgs, overLimit: OverLimitCode): Connection<T> {
  checkSize(args.first, 'first', overLimit);
  checkSize(args.last, 'last', overLimit);
  let start = 0;
  let end = items.length;
  if (args.after) start = Math.min(end, decodeCursor(args.after, 'after') + 1);
  if (args.before) end = Math.max(start, Math.min(end, decodeCursor(args.before, 'before')));
  const first = args.first ?? (args.last === null || args.last === undefined ? DEFAULT_PAGE_SIZE : null);
  if (first !== null) end = Math.min(end, start + first);
  if (args.last !== null && args.last !== undefined) start = Math.max(start, end - args.last);
  const nodes = items.slice(start, end);
  const edges = nodes.map((node, i) => ({ cursor: encodeCursor(start + i), node }));
  return {
    nodes,
    edges,
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    totalCount: items.length,
  };
}

type Where = Record<string, unknown>;
const OPERATORS = new Set([
  'eq',
  'neq',
  'in',
  'nin',
  'gt',
  'gte',
  'lt',
  'lte',
  'contains',
  'ncontains',
  'startsWith',
  'nstartsWith',
  'endsWith',
  'nendsWith',
]);
const LIST_OPERATORS = new Set(['some', 'all', 'none', 'any']);

function text(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}

/** The order of filters and sorts: numbers as numbers, anything else as its text. */
export function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = text(a);
  const y = text(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function operatorHolds(op: string, value: unknown, operand: unknown): boolean {
  // Hot Chocolate treats an operand of null as "is null" for eq and "is not null" for neq.
  if (op === 'eq')
    return operand === null
      ? value === null || value === undefined
      : value !== null && value !== undefined && compare(value, operand) === 0;
  if (op === 'neq') return !operatorHolds('eq', value, operand);
  if (op === 'in') return Array.isArray(operand) && operand.some((o) => operatorHolds('eq', value, o));
  if (op === 'nin') return !operatorHolds('in', value, operand);
  if (value === null || value === undefined || operand === null || operand === undefined) return false;
  switch (op) {
    case 'gt':
      return compare(value, operand) > 0;
    case 'gte':
      return compare(value, operand) >= 0;
    case 'lt':
      return compare(value, operand) < 0;
    case 'lte':
      return compare(value, operand) <= 0;
    case 'contains':
      return text(value).includes(text(operand));
    case 'ncontains':
      return !text(value).includes(text(operand));
    case 'startsWith':
      return text(value).startsWith(text(operand));
    case 'nstartsWith':
      return !text(value).startsWith(text(operand));
    case 'endsWith':
      return text(value).endsWith(text(operand));
    case 'nendsWith':
      return !text(value).endsWith(text(operand));
    default:
      return false;
  }
}

/** Whether `row` (a plain object whose keys are the GraphQL field names) passes `where`. */
export function matches(row: unknown, where: Where | null | undefined): boolean {
  if (!where) return true;
  const obj = (row ?? {}) as Record<string, unknown>;
  for (const [key, cond] of Object.entries(where)) {
    if (cond === undefined) continue;
    if (key === 'and') {
      if (!(cond as Where[]).every((w) => matches(obj, w))) return false;
      continue;
    }
    if (key === 'or') {
      if (!(cond as Where[]).some((w) => matches(obj, w))) return false;
      continue;
    }
    if (OPERATORS.has(key)) {
      // An operation filter applied to a scalar (inside and/or of StringOperationFilterInput).
      if (!operatorHolds(key, obj, cond)) return false;
      continue;
    }
    const value = obj[key];
    const c = (cond ?? {}) as Where;
    const keys = Object.keys(c);
    if (keys.some((k) => OPERATORS.has(k))) {
      for (const k of keys) if (c[k] !== undefined && OPERATORS.has(k) && !operatorHolds(k, value, c[k])) return false;
    } else if (keys.some((k) => LIST_OPERATORS.has(k))) {
      const list = Array.isArray(value) ? (value as unknown[]) : [];
      if (c.some && !list.some((v) => matches(v, c.some as Where))) return false;
      if (c.all && !list.every((v) => matches(v, c.all as Where))) return false;
      if (c.none && list.some((v) => matches(v, c.none as Where))) return false;
      if (c.any !== undefined && c.any !== null && c.any !== list.length > 0) return false;
    } else if (value === null || value === undefined) {
      return false;
    } else if (!matches(value, c)) return false;
  }
  return true;
}

/** A sort as a list of (field, direction), in the order the fields decide. */
export type SortKeys = readonly (readonly [string, 'ASC' | 'DESC'])[];

export function sortKeys(order: readonly Record<string, 'ASC' | 'DESC' | undefined>[] | null | undefined): SortKeys {
  if (!order) return [];
  return order.flatMap((o) => Object.entries(o).filter(([, d]) => d !== undefined) as [string, 'ASC' | 'DESC'][]);
}

/** Two rows compared on `keys` (nulls first ascending [UNVERIFIED: the database decides on Sage's side]). */
export function compareOn(keys: SortKeys, a: Record<string, unknown>, b: Record<string, unknown>): number {
  for (const [field, dir] of keys) {
    const x = a[field];
    const y = b[field];
    const xNull = x === null || x === undefined;
    const yNull = y === null || y === undefined;
    const c = xNull && yNull ? 0 : xNull ? -1 : yNull ? 1 : compare(x, y);
    if (c !== 0) return dir === 'DESC' ? -c : c;
  }
  return 0;
}

/** Rows sorted by `order`, stable. */
export function sortRows<T>(
  rows: readonly T[],
  order: readonly Record<string, 'ASC' | 'DESC' | undefined>[] | null | undefined,
): T[] {
  const out = [...rows];
  const keys = sortKeys(order);
  if (keys.length === 0) return out;
  return out.sort((a, b) => compareOn(keys, a as Record<string, unknown>, b as Record<string, unknown>));
}
