import { adapterDepsFor } from '../adapter-deps';
import { ErpReadMeter, meteredConnections } from '../erp-read-meter';
import { adapterRegistry } from '../../../adapters/registry';
import { redactString } from '../../log/logger';
import { loadRuntime, type Runtime } from '../runtime';
import { openStore } from '../../store/open-store';
import type { Store } from '../../store/store';
import type { AdapterRegistry, ErpAdapter } from '../../ports/erp';
import { AdapterError } from '../../ports/adapter-error';
import { createConnectionAdapter } from '../../sync/connections';
import { syncConnection, type SyncSummary } from '../../sync/sync-connection';
import { systemClock, type Clock } from '../../time/clock';
import type { CommandResult } from './command-result';
import { formatDuration, PhaseLogProgress, TerminalProgress, type ProgressDisplay } from './sync-progress';

export interface SyncArgs {
  config?: string;
  once?: boolean;
  /** Only these connection ids; default: every configured connection. */
  connection?: string[];
  full?: boolean;
  /** Ignore the saved cursors and read everything again (then reconcile). */
  fromScratch?: boolean;
  json?: boolean;
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  registry?: AdapterRegistry;
  /** How progress is shown, given the runtime's logger; default: bars on a terminal, phase log lines otherwise. */
  progress?: (rt: Runtime) => ProgressDisplay;
}

export const NOT_ONCE_MESSAGE =
  'recouvra sync runs one pass over the connections and then exits: add --once. The daemon, which syncs every connection on its schedule, is `recouvra run --config FILE`.\n';

/**
 * One sync of each configured connection (or of those named), one after the other: incremental
 * from the saved cursors, with a full reconciliation when --full is given or when the last one
 * is older than the connection's `fullReconciliationHours`. A failed connection is reported and
 * the next one still runs; the exit code is 1 if any failed.
 */
export async function runSync(args: SyncArgs): Promise<CommandResult> {
  if (!args.once) return { exitCode: 1, stdout: '', stderr: NOT_ONCE_MESSAGE };
  if (!args.config)
    return {
      exitCode: 1,
      stdout: '',
      stderr: 'recouvra sync needs --config FILE: the connections to sync are in the configuration\n',
    };
  const clock = args.clock ?? systemClock;
  const registry = args.registry ?? adapterRegistry;
  let rt: Runtime;
  try {
    rt = loadRuntime(args.config, args.env);
  } catch (e) {
    return { exitCode: 1, stdout: '', stderr: `${(e as Error).message}\n` };
  }
  const secrets = rt.secrets;
  const redact = (r: CommandResult): CommandResult => ({
    ...r,
    stdout: redactString(r.stdout, secrets),
    stderr: redactString(r.stderr, secrets),
  });
  const configured = rt.config.connections;
  const unknown = (args.connection ?? []).filter((id) => !configured.some((c) => c.id === id));
  if (unknown.length > 0) {
    rt.logger.close();
    return redact({
      exitCode: 1,
      stdout: '',
      stderr: `no connection ${unknown.map((id) => `"${id}"`).join(', ')} in ${args.config} (configured: ${configured.map((c) => c.id).join(', ') || 'none'})\n`,
    });
  }
  const selected = args.connection?.length ? configured.filter((c) => args.connection!.includes(c.id)) : configured;
  if (selected.length === 0) {
    rt.logger.close();
    return redact({
      exitCode: 1,
      stdout: '',
      stderr: `nothing to sync: ${args.config} has no connections (add one under \`connections:\`, see README.md "Odoo connection")\n`,
    });
  }

  let store: Store | undefined;
  let display: ProgressDisplay | undefined;
  const summaries: SyncSummary[] = [];
  try {
    store = await openStore(rt.config.store);
    await store.migrate();
    display = args.progress
      ? args.progress(rt)
      : process.stderr.isTTY
        ? new TerminalProgress(rt.logger)
        : new PhaseLogProgress(rt.logger);
    for (const conn of selected) {
      const summary = await syncOne(
        conn,
        registry,
        store,
        rt,
        clock,
        { full: args.full ?? false, fromScratch: args.fromScratch ?? false },
        display,
      );
      display.connectionDone(conn.id, summary.error !== undefined);
      summaries.push(summary);
    }
  } catch (e) {
    display?.close();
    display = undefined;
    return redact({
      exitCode: 1,
      stdout: summaries.length ? renderSummaries(summaries, args.json ?? false) : '',
      stderr: `${(e as Error).message}\n`,
    });
  } finally {
    display?.close();
    await store?.close();
    rt.logger.close();
  }
  const failed = summaries.filter((s) => s.error !== undefined);
  const stderr = failed.length
    ? `${failed.length} of ${summaries.length} connection(s) failed: ${failed.map((s) => s.connection).join(', ')}\n`
    : '';
  return redact({ exitCode: failed.length ? 1 : 0, stdout: renderSummaries(summaries, args.json ?? false), stderr });
}

