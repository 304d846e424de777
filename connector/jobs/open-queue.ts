import type { Store } from '../store/store';
import { BullMqJobQueue } from './bullmq-queue';
import type { QueueLog } from './job-options';
import type { JobQueue } from './job-queue';
import { QueueConfigSchema, type QueueConfigInput } from './queue-config.schema';
import { StoreJobQueue } from './store-queue';

export interface JobQueueDeps {
  /** The store the embedded queue keeps its jobs in (driver `store`). */
  store: Store;
  /** Where the queue reports its own failures. */
  logger?: QueueLog;
  /** The embedded queue's clock (epoch ms); default `Date.now`. */
  now?: () => number;
}

const HOUR_MS = 60 * 60 * 1_000;

/**
 * Opens the job queue that the `queue:` configuration names (already parsed, or partial: what is
 * missing takes the schema's default). Connections open on first use; `close()` releases them.
 */
export function openJobQueue(input: QueueConfigInput, deps: JobQueueDeps): JobQueue {
  const config = QueueConfigSchema.parse(input);
  const completedRetentionMs = config.completedRetentionHours * HOUR_MS;
  const logger = deps.logger === undefined ? {} : { logger: deps.logger };
  switch (config.driver) {
    case 'store':
      return new StoreJobQueue(deps.store, {
        pollMs: config.pollMs,
        completedRetentionMs,
        ...logger,
        ...(deps.now === undefined ? {} : { now: deps.now }),
      });
    case 'redis':
      return new BullMqJobQueue({
        url: config.redis.url,
        prefix: config.redis.prefix,
        completedRetentionMs,
        ...logger,
      });
  }
}
