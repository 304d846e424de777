import { z } from 'zod';

/**
 * The `api:` key of the configuration: the daemon's JSON API and its Prometheus metrics. The
 * key as a whole is optional: without it the daemon serves no API, so a configuration written
 * before the API existed (and the defaults, `{ version: 1 }`) still parses and behaves as it did.
 * Unknown keys are errors.
 */

/** Shorter tokens can be guessed; 24 characters of a random token (`openssl rand -hex 24`) are beyond reach. */
export const MIN_API_TOKEN_LENGTH = 24;

export const ApiConfigSchema = z
  .strictObject({
    /** Serve the API (default true when the `api:` key is present). */
    enabled: z.boolean().default(true),
    /** Address to listen on. The default keeps the API on this machine; put a TLS proxy in front to reach it from elsewhere. */
    host: z.string().min(1).default('127.0.0.1'),
    /** TCP port (0: any free port, for tests). */
    port: z.number().int().min(0).max(65_535).default(8080),
    /**
     * The bearer token every request but `GET /health` must send (`Authorization: Bearer …`), at
     * least 24 characters. A secret: write it as `${RECOUVRA_API_TOKEN}` and set the variable.
     * Required when the API is enabled.
     */
    token: z
      .string()
      .min(MIN_API_TOKEN_LENGTH, {
        error: `api.token must be at least ${MIN_API_TOKEN_LENGTH} characters (e.g. openssl rand -hex 24)`,
      })
      .optional(),
    /** Let `GET /metrics` be read without the token (for a Prometheus on a trusted network); default false. */
    metricsPublic: z.boolean().default(false),
  })
  .superRefine((api, ctx) => {
    if (api.enabled && api.token === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['token'],
        message:
          'api.token is required when the API is enabled: write token: ${RECOUVRA_API_TOKEN} and set the variable (or enabled: false)',
      });
    }
  });

export type ApiConfig = z.infer<typeof ApiConfigSchema>;

/** What `buildApi` needs, once the configuration says the API is enabled. */
export interface ApiSettings {
  token: string;
  host: string;
  port: number;
  metricsPublic?: boolean;
}

/** The settings to serve the API with, or undefined when the configuration serves none. */
export function apiSettings(api: ApiConfig | undefined): ApiSettings | undefined {
  if (api === undefined || !api.enabled || api.token === undefined) return undefined;
  return { token: api.token, host: api.host, port: api.port, metricsPublic: api.metricsPublic };
}
