import { z } from 'zod';

/**
 * QuickBooks Online Accounting API v3 records as the JSON API returns them (erp-apis.md §2.3,
 * field names from Intuit's XSDs `Finance.xsd`, `IntuitBaseTypes.xsd`, `IntuitRestServiceDef.xsd`
 * in intuit/QuickBooks-V3-Java-SDK). Deliberately permissive:
 * - only properties that have values are returned (§2.2), so every field but `Id` is optional
 *   and the mappers say which missing field keeps a record out;
 * - unknown fields pass through (`looseObject`): QBO adds fields across minor versions (§2.5);
 * - envelopes hold their records as `unknown[]`, so that one malformed record is quarantined by
 *   its mapper instead of failing the whole page.
 */

/** A reference serializes as `{"value": "4", "name": "C&L Enterprises"}` (ReferenceType, §2.3). */
export const QboRefWireSchema = z.looseObject({
  value: z.string(),
  name: z.string().optional(),
  type: z.string().optional(),
});
export type QboRefWire = z.infer<typeof QboRefWireSchema>;

/** Timestamps carry an offset, e.g. "2020-04-06T08:39:26-07:00" (§2.3); kept as text here. */
export const QboMetaDataWireSchema = z.looseObject({
  CreateTime: z.string().optional(),
  LastUpdatedTime: z.string().optional(),
});

/** `{DefinitionId, Name, Type: StringType|BooleanType|DateType|NumberType, StringValue|…}` (§2.3, IntuitBaseTypes.xsd). */
export const QboCustomFieldWireSchema = z.looseObject({
  DefinitionId: z.string().optional(),
  Name: z.string().optional(),
  Type: z.string().optional(),
  StringValue: z.string().optional(),
  BooleanValue: z.boolean().optional(),
  DateValue: z.string().optional(),
  NumberValue: z.number().optional(),
});
export type QboCustomFieldWire = z.infer<typeof QboCustomFieldWireSchema>;

/** `LinkedTxn {TxnId, TxnType, TxnLineId}` (§2.3, Transaction). */
export const QboLinkedTxnWireSchema = z.looseObject({
  TxnId: z.string(),
  TxnType: z.string(),
  TxnLineId: z.string().optional(),
});

/** A transaction line; a Payment's lines say how it is applied (`Line[] {Amount, LinkedTxn[]}`, §2.3). */
export const QboLineWireSchema = z.looseObject({
  Id: z.string().optional(),
  LineNum: z.number().optional(),
  Amount: z.number().optional(),
  DetailType: z.string().optional(),
  LinkedTxn: z.array(QboLinkedTxnWireSchema).optional(),
});
export type QboLineWire = z.infer<typeof QboLineWireSchema>;

/** `IntuitEntity`: Id, SyncToken, MetaData, CustomField[], and the attributes domain, status, sparse (§2.3). */
const entity = {
  Id: z.string(),
  SyncToken: z.string().optional(),
  MetaData: QboMetaDataWireSchema.optional(),
  CustomField: z.array(QboCustomFieldWireSchema).optional(),
  domain: z.string().optional(),
  /** "Deleted" on a CDC stub (§2.6). */
  status: z.string().optional(),
  sparse: z.boolean().optional(),
};

/** `Transaction`, base of Invoice, CreditMemo and Payment (§2.3). */
const transaction = {
  ...entity,
  DocNumber: z.string().optional(),
  TxnDate: z.string().optional(),
  CurrencyRef: QboRefWireSchema.optional(),
  ExchangeRate: z.number().optional(),
  PrivateNote: z.string().optional(),
  TxnStatus: z.string().optional(),
  LinkedTxn: z.array(QboLinkedTxnWireSchema).optional(),
  Line: z.array(QboLineWireSchema).optional(),
};

/** `SalesTransaction`, base of Invoice and CreditMemo (§2.3). */
const salesTransaction = {
  ...transaction,
  CustomerRef: QboRefWireSchema.optional(),
  DueDate: z.string().optional(),
  TotalAmt: z.number().optional(),
  HomeTotalAmt: z.number().optional(),
  Balance: z.number().optional(),
  HomeBalance: z.number().optional(),
  BillEmail: z.looseObject({ Address: z.string().optional() }).optional(),
  EmailStatus: z.string().optional(),
  PrintStatus: z.string().optional(),
};

export const QboInvoiceWireSchema = z.looseObject({
  ...salesTransaction,
  Deposit: z.number().optional(),
  InvoiceLink: z.string().optional(),
});
export type QboInvoiceWire = z.infer<typeof QboInvoiceWireSchema>;

export const QboCreditMemoWireSchema = z.looseObject({
  ...salesTransaction,
  /** What is left of the credit: the credit note's open amount (§2.3). */
  RemainingCredit: z.number().optional(),
  /** The invoice the credit memo was made from, when there is one (§2.3). */
  InvoiceRef: QboRefWireSchema.optional(),
});
export type QboCreditMemoWire = z.infer<typeof QboCreditMemoWireSchema>;

export const QboPaymentWireSchema = z.looseObject({
  ...transaction,
  CustomerRef: QboRefWireSchema.optional(),
  TotalAmt: z.number().optional(),
  UnappliedAmt: z.number().optional(),
  DepositToAccountRef: QboRefWireSchema.optional(),
  PaymentRefNum: z.string().optional(),
});
export type QboPaymentWire = z.infer<typeof QboPaymentWireSchema>;

