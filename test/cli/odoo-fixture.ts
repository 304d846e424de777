import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOdooDatabase, type OdooDatabase } from '../../adapters/odoo/simulator/model';
import { OdooSimulator } from '../../adapters/odoo/simulator/server';

/** The simulator's integration user (Invoicing rights only). */
export const ODOO_LOGIN = 'recouvra';
export const ODOO_KEY = 'recouvra-api-key';

export interface OdooFixture {
  db: OdooDatabase;
  sim: OdooSimulator;
  dir: string;
  stop(): Promise<void>;
}

export async function startOdoo(invoices = 200): Promise<OdooFixture> {
  const db = createOdooDatabase({ version: '18.0', invoices });
  const sim = await new OdooSimulator({ db, version: '18.0' }).start();
  const dir = mkdtempSync(join(tmpdir(), 'recouvra-cli-odoo-'));
  return { db, sim, dir, stop: () => sim.stop() };
}

export interface ConnectionSpec {
  id: string;
  /** Name of the environment variable holding the API key. */
  keyVar: string;
  extra?: string;
}

/** A configuration with a SQLite store in `dir` and one odoo connection per spec. */
export function writeConfig(fx: OdooFixture, name: string, connections: ConnectionSpec[]): string {
  const file = join(fx.dir, `${name}.yaml`);
  const conns = connections
    .map((c) =>
      [
        `  - id: ${c.id}`,
        '    type: odoo',
        `    url: ${fx.sim.url}`,
        `    database: ${fx.sim.database}`,
        `    login: ${ODOO_LOGIN}`,
        `    apiKey: \${${c.keyVar}}`,
        '    pageSize: 50',
        ...(c.extra ? [`    ${c.extra}`] : []),
      ].join('\n'),
    )
    .join('\n');
  writeFileSync(
    file,
    `version: 1\nstore:\n  driver: sqlite\n  sqlite:\n    path: ${join(fx.dir, `${name}.sqlite`)}\nlogging:\n  level: info\n  format: json\nconnections:\n${conns}\n`,
  );
  return file;
}

export interface MoveRow {
  id: number;
  move_type: string;
  state: string;
  payment_state: string;
  amount_residual: number;
  currency_id: [number, string];
  commercial_partner_id: [number, string] | false;
}

export function customerMoves(db: OdooDatabase): MoveRow[] {
  return db.call('account.move', 'search_read', [[['move_type', 'in', ['out_invoice', 'out_refund']]]], {
    fields: ['move_type', 'state', 'payment_state', 'amount_residual', 'currency_id', 'commercial_partner_id'],
    order: 'id asc',
  }) as unknown as MoveRow[];
}

/** Open in the recovery sense: posted, something left to pay, and no payment waiting for the bank. */
export function isOpen(m: MoveRow): boolean {
  return (
    m.state === 'posted' &&
    !['paid', 'in_payment', 'reversed', 'invoicing_legacy'].includes(m.payment_state) &&
    m.amount_residual !== 0
  );
}

/** Collects what is written to stdout and stderr (the logger writes to stderr) while `fn` runs. */
export async function captureOutput<T>(fn: () => Promise<T>): Promise<{ result: T; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const result = await fn();
    return { result, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}
