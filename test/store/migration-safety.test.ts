import { debtorToRow } from '../../connector/store/rows';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { DebtorSchema } from '../../connector/model/debtor.schema';
import type { KyselyStore } from '../../connector/store/kysely-store';
import {
  appliedMigrations,
  knownMigrations,
  migrateStore,
  NewerSchemaError,
  schemaVersion,
} from '../../connector/store/migrate';
import { storeMigrations } from '../../connector/store/migrations';
import { openPostgresStore } from '../../connector/store/postgres';
import type { Database } from '../../connector/store/schema';
import { openSqliteStore } from '../../connector/store/sqlite';
import { inspectSqliteFile } from '../../connector/store/sqlite-backup';
import type { Store } from '../../connector/store/store';
import { fixedClock } from '../../connector/time/clock';
import { describeWithPostgres, dropSchemas, freshSchemaName, TEST_POSTGRES_URL } from '../helpers/postgres';

/**
 * Migrations never cost a user their data: SQLite files are copied aside first, a failing
 * migration leaves the schema as it was on both drivers, and a store that a newer Recouvra
 * migrated is refused before anything runs against it.
 */

const AT = '2026-12-05T06:00:00.000Z';
const STAMP = '2026-12-05T060000Z';
const ACME = DebtorSchema.parse({
  id: 'd1',
  source: { system: 'odoo', connection: 'o', id: '1' },
  name: 'Acme',
  kind: 'company',
});
/** The store's first five migrations: a store "from an older release". */
const OLD_RELEASE = 5;

async function migrationsOf(driver: Store['driver']): Promise<Record<string, Migration>> {
  return storeMigrations(driver).getMigrations();
}

/** The first `count` of this version's migrations, plus `extra`. */
async function provider(
  driver: Store['driver'],
  count: number,
  extra: Record<string, Migration> = {},
): Promise<MigrationProvider> {
  const all = await migrationsOf(driver);
  const first = Object.fromEntries(
    Object.keys(all)
      .sort()
      .slice(0, count)
      .map((name) => [name, all[name]!]),
  );
  const migrations = { ...first, ...extra };
  return { getMigrations: async () => migrations };
}

/** A migration that changes the schema, then fails: nothing of it, nor of those before it in the run, may remain. */
const BREAKS: Record<string, Migration> = {
  '9000-breaks-halfway': {
    async up(db): Promise<void> {
      await db.schema.createTable('half_done').addColumn('id', 'text').execute();
      await db.schema.alterTable('debtors').addColumn('half_done_column', 'text').execute();
      await sql`select * from table_that_does_not_exist`.execute(db);
    },
  },
};

/** A migration a newer Recouvra would have run. */
const FROM_THE_FUTURE: Record<string, Migration> = {
  '9999-from-the-future': {
    async up(db): Promise<void> {
      await db.schema.createTable('future_things').addColumn('id', 'text').execute();
    },
  },
};

