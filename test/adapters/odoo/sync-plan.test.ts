import {
  afterCursorDomain,
  cursorAfterPage,
  formatOdooDatetime,
  parseOdooDatetime,
  startOfRun,
} from '../../../adapters/odoo/sync-plan';
import { AdapterError } from '../../../connector/ports/adapter-error';

/** What `call` throws (the test fails if it throws nothing). */
function thrown(call: () => unknown): unknown {
  try {
    call();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

describe('Odoo sync plan', () => {
  it('keyset domain: strictly after (write_date, id), customer moves of any state', () => {
    expect(afterCursorDomain({ writeDate: '2026-11-23 04:59:18', id: 42 })).toEqual([
      ['move_type', 'in', ['out_invoice', 'out_refund']],
      '|',
      ['write_date', '>', '2026-11-23 04:59:18'],
      '&',
      ['write_date', '=', '2026-11-23 04:59:18'],
      ['id', '>', 42],
    ]);
    expect(afterCursorDomain(undefined)).toEqual([['move_type', 'in', ['out_invoice', 'out_refund']]]);
  });

  it('a run starts the overlap window before the saved cursor, from id 0', () => {
    expect(startOfRun({ writeDate: '2026-01-01 00:02:00', id: 9 }, 300)).toEqual({
      writeDate: '2025-12-31 23:57:00',
      id: 0,
    });
    expect(startOfRun(undefined, 300)).toBeUndefined();
  });

  it('the cursor follows the last record of a page and refuses to go backwards', () => {
    const prev = { writeDate: '2026-11-23 04:59:18', id: 42 };
    expect(cursorAfterPage(prev, [])).toBe(prev);
    expect(
      cursorAfterPage(prev, [
        { id: 43, write_date: '2026-11-23 04:59:18' },
        { id: 7, write_date: '2026-11-23 05:00:00' },
      ]),
    ).toEqual({ writeDate: '2026-11-23 05:00:00', id: 7 });
    expect(() => cursorAfterPage(prev, [{ id: 41, write_date: '2026-11-23 04:59:18' }])).toThrow(/out of order/);
  });

  it('records out of order are a typed, permanent error naming the connection, the model and both positions', () => {
    const prev = { writeDate: '2026-11-23 04:59:18', id: 42 };
    const e = thrown(() =>
      cursorAfterPage(prev, [{ id: 41, write_date: '2026-11-23 04:59:18' }], {
        connection: 'odoo-main',
        model: 'account.move',
      }),
    );
    expect(e).toBeInstanceOf(AdapterError);
    expect(e).toMatchObject({ code: 'ODOO_RECORDS_OUT_OF_ORDER', kind: 'system', outcomeUnknown: false });
    expect((e as AdapterError).userMessage).toMatch(
      /^connection odoo-main: account\.move returned records out of order: \(2026-11-23 04:59:18, 41\) comes before the cursor \(2026-11-23 04:59:18, 42\)/,
    );
    expect((e as AdapterError).userMessage).toContain('Nothing of this page was saved');
  });

  it('a cursor whose write_date is not an Odoo datetime is a configuration error naming the connection and the way out', () => {
    const e = thrown(() =>
      startOfRun({ writeDate: '2026-11-23T04:59:18Z', id: 1 }, 600, { connection: 'odoo-main', model: 'res.partner' }),
    );
    expect(e).toBeInstanceOf(AdapterError);
    expect(e).toMatchObject({ code: 'ODOO_BAD_CURSOR', kind: 'config' });
    expect((e as AdapterError).userMessage).toMatch(/^connection odoo-main, res\.partner: .*--from-scratch/);
  });

  it('parses and formats Odoo datetimes as UTC, refusing anything else', () => {
    expect(formatOdooDatetime(parseOdooDatetime('2024-02-29 23:59:59'))).toBe('2024-02-29 23:59:59');
    expect(() => parseOdooDatetime('2024-02-29T23:59:59Z')).toThrow(/not an Odoo datetime/);
  });
});
