import { z } from 'zod';

/**
 * The requests of openapi.yaml as the simulated firm reads them: what the contract requires is
 * required, what it leaves open (more dossier fields) is let through. A request that fails
 * here is `400 invalid_request`; business rules (amounts, SIREN, addresses) are checked after,
 * in dossier-checks.ts, and are `422`.
 */

const Int = z.number().int().refine(Number.isSafeInteger, { error: 'too large to be exact' });
const DateText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'a date is written YYYY-MM-DD' });
const Currency = z.string().regex(/^[A-Z]{3}$/, { error: 'an ISO 4217 code in capitals' });
const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, { error: 'a SHA-256 is 64 lowercase hex digits' });
const Text = z.string().min(1);

const AddressRequest = z.looseObject({
  kind: z.string().optional(),
  lines: z.array(z.string().min(1)),
  postalCode: z.string(),
  city: z.string(),
  country: z.string().regex(/^[A-Z]{2}$/, { error: 'an ISO 3166-1 alpha-2 code' }),
});

const ClaimLineRequest = z.looseObject({
  kind: z.string().optional(),
  number: Text,
  issueDate: DateText,
  dueDate: DateText,
  principal: Int,
  interest: Int,
  indemnity: Int,
});

export const DossierRequestSchema = z.looseObject({
  id: Text.max(200),
  caseId: Text.max(200),
  createdAt: z.iso.datetime({ offset: true }).optional(),
  debtor: z.looseObject({
    name: Text,
    kind: z.enum(['company', 'individual']),
    siren: z.string().optional(),
    addresses: z.array(AddressRequest),
    emails: z.array(z.string()).optional(),
    phones: z.array(z.string()).optional(),
  }),
  claim: z.looseObject({
    asOf: DateText,
    currency: Currency,
    principal: Int,
    interest: Int,
    indemnity: Int,
    total: Int,
    lines: z.array(ClaimLineRequest).min(1),
  }),
  documents: z
    .array(
      z.looseObject({
        kind: z.string().optional(),
        name: Text.max(255),
        mediaType: z.string().optional(),
        sha256: Sha256.nullable().optional(),
      }),
    )
    .optional(),
  evidence: z.unknown().optional(),
  recommendedProcedure: Text,
  court: z.looseObject({ kind: Text, name: z.string().optional() }),
  reasons: z.array(Text).min(1),
});
export type DossierRequest = z.infer<typeof DossierRequestSchema>;

export const DocumentUploadSchema = z.strictObject({
  name: Text.max(255),
  kind: z.enum(['invoice', 'formal_notice', 'proof_of_delivery', 'contract', 'correspondence', 'other']),
  mediaType: z.string().min(3),
  sha256: Sha256,
  contentBase64: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, { error: 'standard base64 without line breaks' }),
});
export type DocumentUpload = z.infer<typeof DocumentUploadSchema>;

export const SubmitRequestSchema = z.strictObject({
  dossier: DossierRequestSchema,
  documents: z.array(DocumentUploadSchema).max(50),
});

export const AddDocumentsRequestSchema = z.strictObject({
  documents: z.array(DocumentUploadSchema).min(1).max(50),
});

export const PaymentRequestSchema = z.strictObject({
  id: Text.max(200),
  amount: Int.refine((n) => n > 0, { error: 'must be more than zero' }),
  currency: Currency,
  receivedOn: DateText,
  settlesInFull: z.boolean(),
});
export type PaymentRequest = z.infer<typeof PaymentRequestSchema>;

export const WithdrawalRequestSchema = z.strictObject({
  reason: Text.max(1_000),
});

/** `dossier.debtor.addresses[0].lines` from a zod path. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)),
    '',
  );
}
