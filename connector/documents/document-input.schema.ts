import { z } from 'zod';
import type { ClaimResult } from '../claim/compute-claim';
import { formatIssues } from '../claim/zod-issues';
import { IdSchema, IsoDateSchema, LanguageSchema } from '../model/common.schema';
import { AddressSchema, DebtorKindSchema } from '../model/debtor.schema';
import { isValidSiren } from '../model/identifiers';
import { CurrencySchema, NonNegativeMinorUnitsSchema, PositiveMinorUnitsSchema } from '../model/money.schema';

/**
 * What a reminder or a formal notice is built from. Amounts are integer minor units of
 * `currency`; dates are calendar dates `YYYY-MM-DD`. The worker that sends a message reads
 * these from the store: the outbox row itself only carries ids.
 */

export const TEMPLATE_NAMES = ['reminder-pre-due', 'reminder-1', 'reminder-2', 'formal-notice'] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];
export type ReminderTemplateName = Exclude<TemplateName, 'formal-notice'>;

export function isTemplateName(name: string): name is TemplateName {
  return (TEMPLATE_NAMES as readonly string[]).includes(name);
}

const SirenSchema = z.string().refine(isValidSiren, { error: 'SIREN must be 9 digits passing the Luhn checksum' });

export const CreditorSchema = z.strictObject({
  /** Company name as registered (raison sociale). */
  name: z.string().trim().min(1, { error: 'creditor name must not be empty' }),
  address: AddressSchema,
  siren: SirenSchema.optional(),
  contact: z.strictObject({
    /** Where the debtor writes back (questions, disputes, GDPR requests). */
    email: z.email({ error: 'creditor contact e-mail is not a valid address' }),
    phone: z.string().min(1).optional(),
  }),
});
export type Creditor = z.infer<typeof CreditorSchema>;

export const DocumentDebtorSchema = z.strictObject({
  name: z.string().trim().min(1, { error: 'debtor name must not be empty' }),
  /** company: a professional (L441-10 applies); individual: a consumer. */
  kind: DebtorKindSchema,
  /** Required by the formal notice letter; optional for e-mail reminders. */
  address: AddressSchema.optional(),
  siren: SirenSchema.optional(),
  emails: z.array(z.email({ error: 'not a valid e-mail address' })).default([]),
});
export type DocumentDebtor = z.infer<typeof DocumentDebtorSchema>;

export const DocumentPaymentSchema = z.strictObject({
  date: IsoDateSchema,
  amount: PositiveMinorUnitsSchema,
});

/** An open invoice of the case, overdue or not yet due. */
export const DocumentItemSchema = z
  .strictObject({
    /** The receivable's id: it links the item to its line in the claim. */
    id: IdSchema,
    number: z.string().min(1, { error: 'invoice number must not be empty' }),
    issueDate: IsoDateSchema,
    dueDate: IsoDateSchema,
    /** Invoice total including VAT. */
    total: PositiveMinorUnitsSchema,
    /** Still unpaid. */
    open: NonNegativeMinorUnitsSchema,
    /**
     * Partial payments received, when known: late-payment interest then runs on the full total
     * until each payment. Without them the interest runs on the open amount only, which never
     * claims more than is due.
     */
    payments: z.array(DocumentPaymentSchema).optional(),
  })
  .refine((i) => i.open <= i.total, { error: 'open amount cannot exceed the total', path: ['open'] })
  .refine((i) => i.dueDate >= i.issueDate, { error: 'due date is before the issue date', path: ['dueDate'] })
  .refine((i) => i.payments === undefined || i.total - i.payments.reduce((s, p) => s + p.amount, 0) === i.open, {
    error: 'total minus the listed payments must equal the open amount',
    path: ['payments'],
  });
export type DocumentItem = z.infer<typeof DocumentItemSchema>;

export const DocumentCreditNoteSchema = z.strictObject({
  id: IdSchema,
  number: z.string().min(1, { error: 'credit note number must not be empty' }),
  issueDate: IsoDateSchema,
  /** Credit still available to the debtor. */
  open: NonNegativeMinorUnitsSchema,
});
export type DocumentCreditNote = z.infer<typeof DocumentCreditNoteSchema>;

