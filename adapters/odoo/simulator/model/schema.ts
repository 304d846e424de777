import { recouvraStatusMoveFields, recouvraStatusPartnerFields } from './recouvra-status';
import { major, type FieldDef, type FieldType, type ModelDef, type OdooVersion, type Selection } from './types';

/**
 * The models and fields the simulator serves, per Odoo version. Only what a receivables connector
 * reads or writes is modelled; fields_get reports exactly these, so an adapter that probes fields at
 * connect time sees the same differences it would see on a real server.
 *
 * Version differences (each also listed in the simulator's report):
 * - account.move.payment_state gains `blocked` in 18.0 (erp-apis.md §1.5, OpenUpgrade 18.0.1.3).
 * - account.move `_order` gains `invoice_date desc` in 17.0 (erp-apis.md §1.6, OpenUpgrade 17.0.1.2).
 * - res.partner.siret and res.company.siret only with l10n_fr installed (`ModelOptions.l10nFr`): the 18.0
 *   captures come from a database without it and have no siret (erp-apis.md §1.5: the field is l10n_fr's).
 *   [UNVERIFIED] that l10n_fr still adds it on 16.0, 17.0 and 19.0.
 * - res.partner.company_registry on every version: [UNVERIFIED] for 16.0 (erp-apis.md §1.5).
 * - `__last_update` magic field only on 16.0: [UNVERIFIED] from the 17.0 ORM changelog as we recall it.
 * Options can still drop any field (`omitFields`) to test other combinations.
 */

type Extra = Partial<Omit<FieldDef, 'name' | 'type' | 'string'>>;

/** Modules that change the models, per database. */
export interface ModelOptions {
  /** l10n_fr (French localisation) installed: adds `siret` to partners and companies. */
  readonly l10nFr: boolean;
  /** The Recouvra addon `recouvra_status` installed: adds its recovery fields to invoices and partners. */
  readonly recouvraStatus?: boolean;
}

function f(name: string, type: FieldType, string: string, extra: Extra = {}): FieldDef {
  return { name, type, string, store: !extra.computed, ...extra };
}

function m2o(name: string, relation: string, string: string, extra: Extra = {}): FieldDef {
  return f(name, 'many2one', string, { relation, ...extra });
}

function sel(name: string, string: string, selection: Selection, extra: Extra = {}): FieldDef {
  return f(name, 'selection', string, { selection, ...extra });
}

function magic(version: OdooVersion): FieldDef[] {
  const fields = [
    f('id', 'integer', 'ID', { readonly: true }),
    f('display_name', 'char', 'Display Name', { readonly: true, computed: true }),
    f('create_date', 'datetime', 'Created on', { readonly: true }),
    m2o('create_uid', 'res.users', 'Created by', { readonly: true }),
    f('write_date', 'datetime', 'Last Updated on', { readonly: true }),
    m2o('write_uid', 'res.users', 'Last Updated by', { readonly: true }),
  ];
  if (major(version) === 16)
    fields.push(f('__last_update', 'datetime', 'Last Modified on', { readonly: true, computed: true }));
  return fields;
}

export const MOVE_TYPES: Selection = [
  ['entry', 'Journal Entry'],
  ['out_invoice', 'Customer Invoice'],
  ['out_refund', 'Customer Credit Note'],
  ['in_invoice', 'Vendor Bill'],
  ['in_refund', 'Vendor Credit Note'],
  ['out_receipt', 'Sales Receipt'],
  ['in_receipt', 'Purchase Receipt'],
];

export const MOVE_STATES: Selection = [
  ['draft', 'Draft'],
  ['posted', 'Posted'],
  ['cancel', 'Cancelled'],
];

/**
 * erp-apis.md §1.5: the 16/17 keys; 18.0 adds `blocked` (OpenUpgrade 18.0.1.3), before
 * `invoicing_legacy` (v18-46). 19.0 keeps the 18.0 list [UNVERIFIED order].
 */
export function paymentStates(version: OdooVersion): Selection {
  return [
    ['not_paid', 'Not Paid'],
    ['in_payment', 'In Payment'],
    ['paid', 'Paid'],
    ['partial', 'Partially Paid'],
    ['reversed', 'Reversed'],
    ...(major(version) >= 18 ? [['blocked', 'Blocked'] as const] : []),
    ['invoicing_legacy', 'Invoicing App Legacy'],
  ];
}

