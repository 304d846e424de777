import { Parser, type ParserOptions } from 'xml2js';
import {
  isXmlRpcStruct,
  memberPath,
  XmlRpcDouble,
  XmlRpcProtocolError,
  type XmlRpcDocumentKind,
  type XmlRpcStruct,
  type XmlRpcValue,
} from './values';

export interface DecodeOptions {
  /**
   * Decode every `<double>` into an `XmlRpcDouble` instead of a plain number, so that
   * re-encoding writes `<double>31750.0</double>` again rather than `<int>31750</int>`.
   * Default false: the adapter reads amounts as plain numbers; byte-exact round trips (tests,
   * a simulator echoing a request) turn it on.
   */
  keepDoubles?: boolean;
}

export type DecodedMethodResponse =
  { kind: 'result'; value: XmlRpcValue } | { kind: 'fault'; code: number | string; message: string };

export interface DecodedMethodCall {
  method: string;
  params: XmlRpcValue[];
}

/**
 * xml2js's plain tree: an element with only text (or nothing) becomes that text, verbatim — a
 * whitespace-only or NBSP-only string included, as `emptyTag: ''` hands back the text it
 * dropped; an element with children becomes an object holding each child name's elements in
 * document order and, under `_`, its non-blank text. Order ACROSS names is the order names first
 * appear, which is all XML-RPC needs (struct members and array items are each one name). This
 * tree costs a third of the order-preserving one in time and far less in garbage, which is what
 * bounds the memory of a sync reading hundreds of pages. Element names get a prefix so that no
 * element can be mistaken for xml2js's `_` key.
 */
const ELEMENT_PREFIX = 'el:';
const TEXT_KEY = '_';
const PARSER_OPTIONS: ParserOptions = {
  explicitRoot: true,
  explicitArray: true,
  explicitChildren: false,
  ignoreAttrs: true,
  trim: false,
  normalize: false,
  normalizeTags: false,
  emptyTag: '',
  charkey: TEXT_KEY,
  strict: true,
  async: false,
  tagNameProcessors: [(name: string) => `${ELEMENT_PREFIX}${name}`],
};

/** An element: its text when it has no child element, else its children by name and its text. */
type XmlNode = string | XmlContainer;
interface XmlContainer {
  [key: string]: XmlNode[] | string | undefined;
}
/** An element with its name, as the decoder walks them. */
interface Element {
  tag: string;
  node: XmlNode;
}

/**
 * Odoo's deepest values are domains inside args (4 levels); the limit only keeps a hostile or
 * broken body from exhausting the stack, which would surface as a RangeError, not a typed error.
 */
const MAX_NESTING = 64;

