import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * What the built CLI loads to start: each command loads its own implementation and what that
 * needs, nothing more. `--help` loads the command definitions and commander; a command that reads
 * the store loads its driver and no other; the simulators and the SMTP sink load only in `demo`
 * and `simulate`; `run` without a configuration stops before loading anything of the daemon.
 * The modules are read from require.cache at exit (test/helpers/loaded-modules.js).
 */

const REPO = resolve(__dirname, '..', '..');
const CLI = join(REPO, 'dist', 'connector', 'app', 'cli', 'main.js');
const PRELOAD = join(REPO, 'test', 'helpers', 'loaded-modules.js');

/** The heavy libraries, each for the commands that use it only. */
const HEAVY = [
  'fastify',
  'bullmq',
  'ioredis',
  'pdfkit',
  'kysely',
  'pg',
  'better-sqlite3',
  'better-sqlite3-napi',
  'nodemailer',
  'smtp-server',
  'date-holidays',
  '@etalab/decoupage-administratif',
  'prom-client',
] as const;

const root = mkdtempSync(join(tmpdir(), 'recouvra-start-up-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let runs = 0;

interface Started {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Absolute paths of every module the process loaded. */
  modules: string[];
}

function cli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Started> {
  const list = join(root, `modules-${++runs}.txt`);
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['-r', PRELOAD, CLI, ...args], {
      cwd: options.cwd ?? root,
      env: { ...process.env, ...options.env, RECOUVRA_LOADED_MODULES: list },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', fail);
    child.on('close', (code) => {
      if (!existsSync(list)) return fail(new Error(`no module list from recouvra ${args.join(' ')}:\n${stderr}`));
      done({ code, stdout, stderr, modules: readFileSync(list, 'utf8').split('\n').filter(Boolean) });
    });
  });
}

/** The npm packages among `modules`, by name. */
function packages(modules: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const m of modules) {
    const match = /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(m);
    if (match) names.add(match[1]!);
  }
  return names;
}

/** Modules of the repository, relative to dist/ (`connector/app/cli/main.js`). */
function ours(modules: readonly string[]): string[] {
  const dist = `${join(REPO, 'dist')}/`;
  return modules.filter((m) => m.startsWith(dist)).map((m) => m.slice(dist.length));
}

const simulators = (modules: readonly string[]) =>
  ours(modules).filter((m) => m.includes('/simulator/') || m.includes('smtp-sink'));

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npm run build)`);
});

describe('what the built CLI loads to start', () => {
  it('--help: the command definitions and commander, no implementation', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ {2}demo \[options\] /m);
    expect(r.stdout).toMatch(/^ {2}run \[options\] /m);
    expect([...packages(r.modules)]).toEqual(['commander']);
    const loaded = ours(r.modules);
    expect(loaded).toContain('connector/app/cli/definitions/daemon.js');
    expect(loaded.filter((m) => /-command\.js$/.test(m))).toEqual([]);
  });

  it('policy check: no heavy library, no simulator', async () => {
    const r = await cli(['policy', 'check']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const loaded = packages(r.modules);
    expect(HEAVY.filter((p) => loaded.has(p))).toEqual([]);
    expect(simulators(r.modules)).toEqual([]);
    expect(ours(r.modules)).toContain('connector/app/cli/config-command.js');
  });

  it('cases list on a SQLite store: its driver and the query builder only; the Odoo adapter is not loaded', async () => {
    const dir = mkdtempSync(join(root, 'cases-'));
    const config = join(dir, 'recouvra.yaml');
    writeFileSync(
      config,
      [
        'version: 1',
        'store:',
        '  driver: sqlite',
        '  sqlite:',
        `    path: ${join(dir, 'recouvra.sqlite')}`,
        'connections:',
        '  - id: odoo1',
        '    type: odoo',
        '    url: http://127.0.0.1:9',
        '    database: demo',
        '    login: recouvra',
        '    apiKey: ${ODOO_KEY}',
        '',
      ].join('\n'),
    );
    const env = { ODOO_KEY: 'start-up-test-key' };
    expect((await cli(['store', 'migrate', '--config', config], { env })).code).toBe(0);
    const r = await cli(['cases', 'list', '--config', config], { env });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('0 case(s).\n');
    expect(r.code).toBe(0);
    const loaded = packages(r.modules);
    expect(HEAVY.filter((p) => loaded.has(p))).toEqual(['kysely', 'better-sqlite3']);
    expect(simulators(r.modules)).toEqual([]);
    // The configuration's connection is checked against the adapter's schema, without its code.
    expect(ours(r.modules).filter((m) => m.startsWith('adapters/odoo/'))).toEqual(['adapters/odoo/config.schema.js']);
  });

  it('run without --config exits 1, points to the demo and loads nothing of the daemon', async () => {
    const cwd = mkdtempSync(join(root, 'run-'));
    const r = await cli(['run'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('recouvra run needs a configuration: recouvra run --config FILE');
    expect(r.stderr).toContain('run the demo: recouvra demo');
    expect(r.stdout).toBe('');
    expect(existsSync(join(cwd, 'data'))).toBe(false);
    expect([...packages(r.modules)]).toEqual(['commander']);
    expect(ours(r.modules)).not.toContain('connector/app/cli/run-command.js');
  });

  it('run --config: the daemon without the demo, its simulators or the SMTP sink', async () => {
    const config = join(mkdtempSync(join(root, 'run-config-')), 'broken.yaml');
    writeFileSync(config, 'version: 1\nstore:\n  driver: nosuch\n');
    const r = await cli(['run', '--config', config]);
    expect(r.stderr).toMatch(/^recouvra run could not start: configuration .* is invalid/m);
    expect(r.code).toBe(1);
    expect(ours(r.modules)).toContain('connector/app/cli/run-command.js');
    expect(ours(r.modules).filter((m) => m.startsWith('connector/app/demo/'))).toEqual([]);
    expect(simulators(r.modules)).toEqual([]);
    expect(packages(r.modules).has('smtp-server')).toBe(false);
  });
});
