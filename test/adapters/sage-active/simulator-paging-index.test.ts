import { SageActiveData } from '../../../adapters/sage-active/simulator';
import {
  PagedTables,
  type Node,
  type PagedConnection,
  type PageQuery,
  type Table,
} from '../../../adapters/sage-active/simulator/paged-table';
import {
  connection,
  encodeCursor,
  matches,
  sortRows,
  type Connection,
} from '../../../adapters/sage-active/simulator/relay';
import { START } from './simulator-fixture';

/**
 * The simulator's indexed pages (paged-table.ts) answer what relay.ts's `connection` answers over
 * every node filtered and sorted, for the queries the readers send (keysets on a date with nulls,
 * index cursors, ids) and others, before and after the data changes; and the generated data has no
 * crowd of records at one instant.
 */

interface Row {
  id: string;
  creationDate: number;
  modificationDate: number | null;
  status: string;
  amount: number;
  code: string;
}

const STATUSES = ['Posted', 'Collected', 'Closed', 'Pending'];

/** Rows with ties on every field, nulls, and an id order unrelated to the dates. */
function rowsOf(n: number): Row[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `id-${String((i * 7919) % 1000).padStart(4, '0')}-${i}`,
    creationDate: 1_000 + Math.floor(i / 3) * 10,
    modificationDate: i % 4 === 0 ? null : 5_000 - (i % 17) * 100,
    status: STATUSES[i % STATUSES.length]!,
    amount: (i * 37) % 50,
    code: `C${(i * 13) % 29}`,
  }));
}

describe('indexed Relay pages', () => {
  let changes = 0;
  let rows: Row[];
  let tables: PagedTables;
  let views: number;
  const table = (): Table<Row> => ({
    name: 'org/rows',
    records: rows,
    view: (r) => {
      views++;
      return { ...r };
    },
    id: (r) => r.id,
  });
  const expected = (q: PageQuery) =>
    json(
      connection(
        sortRows(
          rows.map((r) => ({ ...r })).filter((n) => matches(n, q.where)),
          q.order,
        ),
        q,
        'HC0051',
      ),
    );
  const actual = (q: PageQuery) => json(tables.page(table(), q, 'HC0051'));

  beforeEach(() => {
    changes = 0;
    rows = rowsOf(300);
    tables = new PagedTables(() => changes);
    views = 0;
  });

  const open = { status: { in: ['Posted', 'Closed'] } };
  const queries: [string, PageQuery][] = [
    ['the default page', {}],
    [
      'a keyset on a date with nulls first',
      { first: 25, where: { ...open, modificationDate: { neq: null } }, order: [{ modificationDate: 'ASC' }] },
    ],
    [
      'from an instant on',
      { first: 25, where: { ...open, modificationDate: { gte: 3_800 } }, order: [{ modificationDate: 'ASC' }] },
    ],
    [
      'one instant only',
      { first: 500, where: { modificationDate: { gte: 4_100, lt: 4_200 } }, order: [{ modificationDate: 'ASC' }] },
    ],
    [
      'never modified, by creation',
      {
        first: 40,
        where: { modificationDate: { eq: null }, creationDate: { gt: 1_200 } },
        order: [{ creationDate: 'ASC' }],
      },
    ],
    [
      'an instant that no row has',
      { first: 10, where: { creationDate: { eq: 1_005 } }, order: [{ creationDate: 'ASC' }] },
    ],
    ['past every row', { first: 10, where: { creationDate: { gte: 99_999 } }, order: [{ creationDate: 'ASC' }] }],
    ['descending', { first: 30, where: { creationDate: { lte: 1_500 } }, order: [{ creationDate: 'DESC' }] }],
    ['two keys', { first: 30, where: { amount: { gt: 10 } }, order: [{ code: 'ASC' }, { amount: 'DESC' }] }],
    ['a string range', { first: 30, where: { code: { gte: 'C2', lt: 'C5' } }, order: [{ code: 'ASC' }] }],
    ['or, without order', { first: 30, where: { or: [{ amount: { eq: 3 } }, { status: { eq: 'Pending' } }] } }],
    [
      'ids',
      {
        first: 5,
        where: { id: { in: [rowsOf(300)[9]!.id, rowsOf(300)[4]!.id, 'none'] } },
        order: [{ creationDate: 'DESC' }],
      },
    ],
    ['one id', { where: { id: { eq: rowsOf(300)[120]!.id }, status: { eq: 'Posted' } } }],
    ['backwards', { last: 7, before: encodeCursor(50), where: open, order: [{ creationDate: 'ASC' }] }],
    ['an empty page', { first: 0, where: open, order: [{ creationDate: 'ASC' }] }],
  ];

  it.each(queries)('answers %s as every node filtered and sorted would', (_name, q) => {
    expect(actual(q)).toEqual(expected(q));
  });

  it('pages with index cursors to the end, resuming each page where the last stopped, and after a cursor past the end', () => {
    const q: PageQuery = { first: 23, where: open, order: [{ creationDate: 'ASC' }] };
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const page = json(tables.page(table(), { ...q, after }, 'HC0051'));
      expect(page).toEqual(expected({ ...q, after }));
      pages++;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(pages).toBe(Math.ceil(json(tables.page(table(), q, 'HC0051')).totalCount / 23));
    // Each page rendered its own rows and one past them, not every row before it again.
    views = 0;
    tables.page(table(), { ...q, after: encodeCursor(45) }, 'HC0051');
    const resumed = views;
    views = 0;
    tables.page(table(), { ...q, after: encodeCursor(68) }, 'HC0051');
    expect(views).toBeLessThanOrEqual(resumed);
    expect(views).toBeLessThan(60);
    expect(actual({ ...q, after: encodeCursor(5_000) })).toEqual(expected({ ...q, after: encodeCursor(5_000) }));
  });

  it('renders only the rows of the page, and counts every match when totalCount is asked for', () => {
    const q: PageQuery = {
      first: 10,
      where: { ...open, modificationDate: { gte: 4_500 } },
      order: [{ modificationDate: 'ASC' }],
    };
    tables.page(table(), q, 'HC0051'); // the index
    views = 0;
    const page = tables.page(table(), { ...q, after: null }, 'HC0051');
    expect(views).toBeLessThan(40);
    expect(typeof page.totalCount === 'function' ? page.totalCount() : page.totalCount).toBe(expected(q).totalCount);
  });

  it('follows the data: a change made through the data (its count moves) and an edit in place of a filtered field', () => {
    const q: PageQuery = {
      first: 50,
      where: { ...open, modificationDate: { gte: 4_000 } },
      order: [{ modificationDate: 'ASC' }],
    };
    expect(actual(q)).toEqual(expected(q));
    rows[10]!.modificationDate = 4_650;
    rows.splice(20, 5);
    changes++;
    expect(actual(q)).toEqual(expected(q));
    // A filtered field edited in place (no count): the filter reads the rows as they are now.
    rows[11]!.status = 'Collected';
    rows[13]!.status = 'Posted';
    expect(actual(q)).toEqual(expected(q));
    // A row removed in place: the list's length changed.
    rows.splice(0, 1);
    expect(actual(q)).toEqual(expected(q));
  });

  it('refuses a page over 500 and an unreadable cursor as relay.ts does', () => {
    expect(() => tables.page(table(), { first: 501, order: [{ creationDate: 'ASC' }] }, 'HC0051')).toThrow(
      'The maximum allowed items per page were exceeded.',
    );
    expect(() => tables.page(table(), { after: 'not a cursor', order: [{ creationDate: 'ASC' }] }, 'HC0051')).toThrow(
      'The cursor given in `after` is invalid.',
    );
  });
});

