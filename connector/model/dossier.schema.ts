import { z } from 'zod';
import { IdSchema, IsoDateSchema, IsoDateTimeSchema } from './common.schema';
import { AddressSchema, DebtorKindSchema } from './debtor.schema';
import { CurrencySchema, MinorUnitsSchema, NonNegativeMinorUnitsSchema } from './money.schema';

export const ProcedureKindSchema = z.enum([
  'injonction_de_payer',
  'refere_provision',
  'assignation_au_fond',
  'saisie_conservatoire',
  'execution_forcee',
  'petites_creances',
  'declaration_de_creance',
]);
export type ProcedureKind = z.infer<typeof ProcedureKindSchema>;

export const CourtKindSchema = z.enum([
  'tribunal_de_commerce',
  'tribunal_des_activites_economiques',
  'tribunal_judiciaire',
  'juge_des_contentieux_de_la_protection',
  'commissaire_de_justice',
  'mandataire_judiciaire',
]);

export const ClaimLineSchema = z.strictObject({
  receivableId: IdSchema,
  number: z.string().min(1),
  issueDate: IsoDateSchema,
  dueDate: IsoDateSchema,
  principal: MinorUnitsSchema,
  interest: NonNegativeMinorUnitsSchema,
  indemnity: NonNegativeMinorUnitsSchema,
});

/**
 * What is handed to the law firm. Data minimisation (GDPR art. 5-1-c): the debtor's identity,
 * addresses and contacts needed to serve acts, the claim, and the evidence; nothing else.
 */
export const DossierSchema = z
  .strictObject({
    id: IdSchema,
    caseId: IdSchema,
    createdAt: IsoDateTimeSchema,
    debtor: z.strictObject({
      name: z.string().min(1),
      kind: DebtorKindSchema,
      siren: z.string().optional(),
      addresses: z.array(AddressSchema).min(1, { error: 'a dossier needs at least one address to serve the debtor' }),
      emails: z.array(z.string()).default([]),
      phones: z.array(z.string()).default([]),
    }),
    claim: z.strictObject({
      asOf: IsoDateSchema,
      currency: CurrencySchema,
      principal: MinorUnitsSchema,
      interest: NonNegativeMinorUnitsSchema,
      indemnity: NonNegativeMinorUnitsSchema,
      total: MinorUnitsSchema,
      lines: z.array(ClaimLineSchema).min(1, { error: 'a dossier claims at least one invoice' }),
    }),
    documents: z.array(z.strictObject({ kind: z.enum(['invoice', 'formal_notice', 'proof_of_delivery', 'contract', 'correspondence', 'other']), name: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/) })).default([]),
    /** Journal entries (by seq) that prove the reminders and the formal notice. */
    evidence: z.array(z.strictObject({ journalSeq: z.number().int().positive(), summary: z.string().min(1) })).default([]),
    recommendedProcedure: ProcedureKindSchema,
    court: z.strictObject({ kind: CourtKindSchema, name: z.string().optional() }),
    reasons: z.array(z.string().min(1)).min(1, { error: 'a recommendation must say why' }),
  })
  .refine((d) => d.claim.total === d.claim.principal + d.claim.interest + d.claim.indemnity, {
    error: 'claim total must equal principal + interest + indemnity',
    path: ['claim', 'total'],
  });
export type Dossier = z.infer<typeof DossierSchema>;
