import { randomBytes } from 'node:crypto';
import { chmodSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { stringify as stringifyYaml } from 'yaml';
import { createOdooDatabase, OPEN_RECEIVABLE_DOMAIN, type OdooDatabase } from '../../../adapters/odoo/simulator/model';
import { OdooSimulator } from '../../../adapters/odoo/simulator/server';
import { PostalSimulator } from '../../../adapters/postal/simulator/server';
import { SmsSimulator } from '../../../adapters/sms/simulator/server';
import { LawFirmHttpConfigSchema } from '../../../adapters/lawfirm/config.schema';
import { LawFirmSimulator } from '../../../adapters/lawfirm/simulator/server';
import { QuickBooksSimulator } from '../../../adapters/quickbooks/simulator/server';
import { SageActiveSimulator } from '../../../adapters/sage-active/simulator/server';
import { writeFixtureFile } from '../../../adapters/sage-100-fr/fixture-dialect';
import { generateSage100Seed } from '../../../adapters/sage-100-fr/schema/seed';
import { CREDENTIALS_KEY_ENV } from '../../credentials/keyring';
import { hashPassword } from '../http/sessions';
import { runConnectQuickBooks, runConnectSageActive } from '../cli/connect-command';
import axios from 'axios';
import { createServer } from 'node:net';
import type { Config } from '../../../config/config.schema';
import { prepareDemoFolder } from './demo-folder';
import { startSmtpSink } from '../../../adapters/email/simulator/smtp-sink';
import type { Logger } from '../../log/logger';
import { scaledClock, systemClock, type Clock } from '../../time/clock';

/** The demo's dashboard users, one per role. */
export const DEMO_PEOPLE = [
  { username: 'claire', name: 'Claire Martin', role: 'approver' },
  { username: 'marc', name: 'Marc Dubois', role: 'controller' },
  { username: 'lea', name: 'Léa Bernard', role: 'viewer' },
] as const;

/**
 * The demo (`recouvra demo`): the built-in simulators stand in for the outside world, the store
 * is SQLite in a data folder, and time runs `clockSpeed` times faster, so that a person watches a
 * portfolio go from first reminder to formal notice in minutes.
 */

export interface DemoOptions {
  /** Simulated seconds per real second. */
  clockSpeed: number;
  /** Invoices and credit notes the simulated Odoo starts with. */
  invoices: number;
  seed: number;
  /**
   * The demo's folder: created with a marker file when missing or empty, and cleared of the demo's
   * own files at every start when it carries that marker; any other folder is refused untouched.
   */
  dataDir: string;
  /** Steps waiting for approval wait for a person (CLI or API) instead of the simulated controller. */
  manualApproval?: boolean;
  logger: Logger;
}

export interface DemoEnvironment {
  clock: Clock;
  storePath: string;
  /** The demo creditor and the channels pointing at the simulators. */
  company: Config['company'];
  channels: Config['channels'];
  /** The API on a free port, with a token made for this demo run. */
  api: NonNullable<Config['api']>;
  /** The `connections:` entries that point at the simulators. */
  connections: Record<string, unknown>[];
  /** Where to look: the simulated Odoo (admin / admin-api-key), the folder of received e-mails, the SMS and postal simulators. */
  odooUrl: string;
  /** The simulated Odoo itself, for tests that inject failures. */
  odoo: OdooSimulator;
  /** The simulated QuickBooks Online (its French company is connection `quickbooks-demo`). */
  quickbooks: QuickBooksSimulator;
  /** The QuickBooks company (realm) the demo connects. */
  quickbooksRealm: string;
  /** The simulated Sage Active (its organisation with books and sales is connection `sage-active-demo`). */
  sageActive: SageActiveSimulator;
  /** The Sage 100 France file the demo reads (a fixture database with Sage 100's layout: connection `sage100-demo`). */
  sage100File: string;
  /**
   * Variables the daemon reads as if from its environment: the key the QuickBooks tokens are
   * stored with, made for this demo run (also in `demo.env` for the command line).
   */
  env: Record<string, string>;
  mailDir: string;
  sms: SmsSimulator;
  postal: PostalSimulator;
  /** Schedules in simulated seconds. */
  schedule: {
    syncSeconds: number;
    syncSecondsOf: Readonly<Record<string, number>>;
    evaluateSeconds: number;
    outboxSeconds: number;
    reconcileSeconds: number;
    trackSeconds: number;
    lawfirmSeconds: number;
  };
  /** The law-firm partner: a simulated firm over its HTTP contract. */
  lawfirm: NonNullable<Config['lawfirm']>;
  lawfirmSimulator: LawFirmSimulator;
  banner: string;
  /** The configuration written for the command line (`recouvra cases list --config …`), and the file of the variables it reads (mode 0600). */
  configFile: string;
  envFile: string;
  /** Whether the simulated controller approves (false with --manual-approval). */
  autoApprove: boolean;
  /** Payments the simulated customers made since the last call. */
  takePayments: () => number;
  stop(): Promise<void>;
}

const DAY = 86_400;
/**
 * Demo time starts here: the legal rates for 2026-H2 are not in config/legal/fr yet (no source
 * found), and a formal notice needs the rate of every semester its interest runs in. Once demo
 * time passes 30 June 2026 the daemon warns, and claims needing 2026-H2 wait in the outbox until
 * the rates are added under `legal.rates` (the banner says so); the demo never invents a rate.
 */
export const DEMO_START = '2026-04-01T07:00:00Z';
/** The demo's QuickBooks Online connection. */
export const QUICKBOOKS_CONNECTION = 'quickbooks-demo';
/** The demo's Sage Active connection. */
export const SAGE_ACTIVE_CONNECTION = 'sage-active-demo';
/** The demo's Sage 100 France connection (read only). */
export const SAGE_100_CONNECTION = 'sage100-demo';

/**
 * Invoices of the QuickBooks simulator: it spreads them over three companies and the demo connects
 * the first, a French one with 60 % of them. A sixth of the Odoo portfolio in all, a tenth in that company: Intuit allows 500
 * requests a minute of real time, and each step of each invoice costs a read and a write or two,
 * while the demo passes a business day in seconds.
 */
function quickBooksInvoices(odooInvoices: number): number {
  return Math.max(24, Math.round(odooInvoices / 6));
}

/**
 * Invoices of the Sage Active simulator, over its two organisations (two thirds in the one the demo
 * connects), and customers of the Sage 100 file (about 1.7 open lines each): each a sixth of the
 * Odoo portfolio or so, enough to see every kind of case without slowing the demo's days.
 */
function sageActiveInvoices(odooInvoices: number): number {
  return Math.max(30, Math.round(odooInvoices / 4));
}
function sage100Customers(odooInvoices: number): number {
  return Math.max(10, Math.round(odooInvoices / 10));
}

/** Share of the open invoices the simulated customers pay each simulated day. */
const DAILY_PAYMENT_RATE = 0.02;

export async function startDemo(options: DemoOptions): Promise<DemoEnvironment> {
  // What started before a failing step is stopped again: a demo that cannot start leaves no server behind.
  const started: (() => Promise<unknown>)[] = [];
  try {
    return await startDemoWorld(options, started);
  } catch (error) {
    for (const stop of started.reverse()) await stop().catch(() => undefined);
    throw error;
  }
}

async function startDemoWorld(options: DemoOptions, started: (() => Promise<unknown>)[]): Promise<DemoEnvironment> {
  const clock = scaledClock(new Date(DEMO_START), options.clockSpeed);
  const dataDir = prepareDemoFolder(options.dataDir);
  const db = createDemoOdooDatabase({
    invoices: options.invoices,
    seed: options.seed,
    startAt: new Date(DEMO_START),
    now: () => clock.now(),
  });
  const odoo = await new OdooSimulator({ db, version: '18.0' }).start();
  started.push(() => odoo.stop());
  const smtp = await startSmtpSink(join(dataDir, 'mail'));
  started.push(() => smtp.close());
  const sms = await new SmsSimulator({ startAt: DEMO_START, speed: options.clockSpeed, seed: options.seed }).start();
  started.push(() => sms.stop());
  const postal = await new PostalSimulator({
    startAt: DEMO_START,
    speed: options.clockSpeed,
    seed: options.seed,
  }).start();
  started.push(() => postal.stop());
  // The firm pushes its events to the daemon's API: the API's port is chosen now so the firm knows where.
  const apiPort = await freePort();
  const webhookSecret = randomBytes(24).toString('hex');
  const lawfirm = await new LawFirmSimulator({
    startAt: DEMO_START,
    speed: options.clockSpeed,
    seed: options.seed,
    webhook: { url: `http://127.0.0.1:${apiPort}/webhooks/lawfirm`, secret: webhookSecret },
  }).start();
  started.push(() => lawfirm.stop());
  // QuickBooks Online beside Odoo: its French company (EUR, some customers in other currencies)
  // posts signed change notifications to the daemon's API, as Intuit does.
  const verifierToken = randomBytes(18).toString('hex');
  const quickbooks = await new QuickBooksSimulator({
    seed: options.seed,
    invoices: quickBooksInvoices(options.invoices),
    clock,
    // Intuit's tokens last a real hour: the daemon times them on the real clock too (AdapterDeps.wallClock).
    authClock: systemClock,
    webhook: {
      url: `http://127.0.0.1:${apiPort}/webhooks/quickbooks`,
      verifierToken,
      format: 'cloudevents',
    },
  }).start();
  started.push(() => quickbooks.stop());
  const qboCompany = quickbooks.companies.find((c) => c.country === 'FR')!;
  // Sage Active: its organisation with books and the sales module (the other, a Starter edition,
  // keeps no sales invoices). Its tokens last 8 real hours: they run on the real clock.
  const sageActive = await new SageActiveSimulator({
    seed: options.seed,
    invoices: sageActiveInvoices(options.invoices),
    clock,
    authClock: systemClock,
  }).start();
  started.push(() => sageActive.stop());
  const sageOrganization = sageActive.data.organizations.find((o) => o.edition !== 'STARTER')!;
  const sageActiveConnection = {
    id: SAGE_ACTIVE_CONNECTION,
    type: 'sage-active',
    baseUrl: sageActive.url,
    clientId: sageActive.clientId,
    clientSecret: sageActive.clientSecret,
    subscriptionKey: sageActive.subscriptionKeys[0],
    organizationId: sageOrganization.id,
  };
  // Sage 100 France: no server to simulate (it is read from its SQL Server database); the demo
  // reads a file with Sage 100's tables, written as `recouvra simulate sage-100-fr` writes one, its
  // last change the evening before the demo starts.
  const sage100File = join(dataDir, 'sage100.sqlite');
  await writeFixtureFile(
    sage100File,
    generateSage100Seed({
      seed: options.seed,
      customers: sage100Customers(options.invoices),
      until: new Date(Date.parse(DEMO_START) - 13 * 3_600_000).toISOString().slice(0, 23),
    }),
  );
  const sage100Connection = {
    id: SAGE_100_CONNECTION,
    type: 'sage-100-fr',
    fixture: sage100File,
    // Nothing changes the file while the demo runs: a weekly sweep of its open set is plenty.
    fullReconciliationHours: 24 * 7,
  };
  const payments = payingCustomers(db, clock, options.seed);
  started.push(async () => payments.stop());
  const quickbooksConnection = {
    id: QUICKBOOKS_CONNECTION,
    type: 'quickbooks',
    realmId: qboCompany.realmId,
    baseUrl: quickbooks.url,
    clientId: quickbooks.clientId,
    clientSecret: quickbooks.clientSecret,
    webhookVerifierToken: verifierToken,
    // The SIREN/SIRET the company keeps in a customer custom field. The recovery stage could go in
    // its invoice field `Dossier` too (`recoveryStage`), at a second write per step: Intuit's 500
    // requests a real minute would not hold a demo that passes a business day in seconds.
    customFields: { siret: 'SIREN/SIRET' },
    // A full read every 30 demo days, not every day: a day passes in seconds here, Intuit's minute does not.
    fullReconciliationHours: 24 * 30,
  };
  const env = { [CREDENTIALS_KEY_ENV]: randomBytes(32).toString('base64') };
  const connections = [
    {
      id: 'odoo-demo',
      type: 'odoo',
      url: odoo.url,
      database: odoo.database,
      login: 'recouvra',
      apiKey: 'recouvra-api-key',
      overlapSeconds: 6 * 3_600,
    },
    quickbooksConnection,
    sageActiveConnection,
    sage100Connection,
  ];
  const company: Config['company'] = {
    name: 'Recouvra Démo SAS',
    timezone: 'Europe/Paris',
    locale: 'fr-FR',
    address: {
      kind: 'registered_office',
      lines: ['12 rue de la Démonstration'],
      postalCode: '75002',
      city: 'Paris',
      country: 'FR',
    },
    siren: '732829320',
    contact: { email: 'recouvrement@demo.recouvra.test', phone: '+33 1 23 45 67 89' },
    payment: { iban: 'FR76 3000 6000 0112 3456 7890 189', bic: 'AGRIFRPP' },
    signatory: { name: 'Camille Martin', title: 'Responsable du recouvrement' },
  };
  const channels: Config['channels'] = {
    email: {
      host: '127.0.0.1',
      port: smtp.port,
      secure: false,
      requireTls: false,
      rejectUnauthorized: true,
      from: { address: 'recouvrement@demo.recouvra.test', name: company.name },
      connectionTimeoutMs: 5_000,
      greetingTimeoutMs: 5_000,
      socketTimeoutMs: 10_000,
    },
    // Demo time runs fast: the SMS hours window would hold messages for hours of real time.
    sms: {
      baseUrl: sms.url,
      apiKey: 'sim-sms-key',
      senderId: 'Recouvra',
      timeoutMs: 10_000,
      maxSegments: 3,
      contactWindow: {
        timeZone: 'Europe/Paris',
        days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
        ranges: [{ from: '00:00', to: '24:00' }],
        publicHolidays: 'none',
        extraHolidays: [],
      },
    },
    postal: { baseUrl: postal.url, apiKey: 'sim-postal-key', timeoutMs: 30_000, maxPdfBytes: 10 * 1024 * 1024 },
  };
  const days = (n: number) => Math.max(1, Math.round(n * DAY));
  // Three people, one per role, with passwords drawn at each start and kept in demo.env only.
  const dashboardUsers = await Promise.all(
    DEMO_PEOPLE.map(async (p) => {
      const password = `${p.username}-${randomBytes(6).toString('hex')}`;
      return { ...p, password, passwordHash: await hashPassword(password) };
    }),
  );
  const api = {
    enabled: true,
    host: '127.0.0.1',
    port: apiPort,
    token: randomBytes(24).toString('hex'),
    metricsPublic: true,
    trustProxy: false,
    users: dashboardUsers.map(({ password: _password, ...user }) => user),
    session: { idleMinutes: 480, maxHours: 12, secureCookie: false },
  };
  const storePath = join(dataDir, 'recouvra.sqlite');
  const files = writeCommandLineConfig({
    dataDir,
    storePath,
    company,
    api,
    odoo: { url: odoo.url, database: odoo.database, login: 'recouvra', apiKey: 'recouvra-api-key' },
    dashboardPasswords: Object.fromEntries(
      dashboardUsers.map((u) => [`RECOUVRA_DEMO_PASSWORD_${u.username.toUpperCase()}`, u.password]),
    ),
    quickbooks: quickbooksConnection,
    sageActive: sageActiveConnection,
    sage100: sage100Connection,
    env,
  });
  // Each company is connected as a person would (`recouvra connect quickbooks`, `recouvra connect
  // sage-active`): consent, code, tokens stored encrypted in the store; the simulators consent at
  // once and redirect. Sage Active then checks the organisation among those the user can open.
  const connectArgs = (connection: string) => ({
    config: files.configFile,
    connection,
    port: 0,
    timeoutSeconds: 30,
    env: { ...process.env, ...env, ...files.variables },
    clock: systemClock,
    onConsentUrl: (url: string) => void axios.get(url, { validateStatus: () => true }).catch(() => undefined),
  });
  for (const [what, connect] of [
    ['QuickBooks company', () => runConnectQuickBooks(connectArgs(QUICKBOOKS_CONNECTION))],
    ['Sage Active organisation', () => runConnectSageActive(connectArgs(SAGE_ACTIVE_CONNECTION))],
  ] as const) {
    const connected = await connect();
    if (connected.exitCode !== 0) throw new Error(`the demo could not connect its ${what}: ${connected.stderr.trim()}`);
  }
  const autoApprove = !options.manualApproval;
  const cli = (command: string) => `npm run recouvra -- ${command} --config ${shellPath(files.configFile)}`;
  const banner = [
    '',
    '==================================================================================',
    '  RECOUVRA DEMO — nothing here is real. Simulated Odoo, simulated time.',
    `  Time runs ${options.clockSpeed.toLocaleString('en')}× faster: one real second is ${describeSeconds(options.clockSpeed)} of demo time.`,
    `  Odoo 18.0 simulator: ${odoo.url} (database demo, login admin / admin), ${options.invoices} invoices`,
    `  QuickBooks Online simulator: ${quickbooks.url}, company ${qboCompany.realmId} (${qboCompany.name}), connected as ${QUICKBOOKS_CONNECTION};`,
    `  our notes go into each invoice's private note: ${quickbooks.url}/_simulator/realms/${qboCompany.realmId}/invoices?noted=1`,
    `  Sage Active simulator: ${sageActive.url}, organisation ${sageOrganization.socialName} (${sageOrganization.id}), connected as ${SAGE_ACTIVE_CONNECTION};`,
    `  our notes go into files on each invoice's accounting entry: ${sageActive.url}/_simulator/files`,
    `  Sage 100 France: the file ${sage100File} (Sage 100's tables), read only as ${SAGE_100_CONNECTION}: nothing is written back;`,
    '  its cases say so in their journal.',
    `  Demo time starts on ${DEMO_START.slice(0, 10)}: the bundled legal rates stop at 2026-H1. Past 30 June, claims`,
    '  that need 2026-H2 wait in the outbox until its rates are added under legal.rates (recouvra legal status).',
    '  SMS, letters and e-mails go to simulators:',
    `  e-mails are kept as .eml files in ${join(dataDir, 'mail')}`,
    `  Law firm simulator: ${lawfirm.url}; it pushes signed procedure events to the daemon's API.`,
    autoApprove
      ? '  A simulated controller approves each step waiting for approval after one demo day.'
      : '  --manual-approval: steps waiting for approval wait for you (recouvra approvals, then approve CASE).',
    `  Store: ${storePath} (cleared at every demo start)`,
    '  Try, in another terminal from this folder (the variables file is readable by you only):',
    `    set -a; . ${shellPath(files.envFile)}; set +a`,
    `    ${cli('cases list --limit 10')}`,
    `    ${cli('approvals')}`,
    `    curl -s -H "Authorization: Bearer $RECOUVRA_API_TOKEN" 'http://127.0.0.1:${apiPort}/cases?limit=5'`,
    `  Dashboard: http://127.0.0.1:${apiPort}/ (add ?lang=en for English). Sign in as ${DEMO_PEOPLE.map((p) => `${p.username} (${p.role})`).join(', ')};`,
    `  their passwords are in ${shellPath(files.envFile)} (RECOUVRA_DEMO_PASSWORD_…).`,
    '  The log below has one summary line per demo day.',
    '  Stop with Ctrl-C: running work finishes first.',
    '==================================================================================',
    '',
  ].join('\n');
  return {
    clock,
    storePath,
    company,
    channels,
    api,
    lawfirm: {
      id: 'cabinet-demo',
      transport: 'api',
      api: LawFirmHttpConfigSchema.parse({ baseUrl: lawfirm.url, apiKey: lawfirm.apiKey, webhookSecret }),
      pollCron: '*/5 * * * *',
    },
    lawfirmSimulator: lawfirm,
    connections,
    odooUrl: odoo.url,
    odoo,
    quickbooks,
    quickbooksRealm: qboCompany.realmId,
    sageActive,
    sage100File,
    env,
    mailDir: join(dataDir, 'mail'),
    sms,
    postal,
    schedule: {
      syncSeconds: days(0.25),
      // Intuit allows 500 requests a minute of real time, whatever the demo's speed: the QuickBooks
      // company is read every 4 demo days, its webhooks bring its changes in between.
      syncSecondsOf: { [QUICKBOOKS_CONNECTION]: days(4) },
      evaluateSeconds: days(1),
      outboxSeconds: Math.max(1, Math.round(options.clockSpeed)),
      reconcileSeconds: days(7),
      trackSeconds: days(0.25),
      lawfirmSeconds: days(0.25),
    },
    banner,
    configFile: files.configFile,
    envFile: files.envFile,
    autoApprove,
    takePayments: () => payments.take(),
    stop: async () => {
      payments.stop();
      await odoo.stop();
      await quickbooks.stop();
      await sageActive.stop();
      await smtp.close();
      await sms.stop();
      await postal.stop();
      await lawfirm.stop();
      options.logger.info('demo simulators stopped');
    },
  };
}

/**
 * The demo's Odoo: its records are a function of the seed and the start date only. The clock the
 * simulator stamps writes with runs from the start, but the seed data is generated as of the start
 * day's midnight (UTC): read at start, a clock running thousands of times faster moved by hours
 * between two runs, and invoices near midnight changed day.
 */
export function createDemoOdooDatabase(options: {
  seed: number;
  invoices: number;
  startAt: Date;
  now: () => Date;
}): OdooDatabase {
  const seededAt = new Date(Math.floor(options.startAt.getTime() / (DAY * 1000)) * DAY * 1000);
  return createOdooDatabase({
    version: '18.0',
    l10nFr: true,
    invoices: options.invoices,
    seed: options.seed,
    now: options.now,
    seededAt,
  });
}

/** Customers pay a few open invoices every simulated day, so that cases also close. */
function payingCustomers(db: OdooDatabase, clock: Clock, seed: number): { stop(): void; take(): number } {
  let paid = 0;
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
    // Every demo day gets its draw, even when a fast clock passes two between ticks: the same seed pays the same invoices.
    for (; lastDay < day; lastDay++) {
      const open = db.call(
        'account.move',
        'search_read',
        [[...OPEN_RECEIVABLE_DOMAIN, ['move_type', '=', 'out_invoice']]],
        { fields: ['amount_residual'], order: 'id asc' },
      ) as { id: number; amount_residual: number }[];
      for (const move of open) {
        if (move.amount_residual > 0 && random() < DAILY_PAYMENT_RATE) {
          db.payInvoice(move.id, move.amount_residual);
          paid++;
        }
      }
    }
  }, 200);
  return {
    stop: () => clearInterval(timer),
    take: () => {
      const n = paid;
      paid = 0;
      return n;
    },
  };
}

