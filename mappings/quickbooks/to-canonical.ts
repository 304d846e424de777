import { z } from 'zod';
import {
  DebtorSchema,
  PaymentSchema,
  ReceivableSchema,
  isValidFrenchVat,
  isValidSiren,
  isValidSiret,
  withContentVersion,
  decimalToMinorUnits,
  type Debtor,
  type Payment,
  type Receivable,
} from '../../connector/model';
import {
  QBO_ENTITIES,
  QboCreditMemoWireSchema,
  QboCustomerWireSchema,
  QboInvoiceWireSchema,
  QboPaymentWireSchema,
  type QboAddressWire,
  type QboCreditMemoWire,
  type QboCustomFieldWire,
  type QboCustomerWire,
  type QboEntity,
  type QboRefWire,
} from './qbo-wire.schema';

/**
 * QuickBooks Online wire records → the canonical model, for one connection and one realm (a
 * QBO company). Pure: the adapter fetches, this translates, the core decides. Nothing here
 * throws on a record: what cannot be mapped comes back quarantined with a reason naming the field.
 */

export const QBO_SYSTEM = 'quickbooks';

/** What the mapping needs to know of the connection (from its configuration and `check()`). */
export interface QboMappingContext {
  /** The configured connection id (`connections[].id`). */
  connection: string;
  /** The company's realmId, 10 to 19 digits (erp-apis.md §2.1). */
  realm: string;
  /**
   * Names of the custom fields that hold identifiers, as the company named them (§2.3: legacy
   * string fields, or the newer ones read with `include=enhancedAllCustomFields`). Matched on the
   * name trimmed and without regard to case (unverified: QBO's own matching is not documented).
   */
  customFields?: {
    /** A VAT number; read before `PrimaryTaxIdentifier`. */
    vat?: string | undefined;
    /** A SIREN (9 digits) or a SIRET (14 digits). */
    registration?: string | undefined;
  };
  /**
   * The company's home currency, for a record without `CurrencyRef` (unverified: every sample in
   * §2.2/§2.3 carries one; a company without multicurrency may leave it out).
   */
  homeCurrency?: string | undefined;
}

/** A receivable the source no longer holds open: the shape of `Closure` in connector/ports/erp.ts (mappings may not import it). */
export interface QboClosure {
  id: string;
  reason: string;
}

export interface QboQuarantined {
  sourceId: string;
  reason: string;
  raw: unknown;
}

/**
 * Canonical ids: `<connection>:<source id>`, the source id being `<realm>:<Entity>:<Id>`. The same
 * Id exists in every realm, and within one realm Invoice 12 and CreditMemo 12 are different
 * records (Ids are per entity, §2.3), so both the realm and the entity are part of it.
 */
export const qboIds = {
  sourceId: (realm: string, entity: QboEntity, id: string) => `${realm}:${entity}:${id}`,
  of: (ctx: QboMappingContext, entity: QboEntity, id: string) =>
    `${ctx.connection}:${qboIds.sourceId(ctx.realm, entity, id)}`,
  customer: (ctx: QboMappingContext, id: string) => qboIds.of(ctx, 'Customer', id),
  invoice: (ctx: QboMappingContext, id: string) => qboIds.of(ctx, 'Invoice', id),
  creditMemo: (ctx: QboMappingContext, id: string) => qboIds.of(ctx, 'CreditMemo', id),
  payment: (ctx: QboMappingContext, id: string) => qboIds.of(ctx, 'Payment', id),
  /** The realm is the company whose receivables these are. */
  company: (ctx: QboMappingContext) => `${ctx.connection}:${ctx.realm}:Company`,
};

/** A canonical id of this connection and realm back to the entity and its QBO Id (readByIds, writeBack). */
export function parseQboId(ctx: QboMappingContext, canonical: string): { entity: QboEntity; id: string } | undefined {
  const prefix = `${ctx.connection}:${ctx.realm}:`;
  if (!canonical.startsWith(prefix)) return undefined;
  const [entity, id, ...rest] = canonical.slice(prefix.length).split(':');
  if (rest.length > 0 || id === undefined || !QBO_ID.test(id)) return undefined;
  return (QBO_ENTITIES as readonly string[]).includes(entity ?? '') ? { entity: entity as QboEntity, id } : undefined;
}

