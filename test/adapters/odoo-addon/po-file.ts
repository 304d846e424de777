/**
 * A strict reader of gettext PO files as Odoo writes and reads them (`odoo/tools/translate.py`
 * PoFileReader takes the same syntax): comments, then `msgctxt`, `msgid`, `msgstr`, each a quoted
 * C string continued on the following lines. Plural forms are refused: Odoo writes none.
 */

export interface PoEntry {
  msgctxt?: string;
  msgid: string;
  msgstr: string;
  /** `#.` lines: `module: x`, `odoo-javascript`, `odoo-python`. */
  extracted: string[];
  /** `#:` lines: where Odoo finds the term (`model:…`, `model_terms:…`, `code:…`). */
  references: string[];
  /** `#,` flags, e.g. fuzzy. */
  flags: string[];
  line: number;
}

export interface PoFile {
  /** The header entry's fields (`Content-Type`, `Language`, …). */
  header: Map<string, string>;
  entries: PoEntry[];
}

export class PoSyntaxError extends Error {
  constructor(
    readonly problem: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${problem}`);
  }
}

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };

export function parsePo(text: string): PoFile {
  const lines = text.split('\n');
  const entries: PoEntry[] = [];
  let current: Partial<PoEntry> & { extracted: string[]; references: string[]; flags: string[] } = fresh();
  let field: 'msgctxt' | 'msgid' | 'msgstr' | undefined;
  let started = 0;

  function fresh() {
    return { extracted: [] as string[], references: [] as string[], flags: [] as string[] };
  }
  function close(lineNo: number): void {
    if (field === undefined) {
      if (current.extracted.length || current.references.length || current.flags.length)
        throw new PoSyntaxError('comments that belong to no entry', lineNo);
      return;
    }
    if (current.msgid === undefined) throw new PoSyntaxError('an entry without msgid', started);
    if (current.msgstr === undefined)
      throw new PoSyntaxError(`msgid ${JSON.stringify(current.msgid)} has no msgstr`, started);
    entries.push({ ...current, msgid: current.msgid, msgstr: current.msgstr, line: started });
    current = fresh();
    field = undefined;
  }

  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') {
      close(lineNo);
      return;
    }
    if (line.startsWith('#')) {
      if (field === 'msgstr') close(lineNo);
      else if (field !== undefined) throw new PoSyntaxError('a comment inside an entry', lineNo);
      if (line.startsWith('#.')) current.extracted.push(line.slice(2).trim());
      else if (line.startsWith('#:')) current.references.push(...line.slice(2).trim().split(/\s+/));
      else if (line.startsWith('#,'))
        current.flags.push(
          ...line
            .slice(2)
            .split(',')
            .map((f) => f.trim()),
        );
      else if (line.startsWith('#~')) throw new PoSyntaxError('an obsolete entry (#~): remove it', lineNo);
      else if (line.startsWith('#|')) throw new PoSyntaxError('a previous-msgid comment (#|) left by msgmerge', lineNo);
      else if (!/^#( |$)/.test(line))
        throw new PoSyntaxError(`unknown comment kind ${JSON.stringify(line.slice(0, 2))}`, lineNo);
      return;
    }
    const keyword = /^(msgctxt|msgid|msgstr|msgid_plural|msgstr\[\d+\])\s+(".*)$/.exec(line);
    if (keyword) {
      const [, key, rest] = keyword as unknown as [string, string, string];
      if (key === 'msgid_plural' || key.startsWith('msgstr['))
        throw new PoSyntaxError('plural forms (Odoo writes none)', lineNo);
      const k = key as 'msgctxt' | 'msgid' | 'msgstr';
      if (field === 'msgstr') close(lineNo);
      const expected = field === undefined ? ['msgctxt', 'msgid'] : field === 'msgctxt' ? ['msgid'] : ['msgstr'];
      if (!expected.includes(k)) throw new PoSyntaxError(`${k} where ${expected.join(' or ')} was expected`, lineNo);
      if (field === undefined) started = lineNo;
      field = k;
      current[k] = unquote(rest, lineNo);
      return;
    }
    if (line.startsWith('"')) {
      if (field === undefined) throw new PoSyntaxError('a string continued outside an entry', lineNo);
      current[field] = (current[field] ?? '') + unquote(line, lineNo);
      return;
    }
    throw new PoSyntaxError(`cannot read ${JSON.stringify(line.slice(0, 40))}`, lineNo);
  });
  close(lines.length);

  const seen = new Map<string, number>();
  for (const e of entries) {
    const key = `${e.msgctxt ?? ''}\u0004${e.msgid}`;
    const first = seen.get(key);
    if (first !== undefined)
      throw new PoSyntaxError(`msgid ${JSON.stringify(e.msgid)} already on line ${first}`, e.line);
    seen.set(key, e.line);
  }
  const [head, ...rest] = entries;
  if (head?.msgid !== '' || head.msgctxt !== undefined) throw new PoSyntaxError('no header entry (msgid "") first', 1);
  const header = new Map<string, string>();
  for (const field of head.msgstr.split('\n').filter((l) => l !== '')) {
    const m = /^([A-Za-z-]+):\s?(.*)$/.exec(field);
    if (!m) throw new PoSyntaxError(`malformed header field ${JSON.stringify(field)}`, head.line);
    header.set(m[1]!, m[2]!);
  }
  return { header, entries: rest };
}

/** One quoted C string of a PO line: `"…"` with \n, \t, \", \\ escapes and nothing after it. */
function unquote(s: string, lineNo: number): string {
  const m = /^"((?:[^"\\]|\\.)*)"\s*$/.exec(s);
  if (!m) throw new PoSyntaxError(`malformed string ${s.slice(0, 40)}`, lineNo);
  return m[1]!.replace(/\\(.)/g, (_, c: string) => {
    const e = ESCAPES[c];
    if (e === undefined) throw new PoSyntaxError(`unknown escape \\${c}`, lineNo);
    return e;
  });
}
