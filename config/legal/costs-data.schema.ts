/**
 * Shape of config/legal/fr/costs.yaml: the court's filing fee of a procedure before a court, as
 * far as the sources agree. Strict, like legal-data.schema.ts. A verified entry has a figure; an
 * unverified one has none — only the range the sources give — so a figure nobody checked can
 * never reach a dossier as if it were the tariff.
 */
import { z } from 'zod';
import { CourtKindSchema, ProcedureKindSchema } from '../../connector/model/dossier.schema';
import { CurrencySchema, NonNegativeMinorUnitsSchema } from '../../connector/model/money.schema';

const SourcesSchema = z
  .array(z.string().trim().min(1, { error: 'a source must not be empty' }), {
    error: 'sources must be a list of strings',
  })
  .min(1, { error: 'give at least one source for every legal figure' });

/** Minor units of the currency: `{ amount: 3500, currency: EUR }` is 35.00 EUR. */
const AmountSchema = z.strictObject({ amount: NonNegativeMinorUnitsSchema, currency: CurrencySchema });

export const CourtFeeEntrySchema = z
  .strictObject({
    procedure: ProcedureKindSchema,
    court: CourtKindSchema,
    /** What the fee pays for, e.g. "greffe fee of the request for an injonction de payer". */
    what: z.string().trim().min(1, { error: 'what must say what the fee pays for' }),
    /** The fee; null when the sources disagree (then `verified: false` and a `range`). */
    amount: AmountSchema.nullable(),
    /** What the sources give when they disagree, in minor units. */
    range: z
      .strictObject({ from: NonNegativeMinorUnitsSchema, to: NonNegativeMinorUnitsSchema, currency: CurrencySchema })
      .optional(),
    /** True only when the reference tags the figure [V]. */
    verified: z.boolean({ error: 'verified must be true ([V] in the reference) or false ([UNVERIFIED])' }),
    /** Shown to the firm with the figure (why it is unverified, what to apply). */
    note: z.string().trim().min(1).optional(),
    sources: SourcesSchema,
  })
  .superRefine((e, ctx) => {
    if (e.verified && e.amount === null)
      ctx.addIssue({ code: 'custom', path: ['amount'], message: 'a verified fee needs its amount' });
    if (!e.verified && e.amount !== null)
      ctx.addIssue({
        code: 'custom',
        path: ['amount'],
        message:
          'an unverified fee must not carry an amount (it would reach dossiers as the tariff): give its range and set amount: null, or verify it',
      });
    if (!e.verified && e.range === undefined)
      ctx.addIssue({ code: 'custom', path: ['range'], message: 'an unverified fee needs the range its sources give' });
    if (!e.verified && !e.note?.includes('[UNVERIFIED]'))
      ctx.addIssue({
        code: 'custom',
        path: ['note'],
        message: 'an unverified fee needs a note starting "[UNVERIFIED]" saying why and what to apply',
      });
    if (e.range && e.range.from > e.range.to)
      ctx.addIssue({ code: 'custom', path: ['range', 'to'], message: 'range.to must not be below range.from' });
  });
export type CourtFeeEntry = z.infer<typeof CourtFeeEntrySchema>;

export const CostsFileSchema = z
  .strictObject({
    courtFees: z.array(CourtFeeEntrySchema, { error: 'courtFees must be a list of entries' }),
  })
  .superRefine((file, ctx) => {
    const seen = new Map<string, number>();
    file.courtFees.forEach((e, i) => {
      const key = `${e.procedure} before the ${e.court}`;
      const first = seen.get(key);
      if (first !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['courtFees', i],
          message: `${key} is already given at courtFees[${first}]`,
        });
      else seen.set(key, i);
    });
  });
export type CostsFile = z.infer<typeof CostsFileSchema>;
