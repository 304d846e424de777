import { Command, InvalidArgumentError, Option } from 'commander';
import { emit } from '../command-result';
import { implementation } from './lazy';
import { DAY_COUNTS, IMPUTATIONS } from './option-values';

function parseWarnDays(value: string): number {
  if (!/^\d{1,5}$/.test(value)) throw new InvalidArgumentError('expected a whole number of days, e.g. 90');
  return Number(value);
}

/** `recouvra claim --input FILE --as-of YYYY-MM-DD …` (connector/app/cli/claim-command.ts). */
export function claimCommand(): Command {
  return new Command('claim')
    .description(
      'compute principal, late-payment interest and the fixed indemnity owed on invoices at a date, under French law',
    )
    .requiredOption('--input <file>', 'claim input JSON file (amounts in minor units, e.g. cents)')
    .requiredOption(
      '--as-of <date>',
      'date the claim is computed at, YYYY-MM-DD (interest counts up to and including this day)',
    )
    .option('--json', 'print the result as JSON', false)
    .addOption(
      new Option('--day-count <convention>', 'day-count convention for interest')
        .choices(DAY_COUNTS)
        .default('actual/365'),
    )
    .addOption(
      new Option(
        '--imputation <rule>',
        'how partial payments are imputed: interest-first (C. civ. 1343-1, the default) or principal-first; with --config, its legal.imputation',
      ).choices(IMPUTATIONS),
    )
    .option(
      '--legal-dir <dir>',
      'folder with rates.yaml, indemnity.yaml and limitation.yaml (default: the bundled config/legal/fr)',
    )
    .option(
      '-c, --config <file>',
      'take the legal data as the daemon does from this configuration: its legal.dir, with its legal.rates laid over (instead of --legal-dir)',
    )
    .option('--warn-days <days>', 'warn when a claim prescribes within this many days (default 90)', parseWarnDays)
    .action(
      (opts: {
        input: string;
        asOf: string;
        json: boolean;
        dayCount: string;
        imputation?: string;
        legalDir?: string;
        config?: string;
        warnDays?: number;
      }) => {
        const result = implementation('claim-command').runClaim({
          input: opts.input,
          asOf: opts.asOf,
          json: opts.json,
          dayCount: opts.dayCount,
          ...(opts.imputation === undefined ? {} : { imputation: opts.imputation }),
          ...(opts.legalDir === undefined ? {} : { legalDir: opts.legalDir }),
          ...(opts.config === undefined ? {} : { config: opts.config }),
          ...(opts.warnDays === undefined ? {} : { warnDays: opts.warnDays }),
        });
        emit(result);
      },
    );
}
