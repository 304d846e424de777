import { z } from 'zod';
import type { WriteBackKind } from '../../connector/ports/erp';
import { connectCommandLine } from '../connect-command-line';
import { ErpConnectionBaseSchema } from '../../connector/sync/connection-base.schema';

/**
 * One `connections:` entry of type `sage-active`: Sage Active, Sage's cloud product for France,
 * Spain and Germany, read and written through its public GraphQL API (shared reference sage.md §2,
 * which supersedes erp-apis.md §3). The client secret and the subscription key belong in
 * environment variables (`${SAGE_ACTIVE_SUBSCRIPTION_KEY}`); the tokens are not configured:
 * `recouvra connect sage-active` stores them, encrypted, in the store's credential table.
 */

/** GraphQL gateways per market (sage.md §2.1, from Sage's FR Postman environment and the digest). */
export const SAGE_ACTIVE_API_HOSTS = {
  fr: 'https://api.fr.active.sage.com',
  es: 'https://api.es.active.sage.com',
  de: 'https://api.de.active.sage.com',
} as const;
/** SBC Auth, the OAuth 2 server of every market (sage.md §2.1). */
export const SAGE_ACTIVE_AUTHORIZE_URL = 'https://sbcauth.sage.fr/connect/authorize';
export const SAGE_ACTIVE_TOKEN_URL = 'https://sbcauth.sage.fr/connect/token';
/** Read, write, and a refresh token (sage.md §2.1). */
export const SAGE_ACTIVE_SCOPES = ['RDSA', 'WDSA', 'offline_access'] as const;
/** Relay pages: at most 500 items per request (sage.md §2.2, Sage's paginate page [PRIMARY]). */
export const SAGE_ACTIVE_MAX_PAGE = 500;
/** 3000 requests a minute per app (sage.md §2.2 [UNVERIFIED: the page is cut before its limits]). */
export const SAGE_ACTIVE_REQUESTS_PER_MINUTE = 3000;
/** At most 10 mutations at once (sage.md §2.2 [UNVERIFIED]). */
export const SAGE_ACTIVE_MAX_MUTATIONS = 10;
/** A customer's `comments`: 2,000 characters at most (sage.md §2.5). */
export const SAGE_ACTIVE_COMMENTS_MAX = 2000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const SageActiveConnectionSchema = ErpConnectionBaseSchema.extend({
  type: z.literal('sage-active'),
  /** The market of the subscription: its GraphQL gateway (sage.md §2.1; Portugal goes to `es`, [SECONDARY]). */
  market: z.enum(['fr', 'es', 'de']).default('fr'),
  /**
   * Another API host, for the simulator (`recouvra simulate sage-active`): the client then only
   * changes its base URL. The token and consent endpoints follow it unless set below.
   */
  baseUrl: z.url({ protocol: /^https?$/, error: 'baseUrl must be an http:// or https:// address' }).optional(),
  tokenUrl: z.url({ protocol: /^https?$/, error: 'tokenUrl must be an http:// or https:// address' }).optional(),
  authorizeUrl: z
    .url({ protocol: /^https?$/, error: 'authorizeUrl must be an http:// or https:// address' })
    .optional(),
  /** The app's client id (Sage Developer Center). */
  clientId: z.string().min(1, { error: 'clientId must not be empty' }),
  /**
   * The app's client secret, for a web-server app; a desktop app signs in with PKCE alone (sage.md
   * §2.1). Put it in ${ENV}.
   */
  clientSecret: z.string().min(1, { error: 'clientSecret must not be empty when given' }).optional(),
  /** Sent as `x-api-key` on every call (sage.md §2.1): the primary or secondary subscription key. Put it in ${ENV}. */
  subscriptionKey: z.string().min(1, { error: 'subscriptionKey must not be empty' }),
  /**
   * The organisation (company) read, sent as `X-OrganizationId`; `recouvra connect sage-active` lists
   * those the signed-in user can open and prints their ids.
   */
  organizationId: z
    .string()
    .regex(UUID, { error: 'organizationId is a UUID (recouvra connect sage-active lists them)' }),
  /** Items per Relay page: at most 500 (sage.md §2.2). */
  pageSize: z
    .number()
    .int()
    .min(1)
    .max(SAGE_ACTIVE_MAX_PAGE, { error: `pageSize is at most ${SAGE_ACTIVE_MAX_PAGE} for Sage Active (Relay pages)` })
    .default(SAGE_ACTIVE_MAX_PAGE),
  /** Timeout of one HTTP request (ms). */
  timeoutMs: z.number().int().min(1_000).max(120_000).default(60_000),
  /** Requests per minute from this app: 3000 is Sage's announced limit (sage.md §2.2, UNVERIFIED). */
  requestsPerMinute: z
    .number()
    .int()
    .min(1)
    .max(SAGE_ACTIVE_REQUESTS_PER_MINUTE)
    .default(SAGE_ACTIVE_REQUESTS_PER_MINUTE),
  writeBack: z
    .strictObject({
      /** One small text file per event on the invoice's accounting entry (`uploadFileToEntity`, sage.md §2.5 option C). */
      entryFiles: z.boolean().default(true),
      /** The customer's status in a delimited block of its `comments` (sage.md §2.5 option B). */
      customerComments: z.boolean().default(true),
    })
    .default({ entryFiles: true, customerComments: true }),
});
export type SageActiveConnection = z.infer<typeof SageActiveConnectionSchema>;

/**
 * What a Sage Active connection writes back: notes (a file on the invoice's accounting entry, and a
 * block in the customer's comments) when either is on. Sage Active's public API has no task a
 * person is assigned: the controller's tasks go into those notes, as for QuickBooks.
 */
export function sageActiveWriteBack(config: Pick<SageActiveConnection, 'writeBack'>): readonly WriteBackKind[] {
  return config.writeBack.entryFiles || config.writeBack.customerComments ? ['note'] : [];
}

/** The GraphQL endpoint of a connection: `baseUrl`, or the market's gateway, + `/graphql`. */
export function graphqlUrlOf(config: Pick<SageActiveConnection, 'baseUrl' | 'market'>): string {
  return `${(config.baseUrl ?? SAGE_ACTIVE_API_HOSTS[config.market]).replace(/\/+$/, '')}/graphql`;
}

/** The command that connects the organisation again (`recouvra connect sage-active`). */
export function sageActiveReconnectCommand(config: Pick<SageActiveConnection, 'id'>, configFile?: string): string {
  return connectCommandLine('sage-active', config.id, configFile);
}