const XML_WHITESPACE = /^[ \t\r\n]*$/;
/** Python's int() accepts surrounding whitespace and a sign. */
const INTEGER_TEXT = /^[ \t\r\n]*([+-]?[0-9]+)[ \t\r\n]*$/;
const DOUBLE_TEXT = /^[ \t\r\n]*([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)[ \t\r\n]*$/;

export async function decodeMethodResponse(xml: string, options: DecodeOptions = {}): Promise<DecodedMethodResponse> {
  const d = new Decoder('methodResponse', options);
  const root = await d.parse(xml);
  const [body, extra] = d.elements(root, '');
  if (body === undefined) throw d.error('', '<methodResponse> has neither <params> nor <fault>');
  if (extra !== undefined)
    throw d.error(
      '',
      `<methodResponse> holds <${d.tag(body)}> and <${d.tag(extra)}>; expected one <params> or one <fault>`,
    );
  const bodyTag = d.tag(body);
  if (bodyTag === 'fault') return d.fault(body);
  if (bodyTag !== 'params') throw d.error('', `<methodResponse> holds <${bodyTag}>; expected <params> or <fault>`);
  const params = d.params(body);
  // ServerProxy hands back response[0]: a response carries exactly one value.
  if (params.length !== 1) throw d.error('params', `holds ${params.length} <param>; a response carries exactly one`);
  return { kind: 'result', value: params[0] as XmlRpcValue };
}

export async function decodeMethodCall(xml: string, options: DecodeOptions = {}): Promise<DecodedMethodCall> {
  const d = new Decoder('methodCall', options);
  const root = await d.parse(xml);
  let method: string | undefined;
  let params: XmlRpcValue[] | undefined;
  for (const child of d.elements(root, '')) {
    const tag = d.tag(child);
    if (tag === 'methodName' && method === undefined) {
      method = d.text(child, 'methodName');
    } else if (tag === 'params' && params === undefined) {
      params = d.params(child);
    } else {
      throw d.error('', `<methodCall> holds an unexpected <${tag}>`);
    }
  }
  if (method === undefined) throw d.error('', '<methodCall> has no <methodName>');
  if (method === '') throw d.error('methodName', 'is empty');
  // CPython's loads() accepts a call without <params> as a call without arguments.
  return { method, params: params ?? [] };
}

class Decoder {
  constructor(
    private readonly document: XmlRpcDocumentKind,
    private readonly options: DecodeOptions,
  ) {}

  async parse(xml: string): Promise<Element> {
    if (typeof xml !== 'string') throw this.error('', `body must be a string, not ${typeof xml}`);
    // Stripped here rather than by xml2js so that sax's positions index this very string.
    const text = xml.startsWith('\uFEFF') ? xml.slice(1) : xml;
    if (XML_WHITESPACE.test(text)) throw this.error('', 'body is empty');
    const parser = new Parser(PARSER_OPTIONS);
    let rootEnd: number | undefined;
    // xml2js resolves as soon as the root element closes and ignores what follows, so the
    // offset sax has reached at that moment is kept to check the tail below.
    parser.once('end', () => {
      const position = (parser as unknown as { saxParser?: { position?: unknown } }).saxParser?.position;
      if (typeof position === 'number') rootEnd = position;
    });
    let result: unknown;
    try {
      result = await parser.parseStringPromise(text);
    } catch (cause) {
      const detail = cause instanceof Error ? cause.message.replace(/\s*\n\s*/g, ', ') : String(cause);
      throw this.error('', `is not well-formed XML (${detail})`, cause);
    }
    const entries =
      typeof result === 'object' && result !== null ? Object.entries(result as Record<string, unknown>) : [];
    const [rootName, root] = entries[0] ?? [];
    if (rootName !== `${ELEMENT_PREFIX}${this.document}` || entries.length !== 1) {
      const got = typeof rootName === 'string' ? `<${rootName.slice(ELEMENT_PREFIX.length)}>` : 'nothing';
      throw this.error('', `expected a <${this.document}> root element, got ${got}`);
    }
    if (rootEnd !== undefined && !onlyMiscellany(text.slice(rootEnd))) {
      throw this.error('', `has content after the root element </${this.document}>`);
    }
    return { tag: this.document, node: root as XmlNode };
  }

  error(where: string, problem: string, cause?: unknown): XmlRpcProtocolError {
    return new XmlRpcProtocolError(this.document, where, problem, cause === undefined ? undefined : { cause });
  }

  tag(element: Element): string {
    return element.tag;
  }

  /** The element children of a container; text beside them may only be blank. */
  elements(element: Element, where: string): Element[] {
    const { node } = element;
    if (typeof node === 'string') {
      if (!XML_WHITESPACE.test(node)) throw this.error(where, `<${element.tag}> holds stray text ${quote(node)}`);
      return [];
    }
    const stray = node[TEXT_KEY];
    if (typeof stray === 'string' && !XML_WHITESPACE.test(stray))
      throw this.error(where, `<${element.tag}> holds stray text ${quote(stray)}`);
    return childrenOf(node);
  }

  /**
   * The whole text of a scalar element, verbatim (no trimming: strings keep their spaces).
   * sax does not fold CRLF into LF as expat does, so a CR Odoo sent raw comes back as a CR.
   */
  text(element: Element, where: string): string {
    const { node } = element;
    if (typeof node === 'string') return node;
    const [child] = childrenOf(node);
    throw this.error(where, `<${element.tag}> holds an element <${child?.tag ?? '?'}>; expected text only`);
  }

  params(node: Element): XmlRpcValue[] {
    return this.elements(node, 'params').map((param, i) => {
      const where = `params[${i}]`;
      if (this.tag(param) !== 'param')
        throw this.error('params', `holds <${this.tag(param)}> where <param> ${i + 1} was expected`);
      const [value, extra] = this.elements(param, where);
      if (value === undefined || this.tag(value) !== 'value') throw this.error(where, '<param> has no <value>');
      if (extra !== undefined) throw this.error(where, `<param> holds <${this.tag(extra)}> after its <value>`);
      return this.value(value, where, 0);
    });
  }

  fault(node: Element): DecodedMethodResponse {
    const [value, extra] = this.elements(node, 'fault');
    if (value === undefined || this.tag(value) !== 'value') throw this.error('fault', '<fault> has no <value>');
    if (extra !== undefined) throw this.error('fault', `<fault> holds <${this.tag(extra)}> after its <value>`);
    const fields = this.value(value, 'fault', 0);
    if (!isXmlRpcStruct(fields)) throw this.error('fault', 'is not a <struct>');
    if (!Object.hasOwn(fields, 'faultCode')) throw this.error('fault', 'has no faultCode member');
    if (!Object.hasOwn(fields, 'faultString')) throw this.error('fault', 'has no faultString member');
    const code = fields['faultCode'];
    const message = fields['faultString'];
    // /xmlrpc/2 sends an int, the legacy /xmlrpc/<service> a string (erp-apis.md §1.3 "Fault codes").
    if (typeof code !== 'number' && typeof code !== 'string')
      throw this.error('fault.faultCode', 'must be an <int> or a <string>');
    if (typeof code === 'number' && !Number.isInteger(code))
      throw this.error('fault.faultCode', 'is a <double>, not an <int>');
    if (typeof message !== 'string') throw this.error('fault.faultString', 'is not a <string>');
    return { kind: 'fault', code, message };
  }

  value(node: Element, where: string, depth: number): XmlRpcValue {
    if (depth > MAX_NESTING) throw this.error(where, `nests arrays and structs more than ${MAX_NESTING} deep`);
    // XML-RPC spec: a <value> without a type tag is a string, kept verbatim like Python does.
    if (typeof node.node === 'string') return node.node;
    const [typeNode, extra] = childrenOf(node.node);
    if (typeNode === undefined) throw this.error(where, '<value> is empty');
    if (extra !== undefined)
      throw this.error(where, `<value> holds <${this.tag(typeNode)}> and <${this.tag(extra)}>; expected one type tag`);
    this.elements(node, where);
    const tag = this.tag(typeNode);
    switch (tag) {
      case 'int':
      case 'i4':
      case 'i8':
        return this.integer(this.text(typeNode, where), tag, where);
      case 'boolean':
        return this.boolean(this.text(typeNode, where), where);
      case 'double':
        return this.double(this.text(typeNode, where), where);
      case 'string':
        return this.text(typeNode, where);
      case 'nil':
        if (!XML_WHITESPACE.test(this.text(typeNode, where))) throw this.error(where, '<nil/> must be empty');
        return null;
      // Odoo itself never sends these (dates are strings, binaries base64 strings, §1.3): the
      // text is returned as it stands and re-encodes as <string>.
      case 'dateTime.iso8601':
      case 'base64':
        return this.text(typeNode, where);
      case 'array':
        return this.array(typeNode, where, depth);
      case 'struct':
        return this.struct(typeNode, where, depth);
      default:
        throw this.error(where, `has an unknown type tag <${tag}>`);
    }
  }

  /**
   * `<int>`, `<i4>` and `<i8>` read alike, without a range check, as CPython's unmarshaller
   * does. Beyond Number.MAX_SAFE_INTEGER the value is a bigint rather than a rounded number.
   */
  integer(text: string, tag: string, where: string): number | bigint {
    const match = INTEGER_TEXT.exec(text);
    if (match?.[1] === undefined) throw this.error(where, `<${tag}> holds ${quote(text)}, not an integer`);
    const big = BigInt(match[1]);
    const safe = big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= BigInt(Number.MIN_SAFE_INTEGER);
    return safe ? Number(big) : big;
  }

  /** Exactly "0" or "1", as CPython's end_boolean insists. */
  boolean(text: string, where: string): boolean {
    if (text === '0') return false;
    if (text === '1') return true;
    throw this.error(where, `<boolean> holds ${quote(text)}; only 0 or 1 are allowed`);
  }

  double(text: string, where: string): number | XmlRpcDouble {
    const match = DOUBLE_TEXT.exec(text);
    const value = match?.[1] === undefined ? Number.NaN : Number(match[1]);
    // Python would also take "nan" and "inf"; an amount that is not finite is not one we can use.
    if (!Number.isFinite(value)) throw this.error(where, `<double> holds ${quote(text)}, not a finite number`);
    return this.options.keepDoubles === true ? new XmlRpcDouble(value) : value;
  }

  array(node: Element, where: string, depth: number): XmlRpcValue[] {
    const [data, extra] = this.elements(node, where);
    if (data === undefined || this.tag(data) !== 'data') throw this.error(where, '<array> has no <data>');
    if (extra !== undefined) throw this.error(where, `<array> holds <${this.tag(extra)}> after its <data>`);
    return this.elements(data, where).map((item, i) => {
      if (this.tag(item) !== 'value')
        throw this.error(where, `<data> holds <${this.tag(item)}> where <value> ${i + 1} was expected`);
      return this.value(item, `${where}[${i}]`, depth + 1);
    });
  }

  struct(node: Element, where: string, depth: number): XmlRpcStruct {
    const struct: Record<string, XmlRpcValue> = {};
    this.elements(node, where).forEach((member, i) => {
      const ordinal = `struct member ${i + 1}`;
      if (this.tag(member) !== 'member')
        throw this.error(where, `${ordinal} is a <${this.tag(member)}>, not a <member>`);
      let nameNode: Element | undefined;
      let valueNode: Element | undefined;
      for (const part of this.elements(member, where)) {
        const tag = this.tag(part);
        if (tag === 'name' && nameNode === undefined) nameNode = part;
        else if (tag === 'value' && valueNode === undefined) valueNode = part;
        else throw this.error(where, `${ordinal} holds an unexpected <${tag}>`);
      }
      if (nameNode === undefined) throw this.error(where, `${ordinal} has no <name>`);
      const name = this.text(nameNode, `${where} ${ordinal}`);
      if (valueNode === undefined) throw this.error(where, `${ordinal} (${JSON.stringify(name)}) has no <value>`);
      // defineProperty, not assignment: a member named "__proto__" must stay a member. A
      // repeated name keeps its first position and its last value, as a Python dict does.
      Object.defineProperty(struct, name, {
        value: this.value(valueNode, memberPath(where, name), depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    });
    return struct;
  }
}

/** The child elements of a container: each name's elements in document order, names in order of appearance. */
function childrenOf(node: XmlContainer): Element[] {
  const found: Element[] = [];
  for (const key of Object.keys(node)) {
    if (key === TEXT_KEY) continue;
    const elements = node[key];
    if (!Array.isArray(elements)) continue;
    const tag = key.slice(ELEMENT_PREFIX.length);
    for (const child of elements) found.push({ tag, node: child });
  }
  return found;
}

/** Whitespace, comments and processing instructions: all XML allows after the root element. */
function onlyMiscellany(tail: string): boolean {
  let rest = trimXmlWhitespaceEnd(tail);
  for (;;) {
    if (rest.endsWith('-->')) {
      const start = rest.lastIndexOf('<!--');
      if (start < 0) return false;
      rest = trimXmlWhitespaceEnd(rest.slice(0, start));
    } else if (rest.endsWith('?>')) {
      const start = rest.lastIndexOf('<?');
      if (start < 0) return false;
      rest = trimXmlWhitespaceEnd(rest.slice(0, start));
    } else {
      return XML_WHITESPACE.test(rest);
    }
  }
}

function trimXmlWhitespaceEnd(text: string): string {
  let end = text.length;
  while (end > 0 && ' \t\r\n'.includes(text.charAt(end - 1))) end--;
  return text.slice(0, end);
}

/** A short, quoted sample of offending text for error messages; never a whole body. */
function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}
