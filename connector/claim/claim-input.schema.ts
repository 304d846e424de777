/**
 * The input of `computeClaim` and of `recouvra claim --input FILE`: one creditor, one
 * debtor, one currency, the invoices and credit notes with their payments. Amounts are
 * integer minor units (cents for EUR).
 */
import { z } from 'zod';
import { IdSchema, IsoDateSchema } from '../model/common.schema';
import { CurrencySchema, PositiveMinorUnitsSchema } from '../model/money.schema';
import { ReceivableKindSchema } from '../model/receivable.schema';
import { isIsoDate } from '../time/calendar-date';
import { percentToBasisPoints } from './basis-points';
import { formatIssues, issuePath } from './zod-issues';

/**
 * "company" is a professional acting as such; "individual" a private person (a consumer as
 * a debtor). The regime follows both: L441-10 only applies between professionals, and the
 * legal-rate category follows the creditor (CMF L313-2, reference §2).
 */
export const PartyKindSchema = z.enum(['company', 'individual'], { error: 'kind must be "company" or "individual"' });
export type PartyKind = z.infer<typeof PartyKindSchema>;

const PartySchema = z.strictObject(
  { kind: PartyKindSchema },
  {
    error: (iss) =>
      iss.input === undefined ? 'is required, e.g. {"kind":"company"}' : 'must be an object like {"kind":"company"}',
  },
);

export const ClaimPaymentSchema = z.strictObject(
  {
    /** The day the funds were made available to the creditor. */
    date: IsoDateSchema,
    amount: PositiveMinorUnitsSchema,
  },
  { error: 'a payment must be an object like {"date":"2025-03-01","amount":20000}' },
);
export type ClaimPayment = z.infer<typeof ClaimPaymentSchema>;

export const ClaimInvoiceSchema = z.strictObject(
  {
    id: IdSchema,
    kind: ReceivableKindSchema,
    /** Total including VAT: late-payment interest runs on the TTC amount (reference §1.3). */
    total: PositiveMinorUnitsSchema,
    issueDate: IsoDateSchema,
    dueDate: IsoDateSchema,
    /** Completion of the goods or services, when known: the start of the limitation period (reference §4). */
    completionDate: IsoDateSchema.optional(),
    payments: z.array(ClaimPaymentSchema, { error: 'payments must be a list' }).default([]),
    /**
     * A credit note only: the id of the invoice it credits. Its amount then comes off that
     * invoice's interest base from the day after the credit note's date, as a payment would; a
     * credit note that relates to no invoice is only netted from the total.
     */
    relatesTo: IdSchema.optional(),
  },
  { error: 'an invoice must be an object with id, kind, total, issueDate, dueDate and payments' },
);
export type ClaimInvoice = z.infer<typeof ClaimInvoiceSchema>;

const ContractualRateSchema = z
  .number({ error: 'contractualRatePercent must be a number (e.g. 15 or 12.5) or null' })
  .refine((n) => percentToBasisPoints(n) !== null && n < 100, {
    error: 'contractualRatePercent must be a percentage from 0 to below 100 with at most two decimals, e.g. 12.15',
  });

export const ClaimInputSchema = z
  .strictObject({
    creditor: PartySchema,
    debtor: PartySchema,
    currency: CurrencySchema,
    /** Annual late-payment rate agreed in the terms of sale, in %; null when none. */
    contractualRatePercent: ContractualRateSchema.nullable().default(null),
    /**
     * Day the mise en demeure was received (first presentation of the LRAR: practice, [M] in
     * the reference); legal-rate interest runs from it (C. civ. 1344-1). Ignored between
     * professionals, where L441-10 penalties run without any reminder.
     */
    formalNoticeDate: IsoDateSchema.nullable().default(null),
    /**
     * Date of the judgment opening insolvency proceedings against the debtor (sauvegarde,
     * redressement, liquidation), when there is one: interest stops running at it (C. com.
     * L622-28) and the fixed indemnity is due only on invoices already late then; the claim is
     * declared as it stood on that day (R622-23).
     */
    insolvencyOpenedOn: IsoDateSchema.nullable().default(null),
    invoices: z
      .array(ClaimInvoiceSchema, { error: 'invoices must be a list' })
      .min(1, { error: 'invoices must list at least one invoice or credit note' }),
  })
  .superRefine((input, ctx) => {
    for (const problem of crossFieldProblems(input))
      ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
  });
