import { Command } from 'commander';
import { emit } from '../command-result';
import { implementation } from './lazy';

/** `recouvra procedure --input FILE --as-of YYYY-MM-DD` (connector/app/cli/procedure-command.ts). */
export function procedureCommand(): Command {
  return new Command('procedure')
    .description(
      'recommend the procedure, the court, the lawyer requirement and the deadlines for a claim, from facts in a JSON file (the dossier’s own rules)',
    )
    .requiredOption('--input <file>', 'procedure facts JSON file (amounts in minor units; see the README)')
    .requiredOption('--as-of <date>', 'date of the advice, YYYY-MM-DD')
    .option('--json', 'print the advice as JSON', false)
    .option('--legal-dir <dir>', 'folder with procedures.yaml and courts.yaml (default: the bundled config/legal/fr)')
    .action((opts: { input: string; asOf: string; json: boolean; legalDir?: string }) =>
      emit(implementation('procedure-command').runProcedure(opts)),
    );
}
