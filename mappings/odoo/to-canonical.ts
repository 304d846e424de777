import { z } from 'zod';
import { DebtorSchema, ReceivableSchema, minorUnitDigits, type Debtor, type Receivable } from '../../connector/model';
import { isValidFrenchVat, isValidSiren, isValidSiret } from '../../connector/model/identifiers';
import { OdooMoveWireSchema, OdooPartnerWireSchema, type OdooMoveWire, type OdooPartnerWire } from './odoo-wire.schema';

/** An intra-community VAT number once stripped: country prefix, then 2 to 13 letters or digits (the dossier XSD's pattern). */
const VAT_SHAPE = /^[A-Z]{2}[0-9A-Z]{2,13}$/;

/** A mapped record, or the reason it was quarantined (never silently dropped). */
export type Mapped<T> = { ok: true; value: T; warnings: string[] } | { ok: false; reason: string };

export const ODOO_SYSTEM = 'odoo';

const EmailSchema = z.email();
/** Same rule as the canonical Debtor schema. */
const PHONE = /^\+?[0-9 ().-]{6,20}$/;

export const odooIds = {
  move: (connection: string, id: number) => `${connection}:account.move:${id}`,
  partner: (connection: string, id: number) => `${connection}:res.partner:${id}`,
  company: (connection: string, id: number) => `${connection}:res.company:${id}`,
};

/**
 * `payment_state` values (erp-apis.md §1.5): 16/17 not_paid, in_payment, paid, partial,
 * reversed, invoicing_legacy; 18 adds blocked. What is owed is `amount_residual`: on Enterprise
 * a partly paid invoice can be `in_payment` with money still owed, and a fully paid one has a
 * residual of 0 whatever its state. Only `invoicing_legacy` moves (made before the accounting app
 * was installed) have a residual Odoo does not follow: they are treated as settled.
 */
const RESIDUAL_NOT_TRACKED = new Set(['invoicing_legacy']);

const KIND: Record<string, Receivable['kind']> = { out_invoice: 'invoice', out_refund: 'credit_note' };

/** Odoo sends monetary values as floats (§1.3); they must be whole minor units once scaled. */
export function toMinorUnits(amount: number, currency: string): number | string {
  const digits = minorUnitDigits(currency);
  const scaled = amount * 10 ** digits;
  const rounded = Math.round(scaled);
  if (Math.abs(scaled - rounded) > 1e-6 * Math.max(1, Math.abs(scaled)))
    return `amount ${amount} has more decimals than ${currency} allows (${digits})`;
  if (!Number.isSafeInteger(rounded)) return `amount ${amount} ${currency} is too large to be exact`;
  return rounded;
}

/**
 * Odoo ids are positive integers (PostgreSQL serials); a JS number holds them exactly up to
 * 2^53−1. Anything else — 0, a negative, a fraction, a bigint, a string — is not an id, and a
 * record naming one is quarantined rather than keyed on a wrong or rounded id.
 */
export function odooId(value: unknown): number | string {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
  return `${shown(value)} is not an Odoo id (a positive whole number up to 2^53−1)`;
}

/** A many2one value: `[id, "display name"]` with a well-formed id, false when empty, or what is wrong with it. */
export function many2one(value: unknown, field: string): { id: number; name: string } | false | string {
  if (value === false) return false;
  if (!Array.isArray(value) || value.length !== 2 || typeof value[1] !== 'string')
    return `${field} ${shown(value)} is not an Odoo many2one value ([id, "name"] or false)`;
  const id = odooId(value[0]);
  return typeof id === 'string' ? `${field} ${shown(value)}: ${id}` : { id, name: value[1] };
}

/** A value as a reason shows it: short, bigints as their digits. */
function shown(value: unknown): string {
  if (typeof value === 'bigint') return value.toString();
  if (value === undefined) return 'undefined';
  const digits = (_key: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);
  // JSON.stringify gives undefined for a function or a symbol, whatever its declared return type says.
  const json = JSON.stringify(value, digits) as string | undefined;
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- only what JSON cannot show (a function, a symbol) gets here
  const text = json ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(record)'}: ${i.message}`).join('; ');
}

