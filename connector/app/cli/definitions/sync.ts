import { Command } from 'commander';
import { emit } from '../command-result';
import { implementation } from './lazy';

/** `recouvra sync --once` (connector/app/cli/sync-command.ts). */
export function syncCommand(): Command {
  return new Command('sync')
    .description(
      'pull receivables and debtors from every configured ERP connection into the store (one pass with --once)',
    )
    .requiredOption('-c, --config <file>', 'configuration file (YAML) with the connections')
    .option(
      '--once',
      'run one sync of each connection and exit (required: the continuous daemon is `recouvra run`, coming)',
    )
    .option('--connection <id...>', 'only these connection ids (default: all)')
    .option('--full', 'also run a full reconciliation (catches deletions and anything an incremental read missed)')
    .option(
      '--from-scratch',
      'ignore the saved cursors and read everything again, then reconcile (a damaged cursor, a restored ERP database)',
    )
    .option('--json', 'print the summaries as JSON instead of a table')
    .action(
      async (opts: {
        config: string;
        once?: boolean;
        connection?: string[];
        full?: boolean;
        fromScratch?: boolean;
        json?: boolean;
      }) => emit(await implementation('sync-command').runSync(opts)),
    );
}
