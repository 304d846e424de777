import { floor, round } from '../../odoo/simulator/model/numbers';
import { Rng } from '../../odoo/simulator/model/random';
import { INVOICE_DELETED, INVOICE_OPEN, INVOICE_VOIDED, InvoiceColumns } from './columns';
import { SECONDS_PER_DAY } from './time';

/**
 * The simulated QuickBooks Online companies (realms), deterministic from a seed: customers with
 * sub-customers, invoices (open, partly paid, paid, voided, deleted) in columns, credit memos and
 * payments whose lines settle invoices. Field names and meanings follow erp-apis.md §2.3; what the
 * wire looks like is render.ts's job. Every change goes through a method here, which bumps the
 * SyncToken and LastUpdatedTime (§2.3: "every write bumps SyncToken and MetaData.LastUpdatedTime")
 * and tells the listener (webhooks, §2.7).
 */

export type EntityName = 'Invoice' | 'CreditMemo' | 'Payment' | 'Customer' | 'CompanyInfo';
/** erp-apis.md §2.7: the operations a webhook names. */
export type Operation = 'Create' | 'Update' | 'Delete' | 'Void' | 'Merge' | 'Emailed';

export interface ChangeEvent {
  realmId: string;
  entity: EntityName;
  id: string;
  operation: Operation;
  /** Epoch milliseconds of the change. */
  atMs: number;
}

export interface CurrencyDef {
  code: string;
  name: string;
  /** Digits after the decimal point (JPY 0, TND 3: ISO 4217). */
  decimals: number;
  /** Home-currency units per unit, for the multi-currency company (rounded market rates, not a source). */
  rate: number;
}

export const CURRENCIES: Readonly<Record<string, CurrencyDef>> = {
  EUR: { code: 'EUR', name: 'Euro', decimals: 2, rate: 1 },
  USD: { code: 'USD', name: 'United States Dollar', decimals: 2, rate: 0.92 },
  GBP: { code: 'GBP', name: 'British Pound Sterling', decimals: 2, rate: 1.17 },
  JPY: { code: 'JPY', name: 'Japanese Yen', decimals: 0, rate: 0.0061 },
  TND: { code: 'TND', name: 'Tunisian Dinar', decimals: 3, rate: 0.29 },
};

export interface Address {
  Line1: string;
  City: string;
  PostalCode: string;
  Country: string;
  CountrySubDivisionCode?: string;
}

export interface CustomerRecord {
  id: number;
  syncToken: number;
  displayName: string;
  companyName?: string;
  givenName?: string;
  familyName?: string;
  email?: string;
  phone?: string;
  billAddr?: Address;
  currency: string;
  active: boolean;
  /** PrimaryTaxIdentifier: a French VAT number (FR + key + SIREN). */
  taxId?: string;
  /** The value of the company's SIREN/SIRET custom field, when filled. */
  siret?: string;
  /** Index of the parent customer (a sub-customer is a job: ParentRef, Job: true). */
  parent?: number;
  created: number;
  updated: number;
}

export interface PaymentRecord {
  id: number;
  syncToken: number;
  customer: number;
  day: number;
  /** Minor units of the customer's currency. */
  amount: number;
  unapplied: number;
  lines: { invoiceId: number; amount: number }[];
  rate: number;
  created: number;
  updated: number;
  deleted: boolean;
}

export interface CreditMemoRecord {
  id: number;
  syncToken: number;
  customer: number;
  day: number;
  docNumber: string;
  total: number;
  remaining: number;
  rate: number;
  created: number;
  updated: number;
  deleted: boolean;
}

export interface CustomFieldDef {
  DefinitionId: string;
  Name: string;
}

const KIND_INVOICE = 1;
const KIND_PAYMENT = 2;
const KIND_CREDIT_MEMO = 3;

export class Company {
  readonly customers: CustomerRecord[] = [];
  readonly invoices = new InvoiceColumns();
  readonly payments: PaymentRecord[] = [];
  readonly creditMemos: CreditMemoRecord[] = [];
  /** Transaction id → kind and index (one id sequence for every transaction [UNVERIFIED]). */
  private txnKind = new Uint8Array(1024);
  private txnIndex = new Int32Array(1024);
  nextTxnId: number;
  /** Bumped by every change: query caches and customer balances key on it. */
  version = 0;
  private balanceCache: { version: number; own: Float64Array; withJobs: Float64Array } | undefined;

