import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  decodeMethodCall,
  decodeMethodResponse,
  encodeFault,
  encodeMethodCall,
  encodeMethodResponse,
  isXmlRpcDouble,
  numericValue,
  pythonFloatRepr,
  xmlDouble,
  XmlRpcDouble,
  XmlRpcMarshalError,
  XmlRpcProtocolError,
  type DecodedMethodResponse,
  type OdooFlavour,
  type XmlRpcValue,
} from '../../../adapters/odoo/xmlrpc';

// A copy of shared/reference/odoo-xmlrpc-samples, so the tests need nothing outside the repository.
const SAMPLES_DIR = path.join(__dirname, '../../../adapters/odoo/fixtures/xmlrpc-captures');

function sampleText(file: string): string {
  return fs.readFileSync(path.join(SAMPLES_DIR, file), 'utf8');
}

function sampleBytes(file: string): Buffer {
  return fs.readFileSync(path.join(SAMPLES_DIR, file));
}

/** Struct member `name` of `value`, failing the test when `value` is not a struct. */
function member(value: XmlRpcValue | undefined, name: string): XmlRpcValue | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof XmlRpcDouble) {
    throw new Error(`expected a struct holding "${name}", got ${JSON.stringify(value)}`);
  }
  return (value as Record<string, XmlRpcValue>)[name];
}

function item(value: XmlRpcValue | undefined, index: number): XmlRpcValue | undefined {
  if (!Array.isArray(value)) throw new Error(`expected an array, got ${JSON.stringify(value)}`);
  return (value as XmlRpcValue[])[index];
}

function result(response: DecodedMethodResponse): XmlRpcValue {
  if (response.kind !== 'result') throw new Error(`expected a result, got fault ${response.code}: ${response.message}`);
  return response.value;
}

/** What differs between the two servers' captures of the same scenario. */
const SERVER = {
  '16': {
    db: 'recouvra_test',
    newInvoice: 16,
    messageId: 202,
    usdId: 2,
    email: 'deco.addict82@example.com',
    paidResidual: 245,
    paidTotal: 345,
    firstResidual: 36512.5,
  },
  '18': {
    db: 'recouvra_test18',
    newInvoice: 25,
    messageId: 142,
    usdId: 1,
    email: 'deco_addict@yourcompany.example.com',
    paidResidual: 200,
    paidTotal: 300,
    firstResidual: 31750,
  },
} as const;
type Server = (typeof SERVER)[OdooFlavour];

const OPEN_INVOICE_DOMAIN = [
  ['move_type', '=', 'out_invoice'],
  ['state', '=', 'posted'],
  ['payment_state', 'in', ['not_paid', 'partial']],
];
const OPEN_INVOICE_KWARGS = {
  fields: [
    'name',
    'partner_id',
    'invoice_date_due',
    'amount_residual',
    'amount_total',
    'currency_id',
    'payment_state',
    'write_date',
  ],
  order: 'invoice_date_due asc, id asc',
};

interface Scenario {
  request?: { method: string; check(params: XmlRpcValue[], s: Server): void };
  response: { check(response: DecodedMethodResponse, s: Server, flavour: OdooFlavour): void };
}

function expectOpenInvoicesAfterPayment(response: DecodedMethodResponse, s: Server): void {
  const rows = result(response);
  expect((rows as XmlRpcValue[]).map((row) => member(row, 'id'))).toEqual([4, 2, 3, s.newInvoice, 1]);
  const paid = item(rows, 3);
  expect(member(paid, 'name')).toBe('INV/2026/00005');
  expect(member(paid, 'payment_state')).toBe('partial');
  expect(member(paid, 'amount_residual')).toBe(s.paidResidual);
  expect(member(paid, 'amount_total')).toBe(s.paidTotal);
  expect(member(paid, 'currency_id')).toEqual([s.usdId, 'USD']);
}

/** Captures v18-20 to v18-54 (second 18.0 server): database, invoice and shared values. */
const INVOICE_280 = 280;
const ACTIVITY_NOTE = '<p>Relancer le client par téléphone</p>';
const TO_MOVES = { default_res_model: 'account.move' };
const NOTE = { message_type: 'comment', subtype_xmlid: 'mail.mt_note' };
const NO_SENDER_EMAIL = "Unable to send message, please configure the sender's email address.";
const RECOVERY_FIELDS = [
  'payment_state',
  'amount_residual',
  'invoice_date_due',
  'commercial_partner_id',
  'x_recovery_stage',
];

/** execute_kw params of the second 18.0 server; users 8 and 9 sent an API key, redacted in the capture. */
function call18(
  uid: number,
  model: string,
  method: string,
  args: unknown[],
  kwargs?: Record<string, unknown>,
): unknown[] {
  return [
    'recouvra18',
    uid,
    uid === 2 ? 'admin' : 'REDACTED',
    model,
    method,
    args,
    ...(kwargs === undefined ? [] : [kwargs]),
  ];
}

function activityVals(summary: string, userId: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { res_id: INVOICE_280, summary, note: ACTIVITY_NOTE, user_id: userId, date_deadline: '2026-12-11', ...extra };
}

function expectTraceback(response: DecodedMethodResponse, code: number, lastLine: string): void {
  if (response.kind !== 'fault') throw new Error('expected a fault');
  expect(response.code).toBe(code);
  expect(
    response.message.startsWith(
      'Traceback (most recent call last):\n  File "/opt/odoo/odoo/addons/base/controllers/rpc.py", line 165, in xmlrpc_2\n',
    ),
  ).toBe(true);
  expect(response.message.endsWith(`\n${lastLine}\n`)).toBe(true);
}

/** v18-45/46: keys in model definition order, not the order asked; attributes in alphabetical order. */
function expectRecoveryFields(response: DecodedMethodResponse, withSelection: boolean): void {
  const fields = result(response) as Record<string, Record<string, unknown>>;
  expect(Object.keys(fields)).toEqual([
    'invoice_date_due',
    'commercial_partner_id',
    'amount_residual',
    'payment_state',
    'x_recovery_stage',
  ]);
  for (const description of Object.values(fields))
    expect(Object.keys(description)).toEqual([...Object.keys(description)].sort());
  expect(fields['x_recovery_stage']).toEqual({ readonly: false, store: true, string: 'Recovery stage', type: 'char' });
  expect(fields['commercial_partner_id']).toEqual({
    readonly: true,
    store: true,
    string: 'Commercial Entity',
    type: 'many2one',
  });
  const selection = fields['payment_state']!['selection'] as [string, string][] | undefined;
  if (!withSelection) expect(selection).toBeUndefined();
  else
    expect(selection?.map(([key]) => key)).toEqual([
      'not_paid',
      'in_payment',
      'paid',
      'partial',
      'reversed',
      'blocked',
      'invoicing_legacy',
    ]);
}