describe('SQLite store migrations', () => {
  const root = mkdtempSync(join(tmpdir(), 'recouvra-migration-safety-'));
  let counter = 0;
  const freshDir = (): string => {
    const dir = join(root, `run-${++counter}`);
    mkdirSync(dir);
    return dir;
  };
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** A store file at the old release's schema, holding one debtor. */
  async function oldStore(dir: string): Promise<string> {
    const path = join(dir, 'recouvra.sqlite');
    const store = (await openSqliteStore(path)) as KyselyStore;
    try {
      await migrateStore(store.kysely, {
        driver: 'sqlite',
        location: store.location,
        provider: await provider('sqlite', OLD_RELEASE),
      });
      // A row as the older schema holds it: today's store API also writes tables it does not have yet.
      await store.kysely.insertInto('debtors').values(debtorToRow(ACME)).execute();
    } finally {
      await store.close();
    }
    return path;
  }

  async function withStore<T>(path: string, fn: (store: KyselyStore) => Promise<T>): Promise<T> {
    const store = (await openSqliteStore(path)) as KyselyStore;
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  }

  const schemaOf = async (db: Kysely<Database>) =>
    (
      await sql<{
        type: string;
        name: string;
        sql: string | null;
      }>`select type, name, sql from sqlite_master order by name`.execute(db)
    ).rows;

  it('copies a store with data aside before migrating it, named with the target version and the clock', async () => {
    const dir = freshDir();
    const path = await oldStore(dir);
    const known = await knownMigrations('sqlite');
    const report = await withStore(path, async (store) => {
      const r = await store.migrate({ clock: fixedClock(AT) });
      expect(await appliedMigrations(store.kysely, 'sqlite')).toEqual(known);
      expect(await store.sync.getDebtor('d1')).toStrictEqual(ACME);
      return r;
    });
    const expected = `${path}.before-${schemaVersion(known)}-${STAMP}.bak`;
    expect(report).toEqual({
      location: `the SQLite store ${path}`,
      before: known.slice(0, OLD_RELEASE),
      pending: known.slice(OLD_RELEASE),
      dryRun: false,
      backup: expected,
    });
    // The copy is the store as it was: the old schema and its data.
    expect(inspectSqliteFile(expected)).toEqual({ kind: 'recouvra', migrations: known.slice(0, OLD_RELEASE) });
    await withStore(expected, async (copy) => {
      expect(await appliedMigrations(copy.kysely, 'sqlite')).toEqual(known.slice(0, OLD_RELEASE));
      expect(await copy.sync.getDebtor('d1')).toStrictEqual(ACME);
    });
  });

  it('takes no copy of a new empty database, nor of one with nothing pending; a second copy in the same second gets a new name', async () => {
    const dir = freshDir();
    const path = join(dir, 'recouvra.sqlite');
    const first = await withStore(path, (store) => store.migrate({ clock: fixedClock(AT) }));
    expect(first.backup).toBeUndefined();
    expect(first.pending).toEqual(await knownMigrations('sqlite'));
    const second = await withStore(path, (store) => store.migrate({ clock: fixedClock(AT) }));
    expect(second.pending).toEqual([]);
    expect(second.backup).toBeUndefined();
    expect(readdirSync(dir).filter((f) => f.endsWith('.bak'))).toEqual([]);

    const old = freshDir();
    const oldPath = await oldStore(old);
    const taken = join(old, `recouvra.sqlite.before-${schemaVersion(await knownMigrations('sqlite'))}-${STAMP}.bak`);
    // A file already has the name: it is kept as it is, and the copy goes beside it.
    writeFileSync(taken, 'not ours');
    const report = await withStore(oldPath, (store) => store.migrate({ clock: fixedClock(AT) }));
    expect(report.backup).toBe(taken.replace(/\.bak$/, '-2.bak'));
    expect(readFileSync(taken, 'utf8')).toBe('not ours');
  });

  it('a dry run lists what is pending and changes nothing, not even on a new database', async () => {
    const dir = freshDir();
    const path = await oldStore(dir);
    const known = await knownMigrations('sqlite');
    await withStore(path, async (store) => {
      const before = await schemaOf(store.kysely);
      const report = await store.migrate({ dryRun: true, clock: fixedClock(AT) });
      expect(report).toMatchObject({
        before: known.slice(0, OLD_RELEASE),
        pending: known.slice(OLD_RELEASE),
        dryRun: true,
      });
      expect(report.backup).toBeUndefined();
      expect(await schemaOf(store.kysely)).toEqual(before);
    });
    expect(readdirSync(dir).filter((f) => f.endsWith('.bak'))).toEqual([]);

    const empty = join(freshDir(), 'new.sqlite');
    await withStore(empty, async (store) => {
      expect((await store.migrate({ dryRun: true })).pending).toEqual(known);
      expect(await schemaOf(store.kysely)).toEqual([]);
    });
  });

  it('a failing migration rolls back every migration of its run; the copy taken before stays', async () => {
    const dir = freshDir();
    const path = await oldStore(dir);
    await withStore(path, async (store) => {
      const before = await schemaOf(store.kysely);
      await expect(
        migrateStore(
          store.kysely,
          {
            driver: 'sqlite',
            location: store.location,
            provider: await provider('sqlite', 99, BREAKS),
            backup: async () => 'the-copy.bak',
          },
          { clock: fixedClock(AT) },
        ),
      ).rejects.toThrow(
        /^the SQLite store .*recouvra\.sqlite: migration 9000-breaks-halfway failed, and the pending migrations were rolled back together \(a copy taken before: the-copy\.bak\): .*table_that_does_not_exist/,
      );
      expect(await schemaOf(store.kysely)).toEqual(before);
      expect(await store.sync.getDebtor('d1')).toStrictEqual(ACME);
    });
  });

  it('refuses a store a newer Recouvra migrated, naming the migrations and the file, and runs nothing against it', async () => {
    const dir = freshDir();
    const path = await oldStore(dir);
    // A newer release ran the migrations of this one, and one more.
    await withStore(path, async (store) => {
      await migrateStore(store.kysely, {
        driver: 'sqlite',
        location: store.location,
        provider: await provider('sqlite', OLD_RELEASE, FROM_THE_FUTURE),
      });
    });
    await withStore(path, async (store) => {
      const before = await schemaOf(store.kysely);
      const refused = store.migrate({ clock: fixedClock(AT) });
      await expect(refused).rejects.toBeInstanceOf(NewerSchemaError);
      await expect(refused).rejects.toThrow(
        new RegExp(
          `^the SQLite store ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} was migrated by a newer version of Recouvra: it holds migration\\(s\\) 9999-from-the-future, which this version does not know .*Upgrade Recouvra .* or restore a backup`,
        ),
      );
      await expect(store.migrate({ dryRun: true })).rejects.toBeInstanceOf(NewerSchemaError);
      // Not even the migrations this version would add were run, and no copy was taken.
      expect(await schemaOf(store.kysely)).toEqual(before);
    });
    expect(readdirSync(dir).filter((f) => f.endsWith('.bak'))).toEqual([]);
    expect(existsSync(path)).toBe(true);
  });
});

