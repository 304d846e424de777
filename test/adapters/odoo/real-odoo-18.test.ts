import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import nock from 'nock';
import { createOdooAdapter } from '../../../adapters/odoo';
import { OdooConnectionSchema } from '../../../adapters/odoo/config.schema';
import { Json2OdooRpc } from '../../../adapters/odoo/transport/json2-transport';
import { XmlRpcOdooRpc } from '../../../adapters/odoo/transport/xmlrpc-rpc';
import { decodeMethodCall, encodeMethodResponse, type XmlRpcValue } from '../../../adapters/odoo/xmlrpc';
import { fixedClock } from '../../../connector/time/clock';
import { adapterFailure } from '../../helpers/failure';
import { memoryLogger } from '../../helpers/logger';

/**
 * The adapter against the exact traffic of a real Odoo 18.0 server (captures v18-20 onwards in
 * adapters/odoo/fixtures/xmlrpc-captures): the requests it sends byte for byte, and what it makes
 * of the answers real Odoo gives.
 */

const CAPTURES = join(__dirname, '../../../adapters/odoo/fixtures/xmlrpc-captures');
const capture = (name: string) => readFileSync(join(CAPTURES, name), 'utf8');
const BASE = 'http://odoo18.test:8069';
const write = { isWrite: true };
const read = { isWrite: false };

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
// The interceptor stays in the worker process otherwise, and buffers the answers of the next test files' real servers.
afterAll(() => {
  nock.enableNetConnect();
  nock.restore();
});

describe('real Odoo 18: activities', () => {
  const admin = () =>
    new XmlRpcOdooRpc({ baseUrl: BASE, database: 'recouvra18', login: 'admin', apiKey: 'admin', timeoutMs: 2_000 });
  const authenticatesAs = (uid: number) =>
    nock(BASE).post('/xmlrpc/2/common').reply(200, encodeMethodResponse(uid, '18'));

  it('sends the records of a create by position with default_res_model in the context, byte for byte as v18-21', async () => {
    authenticatesAs(2);
    const object = nock(BASE)
      .post('/xmlrpc/2/object', capture('v18-21-object-create-activity-default_res_model.request.xml'))
      .reply(200, capture('v18-21-object-create-activity-default_res_model.response.xml'), {
        'Content-Type': 'text/xml',
      });
    const vals = {
      res_id: 280,
      summary: 'Relance 1 (capture)',
      note: '<p>Relancer le client par téléphone</p>',
      user_id: 2,
      date_deadline: '2026-12-11',
    };
    expect(
      await admin().call(
        'mail.activity',
        'create',
        { vals_list: [vals], context: { default_res_model: 'account.move' } },
        write,
      ),
    ).toEqual([35]);
    expect(object.isDone()).toBe(true);
  });

  it('never sends the keyword form that real Odoo refuses after running it (v18-20)', async () => {
    authenticatesAs(2);
    let sent = '';
    nock(BASE)
      .post('/xmlrpc/2/object', (body: string) => ((sent = body), true))
      .reply(200, capture('v18-21-object-create-activity-default_res_model.response.xml'));
    await admin().call('mail.activity', 'create', { vals_list: [{ res_id: 280 }] }, write);
    const call = await decodeMethodCall(sent);
    expect(call.params[5]).toEqual([[{ res_id: 280 }]]);
    expect(call.params[6]).toEqual({});
    // What real Odoo answers to the keyword form: an application error, never mistaken for success.
    const keywordFault = await adapterFailure(
      faultOf('v18-20-object-create-activity-kwarg-vals_list.response.xml', 'mail.activity', 'create', true),
    );
    expect(keywordFault).toMatchObject({ code: 'ODOO_APPLICATION_ERROR' });
    expect(keywordFault.userMessage).toContain('IndexError: tuple index out of range');
  });

  it('a sender without e-mail is a configuration error saying what to set (v18-27, v18-28)', async () => {
    for (const file of [
      'v18-27-object-create-activity-default_res_model-billing.response.xml',
      'v18-28-object-create-activity-res_model_id-billing.response.xml',
    ]) {
      const e = await adapterFailure(faultOf(file, 'mail.activity', 'create', true));
      expect(e).toMatchObject({ code: 'ODOO_SENDER_EMAIL_MISSING', kind: 'config', outcomeUnknown: false });
      expect(e.userMessage).toMatch(
        /e-mail address .*Settings › Users & Companies › Users › Email.*writeBack\.activityUserId/,
      );
    }
  });

  it('an access error keeps the operation, the model and every group that would allow it (v18-26, v18-29)', async () => {
    const irModel = await adapterFailure(
      faultOf('v18-26-object-search_read-ir.model-billing.response.xml', 'ir.model', 'search_read', false),
    );
    expect(irModel).toMatchObject({ code: 'ODOO_ACCESS_ERROR', kind: 'config' });
    expect(irModel.userMessage).toBe(
      `the Odoo user may not read 'Models' (ir.model) records, which ir.model.search_read needs; Odoo allows it to the groups "Administration/Access Rights": add the integration user to one of them (Settings › Users & Companies › Users)`,
    );
    const invoices = await adapterFailure(
      faultOf('v18-29-object-search_count-invoices-noacc.response.xml', 'account.move', 'search_count', false),
    );
    expect(invoices.userMessage).toContain(`may not read 'Journal Entry' (account.move) records`);
    expect(invoices.userMessage).toContain(
      '"Invoicing/Administrator", "Invoicing/Invoicing", "Technical/Show Accounting Features - Readonly", "User types/Portal"',
    );
    expect(invoices.userMessage).not.toMatch(/Accounting rights|Contact your administrator/);
  });

  /** The fault a captured response file carries, as the adapter classifies it. */
  async function faultOf(file: string, model: string, method: string, isWrite: boolean): Promise<unknown> {
    authenticatesAs(9);
    nock(BASE).post('/xmlrpc/2/object').reply(200, capture(file));
    return new XmlRpcOdooRpc({
      baseUrl: BASE,
      database: 'recouvra18',
      login: 'billing',
      apiKey: 'k',
      timeoutMs: 2_000,
    }).call(model, method, {}, { isWrite });
  }
});

