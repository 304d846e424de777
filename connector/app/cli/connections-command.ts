import { existsSync } from 'node:fs';
import { adapterRegistry } from '../../../adapters/registry';
import { redactString } from '../../log/logger';
import { loadRuntime, type Runtime } from '../runtime';
import type { AdapterRegistry, CheckResult } from '../../ports/erp';
import { AdapterError } from '../../ports/adapter-error';
import { createConnectionAdapter } from '../../sync/connections';
import { systemClock, type Clock } from '../../time/clock';
import type { CommandResult } from './command-result';
import { adapterDepsFor } from '../adapter-deps';
import { connectionAuthorizations } from '../connection-authorizations';
import type { CredentialHealth } from '../../credentials/health';
import { openStore, type StoreConfig } from '../../store/open-store';
import type { Store } from '../../store/store';

export interface ConnectionsCheckArgs {
  config: string;
  json?: boolean;
  env?: NodeJS.ProcessEnv;
  registry?: AdapterRegistry;
  /** The time the authorizations are judged at (default: the system clock). */
  clock?: Clock;
}

type Checked = CheckResult & {
  connection: string;
  type: string;
  /** An OAuth connection's authorization: its state, when it ends, what to run. */
  authorization?: CredentialHealth;
  /** What still works but needs a person soon (an authorization ending within 30 days). */
  warnings: string[];
};

/**
 * Proves each configured connection works (address, database, credentials, rights) and says what
 * its server offers; a problem is reported with what to change. Exit 1 if any connection fails.
 *
 * An OAuth connection's stored authorization is judged first (connector/credentials/health.ts):
 * one to reconnect (refused by the provider, ended, never given) or unreadable fails with the
 * command to run, without calling the ERP; one ending within 30 days passes with a warning.
 */
export async function runConnectionsCheck(args: ConnectionsCheckArgs): Promise<CommandResult> {
  let rt: Runtime;
  try {
    rt = loadRuntime(args.config, args.env);
  } catch (e) {
    return { exitCode: 1, stdout: '', stderr: `${(e as Error).message}\n` };
  }
  const results: Checked[] = [];
  const registry = args.registry ?? adapterRegistry;
  const clock = args.clock ?? systemClock;
  // OAuth connections (QuickBooks) keep their authorization in the store: the check reads it there.
  const store = await openExistingStore(rt.config.store).catch(() => undefined);
  try {
    const judge = connectionAuthorizations({
      connections: rt.config.connections,
      registry,
      store,
      clock,
      ...(args.env ? { env: args.env } : {}),
      configFile: args.config,
    });
    // A store that does not answer leaves the checks to say so, connection by connection.
    const authorizations = new Map((await judge().catch(() => [])).map((a) => [a.id, a.authorization]));
    for (const conn of rt.config.connections) {
      const authorization = authorizations.get(conn.id) ?? undefined;
      const judged = authorization ? { authorization } : {};
      if (authorization?.state === 'reconnect' || authorization?.state === 'unreadable') {
        // The ERP cannot be reached with it, and a refused authorization must not be tried again.
        results.push({
          connection: conn.id,
          type: conn.type,
          ok: false,
          capabilities: {},
          problems: [authorization.message],
          ...judged,
          warnings: [],
        });
        continue;
      }
      let result: CheckResult;
      try {
        const deps = store
          ? adapterDepsFor(conn.id, {
              store,
              clock,
              logger: rt.logger,
              ...(args.env ? { env: args.env } : {}),
            })
          : { clock, logger: rt.logger };
        const { adapter } = createConnectionAdapter(conn, registry, deps);
        result = await adapter.check();
        await adapter.close();
      } catch (e) {
        result = {
          ok: false,
          capabilities: {},
          problems: [e instanceof AdapterError ? `${e.code}: ${e.userMessage}` : (e as Error).message],
        };
      }
      results.push({
        connection: conn.id,
        type: conn.type,
        ...result,
        ...judged,
        warnings: authorization?.state === 'expiring' ? [authorization.message] : [],
      });
    }
    // A check may have been the call the provider refused: the state it recorded is shown.
    if (results.some((r) => !r.ok && r.authorization && r.authorization.state !== 'reconnect')) {
      const after = new Map((await judge().catch(() => [])).map((a) => [a.id, a.authorization]));
      for (const r of results) {
        const now = after.get(r.connection);
        if (!r.ok && r.authorization && now) {
          r.authorization = now;
          r.warnings = now.state === 'expiring' ? [now.message] : [];
        }
      }
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
    for (const w of r.warnings) lines.push(`  warning: ${w}`);
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