export type ClaimInput = z.infer<typeof ClaimInputSchema>;
/** What callers may pass before defaults are applied (`payments`, `contractualRatePercent`, `formalNoticeDate` may be omitted). */
export type ClaimInputRaw = z.input<typeof ClaimInputSchema>;

export type ParsedClaimInput = { success: true; data: ClaimInput } | { success: false; problems: string[] };

/**
 * Validates a claim input and lists every problem as `path: message`. Zod skips whole-object
 * refinements once a field is invalid, so the cross-field rules are also run on the raw value
 * here: a duplicate id is reported together with a bad date elsewhere, not on the next try.
 */
export function parseClaimInput(raw: unknown): ParsedClaimInput {
  const result = ClaimInputSchema.safeParse(raw);
  if (result.success) return { success: true, data: result.data };
  const problems = formatIssues(result.error.issues);
  for (const p of crossFieldProblems(raw)) problems.push(`${issuePath(p.path)}: ${p.message}`);
  return { success: false, problems: [...new Set(problems)] };
}

interface Problem {
  path: (string | number)[];
  message: string;
}

/** Rules across fields. Defensive: `raw` may be any JSON; only well-formed parts are checked. */
function crossFieldProblems(raw: unknown): Problem[] {
  const problems: Problem[] = [];
  if (!isRecord(raw) || !Array.isArray(raw.invoices)) return problems;
  const firstIndexOfId = new Map<string, number>();
  const invoiceIds = new Set(
    raw.invoices
      .filter((x: unknown) => isRecord(x) && x['kind'] === 'invoice')
      .map((x: unknown) => (x as Record<string, unknown>)['id']),
  );
  raw.invoices.forEach((invoice: unknown, i: number) => {
    if (isRecord(invoice) && invoice['relatesTo'] !== undefined) {
      if (invoice['kind'] !== 'credit_note')
        problems.push({ path: ['invoices', i, 'relatesTo'], message: 'only a credit note relates to an invoice' });
      else if (!invoiceIds.has(invoice['relatesTo']))
        problems.push({
          path: ['invoices', i, 'relatesTo'],
          message: `no invoice ${JSON.stringify(invoice['relatesTo'])} in this claim`,
        });
    }
    if (!isRecord(invoice)) return;
    const { id, issueDate, dueDate, total, payments } = invoice;
    if (typeof id === 'string') {
      const first = firstIndexOfId.get(id);
      if (first === undefined) firstIndexOfId.set(id, i);
      else
        problems.push({
          path: ['invoices', i, 'id'],
          message: `duplicate invoice id "${id}" (already used by invoices[${first}])`,
        });
    }
    if (
      typeof issueDate === 'string' &&
      typeof dueDate === 'string' &&
      isIsoDate(issueDate) &&
      isIsoDate(dueDate) &&
      dueDate < issueDate
    ) {
      problems.push({
        path: ['invoices', i, 'dueDate'],
        message: `due date ${dueDate} is before the issue date ${issueDate}`,
      });
    }
    if (typeof total === 'number' && Number.isSafeInteger(total) && total > 0 && Array.isArray(payments)) {
      const amounts = payments.map((p: unknown) => (isRecord(p) ? p.amount : undefined));
      if (amounts.every((a): a is number => Number.isSafeInteger(a) && (a as number) > 0)) {
        const paid = amounts.reduce((sum, a) => sum + a, 0);
        if (paid > total) {
          problems.push({
            path: ['invoices', i, 'payments'],
            message: `payments add up to ${paid}, more than the total ${total} (minor units)`,
          });
        }
      }
    }
  });
  return problems;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
