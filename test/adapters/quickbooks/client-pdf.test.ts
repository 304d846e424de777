import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createQuickBooksAdapter } from '../../../adapters/quickbooks';
import { LoopbackServer } from '../../../adapters/loopback-server';
import { MAX_PDF_BYTES, QboClient } from '../../../adapters/quickbooks/client';
import { QuickBooksConnectionSchema } from '../../../adapters/quickbooks/config.schema';
import { RealmLimiter } from '../../../adapters/quickbooks/limiter';
import { CredentialKeyring } from '../../../connector/credentials/keyring';
import { AdapterError } from '../../../connector/ports/adapter-error';
import type { CredentialStore } from '../../../connector/ports/credentials';
import { openSqliteStore } from '../../../connector/store/sqlite';
import type { Store } from '../../../connector/store/store';
import { systemClock } from '../../../connector/time/clock';
import { memoryLogger } from '../../helpers/logger';

/**
 * The client's PDF download against a small server on loopback that answers what the simulator
 * never does: JSON or HTML instead of a PDF, a Fault in XML inside HTTP 200, and a PDF larger than
 * the law firm takes.
 */

const REALM = '9130350000000001';
const ACCESS = 'access-pdf-0';

type Answer = { status: number; body: string | Buffer; type: string };

describe('QuickBooks client: PDF downloads', () => {
  let store: Store;
  let credentials: CredentialStore;
  let server: LoopbackServer;
  let next: Answer[] = [];
  const seen: { url: string; accept: string | undefined }[] = [];

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    req.resume();
    seen.push({ url: req.url!, accept: req.headers.accept });
    const a = next.shift() ?? { status: 500, body: 'no answer prepared', type: 'text/plain' };
    if (req.headers.authorization !== `Bearer ${ACCESS}`) {
      res.writeHead(401, { 'Content-Type': 'application/json' });
      return void res.end('{"fault":{"error":[{"code":"3200"}],"type":"AUTHENTICATION"}}');
    }
    res.writeHead(a.status, { 'Content-Type': a.type });
    res.end(a.body);
  };

  const config = () =>
    QuickBooksConnectionSchema.parse({
      id: 'qbo-fr',
      type: 'quickbooks',
      realmId: REALM,
      baseUrl: server.url,
      clientId: 'client',
      clientSecret: 'secret',
    });
  const client = () =>
    new QboClient({
      config: config(),
      clock: systemClock,
      credentials: () => credentials,
      limiter: new RealmLimiter({ requestsPerMinute: 500, maxInFlight: 10 }),
    });
  const failure = async (p: Promise<unknown>): Promise<AdapterError> => {
    const e = await p.then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(AdapterError);
    return e as AdapterError;
  };
  const pdfBytes = (size: number) => {
    const b = Buffer.alloc(size, 0x20);
    b.write('%PDF-1.4\n', 0, 'latin1');
    return b;
  };

  beforeEach(async () => {
    store = await openSqliteStore(':memory:');
    await store.migrate();
    credentials = store.credentials('qbo-fr', { keyring: new CredentialKeyring(randomBytes(32)) });
    await credentials.compareAndSet(0, {
      accessToken: ACCESS,
      accessTokenExpiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      refreshToken: 'refresh-pdf-0',
    });
    server = new LoopbackServer('QuickBooks PDF test server', (req, res) => Promise.resolve(handle(req, res)));
    await server.start();
    seen.length = 0;
    next = [];
  });
  afterEach(async () => {
    await server.stop();
    await store.close();
  });

  it('asks for application/pdf with minorversion and returns the bytes as sent, counted as a read', async () => {
    const bytes = Buffer.concat([Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1'), randomBytes(5000)]);
    next.push({ status: 200, body: bytes, type: 'application/pdf' });
    const c = client();
    const got = await c.getPdf('invoice/130/pdf');
    expect(got.equals(bytes)).toBe(true);
    expect(seen).toEqual([{ url: `/v3/company/${REALM}/invoice/130/pdf?minorversion=75`, accept: 'application/pdf' }]);
    expect(c.meter).toMatchObject({ requests: 1, reads: 1, writes: 0 });
  });

  it('a JSON answer that is not a Fault is refused as not a PDF, saying what came', async () => {
    next.push({ status: 200, body: JSON.stringify({ Invoice: { Id: '130' } }), type: 'application/json' });
    const e = await failure(client().getPdf('invoice/130/pdf'));
    expect(e.code).toBe('QBO_NOT_A_PDF');
    expect(e.kind).toBe('transient');
    expect(e.userMessage).toMatch(
      /^connection qbo-fr: QuickBooks answered GET \/invoice\/130\/pdf with something that is not a PDF \(application\/json, 24 bytes, no %PDF- header\)/,
    );
    expect(e.detail).toContain('{\\"Invoice\\"');
  });

  it('an HTML page in HTTP 200 is refused the same way', async () => {
    next.push({ status: 200, body: '<html><body>Maintenance</body></html>', type: 'text/html' });
    const e = await failure(client().getPdf('invoice/130/pdf'));
    expect(e.code).toBe('QBO_NOT_A_PDF');
    expect(e.userMessage).toContain('(text/html, 37 bytes, no %PDF- header)');
  });

  it('a Fault inside HTTP 200, in JSON or in XML, is classified as for the JSON calls', async () => {
    next.push({
      status: 200,
      type: 'application/json',
      body: JSON.stringify({
        Fault: {
          Error: [{ Message: 'Object Not Found', Detail: 'Invoice 130', code: '610' }],
          type: 'ValidationFault',
        },
      }),
    });
    expect((await failure(client().getPdf('invoice/130/pdf'))).code).toBe('QBO_OBJECT_NOT_FOUND');
    next.push({
      status: 200,
      type: 'application/xml',
      body: '<?xml version="1.0"?><IntuitResponse><Fault type="SystemFault"><Error code="10000"><Message>An application error has occurred</Message><Detail>System Failure Error</Detail></Error></Fault></IntuitResponse>',
    });
    const e = await failure(client().getPdf('invoice/130/pdf'));
    expect(e.code).toBe('QBO_UNAVAILABLE');
    expect(e.kind).toBe('transient');
    expect(e.detail).toBe('HTTP 200 SystemFault: 10000 An application error has occurred (System Failure Error)');
  });

  it('a PDF of exactly the cap is taken; one byte more is stopped as too large', async () => {
    next.push({ status: 200, body: pdfBytes(MAX_PDF_BYTES), type: 'application/pdf' });
    expect((await client().getPdf('invoice/130/pdf')).length).toBe(MAX_PDF_BYTES);
    next.push({ status: 200, body: pdfBytes(MAX_PDF_BYTES + 1), type: 'application/pdf' });
    const e = await failure(client().getPdf('invoice/130/pdf'));
    expect(e.code).toBe('QBO_PDF_TOO_LARGE');
    expect(e.kind).toBe('system');
    expect(e.userMessage).toContain('more than 10485760 bytes (10 MiB)');
  });

  it('the adapter sends a dossier without a PDF too large for the firm, and says so in the log', async () => {
    const { logger, lines } = memoryLogger('warn');
    const adapter = createQuickBooksAdapter(config(), { clock: systemClock, logger, credentials: () => credentials });
    next.push({ status: 200, body: pdfBytes(MAX_PDF_BYTES + 1), type: 'application/pdf' });
    expect(await adapter.invoicePdf!(`qbo-fr:${REALM}:Invoice:130`)).toBeUndefined();
    const warned = lines().map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(warned).toEqual([
      expect.objectContaining({
        level: 'warn',
        message: 'QuickBooks invoice PDF too large for the dossier: the invoice is listed without it',
        connection: 'qbo-fr',
        invoice: '130',
      }),
    ]);
    // Not a PDF: not dropped like a missing one; the hand-off is tried again.
    next.push({ status: 200, body: '{}', type: 'application/json' });
    expect((await failure(adapter.invoicePdf!(`qbo-fr:${REALM}:Invoice:130`))).code).toBe('QBO_NOT_A_PDF');
  });
});
