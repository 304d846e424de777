import { Command, InvalidArgumentError } from 'commander';
import { createOdooDatabase, ODOO_VERSIONS, type OdooVersion } from '../../adapters/odoo/simulator/model';
import { OdooSimulator } from '../../adapters/odoo/simulator/server';

function wholeNumber(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    return n;
  };
}

/** `recouvra simulate odoo`: a standalone Odoo simulator on loopback, until Ctrl-C. */
export function simulateCommand(): Command {
  const cmd = new Command('simulate').description('run a built-in simulator of an external system on loopback');
  cmd
    .command('odoo')
    .description('simulate an Odoo server (XML-RPC; JSON-2 on 19.0) with deterministic data')
    .option('--port <port>', 'TCP port on 127.0.0.1 (0 = any free port)', wholeNumber(0, 65535), 8069)
    .option('--invoices <n>', 'number of invoices and credit notes to generate', wholeNumber(0, 1_000_000), 1_000)
    .option('--seed <seed>', 'seed of the generated data (same seed, same data)', wholeNumber(0, 2 ** 31 - 1), 1)
    .option('--odoo-version <version>', `Odoo version to emulate (${ODOO_VERSIONS.join(', ')})`, '18.0')
    .action(async (opts: { port: number; invoices: number; seed: number; odooVersion: string }) => {
      if (!(ODOO_VERSIONS as readonly string[]).includes(opts.odooVersion)) {
        process.stderr.write(`--odoo-version must be one of ${ODOO_VERSIONS.join(', ')}\n`);
        process.exitCode = 2;
        return;
      }
      const version = opts.odooVersion as OdooVersion;
      const started = performance.now();
      const db = createOdooDatabase({ seed: opts.seed, invoices: opts.invoices, version, now: () => new Date() });
      const sim = await new OdooSimulator({ db, version, port: opts.port }).start();
      process.stdout.write(
        [
          `Odoo ${version} simulator on ${sim.url} (${opts.invoices} invoices, seed ${opts.seed}, ready in ${Math.round(performance.now() - started)} ms)`,
          `  database: ${sim.database}`,
          '  login: admin   password: admin   API key: admin-api-key',
          '  integration user (Invoicing rights only): login recouvra, API key recouvra-api-key',
          `  XML-RPC: ${sim.url}/xmlrpc/2/common, ${sim.url}/xmlrpc/2/object${Number(version.slice(0, 2)) >= 19 ? `; JSON-2: ${sim.url}/json/2/<model>/<method>` : ''}`,
          'Press Ctrl-C to stop.',
          '',
        ].join('\n'),
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await sim.stop();
    });
  return cmd;
}
