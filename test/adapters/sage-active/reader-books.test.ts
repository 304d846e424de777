import { openSqliteStore } from '../../../connector/store/sqlite';
import type { Store } from '../../../connector/store/store';
import { syncConnection } from '../../../connector/sync/sync-connection';
import { memoryLogger } from '../../helpers/logger';
import { startSageSource, type SageTestSource } from './reader-fixture';

/**
 * The books-only route (sage.md §2.3, "Accounting-only tenants"): an organisation whose sales module
 * is empty keeps its receivables on the customer lines of its accounting entries, with their open
 * items. The simulator's organisation with books loses its sales invoices here; its imported entries
 * (sourceType IMPORT_FILE) remain, and the entries the sales module had posted are not counted.
 */

const { logger } = memoryLogger('error');

describe('Sage Active reader, books-only route', () => {
  let source: SageTestSource;
  let store: Store;

  beforeEach(async () => {
    source = await startSageSource({ connection: 'sage-books', simulator: { invoices: 150 } });
    const org = source.sim.data.organization(source.org)!;
    for (const i of [...org.invoices]) source.sim.controls.deleteInvoice(source.org, i.id);
    source.clock.advance(3_600_000);
    store = await openSqliteStore(':memory:');
    await store.migrate();
  });
  afterEach(async () => {
    await store.close();
    await source.stop();
  });

  /** The customer lines of imported entries with something left to pay. */
  const expectedOpen = (): Set<string> => {
    const ids = new Set<string>();
    for (const e of source.sim.data.organization(source.org)!.entries) {
      if (e.sourceType === 'SALES') continue;
      for (const l of e.lines)
        if (l.customerId && l.invoice?.openItems.some((i) => i.paid < i.amount))
          ids.add(`${source.connection}:${source.org}:AccountingEntryLine:${e.id}:${l.id}`);
    }
    return ids;
  };
  const sync = (mode: 'incremental' | 'full' = 'incremental') =>
    syncConnection({
      store,
      adapter: source.adapter({ pageSize: 7 }),
      connection: source.connection,
      clock: source.clock,
      logger,
      mode,
    });
  const storeOpen = async () => new Set(await store.sync.listOpenReceivableIds(source.connection));

  it('says so at check, and reads the open customer lines of the imported entries as receivables', async () => {
    const check = await source.adapter().check();
    expect(check.ok).toBe(true);
    expect(check.capabilities).toMatchObject({ booksOnly: true, salesInvoices: false, accountingEntries: true });
    expect(check.serverVersion).toMatch(/accounting entries \(the sales module is empty\)/);
    const first = await sync();
    expect(first.error).toBeUndefined();
    expect(first.quarantined).toBe(0);
    const expected = expectedOpen();
    expect(expected.size).toBeGreaterThan(3);
    expect(await storeOpen()).toEqual(expected);
    const [one] = [...expected];
    const [r] = await store.sync
      .listReceivablesOfCase((await store.sync.receivableStates([one!])).get(one!)!.caseId)
      .then((rs) => rs.filter((x) => x.id === one));
    expect(r!.number).toMatch(/^IMP-/);
    expect(r!.debtorId).toMatch(new RegExp(`^${source.connection}:${source.org}:Customer:`));
  });

  it('closes a line paid meanwhile at the full reconciliation (the entry itself does not change) and one deleted with its entry', async () => {
    await sync();
    const org = source.sim.data.organization(source.org)!;
    const [paidId, goneId] = [...expectedOpen()];
    const entryOf = (id: string) => org.entries.find((e) => id.includes(e.id))!;
    for (const item of entryOf(paidId!).lines.flatMap((l) => l.invoice?.openItems ?? [])) item.paid = item.amount;
    org.entries.splice(org.entries.indexOf(entryOf(goneId!)), 1);
    const incremental = await sync();
    expect(incremental.closed).toBe(0);
    const full = await sync('full');
    expect(full.reconciled).toBe(true);
    expect(full.closed).toBe(2);
    expect(await storeOpen()).toEqual(expectedOpen());
    const journal = await store.cases.readJournal((await store.sync.receivableStates([goneId!])).get(goneId!)!.caseId);
    expect(journal.map((j) => j.summary).join('\n')).toMatch(/deleted in Sage Active/);
  });
});