  constructor(
    readonly realmId: string,
    readonly name: string,
    readonly legalName: string,
    readonly country: string,
    readonly homeCurrency: string,
    readonly currencies: readonly string[],
    /** Offset the company's timestamps are written with, minutes east of UTC [UNVERIFIED]. */
    readonly offsetMinutes: number,
    readonly address: Address,
    readonly invoiceField: CustomFieldDef,
    readonly customerField: CustomFieldDef | undefined,
    readonly docPrefix: string,
    readonly created: number,
    firstTxnId: number,
  ) {
    this.nextTxnId = firstTxnId;
  }

  get multiCurrency(): boolean {
    return this.currencies.length > 1;
  }

  register(id: number, kind: number, index: number): void {
    if (id >= this.txnKind.length) {
      const size = Math.max(id + 1, this.txnKind.length * 2);
      const k = new Uint8Array(size);
      k.set(this.txnKind);
      const i = new Int32Array(size);
      i.set(this.txnIndex);
      this.txnKind = k;
      this.txnIndex = i;
    }
    this.txnKind[id] = kind;
    this.txnIndex[id] = index;
  }

  invoiceRow(id: number): number | undefined {
    return this.txnKind[id] === KIND_INVOICE ? this.txnIndex[id] : undefined;
  }

  payment(id: number): PaymentRecord | undefined {
    return this.txnKind[id] === KIND_PAYMENT ? this.payments[this.txnIndex[id]!] : undefined;
  }

  creditMemo(id: number): CreditMemoRecord | undefined {
    return this.txnKind[id] === KIND_CREDIT_MEMO ? this.creditMemos[this.txnIndex[id]!] : undefined;
  }

  customerById(id: number): CustomerRecord | undefined {
    return this.customers[id - 1];
  }

  /**
   * Customer.Balance (open invoices less unused credit and unapplied payments) and BalanceWithJobs
   * (with its sub-customers'), in the customer's currency [UNVERIFIED: how QBO nets credits].
   */
  balances(): { own: Float64Array; withJobs: Float64Array } {
    if (this.balanceCache?.version === this.version) return this.balanceCache;
    const own = new Float64Array(this.customers.length);
    const inv = this.invoices;
    for (let r = 0; r < inv.length; r++) if (inv.state[r] === INVOICE_OPEN) own[inv.customer[r]!]! += inv.balance[r]!;
    for (const c of this.creditMemos) if (!c.deleted) own[c.customer]! -= c.remaining;
    for (const p of this.payments) if (!p.deleted) own[p.customer]! -= p.unapplied;
    const withJobs = Float64Array.from(own);
    this.customers.forEach((c, i) => {
      if (c.parent !== undefined) withJobs[c.parent]! += own[i]!;
    });
    this.balanceCache = { version: this.version, own, withJobs };
    return this.balanceCache;
  }

  customerCurrency(index: number): CurrencyDef {
    return CURRENCIES[this.customers[index]!.currency]!;
  }
}

export interface QboDataOptions {
  seed: number;
  /** Invoices over all companies (the first gets 60 %, the second 30 %, the third the rest). */
  invoices: number;
  /** The instant the data is generated at (the simulator's clock). */
  now: () => Date;
}

export class QboData {
  readonly companies: Company[] = [];
  /** Told of every change (webhooks). */
  listener: ((event: ChangeEvent) => void) | undefined;

  constructor(private readonly now: () => Date) {}

  company(realmId: string): Company | undefined {
    return this.companies.find((c) => c.realmId === realmId);
  }

  private nowSeconds(): number {
    return floor(this.now().getTime() / 1000);
  }

  private changed(company: Company, entity: EntityName, id: number, operation: Operation, at: number): void {
    company.version++;
    this.listener?.({ realmId: company.realmId, entity, id: String(id), operation, atMs: at * 1000 });
  }

  private requireCompany(realmId: string): Company {
    const c = this.company(realmId);
    if (!c) throw new SimulatorInputError(`no company ${realmId}`);
    return c;
  }

  private requireInvoice(company: Company, id: string): number {
    const row = company.invoiceRow(Number(id));
    if (row === undefined || company.invoices.state[row] === INVOICE_DELETED)
      throw new SimulatorInputError(`no invoice ${id} in company ${company.realmId}`);
    return row;
  }

