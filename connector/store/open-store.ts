import { openPostgresStore, type PostgresStoreOptions } from './postgres';
import { openSqliteStore } from './sqlite';
import type { Store } from './store';

export type StoreConfig =
  { driver: 'sqlite'; sqlite: { path: string } } | { driver: 'postgres'; postgres: PostgresStoreOptions };

/** Opens the store the configuration names; the caller runs `migrate()` before use. */
export function openStore(config: StoreConfig): Promise<Store> {
  switch (config.driver) {
    case 'sqlite':
      return openSqliteStore(config.sqlite.path);
    case 'postgres':
      return openPostgresStore(config.postgres);
  }
}
