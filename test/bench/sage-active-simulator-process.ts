import { answerCommands } from './simulator-child';
import { performance } from 'node:perf_hooks';
import { SageActiveSimulator } from '../../adapters/sage-active/simulator';
import { SageActiveData, type InvoiceRecord, type Organization } from '../../adapters/sage-active/simulator/data';
import { SimulatedClock } from '../../connector/time/clock';

/**
 * The Sage Active simulator for sage-active-bench, in its own process so that its memory and CPU are
 * not the measured connector's. Started with `fork(this, [openInvoices, seed])`; the organisation
 * read is the first one (the one with books). Answers on IPC:
 *
 * - at start: `{ type: 'ready', url, clientId, subscriptionKey, organizationId, … }`
 * - `{ type: 'tokens' }` → `{ type: 'tokens', accessToken, refreshToken }`, a fresh grant
 * - `{ type: 'delete', count, advanceSeconds }` → the clock moves on, then `count` open invoices are
 *   deleted (what only the sweep can see); answers their ids
 * - `{ type: 'counters' }` → the simulator's request counters since the last `counters`
 * - `{ type: 'stop' }` → closes the server and exits
 */

export type SageSimulatorCommand =
  | { type: 'tokens' }
  | { type: 'delete'; count: number; advanceSeconds: number }
  | { type: 'counters' }
  | { type: 'stop' };

export interface SageSimulatorReady {
  type: 'ready';
  url: string;
  clientId: string;
  subscriptionKey: string;
  organizationId: string;
  /** Invoices generated over both organisations. */
  invoices: number;
  organization: { invoices: number; openInvoices: number; customers: number; entries: number };
  seedMs: number;
  rssMb: number;
}

export interface SageCounters {
  requests: number;
  throttled: number;
  byField: Record<string, number>;
}

export type SageSimulatorReply =
  | SageSimulatorReady
  | { type: 'tokens'; accessToken: string; refreshToken: string }
  | { type: 'deleted'; ids: string[] }
  | { type: 'counters'; counters: SageCounters }
  | { type: 'error'; message: string };

const SAMPLE_INVOICES = 20_000;
/** The data was last changed ten minutes before the first sync: outside the window every run walks back. */
const DATA_AGE_MS = 600_000;
/** §2.3: issued and not collected. */
const OPEN = new Set(['Closed', 'Posted', 'PartiallyCollected']);

function send(message: SageSimulatorReply): void {
  process.send!(message);
}

function open(invoice: InvoiceRecord): boolean {
  return OPEN.has(invoice.status) && invoice.openItems.some((i) => i.paid < i.amount);
}

function openInvoices(org: Organization): InvoiceRecord[] {
  return org.invoices.filter(open);
}

/** Open invoices of the first organisation per invoice generated over both. */
function openShare(seed: number): number {
  const sample = new SageActiveData({ seed, invoices: SAMPLE_INVOICES, nowMs: Date.now() });
  return openInvoices(sample.organizations[0]!).length / SAMPLE_INVOICES;
}

async function main(): Promise<void> {
  const wantedOpen = Number(process.argv[2] ?? 100_000);
  const seed = Number(process.argv[3] ?? 1);
  const t = performance.now();
  const invoices = Math.ceil(wantedOpen / openShare(seed));
  const clock = new SimulatedClock(Date.now(), 1);
  // Lifted well above the sync's few hundred requests: the benchmark measures our work, not Sage's limit.
  const sim = new SageActiveSimulator({ seed, invoices, clock, rateScale: 100 });
  clock.advance(DATA_AGE_MS);
  const org = sim.organizations[0]!;
  const seedMs = Math.round(performance.now() - t);
  await sim.start();
  let last = sim.controls.counters();
  const counters = (): SageCounters => {
    const now = sim.controls.counters();
    const byField: Record<string, number> = {};
    for (const [k, v] of Object.entries(now.byField))
      if (v - (last.byField[k] ?? 0) > 0) byField[k] = v - (last.byField[k] ?? 0);
    const out = { requests: now.requests - last.requests, throttled: now.throttled - last.throttled, byField };
    last = now;
    return out;
  };
  answerCommands<SageSimulatorCommand>(sim, (command) => {
    if (command.type === 'tokens') {
      const issued = sim.controls.issueTokens();
      send({ type: 'tokens', accessToken: issued.access_token, refreshToken: issued.refresh_token! });
    } else if (command.type === 'delete') {
      clock.advance(command.advanceSeconds * 1000);
      const victims = openInvoices(org).slice(-command.count);
      for (const v of victims) sim.controls.deleteInvoice(org.id, v.id);
      send({ type: 'deleted', ids: victims.map((v) => v.id) });
    } else send({ type: 'counters', counters: counters() });
  });
  send({
    type: 'ready',
    url: sim.url,
    clientId: sim.clientId,
    subscriptionKey: sim.subscriptionKeys[0],
    organizationId: org.id,
    invoices,
    organization: {
      invoices: org.invoices.length,
      openInvoices: openInvoices(org).length,
      customers: org.customers.length,
      entries: org.entries.length,
    },
    seedMs,
    rssMb: Math.round(process.memoryUsage().rss / 2 ** 20),
  });
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
