import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import axios from 'axios';
import {
  ADMIN_UID,
  BILLING_UID,
  createOdooDatabase,
  PORTAL_UID,
  type OdooDatabase,
} from '../../../adapters/odoo/simulator/model';
import { decodeMethodCall, encodeMethodCall, type XmlRpcValue } from '../../../adapters/odoo/xmlrpc';
import { OdooSimulator } from '../../../adapters/odoo/simulator/server';
import { XmlRpcTransport } from '../../../adapters/odoo/transport/xmlrpc-transport';
import { adapterFailure } from '../../helpers/failure';

const OPEN = [
  ['move_type', 'in', ['out_invoice', 'out_refund']],
  ['state', '=', 'posted'],
  ['payment_state', 'not in', ['paid', 'reversed', 'in_payment']],
];

describe('Odoo simulator over XML-RPC (18.0)', () => {
  let db: OdooDatabase;
  let sim: OdooSimulator;
  let rpc: XmlRpcTransport;
  const exec = (
    model: string,
    method: string,
    args: unknown[],
    kwargs: Record<string, unknown> = {},
    isWrite = false,
  ) =>
    rpc.call('object', 'execute_kw', ['demo', 2, 'admin', model, method, args as never, kwargs as never], {
      isWrite,
      what: `${model}.${method}`,
    });

  beforeAll(async () => {
    db = createOdooDatabase({ seed: 7, invoices: 300, version: '18.0' });
    sim = await new OdooSimulator({ db, version: '18.0' }).start();
    rpc = new XmlRpcTransport({ baseUrl: sim.url, timeoutMs: 5_000, secrets: ['admin'] });
  });
  afterAll(() => sim.stop());

  it('answers version and authenticate like Odoo (false for a bad password)', async () => {
    expect(await rpc.call('common', 'version', [], { isWrite: false, what: 'common.version' })).toMatchObject({
      server_version: '18.0',
      protocol_version: 1,
    });
    expect(
      await rpc.call('common', 'authenticate', ['demo', 'admin', 'admin', {}], {
        isWrite: false,
        what: 'common.authenticate',
      }),
    ).toBe(2);
    expect(
      await rpc.call('common', 'authenticate', ['demo', 'admin', 'nope', {}], {
        isWrite: false,
        what: 'common.authenticate',
      }),
    ).toBe(false);
  });

  it('an unknown database is a configuration error naming it', async () => {
    const e = await adapterFailure(
      rpc.call('common', 'authenticate', ['prod', 'admin', 'admin', {}], {
        isWrite: false,
        what: 'common.authenticate',
      }),
    );
    expect(e).toMatchObject({ code: 'ODOO_DATABASE_NOT_FOUND', kind: 'config' });
    expect(e.userMessage).toContain('database "prod" does not exist');
  });

  it('search_read pages open invoices with many2one pairs, string dates and money as <double>', async () => {
    const raw = await axios.post<string>(
      `${sim.url}/xmlrpc/2/object`,
      `<?xml version='1.0'?>\n<methodCall>\n<methodName>execute_kw</methodName>\n<params>\n<param>\n<value><string>demo</string></value>\n</param>\n<param>\n<value><int>2</int></value>\n</param>\n<param>\n<value><string>admin</string></value>\n</param>\n<param>\n<value><string>account.move</string></value>\n</param>\n<param>\n<value><string>search_read</string></value>\n</param>\n<param>\n<value><array><data>\n</data></array></value>\n</param>\n<param>\n<value><struct>\n<member>\n<name>fields</name>\n<value><array><data>\n<value><string>amount_total</string></value>\n</data></array></value>\n</member>\n<member>\n<name>limit</name>\n<value><int>1</int></value>\n</member>\n</struct></value>\n</param>\n</params>\n</methodCall>\n`,
      { headers: { 'Content-Type': 'text/xml' }, responseType: 'text' },
    );
    expect(raw.headers['content-type']).toContain('text/xml');
    expect(raw.data).toMatch(/<name>amount_total<\/name>\n<value><double>\d+(\.\d+)?<\/double><\/value>/);
    expect(raw.data.endsWith('</params>\n\n</methodResponse>\n')).toBe(true);

    const page = (await exec('account.move', 'search_read', [OPEN], {
      fields: ['name', 'partner_id', 'invoice_date_due', 'amount_residual', 'write_date'],
      order: 'write_date asc, id asc',
      limit: 50,
    })) as Record<string, unknown>[];
    expect(page).toHaveLength(50);
    expect(page[0]).toEqual(
      expect.objectContaining({
        id: expect.any(Number),
        partner_id: [expect.any(Number), expect.any(String)],
        invoice_date_due: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      }),
    );
    const keys = page.map((r) => `${String(r.write_date)}#${String(r.id).padStart(10, '0')}`);
    expect([...keys].sort()).toEqual(keys);
  });

  it('faults: unknown field is a config error; a bad password on object calls is Access Denied', async () => {
    expect(await adapterFailure(exec('account.move', 'search_read', [[['no_such_field', '=', 1]]]))).toMatchObject({
      code: 'ODOO_INVALID_FIELD',
    });
    const e = await adapterFailure(
      rpc.call('object', 'execute_kw', ['demo', 2, 'wrong', 'account.move', 'search_count', [[]]], {
        isWrite: false,
        what: 'x',
      }),
    );
    expect(e).toMatchObject({ code: 'ODOO_ACCESS_DENIED', kind: 'config' });
  });

  it('a method returning None faults after its work is done: the note exists, the outcome was unknown', async () => {
    const [id] = (await exec('account.move', 'search', [OPEN], { limit: 1 })) as number[];
    db.returnNone('account.move', 'message_post');
    const e = await adapterFailure(
      exec(
        'account.move',
        'message_post',
        [[id]],
        { body: 'Relance 1 envoyée', message_type: 'comment', subtype_xmlid: 'mail.mt_note', body_is_html: true },
        true,
      ),
    );
    db.returnNone('account.move', 'message_post', false);
    expect(e).toMatchObject({ code: 'ODOO_RESULT_NOT_MARSHALLABLE', outcomeUnknown: true });
    const notes = (await exec(
      'mail.message',
      'search_read',
      [
        [
          ['model', '=', 'account.move'],
          ['res_id', '=', id!],
        ],
      ],
      { fields: ['body'] },
    )) as { body: string }[];
    expect(notes.map((n) => n.body).join(' ')).toContain('Relance 1 envoyée');
  });

  it('injected 503 and rate limits reach the client as transient and rate_limit errors', async () => {
    sim.controls.failNext(1, 503);
    expect(await adapterFailure(exec('account.move', 'search_count', [[]]))).toMatchObject({
      code: 'ODOO_SERVER_ERROR',
      kind: 'transient',
    });
    sim.controls.limitRate(1, 60_000);
    await exec('account.move', 'search_count', [[]]);
    expect(await adapterFailure(exec('account.move', 'search_count', [[]]))).toMatchObject({
      code: 'ODOO_RATE_LIMITED',
      kind: 'rate_limit',
    });
    sim.controls.rateLimit = undefined;
  });

  // Asynchronous: the simulator answers from this process's event loop, which a synchronous
  // child process would block.
  it('Python’s standard xmlrpc.client works against it', async () => {
    let python: string;
    try {
      python = execFileSync('python3', ['--version'], { encoding: 'utf8' });
    } catch {
      console.warn('python3 not found: skipping the xmlrpc.client check');
      return;
    }
    expect(python).toMatch(/^Python 3/);
    const script = [
      'import sys, xmlrpc.client as x',
      'url = sys.argv[1]',
      "uid = x.ServerProxy(url + '/xmlrpc/2/common').authenticate('demo', 'admin', 'admin', {})",
      "o = x.ServerProxy(url + '/xmlrpc/2/object')",
      "rows = o.execute_kw('demo', uid, 'admin', 'account.move', 'search_read', [[['move_type', '=', 'out_invoice']]], {'fields': ['name', 'amount_total', 'partner_id'], 'limit': 2, 'order': 'id asc'})",
      'print(uid, len(rows), type(rows[0]["amount_total"]).__name__, type(rows[0]["partner_id"]).__name__)',
      'try:',
      "    o.execute_kw('demo', uid, 'admin', 'account.move', 'search_read', [[['nope', '=', 1]]])",
      'except x.Fault as f:',
      '    print(f.faultCode, f.faultString.strip().splitlines()[-1])',
    ].join('\n');
    const { stdout } = await promisify(execFile)('python3', ['-c', script, sim.url], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    const out = stdout.trim().split('\n');
    expect(out[0]).toBe('2 2 float list');
    expect(out[1]).toMatch(/^1 ValueError: Invalid field account.move.nope/);
  });
});

describe('Odoo simulator JSON-2 (19.0)', () => {
  let db: OdooDatabase;
  let sim: OdooSimulator;
  const http = axios.create({ validateStatus: () => true });
  beforeAll(async () => {
    db = createOdooDatabase({ seed: 3, invoices: 50, version: '19.0' });
    sim = await new OdooSimulator({ db, version: '19.0' }).start();
  });
  afterAll(() => sim.stop());

  it('answers the raw result with a bearer API key', async () => {
    const r = await http.post(
      `${sim.url}/json/2/account.move/search_read`,
      { domain: [['move_type', '=', 'out_invoice']], fields: ['name', 'amount_total'], limit: 2 },
      { headers: { Authorization: 'bearer recouvra-api-key', 'X-Odoo-Database': 'demo' }, responseType: 'text' },
    );
    expect(r.status).toBe(200);
    expect(JSON.parse(r.data as string)).toHaveLength(2);
    expect(r.data).toMatch(/"amount_total": \d+\.\d+/);
  });

  it('uses real HTTP statuses and Odoo’s error object', async () => {
    const bad = await http.post(
      `${sim.url}/json/2/account.move/search_read`,
      {},
      { headers: { Authorization: 'bearer wrong' } },
    );
    expect(bad.status).toBe(401);
    expect(bad.data).toEqual({
      name: 'werkzeug.exceptions.Unauthorized',
      message: 'Invalid apikey',
      arguments: ['Invalid apikey', 401],
      context: {},
      debug: '',
    });
    const missing = await http.post(
      `${sim.url}/json/2/no.such.model/search_read`,
      {},
      { headers: { Authorization: 'bearer recouvra-api-key' } },
    );
    expect(missing.status).toBe(404);
    const withIds = await http.post(
      `${sim.url}/json/2/account.move/search_read`,
      { ids: [1] },
      { headers: { Authorization: 'bearer recouvra-api-key' } },
    );
    expect(withIds.status).toBe(422);
  });

  it('creates with a named vals_list, which only XML-RPC’s call_kw refuses (v18-20), and answers the sender e-mail UserError with 422', async () => {
    const activity = (summary: string, userId: number) => ({
      res_id: 1,
      summary,
      user_id: userId,
      date_deadline: '2026-12-11',
    });
    const auth = { headers: { Authorization: 'bearer recouvra-api-key' } };
    const created = await http.post(
      `${sim.url}/json/2/mail.activity/create`,
      { vals_list: [activity('to itself', BILLING_UID)], context: { default_res_model: 'account.move' } },
      auth,
    );
    expect([created.status, created.data]).toEqual([200, [expect.any(Number)]]);
    db.setUserEmail(BILLING_UID, false);
    const toAdmin = await http.post<{ name: string; message: string }>(
      `${sim.url}/json/2/mail.activity/create`,
      { vals_list: [activity('to admin', ADMIN_UID)], context: { default_res_model: 'account.move' } },
      auth,
    );
    db.setUserEmail(BILLING_UID, 'api@recouvra-demo.example.fr');
    expect([toAdmin.status, toAdmin.data.name, toAdmin.data.message]).toEqual([
      422,
      'odoo.exceptions.UserError',
      "Unable to send message, please configure the sender's email address.",
    ]);
  });
});

describe('JSON-2 before 19.0', () => {
  // v18-32: the route does not exist, and 18.0 sends the caller to its login page (was a plain 404 here).
  it('does not exist: a redirect to the login page', async () => {
    for (const version of ['16.0', '17.0', '18.0'] as const) {
      const sim = await new OdooSimulator({
        db: createOdooDatabase({ seed: 3, invoices: 10, version }),
        version,
      }).start();
      try {
        const r = await axios.post(
          `${sim.url}/json/2/account.move/search_read?x=1`,
          {},
          { validateStatus: () => true, maxRedirects: 0, headers: { Authorization: 'bearer admin-api-key' } },
        );
        expect([version, r.status, r.headers['location']]).toEqual([
          version,
          303,
          '/web/login?redirect=%2Fjson%2F2%2Faccount.move%2Fsearch_read%3Fx%3D1',
        ]);
      } finally {
        await sim.stop();
      }
    }
  });
});

describe('/web/version', () => {
  it('answers the version as JSON on 19.0', async () => {
    const sim = await new OdooSimulator({
      db: createOdooDatabase({ seed: 3, invoices: 10, version: '19.0' }),
      version: '19.0',
    }).start();
    try {
      const r = await axios.get(`${sim.url}/web/version`);
      expect([r.status, r.data]).toEqual([200, { version: '19.0', version_info: [19, 0, 0, 'final', 0, ''] }]);
    } finally {
      await sim.stop();
    }
  });
});

// ---------------------------------------------------------------- replays of captured traffic

const CAPTURES = join(__dirname, '../../../adapters/odoo/fixtures/xmlrpc-captures');
const capture = (file: string): string => readFileSync(join(CAPTURES, file), 'utf8');

/** Status line and headers of a captured `.http` file, header names lower-cased (repeated ones in order). */
function capturedHttp(file: string): { start: string; headers: [string, string][] } {
  const [start, ...lines] = capture(file)
    .split('\r\n')
    .filter((line) => line !== '');
  return {
    start: start!,
    headers: lines.map((line) => [
      line.slice(0, line.indexOf(':')).toLowerCase(),
      line.slice(line.indexOf(':') + 1).trim(),
    ]),
  };
}

function capturedHeader(http: { headers: [string, string][] }, name: string): string[] {
  return http.headers.filter(([n]) => n === name).map(([, v]) => v);
}

const HTTP_DATE = '[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT';

/** A captured Set-Cookie as a pattern: dates and the redacted session id may differ, nothing else. */
function cookiePattern(captured: string): RegExp {
  const escaped = captured.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(
    `^${escaped.replace(/[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT/g, HTTP_DATE).replace('REDACTED', '[0-9a-f]{40}')}$`,
  );
}

describe('replaying the plain HTTP exchanges of 18.0 (v18-30 to v18-32)', () => {
  let sim: OdooSimulator;
  const http = axios.create({
    validateStatus: () => true,
    maxRedirects: 0,
    responseType: 'text',
    transformResponse: (d: unknown) => d,
  });
  beforeAll(async () => {
    sim = await new OdooSimulator({
      db: createOdooDatabase({ seed: 3, invoices: 10, version: '18.0' }),
      version: '18.0',
      database: 'recouvra18',
    }).start();
  });
  afterAll(() => sim.stop());

  /** Status line, the headers the capture names (Date and Connection aside) and the body, against the capture. */
  function expectAsCaptured(
    r: { status: number; statusText: string; headers: Record<string, unknown>; data: unknown },
    prefix: string,
    body: (captured: string) => string,
  ): void {
    const captured = capturedHttp(`${prefix}.response.http`);
    expect(`HTTP/1.1 ${r.status} ${r.statusText}`).toBe(captured.start);
    for (const [name] of captured.headers) {
      if (name === 'date' || name === 'connection') continue;
      const ours = r.headers[name];
      if (name === 'set-cookie') {
        const cookies = ours as string[];
        const expected = capturedHeader(captured, name);
        expect(cookies).toHaveLength(expected.length);
        expected.forEach((cookie, i) => expect(cookies[i]).toMatch(cookiePattern(cookie)));
      } else {
        expect([name, String(ours)]).toEqual([name, capturedHeader(captured, name)[0]]);
      }
    }
    expect(r.data).toBe(body(capture(`${prefix}.response.html`)));
  }

  /** The 404 page, the csrf_token aside: an HMAC, "o", and its expiry a year ahead. */
  function withOurToken(data: unknown): (captured: string) => string {
    const token = /csrf_token: "([0-9a-f]{40}o(\d{10}))"/.exec(String(data));
    expect(token).not.toBeNull();
    expect(Math.abs(Number(token![2]) - (Date.now() / 1000 + 365 * 86_400))).toBeLessThan(120);
    return (captured) => captured.replace(/csrf_token: "[0-9a-fo]+"/, `csrf_token: "${token![1]}"`);
  }

  it('GET /web/version is Odoo’s 404 page with its cookies (v18-30)', async () => {
    const r = await http.get(`${sim.url}/web/version`);
    expectAsCaptured(r, 'v18-30-http-GET-web-version', withOurToken(r.data));
  });

  it('POST /web/version with a JSON-RPC body is the same page (v18-31)', async () => {
    const r = await http.post(`${sim.url}/web/version`, capture('v18-31-http-POST-web-version.request.json'), {
      headers: { 'Content-Type': 'application/json' },
    });
    expectAsCaptured(r, 'v18-31-http-POST-web-version', withOurToken(r.data));
    // A fresh token per request, as on the server.
    const again = await http.post(`${sim.url}/web/version`, capture('v18-31-http-POST-web-version.request.json'), {
      headers: { 'Content-Type': 'application/json' },
    });
    expect(again.data).not.toBe(r.data);
  });

  it('POST /json/2/... is a 303 to the login page, body byte for byte (v18-32)', async () => {
    const request = capturedHttp('v18-32-http-POST-json2-account.move-search_read.request.http');
    expect(request.start).toBe('POST /json/2/account.move/search_read HTTP/1.1');
    const r = await http.post(
      `${sim.url}/json/2/account.move/search_read`,
      capture('v18-32-http-POST-json2-account.move-search_read.request.json'),
      {
        headers: {
          'Content-Type': 'application/json',
          Authorization: 'bearer recouvra-api-key',
          'X-Odoo-Database': capturedHeader(request, 'x-odoo-database')[0]!,
        },
      },
    );
    expectAsCaptured(r, 'v18-32-http-POST-json2-account.move-search_read', (captured) => captured);
  });
});

/**
 * The XML-RPC captures of the second 18.0 server, replayed in the order they were taken. The database
 * is seeded to match: invoice 280 is created and posted first, as on the server; activity ids start so
 * that v18-20's rolled-back create uses up 34 and v18-21 gets 35 (our reading of the ids: 37 and 38
 * were skipped the same way); messages start at 909; account.move is ir.model 427 in every simulated
 * database. The server's users 9 (Invoicing / Billing, no e-mail) and 8 (no accounting) are our
 * BILLING_UID and PORTAL_UID: in their requests the uid, the redacted key and `user_id` are mapped, and
 * in v18-54's answer user 9's [id, name] is mapped back. Everything else is compared byte for byte.
 */
describe('replaying the second 18.0 server’s XML-RPC captures (v18-20 to v18-54)', () => {
  let db: OdooDatabase;
  let sim: OdooSimulator;
  const USERS: Record<number, { uid: number; key: string }> = {
    9: { uid: BILLING_UID, key: 'recouvra-api-key' },
    8: { uid: PORTAL_UID, key: 'portal-api-key' },
  };

  beforeAll(async () => {
    // Admin's requests are sent as captured: uid 2 and password admin are ours too.
    expect(ADMIN_UID).toBe(2);
    db = createOdooDatabase({
      seed: 7,
      invoices: 279,
      version: '18.0',
      idOffset: { 'mail.activity': 33, 'mail.message': 908 },
    });
    db.setNow('2026-12-04T22:48:10Z');
    const invoice = db.call('account.move', 'create', [
      { move_type: 'out_invoice', partner_id: 10, invoice_line_ids: [[0, 0, { quantity: 1, price_unit: 200 }]] },
    ]);
    expect(invoice).toBe(280);
    db.call('account.move', 'action_post', [[280]]);
    db.addCustomField('account.move', 'x_recovery_stage', 'char', { string: 'Recovery stage' });
    // The server's billing user has no e-mail address; ours has one unless told otherwise.
    db.setUserEmail(BILLING_UID, false);
    sim = await new OdooSimulator({ db, version: '18.0', database: 'recouvra18' }).start();
  });
  afterAll(() => sim.stop());

  /** The captured request, with the server's users 8 and 9 mapped to ours. */
  async function request(name: string): Promise<string> {
    const xml = capture(`${name}.request.xml`);
    const call = await decodeMethodCall(xml, { keepDoubles: true });
    const user = USERS[call.params[1] as number];
    if (call.method !== 'execute_kw' || user === undefined) return xml;
    const mapUserId = (vals: XmlRpcValue): XmlRpcValue => {
      const v = vals as Record<string, XmlRpcValue>;
      return typeof v['user_id'] === 'number' && USERS[v['user_id']]
        ? { ...v, user_id: USERS[v['user_id']]!.uid }
        : vals;
    };
    const params = [...call.params];
    params[1] = user.uid;
    params[2] = user.key;
    if (params[4] === 'create')
      params[5] = (params[5] as XmlRpcValue[]).map((list) =>
        Array.isArray(list) ? list.map(mapUserId) : mapUserId(list),
      );
    return encodeMethodCall(call.method, params);
  }

  async function replay(name: string, expected: (captured: string) => string = (captured) => captured): Promise<void> {
    const service = name.includes('-common-') ? 'common' : 'object';
    const r = await axios.post<string>(`${sim.url}/xmlrpc/2/${service}`, await request(name), {
      headers: { 'Content-Type': 'text/xml' },
      responseType: 'text',
      transformResponse: (d: unknown) => d,
    });
    expect(r.status).toBe(200);
    expect(r.data).toBe(expected(capture(`${name}.response.xml`)));
  }

  it('activities: the keyword vals_list fault, the default type from the context, the billing user’s refusals (v18-20 to v18-29)', async () => {
    db.setNow('2026-12-04T22:48:12Z');
    for (const name of [
      'v18-20-object-create-activity-kwarg-vals_list',
      'v18-21-object-create-activity-default_res_model',
      'v18-22-object-search_read-activity-default_res_model',
      'v18-23-object-search_read-ir.model-admin',
      'v18-24-object-create-activity-res_model_id',
      'v18-25-object-read-activity-res_model_id',
      'v18-26-object-search_read-ir.model-billing',
      'v18-27-object-create-activity-default_res_model-billing',
      'v18-28-object-create-activity-res_model_id-billing',
      'v18-29-object-search_count-invoices-noacc',
    ]) {
      await replay(name);
    }
  });

  it('activities the billing user assigns to itself need no e-mail (v18-52 to v18-54)', async () => {
    await replay('v18-52-object-create-activity-default_res_model-billing-self');
    await replay('v18-53-object-create-activity-res_model_id-billing-self');
    const billing = (db.call('res.users', 'read', [[BILLING_UID]], { fields: ['name'] }) as { name: string }[])[0]!
      .name;
    await replay('v18-54-object-search_read-activity-billing-self', (captured) =>
      captured.replaceAll(
        '<value><int>9</int></value>\n<value><string>Billing User</string></value>',
        `<value><int>${BILLING_UID}</int></value>\n<value><string>${billing}</string></value>`,
      ),
    );
  });

  it('reads, notes, same-value writes, fields_get, the None-returning methods and version (v18-33 to v18-51)', async () => {
    await replay('v18-33-object-read-missing-id');
    await replay('v18-34-object-read-bad-field');
    await replay('v18-35-object-message_post-plain-text');
    await replay('v18-36-object-message_post-body_is_html');
    await replay('v18-37-object-search_read-message-plain-text');
    await replay('v18-38-object-search_read-message-body_is_html');
    // v18-39/40 (ir.model.fields) are not replayed: the simulator does not model that model.
    db.setNow('2026-12-04T22:48:26Z');
    await replay('v18-41-object-write-x_recovery_stage-set');
    db.setNow('2026-12-04T22:48:28Z');
    await replay('v18-42-object-read-write_date-before');
    db.setNow('2026-12-04T22:48:31Z');
    await replay('v18-43-object-write-x_recovery_stage-same-value');
    db.setNow('2026-12-04T22:48:33Z');
    await replay('v18-44-object-read-write_date-after');
    await replay('v18-45-object-fields_get-recovery-fields');
    await replay('v18-46-object-fields_get-recovery-fields-selection');
    await replay('v18-47-object-action_toggle_block_payment');
    await replay('v18-48-object-read-payment_state-after-toggle');
    await replay('v18-49-object-button_cancel');
    await replay('v18-50-object-read-state-after-cancel');
    await replay('v18-51-common-version');
  });
});
