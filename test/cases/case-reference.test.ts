import { openSqliteStore } from '../../connector/store/sqlite';
import { caseReferenceSuite } from './case-reference-suite';

describe('case and item references on SQLite', () => {
  caseReferenceSuite(
    async () => {
      const store = await openSqliteStore(':memory:');
      await store.migrate();
      return store;
    },
    (store) => store.close(),
  );
});