describe('generated dates', () => {
  it('spreads the changes of the last days over the time there was: no crowd at the clock’s now, only small ties', () => {
    const data = new SageActiveData({ seed: 1, invoices: 6_000, nowMs: START });
    const records = data.organizations.flatMap((o) => [...o.invoices, ...o.customers]);
    const group = new Map<number, number>();
    for (const r of records) {
      expect(r.creationMs).toBeLessThanOrEqual(START);
      expect(r.modificationMs ?? 0).toBeLessThanOrEqual(START);
      if (r.modificationMs !== null) group.set(r.modificationMs, (group.get(r.modificationMs) ?? 0) + 1);
    }
    const largest = Math.max(...group.values());
    expect(largest).toBeLessThanOrEqual(5);
    expect(group.get(START) ?? 0).toBeLessThanOrEqual(1);
    // Changes of the last two days are there, spread rather than gone.
    const recent = records.filter((r) => (r.modificationMs ?? 0) > START - 2 * 86_400_000);
    expect(recent.length).toBeGreaterThan(20);
    expect(new Set(recent.map((r) => r.modificationMs)).size).toBeGreaterThan(recent.length * 0.9);
  });
});

/** A connection as it goes on the wire (totalCount counted). */
function json(c: Connection<Node> | PagedConnection<Node>): {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
} & Record<string, unknown> {
  const totalCount = typeof c.totalCount === 'function' ? c.totalCount() : c.totalCount;
  return JSON.parse(JSON.stringify({ ...c, totalCount })) as ReturnType<typeof json>;
}
