import { Command } from 'commander';
import { emit } from '../command-result';
import { implementation } from './lazy';
import { wholeNumber } from './option-values';

/** `recouvra connect quickbooks` (connector/app/cli/connect-command.ts). */
export function connectCommand(): Command {
  const connect = new Command('connect').description('authorize Recouvra on an ERP that uses OAuth 2');
  connect
    .command('quickbooks')
    .description(
      "connect a QuickBooks Online company: prints Intuit's consent page, receives its answer on a local callback, stores the tokens encrypted",
    )
    .requiredOption('-c, --config <file>', 'configuration file (YAML) with the connection')
    .requiredOption('--connection <id>', 'the quickbooks connection to authorize')
    .option('--port <port>', 'port of the local callback on 127.0.0.1', wholeNumber(0, 65535), 8765)
    .option(
      '--redirect-uri <uri>',
      "the redirect URI registered in Intuit's developer portal (default http://localhost:<port>/callback)",
    )
    .option('--timeout <seconds>', 'how long to wait for the consent', wholeNumber(10, 3600), 600)
    .action(async (opts: { config: string; connection: string; port: number; redirectUri?: string; timeout: number }) =>
      emit(
        await implementation('connect-command').runConnectQuickBooks({
          config: opts.config,
          connection: opts.connection,
          port: opts.port,
          timeoutSeconds: opts.timeout,
          ...(opts.redirectUri ? { redirectUri: opts.redirectUri } : {}),
        }),
      ),
    );
  return connect;
}
