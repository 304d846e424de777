import { z } from 'zod';
import { DEFAULT_TOLERANCE_SECONDS } from './webhook-signature';

/**
 * Settings of a law-firm partner reached over its HTTP API (openapi.yaml). Units are in each
 * key's comment. The API key and the webhook secrets belong in environment variables
 * (`apiKey: ${LAWFIRM_API_KEY}`): values taken from the environment are never logged, and the
 * client never writes them into an error.
 */

/** 10 MiB, the contract's limit for one document (openapi.yaml, `DocumentUpload`). */
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;
/** The contract's largest events page (openapi.yaml, `GET /v1/events`, `limit`). */
export const MAX_EVENTS_PAGE = 500;
/** A webhook secret shorter than this is guessable offline from one signed request. */
export const MIN_WEBHOOK_SECRET_LENGTH = 16;

const WebhookSecretSchema = z.string().min(MIN_WEBHOOK_SECRET_LENGTH, {
  error: `a webhook secret needs at least ${MIN_WEBHOOK_SECRET_LENGTH} characters; generate one with \`openssl rand -hex 32\``,
});

export const LawFirmHttpConfigSchema = z.strictObject({
  /** Base URL of the firm's API speaking adapters/lawfirm/openapi.yaml, e.g. https://partner.example.com (no /v1). */
  baseUrl: z.url({
    protocol: /^https?$/,
    error: 'baseUrl must be an http:// or https:// address such as https://partner.example.com',
  }),
  /** Bearer API key the firm gave us; write it as ${LAWFIRM_API_KEY} and set the variable. */
  apiKey: z.string().min(1, { error: 'apiKey must not be empty' }),
  /** Secret the firm signs its webhooks with (HMAC-SHA256); write it as ${LAWFIRM_WEBHOOK_SECRET}. */
  webhookSecret: WebhookSecretSchema,
  /** Secrets still accepted while the firm moves to `webhookSecret` (rotation); remove them once it has. Default none. */
  previousWebhookSecrets: z.array(WebhookSecretSchema).max(5).default([]),
  /** Largest distance between a webhook's signed timestamp and our clock, either way (s). Default 300. */
  toleranceSeconds: z.number().int().min(30).max(3_600).default(DEFAULT_TOLERANCE_SECONDS),
  /** Timeout of one HTTP request (ms); a submission carries the documents. Default 30000. */
  timeoutMs: z.number().int().min(1_000).max(600_000).default(30_000),
  /** Largest document sent (bytes, before base64); the contract allows 10485760 (10 MiB). Default 10485760. */
  maxDocumentBytes: z.number().int().min(1_024).max(MAX_DOCUMENT_BYTES).default(MAX_DOCUMENT_BYTES),
  /** Events read per `GET /v1/events` (1 to 500). Default 100. */
  eventsPageSize: z.number().int().min(1).max(MAX_EVENTS_PAGE).default(100),
});
export type LawFirmHttpConfig = z.infer<typeof LawFirmHttpConfigSchema>;

/** The secrets a webhook may be signed with, the current one first. */
export function webhookSecrets(config: Pick<LawFirmHttpConfig, 'webhookSecret' | 'previousWebhookSecrets'>): string[] {
  return [config.webhookSecret, ...config.previousWebhookSecrets];
}
