import {
  afterCursorDomain,
  cursorAfterPage,
  formatOdooDatetime,
  parseOdooDatetime,
  startOfRun,
} from '../../../adapters/odoo/sync-plan';

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

  it('parses and formats Odoo datetimes as UTC, refusing anything else', () => {
    expect(formatOdooDatetime(parseOdooDatetime('2024-02-29 23:59:59'))).toBe('2024-02-29 23:59:59');
    expect(() => parseOdooDatetime('2024-02-29T23:59:59Z')).toThrow(/not an Odoo datetime/);
  });
});
