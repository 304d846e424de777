import {
  countryCode,
  creditMemoToReceivable,
  customerToDebtor,
  invoiceToReceivable,
  mapBatch,
  parseQboId,
  paymentToPayment,
  qboAmountToMinor,
  qboIds,
  rollUp,
  type QboCustomerParents,
} from '../../../mappings/quickbooks/to-canonical';
import {
  REALM,
  creditMemo,
  ctx,
  customer,
  deletedInvoiceStub,
  invoice,
  payment,
  subCustomer,
  subSubCustomer,
} from './samples';

const parents: QboCustomerParents = new Map([
  ['58', null],
  ['59', '58'],
  ['60', '59'],
]);

describe('QuickBooks ids', () => {
  it('namespaces by connection and realm, and tells Invoice 130 from CreditMemo 130', () => {
    expect(qboIds.invoice(ctx, '130')).toBe(`qbo-fr:${REALM}:Invoice:130`);
    expect(qboIds.creditMemo(ctx, '130')).toBe(`qbo-fr:${REALM}:CreditMemo:130`);
    expect(qboIds.invoice({ ...ctx, realm: '1234567890' }, '130')).not.toBe(qboIds.invoice(ctx, '130'));
    expect(qboIds.invoice({ ...ctx, connection: 'qbo-us' }, '130')).not.toBe(qboIds.invoice(ctx, '130'));
  });

  it('reads a canonical id back, and refuses one of another connection or realm', () => {
    expect(parseQboId(ctx, qboIds.creditMemo(ctx, '130'))).toEqual({ entity: 'CreditMemo', id: '130' });
    expect(parseQboId({ ...ctx, realm: '1234567890' }, qboIds.invoice(ctx, '130'))).toBeUndefined();
    expect(parseQboId(ctx, `qbo-fr:${REALM}:Bill:1`)).toBeUndefined();
    expect(parseQboId(ctx, `qbo-fr:${REALM}:Invoice:1:2`)).toBeUndefined();
    expect(parseQboId(ctx, 'odoo:account.move:4')).toBeUndefined();
  });
});

describe('QuickBooks amounts → minor units of the record currency', () => {
  it.each([
    [1520.4, 'EUR', 152_040],
    [0.1, 'EUR', 10],
    [1520, 'JPY', 1520],
    [12.345, 'TND', 12_345],
    [0.005, 'KWD', 5],
    [7.1, 'BHD', 7100],
    [0, 'EUR', 0],
    [-12.5, 'EUR', -1250],
  ])('%p %s → %p', (amount, currency, minor) => {
    expect(qboAmountToMinor(amount, currency)).toBe(minor);
  });

  it.each([
    [12.5, 'JPY', '12.5 has more decimals than JPY allows (0)'],
    [10.005, 'EUR', '10.005 has more decimals than EUR allows (2)'],
    [1.2345, 'TND', '1.2345 has more decimals than TND allows (3)'],
    [0.1 + 0.2, 'EUR', '0.30000000000000004 has more decimals than EUR allows (2)'],
    [1e21, 'EUR', '1e+21 is not an amount QuickBooks sends'],
    [100_000_000_000_000, 'EUR', '100000000000000 EUR is too large to be exact'],
  ])('refuses %p %s rather than round it', (amount, currency, problem) => {
    expect(qboAmountToMinor(amount, currency)).toBe(problem);
  });
});

