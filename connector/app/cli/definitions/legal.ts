import { Command } from 'commander';
import { emit } from '../command-result';
import { implementation } from './lazy';

/** `recouvra legal status` (connector/app/cli/legal-command.ts). */
export function legalCommand(): Command {
  const cmd = new Command('legal').description('the legal figures the claim rules use');
  cmd
    .command('status')
    .description(
      'which semesters of interest rates are known and from where, which are missing up to the next semester, and where to find them; exits 1 if a semester that has begun is missing',
    )
    .option('-c, --config <file>', 'configuration file (YAML); its legal.rates are laid over the bundled rates')
    .option('--as-of <date>', 'the date to judge from, YYYY-MM-DD (default: today in the company time zone)')
    .option('--json', 'print the status as JSON')
    .action((opts: { config?: string; asOf?: string; json?: boolean }) =>
      emit(implementation('legal-command').runLegalStatus(opts)),
    );
  return cmd;
}
