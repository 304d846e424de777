import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import winston from 'winston';
import { adapterRegistry } from '../../adapters/registry';
import { buildProgram } from '../../connector/app/cli/main';
import { runSync, type SyncArgs } from '../../connector/app/cli/sync-command';
import { PhaseLogProgress, TerminalProgress } from '../../connector/app/cli/sync-progress';
import { createLogger } from '../../connector/log/logger';
import { openSqliteStore } from '../../connector/store/sqlite';
import type { AdapterDefinition, AdapterRegistry } from '../../connector/ports/erp';
import type { SyncSummary } from '../../connector/sync/sync-connection';
import {
  captureOutput,
  customerMoves,
  isOpen,
  ODOO_KEY,
  startOdoo,
  writeConfig,
  type OdooFixture,
} from './odoo-fixture';

const BAD_KEY = 'not-the-right-key-4711';
const env = { ...process.env, ODOO_KEY, ODOO_BAD_KEY: BAD_KEY };
const PAGE_SIZE = 50;

/** Runs the command with stdout/stderr captured (the logger writes to stderr directly). */
async function sync(args: SyncArgs) {
  const { result, stderr } = await captureOutput(() => runSync({ env, ...args }));
  return { ...result, log: stderr };
}

function parseSummaries(stdout: string): SyncSummary[] {
  return JSON.parse(stdout) as SyncSummary[];
}

/** Keyset paging reads one more (empty or short) page after the last full one. */
const pagesFor = (records: number) => Math.floor(records / PAGE_SIZE) + 1;

function customerPartnerCount(fx: OdooFixture): number {
  return fx.db.call('res.partner', 'search_count', [
    [['customer_rank', '>', 0], '|', ['is_company', '=', true], ['parent_id', '=', false]],
  ]) as number;
}