/**
 * QBO Ids are strings (§2.3), digits in every sample; anything that could break the canonical id
 * (a colon, a space) or is empty is refused.
 */
const QBO_ID = /^[A-Za-z0-9_.-]{1,64}$/;

// ---------------------------------------------------------------------------------------------
// Amounts

/**
 * A JSON amount (§2.3: amounts are JSON numbers) → integer minor units of THAT currency, or what
 * is wrong with it. The decimal digits of the currency come from the model (`minorUnitDigits`:
 * JPY 0, EUR 2, TND/KWD/BHD 3). Exactness is checked on the number's shortest decimal form (what
 * the JSON text said): 12.345 USD is refused, never rounded to 12.35.
 */
export function qboAmountToMinor(amount: number, currency: string): number | string {
  return decimalToMinorUnits(amount, currency, 'QuickBooks');
}

// ---------------------------------------------------------------------------------------------
// Customers and the sub-customer hierarchy

/**
 * Parent links the adapter has learnt, by QBO Customer Id: the parent's Id for a sub-customer,
 * null for a top-level customer. A sub-customer (`ParentRef`, `Job: true`, §2.3) is a project or
 * job of its parent: the debt is the parent's, so receivables roll up to the top of the chain.
 */
export type QboCustomerParents = ReadonlyMap<string, string | null>;

export type RollUp = { top: string } | { missing: string } | { cycle: string[] };

/** The top parent of a customer, the first customer of the chain not known yet, or the cycle found. */
export function rollUp(parents: QboCustomerParents, customerId: string): RollUp {
  const seen: string[] = [];
  let current = customerId;
  for (;;) {
    if (seen.includes(current)) return { cycle: [...seen, current] };
    seen.push(current);
    const parent = parents.get(current);
    if (parent === undefined) return { missing: current };
    if (parent === null) return { top: current };
    current = parent;
  }
}

export type CustomerOutcome =
  /** A top-level customer, active or not: a debtor. */
  | { outcome: 'debtor'; debtor: Debtor; link: { id: string; parent: null }; warnings: string[] }
  /** A sub-customer: no debtor of its own, only the link to its parent. */
  | { outcome: 'sub_customer'; link: { id: string; parent: string }; warnings: string[] }
  | { outcome: 'quarantined'; entry: QboQuarantined }
  /** Not a record to keep (a deleted stub): said in the warning. */
  | { outcome: 'ignored'; warning: string };

const EmailSchema = z.email();
/** Same rule as the canonical Debtor schema. */
const PHONE = /^\+?[0-9 ().-]{6,20}$/;
/** An intra-community VAT number once stripped: country prefix, then 2 to 13 letters or digits (as the Odoo mapping). */
const VAT_SHAPE = /^[A-Z]{2}[0-9A-Z]{2,13}$/;
/** QBO shows some tax ids masked, e.g. "XXXXX6789" (unverified: not in the fact sheet). */
const MASKED = /[X*•]{4,}/;
/**
 * QBO renames a customer made inactive to "<name> (deleted)" (unverified: not in the fact sheet,
 * seen in the QBO interface). The debtor keeps its name.
 */
const DELETED_SUFFIX = / \(deleted\)$/;

