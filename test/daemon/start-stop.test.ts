import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import { createOdooDatabase } from '../../adapters/odoo/simulator/model/database';
import { OdooSimulator } from '../../adapters/odoo/simulator/server';
import { configIn, exitWithin, startCli } from './cli-process';

/**
 * `recouvra run` stops like a service: one SIGTERM stops it within `daemon.drainTimeoutMs` (work
 * still running then is left for the next start), a signal during start-up is not lost, a second
 * signal exits at once; and a start syncs and evaluates at once rather than at the first tick.
 * Each case runs the built CLI. Deadlines are generous: loading the CLI takes seconds on a busy
 * machine.
 */

const START_MS = 40_000;
const env = { RECOUVRA_TEST_ODOO_KEY: 'recouvra-api-key' };
/** Ticks that will not come during a test: whatever runs did so because the daemon started. */
const FAR = '"0 0 1 1 *"';

function yaml(dir: string, odooUrl: string, drainTimeoutMs: number): string {
  return `version: 1
store:
  driver: sqlite
  sqlite: { path: ${JSON.stringify(join(dir, 'recouvra.sqlite'))} }
logging: { level: info, format: json }
daemon: { syncCron: ${FAR}, reconcileCron: ${FAR}, evaluateCron: ${FAR}, trackCron: ${FAR}, drainTimeoutMs: ${drainTimeoutMs} }
connections:
  - { id: odoo, type: odoo, url: ${JSON.stringify(odooUrl)}, database: demo, login: recouvra, apiKey: "\${RECOUVRA_TEST_ODOO_KEY}" }
`;
}

/** An ERP that takes requests and never answers: the sync the daemon starts never ends on its own. */
async function hungErp(): Promise<{ url: string; requests: () => number; close(): Promise<void> }> {
  const held: IncomingMessage[] = [];
  const server: Server = createServer((request) => void held.push(request));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => held.length,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const messages = (output: string) =>
  output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => (JSON.parse(l) as { message: string }).message);

describe('recouvra run: start and stop', () => {
  it('a SIGTERM while the CLI still loads its modules abandons the start: exit 0, nothing started', async () => {
    const erp = await hungErp();
    try {
      const { dir, config } = configIn((d) => yaml(d, erp.url, 30_000));
      // Says when the first SIGTERM listener has been added: by the CLI's first module, before the others load.
      const marker = join(dir, 'marker.js');
      writeFileSync(
        marker,
        `const on = process.on; process.on = function (event, ...rest) { const r = on.call(this, event, ...rest); if (event === 'SIGTERM') { process.on = on; process.stderr.write('SIGTERM LISTENER\\n'); } return r; };\n`,
      );
      const cli = startCli(['run', '--config', config], { env, nodeArgs: ['--require', marker] });
      await cli.waitFor(/SIGTERM LISTENER/, START_MS);
      cli.child.kill('SIGTERM');
      const exit = await exitWithin(cli, START_MS);
      expect(exit).toMatchObject({ code: 0, signal: null });
      expect(cli.output()).toContain('recouvra run: SIGTERM: stopped during the start, before any work began');
      expect(cli.output()).not.toMatch(/recouvra running/);
      expect(erp.requests()).toBe(0);
    } finally {
      await erp.close();
    }
  }, 60_000);

  it('at start, syncs and then evaluates without waiting for a tick, says when each schedule fires next, and stops on SIGTERM', async () => {
    const db = createOdooDatabase({ version: '18.0', invoices: 12, seed: 3, now: () => new Date() });
    const odoo = await new OdooSimulator({ db, version: '18.0' }).start();
    try {
      const { config } = configIn((d) => yaml(d, odoo.url, 30_000));
      const cli = startCli(['run', '--config', config], { env });
      await cli.waitFor(/"evaluated \d+ case\(s\)/, START_MS);
      const said = messages(cli.output());
      const synced = said.findIndex((m) => /^sync odoo: read [1-9]\d*, new [1-9]/.test(m));
      const evaluated = said.findIndex((m) => /^evaluated [1-9]\d* case\(s\) as of \d{4}-\d{2}-\d{2}/.test(m));
      expect(synced).toBeGreaterThan(-1);
      expect(evaluated).toBeGreaterThan(synced);
      for (const label of ['sync odoo', 'reconcile odoo', 'evaluate'])
        expect(said).toContainEqual(
          expect.stringMatching(
            new RegExp(
              `^schedule ${label} \\(0 0 1 1 \\*\\): next at \\d{4}-01-01 00:00:00 Europe/Paris \\(\\d{4}-12-31T23:00:00\\.000Z\\)$`,
            ),
          ),
        );
      expect(said).toContainEqual(expect.stringMatching(/^schedule outbox \(\*\/15 \* \* \* \* \*\): next at /));
      cli.child.kill('SIGTERM');
      const exit = await exitWithin(cli, 30_000 + 15_000);
      expect(exit).toMatchObject({ code: 0, signal: null });
      expect(messages(cli.output())).toContain('SIGTERM: finishing running work (at most 30000 ms), then stopping');
    } finally {
      await odoo.stop();
    }
  }, 60_000);

  it('one SIGTERM stops within drainTimeoutMs even when a sync never ends; exit 0, the work left for the next start', async () => {
    const erp = await hungErp();
    try {
      const { config } = configIn((d) => yaml(d, erp.url, 2_000));
      const cli = startCli(['run', '--config', config], { env });
      await cli.waitFor(/recouvra running/, START_MS);
      // The start's sync reached the ERP (no tick would have come) and hangs there.
      const deadline = Date.now() + 20_000;
      while (erp.requests() === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(erp.requests()).toBeGreaterThan(0);
      const sent = Date.now();
      cli.child.kill('SIGTERM');
      const exit = await exitWithin(cli, 2_000 + 15_000);
      expect(exit).toMatchObject({ code: 0, signal: null });
      // Not before the drain timeout: running work had that long to finish.
      expect(exit.at - sent).toBeGreaterThanOrEqual(2_000);
      expect(messages(cli.output())).toContain(
        'running work did not finish in time; it will be taken again at the next start',
      );
    } finally {
      await erp.close();
    }
  }, 60_000);

  it('a second SIGTERM exits at once, without waiting for the drain', async () => {
    const erp = await hungErp();
    try {
      const { config } = configIn((d) => yaml(d, erp.url, 120_000));
      const cli = startCli(['run', '--config', config], { env });
      await cli.waitFor(/recouvra running/, START_MS);
      cli.child.kill('SIGTERM');
      await cli.waitFor(/finishing running work \(at most 120000 ms\)/, 10_000);
      cli.child.kill('SIGTERM');
      const exit = await exitWithin(cli, 20_000);
      expect(exit).toMatchObject({ code: 143, signal: null });
      expect(cli.output()).toContain('recouvra: SIGTERM again: exiting now');
    } finally {
      await erp.close();
    }
  }, 60_000);
});
