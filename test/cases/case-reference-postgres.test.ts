import { openPostgresStore } from '../../connector/store/postgres';
import { describeWithPostgres, dropSchemas, freshSchemaName, TEST_POSTGRES_URL } from '../helpers/postgres';
import { caseReferenceSuite } from './case-reference-suite';

/** The same look-ups on PostgreSQL, whose text comparison and ordering must agree with SQLite's. */
describeWithPostgres('case and item references on PostgreSQL', () => {
  const schemas: string[] = [];
  afterAll(() => dropSchemas(schemas));
  caseReferenceSuite(
    async () => {
      const schema = freshSchemaName('recouvra_refs');
      schemas.push(schema);
      const store = await openPostgresStore({ url: TEST_POSTGRES_URL, schema, poolSize: 2 });
      await store.migrate();
      return store;
    },
    (store) => store.close(),
  );
});
