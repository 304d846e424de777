import { LegalDataError } from '../../claim/legal-data';
import { loadProcedureData } from '../../dossier/procedure-data';
import { parseProcedureInput, procedureFacts } from '../../dossier/procedure-input.schema';
import { recommendProcedure, type ProcedureRecommendation } from '../../dossier/recommend-procedure';
import { formatMoney } from '../../model/money.schema';
import { isIsoDate } from '../../time/calendar-date';
import type { CommandResult } from './command-result';
import { readJsonInput } from './json-input';

/**
 * `recouvra procedure --input FACTS.json --as-of YYYY-MM-DD [--json] [--legal-dir DIR]`: the
 * procedure a recovery lawyer would start, the competent court, whether a lawyer is compulsory,
 * the reasons, the alternatives, the warnings and the deadlines — from facts stated in a JSON file
 * (documented in the README), by the function the dossier uses.
 */
export function runProcedure(args: { input: string; asOf: string; json?: boolean; legalDir?: string }): CommandResult {
  const fail = (message: string): CommandResult => ({
    exitCode: 1,
    stdout: '',
    stderr: `recouvra procedure: ${message}\n`,
  });
  if (!isIsoDate(args.asOf)) return fail(`--as-of "${args.asOf}" is not a calendar date written YYYY-MM-DD`);
  const read = readJsonInput(args.input);
  if (!read.ok) return fail(read.message);
  const raw = read.value;
  const parsed = parseProcedureInput(raw);
  if (!parsed.success)
    return fail(
      `${args.input} is not a valid procedure input (${parsed.problems.length} problem${parsed.problems.length === 1 ? '' : 's'}):\n${parsed.problems.map((p) => `  ${p}`).join('\n')}`,
    );
  let advice: ProcedureRecommendation;
  try {
    const data = args.legalDir === undefined ? loadProcedureData() : loadProcedureData(args.legalDir);
    advice = recommendProcedure(procedureFacts(parsed.data, args.asOf), data);
  } catch (err) {
    if (err instanceof LegalDataError) return fail(err.message);
    throw err;
  }
  if (args.json) return { exitCode: 0, stdout: `${JSON.stringify(advice, null, 2)}\n`, stderr: '' };
  const c = parsed.data.claim;
  const lines = [
    `Procedure as of ${args.asOf}, claim ${formatMoney(c.principal + c.interest + c.indemnity, parsed.data.currency)}: ${advice.procedure.replace(/_/g, ' ')}`,
    `court: ${advice.court.name ?? advice.court.kind.replace(/_/g, ' ')} — ${advice.court.territory}`,
    `lawyer: ${advice.lawyer.compulsory ? 'compulsory' : 'not compulsory'} (${advice.lawyer.reason})`,
    'why:',
    ...advice.reasons.map((r) => `  - ${r}`),
    ...(advice.deadlines.length
      ? [
          'deadlines:',
          ...advice.deadlines.map((d) => `  - ${d.what}: ${d.rule}${d.dueOn ? ` — by ${d.dueOn}` : ''} (${d.article})`),
        ]
      : []),
    ...(advice.alternatives.length
      ? ['alternatives:', ...advice.alternatives.map((a) => `  - ${a.procedure.replace(/_/g, ' ')}: ${a.reason}`)]
      : []),
    ...(advice.warnings.length ? ['warnings:', ...advice.warnings.map((w) => `  - ${w}`)] : []),
  ];
  return { exitCode: 0, stdout: `${lines.join('\n')}\n`, stderr: '' };
}
