import { startSimulator, type Fault, type Running } from './simulator-fixture';

type Entity = Record<string, unknown> & { Id: string; SyncToken: string; MetaData: { LastUpdatedTime: string } };
interface CdcBody {
  CDCResponse: { QueryResponse: Record<string, unknown>[] }[];
  time: string;
}

describe('QuickBooks simulator: sparse update and CDC', () => {
  let t: Running;
  beforeEach(async () => {
    t = await startSimulator({ invoices: 30_000 });
  });
  afterEach(() => t.sim.stop());

  const openInvoice = async (): Promise<Entity> =>
    (
      await t.query<{ QueryResponse: { Invoice: Entity[] } }>(
        t.fr,
        "SELECT * FROM Invoice WHERE Balance > '0' MAXRESULTS 1",
      )
    ).QueryResponse.Invoice[0]!;
  const post = (body: unknown) =>
    t.call(t.fr, 'invoice?minorversion=75', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('updates PrivateNote and CustomField sparsely, bumping SyncToken and LastUpdatedTime', async () => {
    const before = await openInvoice();
    t.clock.advance(65_000);
    const res = await post({
      Id: before.Id,
      SyncToken: before.SyncToken,
      sparse: true,
      PrivateNote: 'Relance 1 envoyée',
      CustomField: [{ DefinitionId: '1', StringValue: 'R-42', Type: 'StringType' }],
    });
    expect(res.status).toBe(200);
    const { Invoice: after } = (await res.json()) as { Invoice: Entity };
    expect(after).toMatchObject({
      Id: before.Id,
      SyncToken: String(Number(before.SyncToken) + 1),
      PrivateNote: 'Relance 1 envoyée',
      Balance: before.Balance,
      TotalAmt: before.TotalAmt,
    });
    expect(after.CustomField).toEqual([
      { DefinitionId: '1', Name: 'Dossier', Type: 'StringType', StringValue: 'R-42' },
    ]);
    expect(Date.parse(after.MetaData.LastUpdatedTime)).toBe(Date.parse('2026-05-01T10:01:05Z'));
    const read = await t.json<{ Invoice: Entity }>(t.fr, `invoice/${before.Id}`);
    expect(read.Invoice.PrivateNote).toBe('Relance 1 envoyée');
  });

  it('answers 5010 Stale Object for an old SyncToken, and changes nothing', async () => {
    const inv = await openInvoice();
    expect((await post({ Id: inv.Id, SyncToken: inv.SyncToken, sparse: true, PrivateNote: 'first' })).status).toBe(200);
    const stale = await post({ Id: inv.Id, SyncToken: inv.SyncToken, sparse: true, PrivateNote: 'second' });
    expect(stale.status).toBe(400);
    const fault = (await stale.json()) as Fault;
    expect(fault.Fault).toMatchObject({
      type: 'ValidationFault',
      Error: [{ code: '5010', Message: 'Stale Object Error' }],
    });
    expect((await t.json<{ Invoice: Entity }>(t.fr, `invoice/${inv.Id}`)).Invoice.PrivateNote).toBe('first');
  });

  it('takes ?operation=update as the same sparse update (what Intuit’s SDK and node-quickbooks send) and refuses other operations', async () => {
    const inv = await openInvoice();
    const send = (operation: string, body: unknown) =>
      t.call(t.fr, `invoice?operation=${operation}&minorversion=75`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    const res = await send('update', { Id: inv.Id, SyncToken: inv.SyncToken, sparse: true, PrivateNote: 'via op' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { Invoice: Entity }).Invoice).toMatchObject({
      PrivateNote: 'via op',
      SyncToken: String(Number(inv.SyncToken) + 1),
    });
    const deleted = await send('delete', { Id: inv.Id, SyncToken: String(Number(inv.SyncToken) + 1) });
    expect(deleted.status).toBe(400);
    expect(((await deleted.json()) as Fault).Fault.Error[0]!.Detail).toMatch(/operation=delete/);
    expect((await t.json<{ Invoice: Entity }>(t.fr, `invoice/${inv.Id}`)).Invoice.PrivateNote).toBe('via op');
  });

  it('refuses a PrivateNote over 4000 characters, a full update and a write without Id', async () => {
    const inv = await openInvoice();
    const long = await post({ Id: inv.Id, SyncToken: inv.SyncToken, sparse: true, PrivateNote: 'x'.repeat(4001) });
    expect(long.status).toBe(400);
    expect(((await long.json()) as Fault).Fault).toMatchObject({
      type: 'ValidationFault',
      Error: [{ element: 'PrivateNote' }],
    });
    expect(
      (await post({ Id: inv.Id, SyncToken: inv.SyncToken, sparse: true, PrivateNote: 'x'.repeat(4000) })).status,
    ).toBe(200);
    for (const body of [
      { Id: inv.Id, SyncToken: '1', PrivateNote: 'full' },
      { PrivateNote: 'new', sparse: true },
    ]) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as Fault).Fault.Error[0]!.Message).toMatch(/not supported by the simulator/);
    }
  });

  it('CDC answers the last 30 days, deleted stubs and voided invoices, and refuses older windows', async () => {
    const inv = await openInvoice();
    const other = (
      await t.query<{ QueryResponse: { Invoice: Entity[] } }>(
        t.fr,
        "SELECT * FROM Invoice WHERE Balance > '0' STARTPOSITION 2 MAXRESULTS 1",
      )
    ).QueryResponse.Invoice[0]!;
    t.clock.advance(1_800_000);
    t.sim.controls.deleteInvoice(t.fr, inv.Id);
    t.sim.controls.voidInvoice(t.fr, other.Id);
    const since = '2026-05-01T10:15:00Z';
    const body = await t.json<CdcBody>(
      t.fr,
      `cdc?entities=Invoice,Payment&changedSince=${encodeURIComponent(since)}&minorversion=75`,
    );
    const [invoices, payments] = body.CDCResponse[0]!.QueryResponse as [
      { Invoice: Entity[]; totalCount: number },
      object,
    ];
    expect(payments).toEqual({});
    expect(invoices.Invoice).toHaveLength(2);
    const stub = invoices.Invoice.find((i) => i.Id === inv.Id)!;
    expect(stub).toEqual({
      domain: 'QBO',
      status: 'Deleted',
      Id: inv.Id,
      MetaData: { LastUpdatedTime: expect.any(String) },
    });
    const voided = invoices.Invoice.find((i) => i.Id === other.Id)!;
    expect(voided).toMatchObject({ TotalAmt: 0, Balance: 0, PrivateNote: 'Voided' });
    expect((await t.call(t.fr, `invoice/${inv.Id}`)).status).toBe(400);
    const old = await t.call(t.fr, `cdc?entities=Invoice&changedSince=${encodeURIComponent('2026-03-31T10:29:00Z')}`);
    expect(old.status).toBe(400);
    expect(((await old.json()) as Fault).Fault.Error[0]!.Detail).toMatch(/30 days/);
  });

  it('CDC holds at most 1000 objects over all entities, the oldest changes first', async () => {
    const since = '2026-04-01T10:00:01Z';
    const body = await t.json<CdcBody>(
      t.fr,
      `cdc?entities=Invoice,Customer,Payment,CreditMemo&changedSince=${encodeURIComponent(since)}`,
    );
    const responses = body.CDCResponse[0]!.QueryResponse;
    const all = responses.flatMap((r) => (Object.values(r).find(Array.isArray) as Entity[] | undefined) ?? []);
    expect(all).toHaveLength(1000);
    expect(responses.filter((r) => Object.keys(r).length > 0).length).toBeGreaterThan(1);
    const times = all.map((e) => Date.parse(e.MetaData.LastUpdatedTime));
    const latest = Math.max(...times);
    expect(latest).toBeLessThan(Date.parse('2026-05-01T10:00:00Z'));
    const later = await t.json<CdcBody>(
      t.fr,
      `cdc?entities=Invoice,Customer,Payment,CreditMemo&changedSince=${encodeURIComponent(new Date(latest + 1000).toISOString())}`,
    );
    const rest = later.CDCResponse[0]!.QueryResponse.flatMap(
      (r) => (Object.values(r).find(Array.isArray) as Entity[] | undefined) ?? [],
    );
    expect(rest.length).toBeGreaterThan(0);
    for (const e of rest) expect(Date.parse(e.MetaData.LastUpdatedTime)).toBeGreaterThan(latest);
  });
});
