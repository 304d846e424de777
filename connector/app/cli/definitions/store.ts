import { Command } from 'commander';
import { emit } from '../command-result';
import type { StoreCommandArgs } from '../store-command';
import { implementation } from './lazy';

/** `-c, --config` and `--json`, as every store command takes them. */
export function storeCommand(name: string, description: string): Command {
  return new Command(name)
    .description(description)
    .option(
      '-c, --config <file>',
      'configuration file (YAML); default: built-in defaults (store ./data/recouvra.sqlite)',
    )
    .option('--json', 'print JSON (the object the HTTP API answers) instead of text');
}

/** `recouvra store backup | restore | migrate`. */
export function storeMaintenanceCommand(): Command {
  const store = new Command('store').description(
    'back up, restore and migrate the store (SQLite file; PostgreSQL: prints the pg_dump / pg_restore command)',
  );
  store.addCommand(
    storeCommand(
      'backup',
      'write a consistent copy of the SQLite store, safe while the daemon runs (default: next to the store, named with the time)',
    )
      .option(
        '--to <file>',
        'where to write the copy (a new file, or a folder to write it into); an existing file is never overwritten',
      )
      .action(async (opts: StoreCommandArgs & { to?: string }) =>
        emit(await implementation('store-command').runStoreBackup(opts)),
      ),
  );
  store.addCommand(
    storeCommand(
      'restore',
      'put a SQLite backup in place of the store (the daemon stopped); the replaced store is kept as <store>.replaced-<time>',
    )
      .requiredOption('--from <file>', 'the backup to restore (a Recouvra SQLite store, no newer than this version)')
      .option('--force', 'replace an existing store (it is kept, renamed)')
      .action(async (opts: StoreCommandArgs & { from?: string; force?: boolean }) =>
        emit(await implementation('store-command').runStoreRestore(opts)),
      ),
  );
  store.addCommand(
    storeCommand(
      'migrate',
      'apply the pending migrations (SQLite: after copying the store next to itself); refuses a store a newer Recouvra migrated',
    )
      .option('--dry-run', 'list the pending migrations; apply nothing')
      .action(async (opts: StoreCommandArgs & { dryRun?: boolean }) =>
        emit(await implementation('store-command').runStoreMigrate(opts)),
      ),
  );
  return store;
}