/** Languages installed in the simulated database. */
export const LANGS: Selection = [
  ['en_US', 'English (US)'],
  ['fr_FR', 'French / Français'],
  ['de_CH', 'German (CH) / Deutsch (CH)'],
];

export const MESSAGE_TYPES: Selection = [
  ['email', 'Incoming Email'],
  ['comment', 'Comment'],
  ['notification', 'System notification'],
  ['user_notification', 'User Specific Notification'],
];

/**
 * erp-apis.md §1.6: `'date desc, name desc, id desc'` before 17.0, then
 * `'date desc, name desc, invoice_date desc, id desc'`.
 */
export function moveOrder(version: OdooVersion): string {
  return major(version) >= 17 ? 'date desc, name desc, invoice_date desc, id desc' : 'date desc, name desc, id desc';
}

function accountMove(version: OdooVersion, options: ModelOptions): ModelDef {
  return {
    name: 'account.move',
    description: 'Journal Entry',
    order: moveOrder(version),
    mailThread: true,
    // fields_get lists fields in this order: invoice_date_due, commercial_partner_id, amount_residual,
    // payment_state come in the order a real 18.0 gave (v18-45); the rest of the order is ours [UNVERIFIED].
    fields: [
      ...magic(version),
      f('name', 'char', 'Number'),
      f('ref', 'char', 'Reference'),
      sel('move_type', 'Type', MOVE_TYPES, { required: true }),
      sel('state', 'Status', MOVE_STATES, { required: true }),
      f('date', 'date', 'Date', { required: true }),
      f('invoice_date', 'date', 'Invoice/Bill Date'),
      f('invoice_date_due', 'date', 'Due Date'),
      m2o('partner_id', 'res.partner', 'Partner'),
      m2o('commercial_partner_id', 'res.partner', 'Commercial Entity', { readonly: true }),
      f('amount_total', 'monetary', 'Total', { readonly: true, currencyField: 'currency_id' }),
      f('amount_residual', 'monetary', 'Amount Due', { readonly: true, currencyField: 'currency_id' }),
      f('amount_total_signed', 'monetary', 'Total Signed', {
        readonly: true,
        computed: true,
        store: true,
        currencyField: 'company_currency_id',
      }),
      f('amount_residual_signed', 'monetary', 'Amount Due Signed', {
        readonly: true,
        computed: true,
        store: true,
        currencyField: 'company_currency_id',
      }),
      sel('payment_state', 'Payment Status', paymentStates(version), { readonly: true }),
      m2o('currency_id', 'res.currency', 'Currency', { required: true }),
      m2o('company_currency_id', 'res.currency', 'Company Currency', { readonly: true, computed: true }),
      m2o('company_id', 'res.company', 'Company', { required: true }),
      m2o('reversed_entry_id', 'account.move', 'Reversal of', { readonly: true }),
      f('invoice_origin', 'char', 'Origin'),
      f('narration', 'html', 'Terms and Conditions'),
      ...(options.recouvraStatus ? recouvraStatusMoveFields() : []),
    ],
  };
}

function resPartner(version: OdooVersion, options: ModelOptions): ModelDef {
  const fields: FieldDef[] = [
    ...magic(version),
    f('name', 'char', 'Name'),
    f('complete_name', 'char', 'Complete Name', { readonly: true, computed: true, store: true }),
    f('is_company', 'boolean', 'Is a Company'),
    sel(
      'company_type',
      'Company Type',
      [
        ['person', 'Individual'],
        ['company', 'Company'],
      ],
      { computed: true },
    ),
    m2o('parent_id', 'res.partner', 'Related Company'),
    m2o('commercial_partner_id', 'res.partner', 'Commercial Entity', { readonly: true }),
    f('child_ids', 'one2many', 'Contact', { relation: 'res.partner', computed: true }),
    sel('type', 'Address Type', [
      ['contact', 'Contact'],
      ['invoice', 'Invoice Address'],
      ['delivery', 'Delivery Address'],
      ['other', 'Other Address'],
    ]),
    f('ref', 'char', 'Reference'),
    f('vat', 'char', 'Tax ID'),
    f('company_registry', 'char', 'Company ID'),
    f('email', 'char', 'Email'),
    f('phone', 'char', 'Phone'),
    f('street', 'char', 'Street'),
    f('street2', 'char', 'Street2'),
    f('zip', 'char', 'Zip'),
    f('city', 'char', 'City'),
    m2o('country_id', 'res.country', 'Country'),
    sel('lang', 'Language', LANGS),
    f('active', 'boolean', 'Active'),
    f('customer_rank', 'integer', 'Customer Rank'),
    m2o('company_id', 'res.company', 'Company'),
  ];
  if (options.l10nFr)
    fields.push(f('siret', 'char', 'SIRET', { help: 'The SIRET number (l10n_fr) [UNVERIFIED per version]' }));
  if (options.recouvraStatus) fields.push(...recouvraStatusPartnerFields());
  return { name: 'res.partner', description: 'Contact', order: 'complete_name ASC, id DESC', mailThread: true, fields };
}

