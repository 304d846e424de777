import { CREATE_RESULT_FRAMES_18, DISPATCH_FRAMES_18, READ_INVALID_FIELD_FRAMES_18 } from './captured-frames';
import { major, type OdooVersion } from './types';

/**
 * Errors the simulated Odoo raises, shaped like what `/xmlrpc/2` turns Python exceptions into
 * (erp-apis.md §1.3, `xmlrpc_handle_exception_int`): 1 application error (faultString = traceback),
 * 2 UserError/MissingError (faultString = str(e)), 3 AccessDenied, 4 AccessError.
 */
export type FaultCode = 1 | 2 | 3 | 4;

/**
 * What kind of failure this is, for the JSON-2 layer, which answers with an HTTP status instead of a
 * fault code (erp-apis.md §1.4): `not_found` 404, `arguments` 422, `access_denied` 401, `access` 403.
 */
export type FaultKind = 'application' | 'user' | 'access_denied' | 'access' | 'not_found' | 'arguments';

export class OdooFault extends Error {
  override readonly name = 'OdooFault';
  constructor(
    readonly code: FaultCode,
    /** Python qualified exception name, as JSON-2 reports it (`builtins.ValueError`). */
    readonly exception: string,
    /** `str(e)`: the message without traceback. */
    readonly detail: string,
    readonly kind: FaultKind,
    /** The XML-RPC faultString; also this Error's message. */
    faultString: string,
  ) {
    super(faultString);
  }

  get faultString(): string {
    return this.message;
  }
}

// erp-apis.md §1.3: file paths in the captures were rewritten to /opt/odoo; the frames below are the
// outermost ones of v16-12 / v18-12 `object-fault-bad-field`. Clients must only rely on the last line.
const OUTER_FRAMES: Record<'16' | '17+', string> = {
  '16':
    '  File "/opt/odoo/odoo/addons/base/controllers/rpc.py", line 147, in xmlrpc_2\n' +
    '    response = self._xmlrpc(service)\n' +
    '  File "/opt/odoo/odoo/service/model.py", line 59, in execute_kw\n' +
    '    return execute(db, uid, obj, method, *args, **kw or {})\n',
  '17+':
    '  File "/opt/odoo/odoo/addons/base/controllers/rpc.py", line 165, in xmlrpc_2\n' +
    '    response = self._xmlrpc(service)\n' +
    '  File "/opt/odoo/odoo/service/model.py", line 81, in execute_kw\n' +
    '    return execute(db, uid, obj, method, *args, **kw or {})\n',
};

/**
 * `frames18`: the innermost frames a real 18.0 server printed for this fault (captured-frames.ts);
 * with them an 18.0 traceback is the captured one byte for byte. Without them, or on another version,
 * only the outer frames are shown [UNVERIFIED frames].
 */
function traceback(version: OdooVersion, exception: string, detail: string, frames18?: string): string {
  // Python prints builtins unqualified and everything else with its module.
  const shown = exception.replace(/^builtins\./, '');
  if (version === '18.0' && frames18 !== undefined)
    return `Traceback (most recent call last):\n${DISPATCH_FRAMES_18}${frames18}${shown}: ${detail}\n`;
  const outer = OUTER_FRAMES[major(version) === 16 ? '16' : '17+'];
  return `Traceback (most recent call last):\n${outer}${shown}: ${detail}\n`;
}

/** Python `repr()` of a JSON-ish value, used where Odoo formats arguments into messages. */
export function pyRepr(value: unknown, asTuple = false): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number')
    return Number.isFinite(value) ? String(value) : value > 0 ? 'inf' : value < 0 ? '-inf' : 'nan';
  if (typeof value === 'string') return pyStr(value);
  if (Array.isArray(value)) {
    const parts = value.map((v) => pyRepr(v));
    if (!asTuple) return `[${parts.join(', ')}]`;
    return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(', ')})`;
  }
  if (typeof value === 'object') {
    const parts = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${pyStr(k)}: ${pyRepr(v)}`);
    return `{${parts.join(', ')}}`;
  }
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- only a bigint, a symbol or a function gets here
  return String(value);
}