export const PaymentInstructionsSchema = z.strictObject({
  iban: z.string().min(1).optional(),
  bic: z.string().min(1).optional(),
  /** What the debtor writes in the transfer's label. */
  reference: z.string().min(1).optional(),
  /** A payment page. */
  url: z.url().optional(),
});

export const DocumentInputSchema = z.strictObject({
  /** Language of the debtor; texts fall back to French when it has no wording yet. */
  language: LanguageSchema.default('fr'),
  /** The date the document is issued: days late and the claim are counted to it. */
  date: IsoDateSchema,
  currency: CurrencySchema,
  /** The case's reference, printed in subjects and in the notice's file name. */
  caseRef: z.string().trim().min(1, { error: 'caseRef must not be empty' }),
  creditor: CreditorSchema,
  debtor: DocumentDebtorSchema,
  items: z.array(DocumentItemSchema).min(1, { error: 'a document needs at least one open invoice' }),
  creditNotes: z.array(DocumentCreditNoteSchema).default([]),
  payment: PaymentInstructionsSchema.optional(),
  /**
   * The fixed recovery indemnity of C. com. D441-5 as configured (`LegalData.indemnity`), for
   * the second reminder to a company to state it; never a constant in the code.
   */
  fixedIndemnity: z.strictObject({ amount: PositiveMinorUnitsSchema, currency: CurrencySchema }).optional(),
});
export type DocumentInput = z.infer<typeof DocumentInputSchema>;
export type DocumentInputRaw = z.input<typeof DocumentInputSchema>;

export const DeliveryMethodSchema = z.enum(['registered_letter', 'email']);

export const FormalNoticeDetailsSchema = z.strictObject({
  /** From `computeClaim` (see `noticeClaim`): the figures the notice demands. */
  claim: z.custom<ClaimResult>(
    (v) => typeof v === 'object' && v !== null && Array.isArray((v as ClaimResult).invoices),
    {
      error: 'claim must be the result of computeClaim',
    },
  ),
  /** Days the debtor has to pay from receipt: the policy step's deadlineDays. */
  deadlineDays: z.number().int().min(1).max(90),
  /** Where the letter is signed; default: the creditor's city. */
  place: z.string().min(1).optional(),
  signatory: z.strictObject({ name: z.string().min(1), title: z.string().min(1).optional() }).optional(),
  /** How the notice is delivered; the letter says so. Default: registered letter and e-mail. */
  sentBy: z.array(DeliveryMethodSchema).min(1).default(['registered_letter', 'email']),
});
export type FormalNoticeDetails = z.infer<typeof FormalNoticeDetailsSchema>;

export const FormalNoticeInputSchema = DocumentInputSchema.extend({ notice: FormalNoticeDetailsSchema });
export type FormalNoticeInput = z.infer<typeof FormalNoticeInputSchema>;
export type FormalNoticeInputRaw = z.input<typeof FormalNoticeInputSchema>;

/** The input of a document is incomplete or inconsistent; `problems` lists each as `path: message`. */
export class DocumentInputError extends Error {
  readonly code = 'DOCUMENT_INPUT_INVALID';
  constructor(
    readonly what: string,
    readonly problems: readonly string[],
  ) {
    super(`cannot build ${what}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'DocumentInputError';
  }
}

export function parseDocumentInput(raw: unknown, what = 'the document'): DocumentInput {
  const result = DocumentInputSchema.safeParse(raw);
  if (!result.success) throw new DocumentInputError(what, formatIssues(result.error.issues));
  return result.data;
}

export function parseFormalNoticeInput(raw: unknown, what = 'the formal notice'): FormalNoticeInput {
  const result = FormalNoticeInputSchema.safeParse(raw);
  if (!result.success) throw new DocumentInputError(what, formatIssues(result.error.issues));
  return result.data;
}
