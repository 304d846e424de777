import { randomBytes } from 'node:crypto';
import { createSageActiveAdapter, type SageActiveAdapter } from '../../../adapters/sage-active';
import { SageActiveConnectionSchema } from '../../../adapters/sage-active/config.schema';
import { MinuteWindowLimiter } from '../../../adapters/minute-window-limiter';
import { SageActiveSimulator, type SageActiveSimulatorOptions } from '../../../adapters/sage-active/simulator';
import type { InvoiceRecord } from '../../../adapters/sage-active/simulator/data';
import { CredentialKeyring } from '../../../connector/credentials/keyring';
import { openSqliteStore } from '../../../connector/store/sqlite';
import type { Store } from '../../../connector/store/store';
import { SimulatedClock, type Clock } from '../../../connector/time/clock';
import { startForwardingProxy, type ForwardingProxy } from '../../helpers/forwarding-proxy';
import { memoryLogger } from '../../helpers/logger';

/**
 * The Sage Active adapter on the simulator, as the reader, adapter and conformance tests use it:
 * tokens the simulator issued, kept in a credential store of an in-memory SQLite store; a limiter
 * of its own whose waits take no real time; and a proxy in front of the simulator that records
 * the GraphQL operations and fails the requests told to fail, with statuses the simulator does not
 * make (502, 503, a 429 that says when to come back).
 */

const { logger } = memoryLogger('error');

export const START = Date.parse('2026-05-01T10:00:00Z');

export interface SageTestSource {
  sim: SageActiveSimulator;
  clock: SimulatedClock;
  /** The organisation the connection reads (the one with books, STANDARD edition). */
  org: string;
  connection: string;
  adapter(options?: {
    pageSize?: number;
    badCredentials?: boolean;
    organizationId?: string;
    connection?: string;
    /** Which of the simulator's users connected: 0 the usual one, 1 one who never signed in, 2 one with rights on the first organisation only. */
    user?: 0 | 1 | 2;
  }): SageActiveAdapter;
  /** The adapters' limiter (its waits take no real time). */
  limiter: MinuteWindowLimiter;
  /** The next `count` GraphQL requests fail with `status` (and Retry-After, for a 429). */
  failNext(count: number, status: number, retryAfterSeconds?: number): void;
  /** The GraphQL requests made through the proxy: operation name and variables. */
  readonly requests: { operationName: string; variables: Record<string, unknown> }[];
  /** Canonical ids of the receivables open in the organisation now. */
  openIds(org?: string): Set<string>;
  /** Open invoices that take payments, never the same twice in one source. */
  take(n: number, org?: string): InvoiceRecord[];
  canonical(id: string, org?: string): string;
  stop(): Promise<void>;
}

/** §2.3: issued and not collected, as the sweep and the mapping count them (the simulator makes invoices and credit notes only). */
const OPEN = new Set(['Closed', 'Posted', 'PartiallyCollected']);

