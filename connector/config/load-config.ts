import { readFileSync } from 'node:fs';
import { ConfigSchema, ConnectionBaseSchema, type Config } from '../../config/config.schema';
import { isSecretKey } from '../log/logger';
import type { AdapterRegistry } from '../sync/adapter';
import { keysAt } from './schema-keys';
import { locate, parseYamlFile, problemsFromZod, ProblemsError, type LocatedYaml, type Problem } from './problems';

/** Matches `${NAME}` and `${NAME:-default}`; `$${` escapes a literal `${`. */
const ENV_REF = /\$?\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export interface LoadedConfig {
  config: Config;
  /** Values that came from the environment: never to be logged. */
  secrets: string[];
  /** Problems that do not stop the daemon (e.g. a secret written in clear in the file). */
  warnings: string[];
  file: string;
}

export interface LoadConfigOptions {
  env?: NodeJS.ProcessEnv;
  registry?: AdapterRegistry;
}

export function loadConfig(file: string, options: LoadConfigOptions = {}): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ProblemsError(`cannot read configuration ${file}`, [{ file, path: [], message: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (e as Error).message }]);
  }
  return parseConfig(file, text, options);
}

export function parseConfig(file: string, text: string, options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const y = parseYamlFile(file, text);
  const problems: Problem[] = [];
  const secrets = new Set<string>();
  const warnings: string[] = [];

  const unset: (string | number)[][] = [];
  const interpolated = interpolate(y.data ?? {}, [], env, y, problems, secrets, warnings, unset);
  const parsed = ConfigSchema.safeParse(interpolated);
  const found: Problem[] = [];
  if (!parsed.success) found.push(...problemsFromZod(file, parsed.error, y, (p) => keysAt(ConfigSchema, p)));
  // Each connection is checked by its adapter even when another part of the file is wrong, so that
  // one run of `config check` lists everything.
  found.push(...checkConnections(interpolated, options.registry ?? {}, y));
  // A variable that is not set is one problem: the empty value it left is not reported again.
  problems.push(...found.filter((p) => !unset.some((u) => startsWith(p.path, u))));
  if (problems.length > 0) throw new ProblemsError(`configuration ${file} is invalid`, dedupe(problems));
  return { config: parsed.data!, secrets: [...secrets], warnings, file };
}

function startsWith(path: readonly (string | number)[], prefix: readonly (string | number)[]): boolean {
  return prefix.length <= path.length && prefix.every((p, i) => path[i] === p);
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path.join('\u0000')}\u0001${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function interpolate(
  value: unknown,
  path: (string | number)[],
  env: NodeJS.ProcessEnv,
  y: LocatedYaml,
  problems: Problem[],
  secrets: Set<string>,
  warnings: string[],
  /** Paths whose value used a variable that is not set. */
  unset: (string | number)[][],
): unknown {
  if (typeof value === 'string') {
    const key = path[path.length - 1];
    let fromEnv = false;
    const out = value.replace(ENV_REF, (whole: string, name: string, fallback: string | undefined) => {
      if (whole.startsWith('$$')) return whole.slice(1);
      const v = env[name];
      if (v === undefined || v === '') {
        if (fallback !== undefined) return fallback;
        problems.push({ file: y.file, path, message: `environment variable ${name} is not set (write \${${name}:-default} to give a default)`, ...locate(y, path) });
        unset.push(path);
        return '';
      }
      fromEnv = true;
      secrets.add(v);
      return v;
    });
    if (!fromEnv && typeof key === 'string' && isSecretKey(key) && out !== '') {
      warnings.push(`${y.file}: ${path.join('.')} holds a secret in clear text; write it as \${SOME_ENV_VAR} and set the variable instead`);
      secrets.add(out);
    }
    return out;
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, [...path, i], env, y, problems, secrets, warnings, unset));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = interpolate(v, [...path, k], env, y, problems, secrets, warnings, unset);
    return out;
  }
  return value;
}

function checkConnections(data: unknown, registry: AdapterRegistry, y: LocatedYaml): Problem[] {
  const problems: Problem[] = [];
  const list = data !== null && typeof data === 'object' ? (data as Record<string, unknown>)['connections'] : undefined;
  // Not a list: the schema says so; an entry without a valid id and type: the schema names it.
  if (!Array.isArray(list)) return problems;
  const seen = new Map<string, number>();
  list.forEach((entry: unknown, i) => {
    const base = ConnectionBaseSchema.safeParse(entry);
    if (!base.success) return;
    const conn = base.data;
    const previous = seen.get(conn.id);
    if (previous !== undefined) problems.push({ file: y.file, path: ['connections', i, 'id'], message: `duplicate connection id "${conn.id}" (also connections[${previous}])`, ...locate(y, ['connections', i, 'id']) });
    seen.set(conn.id, i);
    const def = registry[conn.type];
    if (!def) {
      const known = Object.keys(registry);
      problems.push({
        file: y.file,
        path: ['connections', i, 'type'],
        message: `unknown connection type "${conn.type}" (available: ${known.length ? known.join(', ') : 'none yet'})`,
        ...locate(y, ['connections', i, 'type']),
      });
      return;
    }
    const r = def.configSchema.safeParse(entry);
    if (!r.success) {
      problems.push(...problemsFromZod(y.file, r.error, y, (sub) => keysAt(def.configSchema, sub), ['connections', i]));
    }
  });
  return problems;
}
