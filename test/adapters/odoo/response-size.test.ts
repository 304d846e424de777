import nock from 'nock';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGzip } from 'node:zlib';
import { createOdooAdapter } from '../../../adapters/odoo';
import { OdooConnectionSchema } from '../../../adapters/odoo/config.schema';
import { Json2OdooRpc } from '../../../adapters/odoo/transport/json2-transport';
import { XmlRpcOdooRpc } from '../../../adapters/odoo/transport/xmlrpc-rpc';
import { AdapterError } from '../../../connector/ports/adapter-error';
import { adapterFailure } from '../../helpers/failure';
import { memoryLogger } from '../../helpers/logger';

/**
 * The cap on an Odoo answer (`maxResponseBytes`), against a loopback server that streams an
 * answer far larger than the cap: the call fails with a typed, permanent error naming the
 * connection, the call and the cap, and the client stops reading — the server never gets to send
 * the rest. The cap counts decoded bytes: a gzip answer small on the wire but huge once inflated
 * is refused too.
 */

const MIB = 1024 * 1024;
const CAP = MIB;
/** What the server would send in full: 64 MiB, as in the measured case. */
const TOTAL = 64 * MIB;
const CHUNK = 64 * 1024;

interface BigServer {
  url: string;
  /** Bytes the server handed to the socket (before gzip, when it compresses). */
  written: () => number;
  /** Resolves when the answer's socket closed (the client hung up, or the server finished). */
  closed: () => Promise<void>;
  close(): Promise<void>;
}

/** Answers every request with `prefix`, then `filler` bytes, then `suffix`, written as the socket drains. */
async function startBigServer(
  answer: (req: IncomingMessage) => {
    prefix: string;
    suffix: string;
    contentType: string;
    gzip?: boolean;
    filler?: number;
  },
): Promise<BigServer> {
  let written = 0;
  let closedResolve: () => void = () => undefined;
  let closedPromise = new Promise<void>((r) => (closedResolve = r));
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    const a = answer(req);
    const filler = a.filler ?? TOTAL;
    res.writeHead(200, { 'Content-Type': a.contentType, ...(a.gzip ? { 'Content-Encoding': 'gzip' } : {}) });
    const gzip = a.gzip ? createGzip() : undefined;
    if (gzip) gzip.pipe(res);
    const out = gzip ?? res;
    let stopped = false;
    res.on('close', () => {
      stopped = true;
      closedResolve();
    });
    out.on('error', () => undefined);
    const block = Buffer.alloc(CHUNK, 'A');
    const pump = (): void => {
      if (written === 0) {
        out.write(a.prefix);
        written += a.prefix.length;
      }
      while (!stopped && written < filler) {
        const ok = out.write(block);
        written += CHUNK;
        if (!ok) {
          out.once('drain', pump);
          return;
        }
      }
      if (!stopped) out.end(a.suffix);
    };
    pump();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    written: () => written,
    closed: () => closedPromise,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
        closedPromise = new Promise<void>((res) => (closedResolve = res));
      }),
  };
}

const xmlString = {
  prefix: '<?xml version="1.0"?><methodResponse><params><param><value><string>',
  suffix: '</string></value></param></params></methodResponse>',
  contentType: 'text/xml',
};
const jsonString = { prefix: '["', suffix: '"]', contentType: 'application/json' };

