import { readFileSync } from 'node:fs';
import { ConfigSchema, type Config } from '../../config/config.schema';
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

  const interpolated = interpolate(y.data ?? {}, [], env, y, problems, secrets, warnings);
  const parsed = ConfigSchema.safeParse(interpolated);
  if (!parsed.success) problems.push(...problemsFromZod(file, parsed.error, y, (p) => keysAt(ConfigSchema, p)));

  if (parsed.success) problems.push(...checkConnections(parsed.data, options.registry ?? {}, y));
  if (problems.length > 0) throw new ProblemsError(`configuration ${file} is invalid`, problems);
  return { config: parsed.data!, secrets: [...secrets], warnings, file };
}

function interpolate(
  value: unknown,
  path: (string | number)[],
  env: NodeJS.ProcessEnv,
  y: LocatedYaml,
  problems: Problem[],
  secrets: Set<string>,
  warnings: string[],
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
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, [...path, i], env, y, problems, secrets, warnings));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = interpolate(v, [...path, k], env, y, problems, secrets, warnings);
    return out;
  }
  return value;
}

function checkConnections(config: Config, registry: AdapterRegistry, y: LocatedYaml): Problem[] {
  const problems: Problem[] = [];
  const seen = new Map<string, number>();
  config.connections.forEach((conn, i) => {
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
    const r = def.configSchema.safeParse(conn);
    if (!r.success) {
      problems.push(...problemsFromZod(y.file, r.error, y, (sub) => keysAt(def.configSchema, sub), ['connections', i]));
    }
  });
  return problems;
}
