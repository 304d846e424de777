import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { DebtorSchema } from '../../connector/model/debtor.schema';
import { KyselyStore } from '../../connector/store/kysely-store';
import { openStore } from '../../connector/store/open-store';
import { openSqliteStore } from '../../connector/store/sqlite';
import { latestMigrationName } from '../../connector/store/migrations';
import { describeStoreContract } from './store.contract';

const root = mkdtempSync(join(tmpdir(), 'recouvra-sqlite-'));
let counter = 0;
/** A new database file per store, in a folder that does not exist yet. */
const freshPath = (): string => join(root, `run-${++counter}`, 'nested', 'store.db');

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describeStoreContract('SQLite file', () => openSqliteStore(freshPath()));
describeStoreContract('SQLite in memory', () => openSqliteStore(':memory:'));

describe('SQLite store', () => {
  it('opens with WAL, foreign keys, a busy timeout and temporary files in memory, creating the parent folder', async () => {
    const store = (await openSqliteStore(freshPath())) as KyselyStore;
    try {
      const pragma = async (name: string) => (await sql.raw(`pragma ${name}`).execute(store.kysely)).rows[0];
      expect(await pragma('journal_mode')).toEqual({ journal_mode: 'wal' });
      expect(await pragma('foreign_keys')).toEqual({ foreign_keys: 1 });
      expect(await pragma('busy_timeout')).toEqual({ timeout: 5000 });
      // Statement journals and sorts in memory (2): a sync page's upserts write no temporary file.
      expect(await pragma('temp_store')).toEqual({ temp_store: 2 });
      expect(await pragma('wal_autocheckpoint')).toEqual({ wal_autocheckpoint: 16384 });
    } finally {
      await store.close();
    }
  });

  // Two processes migrating one file at once are serialised by BEGIN IMMEDIATE and the busy
  // timeout; inside one process that cannot be shown, because better-sqlite3 waits for the
  // lock synchronously and so blocks the very event loop the other store needs to commit.
  it('a second store on the same file finds it migrated and sees the first one’s writes', async () => {
    const path = freshPath();
    const a = await openStore({ driver: 'sqlite', sqlite: { path } });
    await a.migrate();
    const b = await openSqliteStore(path);
    try {
      await b.migrate();
      const d = DebtorSchema.parse({
        id: 'd1',
        source: { system: 'odoo', connection: 'o', id: '1' },
        name: 'Acme',
        kind: 'company',
      });
      await a.sync.upsertDebtors([d]);
      expect(await b.sync.getDebtor('d1')).toStrictEqual(d);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('keeps the data across a close and a reopen', async () => {
    const path = freshPath();
    const d = DebtorSchema.parse({
      id: 'd1',
      source: { system: 'odoo', connection: 'o', id: '1' },
      name: 'Acme',
      kind: 'company',
    });
    const first = await openSqliteStore(path);
    await first.migrate();
    await first.sync.upsertDebtors([d]);
    await first.close();
    const second = await openSqliteStore(path);
    try {
      await second.migrate();
      expect(await second.sync.getDebtor('d1')).toStrictEqual(d);
    } finally {
      await second.close();
    }
  });

  it('is at the newest migration once migrated, which latestMigrationName names', async () => {
    const store = (await openSqliteStore(':memory:')) as KyselyStore;
    try {
      await store.migrate();
      const applied = await sql<{ name: string }>`select max(name) as name from kysely_migration`.execute(store.kysely);
      expect(latestMigrationName()).toBe(applied.rows[0]!.name);
      expect(latestMigrationName()).toMatch(/^\d{4}-/);
    } finally {
      await store.close();
    }
  });

  it('reports a path it cannot open, naming it', async () => {
    const blocker = join(root, 'a-file');
    writeFileSync(blocker, '');
    await expect(openSqliteStore(join(blocker, 'store.db'))).rejects.toThrow(blocker);
  });
});
