import { Rng } from '../../odoo/simulator/model/random';

/**
 * The simulated Sage Active tenant, deterministic from a seed and the clock at creation: two French
 * organisations, their customers (SIREN/SIRET and intra-EU VAT numbers that pass their check keys),
 * sales invoices and credit notes with open items, and, for the organisation that keeps its books in
 * Sage Active, accounting entries (those of its posted invoices and imported ones with their own open
 * items: the accountants' path of shared/reference/sage.md §2.3). Amounts are integer cents here;
 * the GraphQL layer renders them as Decimal. Every change goes through a method, which sets the
 * record's modificationDate (§2.4: null until the first update).
 */

export type Edition = 'STARTER' | 'STANDARD';
export type InvoiceStatus = 'Pending' | 'Closed' | 'Posted' | 'PartiallyCollected' | 'Collected';
export type OpenItemStatus = 'NOT_SPECIFIED' | 'COLLECTED' | 'PAID' | 'PARTIAL';

export class SimulatorInputError extends Error {}

export interface OrganizationRecord {
  id: string;
  socialName: string;
  legislationCode: string;
  /** §2.1: a Starter edition cannot read accounting entries, even for an admin. */
  edition: Edition;
  creationMs: number;
  onboardingMs: number;
}

export interface AddressRecord {
  firstLine: string;
  secondLine: string | null;
  city: string;
  zipCode: string;
  province: string | null;
  countryIsoCodeAlpha2: string;
  isMainAddress: boolean;
  isDeliveryAddress: boolean;
}

export interface ContactRecord {
  name: string;
  surname: string;
  jobName: string;
  isDefault: boolean;
  isDefaultCustomer: boolean;
  emails: { emailAddress: string; usage: 'INVOICES' | 'PAYMENTS'; isDefault: boolean }[];
  phones: { number: string; type: string; isDefault: boolean }[];
}

export interface CustomerRecord {
  id: string;
  orgId: string;
  code: string;
  socialName: string;
  tradeName: string | null;
  /** §2.3: SIREN (9) or SIRET (14) in France. */
  documentId: string;
  vatNumber: string | null;
  documentTypeCode: '01' | '02' | '06';
  customerType: 'BUSINESS' | 'INDIVIDUAL';
  nafApeCode: string | null;
  comments: string | null;
  status: 'ENABLED' | 'DISABLED';
  addresses: AddressRecord[];
  contacts: ContactRecord[];
  paymentDays: number;
  creationMs: number;
  modificationMs: number | null;
}

export interface OpenItemRecord {
  id: string;
  /** Null for the open items of an imported accounting entry (no sales invoice in Sage Active). */
  invoiceId: string | null;
  amount: number;
  paid: number;
  dueDate: string;
  creationMs: number;
  modificationMs: number | null;
  paymentMeanId: string;
}

export interface InvoiceRecord {
  id: string;
  orgId: string;
  operationalNumber: string | null;
  type: 'NORMAL' | 'CREDIT_NOTE';
  status: InvoiceStatus;
  customerId: string;
  documentDate: string;
  firstDueDate: string;
  totalNet: number;
  totalVat: number;
  remarks: string | null;
  comments: string | null;
  externalReference: string | null;
  sourceSalesInvoiceId: string | null;
  hasCreditNote: boolean;
  accountingEntryId: string | null;
  openItems: OpenItemRecord[];
  creationMs: number;
  modificationMs: number | null;
}

export interface EntryLineRecord {
  id: string;
  accountCode: string;
  label: string;
  debit: number;
  credit: number;
  customerId: string | null;
  invoice: { externalInvoiceNumber: string; documentDate: string; amount: number; openItems: OpenItemRecord[] } | null;
}

export interface AccountingEntryRecord {
  id: string;
  orgId: string;
  documentNumber: string;
  documentDate: string;
  sourceType: 'SALES' | 'IMPORT_FILE';
  journalType: 'SALES_INVOICE';
  lines: EntryLineRecord[];
  creationMs: number;
  modificationMs: number | null;
}

