import { Command, InvalidArgumentError } from 'commander';
import type { RunArgs } from '../run-command';
import { implementation } from './lazy';
import { DEMO_DEFAULTS } from './option-values';

function positive(what: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${what} must be a positive number`);
    return n;
  };
}

/** What `recouvra run` says when it is given no configuration; it starts nothing. */
export const RUN_NEEDS_CONFIG = [
  'error: recouvra run needs a configuration: recouvra run --config FILE',
  '  (config/example.yaml describes every key; `recouvra config check --config FILE` checks a file).',
  'To try Recouvra without one, run the demo: recouvra demo (or npm start).',
].join('\n');

const DRY_RUN = [
  '--dry-run',
  'decide and journal as usual, send nothing (no e-mail, SMS, letter, ledger write, dossier); at the end, what would have gone out',
] as const;

function onceGoesWithDryRun(opts: { dryRun?: boolean; once?: boolean }, command: string): void {
  if (opts.once && !opts.dryRun)
    throw new InvalidArgumentError(`--once goes with --dry-run (${command} --dry-run --once)`);
}

/** `recouvra run --config FILE`: the daemon, until SIGTERM or SIGINT (connector/app/cli/run-command.ts). */
export function runCommand(): Command {
  return new Command('run')
    .description('run the daemon on a configuration (without one, try `recouvra demo`)')
    .option('-c, --config <file>', 'configuration file (YAML); required')
    .option(...DRY_RUN)
    .option('--once', 'with --dry-run: one sync and one evaluation, the report, then exit')
    .action(async (opts: { config?: string; dryRun?: boolean; once?: boolean }, command: Command) => {
      // Not a requiredOption: commander's own message would not say where the demo went.
      if (opts.config === undefined) command.error(RUN_NEEDS_CONFIG, { code: 'recouvra.run.noConfig', exitCode: 1 });
      onceGoesWithDryRun(opts, 'recouvra run');
      process.exitCode = await implementation('run-command').runDaemon(opts satisfies RunArgs);
    });
}

/**
 * `recouvra demo`: the daemon against the built-in simulators, SQLite in a data folder and a
 * faster clock (connector/app/demo/demo.ts), until SIGTERM or SIGINT.
 */
export function demoCommand(): Command {
  return new Command('demo')
    .description(
      'run the demo: the daemon against built-in simulators (Odoo, e-mail, SMS, post, law firm), SQLite in ./data/demo, a faster clock',
    )
    .option(
      '--clock-speed <n>',
      'simulated seconds per real second',
      positive('--clock-speed'),
      DEMO_DEFAULTS.clockSpeed,
    )
    .option(
      '--demo-invoices <n>',
      'invoices in the simulated Odoo',
      positive('--demo-invoices'),
      DEMO_DEFAULTS.invoices,
    )
    .option('--seed <n>', 'seed of the simulated data', positive('--seed'), DEMO_DEFAULTS.seed)
    .option(
      '--manual-approval',
      'no simulated controller; steps waiting for approval wait for `recouvra approve` or the API',
    )
    .option(
      '--data-dir <dir>',
      'data folder, created by the demo and cleared at each start; any other non-empty folder is refused',
      DEMO_DEFAULTS.dataDir,
    )
    .option(...DRY_RUN)
    .option('--once', 'with --dry-run: one sync and one evaluation, the report, then exit')
    .action(
      async (opts: {
        clockSpeed: number;
        demoInvoices: number;
        seed: number;
        manualApproval?: boolean;
        dataDir: string;
        dryRun?: boolean;
        once?: boolean;
      }) => {
        onceGoesWithDryRun(opts, 'recouvra demo');
        process.exitCode = await implementation('run-command').runDaemon(opts satisfies RunArgs);
      },
    );
}
