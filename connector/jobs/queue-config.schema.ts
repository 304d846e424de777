import { z } from 'zod';

/**
 * The `queue:` key of the configuration: where jobs wait (DESIGN.md, "Two ways to run").
 * `store` keeps them in the store (SQLite or PostgreSQL) and needs nothing else; `redis` puts
 * them in BullMQ on Redis, for many workers. Unknown keys are errors.
 */

const REDIS_DEFAULTS = { url: 'redis://127.0.0.1:6379', prefix: 'recouvra' };

export const QueueConfigSchema = z
  .strictObject({
    /** `store` (default): jobs are rows of the store. `redis`: BullMQ on Redis. */
    driver: z.enum(['store', 'redis'], { error: 'queue.driver must be "store" or "redis"' }).default('store'),
    /** Used only with driver `redis`. */
    redis: z
      .strictObject({
        /** redis://[user:password@]host:port[/db], or rediss:// for TLS; put a password in an environment variable. */
        url: z
          .string()
          .regex(/^rediss?:\/\//, { error: 'queue.redis.url must start with redis:// or rediss://' })
          .default(REDIS_DEFAULTS.url),
        /** First segment of every Redis key, so that several installations can share one Redis. */
        prefix: z
          .string()
          .regex(/^[A-Za-z0-9_.-]{1,64}$/, {
            error: 'queue.redis.prefix must be 1–64 letters, digits, "_", "." or "-"',
          })
          .default(REDIS_DEFAULTS.prefix),
      })
      .default(REDIS_DEFAULTS),
    /** Driver `store`: how often each process looks for due jobs (ms); a job enqueued by the process itself starts at once. */
    pollMs: z.number().int().min(10).max(60_000).default(200),
    /** How long a completed job keeps its id (hours): the same schedule tick enqueued again within it does not run again. */
    completedRetentionHours: z
      .number()
      .min(0)
      .max(24 * 365)
      .default(24),
  })
  .default({ driver: 'store', redis: REDIS_DEFAULTS, pollMs: 200, completedRetentionHours: 24 });

export type QueueConfig = z.infer<typeof QueueConfigSchema>;
/** What the file may hold under `queue:`; every key has a default. */
export type QueueConfigInput = NonNullable<z.input<typeof QueueConfigSchema>>;