/** Scenario name (capture file name without `vNN-` and suffix) → expected content. */
const SCENARIOS: Record<string, Scenario> = {
  '01-common-version': {
    request: { method: 'version', check: (params) => expect(params).toEqual([]) },
    response: {
      check: (response, _s, flavour) =>
        expect(result(response)).toEqual({
          server_version: `${flavour}.0`,
          server_version_info: [Number(flavour), 0, 0, 'final', 0, ''],
          server_serie: `${flavour}.0`,
          protocol_version: 1,
        }),
    },
  },
  '02-common-authenticate': {
    request: { method: 'authenticate', check: (params, s) => expect(params).toEqual([s.db, 'admin', 'admin', {}]) },
    response: { check: (response) => expect(result(response)).toBe(2) },
  },
  '02b-common-authenticate-badpassword': {
    request: { method: 'authenticate', check: (params, s) => expect(params).toEqual([s.db, 'admin', 'wrong', {}]) },
    // Bad credentials are a plain False, not a fault.
    response: { check: (response) => expect(result(response)).toBe(false) },
  },
  '03-object-search_read-open-invoices': {
    request: {
      method: 'execute_kw',
      check: (params, s) =>
        expect(params).toEqual([
          s.db,
          2,
          'admin',
          'account.move',
          'search_read',
          [OPEN_INVOICE_DOMAIN],
          OPEN_INVOICE_KWARGS,
        ]),
    },
    response: {
      check: (response, s) => {
        const rows = result(response);
        expect((rows as XmlRpcValue[]).map((row) => member(row, 'id'))).toEqual([4, 2, 3, 1]);
        expect(item(rows, 0)).toEqual({
          id: 4,
          name: 'INV/2026/00004',
          partner_id: [10, 'Deco Addict'],
          invoice_date_due: '2026-11-08',
          amount_residual: s.firstResidual,
          amount_total: s.firstResidual,
          currency_id: [s.usdId, 'USD'],
          payment_state: 'not_paid',
          write_date: s.db === 'recouvra_test' ? '2026-11-23 04:53:11' : '2026-11-23 04:59:18',
        });
      },
    },
  },
  '04-object-search_read-partner': {
    request: {
      method: 'execute_kw',
      check: (params, s) =>
        expect(params).toEqual([
          s.db,
          2,
          'admin',
          'res.partner',
          'search_read',
          [[['name', '=', 'Deco Addict']]],
          { fields: ['id', 'name', 'email'], limit: 1 },
        ]),
    },
    response: {
      check: (response, s) => expect(result(response)).toEqual([{ id: 10, name: 'Deco Addict', email: s.email }]),
    },
  },
  '05-object-create-invoice': {
    request: {
      method: 'execute_kw',
      check: (params) => {
        expect(params.slice(3, 5)).toEqual(['account.move', 'create']);
        const values = item(params[5], 0);
        expect(member(values, 'partner_id')).toBe(10);
        expect(member(values, 'ref')).toBe('RECOUVRA-TEST-1');
        expect(member(values, 'invoice_line_ids')).toEqual([
          [0, 0, { product_id: 16, name: 'Recouvra test line', quantity: 2, price_unit: 150 }],
        ]);
        expect(params[6]).toEqual({});
      },
    },
    response: { check: (response, s) => expect(result(response)).toBe(s.newInvoice) },
  },
  '06-object-action_post': {
    request: {
      method: 'execute_kw',
      check: (params, s) => expect(params.slice(4)).toEqual(['action_post', [[s.newInvoice]], {}]),
    },
    // action_post returns None inside Odoo, yet the wire says False: Odoo maps it before marshalling.
    response: { check: (response) => expect(result(response)).toBe(false) },
  },
  '07-object-message_post': {
    request: {
      method: 'execute_kw',
      check: (params, s) => {
        expect(params[5]).toEqual([[s.newInvoice]]);
        expect(params[6]).toEqual({
          body: 'Relance 1 envoyée par Recouvra (test XML-RPC)',
          message_type: 'comment',
          subtype_xmlid: 'mail.mt_note',
        });
      },
    },
    response: { check: (response, s) => expect(result(response)).toBe(s.messageId) },
  },
  '08-object-create-payment-register': {
    request: {
      method: 'execute_kw',
      check: (params, s) => {
        expect(params.slice(3)).toEqual([
          'account.payment.register',
          'create',
          [{ amount: 100, payment_date: '2026-11-23' }],
          { context: { active_model: 'account.move', active_ids: [s.newInvoice] } },
        ]);
      },
    },
    response: { check: (response) => expect(result(response)).toBe(1) },
  },
  '09-object-action_create_payments': {
    request: {
      method: 'execute_kw',
      check: (params, s) =>
        expect(params.slice(4)).toEqual([
          'action_create_payments',
          [[1]],
          { context: { active_model: 'account.move', active_ids: [s.newInvoice] } },
        ]),
    },
    response: {
      check: (response) =>
        expect(result(response)).toEqual({
          name: 'Payments',
          type: 'ir.actions.act_window',
          res_model: 'account.payment',
          context: { create: false },
          view_mode: 'form',
          res_id: 1,
        }),
    },
  },
  '10-object-search_read-open-invoices-after': {
    request: {
      method: 'execute_kw',
      check: (params, s) =>
        expect(params).toEqual([
          s.db,
          2,
          'admin',
          'account.move',
          'search_read',
          [OPEN_INVOICE_DOMAIN],
          OPEN_INVOICE_KWARGS,
        ]),
    },
    response: { check: expectOpenInvoicesAfterPayment },
  },
  '11-object-fault-access-denied': {
    request: {
      method: 'execute_kw',
      check: (params, s) =>
        expect(params).toEqual([s.db, 2, 'wrong', 'account.move', 'search_count', [OPEN_INVOICE_DOMAIN]]),
    },
    response: { check: (response) => expect(response).toEqual({ kind: 'fault', code: 3, message: 'Access Denied' }) },
  },
  '12-object-fault-bad-field': {
    request: {
      method: 'execute_kw',
      check: (params, s) =>
        expect(params).toEqual([
          s.db,
          2,
          'admin',
          'account.move',
          'search_read',
          [[['no_such_field', '=', 1]]],
          { fields: ['name'] },
        ]),
    },
    response: {
      check: (response) => {
        if (response.kind !== 'fault') throw new Error('expected a fault');
        expect(response.code).toBe(1);
        expect(response.message.startsWith('Traceback (most recent call last):\n  File "/opt/odoo/')).toBe(true);
        // Quotes and the trailing newline of the traceback arrive untouched.
        expect(
          response.message.endsWith(
            "ValueError: Invalid field account.move.no_such_field in leaf ('no_such_field', '=', 1)\n",
          ),
        ).toBe(true);
      },
    },
  },
  // The same search_read sent with curl: the server's answer is byte-identical to scenario 10.
  '13-curl-search_read': { response: { check: expectOpenInvoicesAfterPayment } },
  // Captures v18-20 to v18-54: a second 18.0 server (README of the captures folder), all on invoice 280.
  '20-object-create-activity-kwarg-vals_list': {
    request: {
      method: 'execute_kw',
      check: (params) =>
        expect(params).toEqual(
          call18(2, 'mail.activity', 'create', [], {
            vals_list: [activityVals('Relance 1 (capture)', 2)],
            context: TO_MOVES,
          }),
        ),
    },
    response: { check: (response) => expectTraceback(response, 1, 'IndexError: tuple index out of range') },
  },
  '21-object-create-activity-default_res_model': {
    request: {
      method: 'execute_kw',
      check: (params) =>
        expect(params).toEqual(
          call18(2, 'mail.activity', 'create', [[activityVals('Relance 1 (capture)', 2)]], { context: TO_MOVES }),
        ),
    },
    // A list in, a list out: one id in an array, not a bare int.
    response: { check: (response) => expect(result(response)).toEqual([35]) },
  },
  '22-object-search_read-activity-default_res_model': {
    request: {
      method: 'execute_kw',
      check: (params) =>
        expect(params).toEqual(
          call18(2, 'mail.activity', 'search_read', [[['id', '=', 35]]], {
            fields: ['activity_type_id', 'res_model', 'res_id', 'summary', 'note', 'user_id', 'date_deadline', 'state'],
          }),
        ),
    },
    response: {
      check: (response) =>
        expect(result(response)).toEqual([
          {
            id: 35,
            activity_type_id: [4, 'To-Do'],
            res_model: 'account.move',
            res_id: INVOICE_280,
            summary: 'Relance 1 (capture)',
            note: ACTIVITY_NOTE,
            user_id: [2, 'Mitchell Admin'],
            date_deadline: '2026-12-11',
            state: 'planned',
          },
        ]),
    },
  },
  '23-object-search_read-ir.model-admin': {
    request: {
      method: 'execute_kw',
      check: (params) =>
        expect(params).toEqual(
          call18(2, 'ir.model', 'search_read', [[['model', '=', 'account.move']]], {
            fields: ['id', 'model', 'name'],
            limit: 1,
          }),
        ),
    },
    response: {
      check: (response) =>
        expect(result(response)).toEqual([{ id: 427, model: 'account.move', name: 'Journal Entry' }]),
    },
  },
  '24-object-create-activity-res_model_id': {
    request: {
      method: 'execute_kw',
      check: (params) =>
        expect(params).toEqual(
          call18(2, 'mail.activity', 'create', [[activityVals('Relance 2 (capture)', 2, { res_model_id: 427 })]]),
        ),
    },
    response: { check: (response) => expect(result(response)).toEqual([36]) },
  },
  '25-object-read-activity-res_model_id': {
    request: {
      method: 'execute_kw',
      check: (params) =>
        expect(params).toEqual(
          call18(2, 'mail.activity', 'read', [[36]], {
            fields: ['activity_type_id', 'res_model_id', 'res_model', 'res_id', 'summary'],
          }),
        ),
    },
    response: {
      check: (response) =>
        expect(result(response)).toEqual([
          {
            id: 36,
            activity_type_id: false,
            res_model_id: [427, 'Journal Entry'],
            res_model: 'account.move',
            res_id: INVOICE_280,
            summary: 'Relance 2 (capture)',
          },
        ]),
    },
  },
  '26-object-search_read-ir.model-billing': {
    request: {
      method: 'execute_kw',
      check: (params) =>
        expect(params).toEqual(
          call18(9, 'ir.model', 'search_read', [[['model', '=', 'account.move']]], {
            fields: ['id', 'model', 'name'],
            limit: 1,
          }),
        ),
    },
    response: {
      check: (response) =>
        expect(response).toEqual({
          kind: 'fault',
          code: 4,
          message:
            "You are not allowed to access 'Models' (ir.model) records.\n\nThis operation is allowed for the following groups:\n\t- Administration/Access Rights\n\n" +
            'Contact your administrator to request access if necessary.',
        }),
    },
  },
  '27-object-create-activity-default_res_model-billing': {
    request: {
      method: 'execute_kw',
      check: (params) =>
        expect(params).toEqual(
          call18(9, 'mail.activity', 'create', [[activityVals('Relance 3 (capture, billing)', 2)]], {
            context: TO_MOVES,
          }),
        ),
    },
    response: { check: (response) => expect(response).toEqual({ kind: 'fault', code: 2, message: NO_SENDER_EMAIL }) },
  },
  '28-object-create-activity-res_model_id-billing': {
    request: {
      method: 'execute_kw',
      check: (params) =>
        expect(params).toEqual(
          call18(9, 'mail.activity', 'create', [
            [activityVals('Relance 4 (capture, billing)', 2, { res_model_id: 427 })],
          ]),
        ),
    },
    response: { check: (response) => expect(response).toEqual({ kind: 'fault', code: 2, message: NO_SENDER_EMAIL }) },
  },
  '29-object-search_count-invoices-noacc': {
    request: {
      method: 'execute_kw',
      check: (params) => expect(params).toEqual(call18(8, 'account.move', 'search_count', [OPEN_INVOICE_DOMAIN])),
    },
    response: {
      check: (response) =>
        expect(response).toEqual({
          kind: 'fault',
          code: 4,
          message:
            "You are not allowed to access 'Journal Entry' (account.move) records.\n\nThis operation is allowed for the following groups:\n" +
            '\t- Invoicing/Administrator\n\t- Invoicing/Invoicing\n\t- Technical/Show Accounting Features - Readonly\n\t- User types/Portal\n\n' +
            'Contact your administrator to request access if necessary.',
        }),
    },
  },
  '33-object-read-missing-id': {
    request: {
      method: 'execute_kw',
      check: (params) =>
        expect(params).toEqual(call18(2, 'account.move', 'read', [[99999999]], { fields: ['name', 'state'] })),
    },
    response: { check: (response) => expect(result(response)).toEqual([]) },
  },
  '34-object-read-bad-field': {
    request: {
      method: 'execute_kw',
      check: (params) =>
        expect(params).toEqual(
          call18(2, 'account.move', 'read', [[INVOICE_280]], { fields: ['name', 'no_such_field'] }),
        ),
    },
    response: {
      check: (response) =>
        expectTraceback(response, 1, "ValueError: Invalid field 'no_such_field' on model 'account.move'"),
    },
  },
  '35-object-message_post-plain-text': {
    request: {
      method: 'execute_kw',
      check: (params) =>
        expect(params).toEqual(
          call18(2, 'account.move', 'message_post', [[INVOICE_280]], { body: 'a < b & "c"', ...NOTE }),
        ),
    },
    response: { check: (response) => expect(result(response)).toBe(909) },
  },
  '36-object-message_post-body_is_html': {
    request: {
      method: 'execute_kw',
      check: (params) =>
        expect(params).toEqual(
          call18(2, 'account.move', 'message_post', [[INVOICE_280]], {
            body: '<p>x&nbsp;y</p>',
            body_is_html: true,
            ...NOTE,
          }),
        ),
    },
    response: { check: (response) => expect(result(response)).toBe(910) },
  },
  '37-object-search_read-message-plain-text': {
    request: {
      method: 'execute_kw',
      check: (params) =>
        expect(params).toEqual(call18(2, 'mail.message', 'search_read', [[['id', '=', 909]]], { fields: ['body'] })),
    },
    // Escaped (<, > and & only: the quotes stay) and wrapped in a paragraph.
    response: {
      check: (response) => expect(result(response)).toEqual([{ id: 909, body: '<p>a &lt; b &amp; "c"</p>' }]),
    },
  },
  '38-object-search_read-message-body_is_html': {
    request: {
      method: 'execute_kw',
      check: (params) =>
        expect(params).toEqual(call18(2, 'mail.message', 'search_read', [[['id', '=', 910]]], { fields: ['body'] })),
    },
    response: { check: (response) => expect(result(response)).toEqual([{ id: 910, body: '<p>x&nbsp;y</p>' }]) },
  },
  '39-object-search_read-ir.model.fields-x_recovery_stage': {
    request: {
      method: 'execute_kw',
      check: (params) =>
        expect(params).toEqual(
          call18(
            2,
            'ir.model.fields',
            'search_read',
            [
              [
                ['model', '=', 'account.move'],
                ['name', '=', 'x_recovery_stage'],
              ],
            ],
            { fields: ['name', 'ttype', 'state', 'field_description', 'model_id'] },
          ),
        ),
    },
    response: {
      check: (response) =>
        expect(result(response)).toEqual([
          {
            id: 5890,
            name: 'x_recovery_stage',
            ttype: 'char',
            state: 'manual',
            field_description: 'Recovery stage',
            model_id: [427, 'Journal Entry'],
          },
        ]),
    },
  },
  '40-object-create-ir.model.fields-duplicate': {
    request: {
      method: 'execute_kw',
      check: (params) =>
        expect(params).toEqual(
          call18(2, 'ir.model.fields', 'create', [
            [{ model_id: 427, name: 'x_recovery_stage', ttype: 'char', field_description: 'Recovery stage' }],
          ]),
        ),
    },
    response: {
      check: (response) =>
        expect(response).toEqual({
          kind: 'fault',
          code: 2,
          message: 'The operation cannot be completed: Field names must be unique per model.',
        }),
    },
  },
  '41-object-write-x_recovery_stage-set': {
    request: {
      method: 'execute_kw',
      check: (params) =>
        expect(params).toEqual(call18(2, 'account.move', 'write', [[INVOICE_280], { x_recovery_stage: 'relance_1' }])),
    },
    response: { check: (response) => expect(result(response)).toBe(true) },
  },
  '42-object-read-write_date-before': {
    request: {
      method: 'execute_kw',
      check: (params) =>
        expect(params).toEqual(
          call18(2, 'account.move', 'read', [[INVOICE_280]], { fields: ['x_recovery_stage', 'write_date'] }),
        ),
    },
    response: {
      check: (response) =>
        expect(result(response)).toEqual([
          { id: INVOICE_280, x_recovery_stage: 'relance_1', write_date: '2026-12-04 22:48:26' },
        ]),
    },
  },
  '43-object-write-x_recovery_stage-same-value': {
    request: {
      method: 'execute_kw',
      check: (params) =>
        expect(params).toEqual(call18(2, 'account.move', 'write', [[INVOICE_280], { x_recovery_stage: 'relance_1' }])),
    },
    response: { check: (response) => expect(result(response)).toBe(true) },
  },
  '44-object-read-write_date-after': {
    request: {
      method: 'execute_kw',
      check: (params) =>
        expect(params).toEqual(
          call18(2, 'account.move', 'read', [[INVOICE_280]], { fields: ['x_recovery_stage', 'write_date'] }),
        ),
    },
    // The same value written again still moved write_date.
    response: {
      check: (response) =>
        expect(result(response)).toEqual([
          { id: INVOICE_280, x_recovery_stage: 'relance_1', write_date: '2026-12-04 22:48:31' },
        ]),
    },
  },
  '45-object-fields_get-recovery-fields': {
    request: {
      method: 'execute_kw',
      check: (params) =>
        expect(params).toEqual(
          call18(2, 'account.move', 'fields_get', [], {
            allfields: RECOVERY_FIELDS,
            attributes: ['type', 'string', 'readonly', 'store'],
          }),
        ),
    },
    response: { check: (response) => expectRecoveryFields(response, false) },
  },
  '46-object-fields_get-recovery-fields-selection': {
    request: {
      method: 'execute_kw',
      check: (params) =>
        expect(params).toEqual(
          call18(2, 'account.move', 'fields_get', [], {
            allfields: RECOVERY_FIELDS,
            attributes: ['type', 'string', 'readonly', 'store', 'selection'],
          }),
        ),
    },
    response: { check: (response) => expectRecoveryFields(response, true) },
  },
  '47-object-action_toggle_block_payment': {
    request: {
      method: 'execute_kw',
      check: (params) =>
        expect(params).toEqual(call18(2, 'account.move', 'action_toggle_block_payment', [[INVOICE_280]])),
    },
    response: {
      check: (response) => expectTraceback(response, 1, 'TypeError: cannot marshal None unless allow_none is enabled'),
    },
  },
  '48-object-read-payment_state-after-toggle': {
    request: {
      method: 'execute_kw',
      check: (params) =>
        expect(params).toEqual(
          call18(2, 'account.move', 'read', [[INVOICE_280]], { fields: ['state', 'payment_state'] }),
        ),
    },
    response: {
      check: (response) =>
        expect(result(response)).toEqual([{ id: INVOICE_280, state: 'posted', payment_state: 'blocked' }]),
    },
  },
  '49-object-button_cancel': {
    request: {
      method: 'execute_kw',
      check: (params) => expect(params).toEqual(call18(2, 'account.move', 'button_cancel', [[INVOICE_280]])),
    },
    response: {
      check: (response) => expectTraceback(response, 1, 'TypeError: cannot marshal None unless allow_none is enabled'),
    },
  },
  '50-object-read-state-after-cancel': {
    request: {
      method: 'execute_kw',
      check: (params) =>
        expect(params).toEqual(
          call18(2, 'account.move', 'read', [[INVOICE_280]], { fields: ['state', 'payment_state'] }),
        ),
    },
    response: {
      check: (response) =>
        expect(result(response)).toEqual([{ id: INVOICE_280, state: 'cancel', payment_state: 'blocked' }]),
    },
  },
  '51-common-version': {
    request: { method: 'version', check: (params) => expect(params).toEqual([]) },
    response: {
      check: (response) =>
        expect(result(response)).toEqual({
          server_version: '18.0',
          server_version_info: [18, 0, 0, 'final', 0, ''],
          server_serie: '18.0',
          protocol_version: 1,
        }),
    },
  },
  '52-object-create-activity-default_res_model-billing-self': {
    request: {
      method: 'execute_kw',
      check: (params) =>
        expect(params).toEqual(
          call18(9, 'mail.activity', 'create', [[activityVals('Relance 5 (capture, billing, self)', 9)]], {
            context: TO_MOVES,
          }),
        ),
    },
    response: { check: (response) => expect(result(response)).toEqual([39]) },
  },
  '53-object-create-activity-res_model_id-billing-self': {
    request: {
      method: 'execute_kw',
      check: (params) =>
        expect(params).toEqual(
          call18(9, 'mail.activity', 'create', [
            [activityVals('Relance 6 (capture, billing, self)', 9, { res_model_id: 427 })],
          ]),
        ),
    },
    response: { check: (response) => expect(result(response)).toEqual([40]) },
  },
  '54-object-search_read-activity-billing-self': {
    request: {
      method: 'execute_kw',
      check: (params) =>
        expect(params).toEqual(
          call18(9, 'mail.activity', 'search_read', [[['id', 'in', [39, 40]]]], {
            fields: ['activity_type_id', 'res_model', 'res_id', 'summary', 'user_id', 'state'],
          }),
        ),
    },
    response: {
      check: (response) => {
        const self = { res_model: 'account.move', res_id: INVOICE_280, user_id: [9, 'Billing User'], state: 'planned' };
        expect(result(response)).toEqual([
          { id: 39, activity_type_id: [4, 'To-Do'], summary: 'Relance 5 (capture, billing, self)', ...self },
          { id: 40, activity_type_id: false, summary: 'Relance 6 (capture, billing, self)', ...self },
        ]);
      },
    },
  },
};

