import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../connector/store/sqlite';
import { describeCredentialStoreContract } from './credential-store.contract';

const root = mkdtempSync(join(tmpdir(), 'recouvra-credentials-'));
let counter = 0;

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describeCredentialStoreContract('SQLite file', async () => {
  const path = join(root, `run-${++counter}`, 'store.db');
  const store = await openSqliteStore(path);
  await store.migrate();
  // A second worker process opens the same file with connections of its own.
  return { store, openSibling: () => openSqliteStore(path) };
});

describeCredentialStoreContract('SQLite in memory', async () => {
  const store = await openSqliteStore(':memory:');
  await store.migrate();
  return { store };
});
