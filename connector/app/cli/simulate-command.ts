import { resolve as resolvePath } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { MIN_WEBHOOK_SECRET_LENGTH } from '../../../adapters/lawfirm/config.schema';
import { FileDropFirm } from '../../../adapters/lawfirm/simulator/file-drop-firm';
import { LawFirmSimulator } from '../../../adapters/lawfirm/simulator/server';
import { createOdooDatabase, ODOO_VERSIONS, type OdooVersion } from '../../../adapters/odoo/simulator/model';
import { OdooSimulator } from '../../../adapters/odoo/simulator/server';

function wholeNumber(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    return n;
  };
}

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

export interface LawFirmSimulationOptions {
  port: number;
  seed: number;
  /** Simulated ms per real ms. */
  speed: number;
  apiKey: string;
  webhook?: string;
  webhookSecret: string;
  /** Simulated start (ISO 8601); default now. */
  startAt?: string;
}

/** Starts the law-firm simulator as `recouvra simulate lawfirm` does, and says how to reach it. */
export async function startLawFirmSimulation(
  opts: LawFirmSimulationOptions,
): Promise<{ sim: LawFirmSimulator; banner: string }> {
  const startAt = opts.startAt ?? new Date().toISOString();
  const sim = await new LawFirmSimulator({
    port: opts.port,
    seed: opts.seed,
    speed: opts.speed,
    startAt,
    apiKeys: [opts.apiKey],
    ...(opts.webhook === undefined ? {} : { webhook: { url: opts.webhook, secret: opts.webhookSecret } }),
  }).start();
  const day = opts.speed > 0 ? `a simulated day every ${formatSeconds(86_400 / opts.speed)}` : 'clock stopped';
  const banner = [
    `Law-firm simulator on ${sim.url} (seed ${opts.seed}, simulated time from ${startAt}, ×${opts.speed}: ${day})`,
    `  contract: adapters/lawfirm/openapi.yaml — POST /v1/files, GET /v1/files/{id}, POST …/documents, …/payments, …/withdrawal, GET /v1/events`,
    `  API key: ${opts.apiKey}`,
    opts.webhook === undefined
      ? '  webhooks: none (give --webhook URL); every event is readable with GET /v1/events'
      : `  webhooks: POST ${opts.webhook}, signed (Recouvra-Signature v1) with the secret ${opts.webhookSecret}`,
    'Press Ctrl-C to stop.',
    '',
  ].join('\n');
  return { sim, banner };
}

export interface FileDropSimulationOptions {
  /** Holds `outbound/` (the connector writes) and `inbound/` (the firm writes); both created if absent. */
  dir: string;
  seed: number;
  /** Simulated ms per real ms. */
  speed: number;
  /** Simulated start (ISO 8601); default now. */
  startAt?: string;
  /** Real ms between two scans of the folders. Default 250. */
  pollIntervalMs?: number;
  /** Told when a scan fails (the next one tries again). */
  onScanError?: (error: unknown) => void;
}

/** Starts the law-firm simulator on the file drop, as `recouvra simulate lawfirm --file-drop DIR` does, and says where the folders are. */
export async function startFileDropSimulation(
  opts: FileDropSimulationOptions,
): Promise<{ firm: FileDropFirm; banner: string }> {
  const startAt = opts.startAt ?? new Date().toISOString();
  const dir = resolvePath(opts.dir);
  const outbound = resolvePath(dir, 'outbound');
  const inbound = resolvePath(dir, 'inbound');
  const firm = await new FileDropFirm({
    outbound,
    inbound,
    seed: opts.seed,
    speed: opts.speed,
    startAt,
    ...(opts.pollIntervalMs === undefined ? {} : { pollIntervalMs: opts.pollIntervalMs }),
    ...(opts.onScanError === undefined ? {} : { onScanError: opts.onScanError }),
  }).start();
  const day = opts.speed > 0 ? `a simulated day every ${formatSeconds(86_400 / opts.speed)}` : 'clock stopped';
  const banner = [
    `Law-firm simulator on the file drop in ${dir} (seed ${opts.seed}, simulated time from ${startAt}, ×${opts.speed}: ${day})`,
    `  reads ${outbound}: dossier folders and instructions (add documents, payments, withdrawals), checked against adapters/lawfirm/file-drop/xsd/dossier-manifest.xsd`,
    `  writes ${inbound}: status files (acknowledgements and events), checked against status-file.xsd and renamed into view`,
    `  connector configuration: lawfirm: { transport: file-drop, fileDrop: { outbound: ${outbound}, inbound: ${inbound} } }`,
    `  scans every ${opts.pollIntervalMs ?? 250} ms`,
    'Press Ctrl-C to stop.',
    '',
  ].join('\n');
  return { firm, banner };
}

function formatSeconds(seconds: number): string {
  if (seconds >= 3_600) return `${Math.round(seconds / 360) / 10} h`;
  if (seconds >= 60) return `${Math.round(seconds / 6) / 10} min`;
  return `${Math.round(seconds * 10) / 10} s`;
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
        let stop: () => Promise<void>;
        if (opts.fileDrop !== undefined) {
          let lastError = '';
          const onScanError = (error: unknown): void => {
            // A scan runs every 250 ms: the same failure is said once, until it changes.
            const message = error instanceof Error ? error.message : String(error);
            if (message !== lastError)
              process.stderr.write(`file-drop scan failed (the next one tries again): ${message}\n`);
            lastError = message;
          };
          const { firm, banner } = await startFileDropSimulation({
            dir: opts.fileDrop,
            seed: opts.seed,
            speed: opts.speed,
            ...(opts.startAt === undefined ? {} : { startAt: opts.startAt }),
            onScanError,
          });
          process.stdout.write(banner);
          stop = () => firm.stop();
        } else {
          const { sim, banner } = await startLawFirmSimulation(opts);
          process.stdout.write(banner);
          stop = () => sim.stop();
        }
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await stop();
      },
    );
  return cmd;
}