const CAPTURE = /^v(16|18)-(.+)\.(request|response)\.xml$/;
const captures = fs
  .readdirSync(SAMPLES_DIR)
  // The plain HTTP exchanges (.http, .json, .html: v18-30 to v18-32) are not XML-RPC; simulator-server.test.ts replays them.
  .filter((file) => file.endsWith('.xml'))
  .sort()
  .map((file) => {
    const match = CAPTURE.exec(file);
    if (match === null) throw new Error(`unexpected capture name ${file}`);
    return {
      file,
      flavour: match[1] as OdooFlavour,
      scenario: match[2] as string,
      kind: match[3] as 'request' | 'response',
    };
  });
const requests = captures.filter((c) => c.kind === 'request');
const responses = captures.filter((c) => c.kind === 'response');

function scenarioOf(name: string): Scenario {
  const scenario = SCENARIOS[name];
  if (scenario === undefined) throw new Error(`no expectations for scenario ${name}`);
  return scenario;
}

describe('Odoo captures (shared/reference/odoo-xmlrpc-samples)', () => {
  it('finds every capture, and every capture has expectations', () => {
    expect(requests).toHaveLength(58);
    expect(responses).toHaveLength(60);
    const plainHttp = fs.readdirSync(SAMPLES_DIR).filter((file) => /\.(http|json|html)$/.test(file));
    expect(
      plainHttp.map((file) => file.replace(/^(v18-3\d)-.*\.(request|response)\.(\w+)$/, '$1 $2.$3')).sort(),
    ).toEqual([
      'v18-30 request.http',
      'v18-30 response.html',
      'v18-30 response.http',
      'v18-31 request.http',
      'v18-31 request.json',
      'v18-31 response.html',
      'v18-31 response.http',
      'v18-32 request.http',
      'v18-32 request.json',
      'v18-32 response.html',
      'v18-32 response.http',
    ]);
    const named = new Set(captures.map((c) => c.scenario));
    expect([...named].sort()).toEqual(Object.keys(SCENARIOS).sort());
    for (const c of requests) expect(scenarioOf(c.scenario).request).toBeDefined();
  });

  describe.each(requests)('$file', ({ file, flavour, scenario }) => {
    it('decodes to the method and params Python sent', async () => {
      const expected = scenarioOf(scenario).request;
      if (expected === undefined) throw new Error(`${file} has no request expectations`);
      const call = await decodeMethodCall(sampleText(file));
      expect(call.method).toBe(expected.method);
      expected.check(call.params, SERVER[flavour]);
    });

    it('re-encodes byte for byte', async () => {
      const call = await decodeMethodCall(sampleText(file), { keepDoubles: true });
      const encoded = encodeMethodCall(call.method, call.params);
      expect(encoded).toBe(sampleText(file));
      expect(Buffer.from(encoded, 'utf8').equals(sampleBytes(file))).toBe(true);
    });
  });

  describe.each(responses)('$file', ({ file, flavour, scenario }) => {
    it('decodes to the value or fault Odoo sent', async () => {
      scenarioOf(scenario).response.check(await decodeMethodResponse(sampleText(file)), SERVER[flavour], flavour);
    });

    it(`re-encodes byte for byte with flavour ${flavour}`, async () => {
      const response = await decodeMethodResponse(sampleText(file), { keepDoubles: true });
      const encoded =
        response.kind === 'fault'
          ? encodeFault(response.code, response.message, flavour)
          : encodeMethodResponse(response.value, flavour);
      expect(encoded).toBe(sampleText(file));
      expect(Buffer.from(encoded, 'utf8').equals(sampleBytes(file))).toBe(true);
    });
  });

  it('needs keepDoubles to write whole amounts back as <double>', async () => {
    const file = 'v18-03-object-search_read-open-invoices.response.xml';
    const plain = result(await decodeMethodResponse(sampleText(file)));
    const kept = result(await decodeMethodResponse(sampleText(file), { keepDoubles: true }));
    expect(member(item(plain, 0), 'amount_total')).toBe(31750);
    expect(member(item(kept, 0), 'amount_total')).toEqual(xmlDouble(31750));
    expect(numericValue(member(item(kept, 0), 'amount_total') as XmlRpcValue)).toBe(31750);
    const lossy = encodeMethodResponse(plain, '18');
    expect(lossy).toContain('<value><int>31750</int></value>');
    expect(lossy).not.toBe(sampleText(file));
  });

  it('keeps non-whole doubles as plain numbers by default', async () => {
    const call = await decodeMethodResponse(sampleText('v16-03-object-search_read-open-invoices.response.xml'));
    expect(member(item(result(call), 2), 'amount_residual')).toBe(22137.5);
  });

  it('writes the two flavours of envelope', () => {
    expect(encodeMethodResponse(7, '16')).toBe(
      "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><int>7</int></value>\n</param>\n</params>\n</methodResponse>\n",
    );
    expect(encodeMethodResponse(7, '18')).toBe(
      '<?xml version="1.0"?>\n<methodResponse>\n<params>\n<param>\n<value><int>7</int></value>\n</param>\n</params>\n\n</methodResponse>\n',
    );
  });
});

