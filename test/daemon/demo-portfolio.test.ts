import { createDemoOdooDatabase, DEMO_START } from '../../connector/app/demo/demo';
import { createOdooDatabase, type OdooDatabase } from '../../adapters/odoo/simulator/model';
import { scaledClock } from '../../connector/time/clock';

/**
 * The demo's portfolio is a function of the seed and the start date: the same seed gives the same
 * invoices, byte for byte, whatever the time of day the demo starts and however long its start
 * took on a clock running thousands of times faster.
 */

const MOVE_FIELDS = [
  'name',
  'move_type',
  'state',
  'partner_id',
  'invoice_date',
  'invoice_date_due',
  'amount_total',
  'amount_residual',
  'currency_id',
  'payment_state',
  'ref',
  'create_date',
  'write_date',
];
const PARTNER_FIELDS = [
  'name',
  'email',
  'phone',
  'street',
  'zip',
  'city',
  'vat',
  'is_company',
  'create_date',
  'write_date',
];

/** Every invoice and customer as the simulated Odoo serves them, read at one fixed instant. */
function dump(db: OdooDatabase): string {
  const moves = db.call('account.move', 'search_read', [[]], { fields: MOVE_FIELDS, order: 'id asc' });
  const partners = db.call('res.partner', 'search_read', [[]], { fields: PARTNER_FIELDS, order: 'id asc' });
  return JSON.stringify({ moves, partners });
}

const readAt = (iso: string) => () => new Date(iso);

describe('the demo portfolio', () => {
  it('is the same, byte for byte, for the same seed', () => {
    const a = dump(
      createDemoOdooDatabase({
        seed: 7,
        invoices: 300,
        startAt: new Date(DEMO_START),
        now: readAt('2026-04-01T09:00:00Z'),
      }),
    );
    const b = dump(
      createDemoOdooDatabase({
        seed: 7,
        invoices: 300,
        startAt: new Date(DEMO_START),
        now: readAt('2026-04-01T09:00:00Z'),
      }),
    );
    expect(a.length).toBeGreaterThan(10_000);
    expect(b).toBe(a);
    expect(
      dump(
        createDemoOdooDatabase({
          seed: 8,
          invoices: 300,
          startAt: new Date(DEMO_START),
          now: readAt('2026-04-01T09:00:00Z'),
        }),
      ),
    ).not.toBe(a);
  });

  it('does not depend on the time of day the demo starts, nor on how far its fast clock ran before seeding', () => {
    const at = (startAt: string) =>
      dump(
        createDemoOdooDatabase({
          seed: 3,
          invoices: 300,
          startAt: new Date(startAt),
          now: readAt('2026-04-02T09:00:00Z'),
        }),
      );
    const morning = at('2026-04-01T07:00:00Z');
    expect(at('2026-04-01T07:00:04.321Z')).toBe(morning);
    expect(at('2026-04-01T16:45:00Z')).toBe(morning);
    expect(at('2026-04-01T23:59:59Z')).toBe(morning);
    // Another start date is another portfolio (its dates count back from that day).
    expect(at('2026-04-02T07:00:00Z')).not.toBe(morning);
  });

  it('the cause it fixes: seeding from a running demo clock moves invoices from one day to another', () => {
    // What the demo did: seed as of the clock's now, read a few real milliseconds after the clock was made.
    const seededAtClock = (elapsedRealMs: number) => {
      let real = 0;
      const clock = scaledClock(new Date(DEMO_START), 21_600, () => real);
      real = elapsedRealMs;
      return createOdooDatabase({
        version: '18.0',
        l10nFr: true,
        invoices: 300,
        seed: 3,
        now: () => clock.now(),
        seededAt: clock.now(),
      });
    };
    const dates = (db: OdooDatabase) =>
      JSON.stringify(db.call('account.move', 'search_read', [[]], { fields: ['invoice_date'], order: 'id asc' }));
    // 40 ms of real time at 21,600× is 14 demo minutes: enough to carry some invoice over midnight.
    const variants = new Set([0, 40, 80, 120, 160, 200].map((ms) => dates(seededAtClock(ms))));
    expect(variants.size).toBeGreaterThan(1);
  });
});