export interface FileRecord {
  id: string;
  orgId: string;
  entityType: 'CUSTOMER' | 'ACCOUNTING_ENTRY';
  entityId: string;
  fileName: string;
  businessDateMs: number | null;
  comment: string | null;
  contentType: string;
  bytes: Buffer;
  creationMs: number;
}

export interface Organization extends OrganizationRecord {
  customers: CustomerRecord[];
  invoices: InvoiceRecord[];
  entries: AccountingEntryRecord[];
  files: FileRecord[];
}

export const PAYMENT_MEANS = [
  { id: '5a0c1e2d-0000-4000-8000-000000000001', name: 'Virement' },
  { id: '5a0c1e2d-0000-4000-8000-000000000002', name: 'Chèque' },
  { id: '5a0c1e2d-0000-4000-8000-000000000003', name: 'Prélèvement' },
] as const;

const DAY_MS = 86_400_000;
/** France's standard VAT rate in basis points (CGI art. 278). */
const VAT_BP = 2_000;

const COMPANY_STEMS = [
  'Menuiserie',
  'Boulangerie',
  'Transports',
  'Garage',
  'Imprimerie',
  'Plomberie',
  'Cabinet',
  'Atelier',
  'Librairie',
  'Fromagerie',
  'Charpente',
  'Pharmacie',
  'Traiteur',
  'Électricité',
];
const FAMILY_NAMES = [
  'Martin',
  'Bernard',
  'Dubois',
  'Lefèvre',
  'Moreau',
  'Laurent',
  'Girard',
  'Roux',
  'Fontaine',
  'Chevalier',
  'Garnier',
  'Faure',
  'Rousseau',
  'Blanc',
  'Guérin',
  'Mercier',
];
const FIRST_NAMES = ['Camille', 'Nicolas', 'Sophie', 'Julien', 'Élodie', 'Thomas', 'Chloé', 'Antoine', 'Manon', 'Hugo'];
const LEGAL_FORMS = ['SARL', 'SAS', 'SA', 'EURL', 'SASU'];
const STREETS = [
  'rue de la République',
  'avenue Jean Jaurès',
  'boulevard Victor Hugo',
  'rue des Lilas',
  'place du Marché',
];
/** Real communes with their postal codes, so a court lookup on the debtor's seat finds one. */
const CITIES: readonly (readonly [string, string])[] = [
  ['Lyon', '69003'],
  ['Paris', '75011'],
  ['Bordeaux', '33000'],
  ['Nantes', '44000'],
  ['Lille', '59000'],
  ['Toulouse', '31000'],
  ['Strasbourg', '67000'],
  ['Rennes', '35000'],
  ['Grenoble', '38000'],
  ['Montpellier', '34000'],
];
const NAF_CODES = ['1071C', '4322A', '4941A', '4520A', '1812Z', '6920Z', '4761Z', '5621Z'];

function uuid(rng: Rng): string {
  let hex = '';
  for (let i = 0; i < 32; i++) hex += rng.int(0, 15).toString(16);
  // Version 4, RFC 4122 variant: what a .NET Guid.NewGuid() looks like.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${'89ab'[rng.int(0, 3)]}${hex.slice(17, 20)}-${hex.slice(20)}`;
}

/** The digit that makes `digits + d` pass the Luhn check (SIREN and SIRET keys, INSEE). */
function luhnKey(digits: string): string {
  for (let d = 0; d <= 9; d++) {
    const all = `${digits}${d}`;
    let sum = 0;
    for (let i = 0; i < all.length; i++) {
      let n = Number(all[all.length - 1 - i]);
      if (i % 2 === 1) n = n * 2 > 9 ? n * 2 - 9 : n * 2;
      sum += n;
    }
    if (sum % 10 === 0) return String(d);
  }
  throw new Error('unreachable: one Luhn digit always fits');
}

