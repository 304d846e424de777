import { SimulatedClock } from '../../../connector/time/clock';
import { SageActiveSimulator, type SageActiveSimulatorOptions } from '../../../adapters/sage-active/simulator';

/** What the Sage Active simulator tests share: a simulator on a still clock, a ready token, and a GraphQL helper. */

export const START = Date.parse('2026-05-01T10:00:00Z');

export interface GqlAnswer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: {
    data?: T | null;
    errors?: { message: string; locations?: unknown; path?: unknown; extensions?: Record<string, unknown> }[];
  } & Record<string, unknown>;
}

export interface Running {
  sim: SageActiveSimulator;
  clock: SimulatedClock;
  key: string;
  token: string;
  /** The organisation with books (STANDARD) and the Starter one. */
  books: string;
  starter: string;
  /** POST /graphql with the key, the token and X-OrganizationId of `books` unless overridden (null leaves a header out). */
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string | null>,
  ): Promise<GqlAnswer<T>>;
}

export async function startSimulator(options: SageActiveSimulatorOptions = {}): Promise<Running> {
  const clock = new SimulatedClock(START, 0);
  const sim = await new SageActiveSimulator({ seed: 3, invoices: 600, clock, ...options }).start();
  const key = sim.subscriptionKeys[0];
  const token = sim.controls.issueTokens().access_token;
  const [books, starter] = sim.organizations.map((o) => o.id) as [string, string];
  const gql = async <T>(
    query: string,
    variables: Record<string, unknown> = {},
    headers: Record<string, string | null> = {},
  ): Promise<GqlAnswer<T>> => {
    const all: Record<string, string | null> = {
      'Content-Type': 'application/json',
      'x-api-key': key,
      Authorization: `Bearer ${token}`,
      'X-OrganizationId': books,
      ...headers,
    };
    const res = await fetch(`${sim.url}/graphql`, {
      method: 'POST',
      headers: Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== null)),
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as GqlAnswer<T>['body'] };
  };
  return { sim, clock, key, token, books, starter, gql };
}