function resCompany(version: OdooVersion, options: ModelOptions): ModelDef {
  const fields: FieldDef[] = [
    ...magic(version),
    f('name', 'char', 'Company Name', { required: true }),
    m2o('partner_id', 'res.partner', 'Partner', { required: true }),
    m2o('currency_id', 'res.currency', 'Currency', { required: true }),
    m2o('country_id', 'res.country', 'Country'),
    f('vat', 'char', 'Tax ID'),
    f('company_registry', 'char', 'Company ID'),
    f('email', 'char', 'Email'),
    f('phone', 'char', 'Phone'),
    f('street', 'char', 'Street'),
    f('zip', 'char', 'Zip'),
    f('city', 'char', 'City'),
    f('sequence', 'integer', 'Sequence'),
    f('active', 'boolean', 'Active'),
  ];
  if (options.l10nFr) fields.push(f('siret', 'char', 'SIRET'));
  return { name: 'res.company', description: 'Companies', order: 'sequence, name', fields };
}

function resCurrency(version: OdooVersion): ModelDef {
  return {
    name: 'res.currency',
    description: 'Currency',
    order: 'active desc, name',
    fields: [
      ...magic(version),
      f('name', 'char', 'Currency', { required: true }),
      f('full_name', 'char', 'Name'),
      f('symbol', 'char', 'Symbol', { required: true }),
      f('rounding', 'float', 'Rounding Factor'),
      f('decimal_places', 'integer', 'Decimal Places', { readonly: true }),
      sel('position', 'Symbol Position', [
        ['after', 'After Amount'],
        ['before', 'Before Amount'],
      ]),
      f('active', 'boolean', 'Active'),
    ],
  };
}

function resCountry(version: OdooVersion): ModelDef {
  return {
    name: 'res.country',
    description: 'Country',
    order: 'name',
    fields: [
      ...magic(version),
      f('name', 'char', 'Country Name', { required: true }),
      f('code', 'char', 'Country Code'),
    ],
  };
}

function resUsers(version: OdooVersion): ModelDef {
  return {
    name: 'res.users',
    description: 'User',
    order: 'name, login',
    fields: [
      ...magic(version),
      f('name', 'char', 'Name'),
      f('login', 'char', 'Login', { required: true }),
      m2o('partner_id', 'res.partner', 'Related Partner', { required: true }),
      m2o('company_id', 'res.company', 'Company', { required: true }),
      f('company_ids', 'many2many', 'Companies', { relation: 'res.company' }),
      sel('lang', 'Language', LANGS),
      f('tz', 'char', 'Timezone'),
      f('share', 'boolean', 'Share User', { readonly: true }),
      f('active', 'boolean', 'Active'),
    ],
  };
}

function irModel(version: OdooVersion): ModelDef {
  return {
    name: 'ir.model',
    description: 'Models',
    order: 'model',
    fields: [
      ...magic(version),
      f('model', 'char', 'Model', { required: true }),
      f('name', 'char', 'Model Description', { required: true }),
      sel('state', 'Type', [
        ['manual', 'Custom Object'],
        ['base', 'Base Object'],
      ]),
      f('transient', 'boolean', 'Transient Model'),
    ],
  };
}

