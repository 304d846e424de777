import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Migration, MigrationProvider } from 'kysely';
import { buildProgram } from '../../connector/app/cli/main';
import { runQuarantine } from '../../connector/app/cli/ops-command';
import { runStoreBackup, runStoreMigrate, runStoreRestore } from '../../connector/app/cli/store-command';
import { DebtorSchema } from '../../connector/model/debtor.schema';
import type { KyselyStore } from '../../connector/store/kysely-store';
import { debtorToRow } from '../../connector/store/rows';
import { appliedMigrations, knownMigrations, migrateStore, schemaVersion } from '../../connector/store/migrate';
import { storeMigrations } from '../../connector/store/migrations';
import { openSqliteStore } from '../../connector/store/sqlite';
import { inspectSqliteFile } from '../../connector/store/sqlite-backup';
import { sqliteDriver } from '../../connector/store/sqlite-driver';
import { fixedClock } from '../../connector/time/clock';
import { captureOutput } from './odoo-fixture';
import { describeWithPostgres, dropSchemas, freshSchemaName, TEST_POSTGRES_URL } from '../helpers/postgres';

/**
 * `recouvra store backup | restore | migrate` on real SQLite files (and the real PostgreSQL
 * where it is reachable): nothing the user has is overwritten or lost, a refusal says why and
 * exits 1, and a backup taken while another process writes is a sound database.
 */

const AT = '2026-12-05T06:00:00.000Z';
const STAMP = '2026-12-05T060000Z';
const clock = fixedClock(AT);
const REPO = resolve(__dirname, '..', '..');
const debtor = (id: string, name: string) =>
  DebtorSchema.parse({ id, source: { system: 'odoo', connection: 'o', id }, name, kind: 'company' });
/** The store's first five migrations: a store "from an older release". */
const OLD_RELEASE = 5;

const root = mkdtempSync(join(tmpdir(), 'recouvra-store-cli-'));
let counter = 0;
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface World {
  dir: string;
  path: string;
  config: string;
}

/** A folder with a configuration naming `store.sqlite` in it (not created). */
function world(): World {
  const dir = join(root, `w${++counter}`);
  mkdirSync(dir);
  const path = join(dir, 'store.sqlite');
  const config = join(dir, 'config.yaml');
  writeFileSync(config, `version: 1\nstore:\n  driver: sqlite\n  sqlite:\n    path: ${path}\n`);
  return { dir, path, config };
}

async function provider(count: number, extra: Record<string, Migration> = {}): Promise<MigrationProvider> {
  const all = await storeMigrations('sqlite').getMigrations();
  const migrations = {
    ...Object.fromEntries(
      Object.keys(all)
        .sort()
        .slice(0, count)
        .map((n) => [n, all[n]!]),
    ),
    ...extra,
  };
  return { getMigrations: async () => migrations };
}

/** Creates the store at `path` with the first `count` migrations and the given debtors. */
async function makeStore(
  path: string,
  count: number,
  names: string[],
  extra: Record<string, Migration> = {},
): Promise<void> {
  const store = (await openSqliteStore(path)) as KyselyStore;
  try {
    await migrateStore(store.kysely, {
      driver: 'sqlite',
      location: store.location,
      provider: await provider(count, extra),
    });
    // Written as rows: today's store API also writes tables these older schemas do not have yet.
    for (const [i, n] of names.entries())
      await store.kysely
        .insertInto('debtors')
        .values(debtorToRow(debtor(`d${i + 1}`, n)))
        .execute();
  } finally {
    await store.close();
  }
}

async function debtorNames(path: string): Promise<string[]> {
  const store = (await openSqliteStore(path)) as KyselyStore;
  try {
    return (await store.kysely.selectFrom('debtors').select('name').orderBy('name').execute()).map((r) => r.name);
  } finally {
    await store.close();
  }
}

const FROM_THE_FUTURE: Record<string, Migration> = { '9999-from-the-future': { up: async () => undefined } };

