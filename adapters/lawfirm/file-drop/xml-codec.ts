import { Builder, Parser, processors, type ParserOptions } from 'xml2js';

/**
 * One table per XML document type says, in order, which field becomes which element
 * (`manifest.ts`, `status-file.ts`); these two functions walk a table both ways, so a field is
 * added in one place (its table, and its XSD). Element names are the canonical keys.
 *
 * Validation is the XSD's job (`xsd.ts`); the encoder only checks what the XSD cannot see from
 * a string (a JS number that is not a safe integer, a value of the wrong JS type) and refuses
 * keys that no table maps, so a field added to the canonical dossier is never dropped silently.
 */

export type ScalarType = 'string' | 'integer' | 'date' | 'dateTime' | 'boolean';

interface FieldBase {
  key: string;
  /** May be absent (undefined): left out of the XML, and absent again when read back. */
  optional?: boolean;
  /** May be null: left out of the XML, and null again when read back. */
  nullable?: boolean;
}

export type Field =
  | (FieldBase & { scalar: ScalarType })
  | (FieldBase & { group: readonly Field[] })
  /** A wrapper element holding one `item` element per entry; an optional list is left out when empty. */
  | (FieldBase & { list: { item: string; of: ScalarType | readonly Field[] } });

export const text = (key: string): Field => ({ key, scalar: 'string' });
export const integer = (key: string): Field => ({ key, scalar: 'integer' });
export const date = (key: string): Field => ({ key, scalar: 'date' });
export const dateTime = (key: string): Field => ({ key, scalar: 'dateTime' });
export const boolean = (key: string): Field => ({ key, scalar: 'boolean' });
export const group = (key: string, fields: readonly Field[]): Field => ({ key, group: fields });
export const list = (key: string, item: string, of: ScalarType | readonly Field[]): Field => ({
  key,
  list: { item, of },
});
export const optional = (field: Field): Field => ({ ...field, optional: true });
export const nullable = (field: Field): Field => ({ ...field, nullable: true });

