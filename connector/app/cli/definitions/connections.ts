import { Command } from 'commander';
import { emit } from '../command-result';
import { implementation } from './lazy';

/** `recouvra connections check` (connector/app/cli/connections-command.ts). */
export function connectionsCommand(): Command {
  const connections = new Command('connections').description('the ERP connections of a configuration');
  connections
    .command('check')
    .description(
      'prove that each connection works (address, database, credentials, rights) and show what its server offers',
    )
    .requiredOption('-c, --config <file>', 'configuration file (YAML) with the connections')
    .option('--json', 'print the results as JSON')
    .action(async (opts: { config: string; json?: boolean }) =>
      emit(await implementation('connections-command').runConnectionsCheck(opts)),
    );
  return connections;
}
