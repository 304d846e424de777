import { openPostgresStore } from '../../connector/store/postgres';
import { describeWithPostgres, dropSchemas, freshSchemaName, TEST_POSTGRES_URL } from '../helpers/postgres';
import { recoveryCostSuite } from './recovery-cost-suite';

/** The same table on PostgreSQL, where concurrent entries of one cost really overlap. */
describeWithPostgres('recovery costs on PostgreSQL', () => {
  const schemas: string[] = [];
  afterAll(() => dropSchemas(schemas));
  recoveryCostSuite(
    async () => {
      const schema = freshSchemaName('recouvra_costs');
      schemas.push(schema);
      const store = await openPostgresStore({ url: TEST_POSTGRES_URL, schema, poolSize: 4 });
      await store.migrate();
      return store;
    },
    (store) => store.close(),
  );
});
