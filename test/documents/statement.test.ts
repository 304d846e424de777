import { buildStatement } from '../../connector/documents';

const item = (number: string, dueDate: string, open: number) => ({
  id: number,
  number,
  issueDate: '2025-01-01',
  dueDate,
  total: Math.max(open, 1),
  open,
});
const note = (number: string, issueDate: string, open: number) => ({ id: number, number, issueDate, open });

describe('buildStatement', () => {
  test('an invoice is overdue from the day after its due date', () => {
    const s = buildStatement({
      date: '2025-04-10',
      items: [
        item('DUE-TODAY', '2025-04-10', 100),
        item('DUE-YESTERDAY', '2025-04-09', 200),
        item('LATER', '2025-05-01', 300),
      ],
      creditNotes: [],
    });
    expect(s.overdue.map((l) => [l.number, l.daysLate])).toEqual([['DUE-YESTERDAY', 1]]);
    expect(s.upcoming.map((l) => [l.number, l.daysLate])).toEqual([
      ['DUE-TODAY', 0],
      ['LATER', -21],
    ]);
  });

  test('oldest due date first, ties by number; settled items and used credit notes are left out', () => {
    const s = buildStatement({
      date: '2025-04-10',
      items: [
        item('B', '2025-02-01', 100),
        item('A', '2025-02-01', 100),
        item('OLD', '2025-01-15', 100),
        item('PAID', '2025-01-01', 0),
      ],
      creditNotes: [note('AV-2', '2025-03-01', 10), note('AV-1', '2025-03-01', 20), note('USED', '2025-01-01', 0)],
    });
    expect(s.overdue.map((l) => l.number)).toEqual(['OLD', 'A', 'B']);
    expect(s.creditNotes.map((n) => n.number)).toEqual(['AV-1', 'AV-2']);
  });

  test.each([
    // overdue opens, upcoming opens, credit notes → netOverdue, netOpen
    [[1000, 500], [300], [200], 1300, 1600],
    [[1000], [], [], 1000, 1000],
    [[100], [300], [250], 0, 150],
    [[], [300], [500], 0, 0],
  ])(
    'overdue %j, upcoming %j, credits %j → net overdue %i, net open %i',
    (overdue, upcoming, credits, netOverdue, netOpen) => {
      const s = buildStatement({
        date: '2025-04-10',
        items: [
          ...overdue.map((o, i) => item(`O${i}`, '2025-03-01', o)),
          ...upcoming.map((o, i) => item(`U${i}`, '2025-05-01', o)),
        ],
        creditNotes: credits.map((c, i) => note(`C${i}`, '2025-03-01', c)),
      });
      expect(s.totals.netOverdue).toBe(netOverdue);
      expect(s.totals.netOpen).toBe(netOpen);
      expect(s.totals.overdue).toBe(overdue.reduce((a, b) => a + b, 0));
      expect(s.totals.credit).toBe(credits.reduce((a, b) => a + b, 0));
    },
  );
});
