import { z } from 'zod';
import { IdSchema, IsoDateSchema, LanguageSchema, SourceRefSchema } from './common.schema';
import { isValidFrenchVat, isValidSiren, isValidSiret } from './identifiers';

export const DebtorKindSchema = z.enum(['company', 'individual'], {
  error: 'debtor kind must be "company" or "individual"',
});
export type DebtorKind = z.infer<typeof DebtorKindSchema>;

export const AddressSchema = z.strictObject({
  kind: z.enum(['billing', 'registered_office', 'delivery', 'other']).default('billing'),
  lines: z.array(z.string().min(1)).min(1, { error: 'an address needs at least one line' }),
  postalCode: z.string().min(1),
  city: z.string().min(1),
  country: z.string().regex(/^[A-Z]{2}$/, { error: 'country must be an ISO 3166-1 alpha-2 code, e.g. "FR"' }),
});
export type Address = z.infer<typeof AddressSchema>;

export const RegistrationSchema = z.strictObject({
  siren: z.string().refine(isValidSiren, { error: 'SIREN must be 9 digits passing the Luhn checksum' }).optional(),
  siret: z.string().refine(isValidSiret, { error: 'SIRET must be 14 digits passing the Luhn checksum' }).optional(),
  vat: z
    .string()
    .refine((v) => !v.startsWith('FR') || isValidFrenchVat(v), {
      error: 'French VAT number must be FR + 2-digit key + SIREN with a matching key',
    })
    .optional(),
});

export const InsolvencySchema = z.strictObject({
  kind: z.enum(['sauvegarde', 'redressement', 'liquidation', 'surendettement', 'other']),
  openedOn: IsoDateSchema,
  /** BODACC publication date: the claim must be declared within 2 months of it (R622-24). */
  publishedOn: IsoDateSchema.optional(),
  reference: z.string().optional(),
});

export const DebtorSchema = z
  .strictObject({
    id: IdSchema,
    source: SourceRefSchema,
    name: z.string().trim().min(1, { error: 'debtor name must not be empty' }),
    kind: DebtorKindSchema,
    registration: RegistrationSchema.default({}),
    addresses: z.array(AddressSchema).default([]),
    emails: z.array(z.email({ error: 'not a valid e-mail address' })).default([]),
    phones: z.array(z.string().regex(/^\+?[0-9 ().-]{6,20}$/, { error: 'not a phone number' })).default([]),
    language: LanguageSchema.default('fr'),
    flags: z
      .strictObject({
        doNotContact: z.boolean().default(false),
        insolvency: InsolvencySchema.nullable().default(null),
      })
      .default({ doNotContact: false, insolvency: null }),
  })
  .refine(
    (d) => !d.registration.siret || !d.registration.siren || d.registration.siret.startsWith(d.registration.siren),
    {
      error: 'SIRET must start with the SIREN of the same debtor',
      path: ['registration', 'siret'],
    },
  );
export type Debtor = z.infer<typeof DebtorSchema>;
