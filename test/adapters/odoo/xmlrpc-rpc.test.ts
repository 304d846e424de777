import { inspect } from 'node:util';
import nock from 'nock';
import {
  ADMIN_UID,
  createOdooDatabase,
  type OdooDatabase,
  type OdooDatabaseOptions,
} from '../../../adapters/odoo/simulator/model';
import { OdooSimulator } from '../../../adapters/odoo/simulator/server';
import { XmlRpcOdooRpc, type XmlRpcOdooRpcOptions } from '../../../adapters/odoo/transport/xmlrpc-rpc';
import { XmlRpcTransport } from '../../../adapters/odoo/transport/xmlrpc-transport';
import { encodeFault, encodeMethodCall, encodeMethodResponse, type XmlRpcValue } from '../../../adapters/odoo/xmlrpc';
import { adapterFailure } from '../../helpers/failure';

const read = { isWrite: false };
const write = { isWrite: true };

describe('XmlRpcOdooRpc (wire level)', () => {
  const BASE = 'http://odoo.test:8069';
  const KEY = 'k3y-never-in-errors-0123456789';
  const LOGIN = 'connector@example.fr';
  const rpc = () => new XmlRpcOdooRpc({ baseUrl: BASE, database: 'prod', login: LOGIN, apiKey: KEY, timeoutMs: 2_000 });
  const answer = (v: XmlRpcValue) => encodeMethodResponse(v, '18');
  const authenticates = () =>
    nock(BASE)
      .post('/xmlrpc/2/common', encodeMethodCall('authenticate', ['prod', LOGIN, KEY, {}]))
      .once()
      .reply(200, answer(6));

  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  // The interceptor stays in the worker process otherwise, and buffers the answers of the next test files' real servers.
  afterAll(() => {
    nock.enableNetConnect();
    nock.restore();
  });

  it('authenticates once, lazily, then sends execute_kw(db, uid, key, model, method, [ids], named)', async () => {
    const auth = authenticates();
    const object = nock(BASE)
      .post(
        '/xmlrpc/2/object',
        encodeMethodCall('execute_kw', ['prod', 6, KEY, 'account.move', 'write', [[7, 8]], { vals: { ref: 'R-7' } }]),
      )
      .reply(200, answer(true))
      .post(
        '/xmlrpc/2/object',
        encodeMethodCall('execute_kw', [
          'prod',
          6,
          KEY,
          'account.move',
          'search_read',
          [],
          { domain: [['state', '=', 'posted']], fields: ['name'], limit: 1 },
        ]),
      )
      .reply(200, answer([{ id: 7, name: 'INV/2026/0007' }]));
    const odoo = rpc();
    expect(await odoo.call('account.move', 'write', { ids: [7, 8], vals: { ref: 'R-7' } }, write)).toBe(true);
    // An undefined named argument is left out, so Odoo applies its default, as with JSON-2.
    expect(
      await odoo.call(
        'account.move',
        'search_read',
        { domain: [['state', '=', 'posted']], fields: ['name'], limit: 1, offset: undefined },
        read,
      ),
    ).toEqual([{ id: 7, name: 'INV/2026/0007' }]);
    expect(auth.isDone() && object.isDone()).toBe(true);
  });

  it('version() understands Odoo Online’s "saas~18.4"', async () => {
    nock(BASE)
      .post('/xmlrpc/2/common', encodeMethodCall('version', []))
      .reply(
        200,
        answer({
          server_version: 'saas~18.4',
          server_version_info: ['saas~18', 4, 0, 'final', 0, ''],
          server_serie: 'saas~18.4',
          protocol_version: 1,
        }),
      );
    expect(await rpc().version()).toEqual({ serverVersion: 'saas~18.4', major: 18 });
  });

  it('an id beyond 2^31−1 in the request is refused before sending, so nothing ran', async () => {
    authenticates();
    const e = await adapterFailure(rpc().call('account.move', 'write', { ids: [2 ** 31], vals: { ref: 'R' } }, write));
    expect(e).toMatchObject({ code: 'ODOO_INT_OVERFLOW', kind: 'config', outcomeUnknown: false });
    expect(e.userMessage).toContain('protocol: json2');
  });

  it('never puts the API key in an error, even when Odoo echoes it', async () => {
    authenticates();
    nock(BASE)
      .post('/xmlrpc/2/object')
      .reply(200, encodeFault(1, `Traceback (most recent call last):\nValueError: bad key ${KEY}\n`, '18'));
    const e = await adapterFailure(rpc().call('account.move', 'search_read', {}, read));
    const all = `${e.message} ${e.userMessage} ${e.detail ?? ''} ${inspect(e, { depth: 10 })}`;
    expect(all).toContain('bad key [REDACTED]');
    expect(all).not.toContain(KEY);
  });
});