/** Creates the connection's adapter, syncs it and closes it; any failure becomes the summary's error. */
async function syncOne(
  conn: { id: string; type: string },
  registry: AdapterRegistry,
  store: Store,
  rt: Runtime,
  clock: Clock,
  options: { full: boolean; fromScratch: boolean },
  display: ProgressDisplay,
): Promise<SyncSummary> {
  const started = clock.now().getTime();
  let adapter: ErpAdapter | undefined;
  try {
    const created = createConnectionAdapter(
      conn,
      registry,
      adapterDepsFor(conn.id, { store, clock, logger: rt.logger }),
    );
    adapter = created.adapter;
    const hours = created.settings['fullReconciliationHours'];
    return await syncConnection({
      store,
      adapter,
      connection: conn.id,
      clock,
      logger: rt.logger,
      mode: options.full ? 'full' : 'auto',
      fromScratch: options.fromScratch,
      locale: rt.config.company.locale,
      ...(typeof hours === 'number' ? { fullEveryHours: hours } : {}),
      onProgress: (p) => display.update(p),
    });
  } catch (e) {
    const error =
      e instanceof AdapterError
        ? { code: e.code, message: e.userMessage }
        : { code: 'SYNC_FAILED', message: e instanceof Error ? e.message : String(e) };
    rt.logger.error(`sync ${conn.id} stopped: ${error.code}: ${error.message}`, {
      connection: conn.id,
      code: error.code,
    });
    return {
      connection: conn.id,
      read: 0,
      new: 0,
      changed: 0,
      unchanged: 0,
      closed: 0,
      quarantined: 0,
      debtors: 0,
      pages: 0,
      warnings: 0,
      reconciled: false,
      durationMs: clock.now().getTime() - started,
      error,
    };
  } finally {
    // Its reads count against the month's allowance of a metered ERP, as the daemon's do.
    const used = adapter;
    if (used)
      await new ErpReadMeter({
        store,
        clock: systemClock,
        logger: rt.logger,
        connections: meteredConnections([conn], registry, () => used.usage?.()),
      }).flush();
    try {
      await adapter?.close();
    } catch (e) {
      rt.logger.warn(`sync ${conn.id}: closing the adapter failed: ${(e as Error).message}`, { connection: conn.id });
    }
  }
}

const COLUMNS: { head: string; value: (s: SyncSummary) => string; left?: boolean }[] = [
  { head: 'connection', value: (s) => s.connection, left: true },
  { head: 'read', value: (s) => String(s.read) },
  { head: 'new', value: (s) => String(s.new) },
  { head: 'changed', value: (s) => String(s.changed) },
  { head: 'unchanged', value: (s) => String(s.unchanged) },
  { head: 'closed', value: (s) => String(s.closed) },
  { head: 'quarantined', value: (s) => String(s.quarantined) },
  { head: 'debtors', value: (s) => String(s.debtors) },
  { head: 'pages', value: (s) => String(s.pages) },
  { head: 'duration', value: (s) => formatDuration(s.durationMs) },
  { head: 'reconciled', value: (s) => (s.reconciled ? 'yes' : 'no') },
  { head: 'result', value: (s) => s.error?.code ?? 'ok', left: true },
];

/** Shown when an adapter counts its calls (QuickBooks meters its reads: erp-apis.md §2.9). */
const ERP_READS: (typeof COLUMNS)[number] = {
  head: 'ERP reads',
  value: (s) => (s.erpCalls ? String(s.erpCalls.reads) : '-'),
};

export function renderSummaries(summaries: SyncSummary[], json: boolean): string {
  if (json) return `${JSON.stringify(summaries, null, 2)}\n`;
  const columns = summaries.some((s) => s.erpCalls) ? [...COLUMNS.slice(0, -1), ERP_READS, COLUMNS.at(-1)!] : COLUMNS;
  const rows = [columns.map((c) => c.head), ...summaries.map((s) => columns.map((c) => c.value(s)))];
  const widths = columns.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((cell, i) => (columns[i]!.left ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [line(rows[0]!), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line)];
  const failed = summaries.filter((s) => s.error);
  if (failed.length) out.push('', ...failed.map((s) => `${s.connection}: ${s.error!.code}: ${s.error!.message}`));
  return `${out.join('\n')}\n`;
}
