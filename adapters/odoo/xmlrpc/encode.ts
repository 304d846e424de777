import {
  memberPath,
  XMLRPC_MAX_INT,
  XMLRPC_MIN_INT,
  XmlRpcDouble,
  XmlRpcMarshalError,
  isXmlRpcStruct,
  type XmlRpcValue,
} from './values';

/**
 * The bytes Python's `xmlrpc.client` (requests) and Odoo 16.0 / 18.0 (responses) put on the
 * wire, reproduced exactly: the captures in adapters/odoo/fixtures/xmlrpc-captures (from shared/reference/odoo-xmlrpc-samples) are the spec.
 * Built with strings on purpose: xml2js's Builder indents and closes elements its own way and
 * cannot write Python's Marshaller layout (a newline after `<data>`, after each `</value>`,
 * none between `<value>` and its type tag). Decoding does go through xml2js (decode.ts).
 */

/** Which server's envelope to write: 16.0 uses `xmlrpc.client.dumps`, 18.0 its own f-string. */
export type OdooFlavour = '16' | '18';

// Python's xmlrpc.client.dumps writes the declaration with single quotes (every *.request.xml
// and v16-*.response.xml); Odoo 18 writes double quotes and ends the marshalled body with an
// extra "\n" before </methodResponse> (v18-*.response.xml, erp-apis.md §1.3).
const PYTHON_XML_DECLARATION = "<?xml version='1.0'?>\n";
const ODOO18_XML_DECLARATION = '<?xml version="1.0"?>\n';

/** XML-RPC's method-name alphabet; Python does not escape the name, so anything else would be broken XML. */
const METHOD_NAME = /^[A-Za-z0-9_.:/]+$/;

// Odoo's OdooMarshaller.dump_unicode drops C0 controls except tab, LF and CR because XML 1.0
// forbids them (erp-apis.md §1.3, CONTROL_CHARACTERS). Python's client would send them raw and
// Odoo's expat would reject the request, so requests are cleaned the same way.
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g;
// eslint-disable-next-line no-control-regex
const ANY_FORBIDDEN_CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;

/** Python's xmlrpc.client.escape: only `&`, `<` and `>`; quotes stay as they are. */
function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function encodeMethodCall(method: string, params: readonly XmlRpcValue[]): string {
  if (typeof method !== 'string' || !METHOD_NAME.test(method)) {
    throw new XmlRpcMarshalError('unsupported', `invalid XML-RPC method name ${JSON.stringify(method)}`, 'methodName');
  }
  if (!Array.isArray(params)) {
    throw new XmlRpcMarshalError('unsupported', 'params must be an array', 'params');
  }
  return `${PYTHON_XML_DECLARATION}<methodCall>\n<methodName>${method}</methodName>\n${paramsBlock(params)}</methodCall>\n`;
}

export function encodeMethodResponse(value: XmlRpcValue, flavour: OdooFlavour): string {
  return envelope(paramsBlock([value]), flavour);
}

/**
 * `code` is an int on /xmlrpc/2 and a string on the legacy /xmlrpc/<service> endpoints
 * (erp-apis.md §1.3 "Fault codes").
 */
export function encodeFault(code: number | string, message: string, flavour: OdooFlavour): string {
  if (typeof code !== 'string' && !(typeof code === 'number' && Number.isInteger(code))) {
    throw new XmlRpcMarshalError(
      'unsupported',
      `faultCode must be an int or a string, not ${describe(code)}`,
      'fault.faultCode',
    );
  }
  if (typeof message !== 'string') {
    throw new XmlRpcMarshalError(
      'unsupported',
      `faultString must be a string, not ${describe(message)}`,
      'fault.faultString',
    );
  }
  const out: string[] = ['<fault>\n'];
  writeValue({ faultCode: code, faultString: message }, out, 'fault', new Set());
  out.push('</fault>\n');
  return envelope(out.join(''), flavour);
}

function envelope(body: string, flavour: OdooFlavour): string {
  return flavour === '18'
    ? `${ODOO18_XML_DECLARATION}<methodResponse>\n${body}\n</methodResponse>\n`
    : `${PYTHON_XML_DECLARATION}<methodResponse>\n${body}</methodResponse>\n`;
}

function paramsBlock(params: readonly XmlRpcValue[]): string {
  const out: string[] = ['<params>\n'];
  const inProgress = new Set<object>();
  params.forEach((param, i) => {
    out.push('<param>\n');
    writeValue(param, out, `params[${i}]`, inProgress);
    out.push('</param>\n');
  });
  out.push('</params>\n');
  return out.join('');
}