/**
 * Another process with the store open, writing a debtor every few milliseconds, as the daemon
 * would; resolves once it has written.
 */
async function writerProcess(path: string): Promise<ChildProcess> {
  const script = `
    const major = Number(process.versions.node.split('.')[0]);
    let Driver;
    if (major >= 22) { try { Driver = require('better-sqlite3-napi'); } catch {} }
    Driver = Driver || require('better-sqlite3');
    const db = new Driver(process.argv[1]);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    const insert = db.prepare("insert into debtors (id, source_system, source_connection, source_id, name, kind, language, do_not_contact, data) values (?, 'odoo', 'o', ?, 'Writer', 'company', 'fr', 0, '{}')");
    let n = 0;
    const write = () => { for (let i = 0; i < 50; i++) { n++; insert.run('w' + n, 'w' + n); } };
    write();
    process.stdout.write('ready\\n');
    const timer = setInterval(write, 2);
    process.on('SIGTERM', () => { clearInterval(timer); db.close(); process.exit(0); });
  `;
  const child = spawn(process.execPath, ['-e', script, path], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((ready, fail) => {
    child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && ready());
    child.on('exit', (code) => fail(new Error(`the writer process exited with ${code}`)));
  });
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise<void>((done) => {
    child.on('exit', () => done());
    child.kill('SIGTERM');
  });
}