describe('QuickBooks Customer → Debtor', () => {
  it('maps a French company with its SIRET from the configured custom field, its TVA, contacts and address', () => {
    const r = customerToDebtor(customer, ctx);
    expect(r).toEqual({
      outcome: 'debtor',
      link: { id: '58', parent: null },
      warnings: [],
      debtor: {
        id: `qbo-fr:${REALM}:Customer:58`,
        source: { system: 'quickbooks', connection: 'qbo-fr', id: `${REALM}:Customer:58` },
        name: 'Ateliers Dubois SARL',
        kind: 'company',
        registration: { siren: '732829320', siret: '73282932000074', vat: 'FR44732829320' },
        addresses: [
          { kind: 'billing', lines: ['12 rue des Tanneurs'], postalCode: '69002', city: 'Lyon', country: 'FR' },
        ],
        emails: ['compta@ateliers-dubois.example'],
        phones: ['01 42 68 53 00'],
        language: 'fr',
        flags: { doNotContact: false, insolvency: null },
      },
    });
  });

  it('takes the TVA from the configured custom field before PrimaryTaxIdentifier, and a SIREN alone', () => {
    const r = customerToDebtor(
      {
        ...customer,
        PrimaryTaxIdentifier: 'FR00000000000',
        CustomField: [
          { DefinitionId: '1', Name: 'siret ', Type: 'StringType', StringValue: '732829320' },
          { DefinitionId: '2', Name: 'N° TVA', Type: 'StringType', StringValue: 'fr-44-732829320' },
        ],
      },
      ctx,
    );
    expect(r.outcome === 'debtor' && r.debtor.registration).toEqual({ siren: '732829320', vat: 'FR44732829320' });
    expect(r.outcome === 'debtor' && r.warnings).toEqual([]);
  });

  it('keeps the debtor but drops an invalid SIRET, a TVA with a wrong key and a masked tax id, naming fields only', () => {
    const bad = customerToDebtor(
      {
        ...customer,
        PrimaryTaxIdentifier: 'FR00732829320',
        CustomField: [{ Name: 'SIRET', Type: 'StringType', StringValue: '73282932000075' }],
        PrimaryEmailAddr: { Address: 'compta@ateliers-dubois.example, pas-un-email' },
        PrimaryPhone: { FreeFormNumber: 'demander Claire' },
      },
      ctx,
    );
    expect(bad.outcome).toBe('debtor');
    if (bad.outcome !== 'debtor') return;
    expect(bad.debtor.registration).toEqual({});
    expect(bad.debtor.emails).toEqual(['compta@ateliers-dubois.example']);
    expect(bad.warnings).toEqual([
      'Customer 58: ignored custom field "SIRET" (not a valid SIREN or SIRET), PrimaryTaxIdentifier (wrong key), PrimaryEmailAddr.Address (address 2 of 2 is not valid), PrimaryPhone.FreeFormNumber (not a phone number)',
    ]);
    expect(bad.warnings.join()).not.toMatch(/73282932000075|FR00732829320|pas-un-email|Claire/);
    const masked = customerToDebtor({ ...customer, PrimaryTaxIdentifier: 'XXXXXXX9320', CustomField: [] }, ctx);
    expect(masked.outcome === 'debtor' && masked.debtor.registration).toEqual({});
    expect(masked.outcome === 'debtor' && masked.warnings).toEqual([
      'Customer 58: ignored PrimaryTaxIdentifier (masked by QuickBooks)',
    ]);
  });

  it('keeps an inactive customer as a debtor, without the " (deleted)" QBO adds to its name', () => {
    const r = customerToDebtor({ ...customer, Active: false, DisplayName: 'Ateliers Dubois SARL (deleted)' }, ctx);
    expect(r.outcome === 'debtor' && r.debtor.name).toBe('Ateliers Dubois SARL');
    const active = customerToDebtor({ ...customer, DisplayName: 'Stock (deleted)' }, ctx);
    expect(active.outcome === 'debtor' && active.debtor.name).toBe('Stock (deleted)');
  });

  it('an individual (no CompanyName) is named from DisplayName; an address in another country is kept', () => {
    const r = customerToDebtor(
      {
        Id: '7',
        SyncToken: '0',
        DisplayName: 'Jean Martin',
        GivenName: 'Jean',
        FamilyName: 'Martin',
        BillAddr: { Line1: 'Rue du Marché 4', City: 'Genève', PostalCode: '1204', Country: 'Suisse' },
      },
      ctx,
    );
    expect(r.outcome === 'debtor' && r.debtor).toMatchObject({
      kind: 'individual',
      name: 'Jean Martin',
      addresses: [{ country: 'CH', city: 'Genève' }],
    });
  });

  it('drops an address it cannot place, saying which part is missing', () => {
    const r = customerToDebtor({ ...customer, BillAddr: { Line1: '12 rue des Tanneurs', City: 'Lyon' } }, ctx);
    expect(r.outcome === 'debtor' && r.debtor.addresses).toEqual([]);
    expect(r.outcome === 'debtor' && r.warnings).toEqual([
      'Customer 58: ignored BillAddr (incomplete: PostalCode, Country)',
    ]);
    const mars = customerToDebtor({ ...customer, BillAddr: { ...customer.BillAddr, Country: 'Mars' } }, ctx);
    expect(mars.outcome === 'debtor' && mars.warnings.join()).toContain('Country (not a country name or code)');
  });

  it.each([
    ['France', 'FR'],
    ['fr', 'FR'],
    ['Allemagne', 'DE'],
    ['United States', 'US'],
    ['USA', 'US'],
    ['Royaume-Uni', 'GB'],
    ['  côte d’ivoire ', 'CI'],
    ['European Union', undefined],
    ['Unknown Region', undefined],
  ])('reads the free-text country %p as %p', (text, code) => {
    expect(countryCode(text)).toBe(code);
  });

  it('a sub-customer is no debtor of its own: it gives the link to its parent', () => {
    expect(customerToDebtor(subCustomer, ctx)).toEqual({
      outcome: 'sub_customer',
      link: { id: '59', parent: '58' },
      warnings: [],
    });
  });

  it.each([
    [
      'no name at all',
      { DisplayName: ' ', CompanyName: undefined, GivenName: undefined, FamilyName: undefined },
      'Customer 58: no DisplayName, CompanyName or GivenName/FamilyName',
    ],
    ['a numeric Id', { Id: 58 }, 'Customer (unreadable Id): Id: Invalid input: expected string, received number'],
    [
      'an Active flag as text',
      { Active: 'true' },
      'Customer 58: Active: Invalid input: expected boolean, received string',
    ],
    ['a parent that is itself', { ParentRef: { value: '58' } }, 'Customer 58: ParentRef names the customer itself'],
  ])('quarantines a customer with %s', (_name, change, reason) => {
    const r = customerToDebtor({ ...customer, ...change }, ctx);
    expect(r).toEqual({ outcome: 'quarantined', entry: expect.objectContaining({ reason }) });
  });
});