describe.each(['16.0', '18.0'] as const)('XmlRpcOdooRpc against the Odoo simulator (%s)', (version) => {
  let sim: OdooSimulator;
  const connect = (over: Partial<XmlRpcOdooRpcOptions> = {}) =>
    new XmlRpcOdooRpc({
      baseUrl: sim.url,
      database: 'demo',
      login: 'admin',
      apiKey: 'admin-api-key',
      timeoutMs: 5_000,
      ...over,
    });
  const authentications = () => sim.controls.requests.filter((r) => r.method === 'authenticate').length;

  beforeAll(async () => {
    sim = await new OdooSimulator({ db: createOdooDatabase({ version, invoices: 50 }), version }).start();
  });
  afterAll(() => sim.stop());

  it('version() and authenticate()', async () => {
    expect(await connect().version()).toEqual({ serverVersion: version, major: Number(version.slice(0, 2)) });
    expect(await connect().authenticate()).toBe(ADMIN_UID);
  });

  it('a bad key is ODOO_ACCESS_DENIED; an unknown database is ODOO_DATABASE_NOT_FOUND', async () => {
    const denied = await adapterFailure(connect({ apiKey: 'wrong-key' }).authenticate());
    expect(denied).toMatchObject({ code: 'ODOO_ACCESS_DENIED', kind: 'config' });
    expect(denied.userMessage).toContain('login "admin" on database "demo"');
    expect(
      await adapterFailure(connect({ database: 'prod' }).call('account.move', 'search_read', {}, read)),
    ).toMatchObject({ code: 'ODOO_DATABASE_NOT_FOUND', kind: 'config' });
  });

  it('an unknown database on an object call is ODOO_DATABASE_NOT_FOUND too', async () => {
    const transport = new XmlRpcTransport({ baseUrl: sim.url, timeoutMs: 5_000, secrets: ['admin-api-key'] });
    const e = await adapterFailure(
      transport.call(
        'object',
        'execute_kw',
        ['prod', ADMIN_UID, 'admin-api-key', 'account.move', 'search_count', [[]]],
        { isWrite: false, what: 'account.move.search_count' },
      ),
    );
    expect(e).toMatchObject({ code: 'ODOO_DATABASE_NOT_FOUND', kind: 'config' });
    expect(e.userMessage).toContain('database "prod" does not exist');
  });

  it('search_read takes named domain, fields, limit and order, after one lazy authenticate', async () => {
    const odoo = connect();
    const before = authentications();
    const page = (offset: number) =>
      odoo.call<Record<string, unknown>[]>(
        'account.move',
        'search_read',
        {
          domain: [['move_type', '=', 'out_invoice']],
          fields: ['name', 'move_type', 'write_date'],
          limit: 5,
          offset,
          order: 'write_date asc, id asc',
        },
        read,
      );
    const [first, second] = [await page(0), await page(5)];
    expect(authentications() - before).toBe(1);
    expect(first).toHaveLength(5);
    for (const r of first) expect(Object.keys(r).sort()).toEqual(['id', 'move_type', 'name', 'write_date']);
    const keys = [...first, ...second].map((r) => `${String(r['write_date'])}#${String(r['id']).padStart(10, '0')}`);
    expect(new Set(keys).size).toBe(10);
    expect([...keys].sort()).toEqual(keys);
  });

  it('write and message_post act on the ids given', async () => {
    const odoo = connect();
    const [a, b] = await odoo.call<{ id: number }[]>(
      'account.move',
      'search_read',
      { domain: [], fields: ['id'], limit: 2 },
      read,
    );
    expect(await odoo.call('account.move', 'write', { ids: [a!.id], vals: { ref: `R-${version}` } }, write)).toBe(true);
    const refs = await odoo.call<{ id: number; ref: unknown }[]>(
      'account.move',
      'read',
      { ids: [a!.id, b!.id], fields: ['ref'] },
      read,
    );
    expect(refs.find((r) => r.id === a!.id)?.ref).toBe(`R-${version}`);
    expect(refs.find((r) => r.id === b!.id)?.ref).not.toBe(`R-${version}`);
    const message = await odoo.call<number>(
      'account.move',
      'message_post',
      { ids: [b!.id], body: 'Relance 1', message_type: 'comment' },
      write,
    );
    expect(await odoo.call('mail.message', 'read', { ids: [message], fields: ['model', 'res_id'] }, read)).toEqual([
      { id: message, model: 'account.move', res_id: b!.id },
    ]);
  });
});

