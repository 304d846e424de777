import { SimulatedClock } from '../../../connector/time/clock';
import { QuickBooksSimulator, type QuickBooksSimulatorOptions } from '../../../adapters/quickbooks/simulator';

/** What the QuickBooks simulator tests share: a simulator on a still clock, a token per company, and fetch helpers. */

export const START = Date.parse('2026-05-01T10:00:00Z');

export interface Running {
  sim: QuickBooksSimulator;
  clock: SimulatedClock;
  /** The French multi-currency company, the US one, the small French one. */
  fr: string;
  us: string;
  small: string;
  tokens: Record<string, string>;
  /** GET or POST under /v3/company/{realm}/, with the realm's token unless `token` is given. */
  call(realm: string, path: string, init?: RequestInit & { token?: string | null }): Promise<Response>;
  json<T = Record<string, unknown>>(
    realm: string,
    path: string,
    init?: RequestInit & { token?: string | null },
  ): Promise<T>;
  query<T = Record<string, unknown>>(realm: string, statement: string): Promise<T>;
}

export async function startSimulator(options: QuickBooksSimulatorOptions = {}): Promise<Running> {
  const clock = new SimulatedClock(START, 0);
  const sim = await new QuickBooksSimulator({ seed: 5, invoices: 3000, clock, ...options }).start();
  const [fr, us, small] = sim.companies.map((c) => c.realmId) as [string, string, string];
  const tokens: Record<string, string> = {};
  for (const c of sim.companies) tokens[c.realmId] = sim.controls.issueTokens(c.realmId).access_token;
  const call = (realm: string, path: string, init: RequestInit & { token?: string | null } = {}) => {
    const { token, headers, ...rest } = init;
    const auth: Record<string, string> = token === null ? {} : { Authorization: `Bearer ${token ?? tokens[realm]!}` };
    return fetch(`${sim.url}/v3/company/${realm}/${path}`, {
      ...rest,
      headers: { Accept: 'application/json', ...auth, ...(headers as Record<string, string> | undefined) },
    });
  };
  const json = async <T>(realm: string, path: string, init?: RequestInit & { token?: string | null }) =>
    (await (await call(realm, path, init)).json()) as T;
  return {
    sim,
    clock,
    fr,
    us,
    small,
    tokens,
    call,
    json,
    query: <T>(realm: string, statement: string) =>
      json<T>(realm, `query?query=${encodeURIComponent(statement)}&minorversion=75`),
  };
}

export interface Fault {
  Fault: { Error: { Message: string; Detail: string; code: string; element?: string }[]; type: string };
  time: string;
}
