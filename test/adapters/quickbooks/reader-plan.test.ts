import {
  cdcPlan,
  compareIds,
  compareStreamCursors,
  laterPosition,
  pageQuery,
  positionAfterPage,
  qboInstant,
  runStart,
} from '../../../adapters/quickbooks/sync-plan';

/** The QuickBooks read plan as pure tables: when CDC is asked, where a page leaves the read, how Ids order. */

const DAY = 86_400_000;
const T = '2026-05-01T12:00:00+01:00';
const at = qboInstant(T)!;

describe('QuickBooks read plan', () => {
  it('asks CDC only when every entity of the stream has a finished position inside the 30 days, less the margin', () => {
    const pos = { time: T, id: '7', skip: 1 };
    expect(cdcPlan(['Invoice', 'CreditMemo'], { Invoice: pos, CreditMemo: pos }, at + 29 * DAY)).toEqual({
      changedSince: '2026-05-01T10:59:00+00:00',
    });
    expect(cdcPlan(['Invoice'], { Invoice: pos }, at + 30 * DAY - 30 * 60_000)).toBeUndefined();
    expect(cdcPlan(['Invoice'], { Invoice: pos }, at + 31 * DAY)).toBeUndefined();
    expect(cdcPlan(['Invoice', 'CreditMemo'], { Invoice: pos }, at + 60_000)).toBeUndefined();
    expect(cdcPlan(['Invoice'], { Invoice: { ...pos, openOnly: true } }, at + 60_000)).toBeUndefined();
  });

  it('a page leaves the read at its last record, counting where it stands among the records at its time', () => {
    const k = (time: string, id: string) => ({ time, id });
    const later = '2026-05-01T11:00:01Z';
    // The page ends in a run that began before it (the anchor's time): its place from STARTPOSITION.
    expect(positionAfterPage({ time: T, id: '3', skip: 4 }, 4, [k(T, '3'), k(T, '5'), k(T, '9')], false)).toEqual({
      time: T,
      id: '9',
      skip: 6,
    });
    // A later time: only the page's own records at that time come before it.
    expect(
      positionAfterPage({ time: T, id: '3', skip: 4 }, 4, [k(T, '3'), k(later, '2'), k(later, '8')], true),
    ).toEqual({ time: later, id: '8', skip: 2, openOnly: true });
    expect(positionAfterPage(undefined, 1, [k(T, '1'), k(T, '2')], false)).toEqual({ time: T, id: '2', skip: 2 });
    expect(positionAfterPage(undefined, 1, [], false)).toBeUndefined();
  });

  it('a run starts a minute before its saved position, and a cursor never moves back', () => {
    const saved = { time: T, id: '9', skip: 3 };
    expect(runStart(saved)).toEqual({ time: '2026-05-01T10:59:00+00:00', id: '', skip: 0 });
    expect(laterPosition(saved, { time: '2026-05-01T10:59:30Z', id: '4', skip: 1 })).toEqual(saved);
    expect(laterPosition(saved, { time: T, id: '10', skip: 4 })).toEqual({ time: T, id: '10', skip: 4 });
    expect(compareStreamCursors({ Invoice: saved }, { Invoice: saved })).toBe(0);
    expect(compareStreamCursors({ Invoice: saved, CreditMemo: saved }, { Invoice: saved })).toBe(1);
    expect(compareStreamCursors({ Invoice: { ...saved, id: '10' } }, { Invoice: saved })).toBe(1);
    expect(
      compareStreamCursors(
        { Invoice: { ...saved, id: '10' }, CreditMemo: saved },
        { CreditMemo: { ...saved, id: '99' } },
      ),
    ).toBe(-1);
  });

  it('orders Ids as numbers when both are digits', () => {
    expect(compareIds('9', '10')).toBeLessThan(0);
    expect(compareIds('', '1')).toBeLessThan(0);
    expect(compareIds('a9', 'a10')).toBeGreaterThan(0);
  });

  it('writes the query of a page: inactive customers, open invoices on a first read, the time bound, the keyset order', () => {
    expect(pageQuery('Customer', undefined, false, 1, 1000)).toBe(
      'SELECT * FROM Customer WHERE Active IN (true, false) ORDERBY MetaData.LastUpdatedTime, Id STARTPOSITION 1 MAXRESULTS 1000',
    );
    expect(pageQuery('Invoice', { time: T, id: '3', skip: 4 }, true, 4, 200)).toBe(
      `SELECT * FROM Invoice WHERE Balance > '0' AND MetaData.LastUpdatedTime >= '${T}' ORDERBY MetaData.LastUpdatedTime, Id STARTPOSITION 4 MAXRESULTS 200`,
    );
    expect(pageQuery('CreditMemo', undefined, true, 1, 10)).toBe(
      'SELECT * FROM CreditMemo ORDERBY MetaData.LastUpdatedTime, Id STARTPOSITION 1 MAXRESULTS 10',
    );
  });
});
