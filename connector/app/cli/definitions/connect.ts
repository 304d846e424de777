import { Command } from 'commander';
import { emit } from '../command-result';
import { implementation } from './lazy';
import { wholeNumber } from './option-values';

interface ConnectOptions {
  config: string;
  connection: string;
  port: number;
  redirectUri?: string;
  timeout: number;
}

/** `recouvra connect quickbooks | sage-active` (connector/app/cli/connect-command.ts). */
export function connectCommand(): Command {
  const connect = new Command('connect').description('authorize Recouvra on an ERP that uses OAuth 2');
  callbackOptions(
    connect
      .command('quickbooks')
      .description(
        "connect a QuickBooks Online company: prints Intuit's consent page, receives its answer on a local callback, stores the tokens encrypted",
      ),
    'quickbooks',
    "the redirect URI registered in Intuit's developer portal (default http://localhost:<port>/callback)",
  ).action(async (opts: ConnectOptions) =>
    emit(await implementation('connect-command').runConnectQuickBooks(argsOf(opts))),
  );
  callbackOptions(
    connect
      .command('sage-active')
      .description(
        "connect a Sage Active organisation: prints Sage's sign-in page (PKCE), receives its answer on a local callback, checks the organisation, stores the tokens encrypted",
      ),
    'sage-active',
    "the redirect URI registered for the app in Sage's Developer Center (default http://127.0.0.1:<port>/callback)",
  ).action(async (opts: ConnectOptions) =>
    emit(await implementation('connect-command').runConnectSageActive(argsOf(opts))),
  );
  return connect;
}

/** The options every OAuth connect command takes: the configuration, the connection, the local callback. */
function callbackOptions(command: Command, type: string, redirectHelp: string): Command {
  return command
    .requiredOption('-c, --config <file>', 'configuration file (YAML) with the connection')
    .requiredOption('--connection <id>', `the ${type} connection to authorize`)
    .option('--port <port>', 'port of the local callback on 127.0.0.1', wholeNumber(0, 65535), 8765)
    .option('--redirect-uri <uri>', redirectHelp)
    .option('--timeout <seconds>', 'how long to wait for the consent', wholeNumber(10, 3600), 600);
}

function argsOf(opts: ConnectOptions) {
  return {
    config: opts.config,
    connection: opts.connection,
    port: opts.port,
    timeoutSeconds: opts.timeout,
    ...(opts.redirectUri ? { redirectUri: opts.redirectUri } : {}),
  };
}
