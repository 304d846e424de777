import { z } from 'zod';
import { DebtorSchema, type Address, type Debtor } from '../../connector/model/debtor.schema';
import { isValidFrenchVat, isValidSiren, isValidSiret } from '../../connector/model/identifiers';
import { decimalToMinorUnits } from '../../connector/model/money.schema';
import { withContentVersion, ReceivableSchema, type Receivable } from '../../connector/model/receivable.schema';

/**
 * Sage Active's customers and sales invoices → the canonical model (shared reference sage.md §2.3).
 * Pure: the adapter reads the GraphQL nodes, this says what they are, or why one cannot be used
 * (naming the field, never a customer's data).
 *
 * - A customer is a debtor: `socialName`, `documentId` (a SIREN of 9 or a SIRET of 14 in France),
 *   `vatNumber`, its main address, the e-mails and phones of its contacts — an e-mail whose usage is
 *   INVOICES or PAYMENTS first, the address a dunning letter should use.
 * - A sales invoice of type NORMAL is an invoice and one of type CREDIT_NOTE a credit note; a draft
 *   (`Pending`) and the other types are not receivables. What is open is the sum over its open
 *   items not yet settled (status NOT_SPECIFIED or PARTIAL) of `amount − paidAmountAccumulated`
 *   [INFERRED in the reference]; the due date is the earliest of those items.
 * - Amounts are GraphQL Decimals, sent as JSON numbers; the organisation's currency is the
 *   invoices' (Sage Active's invoices carry none in the documented fields: EUR for France, UNVERIFIED).
 * - Dates come date-only or as instants in two shapes (sage.md §2.2 [CONFLICT]): all three are read.
 */

export const SAGE_ACTIVE_SYSTEM = 'sage-active';

export interface SageActiveMappingContext {
  connection: string;
  organizationId: string;
  /** ISO 4217 code of the organisation's invoices. */
  currency: string;
}

export const sageIds = {
  sourceId: (ctx: SageActiveMappingContext, entity: 'Customer' | 'SalesInvoice', id: string) =>
    `${ctx.organizationId}:${entity}:${id}`,
  customer: (ctx: SageActiveMappingContext, id: string) => `${ctx.connection}:${sageIds.sourceId(ctx, 'Customer', id)}`,
  invoice: (ctx: SageActiveMappingContext, id: string) =>
    `${ctx.connection}:${sageIds.sourceId(ctx, 'SalesInvoice', id)}`,
  company: (ctx: SageActiveMappingContext) => `${ctx.connection}:${ctx.organizationId}:Company`,
};

/** Sage ids are UUIDs (sage.md §2.3); anything that could break a canonical id is refused. */
const SAGE_ID = /^[A-Za-z0-9-]{1,64}$/;
const text = z
  .string()
  .nullish()
  .transform((v) => (v === null || v === undefined || v.trim() === '' ? undefined : v.trim()));
const decimal = z.number();

const EmailWire = z.looseObject({ emailAddress: text, usage: text, isDefault: z.boolean().nullish() });
const PhoneWire = z.looseObject({ number: text, type: text, isDefault: z.boolean().nullish() });
const AddressWire = z.looseObject({
  firstLine: text,
  secondLine: text,
  city: text,
  zipCode: text,
  countryIsoCodeAlpha2: text,
  isMainAddress: z.boolean().nullish(),
});

export const SageCustomerWireSchema = z.looseObject({
  id: z.string(),
  code: text,
  socialName: text,
  tradeName: text,
  documentId: text,
  vatNumber: text,
  customerType: text,
  status: text,
  disabled: z.boolean().nullish(),
  addresses: z.array(AddressWire).nullish(),
  contacts: z
    .array(
      z.looseObject({
        isDefault: z.boolean().nullish(),
        emails: z.array(EmailWire).nullish(),
        phones: z.array(PhoneWire).nullish(),
      }),
    )
    .nullish(),
});

const OpenItemWire = z.looseObject({
  id: z.string(),
  amount: decimal,
  paidAmountAccumulated: decimal.nullish(),
  dueDate: text,
  status: text,
});

export const SageSalesInvoiceWireSchema = z.looseObject({
  id: z.string(),
  operationalNumber: text,
  type: text,
  status: text,
  documentDate: text,
  firstDueDate: text,
  totalLiquid: decimal,
  customerId: text,
  sourceSalesInvoiceId: text,
  openItems: z.array(OpenItemWire).nullish(),
});

export type CustomerResult =
  { outcome: 'debtor'; debtor: Debtor; warnings: string[] } | { outcome: 'quarantined'; reason: string };

export type InvoiceResult =
  | { outcome: 'receivable'; receivable: Receivable; warnings: string[] }
  /** Not a receivable (a draft, an advance-payment invoice): nothing to keep. */
  | { outcome: 'not_a_receivable'; why: string }
  | { outcome: 'quarantined'; reason: string };