describe('Odoo answers larger than maxResponseBytes', () => {
  // What the server wrote is the measure: no HTTP interceptor (nock's) may be left in this worker
  // by an earlier test file, or it would read the whole answer itself, whatever the client does.
  beforeAll(() => nock.restore());

  let big: BigServer | undefined;
  afterEach(async () => {
    await big?.close();
    big = undefined;
  });

  const expectTooLarge = (e: AdapterError, what: string) => {
    expect(e).toBeInstanceOf(AdapterError);
    expect(e).toMatchObject({ code: 'ODOO_RESPONSE_TOO_LARGE', kind: 'config', outcomeUnknown: false });
    expect(e.userMessage).toContain('Odoo connection odoo-big');
    expect(e.userMessage).toContain(what);
    expect(e.userMessage).toContain('1 MiB (maxResponseBytes 1048576)');
    expect(e.userMessage).toMatch(/pageSize/);
  };

  it('XML-RPC: refused while it arrives; the rest of 64 MiB is never sent', async () => {
    big = await startBigServer(() => xmlString);
    const rpc = new XmlRpcOdooRpc({
      baseUrl: big.url,
      database: 'demo',
      login: 'recouvra',
      apiKey: 'k',
      timeoutMs: 60_000,
      maxResponseBytes: CAP,
      connection: 'odoo-big',
    });
    expectTooLarge(await adapterFailure(rpc.version()), 'common.version');
    await big.closed();
    // The socket's buffers hold a few MiB at most: far from the whole answer.
    expect(big.written()).toBeLessThan(TOTAL / 4);
  });

  it('XML-RPC: a gzip answer is counted once inflated (a small body on the wire is no way around the cap)', async () => {
    big = await startBigServer(() => ({ ...xmlString, gzip: true }));
    const rpc = new XmlRpcOdooRpc({
      baseUrl: big.url,
      database: 'demo',
      login: 'recouvra',
      apiKey: 'k',
      timeoutMs: 60_000,
      maxResponseBytes: CAP,
      connection: 'odoo-big',
    });
    expectTooLarge(await adapterFailure(rpc.version()), 'common.version');
    await big.closed();
    expect(big.written()).toBeLessThan(TOTAL / 4);
  });

  it('JSON-2: the same, naming the model and method', async () => {
    big = await startBigServer(() => jsonString);
    const rpc = new Json2OdooRpc({
      baseUrl: big.url,
      database: 'demo',
      apiKey: 'k',
      timeoutMs: 60_000,
      maxResponseBytes: CAP,
      connection: 'odoo-big',
    });
    expectTooLarge(
      await adapterFailure(rpc.call('res.partner', 'search_read', { domain: [] }, { isWrite: false })),
      'res.partner.search_read',
    );
    await big.closed();
    expect(big.written()).toBeLessThan(TOTAL / 4);
  });

  it('JSON-2, gzip: counted once inflated', async () => {
    big = await startBigServer(() => ({ ...jsonString, gzip: true }));
    const rpc = new Json2OdooRpc({
      baseUrl: big.url,
      database: 'demo',
      apiKey: 'k',
      timeoutMs: 60_000,
      maxResponseBytes: CAP,
      connection: 'odoo-big',
    });
    expectTooLarge(
      await adapterFailure(rpc.call('account.move', 'search_read', { domain: [] }, { isWrite: false })),
      'account.move.search_read',
    );
  });

  it('an answer within the cap is taken whole', async () => {
    big = await startBigServer(() => ({ ...jsonString, filler: CAP - 4 * CHUNK }));
    const rpc = new Json2OdooRpc({
      baseUrl: big.url,
      database: 'demo',
      apiKey: 'k',
      timeoutMs: 60_000,
      maxResponseBytes: CAP,
      connection: 'odoo-big',
    });
    const answer = await rpc.call<string[]>('res.partner', 'search_read', { domain: [] }, { isWrite: false });
    expect(answer[0]).toHaveLength(CAP - 4 * CHUNK);
  });

  it('a write whose answer is too large says the change may have been applied', async () => {
    big = await startBigServer(() => jsonString);
    const rpc = new Json2OdooRpc({
      baseUrl: big.url,
      database: 'demo',
      apiKey: 'k',
      timeoutMs: 60_000,
      maxResponseBytes: CAP,
      connection: 'odoo-big',
    });
    const e = await adapterFailure(
      rpc.call('account.move', 'message_post', { ids: [1], body: 'x' }, { isWrite: true }),
    );
    expect(e).toMatchObject({ code: 'ODOO_RESPONSE_TOO_LARGE', outcomeUnknown: true });
    expect(e.userMessage).toMatch(/may have been applied/);
  });

  it('the connection setting reaches the adapter: its check fails at once, not retried, naming the connection', async () => {
    let requests = 0;
    big = await startBigServer(() => (requests++, xmlString));
    const { logger } = memoryLogger('error');
    const adapter = createOdooAdapter(
      OdooConnectionSchema.parse({
        id: 'odoo-big',
        type: 'odoo',
        url: big.url,
        database: 'demo',
        login: 'recouvra',
        apiKey: 'k',
        protocol: 'xmlrpc',
        maxResponseBytes: CAP,
      }),
      { clock: { now: () => new Date('2026-11-23T08:00:00Z') }, logger },
    );
    const checked = await adapter.check();
    expect(checked.ok).toBe(false);
    expect(checked.problems.join('\n')).toMatch(
      /Odoo connection odoo-big: the answer to common\.version is larger than the cap of 1 MiB/,
    );
    expect(requests).toBe(1);
  });

  it('maxResponseBytes defaults to 32 MiB; below 1 MiB is refused with the reason', () => {
    const base = { id: 'o', type: 'odoo', url: 'http://127.0.0.1:8069', database: 'd', login: 'l', apiKey: 'k' };
    expect(OdooConnectionSchema.parse(base).maxResponseBytes).toBe(32 * MIB);
    const refused = OdooConnectionSchema.safeParse({ ...base, maxResponseBytes: 1000 });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toMatch(/at least 1048576/);
  });
});
