import { randomBytes } from 'node:crypto';
import { createQuickBooksAdapter, type QuickBooksAdapter } from '../../../adapters/quickbooks';
import { QuickBooksConnectionSchema } from '../../../adapters/quickbooks/config.schema';
import { RealmLimiter } from '../../../adapters/quickbooks/limiter';
import { INVOICE_OPEN } from '../../../adapters/quickbooks/simulator/columns';
import {
  QuickBooksSimulator,
  THROTTLE_XML,
  type InjectedFault,
  type QuickBooksSimulatorOptions,
} from '../../../adapters/quickbooks/simulator';
import { CredentialKeyring } from '../../../connector/credentials/keyring';
import type { CredentialStore } from '../../../connector/ports/credentials';
import { openSqliteStore } from '../../../connector/store/sqlite';
import type { Store } from '../../../connector/store/store';
import type { Clock } from '../../../connector/time/clock';
import { memoryLogger } from '../../helpers/logger';
import { startForwardingProxy, type ForwardingProxy } from '../../helpers/forwarding-proxy';

/**
 * The QuickBooks adapter on the simulator, as the reader and conformance tests use it: tokens the
 * simulator issued, kept in a credential store of an in-memory SQLite store (refreshed through the
 * simulator's token endpoint when the simulator's clock expires them), a limiter of its own whose
 * waits take no real time, and a proxy in front of the simulator for failures the simulator does
 * not make (a 429 that says when to come back).
 */

const { logger } = memoryLogger('error');

export interface QboTestSource {
  sim: QuickBooksSimulator;
  /** The company the connection reads (the French multi-currency one). */
  realm: string;
  connection: string;
  adapter(options?: { pageSize?: number; badCredentials?: boolean }): QuickBooksAdapter;
  /**
   * The next `count` API requests fail: with one of the simulator's faults, or with a 429 carrying
   * Intuit's XML and a Retry-After (which the simulator never sends). In the order asked.
   */
  failNext(count: number, failure: Failure): void;
  /** The API requests made so far through the proxy ("GET /cdc?entities=…"), path after the company. */
  readonly requests: string[];
  /** Canonical ids of the receivables open in the company now (invoices with a balance, credit memos with credit left). */
  openIds(): Set<string>;
  stop(): Promise<void>;
}

export type Failure = { simulator: InjectedFault } | { status: 429; retryAfterSeconds: number };

export async function startQboSource(options: {
  connection: string;
  /** The connector's clock. */
  clock: Clock;
  simulator: QuickBooksSimulatorOptions;
}): Promise<QboTestSource> {
  const sim = await new QuickBooksSimulator({ rateScale: 10, ...options.simulator }).start();
  const realm = sim.companies[0]!.realmId;
  const proxy = await FaultProxy.start(sim);
  const store: Store = await openSqliteStore(':memory:');
  await store.migrate();
  const keyring = new CredentialKeyring(randomBytes(32));
  const expires = () => new Date(options.clock.now().getTime() + 3_600_000).toISOString();
  const good = store.credentials(options.connection, { keyring });
  const issued = sim.controls.issueTokens(realm);
  await good.compareAndSet(0, {
    accessToken: issued.access_token,
    accessTokenExpiresAt: expires(),
    refreshToken: issued.refresh_token,
  });
  // Tokens the simulator never issued: refused, and their refresh answered invalid_grant.
  const revoked: CredentialStore = store.credentials(`${options.connection}-revoked`, { keyring });
  await revoked.compareAndSet(0, {
    accessToken: 'revoked-access',
    accessTokenExpiresAt: expires(),
    refreshToken: 'revoked-refresh',
  });
  let fakeNow = Date.now();
  const limiter = new RealmLimiter(
    { requestsPerMinute: 500, maxInFlight: 10 },
    {
      now: () => fakeNow,
      sleep: (ms) => {
        fakeNow += ms;
        return Promise.resolve();
      },
    },
  );
  return {
    sim,
    realm,
    connection: options.connection,
    adapter: (o = {}) =>
      createQuickBooksAdapter(
        QuickBooksConnectionSchema.parse({
          id: options.connection,
          type: 'quickbooks',
          realmId: realm,
          baseUrl: proxy.url,
          clientId: sim.clientId,
          clientSecret: sim.clientSecret,
          pageSize: o.pageSize ?? 25,
        }),
        { clock: options.clock, logger, credentials: () => (o.badCredentials ? revoked : good) },
        { limiter },
      ),
    failNext: (count, failure) => proxy.failNext(count, failure),
    requests: proxy.requests,
    openIds: () => {
      const company = sim.companies[0]!;
      const ids = new Set<string>();
      const inv = company.invoices;
      for (let row = 0; row < inv.length; row++)
        if (inv.state[row] === INVOICE_OPEN && inv.balance[row]! > 0)
          ids.add(`${options.connection}:${realm}:Invoice:${inv.id[row]}`);
      for (const m of company.creditMemos)
        if (!m.deleted && m.remaining > 0) ids.add(`${options.connection}:${realm}:CreditMemo:${m.id}`);
      return ids;
    },
    stop: async () => {
      await proxy.stop();
      await sim.stop();
      await store.close();
    },
  };
}

/** Forwards every request to the simulator, failing the ones told to fail. */
class FaultProxy {
  private constructor(
    private readonly proxy: ForwardingProxy,
    private readonly failures: Failure[],
    readonly requests: string[],
  ) {}

  get url(): string {
    return this.proxy.url;
  }

  static async start(sim: QuickBooksSimulator): Promise<FaultProxy> {
    const failures: Failure[] = [];
    const requests: string[] = [];
    const proxy = await startForwardingProxy(sim.url, (req, res, body) => {
      const api = /^\/v3\/company\/[^/]+\/(.*)$/.exec(req.url ?? '');
      // A POSTed query is written as its statement, after the path: "POST /query?minorversion=75 SELECT …".
      const posted = req.method === 'POST' && api?.[1]?.startsWith('query') ? ` ${body.toString('utf8')}` : '';
      if (api) requests.push(`${req.method} /${decodeURIComponent(api[1]!.replace(/\+/g, ' '))}${posted}`);
      // Only the API's requests fail, as the simulator's own faults (not the token endpoint).
      const failure = req.url?.startsWith('/v3/') ? failures.shift() : undefined;
      if (failure && 'status' in failure) {
        res.writeHead(429, { 'Content-Type': 'application/xml', 'Retry-After': String(failure.retryAfterSeconds) });
        res.end(THROTTLE_XML);
        return true;
      }
      if (failure) sim.controls.injectFault(failure.simulator, 1);
      return false;
    });
    return new FaultProxy(proxy, failures, requests);
  }

  failNext(count: number, failure: Failure): void {
    for (let i = 0; i < count; i++) this.failures.push(failure);
  }

  stop(): Promise<void> {
    return this.proxy.stop();
  }
}