describe('sub-customer roll-up', () => {
  it('walks up to the top parent, names the first unknown ancestor, and stops on a loop', () => {
    expect(rollUp(parents, '60')).toEqual({ top: '58' });
    expect(rollUp(parents, '58')).toEqual({ top: '58' });
    expect(rollUp(new Map([['60', '59']]), '60')).toEqual({ missing: '59' });
    expect(rollUp(new Map(), '58')).toEqual({ missing: '58' });
    expect(
      rollUp(
        new Map([
          ['1', '2'],
          ['2', '1'],
        ]),
        '1',
      ),
    ).toEqual({ cycle: ['1', '2', '1'] });
  });

  it("an invoice of a sub-sub-customer is the top parent's debt", () => {
    const r = invoiceToReceivable(
      { ...invoice, CustomerRef: { value: '60', name: 'Lot 2 menuiseries' } },
      ctx,
      parents,
    );
    expect(r.outcome === 'receivable' && r.receivable.debtorId).toBe(`qbo-fr:${REALM}:Customer:58`);
  });

  it('a batch learns the links from its own customers and asks for the parents it has not read', () => {
    const first = mapBatch(
      { Customer: [subSubCustomer], Invoice: [{ ...invoice, CustomerRef: { value: '60' } }] },
      ctx,
      new Map(),
    );
    expect(first.receivables).toEqual([]);
    expect([...first.missingCustomers]).toEqual(['59']);
    expect(first.waiting).toEqual([{ entity: 'Invoice', raw: expect.objectContaining({ Id: '130' }) }]);
    expect([...first.links]).toEqual([['60', '59']]);
    // The adapter reads customer 59, then 58, each time mapping the waiting records again.
    const known = new Map(first.links);
    const second = mapBatch({ Customer: [subCustomer], Invoice: first.waiting.map((w) => w.raw) }, ctx, known);
    expect([...second.missingCustomers]).toEqual(['58']);
    for (const [k, v] of second.links) known.set(k, v);
    const third = mapBatch({ Customer: [customer], Invoice: second.waiting.map((w) => w.raw) }, ctx, known);
    expect(third.missingCustomers.size).toBe(0);
    expect(third.debtors.map((d) => d.id)).toEqual([`qbo-fr:${REALM}:Customer:58`]);
    expect(third.receivables.map((r) => r.debtorId)).toEqual([`qbo-fr:${REALM}:Customer:58`]);
  });

  it('quarantines what still has no customer once the adapter has read what it could', () => {
    const r = mapBatch({ Invoice: [invoice] }, ctx, new Map(), { unresolved: 'quarantine' });
    expect(r.waiting).toEqual([]);
    expect(r.quarantined).toEqual([
      {
        sourceId: `${REALM}:Invoice:130`,
        reason: 'Invoice 130: its customer 58 could not be read from QuickBooks, or was quarantined',
        raw: invoice,
      },
    ]);
  });

  it('quarantines a receivable whose customers loop through ParentRef', () => {
    const loop = new Map([
      ['58', '59'],
      ['59', '58'],
    ]);
    const r = invoiceToReceivable(invoice, ctx, loop);
    expect(r.outcome === 'quarantined' && r.entry.reason).toBe(
      "Invoice 130 (F-2026-0130): CustomerRef: the customers' ParentRef chain loops (58 → 59 → 58)",
    );
  });
});

