import { Command, InvalidArgumentError, Option } from 'commander';
import { implementation } from './lazy';
import { MIN_WEBHOOK_SECRET_LENGTH, SIMULATED_ODOO_VERSIONS, wholeNumber } from './option-values';

function httpUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('expected an http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new InvalidArgumentError('expected an http:// or https:// URL');
  return value;
}

function webhookSecret(value: string): string {
  if (value.length < MIN_WEBHOOK_SECRET_LENGTH)
    throw new InvalidArgumentError(`a webhook secret needs at least ${MIN_WEBHOOK_SECRET_LENGTH} characters`);
  return value;
}

function instant(value: string): string {
  if (Number.isNaN(Date.parse(value)))
    throw new InvalidArgumentError('expected an ISO 8601 instant such as 2026-04-01T08:00:00Z');
  return new Date(value).toISOString();
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number');
  return n;
}

/** `recouvra simulate odoo | quickbooks | sage-active | sage-100-fr | lawfirm` (connector/app/cli/simulate-command.ts): a simulator on loopback, until Ctrl-C. */
export function simulateCommand(): Command {
  const cmd = new Command('simulate').description('run a built-in simulator of an external system on loopback');
  cmd
    .command('odoo')
    .description('simulate an Odoo server (XML-RPC; JSON-2 on 19.0) with deterministic data')
    .option('--port <port>', 'TCP port on 127.0.0.1 (0 = any free port)', wholeNumber(0, 65535), 8069)
    .option('--invoices <n>', 'number of invoices and credit notes to generate', wholeNumber(0, 1_000_000), 1_000)
    .option('--seed <seed>', 'seed of the generated data (same seed, same data)', wholeNumber(0, 2 ** 31 - 1), 1)
    .option('--odoo-version <version>', `Odoo version to emulate (${SIMULATED_ODOO_VERSIONS.join(', ')})`, '18.0')
    .action(async (opts: { port: number; invoices: number; seed: number; odooVersion: string }) => {
      process.exitCode = await implementation('simulate-command').simulateOdoo(opts);
    });
  cmd
    .command('quickbooks')
    .description('simulate QuickBooks Online (v3 API, OAuth 2, CDC, webhooks) with deterministic companies and data')
    .option('--port <port>', 'TCP port on 127.0.0.1 (0 = any free port)', wholeNumber(0, 65535), 8092)
    .option('--invoices <n>', 'number of invoices over all companies', wholeNumber(0, 1_000_000), 1_000)
    .option('--seed <seed>', 'seed of the generated data (same seed, same data)', wholeNumber(0, 2 ** 31 - 1), 1)
    .option(
      '--rate-scale <factor>',
      'factor on the 500 requests per minute each realm may make (2 = 1000/min; the 10 in flight are not scaled)',
      positiveNumber,
      1,
    )
    .option('--webhook <url>', 'where to POST signed change notifications', httpUrl)
    .addOption(
      new Option('--webhook-format <format>', 'webhook payload: legacy eventNotifications or CloudEvents array')
        .choices(['legacy', 'cloudevents'])
        .default('legacy'),
    )
    .option(
      '--verifier-token <token>',
      'webhook verifier token the deliveries are signed with',
      'qbo-sim-verifier-token',
    )
    .action(
      async (opts: {
        port: number;
        invoices: number;
        seed: number;
        rateScale: number;
        webhook?: string;
        webhookFormat: 'legacy' | 'cloudevents';
        verifierToken: string;
      }) => {
        await implementation('simulate-command').simulateQuickBooks(opts);
      },
    );
  cmd
    .command('sage-active')
    .description('simulate Sage Active (GraphQL API, SBC Auth OAuth 2) with two deterministic French organisations')
    .option('--port <port>', 'TCP port on 127.0.0.1 (0 = any free port)', wholeNumber(0, 65535), 8093)
    .option(
      '--invoices <n>',
      'number of sales invoices and credit notes over both organisations',
      wholeNumber(0, 1_000_000),
      1_000,
    )
    .option('--seed <seed>', 'seed of the generated data (same seed, same data)', wholeNumber(0, 2 ** 31 - 1), 1)
    .option('--rate-scale <factor>', 'factor on the 3000 requests per minute the app may make', positiveNumber, 1)
    .action(async (opts: { port: number; invoices: number; seed: number; rateScale: number }) => {
      await implementation('simulate-command').simulateSageActive(opts);
    });
  cmd
    .command('sage-100-fr')
    .description(
      'write a Sage 100 France fixture database (SQLite, Sage 100 layout) for a connection with `fixture:` (demo and tests)',
    )
    .requiredOption(
      '--file <path>',
      'the database file to write (an existing file is replaced only if this command wrote it)',
    )
    .option('--lines <n>', 'about how many open customer lines to generate', wholeNumber(0, 150_000), 1_000)
    .option('--seed <seed>', 'seed of the generated data (same seed, same data)', wholeNumber(0, 2 ** 31 - 1), 1)
    .action(async (opts: { file: string; lines: number; seed: number }) => {
      process.exitCode = await implementation('simulate-command').simulateSage100(opts);
    });
  cmd
    .command('lawfirm')
    .description(
      'simulate a law-firm partner speaking adapters/lawfirm/openapi.yaml, pushing signed webhooks (or, with --file-drop, working from shared folders)',
    )
    .option('--port <port>', 'TCP port on 127.0.0.1 (0 = any free port)', wholeNumber(0, 65535), 8091)
    .option('--webhook <url>', "where to POST signed procedure events (e.g. the daemon's /webhooks/lawfirm)", httpUrl)
    .option(
      '--webhook-secret <secret>',
      `shared secret the webhooks are signed with (at least ${MIN_WEBHOOK_SECRET_LENGTH} characters)`,
      webhookSecret,
      'sim-lawfirm-webhook-secret',
    )
    .option('--api-key <key>', 'bearer key the simulator accepts', 'sim-lawfirm-key')
    .option(
      '--seed <seed>',
      'seed of the paths files take and of their delays (same seed, same story)',
      wholeNumber(0, 2 ** 31 - 1),
      1,
    )
    .option(
      '--speed <n>',
      'simulated milliseconds per real millisecond (86400: a simulated day per second; 0 stops the clock)',
      wholeNumber(0, 100_000_000),
      21_600,
    )
    .option('--start-at <instant>', 'simulated start, ISO 8601 (default: now)', instant)
    .addOption(
      new Option(
        '--file-drop <dir>',
        'speak the file-drop protocol instead of HTTP: read DIR/outbound, write status files into DIR/inbound (both created if absent)',
      ).conflicts(['port', 'webhook', 'webhookSecret', 'apiKey']),
    )
    .action(
      async (opts: {
        port: number;
        webhook?: string;
        webhookSecret: string;
        apiKey: string;
        seed: number;
        speed: number;
        startAt?: string;
        fileDrop?: string;
      }) => {
        await implementation('simulate-command').simulateLawFirm(opts);
      },
    );
  return cmd;
}
