import {
  customerToDebtor,
  dateOf,
  invoiceToReceivable,
  type SageActiveMappingContext,
} from '../../../mappings/sage-active/to-canonical';

const ORG = '3f2c6a1e-8b4d-4c2a-9e7f-1a2b3c4d5e6f';
const ctx: SageActiveMappingContext = { connection: 'sage-fr', organizationId: ORG, currency: 'EUR' };
const CUSTOMER = '0b8f1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d';

const invoice = {
  id: 'a1b2c3d4-0000-4000-8000-000000000001',
  operationalNumber: 'FA-2026-0042',
  type: 'NORMAL',
  status: 'PartiallyCollected',
  documentDate: '2026-09-30T00:00:00.000Z',
  firstDueDate: '2026-10-30',
  totalLiquid: 1440.6,
  customerId: CUSTOMER,
  openItems: [
    { id: 'oi-1', amount: 720.3, paidAmountAccumulated: 720.3, dueDate: '2026-10-30', status: 'COLLECTED' },
    { id: 'oi-2', amount: 720.3, paidAmountAccumulated: 200, dueDate: '2026-11-30T00:00:00Z', status: 'PARTIAL' },
  ],
  remarks: 'not read',
};

describe('Sage Active sales invoice → receivable', () => {
  it('keeps what the open items say is left: amount − paidAmountAccumulated of the unsettled ones, due at the earliest of them', () => {
    const r = invoiceToReceivable(invoice, ctx);
    expect(r.outcome).toBe('receivable');
    if (r.outcome !== 'receivable') return;
    expect(r.receivable).toMatchObject({
      id: `sage-fr:${ORG}:SalesInvoice:${invoice.id}`,
      kind: 'invoice',
      number: 'FA-2026-0042',
      debtorId: `sage-fr:${ORG}:Customer:${CUSTOMER}`,
      issueDate: '2026-09-30',
      dueDate: '2026-11-30',
      currency: 'EUR',
      total: 144_060,
      open: 52_030,
    });
    expect(r.receivable.sourceVersion).toMatch(/^d[0-9a-f]{16}$/);
    // A write of ours (remarks, a file) changes nothing kept: the same version.
    const again = invoiceToReceivable({ ...invoice, remarks: '[RECOUVREMENT] relance' }, ctx);
    expect(again.outcome === 'receivable' && again.receivable.sourceVersion).toBe(r.receivable.sourceVersion);
    const paid = invoiceToReceivable({ ...invoice, status: 'Collected' }, ctx);
    expect(paid.outcome === 'receivable' && paid.receivable.open).toBe(0);
  });

  it('a credit note names the invoice it credits; drafts and advance-payment invoices are not receivables', () => {
    const credit = invoiceToReceivable(
      {
        ...invoice,
        id: 'a1b2c3d4-0000-4000-8000-000000000002',
        type: 'CREDIT_NOTE',
        status: 'Posted',
        totalLiquid: -100,
        sourceSalesInvoiceId: invoice.id,
        openItems: [
          { id: 'oi-3', amount: -100, paidAmountAccumulated: 0, dueDate: '2026-10-01', status: 'NOT_SPECIFIED' },
        ],
      },
      ctx,
    );
    expect(credit.outcome === 'receivable' && credit.receivable).toMatchObject({
      kind: 'credit_note',
      total: 10_000,
      open: 10_000,
      creditOf: `sage-fr:${ORG}:SalesInvoice:${invoice.id}`,
    });
    expect(invoiceToReceivable({ ...invoice, status: 'Pending' }, ctx)).toEqual({
      outcome: 'not_a_receivable',
      why: 'status Pending',
    });
    expect(invoiceToReceivable({ ...invoice, type: 'PAYMENT_IN_ADVANCE' }, ctx).outcome).toBe('not_a_receivable');
  });

  it('quarantines what cannot be right, naming the field: no number, a third decimal, more paid than due, open items over the total', () => {
    const reason = (over: Record<string, unknown>) => {
      const r = invoiceToReceivable({ ...invoice, ...over }, ctx);
      return r.outcome === 'quarantined' ? r.reason : r.outcome;
    };
    expect(reason({ operationalNumber: null })).toBe(
      `SalesInvoice ${invoice.id}: operationalNumber is missing on an issued invoice`,
    );
    expect(reason({ totalLiquid: 10.005 })).toContain('totalLiquid 10.005 has more decimals than EUR allows (2)');
    expect(
      reason({
        openItems: [{ id: 'oi-9', amount: 10, paidAmountAccumulated: 12, dueDate: '2026-10-30', status: 'PARTIAL' }],
      }),
    ).toContain('openItems oi-9: paidAmountAccumulated is more than amount');
    expect(reason({ totalLiquid: 100 })).toContain('its open items add up to more than totalLiquid');
    expect(reason({ documentDate: '30/09/2026' })).toContain('documentDate is missing or not a date');
    expect(reason({ totalLiquid: '1440.60' })).toContain('totalLiquid');
  });

  it('reads the three date shapes Sage may send, and nothing else', () => {
    expect(dateOf('2025-10-05')).toBe('2025-10-05');
    expect(dateOf('2025-10-05T00:00:00.000Z')).toBe('2025-10-05');
    expect(dateOf('2025-10-05T00:00:00Z')).toBe('2025-10-05');
    expect(dateOf('2025-02-30')).toBeUndefined();
    expect(dateOf('05/10/2025')).toBeUndefined();
  });
});

