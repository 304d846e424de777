/**
 * Shape of the French legal data files in config/legal/fr/ (rates.yaml, indemnity.yaml,
 * limitation.yaml). Strict: an unknown key is a typo until proven otherwise, and every
 * problem is reported with its path so the file can be fixed in one pass.
 */
import { z } from 'zod';
import { percentToBasisPoints } from '../../connector/claim/basis-points';
import { IsoDateSchema } from '../../connector/model/common.schema';
import { CurrencySchema, PositiveMinorUnitsSchema } from '../../connector/model/money.schema';

/** A percentage with at most two decimals, e.g. "12.15" (quote it so YAML keeps it a string). */
export const PercentSchema = z
  .union([z.string(), z.number()], { error: 'rate must be a percentage with at most two decimals, e.g. "2.15"' })
  .refine(
    (v) => {
      const bps = percentToBasisPoints(v);
      return bps !== null && bps < 100_00;
    },
    {
      error: (iss) =>
        `rate must be a percentage below 100 with at most two decimals, e.g. "2.15" (got ${JSON.stringify(iss.input)})`,
    },
  );

export const SemesterKeySchema = z
  .string({ error: 'semester must be a string like "2025-H1"' })
  .regex(/^\d{4}-H[12]$/, {
    error: 'semester must be written YYYY-H1 (1 Jan–30 Jun) or YYYY-H2 (1 Jul–31 Dec), e.g. "2025-H2"',
  });

const SourcesSchema = z
  .array(z.string().trim().min(1, { error: 'a source must not be empty' }), {
    error: 'sources must be a list of strings',
  })
  .min(1, { error: 'give at least one source for every legal figure' });

export const SemesterRateEntrySchema = z.strictObject({
  semester: SemesterKeySchema,
  /** ECB main refinancing operations rate in force on 1 January (H1) or 1 July (H2), in %. */
  ecbMroPercent: PercentSchema,
  /** Taux de l'intérêt légal, "tous les autres cas" (professional or legal-person creditor), in %. */
  legalRateOtherPercent: PercentSchema,
  /** Taux de l'intérêt légal when the creditor is a private individual, in %. */
  legalRateIndividualCreditorPercent: PercentSchema,
  sources: SourcesSchema,
});
export type SemesterRateEntry = z.infer<typeof SemesterRateEntrySchema>;

export const RatesFileSchema = z
  .strictObject({
    rates: z
      .array(SemesterRateEntrySchema, { error: 'rates must be a list of semester entries' })
      .min(1, { error: 'rates must list at least one semester' }),
  })
  .superRefine((file, ctx) => {
    for (const p of ratesFileCrossProblems(file)) ctx.addIssue({ code: 'custom', path: p.path, message: p.message });
  });

/**
 * Rules across entries (one entry per semester). Defensive on any value: zod skips the
 * refinement above once an entry is invalid, and the loader runs this on the raw file then,
 * so a duplicate is reported together with a bad rate.
 */
export function ratesFileCrossProblems(raw: unknown): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  const rates = typeof raw === 'object' && raw !== null ? (raw as { rates?: unknown }).rates : undefined;
  if (!Array.isArray(rates)) return problems;
  const seen = new Map<string, number>();
  rates.forEach((entry: unknown, index) => {
    const semester =
      typeof entry === 'object' && entry !== null ? (entry as { semester?: unknown }).semester : undefined;
    if (typeof semester !== 'string') return;
    const first = seen.get(semester);
    if (first !== undefined)
      problems.push({
        path: ['rates', index, 'semester'],
        message: `semester ${semester} is already defined at rates[${first}]`,
      });
    else seen.set(semester, index);
  });
  return problems;
}
export type RatesFile = z.infer<typeof RatesFileSchema>;

export const IndemnityFileSchema = z.strictObject({
  /** In minor units of `currency` (4000 = 40.00 EUR). */
  amount: PositiveMinorUnitsSchema,
  currency: CurrencySchema,
  /** First day the amount applies (décret 2012-1115: 1 January 2013). */
  since: IsoDateSchema,
  article: z.string().trim().min(1, { error: 'article must name the legal text, e.g. "C. com. D441-5"' }),
  sources: SourcesSchema,
});
export type IndemnityFile = z.infer<typeof IndemnityFileSchema>;

export const LimitationPeriodSchema = z.strictObject({
  years: z
    .number({ error: 'years must be a number' })
    .int({ error: 'years must be a whole number' })
    .min(1, { error: 'years must be at least 1' })
    .max(30, { error: 'years above 30 is not a French limitation period' }),
  article: z.string().trim().min(1, { error: 'article must name the legal text, e.g. "C. com. L110-4"' }),
  startRule: z.string().trim().min(1, { error: 'startRule must say when the period starts' }),
  sources: SourcesSchema,
});
export type LimitationPeriodEntry = z.infer<typeof LimitationPeriodSchema>;

export const LimitationFileSchema = z.strictObject({
  /** Creditor and debtor both professionals (C. com. L110-4). */
  betweenProfessionals: LimitationPeriodSchema,
  /** Professional creditor, consumer debtor, goods or services (C. conso L218-2). */
  professionalToConsumer: LimitationPeriodSchema,
  /** Private-individual creditor: the civil default rule (C. civ. 2224). */
  civil: LimitationPeriodSchema,
});
export type LimitationFile = z.infer<typeof LimitationFileSchema>;