/**
 * The configuration of the demo's store for the command line, and the variables it reads. The YAML
 * names its secrets only as `${VAR}`; their values are in `demo.env`, readable by its owner only.
 * Channels and the law firm are left out: the demo wires its simulators in code, and the commands
 * that read this file (cases, approvals, journal) need the store, the company and the connections.
 */
function writeCommandLineConfig(input: {
  dataDir: string;
  storePath: string;
  company: Config['company'];
  api: NonNullable<Config['api']>;
  odoo: { url: string; database: string; login: string; apiKey: string };
  /** The dashboard's demo passwords, by variable name: in demo.env only. */
  dashboardPasswords: Record<string, string>;
  quickbooks: { clientSecret: string; webhookVerifierToken: string } & Record<string, unknown>;
  sageActive: { clientSecret: string; subscriptionKey: string } & Record<string, unknown>;
  sage100: Record<string, unknown>;
  env: Record<string, string>;
}): { configFile: string; envFile: string; variables: Record<string, string> } {
  const configFile = join(input.dataDir, 'recouvra.yaml');
  const envFile = join(input.dataDir, 'demo.env');
  const variables: Record<string, string> = {
    RECOUVRA_API_TOKEN: input.api.token ?? '',
    RECOUVRA_DEMO_ODOO_API_KEY: input.odoo.apiKey,
    RECOUVRA_DEMO_QBO_CLIENT_SECRET: input.quickbooks.clientSecret,
    RECOUVRA_DEMO_QBO_VERIFIER_TOKEN: input.quickbooks.webhookVerifierToken,
    RECOUVRA_DEMO_SAGE_CLIENT_SECRET: input.sageActive.clientSecret,
    RECOUVRA_DEMO_SAGE_SUBSCRIPTION_KEY: input.sageActive.subscriptionKey,
    ...input.dashboardPasswords,
    ...Object.fromEntries(input.api.users.map((u) => [hashVariable(u.username), u.passwordHash])),
    ...input.env,
  };
  const config = {
    version: 1,
    company: input.company,
    store: { driver: 'sqlite', sqlite: { path: input.storePath } },
    api: {
      host: input.api.host,
      port: input.api.port,
      token: '${RECOUVRA_API_TOKEN}',
      metricsPublic: input.api.metricsPublic,
      // The hashes are kept out of the file, as secrets are: demo.env holds them.
      users: input.api.users.map((u) => ({ ...u, passwordHash: `\${${hashVariable(u.username)}}` })),
    },
    connections: [
      {
        id: 'odoo-demo',
        type: 'odoo',
        url: input.odoo.url,
        database: input.odoo.database,
        login: input.odoo.login,
        apiKey: '${RECOUVRA_DEMO_ODOO_API_KEY}',
      },
      {
        ...input.quickbooks,
        clientSecret: '${RECOUVRA_DEMO_QBO_CLIENT_SECRET}',
        webhookVerifierToken: '${RECOUVRA_DEMO_QBO_VERIFIER_TOKEN}',
      },
      {
        ...input.sageActive,
        clientSecret: '${RECOUVRA_DEMO_SAGE_CLIENT_SECRET}',
        subscriptionKey: '${RECOUVRA_DEMO_SAGE_SUBSCRIPTION_KEY}',
      },
      input.sage100,
    ],
  };
  const header = [
    '# Written by `recouvra demo` for the command line while the demo runs, e.g.',
    `#   set -a; . ${envFile}; set +a`,
    `#   npm run recouvra -- cases list --config ${configFile}`,
    '# The secrets are in demo.env (mode 0600). Rewritten at every demo start.',
    '',
  ].join('\n');
  writeFileSync(configFile, header + stringifyYaml(config));
  writeFileSync(
    envFile,
    `# The demo's secrets, for the variables recouvra.yaml names. Export with: set -a; . ${envFile}; set +a\n` +
      Object.entries(variables)
        // Single-quoted: `. demo.env` must not expand the $ of a password hash ($argon2id$v=19$…).
        .map(([name, value]) => `${name}='${value.replaceAll("'", `'\\''`)}'\n`)
        .join(''),
    { mode: 0o600 },
  );
  // The mode given at creation is masked by the umask: set it outright.
  chmodSync(envFile, 0o600);
  return { configFile, envFile, variables };
}

function hashVariable(username: string): string {
  return `RECOUVRA_DEMO_PASSWORD_HASH_${username.toUpperCase()}`;
}

/** A path as a person types it here: relative to the working folder when inside it, quoted when it needs to be. */
function shellPath(path: string): string {
  const rel = relative(process.cwd(), path);
  const shown = rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
  return /^[A-Za-z0-9_./+-]+$/.test(shown) ? shown : `'${shown.replace(/'/g, `'\\''`)}'`;
}

function describeSeconds(seconds: number): string {
  if (seconds >= DAY) return `${(seconds / DAY).toFixed(1)} days`;
  if (seconds >= 3_600) return `${(seconds / 3_600).toFixed(1)} hours`;
  if (seconds >= 60) return `${(seconds / 60).toFixed(1)} minutes`;
  return `${seconds} seconds`;
}

/** A TCP port free on the loopback now (the demo API takes it a moment later). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
