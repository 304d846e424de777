import { adapterRegistry } from '../../../adapters/registry';
import { qboTimeText } from '../../../adapters/quickbooks/sync-plan';
import { parseConfig } from '../../../connector/config/load-config';
import { ProblemsError } from '../../../connector/config/problems';
import type { ReadPage } from '../../../connector/ports/erp';
import { SimulatedClock } from '../../../connector/time/clock';
import { memoryLogger } from '../../helpers/logger';
import { startQboSource, type QboTestSource } from './reader-fixture';

/**
 * The QuickBooks reader's other calls against the simulator: check, the list of open receivables
 * and reads by id for the full reconciliation, the estimate, a run of equal LastUpdatedTime that
 * shrinks between two pages, and the adapter reached through the registry.
 */

const START = Date.parse('2026-05-01T10:00:00Z');
const CONNECTION = 'qbo-fr';

describe('QuickBooks reader: check, reconciliation reads, estimate, ties', () => {
  let clock: SimulatedClock;
  let source: QboTestSource;

  beforeEach(async () => {
    clock = new SimulatedClock(START, 0);
    source = await startQboSource({ connection: CONNECTION, clock, simulator: { seed: 9, invoices: 800, clock } });
    clock.advance(3_600_000);
  });
  afterEach(() => source.stop());

  const company = () => source.sim.companies[0]!;
  const id = (entity: string, n: number | string) => `${CONNECTION}:${source.realm}:${entity}:${n}`;
  const invoiceRows = (open: boolean) => {
    const inv = company().invoices;
    const rows: number[] = [];
    for (let row = 0; row < inv.length; row++)
      if (inv.state[row] === 0 && inv.balance[row]! > 0 === open) rows.push(row);
    return rows;
  };

  it('check: the company answers with its name and home currency; refused credentials say what to do', async () => {
    const ok = await source.adapter().check();
    expect(ok).toMatchObject({
      ok: true,
      problems: [],
      capabilities: { multiCurrency: true, homeCurrencyKnown: true },
    });
    expect(ok.serverVersion).toMatch(/minorversion 75: "Atelier Lumière" \(\d+\), home currency EUR/);
    const bad = await source.adapter({ badCredentials: true }).check();
    expect(bad.ok).toBe(false);
    expect(bad.problems).toEqual([
      expect.stringMatching(
        /^QBO_RECONNECT: the stored credentials of connection qbo-fr do not open company \d+: .*recouvra connect quickbooks --connection qbo-fr/,
      ),
    ]);
  });

  it('lists the id of every open invoice and credit memo, and nothing else', async () => {
    const listed: number[] = [];
    const ids = await source.adapter({ pageSize: 100 }).listOpenReceivableIds((n) => listed.push(n));
    expect(ids).toEqual(source.openIds());
    expect(listed.length).toBeGreaterThan(3);
    expect(
      source.requests.every((r) =>
        /^GET \/query\?query=SELECT \* FROM (Invoice WHERE Balance > '0'|CreditMemo) ORDERBY Id STARTPOSITION \d+ MAXRESULTS 100&/.test(
          r,
        ),
      ),
    ).toBe(true);
  });

  it('reads receivables by id: open and paid ones as they are, voided and deleted ones closed, other ids left alone', async () => {
    const inv = company().invoices;
    const [open, toPay, toVoid, toDelete] = invoiceRows(true).map((row) => inv.id[row]!);
    const [paidBefore] = invoiceRows(false).map((row) => inv.id[row]!);
    source.sim.controls.addPayment(source.realm, {
      invoiceId: String(toPay),
      amount: inv.balance[invoiceRows(true)[1]!]!,
    });
    source.sim.controls.voidInvoice(source.realm, String(toVoid));
    source.sim.controls.deleteInvoice(source.realm, String(toDelete));
    const memo = company().creditMemos.find((m) => !m.deleted)!;
    const page: ReadPage = await source
      .adapter()
      .readByIds([
        id('Invoice', open!),
        id('Invoice', toPay!),
        id('Invoice', paidBefore!),
        id('Invoice', toVoid!),
        id('Invoice', toDelete!),
        id('Invoice', 999_999),
        id('CreditMemo', memo.id),
        `other:${source.realm}:Invoice:${open!}`,
      ]);
    const byId = new Map(page.receivables.map((r) => [r.id, r]));
    expect(byId.get(id('Invoice', open!))!.open).toBeGreaterThan(0);
    expect(byId.get(id('Invoice', toPay!))!.open).toBe(0);
    expect(byId.get(id('Invoice', paidBefore!))!.open).toBe(0);
    expect(byId.get(id('CreditMemo', memo.id))!.kind).toBe('credit_note');
    expect(page.closed).toEqual(
      expect.arrayContaining([
        { id: id('Invoice', toVoid!), reason: expect.stringMatching(/voided in QuickBooks/) as unknown },
        { id: id('Invoice', toDelete!), reason: expect.stringMatching(/^invoice deleted in QuickBooks/) as unknown },
        { id: id('Invoice', 999_999), reason: expect.stringMatching(/^invoice deleted in QuickBooks/) as unknown },
      ]),
    );
    expect(page.closed).toHaveLength(3);
    // Every receivable comes with its debtor.
    const debtors = new Set(page.debtors.map((d) => d.id));
    for (const r of page.receivables) expect(debtors.has(r.debtorId)).toBe(true);
  });

  it('estimates a first run from count(*): the open invoices and every credit memo', async () => {
    const adapter = source.adapter();
    const live = company().creditMemos.filter((m) => !m.deleted).length;
    expect(await adapter.estimate!('receivables', { saved: undefined })).toBe(invoiceRows(true).length + live);
    expect(source.requests).toEqual([
      "GET /query?query=SELECT count(*) FROM Invoice WHERE Balance > '0'&minorversion=75",
      'GET /query?query=SELECT count(*) FROM CreditMemo&minorversion=75',
    ]);
  });

  it('a run of equal LastUpdatedTime that shrinks between two pages loses nothing and repeats only what changed', async () => {
    const inv = company().invoices;
    const rows = invoiceRows(true).slice(0, 30);
    // 30 invoices changed in the same second, nothing else since.
    for (const row of rows) source.sim.controls.updateInvoice(source.realm, String(inv.id[row]), { privateNote: 'Vu' });
    const adapter = source.adapter({ pageSize: 10 });
    const from = { time: qboTimeText(clock.now().getTime() - 120_000), id: '', skip: 0 };
    const saved = { Invoice: from, CreditMemo: from };
    const pages: ReadPage[] = [];
    let resume: Record<string, unknown> | undefined = { mode: 'query', entity: 'Invoice', pos: from };
    let cursor: Record<string, unknown> | undefined = saved;
    while (resume && resume['entity'] === 'Invoice') {
      const page = await adapter.read('receivables', { saved: cursor, resume });
      pages.push(page);
      if (pages.length === 1) {
        // One invoice of the first page changes a second later: it leaves the run being read.
        clock.advance(1_000);
        source.sim.controls.updateInvoice(source.realm, String(inv.id[rows[2]!]), { privateNote: 'Vu deux fois' });
      }
      cursor = page.cursor;
      resume = page.resume;
    }
    const seen = pages.flatMap((p) => p.receivables.map((r) => r.id));
    const changed = id('Invoice', inv.id[rows[2]!]!);
    expect(new Set(seen)).toEqual(new Set(rows.map((row) => id('Invoice', inv.id[row]!))));
    expect(seen.filter((x) => x !== changed)).toHaveLength(29);
    expect(seen.filter((x) => x === changed)).toHaveLength(2);
    expect(pages[0]!.receivables).toHaveLength(10);
    // The anchor was gone: the second page stepped back a page to find where it stood.
    const invoiceQueries = source.requests.filter((r) => r.includes('FROM Invoice'));
    expect(invoiceQueries.filter((r) => r.includes('STARTPOSITION 1 '))).toHaveLength(2);
    expect(invoiceQueries[1]).toMatch(/STARTPOSITION 10 MAXRESULTS 10/);
  });

  it('is registered: a configuration with a quickbooks connection validates, and the registry builds a working adapter', async () => {
    const text = [
      'version: 1',
      'connections:',
      '  - id: qbo-fr',
      '    type: quickbooks',
      `    realmId: "${source.realm}"`,
      `    baseUrl: ${source.sim.url}`,
      '    clientId: client',
      '    clientSecret: ${QBO_CLIENT_SECRET}',
      '    customFields:',
      '      recoveryStage: Recouvrement',
      '',
    ].join('\n');
    const { config } = parseConfig('recouvra.yaml', text, {
      env: { QBO_CLIENT_SECRET: 's3cret' },
      registry: adapterRegistry,
    });
    const [connection] = config.connections;
    const entry = adapterRegistry['quickbooks']!;
    expect(entry.writeBackKinds(connection!)).toEqual(['note', 'fields']);
    expect(() =>
      parseConfig('recouvra.yaml', text.replace(`"${source.realm}"`, '"12"'), {
        env: { QBO_CLIENT_SECRET: 's' },
        registry: adapterRegistry,
      }),
    ).toThrow(ProblemsError);
    const adapter = entry.create(connection!, { clock, logger: memoryLogger('error').logger });
    expect(adapter.writeBackKinds).toEqual(['note', 'fields']);
    // Without the store's credentials (`connections check` opens none) the problem says so.
    const result = await adapter.check();
    expect(result.ok).toBe(false);
    expect(result.problems[0]).toMatch(/^QBO_NO_CREDENTIAL_STORE: /);
  });
});
