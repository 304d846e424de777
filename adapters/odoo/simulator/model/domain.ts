import { Faults } from './fault';
import { parseDay, parseSeconds, SECONDS_PER_DAY } from './time';
import type { FieldDef, FieldType, OdooVersion, Raw } from './types';

/**
 * Odoo domains, as the open-receivable and keyset filters of erp-apis.md §1.5–1.6 use them: prefix
 * notation with '&', '|', '!' and an implicit '&' between consecutive terms, leaves
 * `[field, operator, value]`. NULL semantics follow the SQL Odoo generates (osv/expression.py):
 * `!=`, `not in` and `not (i)like` also match NULL, `= False` is `IS NULL`.
 */

export const OPERATORS = [
  '=',
  '!=',
  '<>',
  '<',
  '>',
  '<=',
  '>=',
  '=?',
  'in',
  'not in',
  'like',
  'ilike',
  'not like',
  'not ilike',
  '=like',
  '=ilike',
] as const;
export type Operator = (typeof OPERATORS)[number];
const OPERATOR_SET: ReadonlySet<string> = new Set(OPERATORS);
/** Valid in Odoo but outside this simulator's scope; they fail loudly instead of matching wrongly. */
const UNSUPPORTED_OPERATORS: ReadonlySet<string> = new Set(['child_of', 'parent_of', 'any', 'not any']);

export type DomainNode =
  | { readonly kind: 'and'; readonly children: readonly DomainNode[] }
  | { readonly kind: 'or'; readonly children: readonly DomainNode[] }
  | { readonly kind: 'not'; readonly child: DomainNode }
  | {
      readonly kind: 'leaf';
      readonly field: string;
      readonly op: Operator;
      readonly value: unknown;
      readonly leaf: readonly unknown[];
    }
  | { readonly kind: 'const'; readonly value: boolean };

const ARITY: Readonly<Record<string, number>> = { '&': 2, '|': 2, '!': 1 };

/** Parses a domain into a tree, raising the fault Odoo raises for a malformed one. */
export function parseDomain(domain: unknown, faults: Faults): DomainNode {
  if (!Array.isArray(domain)) throw faults.notADomain();
  // expression.normalize_domain: count how many terms are still expected, prepend '&' when a term
  // arrives with none expected.
  const tokens: unknown[] = [];
  let expected = 1;
  for (const token of domain) {
    if (expected === 0) {
      tokens.unshift('&');
      expected = 1;
    }
    if (Array.isArray(token)) expected -= 1;
    else expected += (typeof token === 'string' ? (ARITY[token] ?? 0) : 0) - 1;
    tokens.push(token);
  }
  if (tokens.length === 0) return { kind: 'const', value: true };
  if (expected !== 0) throw faults.domainSyntax(domain);

  let at = 0;
  const next = (): DomainNode => {
    const token = tokens[at++];
    if (token === '&' || token === '|') {
      const left = next();
      const right = next();
      return { kind: token === '&' ? 'and' : 'or', children: [left, right] };
    }
    if (token === '!') return { kind: 'not', child: next() };
    return parseLeaf(token, faults);
  };
  return next();
}

function parseLeaf(token: unknown, faults: Faults): DomainNode {
  if (!Array.isArray(token) || token.length !== 3) throw faults.invalidLeaf(token);
  const [field, op, value] = token as [unknown, unknown, unknown];
  // expression.TRUE_LEAF / FALSE_LEAF.
  if (op === '=' && value === 1 && (field === 1 || field === 0)) return { kind: 'const', value: field === 1 };
  if (typeof field !== 'string' || typeof op !== 'string') throw faults.invalidLeaf(token);
  const operator = op.toLowerCase();
  if (UNSUPPORTED_OPERATORS.has(operator)) {
    throw faults.valueError(
      `Operator ${operator} is not supported by the Odoo simulator (leaf ${JSON.stringify(token)})`,
    );
  }
  if (!OPERATOR_SET.has(operator)) throw faults.invalidLeaf(token);
  return { kind: 'leaf', field, op: operator as Operator, value, leaf: token };
}