describe('recouvra store migrate', () => {
  it('--dry-run lists the pending migrations and applies nothing; without it they apply after a copy; then nothing is pending', async () => {
    const w = world();
    await makeStore(w.path, OLD_RELEASE, ['Acme']);
    const known = await knownMigrations('sqlite');
    const pending = known.slice(OLD_RELEASE);

    const dry = await runStoreMigrate({ config: w.config, dryRun: true, clock });
    expect(dry.exitCode).toBe(0);
    expect(dry.stdout).toBe(
      `The SQLite store ${w.path} is at schema ${schemaVersion(known.slice(0, OLD_RELEASE))}; ${pending.length} migration(s) pending (dry run: nothing applied):\n` +
        pending.map((m) => `  ${m}\n`).join('') +
        '`recouvra store migrate` applies them, after copying the store next to itself.\n',
    );
    expect(readdirSync(w.dir).filter((f) => f.endsWith('.bak'))).toEqual([]);
    const store = (await openSqliteStore(w.path)) as KyselyStore;
    expect(await appliedMigrations(store.kysely, 'sqlite')).toEqual(known.slice(0, OLD_RELEASE));
    await store.close();

    const applied = await runStoreMigrate({ config: w.config, clock });
    const backup = `${w.path}.before-${schemaVersion(known)}-${STAMP}.bak`;
    expect(applied).toEqual({
      exitCode: 0,
      stdout: `The SQLite store ${w.path}: migrated from ${schemaVersion(known.slice(0, OLD_RELEASE))} to ${schemaVersion(known)} (${pending.join(', ')}); the store as it was is kept in ${backup}.\n`,
      stderr: '',
    });
    expect(inspectSqliteFile(backup)).toEqual({ kind: 'recouvra', migrations: known.slice(0, OLD_RELEASE) });
    expect(await debtorNames(backup)).toEqual(['Acme']);

    const again = await runStoreMigrate({ config: w.config, clock, json: true });
    expect(JSON.parse(again.stdout)).toEqual({
      location: `the SQLite store ${w.path}`,
      before: known,
      pending: [],
      dryRun: false,
    });
  });

  it('--dry-run without a store says what creating it applies, and creates nothing', async () => {
    const w = world();
    const r = await runStoreMigrate({ config: w.config, dryRun: true, clock });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(
        `^There is no store at ${escape(w.path)} yet: creating it applies ${(await knownMigrations('sqlite')).length} migration\\(s\\), 0001-initial, `,
      ),
    );
    expect(existsSync(w.path)).toBe(false);
  });

  it('refuses a store a newer Recouvra migrated: exit 1, the migration and the file named, nothing run and no copy', async () => {
    const w = world();
    await makeStore(w.path, OLD_RELEASE, ['Acme'], FROM_THE_FUTURE);
    for (const dryRun of [false, true]) {
      const r = await runStoreMigrate({ config: w.config, dryRun, clock });
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(
        new RegExp(
          `^the SQLite store ${escape(w.path)} was migrated by a newer version of Recouvra: it holds migration\\(s\\) 9999-from-the-future, .*Upgrade Recouvra`,
        ),
      );
    }
    // Any other command refuses it the same way.
    const q = await runQuarantine({ config: w.config, clock });
    expect(q.exitCode).toBe(1);
    expect(q.stderr).toMatch(/9999-from-the-future/);
    expect(readdirSync(w.dir).filter((f) => f.endsWith('.bak'))).toEqual([]);
    const store = (await openSqliteStore(w.path)) as KyselyStore;
    expect(await appliedMigrations(store.kysely, 'sqlite')).toEqual([
      ...(await knownMigrations('sqlite')).slice(0, OLD_RELEASE),
      '9999-from-the-future',
    ]);
    await store.close();
  });

  it('the daemon refuses to start on it too, and exits non-zero (built CLI)', async () => {
    const w = world();
    await makeStore(w.path, 99, ['Acme'], FROM_THE_FUTURE);
    const cli = join(REPO, 'dist', 'connector', 'app', 'cli', 'main.js');
    const child = spawn(process.execPath, [cli, 'run', '--config', w.config], {
      cwd: w.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    // Generous: a start that hangs instead of failing is what this guards against.
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const code = await new Promise<number | null>((done) => child.on('exit', (c) => done(c)));
    clearTimeout(killer);
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(output).toContain(
      `the SQLite store ${w.path} was migrated by a newer version of Recouvra: it holds migration(s) 9999-from-the-future`,
    );
    const store = (await openSqliteStore(w.path)) as KyselyStore;
    expect(await appliedMigrations(store.kysely, 'sqlite')).toEqual([
      ...(await knownMigrations('sqlite')),
      '9999-from-the-future',
    ]);
    await store.close();
  }, 90_000);

  it('another store command that migrates says so on stderr, with where the copy went', async () => {
    const w = world();
    await makeStore(w.path, OLD_RELEASE, ['Acme']);
    const known = await knownMigrations('sqlite');
    const r = await runQuarantine({ config: w.config, clock });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe(
      `the SQLite store ${w.path}: migrated from ${schemaVersion(known.slice(0, OLD_RELEASE))} to ${schemaVersion(known)} (${known.slice(OLD_RELEASE).join(', ')}); the store as it was is kept in ${w.path}.before-${schemaVersion(known)}-${STAMP}.bak\n`,
    );
  });
});

describe('recouvra store backup', () => {
  it('writes a sound, complete copy while another process keeps writing to the store (WAL)', async () => {
    const w = world();
    await makeStore(w.path, 99, ['Acme']);
    const writer = await writerProcess(w.path);
    try {
      const r = await runStoreBackup({ config: w.config, clock });
      const target = `${w.path}.${STAMP}.bak`;
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toMatch(
        new RegExp(
          `^Backed up the SQLite store ${escape(w.path)} \\(schema ${schemaVersion(await knownMigrations('sqlite'))}\\) to ${escape(target)} \\(\\d+ bytes\\)\\.\n`,
        ),
      );
      expect(r.stdout).toContain(`recouvra store restore --from ${target}`);
      // quick_check passes and the copy holds the store's own rows and some of the writer's.
      expect(inspectSqliteFile(target)).toEqual({ kind: 'recouvra', migrations: await knownMigrations('sqlite') });
      const names = await debtorNames(target);
      expect(names).toContain('Acme');
      expect(names.filter((n) => n === 'Writer').length).toBeGreaterThanOrEqual(50);
      // The store is still written to after the copy.
      const second = await runStoreBackup({ config: w.config, clock });
      expect(second.stdout).toContain(`${w.path}.${STAMP}-2.bak`);
    } finally {
      await stop(writer);
    }
  });

  it('--to never overwrites an existing file; a folder gets the copy inside; no store is an error', async () => {
    const w = world();
    await makeStore(w.path, 99, ['Acme']);
    const taken = join(w.dir, 'mine.bak');
    writeFileSync(taken, 'a file of the user');
    const refused = await runStoreBackup({ config: w.config, clock, to: taken });
    expect(refused).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: `${taken} already exists and Recouvra does not overwrite it: choose another --to\n`,
    });
    expect(readFileSync(taken, 'utf8')).toBe('a file of the user');

    const folder = join(w.dir, 'backups');
    mkdirSync(folder);
    const r = await runStoreBackup({ config: w.config, clock, to: folder, json: true });
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      location: `the SQLite store ${w.path}`,
      backup: join(folder, `store.sqlite.${STAMP}.bak`),
      schema: schemaVersion(await knownMigrations('sqlite')),
    });
    expect(await debtorNames(join(folder, `store.sqlite.${STAMP}.bak`))).toEqual(['Acme']);

    const none = world();
    const missing = await runStoreBackup({ config: none.config, clock });
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toBe(`there is no store at ${none.path} yet (run \`recouvra sync --once\` first)\n`);
  });

  it('on PostgreSQL prints the pg_dump command without the password, backs up nothing, and exits 1', async () => {
    const w = world();
    writeFileSync(
      w.config,
      'version: 1\nstore:\n  driver: postgres\n  postgres:\n    url: postgres://recouvra:${PG_PASS}@db.example:5433/ledger\n    schema: recouvra\n',
    );
    const r = await runStoreBackup({ config: w.config, clock, env: { PG_PASS: 'very-secret-password' } });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe(
      `pg_dump --format=custom --file=recouvra-ledger-${STAMP}.dump --schema=recouvra --dbname=postgres://recouvra@db.example:5433/ledger\n`,
    );
    expect(r.stderr).toMatch(
      /^Nothing was backed up: the PostgreSQL store db\.example:5433\/ledger \(schema recouvra\) is backed up with PostgreSQL's pg_dump, .*PGPASSWORD or ~\/\.pgpass/,
    );
    expect(r.stdout + r.stderr).not.toContain('very-secret-password');

    const restore = await runStoreRestore({
      config: w.config,
      clock,
      from: 'my dump.dump',
      env: { PG_PASS: 'very-secret-password' },
    });
    expect(restore.exitCode).toBe(1);
    expect(restore.stdout).toBe(
      `pg_restore --single-transaction --exit-on-error --dbname=postgres://recouvra@db.example:5433/ledger 'my dump.dump'\n`,
    );
    expect(restore.stderr).toMatch(
      /^Nothing was restored: .*pg_restore\. Stop the daemon, take a pg_dump of the current state first/,
    );
    expect(restore.stdout + restore.stderr).not.toContain('very-secret-password');
  });
});

