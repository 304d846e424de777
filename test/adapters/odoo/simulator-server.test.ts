import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import axios from 'axios';
import { createOdooDatabase, type OdooDatabase } from '../../../adapters/odoo/simulator/model';
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
  const exec = (model: string, method: string, args: unknown[], kwargs: Record<string, unknown> = {}, isWrite = false) =>
    rpc.call('object', 'execute_kw', ['demo', 2, 'admin', model, method, args as never, kwargs as never], { isWrite, what: `${model}.${method}` });

  beforeAll(async () => {
    db = createOdooDatabase({ seed: 7, invoices: 300, version: '18.0' });
    sim = await new OdooSimulator({ db, version: '18.0' }).start();
    rpc = new XmlRpcTransport({ baseUrl: sim.url, timeoutMs: 5_000, secrets: ['admin'] });
  });
  afterAll(() => sim.stop());

  it('answers version and authenticate like Odoo (false for a bad password)', async () => {
    expect(await rpc.call('common', 'version', [], { isWrite: false, what: 'common.version' })).toMatchObject({ server_version: '18.0', protocol_version: 1 });
    expect(await rpc.call('common', 'authenticate', ['demo', 'admin', 'admin', {}], { isWrite: false, what: 'common.authenticate' })).toBe(2);
    expect(await rpc.call('common', 'authenticate', ['demo', 'admin', 'nope', {}], { isWrite: false, what: 'common.authenticate' })).toBe(false);
  });

  it('an unknown database is a configuration error naming it', async () => {
    const e = await adapterFailure(rpc.call('common', 'authenticate', ['prod', 'admin', 'admin', {}], { isWrite: false, what: 'common.authenticate' }));
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

    const page = (await exec('account.move', 'search_read', [OPEN], { fields: ['name', 'partner_id', 'invoice_date_due', 'amount_residual', 'write_date'], order: 'write_date asc, id asc', limit: 50 })) as Record<string, unknown>[];
    expect(page).toHaveLength(50);
    expect(page[0]).toEqual(expect.objectContaining({ id: expect.any(Number), partner_id: [expect.any(Number), expect.any(String)], invoice_date_due: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) }));
    const keys = page.map((r) => `${String(r.write_date)}#${String(r.id).padStart(10, '0')}`);
    expect([...keys].sort()).toEqual(keys);
  });

  it('faults: unknown field is a config error; a bad password on object calls is Access Denied', async () => {
    expect(await adapterFailure(exec('account.move', 'search_read', [[['no_such_field', '=', 1]]]))).toMatchObject({ code: 'ODOO_INVALID_FIELD' });
    const e = await adapterFailure(rpc.call('object', 'execute_kw', ['demo', 2, 'wrong', 'account.move', 'search_count', [[]]], { isWrite: false, what: 'x' }));
    expect(e).toMatchObject({ code: 'ODOO_ACCESS_DENIED', kind: 'config' });
  });

  it('a method returning None faults after its work is done: the note exists, the outcome was unknown', async () => {
    const [id] = (await exec('account.move', 'search', [OPEN], { limit: 1 })) as number[];
    db.returnNone('account.move', 'message_post');
    const e = await adapterFailure(exec('account.move', 'message_post', [[id]], { body: 'Relance 1 envoyée', message_type: 'comment', subtype_xmlid: 'mail.mt_note', body_is_html: true }, true));
    db.returnNone('account.move', 'message_post', false);
    expect(e).toMatchObject({ code: 'ODOO_RESULT_NOT_MARSHALLABLE', outcomeUnknown: true });
    const notes = (await exec('mail.message', 'search_read', [[['model', '=', 'account.move'], ['res_id', '=', id!]]], { fields: ['body'] })) as { body: string }[];
    expect(notes.map((n) => n.body).join(' ')).toContain('Relance 1 envoyée');
  });

  it('injected 503 and rate limits reach the client as transient and rate_limit errors', async () => {
    sim.controls.failNext(1, 503);
    expect(await adapterFailure(exec('account.move', 'search_count', [[]]))).toMatchObject({ code: 'ODOO_SERVER_ERROR', kind: 'transient' });
    sim.controls.limitRate(1, 60_000);
    await exec('account.move', 'search_count', [[]]);
    expect(await adapterFailure(exec('account.move', 'search_count', [[]]))).toMatchObject({ code: 'ODOO_RATE_LIMITED', kind: 'rate_limit' });
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
    const { stdout } = await promisify(execFile)('python3', ['-c', script, sim.url], { encoding: 'utf8', timeout: 20_000 });
    const out = stdout.trim().split('\n');
    expect(out[0]).toBe('2 2 float list');
    expect(out[1]).toMatch(/^1 ValueError: Invalid field account.move.nope/);
  });
});

describe('Odoo simulator JSON-2 (19.0)', () => {
  let sim: OdooSimulator;
  const http = axios.create({ validateStatus: () => true });
  beforeAll(async () => {
    sim = await new OdooSimulator({ db: createOdooDatabase({ seed: 3, invoices: 50, version: '19.0' }), version: '19.0' }).start();
  });
  afterAll(() => sim.stop());

  it('answers the raw result with a bearer API key', async () => {
    const r = await http.post(`${sim.url}/json/2/account.move/search_read`, { domain: [['move_type', '=', 'out_invoice']], fields: ['name', 'amount_total'], limit: 2 }, { headers: { Authorization: 'bearer recouvra-api-key', 'X-Odoo-Database': 'demo' }, responseType: 'text' });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.data as string)).toHaveLength(2);
    expect(r.data).toMatch(/"amount_total": \d+\.\d+/);
  });

  it('uses real HTTP statuses and Odoo’s error object', async () => {
    const bad = await http.post(`${sim.url}/json/2/account.move/search_read`, {}, { headers: { Authorization: 'bearer wrong' } });
    expect(bad.status).toBe(401);
    expect(bad.data).toEqual({ name: 'werkzeug.exceptions.Unauthorized', message: 'Invalid apikey', arguments: ['Invalid apikey', 401], context: {}, debug: '' });
    const missing = await http.post(`${sim.url}/json/2/no.such.model/search_read`, {}, { headers: { Authorization: 'bearer recouvra-api-key' } });
    expect(missing.status).toBe(404);
    const withIds = await http.post(`${sim.url}/json/2/account.move/search_read`, { ids: [1] }, { headers: { Authorization: 'bearer recouvra-api-key' } });
    expect(withIds.status).toBe(422);
  });
});

describe('JSON-2 before 19.0', () => {
  it('does not exist', async () => {
    const sim = await new OdooSimulator({ db: createOdooDatabase({ seed: 3, invoices: 10, version: '18.0' }), version: '18.0' }).start();
    try {
      const r = await axios.post(`${sim.url}/json/2/account.move/search_read`, {}, { validateStatus: () => true, headers: { Authorization: 'bearer admin-api-key' } });
      expect(r.status).toBe(404);
    } finally {
      await sim.stop();
    }
  });
});
