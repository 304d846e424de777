import { pyRepr, type Faults } from './fault';
import type { Table } from './table';
import { dayToString, parseDay, parseSeconds, secondsToString } from './time';
import type { FieldDef, OdooValue, Raw } from './types';
import { floor } from './numbers';

/**
 * Stored form → what read/search_read return (erp-apis.md §1.3): `false` for empty char/date/many2one
 * (never None), 0 for empty numbers, date strings, many2one `[id, display name]` (just the id when
 * `load` is off), x2many id lists.
 */
export function toWire(
  def: FieldDef,
  raw: Raw,
  load: boolean,
  displayName: (model: string, id: number) => string,
): OdooValue {
  switch (def.type) {
    case 'integer':
    case 'float':
    case 'monetary':
      return raw === null ? 0 : (raw as number);
    case 'boolean':
      return raw === true;
    case 'date':
      return raw === null ? false : dayToString(raw as number);
    case 'datetime':
      return raw === null ? false : secondsToString(raw as number);
    case 'many2one':
      if (raw === null) return false;
      return load ? [raw as number, displayName(def.relation!, raw as number)] : (raw as number);
    case 'one2many':
    case 'many2many':
      return [...(raw as readonly number[])];
    default:
      return raw === null ? false : (raw as string);
  }
}

/**
 * RPC value → stored form, validating as the ORM's convert_to_cache does [UNVERIFIED texts]: a bad
 * selection key is "Wrong value for model.field: 'x'", a bad date a strptime error, a missing
 * many2one target a foreign-key violation.
 */
export function fromWire(
  table: Table,
  def: FieldDef,
  value: unknown,
  faults: Faults,
  exists: (model: string, id: number) => boolean,
): Raw {
  const empty = value === false || value === null || value === undefined;
  switch (def.type) {
    case 'integer':
      return empty ? 0 : floor(Number(value));
    case 'float':
    case 'monetary':
      return empty ? 0 : Number(value);
    case 'boolean':
      return Boolean(value);
    case 'selection': {
      if (empty) return null;
      if (!def.selection?.some(([k]) => k === value))
        throw faults.valueError(`Wrong value for ${table.name}.${def.name}: ${pyRepr(value)}`);
      return value as string;
    }
    case 'date': {
      if (empty) return null;
      const day = typeof value === 'string' ? parseDay(value) : undefined;
      if (day === undefined) throw faults.valueError(`time data ${pyRepr(value)} does not match format '%Y-%m-%d'`);
      return day;
    }
    case 'datetime': {
      if (empty) return null;
      const seconds = typeof value === 'string' ? parseSeconds(value) : undefined;
      if (seconds === undefined)
        throw faults.valueError(`time data ${pyRepr(value)} does not match format '%Y-%m-%d %H:%M:%S'`);
      return floor(seconds);
    }
    case 'many2one': {
      if (empty) return null;
      const id: unknown = Array.isArray(value) ? value[0] : value;
      if (typeof id !== 'number' || id % 1 !== 0)
        throw faults.valueError(`Invalid id ${pyRepr(value)} for ${table.name}.${def.name}`);
      if (!exists(def.relation!, id)) throw faults.foreignKey(table.def.description, table.name, def.name);
      return id;
    }
    case 'one2many':
    case 'many2many':
      return x2manyIds(value);
    default:
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- text as Odoo stores it; the connector only writes scalars here
      return empty ? null : String(value);
  }
}

/** x2many commands: plain ids, (6, 0, ids), (4, id) and (5,); enough for company_ids. */
function x2manyIds(value: unknown): number[] {
  if (!Array.isArray(value)) return [];
  const ids: number[] = [];
  for (const item of value) {
    if (typeof item === 'number') ids.push(item);
    else if (Array.isArray(item) && item[0] === 6)
      ids.splice(0, ids.length, ...((item[2] as number[] | undefined) ?? []));
    else if (Array.isArray(item) && item[0] === 4) ids.push(item[1] as number);
    else if (Array.isArray(item) && item[0] === 5) ids.length = 0;
  }
  return ids;
}

/**
 * Untaxed sum of `(0, 0, {quantity, price_unit})` line commands, as in capture v16-05. Invoice lines
 * and taxes are not modelled: the lines only feed amount_total at create.
 */
export function lineTotal(lines: unknown): number {
  if (!Array.isArray(lines)) return 0;
  let total = 0;
  for (const cmd of lines) {
    if (!Array.isArray(cmd) || cmd[0] !== 0 || typeof cmd[2] !== 'object' || cmd[2] === null) continue;
    const line = cmd[2] as Record<string, unknown>;
    const quantity = typeof line['quantity'] === 'number' ? line['quantity'] : 1;
    const price = typeof line['price_unit'] === 'number' ? line['price_unit'] : 0;
    total += quantity * price;
  }
  return total;
}
