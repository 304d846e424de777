import { existsSync } from 'node:fs';
import { adapterRegistry } from '../../../adapters/registry';
import { redactString } from '../../log/logger';
import { loadRuntime, type Runtime } from '../runtime';
import type { AdapterRegistry, CheckResult } from '../../ports/erp';
import { AdapterError } from '../../ports/adapter-error';
import { createConnectionAdapter } from '../../sync/connections';
import { systemClock } from '../../time/clock';
import type { CommandResult } from './command-result';
import { adapterDepsFor } from '../adapter-deps';
import { openStore, type StoreConfig } from '../../store/open-store';
import type { Store } from '../../store/store';

export interface ConnectionsCheckArgs {
  config: string;
  json?: boolean;
  env?: NodeJS.ProcessEnv;
  registry?: AdapterRegistry;
}

type Checked = CheckResult & { connection: string; type: string };

/**
 * Proves each configured connection works (address, database, credentials, rights) and says what
 * its server offers; a problem is reported with what to change. Exit 1 if any connection fails.
 */
export async function runConnectionsCheck(args: ConnectionsCheckArgs): Promise<CommandResult> {
  let rt: Runtime;
  try {
    rt = loadRuntime(args.config, args.env);
  } catch (e) {
    return { exitCode: 1, stdout: '', stderr: `${(e as Error).message}\n` };
  }
  const results: Checked[] = [];
  // OAuth connections (QuickBooks) keep their authorization in the store: the check reads it there.
  const store = await openExistingStore(rt.config.store).catch(() => undefined);
  try {
    for (const conn of rt.config.connections) {
      let result: CheckResult;
      try {
        const deps = store
          ? adapterDepsFor(conn.id, {
              store,
              clock: systemClock,
              logger: rt.logger,
              ...(args.env ? { env: args.env } : {}),
            })
          : { clock: systemClock, logger: rt.logger };
        const { adapter } = createConnectionAdapter(conn, args.registry ?? adapterRegistry, deps);
        result = await adapter.check();
        await adapter.close();
      } catch (e) {
        result = {
          ok: false,
          capabilities: {},
          problems: [e instanceof AdapterError ? `${e.code}: ${e.userMessage}` : (e as Error).message],
        };
      }
      results.push({ connection: conn.id, type: conn.type, ...result });
    }
  } finally {
    await store?.close();
    rt.logger.close();
  }
  const failed = results.filter((r) => !r.ok);
  const stdout = args.json ? `${JSON.stringify(results, null, 2)}\n` : renderChecks(results);
  const stderr =
    results.length === 0
      ? `${args.config} has no connections to check\n`
      : failed.length
        ? `${failed.length} of ${results.length} connection(s) failed the check\n`
        : '';
  return {
    exitCode: failed.length || results.length === 0 ? 1 : 0,
    stdout: redactString(stdout, rt.secrets),
    stderr: redactString(stderr, rt.secrets),
  };
}

function renderChecks(results: Checked[]): string {
  const lines: string[] = [];
  for (const r of results) {
    lines.push(
      `${r.connection} (${r.type}): ${r.ok ? `ok, server ${r.serverVersion ?? 'version unknown'}` : 'FAILED'}`,
    );
    for (const p of r.problems) lines.push(`  problem: ${p}`);
    const caps = Object.entries(r.capabilities);
    if (caps.length) lines.push(`  offers: ${caps.map(([k, v]) => `${k} ${v ? 'yes' : 'no'}`).join(', ')}`);
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** The configured store, migrated, when it exists; undefined for a SQLite file not created yet (never creates one). */
async function openExistingStore(config: StoreConfig): Promise<Store | undefined> {
  if (config.driver === 'sqlite' && config.sqlite.path !== ':memory:' && !existsSync(config.sqlite.path))
    return undefined;
  const store = await openStore(config);
  try {
    await store.migrate();
    return store;
  } catch (e) {
    await store.close();
    throw e;
  }
}
