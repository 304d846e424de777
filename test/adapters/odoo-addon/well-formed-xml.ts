/**
 * A small XML 1.0 well-formedness parser for the addon's files, which builds the element tree the
 * view rules walk. xml2js (strict) is used beside it as a second opinion, but it resolves as soon
 * as the root closes and ignores what follows (adapters/odoo/xmlrpc/decode.ts works around it),
 * and its tree loses the order of mixed children. No DTD: Odoo data files have none.
 */

export interface XmlElement {
  name: string;
  attributes: Map<string, string>;
  children: XmlNode[];
  /** 1-based line of the start tag, for messages. */
  line: number;
}

export type XmlNode = XmlElement | { text: string; line: number };

export class XmlSyntaxError extends Error {
  constructor(
    readonly problem: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`line ${line}, column ${column}: ${problem}`);
  }
}

export function isElement(node: XmlNode): node is XmlElement {
  return 'name' in node;
}

const NAME_START =
  ':A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD';
/** XML's NameChar less the combining marks U+0300–036F and U+203F–2040, which no Odoo file uses in a name. */
const NAME = new RegExp(`[${NAME_START}][${NAME_START}\\-.0-9\\u00B7]*`, 'y');
/** Characters XML 1.0 allows (§2.2), less the surrogate pairs JS strings hold as two units. */
const FORBIDDEN_CHAR = /[^\t\n\r\u0020-\uD7FF\uD800-\uDFFF\uE000-\uFFFD]/;
const PREDEFINED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Parses a whole document; throws XmlSyntaxError at the first problem. */
export function parseXml(source: string): XmlElement {
  return new Parser(source).document();
}

class Parser {
  private pos = 0;

  constructor(private readonly src: string) {}

  document(): XmlElement {
    if (this.src.startsWith('\uFEFF')) this.pos = 1;
    const bad = FORBIDDEN_CHAR.exec(this.src);
    if (bad)
      this.fail(`character U+${bad[0].charCodeAt(0).toString(16).padStart(4, '0')} is not allowed in XML`, bad.index);
    if (this.src.startsWith('<?xml', this.pos) && /\s/.test(this.src[this.pos + 5] ?? '')) this.declaration();
    this.misc();
    if (this.src.startsWith('<!DOCTYPE', this.pos)) this.fail('a DOCTYPE is not expected in an Odoo file');
    if (this.src[this.pos] !== '<')
      this.fail(this.pos >= this.src.length ? 'no root element' : 'text before the root element');
    const root = this.element();
    this.misc();
    if (this.pos < this.src.length) this.fail('content after the root element');
    return root;
  }

