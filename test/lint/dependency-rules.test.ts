import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { packageRoot } from '../../connector/paths';

/**
 * The layering rules (.dependency-cruiser.cjs) refuse what they say they refuse: each case is a
 * tiny tree in a temporary folder, checked with the repository's own configuration.
 */

const run = promisify(execFile);
const ROOT = packageRoot();
const DEPCRUISE = join(ROOT, 'node_modules', '.bin', 'depcruise');

async function violations(files: Record<string, string>): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'recouvra-deps-'));
  try {
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'node16', moduleResolution: 'node16', strict: true } }),
    );
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const folders = [...new Set(Object.keys(files).map((p) => p.split('/')[0]!))];
    const { stdout } = await run(
      DEPCRUISE,
      [...folders, '--config', join(ROOT, '.dependency-cruiser.cjs'), '--output-type', 'json'],
      { cwd: dir, maxBuffer: 16 * 1024 * 1024 },
    ).catch((e: unknown) => ({ stdout: (e as { stdout?: string }).stdout ?? '' })); // depcruise exits non-zero when it finds violations
    const report = JSON.parse(stdout) as {
      summary: { violations: { rule: { name: string }; from: string; to: string }[] };
    };
    return report.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('dependency rules', () => {
  it('refuse a core file importing an adapter, and let the composition root do it', async () => {
    expect(
      await violations({
        'adapters/sms/provider.ts': 'export const x = 1;\n',
        'connector/policy/p.ts': "import { x } from '../../adapters/sms/provider';\nexport const y = x;\n",
        'connector/app/wire.ts': "import { x } from '../../adapters/sms/provider';\nexport const z = x;\n",
      }),
    ).toEqual(['core-not-to-adapters: connector/policy/p.ts -> adapters/sms/provider.ts']);
  }, 60_000);

  it('refuse a simulator outside the demo and `simulate`', async () => {
    expect(
      await violations({
        'adapters/odoo/simulator/server.ts': 'export const s = 1;\n',
        'adapters/odoo/reader.ts': "import { s } from './simulator/server';\nexport const r = s;\n",
        'connector/app/demo/demo.ts':
          "import { s } from '../../../adapters/odoo/simulator/server';\nexport const d = s;\n",
        'connector/app/cli/simulate-command.ts':
          "import { s } from '../../../adapters/odoo/simulator/server';\nexport const c = s;\n",
        'connector/app/cli/run-command.ts':
          "import { s } from '../../../adapters/odoo/simulator/server';\nexport const c = s;\n",
      }),
    ).toEqual([
      'simulators-only-in-demo-and-simulate: adapters/odoo/reader.ts -> adapters/odoo/simulator/server.ts',
      'simulators-only-in-demo-and-simulate: connector/app/cli/run-command.ts -> adapters/odoo/simulator/server.ts',
    ]);
  }, 60_000);

  it('refuse a mapping importing anything of ours but the model', async () => {
    expect(
      await violations({
        'connector/model/m.ts': 'export const m = 1;\n',
        'connector/store/s.ts': 'export const s = 1;\n',
        'mappings/odoo/to-canonical.ts':
          "import { m } from '../../connector/model/m';\nimport { s } from '../../connector/store/s';\nexport const t = m + s;\n",
      }),
    ).toEqual(['mappings-only-to-model: mappings/odoo/to-canonical.ts -> connector/store/s.ts']);
  }, 60_000);

  it('refuse config/ importing the runtime, and let it import schemas', async () => {
    expect(
      await violations({
        'connector/app/daemon/scheduler.ts': 'export const cron = 1;\n',
        'connector/jobs/queue-config.schema.ts': 'export const q = 1;\n',
        'config/config.schema.ts':
          "import { cron } from '../connector/app/daemon/scheduler';\nimport { q } from '../connector/jobs/queue-config.schema';\nexport const c = cron + q;\n",
      }),
    ).toEqual(['config-not-to-runtime: config/config.schema.ts -> connector/app/daemon/scheduler.ts']);
  }, 60_000);

  it('refuse an import cycle, even of types only', async () => {
    const found = await violations({
      'connector/documents/wording.ts': "import type { F } from './fr';\nexport type W = { f?: F };\n",
      'connector/documents/fr.ts': "import type { W } from './wording';\nexport type F = { w?: W };\n",
    });
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((v) => v.startsWith('no-circular: connector/documents/'))).toBe(true);
  }, 60_000);

  it('refuse the job store outside the embedded queue and the store', async () => {
    expect(
      await violations({
        'connector/store/job-store.ts': 'export const jobStoreOf = 1;\n',
        'connector/store/kysely-store.ts': "import { jobStoreOf } from './job-store';\nexport const k = jobStoreOf;\n",
        'connector/jobs/store-queue.ts':
          "import { jobStoreOf } from '../store/job-store';\nexport const q = jobStoreOf;\n",
        'connector/app/daemon/daemon.ts':
          "import { jobStoreOf } from '../../store/job-store';\nexport const d = jobStoreOf;\n",
      }),
    ).toEqual(['job-store-only-to-the-queue: connector/app/daemon/daemon.ts -> connector/store/job-store.ts']);
  }, 60_000);

  it('refuse SQL outside the store: a database driver imported by the core', async () => {
    expect(
      await violations({
        'node_modules/kysely/package.json': '{ "name": "kysely", "main": "index.js" }\n',
        'node_modules/kysely/index.js': 'exports.sql = 1;\n',
        'connector/store/kysely-cases.ts': "import { sql } from 'kysely';\nexport const c = sql;\n",
        'connector/cases/case-lifecycle.ts': "import { sql } from 'kysely';\nexport const l = sql;\n",
      }),
    ).toEqual(['sql-only-in-the-store: connector/cases/case-lifecycle.ts -> node_modules/kysely/index.js']);
  }, 60_000);

  it('let the Sage 100 adapter build queries with Kysely, and refuse it the store engines', async () => {
    expect(
      await violations({
        'node_modules/kysely/package.json': '{ "name": "kysely", "main": "index.js" }\n',
        'node_modules/kysely/index.js': 'exports.sql = 1;\n',
        'node_modules/pg/package.json': '{ "name": "pg", "main": "index.js" }\n',
        'node_modules/pg/index.js': 'exports.Pool = 1;\n',
        'adapters/sage-100-fr/queries.ts': "import { sql } from 'kysely';\nexport const q = sql;\n",
        'adapters/sage-100-fr/schema/fixture.ts': "import { Pool } from 'pg';\nexport const f = Pool;\n",
      }),
    ).toEqual([
      'sage-100-builds-sql-server-queries-only: adapters/sage-100-fr/schema/fixture.ts -> node_modules/pg/index.js',
    ]);
  }, 60_000);

  it('refuse graphql outside the Sage Active simulator', async () => {
    expect(
      await violations({
        'node_modules/graphql/package.json': '{ "name": "graphql", "main": "index.js" }\n',
        'node_modules/graphql/index.js': 'exports.parse = 1;\n',
        'adapters/sage-active/simulator/server.ts': "import { parse } from 'graphql';\nexport const s = parse;\n",
        'adapters/sage-active/reader.ts': "import { parse } from 'graphql';\nexport const r = parse;\n",
      }),
    ).toEqual([
      'graphql-only-in-the-sage-active-simulator: adapters/sage-active/reader.ts -> node_modules/graphql/index.js',
    ]);
  }, 60_000);
});