  /** A new open invoice for `customerId`, dated today; its id. */
  createInvoice(
    realmId: string,
    input: { customerId: string; amount: number; dueInDays?: number; docNumber?: string },
  ): string {
    const company = this.requireCompany(realmId);
    const customer = company.customerById(Number(input.customerId));
    if (!customer) throw new SimulatorInputError(`no customer ${input.customerId}`);
    if (!Number.isSafeInteger(input.amount) || input.amount <= 0)
      throw new SimulatorInputError('amount must be a positive whole number of minor units');
    const at = this.nowSeconds();
    const inv = company.invoices;
    const row = inv.add();
    const id = company.nextTxnId++;
    inv.id[row] = id;
    inv.customer[row] = customer.id - 1;
    inv.txnDay[row] = floor((at + company.offsetMinutes * 60) / SECONDS_PER_DAY);
    inv.dueDay[row] = floor((at + company.offsetMinutes * 60) / SECONDS_PER_DAY) + (input.dueInDays ?? 30);
    inv.total[row] = input.amount;
    inv.balance[row] = input.amount;
    inv.rate[row] = customer.currency === company.homeCurrency ? NaN : CURRENCIES[customer.currency]!.rate;
    inv.created[row] = at;
    inv.updated[row] = at;
    inv.lines[row] = 1;
    if (input.docNumber !== undefined) inv.docNumber.set(row, input.docNumber);
    company.register(id, KIND_INVOICE, row);
    this.changed(company, 'Invoice', id, 'Create', at);
    return String(id);
  }

  /** Sparse change of an invoice's note or custom field (the API's sparse update, and the controls). */
  updateInvoice(realmId: string, id: string, change: { privateNote?: string; customField?: string | null }): void {
    const company = this.requireCompany(realmId);
    const row = this.requireInvoice(company, id);
    const inv = company.invoices;
    if (change.privateNote !== undefined) inv.privateNote.set(row, change.privateNote);
    if (change.customField !== undefined) {
      if (change.customField === null || change.customField === '') inv.customFieldValue.delete(row);
      else inv.customFieldValue.set(row, change.customField);
    }
    this.touchInvoice(company, row, 'Update');
  }

  /**
   * Voiding zeroes the amounts and sets the note to "Voided" (Intuit's advice quoted in
   * mcohen01/node-quickbooks issue #105; the invoice stays readable). [UNVERIFIED: TxnStatus is not
   * set, the reference names the field (§2.3) but not its values.]
   */
  voidInvoice(realmId: string, id: string): void {
    const company = this.requireCompany(realmId);
    const row = this.requireInvoice(company, id);
    const inv = company.invoices;
    inv.state[row] = INVOICE_VOIDED;
    inv.total[row] = 0;
    inv.balance[row] = 0;
    inv.privateNote.set(row, 'Voided');
    this.touchInvoice(company, row, 'Void');
  }

  deleteInvoice(realmId: string, id: string): void {
    const company = this.requireCompany(realmId);
    const row = this.requireInvoice(company, id);
    company.invoices.state[row] = INVOICE_DELETED;
    this.touchInvoice(company, row, 'Delete');
  }

  private touchInvoice(company: Company, row: number, operation: Operation): void {
    const at = this.nowSeconds();
    const inv = company.invoices;
    inv.syncToken[row]!++;
    inv.updated[row] = Math.max(at, inv.updated[row]!);
    this.changed(company, 'Invoice', inv.id[row]!, operation, at);
  }

  /** A payment of `amount` minor units applied to one invoice (at most its balance); its id. */
  addPayment(realmId: string, input: { invoiceId: string; amount: number }): string {
    const company = this.requireCompany(realmId);
    const row = this.requireInvoice(company, input.invoiceId);
    const inv = company.invoices;
    if (!Number.isSafeInteger(input.amount) || input.amount <= 0 || input.amount > inv.balance[row]!)
      throw new SimulatorInputError(`amount must be a whole number of minor units from 1 to ${inv.balance[row]}`);
    const at = this.nowSeconds();
    const id = company.nextTxnId++;
    company.payments.push({
      id,
      syncToken: 0,
      customer: inv.customer[row]!,
      day: floor((at + company.offsetMinutes * 60) / SECONDS_PER_DAY),
      amount: input.amount,
      unapplied: 0,
      lines: [{ invoiceId: inv.id[row]!, amount: input.amount }],
      rate: inv.rate[row]!,
      created: at,
      updated: at,
      deleted: false,
    });
    company.register(id, KIND_PAYMENT, company.payments.length - 1);
    inv.balance[row] = inv.balance[row]! - input.amount;
    const linked = inv.payments.get(row) ?? [];
    linked.push(id);
    inv.payments.set(row, linked);
    this.changed(company, 'Payment', id, 'Create', at);
    this.touchInvoice(company, row, 'Update');
    return String(id);
  }

