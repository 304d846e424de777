import { startSimulator, type Fault, type Running } from './simulator-fixture';

/**
 * The simulator's invoice PDFs on the wire: `GET /invoice/{id}/pdf` with `Accept: application/pdf`
 * answers a PDF for every invoice, the same bytes for the same invoice; an unknown or deleted
 * invoice gets the Fault a read by id gets; each is metered and limited like a read.
 */

const PDF = { headers: { Accept: 'application/pdf' } };

describe('QuickBooks simulator: invoice PDFs', () => {
  let t: Running;
  beforeEach(async () => {
    t = await startSimulator({ invoices: 300, rateScale: 0.02 });
  });
  afterEach(() => t.sim.stop());

  const firstInvoice = () => String(t.sim.companies[0]!.invoices.id[0]!);

  it('answers application/pdf, a PDF that starts with %PDF- and ends with %%EOF, the same bytes twice', async () => {
    const id = firstInvoice();
    const res = await t.call(t.fr, `invoice/${id}/pdf?minorversion=75`, PDF);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(Number(res.headers.get('content-length'))).toBe(bytes.length);
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(bytes.subarray(-6).toString('latin1')).toBe('%%EOF\n');
    // The private note is internal (erp-apis.md §2.3): never printed.
    t.sim.controls.updateInvoice(t.fr, id, { privateNote: 'Recouvra: relance 2 envoyée' });
    const again = Buffer.from(await (await t.call(t.fr, `invoice/${id}/pdf`, PDF)).arrayBuffer());
    expect(again.equals(bytes)).toBe(true);
    expect(t.sim.controls.counters()[t.fr]).toMatchObject({ requests: 2, meteredReads: 2 });
  });

  it('an unknown or deleted invoice gets the same 610 Fault as a read by id', async () => {
    const id = firstInvoice();
    t.sim.controls.deleteInvoice(t.fr, id);
    for (const missing of [id, '99999999', 'abc']) {
      const pdf = await t.call(t.fr, `invoice/${missing}/pdf`, PDF);
      const read = await t.call(t.fr, `invoice/${missing}`);
      expect(pdf.status).toBe(read.status);
      const [pdfFault, readFault] = [(await pdf.json()) as Fault, (await read.json()) as Fault];
      expect(pdfFault.Fault).toEqual(readFault.Fault);
      expect(pdfFault.Fault).toMatchObject({ type: 'ValidationFault', Error: [{ code: '610' }] });
    }
  });

  it('refuses an Accept without application/pdf, unmetered', async () => {
    const res = await t.call(t.fr, `invoice/${firstInvoice()}/pdf`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as Fault).Fault.Error[0]).toMatchObject({
      code: '4000',
      Detail: expect.stringContaining('Accept: application/pdf, not application/json'),
    });
    expect((await t.call(t.fr, `invoice/${firstInvoice()}/pdf`, { headers: { Accept: '*/*' } })).status).toBe(200);
    expect(t.sim.controls.counters()[t.fr]).toMatchObject({ requests: 2, meteredReads: 1 });
  });

  it('counts against the per-minute limit and answers 401 without a token, like every call', async () => {
    expect((await t.call(t.fr, `invoice/${firstInvoice()}/pdf`, { ...PDF, token: null })).status).toBe(401);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await t.call(t.fr, `invoice/${firstInvoice()}/pdf`, PDF)).status);
    expect(statuses).toEqual([...Array(10).fill(200), 429]);
  });
});