describe('QuickBooks Invoice and CreditMemo → Receivable', () => {
  it('maps an open invoice: number, dates, currency, amounts in cents, a digest of them as version', () => {
    expect(invoiceToReceivable(invoice, ctx, parents)).toEqual({
      outcome: 'receivable',
      warnings: [],
      receivable: {
        id: `qbo-fr:${REALM}:Invoice:130`,
        source: { system: 'quickbooks', connection: 'qbo-fr', id: `${REALM}:Invoice:130` },
        kind: 'invoice',
        number: 'F-2026-0130',
        debtorId: `qbo-fr:${REALM}:Customer:58`,
        companyId: `qbo-fr:${REALM}:Company`,
        issueDate: '2026-02-01',
        dueDate: '2026-03-03',
        currency: 'EUR',
        total: 152_040,
        open: 52_040,
        sourceVersion: expect.stringMatching(/^d[0-9a-f]{16}$/),
        disputed: null,
        excluded: null,
        promiseToPay: null,
        paymentPlan: null,
      },
    });
  });

  it('our own writes come back unchanged: a new SyncToken and private note keep the version, a payment changes it', () => {
    const version = (i: typeof invoice) => {
      const r = invoiceToReceivable(i, ctx, parents);
      return r.outcome === 'receivable' ? r.receivable.sourceVersion : undefined;
    };
    const before = version(invoice);
    expect(before).toBeDefined();
    expect(
      version({
        ...invoice,
        SyncToken: '3',
        PrivateNote: '[Recouvra 2026-03-10 #0123456789abcdef0123-abcdef] Relance',
      }),
    ).toBe(before);
    expect(version({ ...invoice, SyncToken: '4', Balance: 420.4 })).not.toBe(before);
  });

  it.each([
    ['EUR', 1520.4, 520.4, 152_040, 52_040],
    ['USD', 99.99, 99.99, 9999, 9999],
    ['GBP', 250, 0.01, 25_000, 1],
    ['JPY', 158_000, 58_000, 158_000, 58_000],
    ['TND', 1250.125, 250.005, 1_250_125, 250_005],
    ['KWD', 310.5, 310.5, 310_500, 310_500],
  ])('a %s invoice is counted in that currency’s minor units', (currency, total, balance, minorTotal, minorOpen) => {
    const r = invoiceToReceivable(
      { ...invoice, CurrencyRef: { value: currency }, ExchangeRate: 3.21, TotalAmt: total, Balance: balance },
      ctx,
      parents,
    );
    expect(r.outcome === 'receivable' && r.receivable).toMatchObject({ currency, total: minorTotal, open: minorOpen });
  });

  it('a balance of 0 is an invoice open for 0, not a closure', () => {
    const r = invoiceToReceivable({ ...invoice, Balance: 0 }, ctx, parents);
    expect(r.outcome === 'receivable' && r.receivable.open).toBe(0);
  });

  it('falls back to the Id without DocNumber, to TxnDate without DueDate, to the home currency without CurrencyRef', () => {
    const { DocNumber: _n, DueDate: _d, CurrencyRef: _c, ...bare } = invoice;
    const r = invoiceToReceivable(bare, ctx, parents);
    expect(r.outcome === 'receivable' && r.receivable).toMatchObject({
      number: '130',
      dueDate: '2026-02-01',
      currency: 'EUR',
    });
    const unknown = invoiceToReceivable(bare, { ...ctx, homeCurrency: undefined }, parents);
    expect(unknown.outcome === 'quarantined' && unknown.entry.reason).toBe(
      'Invoice 130: CurrencyRef is missing and the company currency is not known',
    );
  });

  it('closes a voided invoice (amounts zeroed, "Voided" in the private note) and a zero-total one', () => {
    const voided = { ...invoice, SyncToken: '3', TotalAmt: 0, Balance: 0, PrivateNote: 'Voided Relancé par téléphone' };
    expect(invoiceToReceivable(voided, ctx, parents)).toEqual({
      outcome: 'closed',
      closure: { id: `qbo-fr:${REALM}:Invoice:130`, reason: 'invoice F-2026-0130 voided in QuickBooks' },
    });
    const zero = invoiceToReceivable({ ...invoice, TotalAmt: 0, Balance: 0, PrivateNote: undefined }, ctx, parents);
    expect(zero.outcome === 'closed' && zero.closure.reason).toBe(
      'invoice F-2026-0130 has a total of 0 in QuickBooks (voided)',
    );
    const status = invoiceToReceivable({ ...invoice, TxnStatus: 'Voided' }, ctx, parents);
    expect(status.outcome).toBe('closed');
  });

  it('closes deleted stubs of invoices and credit memos, each under its own id', () => {
    expect(invoiceToReceivable(deletedInvoiceStub, ctx, new Map())).toEqual({
      outcome: 'closed',
      closure: { id: `qbo-fr:${REALM}:Invoice:65`, reason: 'invoice deleted in QuickBooks' },
    });
    expect(creditMemoToReceivable(deletedInvoiceStub, ctx, new Map())).toEqual({
      outcome: 'closed',
      closure: { id: `qbo-fr:${REALM}:CreditMemo:65`, reason: 'credit memo deleted in QuickBooks' },
    });
  });

  it('maps a credit memo: open is RemainingCredit, creditOf the invoice it was made from, debtor rolled up', () => {
    const r = creditMemoToReceivable({ ...creditMemo, Balance: 120 }, ctx, parents);
    expect(r.outcome === 'receivable' && r.receivable).toMatchObject({
      id: `qbo-fr:${REALM}:CreditMemo:130`,
      kind: 'credit_note',
      number: 'AV-2026-0007',
      total: 12_000,
      open: 8000,
      debtorId: `qbo-fr:${REALM}:Customer:58`,
      creditOf: `qbo-fr:${REALM}:Invoice:130`,
    });
  });

  it.each([
    [
      'TotalAmt as text',
      { TotalAmt: '1520.40' },
      'Invoice 130: TotalAmt: Invalid input: expected number, received string',
    ],
    [
      'a reference without value',
      { CustomerRef: { name: 'Ateliers Dubois SARL' } },
      'Invoice 130: CustomerRef.value: Invalid input: expected string, received undefined',
    ],
    ['a LinkedTxn without TxnId', { LinkedTxn: [{ TxnType: 'Payment' }] }, 'Invoice 130: LinkedTxn.0.TxnId'],
    ['no Id', { Id: undefined }, 'Invoice (no Id): Id: Invalid input'],
    ['an Id with a colon', { Id: '1:2' }, 'Invoice 1:2: Id is not a QuickBooks id'],
    ['no CustomerRef', { CustomerRef: undefined }, 'Invoice 130 (F-2026-0130): CustomerRef is missing'],
    ['no TxnDate', { TxnDate: undefined }, 'Invoice 130 (F-2026-0130): TxnDate is missing'],
    ['no TotalAmt', { TotalAmt: undefined }, 'Invoice 130 (F-2026-0130): TotalAmt is missing'],
    ['no Balance', { Balance: undefined }, 'Invoice 130 (F-2026-0130): Balance is missing'],
    [
      'sub-cent amount',
      { Balance: 10.005 },
      'Invoice 130 (F-2026-0130): Balance 10.005 has more decimals than EUR allows (2)',
    ],
    [
      'yen with decimals',
      { CurrencyRef: { value: 'JPY' }, TotalAmt: 1520.4 },
      'Invoice 130 (F-2026-0130): TotalAmt 1520.4 has more decimals than JPY allows (0)',
    ],
    [
      'a balance above the total',
      { Balance: 2000 },
      'Invoice 130 (F-2026-0130): Balance: open amount cannot exceed the total',
    ],
    ['a negative balance', { Balance: -5 }, 'Invoice 130 (F-2026-0130): Balance: amount must not be negative'],
    ['a negative total', { TotalAmt: -5 }, 'Invoice 130 (F-2026-0130): TotalAmt: amount must be greater than zero'],
    [
      'an unknown currency',
      { CurrencyRef: { value: 'XXY' } },
      'Invoice 130 (F-2026-0130): CurrencyRef: unknown ISO 4217 currency "XXY"',
    ],
    [
      'a due date before the issue date',
      { DueDate: '2026-01-01' },
      'Invoice 130 (F-2026-0130): DueDate: due date is before the issue date',
    ],
    [
      'a date that is no date',
      { TxnDate: '2026-02-30' },
      'Invoice 130 (F-2026-0130): TxnDate: "2026-02-30" is not a calendar date',
    ],
  ])('quarantines an invoice with %s, naming the field', (_name, change, reason) => {
    const raw = { ...invoice, ...change };
    const r = invoiceToReceivable(raw, ctx, parents);
    expect(r.outcome).toBe('quarantined');
    if (r.outcome !== 'quarantined') return;
    expect(r.entry.reason).toContain(reason);
    expect(r.entry.raw).toBe(raw);
  });

  it('quarantines under the source id a mapped record has, so that fixing it at the source releases it', () => {
    const r = invoiceToReceivable({ ...invoice, TotalAmt: 'x' }, ctx, parents);
    const ok = invoiceToReceivable(invoice, ctx, parents);
    expect(r.outcome === 'quarantined' && r.entry.sourceId).toBe(
      ok.outcome === 'receivable' && ok.receivable.source.id,
    );
  });

  it('a credit memo without RemainingCredit is quarantined, naming it', () => {
    const r = creditMemoToReceivable({ ...creditMemo, RemainingCredit: undefined }, ctx, parents);
    expect(r.outcome === 'quarantined' && r.entry.reason).toBe(
      'CreditMemo 130 (AV-2026-0007): RemainingCredit is missing',
    );
    const over = creditMemoToReceivable({ ...creditMemo, RemainingCredit: 500 }, ctx, parents);
    expect(over.outcome === 'quarantined' && over.entry.reason).toBe(
      'CreditMemo 130 (AV-2026-0007): RemainingCredit: open amount cannot exceed the total',
    );
  });
});