/** The French intra-EU VAT number of a SIREN: FR + key (12 + 3 × (SIREN mod 97)) mod 97 + SIREN. */
export function frenchVatNumber(siren: string): string {
  const key = (12 + 3 * (Number(siren) % 97)) % 97;
  return `FR${String(key).padStart(2, '0')}${siren}`;
}

export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function dayMs(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

/**
 * `wantedMs` when it is not after `nowMs`; else an instant between `fromMs` and `nowMs`, as far before
 * now as the draw was after it (folded by the time there was), in whole seconds like the other dates.
 * Clamping to now instead stamped every recent change with one instant: at 100,000 invoices, thousands
 * sharing one modificationDate, a group no ledger has and which a reader must read whole (sync-plan.ts).
 * Records sharing an instant by chance (the dates are whole seconds) still occur, a few at a time.
 */
function notAfter(nowMs: number, fromMs: number, wantedMs: number): number {
  if (wantedMs <= nowMs) return wantedMs;
  const span = nowMs - fromMs;
  if (span <= 0) return nowMs;
  const folded = nowMs - ((wantedMs - nowMs) % span);
  return Math.max(fromMs, Math.floor(folded / 1000) * 1000);
}

export function openItemStatus(item: OpenItemRecord): OpenItemStatus {
  if (item.paid <= 0) return 'NOT_SPECIFIED';
  return item.paid >= item.amount ? 'COLLECTED' : 'PARTIAL';
}

export class SageActiveData {
  readonly organizations: Organization[] = [];
  /**
   * Changes made through the methods below, counted: what the GraphQL layer's indexes are valid for
   * (paged-table.ts). A test that edits a record in place rather than through a method is seen by
   * every filter, which reads the records afresh; only an index's order (dates) and membership rest
   * on this count, with the length of the list.
   */
  changes = 0;
  private rng: Rng;

  constructor(opts: { seed: number; invoices: number; nowMs: number }) {
    if (!Number.isInteger(opts.invoices) || opts.invoices < 0)
      throw new SimulatorInputError(`invoices must be a whole number ≥ 0, got ${opts.invoices}`);
    this.rng = new Rng(`sage-active:${opts.seed}`);
    const booksShare = Math.ceil((opts.invoices * 2) / 3);
    this.organizations.push(
      this.generate('Menuiserie Lefèvre SAS', 'STANDARD', booksShare, opts.nowMs),
      this.generate('Boulangerie Petit SARL', 'STARTER', opts.invoices - booksShare, opts.nowMs),
    );
  }

  organization(id: string): Organization | undefined {
    return this.organizations.find((o) => o.id === id);
  }

  private generate(name: string, edition: Edition, invoices: number, nowMs: number): Organization {
    const rng = this.rng;
    const created = nowMs - rng.int(400, 900) * DAY_MS;
    const org: Organization = {
      id: uuid(rng),
      socialName: name,
      legislationCode: 'FR',
      edition,
      creationMs: created,
      onboardingMs: created + rng.int(1, 10) * DAY_MS,
      customers: [],
      invoices: [],
      entries: [],
      files: [],
    };
    const customerCount = Math.max(3, Math.round(invoices / 8));
    for (let i = 0; i < customerCount; i++) org.customers.push(this.customer(org, i, nowMs));
    let number = 0;
    const lastNumbered = new Map<string, InvoiceRecord>();
    for (let i = 0; i < invoices; i++) {
      const customer = org.customers[rng.int(0, customerCount - 1)]!;
      // The customer's last numbered invoice, which a credit note corrects.
      const last = lastNumbered.get(customer.id);
      const creditNote = last !== undefined && rng.chance(0.08);
      const invoice = this.invoice(org, customer, creditNote ? last : null, nowMs);
      if (invoice.status !== 'Pending')
        invoice.operationalNumber = `${creditNote ? 'AV' : 'FA'}-${String(++number).padStart(6, '0')}`;
      else invoice.openItems = [];
      if (invoice.type === 'NORMAL' && invoice.operationalNumber !== null) lastNumbered.set(customer.id, invoice);
      org.invoices.push(invoice);
    }
    if (edition === 'STANDARD') {
      for (const inv of org.invoices)
        if (inv.status === 'Posted' || inv.status === 'PartiallyCollected' || inv.status === 'Collected')
          org.entries.push(this.salesEntry(org, inv));
      // §2.3: invoices entered or imported as accounting entries only, with their own open items.
      const imported = Math.round(invoices / 5);
      for (let i = 0; i < imported; i++) org.entries.push(this.importedEntry(org, i, nowMs));
    }
    return org;
  }

  private customer(org: Organization, index: number, nowMs: number): CustomerRecord {
    const rng = this.rng;
    const family = rng.pick(FAMILY_NAMES);
    const individual = rng.chance(0.1);
    const siren = `${rng.int(3, 9)}${rng.digits(7)}`;
    const sirenFull = siren + luhnKey(siren);
    const nic = rng.digits(4);
    const siret = sirenFull + nic + luhnKey(sirenFull + nic);
    const [city, zip] = rng.pick(CITIES);
    const socialName = individual
      ? `${rng.pick(FIRST_NAMES)} ${family}`
      : `${rng.pick(COMPANY_STEMS)} ${family} ${rng.pick(LEGAL_FORMS)}`;
    const first = rng.pick(FIRST_NAMES);
    const mailbox = `${first}.${family}`
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase();
    const domain = `${family
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()}-${index + 1}.example.fr`;
    const creationMs = org.creationMs + rng.int(1, 300) * DAY_MS + rng.int(0, 86_399) * 1000;
    const contacts: ContactRecord[] = [
      {
        name: first,
        surname: family,
        jobName: individual ? '' : rng.pick(['Gérant', 'Comptable', 'Assistante de direction']),
        isDefault: true,
        isDefaultCustomer: true,
        emails: [{ emailAddress: `${mailbox}@${domain}`, usage: 'INVOICES', isDefault: true }],
        phones: [{ number: `06${rng.digits(8)}`, type: 'MOBILE', isDefault: true }],
      },
    ];
    if (!individual && rng.chance(0.5))
      contacts.push({
        name: rng.pick(FIRST_NAMES),
        surname: rng.pick(FAMILY_NAMES),
        jobName: 'Comptable',
        isDefault: false,
        isDefaultCustomer: false,
        emails: [{ emailAddress: `compta@${domain}`, usage: 'PAYMENTS', isDefault: false }],
        phones: [{ number: `04${rng.digits(8)}`, type: 'LANDLINE', isDefault: false }],
      });
    return {
      id: uuid(rng),
      orgId: org.id,
      code: `C${String(index + 1).padStart(5, '0')}`,
      socialName,
      tradeName: individual ? null : `${family} ${rng.pick(COMPANY_STEMS)}`,
      documentId: individual ? '' : rng.chance(0.5) ? sirenFull : siret,
      vatNumber: individual ? null : frenchVatNumber(sirenFull),
      documentTypeCode: individual ? '06' : '01',
      customerType: individual ? 'INDIVIDUAL' : 'BUSINESS',
      nafApeCode: individual ? null : rng.pick(NAF_CODES),
      comments: rng.chance(0.3) ? 'Client fidèle, relancer par téléphone avant tout courrier.' : null,
      status: 'ENABLED',
      addresses: [
        {
          firstLine: `${rng.int(1, 120)} ${rng.pick(STREETS)}`,
          secondLine: rng.chance(0.2) ? `Bâtiment ${rng.pick(['A', 'B', 'C'])}` : null,
          city,
          zipCode: zip,
          province: null,
          countryIsoCodeAlpha2: 'FR',
          isMainAddress: true,
          isDeliveryAddress: true,
        },
      ],
      contacts,
      paymentDays: rng.pick([30, 45, 60]),
      creationMs,
      modificationMs: rng.chance(0.5) ? notAfter(nowMs, creationMs, creationMs + rng.int(1, 200) * DAY_MS) : null,
    };
  }

  private invoice(
    org: Organization,
    customer: CustomerRecord,
    source: InvoiceRecord | null,
    nowMs: number,
  ): InvoiceRecord {
    const rng = this.rng;
    const docMs = dayMs(isoDay(nowMs)) - rng.int(0, 240) * DAY_MS;
    const documentDate = isoDay(docMs);
    const net = source
      ? Math.max(100, Math.round(source.totalNet * rng.int(10, 100)) / 100)
      : rng.int(50, 25_000) * 100 + rng.int(0, 99);
    const totalNet = Math.round(net);
    const totalVat = Math.round((totalNet * VAT_BP) / 10_000);
    const liquid = totalNet + totalVat;
    const status: InvoiceStatus = source
      ? rng.weighted([
          ['Posted', 6],
          ['Collected', 4],
        ])
      : rng.weighted([
          ['Pending', 1],
          ['Closed', 1],
          ['Posted', 8],
          ['PartiallyCollected', 3],
          ['Collected', 7],
        ]);
    // Never after the clock's now: an invoice of today was entered earlier today.
    const creationMs = notAfter(nowMs, docMs, docMs + (8 * 3600 + rng.int(0, 36_000)) * 1000);
    const modificationMs =
      status === 'Pending' && rng.chance(0.5)
        ? null
        : notAfter(nowMs, creationMs, creationMs + rng.int(0, 20) * DAY_MS);
    const id = uuid(rng);
    // Two installments for one invoice in six (§2.3: "as many open items as … payment installments").
    const split = !source && rng.chance(1 / 6) ? 2 : 1;
    const openItems: OpenItemRecord[] = [];
    let left = liquid;
    for (let k = 0; k < split; k++) {
      const amount = k === split - 1 ? left : Math.round(liquid / split);
      left -= amount;
      const due = isoDay(docMs + customer.paymentDays * (k + 1) * DAY_MS);
      const paid =
        status === 'Collected'
          ? amount
          : status === 'PartiallyCollected'
            ? k === 0
              ? Math.round((amount * rng.int(10, 90)) / 100)
              : 0
            : 0;
      openItems.push({
        id: uuid(rng),
        invoiceId: id,
        amount,
        paid,
        dueDate: due,
        creationMs,
        // §2.4: an open item's modificationDate stays null until its first update (a payment here).
        modificationMs: paid > 0 ? notAfter(nowMs, creationMs, creationMs + rng.int(1, 60) * DAY_MS) : null,
        paymentMeanId: rng.pick(PAYMENT_MEANS).id,
      });
    }
    if (source) source.hasCreditNote = true;
    return {
      id,
      orgId: org.id,
      operationalNumber: null,
      type: source ? 'CREDIT_NOTE' : 'NORMAL',
      status,
      customerId: customer.id,
      documentDate,
      firstDueDate: openItems[0]?.dueDate ?? isoDay(docMs + customer.paymentDays * DAY_MS),
      totalNet,
      totalVat,
      remarks: null,
      comments: rng.chance(0.3) ? 'Merci de rappeler la référence de la facture lors du règlement.' : null,
      externalReference: rng.chance(0.3) ? `BC-${rng.digits(6)}` : null,
      sourceSalesInvoiceId: source?.id ?? null,
      hasCreditNote: false,
      accountingEntryId: null,
      openItems,
      creationMs,
      modificationMs,
    };
  }

  private salesEntry(org: Organization, inv: InvoiceRecord): AccountingEntryRecord {
    const rng = this.rng;
    const id = uuid(rng);
    inv.accountingEntryId = id;
    const liquid = inv.totalNet + inv.totalVat;
    const credit = inv.type === 'CREDIT_NOTE';
    const number = inv.operationalNumber ?? '';
    return {
      id,
      orgId: org.id,
      documentNumber: number,
      documentDate: inv.documentDate,
      sourceType: 'SALES',
      journalType: 'SALES_INVOICE',
      lines: [
        {
          id: uuid(rng),
          accountCode: '411000',
          label: number,
          debit: credit ? 0 : liquid,
          credit: credit ? liquid : 0,
          customerId: inv.customerId,
          invoice: {
            externalInvoiceNumber: number,
            documentDate: inv.documentDate,
            amount: liquid,
            openItems: inv.openItems,
          },
        },
        this.plainLine('706000', number, credit ? inv.totalNet : 0, credit ? 0 : inv.totalNet),
        this.plainLine('445710', number, credit ? inv.totalVat : 0, credit ? 0 : inv.totalVat),
      ],
      creationMs: inv.creationMs,
      modificationMs: null,
    };
  }

  private plainLine(accountCode: string, label: string, debit: number, credit: number): EntryLineRecord {
    return { id: uuid(this.rng), accountCode, label, debit, credit, customerId: null, invoice: null };
  }

  private importedEntry(org: Organization, index: number, nowMs: number): AccountingEntryRecord {
    const rng = this.rng;
    const customer = rng.pick(org.customers);
    const docMs = dayMs(isoDay(nowMs)) - rng.int(10, 200) * DAY_MS;
    const totalNet = rng.int(100, 8_000) * 100;
    const totalVat = Math.round((totalNet * VAT_BP) / 10_000);
    const liquid = totalNet + totalVat;
    const number = `IMP-${String(index + 1).padStart(5, '0')}`;
    // Imported a month after the invoice date, at the latest now.
    const creationMs = notAfter(nowMs, docMs, docMs + 30 * DAY_MS);
    const paid = rng.weighted([
      ['none', 5],
      ['part', 2],
      ['all', 3],
    ]);
    const item: OpenItemRecord = {
      id: uuid(rng),
      invoiceId: null,
      amount: liquid,
      paid: paid === 'all' ? liquid : paid === 'part' ? Math.round(liquid / 2) : 0,
      dueDate: isoDay(docMs + customer.paymentDays * DAY_MS),
      creationMs,
      modificationMs: paid === 'none' ? null : notAfter(nowMs, creationMs, creationMs + rng.int(1, 30) * DAY_MS),
      paymentMeanId: PAYMENT_MEANS[0].id,
    };
    return {
      id: uuid(rng),
      orgId: org.id,
      documentNumber: number,
      documentDate: isoDay(docMs),
      sourceType: 'IMPORT_FILE',
      journalType: 'SALES_INVOICE',
      lines: [
        {
          id: uuid(rng),
          accountCode: '411000',
          label: `Facture ${number}`,
          debit: liquid,
          credit: 0,
          customerId: customer.id,
          invoice: { externalInvoiceNumber: number, documentDate: isoDay(docMs), amount: liquid, openItems: [item] },
        },
        this.plainLine('706000', `Facture ${number}`, 0, totalNet),
        this.plainLine('445710', `Facture ${number}`, 0, totalVat),
      ],
      creationMs,
      modificationMs: null,
    };
  }

  private org(orgId: string): Organization {
    const org = this.organization(orgId);
    if (!org) throw new SimulatorInputError(`no organisation ${orgId}`);
    return org;
  }

  customerOf(orgId: string, id: string): CustomerRecord | undefined {
    return this.organization(orgId)?.customers.find((c) => c.id === id);
  }

  invoiceOf(orgId: string, id: string): InvoiceRecord | undefined {
    return this.organization(orgId)?.invoices.find((i) => i.id === id);
  }

  updateCustomer(
    orgId: string,
    id: string,
    change: Partial<Pick<CustomerRecord, 'comments' | 'tradeName' | 'vatNumber'>>,
    nowMs: number,
  ): CustomerRecord {
    const c = this.customerOf(orgId, id);
    if (!c) throw new SimulatorInputError(`no customer ${id} in organisation ${orgId}`);
    Object.assign(c, change);
    c.modificationMs = nowMs;
    this.changes++;
    return c;
  }

  updateInvoice(
    orgId: string,
    id: string,
    change: Partial<Pick<InvoiceRecord, 'remarks' | 'comments' | 'externalReference'>>,
    nowMs: number,
  ): InvoiceRecord {
    const inv = this.invoiceOf(orgId, id);
    if (!inv) throw new SimulatorInputError(`no sales invoice ${id} in organisation ${orgId}`);
    Object.assign(inv, change);
    inv.modificationMs = nowMs;
    this.changes++;
    return inv;
  }

  /**
   * A customer payment of `amountCents` on an invoice, oldest installment first, as
   * salesOpenItemSettlement would record it (§2.3); the invoice becomes PartiallyCollected or
   * Collected. [UNVERIFIED, §2.8 question 3: whether the invoice's modificationDate moves too; it does here.]
   */
  pay(orgId: string, invoiceId: string, amountCents: number, nowMs: number): InvoiceRecord {
    const inv = this.invoiceOf(orgId, invoiceId);
    if (!inv) throw new SimulatorInputError(`no sales invoice ${invoiceId} in organisation ${orgId}`);
    if (!Number.isInteger(amountCents) || amountCents <= 0)
      throw new SimulatorInputError(`amountCents must be a whole number > 0, got ${amountCents}`);
    if (inv.status !== 'Posted' && inv.status !== 'PartiallyCollected')
      throw new SimulatorInputError(
        `invoice ${invoiceId} is ${inv.status}: only Posted or PartiallyCollected invoices take payments`,
      );
    let left = amountCents;
    for (const item of inv.openItems) {
      const take = Math.min(left, item.amount - item.paid);
      if (take <= 0) continue;
      item.paid += take;
      item.modificationMs = nowMs;
      left -= take;
    }
    inv.status = inv.openItems.every((i) => i.paid >= i.amount) ? 'Collected' : 'PartiallyCollected';
    inv.modificationMs = nowMs;
    this.changes++;
    return inv;
  }

  /**
   * A new posted invoice of `amountCents` including VAT for a customer, due in `dueInDays`, with one
   * open item: what closeSalesInvoice then postSalesInvoice leave (§2.3, "Workflow"). Its number
   * follows the organisation's last one; modificationDate stays null until a change (§2.4).
   */
  createInvoice(
    orgId: string,
    input: { customerId: string; amountCents: number; dueInDays?: number },
    nowMs: number,
  ): InvoiceRecord {
    const org = this.org(orgId);
    const customer = org.customers.find((c) => c.id === input.customerId);
    if (!customer) throw new SimulatorInputError(`no customer ${input.customerId} in organisation ${orgId}`);
    if (!Number.isInteger(input.amountCents) || input.amountCents <= 0)
      throw new SimulatorInputError(`amountCents must be a whole number > 0, got ${input.amountCents}`);
    const dueInDays = input.dueInDays ?? customer.paymentDays;
    if (!Number.isInteger(dueInDays))
      throw new SimulatorInputError(`dueInDays must be a whole number, got ${dueInDays}`);
    const last = org.invoices.reduce((n, i) => Math.max(n, Number(i.operationalNumber?.slice(3) ?? 0)), 0);
    const totalNet = Math.round((input.amountCents * 10_000) / (10_000 + VAT_BP));
    const id = uuid(this.rng);
    const dueDate = isoDay(dayMs(isoDay(nowMs)) + dueInDays * DAY_MS);
    const invoice: InvoiceRecord = {
      id,
      orgId,
      operationalNumber: `FA-${String(last + 1).padStart(6, '0')}`,
      type: 'NORMAL',
      status: 'Posted',
      customerId: customer.id,
      documentDate: isoDay(nowMs),
      firstDueDate: dueDate,
      totalNet,
      totalVat: input.amountCents - totalNet,
      remarks: null,
      comments: null,
      externalReference: null,
      sourceSalesInvoiceId: null,
      hasCreditNote: false,
      accountingEntryId: null,
      openItems: [
        {
          id: uuid(this.rng),
          invoiceId: id,
          amount: input.amountCents,
          paid: 0,
          dueDate,
          creationMs: nowMs,
          modificationMs: null,
          paymentMeanId: PAYMENT_MEANS[0].id,
        },
      ],
      creationMs: nowMs,
      modificationMs: null,
    };
    org.invoices.push(invoice);
    if (org.edition === 'STANDARD') org.entries.push(this.salesEntry(org, invoice));
    this.changes++;
    return invoice;
  }

  /**
   * Credits what is left to pay on an invoice with a credit note (generateCreditNote, §2.3: the
   * source must be Closed or Posted; PartiallyCollected is taken too). The credit note is settled
   * against the invoice at once, so both end Collected and the invoice says `hasCreditNote`
   * [UNVERIFIED: how Sage letters a credit note against its invoice, and the statuses it leaves].
   * Returns the credit note.
   */
  creditInvoice(orgId: string, invoiceId: string, nowMs: number): InvoiceRecord {
    const org = this.org(orgId);
    const inv = this.invoiceOf(orgId, invoiceId);
    if (!inv) throw new SimulatorInputError(`no sales invoice ${invoiceId} in organisation ${orgId}`);
    if (inv.type !== 'NORMAL' || !['Closed', 'Posted', 'PartiallyCollected'].includes(inv.status))
      throw new SimulatorInputError(
        `invoice ${invoiceId} is a ${inv.type} ${inv.status}: only a Closed, Posted or PartiallyCollected invoice is credited`,
      );
    const left = inv.openItems.reduce((n, i) => n + Math.max(0, i.amount - i.paid), 0);
    if (left <= 0) throw new SimulatorInputError(`invoice ${invoiceId} has nothing left to credit`);
    for (const item of inv.openItems)
      if (item.paid < item.amount) {
        item.paid = item.amount;
        item.modificationMs = nowMs;
      }
    inv.status = 'Collected';
    inv.hasCreditNote = true;
    inv.modificationMs = nowMs;
    const last = org.invoices.reduce((n, i) => Math.max(n, Number(i.operationalNumber?.slice(3) ?? 0)), 0);
    const totalNet = Math.round((left * 10_000) / (10_000 + VAT_BP));
    const id = uuid(this.rng);
    const note: InvoiceRecord = {
      id,
      orgId,
      operationalNumber: `AV-${String(last + 1).padStart(6, '0')}`,
      type: 'CREDIT_NOTE',
      status: 'Collected',
      customerId: inv.customerId,
      documentDate: isoDay(nowMs),
      firstDueDate: isoDay(nowMs),
      totalNet,
      totalVat: left - totalNet,
      remarks: null,
      comments: null,
      externalReference: null,
      sourceSalesInvoiceId: inv.id,
      hasCreditNote: false,
      accountingEntryId: null,
      openItems: [
        {
          id: uuid(this.rng),
          invoiceId: id,
          amount: left,
          paid: left,
          dueDate: isoDay(nowMs),
          creationMs: nowMs,
          modificationMs: nowMs,
          paymentMeanId: PAYMENT_MEANS[0].id,
        },
      ],
      creationMs: nowMs,
      modificationMs: null,
    };
    org.invoices.push(note);
    if (org.edition === 'STANDARD') org.entries.push(this.salesEntry(org, note));
    this.changes++;
    return note;
  }

  /** Deletes an invoice (deleteSalesInvoice, §2.4: no tombstone is left). */
  deleteInvoice(orgId: string, invoiceId: string): void {
    const org = this.org(orgId);
    const at = org.invoices.findIndex((i) => i.id === invoiceId);
    if (at < 0) throw new SimulatorInputError(`no sales invoice ${invoiceId} in organisation ${orgId}`);
    org.invoices.splice(at, 1);
    this.changes++;
  }

  addFile(orgId: string, file: Omit<FileRecord, 'id' | 'orgId'>, extension: string): FileRecord {
    const org = this.org(orgId);
    // §2.5: the id answered is "<hex>.<extension>".
    let hex = '';
    for (let i = 0; i < 32; i++) hex += this.rng.int(0, 15).toString(16);
    const record: FileRecord = { ...file, id: `${hex}.${extension}`, orgId };
    org.files.push(record);
    this.changes++;
    return record;
  }
}