describe('round trips of edge values', () => {
  async function viaResponse(value: XmlRpcValue, flavour: OdooFlavour = '18'): Promise<XmlRpcValue> {
    return result(await decodeMethodResponse(encodeMethodResponse(value, flavour), { keepDoubles: true }));
  }

  async function viaCall(params: XmlRpcValue[]): Promise<XmlRpcValue[]> {
    const call = await decodeMethodCall(encodeMethodCall('execute_kw', params), { keepDoubles: true });
    expect(call.method).toBe('execute_kw');
    return call.params;
  }

  it.each<[string, XmlRpcValue]>([
    ['empty string', ''],
    ['whitespace-only string', '   '],
    ['a lone tab', '\t'],
    ['a no-break space (which xml2js trims by default)', '\u00a0'],
    ['leading and trailing spaces', '  Deco Addict  '],
    ['unicode', 'Relance envoyée: 1 250,00 € 🧾'],
    ['markup characters', 'a & b < c > d'],
    ['quotes', `"l'avoir"`],
    ['newlines', 'ligne 1\nligne 2\r\nligne 3\n'],
    ['an entity-looking string', '&amp; &lt;'],
    ['zero', 0],
    ['negative int', -42],
    ['int32 maximum', 2_147_483_647],
    ['int32 minimum', -2_147_483_648],
    ['true', true],
    ['false', false],
    ['a fractional double', xmlDouble(-1234.56)],
    ['a whole double', xmlDouble(31750)],
    ['a tiny double', xmlDouble(1e-7)],
    ['empty array', []],
    ['empty struct', {}],
    ['many2one', [10, 'Deco Addict']],
    [
      'nested arrays',
      [
        [
          ['state', '=', 'posted'],
          ['payment_state', 'in', ['not_paid', 'partial']],
        ],
        [],
      ],
    ],
    ['64 levels of nesting', Array.from({ length: 64 }).reduce<XmlRpcValue>((inner) => [inner], 'deep')],
    ['nested structs', { context: { lang: 'fr_FR', active_ids: [1, 2], flags: {} }, empty: { inner: [] } }],
    ['member names needing escapes', { 'a&b': 1, '<x>': 'y', 'with space': false }],
  ])('%s survives a round trip unchanged', async (_label, value) => {
    expect(await viaResponse(value)).toEqual(value);
    expect(await viaResponse(value, '16')).toEqual(value);
    expect(await viaCall([value, 'tail'])).toEqual([value, 'tail']);
    const encoded = encodeMethodResponse(value, '18');
    expect(encodeMethodResponse(await viaResponse(value), '18')).toBe(encoded);
  });

  it('gives a fractional double back as a plain number unless keepDoubles is set', async () => {
    const xml = encodeMethodResponse(-1234.56, '16');
    expect(xml).toContain('<value><double>-1234.56</double></value>');
    expect(await decodeMethodResponse(xml)).toEqual({ kind: 'result', value: -1234.56 });
    expect(await viaResponse(-1234.56)).toEqual(xmlDouble(-1234.56));
  });

  it('escapes &, < and > as Python does, and nothing else', () => {
    expect(encodeMethodResponse(`a & b < c > d "e" 'f'`, '16')).toContain(
      `<value><string>a &amp; b &lt; c &gt; d "e" 'f'</string></value>\n`,
    );
    expect(encodeMethodResponse({ 'a&<b>': 1 }, '16')).toContain(
      '<member>\n<name>a&amp;&lt;b&gt;</name>\n<value><int>1</int></value>\n</member>\n',
    );
  });

  it('writes unicode as characters, not character references', () => {
    expect(encodeMethodCall('x', ['é€😀'])).toContain('<value><string>é€😀</string></value>');
  });

  it('strips control characters other than tab, LF and CR, as Odoo does', async () => {
    const dirty = 'a\u0000b\u0001c\u0008d\u000be\u000cf\u001fg\th\ni\rj\u007fk';
    const encoded = encodeMethodResponse(dirty, '18');
    expect(encoded).toContain('<string>abcdefg\th\ni\rj\u007fk</string>');
    expect(await viaResponse(dirty)).toBe('abcdefg\th\ni\rj\u007fk');
    expect(encodeFault(1, 'bad\u0002 thing', '16')).toContain('<string>bad thing</string>');
  });

  it('refuses control characters in member names rather than merging members', () => {
    expect(() => encodeMethodResponse({ 'a\u0001': 1, a: 2 }, '18')).toThrow(XmlRpcMarshalError);
  });

  it('writes empty containers as Python does', () => {
    expect(encodeMethodResponse([], '16')).toContain(
      '<param>\n<value><array><data>\n</data></array></value>\n</param>',
    );
    expect(encodeMethodResponse({}, '16')).toContain('<param>\n<value><struct>\n</struct></value>\n</param>');
  });

  it('writes doubles with Python repr()', () => {
    const cases: [number, string][] = [
      [31750, '31750.0'],
      [0.1, '0.1'],
      [-2.5, '-2.5'],
      [123456789.125, '123456789.125'],
      [0.0001, '0.0001'],
      [0.00001, '1e-05'],
      [1e15, '1000000000000000.0'],
      [1e16, '1e+16'],
      [1.5e300, '1.5e+300'],
      [2 ** 53, '9007199254740992.0'],
      [5e-324, '5e-324'],
      [1.7976931348623157e308, '1.7976931348623157e+308'],
      [-0, '-0.0'],
      [0, '0.0'],
    ];
    for (const [value, repr] of cases) {
      expect([value, pythonFloatRepr(value)]).toEqual([value, repr]);
      expect(encodeMethodResponse(xmlDouble(value), '18')).toContain(`<value><double>${repr}</double></value>`);
    }
  });

  it('writes a non-integral number as a double and an integral one as an int', () => {
    expect(encodeMethodCall('m', [1.5, 2, -0])).toContain(
      '<value><double>1.5</double></value>\n</param>\n<param>\n<value><int>2</int></value>\n</param>\n<param>\n<value><int>0</int></value>',
    );
  });

  it("accepts 2^31−1 and refuses 2^31 with Python's OverflowError", () => {
    expect(encodeMethodResponse(2 ** 31 - 1, '18')).toContain('<int>2147483647</int>');
    expect(encodeMethodResponse(2n ** 31n - 1n, '18')).toContain('<int>2147483647</int>');
    for (const big of [2 ** 31, -(2 ** 31) - 1, 2n ** 31n, 10 ** 20]) {
      let caught: unknown;
      try {
        encodeMethodResponse([1, big], '18');
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(XmlRpcMarshalError);
      const error = caught as XmlRpcMarshalError;
      expect(error.message).toContain('int exceeds XML-RPC limits');
      expect(error.reason).toBe('overflow');
      expect(error.pythonType).toBe('OverflowError');
      expect(error.path).toBe('params[0][1]');
    }
  });

  it('refuses None (null or undefined) like allow_none=False, naming where it was', () => {
    const attempts: [() => string, string][] = [
      [() => encodeMethodResponse(null, '18'), 'params[0]'],
      [
        () => encodeMethodCall('execute_kw', ['db', 2, { partner_id: undefined } as unknown as XmlRpcValue]),
        'params[2].partner_id',
      ],
      [() => encodeMethodCall('execute_kw', [[1, null]]), 'params[0][1]'],
      [() => encodeMethodCall('execute_kw', [{ 'x y': [undefined] } as unknown as XmlRpcValue]), 'params[0]["x y"][0]'],
    ];
    for (const [attempt, where] of attempts) {
      expect(attempt).toThrow('cannot marshal None unless allow_none is enabled');
      try {
        attempt();
      } catch (error) {
        expect(error).toBeInstanceOf(XmlRpcMarshalError);
        expect((error as XmlRpcMarshalError).reason).toBe('none');
        expect((error as XmlRpcMarshalError).path).toBe(where);
        expect(`${(error as XmlRpcMarshalError).pythonType}: ${(error as XmlRpcMarshalError).pythonMessage}`).toBe(
          'TypeError: cannot marshal None unless allow_none is enabled',
        );
      }
    }
  });

  it('refuses what Python could not marshal either, or would marshal into broken XML', () => {
    const cyclic: unknown[] = [1];
    cyclic.push(cyclic);
    const shared = [1];
    expect(() => encodeMethodResponse(cyclic as XmlRpcValue, '18')).toThrow('cannot marshal recursive sequences');
    expect(encodeMethodResponse([shared, shared], '18')).toContain(
      '<int>1</int></value>\n</data></array></value>\n<value><array>',
    );
    expect(() => encodeMethodResponse(new Date() as unknown as XmlRpcValue, '18')).toThrow(
      'cannot marshal <Date> objects',
    );
    expect(() => encodeMethodResponse(Number.NaN, '18')).toThrow('non-finite');
    expect(() => encodeMethodResponse(Infinity, '18')).toThrow('non-finite');
    expect(() => xmlDouble(Number.POSITIVE_INFINITY)).toThrow(XmlRpcMarshalError);
    expect(() => encodeMethodCall('execute&kw', [])).toThrow('invalid XML-RPC method name');
    expect(() => encodeFault(1.5, 'x', '18')).toThrow('faultCode must be an int or a string');
  });

  it('round-trips the legacy string fault code', async () => {
    const xml = encodeFault('warning -- UserError\n\nInvoice is locked', 'Invoice is locked', '16');
    expect(await decodeMethodResponse(xml)).toEqual({
      kind: 'fault',
      code: 'warning -- UserError\n\nInvoice is locked',
      message: 'Invoice is locked',
    });
    expect(encodeFault(4, 'x', '18').endsWith('</fault>\n\n</methodResponse>\n')).toBe(true);
    expect(encodeFault(4, 'x', '16').endsWith('</fault>\n</methodResponse>\n')).toBe(true);
  });
});

describe('decoding what other XML-RPC peers send', () => {
  const respond = (value: string): string =>
    `<?xml version="1.0"?><methodResponse><params><param>${value}</param></params></methodResponse>`;
  const decodeValue = async (value: string, keepDoubles = false): Promise<XmlRpcValue> =>
    result(await decodeMethodResponse(respond(value), { keepDoubles }));

  it.each<[string, XmlRpcValue]>([
    ['<value>untyped text</value>', 'untyped text'],
    ['<value>  spaced  </value>', '  spaced  '],
    ['<value></value>', ''],
    ['<value/>', ''],
    ['<value><string/></value>', ''],
    ['<value>\n  <int>5</int>\n</value>', 5],
    ['<value><i4>-7</i4></value>', -7],
    ['<value><int> +12 </int></value>', 12],
    ['<value><i8>3000000000</i8></value>', 3_000_000_000],
    ['<value><i8>9223372036854775807</i8></value>', 9_223_372_036_854_775_807n],
    ['<value><int>-9007199254740993</int></value>', -9_007_199_254_740_993n],
    ['<value><boolean>1</boolean></value>', true],
    ['<value><double>1e3</double></value>', 1000],
    ['<value><double>-.5</double></value>', -0.5],
    ['<value><nil/></value>', null],
    ['<value><dateTime.iso8601>20261123T04:59:18</dateTime.iso8601></value>', '20261123T04:59:18'],
    ['<value><base64>SGVsbG8=\n</base64></value>', 'SGVsbG8=\n'],
    ['<value><string><![CDATA[<b>&</b>]]> &amp; &#233;&#x1F600;</string></value>', '<b>&</b> & é😀'],
    ['<value><array>\n  <data>\n    <value><int>1</int></value>\n  </data>\n</array></value>', [1]],
    [
      '<value><struct><member><value><int>1</int></value><name>late name</name></member></struct></value>',
      { 'late name': 1 },
    ],
  ])('%s', async (xml, expected) => {
    expect(await decodeValue(xml)).toEqual(expected);
  });

  it('decodes doubles into XmlRpcDouble only when asked', async () => {
    expect(await decodeValue('<value><double>2.0</double></value>')).toBe(2);
    const kept = await decodeValue('<value><double>2.0</double></value>', true);
    expect(isXmlRpcDouble(kept)).toBe(true);
    expect(JSON.stringify({ amount: kept })).toBe('{"amount":2}');
  });

  it('gives a big <i8> back as a bigint that re-encodes as Python would: with an overflow', async () => {
    const big = await decodeValue('<value><i8>3000000000</i8></value>');
    expect(() => encodeMethodResponse(big, '18')).toThrow('int exceeds XML-RPC limits');
  });

  it('keeps a repeated member name in its first place with its last value, like a Python dict', async () => {
    const value = await decodeValue(
      '<value><struct><member><name>a</name><value><int>1</int></value></member><member><name>b</name><value><int>2</int></value></member><member><name>a</name><value><int>3</int></value></member></struct></value>',
    );
    expect(Object.entries(value as object)).toEqual([
      ['a', 3],
      ['b', 2],
    ]);
  });

  it('keeps a member named __proto__ as a member', async () => {
    const value = await decodeValue(
      '<value><struct><member><name>__proto__</name><value><int>1</int></value></member></struct></value>',
    );
    expect(Object.keys(value as object)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  });

  it('accepts a byte-order mark, comments and processing instructions around the root', async () => {
    const xml = `\uFEFF<?xml version="1.0"?>\n<!-- proxy -->\n${respond('<value><int>1</int></value>').replace('<?xml version="1.0"?>', '')}\n<!-- done --><?pi x?>\n`;
    expect(await decodeMethodResponse(xml)).toEqual({ kind: 'result', value: 1 });
  });

  it('decodes a call without <params> as a call without arguments', async () => {
    expect(await decodeMethodCall('<methodCall><methodName>version</methodName></methodCall>')).toEqual({
      method: 'version',
      params: [],
    });
  });
});

describe('garbage', () => {
  const respond = (value: string): string =>
    `<?xml version="1.0"?><methodResponse><params><param>${value}</param></params></methodResponse>`;
  const struct = (...members: string[]): string => `<value><struct>${members.join('')}</struct></value>`;
  const m = (name: string, value = '<value><int>1</int></value>'): string =>
    `<member><name>${name}</name>${value}</member>`;
  const fault = (...members: string[]): string =>
    `<methodResponse><fault>${struct(...members)}</fault></methodResponse>`;
  const truncated = sampleText('v16-03-object-search_read-open-invoices.response.xml').slice(0, 1500);

  it.each<[string, string, string]>([
    ['an empty body', '', 'malformed XML-RPC response: body is empty'],
    [
      'plain text',
      'Bad Gateway',
      'malformed XML-RPC response: is not well-formed XML (Non-whitespace before first tag',
    ],
    [
      'an HTML error page',
      '<html><body><h1>502 Bad Gateway</h1></body></html>',
      'expected a <methodResponse> root element, got <html>',
    ],
    [
      'a call where a response belongs',
      '<methodCall><methodName>version</methodName></methodCall>',
      'expected a <methodResponse> root element, got <methodCall>',
    ],
    ['a truncated body', truncated, 'is not well-formed XML (Unclosed root tag'],
    [
      'junk after the root element',
      `${respond('<value><int>1</int></value>')}junk`,
      'has content after the root element </methodResponse>',
    ],
    [
      'a second root element',
      `${respond('<value><int>1</int></value>')}${respond('<value><int>2</int></value>')}`,
      'has content after the root element',
    ],
    ['junk after an HTML page', '<html></html>junk', 'expected a <methodResponse> root element, got <html>'],
    [
      'absurd nesting',
      respond(`${'<value><array><data>'.repeat(5000)}${'</data></array></value>'.repeat(5000)}`),
      'nests arrays and structs more than 64 deep',
    ],
    ['an undefined entity', respond('<value><string>&bogus;</string></value>'), 'is not well-formed XML'],
    [
      'neither params nor fault',
      '<methodResponse></methodResponse>',
      '<methodResponse> has neither <params> nor <fault>',
    ],
    ['both params and fault', '<methodResponse><params/><fault/></methodResponse>', 'holds <params> and <fault>'],
    ['an unknown body', '<methodResponse><result/></methodResponse>', 'holds <result>; expected <params> or <fault>'],
    [
      'no param',
      '<methodResponse><params></params></methodResponse>',
      'params holds 0 <param>; a response carries exactly one',
    ],
    [
      'two params',
      '<methodResponse><params><param><value>a</value></param><param><value>b</value></param></params></methodResponse>',
      'holds 2 <param>',
    ],
    ['a param without a value', respond(''), 'params[0] <param> has no <value>'],
    [
      'stray text in a container',
      respond('<value><array>oops<data/></array></value>'),
      'params[0] <array> holds stray text "oops"',
    ],
    ['text beside a type tag', respond('<value>x<int>1</int></value>'), 'params[0] <value> holds stray text "x"'],
    [
      'two type tags',
      respond('<value><int>1</int><string>a</string></value>'),
      'params[0] <value> holds <int> and <string>; expected one type tag',
    ],
    ['an unknown type tag', respond('<value><float>1.5</float></value>'), 'params[0] has an unknown type tag <float>'],
    ['a namespaced type tag', respond('<value><ex:nil xmlns:ex="urn:x"/></value>'), 'has an unknown type tag <ex:nil>'],
    [
      'an element inside a scalar',
      respond('<value><string>a<b/>c</string></value>'),
      'params[0] <string> holds an element <b>; expected text only',
    ],
    ['an array without data', respond('<value><array></array></value>'), 'params[0] <array> has no <data>'],
    [
      'a non-value in data',
      respond('<value><array><data><value>a</value><int>1</int></data></array></value>'),
      'params[0] <data> holds <int> where <value> 2 was expected',
    ],
    [
      'a struct member without a name',
      respond(struct(m('a'), m('b'), '<member><value><int>3</int></value></member>')),
      'params[0] struct member 3 has no <name>',
    ],
    [
      'a struct member without a value',
      respond(struct(m('a'), '<member><name>b</name></member>')),
      'params[0] struct member 2 ("b") has no <value>',
    ],
    [
      'a struct member with two names',
      respond(struct('<member><name>a</name><name>b</name><value>1</value></member>')),
      'params[0] struct member 1 holds an unexpected <name>',
    ],
    [
      'a non-member in a struct',
      respond(struct(m('a'), '<value>1</value>')),
      'params[0] struct member 2 is a <value>, not a <member>',
    ],
    [
      'a deep error',
      respond(
        `<value><array><data><value>ok</value>${struct(m('partner_id', '<value><array><data><value><int>x</int></value></data></array></value>'))}</data></array></value>`,
      ),
      'params[0][1].partner_id[0] <int> holds "x", not an integer',
    ],
    ['an int with a fraction', respond('<value><int>1.5</int></value>'), '<int> holds "1.5", not an integer'],
    ['an empty int', respond('<value><int></int></value>'), '<int> holds "", not an integer'],
    [
      'a word for a boolean',
      respond('<value><boolean>true</boolean></value>'),
      '<boolean> holds "true"; only 0 or 1 are allowed',
    ],
    [
      'a padded boolean',
      respond('<value><boolean> 1</boolean></value>'),
      '<boolean> holds " 1"; only 0 or 1 are allowed',
    ],
    ['an empty boolean', respond('<value><boolean/></value>'), '<boolean> holds ""; only 0 or 1 are allowed'],
    [
      'a word for a double',
      respond('<value><double>abc</double></value>'),
      '<double> holds "abc", not a finite number',
    ],
    ['nan', respond('<value><double>nan</double></value>'), '<double> holds "nan", not a finite number'],
    [
      'a double beyond float range',
      respond('<value><double>1e400</double></value>'),
      '<double> holds "1e400", not a finite number',
    ],
    ['a nil with content', respond('<value><nil>x</nil></value>'), 'params[0] <nil/> must be empty'],
    [
      'a fault without faultCode',
      fault(m('faultString', '<value><string>x</string></value>')),
      'malformed XML-RPC response: fault has no faultCode member',
    ],
    ['a fault without faultString', fault(m('faultCode')), 'fault has no faultString member'],
    [
      'a fault with a double code',
      fault(m('faultCode', '<value><double>1.5</double></value>'), m('faultString', '<value>x</value>')),
      'fault.faultCode is a <double>, not an <int>',
    ],
    [
      'a fault with a boolean code',
      fault(m('faultCode', '<value><boolean>1</boolean></value>'), m('faultString', '<value>x</value>')),
      'fault.faultCode must be an <int> or a <string>',
    ],
    ['a fault with an int message', fault(m('faultCode'), m('faultString')), 'fault.faultString is not a <string>'],
    [
      'a fault that is not a struct',
      '<methodResponse><fault><value><int>3</int></value></fault></methodResponse>',
      'fault is not a <struct>',
    ],
    ['a fault without a value', '<methodResponse><fault></fault></methodResponse>', 'fault <fault> has no <value>'],
  ])('%s', async (_label, xml, message) => {
    const attempt = decodeMethodResponse(xml);
    await expect(attempt).rejects.toThrow(XmlRpcProtocolError);
    await expect(attempt).rejects.toThrow(message);
  });

  it('names the document, the place and the problem separately', async () => {
    let caught: unknown;
    try {
      await decodeMethodResponse(respond(struct(m('a'), m('b'), '<member><value><int>3</int></value></member>')));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(XmlRpcProtocolError);
    const error = caught as XmlRpcProtocolError;
    expect(error.message).toBe('malformed XML-RPC response: params[0] struct member 3 has no <name>');
    expect([error.code, error.document, error.where, error.problem]).toEqual([
      'XMLRPC_PROTOCOL',
      'methodResponse',
      'params[0]',
      'struct member 3 has no <name>',
    ]);
  });

  it('keeps the parser error as the cause of a well-formedness failure', async () => {
    const attempt = decodeMethodResponse('<methodResponse><params>');
    await expect(attempt).rejects.toMatchObject({ cause: expect.any(Error) });
    // sax's multi-line message is folded onto one line for logs.
    await expect(attempt).rejects.toThrow(/^malformed XML-RPC response: is not well-formed XML \([^\n]+\)$/);
  });

  it.each<[string, string, string]>([
    [
      'a response where a call belongs',
      sampleText('v16-02-common-authenticate.response.xml'),
      'malformed XML-RPC call: expected a <methodCall> root element, got <methodResponse>',
    ],
    ['no methodName', '<methodCall><params/></methodCall>', '<methodCall> has no <methodName>'],
    ['an empty methodName', '<methodCall><methodName></methodName></methodCall>', 'methodName is empty'],
    [
      'two methodNames',
      '<methodCall><methodName>a</methodName><methodName>b</methodName></methodCall>',
      '<methodCall> holds an unexpected <methodName>',
    ],
    [
      'a methodName with markup',
      '<methodCall><methodName>a<b/></methodName></methodCall>',
      'methodName <methodName> holds an element <b>',
    ],
    [
      'a bad param',
      '<methodCall><methodName>m</methodName><params><param><value><int/></value></param><value/></params></methodCall>',
      'params[0] <int> holds "", not an integer',
    ],
    [
      'a non-param in params',
      '<methodCall><methodName>m</methodName><params><param><value/></param><value/></params></methodCall>',
      'params holds <value> where <param> 2 was expected',
    ],
  ])('a call with %s', async (_label, xml, message) => {
    const attempt = decodeMethodCall(xml);
    await expect(attempt).rejects.toThrow(XmlRpcProtocolError);
    await expect(attempt).rejects.toThrow(message);
  });
});
