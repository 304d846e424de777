/**
 * XML-RPC values as Odoo exchanges them, shared by the adapter (client side) and the Odoo
 * simulator (server side). JS values map onto Python's `xmlrpc.client` types:
 *
 * | JS value                                   | wire                         | Python      |
 * |--------------------------------------------|------------------------------|-------------|
 * | integer `number` or `bigint` in int32      | `<int>`                      | `int`       |
 * | non-integer `number`, or `xmlDouble(n)`    | `<double>`                   | `float`     |
 * | `boolean`                                  | `<boolean>1|0</boolean>`     | `bool`      |
 * | `string`                                   | `<string>`                   | `str`       |
 * | array                                      | `<array><data>`              | `list`      |
 * | plain object                               | `<struct>`                   | `dict`      |
 * | `null` (decoded `<nil/>` only)             | never encoded                | `None`      |
 *
 * A JS number cannot say whether it was `31750` or `31750.0`, and Odoo sends monetary values
 * as `<double>` even when they are whole (erp-apis.md §1.3), so `xmlDouble` forces the double.
 *
 * `null` is in the union because the decoder turns `<nil/>` into it (CPython's unmarshaller
 * accepts it); the encoder refuses it, as Odoo's marshaller runs with allow_none=False
 * (erp-apis.md §1.3 "None is never sent").
 *
 * Struct member order on the wire follows JS property order, which is insertion order except
 * that integer-like names ("10", "2") come first, ascending. Python keeps insertion order for
 * every name; Odoo's own structs have field names, never integer-like ones.
 */
export type XmlRpcValue =
  number | bigint | boolean | string | null | XmlRpcDouble | readonly XmlRpcValue[] | XmlRpcStruct;

export interface XmlRpcStruct {
  readonly [member: string]: XmlRpcValue;
}

/** Python's xmlrpc.client MAXINT/MININT: `<int>` is a signed 32-bit integer. */
export const XMLRPC_MAX_INT = 2_147_483_647;
export const XMLRPC_MIN_INT = -2_147_483_648;

/** A number that must go on the wire as `<double>` even when it is whole. */
export class XmlRpcDouble {
  readonly value: number;

  constructor(value: number) {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new XmlRpcMarshalError('unsupported', `cannot marshal non-finite double ${String(value)}`, '');
    }
    this.value = value;
  }

  /** Logs and snapshots show the amount, not the wrapper. */
  toJSON(): number {
    return this.value;
  }
}

export function xmlDouble(value: number): XmlRpcDouble {
  return new XmlRpcDouble(value);
}

export function isXmlRpcDouble(value: unknown): value is XmlRpcDouble {
  return value instanceof XmlRpcDouble;
}

/** A plain object (what `<struct>` decodes to); class instances such as Date are not structs. */
export function isXmlRpcStruct(value: unknown): value is XmlRpcStruct {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** The number a decoded `<int>` or `<double>` carries, whichever form the decoder chose. */
export function numericValue(value: XmlRpcValue): number | bigint | undefined {
  if (typeof value === 'number' || typeof value === 'bigint') return value;
  if (value instanceof XmlRpcDouble) return value.value;
  return undefined;
}

export type XmlRpcMarshalReason = 'none' | 'overflow' | 'recursion' | 'unsupported';

/**
 * A value the encoder refuses. `pythonType: pythonMessage` is what Odoo's own marshaller
 * raises for the same value, so the simulator can build the fault Odoo would send (a method
 * that returns None fails *after* its work is done, erp-apis.md §1.3).
 */
export class XmlRpcMarshalError extends Error {
  override readonly name = 'XmlRpcMarshalError';
  readonly code = 'XMLRPC_MARSHAL';
  readonly reason: XmlRpcMarshalReason;
  readonly pythonType: 'TypeError' | 'OverflowError';
  readonly pythonMessage: string;
  /** Where the value sits, e.g. `params[6].fields[2]`; empty when not known. */
  readonly path: string;

  constructor(reason: XmlRpcMarshalReason, pythonMessage: string, path: string) {
    super(path === '' ? pythonMessage : `${pythonMessage} (at ${path})`);
    this.reason = reason;
    this.pythonType = reason === 'overflow' ? 'OverflowError' : 'TypeError';
    this.pythonMessage = pythonMessage;
    this.path = path;
  }
}

export type XmlRpcDocumentKind = 'methodCall' | 'methodResponse';

/**
 * A body that is not a well-formed XML-RPC document. `where` is the path of the offending
 * value (`params[0][3].partner_id`), empty for problems with the document as a whole.
 */
export class XmlRpcProtocolError extends Error {
  override readonly name = 'XmlRpcProtocolError';
  readonly code = 'XMLRPC_PROTOCOL';
  readonly document: XmlRpcDocumentKind;
  readonly where: string;
  readonly problem: string;

  constructor(document: XmlRpcDocumentKind, where: string, problem: string, options?: { cause?: unknown }) {
    const kind = document === 'methodCall' ? 'call' : 'response';
    super(`malformed XML-RPC ${kind}: ${where === '' ? problem : `${where} ${problem}`}`, options);
    this.document = document;
    this.where = where;
    this.problem = problem;
  }
}

/** `params[0].fields` for identifier-like member names, `params[0]["a b"]` otherwise. */
export function memberPath(parent: string, name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? `${parent}.${name}` : `${parent}[${JSON.stringify(name)}]`;
}
