import type { Faults } from './fault';
import type { FieldDef, Raw } from './types';

export interface OrderKey {
  readonly field: string;
  readonly desc: boolean;
  /** PostgreSQL's default: NULLS LAST ascending, NULLS FIRST descending. */
  readonly nullsFirst: boolean;
}

// BaseModel._check_qorder: comma-separated `field [asc|desc] [nulls first|last]`.
const TERM_RE = /^"?([a-z0-9:_]+)"?(\.id)?(?:\s+(asc|desc))?(?:\s+nulls\s+(first|last))?$/i;

/**
 * Parses an `order` specification such as erp-apis.md §1.6's `'write_date asc, id asc'`; a bad term
 * is a UserError, an unknown field a ValueError.
 */
export function parseOrder(
  order: string,
  fields: ReadonlyMap<string, FieldDef>,
  model: string,
  faults: Faults,
): OrderKey[] {
  const keys: OrderKey[] = [];
  const parts = order.split(',');
  for (const part of parts) {
    const term = part.trim();
    const m = TERM_RE.exec(term);
    if (!m) throw faults.invalidOrder(term);
    const field = m[1]!;
    if (!fields.has(field)) throw faults.invalidField(model, field);
    const desc = (m[3] ?? 'asc').toLowerCase() === 'desc';
    const nulls = m[4]?.toLowerCase();
    keys.push({ field, desc, nullsFirst: nulls ? nulls === 'first' : desc });
  }
  return keys;
}

type SortValue = number | string | boolean | null;

/**
 * Sorts rows by the keys, reading each key once per row. Strings compare by code unit, not by the
 * database collation; many2one fields sort by display name (Odoo sorts them by the comodel's _order).
 */
export function sortRows(
  rows: readonly number[],
  keys: readonly OrderKey[],
  valueOf: (field: string) => (row: number) => Raw,
): number[] {
  const readers = keys.map((k) => valueOf(k.field));
  const cache = readers.map((read) => rows.map((row) => toSortValue(read(row))));
  const positions = rows.map((_, i) => i);
  positions.sort((a, b) => {
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k]!;
      const column = cache[k]!;
      const c = compareValues(column[a]!, column[b]!, key);
      if (c !== 0) return c;
    }
    return a - b;
  });
  return positions.map((i) => rows[i]!);
}

function toSortValue(raw: Raw): SortValue {
  if (typeof raw === 'object' && raw !== null) return raw.length ? (raw[0] as number) : null;
  return raw;
}

function compareValues(a: SortValue, b: SortValue, key: OrderKey): number {
  if (a === b) return 0;
  if (a === null) return key.nullsFirst ? -1 : 1;
  if (b === null) return key.nullsFirst ? 1 : -1;
  const c = a < b ? -1 : a > b ? 1 : 0;
  return key.desc ? -c : c;
}
