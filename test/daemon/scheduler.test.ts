import { startCronScheduler, startSimulatedScheduler, type ScheduleEntry } from '../../connector/app/daemon/scheduler';
import { validCron } from '../../connector/time/cron';
import { memoryLogger } from '../helpers/logger';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('schedules', () => {
  it('validates cron expressions, with and without seconds', () => {
    expect(validCron('*/5 * * * *')).toBe(true);
    expect(validCron('*/15 * * * * *')).toBe(true);
    expect(validCron('every five minutes')).toBe(false);
    expect(validCron('61 * * * *')).toBe(false);
  });

  it('on the demo clock, each entry ticks once per period, named after the period’s start', async () => {
    let now = Date.parse('2026-11-23T00:00:30Z');
    const ticks: string[] = [];
    const entry = (label: string, seconds: number): ScheduleEntry => ({
      label,
      cron: '* * * * *',
      everySimulatedSeconds: seconds,
      enqueue: async (t) => void ticks.push(`${label}@${t.toISOString()}`),
    });
    const scheduler = startSimulatedScheduler([entry('sync', 60), entry('evaluate', 3_600)], {
      clock: { now: () => new Date(now) },
      logger: memoryLogger().logger,
      realPollMs: 5,
    });
    await sleep(30);
    now = Date.parse('2026-11-23T00:01:10Z');
    await sleep(30);
    now = Date.parse('2026-11-23T01:00:00Z');
    await sleep(30);
    scheduler.stop();
    expect(ticks).toEqual([
      'sync@2026-11-23T00:00:00.000Z',
      'evaluate@2026-11-23T00:00:00.000Z',
      'sync@2026-11-23T00:01:00.000Z',
      'sync@2026-11-23T01:00:00.000Z',
      'evaluate@2026-11-23T01:00:00.000Z',
    ]);
  });

  it('a failed enqueue is logged and the schedule goes on', async () => {
    const { logger, lines } = memoryLogger();
    let calls = 0;
    const scheduler = startCronScheduler(
      [
        {
          label: 'outbox',
          cron: '* * * * * *',
          everySimulatedSeconds: 1,
          enqueue: async () => {
            calls++;
            throw new Error('store is locked');
          },
        },
      ],
      { timezone: 'Europe/Paris', logger },
    );
    await sleep(2_300);
    scheduler.stop();
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(lines().join('\n')).toMatch(/schedule outbox: could not enqueue the .* tick: store is locked/);
  });
});
