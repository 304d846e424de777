import { Command } from 'commander';
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { Config } from '../../config/config.schema';
import { CaseOperationError } from '../cases';
import { loadRuntime } from '../runtime';
import { openStore } from '../store/open-store';
import type { Store } from '../store/store';
import { systemClock, type Clock } from '../time/clock';
import type { CommandResult } from './command-result';

/**
 * What the commands that read or change the store share: open the store the configuration
 * names, run, close; turn a refusal into one line on stderr and exit code 1.
 */

/** Every store command takes these; `env` and `clock` are for tests (defaults: the process's). */
export interface StoreCommandArgs {
  config?: string;
  json?: boolean;
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
}

export interface ConfiguredStore {
  config: Config;
  store: Store;
}

/** The configuration names a SQLite file that does not exist: nothing was ever synced. */
export class NoStoreYet extends Error {
  override readonly name = 'NoStoreYet';

  constructor(readonly path: string) {
    super(`there is no store at ${path} yet (run \`recouvra sync --once\` first)`);
  }
}

/** A command-line argument that cannot be right, refused before the store is opened. */
export class ArgumentError extends Error {
  override readonly name = 'ArgumentError';
}

/**
 * Loads the configuration (or the defaults), opens and migrates the store it names, runs `fn`
 * and closes the store. Throws NoStoreYet instead of creating an empty SQLite file.
 */
export async function withConfiguredStore<T>(args: { config?: string; env?: NodeJS.ProcessEnv }, fn: (opened: ConfiguredStore) => Promise<T>): Promise<T> {
  const rt = loadRuntime(args.config, args.env);
  rt.logger.close();
  const storeConfig = rt.config.store;
  if (storeConfig.driver === 'sqlite' && storeConfig.sqlite.path !== ':memory:' && !existsSync(storeConfig.sqlite.path)) throw new NoStoreYet(storeConfig.sqlite.path);
  const store = await openStore(storeConfig);
  try {
    await store.migrate();
    return await fn({ config: rt.config, store });
  } finally {
    await store.close();
  }
}

/**
 * Runs a store command to a CommandResult: `check` validates the arguments before anything is
 * loaded, `run` returns what goes to stdout. Without a store, `whenNoStore` answers (a listing
 * is empty) or, absent, the command fails saying so.
 */
export async function runStoreCommand<A>(
  args: StoreCommandArgs,
  check: () => A,
  run: (opened: ConfiguredStore, checked: A) => Promise<string>,
  whenNoStore?: (checked: A, missing: NoStoreYet) => string,
): Promise<CommandResult> {
  try {
    const checked = check();
    try {
      return { exitCode: 0, stdout: await withConfiguredStore(args, (opened) => run(opened, checked)), stderr: '' };
    } catch (e) {
      if (e instanceof NoStoreYet && whenNoStore) return { exitCode: 0, stdout: whenNoStore(checked, e), stderr: '' };
      throw e;
    }
  } catch (e) {
    return { exitCode: 1, stdout: '', stderr: `${messageOf(e)}\n` };
  }
}

/** What `--json` prints: the object the API answers, indented. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** One line: a refused operation says what and why (`no case case_…`), with its code for scripts. */
export function messageOf(e: unknown): string {
  if (e instanceof CaseOperationError) return `${oneLine(e.message)} (${e.code})`;
  if (e instanceof Error) return e.message;
  return String(e);
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}

/**
 * Who the journal names for an operation made on the command line: `cli:<OS user>`, as the API
 * names the user of its `x-recouvra-user` header. Same bounds as that header (100 characters,
 * no control characters).
 */
export function cliUser(env: NodeJS.ProcessEnv = process.env): string {
  let name: string | undefined;
  try {
    name = userInfo().username;
  } catch {
    // No passwd entry for the uid (a container): the login shell's variable still says who.
  }
  name = (name?.trim() || env['USER']?.trim() || env['LOGNAME']?.trim() || 'unknown').replace(/\p{Cc}/gu, '');
  return `cli:${name}`.slice(0, 100);
}

/** `-c, --config` and `--json`, as every store command takes them. */
export function storeCommand(name: string, description: string): Command {
  return new Command(name)
    .description(description)
    .option('-c, --config <file>', 'configuration file (YAML); default: built-in defaults (store ./data/recouvra.sqlite)')
    .option('--json', 'print JSON (the object the HTTP API answers) instead of text');
}

/** The system clock, unless a test gives one. */
export function clockOf(args: StoreCommandArgs): Clock {
  return args.clock ?? systemClock;
}
