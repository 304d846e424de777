import type { ErpAdapter, ReadPage, StreamName } from '../../../connector/ports/erp';
import { openSqliteStore } from '../../../connector/store/sqlite';
import type { Store } from '../../../connector/store/store';
import { syncConnection, type SyncSummary } from '../../../connector/sync/sync-connection';
import { SimulatedClock } from '../../../connector/time/clock';
import { INVOICE_DELETED } from '../../../adapters/quickbooks/simulator/columns';
import { memoryLogger } from '../../helpers/logger';
import { startQboSource, type QboTestSource } from './reader-fixture';

/**
 * The QuickBooks reader's incremental runs against the simulator, on one clock shared by the
 * connector and the simulator: a first run by query, then changes read through CDC (paid, voided,
 * deleted, a sub-customer's new invoice rolled up to its parent), a CDC answer at its cap read by
 * query instead, a cursor older than CDC's 30 days read by query, and how few calls a run costs.
 */

const START = Date.parse('2026-05-01T10:00:00Z');
const CONNECTION = 'qbo-fr';
const { logger } = memoryLogger('error');

describe('QuickBooks reader: incremental runs', () => {
  let clock: SimulatedClock;
  let source: QboTestSource;
  let store: Store;

  beforeEach(async () => {
    clock = new SimulatedClock(START, 0);
    source = await startQboSource({
      connection: CONNECTION,
      clock,
      simulator: { seed: 3, invoices: 3000, clock },
    });
    store = await openSqliteStore(':memory:');
    await store.migrate();
    // The simulated data was last changed at START: the runs start an hour later, as in life.
    clock.advance(3_600_000);
  });

  afterEach(async () => {
    await store.close();
    await source.stop();
  });

  const company = () => source.sim.companies[0]!;
  const sync = (adapter: ErpAdapter, mode: 'incremental' | 'full' = 'incremental'): Promise<SyncSummary> =>
    syncConnection({ store, adapter, connection: CONNECTION, clock, logger, mode });
  const storeOpen = async () => new Set(await store.sync.listOpenReceivableIds(CONNECTION));
  const invoiceId = (id: number | string) => `${CONNECTION}:${source.realm}:Invoice:${id}`;
  const customerId = (id: number | string) => `${CONNECTION}:${source.realm}:Customer:${id}`;
  /** Open invoices of top-level customers, oldest row first. */
  const openInvoices = () => {
    const c = company();
    const out: { id: number; balance: number; customer: number }[] = [];
    for (let row = 0; row < c.invoices.length; row++)
      if (c.invoices.state[row] === 0 && c.invoices.balance[row]! > 0)
        out.push({ id: c.invoices.id[row]!, balance: c.invoices.balance[row]!, customer: c.invoices.customer[row]! });
    return out;
  };
  /** A sub-customer (job) of a top-level customer, and that parent, as QBO Ids. */
  const subCustomer = () => {
    const c = company();
    const index = c.customers.findIndex((k) => k.parent !== undefined && c.customers[k.parent]!.parent === undefined);
    return { id: String(index + 1), parent: String(c.customers[index]!.parent! + 1) };
  };
  const cdcCalls = () => source.requests.filter((r) => r.startsWith('GET /cdc'));

  it('a first run by query, then CDC: paid, voided and deleted invoices close, a new invoice of a sub-customer comes under its parent', async () => {
    const first = await sync(source.adapter({ pageSize: 200 }));
    expect(first.error).toBeUndefined();
    expect(await storeOpen()).toEqual(source.openIds());
    expect(cdcCalls()).toEqual([]);

    clock.advance(3_600_000);
    const [paid, voided, deleted] = openInvoices().slice(-3);
    source.sim.controls.addPayment(source.realm, { invoiceId: String(paid!.id), amount: paid!.balance });
    source.sim.controls.voidInvoice(source.realm, String(voided!.id));
    source.sim.controls.deleteInvoice(source.realm, String(deleted!.id));
    const job = subCustomer();
    const created = source.sim.controls.createInvoice(source.realm, { customerId: job.id, amount: 45_000 });
    source.requests.length = 0;

    // A new adapter, as after a restart: it knows no customer yet.
    const adapter = source.adapter({ pageSize: 200 });
    const second = await sync(adapter);
    expect(second.error).toBeUndefined();
    expect(cdcCalls().map((r) => /entities=([^&]+)/.exec(r)![1])).toEqual([
      'Customer',
      'Invoice,CreditMemo',
      'Payment',
    ]);
    expect(second.closed).toBe(3);
    const open = await storeOpen();
    expect(open).toEqual(source.openIds());
    expect(open.has(invoiceId(created))).toBe(true);
    const states = await store.sync.receivableStates([
      invoiceId(voided!.id),
      invoiceId(deleted!.id),
      invoiceId(created),
    ]);
    const journal = async (id: string) =>
      (await store.cases.readJournal(states.get(id)!.caseId)).map((j) => j.summary).join('\n');
    expect(await journal(invoiceId(voided!.id))).toMatch(/voided in QuickBooks/);
    expect(await journal(invoiceId(deleted!.id))).toMatch(/deleted in QuickBooks/);
    // The job's invoice is its parent's debt: the case is the parent's, whose debtor record was sent.
    expect((await store.cases.getCase(states.get(invoiceId(created))!.caseId))?.debtorId).toBe(customerId(job.parent));
    expect((await store.sync.getReceivable(invoiceId(created)))?.debtorId).toBe(customerId(job.parent));
    expect((await store.sync.getDebtor(customerId(job.parent)))?.id).toBe(customerId(job.parent));
    // The customers it did not know were read by id, a whole level of the hierarchy per POSTed query.
    const customerReads = source.requests.filter((r) => r.startsWith('POST /query') && r.includes('FROM Customer'));
    expect(customerReads).toHaveLength(2);
    expect(customerReads[0]).toMatch(/WHERE Id IN \('\d+'(, '\d+')*\) AND Active IN \(true, false\)/);
    expect(customerReads[0]).toContain(`'${job.id}'`);
    expect(customerReads[1]).toContain(`'${job.parent}'`);
    expect(adapter.meter.reads).toBe(3 + customerReads.length);
  });

  it('an adapter that lives on knows its customers: an incremental run costs one CDC call per stream', async () => {
    const adapter = source.adapter({ pageSize: 500 });
    expect((await sync(adapter)).error).toBeUndefined();
    clock.advance(600_000);
    const [a, b] = openInvoices().slice(0, 2);
    source.sim.controls.addPayment(source.realm, { invoiceId: String(a!.id), amount: 1 });
    source.sim.controls.addPayment(source.realm, { invoiceId: String(b!.id), amount: b!.balance });
    const before = adapter.meter.reads;
    const summary = await sync(adapter);
    expect(summary.error).toBeUndefined();
    expect(adapter.meter.reads - before).toBe(3);
    expect(summary.changed).toBe(2);
    expect(summary.closed).toBe(1);
    expect(await storeOpen()).toEqual(source.openIds());
  });

  it('each debtor goes out once per run, with the first page that needs it', async () => {
    const pages: { stream: StreamName; page: ReadPage }[] = [];
    const inner = source.adapter({ pageSize: 50 });
    const adapter: ErpAdapter = {
      ...inner,
      read: async (stream, position) => {
        const page = await inner.read(stream, position);
        pages.push({ stream, page });
        return page;
      },
    };
    expect((await sync(adapter)).error).toBeUndefined();
    const sent = pages.flatMap((p) => p.page.debtors.map((d) => d.id));
    expect(new Set(sent).size).toBe(sent.length);
    const owed = new Set(pages.flatMap((p) => p.page.receivables.map((r) => r.debtorId)));
    for (const id of owed) expect(sent).toContain(id);
    // Sub-customers are no debtors of their own.
    const jobs = company()
      .customers.filter((k) => k.parent !== undefined)
      .map((k) => customerId(k.id));
    for (const id of jobs) expect(sent).not.toContain(id);
    // The next run sends them again (once), in case a page of the last one was never saved.
    pages.length = 0;
    clock.advance(60_000);
    const [x] = openInvoices();
    source.sim.controls.addPayment(source.realm, { invoiceId: String(x!.id), amount: 1 });
    expect((await sync(adapter)).error).toBeUndefined();
    const again = pages.flatMap((p) => p.page.debtors.map((d) => d.id));
    const top = (i: number): number => {
      const k = company().customers[i]!;
      return k.parent === undefined ? i : top(k.parent);
    };
    expect(again).toEqual([customerId(top(x!.customer) + 1)]);
  });

  it('a CDC answer at its cap of 1000 objects is not used: the window is read by query, and no change is lost', async () => {
    expect((await sync(source.adapter({ pageSize: 500 }))).error).toBeUndefined();
    clock.advance(3_600_000);
    const c = company();
    // 1000 invoices changed (a note on each), then payments and a void among the others.
    let touched = 0;
    for (let row = 0; row < c.invoices.length && touched < 1000; row++)
      if (c.invoices.state[row] !== INVOICE_DELETED) {
        source.sim.controls.updateInvoice(source.realm, String(c.invoices.id[row]), { privateNote: 'Vu' });
        touched++;
      }
    clock.advance(1_000);
    const [paid, partly, voided] = openInvoices().slice(-3);
    source.sim.controls.addPayment(source.realm, { invoiceId: String(paid!.id), amount: paid!.balance });
    source.sim.controls.addPayment(source.realm, { invoiceId: String(partly!.id), amount: 1 });
    source.sim.controls.voidInvoice(source.realm, String(voided!.id));
    clock.advance(300_000);
    source.requests.length = 0;

    const pages: { stream: StreamName; page: ReadPage }[] = [];
    const inner = source.adapter({ pageSize: 500 });
    const adapter: ErpAdapter = {
      ...inner,
      read: async (stream, position) => {
        const page = await inner.read(stream, position);
        pages.push({ stream, page });
        return page;
      },
    };
    const summary = await sync(adapter);
    expect(summary.error).toBeUndefined();
    const receivables = pages.filter((p) => p.stream === 'receivables');
    expect(receivables[0]!.page.warnings[0]).toMatch(/CDC answered 100\d changes .* read by query instead/);
    // The payments stream, after it in the same run, reads the window by query without asking CDC first.
    const payments = pages.filter((p) => p.stream === 'payments');
    expect(payments[0]!.page.warnings[0]).toMatch(/its cap \(1000\); this stream reads the same window by query/);
    expect(source.requests.filter((r) => r.includes('/cdc') && r.includes('entities=Payment'))).toEqual([]);
    expect(source.requests.filter((r) => r.includes('/cdc'))).toHaveLength(2);
    expect(
      source.requests.filter((r) => r.includes('FROM Invoice WHERE MetaData.LastUpdatedTime >=')).length,
    ).toBeGreaterThan(1);
    // Inside the 30 days the run's progress has no total: no metered count(*) is asked for one.
    expect(source.requests.filter((r) => r.includes('count(*)'))).toEqual([]);
    expect(summary.closed).toBe(2);
    expect(await storeOpen()).toEqual(source.openIds());
    const partlyNow = (await store.sync.receivableStates([invoiceId(partly!.id)])).get(invoiceId(partly!.id))!;
    expect(partlyNow.open).toBe(partly!.balance - 1);

    // The query read ended at the answer's time: the next run is back on CDC.
    source.requests.length = 0;
    clock.advance(60_000);
    const before = inner.meter.reads;
    expect((await sync(adapter)).error).toBeUndefined();
    expect(cdcCalls()).toHaveLength(3);
    expect(inner.meter.reads - before).toBe(3);
  });

  it('a cursor older than the 30 days of CDC is read by query, and sees the change', async () => {
    expect((await sync(source.adapter({ pageSize: 500 }))).error).toBeUndefined();
    clock.advance(31 * 86_400_000);
    const [paid] = openInvoices().slice(-1);
    source.sim.controls.addPayment(source.realm, { invoiceId: String(paid!.id), amount: paid!.balance });
    source.requests.length = 0;
    const summary = await sync(source.adapter({ pageSize: 500 }));
    expect(summary.error).toBeUndefined();
    expect(cdcCalls()).toEqual([]);
    expect(source.requests.some((r) => r.includes('FROM Invoice WHERE MetaData.LastUpdatedTime >='))).toBe(true);
    expect(summary.closed).toBe(1);
    expect((await storeOpen()).has(invoiceId(paid!.id))).toBe(false);
    // And the cursor it leaves is fresh: the run after is on CDC again.
    source.requests.length = 0;
    clock.advance(60_000);
    expect((await sync(source.adapter({ pageSize: 500 }))).error).toBeUndefined();
    expect(cdcCalls()).toHaveLength(3);
  });
});
