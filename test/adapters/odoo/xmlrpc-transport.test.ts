import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import nock from 'nock';
import { XmlRpcTransport } from '../../../adapters/odoo/transport/xmlrpc-transport';
import { adapterFailure } from '../../helpers/failure';
import { SerialLane } from '../../../connector/sync/serial-lane';

const CAPTURES = join(__dirname, '../../../adapters/odoo/fixtures/xmlrpc-captures');
const capture = (name: string) => readFileSync(join(CAPTURES, name), 'utf8');
const BASE = 'http://odoo.test:8069';
const transport = () => new XmlRpcTransport({ baseUrl: BASE, timeoutMs: 2_000, secrets: ['admin-key-123456'] });

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
// The interceptor stays in the worker process otherwise, and buffers the answers of the next test files' real servers.
afterAll(() => {
  nock.enableNetConnect();
  nock.restore();
});

describe('XML-RPC transport (wire level)', () => {
  it('sends exactly the bytes Python’s xmlrpc.client sends and decodes Odoo’s answer', async () => {
    const scope = nock(BASE)
      .post('/xmlrpc/2/common', capture('v18-02-common-authenticate.request.xml'))
      .matchHeader('content-type', 'text/xml')
      .reply(200, capture('v18-02-common-authenticate.response.xml'), { 'Content-Type': 'text/xml' });
    const uid = await transport().call('common', 'authenticate', ['recouvra_test18', 'admin', 'admin', {}], {
      isWrite: false,
      what: 'common.authenticate',
    });
    expect(uid).toBe(2);
    expect(scope.isDone()).toBe(true);
  });

  it('a bad password is not a fault: authenticate answers false', async () => {
    nock(BASE).post('/xmlrpc/2/common').reply(200, capture('v16-02b-common-authenticate-badpassword.response.xml'));
    expect(
      await transport().call('common', 'authenticate', ['recouvra_test', 'admin', 'wrong', {}], {
        isWrite: false,
        what: 'common.authenticate',
      }),
    ).toBe(false);
  });

  it.each([
    ['v18-11-object-fault-access-denied.response.xml', 'ODOO_ACCESS_DENIED', 'config'],
    ['v16-11-object-fault-access-denied.response.xml', 'ODOO_ACCESS_DENIED', 'config'],
    ['v18-12-object-fault-bad-field.response.xml', 'ODOO_INVALID_FIELD', 'config'],
    ['v16-12-object-fault-bad-field.response.xml', 'ODOO_INVALID_FIELD', 'config'],
  ])('maps the captured fault %s to %s (%s)', async (file, code, kind) => {
    nock(BASE).post('/xmlrpc/2/object').reply(200, capture(file));
    const e = await adapterFailure(
      transport().call('object', 'execute_kw', [], { isWrite: false, what: 'account.move.search_read' }),
    );
    expect(e).toMatchObject({ code, kind });
  });

  it('the invalid-field message names the field', async () => {
    nock(BASE).post('/xmlrpc/2/object').reply(200, capture('v18-12-object-fault-bad-field.response.xml'));
    const e = await adapterFailure(
      transport().call('object', 'execute_kw', [], { isWrite: false, what: 'account.move.search_read' }),
    );
    expect(e.userMessage).toContain('Invalid field account.move.no_such_field');
  });

  it('"cannot marshal None" after a write: outcome unknown, never retried blindly', async () => {
    const fault =
      '<?xml version="1.0"?>\n<methodResponse>\n<fault>\n<value><struct>\n<member>\n<name>faultCode</name>\n<value><int>1</int></value>\n</member>\n<member>\n<name>faultString</name>\n<value><string>Traceback (most recent call last):\nTypeError: cannot marshal None unless allow_none is enabled\n</string></value>\n</member>\n</struct></value>\n</fault>\n\n</methodResponse>\n';
    nock(BASE).post('/xmlrpc/2/object').reply(200, fault);
    const e = await adapterFailure(
      transport().call('object', 'execute_kw', [], { isWrite: true, what: 'account.payment.action_post' }),
    );
    expect(e).toMatchObject({ code: 'ODOO_RESULT_NOT_MARSHALLABLE', outcomeUnknown: true });
  });

  it('429 is a rate limit carrying Retry-After; 503 is transient', async () => {
    nock(BASE).post('/xmlrpc/2/object').reply(429, 'slow down', { 'Retry-After': '7' });
    expect(
      await adapterFailure(transport().call('object', 'execute_kw', [], { isWrite: false, what: 'x' })),
    ).toMatchObject({ code: 'ODOO_RATE_LIMITED', kind: 'rate_limit', retryAfterMs: 7000 });
    nock(BASE).post('/xmlrpc/2/object').reply(503, '<html>maintenance</html>');
    expect(
      await adapterFailure(transport().call('object', 'execute_kw', [], { isWrite: false, what: 'x' })),
    ).toMatchObject({ code: 'ODOO_SERVER_ERROR', kind: 'transient', outcomeUnknown: false });
  });

  it('a page that is not XML-RPC is a system error that suggests checking the URL', async () => {
    nock(BASE).post('/xmlrpc/2/object').reply(200, '<html><body>Login</body></html>');
    const e = await adapterFailure(transport().call('object', 'execute_kw', [], { isWrite: false, what: 'x' }));
    expect(e.code).toBe('ODOO_BAD_RESPONSE');
    expect(e.userMessage).toContain('is `url` an Odoo server?');
  });

  it('404 is a configuration error; a refused connection is transient', async () => {
    nock(BASE).post('/xmlrpc/2/object').reply(404, 'Not Found');
    expect(
      await adapterFailure(transport().call('object', 'execute_kw', [], { isWrite: false, what: 'x' })),
    ).toMatchObject({ code: 'ODOO_ENDPOINT_NOT_FOUND', kind: 'config' });
    nock(BASE).post('/xmlrpc/2/object').replyWithError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' });
    expect(
      await adapterFailure(transport().call('object', 'execute_kw', [], { isWrite: false, what: 'x' })),
    ).toMatchObject({ code: 'ODOO_UNREACHABLE', kind: 'transient' });
  });

  it('never puts the API key in an error, even when Odoo echoes it', async () => {
    const fault =
      '<?xml version="1.0"?>\n<methodResponse>\n<fault>\n<value><struct>\n<member>\n<name>faultCode</name>\n<value><int>1</int></value>\n</member>\n<member>\n<name>faultString</name>\n<value><string>ValueError: bad key admin-key-123456</string></value>\n</member>\n</struct></value>\n</fault>\n\n</methodResponse>\n';
    nock(BASE).post('/xmlrpc/2/object').reply(200, fault);
    const e = await adapterFailure(
      transport().call('object', 'execute_kw', ['db', 2, 'admin-key-123456'], { isWrite: false, what: 'x' }),
    );
    expect(`${e.message} ${e.userMessage} ${e.detail}`).not.toContain('admin-key-123456');
  });
});

describe('serial lane', () => {
  it('runs tasks one at a time in order, and a failure does not stop the lane', async () => {
    const lane = new SerialLane();
    const log: string[] = [];
    const task =
      (name: string, ms: number, fail = false) =>
      () =>
        new Promise<string>((resolve, reject) => {
          log.push(`start ${name}`);
          setTimeout(() => {
            log.push(`end ${name}`);
            if (fail) reject(new Error(name));
            else resolve(name);
          }, ms);
        });
    const results = await Promise.allSettled([
      lane.run(task('a', 20)),
      lane.run(task('b', 1, true)),
      lane.run(task('c', 5)),
    ]);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});
