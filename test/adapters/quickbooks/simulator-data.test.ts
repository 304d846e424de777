import { createQboData, CURRENCIES } from '../../../adapters/quickbooks/simulator';
import { INVOICE_DELETED, INVOICE_OPEN, INVOICE_VOIDED } from '../../../adapters/quickbooks/simulator/columns';
import { renderCustomer, renderInvoice } from '../../../adapters/quickbooks/simulator/render';

const now = () => new Date('2026-05-01T10:00:00Z');

describe('QuickBooks simulator data', () => {
  const data = createQboData({ seed: 3, invoices: 4000, now });
  const [fr, us, small] = data.companies;

  it('is the same for the same seed and differs for another', () => {
    const again = createQboData({ seed: 3, invoices: 4000, now });
    const other = createQboData({ seed: 4, invoices: 4000, now });
    expect(again.companies.map((c) => c.realmId)).toEqual(data.companies.map((c) => c.realmId));
    expect(JSON.stringify(renderInvoice(again.companies[0]!, 17))).toBe(JSON.stringify(renderInvoice(fr!, 17)));
    expect(other.companies[0]!.realmId).not.toBe(fr!.realmId);
  });

  it('holds a French multi-currency company, a US one and a small French one, realm ids of 10 to 19 digits', () => {
    for (const c of data.companies) expect(c.realmId).toMatch(/^\d{10,19}$/);
    expect(fr).toMatchObject({ country: 'FR', homeCurrency: 'EUR', currencies: ['EUR', 'USD', 'GBP', 'JPY', 'TND'] });
    expect(us).toMatchObject({ country: 'US', homeCurrency: 'USD', currencies: ['USD'] });
    expect(small).toMatchObject({ country: 'FR', homeCurrency: 'EUR', currencies: ['EUR'] });
    expect(fr!.invoices.length + us!.invoices.length + small!.invoices.length).toBe(4000);
  });

  it('gives French customers VAT numbers and a SIREN/SIRET custom field, and has jobs and inactive customers', () => {
    const customers = fr!.customers.map((_, i) => renderCustomer(fr!, i));
    const vat = customers.filter((c) => typeof c.PrimaryTaxIdentifier === 'string');
    expect(vat.length).toBeGreaterThan(10);
    for (const c of vat) {
      const m = /^FR(\d{2})(\d{9})$/.exec(c.PrimaryTaxIdentifier as string)!;
      expect(m).not.toBeNull();
      expect(Number(m[1])).toBe((12 + 3 * (Number(m[2]) % 97)) % 97);
    }
    const siret = customers.filter((c) => Array.isArray(c.CustomField));
    expect(siret.length).toBeGreaterThan(10);
    for (const c of siret)
      expect(c.CustomField).toEqual([
        {
          DefinitionId: '1',
          Name: 'SIREN/SIRET',
          Type: 'StringType',
          StringValue: expect.stringMatching(/^(\d{9}|\d{14})$/),
        },
      ]);
    const jobs = customers.filter((c) => c.Job === true);
    expect(jobs.length).toBeGreaterThan(0);
    for (const j of jobs) expect(j).toMatchObject({ ParentRef: { value: expect.any(String) }, Level: 1 });
    expect(customers.some((c) => c.Active === false)).toBe(true);
    expect(customers.filter((c) => c.Job === false).every((c) => !('ParentRef' in c))).toBe(true);
  });

  it('has open, partly paid, paid, voided and deleted invoices, and payments linking to them', () => {
    const inv = fr!.invoices;
    const states = { open: 0, partial: 0, paid: 0, voided: 0, deleted: 0 };
    for (let r = 0; r < inv.length; r++) {
      if (inv.state[r] === INVOICE_DELETED) states.deleted++;
      else if (inv.state[r] === INVOICE_VOIDED) states.voided++;
      else if (inv.balance[r] === 0) states.paid++;
      else if (inv.balance[r]! < inv.total[r]!) states.partial++;
      else states.open++;
      if (inv.state[r] === INVOICE_VOIDED) expect([inv.total[r], inv.balance[r]]).toEqual([0, 0]);
    }
    for (const n of Object.values(states)) expect(n).toBeGreaterThan(20);
    const partial = fr!.payments.find((p) => {
      const row = fr!.invoiceRow(p.lines[0]?.invoiceId ?? -1);
      return row !== undefined && fr!.invoices.balance[row]! > 0;
    })!;
    const row = fr!.invoiceRow(partial.lines[0]!.invoiceId)!;
    expect(inv.balance[row]).toBe(inv.total[row]! - partial.amount);
    expect(renderInvoice(fr!, row).LinkedTxn).toEqual([{ TxnId: String(partial.id), TxnType: 'Payment' }]);
    expect(fr!.creditMemos.some((m) => m.remaining > 0 && m.remaining < m.total)).toBe(true);
  });

  it('writes amounts in each currency’s decimals, with the exchange rate and home amounts on foreign ones', () => {
    const seen = new Map<string, Record<string, unknown>>();
    for (let r = 0; r < fr!.invoices.length && seen.size < 5; r++) {
      if (fr!.invoices.state[r] !== INVOICE_OPEN) continue;
      const json = renderInvoice(fr!, r);
      seen.set((json.CurrencyRef as { value: string }).value, json);
    }
    expect([...seen.keys()].sort()).toEqual(['EUR', 'GBP', 'JPY', 'TND', 'USD']);
    expect(Number.isInteger(seen.get('JPY')!.TotalAmt)).toBe(true);
    const tnd = seen.get('TND')!;
    expect(Math.round((tnd.TotalAmt as number) * 1000) / 1000).toBe(tnd.TotalAmt);
    expect(tnd).toMatchObject({ ExchangeRate: expect.any(Number), HomeTotalAmt: expect.any(Number) });
    expect(seen.get('EUR')).not.toHaveProperty('ExchangeRate');
    expect(CURRENCIES.TND!.decimals).toBe(3);
    const usd = renderInvoice(us!, 0);
    expect(usd).toMatchObject({ Id: expect.stringMatching(/^\d+$/), SyncToken: expect.stringMatching(/^\d+$/) });
    expect((usd.MetaData as { LastUpdatedTime: string }).LastUpdatedTime).toMatch(
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-07:00$/,
    );
  });

  it('returns only filled fields', () => {
    for (let r = 0; r < 200; r++) {
      const json = JSON.stringify(renderInvoice(fr!, r));
      expect(json).not.toMatch(/:null|:undefined|:""/);
    }
  });

  it('generates 100,000 invoices in a few seconds and well under 300 MB', () => {
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    const started = performance.now();
    const big = createQboData({ seed: 1, invoices: 100_000, now });
    const ms = performance.now() - started;
    const heapMb = (process.memoryUsage().heapUsed - before) / 1e6;
    expect(big.companies.reduce((n, c) => n + c.invoices.length, 0)).toBe(100_000);
    expect(ms).toBeLessThan(8_000);
    expect(heapMb).toBeLessThan(150);
  });
});
