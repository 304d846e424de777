import type { PostgresStoreOptions } from './postgres';
import type { Store } from './store';

export type StoreConfig =
  { driver: 'sqlite'; sqlite: { path: string } } | { driver: 'postgres'; postgres: PostgresStoreOptions };

/**
 * Opens the store the configuration names; the caller runs `migrate()` before use. Only the
 * named driver's module is loaded: a SQLite store does not load the PostgreSQL client.
 */
export function openStore(config: StoreConfig): Promise<Store> {
  switch (config.driver) {
    case 'sqlite':
      return (module.require('./sqlite') as typeof import('./sqlite')).openSqliteStore(config.sqlite.path);
    case 'postgres':
      return (module.require('./postgres') as typeof import('./postgres')).openPostgresStore(config.postgres);
  }
}