export function customerToDebtor(raw: unknown, ctx: QboMappingContext): CustomerOutcome {
  const stub = deletedStub(raw);
  if (stub)
    return {
      outcome: 'ignored',
      warning: `Customer ${stub}: deleted in QuickBooks; its debtor and open items stay as they are`,
    };
  const wire = QboCustomerWireSchema.safeParse(raw);
  const label = `Customer ${idOf(raw)}`;
  if (!wire.success) return quarantine(raw, 'Customer', ctx, `${label}: ${describe(wire.error)}`);
  const c = wire.data;
  if (!QBO_ID.test(c.Id)) return quarantine(raw, 'Customer', ctx, `${label}: Id is not a QuickBooks id`);
  const warnings: string[] = [];
  const parentId = c.ParentRef?.value;
  if (parentId !== undefined) {
    if (!QBO_ID.test(parentId))
      return quarantine(raw, 'Customer', ctx, `${label}: ParentRef.value is not a QuickBooks id`);
    if (parentId === c.Id) return quarantine(raw, 'Customer', ctx, `${label}: ParentRef names the customer itself`);
    return { outcome: 'sub_customer', link: { id: c.Id, parent: parentId }, warnings };
  }
  // `Job: true` without ParentRef: nothing tells which customer it belongs to; taken as its own debtor.
  if (c.Job === true) warnings.push(`${label}: Job is true but ParentRef is missing: taken as a top-level customer`);
  const displayName = text(c.DisplayName);
  const name = [
    c.Active === false ? displayName?.replace(DELETED_SUFFIX, '') : displayName,
    text(c.CompanyName),
    [text(c.GivenName), text(c.FamilyName)].filter(Boolean).join(' ') || undefined,
  ].find((n) => n !== undefined && n !== '');
  if (!name) return quarantine(raw, 'Customer', ctx, `${label}: no DisplayName, CompanyName or GivenName/FamilyName`);

  const ignored: string[] = [];
  const registration = identifiers(c, ctx, ignored);
  const emails: string[] = [];
  const keyed = (text(c.PrimaryEmailAddr?.Address) ?? '')
    .split(/[,;]/)
    .map((x) => x.trim())
    .filter((x) => x !== '');
  for (const [i, e] of keyed.entries()) {
    if (EmailSchema.safeParse(e).success) emails.push(e);
    else
      ignored.push(
        `PrimaryEmailAddr.Address (${keyed.length > 1 ? `address ${i + 1} of ${keyed.length}` : 'the address'} is not valid)`,
      );
  }
  const phones: string[] = [];
  for (const [field, ph] of [
    ['PrimaryPhone.FreeFormNumber', text(c.PrimaryPhone?.FreeFormNumber)],
    ['Mobile.FreeFormNumber', text(c.Mobile?.FreeFormNumber)],
  ] as const) {
    if (ph === undefined) continue;
    if (PHONE.test(ph)) phones.push(ph);
    else ignored.push(`${field} (not a phone number)`);
  }
  const addresses = billingAddress(c.BillAddr, ignored);
  // Named fields, never their values: a customer's data stays out of the log.
  if (ignored.length) warnings.push(`${label}: ignored ${ignored.join(', ')}`);
  const candidate = {
    id: qboIds.customer(ctx, c.Id),
    source: { system: QBO_SYSTEM, connection: ctx.connection, id: qboIds.sourceId(ctx.realm, 'Customer', c.Id) },
    name,
    // QBO has no company/person flag; a CompanyName says a company (unverified heuristic).
    kind: text(c.CompanyName) ? 'company' : 'individual',
    registration,
    addresses,
    emails,
    phones,
  };
  const parsed = DebtorSchema.safeParse(candidate);
  if (!parsed.success) return quarantine(raw, 'Customer', ctx, `${label}: ${describe(parsed.error)}`);
  return { outcome: 'debtor', debtor: parsed.data, link: { id: c.Id, parent: null }, warnings };
}

/** SIREN/SIRET from the configured custom field, VAT from the configured one or PrimaryTaxIdentifier; only valid ones kept. */
function identifiers(c: QboCustomerWire, ctx: QboMappingContext, ignored: string[]): Debtor['registration'] {
  const out: Debtor['registration'] = {};
  const regField = ctx.customFields?.registration;
  const reg = regField ? customFieldText(c.CustomField, regField)?.replace(/[\s.]/g, '') : undefined;
  if (reg !== undefined) {
    // The checksums of connector/model/identifiers.ts: a wrong SIREN on a court filing is worse than none.
    if (isValidSiren(reg)) out.siren = reg;
    else if (isValidSiret(reg)) {
      out.siret = reg;
      out.siren = reg.slice(0, 9);
    } else ignored.push(`custom field "${regField}" (not a valid SIREN or SIRET)`);
  }
  const vatField = ctx.customFields?.vat;
  const fromField = vatField ? customFieldText(c.CustomField, vatField) : undefined;
  const [vatSource, vatRawText] =
    fromField !== undefined
      ? [`custom field "${vatField}"`, fromField]
      : ['PrimaryTaxIdentifier', text(c.PrimaryTaxIdentifier)];
  if (vatRawText !== undefined) {
    if (MASKED.test(vatRawText)) ignored.push(`${vatSource} (masked by QuickBooks)`);
    else {
      // As VIES writes them: no spaces, dots or dashes.
      const vat = vatRawText.replace(/[^0-9A-Za-z]/g, '').toUpperCase();
      if (!VAT_SHAPE.test(vat))
        ignored.push(`${vatSource} (not a VAT number: 2 letters, then 2 to 13 letters or digits)`);
      else if (vat.startsWith('FR') && !isValidFrenchVat(vat)) ignored.push(`${vatSource} (wrong key)`);
      else out.vat = vat;
    }
  }
  return out;
}

