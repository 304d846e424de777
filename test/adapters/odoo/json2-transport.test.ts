import { inspect } from 'node:util';
import { createServer } from 'node:net';
import axios, { AxiosError } from 'axios';
import nock from 'nock';
import { ADMIN_UID, BILLING_UID, createOdooDatabase } from '../../../adapters/odoo/simulator/model';
import { OdooSimulator } from '../../../adapters/odoo/simulator/server';
import { Json2OdooRpc } from '../../../adapters/odoo/transport/json2-transport';
import type { AdapterError } from '../../../connector/ports/adapter-error';
import { adapterFailure } from '../../helpers/failure';

const BASE = 'http://odoo.test:8069';
const KEY = 'k3y-never-in-errors-0123456789';
const rpc = (timeoutMs = 2_000) => new Json2OdooRpc({ baseUrl: `${BASE}/`, database: 'prod', apiKey: KEY, timeoutMs });
const read = { isWrite: false };
const write = { isWrite: true };
const odooError = (name: string, message: string, status: number) => ({
  name,
  message,
  arguments: [message, status],
  context: {},
  debug: `Traceback (most recent call last):\n${name}: ${message}`,
});
const everything = (e: AdapterError) => `${e.message} ${e.userMessage} ${e.detail ?? ''} ${inspect(e, { depth: 10 })}`;