export function moveToReceivable(raw: unknown, connection: string): Mapped<Receivable> {
  const wire = OdooMoveWireSchema.safeParse(raw);
  if (!wire.success) return { ok: false, reason: `not an Odoo account.move record: ${describe(wire.error)}` };
  const m: OdooMoveWire = wire.data;
  const id = odooId(m.id);
  if (typeof id === 'string')
    return { ok: false, reason: `${typeof m.name === 'string' ? `${m.name}: ` : ''}account.move id ${id}` };
  const kind = KIND[m.move_type];
  if (!kind) return { ok: false, reason: `move_type "${m.move_type}" is not a customer invoice or credit note` };
  if (m.state !== 'posted') return { ok: false, reason: `state "${m.state}": only posted moves are receivables` };
  if (m.name === false || m.name === '/') return { ok: false, reason: 'posted move without a number' };
  if (m.invoice_date === false) return { ok: false, reason: `${m.name}: posted without an invoice_date` };
  const bad = (problem: string): Mapped<Receivable> => ({ ok: false, reason: `${m.name}: ${problem}` });
  const currencyId = many2one(m.currency_id, 'currency_id');
  if (typeof currencyId === 'string') return bad(currencyId);
  const partner = many2one(m.commercial_partner_id, 'commercial_partner_id');
  if (typeof partner === 'string') return bad(partner);
  const company = many2one(m.company_id, 'company_id');
  if (typeof company === 'string') return bad(company);
  const reversed = many2one(m.reversed_entry_id ?? false, 'reversed_entry_id');
  if (typeof reversed === 'string') return bad(reversed);
  const invoiced = many2one(m.partner_id, 'partner_id');
  if (typeof invoiced === 'string') return bad(invoiced);
  if (currencyId === false) return bad('no currency');
  if (partner === false) return bad('no customer (commercial_partner_id is empty)');
  if (company === false) return bad('no company');
  const currency = currencyId.name;
  // Odoo keeps amount_total and amount_residual unsigned on customer invoices (the signs are in
  // amount_*_signed; account.move _compute_amount, [UNVERIFIED] against a capture of a refund): a
  // negative amount on an invoice is not a debt, and taking its absolute value would make one.
  // A credit note's sign is dropped as before: it only ever lowers what is claimed.
  if (kind === 'invoice' && (m.amount_total < 0 || m.amount_residual < 0)) {
    return {
      ok: false,
      reason: `${m.name}: a customer invoice with a negative ${m.amount_residual < 0 ? `amount_residual (${m.amount_residual})` : `amount_total (${m.amount_total})`}: Odoo keeps these unsigned, so the record is not trusted as a debt`,
    };
  }
  const total = toMinorUnits(Math.abs(m.amount_total), currency);
  const residual = toMinorUnits(Math.abs(m.amount_residual), currency);
  if (typeof total === 'string') return { ok: false, reason: `${m.name}: amount_total ${total}` };
  if (typeof residual === 'string') return { ok: false, reason: `${m.name}: amount_residual ${residual}` };
  const warnings: string[] = [];
  const open = RESIDUAL_NOT_TRACKED.has(m.payment_state) ? 0 : residual;
  if (open !== residual)
    warnings.push(
      `${m.name} (account.move ${id}): payment_state ${m.payment_state} with an amount left: treated as settled`,
    );
  const candidate = {
    id: odooIds.move(connection, id),
    source: { system: ODOO_SYSTEM, connection, id: String(id) },
    kind,
    number: m.name,
    debtorId: odooIds.partner(connection, partner.id),
    companyId: odooIds.company(connection, company.id),
    issueDate: m.invoice_date,
    dueDate: m.invoice_date_due === false ? m.invoice_date : m.invoice_date_due,
    currency,
    total,
    open,
    excluded:
      m.payment_state === 'blocked'
        ? { reason: 'blocked in Odoo (payment_state blocked)', since: m.write_date.slice(0, 10) }
        : null,
    sourceVersion: m.write_date,
    ...(kind === 'credit_note' && reversed ? { creditOf: odooIds.move(connection, reversed.id) } : {}),
  };
  const parsed = ReceivableSchema.safeParse(candidate);
  if (!parsed.success) return { ok: false, reason: `${m.name}: ${describe(parsed.error)}` };
  return { ok: true, value: parsed.data, warnings };
}