describe('recouvra store restore', () => {
  it('checks the source first: not SQLite, not Recouvra, damaged or newer are refused, and the store is untouched', async () => {
    const w = world();
    await makeStore(w.path, 99, ['Current']);
    const run = (from: string) => runStoreRestore({ config: w.config, clock, from, force: true });

    const text = join(w.dir, 'notes.txt');
    writeFileSync(text, 'hello');
    expect(await run(text)).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: `${text} is not a SQLite database (it does not start with the SQLite 3 header): nothing was restored\n`,
    });

    const other = join(w.dir, 'other.sqlite');
    const db = new (sqliteDriver())(other);
    db.exec('create table photos (id integer)');
    db.close();
    expect((await run(other)).stderr).toBe(
      `${other} is a SQLite database but not a Recouvra store (it has no migration table or no cases table; tables: photos): nothing was restored\n`,
    );

    // A Recouvra store with a page overwritten.
    const damaged = join(w.dir, 'damaged.sqlite');
    await makeStore(damaged, 99, ['Damaged']);
    const bytes = readFileSync(damaged);
    bytes.fill(0x5a, 4096 * 3, 4096 * 4);
    writeFileSync(damaged, bytes);
    expect((await run(damaged)).stderr).toMatch(
      new RegExp(`^${escape(damaged)} is a damaged SQLite database \\(.+\\): nothing was restored\n$`),
    );

    const newer = join(w.dir, 'newer.sqlite');
    await makeStore(newer, 99, ['Future'], FROM_THE_FUTURE);
    const refused = await run(newer);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(
      new RegExp(
        `^${escape(newer)} holds a newer schema than this Recouvra knows \\(migration\\(s\\) 9999-from-the-future; this version goes up to v\\d{4}\\): upgrade Recouvra, then restore it`,
      ),
    );

    expect((await run(join(w.dir, 'absent.bak'))).stderr).toBe(
      `${join(w.dir, 'absent.bak')} does not exist: nothing was restored\n`,
    );
    expect((await run(w.path)).stderr).toBe(`${w.path} is the store itself: nothing to restore\n`);

    expect(await debtorNames(w.path)).toEqual(['Current']);
    expect(readdirSync(w.dir).filter((f) => f.includes('.replaced-') || f.includes('.restoring-'))).toEqual([]);
  });

  it('needs --force to replace a store, keeps the replaced one, and the restored store migrates at its next open', async () => {
    const w = world();
    await makeStore(w.path, 99, ['Current']);
    const backup = join(w.dir, 'old.bak');
    await makeStore(backup, OLD_RELEASE, ['From the backup']);

    const refused = await runStoreRestore({ config: w.config, clock, from: backup });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toBe(
      `the SQLite store ${w.path} exists: restoring replaces it (it is then kept as store.sqlite.replaced-<time>); add --force to do so. Nothing was restored\n`,
    );
    expect(await debtorNames(w.path)).toEqual(['Current']);

    const known = await knownMigrations('sqlite');
    const r = await runStoreRestore({ config: w.config, clock, from: backup, force: true });
    const replaced = `${w.path}.replaced-${STAMP}`;
    expect(r).toEqual({
      exitCode: 0,
      stdout:
        `Restored the SQLite store ${w.path} from ${backup} (schema ${schemaVersion(known.slice(0, OLD_RELEASE))}).\n` +
        `The store it replaced is kept as ${replaced}.\n` +
        `Its schema is older than this Recouvra's (${schemaVersion(known)}): the next start migrates it, after copying it next to itself.\n`,
      stderr: '',
    });
    expect(await debtorNames(w.path)).toEqual(['From the backup']);
    expect(await debtorNames(replaced)).toEqual(['Current']);
    expect(await debtorNames(backup)).toEqual(['From the backup']);
    expect(readdirSync(w.dir).filter((f) => f.includes('.restoring-'))).toEqual([]);

    const migrated = await runStoreMigrate({ config: w.config, clock });
    expect(migrated.stdout).toContain(
      `the store as it was is kept in ${w.path}.before-${schemaVersion(known)}-${STAMP}.bak`,
    );
    expect(await debtorNames(w.path)).toEqual(['From the backup']);
  });

  it('restores where there is no store yet without --force', async () => {
    const w = world();
    const backup = join(w.dir, 'full.bak');
    await makeStore(backup, 99, ['Only']);
    const r = await runStoreRestore({ config: w.config, clock, from: backup });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(
      `Restored the SQLite store ${w.path} from ${backup} (schema ${schemaVersion(await knownMigrations('sqlite'))}).\n`,
    );
    expect(await debtorNames(w.path)).toEqual(['Only']);
  });

  it('refuses, even with --force, a store another process has open', async () => {
    const w = world();
    await makeStore(w.path, 99, ['Current']);
    const backup = join(w.dir, 'old.bak');
    await makeStore(backup, 99, ['From the backup']);
    const writer = await writerProcess(w.path);
    try {
      const r = await runStoreRestore({ config: w.config, clock, from: backup, force: true });
      expect(r).toEqual({
        exitCode: 1,
        stdout: '',
        stderr: `the SQLite store ${w.path} is open in another process (the daemon, or another recouvra command): stop it, then restore. Nothing was restored\n`,
      });
    } finally {
      await stop(writer);
    }
    expect((await debtorNames(w.path)).filter((n) => n !== 'Writer')).toEqual(['Current']);
    expect(readdirSync(w.dir).filter((f) => f.includes('.replaced-') || f.includes('.restoring-'))).toEqual([]);
  });
});