describe('recouvra sync --once against the Odoo simulator', () => {
  let fx: OdooFixture;
  let config: string;

  beforeAll(async () => {
    fx = await startOdoo(200);
    config = writeConfig(fx, 'one', [{ id: 'odoo1', keyVar: 'ODOO_KEY' }]);
  });
  afterAll(() => fx.stop());

  it('a first run reads the open customer moves and the partners, and saves every open one', async () => {
    const moves = customerMoves(fx.db);
    const open = moves.filter(isOpen);
    const partners = customerPartnerCount(fx);

    const r = await sync({ config, once: true, json: true });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const [s] = parseSummaries(r.stdout);
    expect(s).toMatchObject({ connection: 'odoo1', changed: 0, unchanged: 0, closed: 0, reconciled: false });
    expect(s!.error).toBeUndefined();
    // What was settled before the connector came is not read at all on the first run.
    expect(s!.read).toBe(open.length + partners);
    expect(s!.new + s!.quarantined).toBe(open.length);
    expect(s!.debtors).toBeGreaterThanOrEqual(partners);
    expect(s!.pages).toBe(pagesFor(partners) + pagesFor(open.length));

    const store = await openSqliteStore(join(fx.dir, 'one.sqlite'));
    try {
      expect(await store.sync.listQuarantined('odoo1')).toHaveLength(s!.quarantined);
      expect(await store.sync.listOpenReceivableIds('odoo1')).toHaveLength(moves.filter(isOpen).length);
    } finally {
      await store.close();
    }
    // Not a terminal: one log line per finished phase, no bar.
    expect(r.log).toContain(`sync odoo1: debtors done: ${partners}/${partners}`);
    expect(r.log).toContain(`sync odoo1: receivables done: ${open.length}/${open.length}`);
    expect(r.log).not.toMatch(/\[[=-]{10,}\]/);
  });

  it('a second run finds nothing new and prints the table', async () => {
    const r = await sync({ config, once: true });
    expect(r.exitCode).toBe(0);
    const [head, rule, row] = r.stdout.trimEnd().split('\n');
    expect(head!.split(/\s+/)).toEqual([
      'connection',
      'read',
      'new',
      'changed',
      'unchanged',
      'closed',
      'quarantined',
      'debtors',
      'pages',
      'duration',
      'reconciled',
      'result',
    ]);
    expect(rule).toMatch(/^-+( +-+)+$/);
    const cells = row!.split(/\s{2,}/);
    expect(cells[0]).toBe('odoo1');
    expect(cells.slice(2, 4)).toEqual(['0', '0']); // new, changed
    expect(cells[5]).toBe('0'); // closed
    expect(cells.slice(-2)).toEqual(['no', 'ok']);
  });

  it('sees a payment: the invoice changes and closes', async () => {
    const [open] = customerMoves(fx.db).filter(
      (m) => isOpen(m) && m.move_type === 'out_invoice' && m.payment_state === 'not_paid',
    );
    fx.db.payInvoice(open!.id, open!.amount_residual);

    const r = await sync({ config, once: true, json: true });
    expect(r.exitCode).toBe(0);
    const [s] = parseSummaries(r.stdout);
    expect(s!.new).toBe(0);
    expect(s!.changed).toBeGreaterThanOrEqual(1);
    expect(s!.closed).toBe(1);
    const store = await openSqliteStore(join(fx.dir, 'one.sqlite'));
    try {
      expect((await store.sync.getReceivable(`odoo1:account.move:${open!.id}`))!.open).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('--full reconciles and closes an invoice deleted in Odoo, which incremental runs cannot see', async () => {
    const [victim] = customerMoves(fx.db).filter((m) => isOpen(m) && m.move_type === 'out_invoice');
    fx.db.deleteInvoice(victim!.id);

    const incremental = parseSummaries((await sync({ config, once: true, json: true })).stdout)[0]!;
    expect(incremental).toMatchObject({ reconciled: false, closed: 0 });
    const full = await sync({ config, once: true, json: true, full: true });
    expect(full.exitCode).toBe(0);
    expect(parseSummaries(full.stdout)[0]).toMatchObject({ reconciled: true, closed: 1 });
    expect(full.log).toContain('sync odoo1: reconciliation: listing open ids done:');
    expect(full.log).toContain('sync odoo1: reconciliation: reading differences done: 1/1');
  });

  it('--from-scratch reads everything again, finds it unchanged, and reconciles', async () => {
    const open = customerMoves(fx.db).filter(isOpen).length;
    const r = await sync({ config, once: true, json: true, fromScratch: true });
    expect(r.exitCode).toBe(0);
    const [s] = parseSummaries(r.stdout);
    expect(s).toMatchObject({ new: 0, changed: 0, closed: 0, reconciled: true });
    // Every open receivable is read again and found unchanged (a reconciliation finds no difference).
    expect(s!.unchanged).toBeGreaterThanOrEqual(open);
  });

  it('--connection with an id that is not configured is refused before anything runs', async () => {
    const r = await sync({ config, once: true, connection: ['odoo1', 'nope'] });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('no connection "nope"');
    expect(r.stderr).toContain('configured: odoo1');
  });

  it('without --once it refuses and names the daemon', async () => {
    const r = await sync({ config });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('add --once');
    expect(r.stderr).toContain('recouvra run --config FILE');
    expect(r.stderr).not.toContain('not available yet');
  });

  it('is wired into the recouvra program (--once stays required)', async () => {
    const before = process.exitCode;
    process.env['ODOO_KEY'] = ODOO_KEY;
    try {
      const { stdout, stderr } = await captureOutput(() =>
        buildProgram().parseAsync(['node', 'recouvra', 'sync', '--config', config]),
      );
      expect(process.exitCode).toBe(1);
      expect(stdout).toBe('');
      expect(stderr).toContain('recouvra run');
      process.exitCode = undefined;
      const ok = await captureOutput(() =>
        buildProgram().parseAsync([
          'node',
          'recouvra',
          'sync',
          '--once',
          '--config',
          config,
          '--connection',
          'odoo1',
          '--json',
        ]),
      );
      expect(ok.stderr).not.toContain('failed');
      expect(process.exitCode).toBe(0);
      expect(parseSummaries(ok.stdout).map((s) => s.connection)).toEqual(['odoo1']);
    } finally {
      process.exitCode = before;
      delete process.env['ODOO_KEY'];
    }
  });
});

describe('recouvra sync --once with several connections', () => {
  let fx: OdooFixture;

  beforeAll(async () => {
    fx = await startOdoo(120);
  });
  afterAll(() => fx.stop());

  it('a refused API key fails its connection only: the next one syncs, the exit code is 1, no key is printed', async () => {
    const config = writeConfig(fx, 'two', [
      { id: 'wrong-key', keyVar: 'ODOO_BAD_KEY' },
      { id: 'good', keyVar: 'ODOO_KEY' },
    ]);
    const text = await sync({ config, once: true });
    expect(text.exitCode).toBe(1);
    expect(text.stdout).toMatch(/^wrong-key\s.*\sODOO_ACCESS_DENIED$/m);
    expect(text.stdout).toMatch(/^good\s.*\sok$/m);
    expect(text.stdout).toContain('wrong-key: ODOO_ACCESS_DENIED: Odoo refused login "recouvra" on database "demo"');
    expect(text.stderr).toBe('1 of 2 connection(s) failed: wrong-key\n');

    const json = await sync({ config, once: true, json: true });
    expect(json.exitCode).toBe(1);
    const [bad, good] = parseSummaries(json.stdout);
    expect(bad).toMatchObject({ connection: 'wrong-key', read: 0, pages: 0, error: { code: 'ODOO_ACCESS_DENIED' } });
    expect(good!.error).toBeUndefined();
    expect(good!.connection).toBe('good');

    for (const out of [text.stdout, text.stderr, text.log, json.stdout, json.stderr, json.log]) {
      expect(out).not.toContain(BAD_KEY);
      expect(out).not.toContain(ODOO_KEY);
    }
    expect(text.log).toContain('ODOO_ACCESS_DENIED');
  });

  it('fullReconciliationHours: 0 reconciles on every run without --full', async () => {
    const config = writeConfig(fx, 'every', [{ id: 'every', keyVar: 'ODOO_KEY', extra: 'fullReconciliationHours: 0' }]);
    // The first run reads everything: it counts as the reconciliation.
    expect(parseSummaries((await sync({ config, once: true, json: true })).stdout)[0]!.reconciled).toBe(false);
    expect(parseSummaries((await sync({ config, once: true, json: true })).stdout)[0]!.reconciled).toBe(true);
  });

  it('closes every adapter it created, the failed ones too', async () => {
    const config = writeConfig(fx, 'closing', [
      { id: 'closing-bad', keyVar: 'ODOO_BAD_KEY' },
      { id: 'closing-good', keyVar: 'ODOO_KEY' },
    ]);
    const closed: string[] = [];
    const odoo = adapterRegistry['odoo']!;
    const counting: AdapterDefinition = {
      ...odoo,
      create: (c, deps) => {
        const adapter = odoo.create(c, deps);
        return { ...adapter, close: async () => void closed.push(c.id) };
      },
    };
    const registry: AdapterRegistry = { odoo: counting };
    const r = await sync({ config, once: true, registry });
    expect(r.exitCode).toBe(1);
    expect(closed).toEqual(['closing-bad', 'closing-good']);
  });

  it('a configuration without connections is refused with a message', async () => {
    const config = join(fx.dir, 'none.yaml');
    writeFileSync(config, 'version: 1\nlogging:\n  level: error\n');
    const r = await sync({ config, once: true });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('has no connections');
  });
});

describe('sync progress display', () => {
  const events = [
    { connection: 'c1', phase: 'debtors' as const, done: 0, total: 2 },
    { connection: 'c1', phase: 'debtors' as const, done: 2, total: 2 },
    { connection: 'c1', phase: 'reconcile:list' as const, done: 0, total: undefined },
    { connection: 'c1', phase: 'reconcile:list' as const, done: 700, total: undefined },
  ];

  function sinkLogger(lines: string[]) {
    const stream = new Writable({
      write(chunk: Buffer, _e, done) {
        lines.push(String(chunk));
        done();
      },
    });
    return createLogger({ level: 'info', format: 'json', transport: new winston.transports.Stream({ stream }) });
  }

  function clock() {
    let t = 0;
    return () => (t += 100);
  }

  it('not on a terminal: one log line per finished phase', () => {
    const lines: string[] = [];
    const logger = sinkLogger(lines);
    const display = new PhaseLogProgress(logger, clock());
    for (const e of events) display.update(e);
    display.connectionDone('c1', true);
    display.close();
    const messages = lines.map((l) => JSON.parse(l) as { message: string; level: string });
    expect(messages.map((m) => m.message)).toEqual([
      'sync c1: debtors done: 2/2 in 200 ms (10/s)',
      'sync c1: reconciliation: listing open ids stopped after 700 in 200 ms (3,500/s)',
    ]);
    expect(messages.map((m) => m.level)).toEqual(['info', 'warn']);
  });

  /** The bars are redrawn on a timer (10 per second), not on each update. */
  const redraw = () => new Promise((r) => setTimeout(r, 150));

  it('on a terminal: a bar with done/total, rate and ETA, a counter when the total is unknown, logs above', async () => {
    let out = '';
    const tty = Object.assign(
      new Writable({
        write(chunk: Buffer, _e, done) {
          out += String(chunk);
          done();
        },
      }),
      { isTTY: true, columns: 160 },
    );
    const logged: string[] = [];
    const logger = sinkLogger(logged);
    const display = new TerminalProgress(logger, tty, clock());
    display.update(events[0]!);
    display.update({ ...events[0]!, done: 1 });
    logger.info('a line while the bar runs');
    await redraw();
    display.update(events[1]!);
    display.update(events[2]!);
    display.update(events[3]!);
    await redraw();
    display.connectionDone('c1', false);
    display.close();
    expect(out).toMatch(/c1 debtors \[[█░=-]+\] 1\/2 \| \d+\/s \| ETA /);
    expect(out).toContain('c1 reconciliation: listing open ids 700 |');
    expect(out).toContain('sync c1: debtors done: 2/2');
    expect(out).toContain('sync c1: reconciliation: listing open ids done: 700');
    expect(out).toContain('a line while the bar runs');
    // The logger writes to its own transport again once the bars are gone.
    expect(logged).toEqual([]);
    logger.info('after');
    expect(logged.join('')).toContain('after');
  });
});