const text = (v: string | false | undefined): string | undefined =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;

export function partnerToDebtor(raw: unknown, connection: string): Mapped<Debtor> {
  const wire = OdooPartnerWireSchema.safeParse(raw);
  if (!wire.success) return { ok: false, reason: `not an Odoo res.partner record: ${describe(wire.error)}` };
  const p: OdooPartnerWire = wire.data;
  const id = odooId(p.id);
  if (typeof id === 'string') return { ok: false, reason: `res.partner id ${id}` };
  const name = text(p.name);
  if (!name) return { ok: false, reason: `partner ${id} has no name` };
  // Fields ignored, named without their values (personal data): one warning line per partner.
  const ignored: string[] = [];
  // Identifiers are kept only when valid: a wrong SIREN on a court filing is worse than none.
  const registry = text(p.company_registry)?.replace(/\s/g, '');
  const siretRaw = text(p.siret)?.replace(/\s/g, '');
  const siren =
    registry && isValidSiren(registry)
      ? registry
      : siretRaw && isValidSiret(siretRaw)
        ? siretRaw.slice(0, 9)
        : undefined;
  if (registry && !isValidSiren(registry)) ignored.push('company_registry (not a valid SIREN)');
  const siret = siretRaw && isValidSiret(siretRaw) && (!siren || siretRaw.startsWith(siren)) ? siretRaw : undefined;
  if (siretRaw && !siret) ignored.push('siret (not a valid SIRET for this partner)');
  // As VIES writes them: no spaces, dots or dashes ("CHE-123.456.789 TVA" is CHE123456789TVA).
  const vatRaw = text(p.vat)
    ?.replace(/[^0-9A-Za-z]/g, '')
    .toUpperCase();
  const vatShaped = vatRaw !== undefined && VAT_SHAPE.test(vatRaw);
  const vat = vatRaw && vatShaped && (!vatRaw.startsWith('FR') || isValidFrenchVat(vatRaw)) ? vatRaw : undefined;
  if (vatRaw && !vat)
    ignored.push(vatShaped ? 'vat (wrong key)' : 'vat (not a VAT number: 2 letters, then 2 to 13 letters or digits)');
  // A malformed e-mail or phone is dropped; it must not keep the debtor out.
  const emails: string[] = [];
  const keyed = (text(p.email) ?? '')
    .split(/[,;]/)
    .map((x) => x.trim())
    .filter((x) => x !== '');
  for (const [i, e] of keyed.entries()) {
    if (EmailSchema.safeParse(e).success) emails.push(e);
    else
      ignored.push(`email (${keyed.length > 1 ? `address ${i + 1} of ${keyed.length}` : 'the address'} is not valid)`);
  }
  const phones: string[] = [];
  for (const [field, ph] of [
    ['phone', text(p.phone)],
    ['mobile', text(p.mobile)],
  ] as const) {
    if (ph === undefined) continue;
    if (PHONE.test(ph)) phones.push(ph);
    else ignored.push(`${field} (not a phone number)`);
  }
  const warnings = ignored.length ? [`partner ${id}: ignored ${ignored.join(', ')}`] : [];
  const country = text(p.country_code)?.toUpperCase();
  const street = [text(p.street), text(p.street2)].filter((x): x is string => x !== undefined);
  const addresses =
    street.length && text(p.zip) && text(p.city) && country
      ? [{ kind: 'billing' as const, lines: street, postalCode: text(p.zip)!, city: text(p.city)!, country }]
      : [];
  const lang = text(p.lang)?.replace('_', '-');
  const candidate = {
    id: odooIds.partner(connection, id),
    source: { system: ODOO_SYSTEM, connection, id: String(id) },
    name,
    kind: p.is_company ? 'company' : 'individual',
    registration: { ...(siren ? { siren } : {}), ...(siret ? { siret } : {}), ...(vat ? { vat } : {}) },
    addresses,
    emails,
    phones,
    ...(lang ? { language: lang.split('-')[0] } : {}),
  };
  const parsed = DebtorSchema.safeParse(candidate);
  if (!parsed.success) return { ok: false, reason: `partner ${id}: ${describe(parsed.error)}` };
  return { ok: true, value: parsed.data, warnings };
}
