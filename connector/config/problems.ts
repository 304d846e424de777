import type { z } from 'zod';
import { LineCounter, parseDocument, isMap, isPair, isScalar, isSeq, type Document, type Node } from 'yaml';

/**
 * One problem found in a configuration or policy file, located by its path and, when the
 * file is YAML, by its line and column so a person can go straight to it.
 */
export interface Problem {
  file: string;
  path: (string | number)[];
  message: string;
  line?: number;
  column?: number;
  /** Where in the file, in words, when it is not known as a key path (the legal data files name their own places). */
  place?: string;
}

/** `['invoices', 0, 'total']` → `invoices[0].total`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out === '' ? '(top level)' : out;
}

export function formatProblem(p: Problem): string {
  const where = p.line !== undefined ? `${p.file}:${p.line}:${p.column ?? 1}` : p.file;
  return `${where}  ${p.place ?? formatPath(p.path)}: ${p.message}`;
}

/** An error that carries every problem of one file, so they can be shown all at once. */
export class ProblemsError extends Error {
  constructor(
    readonly what: string,
    readonly problems: Problem[],
  ) {
    super(
      `${what}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`,
    );
    this.name = 'ProblemsError';
  }
}

/** A parsed YAML file that remembers where each node is. */
export interface LocatedYaml {
  file: string;
  data: unknown;
  doc: Document;
  lines: LineCounter;
}

export function parseYamlFile(file: string, text: string): LocatedYaml {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ProblemsError(
      `${file} is not valid YAML`,
      doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        return { file, path: [], message: e.message.split('\n')[0] ?? e.message, line: pos.line, column: pos.col };
      }),
    );
  }
  return { file, data: doc.toJS({ maxAliasCount: 100 }), doc, lines };
}

/** Line and column of the node at `path` (or of the closest existing parent), and of a key when asked. */
export function locate(
  y: LocatedYaml,
  path: readonly (string | number)[],
  key?: string,
): { line: number; column: number } | undefined {
  let node: unknown = y.doc.contents;
  let best: Node | undefined = node as Node | undefined;
  for (const segment of path) {
    if (!isMap(node) && !isSeq(node)) break;
    const next: unknown = node.get(segment, true);
    if (next === undefined) break;
    node = next;
    best = next as Node;
  }
  if (key !== undefined && isMap(node)) {
    const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && it.key.value === key);
    if (pair && isPair(pair) && isScalar(pair.key) && pair.key.range) best = pair.key;
  }
  const offset = best?.range?.[0];
  if (offset === undefined) return undefined;
  const pos = y.lines.linePos(offset);
  return { line: pos.line, column: pos.col };
}

/** Turns zod issues into located problems; unknown keys get one problem each, with a suggestion. */
export function problemsFromZod(
  file: string,
  error: z.ZodError,
  y?: LocatedYaml,
  knownKeysAt?: (path: readonly (string | number)[]) => string[] | undefined,
  /** Where the validated value sits in the file, when it is a part of it (e.g. one connection). */
  prefix: (string | number)[] = [],
): Problem[] {
  const out: Problem[] = [];
  for (const issue of error.issues) {
    const local = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    const path = [...prefix, ...local];
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt?.(local) ?? [];
      for (const key of issue.keys) {
        const suggestion = closest(key, known);
        const message = `unknown key "${key}"${suggestion ? ` — did you mean "${suggestion}"?` : ''}${known.length ? ` (allowed here: ${known.join(', ')})` : ''}`;
        out.push({ file, path: [...path, key], message, ...(y ? locate(y, path, key) : {}) });
      }
      continue;
    }
    const key = local[local.length - 1];
    // zod's own words for a key left out ("Invalid input: expected string, received undefined") do not say which key is missing.
    const missing =
      issue.code === 'invalid_type' && typeof key === 'string' && /received undefined$/.test(issue.message);
    const message = missing ? `required key "${key}" is missing (a ${issue.expected})` : issue.message;
    out.push({ file, path, message, ...(y ? locate(y, path) : {}) });
  }
  return out;
}

function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