  updateCustomer(
    realmId: string,
    id: string,
    change: { displayName?: string; active?: boolean; email?: string; phone?: string },
  ): void {
    const company = this.requireCompany(realmId);
    const customer = company.customerById(Number(id));
    if (!customer) throw new SimulatorInputError(`no customer ${id} in company ${realmId}`);
    if (change.displayName !== undefined) customer.displayName = change.displayName;
    if (change.active !== undefined) customer.active = change.active;
    if (change.email !== undefined) customer.email = change.email;
    if (change.phone !== undefined) customer.phone = change.phone;
    const at = this.nowSeconds();
    customer.syncToken++;
    customer.updated = Math.max(at, customer.updated);
    this.changed(company, 'Customer', customer.id, 'Update', at);
  }
}

/** A control asked for something the data cannot do (answered 400 by the control endpoints). */
export class SimulatorInputError extends Error {}

// ---------------------------------------------------------------------------------------------
// Seed

interface CompanySpec {
  name: string;
  legalName: string;
  country: 'FR' | 'US';
  home: string;
  currencies: readonly (readonly [string, number])[];
  offsetMinutes: number;
  share: number;
  address: Address;
  invoiceField: CustomFieldDef;
  customerField?: CustomFieldDef;
  docPrefix: string;
}

// Legacy custom fields: up to 3 string fields on sales forms (erp-apis.md §2.3). A customer's custom
// field is an "enhanced" one [UNVERIFIED: only reachable with include=enhancedAllCustomFields on the
// real API, §2.3]; we send it always, as the SIREN/SIRET holder a French company would set up.
const SPECS: readonly CompanySpec[] = [
  {
    name: 'Atelier Lumière',
    legalName: 'Atelier Lumière SARL',
    country: 'FR',
    home: 'EUR',
    currencies: [
      ['EUR', 70],
      ['USD', 10],
      ['GBP', 10],
      ['JPY', 5],
      ['TND', 5],
    ],
    offsetMinutes: 60,
    share: 0.6,
    address: { Line1: '12 rue des Arts', City: 'Lyon', PostalCode: '69002', Country: 'FR' },
    invoiceField: { DefinitionId: '1', Name: 'Dossier' },
    customerField: { DefinitionId: '1', Name: 'SIREN/SIRET' },
    docPrefix: 'FA',
  },
  {
    name: 'Redwood Supply Co.',
    legalName: 'Redwood Supply Company LLC',
    country: 'US',
    home: 'USD',
    currencies: [['USD', 1]],
    offsetMinutes: -420,
    share: 0.3,
    address: {
      Line1: '400 Market St',
      City: 'San Francisco',
      PostalCode: '94105',
      Country: 'US',
      CountrySubDivisionCode: 'CA',
    },
    invoiceField: { DefinitionId: '1', Name: 'PO Number' },
    docPrefix: '',
  },
  {
    name: 'Boulangerie Martin',
    legalName: 'Boulangerie Martin SAS',
    country: 'FR',
    home: 'EUR',
    currencies: [['EUR', 1]],
    offsetMinutes: 60,
    share: 0.1,
    address: { Line1: '3 place du Marché', City: 'Nantes', PostalCode: '44000', Country: 'FR' },
    invoiceField: { DefinitionId: '1', Name: 'Dossier' },
    customerField: { DefinitionId: '1', Name: 'SIREN/SIRET' },
    docPrefix: 'BM',
  },
];