describe('XML-RPC and ids beyond 2^31−1 (18.0)', () => {
  const withSimulator = async (
    options: OdooDatabaseOptions,
    test: (rpc: XmlRpcOdooRpc, db: OdooDatabase, sim: OdooSimulator) => Promise<void>,
  ) => {
    const db = createOdooDatabase({ version: '18.0', invoices: 20, ...options });
    const sim = await new OdooSimulator({ db, version: '18.0' }).start();
    try {
      await test(
        new XmlRpcOdooRpc({
          baseUrl: sim.url,
          database: 'demo',
          login: 'admin',
          apiKey: 'admin-api-key',
          timeoutMs: 5_000,
        }),
        db,
        sim,
      );
    } finally {
      await sim.stop();
    }
  };

  it('a search_read whose answer holds such ids fails with ODOO_INT_OVERFLOW, pointing to json2', () =>
    withSimulator({ idOffset: 2 ** 31 }, async (rpc) => {
      const e = await adapterFailure(rpc.call('account.move', 'search_read', { fields: ['name'], limit: 5 }, read));
      expect(e).toMatchObject({ code: 'ODOO_INT_OVERFLOW', kind: 'config', outcomeUnknown: false });
      expect(e.userMessage).toContain('2^31−1');
      expect(e.userMessage).toContain('protocol: json2');
    }));

  it('a write whose answer overflows ran on Odoo: its outcome is unknown', () =>
    withSimulator({ idOffset: { 'mail.message': 2 ** 31 } }, async (rpc, db) => {
      const [move] = await rpc.call<{ id: number }[]>(
        'account.move',
        'search_read',
        { fields: ['id'], limit: 1 },
        read,
      );
      const messages = db.count('mail.message');
      const e = await adapterFailure(
        rpc.call('account.move', 'message_post', { ids: [move!.id], body: 'Relance 1' }, write),
      );
      expect(e).toMatchObject({ code: 'ODOO_INT_OVERFLOW', kind: 'config', outcomeUnknown: true });
      expect(db.count('mail.message')).toBe(messages + 1);
    }));

  it('ids beyond 2^31−1 in the request never reach Odoo', () =>
    withSimulator({ idOffset: 2 ** 31 }, async (rpc, _db, sim) => {
      const e = await adapterFailure(
        rpc.call('account.move', 'write', { ids: [2 ** 31 + 1], vals: { ref: 'R' } }, write),
      );
      expect(e).toMatchObject({ code: 'ODOO_INT_OVERFLOW', outcomeUnknown: false });
      expect(sim.controls.requests.filter((r) => r.path === '/xmlrpc/2/object')).toEqual([]);
    }));
});
