import { buildSchema, GraphQLError, GraphQLScalarType, Kind, type GraphQLSchema, type ValueNode } from 'graphql';
import {
  isoDay,
  openItemStatus,
  PAYMENT_MEANS,
  type AccountingEntryRecord,
  type CustomerRecord,
  type FileRecord,
  type InvoiceRecord,
  type OpenItemRecord,
  type Organization,
  type SageActiveData,
} from './data';
import { BUSINESS_ERRORS, LOCALIZED_MESSAGES, NOT_AUTHORIZED, ORGANIZATION_HEADER_MANDATORY } from './faults';
import type { SageUser } from './oauth';
import { PagedTables, type PageQuery, type Table } from './paged-table';
import { connection, matches, PagingError, sortRows, type OverLimitCode } from './relay';
import { SAGE_ACTIVE_SDL } from './schema';

/**
 * The resolvers of the simulated schema: records of data.ts rendered as the GraphQL types of
 * schema.ts, filtered, sorted and paged by relay.ts, and the write-back mutations of
 * shared/reference/sage.md §2.5 with their limits.
 */

/** §2.3: customer `comments` max 2000; invoice `remarks` and `comments` max 1000; externalReference max 20. */
export const CUSTOMER_COMMENTS_MAX = 2_000;
export const INVOICE_REMARKS_MAX = 1_000;
export const INVOICE_COMMENTS_MAX = 1_000;
export const EXTERNAL_REFERENCE_MAX = 20;
/** §2.3: customer vatNumber max 25. */
export const CUSTOMER_VAT_MAX = 25;
/** §2.5: uploadFileToEntity `fileName` max 100, `comment` max 255; `txt` is allowed (others UNVERIFIED). */
export const FILE_NAME_MAX = 100;
export const FILE_COMMENT_MAX = 255;
export const ALLOWED_FILE_EXTENSIONS = ['txt', 'pdf', 'png', 'jpg', 'jpeg', 'csv', 'xlsx', 'docx'] as const;
/** UNVERIFIED: the largest file accepted. */
export const FILE_MAX_BYTES = 10 * 1024 * 1024;

/**
 * How DateTime values are written (§2.2 [CONFLICT/UNVERIFIED]): 'milliseconds' as older Hot Chocolate
 * ("2025-10-05T00:00:00.000Z", the default), 'seconds' as the newest ("2025-10-05T00:00:00Z"), 'date'
 * as Sage's own examples ("2025-10-05").
 */
export type DateTimeFormat = 'milliseconds' | 'seconds' | 'date';

/** The switches of the fidelity questions the reference leaves open, settable per test or on /_simulator/controls. */
export interface SchemaSettings {
  dateTimeFormat: DateTimeFormat;
  /** §2.3 [UNVERIFIED]: whether credit-note totals and open items are negative. Default 'positive'. */
  creditNoteSign: 'positive' | 'negative';
  /** §2.2 [UNVERIFIED]: the code of a page over 500. Default 'HC0051'. */
  pageLimitCode: OverLimitCode;
  /** §2.5 option A / §2.8 question 1 [UNVERIFIED]: remarks on a non-Pending invoice. Default 'reject'. */
  lockedInvoiceUpdates: 'reject' | 'accept';
}

export interface WriteRecord {
  atMs: number;
  organizationId: string;
  mutation: 'updateCustomer' | 'updateSalesInvoice' | 'uploadFileToEntity';
  id: string;
  fields: Record<string, unknown>;
}

export interface RequestContext {
  organizationId: string | undefined;
  user: SageUser;
  scope: string;
  nowMs: number;
}

/**
 * A business error as §2.6 shows it: only `message` (a key) in the `errors[]` entry, unless
 * `withPlace` adds locations, path and extensions as the authorization errors have them.
 */