function mailMessageSubtype(version: OdooVersion): ModelDef {
  return {
    name: 'mail.message.subtype',
    description: 'Message subtypes',
    order: 'sequence, id',
    fields: [
      ...magic(version),
      f('name', 'char', 'Message Type', { required: true }),
      f('description', 'text', 'Description'),
      f('internal', 'boolean', 'Internal Only'),
      f('sequence', 'integer', 'Sequence'),
    ],
  };
}

function mailMessage(version: OdooVersion): ModelDef {
  return {
    name: 'mail.message',
    description: 'Message',
    order: 'id desc',
    fields: [
      ...magic(version),
      f('model', 'char', 'Related Document Model'),
      f('res_id', 'integer', 'Related Document ID'),
      f('record_name', 'char', 'Message Record Name', { readonly: true }),
      f('subject', 'char', 'Subject'),
      f('body', 'html', 'Contents'),
      sel('message_type', 'Type', MESSAGE_TYPES, { required: true }),
      m2o('subtype_id', 'mail.message.subtype', 'Subtype'),
      m2o('author_id', 'res.partner', 'Author'),
      f('date', 'datetime', 'Date'),
    ],
  };
}

function mailActivityType(version: OdooVersion): ModelDef {
  return {
    name: 'mail.activity.type',
    description: 'Activity Type',
    order: 'sequence, id',
    fields: [
      ...magic(version),
      f('name', 'char', 'Name', { required: true }),
      sel('category', 'Action', [
        ['default', 'None'],
        ['upload_file', 'Upload Document'],
        ['phonecall', 'Phonecall'],
      ]),
      f('delay_count', 'integer', 'Schedule'),
      f('res_model', 'char', 'Model'),
      f('sequence', 'integer', 'Sequence'),
      f('active', 'boolean', 'Active'),
    ],
  };
}

function mailActivity(version: OdooVersion): ModelDef {
  return {
    name: 'mail.activity',
    description: 'Activity',
    order: 'date_deadline ASC, id ASC',
    fields: [
      ...magic(version),
      m2o('res_model_id', 'ir.model', 'Document Model', { required: true }),
      f('res_model', 'char', 'Related Document Model', { readonly: true }),
      f('res_id', 'integer', 'Related Document ID', { required: true }),
      f('res_name', 'char', 'Document Name', { readonly: true, computed: true }),
      m2o('activity_type_id', 'mail.activity.type', 'Activity Type'),
      f('summary', 'char', 'Summary'),
      f('note', 'html', 'Note'),
      f('date_deadline', 'date', 'Due Date', { required: true }),
      m2o('user_id', 'res.users', 'Assigned to'),
      sel(
        'state',
        'State',
        [
          ['overdue', 'Overdue'],
          ['today', 'Today'],
          ['planned', 'Planned'],
        ],
        { computed: true },
      ),
    ],
  };
}

/**
 * Files attached to records. `datas` is base64 and, as in Odoo, not stored: it is computed from
 * `db_datas` (written through `datas`) or, for the seeded invoice PDFs, rendered from the invoice.
 */
function irAttachment(version: OdooVersion): ModelDef {
  return {
    name: 'ir.attachment',
    description: 'Attachment',
    order: 'id desc',
    fields: [
      ...magic(version),
      f('name', 'char', 'Name', { required: true }),
      f('res_model', 'char', 'Resource Model'),
      f('res_id', 'integer', 'Resource ID'),
      f('mimetype', 'char', 'Mime Type'),
      f('datas', 'binary', 'File Content (base64)', { computed: true }),
      f('db_datas', 'binary', 'Database Data'),
    ],
  };
}

export const MODEL_NAMES = [
  'account.move',
  'res.partner',
  'res.company',
  'res.currency',
  'res.country',
  'res.users',
  'ir.model',
  'mail.message',
  'mail.message.subtype',
  'mail.activity',
  'mail.activity.type',
  'ir.attachment',
] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export function modelDefs(version: OdooVersion, options: ModelOptions): ModelDef[] {
  return [
    accountMove(version, options),
    resPartner(version, options),
    resCompany(version, options),
    resCurrency(version),
    resCountry(version),
    resUsers(version),
    irModel(version),
    mailMessage(version),
    mailMessageSubtype(version),
    mailActivity(version),
    mailActivityType(version),
    irAttachment(version),
  ];
}
