import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { formatPath, ProblemsError } from './config/problems';
import { parseJsonText } from './json-text';
import {
  CaseStageSchema,
  caseIdOf,
  CurrencySchema,
  DebtorSchema,
  IsoDateSchema,
  ManualPauseSchema,
  ReceivableSchema,
  StepRefSchema,
} from './model';
import type { Store } from './store/store';
import { saveReceivables } from './cases/case-lifecycle';

/**
 * A portfolio file: canonical debtors and receivables, plus the dunning state of some cases,
 * as JSON. The bundled sample (config/samples/portfolio.json) shows one case at each point of
 * the ladder; the same format imports a portfolio exported from any tool.
 */
export const PortfolioSchema = z.strictObject({
  description: z.string().optional(),
  /** The date the sample is meant to be evaluated at (overridden by --as-of). */
  asOf: IsoDateSchema.optional(),
  debtors: z.array(DebtorSchema),
  receivables: z.array(ReceivableSchema),
  caseStates: z
    .array(
      z.strictObject({
        debtorId: z.string().min(1),
        companyId: z.string().min(1),
        currency: CurrencySchema,
        /** Default: `reminding` when a step was performed, else the stage the case was created with. */
        stage: CaseStageSchema.optional(),
        lastStep: StepRefSchema.nullable().default(null),
        lastContactOn: IsoDateSchema.nullable().default(null),
        manualPause: ManualPauseSchema.nullable().default(null),
      }),
    )
    .default([]),
});
export type Portfolio = z.infer<typeof PortfolioSchema>;

export function readPortfolio(file: string): Portfolio {
  let raw: unknown;
  try {
    raw = parseJsonText(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ProblemsError(`cannot read portfolio ${file}`, [{ file, path: [], message: (e as Error).message }]);
  }
  const r = PortfolioSchema.safeParse(raw);
  if (!r.success)
    throw new ProblemsError(
      `portfolio ${file} is invalid`,
      r.error.issues.map((i) => ({
        file,
        path: i.path.filter((p): p is string | number => typeof p !== 'symbol'),
        message: i.message,
      })),
    );
  const debtorIds = new Set(r.data.debtors.map((d) => d.id));
  const orphans = r.data.receivables.filter((x) => !debtorIds.has(x.debtorId));
  if (orphans.length) {
    throw new ProblemsError(
      `portfolio ${file} is invalid`,
      orphans.map((o) => ({
        file,
        path: ['receivables', r.data.receivables.indexOf(o), 'debtorId'],
        message: `debtor ${o.debtorId} is not in debtors`,
      })),
    );
  }
  return r.data;
}

/** Writes a portfolio into the store in one transaction. */
export async function importPortfolio(store: Store, portfolio: Portfolio, at: string): Promise<void> {
  await store.transaction(async (tx) => {
    await tx.sync.upsertDebtors(portfolio.debtors);
    await saveReceivables(tx, portfolio.receivables, at);
    for (const s of portfolio.caseStates) {
      const id = caseIdOf(s.debtorId, s.companyId, s.currency);
      const existing = await tx.cases.getCase(id);
      if (!existing)
        throw new Error(
          `caseStates: no receivable creates the case ${s.debtorId} × ${s.companyId} × ${s.currency} (${formatPath(['caseStates'])})`,
        );
      const stage = s.stage ?? (s.lastStep ? 'reminding' : existing.stage);
      await tx.cases.saveCase({
        ...existing,
        lastStep: s.lastStep,
        lastContactOn: s.lastContactOn,
        manualPause: s.manualPause,
        stage,
        updatedAt: at,
      });
    }
  });
}
