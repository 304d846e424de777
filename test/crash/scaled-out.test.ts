import { describeWithPostgres, dropSchemas, freshSchemaName, TEST_POSTGRES_URL } from '../helpers/postgres';
import { describeWithRedis, freshRedisPrefix, TEST_REDIS_URL } from '../helpers/redis';
import { runCrashScenario } from './crash-scenario';

/**
 * Scaled out: three daemon processes share one PostgreSQL store and one BullMQ queue on Redis.
 * Every process schedules the same ticks and works jobs; every action must happen exactly once.
 */
const DATA_PROBLEM = /SMS_NO_NUMBER|LETTER_NO_ADDRESS|has no e-mail address/;

describeWithPostgres('scaled out on PostgreSQL', () => {
  describeWithRedis('and BullMQ on Redis', () => {
    const schema = freshSchemaName('scaled');
    afterAll(() => dropSchemas([schema]));

    it('three workers side by side: every action exactly once', async () => {
      const report = await runCrashScenario({
        invoices: 150,
        kills: 0,
        workers: 3,
        minUpMs: 1_500,
        maxUpMs: 3_000,
        seed: 23,
        scaledOut: {
          postgresUrl: TEST_POSTGRES_URL,
          schema,
          redisUrl: TEST_REDIS_URL,
          redisPrefix: freshRedisPrefix('scaled'),
        },
      });
      expect(report.actions.done).toBeGreaterThan(20);
      expect(report.actions.pending).toBe(0);
      expect(report.actions.failures.filter((f) => !DATA_PROBLEM.test(f))).toEqual([]);
      expect(report.email).toMatchObject({ missing: 0, unknown: 0, resentAfterCrash: 0 });
      expect(report.email.distinctReceived).toBe(report.email.sent + report.email.deliveredThenRefused);
      expect(report.sms).toMatchObject({ duplicates: 0, missing: 0 });
      expect(report.notes.duplicates).toBe(0);
      expect(report.journalsAgree).toBe(true);
    }, 240_000);
  });
});