export class SageBusinessError extends Error {
  constructor(
    message: string,
    readonly withPlace: boolean,
    readonly extensions?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export class SageSchema {
  readonly schema: GraphQLSchema;
  readonly writes: WriteRecord[] = [];
  private readonly tables: PagedTables;

  constructor(
    private readonly data: SageActiveData,
    readonly settings: SchemaSettings,
  ) {
    this.schema = buildSchema(SAGE_ACTIVE_SDL);
    this.scalars();
    this.tables = new PagedTables(() => data.changes);
  }

  /** The scalars' wire behaviour, on this schema's own instances (the settings differ per simulator). */
  private scalars(): void {
    const dateTime = this.schema.getType('DateTime') as GraphQLScalarType;
    dateTime.serialize = (value) => formatDateTime(value as number, this.settings.dateTimeFormat);
    // §2.2: accept both date-only and full RFC 3339 input (Sage filters DateTime with "2024-01-01").
    dateTime.parseValue = (value) => parseDateTime(value);
    dateTime.parseLiteral = (ast) => parseDateTime(literal(ast));
    const date = this.schema.getType('Date') as GraphQLScalarType;
    date.serialize = (value) => value;
    date.parseValue = (value) => parseDate(value);
    date.parseLiteral = (ast) => parseDate(literal(ast));
    const decimal = this.schema.getType('Decimal') as GraphQLScalarType;
    decimal.serialize = (value) => value;
    decimal.parseValue = (value) => parseDecimal(value);
    decimal.parseLiteral = (ast) => parseDecimal(literal(ast));
    const uuid = this.schema.getType('UUID') as GraphQLScalarType;
    uuid.serialize = (value) => value;
    uuid.parseValue = (value) => parseUuid(value);
    uuid.parseLiteral = (ast) => parseUuid(literal(ast));
    const upload = this.schema.getType('Upload') as GraphQLScalarType;
    upload.serialize = () => {
      throw new GraphQLError('Upload is an input type only.');
    };
    upload.parseValue = (value) => {
      if (value === null || value instanceof UploadedFile) return value;
      throw new GraphQLError('An Upload comes as a file part of a multipart request.');
    };
    upload.parseLiteral = () => {
      throw new GraphQLError('An Upload comes as a file part of a multipart request.');
    };
  }

  /** The root value for graphql-js's execute: one function per root field. */
  root(): Record<string, unknown> {
    const paging = <T>(answer: () => T): T => {
      try {
        return answer();
      } catch (e) {
        if (e instanceof PagingError) throw new GraphQLError(e.message, { extensions: e.extensions });
        throw e;
      }
    };
    const page = <R>(table: Table<R>, args: PageQuery) =>
      paging(() => this.tables.page(table, args, this.settings.pageLimitCode));
    // Credit notes' amounts depend on this setting: their tables are kept apart by it.
    const sign = this.settings.creditNoteSign;
    return {
      // §2.1: userProfile and organizations need no X-OrganizationId.
      userProfile: (_: unknown, ctx: RequestContext) => ({
        id: ctx.user.id,
        email: ctx.user.email,
        firstName: ctx.user.firstName,
        lastName: ctx.user.lastName,
        languageCode: 'fr-FR',
      }),
      organizations: (args: PageQuery, ctx: RequestContext) =>
        paging(() =>
          connection(
            sortRows(
              this.data.organizations
                .filter((o) => ctx.user.organizationIds.includes(o.id))
                .map((o) => organizationView(o))
                .filter((r) => matches(r, args.where)),
              args.order,
            ),
            args,
            this.settings.pageLimitCode,
          ),
        ),
      localizedErrorMessage: (args: { input: { languageCode: string; errorKey: string } }) => {
        const texts = LOCALIZED_MESSAGES[args.input.errorKey];
        const lang = args.input.languageCode.toLowerCase().startsWith('fr') ? 'fr-FR' : 'en-GB';
        return { errorKey: args.input.errorKey, localizedMessage: texts ? texts[lang] : null };
      },
      customers: (args: PageQuery, ctx: RequestContext) => {
        const org = this.org(ctx);
        return page(
          { name: `${org.id}/customers`, records: org.customers, view: (c) => this.customerView(c), id: (c) => c.id },
          args,
        );
      },
      salesInvoices: (args: PageQuery, ctx: RequestContext) => {
        const org = this.org(ctx);
        return page(
          {
            name: `${org.id}/salesInvoices/${sign}`,
            records: org.invoices,
            view: (i) => this.invoiceView(org, i),
            id: (i) => i.id,
          },
          args,
        );
      },
      salesInvoiceOpenItems: (args: PageQuery, ctx: RequestContext) => {
        const org = this.org(ctx);
        return page(
          {
            name: `${org.id}/salesInvoiceOpenItems/${sign}`,
            records: this.openItemsOf(org),
            view: ({ item, invoice }) => this.openItemView(org, item, invoice),
            id: ({ item }) => item.id,
          },
          args,
        );
      },
      accountingEntries: (args: PageQuery, ctx: RequestContext) => {
        const org = this.org(ctx);
        // §2.1: "If the Sage Active solution is Starter, … they will not be able to access accounting entries".
        if (org.edition === 'STARTER')
          throw new SageBusinessError(BUSINESS_ERRORS.authorizationFeature, true, { details: 'accounting-entries' });
        return page(
          {
            name: `${org.id}/accountingEntries/${sign}`,
            records: org.entries,
            view: (e) => this.entryView(org, e),
            id: (e) => e.id,
          },
          args,
        );
      },
      files: (args: PageQuery, ctx: RequestContext) => {
        const org = this.org(ctx);
        return page({ name: `${org.id}/files`, records: org.files, view: fileView, id: (f) => f.id }, args);
      },
      updateCustomer: (
        args: { input: { id: string; comments?: string | null; tradeName?: string | null; vatNumber?: string | null } },
        ctx: RequestContext,
      ) => {
        const org = this.org(ctx);
        this.canWrite(ctx);
        const { id, ...change } = args.input;
        if (!this.data.customerOf(org.id, id)) throw new SageBusinessError(BUSINESS_ERRORS.entityNotFound, false);
        tooLong(change.comments, CUSTOMER_COMMENTS_MAX, 'comments');
        tooLong(change.vatNumber, CUSTOMER_VAT_MAX, 'vatNumber');
        // §2.5: patch semantics, only the fields sent change.
        this.data.updateCustomer(org.id, id, change, ctx.nowMs);
        this.writes.push({ atMs: ctx.nowMs, organizationId: org.id, mutation: 'updateCustomer', id, fields: change });
        return { id };
      },
      updateSalesInvoice: (
        args: {
          input: { id: string; remarks?: string | null; comments?: string | null; externalReference?: string | null };
        },
        ctx: RequestContext,
      ) => {
        const org = this.org(ctx);
        this.canWrite(ctx);
        const { id, ...change } = args.input;
        const invoice = this.data.invoiceOf(org.id, id);
        if (!invoice) throw new SageBusinessError(BUSINESS_ERRORS.entityNotFound, false);
        // §2.7: rejects Posted/PartiallyCollected/Collected/Closed with a business error, configurable
        // (§2.8 question 1: whether remarks are exempt is unknown).
        if (invoice.status !== 'Pending' && this.settings.lockedInvoiceUpdates === 'reject')
          throw new SageBusinessError(BUSINESS_ERRORS.salesInvoiceNotModifiable, false);
        tooLong(change.remarks, INVOICE_REMARKS_MAX, 'remarks');
        tooLong(change.comments, INVOICE_COMMENTS_MAX, 'comments');
        tooLong(change.externalReference, EXTERNAL_REFERENCE_MAX, 'externalReference');
        this.data.updateInvoice(org.id, id, change, ctx.nowMs);
        this.writes.push({
          atMs: ctx.nowMs,
          organizationId: org.id,
          mutation: 'updateSalesInvoice',
          id,
          fields: change,
        });
        return { id };
      },
      uploadFileToEntity: (args: { input: UploadInput }, ctx: RequestContext) => {
        const org = this.org(ctx);
        this.canWrite(ctx);
        return { id: this.upload(org, args.input, ctx) };
      },
    };
  }

  private upload(org: Organization, input: UploadInput, ctx: RequestContext): string {
    const file = input.file;
    // UNVERIFIED message: the file part is missing (not mapped into variables.input.file).
    if (!(file instanceof UploadedFile)) throw new SageBusinessError('global.businessErrors.fileRequired', false);
    tooLong(input.fileName, FILE_NAME_MAX, 'fileName');
    tooLong(input.comment, FILE_COMMENT_MAX, 'comment');
    const extension = /\.([A-Za-z0-9]+)$/.exec(input.fileName)?.[1]?.toLowerCase() ?? '';
    if (!(ALLOWED_FILE_EXTENSIONS as readonly string[]).includes(extension))
      throw new SageBusinessError(BUSINESS_ERRORS.fileTypeNotAllowed, false);
    if (file.bytes.length > FILE_MAX_BYTES) throw new SageBusinessError(BUSINESS_ERRORS.maxLengthExceeded, false);
    const exists =
      input.entityType === 'CUSTOMER'
        ? org.customers.some((c) => c.id === input.entityId)
        : org.entries.some((e) => e.id === input.entityId);
    if (!exists) throw new SageBusinessError(BUSINESS_ERRORS.entityNotFound, false);
    const record = this.data.addFile(
      org.id,
      {
        entityType: input.entityType,
        entityId: input.entityId,
        fileName: input.fileName,
        businessDateMs: input.businessDate ?? null,
        comment: input.comment ?? null,
        contentType: file.contentType ?? 'application/octet-stream',
        bytes: file.bytes,
        creationMs: ctx.nowMs,
      },
      extension,
    );
    this.writes.push({
      atMs: ctx.nowMs,
      organizationId: org.id,
      mutation: 'uploadFileToEntity',
      id: record.id,
      fields: {
        entityType: input.entityType,
        entityId: input.entityId,
        fileName: input.fileName,
        comment: input.comment ?? null,
        bytes: file.bytes.length,
      },
    });
    return record.id;
  }

  /** The organisation of X-OrganizationId, checked against the user's rights (§2.1, §2.6). */
  private org(ctx: RequestContext): Organization {
    if (ctx.organizationId === undefined) throw new SageBusinessError(ORGANIZATION_HEADER_MANDATORY, false);
    const org = this.data.organization(ctx.organizationId);
    // UNVERIFIED: an unknown organisation answers like one the user has no rights on.
    if (!org || !ctx.user.organizationIds.includes(org.id))
      throw new GraphQLError(NOT_AUTHORIZED.message, { extensions: { code: NOT_AUTHORIZED.code } });
    return org;
  }

  /** §2.1: writing needs the WDSA scope [UNVERIFIED how a missing scope is answered: authorizationPolicy here]. */
  private canWrite(ctx: RequestContext): void {
    if (!ctx.scope.split(' ').includes('WDSA'))
      throw new SageBusinessError(BUSINESS_ERRORS.authorizationPolicy, true, { details: 'write' });
  }

  private sign(invoice: InvoiceRecord, cents: number): number {
    const negative = invoice.type === 'CREDIT_NOTE' && this.settings.creditNoteSign === 'negative';
    return (negative ? -cents : cents) / 100;
  }

  customerView(c: CustomerRecord): Record<string, unknown> {
    return {
      id: c.id,
      code: c.code,
      socialName: c.socialName,
      tradeName: c.tradeName,
      documentId: c.documentId,
      vatNumber: c.vatNumber,
      viesCode: null,
      documentType: {
        code: c.documentTypeCode,
        name: { '01': 'SIRET', '02': 'TVA Intracommunautaire', '06': 'Autre document justificatif' }[
          c.documentTypeCode
        ],
      },
      countryAcronym: 'FR',
      customerType: c.customerType,
      nafApeCode: c.nafApeCode,
      comments: c.comments,
      status: c.status,
      disabled: c.status === 'DISABLED',
      addresses: c.addresses,
      contacts: c.contacts,
      paymentTermLines: [{ days: c.paymentDays, percentage: 100 }],
      creationDate: c.creationMs,
      modificationDate: c.modificationMs,
    };
  }

  invoiceView(org: Organization, i: InvoiceRecord): Record<string, unknown> {
    const customer = this.customer(org, i.customerId);
    const contact = customer.contacts[0];
    const main = customer.addresses.find((a) => a.isMainAddress) ?? null;
    // Rendered when read (by a filter or the selection): a filter on the invoice's own fields, as the
    // readers' keysets are, then costs no open item at all.
    let openItems: Record<string, unknown>[] | undefined;
    const renderOpenItems = () => (openItems ??= i.openItems.map((item) => this.openItemView(org, item, i)));
    return {
      id: i.id,
      creationDate: i.creationMs,
      modificationDate: i.modificationMs,
      sourceType: 'SALES',
      operationalNumber: i.operationalNumber,
      documentDate: dayMs(i.documentDate),
      operationDate: dayMs(i.documentDate),
      firstDueDate: dayMs(i.firstDueDate),
      type: i.type,
      status: i.status,
      customerId: i.customerId,
      // §2.3: the customer is loaded on demand (a dataloader on Sage's side).
      customer: () => this.customerView(customer),
      // §2.3: socialName max 50 and the identifiers are a snapshot at invoice time.
      socialName: customer.socialName.slice(0, 50),
      documentId: customer.documentId,
      vatNumber: customer.vatNumber,
      contactName: contact ? `${contact.name} ${contact.surname}` : null,
      contactEmail: contact?.emails[0]?.emailAddress ?? null,
      contactPhone: contact?.phones[0]?.number ?? null,
      mainAddress: main,
      totalLiquid: this.sign(i, i.totalNet + i.totalVat),
      totalNet: this.sign(i, i.totalNet),
      totalVat: this.sign(i, i.totalVat),
      remarks: i.remarks,
      comments: i.comments,
      externalReference: i.externalReference,
      hasCreditNote: i.hasCreditNote,
      sourceSalesInvoiceId: i.sourceSalesInvoiceId,
      salesInvoiceTemplateId: null,
      accountingEntryId: i.accountingEntryId,
      get openItems() {
        return renderOpenItems();
      },
    };
  }

  openItemView(org: Organization, item: OpenItemRecord, invoice: InvoiceRecord | null): Record<string, unknown> {
    const cents = (n: number): number => (invoice ? this.sign(invoice, n) : n / 100);
    return {
      id: item.id,
      creationDate: item.creationMs,
      modificationDate: item.modificationMs,
      amount: cents(item.amount),
      paidAmountAccumulated: cents(item.paid),
      dueDate: item.dueDate,
      status: openItemStatus(item),
      isAdvanceInvoicePayment: false,
      paymentMeanId: item.paymentMeanId,
      paymentMean: PAYMENT_MEANS.find((p) => p.id === item.paymentMeanId) ?? null,
      salesInvoiceId: item.invoiceId,
      salesInvoice: () => (invoice ? this.invoiceView(org, invoice) : null),
    };
  }

  /** Customers by id, per organisation (customers are never added or removed, so built once). */
  private readonly customerIndex = new Map<string, Map<string, CustomerRecord>>();

  private customer(org: Organization, id: string): CustomerRecord {
    let index = this.customerIndex.get(org.id);
    if (!index) this.customerIndex.set(org.id, (index = new Map(org.customers.map((c) => [c.id, c]))));
    const customer = index.get(id);
    if (!customer) throw new Error(`the simulated data has no customer ${id}`);
    return customer;
  }

  /** Every open item of the organisation's sales invoices with its invoice, listed again only after a change. */
  private readonly openItemLists = new Map<string, Derived<{ item: OpenItemRecord; invoice: InvoiceRecord }[]>>();

  private openItemsOf(org: Organization): { item: OpenItemRecord; invoice: InvoiceRecord }[] {
    return this.derived(this.openItemLists, org, () =>
      org.invoices.flatMap((invoice) => invoice.openItems.map((item) => ({ item, invoice }))),
    );
  }

  /** The sales invoice of each accounting entry a sale posted, by the entry's id, mapped again only after a change. */
  private readonly salesOfEntries = new Map<string, Derived<Map<string | null, InvoiceRecord>>>();

  private salesInvoiceOfEntry(org: Organization, entryId: string): InvoiceRecord | undefined {
    const build = () => new Map(org.invoices.map((i) => [i.accountingEntryId, i]));
    const found = this.derived(this.salesOfEntries, org, build).get(entryId);
    if (!found || found.accountingEntryId === entryId) return found;
    // The invoice was unlinked in place (a test's edit, not a method of data.ts): map again.
    this.salesOfEntries.set(org.id, { ...this.basisOf(org), value: build() });
    return this.salesOfEntries.get(org.id)!.value.get(entryId);
  }

  private basisOf(org: Organization): Omit<Derived<unknown>, 'value'> {
    return { changes: this.data.changes, invoices: org.invoices, count: org.invoices.length };
  }

  private derived<T>(cache: Map<string, Derived<T>>, org: Organization, build: () => T): T {
    const have = cache.get(org.id);
    if (have?.changes === this.data.changes && have.invoices === org.invoices && have.count === org.invoices.length)
      return have.value;
    const value = build();
    cache.set(org.id, { ...this.basisOf(org), value });
    return value;
  }

  entryView(org: Organization, e: AccountingEntryRecord): Record<string, unknown> {
    return {
      id: e.id,
      creationDate: e.creationMs,
      modificationDate: e.modificationMs,
      documentNumber: e.documentNumber,
      documentDate: dayMs(e.documentDate),
      sourceType: e.sourceType,
      journalType: e.journalType,
      accountingEntryLines: e.lines.map((l) => {
        const customer = l.customerId === null ? undefined : this.customer(org, l.customerId);
        const invoice = l.invoice;
        const salesInvoice = invoice === null ? undefined : this.salesInvoiceOfEntry(org, e.id);
        return {
          id: l.id,
          creationDate: e.creationMs,
          modificationDate: e.modificationMs,
          accountCode: l.accountCode,
          label: l.label,
          debit: l.debit / 100,
          credit: l.credit / 100,
          accountingEntryThirdParty: customer
            ? {
                thirdPartyId: customer.id,
                socialName: customer.socialName,
                code: customer.code,
                origin: 'CUSTOMER',
                documentId: customer.documentId,
                vatNumber: customer.vatNumber,
              }
            : null,
          accountingEntryInvoice: invoice
            ? {
                externalInvoiceNumber: invoice.externalInvoiceNumber,
                documentDate: dayMs(invoice.documentDate),
                amount: invoice.amount / 100,
                openItems: invoice.openItems.map((item) => this.openItemView(org, item, salesInvoice ?? null)),
              }
            : null,
        };
      }),
    };
  }
}

/** A value derived from an organisation's invoices, valid while the data has had no change. */
interface Derived<T> {
  changes: number;
  invoices: readonly InvoiceRecord[];
  count: number;
  value: T;
}

interface UploadInput {
  file: UploadedFile | null | undefined;
  entityType: 'CUSTOMER' | 'ACCOUNTING_ENTRY';
  entityId: string;
  fileName: string;
  businessDate?: number | null;
  comment?: string | null;
}

/** A file part of a multipart request, put into the variables where `map` says. */
export class UploadedFile {
  constructor(
    readonly filename: string,
    readonly contentType: string | null,
    readonly bytes: Buffer,
  ) {}
}

function organizationView(o: Organization): Record<string, unknown> {
  // §2.1: only the seven fields that stay on `organizations` after the announced 2026-06 change.
  return {
    id: o.id,
    creationDate: o.creationMs,
    modificationDate: null,
    onboardingCompleted: true,
    onboardingDateCompleted: o.onboardingMs,
    legislationCode: o.legislationCode,
    socialName: o.socialName,
  };
}

function fileView(f: FileRecord): Record<string, unknown> {
  return {
    id: f.id,
    entityType: f.entityType,
    entityId: f.entityId,
    fileName: f.fileName,
    businessDate: f.businessDateMs,
    comment: f.comment,
    creationDate: f.creationMs,
  };
}

function tooLong(value: string | null | undefined, max: number, field: string): void {
  if (typeof value === 'string' && value.length > max)
    throw new SageBusinessError(BUSINESS_ERRORS.maxLengthExceeded, false, {
      field,
      maxLength: max,
      length: value.length,
    });
}

function dayMs(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

export function formatDateTime(ms: number, format: DateTimeFormat): string {
  const iso = new Date(ms).toISOString();
  if (format === 'date') return isoDay(ms);
  return format === 'seconds' ? iso.replace(/\.000Z$/, 'Z') : iso;
}

function literal(ast: ValueNode): unknown {
  if (ast.kind === Kind.STRING) return ast.value;
  if (ast.kind === Kind.INT || ast.kind === Kind.FLOAT) return Number(ast.value);
  if (ast.kind === Kind.NULL) return null;
  throw new GraphQLError(`Unexpected literal of kind ${ast.kind}.`, { nodes: ast });
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})$/;

function parseDateTime(value: unknown): number {
  if (typeof value === 'string') {
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
      const ms = dayMs(value);
      if (!Number.isNaN(ms)) return ms;
    } else if (RFC3339.test(value)) {
      const ms = Date.parse(value);
      if (!Number.isNaN(ms)) return ms;
    }
  }
  throw new GraphQLError(
    `DateTime cannot parse the given value ${JSON.stringify(value)}: expected yyyy-MM-dd or an RFC 3339 date-time.`,
  );
}

function parseDate(value: unknown): string {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(dayMs(value.slice(0, 10))))
    return value.slice(0, 10);
  throw new GraphQLError(`Date cannot parse the given value ${JSON.stringify(value)}: expected yyyy-MM-dd.`);
}

function parseDecimal(value: unknown): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n === 'number' && Number.isFinite(n)) return n;
  throw new GraphQLError(`Decimal cannot parse the given value ${JSON.stringify(value)}.`);
}

function parseUuid(value: unknown): string {
  if (typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value))
    return value.toLowerCase();
  throw new GraphQLError(`UUID cannot parse the given value ${JSON.stringify(value)}.`);
}
