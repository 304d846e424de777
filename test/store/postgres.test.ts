import { sql } from 'kysely';
import { types } from 'pg';
import { DebtorSchema } from '../../connector/model/debtor.schema';
import { ReceivableSchema } from '../../connector/model/receivable.schema';
import { KyselyStore } from '../../connector/store/kysely-store';
import { StoreError } from '../../connector/store/errors';
import { openStore } from '../../connector/store/open-store';
import { openPostgresStore } from '../../connector/store/postgres';
import { describeWithPostgres, dropSchemas, freshSchemaName, TEST_POSTGRES_URL } from '../helpers/postgres';
import { describeStoreContract } from './store.contract';
import { saveReceivables } from '../../connector/cases/case-lifecycle';

describeWithPostgres('PostgreSQL store', () => {
  // Every store gets a schema of its own, so tests share nothing, and parallel jest workers
  // (or a second run on the same server) never meet; all are dropped when the file ends.
  const prefix = freshSchemaName('recouvra_test');
  const schemas: string[] = [];
  let count = 0;
  const newSchema = (): string => {
    const name = `${prefix}_${++count}`;
    schemas.push(name);
    return name;
  };

  afterAll(async () => {
    await dropSchemas(schemas);
  });

  describeStoreContract('PostgreSQL', () =>
    openPostgresStore({ url: TEST_POSTGRES_URL, schema: newSchema(), poolSize: 4 }),
  );

  it('creates its schema and keeps its tables there, not in public', async () => {
    const schema = newSchema();
    const store = (await openStore({
      driver: 'postgres',
      postgres: { url: TEST_POSTGRES_URL, schema },
    })) as KyselyStore;
    try {
      await store.migrate();
      const tables = await sql<{ table_name: string }>`
        select table_name from information_schema.tables where table_schema = ${schema} order by table_name`.execute(
        store.kysely,
      );
      expect(tables.rows.map((r) => r.table_name)).toEqual(
        expect.arrayContaining([
          'case_journal',
          'cases',
          'debtors',
          'decisions',
          'job_holds',
          'jobs',
          'kysely_migration',
          'outbox',
          'payments',
          'quarantine',
          'receivables',
          'sync_cursors',
        ]),
      );
    } finally {
      await store.close();
    }
  });

  it('lets several processes migrate one schema at the same time', async () => {
    const schema = newSchema();
    const stores = await Promise.all(
      [1, 2, 3].map(() => openPostgresStore({ url: TEST_POSTGRES_URL, schema, poolSize: 2 })),
    );
    try {
      await Promise.all(stores.map((s) => s.migrate()));
      const d = DebtorSchema.parse({
        id: 'd1',
        source: { system: 'odoo', connection: 'o', id: '1' },
        name: 'Acme',
        kind: 'company',
      });
      await stores[0]!.sync.upsertDebtors([d]);
      expect(await stores[2]!.sync.getDebtor('d1')).toStrictEqual(d);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('reads int8 as numbers in its own pool only, and refuses one that is not exact', async () => {
    const store = (await openPostgresStore({ url: TEST_POSTGRES_URL, schema: newSchema() })) as KyselyStore;
    try {
      await store.migrate();
      const r = ReceivableSchema.parse({
        id: 'r1',
        source: { system: 'odoo', connection: 'o', id: '1' },
        kind: 'invoice',
        number: 'F1',
        debtorId: 'd1',
        companyId: 'co1',
        issueDate: '2025-01-01',
        dueDate: '2025-01-31',
        currency: 'EUR',
        total: Number.MAX_SAFE_INTEGER,
        open: 1,
      });
      await saveReceivables(store, [r], '2025-03-01T00:00:00Z');
      expect((await store.sync.getReceivable('r1'))?.total).toBe(Number.MAX_SAFE_INTEGER);
      await sql`update receivables set total = total + 2`.execute(store.kysely);
      await expect(store.sync.getReceivable('r1')).rejects.toThrow(/int8 value 9007199254740993/);
      // pg's process-wide parser is untouched: other users of the library still get strings.
      const parse = types.getTypeParser(types.builtins.INT8, 'text') as (text: string) => unknown;
      expect(parse('9007199254740993')).toBe('9007199254740993');
    } finally {
      await store.close();
    }
  });

  it('refuses a schema name that is not a plain identifier', async () => {
    await expect(openPostgresStore({ url: TEST_POSTGRES_URL, schema: 'x; drop table debtors' })).rejects.toThrow(
      StoreError,
    );
  });

  it('does not put the password in the error when it cannot connect', async () => {
    const failure = await openPostgresStore({ url: 'postgres://recouvra:s3cret-pw@127.0.0.1:1/test' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as Error).message).toContain('127.0.0.1:1/test');
    expect((failure as Error).message).not.toContain('s3cret-pw');
  });

  it('refuses TRUNCATE on the journal as well', async () => {
    const store = (await openPostgresStore({ url: TEST_POSTGRES_URL, schema: newSchema() })) as KyselyStore;
    try {
      await store.migrate();
      await expect(sql`truncate case_journal`.execute(store.kysely)).rejects.toThrow(/append-only/);
    } finally {
      await store.close();
    }
  });

  it('a connection the server drops in the middle of a transaction fails that transaction, not the process', async () => {
    const store = (await openPostgresStore({
      url: TEST_POSTGRES_URL,
      schema: newSchema(),
      poolSize: 2,
    })) as KyselyStore;
    try {
      await store.migrate();
      const outcome = store.transaction(async (tx) => {
        const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute((tx as KyselyStore).kysely);
        // Another connection ends this one while the transaction waits between two statements
        // (a PostgreSQL restart, a failover): the client hears it with no query running.
        await sql`select pg_terminate_backend(${rows[0]!.pid})`.execute(store.kysely);
        await new Promise((resolve) => setTimeout(resolve, 300));
        return tx.sync.getDebtor('d1');
      });
      await expect(outcome).rejects.toThrow();
      // The pool left the dead connection behind: the store goes on.
      expect(await store.sync.getDebtor('d1')).toBeUndefined();
    } finally {
      await store.close();
    }
  });
});
