/**
 * The part of Sage Active's public GraphQL schema the simulator serves, as SDL. Field names, types
 * and lengths come from shared/reference/sage.md §2.3 (sales invoices, open items, customers,
 * accounting entries), §2.1 (organizations: only the seven fields that stay there after the
 * 2026-06 change), §2.5 (the write-back mutations) and §2.6 (localizedErrorMessage). The filter and
 * sort input names follow Hot Chocolate's generated names (§2.2: the server is Hot Chocolate)
 * [UNVERIFIED against introspection of a real tenant, §2.7]; `SalesInvoiceUpdateGLDtoInput` and
 * `CustomerUpdateGLDtoInput` are the names §2.5 quotes; `FileUploadGLDtoInput` is UNVERIFIED.
 */
export const SAGE_ACTIVE_SDL = /* GraphQL */ `
  scalar DateTime
  scalar Date
  scalar Decimal
  scalar UUID
  scalar Upload

  enum SortEnumType {
    ASC
    DESC
  }

  "§2.1: userProfile needs no X-OrganizationId."
  type UserProfile {
    id: UUID!
    email: String
    firstName: String
    lastName: String
    languageCode: String
  }

  type Organization {
    id: UUID!
    creationDate: DateTime!
    modificationDate: DateTime
    onboardingCompleted: Boolean!
    onboardingDateCompleted: DateTime
    legislationCode: String
    socialName: String
  }

  type PageInfo {
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
    endCursor: String
  }

  type OrganizationsConnection {
    nodes: [Organization!]
    edges: [OrganizationsEdge!]
    pageInfo: PageInfo!
    totalCount: Int!
  }
  type OrganizationsEdge {
    cursor: String!
    node: Organization!
  }

  type Address {
    firstLine: String
    secondLine: String
    city: String
    zipCode: String
    province: String
    countryIsoCodeAlpha2: String
    isMainAddress: Boolean
    isDeliveryAddress: Boolean
  }

  type ContactEmail {
    emailAddress: String
    "INVOICES or PAYMENTS (§2.3)"
    usage: String
    isDefault: Boolean
  }

  type ContactPhone {
    number: String
    type: String
    isDefault: Boolean
  }

  type Contact {
    name: String
    surname: String
    jobName: String
    isDefault: Boolean
    isDefaultCustomer: Boolean
    emails: [ContactEmail!]
    phones: [ContactPhone!]
  }

  type DocumentType {
    code: String
    name: String
  }

  "UNVERIFIED fields: §2.3 names paymentTermLines without their content."
  type PaymentTermLine {
    days: Int
    percentage: Decimal
  }

  type Customer {
    id: UUID!
    code: String
    socialName: String
    tradeName: String
    documentId: String
    vatNumber: String
    viesCode: String
    documentType: DocumentType
    countryAcronym: String
    customerType: String
    nafApeCode: String
    comments: String
    status: String
    disabled: Boolean
    addresses: [Address!]
    contacts: [Contact!]
    paymentTermLines: [PaymentTermLine!]
    creationDate: DateTime!
    modificationDate: DateTime
  }

  type CustomersConnection {
    nodes: [Customer!]
    edges: [CustomersEdge!]
    pageInfo: PageInfo!
    totalCount: Int!
  }
  type CustomersEdge {
    cursor: String!
    node: Customer!
  }

  enum OpenItemStatus {
    NOT_SPECIFIED
    COLLECTED
    PAID
    PARTIAL
  }

  type PaymentMean {
    id: UUID!
    name: String
  }

  type SalesInvoiceOpenItem {
    id: UUID!
    creationDate: DateTime!
    modificationDate: DateTime
    amount: Decimal!
    paidAmountAccumulated: Decimal!
    dueDate: Date
    status: OpenItemStatus!
    isAdvanceInvoicePayment: Boolean!
    paymentMeanId: UUID
    paymentMean: PaymentMean
    salesInvoiceId: UUID
    salesInvoice: SalesInvoice
  }

  type SalesInvoiceOpenItemsConnection {
    nodes: [SalesInvoiceOpenItem!]
    edges: [SalesInvoiceOpenItemsEdge!]
    pageInfo: PageInfo!
    totalCount: Int!
  }
  type SalesInvoiceOpenItemsEdge {
    cursor: String!
    node: SalesInvoiceOpenItem!
  }

  type SalesInvoice {
    id: UUID!
    creationDate: DateTime!
    modificationDate: DateTime
    sourceType: String
    operationalNumber: String
    documentDate: DateTime
    operationDate: DateTime
    firstDueDate: DateTime
    "NORMAL, CREDIT_NOTE, PAYMENT_IN_ADVANCE or NONE (§2.3)"
    type: String
    "Pending, Closed, Posted, PartiallyCollected or Collected (§2.3)"
    status: String
    customerId: UUID
    customer: Customer
    socialName: String
    documentId: String
    vatNumber: String
    contactName: String
    contactEmail: String
    contactPhone: String
    mainAddress: Address
    totalLiquid: Decimal
    totalNet: Decimal
    totalVat: Decimal
    remarks: String
    comments: String
    externalReference: String
    hasCreditNote: Boolean
    sourceSalesInvoiceId: UUID
    salesInvoiceTemplateId: UUID
    accountingEntryId: UUID
    openItems: [SalesInvoiceOpenItem!]
  }

  type SalesInvoicesConnection {
    nodes: [SalesInvoice!]
    edges: [SalesInvoicesEdge!]
    pageInfo: PageInfo!
    totalCount: Int!
  }
  type SalesInvoicesEdge {
    cursor: String!
    node: SalesInvoice!
  }

  type AccountingEntryThirdParty {
    thirdPartyId: UUID
    socialName: String
    code: String
    "CUSTOMER, SUPPLIER or EMPLOYEE (§2.3)"
    origin: String
    documentId: String
    vatNumber: String
  }

  type AccountingEntryInvoice {
    externalInvoiceNumber: String
    documentDate: DateTime
    amount: Decimal
    openItems: [SalesInvoiceOpenItem!]
  }

  type AccountingEntryLine {
    id: UUID!
    creationDate: DateTime!
    modificationDate: DateTime
    accountCode: String
    label: String
    debit: Decimal
    credit: Decimal
    accountingEntryThirdParty: AccountingEntryThirdParty
    accountingEntryInvoice: AccountingEntryInvoice
  }

  type AccountingEntry {
    id: UUID!
    creationDate: DateTime!
    modificationDate: DateTime
    documentNumber: String
    documentDate: DateTime
    "SALES, ACCOUNTING, IMPORT_FILE, PUBLIC_API … (§2.3)"
    sourceType: String
    journalType: String
    accountingEntryLines: [AccountingEntryLine!]
  }

  type AccountingEntriesConnection {
    nodes: [AccountingEntry!]
    edges: [AccountingEntriesEdge!]
    pageInfo: PageInfo!
    totalCount: Int!
  }
  type AccountingEntriesEdge {
    cursor: String!
    node: AccountingEntry!
  }

  "§2.5: files are listed with files(where: {entityType: {eq: …}, entityId: {eq: …}}); the other fields mirror the upload's input."
  type File {
    id: String!
    entityType: String!
    entityId: UUID!
    fileName: String!
    businessDate: DateTime
    comment: String
    creationDate: DateTime!
  }

  type FilesConnection {
    nodes: [File!]
    edges: [FilesEdge!]
    pageInfo: PageInfo!
    totalCount: Int!
  }
  type FilesEdge {
    cursor: String!
    node: File!
  }

  type LocalizedErrorMessage {
    errorKey: String!
    localizedMessage: String
  }

  input LocalizedErrorMessageInput {
    languageCode: String!
    errorKey: String!
  }

  input StringOperationFilterInput {
    and: [StringOperationFilterInput!]
    or: [StringOperationFilterInput!]
    eq: String
    neq: String
    contains: String
    ncontains: String
    in: [String]
    nin: [String]
    startsWith: String
    nstartsWith: String
    endsWith: String
    nendsWith: String
  }

  input UuidOperationFilterInput {
    eq: UUID
    neq: UUID
    in: [UUID]
    nin: [UUID]
  }

  input BooleanOperationFilterInput {
    eq: Boolean
    neq: Boolean
  }

  input ComparableDateTimeOperationFilterInput {
    eq: DateTime
    neq: DateTime
    in: [DateTime]
    nin: [DateTime]
    gt: DateTime
    gte: DateTime
    lt: DateTime
    lte: DateTime
  }

  input ComparableDateOperationFilterInput {
    eq: Date
    neq: Date
    gt: Date
    gte: Date
    lt: Date
    lte: Date
  }

  input ComparableDecimalOperationFilterInput {
    eq: Decimal
    neq: Decimal
    gt: Decimal
    gte: Decimal
    lt: Decimal
    lte: Decimal
  }

  input OpenItemStatusOperationFilterInput {
    eq: OpenItemStatus
    neq: OpenItemStatus
    in: [OpenItemStatus!]
    nin: [OpenItemStatus!]
  }

  input OrganizationFilterInput {
    and: [OrganizationFilterInput!]
    or: [OrganizationFilterInput!]
    id: UuidOperationFilterInput
    socialName: StringOperationFilterInput
    legislationCode: StringOperationFilterInput
  }

  input CustomerFilterInput {
    and: [CustomerFilterInput!]
    or: [CustomerFilterInput!]
    id: UuidOperationFilterInput
    code: StringOperationFilterInput
    socialName: StringOperationFilterInput
    documentId: StringOperationFilterInput
    vatNumber: StringOperationFilterInput
    status: StringOperationFilterInput
    disabled: BooleanOperationFilterInput
    creationDate: ComparableDateTimeOperationFilterInput
    modificationDate: ComparableDateTimeOperationFilterInput
  }

  input CustomerSortInput {
    code: SortEnumType
    socialName: SortEnumType
    creationDate: SortEnumType
    modificationDate: SortEnumType
  }

  input SalesInvoiceOpenItemFilterInput {
    and: [SalesInvoiceOpenItemFilterInput!]
    or: [SalesInvoiceOpenItemFilterInput!]
    id: UuidOperationFilterInput
    salesInvoiceId: UuidOperationFilterInput
    status: OpenItemStatusOperationFilterInput
    dueDate: ComparableDateOperationFilterInput
    amount: ComparableDecimalOperationFilterInput
    paidAmountAccumulated: ComparableDecimalOperationFilterInput
    creationDate: ComparableDateTimeOperationFilterInput
    modificationDate: ComparableDateTimeOperationFilterInput
  }

  input ListSalesInvoiceOpenItemFilterInput {
    all: SalesInvoiceOpenItemFilterInput
    none: SalesInvoiceOpenItemFilterInput
    some: SalesInvoiceOpenItemFilterInput
    any: Boolean
  }

  input SalesInvoiceOpenItemSortInput {
    dueDate: SortEnumType
    amount: SortEnumType
    creationDate: SortEnumType
  }

  input SalesInvoiceFilterInput {
    and: [SalesInvoiceFilterInput!]
    or: [SalesInvoiceFilterInput!]
    id: UuidOperationFilterInput
    operationalNumber: StringOperationFilterInput
    type: StringOperationFilterInput
    status: StringOperationFilterInput
    customerId: UuidOperationFilterInput
    documentDate: ComparableDateTimeOperationFilterInput
    firstDueDate: ComparableDateTimeOperationFilterInput
    totalLiquid: ComparableDecimalOperationFilterInput
    creationDate: ComparableDateTimeOperationFilterInput
    modificationDate: ComparableDateTimeOperationFilterInput
    openItems: ListSalesInvoiceOpenItemFilterInput
  }

  input SalesInvoiceSortInput {
    operationalNumber: SortEnumType
    documentDate: SortEnumType
    firstDueDate: SortEnumType
    creationDate: SortEnumType
    modificationDate: SortEnumType
  }

  input AccountingEntryThirdPartyFilterInput {
    origin: StringOperationFilterInput
    thirdPartyId: UuidOperationFilterInput
  }

  input AccountingEntryLineFilterInput {
    accountingEntryThirdParty: AccountingEntryThirdPartyFilterInput
  }

  input ListAccountingEntryLineFilterInput {
    some: AccountingEntryLineFilterInput
    all: AccountingEntryLineFilterInput
    none: AccountingEntryLineFilterInput
    any: Boolean
  }

  input AccountingEntryFilterInput {
    and: [AccountingEntryFilterInput!]
    or: [AccountingEntryFilterInput!]
    id: UuidOperationFilterInput
    sourceType: StringOperationFilterInput
    journalType: StringOperationFilterInput
    documentDate: ComparableDateTimeOperationFilterInput
    creationDate: ComparableDateTimeOperationFilterInput
    modificationDate: ComparableDateTimeOperationFilterInput
    accountingEntryLines: ListAccountingEntryLineFilterInput
  }

  input AccountingEntrySortInput {
    documentNumber: SortEnumType
    documentDate: SortEnumType
    creationDate: SortEnumType
  }

  input FileFilterInput {
    entityType: StringOperationFilterInput
    entityId: UuidOperationFilterInput
  }

  type Query {
    userProfile: UserProfile
    organizations(
      first: Int
      after: String
      last: Int
      before: String
      where: OrganizationFilterInput
    ): OrganizationsConnection
    customers(
      first: Int
      after: String
      last: Int
      before: String
      where: CustomerFilterInput
      order: [CustomerSortInput!]
    ): CustomersConnection
    salesInvoices(
      first: Int
      after: String
      last: Int
      before: String
      where: SalesInvoiceFilterInput
      order: [SalesInvoiceSortInput!]
    ): SalesInvoicesConnection
    salesInvoiceOpenItems(
      first: Int
      after: String
      last: Int
      before: String
      where: SalesInvoiceOpenItemFilterInput
      order: [SalesInvoiceOpenItemSortInput!]
    ): SalesInvoiceOpenItemsConnection
    accountingEntries(
      first: Int
      after: String
      last: Int
      before: String
      where: AccountingEntryFilterInput
      order: [AccountingEntrySortInput!]
    ): AccountingEntriesConnection
    files(first: Int, after: String, last: Int, before: String, where: FileFilterInput): FilesConnection
    localizedErrorMessage(input: LocalizedErrorMessageInput!): LocalizedErrorMessage
  }

  input CustomerUpdateGLDtoInput {
    id: UUID!
    comments: String
    tradeName: String
    vatNumber: String
  }

  input SalesInvoiceUpdateGLDtoInput {
    id: UUID!
    remarks: String
    comments: String
    externalReference: String
  }

  "CUSTOMER or ACCOUNTING_ENTRY: there is no SALES_INVOICE entity type (§2.5)."
  enum FileEntityType {
    CUSTOMER
    ACCOUNTING_ENTRY
  }

  input FileUploadGLDtoInput {
    file: Upload
    entityType: FileEntityType!
    entityId: UUID!
    fileName: String!
    businessDate: DateTime
    comment: String
  }

  type EntityIdResult {
    id: UUID
  }

  type FileIdResult {
    id: String
  }

  type Mutation {
    updateCustomer(input: CustomerUpdateGLDtoInput!): EntityIdResult
    updateSalesInvoice(input: SalesInvoiceUpdateGLDtoInput!): EntityIdResult
    uploadFileToEntity(input: FileUploadGLDtoInput!): FileIdResult
  }
`;
