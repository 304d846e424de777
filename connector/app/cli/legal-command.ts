import { rateStatus, RATE_WARNING_DAYS, type RateStatus } from '../../claim/legal-status';
import { ProblemsError } from '../../config/problems';
import { loadRuntime } from '../runtime';
import { dateInZone, isIsoDate, type IsoDate } from '../../time/calendar-date';
import type { CommandResult } from './command-result';

/**
 * `recouvra legal status [--config FILE] [--as-of YYYY-MM-DD] [--json]`: the semesters whose rates
 * are known and where each comes from (the bundled file or the configuration's `legal.rates`),
 * and those missing up to the next semester's start, with where each figure is published. Exits 1
 * when a semester that has begun has no rates (claims that need a day of it are refused), so a
 * monitoring script can act on it.
 */
export function runLegalStatus(args: {
  config?: string;
  asOf?: string;
  json?: boolean;
  env?: NodeJS.ProcessEnv;
  now?: Date;
}): CommandResult {
  const fail = (message: string): CommandResult => ({
    exitCode: 2,
    stdout: '',
    stderr: `recouvra legal status: ${message}\n`,
  });
  if (args.asOf !== undefined && !isIsoDate(args.asOf))
    return fail(`--as-of "${args.asOf}" is not a calendar date written YYYY-MM-DD`);
  let status: RateStatus;
  try {
    const rt = loadRuntime(args.config, args.env ?? process.env);
    rt.logger.close();
    const asOf: IsoDate = args.asOf ?? dateInZone(args.now ?? new Date(), rt.config.company.timezone);
    status = rateStatus(rt.legal, asOf);
  } catch (e) {
    return fail(e instanceof ProblemsError ? e.message : (e as Error).message);
  }
  const exitCode = status.missing.some((m) => m.state === 'missing') ? 1 : 0;
  if (args.json) return { exitCode, stdout: `${JSON.stringify(status, null, 2)}\n`, stderr: '' };
  return { exitCode, stdout: describe(status), stderr: '' };
}

function describe(status: RateStatus): string {
  const lines = [
    `Interest rates per semester, as of ${status.asOf}`,
    '',
    'known (ECB MRO rate; legal rate, other cases / creditor a private individual):',
  ];
  for (const k of status.known)
    lines.push(
      `  ${k.semester}  ECB ${k.ecbMroPercent} %  legal ${k.legalRateOtherPercent} % / ${k.legalRateIndividualCreditorPercent} %  from ${k.origin}`,
    );
  lines.push('');
  if (status.missing.length === 0) lines.push('missing: none up to the next semester');
  else {
    lines.push('missing:');
    for (const m of status.missing) {
      lines.push(
        `  ${m.semester}  from ${m.startsOn}: ${m.state === 'missing' ? 'MISSING — claims and hand-offs that need a day of it are refused' : 'not yet published or not yet added'}`,
      );
      for (const w of m.where) lines.push(`    - ${w}`);
    }
    lines.push(
      '',
      `Add each under legal.rates in the configuration, e.g.:`,
      '  legal:',
      '    rates:',
      `      - semester: "${status.missing[0]!.semester}"`,
      '        ecbMroPercent: "…"',
      '        legalRateOtherPercent: "…"',
      '        legalRateIndividualCreditorPercent: "…"',
      '        sources: ["ECB decision of …", "Arrêté du … (JO du …)"]',
    );
  }
  if (status.warnings.length) lines.push('', ...status.warnings.map((w) => `warning: ${w}`));
  else
    lines.push(
      '',
      `no warning (a semester starting within ${RATE_WARNING_DAYS} days without its rates would be named)`,
    );
  return `${lines.join('\n')}\n`;
}