const PHONE = /^\+?[0-9 ().-]{6,20}$/;
const EMAIL = z.email();
/** Sage's open-item statuses that are not yet settled (sage.md §2.3, salesopenitemsettlement [PRIMARY]). */
const UNSETTLED = new Set(['NOT_SPECIFIED', 'PARTIAL']);
const KIND: Record<string, Receivable['kind']> = { NORMAL: 'invoice', CREDIT_NOTE: 'credit_note' };
/** Invoices that are issued (sage.md §2.3): a Pending one is a draft. */
const ISSUED = new Set(['Closed', 'Posted', 'PartiallyCollected', 'Collected']);

export function customerToDebtor(raw: unknown, ctx: SageActiveMappingContext): CustomerResult {
  const wire = SageCustomerWireSchema.safeParse(raw);
  const label = `Customer ${idOf(raw)}`;
  if (!wire.success) return { outcome: 'quarantined', reason: `${label}: ${describe(wire.error)}` };
  const c = wire.data;
  if (!SAGE_ID.test(c.id)) return { outcome: 'quarantined', reason: `${label}: id is not a Sage id` };
  const name = c.socialName ?? c.tradeName;
  if (name === undefined) return { outcome: 'quarantined', reason: `${label}: no socialName nor tradeName` };
  const ignored: string[] = [];
  const registration: Debtor['registration'] = {};
  const doc = c.documentId?.replace(/[\s.]/g, '');
  if (doc !== undefined) {
    if (isValidSiren(doc)) registration.siren = doc;
    else if (isValidSiret(doc)) {
      registration.siret = doc;
      registration.siren = doc.slice(0, 9);
    } else ignored.push('documentId (not a valid SIREN or SIRET)');
  }
  const vat = c.vatNumber?.replace(/\s/g, '').toUpperCase();
  if (vat !== undefined) {
    if (!vat.startsWith('FR') || isValidFrenchVat(vat)) registration.vat = vat;
    else ignored.push('vatNumber (not a valid French VAT number)');
  }
  const emails: { address: string; rank: number }[] = [];
  const phones: string[] = [];
  for (const contact of c.contacts ?? []) {
    for (const e of contact.emails ?? []) {
      if (e.emailAddress === undefined) continue;
      if (!EMAIL.safeParse(e.emailAddress).success) {
        ignored.push('a contact e-mail (not valid)');
        continue;
      }
      // Invoices and payments first: the address that takes dunning; then the defaults.
      const rank = e.usage === 'INVOICES' || e.usage === 'PAYMENTS' ? 0 : e.isDefault || contact.isDefault ? 1 : 2;
      emails.push({ address: e.emailAddress, rank });
    }
    for (const p of contact.phones ?? []) {
      if (p.number === undefined) continue;
      if (PHONE.test(p.number)) phones.push(p.number);
      else ignored.push('a contact phone (not a phone number)');
    }
  }
  const addresses: Address[] = [];
  for (const a of [...(c.addresses ?? [])].sort(
    (x, y) => Number(y.isMainAddress === true) - Number(x.isMainAddress === true),
  )) {
    const lines = [a.firstLine, a.secondLine].filter((l): l is string => l !== undefined);
    const country = a.countryIsoCodeAlpha2?.toUpperCase();
    if (
      lines.length === 0 ||
      a.zipCode === undefined ||
      a.city === undefined ||
      !country ||
      !/^[A-Z]{2}$/.test(country)
    ) {
      ignored.push(`an address (${a.isMainAddress ? 'the main one, ' : ''}incomplete)`);
      continue;
    }
    addresses.push({
      kind: a.isMainAddress ? 'billing' : 'other',
      lines,
      postalCode: a.zipCode,
      city: a.city,
      country,
    });
  }
  const warnings = ignored.length ? [`${label}: ignored ${[...new Set(ignored)].join(', ')}`] : [];
  // GDPR_APPLIED: the customer's personal data was erased at their request [INFERRED from the status name]: not contacted.
  const erased = c.status === 'GDPR_APPLIED';
  if (erased) warnings.push(`${label}: status GDPR_APPLIED: the customer is not to be contacted`);
  const candidate = {
    id: sageIds.customer(ctx, c.id),
    source: { system: SAGE_ACTIVE_SYSTEM, connection: ctx.connection, id: sageIds.sourceId(ctx, 'Customer', c.id) },
    name,
    kind: c.customerType === 'INDIVIDUAL' ? 'individual' : 'company',
    registration,
    addresses,
    emails: [...new Set(emails.sort((a, b) => a.rank - b.rank).map((e) => e.address))],
    phones: [...new Set(phones)],
    flags: { doNotContact: erased, insolvency: null },
  };
  const parsed = DebtorSchema.safeParse(candidate);
  if (!parsed.success) return { outcome: 'quarantined', reason: `${label}: ${describe(parsed.error)}` };
  return { outcome: 'debtor', debtor: parsed.data, warnings };
}

