import { z } from 'zod';

/**
 * The `api:` key of the configuration: the daemon's JSON API and its Prometheus metrics. The
 * key as a whole is optional: without it the daemon serves no API, so a configuration written
 * before the API existed (and the defaults, `{ version: 1 }`) still parses and behaves as it did.
 * Unknown keys are errors.
 */

/** Shorter tokens can be guessed; 24 characters of a random token (`openssl rand -hex 24`) are beyond reach. */
export const MIN_API_TOKEN_LENGTH = 24;

export const RoleSchema = z.enum(['viewer', 'controller', 'approver']);
export type Role = z.infer<typeof RoleSchema>;

/** A person who signs in to the dashboard. */
export const ApiUserSchema = z.strictObject({
  /** What the person types to sign in, and the name the journal records their actions under. */
  username: z
    .string()
    .regex(/^[A-Za-z0-9._@-]{1,64}$/, { error: 'must be 1 to 64 letters, digits, dots, dashes, underscores or @' }),
  /** How the dashboard greets them; default the username. */
  name: z.string().trim().min(1).max(100).optional(),
  /** viewer (reads), controller (acts on cases), approver (also approves and rejects escalations). */
  role: RoleSchema,
  /**
   * The password's argon2id hash, as `recouvra config hash-password` prints it: never the
   * password itself. Kept out of the file as secrets are: write `${RECOUVRA_HASH_CLAIRE}` and set
   * the variable (a hash lets whoever holds it guess passwords offline).
   */
  passwordHash: z.string().regex(/^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/, {
    error: 'must be an argon2id hash ($argon2id$v=19$…): run recouvra config hash-password and paste what it prints',
  }),
});
export type ApiUser = z.infer<typeof ApiUserSchema>;

export const SessionConfigSchema = z.strictObject({
  /** A session unused this long ends. */
  idleMinutes: z
    .number()
    .int()
    .min(5)
    .max(7 * 24 * 60)
    .default(480),
  /** A session ends this long after sign-in, used or not. */
  maxHours: z
    .number()
    .int()
    .min(1)
    .max(30 * 24)
    .default(12),
  /** Mark the cookie Secure: set true when a TLS proxy serves the dashboard over https. */
  secureCookie: z.boolean().default(false),
});

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
    /**
     * The API is reached through a reverse proxy (TLS): take the client's address from the
     * proxy's `X-Forwarded-For`, so that wrong passwords are counted per person's address rather
     * than all together under the proxy's. Only behind a proxy that sets that header: a client
     * reaching the API directly could otherwise write any address in it. Default false.
     */
    trustProxy: z.boolean().default(false),
    /** The people who sign in to the dashboard at `/`; none: the dashboard's sign-in refuses everyone. */
    users: z.array(ApiUserSchema).default([]),
    session: SessionConfigSchema.default({ idleMinutes: 480, maxHours: 12, secureCookie: false }),
  })
  .superRefine((api, ctx) => {
    const seen = new Map<string, number>();
    api.users.forEach((u, i) => {
      const first = seen.get(u.username.toLowerCase());
      if (first !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['users', i, 'username'],
          message: `${u.username} is already users[${first}]: each person signs in under one name (compared without case)`,
        });
      else seen.set(u.username.toLowerCase(), i);
    });
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
  /** Behind a reverse proxy: the client's address comes from X-Forwarded-For. */
  trustProxy?: boolean;
  /** People who sign in to the dashboard; none: only the bearer token gets in. */
  users?: readonly ApiUser[];
  session?: { idleMinutes: number; maxHours: number; secureCookie: boolean };
}

/** The settings to serve the API with, or undefined when the configuration serves none. */
export function apiSettings(api: ApiConfig | undefined): ApiSettings | undefined {
  if (api === undefined || !api.enabled || api.token === undefined) return undefined;
  return {
    token: api.token,
    host: api.host,
    port: api.port,
    metricsPublic: api.metricsPublic,
    trustProxy: api.trustProxy,
    users: api.users,
    session: api.session,
  };
}
