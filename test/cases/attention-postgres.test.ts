import { openPostgresStore } from '../../connector/store/postgres';
import { describeWithPostgres, dropSchemas, freshSchemaName, TEST_POSTGRES_URL } from '../helpers/postgres';
import { attentionSuite } from './attention-suite';

describeWithPostgres('cases needing attention on PostgreSQL', () => {
  const schemas: string[] = [];
  afterAll(() => dropSchemas(schemas));
  attentionSuite(
    async () => {
      const schema = freshSchemaName('recouvra_attention');
      schemas.push(schema);
      const store = await openPostgresStore({ url: TEST_POSTGRES_URL, schema, poolSize: 2 });
      await store.migrate();
      return store;
    },
    (store) => store.close(),
  );
});
