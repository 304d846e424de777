import { z } from 'zod';

/**
 * The letter channel's provider settings. Units are in each key's comment. The API key belongs in
 * an environment variable (`apiKey: ${POSTAL_API_KEY}`): values taken from the environment are
 * never logged, and the client never writes the key into an error.
 */

/** 10 MiB. [UNVERIFIED] Real providers set their own limit; a dunning letter is far below it. */
export const DEFAULT_MAX_PDF_BYTES = 10 * 1024 * 1024;

export const PostalConfigSchema = z.strictObject({
  /** Base URL of the provider's API speaking the contract in adapters/postal/README.md, e.g. https://mail.example.com (no /v1). */
  baseUrl: z.url({
    protocol: /^https?$/,
    error: 'baseUrl must be an http:// or https:// address such as https://mail.example.com',
  }),
  /** Bearer API key; write it as ${POSTAL_API_KEY} and set the variable. */
  apiKey: z.string().min(1, { error: 'apiKey must not be empty' }),
  /** Timeout of one HTTP request (ms); an upload of a large PDF needs more than a status read. Default 30000. */
  timeoutMs: z.number().int().min(1_000).max(600_000).default(30_000),
  /** Largest PDF sent (bytes, before base64). Default 10485760 (10 MiB). */
  maxPdfBytes: z
    .number()
    .int()
    .min(1_024)
    .max(50 * 1024 * 1024)
    .default(DEFAULT_MAX_PDF_BYTES),
});
export type PostalConfig = z.infer<typeof PostalConfigSchema>;
