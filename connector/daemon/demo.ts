import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createOdooDatabase, OPEN_RECEIVABLE_DOMAIN, type OdooDatabase } from '../../adapters/odoo/simulator/model';
import { OdooSimulator } from '../../adapters/odoo/simulator/server';
import type { Logger } from '../log/logger';
import { scaledClock, type Clock } from '../time/clock';

/**
 * The demo (`recouvra run` without a configuration): the built-in simulators stand in for the
 * outside world, the store is SQLite in a data folder, and time runs `clockSpeed` times faster,
 * so that a person watches a portfolio go from first reminder to formal notice in minutes.
 */

export interface DemoOptions {
  /** Simulated seconds per real second. */
  clockSpeed: number;
  /** Invoices and credit notes the simulated Odoo starts with. */
  invoices: number;
  seed: number;
  /** Wiped and recreated at start: the demo always starts from the same portfolio. */
  dataDir: string;
  logger: Logger;
}

export interface DemoEnvironment {
  clock: Clock;
  storePath: string;
  /** The `connections:` entries that point at the simulators. */
  connections: Record<string, unknown>[];
  /** Schedules in simulated seconds. */
  schedule: { syncSeconds: number; evaluateSeconds: number; outboxSeconds: number; reconcileSeconds: number };
  banner: string;
  stop(): Promise<void>;
}

const DAY = 86_400;
/** Share of the open invoices the simulated customers pay each simulated day. */
const DAILY_PAYMENT_RATE = 0.02;

export async function startDemo(options: DemoOptions): Promise<DemoEnvironment> {
  const clock = scaledClock(new Date(), options.clockSpeed);
  const dataDir = resolve(options.dataDir);
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const db = createOdooDatabase({ version: '18.0', invoices: options.invoices, seed: options.seed, now: () => clock.now() });
  const odoo = await new OdooSimulator({ db, version: '18.0' }).start();
  const payments = payingCustomers(db, clock, options.seed);
  const connections = [{ id: 'odoo-demo', type: 'odoo', url: odoo.url, database: odoo.database, login: 'recouvra', apiKey: 'recouvra-api-key', overlapSeconds: 6 * 3_600 }];
  const days = (n: number) => Math.max(1, Math.round(n * DAY));
  const banner = [
    '',
    '==================================================================================',
    '  RECOUVRA DEMO — nothing here is real. Simulated Odoo, simulated time.',
    `  Time runs ${options.clockSpeed.toLocaleString('en')}× faster: one real second is ${describeSeconds(options.clockSpeed)} of demo time.`,
    `  Odoo 18.0 simulator: ${odoo.url} (database demo, login admin / admin), ${options.invoices} invoices`,
    `  Store: ${join(dataDir, 'recouvra.sqlite')} (wiped at every demo start)`,
    '  Watch: recouvra cases list --config <a config pointing at that store>, or the log below.',
    '  Stop with Ctrl-C: running work finishes first.',
    '==================================================================================',
    '',
  ].join('\n');
  return {
    clock,
    storePath: join(dataDir, 'recouvra.sqlite'),
    connections,
    schedule: { syncSeconds: days(0.25), evaluateSeconds: days(1), outboxSeconds: Math.max(1, Math.round(options.clockSpeed)), reconcileSeconds: days(7) },
    banner,
    stop: async () => {
      payments.stop();
      await odoo.stop();
      options.logger.info('demo simulators stopped');
    },
  };
}

/** Customers pay a few open invoices every simulated day, so that cases also close. */
function payingCustomers(db: OdooDatabase, clock: Clock, seed: number): { stop(): void } {
  let lastDay = Math.floor(clock.now().getTime() / 1000 / DAY);
  let state = (seed * 2_654_435_761) >>> 0 || 1;
  const random = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  const timer = setInterval(() => {
    const day = Math.floor(clock.now().getTime() / 1000 / DAY);
    if (day === lastDay) return;
    lastDay = day;
    const open = db.call('account.move', 'search_read', [[...OPEN_RECEIVABLE_DOMAIN, ['move_type', '=', 'out_invoice']]], { fields: ['amount_residual'] }) as { id: number; amount_residual: number }[];
    for (const move of open) if (move.amount_residual > 0 && random() < DAILY_PAYMENT_RATE) db.payInvoice(move.id, move.amount_residual);
  }, 200);
  return { stop: () => clearInterval(timer) };
}

function describeSeconds(seconds: number): string {
  if (seconds >= DAY) return `${(seconds / DAY).toFixed(1)} days`;
  if (seconds >= 3_600) return `${(seconds / 3_600).toFixed(1)} hours`;
  if (seconds >= 60) return `${(seconds / 60).toFixed(1)} minutes`;
  return `${seconds} seconds`;
}
