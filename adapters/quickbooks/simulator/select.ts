import { INVOICE_DELETED } from './columns';
import { CURRENCIES, type Company, type EntityName } from './data';
import { QueryError, type Condition, type ParsedQuery } from './query';
import { renderCompanyInfo, renderCreditMemo, renderCustomer, renderInvoice, renderPayment, type Json } from './render';
import { dayToString, isDateText, parseInstant } from './time';

/**
 * Runs a parsed query on one company: the rows that match, in order, then one page
 * (erp-apis.md §2.2: STARTPOSITION 1-based, MAXRESULTS at most 1000). A sorted match list is
 * kept per statement until the company changes, so paging 100,000 open invoices a thousand at a
 * time sorts once, not a hundred times.
 */

type FieldType = 'id' | 'number' | 'string' | 'date' | 'datetime' | 'boolean' | 'ref';
type Value = number | string | boolean | undefined;

interface Table {
  size: number;
  /** False for a deleted row (queries never return one). */
  live(row: number): boolean;
  value(row: number, field: string): Value;
  render(row: number): Json;
}

// The fields each entity can be filtered and sorted on [UNVERIFIED: Intuit's API reference marks
// "filterable" fields per entity; these are the ones the daemon and common clients use].
const COMMON: Record<string, FieldType> = {
  Id: 'id',
  'MetaData.CreateTime': 'datetime',
  'MetaData.LastUpdatedTime': 'datetime',
};
const TXN: Record<string, FieldType> = {
  ...COMMON,
  TxnDate: 'date',
  TotalAmt: 'number',
  CustomerRef: 'ref',
  CurrencyRef: 'ref',
};
export const QUERYABLE: Record<EntityName, Record<string, FieldType>> = {
  Invoice: { ...TXN, DocNumber: 'string', DueDate: 'date', Balance: 'number' },
  CreditMemo: { ...TXN, DocNumber: 'string', Balance: 'number', RemainingCredit: 'number' },
  Payment: { ...TXN, UnappliedAmt: 'number' },
  Customer: {
    ...COMMON,
    DisplayName: 'string',
    CompanyName: 'string',
    GivenName: 'string',
    FamilyName: 'string',
    PrimaryEmailAddr: 'string',
    Active: 'boolean',
    Balance: 'number',
    Job: 'boolean',
    ParentRef: 'ref',
  },
  CompanyInfo: { ...COMMON },
};

function money(minor: number, currency: string): number {
  const d = CURRENCIES[currency]!.decimals;
  return d === 0 ? minor : minor / 10 ** d;
}

function invoiceTable(c: Company): Table {
  const inv = c.invoices;
  return {
    size: inv.length,
    live: (row) => inv.state[row] !== INVOICE_DELETED,
    value(row, field) {
      switch (field) {
        case 'Id':
          return inv.id[row];
        case 'MetaData.CreateTime':
          return inv.created[row];
        case 'MetaData.LastUpdatedTime':
          return inv.updated[row];
        case 'TxnDate':
          return dayToString(inv.txnDay[row]!);
        case 'DueDate':
          return dayToString(inv.dueDay[row]!);
        case 'TotalAmt':
          return money(inv.total[row]!, c.customers[inv.customer[row]!]!.currency);
        case 'Balance':
          return money(inv.balance[row]!, c.customers[inv.customer[row]!]!.currency);
        case 'CustomerRef':
          return String(inv.customer[row]! + 1);
        case 'CurrencyRef':
          return c.customers[inv.customer[row]!]!.currency;
        case 'DocNumber':
          return inv.docNumber.get(row) ?? `${c.docPrefix}${inv.id[row]}`;
        default:
          return undefined;
      }
    },
    render: (row) => renderInvoice(c, row),
  };
}

function wireValue(json: Json, field: string, type: FieldType, offsetMinutes: number): Value {
  let v: unknown = json;
  for (const part of field.split('.')) v = v !== null && typeof v === 'object' ? (v as Json)[part] : undefined;
  if (v !== null && typeof v === 'object') v = (v as Json).value ?? (v as Json).Address;
  if (v === undefined || v === null) return undefined;
  if (type === 'id') return Number(v);
  if (type === 'datetime') return typeof v === 'string' ? parseInstant(v, offsetMinutes) : undefined;
  return v as Value;
}

const RENDERED = Symbol('read from the rendered record');

/** What every record but an invoice keeps itself: the fields read without rendering the record. */
interface Stamped {
  id: number;
  created: number;
  updated: number;
}

/**
 * Id and MetaData times straight from the record: the read of a whole table orders and filters on
 * them at every page (LastUpdatedTime >= …), and rendering every record for each page made that
 * read quadratic in the table's size. The same values as the rendered record's (whole seconds).
 */
