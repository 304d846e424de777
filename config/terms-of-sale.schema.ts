/**
 * What the creditor's terms of sale (conditions générales de vente) stipulate for a debtor who
 * does not pay, beyond the late-payment rate: the configuration's `legal.termsOfSale`. The
 * dossier turns it into additional claims (connector/dossier/additional-claims.ts).
 */
import { z } from 'zod';
import { percentToBasisPoints } from '../connector/claim/basis-points';
import { PositiveMinorUnitsSchema } from '../connector/model/money.schema';

const PenaltyPercentSchema = z
  .union([z.number(), z.string()], {
    error: 'penaltyClause.percent must be a percentage of the principal, e.g. 10 or "12.5"',
  })
  .refine(
    (v) => {
      const bps = percentToBasisPoints(v);
      return bps !== null && bps > 0 && bps <= 100_00;
    },
    {
      error: (iss) =>
        `penaltyClause.percent must be a percentage above 0 and at most 100, with at most two decimals, e.g. 10 or "12.5" (got ${JSON.stringify(iss.input)})`,
    },
  );

export const PenaltyClauseSchema = z.strictObject({
  /** The clause's rate, in % of the principal claimed (e.g. 10). */
  percent: PenaltyPercentSchema,
  /** The clause's floor, in EUR minor units (15000 = 150.00 EUR); applied to EUR claims only. */
  minimum: PositiveMinorUnitsSchema.optional(),
  /** Where the clause is in the terms of sale, as the firm will cite it: "CGV art. 9". */
  reference: z
    .string({ error: 'penaltyClause.reference must name the clause, e.g. "CGV art. 9"' })
    .trim()
    .min(1, { error: 'penaltyClause.reference must name the clause, e.g. "CGV art. 9"' })
    .max(200),
});

export const TermsOfSaleSchema = z.strictObject({
  /** A clause pénale (C. civ. 1231-5): a fixed share of the principal owed on late payment. Absent: none. */
  penaltyClause: PenaltyClauseSchema.optional(),
  /**
   * What the dossier asks the court under CPC 700 (the costs a party incurs that the dépens do
   * not cover): `amount` in EUR minor units; absent: the firm assesses it.
   */
  article700: z.strictObject({ amount: PositiveMinorUnitsSchema.optional() }).optional(),
});
export type TermsOfSale = z.infer<typeof TermsOfSaleSchema>;