/** How a compiled domain reads one field of a context (a table row, or a plain record). */
export interface FieldAccess<C> {
  /** `any`: type unknown (plain records without definitions); values compare as they come. */
  readonly type: FieldType | 'any';
  get(ctx: C): Raw;
  /** Display name of a many2one, compared when the leaf value is a string (Odoo's name_search). */
  display?(ctx: C): string | null;
  /** Text form for `like` on non-text fields (PostgreSQL casts to text). */
  text?(ctx: C): string | null;
}

export interface DomainTarget<C> {
  readonly model: string;
  readonly version: OdooVersion;
  field(name: string): FieldAccess<C> | undefined;
}

export type Predicate<C> = (ctx: C) => boolean;

/** Compiles a domain (list or parsed tree) into a predicate; unknown fields fault at compile time. */
export function compileDomain<C>(domain: unknown, target: DomainTarget<C>): Predicate<C> {
  const faults = new Faults(target.version);
  const tree = isNode(domain) ? domain : parseDomain(domain, faults);
  return compileNode(tree, target, faults);
}

function isNode(value: unknown): value is DomainNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'kind' in value;
}

function compileNode<C>(node: DomainNode, target: DomainTarget<C>, faults: Faults): Predicate<C> {
  switch (node.kind) {
    case 'const':
      return node.value ? () => true : () => false;
    case 'not': {
      const inner = compileNode(node.child, target, faults);
      return (c) => !inner(c);
    }
    case 'and':
    case 'or': {
      const [a, b] = node.children.map((n) => compileNode(n, target, faults)) as [Predicate<C>, Predicate<C>];
      return node.kind === 'and' ? (c) => a(c) && b(c) : (c) => a(c) || b(c);
    }
    case 'leaf':
      return compileLeaf(node, target, faults);
  }
}

type Scalar = number | string | boolean;