/** `inProgress` holds the containers being written, to refuse cycles as Python's memo does. */
function writeValue(value: XmlRpcValue, out: string[], path: string, inProgress: Set<object>): void {
  switch (typeof value) {
    case 'boolean':
      out.push(`<value><boolean>${value ? '1' : '0'}</boolean></value>\n`);
      return;
    case 'string':
      out.push(`<value><string>${escapeText(value.replace(FORBIDDEN_CONTROL_CHARACTERS, ''))}</string></value>\n`);
      return;
    case 'number':
      if (Number.isInteger(value)) {
        writeInt(value, out, path);
      } else {
        writeDouble(value, out, path);
      }
      return;
    case 'bigint':
      writeInt(value, out, path);
      return;
    case 'undefined':
      throw noneError(path);
    case 'object':
      break;
    default:
      throw new XmlRpcMarshalError('unsupported', `cannot marshal ${typeof value} values`, path);
  }
  if (value === null) throw noneError(path);
  if (value instanceof XmlRpcDouble) {
    writeDouble(value.value, out, path);
    return;
  }
  if (Array.isArray(value)) {
    const items: readonly XmlRpcValue[] = value;
    if (inProgress.has(items)) throw new XmlRpcMarshalError('recursion', 'cannot marshal recursive sequences', path);
    inProgress.add(items);
    out.push('<value><array><data>\n');
    // A for loop, not forEach: holes in sparse arrays must reach the None check.
    for (let i = 0; i < items.length; i++) writeValue(items[i] as XmlRpcValue, out, `${path}[${i}]`, inProgress);
    out.push('</data></array></value>\n');
    inProgress.delete(items);
    return;
  }
  if (isXmlRpcStruct(value)) {
    if (inProgress.has(value)) throw new XmlRpcMarshalError('recursion', 'cannot marshal recursive dictionaries', path);
    inProgress.add(value);
    out.push('<value><struct>\n');
    for (const [name, member] of Object.entries(value)) {
      const where = memberPath(path, name);
      // Odoo strips control characters from string values only; in a member name they would
      // either break the XML or silently merge two members, so they are refused.
      if (ANY_FORBIDDEN_CONTROL_CHARACTER.test(name)) {
        throw new XmlRpcMarshalError('unsupported', 'struct member name contains a control character', where);
      }
      out.push(`<member>\n<name>${escapeText(name)}</name>\n`);
      writeValue(member, out, where, inProgress);
      out.push('</member>\n');
    }
    out.push('</struct></value>\n');
    inProgress.delete(value);
    return;
  }
  throw new XmlRpcMarshalError('unsupported', `cannot marshal ${describe(value)} objects`, path);
}

function writeInt(value: number | bigint, out: string[], path: string): void {
  if (value > XMLRPC_MAX_INT || value < XMLRPC_MIN_INT) {
    // Python's dump_long; Odoo adds no <i8> (erp-apis.md §1.3 "Big integers").
    throw new XmlRpcMarshalError('overflow', 'int exceeds XML-RPC limits', path);
  }
  // `+ 0` turns -0 into 0: Python has no negative integer zero.
  out.push(`<value><int>${typeof value === 'bigint' ? value.toString() : String(value + 0)}</int></value>\n`);
}

function writeDouble(value: number, out: string[], path: string): void {
  // Python would write repr(): "nan", "inf". Neither is XML-RPC, and no Odoo amount should be one.
  if (!Number.isFinite(value)) {
    throw new XmlRpcMarshalError('unsupported', `cannot marshal non-finite double ${String(value)}`, path);
  }
  out.push(`<value><double>${pythonFloatRepr(value)}</double></value>\n`);
}

/**
 * Python's `repr(float)`, which dump_double writes: the shortest digits that round-trip (the
 * same digits JS picks), in fixed notation with at least ".0" while the decimal exponent is in
 * [-4, 16), otherwise `d.ddde+XX` with a signed, at least two-digit exponent.
 */
export function pythonFloatRepr(value: number): string {
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const [mantissa = '', exponentText = ''] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  const sign = value < 0 ? '-' : '';
  const digits = mantissa.replace('-', '').replace('.', '');
  if (exponent < -4 || exponent >= 16) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const magnitude = String(Math.abs(exponent)).padStart(2, '0');
    return `${sign}${digits[0] ?? ''}${fraction}e${exponent < 0 ? '-' : '+'}${magnitude}`;
  }
  const point = exponent + 1;
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}.0`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

function noneError(path: string): XmlRpcMarshalError {
  return new XmlRpcMarshalError('none', 'cannot marshal None unless allow_none is enabled', path);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  const ctor: unknown = (value as { constructor?: unknown }).constructor;
  return typeof ctor === 'function' && ctor.name !== '' ? `<${ctor.name}>` : 'object';
}