describe('real Odoo 18: JSON-2 and the version', () => {
  it('a JSON-2 path that redirects to the login page (v18-32) says JSON-2 needs 19.0', async () => {
    nock(BASE)
      .post('/json/2/account.move/search_read')
      .reply(303, capture('v18-32-http-POST-json2-account.move-search_read.response.html'), {
        'Content-Type': 'text/html; charset=utf-8',
        Location: '/web/login?redirect=%2Fjson%2F2%2Faccount.move%2Fsearch_read%3F',
      });
    const e = await adapterFailure(
      new Json2OdooRpc({ baseUrl: BASE, database: 'recouvra18', apiKey: 'k', timeoutMs: 2_000 }).call(
        'account.move',
        'search_read',
        { domain: [], limit: 1 },
        read,
      ),
    );
    expect(e).toMatchObject({ code: 'ODOO_JSON2_UNAVAILABLE', kind: 'config' });
    expect(e.userMessage).toMatch(/no JSON-2 API \(it arrived in 19\.0\).*protocol: xmlrpc/);
  });

  it('asks the version over XML-RPC, which 18 serves, never /web/version, which is 404 there (v18-30)', async () => {
    nock(BASE)
      .post('/xmlrpc/2/common', (b: string) => b.includes('<methodName>version</methodName>'))
      .reply(200, capture('v18-51-common-version.response.xml'));
    const webVersion = nock(BASE).get('/web/version').reply(404, capture('v18-30-http-GET-web-version.response.html'));
    const adapter = adapterFor({ protocol: 'json2' });
    const result = await adapter.check();
    expect(result.problems).toEqual([
      expect.stringMatching(
        /^ODOO_JSON2_UNAVAILABLE: Odoo 18\.0 has no JSON-2 API \(it arrived in 19\.0\): set `protocol: xmlrpc`/,
      ),
    ]);
    expect(webVersion.isDone()).toBe(false);
  });

  it('a server without XML-RPC (Odoo 22, Online 21.1) is asked /web/version instead', async () => {
    nock(BASE).post('/xmlrpc/2/common').reply(404, '<!doctype html><title>404 Not Found</title>');
    nock(BASE)
      .get('/web/version')
      .reply(200, { version: '22.0', version_info: [22, 0, 0, 'final', 0, ''] });
    nock(BASE).post('/json/2/res.users/context_get').reply(200, { uid: 6, lang: 'fr_FR' });
    nock(BASE).post('/json/2/account.move/fields_get').reply(200, {});
    nock(BASE)
      .post('/json/2/res.partner/fields_get')
      .reply(200, { company_registry: { type: 'char' } });
    nock(BASE)
      .post(/\/json\/2\/[^/]+\/search/)
      .times(6)
      .reply(200, []);
    const result = await adapterFor().check();
    expect(result).toMatchObject({ ok: true, serverVersion: '22.0', capabilities: { json2: true } });
  });
});