export async function startSageSource(
  options: { connection?: string; simulator?: SageActiveSimulatorOptions } = {},
): Promise<SageTestSource> {
  const connection = options.connection ?? 'sage-conf';
  const clock = new SimulatedClock(START, 0);
  const sim = await new SageActiveSimulator({ seed: 5, invoices: 120, clock, ...options.simulator }).start();
  const [books] = sim.organizations.map((o) => o.id) as [string];
  const proxy = await FaultProxy.start(sim.url);
  const store: Store = await openSqliteStore(':memory:');
  await store.migrate();
  const keyring = new CredentialKeyring(randomBytes(32));
  const credentials = await Promise.all(
    sim.users.map(async (user, i) => {
      const issued = sim.controls.issueTokens(user.id);
      const stored = store.credentials(i === 0 ? connection : `${connection}-user${i}`, { keyring });
      await stored.compareAndSet(0, {
        accessToken: issued.access_token,
        // The simulator's token lasts 8 hours of its clock; the tests move that clock by minutes.
        accessTokenExpiresAt: new Date(START + 7 * 3_600_000).toISOString(),
        refreshToken: issued.refresh_token!,
      });
      return stored;
    }),
  );
  let fakeNow = Date.now();
  const limiter = new MinuteWindowLimiter(
    { requestsPerMinute: 3000, maxInFlight: 10 },
    {
      now: () => fakeNow,
      sleep: (ms) => {
        fakeNow += ms;
        return Promise.resolve();
      },
    },
  );
  const used = new Set<string>();
  const orgOf = (org?: string) => sim.data.organization(org ?? books)!;
  const left = (i: InvoiceRecord) => i.openItems.reduce((n, item) => n + Math.max(0, item.amount - item.paid), 0);
  const canonical = (id: string, org = books) => `${connection}:${org}:SalesInvoice:${id}`;
  const clockForTokens: Clock = { now: () => new Date(START) };
  return {
    sim,
    clock,
    org: books,
    connection,
    limiter,
    adapter: (o = {}) =>
      createSageActiveAdapter(
        SageActiveConnectionSchema.parse({
          id: o.connection ?? connection,
          type: 'sage-active',
          baseUrl: proxy.url,
          clientId: sim.clientId,
          subscriptionKey: o.badCredentials ? 'not-the-subscription-key' : sim.subscriptionKeys[0],
          organizationId: o.organizationId ?? books,
          pageSize: o.pageSize ?? 25,
        }),
        { clock, wallClock: clockForTokens, logger, credentials: () => credentials[o.user ?? 0]! },
        { limiter },
      ),
    failNext: (count, status, retryAfterSeconds) => proxy.failNext(count, { status, retryAfterSeconds }),
    requests: proxy.requests,
    openIds: (org) => {
      const ids = new Set<string>();
      for (const i of orgOf(org).invoices)
        if (OPEN.has(i.status) && left(i) > 0) ids.add(canonical(i.id, org ?? books));
      return ids;
    },
    take: (n, org) => {
      const picked = orgOf(org)
        .invoices.filter(
          (i) =>
            i.type === 'NORMAL' &&
            (i.status === 'Posted' || i.status === 'PartiallyCollected') &&
            left(i) > 1 &&
            !used.has(i.id),
        )
        .slice(-n);
      for (const i of picked) used.add(i.id);
      return picked;
    },
    canonical,
    stop: async () => {
      await proxy.stop();
      await sim.stop();
      await store.close();
    },
  };
}

interface Failure {
  status: number;
  retryAfterSeconds?: number | undefined;
}

/** Forwards every request to the simulator, failing the GraphQL ones told to fail. */
class FaultProxy {
  private constructor(
    private readonly proxy: ForwardingProxy,
    private readonly failures: Failure[],
    readonly requests: { operationName: string; variables: Record<string, unknown> }[],
  ) {}

  get url(): string {
    return this.proxy.url;
  }

  static async start(target: string): Promise<FaultProxy> {
    const failures: Failure[] = [];
    const requests: FaultProxy['requests'] = [];
    const proxy = await startForwardingProxy(target, (req, res, body) => {
      if (req.url !== '/graphql') return false;
      try {
        const op = JSON.parse(body.toString('utf8')) as { operationName?: string; variables?: Record<string, unknown> };
        requests.push({ operationName: op.operationName ?? '', variables: op.variables ?? {} });
      } catch {
        requests.push({ operationName: '(not JSON)', variables: {} });
      }
      const failure = failures.shift();
      if (!failure) return false;
      if (failure.status === 429) {
        res.writeHead(429, {
          'Content-Type': 'application/json',
          ...(failure.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(failure.retryAfterSeconds) }),
        });
        res.end(JSON.stringify({ statusCode: 429, message: 'Rate limit is exceeded. Try again later.' }));
      } else {
        res.writeHead(failure.status, { 'Content-Type': 'text/html' });
        res.end(`<html><body>${failure.status} from the gateway</body></html>`);
      }
      return true;
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
