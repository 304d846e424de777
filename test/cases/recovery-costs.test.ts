import { openSqliteStore } from '../../connector/store/sqlite';
import { recoveryCostSuite } from './recovery-cost-suite';

/** A cost of recovery with its receipt, on a real SQLite store (the PostgreSQL twin runs the same table). */
describe('recovery costs on SQLite', () => {
  recoveryCostSuite(
    async () => {
      const store = await openSqliteStore(':memory:');
      await store.migrate();
      return store;
    },
    (store) => store.close(),
  );
});
