import { InvalidArgumentError } from 'commander';
import type { CallOutcome } from '../../../cases';
import type { DayCount, Imputation } from '../../../claim/compute-claim';
import type { CaseStage } from '../../../model/case.schema';

/**
 * The choices, limits and defaults the command line states in its help and checks while it
 * parses. Several are defined where they are used — in a zod schema, in the simulators — and
 * loading those modules would undo the light start of the program: those are copied here, with
 * `satisfies` so that a copy cannot hold a value the code refuses, and test/cli/command-definitions.test.ts
 * checks that each copy is complete.
 */

/** CaseStageSchema.options (connector/model/case.schema.ts). */
export const CASE_STAGES = [
  'open',
  'reminding',
  'formal_notice',
  'awaiting_approval',
  'escalated',
  'in_procedure',
  'closed',
] as const satisfies readonly CaseStage[];

/** JOURNAL_PAGE_MAX (connector/cases/case-view.ts): the most entries one page of a journal holds. */
export const JOURNAL_PAGE_MAX = 1_000;

/** DAY_COUNTS and IMPUTATIONS (connector/claim/compute-claim.ts). */
export const DAY_COUNTS = ['actual/365', 'actual/actual'] as const satisfies readonly DayCount[];
export const IMPUTATIONS = ['interest-first', 'principal-first'] as const satisfies readonly Imputation[];

/** ODOO_VERSIONS (adapters/odoo/simulator/model/types.ts): the versions `recouvra simulate odoo` emulates. */
export const SIMULATED_ODOO_VERSIONS = ['16.0', '17.0', '18.0', '19.0'] as const;

/** MIN_WEBHOOK_SECRET_LENGTH (adapters/lawfirm/config.schema.ts). */
export const MIN_WEBHOOK_SECRET_LENGTH = 16;

/** As the API's GET /approvals: a page of approvals. */
export const APPROVALS_PAGE = { default: 50, max: 500 } as const;

/** As the API's GET /jobs/failed: how many failed jobs `recouvra jobs failed` lists. */
export const FAILED_JOBS_PAGE = { default: 100, max: 500 } as const;

/** What came of a phone call (`recouvra call-result --outcome`). */
export const CALL_OUTCOMES = [
  'reached',
  'no_answer',
  'promise',
  'dispute',
  'wrong_number',
] as const satisfies readonly CallOutcome[];

/** The demo's defaults (`recouvra demo`), also used when a test starts the demo without them. */
export const DEMO_DEFAULTS = {
  /** Simulated seconds per real second: a real second is six demo hours. */
  clockSpeed: 21_600,
  /** Invoices in the simulated Odoo. */
  invoices: 400,
  seed: 1,
  dataDir: './data/demo',
} as const;

/** An option's parser for a whole number within [min, max]; commander reports anything else with the option named. */
export function wholeNumber(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    return n;
  };
}
