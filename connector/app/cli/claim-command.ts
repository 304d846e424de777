/**
 * `recouvra claim --input FILE --as-of YYYY-MM-DD [--json] [--day-count …] [--legal-dir DIR]`
 *
 * Computes what can be claimed on a set of invoices (principal, late-payment interest, fixed
 * indemnity) under French law. The work is done by `runClaim`, which returns the exit code and
 * both output streams instead of writing them, so it can be tested without a process.
 */
import {
  computeClaim,
  DAY_COUNTS,
  IMPUTATIONS,
  type ClaimResult,
  type DayCount,
  type Imputation,
} from '../../claim/compute-claim';
import { parseClaimInput } from '../../claim/claim-input.schema';
import { LegalDataError, loadFrenchLegalData } from '../../claim/legal-data';
import { MissingRateError } from '../../claim/rates';
import { formatMoney } from '../../model/money.schema';
import { isIsoDate } from '../../time/calendar-date';
import { ProblemsError } from '../../config/problems';
import { loadRuntime } from '../runtime';
import type { CommandResult } from './command-result';
import { readJsonInput } from './json-input';

export interface RunClaimArgs {
  /** Path of the claim input JSON file. */
  input: string;
  /** Date the claim is computed at, YYYY-MM-DD. */
  asOf: string;
  /** Print the result as JSON instead of a readable summary. */
  json: boolean;
  /** Default 'actual/365'. */
  dayCount?: string;
  /** Folder holding rates.yaml, indemnity.yaml and limitation.yaml; default the bundled config/legal/fr. */
  legalDir?: string;
  /** How partial payments are imputed: default 'interest-first' (C. civ. 1343-1), or the configuration's `legal.imputation` with --config. */
  imputation?: string;
  /** Configuration file whose `legal` section (folder and `legal.rates`) is used, as the daemon uses it. */
  config?: string;
  /** Warn when a claim prescribes within this many days; default 90. */
  warnDays?: number;
}

export type RunClaimResult = CommandResult;

export function runClaim(args: RunClaimArgs): RunClaimResult {
  const fail = (message: string): RunClaimResult => ({
    exitCode: 1,
    stdout: '',
    stderr: `recouvra claim: ${message}\n`,
  });

  if (!isIsoDate(args.asOf)) return fail(`--as-of "${args.asOf}" is not a calendar date written YYYY-MM-DD`);
  const dayCount = args.dayCount ?? 'actual/365';
  if (!isDayCount(dayCount)) return fail(`--day-count "${dayCount}" is not one of ${DAY_COUNTS.join(', ')}`);
  if (args.imputation !== undefined && !(IMPUTATIONS as readonly string[]).includes(args.imputation))
    return fail(`--imputation "${args.imputation}" is not one of ${IMPUTATIONS.join(', ')}`);
  if (args.warnDays !== undefined && !(Number.isSafeInteger(args.warnDays) && args.warnDays >= 0)) {
    return fail(`--warn-days must be a whole number of days, 0 or more (got ${String(args.warnDays)})`);
  }

  const read = readJsonInput(args.input);
  if (!read.ok) return fail(read.message);
  const raw = read.value;

  const parsed = parseClaimInput(raw);
  if (!parsed.success) {
    return fail(
      `${args.input} is not a valid claim input (${parsed.problems.length} problem${parsed.problems.length === 1 ? '' : 's'}):\n${parsed.problems.map((p) => `  ${p}`).join('\n')}`,
    );
  }

  let result: ClaimResult;
  try {
    const runtime = args.config !== undefined ? loadRuntime(args.config) : undefined;
    const legal = runtime
      ? runtime.legal
      : args.legalDir === undefined
        ? loadFrenchLegalData()
        : loadFrenchLegalData(args.legalDir);
    // The flag wins; else the configuration's choice, as the daemon's notices and dossiers use it.
    const imputation =
      (args.imputation as Imputation | undefined) ?? runtime?.config.legal.imputation ?? 'interest-first';
    result = computeClaim(parsed.data, args.asOf, legal, {
      dayCount,
      imputation,
      ...(args.warnDays === undefined ? {} : { prescriptionWarnDays: args.warnDays }),
    });
  } catch (err) {
    if (err instanceof LegalDataError || err instanceof MissingRateError || err instanceof ProblemsError)
      return fail(err.message);
    throw err;
  }

  return { exitCode: 0, stdout: args.json ? `${JSON.stringify(result, null, 2)}\n` : summary(result), stderr: '' };
}

function isDayCount(value: string): value is DayCount {
  return (DAY_COUNTS as readonly string[]).includes(value);
}

function summary(result: ClaimResult): string {
  const money = (amount: number) => formatMoney(amount, result.currency);
  const lines: string[] = [];
  lines.push(
    `Créance au ${result.asOf} — ${result.rule} — ${result.dayCount} — paiements imputés ${result.imputation === 'interest-first' ? "d'abord sur les intérêts (C. civ. 1343-1)" : 'sur le principal'}`,
  );
  for (const inv of result.invoices) {
    const label = inv.kind === 'credit_note' ? 'Avoir' : 'Facture';
    lines.push(
      `${label} ${inv.id}: principal ${money(inv.principal)}, intérêts ${money(inv.interest)}, indemnité ${money(inv.indemnity)}`,
    );
    for (const s of inv.segments) {
      lines.push(
        `    ${s.from} → ${s.to}  ${s.days} j  ${s.ratePercent.toFixed(2).replace('.', ',')} %  sur ${money(s.base)}  = ${money(s.interest)}`,
      );
    }
    for (const p of inv.imputed ?? [])
      lines.push(
        `    paiement du ${p.date} de ${money(p.amount)} : ${money(p.toInterest)} sur les intérêts échus, ${money(p.toPrincipal)} sur le principal`,
      );
    if (inv.prescription)
      lines.push(
        `    prescription: fin du ${inv.prescription.prescribesOn}${inv.prescription.prescribed ? ' (PRESCRITE)' : ''}`,
      );
  }
  lines.push(
    `Total: principal ${money(result.principal)} + intérêts ${money(result.interest)} + indemnités ${money(result.indemnity)} = ${money(result.total)}`,
  );
  if (result.warnings.length > 0) {
    lines.push('Avertissements:');
    for (const w of result.warnings) lines.push(`  - ${w}`);
  }
  return `${lines.join('\n')}\n`;
}