function stampedValue(record: Stamped, field: string): Value | typeof RENDERED {
  switch (field) {
    case 'Id':
      return record.id;
    case 'MetaData.CreateTime':
      return record.created;
    case 'MetaData.LastUpdatedTime':
      return record.updated;
    default:
      return RENDERED;
  }
}

function tables(c: Company, entity: EntityName): Table {
  const wire = (render: (i: number) => Json, record?: (i: number) => Stamped): Table['value'] => {
    let last = -1;
    let json: Json = {};
    return (row, field) => {
      if (record) {
        const direct = stampedValue(record(row), field);
        if (direct !== RENDERED) return direct;
      }
      if (row !== last) {
        json = render(row);
        last = row;
      }
      return wireValue(json, field, QUERYABLE[entity][field]!, c.offsetMinutes);
    };
  };
  switch (entity) {
    case 'Invoice':
      return invoiceTable(c);
    case 'CreditMemo': {
      const render = (i: number) => renderCreditMemo(c, c.creditMemos[i]!);
      const value = wire(render, (i) => c.creditMemos[i]!);
      return { size: c.creditMemos.length, live: (r) => !c.creditMemos[r]!.deleted, value, render };
    }
    case 'Payment': {
      const render = (i: number) => renderPayment(c, c.payments[i]!);
      const value = wire(render, (i) => c.payments[i]!);
      return { size: c.payments.length, live: (r) => !c.payments[r]!.deleted, value, render };
    }
    case 'Customer': {
      const render = (i: number) => renderCustomer(c, i);
      const stamped = wire(render, (i) => c.customers[i]!);
      // Active is in every customer read's filter (reader: inactive customers too).
      const value: Table['value'] = (row, field) =>
        field === 'Active' ? c.customers[row]!.active : stamped(row, field);
      return { size: c.customers.length, live: () => true, value, render };
    }
    case 'CompanyInfo': {
      const render = () => renderCompanyInfo(c);
      return { size: 1, live: () => true, value: wire(render), render };
    }
  }
}

const ENTITIES: Record<string, EntityName> = {
  invoice: 'Invoice',
  creditmemo: 'CreditMemo',
  payment: 'Payment',
  customer: 'Customer',
  companyinfo: 'CompanyInfo',
};

/** The entity a query or a URL names (case-insensitive), if the simulator serves it. */
export function entityNamed(name: string): EntityName | undefined {
  return ENTITIES[name.toLowerCase()];
}

function invalid(message: string): QueryError {
  return new QueryError('4001', 'Invalid query', `QueryValidationError: ${message}`);
}

type Predicate = (row: number) => boolean;