const FR_NAMES = ['Dupont', 'Moreau', 'Lefebvre', 'Garnier', 'Rousseau', 'Fournier', 'Girard', 'Bonnet', 'Mercier'];
const FR_KINDS = ['Menuiserie', 'Transports', 'Boulangerie', 'Cabinet', 'Garage', 'Imprimerie', 'Pharmacie', 'Studio'];
const FR_CITIES: readonly (readonly [string, string])[] = [
  ['Paris', '75011'],
  ['Lyon', '69003'],
  ['Marseille', '13006'],
  ['Lille', '59000'],
  ['Bordeaux', '33000'],
  ['Toulouse', '31000'],
];
const US_NAMES = ['Harper', 'Lopez', 'Nguyen', 'Patel', 'Kowalski', 'Bennett', 'Okafor', 'Schmidt', 'Walsh'];
const US_KINDS = ['Hardware', 'Landscaping', 'Bakery', 'Dental', 'Auto Repair', 'Printing', 'Design', 'Plumbing'];
const US_CITIES: readonly (readonly [string, string, string])[] = [
  ['Austin', '78701', 'TX'],
  ['Denver', '80202', 'CO'],
  ['Portland', '97205', 'OR'],
  ['Boston', '02110', 'MA'],
];

/** A number with its last digit chosen so the Luhn check passes (SIREN and SIRET are Luhn numbers). */
function luhnComplete(prefix: string): string {
  let sum = 0;
  for (let i = 0; i < prefix.length; i++) {
    let d = Number(prefix[prefix.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return `${prefix}${(10 - (sum % 10)) % 10}`;
}

/** French intra-community VAT number: FR, key (12 + 3 × (SIREN mod 97)) mod 97, SIREN. */
function frenchVat(siren: string): string {
  const key = (12 + 3 * (Number(siren) % 97)) % 97;
  return `FR${key < 10 ? `0${key}` : key}${siren}`;
}

const INVOICE_STATUS: readonly (readonly ['open' | 'partial' | 'paid' | 'voided' | 'deleted', number])[] = [
  ['open', 45],
  ['partial', 15],
  ['paid', 28],
  ['voided', 6],
  ['deleted', 6],
];

export function createQboData(options: QboDataOptions): QboData {
  const data = new QboData(options.now);
  const rng = new Rng(options.seed * 7919 + 17);
  const now = floor(options.now().getTime() / 1000);
  const realmIds = new Set<string>();
  let assigned = 0;
  SPECS.forEach((spec, index) => {
    let realmId: string;
    do realmId = `9130${rng.digits(12)}`;
    while (realmIds.has(realmId));
    realmIds.add(realmId);
    const count = index === SPECS.length - 1 ? options.invoices - assigned : floor(options.invoices * spec.share);
    assigned += count;
    data.companies.push(seedCompany(spec, realmId, count, rng, now));
  });
  return data;
}

function seedCompany(spec: CompanySpec, realmId: string, invoiceCount: number, rng: Rng, now: number): Company {
  const firstTxnId = 100 + rng.int(0, 50);
  const company = new Company(
    realmId,
    spec.name,
    spec.legalName,
    spec.country,
    spec.home,
    spec.currencies.map(([c]) => c),
    spec.offsetMinutes,
    spec.address,
    spec.invoiceField,
    spec.customerField,
    spec.docPrefix,
    now - 900 * SECONDS_PER_DAY,
    firstTxnId,
  );
  seedCustomers(company, spec, rng, now, Math.max(8, Math.ceil(invoiceCount / 40)));
  seedInvoices(company, rng, now, invoiceCount);
  seedCreditMemos(company, rng, now, Math.ceil(invoiceCount / 20));
  return company;
}

function seedCustomers(company: Company, spec: CompanySpec, rng: Rng, now: number, count: number): void {
  const fr = spec.country === 'FR';
  for (let i = 0; i < count; i++) {
    const id = company.customers.length + 1;
    const family = rng.pick(fr ? FR_NAMES : US_NAMES);
    const kind = rng.pick(fr ? FR_KINDS : US_KINDS);
    const displayName = fr ? `${kind} ${family} ${id}` : `${family} ${kind} ${id}`;
    const slug = `${kind}-${family}-${id}`
      .toLowerCase()
      .normalize('NFD')
      .replace(/[^a-z0-9-]/g, '');
    const created = now - rng.int(400, 900) * SECONDS_PER_DAY + rng.int(0, SECONDS_PER_DAY - 1);
    const updated = rng.chance(0.08)
      ? now - rng.int(0, 29 * SECONDS_PER_DAY)
      : created + rng.int(0, 30 * SECONDS_PER_DAY);
    const customer: CustomerRecord = {
      id,
      syncToken: rng.int(0, 3),
      displayName,
      companyName: fr ? `${kind} ${family}` : `${family} ${kind}`,
      currency: rng.weighted(spec.currencies),
      active: !rng.chance(0.1),
      created,
      updated,
    };
    if (rng.chance(0.3)) {
      customer.givenName = fr ? rng.pick(['Claire', 'Hugo', 'Inès', 'Louis']) : rng.pick(['Ann', 'Sam', 'Joe', 'Mia']);
      customer.familyName = family;
    }
    if (rng.chance(0.85)) customer.email = `${fr ? 'compta' : 'ap'}@${slug}.${fr ? 'fr' : 'com'}`;
    if (rng.chance(0.7))
      customer.phone = fr
        ? `+33 ${rng.pick(['1', '4', '6', '7'])} ${rng.digits(2)} ${rng.digits(2)} ${rng.digits(2)} ${rng.digits(2)}`
        : `(${rng.int(200, 989)}) 555-${rng.digits(4)}`;
    if (fr) {
      const [city, postal] = rng.pick(FR_CITIES);
      customer.billAddr = {
        Line1: `${rng.int(1, 120)} rue ${rng.pick(FR_NAMES)}`,
        City: city,
        PostalCode: postal,
        Country: 'FR',
      };
      const siren = luhnComplete(`${rng.int(1, 9)}${rng.digits(7)}`);
      if (rng.chance(0.7)) customer.taxId = frenchVat(siren);
      if (rng.chance(0.5)) customer.siret = rng.chance(0.5) ? siren : luhnComplete(`${siren}${rng.digits(4)}`);
    } else {
      const [city, postal, state] = rng.pick(US_CITIES);
      customer.billAddr = {
        Line1: `${rng.int(10, 9999)} ${rng.pick(['Oak', 'Main', 'Pine'])} St`,
        City: city,
        PostalCode: postal,
        Country: 'US',
        CountrySubDivisionCode: state,
      };
    }
    company.customers.push(customer);
    // Sub-customers (jobs) share their parent's currency (a QBO rule [UNVERIFIED]).
    if (rng.chance(0.15)) {
      const jobs = rng.int(1, 2);
      for (let j = 0; j < jobs; j++) {
        const jobId = company.customers.length + 1;
        company.customers.push({
          id: jobId,
          syncToken: 0,
          displayName: `${fr ? 'Chantier' : 'Project'} ${jobId}`,
          currency: customer.currency,
          active: customer.active,
          parent: id - 1,
          billAddr: customer.billAddr,
          ...(customer.email ? { email: customer.email } : {}),
          created: created + rng.int(1, 100) * SECONDS_PER_DAY,
          updated: created + rng.int(100, 300) * SECONDS_PER_DAY,
        });
      }
    }
  }
}

/** Minor units of `currency` worth about `eurCents` euro cents. */
function fromEuroCents(eurCents: number, currency: CurrencyDef): number {
  return round((eurCents / currency.rate) * 10 ** (currency.decimals - 2));
}

function seedInvoices(company: Company, rng: Rng, now: number, count: number): void {
  const inv = company.invoices;
  const customers = company.customers.length;
  const today = floor((now + company.offsetMinutes * 60) / SECONDS_PER_DAY);
  let previousUpdated = now;
  for (let i = 0; i < count; i++) {
    const row = inv.add();
    const id = company.nextTxnId++;
    company.register(id, KIND_INVOICE, row);
    const customer = rng.int(0, customers - 1);
    const currency = company.customerCurrency(customer);
    const total = fromEuroCents(rng.int(5_000, 2_000_000), currency);
    const txnDay = today - rng.int(0, 540);
    const created = Math.min(now, txnDay * SECONDS_PER_DAY - company.offsetMinutes * 60 + rng.int(8 * 3600, 19 * 3600));
    const status = rng.weighted(INVOICE_STATUS);
    inv.id[row] = id;
    inv.syncToken[row] = rng.int(0, 2);
    inv.customer[row] = customer;
    inv.txnDay[row] = txnDay;
    inv.dueDay[row] = txnDay + rng.pick([0, 15, 30, 30, 45, 60]);
    inv.total[row] = total;
    inv.balance[row] = total;
    inv.rate[row] = currency.code === company.homeCurrency ? NaN : currency.rate * (0.97 + rng.next() * 0.06);
    inv.created[row] = created;
    inv.lines[row] = rng.int(1, 3);
    inv.emailed[row] = rng.chance(0.6) ? 1 : 0;
    let updated = Math.min(now, created + rng.int(0, 3 * SECONDS_PER_DAY));
    if (status === 'partial' || status === 'paid') {
      const paidAt = Math.min(now, created + rng.int(1, 90) * SECONDS_PER_DAY + rng.int(0, 3600));
      const amount = status === 'paid' ? total : floor(total * (0.2 + rng.next() * 0.6));
      // A paid invoice is sometimes settled by two payments (partial, then the rest).
      const parts = status === 'paid' && rng.chance(0.3) ? [floor(amount / 2), amount - floor(amount / 2)] : [amount];
      const linked: number[] = [];
      parts.forEach((part, k) => {
        const pid = company.nextTxnId++;
        const at = Math.min(now, paidAt + k * rng.int(1, 20) * SECONDS_PER_DAY);
        company.payments.push({
          id: pid,
          syncToken: 0,
          customer,
          day: floor((at + company.offsetMinutes * 60) / SECONDS_PER_DAY),
          amount: part,
          unapplied: 0,
          lines: [{ invoiceId: id, amount: part }],
          rate: inv.rate[row]!,
          created: at,
          updated: at,
          deleted: false,
        });
        company.register(pid, KIND_PAYMENT, company.payments.length - 1);
        linked.push(pid);
        updated = Math.max(updated, at);
      });
      inv.payments.set(row, linked);
      inv.balance[row] = total - amount;
    }
    if (status === 'voided') {
      inv.state[row] = INVOICE_VOIDED;
      inv.total[row] = 0;
      inv.balance[row] = 0;
      inv.privateNote.set(row, 'Voided');
    } else if (status === 'deleted') inv.state[row] = INVOICE_DELETED;
    else if (rng.chance(0.05))
      inv.privateNote.set(row, rng.pick(['Relancé par téléphone', 'Client contacted', 'Litige en cours']));
    if (rng.chance(0.1)) updated = Math.max(created, now - rng.int(0, 29 * SECONDS_PER_DAY));
    // Some invoices share a LastUpdatedTime to the second with the one before (a batch import).
    if (rng.chance(0.02) && previousUpdated >= created) updated = previousUpdated;
    inv.updated[row] = updated;
    previousUpdated = updated;
    if (rng.chance(0.1)) inv.customFieldValue.set(row, `D-${rng.digits(5)}`);
  }
  // A few payments received but not yet applied to an invoice.
  for (let i = 0; i < Math.ceil(count / 100); i++) {
    const customer = rng.int(0, customers - 1);
    const currency = company.customerCurrency(customer);
    const amount = fromEuroCents(rng.int(1_000, 50_000), currency);
    const at = now - rng.int(0, 200) * SECONDS_PER_DAY;
    const pid = company.nextTxnId++;
    company.payments.push({
      id: pid,
      syncToken: 0,
      customer,
      day: floor((at + company.offsetMinutes * 60) / SECONDS_PER_DAY),
      amount,
      unapplied: amount,
      lines: [],
      rate: currency.code === company.homeCurrency ? NaN : currency.rate,
      created: at,
      updated: at,
      deleted: false,
    });
    company.register(pid, KIND_PAYMENT, company.payments.length - 1);
  }
}

function seedCreditMemos(company: Company, rng: Rng, now: number, count: number): void {
  const customers = company.customers.length;
  for (let i = 0; i < count; i++) {
    const customer = rng.int(0, customers - 1);
    const currency = company.customerCurrency(customer);
    const total = fromEuroCents(rng.int(1_000, 200_000), currency);
    const which = rng.next();
    const remaining = which < 0.4 ? total : which < 0.7 ? floor(total * rng.next()) : 0;
    const created = now - rng.int(0, 400) * SECONDS_PER_DAY - rng.int(0, SECONDS_PER_DAY);
    const id = company.nextTxnId++;
    company.creditMemos.push({
      id,
      syncToken: rng.int(0, 1),
      customer,
      day: floor((created + company.offsetMinutes * 60) / SECONDS_PER_DAY),
      docNumber: `${company.docPrefix ? `${company.docPrefix}-AV` : 'CM'}${id}`,
      total,
      remaining,
      rate: currency.code === company.homeCurrency ? NaN : currency.rate,
      created,
      updated: rng.chance(0.1) ? Math.max(created, now - rng.int(0, 29 * SECONDS_PER_DAY)) : created,
      deleted: rng.chance(0.03),
    });
    company.register(id, KIND_CREDIT_MEMO, company.creditMemos.length - 1);
  }
}

export { INVOICE_DELETED, INVOICE_OPEN, INVOICE_VOIDED };