describe('JSON-2 (wire level)', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  // The interceptor stays in the worker process otherwise, and buffers the answers of the next test files' real servers.
  afterAll(() => {
    nock.enableNetConnect();
    nock.restore();
  });

  it('POSTs the named arguments to /json/2/<model>/<method> with bearer key and database headers', async () => {
    let sent: unknown;
    const scope = nock(BASE)
      .post('/json/2/account.move/search_read', (body: unknown) => ((sent = body), true))
      .matchHeader('authorization', `bearer ${KEY}`)
      .matchHeader('x-odoo-database', 'prod')
      .matchHeader('content-type', 'application/json')
      .reply(200, '[{"id": 25, "name": "INV/2026/0001", "amount_total": 31750.0}]', {
        'Content-Type': 'application/json',
      });
    const named = {
      domain: [['state', '=', 'posted']],
      fields: ['name', 'amount_total'],
      limit: 2,
      order: 'write_date asc, id asc',
    };
    expect(await rpc().call('account.move', 'search_read', named, read)).toEqual([
      { id: 25, name: 'INV/2026/0001', amount_total: 31750 },
    ]);
    expect(sent).toEqual(named);
    expect(scope.isDone()).toBe(true);
  });

  it('sends ids beside the named arguments for record methods', async () => {
    let sent: unknown;
    nock(BASE)
      .post('/json/2/account.move/message_post', (body: unknown) => ((sent = body), true))
      .reply(200, '4242');
    expect(
      await rpc().call('account.move', 'message_post', { ids: [7], body: 'Relance 1', message_type: 'comment' }, write),
    ).toBe(4242);
    expect(sent).toEqual({ ids: [7], body: 'Relance 1', message_type: 'comment' });
  });

  it('version() reads GET /web/version without credentials, Odoo Online style included', async () => {
    nock(BASE, { badheaders: ['authorization'] })
      .get('/web/version')
      .reply(200, { version: 'saas~18.4', version_info: ['saas~18', 4, 0, 'final', 0, ''] });
    expect(await rpc().version()).toEqual({ serverVersion: 'saas~18.4', major: 18 });
    nock(BASE)
      .get('/web/version')
      .reply(200, { version: '19.0+e', version_info: [19, 0, 0, 'final', 0, 'e'] });
    expect(await rpc().version()).toEqual({ serverVersion: '19.0+e', major: 19 });
  });

  it('authenticate() is res.users/context_get with no ids and returns its uid', async () => {
    let sent: unknown;
    nock(BASE)
      .post('/json/2/res.users/context_get', (body: unknown) => ((sent = body), true))
      .matchHeader('authorization', `bearer ${KEY}`)
      .reply(200, { lang: 'fr_FR', tz: 'Europe/Paris', uid: 6 });
    expect(await rpc().authenticate()).toBe(6);
    expect(sent).toEqual({});
  });

  it.each([
    [
      401,
      'Unauthorized',
      odooError('werkzeug.exceptions.Unauthorized', 'Invalid apikey', 401),
      'ODOO_ACCESS_DENIED',
      'config',
      'Invalid apikey',
    ],
    [
      403,
      'AccessError',
      odooError(
        'odoo.exceptions.AccessError',
        "You are not allowed to modify 'Journal Entry' (account.move) records.",
        403,
      ),
      'ODOO_ACCESS_ERROR',
      'config',
      'account.move.write',
    ],
    [
      404,
      'unknown model',
      odooError('werkzeug.exceptions.NotFound', "Object no.such doesn't exist", 404),
      'ODOO_METHOD_NOT_FOUND',
      'config',
      "Object no.such doesn't exist",
    ],
    [
      404,
      'unknown database',
      odooError('werkzeug.exceptions.NotFound', 'database "prod" not found', 404),
      'ODOO_DATABASE_NOT_FOUND',
      'config',
      'database "prod" not found',
    ],
    [
      404,
      'HTML page (no JSON-2 route)',
      '<!doctype html>\n<title>404 Not Found</title>',
      'ODOO_ENDPOINT_NOT_FOUND',
      'config',
      'Odoo 19',
    ],
    [
      404,
      'MissingError',
      odooError('odoo.exceptions.MissingError', 'Record does not exist or has been deleted.', 404),
      'ODOO_USER_ERROR',
      'system',
      'has been deleted',
    ],
    [
      422,
      'arguments that do not bind',
      odooError('werkzeug.exceptions.UnprocessableEntity', "missing a required argument: 'vals'", 422),
      'ODOO_BAD_ARGUMENTS',
      'config',
      "missing a required argument: 'vals'",
    ],
    [
      422,
      'bare JSON string (pre-19.0 design)',
      JSON.stringify("got an unexpected keyword argument 'valz'"),
      'ODOO_BAD_ARGUMENTS',
      'config',
      "unexpected keyword argument 'valz'",
    ],
    [
      422,
      'UserError from the method',
      odooError('odoo.exceptions.UserError', 'You cannot modify a posted entry.', 422),
      'ODOO_USER_ERROR',
      'system',
      'You cannot modify a posted entry.',
    ],
    [
      500,
      'invalid field',
      odooError('builtins.ValueError', "Invalid field 'x_siret' on model 'account.move'", 500),
      'ODOO_INVALID_FIELD',
      'config',
      'x_siret',
    ],
  ])('HTTP %i, %s', async (status, _label, body, code, kind, says) => {
    nock(BASE).post('/json/2/account.move/write').reply(status, body);
    const e = await adapterFailure(rpc().call('account.move', 'write', { ids: [7], vals: { ref: 'R' } }, write));
    expect(e).toMatchObject({ code, kind, outcomeUnknown: false });
    expect(e.userMessage).toContain(says);
  });

  it('429 is a rate limit carrying Retry-After, never a retry burnt here', async () => {
    const scope = nock(BASE)
      .post('/json/2/account.move/search_read')
      .once()
      .reply(429, '<html>Too Many Requests</html>', { 'Retry-After': '12' });
    expect(await adapterFailure(rpc().call('account.move', 'search_read', {}, read))).toMatchObject({
      code: 'ODOO_RATE_LIMITED',
      kind: 'rate_limit',
      retryAfterMs: 12_000,
    });
    expect(scope.isDone()).toBe(true);
  });

  it('503 is transient; after a write the outcome is unknown', async () => {
    nock(BASE)
      .post('/json/2/account.move/search_read')
      .reply(503, '<html><body><h1>503</h1></body></html>', { 'Content-Type': 'text/html' });
    expect(await adapterFailure(rpc().call('account.move', 'search_read', {}, read))).toMatchObject({
      code: 'ODOO_SERVER_ERROR',
      kind: 'transient',
      outcomeUnknown: false,
    });
    nock(BASE)
      .post('/json/2/account.move/write')
      .reply(503, '<html><body><h1>503</h1></body></html>', { 'Content-Type': 'text/html' });
    expect(await adapterFailure(rpc().call('account.move', 'write', { ids: [7], vals: {} }, write))).toMatchObject({
      code: 'ODOO_SERVER_ERROR',
      kind: 'transient',
      outcomeUnknown: true,
    });
  });

  it('a 200 that is not JSON (a login page) is a system error', async () => {
    nock(BASE)
      .post('/json/2/account.move/search_read')
      .reply(200, '<html><body>Login</body></html>', { 'Content-Type': 'text/html' });
    const e = await adapterFailure(rpc().call('account.move', 'search_read', {}, read));
    expect(e).toMatchObject({ code: 'ODOO_BAD_RESPONSE', kind: 'system' });
    expect(e.detail).toContain('<html><body>Login');
  });

  it('ids up to 2^53−1 come back exact; a larger integer fails instead of naming another record', async () => {
    const safe = '[{"id": 9007199254740991, "name": "id \\"12345678901234567890\\"", "amount_total": 1e300}]';
    nock(BASE).post('/json/2/account.move/search_read').reply(200, safe);
    expect(await rpc().call('account.move', 'search_read', {}, read)).toEqual([
      { id: Number.MAX_SAFE_INTEGER, name: 'id "12345678901234567890"', amount_total: 1e300 },
    ]);
    nock(BASE).post('/json/2/account.move/search_read').reply(200, '[{"id": 9007199254740993, "name": "x"}]');
    const e = await adapterFailure(rpc().call('account.move', 'search_read', {}, read));
    expect(e).toMatchObject({ code: 'ODOO_UNSAFE_INTEGER', kind: 'system', outcomeUnknown: false });
    expect(e.userMessage).toContain('9007199254740993');
    nock(BASE).post('/json/2/account.move/message_post').reply(200, '-9223372036854775807');
    expect(
      await adapterFailure(rpc().call('account.move', 'message_post', { ids: [1], body: 'x' }, write)),
    ).toMatchObject({ code: 'ODOO_UNSAFE_INTEGER', outcomeUnknown: true });
  });

  it('never puts the API key in an error, even when the server or the network echoes it', async () => {
    nock(BASE)
      .post('/json/2/a/b')
      .reply(401, odooError('werkzeug.exceptions.Unauthorized', `Invalid apikey ${KEY}`, 401));
    nock(BASE).post('/json/2/a/c').reply(502, `<html>bad gateway for bearer ${KEY}</html>`);
    nock(BASE).post('/json/2/a/d').reply(200, `<html>hello ${KEY}</html>`);
    for (const method of ['b', 'c', 'd']) {
      const e = await adapterFailure(rpc().call('a', method, {}, read));
      expect(everything(e)).toContain('[REDACTED]');
      expect(everything(e)).not.toContain(KEY);
    }
  });

  it('never carries the axios error, whose config holds the Authorization header', async () => {
    // An adapter rather than nock's replyWithError, which, across test files, can surface as an unhandled socket error.
    const http = axios.create({
      adapter: (config) => Promise.reject(new AxiosError(`socket hang up (bearer ${KEY})`, 'ECONNRESET', config)),
    });
    const e = await adapterFailure(
      new Json2OdooRpc({ baseUrl: BASE, database: 'prod', apiKey: KEY, timeoutMs: 2_000, http }).call(
        'account.move',
        'write',
        { ids: [1], vals: {} },
        write,
      ),
    );
    expect(e).toMatchObject({ code: 'ODOO_UNREACHABLE', kind: 'transient', outcomeUnknown: true });
    expect(everything(e)).toContain('socket hang up (bearer [REDACTED])');
    expect(everything(e)).not.toContain(KEY);
  });
});