/** A field the encoder cannot write, with its path (e.g. `dossier.claim.lines[0].principal`). */
export class FieldError extends Error {
  override readonly name = 'FieldError';
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path} ${problem}`);
  }
}

/** An element as the decoder reads it: its local name, its text, its child elements in document order. */
export interface XmlElement {
  name: string;
  text: string;
  children: XmlElement[];
}

type BuilderNode = string | { [key: string]: BuilderNode | BuilderNode[] };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function encodeScalar(value: unknown, type: ScalarType, path: string): string {
  switch (type) {
    case 'string':
    case 'date':
    case 'dateTime':
      if (typeof value !== 'string') throw new FieldError(path, `must be a string, got ${typeof value}`);
      return value;
    case 'integer':
      if (typeof value !== 'number' || !Number.isSafeInteger(value))
        throw new FieldError(path, `must be a whole number (minor units), got ${JSON.stringify(value)}`);
      return String(value);
    case 'boolean':
      if (typeof value !== 'boolean') throw new FieldError(path, `must be true or false, got ${JSON.stringify(value)}`);
      return String(value);
  }
}

/** The builder object for `value` (xml2js keeps key order, which is the XSD's sequence). */
export function encodeFields(
  value: Record<string, unknown>,
  fields: readonly Field[],
  path: string,
): Record<string, BuilderNode | BuilderNode[]> {
  const out: Record<string, BuilderNode | BuilderNode[]> = {};
  const mapped = new Set(fields.map((f) => f.key));
  for (const key of Object.keys(value)) {
    if (!mapped.has(key) && value[key] !== undefined) {
      throw new FieldError(
        `${path}.${key}`,
        'is not carried by the file-drop XML: map it in adapters/lawfirm/file-drop (its field table and XSD)',
      );
    }
  }
  for (const field of fields) {
    const at = `${path}.${field.key}`;
    const v = value[field.key];
    if ('list' in field) {
      if (v === undefined || v === null || (field.optional && Array.isArray(v) && v.length === 0)) {
        if (!field.optional) out[field.key] = '';
        continue;
      }
      if (!Array.isArray(v)) throw new FieldError(at, `must be a list, got ${typeof v}`);
      const of = field.list.of;
      const items = v.map((item: unknown, i) => {
        const itemPath = `${at}[${i}]`;
        if (typeof of === 'string') return encodeScalar(item, of, itemPath);
        if (!isPlainObject(item)) throw new FieldError(itemPath, `must be an object, got ${JSON.stringify(item)}`);
        return encodeGroup(item, of, itemPath);
      });
      out[field.key] = items.length === 0 ? '' : { [field.list.item]: items };
      continue;
    }
    if (v === undefined || v === null) {
      if (field.optional || field.nullable) continue;
      throw new FieldError(at, 'is missing');
    }
    if ('group' in field) {
      if (!isPlainObject(v)) throw new FieldError(at, `must be an object, got ${JSON.stringify(v)}`);
      out[field.key] = encodeGroup(v, field.group, at);
    } else {
      out[field.key] = encodeScalar(v, field.scalar, at);
    }
  }
  return out;
}

function encodeGroup(value: Record<string, unknown>, fields: readonly Field[], path: string): BuilderNode {
  const encoded = encodeFields(value, fields, path);
  return Object.keys(encoded).length === 0 ? '' : encoded;
}

function decodeScalar(text: string, type: ScalarType, path: string): string | number | boolean {
  switch (type) {
    case 'string':
      return text;
    case 'date':
    case 'dateTime':
      return text.trim();
    case 'integer': {
      const n = Number(text.trim());
      // The XSD bounds every integer to ±(2^53 - 1); this is the last guard against a float.
      if (!Number.isSafeInteger(n))
        throw new FieldError(path, `is not a whole number within ±(2^53 - 1): ${JSON.stringify(text)}`);
      return n;
    }
    case 'boolean': {
      const t = text.trim();
      return t === 'true' || t === '1';
    }
  }
}

/** The JS value of an element that passed the XSD. Unknown children are ignored (the XSD has refused them already). */
export function decodeFields(element: XmlElement, fields: readonly Field[], path: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const at = `${path}.${field.key}`;
    const child = element.children.find((c) => c.name === field.key);
    if (child === undefined) {
      if (field.nullable) out[field.key] = null;
      else if ('list' in field && !field.optional) out[field.key] = [];
      else if (!field.optional) throw new FieldError(at, 'is missing');
      continue;
    }
    if ('list' in field) {
      const of = field.list.of;
      out[field.key] = child.children
        .filter((c) => c.name === field.list.item)
        .map((item, i) =>
          typeof of === 'string' ? decodeScalar(item.text, of, `${at}[${i}]`) : decodeFields(item, of, `${at}[${i}]`),
        );
    } else if ('group' in field) {
      out[field.key] = decodeFields(child, field.group, at);
    } else {
      out[field.key] = decodeScalar(child.text, field.scalar, at);
    }
  }
  return out;
}

const PRETTY = { pretty: true, indent: '  ', newline: '\n' } as const;

/** A whole XML document: declaration, root element in `namespace`, children in table order. */
export function buildDocument(
  rootName: string,
  namespace: string,
  body: Record<string, BuilderNode | BuilderNode[]>,
): string {
  const builder = new Builder({ rootName, xmldec: { version: '1.0', encoding: 'UTF-8' }, renderOpts: PRETTY });
  return `${builder.buildObject({ $: { xmlns: namespace }, ...body })}\n`;
}

/** One element without declaration, to be placed inside a root written by the caller (children of different names, interleaved). */
export function buildFragment(rootName: string, body: Record<string, BuilderNode | BuilderNode[]>): string {
  return new Builder({ rootName, headless: true, renderOpts: PRETTY }).buildObject(body);
}

/**
 * xml2js's order-preserving tree (`$$` holds children in document order, which a status file's
 * mix of acknowledgements and events needs). Prefixes are stripped: the XSD has already checked
 * that every element is in our namespace.
 */
const PARSER_OPTIONS: ParserOptions = {
  explicitRoot: true,
  explicitArray: true,
  explicitChildren: true,
  preserveChildrenOrder: true,
  childkey: '$$',
  charkey: '_',
  ignoreAttrs: true,
  trim: false,
  normalize: false,
  strict: true,
  tagNameProcessors: [processors.stripPrefix],
};

interface OrderedNode {
  '#name'?: string;
  _?: string;
  $$?: OrderedNode[];
}

function toElement(node: OrderedNode, name: string): XmlElement {
  return {
    name,
    text: typeof node._ === 'string' ? node._ : '',
    children: (node.$$ ?? []).map((child) => toElement(child, child['#name'] ?? '')),
  };
}

export type ParseOutcome =
  { ok: true; root: XmlElement } | { ok: false; line: number | undefined; column: number | undefined; message: string };

/** Parses well-formed XML into elements; a malformed document gives sax's message with its line and column (both from 1). */
export async function parseXml(xml: string): Promise<ParseOutcome> {
  let parsed: unknown;
  try {
    parsed = await new Parser(PARSER_OPTIONS).parseStringPromise(xml);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const where = /Line: (\d+)\s*Column: (\d+)/.exec(message);
    return {
      ok: false,
      // sax counts lines from 0 and columns from 1.
      line: where ? Number(where[1]) + 1 : undefined,
      column: where ? Number(where[2]) : undefined,
      message: message.split('\n')[0] ?? message,
    };
  }
  if (!isPlainObject(parsed)) return { ok: false, line: 1, column: 1, message: 'no root element (the file is empty)' };
  const [rootName, rootNode] = Object.entries(parsed)[0] ?? [];
  if (rootName === undefined) return { ok: false, line: 1, column: 1, message: 'no root element' };
  // An element with nothing inside comes back as a string rather than an object.
  const node: OrderedNode = isPlainObject(rootNode) ? rootNode : { _: typeof rootNode === 'string' ? rootNode : '' };
  return { ok: true, root: toElement(node, rootName) };
}
