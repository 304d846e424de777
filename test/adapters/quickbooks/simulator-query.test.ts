import { INVOICE_DELETED, INVOICE_OPEN } from '../../../adapters/quickbooks/simulator/columns';
import { startSimulator, type Fault, type Running } from './simulator-fixture';

interface Page<E extends string = 'Invoice'> {
  QueryResponse: Partial<Record<E, Record<string, unknown>[]>> & {
    startPosition?: number;
    maxResults?: number;
    totalCount?: number;
  };
  time: string;
}

describe('QuickBooks simulator: query', () => {
  let t: Running;
  beforeAll(async () => {
    t = await startSimulator();
  });
  afterAll(() => t.sim.stop());

  it('pages the open invoices by LastUpdatedTime then Id to the end, without duplicates or gaps', async () => {
    const where = "FROM Invoice WHERE Balance > '0'";
    const { QueryResponse: counted } = await t.query<Page>(t.fr, `SELECT count(*) ${where}`);
    expect(counted.totalCount).toBeGreaterThan(500);
    const seen: Record<string, unknown>[] = [];
    for (let start = 1; ; start += 200) {
      const page = await t.query<Page>(
        t.fr,
        `SELECT * ${where} ORDERBY MetaData.LastUpdatedTime, Id STARTPOSITION ${start} MAXRESULTS 200`,
      );
      const items = page.QueryResponse.Invoice;
      if (!items) {
        expect(page.QueryResponse).toEqual({});
        break;
      }
      expect(page.QueryResponse).toMatchObject({ startPosition: start, maxResults: items.length });
      seen.push(...items);
    }
    expect(seen).toHaveLength(counted.totalCount!);
    expect(new Set(seen.map((i) => i.Id)).size).toBe(seen.length);
    for (const inv of seen) expect(inv.Balance).toBeGreaterThan(0);
    const keys = seen.map((i) => [
      Date.parse((i.MetaData as { LastUpdatedTime: string }).LastUpdatedTime),
      Number(i.Id),
    ]);
    for (let k = 1; k < keys.length; k++) {
      const [a, b] = [keys[k - 1]!, keys[k]!];
      expect(a[0]! < b[0]! || (a[0] === b[0] && a[1]! < b[1]!)).toBe(true);
    }
    // The seed makes same-second ties, which the Id orders.
    expect(keys.some((k, i) => i > 0 && k[0] === keys[i - 1]![0])).toBe(true);
  });

  it('reads from a time on (>= and >) exactly the records a filter over every record keeps, before and after a change', async () => {
    const company = t.sim.companies.find((c) => c.realmId === t.fr)!;
    const expected = (entity: 'Payment' | 'Invoice', op: '>=' | '>', since: number): string[] => {
      const rows =
        entity === 'Payment'
          ? company.payments.filter((p) => !p.deleted).map((p) => ({ id: p.id, updated: p.updated }))
          : Array.from({ length: company.invoices.length }, (_, r) => r)
              .filter((r) => company.invoices.state[r] !== INVOICE_DELETED && company.invoices.balance[r]! > 0)
              .map((r) => ({ id: company.invoices.id[r]!, updated: company.invoices.updated[r]! }));
      return rows
        .filter((r) => (op === '>=' ? r.updated >= since : r.updated > since))
        .sort((a, b) => a.updated - b.updated || a.id - b.id)
        .map((r) => String(r.id));
    };
    const read = async (entity: 'Payment' | 'Invoice', op: '>=' | '>', since: number): Promise<string[]> => {
      const at = new Date(since * 1000).toISOString().replace('.000Z', 'Z');
      const filter = entity === 'Invoice' ? "Balance > '0' AND " : '';
      const ids: string[] = [];
      for (let start = 1; ; start += 1000) {
        const page = await t.query<Page<'Payment' | 'Invoice'>>(
          t.fr,
          `SELECT * FROM ${entity} WHERE ${filter}MetaData.LastUpdatedTime ${op} '${at}' ORDERBY MetaData.LastUpdatedTime, Id STARTPOSITION ${start} MAXRESULTS 1000`,
        );
        const items = page.QueryResponse[entity] ?? [];
        ids.push(...items.map((i) => String(i.Id)));
        if (items.length < 1000) return ids;
      }
    };
    // A time some records were last changed at, so that >= and > differ.
    const since = company.payments[Math.floor(company.payments.length / 2)]!.updated;
    for (const entity of ['Payment', 'Invoice'] as const)
      for (const op of ['>=', '>'] as const) expect(await read(entity, op, since)).toEqual(expected(entity, op, since));
    expect(expected('Payment', '>=', since).length).toBeGreaterThan(expected('Payment', '>', since).length);
    // A payment moves an invoice's time on: both reads see it (the kept lists follow the company's changes).
    const row = company.invoices.state.findIndex((s, r) => s === INVOICE_OPEN && company.invoices.balance[r]! > 1);
    t.sim.controls.addPayment(t.fr, { invoiceId: String(company.invoices.id[row]), amount: 1 });
    for (const entity of ['Payment', 'Invoice'] as const)
      expect(await read(entity, '>', since)).toEqual(expected(entity, '>', since));
  });

  it('filters with dotted fields, IN, LIKE, dates, and descending order', async () => {
    const since = '2026-04-01T00:00:00-07:00';
    const recent = await t.query<Page>(
      t.fr,
      `select * from Invoice where MetaData.LastUpdatedTime >= '${since}' orderby MetaData.LastUpdatedTime desc maxresults 1000`,
    );
    const items = recent.QueryResponse.Invoice!;
    expect(items.length).toBeGreaterThan(0);
    for (const i of items)
      expect(Date.parse((i.MetaData as { LastUpdatedTime: string }).LastUpdatedTime)).toBeGreaterThanOrEqual(
        Date.parse(since),
      );
    expect(Date.parse((items[0]!.MetaData as { LastUpdatedTime: string }).LastUpdatedTime)).toBeGreaterThanOrEqual(
      Date.parse((items.at(-1)!.MetaData as { LastUpdatedTime: string }).LastUpdatedTime),
    );
    const ids = items.slice(0, 3).map((i) => i.Id as string);
    const byIds = await t.query<Page>(
      t.fr,
      `SELECT * FROM Invoice WHERE Id IN (${ids.map((id) => `'${id}'`).join(', ')})`,
    );
    expect(byIds.QueryResponse.Invoice!.map((i) => i.Id).sort()).toEqual([...ids].sort());
    const dated = await t.query<Page>(t.fr, "SELECT * FROM Invoice WHERE TxnDate = '2026-03-02' AND TotalAmt > '0'");
    for (const i of dated.QueryResponse.Invoice ?? []) expect(i.TxnDate).toBe('2026-03-02');
    const like = await t.query<Page<'Customer'>>(t.fr, "SELECT * FROM Customer WHERE DisplayName LIKE 'garage%'");
    expect(like.QueryResponse.Customer!.length).toBeGreaterThan(0);
    for (const c of like.QueryResponse.Customer!) expect(c.DisplayName).toMatch(/^Garage /);
  });

  it('answers only active customers unless the query asks about Active', async () => {
    const count = async (q: string) => (await t.query<Page<'Customer'>>(t.fr, q)).QueryResponse.totalCount!;
    const active = await count('SELECT count(*) FROM Customer');
    const inactive = await count('SELECT count(*) FROM Customer WHERE Active = false');
    const all = await count('SELECT count(*) FROM Customer WHERE Active IN (true, false)');
    expect(inactive).toBeGreaterThan(0);
    expect(all).toBe(active + inactive);
    expect(all).toBe(t.sim.companies[0]!.customers.length);
  });

  it('serves 100 rows without MAXRESULTS, and more than 1000 as an error or capped, as set', async () => {
    const all = 'SELECT * FROM Invoice ORDERBY Id';
    expect((await t.query<Page>(t.fr, all)).QueryResponse.Invoice).toHaveLength(100);
    const refused = await t.query<Fault>(t.fr, `${all} MAXRESULTS 1001`);
    expect(refused.Fault).toMatchObject({ type: 'ValidationFault', Error: [{ code: '4001' }] });
    t.sim.controls.maxResultsOver1000 = 'cap';
    try {
      const capped = await t.query<Page>(t.fr, `${all} MAXRESULTS 5000`);
      expect(capped.QueryResponse).toMatchObject({ startPosition: 1, maxResults: 1000 });
    } finally {
      t.sim.controls.maxResultsOver1000 = 'error';
    }
  });

  it('answers an empty QueryResponse when nothing matches', async () => {
    const none = await t.query<Page>(t.fr, "SELECT * FROM Invoice WHERE DocNumber = 'nope'");
    expect(none).toEqual({
      QueryResponse: {},
      time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2}$/),
    });
    expect((await t.query<Page>(t.fr, "SELECT count(*) FROM Invoice WHERE DocNumber = 'nope'")).QueryResponse).toEqual({
      totalCount: 0,
    });
  });

  it('takes the statement as a POST body with Content-Type application/text', async () => {
    const res = await t.call(t.us, 'query?minorversion=75', {
      method: 'POST',
      headers: { 'Content-Type': 'application/text' },
      body: 'SELECT * FROM Payment STARTPOSITION 1 MAXRESULTS 5',
    });
    expect(res.status).toBe(200);
    const page = (await res.json()) as Page<'Payment'>;
    expect(page.QueryResponse.Payment).toHaveLength(5);
    const refused = await t.call(t.us, 'query', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(refused.status).toBe(400);
  });

  it('refuses OR, JOIN, GROUP BY and unknown properties with a ValidationFault', async () => {
    for (const [q, code] of [
      ["SELECT * FROM Invoice WHERE Balance > '0' OR TotalAmt > '0'", '4000'],
      ['SELECT * FROM Invoice JOIN Customer', '4000'],
      ['SELECT * FROM Invoice GROUP BY CustomerRef', '4000'],
      ["SELECT * FROM Invoice WHERE Colour = 'red'", '4001'],
      ['SELECT * FROM Bill', '4001'],
    ] as const) {
      const res = await t.call(t.fr, `query?query=${encodeURIComponent(q)}`);
      expect(res.status).toBe(400);
      const body = (await res.json()) as Fault;
      expect(body.Fault).toMatchObject({ type: 'ValidationFault', Error: [{ code, Message: expect.any(String) }] });
      expect(typeof body.Fault.Error[0]!.code).toBe('string');
    }
  });

  it('reads an entity by id, and answers 610 for a missing one', async () => {
    const first = (await t.query<Page>(t.fr, 'SELECT * FROM Invoice MAXRESULTS 1')).QueryResponse.Invoice![0]!;
    const read = await t.json<{ Invoice: Record<string, unknown> }>(
      t.fr,
      `invoice/${String(first.Id)}?minorversion=75`,
    );
    expect(read.Invoice).toEqual(first);
    const customer = await t.json<{ Customer: Record<string, unknown> }>(
      t.fr,
      `customer/${(first.CustomerRef as { value: string }).value}`,
    );
    expect(customer.Customer.Id).toBe((first.CustomerRef as { value: string }).value);
    const info = await t.json<{ CompanyInfo: Record<string, unknown> }>(t.fr, `companyinfo/${t.fr}`);
    expect(info.CompanyInfo).toMatchObject({ CompanyName: 'Atelier Lumière', Country: 'FR' });
    const missing = await t.call(t.fr, 'invoice/999999999');
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as Fault).Fault.Error[0]!.code).toBe('610');
  });
});
