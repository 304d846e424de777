import { moveToReceivable, partnerToDebtor, toMinorUnits } from '../../../mappings/odoo/to-canonical';

// Shaped like the v18-03 capture (account.move search_read over XML-RPC).
const move = {
  id: 4,
  name: 'INV/2026/00004',
  ref: false,
  move_type: 'out_invoice',
  state: 'posted',
  payment_state: 'partial',
  invoice_date: '2026-10-09',
  invoice_date_due: '2026-11-08',
  amount_total: 31750.0,
  amount_residual: 11750.5,
  currency_id: [1, 'USD'],
  partner_id: [15, 'Deco Addict, Jean Contact'],
  commercial_partner_id: [10, 'Deco Addict'],
  company_id: [1, 'My Company (San Francisco)'],
  write_date: '2026-11-23 04:59:18',
};

describe('Odoo account.move → Receivable', () => {
  it('maps a posted partial invoice to the commercial entity, in minor units', () => {
    const r = moveToReceivable(move, 'main');
    expect(r).toEqual({
      ok: true,
      warnings: [],
      value: expect.objectContaining({
        id: 'main:account.move:4',
        kind: 'invoice',
        number: 'INV/2026/00004',
        debtorId: 'main:res.partner:10',
        companyId: 'main:res.company:1',
        issueDate: '2026-10-09',
        dueDate: '2026-11-08',
        currency: 'USD',
        total: 3_175_000,
        open: 1_175_050,
        sourceVersion: '2026-11-23 04:59:18',
        excluded: null,
      }),
    });
  });

  it('a credit note made from an invoice (reversed_entry_id) names the invoice it credits; an invoice never does', () => {
    const refund = moveToReceivable(
      {
        ...move,
        move_type: 'out_refund',
        name: 'RINV/2026/00002',
        amount_total: -50,
        amount_residual: -50,
        reversed_entry_id: [280, 'INV/2026/00165'],
      },
      'main',
    );
    expect(refund.ok && refund.value).toMatchObject({ kind: 'credit_note', creditOf: 'main:account.move:280' });
    const standalone = moveToReceivable(
      {
        ...move,
        move_type: 'out_refund',
        name: 'RINV/2026/00003',
        amount_total: -50,
        amount_residual: -50,
        reversed_entry_id: false,
      },
      'main',
    );
    expect(standalone.ok && 'creditOf' in standalone.value).toBe(false);
    const invoice = moveToReceivable({ ...move, reversed_entry_id: [280, 'INV/2026/00165'] }, 'main');
    expect(invoice.ok && 'creditOf' in invoice.value).toBe(false);
  });

  it('maps a credit note (out_refund) with positive magnitudes', () => {
    const r = moveToReceivable(
      { ...move, move_type: 'out_refund', name: 'RINV/2026/00001', amount_total: -120, amount_residual: -120 },
      'main',
    );
    expect(r.ok && r.value).toMatchObject({ kind: 'credit_note', total: 12_000, open: 12_000 });
  });

  it('takes what is owed from amount_residual, whatever payment_state says, and blocked (18+) as excluded', () => {
    for (const state of ['paid', 'in_payment', 'reversed']) {
      const r = moveToReceivable({ ...move, payment_state: state, amount_residual: 0 }, 'main');
      expect(r.ok && r.value.open).toBe(0);
    }
    // Enterprise: a partly paid invoice may be in_payment with money still owed.
    const partlyInPayment = moveToReceivable(
      { ...move, payment_state: 'in_payment', amount_total: 1000, amount_residual: 400 },
      'main',
    );
    expect(partlyInPayment.ok && partlyInPayment.value.open).toBe(40_000);
    // Moves from before the accounting app: Odoo does not follow their residual.
    const legacy = moveToReceivable({ ...move, payment_state: 'invoicing_legacy' }, 'main');
    expect(legacy.ok && legacy.value.open).toBe(0);
    expect(legacy.ok && legacy.warnings.join('\n')).toMatch(/invoicing_legacy .*treated as settled/);
    const blocked = moveToReceivable({ ...move, payment_state: 'blocked' }, 'main');
    expect(blocked.ok && blocked.value.excluded?.reason).toContain('blocked in Odoo');
  });

  it('uses the invoice date when there is no due date (Odoo sends false)', () => {
    const r = moveToReceivable({ ...move, invoice_date_due: false }, 'main');
    expect(r.ok && r.value.dueDate).toBe('2026-10-09');
  });

  it.each([
    ['a vendor bill', { move_type: 'in_invoice' }, 'move_type "in_invoice" is not a customer invoice or credit note'],
    ['a draft', { state: 'draft' }, 'state "draft": only posted moves are receivables'],
    ['no number', { name: '/' }, 'posted move without a number'],
    ['no invoice date', { invoice_date: false }, 'INV/2026/00004: posted without an invoice_date'],
    ['no customer', { commercial_partner_id: false }, 'INV/2026/00004: no customer'],
    [
      'sub-cent amount',
      { amount_residual: 10.005 },
      'INV/2026/00004: amount_residual amount 10.005 has more decimals than USD allows (2)',
    ],
    ['residual above total', { amount_residual: 40000 }, 'INV/2026/00004: open: open amount cannot exceed the total'],
    ['garbage', { amount_total: 'lots' }, 'not an Odoo account.move record: amount_total'],
    // Math.abs used to turn this into a debt of 120.50.
    [
      'a negative residual on an invoice',
      { amount_residual: -120.5 },
      'INV/2026/00004: a customer invoice with a negative amount_residual (-120.5): Odoo keeps these unsigned, so the record is not trusted as a debt',
    ],
    [
      'a negative total on an invoice',
      { amount_total: -500 },
      'INV/2026/00004: a customer invoice with a negative amount_total (-500)',
    ],
    ['unknown currency', { currency_id: [9, 'XXY'] }, 'INV/2026/00004: currency: unknown ISO 4217 currency "XXY"'],
    // Ids: positive safe integers only, never a debtor keyed on 0, a rounded id or a bigint's digits.
    [
      'a zero id',
      { id: 0 },
      'INV/2026/00004: account.move id 0 is not an Odoo id (a positive whole number up to 2^53−1)',
    ],
    ['a negative id', { id: -4 }, 'INV/2026/00004: account.move id -4 is not an Odoo id'],
    ['a fractional id', { id: 4.5 }, 'account.move id 4.5 is not an Odoo id'],
    [
      'an id beyond 2^53 (decoded as a bigint)',
      { id: 9007199254740993n },
      'INV/2026/00004: account.move id 9007199254740993 is not an Odoo id',
    ],
    ['an unsafe id (rounded by a JSON decoder)', { id: 2 ** 53 }, 'account.move id 9007199254740992 is not an Odoo id'],
    ['an id sent as text', { id: '4' }, 'account.move id "4" is not an Odoo id'],
    [
      'a customer with id 0',
      { commercial_partner_id: [0, 'Deco Addict'] },
      'INV/2026/00004: commercial_partner_id [0,"Deco Addict"]: 0 is not an Odoo id',
    ],
    [
      'a customer with a negative id',
      { commercial_partner_id: [-10, 'Deco Addict'] },
      'commercial_partner_id [-10,"Deco Addict"]: -10 is not an Odoo id',
    ],
    [
      'a customer id beyond 2^53',
      { commercial_partner_id: [9007199254740993n, 'Deco Addict'] },
      'commercial_partner_id ["9007199254740993","Deco Addict"]: 9007199254740993 is not an Odoo id',
    ],
    [
      'a many2one without its name',
      { commercial_partner_id: [10] },
      'INV/2026/00004: commercial_partner_id [10] is not an Odoo many2one value ([id, "name"] or false)',
    ],
    ['a many2one as a bare id', { company_id: 1 }, 'INV/2026/00004: company_id 1 is not an Odoo many2one value'],
    [
      'a company with a fractional id',
      { company_id: [1.5, 'My Company'] },
      'company_id [1.5,"My Company"]: 1.5 is not an Odoo id',
    ],
    ['a currency with id 0', { currency_id: [0, 'USD'] }, 'currency_id [0,"USD"]: 0 is not an Odoo id'],
    [
      'an invoiced contact with a bad id',
      { partner_id: [-15, 'Jean Contact'] },
      'partner_id [-15,"Jean Contact"]: -15 is not an Odoo id',
    ],
    [
      'a credit note crediting id 0',
      { move_type: 'out_refund', reversed_entry_id: [0, 'INV/2026/00001'] },
      'reversed_entry_id [0,"INV/2026/00001"]: 0 is not an Odoo id',
    ],
  ])('quarantines %s with a clear reason', (_name, change, reason) => {
    const r = moveToReceivable({ ...move, ...change }, 'main');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toContain(reason);
  });

  it('converts floats to minor units exactly, per currency digits', () => {
    expect(toMinorUnits(0.1 + 0.2, 'EUR')).toBe(30);
    expect(toMinorUnits(1234, 'JPY')).toBe(1234);
    expect(toMinorUnits(12.5, 'JPY')).toBe('amount 12.5 has more decimals than JPY allows (0)');
    expect(toMinorUnits(1.234, 'KWD')).toBe(1234);
  });
});