function customFieldText(fields: QboCustomFieldWire[] | undefined, name: string): string | undefined {
  const wanted = name.trim().toLowerCase();
  const field = fields?.find((f) => f.Name?.trim().toLowerCase() === wanted);
  return text(field?.StringValue);
}

function billingAddress(a: QboAddressWire | undefined, ignored: string[]): Debtor['addresses'] {
  if (!a) return [];
  const lines = [a.Line1, a.Line2, a.Line3, a.Line4, a.Line5].map(text).filter((l): l is string => l !== undefined);
  const postalCode = text(a.PostalCode);
  const city = text(a.City);
  const countryText = text(a.Country);
  if (!lines.length && !postalCode && !city && !countryText) return [];
  const country = countryText ? countryCode(countryText) : undefined;
  if (!lines.length || !postalCode || !city || !country) {
    const missing = [
      !lines.length && 'Line1',
      !postalCode && 'PostalCode',
      !city && 'City',
      !countryText && 'Country',
      countryText && !country && 'Country (not a country name or code)',
    ].filter(Boolean);
    ignored.push(`BillAddr (incomplete: ${missing.join(', ')})`);
    return [];
  }
  return [{ kind: 'billing', lines, postalCode, city, country }];
}

let COUNTRY_NAMES: Map<string, string> | undefined;
/** Aliases QBO users write that are not region names in CLDR (unverified list, from common usage). */
const COUNTRY_ALIASES: Record<string, string> = { USA: 'US', 'U.S.A.': 'US', 'U.S.': 'US', UK: 'GB', 'U.K.': 'GB' };

/**
 * Region codes CLDR names that are no country to post a letter to: groupings ("European Union",
 * "Unknown Region"), codes withdrawn from ISO 3166-1 (DD is also "Allemagne" in French) and
 * exceptional reservations.
 */
const NOT_COUNTRIES = new Set('EU EZ UN QO ZZ XA XB DD FX AN BU CS NT SU TP YU ZR DG EA IC TA CP AC'.split(' '));

/**
 * `BillAddr.Country` is free text in QBO (unverified: the XSD types it as a string): an ISO 3166
 * alpha-2 code, or a country name in English or French as CLDR (Intl.DisplayNames) writes it.
 */
export function countryCode(value: string): string | undefined {
  const v = value.trim();
  if (/^[A-Za-z]{2}$/.test(v)) return v.toUpperCase();
  const alias = COUNTRY_ALIASES[v.toUpperCase()];
  if (alias) return alias;
  if (!COUNTRY_NAMES) {
    COUNTRY_NAMES = new Map();
    const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    for (const locale of ['en', 'fr']) {
      const names = new Intl.DisplayNames([locale], { type: 'region', fallback: 'none' });
      for (const a of letters)
        for (const b of letters) {
          const code = a + b;
          const name = NOT_COUNTRIES.has(code) ? undefined : names.of(code);
          if (name && !COUNTRY_NAMES.has(fold(name))) COUNTRY_NAMES.set(fold(name), code);
        }
    }
  }
  return COUNTRY_NAMES.get(fold(v));
}

const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');

// ---------------------------------------------------------------------------------------------
// Invoices and credit memos

export type ReceivableOutcome =
  | { outcome: 'receivable'; receivable: Receivable; warnings: string[] }
  /** Voided, deleted or emptied at the source: close the receivable if the store knows it. */
  | { outcome: 'closed'; closure: QboClosure }
  | { outcome: 'quarantined'; entry: QboQuarantined }
  /** Its customer (or an ancestor) is not known yet: the adapter reads it, then maps the record again. */
  | { outcome: 'needs_customer'; customerId: string };

