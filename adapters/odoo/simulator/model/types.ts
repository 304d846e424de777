/**
 * Value shapes of the in-memory Odoo database. Everything the model returns is a plain JS value the
 * XML-RPC and JSON-2 layers can serialise without knowing Odoo: `false` for empty, strings for dates.
 */

export const ODOO_VERSIONS = ['16.0', '17.0', '18.0', '19.0'] as const;
export type OdooVersion = (typeof ODOO_VERSIONS)[number];

/** Major number of a version, for "since 17" style checks. */
export function major(version: OdooVersion): number {
  return Number(version.slice(0, 2));
}

/**
 * What a method returns. `null` stands for Python `None`: the HTTP layer must turn it into the
 * "cannot marshal None" fault on XML-RPC (erp-apis.md §1.3) and into `null` on JSON-2.
 */
export type OdooValue = string | number | boolean | null | OdooValue[] | { [key: string]: OdooValue };

/** A record as read/search_read return it: many2one `[id, name]` or `false`, x2many id lists. */
export type OdooRecord = { id: number } & { [field: string]: OdooValue };

export type FieldType =
  | 'integer'
  | 'float'
  | 'monetary'
  | 'char'
  | 'text'
  | 'html'
  | 'binary'
  | 'selection'
  | 'boolean'
  | 'date'
  | 'datetime'
  | 'many2one'
  | 'one2many'
  | 'many2many';

/** Field types a test may add with `addCustomField` (the Settings › Technical › Fields subset we need). */
export type CustomFieldType =
  'char' | 'text' | 'html' | 'integer' | 'float' | 'boolean' | 'date' | 'datetime' | 'selection';

/**
 * Internal comparable form of a stored value: numbers for numeric, relational (the id), date (days since
 * 1970-01-01) and datetime (seconds since the epoch, UTC) fields; strings for text-like and selection
 * fields; `null` for SQL NULL (Odoo's `False`); id lists for x2many.
 */
export type Raw = number | string | boolean | null | readonly number[];

export type Selection = readonly (readonly [string, string])[];

export interface FieldDef {
  readonly name: string;
  readonly type: FieldType;
  /** Label shown by fields_get. */
  readonly string: string;
  readonly relation?: string;
  readonly selection?: Selection;
  readonly required?: boolean;
  readonly readonly?: boolean;
  /** Reported by fields_get; computed fields flagged stored are still searchable here. */
  readonly store?: boolean;
  readonly help?: string;
  /** `x_` fields created at run time (fields_get reports `manual: true`). */
  readonly manual?: boolean;
  /** Not kept in a column: derived on read. Writes to such fields are ignored. */
  readonly computed?: boolean;
  readonly currencyField?: string;
}

export interface ModelDef {
  readonly name: string;
  /** ir.model `name`, used in access-error messages ("Journal Entry"). */
  readonly description: string;
  readonly fields: readonly FieldDef[];
  /** `_order` of the model, used when a call passes no `order`. */
  readonly order: string;
  /** Models inheriting mail.thread accept message_post. */
  readonly mailThread?: boolean;
}

export interface User {
  readonly uid: number;
}
