import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { ConfigSchema, ConnectionBaseSchema, type Config } from '../../config/config.schema';
import { isSecretKey } from '../log/logger';
import type { AdapterRegistry } from '../ports/erp';
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
  return accepted(inspectConfig(file, readConfigText(file), options));
}

export function parseConfig(file: string, text: string, options: LoadConfigOptions = {}): LoadedConfig {
  return accepted(inspectConfig(file, text, options));
}

/** The text of a configuration file; a file that cannot be read is the one problem there is. */
export function readConfigText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new ProblemsError(`cannot read configuration ${file}`, [
      {
        file,
        path: [],
        message: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (e as Error).message,
      },
    ]);
  }
}

/** The heading of an error listing problems found by the schema (and the adapters' schemas). */
export function invalidConfigHeading(file: string): string {
  return `configuration ${file} is invalid`;
}

function accepted(inspection: ConfigInspection): LoadedConfig {
  if (!inspection.loaded) throw new ProblemsError(invalidConfigHeading(inspection.file), inspection.problems);
  return inspection.loaded;
}

/**
 * A configuration read through its schema without stopping at the first wrong part: every
 * problem the schema finds, the configuration when there are none, and the parts that are sound
 * (so that later checks, of policy ids or folders, can still run on them).
 */
export interface ConfigInspection {
  file: string;
  /** Set when the schema found no problem. */
  loaded?: LoadedConfig;
  problems: Problem[];
  /** The top-level section `key`, parsed on its own, when no problem lies in it (nor at the top level). */
  section<K extends keyof Config>(key: K): Config[K] | undefined;
  /** No problem lies at `path`, inside it, or on a key that holds it. */
  sound(path: readonly (string | number)[]): boolean;
  /** The value written at `path` (environment variables replaced), before the schema. */
  rawAt(path: readonly (string | number)[]): unknown;
  /** Where `path` (or its closest existing parent) is in the file. */
  locate(path: readonly (string | number)[]): { line: number; column: number } | undefined;
}

/** Throws only when there is nothing to check: the text is not YAML. */
export function inspectConfig(file: string, text: string, options: LoadConfigOptions = {}): ConfigInspection {
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
  const all = dedupe(problems);
  const sound = (path: readonly (string | number)[]) =>
    !all.some((p) => startsWith(p.path, path) || startsWith(path, p.path));
  const rawAt = (path: readonly (string | number)[]): unknown => {
    let v: unknown = interpolated;
    for (const segment of path)
      v = v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[segment] : undefined;
    return v;
  };
  const loaded =
    all.length === 0 && parsed.success ? { config: parsed.data, secrets: [...secrets], warnings, file } : undefined;
  return {
    file,
    ...(loaded ? { loaded } : {}),
    problems: all,
    sound,
    rawAt,
    locate: (path) => locate(y, path),
    section<K extends keyof Config>(key: K): Config[K] | undefined {
      if (loaded) return loaded.config[key];
      if (!sound([key])) return undefined;
      const r = (ConfigSchema.shape[key] as unknown as z.ZodType<Config[K]>).safeParse(rawAt([key]));
      return r.success ? r.data : undefined;
    },
  };
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
        problems.push({
          file: y.file,
          path,
          message: `environment variable ${name} is not set (write \${${name}:-default} to give a default)`,
          ...locate(y, path),
        });
        unset.push(path);
        return '';
      }
      fromEnv = true;
      secrets.add(v);
      return v;
    });
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- set by the replace callback, which the compiler does not follow
    if (!fromEnv && typeof key === 'string' && isSecretKey(key) && out !== '') {
      warnings.push(
        `${y.file}: ${path.join('.')} holds a secret in clear text; write it as \${SOME_ENV_VAR} and set the variable instead`,
      );
      secrets.add(out);
    }
    return out;
  }
  if (Array.isArray(value))
    return value.map((v, i) => interpolate(v, [...path, i], env, y, problems, secrets, warnings, unset));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[k] = interpolate(v, [...path, k], env, y, problems, secrets, warnings, unset);
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
    if (previous !== undefined)
      problems.push({
        file: y.file,
        path: ['connections', i, 'id'],
        message: `duplicate connection id "${conn.id}" (also connections[${previous}])`,
        ...locate(y, ['connections', i, 'id']),
      });
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