/**
 * Voiding keeps the transaction but zeroes every amount, and prepends "Voided" to PrivateNote
 * (Intuit's Invoice void operation, quoted in public QBO clients; not in the fact sheet:
 * unverified). `TxnStatus` "Voided" is taken as well, though no sample shows it on an invoice.
 */
function voided(t: { TxnStatus?: string | undefined; PrivateNote?: string | undefined }): boolean {
  return t.TxnStatus === 'Voided' || /^Voided\b/.test(t.PrivateNote ?? '');
}

export function invoiceToReceivable(raw: unknown, ctx: QboMappingContext, parents: QboCustomerParents) {
  return salesToReceivable(raw, ctx, parents, 'Invoice');
}

export function creditMemoToReceivable(raw: unknown, ctx: QboMappingContext, parents: QboCustomerParents) {
  return salesToReceivable(raw, ctx, parents, 'CreditMemo');
}

function salesToReceivable(
  raw: unknown,
  ctx: QboMappingContext,
  parents: QboCustomerParents,
  entity: 'Invoice' | 'CreditMemo',
): ReceivableOutcome {
  const noun = entity === 'Invoice' ? 'invoice' : 'credit memo';
  const stub = deletedStub(raw);
  if (stub)
    return {
      outcome: 'closed',
      closure: { id: qboIds.of(ctx, entity, stub), reason: `${noun} deleted in QuickBooks` },
    };
  const wire = (entity === 'Invoice' ? QboInvoiceWireSchema : QboCreditMemoWireSchema).safeParse(raw);
  if (!wire.success) return quarantine(raw, entity, ctx, `${entity} ${idOf(raw)}: ${describe(wire.error)}`);
  const t = wire.data;
  if (!QBO_ID.test(t.Id)) return quarantine(raw, entity, ctx, `${entity} ${idOf(raw)}: Id is not a QuickBooks id`);
  const number = text(t.DocNumber) ?? t.Id;
  const label = `${entity} ${t.Id}${text(t.DocNumber) ? ` (${number})` : ''}`;
  const bad = (problem: string) => quarantine(raw, entity, ctx, `${label}: ${problem}`);
  const id = qboIds.of(ctx, entity, t.Id);
  if (voided(t)) return { outcome: 'closed', closure: { id, reason: `${noun} ${number} voided in QuickBooks` } };
  if (t.TotalAmt === undefined) return bad('TotalAmt is missing');
  // A zero total cannot be claimed: it is what a void leaves behind (see `voided`).
  if (t.TotalAmt === 0)
    return { outcome: 'closed', closure: { id, reason: `${noun} ${number} has a total of 0 in QuickBooks (voided)` } };
  const openField = entity === 'Invoice' ? 'Balance' : 'RemainingCredit';
  // In the record's own currency; HomeBalance/HomeTotalAmt are in the company's (§2.3).
  const openAmount = entity === 'Invoice' ? t.Balance : (t as QboCreditMemoWire).RemainingCredit;
  if (openAmount === undefined) return bad(`${openField} is missing`);
  if (!t.TxnDate) return bad('TxnDate is missing');
  const customerId = t.CustomerRef?.value;
  if (customerId === undefined) return bad('CustomerRef is missing');
  if (!QBO_ID.test(customerId)) return bad('CustomerRef.value is not a QuickBooks id');
  const currency = currencyOf(t.CurrencyRef, ctx);
  if (currency === undefined) return bad('CurrencyRef is missing and the company currency is not known');
  const total = qboAmountToMinor(t.TotalAmt, currency);
  if (typeof total === 'string') return bad(`TotalAmt ${total}`);
  const open = qboAmountToMinor(openAmount, currency);
  if (typeof open === 'string') return bad(`${openField} ${open}`);
  const debtor = rollUp(parents, customerId);
  if ('missing' in debtor) return { outcome: 'needs_customer', customerId: debtor.missing };
  if ('cycle' in debtor) return bad(`CustomerRef: the customers' ParentRef chain loops (${debtor.cycle.join(' → ')})`);
  const invoiceRef = entity === 'CreditMemo' ? (t as QboCreditMemoWire).InvoiceRef?.value : undefined;
  if (invoiceRef !== undefined && !QBO_ID.test(invoiceRef)) return bad('InvoiceRef.value is not a QuickBooks id');
  const candidate = {
    id,
    source: { system: QBO_SYSTEM, connection: ctx.connection, id: qboIds.sourceId(ctx.realm, entity, t.Id) },
    kind: entity === 'Invoice' ? 'invoice' : 'credit_note',
    number,
    debtorId: qboIds.customer(ctx, debtor.top),
    companyId: qboIds.company(ctx),
    issueDate: t.TxnDate,
    dueDate: text(t.DueDate) ?? t.TxnDate,
    currency,
    total,
    open,
    ...(invoiceRef !== undefined ? { creditOf: qboIds.invoice(ctx, invoiceRef) } : {}),
  };
  // The record's version is a digest of what is kept of it, not its SyncToken: every write bumps
  // SyncToken (§2.3, §2.4), ours too (an entry in PrivateNote, the stage field), and our own writes
  // come back through CDC and webhooks. Kept content unchanged, the record is unchanged.
  const withVersion = withContentVersion(candidate);
  const parsed = ReceivableSchema.safeParse(withVersion);
  if (!parsed.success) return bad(describe(parsed.error, { ...MODEL_FIELDS_RECEIVABLE, open: openField }));
  return { outcome: 'receivable', receivable: parsed.data, warnings: [] };
}