describe('JSON-2 against the Odoo simulator (19.0)', () => {
  let sim: OdooSimulator;
  const connect = (apiKey = 'admin-api-key', database = 'demo') =>
    new Json2OdooRpc({ baseUrl: sim.url, database, apiKey, timeoutMs: 5_000 });

  beforeAll(async () => {
    sim = await new OdooSimulator({
      db: createOdooDatabase({ version: '19.0', invoices: 50 }),
      version: '19.0',
    }).start();
  });
  afterAll(() => sim.stop());

  it('version() and authenticate() identify the server and the key’s user', async () => {
    expect(await connect().version()).toEqual({ serverVersion: '19.0', major: 19 });
    expect(await connect().authenticate()).toBe(ADMIN_UID);
    expect(await connect('recouvra-api-key').authenticate()).toBe(BILLING_UID);
  });

  it('search_read takes domain, fields, limit and order', async () => {
    const rows = await connect('recouvra-api-key').call<Record<string, unknown>[]>(
      'account.move',
      'search_read',
      {
        domain: [['move_type', '=', 'out_invoice']],
        fields: ['name', 'move_type', 'write_date'],
        limit: 5,
        order: 'write_date asc, id asc',
      },
      read,
    );
    expect(rows).toHaveLength(5);
    for (const r of rows) expect(Object.keys(r).sort()).toEqual(['id', 'move_type', 'name', 'write_date']);
    expect(rows.every((r) => r['move_type'] === 'out_invoice')).toBe(true);
    const keys = rows.map((r) => `${String(r['write_date'])}#${String(r['id']).padStart(10, '0')}`);
    expect([...keys].sort()).toEqual(keys);
  });

  it('message_post on ids returns the new message’s id, which reads back on the record', async () => {
    const odoo = connect('recouvra-api-key');
    const [move] = await odoo.call<{ id: number }[]>(
      'account.move',
      'search_read',
      { domain: [], fields: ['id'], limit: 1 },
      read,
    );
    const id = await odoo.call<number>(
      'account.move',
      'message_post',
      { ids: [move!.id], body: 'Relance 1', message_type: 'comment' },
      write,
    );
    expect(Number.isInteger(id)).toBe(true);
    expect(await odoo.call('mail.message', 'read', { ids: [id], fields: ['model', 'res_id'] }, read)).toEqual([
      { id, model: 'account.move', res_id: move!.id },
    ]);
  });

  it('configuration mistakes fail fast: bad key, unknown model, unknown database, ids on a model method', async () => {
    expect(await adapterFailure(connect('wrong-key').authenticate())).toMatchObject({
      code: 'ODOO_ACCESS_DENIED',
      kind: 'config',
    });
    expect(await adapterFailure(connect().call('no.such.model', 'search_read', {}, read))).toMatchObject({
      code: 'ODOO_METHOD_NOT_FOUND',
      kind: 'config',
    });
    expect(
      await adapterFailure(connect('admin-api-key', 'prod').call('account.move', 'search_read', {}, read)),
    ).toMatchObject({ code: 'ODOO_DATABASE_NOT_FOUND', kind: 'config' });
    expect(await adapterFailure(connect().call('account.move', 'search_read', { ids: [1] }, read))).toMatchObject({
      code: 'ODOO_BAD_ARGUMENTS',
      kind: 'config',
    });
  });

  it('missing rights name the call; a missing record is Odoo refusing, not a retry', async () => {
    const denied = await adapterFailure(
      connect('portal-api-key').call('account.move', 'search_read', { limit: 1 }, read),
    );
    expect(denied).toMatchObject({ code: 'ODOO_ACCESS_ERROR', kind: 'config' });
    expect(denied.userMessage).toContain('account.move.search_read');
    expect(
      await adapterFailure(connect().call('account.move', 'write', { ids: [999_999], vals: { ref: 'R' } }, write)),
    ).toMatchObject({ code: 'ODOO_USER_ERROR', kind: 'system', outcomeUnknown: false });
  });

  it('a timeout is transient, and after a write its outcome is unknown', async () => {
    sim.controls.latencyMs = 300;
    try {
      const slow = new Json2OdooRpc({ baseUrl: sim.url, database: 'demo', apiKey: 'admin-api-key', timeoutMs: 50 });
      expect(
        await adapterFailure(slow.call('account.move', 'write', { ids: [1], vals: { ref: 'R' } }, write)),
      ).toMatchObject({ code: 'ODOO_UNREACHABLE', kind: 'transient', outcomeUnknown: true });
    } finally {
      sim.controls.latencyMs = 0;
    }
  });

  it('a refused connection is transient, and nothing was sent', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise((resolve) => closed.close(resolve));
    const nobody = new Json2OdooRpc({
      baseUrl: `http://127.0.0.1:${port}`,
      database: 'demo',
      apiKey: 'admin-api-key',
      timeoutMs: 2_000,
    });
    expect(await adapterFailure(nobody.call('account.move', 'write', { ids: [1], vals: {} }, write))).toMatchObject({
      code: 'ODOO_UNREACHABLE',
      kind: 'transient',
      outcomeUnknown: false,
    });
  });

  it('an injected 503 on a write is transient with an unknown outcome', async () => {
    sim.controls.failNext(1, 503);
    expect(
      await adapterFailure(connect().call('account.move', 'write', { ids: [1], vals: { ref: 'R' } }, write)),
    ).toMatchObject({ code: 'ODOO_SERVER_ERROR', kind: 'transient', outcomeUnknown: true });
  });
});
