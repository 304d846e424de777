import { createHash } from 'node:crypto';
import { INVOICE_OPEN } from '../../../adapters/quickbooks/simulator/columns';
import { AdapterError } from '../../../connector/ports/adapter-error';
import { SimulatedClock } from '../../../connector/time/clock';
import { readPdf } from '../../documents/pdf-text';
import { startQboSource, type QboTestSource } from './reader-fixture';

/**
 * The adapter's invoice PDFs against the simulator: the PDF QuickBooks renders for an invoice,
 * downloaded as one metered read; none for a deleted or unknown invoice, a credit memo or another
 * connection's id; a throttled call, a Fault inside HTTP 200 and an expired token as the other
 * calls meet them.
 */

const START = Date.parse('2026-05-01T10:00:00Z');
const CONNECTION = 'qbo-fr';

describe('QuickBooks invoice PDFs', () => {
  let clock: SimulatedClock;
  let source: QboTestSource;

  beforeEach(async () => {
    clock = new SimulatedClock(START, 0);
    source = await startQboSource({ connection: CONNECTION, clock, simulator: { seed: 9, invoices: 300, clock } });
  });
  afterEach(() => source.stop());

  const company = () => source.sim.companies[0]!;
  const id = (entity: string, n: number | string) => `${CONNECTION}:${source.realm}:${entity}:${n}`;
  /** An open invoice in euros with a balance. */
  const openInvoice = () => {
    const c = company();
    const inv = c.invoices;
    let row = 0;
    while (!(
      inv.state[row] === INVOICE_OPEN &&
      inv.balance[row]! > 0 &&
      c.customers[inv.customer[row]!]!.currency === 'EUR'
    ))
      row++;
    return { row, invoiceId: inv.id[row]! };
  };
  const readsOf = () => source.sim.controls.counters()[source.realm]?.meteredReads ?? 0;
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  const failure = async (p: Promise<unknown>): Promise<AdapterError> => {
    const e = await p.then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(AdapterError);
    return e as AdapterError;
  };

  it('downloads the PDF QuickBooks renders, naming the company, number, customer and amounts, as one metered read', async () => {
    const { invoiceId } = openInvoice();
    const adapter = source.adapter();
    const before = readsOf();
    const pdf = await adapter.invoicePdf!(id('Invoice', invoiceId));
    expect(pdf).toBeDefined();
    expect(pdf!.content.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf!.name).toBe(`invoice-${invoiceId}.pdf`);
    expect(adapter.meter).toMatchObject({ requests: 1, reads: 1, writes: 0, throttled: 0 });
    expect(readsOf() - before).toBe(1);
    expect(source.requests).toEqual([`GET /invoice/${invoiceId}/pdf?minorversion=75`]);

    // What the PDF says is what a read of the invoice says.
    const { Invoice: invoice } = (await fetchInvoice(invoiceId)) as {
      Invoice: { DocNumber: string; CustomerRef: { name: string }; TotalAmt: number; Balance: number };
    };
    const { text, pages } = await readPdf(pdf!.content);
    expect(pages).toBe(1);
    expect(text).toContain('Atelier Lumière');
    expect(text).toContain(`Invoice ${invoice.DocNumber}`);
    expect(text).toContain(`Bill to: ${invoice.CustomerRef.name}`);
    expect(text).toContain(`Total: ${invoice.TotalAmt.toFixed(2)} EUR`);
    expect(text).toContain(`Balance due: ${invoice.Balance.toFixed(2)} EUR`);
  });

  it('the same invoice gives the same bytes; a payment, which changes the balance due, gives others', async () => {
    const { invoiceId } = openInvoice();
    const adapter = source.adapter();
    const first = (await adapter.invoicePdf!(id('Invoice', invoiceId)))!.content;
    expect(sha((await adapter.invoicePdf!(id('Invoice', invoiceId)))!.content)).toBe(sha(first));
    source.sim.controls.addPayment(source.realm, { invoiceId: String(invoiceId), amount: 1 });
    const after = (await adapter.invoicePdf!(id('Invoice', invoiceId)))!.content;
    expect(sha(after)).not.toBe(sha(first));
    expect(adapter.meter.reads).toBe(3);
  });

  it('a voided invoice still prints; a deleted or unknown one has no PDF, and costs the read it took', async () => {
    const inv = company().invoices;
    const voided = inv.id[0]!;
    const deleted = inv.id[1]!;
    source.sim.controls.voidInvoice(source.realm, String(voided));
    source.sim.controls.deleteInvoice(source.realm, String(deleted));
    const adapter = source.adapter();
    const pdf = await adapter.invoicePdf!(id('Invoice', voided));
    expect((await readPdf(pdf!.content)).text).toMatch(/Total: 0(\.0+)? [A-Z]{3}/);
    expect(await adapter.invoicePdf!(id('Invoice', deleted))).toBeUndefined();
    expect(await adapter.invoicePdf!(id('Invoice', 987654))).toBeUndefined();
    expect(adapter.meter.reads).toBe(3);
  });

  it('a credit memo, an id of another connection or company, or no QuickBooks id at all: none, and nothing asked', async () => {
    const memo = company().creditMemos[0]!;
    const adapter = source.adapter();
    const invoiceId = company().invoices.id[0]!;
    for (const other of [
      id('CreditMemo', memo.id),
      `other:${source.realm}:Invoice:${invoiceId}`,
      `${CONNECTION}:1234567890:Invoice:${invoiceId}`,
      `${CONNECTION}:${source.realm}:Invoice:1/../2`,
      'not an id',
    ])
      expect(await adapter.invoicePdf!(other)).toBeUndefined();
    expect(source.requests).toEqual([]);
    expect(adapter.meter.requests).toBe(0);
  });

  it('a 429 is a rate limit the caller waits out (no retry here), then the PDF comes', async () => {
    const { invoiceId } = openInvoice();
    const adapter = source.adapter();
    source.failNext(1, { simulator: '429' });
    const e = await failure(adapter.invoicePdf!(id('Invoice', invoiceId)));
    expect(e.code).toBe('QBO_THROTTLED');
    expect(e.kind).toBe('rate_limit');
    expect(e.retryAfterMs).toBe(60_000);
    source.failNext(1, { status: 429, retryAfterSeconds: 7 });
    expect((await failure(adapter.invoicePdf!(id('Invoice', invoiceId)))).retryAfterMs).toBe(7_000);
    const pdf = await adapter.invoicePdf!(id('Invoice', invoiceId));
    expect(pdf!.content.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(adapter.meter).toMatchObject({ reads: 3, throttled: 2 });
  });

  it('a Fault inside HTTP 200 instead of the PDF is refused, classified as the other calls do', async () => {
    const { invoiceId } = openInvoice();
    source.failNext(1, { simulator: 'fault200' });
    const e = await failure(source.adapter().invoicePdf!(id('Invoice', invoiceId)));
    expect(e.code).toBe('QBO_UNAVAILABLE');
    expect(e.kind).toBe('transient');
    expect(e.userMessage).toContain(`QuickBooks GET /invoice/${invoiceId}/pdf`);
    expect(e.detail).toContain('HTTP 200 SystemFault: 10000');
  });

  it('a 5xx and a dropped connection reject, so that the hand-off is tried again', async () => {
    const { invoiceId } = openInvoice();
    const adapter = source.adapter();
    source.failNext(1, { simulator: '500' });
    expect((await failure(adapter.invoicePdf!(id('Invoice', invoiceId)))).kind).toBe('transient');
    source.failNext(1, { simulator: 'drop' });
    expect((await failure(adapter.invoicePdf!(id('Invoice', invoiceId)))).code).toBe('QBO_UNREACHABLE');
  });

  it('an access token QuickBooks expired is refreshed once and the PDF asked again', async () => {
    const { invoiceId } = openInvoice();
    const adapter = source.adapter();
    source.sim.controls.expireAccessTokens();
    const pdf = await adapter.invoicePdf!(id('Invoice', invoiceId));
    expect(pdf!.content.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(source.requests).toEqual([
      `GET /invoice/${invoiceId}/pdf?minorversion=75`,
      `GET /invoice/${invoiceId}/pdf?minorversion=75`,
    ]);
    // Both calls reached QuickBooks: both are counted.
    expect(adapter.meter.reads).toBe(2);
  });

  /** A read of the invoice by id, as the API answers it, outside the adapter's meter. */
  async function fetchInvoice(invoiceId: number): Promise<unknown> {
    const token = source.sim.controls.issueTokens(source.realm).access_token;
    const res = await fetch(`${source.sim.url}/v3/company/${source.realm}/invoice/${invoiceId}?minorversion=75`, {
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
    });
    return res.json();
  }
});