describeWithPostgres('PostgreSQL store migrations', () => {
  const prefix = freshSchemaName('recouvra_migsafe');
  const schemas: string[] = [];
  let count = 0;
  const newSchema = (): string => {
    const name = `${prefix}_${++count}`;
    schemas.push(name);
    return name;
  };
  afterAll(async () => dropSchemas(schemas));

  async function withStore<T>(schema: string, fn: (store: KyselyStore) => Promise<T>): Promise<T> {
    const store = (await openPostgresStore({ url: TEST_POSTGRES_URL, schema, poolSize: 2 })) as KyselyStore;
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  }

  /** Every table, column, index and constraint of the schema, and the migrations it ran. */
  async function schemaOf(store: KyselyStore, schema: string): Promise<unknown> {
    const columns =
      await sql`select table_name, column_name, data_type, is_nullable, column_default from information_schema.columns where table_schema = ${schema} order by 1, 2`.execute(
        store.kysely,
      );
    const indexes =
      await sql`select tablename, indexname, indexdef from pg_indexes where schemaname = ${schema} order by 1, 2`.execute(
        store.kysely,
      );
    const constraints =
      await sql`select table_name, constraint_name, constraint_type from information_schema.table_constraints where table_schema = ${schema} order by 1, 2`.execute(
        store.kysely,
      );
    return {
      columns: columns.rows,
      indexes: indexes.rows,
      constraints: constraints.rows,
      migrations: await appliedMigrations(store.kysely, 'postgres'),
    };
  }

  async function oldStore(schema: string): Promise<void> {
    await withStore(schema, async (store) => {
      await migrateStore(store.kysely, {
        driver: 'postgres',
        schema,
        location: store.location,
        provider: await provider('postgres', OLD_RELEASE),
      });
      // A row as the older schema holds it: today's store API also writes tables it does not have yet.
      await store.kysely.insertInto('debtors').values(debtorToRow(ACME)).execute();
    });
  }

  it('runs the pending migrations in one transaction: a failure in the last leaves the schema exactly as before', async () => {
    const schema = newSchema();
    await oldStore(schema);
    const known = await knownMigrations('postgres');
    await withStore(schema, async (store) => {
      const before = await schemaOf(store, schema);
      await expect(
        migrateStore(store.kysely, {
          driver: 'postgres',
          schema,
          location: store.location,
          provider: await provider('postgres', 99, BREAKS),
        }),
      ).rejects.toThrow(
        new RegExp(
          `^the PostgreSQL store 127\\.0\\.0\\.1:5432/\\w+ \\(schema ${schema}\\): migration 9000-breaks-halfway failed, and the pending migrations were rolled back together: .*table_that_does_not_exist`,
        ),
      );
      const after = await schemaOf(store, schema);
      expect(after).toEqual(before);
      expect((after as { migrations: string[] }).migrations).toEqual(known.slice(0, OLD_RELEASE));
      expect(await store.sync.getDebtor('d1')).toStrictEqual(ACME);
      // And the real migrations still apply afterwards.
      const report = await store.migrate();
      expect(report).toMatchObject({
        before: known.slice(0, OLD_RELEASE),
        pending: known.slice(OLD_RELEASE),
        dryRun: false,
      });
      expect(report.backup).toBeUndefined();
      expect(await appliedMigrations(store.kysely, 'postgres')).toEqual(known);
    });
  });

  it('a dry run lists the pending migrations and creates nothing', async () => {
    const schema = newSchema();
    const known = await knownMigrations('postgres');
    await withStore(schema, async (store) => {
      expect(await store.migrate({ dryRun: true })).toMatchObject({ before: [], pending: known, dryRun: true });
      expect(await schemaOf(store, schema)).toEqual({
        columns: [],
        indexes: [],
        constraints: [],
        migrations: undefined,
      });
    });
  });

  it('refuses a schema a newer Recouvra migrated and runs nothing against it', async () => {
    const schema = newSchema();
    await withStore(schema, async (store) => {
      await migrateStore(store.kysely, {
        driver: 'postgres',
        schema,
        location: store.location,
        provider: await provider('postgres', OLD_RELEASE, FROM_THE_FUTURE),
      });
    });
    await withStore(schema, async (store) => {
      const before = await schemaOf(store, schema);
      await expect(store.migrate()).rejects.toThrow(
        new RegExp(
          `^the PostgreSQL store .*\\(schema ${schema}\\) was migrated by a newer version of Recouvra: it holds migration\\(s\\) 9999-from-the-future`,
        ),
      );
      expect(await schemaOf(store, schema)).toEqual(before);
    });
  });
});