/** The model's field → the wire field it came from, so that a reason names what to fix in QuickBooks. */
const MODEL_FIELDS_RECEIVABLE: Record<string, string> = {
  total: 'TotalAmt',
  issueDate: 'TxnDate',
  dueDate: 'DueDate',
  currency: 'CurrencyRef',
};

function currencyOf(ref: QboRefWire | undefined, ctx: QboMappingContext): string | undefined {
  return text(ref?.value) ?? ctx.homeCurrency;
}

// ---------------------------------------------------------------------------------------------
// Payments

export type PaymentOutcome =
  | { outcome: 'payment'; payment: Payment; warnings: string[] }
  | { outcome: 'quarantined'; entry: QboQuarantined }
  | { outcome: 'needs_customer'; customerId: string }
  /** Nothing to record (a deleted or voided payment, a payment of 0): said in the warning. */
  | { outcome: 'ignored'; warning: string };

export function paymentToPayment(raw: unknown, ctx: QboMappingContext, parents: QboCustomerParents): PaymentOutcome {
  const stub = deletedStub(raw);
  // What it paid comes back open on the invoices, which change too (CDC, §2.6).
  if (stub)
    return {
      outcome: 'ignored',
      warning: `Payment ${stub}: deleted in QuickBooks; the invoices it paid say what is owed`,
    };
  const wire = QboPaymentWireSchema.safeParse(raw);
  if (!wire.success) return quarantine(raw, 'Payment', ctx, `Payment ${idOf(raw)}: ${describe(wire.error)}`);
  const p = wire.data;
  if (!QBO_ID.test(p.Id)) return quarantine(raw, 'Payment', ctx, `Payment ${idOf(raw)}: Id is not a QuickBooks id`);
  const label = `Payment ${p.Id}`;
  const bad = (problem: string) => quarantine(raw, 'Payment', ctx, `${label}: ${problem}`);
  if (p.TotalAmt === undefined) return bad('TotalAmt is missing');
  // A voided payment keeps its record with TotalAmt 0 (unverified, Intuit's Payment void sample);
  // applying a credit memo to an invoice is recorded as a payment of 0 (unverified). No money moved.
  if (p.TotalAmt === 0)
    return {
      outcome: 'ignored',
      warning: `${label}: an amount of 0 (voided, or credit applied): no payment to record`,
    };
  if (!p.TxnDate) return bad('TxnDate is missing');
  const customerId = p.CustomerRef?.value;
  if (customerId === undefined) return bad('CustomerRef is missing');
  if (!QBO_ID.test(customerId)) return bad('CustomerRef.value is not a QuickBooks id');
  const currency = currencyOf(p.CurrencyRef, ctx);
  if (currency === undefined) return bad('CurrencyRef is missing and the company currency is not known');
  const amount = qboAmountToMinor(p.TotalAmt, currency);
  if (typeof amount === 'string') return bad(`TotalAmt ${amount}`);
  const warnings: string[] = [];
  const allocations: { receivableId: string; amount: number }[] = [];
  for (const [i, line] of (p.Line ?? []).entries()) {
    const invoices = (line.LinkedTxn ?? []).filter((l) => l.TxnType === 'Invoice');
    if (invoices.length === 0) continue;
    if (line.Amount === undefined) return bad(`Line.${i}.Amount is missing`);
    const lineAmount = qboAmountToMinor(line.Amount, currency);
    if (typeof lineAmount === 'string') return bad(`Line.${i}.Amount ${lineAmount}`);
    if (lineAmount === 0) continue;
    // One amount for several invoices: how it splits is not said (unverified: every sample links one).
    if (invoices.length > 1) {
      warnings.push(`${label}: line ${i + 1} pays ${invoices.length} invoices with one amount: not allocated`);
      continue;
    }
    const invoiceId = invoices[0]!.TxnId;
    if (!QBO_ID.test(invoiceId)) return bad(`Line.${i}.LinkedTxn: TxnId is not a QuickBooks id`);
    allocations.push({ receivableId: qboIds.invoice(ctx, invoiceId), amount: lineAmount });
  }
  const allocated = allocations.reduce((s, a) => s + a.amount, 0);
  let kept = allocations;
  if (allocated > amount) {
    // Credit memos applied in the same payment (lines linking a CreditMemo) pay part of the
    // invoices: the money received is less than the invoice lines add up to.
    if (allocations.length === 1) kept = [{ receivableId: allocations[0]!.receivableId, amount }];
    else {
      kept = [];
      warnings.push(
        `${label}: the invoice lines add up to more than the payment (credits applied with it): the split per invoice is not known, no allocation recorded`,
      );
    }
  }
  const debtor = rollUp(parents, customerId);
  if ('missing' in debtor) return { outcome: 'needs_customer', customerId: debtor.missing };
  if ('cycle' in debtor) return bad(`CustomerRef: the customers' ParentRef chain loops (${debtor.cycle.join(' → ')})`);
  const candidate = {
    id: qboIds.payment(ctx, p.Id),
    source: { system: QBO_SYSTEM, connection: ctx.connection, id: qboIds.sourceId(ctx.realm, 'Payment', p.Id) },
    debtorId: qboIds.customer(ctx, debtor.top),
    companyId: qboIds.company(ctx),
    date: p.TxnDate,
    currency,
    amount,
    allocations: kept,
  };
  const parsed = PaymentSchema.safeParse(candidate);
  if (!parsed.success)
    return bad(describe(parsed.error, { amount: 'TotalAmt', date: 'TxnDate', currency: 'CurrencyRef' }));
  return { outcome: 'payment', payment: parsed.data, warnings };
}