describe('Odoo res.partner → Debtor', () => {
  const partner = {
    id: 10,
    name: 'Deco Addict',
    is_company: true,
    vat: 'FR44 732829320',
    company_registry: '732 829 320',
    siret: '73282932000074',
    email: 'deco.addict82@example.com, compta@deco.example',
    phone: '(603)-996-3829',
    mobile: false,
    street: '77 Santa Barbara Rd',
    street2: false,
    zip: '94523',
    city: 'Pleasant Hill',
    country_code: 'US',
    lang: 'fr_FR',
    write_date: '2026-11-23 04:58:00',
  };

  it('maps a company with its identifiers, contacts, address and language', () => {
    const r = partnerToDebtor(partner, 'main');
    expect(r.ok && r.value).toMatchObject({
      id: 'main:res.partner:10',
      kind: 'company',
      registration: { siren: '732829320', siret: '73282932000074', vat: 'FR44732829320' },
      emails: ['deco.addict82@example.com', 'compta@deco.example'],
      phones: ['(603)-996-3829'],
      addresses: [
        { kind: 'billing', lines: ['77 Santa Barbara Rd'], postalCode: '94523', city: 'Pleasant Hill', country: 'US' },
      ],
      language: 'fr',
    });
  });

  it('writes a VAT number as VIES does, without separators, and drops one of no VAT shape', () => {
    const swiss = partnerToDebtor(
      { ...partner, country_id: false, company_registry: false, siret: false, vat: 'CHE-252.770.490 TVA' },
      'main',
    );
    expect(swiss.ok && swiss.value.registration.vat).toBe('CHE252770490TVA');
    const none = partnerToDebtor({ ...partner, company_registry: false, siret: false, vat: 'n/a' }, 'main');
    expect(none.ok && none.value.registration).toEqual({});
    expect(none.ok && none.warnings.join('\n')).toContain(
      'vat (not a VAT number: 2 letters, then 2 to 13 letters or digits)',
    );
  });

  it('keeps the debtor but drops invalid identifiers and contact details, with warnings', () => {
    const r = partnerToDebtor(
      {
        ...partner,
        company_registry: '123456789',
        siret: '11111111111111',
        vat: 'FR00732829320',
        email: 'not-an-email',
        phone: 'call me',
      },
      'main',
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.registration).toEqual({});
    expect(r.value.emails).toEqual([]);
    // One line per record, at the log's default level: each field is named, never its value (personal data).
    expect(r.warnings).toEqual([
      'partner 10: ignored company_registry (not a valid SIREN), siret (not a valid SIRET for this partner), vat (wrong key), email (the address is not valid), phone (not a phone number)',
    ]);
    expect(r.warnings.join('\n')).not.toMatch(/not-an-email|call me|123456789|11111111111111|FR00732829320/);
  });

  it('an individual without address stays a debtor without address', () => {
    const r = partnerToDebtor(
      { id: 30, name: 'Claire Fontaine', is_company: false, email: false, write_date: '2026-11-23 04:58:00' },
      'main',
    );
    expect(r.ok && r.value).toMatchObject({ kind: 'individual', addresses: [], emails: [], language: 'fr' });
  });

  it('quarantines a partner without a name', () => {
    expect(partnerToDebtor({ ...partner, name: false }, 'main')).toEqual({
      ok: false,
      reason: 'partner 10 has no name',
    });
  });

  it.each([
    [0, 'res.partner id 0 is not an Odoo id (a positive whole number up to 2^53−1)'],
    [-10, 'res.partner id -10 is not an Odoo id'],
    [9007199254740993n, 'res.partner id 9007199254740993 is not an Odoo id'],
    [2 ** 53, 'res.partner id 9007199254740992 is not an Odoo id'],
  ])('quarantines a partner whose id is %p, with the reason', (id, reason) => {
    const r = partnerToDebtor({ ...partner, id }, 'main');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toContain(reason);
  });

  it('takes the largest safe id as it is', () => {
    const r = partnerToDebtor({ ...partner, id: Number.MAX_SAFE_INTEGER }, 'main');
    expect(r.ok && r.value.id).toBe(`main:res.partner:${Number.MAX_SAFE_INTEGER}`);
  });
});