export function invoiceToReceivable(raw: unknown, ctx: SageActiveMappingContext): InvoiceResult {
  const wire = SageSalesInvoiceWireSchema.safeParse(raw);
  const label = `SalesInvoice ${idOf(raw)}`;
  const bad = (why: string): InvoiceResult => ({ outcome: 'quarantined', reason: `${label}: ${why}` });
  if (!wire.success) return bad(describe(wire.error));
  const t = wire.data;
  if (!SAGE_ID.test(t.id)) return bad('id is not a Sage id');
  const kind = KIND[t.type ?? ''];
  if (kind === undefined) return { outcome: 'not_a_receivable', why: `type ${t.type ?? '(none)'}` };
  if (!ISSUED.has(t.status ?? '')) return { outcome: 'not_a_receivable', why: `status ${t.status ?? '(none)'}` };
  const number = t.operationalNumber;
  if (number === undefined) return bad('operationalNumber is missing on an issued invoice');
  const issueDate = dateOf(t.documentDate);
  if (issueDate === undefined) return bad('documentDate is missing or not a date');
  if (t.customerId === undefined || !SAGE_ID.test(t.customerId)) return bad('customerId is missing or not a Sage id');
  // The sign of credit notes is not known (sage.md §2.3, UNVERIFIED): amounts are kept as magnitudes.
  const total = toMinor(Math.abs(t.totalLiquid), ctx.currency);
  if (typeof total === 'string') return bad(`totalLiquid ${total}`);
  const warnings: string[] = [];
  let open = 0;
  let due: string | undefined;
  if (t.status === 'Collected') open = 0;
  else if ((t.openItems ?? []).length === 0) {
    open = total;
    warnings.push(`${label}: no open items: its whole total is taken as open`);
  } else
    for (const item of t.openItems ?? []) {
      if (!UNSETTLED.has(item.status ?? '')) continue;
      // Each in minor units first: a difference of floats is not the decimal the JSON said.
      const amount = toMinor(Math.abs(item.amount), ctx.currency);
      if (typeof amount === 'string') return bad(`openItems ${item.id}: amount ${amount}`);
      const paid = toMinor(Math.abs(item.paidAmountAccumulated ?? 0), ctx.currency);
      if (typeof paid === 'string') return bad(`openItems ${item.id}: paidAmountAccumulated ${paid}`);
      const left = amount - paid;
      if (left < 0) return bad(`openItems ${item.id}: paidAmountAccumulated is more than amount`);
      open += left;
      const itemDue = dateOf(item.dueDate);
      if (itemDue !== undefined && left > 0 && (due === undefined || itemDue < due)) due = itemDue;
    }
  if (open > total) return bad('its open items add up to more than totalLiquid');
  const candidate = {
    id: sageIds.invoice(ctx, t.id),
    source: { system: SAGE_ACTIVE_SYSTEM, connection: ctx.connection, id: sageIds.sourceId(ctx, 'SalesInvoice', t.id) },
    kind,
    number,
    debtorId: sageIds.customer(ctx, t.customerId),
    companyId: sageIds.company(ctx),
    issueDate,
    dueDate: due ?? dateOf(t.firstDueDate) ?? issueDate,
    currency: ctx.currency,
    total,
    open,
    ...(kind === 'credit_note' && t.sourceSalesInvoiceId !== undefined && SAGE_ID.test(t.sourceSalesInvoiceId)
      ? { creditOf: sageIds.invoice(ctx, t.sourceSalesInvoiceId) }
      : {}),
  };
  // A digest of what is kept, as the version: our own writes (files, comments) change none of it.
  const parsed = ReceivableSchema.safeParse(withContentVersion(candidate));
  if (!parsed.success) return bad(describe(parsed.error));
  return { outcome: 'receivable', receivable: parsed.data, warnings };
}

/** A GraphQL Decimal (a JSON number) → whole minor units of `currency`, or what is wrong with it (never rounded). */
export function toMinor(amount: number, currency: string): number | string {
  return decimalToMinorUnits(amount, currency, 'Sage Active');
}

/** "2025-10-05", "2025-10-05T00:00:00.000Z" or "2025-10-05T00:00:00Z" → "2025-10-05"; undefined otherwise. */
export function dateOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})(?:T\d{2}:\d{2}:\d{2}(?:\.\d{1,7})?(?:Z|[+-]\d{2}:\d{2}))?$/.exec(value);
  if (!m) return undefined;
  const day = m[1]!;
  return new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) === day ? day : undefined;
}

function idOf(raw: unknown): string {
  const id = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined;
  return typeof id === 'string' && id.length <= 64 ? id : '(no id)';
}

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'record'}: ${i.message}`).join('; ');
}