describe('QuickBooks Payment → Payment', () => {
  it('allocates from Line[].LinkedTxn where TxnType is Invoice, in minor units', () => {
    const r = paymentToPayment(payment, ctx, parents);
    expect(r).toEqual({
      outcome: 'payment',
      warnings: [],
      payment: {
        id: `qbo-fr:${REALM}:Payment:212`,
        source: { system: 'quickbooks', connection: 'qbo-fr', id: `${REALM}:Payment:212` },
        debtorId: `qbo-fr:${REALM}:Customer:58`,
        companyId: `qbo-fr:${REALM}:Company`,
        date: '2026-02-20',
        currency: 'EUR',
        amount: 110_000,
        allocations: [
          { receivableId: `qbo-fr:${REALM}:Invoice:130`, amount: 100_000 },
          { receivableId: `qbo-fr:${REALM}:Invoice:131`, amount: 10_000 },
        ],
      },
    });
  });

  it('leaves credit memo lines out; money short of the invoice lines goes to the only invoice, or is not split', () => {
    const withCredit = {
      ...payment,
      TotalAmt: 900,
      Line: [
        { Amount: 1000, LinkedTxn: [{ TxnId: '130', TxnType: 'Invoice' }] },
        { Amount: 100, LinkedTxn: [{ TxnId: '7', TxnType: 'CreditMemo' }] },
      ],
    };
    const one = paymentToPayment(withCredit, ctx, parents);
    expect(one.outcome === 'payment' && one.payment.allocations).toEqual([
      { receivableId: `qbo-fr:${REALM}:Invoice:130`, amount: 90_000 },
    ]);
    const two = paymentToPayment(
      { ...withCredit, Line: [...payment.Line, { Amount: 200, LinkedTxn: [{ TxnId: '7', TxnType: 'CreditMemo' }] }] },
      ctx,
      parents,
    );
    expect(two.outcome === 'payment' && two.payment).toMatchObject({ amount: 90_000, allocations: [] });
    expect(two.outcome === 'payment' && two.warnings.join()).toContain('the split per invoice is not known');
  });

  it('a JPY payment on a sub-customer is the top parent’s, in yen', () => {
    const r = paymentToPayment(
      {
        ...payment,
        CustomerRef: { value: '59' },
        CurrencyRef: { value: 'JPY' },
        ExchangeRate: 0.0062,
        TotalAmt: 58_000,
        Line: [{ Amount: 58_000, LinkedTxn: [{ TxnId: '140', TxnType: 'Invoice' }] }],
      },
      ctx,
      parents,
    );
    expect(r.outcome === 'payment' && r.payment).toMatchObject({
      debtorId: `qbo-fr:${REALM}:Customer:58`,
      currency: 'JPY',
      amount: 58_000,
      allocations: [{ amount: 58_000 }],
    });
  });

  it('ignores a payment of 0 (voided, or a credit applied) and a deleted one, with a warning', () => {
    const voided = paymentToPayment({ ...payment, TotalAmt: 0, PrivateNote: 'Voided', Line: [] }, ctx, parents);
    expect(voided.outcome === 'ignored' && voided.warning).toContain('Payment 212: an amount of 0');
    const gone = paymentToPayment({ Id: '212', status: 'Deleted', MetaData: {} }, ctx, parents);
    expect(gone.outcome).toBe('ignored');
  });

  it.each([
    [
      'a line amount in sub-cents',
      { Line: [{ Amount: 10.001, LinkedTxn: [{ TxnId: '130', TxnType: 'Invoice' }] }] },
      'Payment 212: Line.0.Amount 10.001 has more decimals than EUR allows (2)',
    ],
    ['no TxnDate', { TxnDate: undefined }, 'Payment 212: TxnDate is missing'],
    ['a negative amount', { TotalAmt: -10, Line: [] }, 'Payment 212: TotalAmt: amount must be greater than zero'],
    ['lines as an object', { Line: { Amount: 1 } }, 'Payment 212: Line: Invalid input: expected array'],
  ])('quarantines a payment with %s', (_name, change, reason) => {
    const r = paymentToPayment({ ...payment, ...change }, ctx, parents);
    expect(r.outcome === 'quarantined' && r.entry.reason).toContain(reason);
  });
});

