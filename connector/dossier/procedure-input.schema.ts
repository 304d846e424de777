import { z } from 'zod';
import { InseeCommuneCodeSchema } from '../../config/legal/courts-data.schema';
import { formatIssues } from '../claim/zod-issues';
import { IsoDateSchema } from '../model/common.schema';
import { AddressSchema, InsolvencySchema } from '../model/debtor.schema';
import { LegalCategorySchema } from '../model/dossier.schema';
import { CurrencySchema, NonNegativeMinorUnitsSchema } from '../model/money.schema';
import { resolveLegalForm } from './legal-form';
import type { ProcedureFacts } from './recommend-procedure';

/**
 * The input of `recouvra procedure --input FACTS.json`: the facts the procedure advice rests on,
 * as a person can state them without a store. Amounts are integer minor units. The advice is the
 * same function the dossier uses (recommend-procedure.ts).
 */

/** A legal form as declared (category and label), as the INSEE code (`nature_juridique`), or guessed from the name. */
const LegalFormInputSchema = z.union([
  z.strictObject({ category: LegalCategorySchema, label: z.string().min(1) }),
  z.strictObject({
    inseeCode: z
      .string()
      .regex(/^\d{4}$/, { error: 'inseeCode is the 4-digit INSEE legal category, e.g. "5710" for a SAS' }),
    /** An entrepreneur individuel (1000): its activity decides the court. */
    activity: z.enum(['commercial', 'artisanal', 'liberal']).optional(),
  }),
]);

const PartyInputSchema = z.strictObject({
  /** "company": a professional acting as such; "individual": a private person. */
  kind: z.enum(['company', 'individual']),
  /** Used to guess the legal form when `legalForm` is absent ("Garage Durand SARL"). */
  name: z.string().min(1).default('(unnamed)'),
  legalForm: LegalFormInputSchema.optional(),
});

export const ProcedureInputSchema = z.strictObject({
  currency: CurrencySchema,
  /** The claim as of the advice's date. */
  claim: z.strictObject({
    principal: NonNegativeMinorUnitsSchema,
    interest: NonNegativeMinorUnitsSchema.default(0),
    indemnity: NonNegativeMinorUnitsSchema.default(0),
  }),
  debtor: PartyInputSchema.extend({
    /**
     * Registered office (a company) or domicile (a person): decides the court's territory.
     * `communeCode`: the INSEE code of its commune ("92026", "2A004"), which wins over the postal
     * code — needed where a postal code covers communes under different courts.
     */
    seat: AddressSchema.extend({ communeCode: InseeCommuneCodeSchema.optional() }).nullable().default(null),
    insolvency: InsolvencySchema.nullable().default(null),
  }),
  creditor: PartyInputSchema.extend({ outsideMetropolitanFrance: z.boolean().default(false) }),
  /** Why the debtor disputes each disputed invoice; empty when the claim is undisputed. */
  disputed: z.array(z.string().min(1)).default([]),
  circumstances: z
    .strictObject({ recoveryThreatened: z.string().min(1).optional(), speedMatters: z.string().min(1).optional() })
    .default({}),
  /** The earliest last day to bring the claim, when known, and the article it comes from. */
  prescribesOn: z
    .strictObject({ on: IsoDateSchema, article: z.string().min(1) })
    .nullable()
    .default(null),
});
export type ProcedureInput = z.infer<typeof ProcedureInputSchema>;

export function parseProcedureInput(
  raw: unknown,
): { success: true; data: ProcedureInput } | { success: false; problems: string[] } {
  const parsed = ProcedureInputSchema.safeParse(raw);
  return parsed.success
    ? { success: true, data: parsed.data }
    : { success: false, problems: formatIssues(parsed.error.issues) };
}

/** The facts recommendProcedure takes, from the input and the date of the advice. */
export function procedureFacts(input: ProcedureInput, asOf: string): ProcedureFacts {
  const { principal, interest, indemnity } = input.claim;
  const circumstances = Object.fromEntries(
    Object.entries<string | undefined>(input.circumstances).filter(([, v]) => v !== undefined),
  );
  return {
    asOf,
    currency: input.currency,
    claim: { principal, interest, indemnity, total: principal + interest + indemnity },
    debtor: {
      kind: input.debtor.kind,
      legalForm: resolveLegalForm(input.debtor, input.debtor.legalForm),
      seat: input.debtor.seat,
      insolvency: input.debtor.insolvency,
    },
    creditor: {
      legalForm: resolveLegalForm(input.creditor, input.creditor.legalForm),
      outsideMetropolitanFrance: input.creditor.outsideMetropolitanFrance,
    },
    disputed: input.disputed,
    ...(Object.keys(circumstances).length ? { circumstances } : {}),
    prescribesOn: input.prescribesOn,
  };
}
