import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ErpAdapter, ReadPage, ReadPosition, StreamName } from '../../connector/ports/erp';
import { openSqliteStore } from '../../connector/store/sqlite';
import type { Store } from '../../connector/store/store';
import { syncConnection } from '../../connector/sync/sync-connection';
import { systemClock } from '../../connector/time/clock';
import { debtor, invoice } from '../helpers/builders';
import { memoryLogger } from '../helpers/logger';

/**
 * The sync engine asks for the next page before it saves the one it has, so that the ERP and the
 * store work at the same time. Node's HTTP client hands a request to its socket in a later tick, and
 * a save made of synchronous SQLite calls between promises never lets that tick run: the engine must
 * give the event loop a turn, or every page waits for the save before its request leaves.
 */

const { logger } = memoryLogger('error');
const PAGES = 4;

describe('sync engine, page after page', () => {
  let server: Server;
  let url: string;
  let store: Store;

  beforeEach(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.end('{}'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    store = await openSqliteStore(':memory:');
    await store.migrate();
  });
  afterEach(async () => {
    await store.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('sends the request for the next page before it saves the current one', async () => {
    const events: string[] = [];
    /** One HTTP request per page, through Node's client as the adapters' (axios) go; its socket noted. */
    const fetchPage = (n: number): Promise<void> =>
      new Promise((resolve, reject) => {
        const req = request(url, { method: 'POST' }, (res) => {
          res.resume();
          res.on('end', resolve);
        });
        req.on('socket', () => events.push(`request ${n}`));
        req.on('error', reject);
        req.end('{}');
      });
    const adapter: ErpAdapter = {
      writeBackKinds: [],
      check: async () => ({ ok: true, capabilities: {}, problems: [] }),
      streams: (): StreamName[] => ['receivables'],
      read: async (_stream: StreamName, position: ReadPosition): Promise<ReadPage> => {
        const n = Number(position.resume?.['page'] ?? 1);
        await fetchPage(n);
        const rows = Array.from({ length: 50 }, (_, i) =>
          invoice({ id: `fake:${n}-${i}`, number: `F${n}-${i}`, debtorId: 'fake:d1', sourceVersion: '1' }),
        );
        return {
          debtors: [debtor({ id: 'fake:d1' })],
          receivables: rows,
          payments: [],
          closed: [],
          quarantined: [],
          warnings: [],
          read: rows.length,
          cursor: { page: n },
          resume: n < PAGES ? { page: n + 1 } : undefined,
        };
      },
      listOpenReceivableIds: async () => new Set<string>(),
      readByIds: async () => {
        throw new Error('not asked');
      },
      writeBack: async () => ({ items: [] }),
      close: async () => undefined,
    };
    let saved = 0;
    const watched = new Proxy(store, {
      get(target, key, receiver) {
        if (key !== 'transaction') return Reflect.get(target, key, receiver) as unknown;
        return (fn: Parameters<Store['transaction']>[0]) => {
          events.push(`save ${++saved}`);
          return target.transaction(fn);
        };
      },
    });
    const summary = await syncConnection({
      store: watched,
      adapter,
      connection: 'fake',
      clock: systemClock,
      logger,
      mode: 'incremental',
    });
    expect(summary.error).toBeUndefined();
    expect(summary.new).toBe(PAGES * 50);
    for (let n = 1; n < PAGES; n++)
      expect(events.indexOf(`request ${n + 1}`)).toBeLessThan(events.indexOf(`save ${n}`));
  });
});