  private declaration(): void {
    const end = this.src.indexOf('?>', this.pos);
    if (end < 0) this.fail('unterminated XML declaration');
    const body = this.src.slice(this.pos + 5, end);
    if (
      !/^\s+version\s*=\s*(['"])1\.[0-9]+\1(\s+encoding\s*=\s*(['"])[A-Za-z][A-Za-z0-9._-]*\3)?(\s+standalone\s*=\s*(['"])(yes|no)\5)?\s*$/.test(
        body,
      )
    )
      this.fail('malformed XML declaration');
    this.pos = end + 2;
  }

  /** Comments, processing instructions and blanks (outside the root element). */
  private misc(): void {
    for (;;) {
      this.skipBlanks();
      if (this.src.startsWith('<!--', this.pos)) this.comment();
      else if (this.src.startsWith('<?', this.pos)) this.instruction();
      else return;
    }
  }

  private comment(): void {
    const end = this.src.indexOf('-->', this.pos + 4);
    if (end < 0) this.fail('unterminated comment');
    // §2.5: "--" must not occur inside a comment, and "--->" does not end one.
    const dashes = this.src.indexOf('--', this.pos + 4);
    if (dashes < end) this.fail('"--" inside a comment', dashes);
    this.pos = end + 3;
  }

  private instruction(): void {
    const start = this.pos;
    this.pos += 2;
    const target = this.name('processing instruction');
    if (target.toLowerCase() === 'xml') this.fail('the XML declaration is only allowed at the very start', start);
    const end = this.src.indexOf('?>', this.pos);
    if (end < 0) this.fail('unterminated processing instruction', start);
    this.pos = end + 2;
  }

  private element(): XmlElement {
    const start = this.pos;
    this.pos++;
    const name = this.name('element');
    const attributes = new Map<string, string>();
    for (;;) {
      const blanks = this.skipBlanks();
      if (this.src.startsWith('/>', this.pos)) {
        this.pos += 2;
        return { name, attributes, children: [], line: this.lineOf(start) };
      }
      if (this.src[this.pos] === '>') {
        this.pos++;
        break;
      }
      if (this.pos >= this.src.length) this.fail(`unterminated start tag <${name}>`, start);
      if (!blanks) this.fail(`expected white space, ">" or "/>" in <${name}>`);
      const attrStart = this.pos;
      const attr = this.name('attribute');
      this.skipBlanks();
      if (this.src[this.pos] !== '=') this.fail(`attribute ${attr} of <${name}> has no value`);
      this.pos++;
      this.skipBlanks();
      const quote = this.src[this.pos];
      if (quote !== '"' && quote !== "'") this.fail(`the value of attribute ${attr} is not quoted`);
      const end = this.src.indexOf(quote, this.pos + 1);
      if (end < 0) this.fail(`unterminated value of attribute ${attr}`);
      const raw = this.src.slice(this.pos + 1, end);
      const lt = raw.indexOf('<');
      if (lt >= 0) this.fail(`"<" in the value of attribute ${attr} (write &lt;)`, this.pos + 1 + lt);
      if (attributes.has(attr)) this.fail(`attribute ${attr} appears twice in <${name}>`, attrStart);
      attributes.set(attr, this.references(raw, this.pos + 1));
      this.pos = end + 1;
    }
    const children = this.content(name, start);
    return { name, attributes, children, line: this.lineOf(start) };
  }

  private content(parent: string, parentStart: number): XmlNode[] {
    const children: XmlNode[] = [];
    let text = '';
    let textStart = this.pos;
    const flush = () => {
      if (text !== '') children.push({ text, line: this.lineOf(textStart) });
      text = '';
    };
    for (;;) {
      const lt = this.src.indexOf('<', this.pos);
      if (lt < 0) this.fail(`<${parent}> is never closed`, parentStart);
      const raw = this.src.slice(this.pos, lt);
      const cdataEnd = raw.indexOf(']]>');
      if (cdataEnd >= 0) this.fail('"]]>" in text', this.pos + cdataEnd);
      if (raw !== '' && text === '') textStart = this.pos;
      text += this.references(raw, this.pos);
      this.pos = lt;
      if (this.src.startsWith('</', this.pos)) {
        this.pos += 2;
        const closing = this.name('end tag');
        this.skipBlanks();
        if (this.src[this.pos] !== '>') this.fail(`malformed end tag </${closing}>`);
        if (closing !== parent)
          this.fail(`</${closing}> closes <${parent}> (opened on line ${this.lineOf(parentStart)})`, lt);
        this.pos++;
        flush();
        return children;
      }
      if (this.src.startsWith('<!--', this.pos)) this.comment();
      else if (this.src.startsWith('<![CDATA[', this.pos)) {
        const end = this.src.indexOf(']]>', this.pos);
        if (end < 0) this.fail('unterminated CDATA section');
        if (text === '') textStart = this.pos;
        text += this.src.slice(this.pos + 9, end);
        this.pos = end + 3;
      } else if (this.src.startsWith('<?', this.pos)) this.instruction();
      else if (this.src.startsWith('<!', this.pos)) this.fail('markup declaration inside an element');
      else {
        flush();
        children.push(this.element());
      }
    }
  }

  /** Replaces entity and character references; a bare "&" or an unknown entity is an error. */
  private references(raw: string, offset: number): string {
    return raw.replace(/&([^;&\s<]*);?/g, (whole, body: string, at: number) => {
      if (!whole.endsWith(';')) this.fail('"&" that starts no reference (write &amp;)', offset + at);
      const named = PREDEFINED[body];
      if (named !== undefined) return named;
      const m = /^#(?:x([0-9A-Fa-f]+)|([0-9]+))$/.exec(body);
      if (!m) this.fail(`unknown entity &${body};`, offset + at);
      const code = m[1] !== undefined ? parseInt(m[1], 16) : Number(m[2]);
      const char = code <= 0x10ffff ? String.fromCodePoint(code) : '';
      if (char === '' || (code < 0x10000 && FORBIDDEN_CHAR.test(char)) || (code >= 0xd800 && code <= 0xdfff))
        this.fail(`&${body}; is not a character XML allows`, offset + at);
      return char;
    });
  }

  private name(what: string): string {
    NAME.lastIndex = this.pos;
    const m = NAME.exec(this.src);
    if (!m) this.fail(`expected the name of an ${what}`);
    this.pos += m[0].length;
    return m[0];
  }

  private skipBlanks(): boolean {
    const start = this.pos;
    while (/[ \t\r\n]/.test(this.src[this.pos] ?? '')) this.pos++;
    return this.pos > start;
  }

  private lineOf(offset: number): number {
    let line = 1;
    for (let i = 0; i < offset; i++) if (this.src.charCodeAt(i) === 10) line++;
    return line;
  }

  private fail(problem: string, at = this.pos): never {
    const before = this.src.slice(0, at);
    throw new XmlSyntaxError(problem, this.lineOf(at), at - before.lastIndexOf('\n'));
  }
}

/** The element children of a node, in order. */
export function elements(node: XmlElement): XmlElement[] {
  return node.children.filter(isElement);
}

/** Every element of the tree, depth first, with its ancestors (nearest last). */
export function* walk(node: XmlElement, ancestors: XmlElement[] = []): Generator<[XmlElement, XmlElement[]]> {
  yield [node, ancestors];
  for (const child of elements(node)) yield* walk(child, [...ancestors, node]);
}

/** The text of a node and its descendants. */
export function textOf(node: XmlElement): string {
  return node.children.map((c) => (isElement(c) ? textOf(c) : c.text)).join('');
}
