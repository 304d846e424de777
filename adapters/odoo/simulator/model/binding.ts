import { pyRepr, type AclOperation, type Faults } from './fault';
import type { Table } from './table';
import type { OdooValue } from './types';

/** One parameter of a simulated Python method. */
export interface Param {
  readonly name: string;
  readonly default?: unknown;
  readonly required?: boolean;
  /** After `*` in the Python signature. */
  readonly keywordOnly?: boolean;
}

export interface CallContext {
  readonly uid: number;
  /** The `context` keyword, which Odoo's call_kw pops before binding. */
  readonly context: Record<string, unknown>;
  /**
   * The transaction will be rolled back once the method has run (v18-20): a create checks its values
   * and uses up its ids, but keeps nothing.
   */
  readonly discard?: boolean;
}

export interface MethodSpec {
  /** `model`: @api.model, no ids; `records`: args[0] are the ids (odoo.api.call_kw). */
  readonly kind: 'model' | 'records';
  /** Python qualname, as TypeError messages show it [UNVERIFIED per method]. */
  readonly qualname: string;
  readonly params: readonly Param[];
  /** Accepts `**kwargs` (extra keywords are ignored). */
  readonly extraKeywords?: boolean;
  /** `@api.model_create_multi` (create): `call_kw` reads `args[0]` after it ran, to pick `.id` or `.ids`. */
  readonly modelCreate?: boolean;
  /** Access right checked before running; null for methods Odoo does not guard (fields_get). */
  readonly acl: AclOperation | null;
  run(table: Table, ids: readonly number[], args: Record<string, unknown>, ctx: CallContext): OdooValue;
}

export interface Bound {
  readonly ids: number[];
  readonly args: Record<string, unknown>;
  readonly context: Record<string, unknown>;
}

/**
 * Binds positional and keyword arguments as Python would, raising Python's TypeError texts (3.10+
 * qualname form); erp-apis.md §1.4: JSON-2 answers those with 422. Counts include `self`, as
 * Python's do; the ids are consumed by call_kw first.
 */
export function bindArguments(
  spec: MethodSpec,
  args: readonly unknown[],
  kwargs: Record<string, unknown> | undefined,
  faults: Faults,
): Bound {
  if (!Array.isArray(args)) throw faults.typeError(`args must be a list, got ${pyRepr(args)}`);
  const positional = Array.from<unknown>(args);
  let ids: number[] = [];
  if (spec.kind === 'records') {
    // call_kw does `ids, args = args[0], args[1:]`.
    if (positional.length === 0) throw faults.python('builtins.IndexError', 'list index out of range', 'arguments');
    ids = normalizeIds(positional.shift(), faults);
  }
  const { context, ...rest } = kwargs ?? {};
  const bound: Record<string, unknown> = {};
  const byPosition = spec.params.filter((p) => !p.keywordOnly);
  if (positional.length > byPosition.length) {
    const max = byPosition.length + 1;
    const min = byPosition.filter((p) => p.required).length + 1;
    const takes =
      min === max ? `${max} positional argument${max === 1 ? '' : 's'}` : `from ${min} to ${max} positional arguments`;
    throw faults.typeError(`${spec.qualname}() takes ${takes} but ${positional.length + 1} were given`);
  }
  positional.forEach((value, i) => {
    bound[byPosition[i]!.name] = value;
  });
  for (const [key, value] of Object.entries(rest)) {
    if (!spec.params.some((p) => p.name === key)) {
      if (spec.extraKeywords) continue;
      throw faults.typeError(`${spec.qualname}() got an unexpected keyword argument '${key}'`);
    }
    if (key in bound) throw faults.typeError(`${spec.qualname}() got multiple values for argument '${key}'`);
    bound[key] = value;
  }
  const missing = spec.params.filter((p) => p.required && !(p.name in bound)).map((p) => `'${p.name}'`);
  if (missing.length) {
    const list =
      missing.length === 1 ? missing[0] : `${missing.slice(0, -1).join(', ')} and ${missing[missing.length - 1]}`;
    throw faults.typeError(
      `${spec.qualname}() missing ${missing.length} required positional argument${missing.length === 1 ? '' : 's'}: ${list}`,
    );
  }
  for (const p of spec.params) if (!(p.name in bound)) bound[p.name] = p.default;
  const ctx =
    typeof context === 'object' && context !== null && !Array.isArray(context)
      ? (context as Record<string, unknown>)
      : {};
  return { ids, args: bound, context: ctx };
}

/** `browse()` accepts one id or a list; `False` means no records. */
export function normalizeIds(value: unknown, faults: Faults): number[] {
  if (value === false || value === null || value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  for (const id of list)
    if (typeof id !== 'number' || id % 1 !== 0) throw faults.valueError(`Invalid ids ${pyRepr(value)}`);
  return list as number[];
}