function pyStr(s: string): string {
  // CPython picks double quotes only when the text has a single quote and no double quote.
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

/** Python `str()` of a recordset, as it appears in MissingError and singleton messages. */
export function recordsetRepr(model: string, ids: readonly number[]): string {
  return `${model}(${ids.join(', ')}${ids.length === 1 ? ',' : ''})`;
}

/**
 * Builds the faults of one Odoo version. Texts marked [UNVERIFIED] come from Odoo sources we read, not
 * from a captured response; the captured ones (erp-apis.md §1.3, odoo-xmlrpc-samples v16-11/12,
 * v18-11/12, v18-20, v18-26 to v18-29, v18-34) are "Access Denied", "Invalid field <model>.<field> in
 * leaf <leaf>", the IndexError of a create without positional records, the missing sender e-mail, the
 * read access errors of ir.model and account.move, and read's "Invalid field '<field>' on model '<model>'".
 */
export class Faults {
  constructor(readonly version: OdooVersion) {}

  private app(exception: string, detail: string, kind: FaultKind = 'application', frames18?: string): OdooFault {
    return new OdooFault(1, exception, detail, kind, traceback(this.version, exception, detail, frames18));
  }

  valueError(detail: string): OdooFault {
    return this.app('builtins.ValueError', detail);
  }

  /** Captured in v16-12 / v18-12: raised while parsing a domain leaf on a field the model lacks. */
  invalidFieldInLeaf(model: string, field: string, leaf: readonly unknown[]): OdooFault {
    return this.valueError(`Invalid field ${model}.${field} in leaf ${pyRepr(leaf, true)}`);
  }

  /** Text captured for `read` in v18-34; [UNVERIFIED] for write, create, order and search_read's `fields`. */
  invalidField(model: string, field: string): OdooFault {
    return this.valueError(`Invalid field ${pyRepr(field)} on model ${pyRepr(model)}`);
  }

  /** v18-34: `read` with a field the model lacks, with the whole captured traceback on 18.0. */
  invalidReadField(model: string, field: string): OdooFault {
    return this.app(
      'builtins.ValueError',
      `Invalid field ${pyRepr(field)} on model ${pyRepr(model)}`,
      'application',
      READ_INVALID_FIELD_FRAMES_18,
    );
  }

  /**
   * v18-20: `call_kw` ran a `model_create` method (create) whose records came as a keyword, then read
   * `args[0]` to choose between `.id` and `.ids`. The create is rolled back but its ids are used up.
   * [UNVERIFIED on 16.0, 17.0 and 19.0: same `call_kw` code in their sources, frames not captured.]
   */
  createWithoutPositionalArgs(): OdooFault {
    return this.app('builtins.IndexError', 'tuple index out of range', 'application', CREATE_RESULT_FRAMES_18);
  }

  /**
   * v18-27 / v18-28: an activity assigned to another user notifies them with the creator as author,
   * and `message_notify` refuses an author without e-mail. A UserError: code 2, no traceback.
   * [UNVERIFIED on 16.0, 17.0 and 19.0.]
   */
  senderEmailMissing(): OdooFault {
    return this.user("Unable to send message, please configure the sender's email address.");
  }

  /** [UNVERIFIED text, from osv/expression.py sources.] */
  invalidLeaf(leaf: unknown): OdooFault {
    const shown = Array.isArray(leaf) ? pyRepr(leaf, true) : typeof leaf === 'string' ? leaf : pyRepr(leaf);
    return this.valueError(`Invalid leaf ${shown}`);
  }

  /**
   * [UNVERIFIED which release switched] 16.0's normalize_domain asserts; the 17+ sources raise ValueError.
   */
  domainSyntax(domain: unknown): OdooFault {
    if (major(this.version) === 16) {
      return this.app('builtins.AssertionError', `This domain is syntactically not correct: ${pyRepr(domain)}`);
    }
    return this.valueError(`Domain ${pyRepr(domain)} is syntactically not correct.`);
  }

  notADomain(): OdooFault {
    return this.valueError("Domains to normalize must have a 'domain' form: a list or tuple of domain components");
  }

  /** [UNVERIFIED text] `_check_qorder`: a UserError, so code 2 and no traceback. */
  invalidOrder(word: string): OdooFault {
    return this.user(
      `Invalid "order" specified (${word}). A valid "order" specification is a comma-separated list of valid field names ` +
        '(optionally followed by asc/desc for the direction)',
    );
  }

  /** `odoo.service.model.execute_cr`: an unknown model is a UserError (code 2). */
  unknownModel(model: string): OdooFault {
    return new OdooFault(
      2,
      'odoo.exceptions.UserError',
      `Object ${model} doesn't exist`,
      'not_found',
      `Object ${model} doesn't exist`,
    );
  }

  /** [UNVERIFIED texts] 16.0 `getattr(type(model), name)`; 17+ `get_public_method`. */
  unknownMethod(model: string, method: string): OdooFault {
    const detail =
      major(this.version) === 16
        ? `type object ${pyRepr(model)} has no attribute ${pyRepr(method)}`
        : `The method '${model}.${method}' does not exist`;
    return this.app('builtins.AttributeError', detail, 'not_found');
  }

  /** [UNVERIFIED texts] `check_method_name` (16) / `get_public_method` (17+): an AccessError, code 4. */
  privateMethod(model: string, method: string): OdooFault {
    const detail =
      major(this.version) === 16
        ? `Private methods (such as ${method}) cannot be called remotely.`
        : `Private methods (such as '${model}.${method}') cannot be called remotely.`;
    return new OdooFault(4, 'odoo.exceptions.AccessError', detail, 'access', detail);
  }

  /** Python's own argument-binding errors; JSON-2 answers these with 422 (erp-apis.md §1.4). */
  typeError(detail: string): OdooFault {
    return this.app('builtins.TypeError', detail, 'arguments');
  }

  user(detail: string): OdooFault {
    return new OdooFault(2, 'odoo.exceptions.UserError', detail, 'user', detail);
  }

  /** [UNVERIFIED text] MissingError is a UserError subclass, hence code 2. */
  missing(model: string, ids: readonly number[], uid: number): OdooFault {
    const detail = `Record does not exist or has been deleted.\n(Record: ${recordsetRepr(model, ids)}, User: ${uid})`;
    return new OdooFault(2, 'odoo.exceptions.MissingError', detail, 'user', detail);
  }

  /** Captured in v16-11 / v18-11: bad credentials give code 3 and exactly "Access Denied". */
  accessDenied(): OdooFault {
    return new OdooFault(3, 'odoo.exceptions.AccessDenied', 'Access Denied', 'access_denied', 'Access Denied');
  }

  /**
   * ACL refusal, code 4, no traceback: header, tab-indented group list and closing line as captured in
   * v18-26 and v18-29 (read on 18.0) [UNVERIFIED for the other operations and versions].
   */
  accessError(operation: AclOperation, description: string, model: string, groups: readonly string[]): OdooFault {
    const header = ACL_HEADERS[operation].replace('%(kind)s', description).replace('%(model)s', model);
    const groupInfo = groups.length
      ? `This operation is allowed for the following groups:\n${groups.map((g) => `\t- ${g}`).join('\n')}`
      : 'No group currently allows this operation.';
    const detail = `${header}\n\n${groupInfo}\n\nContact your administrator to request access if necessary.`;
    return new OdooFault(4, 'odoo.exceptions.AccessError', detail, 'access', detail);
  }

  /**
   * IntegrityError as `odoo.service.model` rewrites it into a ValidationError (code 2): NOT NULL on a
   * required field, or a foreign key to a missing record [UNVERIFIED wording, from 16.0 sources].
   */
  notNull(description: string, model: string, fieldLabel: string, field: string): OdooFault {
    return this.validation(
      'The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n' +
        '- Delete: another model requires the record being deleted. If possible, archive it instead.\n\n' +
        `Model: ${description} (${model}), Field: ${fieldLabel} (${field})`,
    );
  }

  foreignKey(description: string, model: string, field: string): OdooFault {
    return this.validation(
      'The operation cannot be completed: another model requires the record being deleted. If possible, archive it instead.\n\n' +
        `Model: ${description} (${model}), Constraint: ${model.replace(/\./g, '_')}_${field}_fkey`,
    );
  }

  validation(detail: string): OdooFault {
    return new OdooFault(2, 'odoo.exceptions.ValidationError', detail, 'user', detail);
  }

  /** Any other Python exception, formatted as a traceback (code 1). */
  python(exception: string, detail: string, kind: FaultKind = 'application'): OdooFault {
    return this.app(exception, detail, kind);
  }

  invalidDatetime(kind: 'date' | 'timestamp', value: unknown): OdooFault {
    return this.app(
      'psycopg2.errors.InvalidDatetimeFormat',
      `invalid input syntax for type ${kind}: "${String(value)}"`,
    );
  }
}

export type AclOperation = 'read' | 'write' | 'create' | 'unlink';

const ACL_HEADERS: Record<AclOperation, string> = {
  read: "You are not allowed to access '%(kind)s' (%(model)s) records.",
  write: "You are not allowed to modify '%(kind)s' (%(model)s) records.",
  create: "You are not allowed to create '%(kind)s' (%(model)s) records.",
  unlink: "You are not allowed to delete '%(kind)s' (%(model)s) records.",
};
