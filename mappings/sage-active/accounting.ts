import { z } from 'zod';
import { withContentVersion, ReceivableSchema, type Receivable } from '../../connector/model/receivable.schema';
import { dateOf, SAGE_ACTIVE_SYSTEM, sageIds, toMinor, type SageActiveMappingContext } from './to-canonical';

/**
 * The books-only route (shared reference sage.md §2.3, "Accounting-only tenants"): an organisation
 * whose invoices were only entered or imported as accounting entries keeps its open items on the
 * entries' customer lines (`accountingEntries/accountingEntryLines/accountingEntryInvoice/openItems`).
 * Each customer line with an invoice is one receivable: an invoice when it debits the customer, a
 * credit note when it credits it. Entries that the sales module posted (`sourceType: SALES`) are the
 * sales invoices' own and are read there, so nothing is counted twice.
 *
 * Pure, like to-canonical.ts: what a node is, or why it cannot be used (naming the field).
 */

/** Canonical ids of entry lines: the entry's id is kept so that the line can be read again with its entry. */
export const entryLineIds = {
  sourceId: (ctx: SageActiveMappingContext, entryId: string, lineId: string) =>
    `${ctx.organizationId}:AccountingEntryLine:${entryId}:${lineId}`,
  line: (ctx: SageActiveMappingContext, entryId: string, lineId: string) =>
    `${ctx.connection}:${entryLineIds.sourceId(ctx, entryId, lineId)}`,
  parse: (ctx: SageActiveMappingContext, canonical: string): { entryId: string; lineId: string } | undefined => {
    const prefix = `${ctx.connection}:${ctx.organizationId}:AccountingEntryLine:`;
    if (!canonical.startsWith(prefix)) return undefined;
    const [entryId, lineId, ...rest] = canonical.slice(prefix.length).split(':');
    if (rest.length || !entryId || !lineId || !SAGE_ID.test(entryId) || !SAGE_ID.test(lineId)) return undefined;
    return { entryId, lineId };
  },
};

const SAGE_ID = /^[A-Za-z0-9-]{1,64}$/;
/** §2.3: open items not yet settled (the same statuses as a sales invoice's). */
const UNSETTLED = new Set(['NOT_SPECIFIED', 'PARTIAL']);
const text = z
  .string()
  .nullish()
  .transform((v) => (v === null || v === undefined || v.trim() === '' ? undefined : v.trim()));

const OpenItemWire = z.looseObject({
  id: z.string(),
  amount: z.number(),
  paidAmountAccumulated: z.number().nullish(),
  dueDate: text,
  status: text,
});

const LineWire = z.looseObject({
  id: z.string(),
  debit: z.number().nullish(),
  credit: z.number().nullish(),
  accountingEntryThirdParty: z.looseObject({ thirdPartyId: text, origin: text }).nullish(),
  accountingEntryInvoice: z
    .looseObject({
      externalInvoiceNumber: text,
      documentDate: text,
      amount: z.number().nullish(),
      openItems: z.array(OpenItemWire).nullish(),
    })
    .nullish(),
});

export const SageAccountingEntryWireSchema = z.looseObject({
  id: z.string(),
  documentNumber: text,
  documentDate: text,
  sourceType: text,
  accountingEntryLines: z.array(z.unknown()).nullish(),
});

export interface EntryResult {
  receivables: { receivable: Receivable; warnings: string[] }[];
  /** Lines (or the whole entry) that cannot be used: quarantined with the reason. */
  quarantined: { sourceId: string; reason: string }[];
}

