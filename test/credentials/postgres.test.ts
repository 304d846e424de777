import { openPostgresStore } from '../../connector/store/postgres';
import { describeWithPostgres, dropSchemas, freshSchemaName, TEST_POSTGRES_URL } from '../helpers/postgres';
import { describeCredentialStoreContract } from './credential-store.contract';

describeWithPostgres('PostgreSQL credential store', () => {
  // A schema per test, dropped when the file ends: parallel jest workers never meet.
  const prefix = freshSchemaName('recouvra_cred');
  const schemas: string[] = [];

  afterAll(async () => {
    await dropSchemas(schemas);
  });

  describeCredentialStoreContract('PostgreSQL', async () => {
    const schema = `${prefix}_${schemas.length + 1}`;
    schemas.push(schema);
    const store = await openPostgresStore({ url: TEST_POSTGRES_URL, schema, poolSize: 2 });
    await store.migrate();
    // A second worker process: a pool of its own on the same schema.
    return { store, openSibling: () => openPostgresStore({ url: TEST_POSTGRES_URL, schema, poolSize: 2 }) };
  });
});