describe('Sage Active customer → debtor', () => {
  const customer = {
    id: CUSTOMER,
    code: 'C0042',
    socialName: 'Menuiserie Dupont SARL',
    documentId: '73282932000074',
    vatNumber: 'FR 44 732829320',
    customerType: 'BUSINESS',
    status: 'ENABLED',
    addresses: [
      {
        firstLine: '3 rue des Lilas',
        city: 'Lyon',
        zipCode: '69003',
        countryIsoCodeAlpha2: 'fr',
        isMainAddress: false,
      },
      {
        firstLine: '12 avenue Foch',
        secondLine: 'Bât. B',
        city: 'Paris',
        zipCode: '75016',
        countryIsoCodeAlpha2: 'FR',
        isMainAddress: true,
      },
    ],
    contacts: [
      {
        isDefault: true,
        emails: [
          { emailAddress: 'direction@dupont.fr', usage: null, isDefault: true },
          { emailAddress: 'compta@dupont.fr', usage: 'INVOICES', isDefault: false },
          { emailAddress: 'pas-une-adresse', usage: null },
        ],
        phones: [{ number: '+33 1 23 45 67 89', type: 'PHONE' }],
      },
    ],
  };

  it('takes the SIRET (and its SIREN), the VAT number, the main address first, and the invoices e-mail before the others', () => {
    const r = customerToDebtor(customer, ctx);
    expect(r.outcome).toBe('debtor');
    if (r.outcome !== 'debtor') return;
    expect(r.debtor).toMatchObject({
      id: `sage-fr:${ORG}:Customer:${CUSTOMER}`,
      name: 'Menuiserie Dupont SARL',
      kind: 'company',
      registration: { siret: '73282932000074', siren: '732829320', vat: 'FR44732829320' },
      emails: ['compta@dupont.fr', 'direction@dupont.fr'],
      phones: ['+33 1 23 45 67 89'],
      flags: { doNotContact: false },
    });
    expect(r.debtor.addresses.map((a) => [a.kind, a.city, a.country])).toEqual([
      ['billing', 'Paris', 'FR'],
      ['other', 'Lyon', 'FR'],
    ]);
    // The field is named, never the customer's data.
    expect(r.warnings).toEqual([`Customer ${CUSTOMER}: ignored a contact e-mail (not valid)`]);
  });

  it('ignores a wrong SIREN with a warning, marks an erased (GDPR) customer not to be contacted, quarantines one without a name', () => {
    const wrong = customerToDebtor({ ...customer, documentId: '123456789', status: 'GDPR_APPLIED' }, ctx);
    expect(wrong.outcome === 'debtor' && wrong.debtor.registration).toEqual({ vat: 'FR44732829320' });
    expect(wrong.outcome === 'debtor' && wrong.debtor.flags.doNotContact).toBe(true);
    expect(wrong.outcome === 'debtor' && wrong.warnings.join('\n')).toContain(
      'documentId (not a valid SIREN or SIRET)',
    );
    expect(customerToDebtor({ ...customer, socialName: ' ', tradeName: null }, ctx)).toEqual({
      outcome: 'quarantined',
      reason: `Customer ${CUSTOMER}: no socialName nor tradeName`,
    });
  });
});