describe('recouvra store (command line)', () => {
  it('has backup, restore and migrate, and restore requires --from', () => {
    const store = buildProgram().commands.find((c) => c.name() === 'store');
    expect(store?.commands.map((c) => c.name())).toEqual(['backup', 'restore', 'migrate']);
    const restore = store!.commands.find((c) => c.name() === 'restore')!;
    expect(restore.options.find((o) => o.long === '--from')?.mandatory).toBe(true);
  });

  it('`store migrate --dry-run` and `store backup --to` reach their options through the parser', async () => {
    const w = world();
    await makeStore(w.path, OLD_RELEASE, ['Acme']);
    const exitCode = process.exitCode;
    try {
      const dry = await captureOutput(() =>
        buildProgram().parseAsync(['node', 'recouvra', 'store', 'migrate', '--dry-run', '--config', w.config]),
      );
      expect(dry.stdout).toContain('(dry run: nothing applied)');
      const to = join(w.dir, 'copy.bak');
      const backup = await captureOutput(() =>
        buildProgram().parseAsync(['node', 'recouvra', 'store', 'backup', '--config', w.config, '--to', to]),
      );
      expect(backup.stdout).toContain(`to ${to} (`);
      expect(inspectSqliteFile(to)).toEqual({
        kind: 'recouvra',
        migrations: (await knownMigrations('sqlite')).slice(0, OLD_RELEASE),
      });
    } finally {
      process.exitCode = exitCode;
    }
  });
});

