import { answerCommands } from './simulator-child';
import { performance } from 'node:perf_hooks';
import { OdooSimulator } from '../../adapters/odoo/simulator/server';
import {
  createOdooDatabase,
  OPEN_RECEIVABLE_DOMAIN,
  type OdooDatabase,
  type OdooVersion,
} from '../../adapters/odoo/simulator/model';

/**
 * The Odoo simulator for odoo-sync-bench, in its own process so that its memory and CPU are not
 * the measured connector's. Started with `fork(this, [version, openInvoices, seed, latencyMs])`; answers on
 * IPC:
 *
 * - at start: `{ type: 'ready', url, database, invoices, openInvoices, … }`
 * - `{ type: 'change', fraction, advanceSeconds }` → advances the clock, registers a partial
 *   payment on `fraction` of the open customer invoices, answers `{ type: 'changed', paid, writeDate }`
 * - `{ type: 'stats' }` → what the database answered since the last `stats`, per model.method
 * - `{ type: 'stop' }` → closes the server and exits
 */

export type SimulatorCommand =
  { type: 'change'; fraction: number; advanceSeconds: number } | { type: 'stats' } | { type: 'stop' };

export interface SimulatorReady {
  type: 'ready';
  url: string;
  database: string;
  login: string;
  apiKey: string;
  version: string;
  /** account.move records generated (every one a customer invoice or credit note). */
  invoices: number;
  /** Of those, open receivables (OCA credit-control's domain). */
  openInvoices: number;
  partners: number;
  seedMs: number;
  rssMb: number;
}

/** Per `model.method`: calls, records returned, time in the database (ms), and distinct request shapes. */
export interface CallStats {
  calls: number;
  records: number;
  /** Sum of the returned ids: two clients that read the same records get the same sum. */
  idSum: number;
  ms: number;
  shapes: string[];
}

export type SimulatorReply =
  | SimulatorReady
  | { type: 'changed'; paid: number; writeDate: string }
  | { type: 'stats'; calls: Record<string, CallStats> }
  | { type: 'error'; message: string };

// The open-invoice share of a seeded database is stable (~48% at any size): measured on a sample.
const SAMPLE_INVOICES = 20_000;

const OPEN_INVOICES_DOMAIN = [['move_type', '=', 'out_invoice'], ...OPEN_RECEIVABLE_DOMAIN.slice(1)];

function send(message: SimulatorReply): void {
  process.send!(message);
}

function openShare(version: OdooVersion, seed: number): number {
  const sample = createOdooDatabase({ version, invoices: SAMPLE_INVOICES, seed });
  return (sample.call('account.move', 'search_count', [OPEN_RECEIVABLE_DOMAIN]) as number) / SAMPLE_INVOICES;
}

/** Wraps `db.call` to count what each model.method answered, and in what shape it was asked. */
function instrument(db: OdooDatabase): () => Record<string, CallStats> {
  let stats = new Map<string, CallStats & { shapeSet: Set<string> }>();
  const call = db.call.bind(db);
  db.call = (model, method, args, kwargs, user) => {
    const t = performance.now();
    const result = call(model, method, args, kwargs, user);
    const key = `${model}.${method}`;
    let s = stats.get(key);
    if (!s) stats.set(key, (s = { calls: 0, records: 0, idSum: 0, ms: 0, shapes: [], shapeSet: new Set() }));
    s.calls++;
    s.ms += performance.now() - t;
    if (Array.isArray(result)) {
      s.records += result.length;
      for (const r of result)
        if (r !== null && typeof r === 'object' && !Array.isArray(r) && typeof r['id'] === 'number') s.idSum += r['id'];
    }
    if (method === 'search_read' || method === 'read') s.shapeSet.add(shapeOf(args ?? [], kwargs ?? {}));
    return result;
  };
  return () => {
    const out: Record<string, CallStats> = {};
    for (const [key, { shapeSet, ...s }] of stats)
      out[key] = { ...s, ms: Math.round(s.ms), shapes: [...shapeSet].sort() };
    stats = new Map();
    return out;
  };
}

/** The parts of a read request that must match between two clients: filter, fields, limit, order (not the cursor). */
function shapeOf(args: readonly unknown[], kwargs: Record<string, unknown>): string {
  const domain = kwargs['domain'] ?? args[0];
  const filter = Array.isArray(domain) ? domain.slice(0, Math.max(0, domain.indexOf('|')) || domain.length) : domain;
  const fields = kwargs['fields'] ?? args[1];
  return JSON.stringify({ filter, fields, limit: kwargs['limit'] ?? null, order: kwargs['order'] ?? null });
}

function change(db: OdooDatabase, fraction: number, advanceSeconds: number): { paid: number; writeDate: string } {
  db.advanceClock(advanceSeconds);
  const ids = db.call('account.move', 'search', [OPEN_INVOICES_DOMAIN], { order: 'id asc' }) as number[];
  const every = Math.max(1, Math.round(1 / fraction));
  const chosen = ids.filter((_, i) => i % every === every - 1);
  const rows = db.call('account.move', 'read', [chosen, ['amount_residual']]) as {
    id: number;
    amount_residual: number;
  }[];
  let paid = 0;
  for (const r of rows) {
    // Half the open amount, so that the invoice stays open with a new residual and write_date.
    const amount = Math.floor(r.amount_residual * 50) / 100;
    if (amount <= 0) continue;
    db.payInvoice(r.id, amount);
    paid++;
  }
  return { paid, writeDate: db.now().toISOString().slice(0, 19).replace('T', ' ') };
}

async function main(): Promise<void> {
  const version = (process.argv[2] ?? '18.0') as OdooVersion;
  const wantedOpen = Number(process.argv[3] ?? 100_000);
  const seed = Number(process.argv[4] ?? 1);
  const latencyMs = Number(process.argv[5] ?? 0);
  const t = performance.now();
  const invoices = Math.ceil(wantedOpen / openShare(version, seed));
  const db = createOdooDatabase({ version, invoices, seed });
  const stats = instrument(db);
  const openInvoices = db.call('account.move', 'search_count', [OPEN_RECEIVABLE_DOMAIN]) as number;
  const seedMs = Math.round(performance.now() - t);
  const sim = await new OdooSimulator({ db, version }).start();
  sim.controls.latencyMs = latencyMs;
  stats();
  answerCommands<SimulatorCommand>(sim, (command) => {
    if (command.type === 'change') send({ type: 'changed', ...change(db, command.fraction, command.advanceSeconds) });
    else send({ type: 'stats', calls: stats() });
  });
  send({
    type: 'ready',
    url: sim.url,
    database: sim.database,
    login: 'recouvra',
    apiKey: 'recouvra-api-key',
    version,
    invoices,
    openInvoices,
    partners: db.count('res.partner'),
    seedMs,
    rssMb: Math.round(process.memoryUsage().rss / 2 ** 20),
  });
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
