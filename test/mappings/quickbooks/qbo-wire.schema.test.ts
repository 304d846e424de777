import {
  QboCdcResponseWireSchema,
  QboCustomerWireSchema,
  QboInvoiceWireSchema,
  QboQueryResponseWireSchema,
  cdcRecords,
  faultOf,
} from '../../../mappings/quickbooks/qbo-wire.schema';
import { customer, deletedInvoiceStub, invoice, payment } from './samples';

describe('QuickBooks wire envelopes', () => {
  it('reads a query answer; no entity key when nothing matches; count(*) as totalCount (§2.2)', () => {
    const page = QboQueryResponseWireSchema.parse({
      QueryResponse: { Invoice: [invoice], startPosition: 1, maxResults: 1 },
      time: '2026-03-04T10:15:00.123-08:00',
    });
    expect(page.QueryResponse.Invoice).toHaveLength(1);
    const none = QboQueryResponseWireSchema.parse({ QueryResponse: {}, time: '2026-03-04T10:15:00.123-08:00' });
    expect(none.QueryResponse.Invoice).toBeUndefined();
    expect(QboQueryResponseWireSchema.parse({ QueryResponse: { totalCount: 412 } }).QueryResponse.totalCount).toBe(412);
  });

  it('keeps a malformed record inside the page for its mapper to quarantine', () => {
    const page = QboQueryResponseWireSchema.parse({ QueryResponse: { Invoice: [invoice, { Id: 7, TotalAmt: 'x' }] } });
    expect(page.QueryResponse.Invoice).toHaveLength(2);
  });

  it('reads a CDC answer: one QueryResponse per entity, empty ones, deleted stubs (§2.6)', () => {
    const body = QboCdcResponseWireSchema.parse({
      CDCResponse: [
        {
          QueryResponse: [
            { Invoice: [invoice, deletedInvoiceStub], startPosition: 1, maxResults: 2, totalCount: 2 },
            {},
            { Payment: [payment], startPosition: 1, maxResults: 1, totalCount: 1 },
            { Customer: [customer] },
          ],
        },
      ],
      time: '2026-03-04T10:15:00.123-08:00',
    });
    const records = cdcRecords(body);
    expect(records.Invoice).toEqual([invoice, deletedInvoiceStub]);
    expect(records.Payment).toEqual([payment]);
    expect(records.Customer).toEqual([customer]);
    expect(records.CreditMemo).toEqual([]);
  });

  it('is not fooled by a Fault sent with HTTP 200 (§2.4)', () => {
    const fault = {
      Fault: {
        Error: [
          {
            Message: 'Stale Object Error',
            Detail: 'Stale Object Error : You and Jane were working on this at the same time.',
            code: '5010',
            element: '',
          },
        ],
        type: 'ValidationFault',
      },
      time: '2017-09-29T09:17:31.892-07:00',
    };
    expect(QboQueryResponseWireSchema.safeParse(fault).success).toBe(false);
    expect(faultOf(fault)).toEqual(fault.Fault);
    expect(faultOf({ QueryResponse: {} })).toBeUndefined();
  });

  it.each(['AuthorizatonFault', 'AuthenticationFault', 'SystemFault', 'SERVICE'])('reads a %s fault', (type) => {
    expect(faultOf({ Fault: { Error: [{ Message: 'm', code: '120' }], type } })?.type).toBe(type);
  });

  it('wants the fault code as a string, as QBO sends it', () => {
    expect(faultOf({ Fault: { Error: [{ Message: 'm', code: 5010 }], type: 'ValidationFault' } })).toBeUndefined();
  });
});

describe('QuickBooks entity wire schemas', () => {
  it('tolerates fields of later minor versions and keeps them', () => {
    const parsed = QboInvoiceWireSchema.parse({
      ...invoice,
      ProjectRef: { value: '39298045' },
      EInvoiceStatus: 'Sent',
    });
    expect(parsed).toMatchObject({ ProjectRef: { value: '39298045' }, EInvoiceStatus: 'Sent' });
  });

  it('takes a record with only its filled fields', () => {
    expect(QboInvoiceWireSchema.safeParse(deletedInvoiceStub).success).toBe(true);
    expect(QboCustomerWireSchema.safeParse({ Id: '1', DisplayName: 'A' }).success).toBe(true);
  });

  it.each([
    ['an amount as text', { TotalAmt: '12.00' }, 'TotalAmt'],
    ['an Id as a number', { Id: 130 }, 'Id'],
    ['a reference as a bare id', { CustomerRef: '58' }, 'CustomerRef'],
    ['a LinkedTxn without TxnType', { LinkedTxn: [{ TxnId: '1' }] }, 'LinkedTxn.0.TxnType'],
  ])('refuses %s, naming %s', (_name, change, path) => {
    const r = QboInvoiceWireSchema.safeParse({ ...invoice, ...change });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toContain(path);
  });
});