const QboAddressWireSchema = z.looseObject({
  Line1: z.string().optional(),
  Line2: z.string().optional(),
  Line3: z.string().optional(),
  Line4: z.string().optional(),
  Line5: z.string().optional(),
  City: z.string().optional(),
  CountrySubDivisionCode: z.string().optional(),
  PostalCode: z.string().optional(),
  /** Free text in QBO ("France", "FR", "USA"): the mapper turns it into an ISO 3166 code when it can (unverified). */
  Country: z.string().optional(),
});
export type QboAddressWire = z.infer<typeof QboAddressWireSchema>;

export const QboCustomerWireSchema = z.looseObject({
  ...entity,
  DisplayName: z.string().optional(),
  CompanyName: z.string().optional(),
  GivenName: z.string().optional(),
  FamilyName: z.string().optional(),
  PrimaryEmailAddr: z.looseObject({ Address: z.string().optional() }).optional(),
  PrimaryPhone: z.looseObject({ FreeFormNumber: z.string().optional() }).optional(),
  /** Not in the fact sheet's field list (§2.3): read when present, unverified. */
  Mobile: z.looseObject({ FreeFormNumber: z.string().optional() }).optional(),
  BillAddr: QboAddressWireSchema.optional(),
  Balance: z.number().optional(),
  BalanceWithJobs: z.number().optional(),
  CurrencyRef: QboRefWireSchema.optional(),
  Active: z.boolean().optional(),
  PrimaryTaxIdentifier: z.string().optional(),
  /** A sub-customer (job) names its parent here (§2.3). */
  ParentRef: QboRefWireSchema.optional(),
  Job: z.boolean().optional(),
});
export type QboCustomerWire = z.infer<typeof QboCustomerWireSchema>;

/** What CDC sends for a deleted object: `status="Deleted"`, Id and MetaData only (§2.6). */
export const QboDeletedStubWireSchema = z.looseObject({
  Id: z.string(),
  status: z.literal('Deleted'),
  domain: z.string().optional(),
  MetaData: QboMetaDataWireSchema.optional(),
});

/** The entities the daemon reads (§2.3, §2.6). */
export const QBO_ENTITIES = ['Customer', 'Invoice', 'CreditMemo', 'Payment'] as const;
export type QboEntity = (typeof QBO_ENTITIES)[number];

const records = z.array(z.unknown());

/**
 * `{"QueryResponse": {"Invoice": [ … ], "startPosition": 1, "maxResults": 1}, "time": "…"}`; no
 * entity key when nothing matches; `totalCount` for `count(*)` (§2.2, IntuitRestServiceDef.xsd).
 */
export const QboQueryResultWireSchema = z.looseObject({
  startPosition: z.number().optional(),
  maxResults: z.number().optional(),
  totalCount: z.number().optional(),
  Customer: records.optional(),
  Invoice: records.optional(),
  CreditMemo: records.optional(),
  Payment: records.optional(),
});
export type QboQueryResultWire = z.infer<typeof QboQueryResultWireSchema>;

export const QboQueryResponseWireSchema = z.looseObject({
  QueryResponse: QboQueryResultWireSchema,
  time: z.string().optional(),
});
export type QboQueryResponseWire = z.infer<typeof QboQueryResponseWireSchema>;

/**
 * `{"CDCResponse":[{"QueryResponse":[{"Invoice":[…],"startPosition":1,…}, …]}],"time":"…"}`: one
 * QueryResponse per requested entity, empty for an entity without changes (§2.6). The JSON shape
 * is derived from the XSD ([UNVERIFIED JSON shape] in the fact sheet).
 */
export const QboCdcResponseWireSchema = z.looseObject({
  CDCResponse: z.array(z.looseObject({ QueryResponse: z.array(QboQueryResultWireSchema).optional() })),
  time: z.string().optional(),
});
export type QboCdcResponseWire = z.infer<typeof QboCdcResponseWireSchema>;

/** `FaultTypeEnum` of IntuitRestServiceDef.xsd, misspelling included (§2.4). */
export const QBO_FAULT_TYPES = ['ValidationFault', 'SystemFault', 'AuthenticationFault', 'AuthorizatonFault'] as const;

/**
 * `{"Fault":{"Error":[{"Message":"…","Detail":"…","code":"5010","element":""}],"type":"ValidationFault"},"time":"…"}`.
 * `code` is a string (§2.4). `type` is kept as any string: the 429's XML body says `type="SERVICE"`
 * (§2.4), so a type outside the enum is still a fault to report, not a body to reject.
 */
export const QboFaultWireSchema = z.looseObject({
  Fault: z.looseObject({
    Error: z.array(
      z.looseObject({
        Message: z.string().optional(),
        Detail: z.string().optional(),
        code: z.string(),
        element: z.string().optional(),
      }),
    ),
    type: z.string().optional(),
  }),
  time: z.string().optional(),
});
export type QboFaultWire = z.infer<typeof QboFaultWireSchema>;

/** HTTP 200 may still carry a Fault (§2.4): the body decides, not the status. */
export function faultOf(body: unknown): QboFaultWire['Fault'] | undefined {
  const parsed = QboFaultWireSchema.safeParse(body);
  return parsed.success ? parsed.data.Fault : undefined;
}

/** The records of one entity in a query answer, or in every QueryResponse of a CDC answer. */
export function recordsOf(result: QboQueryResultWire, entity: QboEntity): unknown[] {
  return result[entity] ?? [];
}

/** All records of a CDC answer, per entity, in the order they came. */
export function cdcRecords(body: QboCdcResponseWire): Record<QboEntity, unknown[]> {
  const out: Record<QboEntity, unknown[]> = { Customer: [], Invoice: [], CreditMemo: [], Payment: [] };
  for (const cdc of body.CDCResponse)
    for (const result of cdc.QueryResponse ?? []) for (const e of QBO_ENTITIES) out[e].push(...recordsOf(result, e));
  return out;
}
