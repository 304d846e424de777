import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { ConfigSchema } from '../../config/config.schema';

/**
 * The README's configuration table is what people read; the schema is what the daemon does. Every
 * row's key must exist in the schema and its default must be the schema's; every option the schema
 * gives a default must have a row (or be described in its parent's row).
 */

type AnySchema = z.core.$ZodType;
type Def = Record<string, unknown> & { type: string };
const defOf = (s: AnySchema): Def => s._zod.def as unknown as Def;
const NO_DEFAULT = Symbol('no default');

/**
 * The default of a dotted key: the one written on the key, or, when it has none, the value an
 * enclosing object's default gives it (the store's driver comes from `store`'s default). When
 * both exist they must agree: an absent parent and an empty one must give the same settings.
 */
function at(path: string[]): { defaultValue: unknown; disagreement?: string } | undefined {
  let options: AnySchema[] = [ConfigSchema];
  let inherited: unknown = NO_DEFAULT;
  let own: unknown = NO_DEFAULT;
  for (const segment of path) {
    const children = options
      .flatMap((o) => objectsIn(o))
      .map((o) => (defOf(o)['shape'] as Record<string, AnySchema>)[segment])
      .filter((c): c is AnySchema => c !== undefined);
    if (children.length === 0) return undefined;
    inherited =
      own !== NO_DEFAULT ? pick(own, segment) : inherited !== NO_DEFAULT ? pick(inherited, segment) : NO_DEFAULT;
    own = unwrap(children[0]!).defaultValue;
    options = children;
  }
  if (own === NO_DEFAULT) return { defaultValue: inherited };
  if (inherited !== NO_DEFAULT && JSON.stringify(inherited) !== JSON.stringify(own))
    return {
      defaultValue: own,
      disagreement: `${path.join('.')}: its default is ${written(own)} but its parent's default gives ${written(inherited)}`,
    };
  return { defaultValue: own };
}

function pick(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' && key in value
    ? (value as Record<string, unknown>)[key]
    : NO_DEFAULT;
}

function unwrap(s: AnySchema): { inner: AnySchema; defaultValue: unknown } {
  let defaultValue: unknown = NO_DEFAULT;
  let cur = s;
  for (;;) {
    const def = defOf(cur);
    if (def.type === 'default' && defaultValue === NO_DEFAULT)
      defaultValue = (def as unknown as { defaultValue: unknown }).defaultValue;
    if (['default', 'optional', 'nullable', 'prefault', 'readonly', 'catch'].includes(def.type))
      cur = def['innerType'] as AnySchema;
    else if (def.type === 'pipe') cur = def['in'] as AnySchema;
    else return { inner: cur, defaultValue };
  }
}

/** The object schemas a schema stands for (the options of a union). */
function objectsIn(s: AnySchema): AnySchema[] {
  const { inner } = unwrap(s);
  const def = defOf(inner);
  if (def.type === 'object') return [inner];
  if (def.type === 'union') return (def['options'] as AnySchema[]).flatMap(objectsIn);
  return [];
}

/** Every key under an object (not inside lists or maps), with whether it has a default. */
function keys(schema: AnySchema, prefix: string[] = []): { key: string; hasDefault: boolean; isObject: boolean }[] {
  return objectsIn(schema).flatMap((object) =>
    Object.entries(defOf(object)['shape'] as Record<string, AnySchema>).flatMap(([k, child]) => {
      const key = [...prefix, k];
      const isObject = objectsIn(child).length > 0;
      return [{ key: key.join('.'), hasDefault: at(key)?.defaultValue !== NO_DEFAULT, isObject }, ...keys(child, key)];
    }),
  );
}

function readmeRows(): { key: string; defaultCell: string; meaning: string }[] {
  const text = readFileSync('README.md', 'utf8');
  const section = text.slice(
    text.indexOf('\n## Configuration\n'),
    text.indexOf('\n## ', text.indexOf('\n## Configuration\n') + 5),
  );
  return section
    .split('\n')
    .map((line) => /^\| `([a-zA-Z0-9_.]+)` \| (.*?) \| (.*) \|$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ key: m[1]!, defaultCell: m[2]!, meaning: m[3]! }));
}

/** A default as the README writes it: strings bare, the rest as JSON. */
const written = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

describe('README configuration table', () => {
  const rows = readmeRows();

  it('is found and covers the file', () => {
    expect(rows.length).toBeGreaterThan(40);
  });

  it('names only keys the schema has', () => {
    expect(rows.filter((r) => at(r.key.split('.')) === undefined).map((r) => r.key)).toEqual([]);
  });

  it('gives each key the default of the schema', () => {
    const wrong: string[] = [];
    for (const row of rows) {
      const found = at(row.key.split('.'));
      if (!found) continue;
      const literal = /^`([^`]*)`/.exec(row.defaultCell)?.[1];
      if (literal !== undefined) {
        // A default written as a value: it must be the schema's.
        if (found.defaultValue === NO_DEFAULT || written(found.defaultValue) !== literal)
          wrong.push(
            `${row.key}: README says ${literal}, schema ${found.defaultValue === NO_DEFAULT ? 'has no default' : written(found.defaultValue)}`,
          );
      } else if (row.defaultCell.startsWith('—')) {
        // "—": no default; the key is required or optional.
        if (found.defaultValue !== NO_DEFAULT)
          wrong.push(`${row.key}: README says none, schema ${written(found.defaultValue)}`);
      }
      // Otherwise the cell describes the default in words (the bundled folder, the server's search_path, the retry budgets table).
    }
    expect(wrong).toEqual([]);
  });

  it('agrees with itself: a default object gives its keys their own defaults', () => {
    expect(
      keys(ConfigSchema)
        .map((k) => at(k.key.split('.'))?.disagreement)
        .filter((d) => d !== undefined),
    ).toEqual([]);
  });

  it('has a row for every option the schema gives a default, or describes it in its parent row', () => {
    const documented = new Map(rows.map((r) => [r.key, r]));
    const missing = keys(ConfigSchema)
      .filter((k) => k.hasDefault && !k.isObject && !documented.has(k.key))
      .filter((k) => {
        const parts = k.key.split('.');
        for (let i = parts.length - 1; i > 0; i--) {
          const parent = documented.get(parts.slice(0, i).join('.'));
          if (!parent) continue;
          const name = parts[parts.length - 1]!;
          if (!parent.meaning.includes(`\`${name}\``)) return true;
          // "`port` (587)": a number or a boolean written beside the name must be the default.
          const value = new RegExp(`\`${name}\` \\((-?\\d+|true|false)(?=[),; ])`).exec(parent.meaning)?.[1];
          return value !== undefined && value !== written(at(parts)!.defaultValue);
        }
        return true;
      })
      .map((k) => k.key);
    expect([...new Set(missing)]).toEqual([]);
  });
});