describe('a CDC batch', () => {
  it('maps everything it can, closes deleted and voided invoices, and quarantines the malformed record alone', () => {
    const r = mapBatch(
      {
        Customer: [customer, subCustomer],
        Invoice: [
          invoice,
          deletedInvoiceStub,
          { ...invoice, Id: '131', TotalAmt: 0, Balance: 0 },
          { Id: '132', TotalAmt: 'NaN' },
        ],
        CreditMemo: [creditMemo],
        Payment: [payment],
      },
      ctx,
      new Map(),
    );
    expect(r.debtors.map((d) => d.id)).toEqual([`qbo-fr:${REALM}:Customer:58`]);
    expect(r.receivables.map((x) => x.id)).toEqual([`qbo-fr:${REALM}:Invoice:130`, `qbo-fr:${REALM}:CreditMemo:130`]);
    expect(r.payments.map((x) => x.id)).toEqual([`qbo-fr:${REALM}:Payment:212`]);
    expect(r.closed.map((c) => c.id)).toEqual([`qbo-fr:${REALM}:Invoice:65`, `qbo-fr:${REALM}:Invoice:131`]);
    expect(r.quarantined.map((q) => [q.sourceId, q.reason])).toEqual([
      [`${REALM}:Invoice:132`, 'Invoice 132: TotalAmt: Invalid input: expected number, received string'],
    ]);
    expect([...r.links]).toEqual([
      ['58', null],
      ['59', '58'],
    ]);
    expect(r.missingCustomers.size).toBe(0);
  });
});