// ---------------------------------------------------------------------------------------------
// A batch of records (a query page, a CDC answer)

export interface QboMappedBatch {
  debtors: Debtor[];
  receivables: Receivable[];
  payments: Payment[];
  closed: QboClosure[];
  quarantined: QboQuarantined[];
  warnings: string[];
  /** Parent links learnt from the customers of the batch: the adapter keeps them for the next batches. */
  links: Map<string, string | null>;
  /** Customer Ids to read (with `Active IN (true,false)`: an inactive parent still owes) before mapping `waiting` again. */
  missingCustomers: Set<string>;
  /** Records set aside until those customers are known, by entity. */
  waiting: { entity: QboEntity; raw: unknown }[];
}

export interface MapBatchOptions {
  /**
   * 'wait' (default): a record whose customer is unknown goes to `waiting`. 'quarantine': the
   * adapter read what it could, so the record is quarantined saying which customer is missing.
   */
  unresolved?: 'wait' | 'quarantine';
}

/**
 * Maps the records of a page, customers first so that the links they carry serve the
 * transactions of the same page. `parents` is what the adapter knew before; it is not changed.
 */
export function mapBatch(
  records: Partial<Record<QboEntity, readonly unknown[]>>,
  ctx: QboMappingContext,
  parents: QboCustomerParents,
  options: MapBatchOptions = {},
): QboMappedBatch {
  const out: QboMappedBatch = {
    debtors: [],
    receivables: [],
    payments: [],
    closed: [],
    quarantined: [],
    warnings: [],
    links: new Map(),
    missingCustomers: new Set(),
    waiting: [],
  };
  for (const raw of records.Customer ?? []) {
    const r = customerToDebtor(raw, ctx);
    if (r.outcome === 'debtor') out.debtors.push(r.debtor);
    if (r.outcome === 'debtor' || r.outcome === 'sub_customer') {
      out.links.set(r.link.id, r.link.parent);
      out.warnings.push(...r.warnings);
    } else if (r.outcome === 'quarantined') out.quarantined.push(r.entry);
    else out.warnings.push(r.warning);
  }
  const known = new Map([...parents, ...out.links]);
  const unresolved = (entity: QboEntity, raw: unknown, customerId: string) => {
    if (options.unresolved === 'quarantine') {
      out.quarantined.push(
        entryFor(
          raw,
          entity,
          ctx,
          `${entity} ${idOf(raw)}: its customer ${customerId} could not be read from QuickBooks, or was quarantined`,
        ),
      );
    } else {
      out.missingCustomers.add(customerId);
      out.waiting.push({ entity, raw });
    }
  };
  for (const entity of ['Invoice', 'CreditMemo'] as const) {
    for (const raw of records[entity] ?? []) {
      const r = salesToReceivable(raw, ctx, known, entity);
      if (r.outcome === 'receivable') {
        out.receivables.push(r.receivable);
        out.warnings.push(...r.warnings);
      } else if (r.outcome === 'closed') out.closed.push(r.closure);
      else if (r.outcome === 'quarantined') out.quarantined.push(r.entry);
      else unresolved(entity, raw, r.customerId);
    }
  }
  for (const raw of records.Payment ?? []) {
    const r = paymentToPayment(raw, ctx, known);
    if (r.outcome === 'payment') {
      out.payments.push(r.payment);
      out.warnings.push(...r.warnings);
    } else if (r.outcome === 'quarantined') out.quarantined.push(r.entry);
    else if (r.outcome === 'ignored') out.warnings.push(r.warning);
    else unresolved('Payment', raw, r.customerId);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Helpers

const text = (v: string | undefined): string | undefined => (v !== undefined && v.trim() !== '' ? v.trim() : undefined);

/** The Id of a deleted stub (`status: "Deleted"`, §2.6), or undefined for any other record. */
function deletedStub(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  return r['status'] === 'Deleted' && typeof r['Id'] === 'string' && QBO_ID.test(r['Id']) ? r['Id'] : undefined;
}

/** The record's Id as a reason shows it, even when the record is malformed. */
function idOf(raw: unknown): string {
  const id = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)['Id'] : undefined;
  if (typeof id === 'string' && id.length <= 64) return id;
  return id === undefined ? '(no Id)' : '(unreadable Id)';
}

function entryFor(raw: unknown, entity: QboEntity, ctx: QboMappingContext, reason: string): QboQuarantined {
  // The same source id a mapped record would have, so that a record fixed at the source leaves quarantine.
  return { sourceId: qboIds.sourceId(ctx.realm, entity, idOf(raw)), reason, raw };
}

function quarantine(
  raw: unknown,
  entity: QboEntity,
  ctx: QboMappingContext,
  reason: string,
): { outcome: 'quarantined'; entry: QboQuarantined } {
  return { outcome: 'quarantined', entry: entryFor(raw, entity, ctx, reason) };
}

function describe(error: z.ZodError, wireNames: Record<string, string> = {}): string {
  return error.issues
    .map((i) => {
      const path = i.path.map((p) => (typeof p === 'symbol' ? p.toString() : String(p)));
      const head = path[0] !== undefined ? (wireNames[path[0]] ?? path[0]) : undefined;
      return `${head === undefined ? '(record)' : [head, ...path.slice(1)].join('.')}: ${i.message}`;
    })
    .join('; ');
}
