import { openSqliteStore } from '../../connector/store/sqlite';
import { attentionSuite } from './attention-suite';

describe('cases needing attention on SQLite', () => {
  attentionSuite(
    async () => {
      const store = await openSqliteStore(':memory:');
      await store.migrate();
      return store;
    },
    (store) => store.close(),
  );
});
