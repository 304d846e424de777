import { QueueConfigSchema } from '../../connector/jobs/queue-config.schema';

describe('QueueConfigSchema', () => {
  it('defaults to the store queue, with every key filled in', () => {
    const defaults = {
      driver: 'store',
      redis: { url: 'redis://127.0.0.1:6379', prefix: 'recouvra' },
      pollMs: 200,
      completedRetentionHours: 24,
    };
    expect(QueueConfigSchema.parse(undefined)).toEqual(defaults);
    expect(QueueConfigSchema.parse({})).toEqual(defaults);
  });

  it('takes a Redis queue with its URL and prefix', () => {
    expect(
      QueueConfigSchema.parse({
        driver: 'redis',
        redis: { url: 'rediss://queue.internal:6380/2', prefix: 'recouvra-prod' },
        completedRetentionHours: 1.5,
      }),
    ).toEqual({
      driver: 'redis',
      redis: { url: 'rediss://queue.internal:6380/2', prefix: 'recouvra-prod' },
      pollMs: 200,
      completedRetentionHours: 1.5,
    });
  });

  it('lists every problem at once, unknown keys included', () => {
    const result = QueueConfigSchema.safeParse({
      driver: 'rabbit',
      redis: { url: 'http://x', host: 'y' },
      pollMs: 1,
      retention: 3,
    });
    expect(result.success).toBe(false);
    const problems = result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(problems).toEqual(
      expect.arrayContaining([
        'driver: queue.driver must be "store" or "redis"',
        'redis.url: queue.redis.url must start with redis:// or rediss://',
        expect.stringMatching(/^redis: .*host/),
        expect.stringMatching(/^pollMs: /),
        expect.stringMatching(/^: .*retention/),
      ]),
    );
  });
});
