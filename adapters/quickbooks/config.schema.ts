import { z } from 'zod';
import type { WriteBackKind } from '../../connector/ports/erp';
import { connectCommandLine } from '../connect-command-line';
import { ErpConnectionBaseSchema } from '../../connector/sync/connection-base.schema';

/**
 * One `connections:` entry of type `quickbooks`: the settings every connection has (`id`,
 * `pageSize` — MAXRESULTS here —, `fullReconciliationHours`: connector/sync/connection-base.schema.ts)
 * and QuickBooks Online's own. The client secret and the webhook verifier token belong in
 * environment variables (`clientSecret: ${QBO_CLIENT_SECRET}`): values taken from the environment
 * are never logged. The tokens are not configured: `recouvra connect quickbooks` stores them, encrypted,
 * in the store's credential table (README "Credentials").
 */

/** Production and sandbox hosts (erp-apis.md §2.1, from NangoHQ/nango providers.yaml). */
export const QBO_API_HOSTS = {
  production: 'https://quickbooks.api.intuit.com',
  sandbox: 'https://sandbox-quickbooks.api.intuit.com',
} as const;
/** Token and consent endpoints (erp-apis.md §2.8). */
export const QBO_TOKEN_URL = 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer';
export const QBO_AUTHORIZE_URL = 'https://appcenter.intuit.com/connect/oauth2';
/** Minor versions below 75 are served as 75 since 1 Aug 2025 (erp-apis.md §2.5): 75 is the floor. */
export const QBO_MIN_MINOR_VERSION = 75;
/**
 * CorePlus calls (reads and queries; writes are unmetered "Core" calls) included each month in
 * the Intuit App Partner Program's free Builder tier; beyond them Intuit answers 429 until the
 * next month (erp-apis.md §2.9,
 * https://blogs.intuit.com/2026/01/08/understanding-builder-tier-api-limits-for-you-and-your-customers).
 */
export const QBO_BUILDER_MONTHLY_READS = 500_000;

/** MAXRESULTS is at most 1000 (erp-apis.md §2.2). */
export const QBO_MAX_RESULTS = 1000;

const CUSTOM_FIELD_NAME = z
  .string()
  .trim()
  .min(1, { error: 'a custom field name must not be empty (as the field is named in QuickBooks)' })
  .max(100);

export const QuickBooksConnectionSchema = ErpConnectionBaseSchema.extend({
  type: z.literal('quickbooks'),
  /** The company (realm) id, 10 to 19 digits (erp-apis.md §2.1); `recouvra connect quickbooks` prints it. */
  realmId: z.string().regex(/^\d{10,19}$/, { error: 'realmId is the QuickBooks company id: 10 to 19 digits' }),
  /** `production` or `sandbox`: Intuit's hosts. */
  environment: z.enum(['production', 'sandbox']).default('production'),
  /**
   * Another API host, for the simulator (`recouvra simulate quickbooks`): the client then only
   * changes its base URL. The token and consent endpoints follow it unless set below.
   */
  baseUrl: z.url({ protocol: /^https?$/, error: 'baseUrl must be an http:// or https:// address' }).optional(),
  tokenUrl: z.url({ protocol: /^https?$/, error: 'tokenUrl must be an http:// or https:// address' }).optional(),
  authorizeUrl: z
    .url({ protocol: /^https?$/, error: 'authorizeUrl must be an http:// or https:// address' })
    .optional(),
  /** The app's OAuth client id and secret (Intuit developer portal › Keys & credentials); put the secret in ${ENV}. */
  clientId: z.string().min(1, { error: 'clientId must not be empty' }),
  clientSecret: z.string().min(1, { error: 'clientSecret must not be empty' }),
  /** The webhook verifier token (developer portal › Webhooks), not the client secret (erp-apis.md §2.7). */
  webhookVerifierToken: z.string().min(1).optional(),
  /** Pinned minor version, 75 or above (erp-apis.md §2.5). */
  minorVersion: z
    .number()
    .int()
    .min(QBO_MIN_MINOR_VERSION, {
      error: `minorVersion must be ${QBO_MIN_MINOR_VERSION} or above (lower ones are served as 75)`,
    })
    .default(QBO_MIN_MINOR_VERSION),
  /** MAXRESULTS of each query page: at most 1000 (erp-apis.md §2.2). */
  pageSize: z
    .number()
    .int()
    .min(1)
    .max(QBO_MAX_RESULTS, { error: `pageSize is at most ${QBO_MAX_RESULTS} for QuickBooks (MAXRESULTS)` })
    .default(QBO_MAX_RESULTS),
  /** Timeout of one HTTP request (ms); Intuit times a request out after 120 s (erp-apis.md §2.9). */
  timeoutMs: z.number().int().min(1_000).max(120_000).default(60_000),
  /** Requests per minute to this company: 500 is Intuit's limit per realm (erp-apis.md §2.9). */
  requestsPerMinute: z.number().int().min(1).max(500).default(500),
  /** Requests in flight to this company at once: 10 (erp-apis.md §2.9, the stricter of two sources). */
  maxInFlight: z.number().int().min(1).max(10).default(10),
  /**
   * CorePlus calls (reads) this company may make per calendar month before Intuit blocks them
   * (erp-apis.md §2.9): the Builder tier's 500,000 by default; set it to a paid tier's figure. The
   * health screen and `recouvra_erp_monthly_reads` compare the reads counted with it.
   */
  monthlyReadAllowance: z
    .number({ error: 'monthlyReadAllowance is a number of read calls per month, e.g. 500000' })
    .int({ error: 'monthlyReadAllowance is a whole number of read calls per month' })
    .min(1, { error: 'monthlyReadAllowance is a number of read calls per month: 1 or more' })
    .max(1_000_000_000, { error: 'monthlyReadAllowance is at most 1000000000 read calls per month' })
    .default(QBO_BUILDER_MONTHLY_READS),
  customFields: z
    .strictObject({
      /** A customer custom field holding the TVA number, when `PrimaryTaxIdentifier` is not used. */
      vatNumber: CUSTOM_FIELD_NAME.optional(),
      /** A customer custom field holding the SIREN or SIRET. */
      siret: CUSTOM_FIELD_NAME.optional(),
      /** An invoice custom field that receives the recovery stage; without it only the private note is written. */
      recoveryStage: CUSTOM_FIELD_NAME.optional(),
    })
    .default({}),
});
export type QuickBooksConnection = z.infer<typeof QuickBooksConnectionSchema>;

/**
 * QuickBooks has no tasks (no activity to assign to a person): the private note always, and the
 * recovery stage in a custom field when the company keeps one and the configuration names it.
 */
export function quickBooksWriteBack(config: Pick<QuickBooksConnection, 'customFields'>): readonly WriteBackKind[] {
  return config.customFields.recoveryStage === undefined ? ['note'] : ['note', 'fields'];
}

/** The API host of a connection: `baseUrl`, or Intuit's host of its environment. */
export function apiBaseOf(config: Pick<QuickBooksConnection, 'baseUrl' | 'environment'>): string {
  return (config.baseUrl ?? QBO_API_HOSTS[config.environment]).replace(/\/+$/, '');
}

/**
 * The command that connects the company again (connector/app/cli/connect-command.ts), as told by
 * `connections check`, GET /ready and GET /connections when the authorization ends or was refused.
 */
export function quickBooksReconnectCommand(config: Pick<QuickBooksConnection, 'id'>, configFile?: string): string {
  return connectCommandLine('quickbooks', config.id, configFile);
}
