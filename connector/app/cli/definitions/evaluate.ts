import { Command } from 'commander';
import { emit } from '../command-result';
import { implementation } from './lazy';

/** `recouvra evaluate` (connector/app/cli/evaluate-command.ts). */
export function evaluateCommand(): Command {
  return new Command('evaluate')
    .description('evaluate every case with the dunning policies and print, per case, the step that is due and why')
    .option('-c, --config <file>', 'configuration file (YAML); default: built-in defaults')
    .option(
      '--sample',
      'import the bundled sample portfolio first (into a throw-away database unless --config is given)',
    )
    .option('--portfolio <file>', 'import a portfolio file (canonical JSON) first')
    .option(
      '--as-of <date>',
      'evaluate as of this date (YYYY-MM-DD); default: the portfolio date, else today in the company time zone',
    )
    .option('--json', 'print JSON instead of text')
    .option('--record', 'record due steps as decisions and outbox rows (decide, record — nothing is sent)')
    .action(
      async (opts: {
        config?: string;
        sample?: boolean;
        portfolio?: string;
        asOf?: string;
        json?: boolean;
        record?: boolean;
      }) => {
        const { runEvaluate, terminalProgress } = implementation('evaluate-command');
        emit(await runEvaluate({ ...opts, ...(process.stderr.isTTY ? { onProgress: terminalProgress } : {}) }));
      },
    );
}
