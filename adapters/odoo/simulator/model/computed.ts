import { attachmentDatas } from './invoice-pdf';
import { RATE_PER_EUR } from './seed';
import type { Table } from './table';

/** What computed fields need from the database around them. */
export interface ComputeContext {
  displayName(model: string, id: number): string;
  /** Active child contacts of a partner (res.partner.child_ids). */
  children(partnerId: number): readonly number[];
  /** Today as a day number, from the injected clock. */
  today(): number;
  round(amount: number, currencyId: number): number;
}

const DRAFT_LABELS: Readonly<Record<string, string>> = {
  out_invoice: 'Draft Invoice',
  out_refund: 'Draft Credit Note',
  in_invoice: 'Draft Bill',
  in_refund: 'Draft Vendor Credit Note',
  out_receipt: 'Draft Sales Receipt',
  in_receipt: 'Draft Purchase Receipt',
  entry: 'Draft Entry',
};

/** Fields derived on read instead of stored, so that writes elsewhere can never leave them stale. */
export function installComputedFields(tables: ReadonlyMap<string, Table>, ctx: ComputeContext): void {
  const table = (name: string): Table => tables.get(name)!;
  for (const t of tables.values()) {
    t.computed.set('display_name', t.fields.has('name') ? t.reader('name') : (row) => `${t.name},${t.idOf(row)}`);
    if (t.fields.has('__last_update')) t.computed.set('__last_update', t.reader('write_date'));
  }

  const moves = table('account.move');
  const companies = table('res.company');
  // AccountMove._get_move_display_name: a draft without number shows as "Draft Invoice (* 16)".
  moves.computed.set('display_name', (row) => {
    const name = moves.get(row, 'name') as string | null;
    if (moves.get(row, 'state') !== 'draft') return name ?? '/';
    const label = DRAFT_LABELS[moves.get(row, 'move_type') as string] ?? 'Draft Entry';
    return !name || name === '/' ? `${label} (* ${moves.idOf(row)})` : `${label} ${name}`;
  });
  const companyCurrency = (row: number): number =>
    companies.get(companies.rowOf(moves.get(row, 'company_id') as number), 'currency_id') as number;
  moves.computed.set('company_currency_id', companyCurrency);
  // erp-apis.md §1.5: *_signed amounts are in company currency and negative for credit notes.
  const signed = (field: string) => (row: number) => {
    const amount = moves.get(row, field) as number;
    const from = moves.get(row, 'currency_id') as number;
    const to = companyCurrency(row);
    const converted = ctx.round((amount / (RATE_PER_EUR[from] ?? 1)) * (RATE_PER_EUR[to] ?? 1), to);
    const type = moves.get(row, 'move_type');
    const sign = type === 'out_refund' || type === 'in_refund' ? -1 : 1;
    return converted === 0 ? 0 : sign * converted;
  };
  moves.computed.set('amount_total_signed', signed('amount_total'));
  moves.computed.set('amount_residual_signed', signed('amount_residual'));

  const partners = table('res.partner');
  // res.partner._compute_display_name: a contact shows as "Company, Contact".
  const partnerName = (row: number): string => {
    const own = (partners.get(row, 'name') as string | null) ?? '';
    const parent = partners.get(row, 'parent_id') as number | null;
    if (parent === null || partners.get(row, 'is_company') === true) return own;
    const parentRow = partners.rowOf(parent);
    const company = parentRow >= 0 ? ((partners.get(parentRow, 'name') as string | null) ?? '') : '';
    return company ? `${company}, ${own}` : own;
  };
  partners.computed.set('display_name', partnerName);
  partners.computed.set('complete_name', partnerName);
  partners.computed.set('company_type', (row) => (partners.get(row, 'is_company') === true ? 'company' : 'person'));
  partners.computed.set('child_ids', (row) => ctx.children(partners.idOf(row)));

  const activities = table('mail.activity');
  activities.computed.set('res_name', (row) =>
    ctx.displayName(activities.get(row, 'res_model') as string, activities.get(row, 'res_id') as number),
  );
  // mail.activity.state compares the deadline with today (Odoo uses the user's timezone; we use UTC).
  activities.computed.set('state', (row) => {
    const diff = (activities.get(row, 'date_deadline') as number) - ctx.today();
    return diff < 0 ? 'overdue' : diff === 0 ? 'today' : 'planned';
  });
  activities.computed.set('display_name', (row) => {
    const summary = activities.get(row, 'summary');
    return typeof summary === 'string'
      ? summary
      : ctx.displayName('mail.activity.type', activities.get(row, 'activity_type_id') as number);
  });
  table('ir.attachment').computed.set(
    'datas',
    attachmentDatas(table('ir.attachment'), moves, (model, id) => ctx.displayName(model, id)),
  );
  const messages = table('mail.message');
  messages.computed.set(
    'display_name',
    (row) => messages.get(row, 'subject') ?? messages.get(row, 'record_name') ?? '',
  );
}
