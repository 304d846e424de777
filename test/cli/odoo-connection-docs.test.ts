import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { parse } from 'yaml';
import { OdooConnectionSchema } from '../../adapters/odoo/config.schema';
import { runConfigCheck } from '../../connector/app/cli/config-command';

/** The commented-out connection of config/example.yaml, uncommented (nested comments stay comments). */
function exampleWithOdoo(): string {
  const text = readFileSync('config/example.yaml', 'utf8');
  const lines = text.split('\n');
  const start = lines.indexOf('# connections:');
  expect(start).toBeGreaterThan(0);
  const block: string[] = [];
  for (const line of lines.slice(start)) {
    if (!line.startsWith('#')) break;
    block.push(line.replace(/^# ?/, ''));
  }
  return [...lines.slice(0, start).filter((l) => l !== 'connections: []'), ...block].join('\n');
}

/** Dotted keys of a zod object schema, one level into nested objects. */
function schemaKeys(schema: z.ZodObject): string[] {
  const keys: string[] = [];
  for (const [key, value] of Object.entries(schema.shape)) {
    let inner: z.ZodType = value as z.ZodType;
    while (inner instanceof z.ZodDefault || inner instanceof z.ZodOptional) inner = inner.unwrap() as z.ZodType;
    if (inner instanceof z.ZodObject) keys.push(...Object.keys(inner.shape).map((k) => `${key}.${k}`));
    else keys.push(key);
  }
  return keys;
}

describe('the documented Odoo connection', () => {
  it('the example in config/example.yaml is valid once uncommented, and shows the schema defaults', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recouvra-example-'));
    const file = join(dir, 'example-odoo.yaml');
    const text = exampleWithOdoo();
    writeFileSync(file, text);
    const r = runConfigCheck(file, { ODOO_API_KEY: 'k-123456' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('connections: odoo (odoo)');

    const entry = (parse(text) as { connections: Record<string, unknown>[] }).connections[0]!;
    const required = {
      id: entry['id'],
      type: entry['type'],
      url: entry['url'],
      database: entry['database'],
      login: entry['login'],
      apiKey: 'k',
    };
    expect(OdooConnectionSchema.parse({ ...entry, apiKey: 'k' })).toEqual(OdooConnectionSchema.parse(required));
  });

  it('README.md documents every key of the schema, with its default', () => {
    const readme = readFileSync('README.md', 'utf8');
    const section = readme.slice(
      readme.indexOf('## Odoo connection'),
      readme.indexOf('\n## ', readme.indexOf('## Odoo connection') + 1),
    );
    const rows = section.split('\n').filter((l) => /^\| `[a-zA-Z.]+` \|/.test(l));
    const documented = rows.map((l) => /^\| `([a-zA-Z.]+)`/.exec(l)![1]);
    expect(documented.sort()).toEqual(schemaKeys(OdooConnectionSchema).sort());
    const defaults = OdooConnectionSchema.parse({
      id: 'x',
      type: 'odoo',
      url: 'https://erp.example.com',
      database: 'd',
      login: 'l',
      apiKey: 'k',
    });
    for (const [key, value] of Object.entries<unknown>(defaults)) {
      if (['id', 'type', 'url', 'database', 'login', 'apiKey'].includes(key)) continue;
      const values =
        typeof value === 'object' && value !== null
          ? Object.entries(value).map(([k, v]) => [`${key}.${k}`, v] as const)
          : [[key, value] as const];
      for (const [k, v] of values)
        expect(rows.find((l) => l.startsWith(`| \`${k}\``))).toContain(`| \`${String(v)}\` |`);
    }
  });
});