describe('real Odoo 18: reads', () => {
  it('an invoice whose customer `read` leaves out (v18-33: no fault, an empty list) is quarantined, not saved without its debtor', async () => {
    const answers: Record<string, XmlRpcValue> = {
      'account.move.fields_get': {},
      'res.partner.fields_get': { company_registry: { type: 'char' }, country_code: { type: 'char' } },
      'account.move.search_read': [
        {
          id: 280,
          name: 'INV/2026/00165',
          ref: false,
          move_type: 'out_invoice',
          state: 'posted',
          payment_state: 'not_paid',
          invoice_date: '2026-12-04',
          invoice_date_due: '2026-12-04',
          amount_total: 200,
          amount_residual: 200,
          currency_id: [1, 'EUR'],
          partner_id: [999, 'Gone'],
          commercial_partner_id: [999, 'Gone'],
          company_id: [1, 'YourCompany'],
          write_date: '2026-12-04 22:48:31',
        },
      ],
      'res.partner.read': [],
    };
    fakeOdoo(answers);
    const page = await adapterFor().read('receivables', { saved: undefined });
    expect(page.receivables).toEqual([]);
    expect(page.quarantined).toEqual([
      expect.objectContaining({
        sourceId: '280',
        reason: expect.stringMatching(/INV\/2026\/00165: its customer res\.partner\/999 could not be read/),
      }),
    ]);
  });
});

function adapterFor(over: Record<string, unknown> = {}) {
  const config = OdooConnectionSchema.parse({
    id: 'odoo18',
    type: 'odoo',
    url: BASE,
    database: 'recouvra18',
    login: 'billing',
    apiKey: 'k',
    ...over,
  });
  return createOdooAdapter(config, { clock: fixedClock('2026-12-05T09:00:00Z'), logger: memoryLogger('error').logger });
}

/** An XML-RPC Odoo 18 answering each `model.method` with the value given (version and login included). */
function fakeOdoo(answers: Record<string, XmlRpcValue>): void {
  nock(BASE)
    .post('/xmlrpc/2/common', (b: string) => b.includes('<methodName>version</methodName>'))
    .reply(200, capture('v18-51-common-version.response.xml'));
  nock(BASE)
    .post('/xmlrpc/2/common', (b: string) => b.includes('<methodName>authenticate</methodName>'))
    .reply(200, capture('v18-02-common-authenticate.response.xml'));
  nock(BASE)
    .persist()
    .post('/xmlrpc/2/object')
    .reply(200, async (_uri, body) => {
      // An XML body comes as text; execute_kw names the model and the method with strings.
      const call = await decodeMethodCall(body as string);
      const key = `${call.params[3] as string}.${call.params[4] as string}`;
      if (!(key in answers)) throw new Error(`unexpected call ${key}`);
      return encodeMethodResponse(answers[key]!, '18');
    });
}
