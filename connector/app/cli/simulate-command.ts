import { resolve as resolvePath } from 'node:path';
import { FileDropFirm } from '../../../adapters/lawfirm/simulator/file-drop-firm';
import { LawFirmSimulator } from '../../../adapters/lawfirm/simulator/server';
import { createOdooDatabase, ODOO_VERSIONS, type OdooVersion } from '../../../adapters/odoo/simulator/model';
import { OdooSimulator } from '../../../adapters/odoo/simulator/server';
import { QuickBooksSimulator } from '../../../adapters/quickbooks/simulator/server';
import { SageActiveSimulator } from '../../../adapters/sage-active/simulator/server';
import { writeFixtureFile } from '../../../adapters/sage-100-fr/fixture-dialect';
import { generateSage100Seed } from '../../../adapters/sage-100-fr/schema/seed';
import type { WebhookFormat } from '../../../adapters/quickbooks/simulator/webhooks';

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

/** Resolves at the first SIGINT or SIGTERM. */
function untilStopped(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

/**
 * `recouvra simulate odoo`: a standalone Odoo simulator on loopback, until Ctrl-C. Returns the
 * exit code: 2 for a version it does not emulate.
 */
export async function simulateOdoo(opts: {
  port: number;
  invoices: number;
  seed: number;
  odooVersion: string;
}): Promise<number> {
  if (!(ODOO_VERSIONS as readonly string[]).includes(opts.odooVersion)) {
    process.stderr.write(`--odoo-version must be one of ${ODOO_VERSIONS.join(', ')}\n`);
    return 2;
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
  await untilStopped();
  await sim.stop();
  return 0;
}

/** `recouvra simulate lawfirm`: the law-firm simulator over HTTP, or on the file drop with `fileDrop`, until Ctrl-C. */
export async function simulateLawFirm(opts: LawFirmSimulationOptions & { fileDrop?: string }): Promise<void> {
  let stop: () => Promise<void>;
  if (opts.fileDrop !== undefined) {
    let lastError = '';
    const onScanError = (error: unknown): void => {
      // A scan runs every 250 ms: the same failure is said once, until it changes.
      const message = error instanceof Error ? error.message : String(error);
      if (message !== lastError) process.stderr.write(`file-drop scan failed (the next one tries again): ${message}\n`);
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
  await untilStopped();
  await stop();
}

export interface QuickBooksSimulationOptions {
  port: number;
  invoices: number;
  seed: number;
  /** Factor on QuickBooks' 500 requests per minute per realm. */
  rateScale: number;
  webhook?: string;
  webhookFormat: WebhookFormat;
  verifierToken: string;
}

/** Starts the QuickBooks Online simulator as `recouvra simulate quickbooks` does, and says how to reach it. */
export async function startQuickBooksSimulation(
  opts: QuickBooksSimulationOptions,
): Promise<{ sim: QuickBooksSimulator; banner: string }> {
  const started = performance.now();
  const sim = await new QuickBooksSimulator({
    port: opts.port,
    invoices: opts.invoices,
    seed: opts.seed,
    rateScale: opts.rateScale,
    ...(opts.webhook === undefined
      ? {}
      : { webhook: { url: opts.webhook, verifierToken: opts.verifierToken, format: opts.webhookFormat } }),
  }).start();
  const lines = [
    `QuickBooks Online simulator on ${sim.url} (${opts.invoices} invoices, seed ${opts.seed}, ready in ${Math.round(performance.now() - started)} ms)`,
    `  API base URL: ${sim.url} (…/v3/company/<realmId>/query, /cdc, /invoice, /<entity>/<id>)`,
    `  OAuth: authorize ${sim.url}/connect/oauth2, tokens ${sim.url}/oauth2/v1/tokens/bearer`,
    `  client id: ${sim.clientId}   client secret: ${sim.clientSecret}`,
    `  rate limit: ${sim.requestsPerMinute} requests/min per realm (500 × rate scale ${opts.rateScale}), 10 in flight per realm`,
  ];
  for (const company of sim.companies) {
    const tokens = sim.controls.issueTokens(company.realmId);
    lines.push(
      `  realm ${company.realmId}: ${company.name} (${company.country}, ${company.currencies.join('/')})`,
      `    access token (1 h): ${tokens.access_token}`,
      `    refresh token: ${tokens.refresh_token}`,
    );
  }
  lines.push(
    opts.webhook === undefined
      ? `  webhooks: none (give --webhook URL); verifier token ${opts.verifierToken}`
      : `  webhooks: POST ${opts.webhook} (${opts.webhookFormat}), signed intuit-signature with the verifier token ${opts.verifierToken}`,
    `  controls and counters: ${sim.url}/_simulator/counters, /_simulator/tokens, /_simulator/faults, /_simulator/realms/<realmId>/invoices …`,
    'Press Ctrl-C to stop.',
    '',
  );
  return { sim, banner: lines.join('\n') };
}

/** `recouvra simulate quickbooks`: a standalone QuickBooks Online simulator on loopback, until Ctrl-C. */
export async function simulateQuickBooks(opts: QuickBooksSimulationOptions): Promise<void> {
  const { sim, banner } = await startQuickBooksSimulation(opts);
  process.stdout.write(banner);
  await untilStopped();
  await sim.stop();
}

export interface SageActiveSimulationOptions {
  port: number;
  invoices: number;
  seed: number;
  /** Factor on Sage Active's 3000 requests per minute per app. */
  rateScale: number;
}

/** Starts the Sage Active simulator as `recouvra simulate sage-active` does, and says how to reach it. */
export async function startSageActiveSimulation(
  opts: SageActiveSimulationOptions,
): Promise<{ sim: SageActiveSimulator; banner: string }> {
  const started = performance.now();
  const sim = await new SageActiveSimulator({
    port: opts.port,
    invoices: opts.invoices,
    seed: opts.seed,
    rateScale: opts.rateScale,
  }).start();
  const tokens = sim.controls.issueTokens();
  const lines = [
    `Sage Active simulator on ${sim.url} (${opts.invoices} invoices, seed ${opts.seed}, ready in ${Math.round(performance.now() - started)} ms)`,
    `  GraphQL: POST ${sim.url}/graphql with x-api-key, Authorization: Bearer and X-OrganizationId`,
    `  subscription key: ${sim.subscriptionKeys[0]}   (secondary: ${sim.subscriptionKeys[1]})`,
    `  bearer token (8 h): ${tokens.access_token}`,
    `  refresh token: ${tokens.refresh_token ?? ''}`,
    `  OAuth: authorize ${sim.url}/connect/authorize, tokens ${sim.url}/connect/token (PKCE S256 or client secret)`,
    `  client id: ${sim.clientId}   client secret: ${sim.clientSecret}`,
    `  rate limit: ${sim.requestsPerMinute} requests/min (3000 × rate scale ${opts.rateScale}), 10 concurrent mutations`,
  ];
  for (const org of sim.organizations)
    lines.push(
      `  organisation ${org.id}: ${org.socialName} (${org.edition === 'STARTER' ? 'Starter, no accounting entries' : 'with accounting entries'}, ${org.invoices.length} invoices)`,
    );
  lines.push(
    `  inspection and controls: ${sim.url}/_simulator/state, /_simulator/requests, /_simulator/writes, /_simulator/files, /_simulator/faults, /_simulator/settings, /_simulator/tokens`,
    'Press Ctrl-C to stop.',
    '',
  );
  return { sim, banner: lines.join('\n') };
}

/** `recouvra simulate sage-active`: a standalone Sage Active simulator on loopback, until Ctrl-C. */
export async function simulateSageActive(opts: SageActiveSimulationOptions): Promise<void> {
  const { sim, banner } = await startSageActiveSimulation(opts);
  process.stdout.write(banner);
  await untilStopped();
  await sim.stop();
}

/** Open customer lines per generated customer, on average (adapters/sage-100-fr/schema/seed.ts). */
const SAGE_100_OPEN_LINES_PER_CUSTOMER = 1.7;

/**
 * `recouvra simulate sage-100-fr`: Sage 100 has no wire to simulate (shared/reference/sage.md §4.5),
 * so the simulator is a database file with Sage 100's layout on SQLite, for a connection with
 * `fixture: <file>` (the demo's). It refuses to replace a file it did not write.
 */
export async function simulateSage100(opts: { file: string; lines: number; seed: number }): Promise<number> {
  const started = performance.now();
  const file = resolvePath(opts.file);
  const customers = Math.min(99_999, Math.ceil(opts.lines / SAGE_100_OPEN_LINES_PER_CUSTOMER));
  const seed = generateSage100Seed({ seed: opts.seed, customers });
  try {
    await writeFixtureFile(file, seed);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 1;
  }
  const open = seed.F_ECRITUREC.filter((l) => l.EC_Lettrage === '' && l.CG_Num.startsWith('411')).length;
  process.stdout.write(
    [
      `Sage 100 France fixture written to ${file} in ${Math.round(performance.now() - started)} ms (seed ${opts.seed}):`,
      `  ${seed.F_COMPTET.length} third parties, ${seed.F_CONTACTT.length} contacts, ${seed.F_ECRITUREC.length} accounting lines (${open} open on 411), ${seed.F_DOCENTETE.length} sales documents`,
      '  a fixture for the demo and tests, not a real Sage 100: read it with a connection',
      `    - id: sage100\n      type: sage-100-fr\n      fixture: ${file}`,
      '',
    ].join('\n'),
  );
  return 0;
}
