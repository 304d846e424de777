import { z } from 'zod';
import { IdSchema, IsoDateSchema, SourceRefSchema } from './common.schema';
import { CurrencySchema, PositiveMinorUnitsSchema } from './money.schema';

export const PaymentSchema = z
  .strictObject({
    id: IdSchema,
    source: SourceRefSchema,
    debtorId: IdSchema,
    companyId: IdSchema,
    /** The day the funds were made available to the creditor. */
    date: IsoDateSchema,
    currency: CurrencySchema,
    amount: PositiveMinorUnitsSchema,
    allocations: z.array(z.strictObject({ receivableId: IdSchema, amount: PositiveMinorUnitsSchema })).default([]),
  })
  .refine((p) => p.allocations.reduce((s, a) => s + a.amount, 0) <= p.amount, {
    error: 'allocations add up to more than the payment amount',
    path: ['allocations'],
  });
export type Payment = z.infer<typeof PaymentSchema>;