describeWithPostgres('recouvra store migrate on PostgreSQL', () => {
  const schema = freshSchemaName('recouvra_storecli');
  afterAll(async () => dropSchemas([schema]));

  it('--dry-run lists every migration of a new schema and creates no table; then they apply in one go', async () => {
    const w = world();
    writeFileSync(
      w.config,
      `version: 1\nstore:\n  driver: postgres\n  postgres:\n    url: ${TEST_POSTGRES_URL}\n    schema: ${schema}\n`,
    );
    const known = await knownMigrations('postgres');
    const dry = await runStoreMigrate({ config: w.config, clock, dryRun: true });
    expect(dry.exitCode).toBe(0);
    expect(dry.stdout).toMatch(
      new RegExp(
        `^The PostgreSQL store .* \\(schema ${schema}\\) is at schema v0000; ${known.length} migration\\(s\\) pending \\(dry run: nothing applied\\):\n`,
      ),
    );
    expect(dry.stdout).toMatch(/applies them, in one transaction\.\n$/);
    const again = await runStoreMigrate({ config: w.config, clock, dryRun: true, json: true });
    expect(JSON.parse(again.stdout)).toMatchObject({ before: [], pending: known });

    const applied = await runStoreMigrate({ config: w.config, clock, json: true });
    expect(JSON.parse(applied.stdout)).toEqual({
      location: expect.stringContaining(schema),
      before: [],
      pending: known,
      dryRun: false,
    });
    const done = await runStoreMigrate({ config: w.config, clock });
    expect(done.stdout).toMatch(/is up to date \(schema v\d{4}\); nothing to migrate\.\n$/);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