function compile(table: Table, entity: EntityName, cond: Condition, offsetMinutes: number): Predicate {
  const type = QUERYABLE[entity][cond.field];
  if (!type) throw invalid(`property '${cond.field}' is not queryable`);
  const literal = (text: string): Value => {
    switch (type) {
      case 'id':
      case 'number': {
        const n = Number(text);
        if (text.trim() === '' || Number.isNaN(n)) throw invalid(`'${text}' is not a number for ${cond.field}`);
        return n;
      }
      case 'datetime': {
        const s = parseInstant(text, offsetMinutes);
        if (s === undefined) throw invalid(`'${text}' is not a date-time for ${cond.field}`);
        return s;
      }
      case 'date': {
        const day = text.slice(0, 10);
        if (!isDateText(day)) throw invalid(`'${text}' is not a date for ${cond.field}`);
        return day;
      }
      case 'boolean':
        if (!/^(true|false)$/i.test(text)) throw invalid(`'${text}' is not a boolean for ${cond.field}`);
        return text.toLowerCase() === 'true';
      default:
        // String comparisons ignore case [UNVERIFIED].
        return text.toLowerCase();
    }
  };
  const read =
    type === 'string'
      ? (row: number) => (table.value(row, cond.field) as string | undefined)?.toLowerCase()
      : (row: number) => table.value(row, cond.field);
  const field = cond.field;
  if (cond.op === 'LIKE') {
    if (type !== 'string') throw invalid(`LIKE needs a text property, not ${field}`);
    const pattern = cond.values[0]!.text.toLowerCase();
    const re = new RegExp(
      `^${pattern
        .split('%')
        .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
      's',
    );
    return (row) => {
      const v = read(row);
      return typeof v === 'string' && re.test(v);
    };
  }
  const values = cond.values.map((v) => literal(v.text));
  if (cond.op === 'IN') {
    const set = new Set(values);
    return (row) => set.has(read(row));
  }
  const target = values[0]!;
  switch (cond.op) {
    case '=':
      return (row) => read(row) === target;
    case '<':
      return (row) => {
        const v = read(row);
        return v !== undefined && v < target;
      };
    case '>':
      return (row) => {
        const v = read(row);
        return v !== undefined && v > target;
      };
    case '<=':
      return (row) => {
        const v = read(row);
        return v !== undefined && v <= target;
      };
    default:
      return (row) => {
        const v = read(row);
        return v !== undefined && v >= target;
      };
  }
}

interface CacheEntry {
  version: number;
  rows: Int32Array;
}

const CACHE_SIZE = 8;
const caches = new WeakMap<Company, Map<string, CacheEntry>>();

/** The rows matching the query's WHERE, in its ORDERBY (then Id) order. */
export function matchingRows(c: Company, query: ParsedQuery): { entity: EntityName; rows: Int32Array; table: Table } {
  const entity = entityNamed(query.entity);
  if (!entity) throw invalid(`entity '${query.entity}' is not supported`);
  const table = tables(c, entity);
  for (const o of query.orderBy)
    if (!QUERYABLE[entity][o.field]) throw invalid(`property '${o.field}' is not sortable`);
  const where = [...query.where];
  // QBO answers only active customers unless the query asks about Active itself [UNVERIFIED: not
  // in the reference; what Intuit's Customer reference and client libraries describe].
  if (entity === 'Customer' && !where.some((w) => w.field === 'Active'))
    where.push({ field: 'Active', op: '=', values: [{ kind: 'boolean', text: 'true' }] });
  const suffix = timeSuffix(c, entity, where, query);
  if (suffix) return suffix;
  const key = JSON.stringify([entity, where, query.orderBy]);
  let cache = caches.get(c);
  if (!cache) caches.set(c, (cache = new Map<string, CacheEntry>()));
  const hit = cache.get(key);
  if (hit?.version === c.version) return { entity, rows: hit.rows, table };
  const predicates = where.map((w) => compile(table, entity, w, c.offsetMinutes));
  const matched: number[] = [];
  for (let row = 0; row < table.size; row++) {
    if (!table.live(row)) continue;
    let ok = true;
    for (const p of predicates)
      if (!p(row)) {
        ok = false;
        break;
      }
    if (ok) matched.push(row);
  }
  // Without ORDERBY rows come in Id order; Id breaks every tie [UNVERIFIED: QBO's default order].
  const order = [...query.orderBy, { field: 'Id', desc: false }];
  const keys = order.map((o) => {
    const type = QUERYABLE[entity][o.field]!;
    return matched.map((row) => {
      const v = table.value(row, o.field);
      return type === 'string' && typeof v === 'string' ? v.toLowerCase() : v;
    });
  });
  const index = matched.map((_, i) => i);
  index.sort((a, b) => {
    for (let k = 0; k < order.length; k++) {
      const va = keys[k]![a];
      const vb = keys[k]![b];
      if (va === vb) continue;
      // Absent values sort first ascending [UNVERIFIED].
      const cmp = va === undefined ? -1 : vb === undefined ? 1 : va < vb ? -1 : 1;
      return order[k]!.desc ? -cmp : cmp;
    }
    return 0;
  });
  const rows = Int32Array.from(index, (i) => matched[i]!);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(key, { version: c.version, rows });
  return { entity, rows, table };
}

/**
 * A read from a time on (`MetaData.LastUpdatedTime >= t ORDERBY MetaData.LastUpdatedTime`, what
 * every page of a keyset read asks, with a new t each time) is the tail of the same read without
 * that condition: that list is sorted once and kept, and each page finds where its tail starts.
 * Undefined for any other query, or a time the normal path must refuse.
 */
function timeSuffix(
  c: Company,
  entity: EntityName,
  where: Condition[],
  query: ParsedQuery,
): { entity: EntityName; rows: Int32Array; table: Table } | undefined {
  const first = query.orderBy[0];
  if (!first || first.desc || QUERYABLE[entity][first.field] !== 'datetime') return undefined;
  const at = where.findIndex((w) => w.field === first.field && (w.op === '>=' || w.op === '>'));
  if (at < 0) return undefined;
  const cond = where[at]!;
  const bound = parseInstant(cond.values[0]?.text ?? '', c.offsetMinutes);
  if (bound === undefined || cond.values.length !== 1) return undefined;
  const all = matchingRows(c, { ...query, where: where.filter((_, i) => i !== at) });
  const keep = (row: number): boolean => {
    const v = all.table.value(row, first.field);
    return typeof v === 'number' && (cond.op === '>=' ? v >= bound : v > bound);
  };
  // Absent times sort first, then ascending: the rows kept are one tail of the sorted list.
  let lo = 0;
  let hi = all.rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keep(all.rows[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  return { entity, rows: all.rows.subarray(lo), table: all.table };
}
