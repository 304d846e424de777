import {
  compileDomain,
  domainFields,
  fieldBounds,
  parseDomain,
  type DomainNode,
  type DomainTarget,
  type FieldAccess,
} from './domain';
import { pyRepr, type Faults } from './fault';
import { parseOrder, sortRows } from './order';
import type { Table } from './table';
import type { FieldDef, OdooValue, OdooVersion, Raw } from './types';

export interface SearchContext {
  readonly version: OdooVersion;
  readonly faults: Faults;
  displayName(model: string, id: number): string;
  wire(table: Table, def: FieldDef, row: number): OdooValue;
}

/** How compiled domains read a table: raw columns, many2one display names, text forms for `like`. */
export function tableTarget(table: Table, ctx: SearchContext): DomainTarget<number> {
  return {
    model: table.name,
    version: ctx.version,
    field: (name): FieldAccess<number> | undefined => {
      const def = table.fields.get(name);
      if (!def) return undefined;
      const get = table.reader(name);
      const relation = def.relation;
      return {
        type: def.type,
        get,
        display:
          def.type === 'many2one'
            ? (row) => {
                const id = get(row);
                return id === null ? null : ctx.displayName(relation!, id as number);
              }
            : undefined,
        text: (row) => {
          const w = ctx.wire(table, def, row);
          // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a field's wire value is a scalar, a many2one pair or an id list
          return w === false ? null : Array.isArray(w) ? String(w[1]) : String(w);
        },
      };
    },
  };
}

/** Parses a domain and adds Odoo's implicit `('active', '=', True)` where the model has that field. */
function domainTree(table: Table, domain: unknown, context: Record<string, unknown>, faults: Faults): DomainNode {
  const tree = parseDomain(domain ?? [], faults);
  if (!table.fields.has('active') || context['active_test'] === false || domainFields(tree).has('active')) return tree;
  return {
    kind: 'and',
    children: [tree, { kind: 'leaf', field: 'active', op: '=', value: true, leaf: ['active', '=', true] }],
  };
}

function searchNumber(value: unknown, name: string, faults: Faults): number | null {
  if (value === null || value === undefined || value === false) return null;
  if (typeof value !== 'number' || value % 1 !== 0 || value < 0) {
    throw faults.python(
      'psycopg2.errors.InvalidTextRepresentation',
      `invalid input syntax for type bigint: ${pyRepr(value)} (${name})`,
    );
  }
  return value;
}

/**
 * Rows matching `domain`, ordered and paged like `search(domain, offset, limit, order)`.
 *
 * erp-apis.md §1.6: incremental readers page with `order='write_date asc, id asc'` and a keyset
 * domain. That order (or its mirror) walks the table's (write_date, id) index from the domain's
 * write_date bound and stops after `limit` matches, so a page costs what it returns, not a sort of
 * the table. `id` orders walk rows from the domain's id bound; any other order filters then sorts.
 */
export function searchRows(
  table: Table,
  domain: unknown,
  options: Record<string, unknown>,
  context: Record<string, unknown>,
  ctx: SearchContext,
): number[] {
  const { faults } = ctx;
  const tree = domainTree(table, domain, context, faults);
  const match = compileDomain(tree, tableTarget(table, ctx));
  const order =
    typeof options['order'] === 'string' && options['order'].trim() !== '' ? options['order'] : table.def.order;
  const keys = parseOrder(order, table.fields, table.name, faults);
  const offset = searchNumber(options['offset'], 'offset', faults) ?? 0;
  // Odoo only applies a truthy limit: 0 means no limit.
  const limit = searchNumber(options['limit'], 'limit', faults) || Infinity;
  const out: number[] = [];
  let skipped = 0;
  const take = (row: number): boolean => {
    if (!match(row)) return true;
    if (skipped < offset) {
      skipped++;
      return true;
    }
    out.push(row);
    return out.length < limit;
  };

  const [first, second] = keys;
  if (
    first?.field === 'write_date' &&
    (keys.length === 1 || (keys.length === 2 && second!.field === 'id' && second!.desc === first.desc))
  ) {
    const index = table.writeIndex;
    const b = fieldBounds(tree, 'write_date', 'datetime', faults);
    const start = b.lo === -Infinity ? 0 : index.lowerBound(b.lo, b.loInclusive);
    const end = b.hi === Infinity ? index.size : index.upperBound(b.hi, b.hiInclusive);
    if (first.desc) {
      for (let p = end - 1; p >= start; p--) if (!take(index.at(p))) break;
    } else {
      for (let p = start; p < end; p++) if (!take(index.at(p))) break;
    }
    return out;
  }
  const b = fieldBounds(tree, 'id', 'integer', faults);
  const lo = Math.max(0, Math.ceil(b.lo - table.firstId));
  const hi = Math.min(table.length - 1, Math.floor(b.hi - table.firstId));
  if (keys.length === 1 && first!.field === 'id') {
    if (first!.desc) {
      for (let r = hi; r >= lo; r--) if (table.isAlive(r) && !take(r)) break;
    } else {
      for (let r = lo; r <= hi; r++) if (table.isAlive(r) && !take(r)) break;
    }
    return out;
  }
  const rows: number[] = [];
  for (let r = lo; r <= hi; r++) if (table.isAlive(r) && match(r)) rows.push(r);
  const sorted = sortRows(rows, keys, (field) => sortReader(table, field, ctx));
  return sorted.slice(offset, limit === Infinity ? undefined : offset + limit);
}

/** Many2one fields sort by the target's display name (Odoo sorts them by the comodel's _order). */
function sortReader(table: Table, field: string, ctx: SearchContext): (row: number) => Raw {
  const def = table.fields.get(field)!;
  const get = table.reader(field);
  if (def.type !== 'many2one') return get;
  return (row) => {
    const id = get(row);
    return id === null ? null : ctx.displayName(def.relation!, id as number);
  };
}