function compileLeaf<C>(
  node: Extract<DomainNode, { kind: 'leaf' }>,
  target: DomainTarget<C>,
  faults: Faults,
): Predicate<C> {
  const [head] = node.field.split('.');
  const access = target.field(head!);
  if (!access) throw faults.invalidFieldInLeaf(target.model, head!, node.leaf);
  if (head !== node.field) {
    throw faults.valueError(`Dotted paths (${node.field}) are not supported by the Odoo simulator`);
  }
  let { op } = node;
  const { value } = node;
  if (op === '<>') op = '!=';
  if (op === '=?') {
    if (value === false || value === null || value === undefined) return () => true;
    op = '=';
  }
  const type = access.type;
  let get = access.get.bind(access);
  const stringValues =
    typeof value === 'string' ||
    (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string'));
  if (type === 'any' && stringValues && access.display) {
    const raw = get;
    const display = access.display.bind(access);
    get = (c) => display(c) ?? raw(c);
  }

  if (op === 'like' || op === 'ilike' || op === 'not like' || op === 'not ilike' || op === '=like' || op === '=ilike') {
    return likePredicate(op, value, access);
  }

  if (op === 'in' || op === 'not in') {
    const list = Array.isArray(value) ? value : [value];
    const hasNull = list.some((v) => v === false || v === null);
    const values = list.filter((v) => v !== false && v !== null);
    if (type === 'many2one' && values.length > 0 && values.every((v) => typeof v === 'string')) {
      const names = new Set(values);
      const display = access.display!.bind(access);
      const match = (c: C) => {
        const d = display(c);
        return d === null ? hasNull : names.has(d);
      };
      return op === 'in' ? match : (c) => !match(c);
    }
    const set = new Set<Scalar>(values.map((v) => convert(type, v, op, faults)));
    const isIn = (c: C): boolean => {
      const raw = get(c);
      // `typeof` rather than Array.isArray: global calls are slow under jest, and only lists are objects here.
      if (typeof raw === 'object' && raw !== null)
        return raw.some((id) => set.has(id)) || (hasNull && raw.length === 0);
      if (raw === null || (type === 'boolean' && raw === false))
        return hasNull || (type === 'boolean' && set.has(false));
      return set.has(raw);
    };
    if (op === 'in') return isIn;
    // SQL: `x NOT IN (...) OR x IS NULL`, unless False was listed.
    return (c) => !isIn(c);
  }

  const isNullValue = value === false || value === null;
  if (isNullValue && type !== 'boolean') {
    const isNull = (c: C) => {
      const raw = get(c);
      return raw === null || (typeof raw === 'object' && raw.length === 0);
    };
    if (op === '=') return isNull;
    if (op === '!=') return (c) => !isNull(c);
    return () => false;
  }

  if (type === 'many2one' && typeof value === 'string' && (op === '=' || op === '!=')) {
    const display = access.display!.bind(access);
    return op === '=' ? (c) => display(c) === value : (c) => display(c) !== value;
  }

  const v = convert(type, value, op, faults);
  if (type === 'boolean') {
    const want = Boolean(v);
    const truth = (c: C) => get(c) === true;
    if (op === '=') return (c) => truth(c) === want;
    if (op === '!=') return (c) => truth(c) !== want;
  }
  if (type === 'one2many' || type === 'many2many') {
    const has = (c: C) => (get(c) as readonly number[]).includes(v as number);
    if (op === '=') return has;
    if (op === '!=') return (c) => !has(c);
    return () => false;
  }
  switch (op) {
    case '=':
      return (c) => get(c) === v;
    case '!=':
      return (c) => get(c) !== v;
    case '<':
      return (c) => comparable(get(c), v) && (get(c) as Scalar) < v;
    case '>':
      return (c) => comparable(get(c), v) && (get(c) as Scalar) > v;
    case '<=':
      return (c) => comparable(get(c), v) && (get(c) as Scalar) <= v;
    case '>=':
      return (c) => comparable(get(c), v) && (get(c) as Scalar) >= v;
    default:
      throw faults.invalidLeaf(node.leaf);
  }
}

function comparable(raw: Raw, v: Scalar): boolean {
  return raw !== null && typeof raw === typeof v;
}

/**
 * Converts a leaf value to the field's raw form. On datetime fields a bare date means the start of
 * the day, except for `>` and `<=`, where 16.0's expression.py appends 23:59:59.
 */
export function convert(type: FieldType | 'any', value: unknown, op: string, faults: Faults): Scalar {
  switch (type) {
    case 'any':
      return typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean'
        ? value
        : String(value);
    case 'date': {
      if (typeof value !== 'string') throw faults.invalidDatetime('date', value);
      const day = parseDay(value);
      if (day === undefined) throw faults.invalidDatetime('date', value);
      return day;
    }
    case 'datetime': {
      if (typeof value !== 'string') throw faults.invalidDatetime('timestamp', value);
      const seconds = parseSeconds(value);
      if (seconds === undefined) throw faults.invalidDatetime('timestamp', value);
      if (value.length === 10 && (op === '>' || op === '<=')) return seconds + SECONDS_PER_DAY - 1;
      return seconds;
    }
    case 'boolean':
      return Boolean(value);
    case 'char':
    case 'text':
    case 'html':
    case 'selection':
      return typeof value === 'string' ? value : String(value);
    default:
      if (typeof value === 'number') return value;
      if (typeof value === 'boolean') return value ? 1 : 0;
      if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
      return Number.NaN;
  }
}

function likePredicate<C>(op: string, value: unknown, access: FieldAccess<C>): Predicate<C> {
  const text = (c: C): string | null => {
    if (access.type === 'many2one') return access.display!(c);
    if (access.text) return access.text(c);
    const raw = access.get(c);
    return raw === null ? null : String(raw);
  };
  const wildcard = !op.startsWith('=');
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a like operand is a scalar in any domain a client sends
  const pattern = likeToRegExp(String(value ?? ''), wildcard, op.includes('ilike'));
  const matches = (c: C) => {
    const t = text(c);
    return t !== null && pattern.test(t);
  };
  // SQL: `x NOT ILIKE p OR x IS NULL`.
  return op.startsWith('not') ? (c) => !matches(c) : matches;
}

/**
 * SQL LIKE pattern → RegExp. `like`/`ilike` wrap the value in `%…%` without escaping it (16.0's
 * expression.py does `'%%%s%%' % right`), so `_` and `%` in the value stay wildcards.
 */
export function likeToRegExp(pattern: string, wrap: boolean, insensitive: boolean): RegExp {
  const full = wrap ? `%${pattern}%` : pattern;
  let source = '';
  for (let i = 0; i < full.length; i++) {
    const ch = full[i]!;
    if (ch === '\\' && i + 1 < full.length) source += escapeRegExp(full[++i]!);
    else if (ch === '%') source += '.*';
    else if (ch === '_') source += '.';
    else source += escapeRegExp(ch);
  }
  return new RegExp(`^${source}$`, insensitive ? 'is' : 's');
}

function escapeRegExp(ch: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(ch) ? `\\${ch}` : ch;
}

/** A numeric range a domain confines a field to; used to start index scans past irrelevant rows. */
export interface Bounds {
  lo: number;
  loInclusive: boolean;
  hi: number;
  hiInclusive: boolean;
}

const UNBOUNDED: Bounds = { lo: -Infinity, loInclusive: true, hi: Infinity, hiInclusive: true };

/**
 * The range of `field` every matching record must fall in, or UNBOUNDED. Sound, not tight: records
 * inside the range are still filtered by the predicate. The keyset domain
 * `['|', (wd,'>',ts), '&', (wd,'=',ts), ('id','>',last)]` bounds write_date to `>= ts`.
 */
export function fieldBounds(node: DomainNode, field: string, type: FieldType | 'any', faults: Faults): Bounds {
  switch (node.kind) {
    case 'const':
    case 'not':
      return UNBOUNDED;
    case 'leaf': {
      if (node.field !== field || node.value === false || node.value === null) return UNBOUNDED;
      const op = node.op;
      if (op === 'in') {
        if (!Array.isArray(node.value) || node.value.length === 0) return UNBOUNDED;
        const values = node.value.map((v) => convert(type, v, '=', faults));
        if (!values.every((v) => typeof v === 'number' && !Number.isNaN(v))) return UNBOUNDED;
        const nums = values as number[];
        return { lo: Math.min(...nums), loInclusive: true, hi: Math.max(...nums), hiInclusive: true };
      }
      if (op !== '=' && op !== '<' && op !== '>' && op !== '<=' && op !== '>=') return UNBOUNDED;
      const v = convert(type, node.value, op, faults);
      if (typeof v !== 'number' || Number.isNaN(v)) return UNBOUNDED;
      if (op === '=') return { lo: v, loInclusive: true, hi: v, hiInclusive: true };
      if (op === '>') return { ...UNBOUNDED, lo: v, loInclusive: false };
      if (op === '>=') return { ...UNBOUNDED, lo: v, loInclusive: true };
      if (op === '<') return { ...UNBOUNDED, hi: v, hiInclusive: false };
      return { ...UNBOUNDED, hi: v, hiInclusive: true };
    }
    case 'and': {
      let b = UNBOUNDED;
      for (const child of node.children) b = intersect(b, fieldBounds(child, field, type, faults));
      return b;
    }
    case 'or': {
      const [first, ...rest] = node.children.map((c) => fieldBounds(c, field, type, faults));
      let b = first!;
      for (const other of rest) b = hull(b, other);
      return b;
    }
  }
}

function intersect(a: Bounds, b: Bounds): Bounds {
  const lo = a.lo > b.lo ? a : a.lo < b.lo ? b : { lo: a.lo, loInclusive: a.loInclusive && b.loInclusive };
  const hi = a.hi < b.hi ? a : a.hi > b.hi ? b : { hi: a.hi, hiInclusive: a.hiInclusive && b.hiInclusive };
  return { lo: lo.lo, loInclusive: lo.loInclusive, hi: hi.hi, hiInclusive: hi.hiInclusive };
}

function hull(a: Bounds, b: Bounds): Bounds {
  const lo = a.lo < b.lo ? a : a.lo > b.lo ? b : { lo: a.lo, loInclusive: a.loInclusive || b.loInclusive };
  const hi = a.hi > b.hi ? a : a.hi < b.hi ? b : { hi: a.hi, hiInclusive: a.hiInclusive || b.hiInclusive };
  return { lo: lo.lo, loInclusive: lo.loInclusive, hi: hi.hi, hiInclusive: hi.hiInclusive };
}

export function isUnbounded(b: Bounds): boolean {
  return b.lo === -Infinity && b.hi === Infinity;
}

/** Names of every field a domain tree mentions (to decide whether Odoo's implicit `active` filter applies). */
export function domainFields(node: DomainNode, into = new Set<string>()): Set<string> {
  if (node.kind === 'leaf') into.add(node.field.split('.')[0]!);
  else if (node.kind === 'not') domainFields(node.child, into);
  else if (node.kind === 'and' || node.kind === 'or') for (const c of node.children) domainFields(c, into);
  return into;
}

function domainLeaves(
  node: DomainNode,
  into: Extract<DomainNode, { kind: 'leaf' }>[] = [],
): Extract<DomainNode, { kind: 'leaf' }>[] {
  if (node.kind === 'leaf') into.push(node);
  else if (node.kind === 'not') domainLeaves(node.child, into);
  else if (node.kind === 'and' || node.kind === 'or') for (const c of node.children) domainLeaves(c, into);
  return into;
}

/**
 * Plain-record form: evaluates a domain against one record as read/search_read return it (many2one
 * `[id, name]`, `false` for empty). With `fields` (fields_get-like definitions) dates compare as
 * dates; without, types are inferred from the record's values.
 */
export function compileRecordDomain(
  domain: unknown,
  options: { model?: string; version?: OdooVersion; fields?: readonly FieldDef[] } = {},
): Predicate<Record<string, unknown>> {
  const defs = new Map((options.fields ?? []).map((f) => [f.name, f]));
  const target: DomainTarget<Record<string, unknown>> = {
    model: options.model ?? 'unknown',
    version: options.version ?? '17.0',
    field(name) {
      const def = defs.get(name);
      if (def) return recordAccess(name, def.type);
      if (defs.size > 0) return undefined;
      return inferredAccess(name);
    },
  };
  const faults = new Faults(target.version);
  const tree = isNode(domain) ? domain : parseDomain(domain, faults);
  const predicate = compileDomain(tree, target);
  const leaves = domainLeaves(tree);
  return (record) => {
    if (defs.size === 0) {
      for (const leaf of leaves) {
        const name = leaf.field.split('.')[0]!;
        if (!(name in record)) throw faults.invalidFieldInLeaf(target.model, name, leaf.leaf);
      }
    }
    return predicate(record);
  };
}

/** Evaluates a domain on one plain record (see compileRecordDomain). */
export function evaluateDomain(
  domain: unknown,
  record: Record<string, unknown>,
  options: { model?: string; version?: OdooVersion; fields?: readonly FieldDef[] } = {},
): boolean {
  return compileRecordDomain(domain, options)(record);
}

function recordAccess(name: string, type: FieldType): FieldAccess<Record<string, unknown>> {
  const faults = new Faults('17.0');
  return {
    type,
    get(record) {
      const v = record[name];
      if (v === false || v === null || v === undefined)
        return type === 'boolean' ? false : type === 'one2many' || type === 'many2many' ? [] : null;
      if (type === 'many2one') return Array.isArray(v) ? (v[0] as number) : (v as number);
      if (type === 'date' || type === 'datetime') return convert(type, v, '=', faults);
      return v as Raw;
    },
    display: (record) => displayOf(record[name]),
    text: (record) => textOf(record[name]),
  };
}

/** The display name of a many2one pair `[id, name]`, else null. */
function displayOf(v: unknown): string | null {
  return Array.isArray(v) && typeof v[1] === 'string' ? v[1] : null;
}

/** Text for like/ilike: a many2one compares on its display name; Odoo's False is no text. */
function textOf(v: unknown): string | null {
  if (v === false || v === null || v === undefined) return null;
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a stored field value is a scalar or a many2one pair
  return Array.isArray(v) ? String(v[1]) : String(v);
}

function inferredAccess(name: string): FieldAccess<Record<string, unknown>> {
  // Types are guessed per record, so the access re-dispatches on each value.
  return {
    type: 'any',
    get(record) {
      const v = record[name];
      if (v === false || v === null || v === undefined) return null;
      if (Array.isArray(v)) return v.length === 2 && typeof v[1] === 'string' ? (v[0] as number) : (v as number[]);
      return v as Raw;
    },
    display: (record) => displayOf(record[name]),
    text: (record) => textOf(record[name]),
  };
}