export function entryToReceivables(raw: unknown, ctx: SageActiveMappingContext): EntryResult {
  const out: EntryResult = { receivables: [], quarantined: [] };
  const wire = SageAccountingEntryWireSchema.safeParse(raw);
  const entryId =
    typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'string'
      ? (raw as { id: string }).id
      : '(no id)';
  const label = `AccountingEntry ${entryId.length <= 64 ? entryId : '(no id)'}`;
  if (!wire.success || !SAGE_ID.test(wire.data.id)) {
    out.quarantined.push({
      sourceId: `${ctx.organizationId}:AccountingEntry:${entryId.slice(0, 64)}`,
      reason: `${label}: ${wire.success ? 'id is not a Sage id' : describe(wire.error)}`,
    });
    return out;
  }
  const e = wire.data;
  // §2.3: the sales module's own entries are read as sales invoices.
  if (e.sourceType === 'SALES') return out;
  for (const rawLine of e.accountingEntryLines ?? []) {
    const parsed = LineWire.safeParse(rawLine);
    if (!parsed.success) {
      const lineId =
        typeof rawLine === 'object' && rawLine !== null && typeof (rawLine as { id?: unknown }).id === 'string'
          ? (rawLine as { id: string }).id.slice(0, 64)
          : '(no id)';
      out.quarantined.push({
        sourceId: entryLineIds.sourceId(ctx, e.id, lineId),
        reason: `${label} line ${lineId}: ${describe(parsed.error)}`,
      });
      continue;
    }
    const line = parsed.data;
    const party = line.accountingEntryThirdParty;
    const invoice = line.accountingEntryInvoice;
    // Only customer lines carrying an invoice are receivables; revenue and VAT lines are not.
    if (party?.origin !== 'CUSTOMER' || !invoice) continue;
    const sourceId = entryLineIds.sourceId(ctx, e.id, line.id);
    const bad = (why: string) => out.quarantined.push({ sourceId, reason: `${label} line ${line.id}: ${why}` });
    if (!SAGE_ID.test(line.id)) {
      bad('id is not a Sage id');
      continue;
    }
    if (party.thirdPartyId === undefined || !SAGE_ID.test(party.thirdPartyId)) {
      bad('accountingEntryThirdParty.thirdPartyId is missing or not a Sage id');
      continue;
    }
    const number = invoice.externalInvoiceNumber ?? e.documentNumber;
    if (number === undefined) {
      bad('accountingEntryInvoice.externalInvoiceNumber and documentNumber are both missing');
      continue;
    }
    const issueDate = dateOf(invoice.documentDate) ?? dateOf(e.documentDate);
    if (issueDate === undefined) {
      bad('accountingEntryInvoice.documentDate is missing or not a date');
      continue;
    }
    const debit = line.debit ?? 0;
    const credit = line.credit ?? 0;
    const amount = invoice.amount ?? Math.abs(debit - credit);
    const total = toMinor(Math.abs(amount), ctx.currency);
    if (typeof total === 'string') {
      bad(`accountingEntryInvoice.amount ${total}`);
      continue;
    }
    let open = 0;
    let due: string | undefined;
    let refused: string | undefined;
    const items = invoice.openItems ?? [];
    for (const item of items) {
      if (!UNSETTLED.has(item.status ?? '')) continue;
      const a = toMinor(Math.abs(item.amount), ctx.currency);
      const p = toMinor(Math.abs(item.paidAmountAccumulated ?? 0), ctx.currency);
      if (typeof a === 'string' || typeof p === 'string') {
        refused = `openItems ${item.id}: an amount ${typeof a === 'string' ? a : p}`;
        break;
      }
      if (p > a) {
        refused = `openItems ${item.id}: paidAmountAccumulated is more than amount`;
        break;
      }
      open += a - p;
      const itemDue = dateOf(item.dueDate);
      if (itemDue !== undefined && a > p && (due === undefined || itemDue < due)) due = itemDue;
    }
    if (refused) {
      bad(refused);
      continue;
    }
    if (open > total) {
      bad('its open items add up to more than accountingEntryInvoice.amount');
      continue;
    }
    const candidate = {
      id: entryLineIds.line(ctx, e.id, line.id),
      source: { system: SAGE_ACTIVE_SYSTEM, connection: ctx.connection, id: sourceId },
      kind: credit > debit ? ('credit_note' as const) : ('invoice' as const),
      number,
      debtorId: sageIds.customer(ctx, party.thirdPartyId),
      companyId: sageIds.company(ctx),
      issueDate,
      dueDate: due ?? issueDate,
      currency: ctx.currency,
      total,
      open,
    };
    const checked = ReceivableSchema.safeParse(withContentVersion(candidate));
    if (!checked.success) {
      bad(describe(checked.error));
      continue;
    }
    out.receivables.push({
      receivable: checked.data,
      warnings: items.length === 0 ? [`${label} line ${line.id}: no open items: nothing is taken as open`] : [],
    });
  }
  return out;
}

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'record'}: ${i.message}`).join('; ');
}
