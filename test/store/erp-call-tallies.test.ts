import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErpReadMeter, monthOf, type MeteredConnection } from '../../connector/app/erp-read-meter';
import type { AdapterUsage } from '../../connector/ports/erp';
import { openPostgresStore } from '../../connector/store/postgres';
import { openSqliteStore } from '../../connector/store/sqlite';
import type { Store } from '../../connector/store/store';
import type { Clock } from '../../connector/time/clock';
import { describeWithPostgres, dropSchemas, freshSchemaName, TEST_POSTGRES_URL } from '../helpers/postgres';
import { memoryLogger } from '../helpers/logger';

/**
 * The monthly read count of a metered ERP (QuickBooks' CorePlus calls, erp-apis.md §2.9) as the
 * daemon keeps it: written in batches, kept across a restart on a real SQLite file and on
 * PostgreSQL, started again at 0 when a UTC month begins, writes never counted.
 */

/** An adapter's call counter, moved by hand. */
class Counter {
  usage: AdapterUsage = { reads: 0, writes: 0, throttled: 0 };
  read(n = 1): void {
    this.usage = { ...this.usage, reads: this.usage.reads + n };
  }
  write(n = 1): void {
    this.usage = { ...this.usage, writes: this.usage.writes + n };
  }
}

const ALLOWANCE = 500_000;

function describeTallies(name: string, open: () => Promise<{ store: Store; reopen: () => Promise<Store> }>): void {
  describe(`ERP read tallies: ${name}`, () => {
    let store: Store;
    let reopen: () => Promise<Store>;
    let nowMs = 0;
    const clock: Clock = { now: () => new Date(nowMs) };
    const { logger } = memoryLogger('error');
    const meterOf = (s: Store, counters: Record<string, Counter>) =>
      new ErpReadMeter({
        store: s,
        clock,
        logger,
        connections: Object.entries(counters).map(([id, c]): MeteredConnection => ({
          id,
          allowance: ALLOWANCE,
          usage: () => c.usage,
        })),
      });

    beforeEach(async () => {
      nowMs = Date.parse('2026-11-30T23:50:00Z');
      ({ store, reopen } = await open());
      await store.migrate();
    });
    afterEach(async () => {
      await store.close().catch(() => undefined);
    });

    it('the month’s reads survive a restart of the daemon and of the store', async () => {
      const before = new Counter();
      const meter = meterOf(store, { 'qbo-fr': before });
      before.read(1_200);
      await meter.stop();
      await store.close();

      store = await reopen();
      await store.migrate();
      const after = new Counter();
      const restarted = meterOf(store, { 'qbo-fr': after });
      expect((await restarted.monthlyReads()).get('qbo-fr')).toMatchObject({ period: '2026-11', used: 1_200 });
      after.read(300);
      // Counted and not yet written: shown all the same.
      expect((await restarted.monthlyReads()).get('qbo-fr')).toStrictEqual({
        period: '2026-11',
        used: 1_500,
        allowance: ALLOWANCE,
        share: 0.003,
        resetsAt: '2026-12-01T00:00:00.000Z',
      });
      await restarted.flush();
      expect(await store.erpCalls.readsIn('2026-11')).toStrictEqual(new Map([['qbo-fr', 1_500]]));
    });

    it('a new month starts at 0 at midnight UTC, and the past month keeps its count', async () => {
      const c = new Counter();
      const meter = meterOf(store, { 'qbo-fr': c });
      nowMs = Date.parse('2026-11-30T23:59:00Z');
      c.read(400_000);
      await meter.flush();
      expect((await meter.monthlyReads()).get('qbo-fr')).toMatchObject({
        period: '2026-11',
        used: 400_000,
        share: 0.8,
      });

      nowMs = Date.parse('2026-12-01T00:00:30Z');
      expect((await meter.monthlyReads()).get('qbo-fr')).toMatchObject({
        period: '2026-12',
        used: 0,
        share: 0,
        resetsAt: '2027-01-01T00:00:00.000Z',
      });
      c.read(25);
      await meter.flush();
      expect(await store.erpCalls.readsIn('2026-11')).toStrictEqual(new Map([['qbo-fr', 400_000]]));
      expect(await store.erpCalls.readsIn('2026-12')).toStrictEqual(new Map([['qbo-fr', 25]]));
      expect((await meter.monthlyReads()).get('qbo-fr')).toMatchObject({ period: '2026-12', used: 25 });
    });

    it('writes are not counted, and a connection without reads writes no row', async () => {
      const qbo = new Counter();
      const idle = new Counter();
      const meter = meterOf(store, { 'qbo-fr': qbo, 'qbo-idle': idle });
      qbo.read(3);
      qbo.write(40);
      idle.write(7);
      await meter.flush();
      expect(await store.erpCalls.readsIn('2026-11')).toStrictEqual(new Map([['qbo-fr', 3]]));
      expect((await meter.monthlyReads()).get('qbo-idle')).toMatchObject({ used: 0, allowance: ALLOWANCE });
    });

    it('many reads make one write, and nothing new makes none', async () => {
      const c = new Counter();
      const meter = meterOf(store, { 'qbo-fr': c });
      const add = jest.spyOn(store.erpCalls, 'addCalls');
      for (let i = 0; i < 1_000; i++) c.read();
      await meter.flush();
      await meter.flush();
      expect(add).toHaveBeenCalledTimes(1);
      expect(add.mock.calls[0]![0]).toStrictEqual([{ connection: 'qbo-fr', period: '2026-11', reads: 1_000 }]);
    });

    it('a write that fails is logged, and its reads are added by the next one', async () => {
      const c = new Counter();
      const { logger: log, lines } = memoryLogger('warn');
      const meter = new ErpReadMeter({
        store,
        clock,
        logger: log,
        connections: [{ id: 'qbo-fr', allowance: ALLOWANCE, usage: () => c.usage }],
      });
      c.read(10);
      jest.spyOn(store.erpCalls, 'addCalls').mockRejectedValueOnce(new Error('database is locked'));
      await meter.flush();
      expect(lines().join('\n')).toContain('database is locked');
      c.read(5);
      await meter.flush();
      expect(await store.erpCalls.readsIn('2026-11')).toStrictEqual(new Map([['qbo-fr', 15]]));
    });
  });
}

describe('monthOf', () => {
  it('is the calendar month in UTC, whatever the local time zone says', () => {
    expect(monthOf(new Date('2026-11-30T23:59:59.999Z'))).toBe('2026-11');
    expect(monthOf(new Date('2026-12-01T00:00:00.000Z'))).toBe('2026-12');
    // 00:30 in Paris on 1 December is still November in UTC.
    expect(monthOf(new Date('2026-12-01T00:30:00+01:00'))).toBe('2026-11');
  });
});

const root = mkdtempSync(join(tmpdir(), 'recouvra-tallies-'));
let files = 0;
afterAll(() => rmSync(root, { recursive: true, force: true }));

describeTallies('SQLite file', async () => {
  const path = join(root, `store-${++files}.db`);
  return { store: await openSqliteStore(path), reopen: () => openSqliteStore(path) };
});

describeWithPostgres('PostgreSQL', () => {
  const prefix = freshSchemaName('recouvra_tallies');
  const schemas: string[] = [];
  afterAll(() => dropSchemas(schemas));
  describeTallies('PostgreSQL', async () => {
    const schema = `${prefix}_${schemas.length + 1}`;
    schemas.push(schema);
    const open = () => openPostgresStore({ url: TEST_POSTGRES_URL, schema, poolSize: 2 });
    return { store: await open(), reopen: open };
  });
});
