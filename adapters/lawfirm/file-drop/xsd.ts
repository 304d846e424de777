import { readFile } from 'node:fs/promises';
import { validateXML } from 'xmllint-wasm';
import { bundledPath } from '../../../connector/paths';
import { parseXml, type XmlElement } from './xml-codec';

/**
 * Every XML file that crosses the folder boundary, in either direction, is checked against its
 * XSD with libxml2 (xmllint-wasm, no native dependency) before it is trusted or written.
 */

export const DOSSIER_NAMESPACE = 'urn:recouvra:file-drop:dossier:1';
export const STATUS_NAMESPACE = 'urn:recouvra:file-drop:status:1';

export type SchemaName = 'dossier-manifest' | 'status-file';

const NAMESPACES: Record<SchemaName, string> = {
  'dossier-manifest': DOSSIER_NAMESPACE,
  'status-file': STATUS_NAMESPACE,
};

/** A problem found in a document: what, and where when known (lines and columns from 1). */
export interface XmlProblem {
  line?: number;
  column?: number;
  message: string;
}

export type CheckOutcome = { ok: true; root: XmlElement } | { ok: false; problems: XmlProblem[] };

const schemaTexts = new Map<SchemaName, Promise<string>>();

export function schemaPath(name: SchemaName): string {
  return bundledPath('adapters', 'lawfirm', 'file-drop', 'xsd', `${name}.xsd`);
}

function schemaText(name: SchemaName): Promise<string> {
  let text = schemaTexts.get(name);
  if (!text) {
    text = readFile(schemaPath(name), 'utf8');
    schemaTexts.set(name, text);
  }
  return text;
}

/** `Element '{urn:…}amount': …` → `Element 'amount': …`; the namespace is implied by the schema. */
function tidy(message: string): string {
  return (
    message
      .replace(/^Schemas validity error : /, '')
      // Only a namespace URI in braces: a pattern's `{3}` stays.
      .replace(/\{[a-z][a-z0-9+.-]*:[^}]*\}/gi, '')
      .trim()
  );
}

export function describeProblem(problem: XmlProblem): string {
  const where =
    problem.line === undefined
      ? ''
      : problem.column === undefined
        ? `line ${problem.line}: `
        : `line ${problem.line}, column ${problem.column}: `;
  return `${where}${problem.message}`;
}

/**
 * Checks `xml` in three steps, each giving a message that says where: well-formed (sax: line and
 * column), no DOCTYPE (no entity tricks; our formats never need one), valid against the XSD
 * (libxml2: line and the element), and finally that the root is one of `roots`.
 */
export async function checkXml(xml: string, schema: SchemaName, roots: readonly string[]): Promise<CheckOutcome> {
  const parsed = await parseXml(xml);
  if (!parsed.ok) {
    return {
      ok: false,
      problems: [
        {
          ...(parsed.line === undefined ? {} : { line: parsed.line }),
          ...(parsed.column === undefined ? {} : { column: parsed.column }),
          message: `not well-formed XML: ${parsed.message}`,
        },
      ],
    };
  }
  const doctype = /<!DOCTYPE/i.exec(xml);
  if (doctype) {
    const line = xml.slice(0, doctype.index).split('\n').length;
    return { ok: false, problems: [{ line, message: 'a DOCTYPE is not allowed' }] };
  }
  // xmllint parses its file names out of "name:line:" prefixes: a fixed, plain name keeps that exact.
  const result = await validateXML({
    xml: [{ fileName: 'document.xml', contents: xml }],
    schema: [await schemaText(schema)],
  });
  if (!result.valid) {
    const problems = result.errors
      .filter((e) => e.loc !== null)
      .map((e): XmlProblem => ({ line: e.loc!.lineNumber, message: tidy(e.message) }));
    return { ok: false, problems: problems.length > 0 ? problems : [{ message: tidy(result.rawOutput) }] };
  }
  if (!roots.includes(parsed.root.name)) {
    return {
      ok: false,
      problems: [
        {
          line: 1,
          message: `root element is <${parsed.root.name}>, expected ${roots.map((r) => `<${r}>`).join(' or ')} in ${NAMESPACES[schema]}`,
        },
      ],
    };
  }
  return { ok: true, root: parsed.root };
}
