import { answerCommands } from './simulator-child';
import { performance } from 'node:perf_hooks';
import { QuickBooksSimulator, type Company } from '../../adapters/quickbooks/simulator';
import { INVOICE_OPEN } from '../../adapters/quickbooks/simulator/columns';
import { createQboData } from '../../adapters/quickbooks/simulator/data';
import { SimulatedClock } from '../../connector/time/clock';

/**
 * The QuickBooks Online simulator for quickbooks-bench, in its own process so that its memory and
 * CPU are not the measured connector's. Started with `fork(this, [openInvoices, rateScale, seed])`;
 * the company read is the first one (the French multi-currency company). Answers on IPC:
 *
 * - at start: `{ type: 'ready', url, realmId, … }`
 * - `{ type: 'tokens' }` → `{ type: 'tokens', accessToken, refreshToken }`, a fresh grant
 * - `{ type: 'rate', rateScale }` → the throttle's factor changes and a new minute starts (`rate`)
 * - `{ type: 'change', fraction, advanceSeconds }` → the simulator's clock moves on, then a partial
 *   payment on `fraction` of the company's open invoices; answers the invoices and their new balances
 * - `{ type: 'counters' }` → the company's request counters since the last `counters`
 * - `{ type: 'stop' }` → closes the server and exits
 */

export type QboSimulatorCommand =
  | { type: 'tokens' }
  | { type: 'rate'; rateScale: number }
  | { type: 'change'; fraction: number; advanceSeconds: number }
  | { type: 'counters' }
  | { type: 'stop' };

export interface QboSimulatorReady {
  type: 'ready';
  url: string;
  realmId: string;
  clientId: string;
  clientSecret: string;
  /** Invoices generated over every company. */
  invoices: number;
  /** The read company's records. */
  company: { invoices: number; openInvoices: number; customers: number; payments: number; creditMemos: number };
  rateScale: number;
  requestsPerMinute: number;
  seedMs: number;
  rssMb: number;
}

export interface QboCounters {
  requests: number;
  meteredReads: number;
  throttled: number;
  maxInFlight: number;
}

export type QboSimulatorReply =
  | QboSimulatorReady
  | { type: 'tokens'; accessToken: string; refreshToken: string }
  | { type: 'rate'; rateScale: number; requestsPerMinute: number }
  | { type: 'changed'; invoices: { id: number; balance: number }[]; payments: number }
  | { type: 'counters'; counters: QboCounters }
  | { type: 'error'; message: string };

// The open share of the first company is stable at any size: measured on a sample.
const SAMPLE_INVOICES = 20_000;

const DATA_AGE_MS = 600_000;

function send(message: QboSimulatorReply): void {
  process.send!(message);
}

function openInvoiceRows(company: Company): number[] {
  const inv = company.invoices;
  const rows: number[] = [];
  for (let row = 0; row < inv.length; row++)
    if (inv.state[row] === INVOICE_OPEN && inv.balance[row]! > 0) rows.push(row);
  return rows;
}

/** Open invoices of the first company per invoice generated over all companies. */
function openShare(seed: number): number {
  const sample = createQboData({ seed, invoices: SAMPLE_INVOICES, now: () => new Date() });
  return openInvoiceRows(sample.companies[0]!).length / SAMPLE_INVOICES;
}

function change(
  sim: QuickBooksSimulator,
  clock: SimulatedClock,
  company: Company,
  fraction: number,
  advanceSeconds: number,
): { invoices: { id: number; balance: number }[]; payments: number } {
  clock.advance(advanceSeconds * 1000);
  const rows = openInvoiceRows(company);
  const every = Math.max(1, Math.round(1 / fraction));
  const invoices: { id: number; balance: number }[] = [];
  for (let i = every - 1; i < rows.length; i += every) {
    const row = rows[i]!;
    const balance = company.invoices.balance[row]!;
    // Half the open amount (at least one minor unit), so the invoice stays open with a new balance.
    const amount = Math.max(1, Math.floor(balance / 2));
    if (amount >= balance) continue;
    const id = company.invoices.id[row]!;
    sim.controls.addPayment(company.realmId, { invoiceId: String(id), amount });
    invoices.push({ id, balance: company.invoices.balance[row]! });
  }
  return { invoices, payments: invoices.length };
}

async function main(): Promise<void> {
  const wantedOpen = Number(process.argv[2] ?? 100_000);
  const rateScale = Number(process.argv[3] ?? 1);
  const seed = Number(process.argv[4] ?? 1);
  const t = performance.now();
  const invoices = Math.ceil(wantedOpen / openShare(seed));
  // The simulator's clock runs with real time. It moves on ten minutes once the data is made: the
  // company's data was last changed ten minutes before the first sync, not within the minute every
  // run walks back (which would read it again); `change` moves it on again, after the full sync.
  const clock = new SimulatedClock(Date.now(), 1);
  const sim = new QuickBooksSimulator({ seed, invoices, clock, rateScale });
  clock.advance(DATA_AGE_MS);
  const company = sim.companies[0]!;
  const openInvoices = openInvoiceRows(company).length;
  const seedMs = Math.round(performance.now() - t);
  await sim.start();
  const counters = (): QboCounters => {
    const c = sim.controls.counters()[company.realmId];
    sim.controls.resetCounters();
    return {
      requests: c?.requests ?? 0,
      meteredReads: c?.meteredReads ?? 0,
      throttled: c?.throttled ?? 0,
      maxInFlight: c?.maxInFlight ?? 0,
    };
  };
  answerCommands<QboSimulatorCommand>(sim, (command) => {
    if (command.type === 'tokens') {
      const issued = sim.controls.issueTokens(company.realmId);
      send({ type: 'tokens', accessToken: issued.access_token, refreshToken: issued.refresh_token });
    } else if (command.type === 'rate') {
      sim.controls.rateScale = command.rateScale;
      send({ type: 'rate', rateScale: sim.rateScale, requestsPerMinute: sim.requestsPerMinute });
    } else if (command.type === 'change')
      send({ type: 'changed', ...change(sim, clock, company, command.fraction, command.advanceSeconds) });
    else send({ type: 'counters', counters: counters() });
  });
  send({
    type: 'ready',
    url: sim.url,
    realmId: company.realmId,
    clientId: sim.clientId,
    clientSecret: sim.clientSecret,
    invoices,
    company: {
      invoices: company.invoices.length,
      openInvoices,
      customers: company.customers.length,
      payments: company.payments.length,
      creditMemos: company.creditMemos.length,
    },
    rateScale: sim.rateScale,
    requestsPerMinute: sim.requestsPerMinute,
    seedMs,
    rssMb: Math.round(process.memoryUsage().rss / 2 ** 20),
  });
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
