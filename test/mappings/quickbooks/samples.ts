/**
 * Wire samples written from erp-apis.md §2.2–2.6 (field names of the XSDs, JSON as the query and
 * CDC endpoints return it: references as {value, name}, amounts as numbers, timestamps with an
 * offset, only filled fields). No real company data, no secrets.
 */

export const REALM = '9341453050298720';
export const ctx = {
  connection: 'qbo-fr',
  realm: REALM,
  customFields: { registration: 'SIRET', vat: 'N° TVA' },
  homeCurrency: 'EUR',
};

export const customer = {
  Id: '58',
  SyncToken: '3',
  domain: 'QBO',
  sparse: false,
  MetaData: { CreateTime: '2026-01-05T09:12:44-08:00', LastUpdatedTime: '2026-03-02T14:03:10-08:00' },
  DisplayName: 'Ateliers Dubois SARL',
  CompanyName: 'Ateliers Dubois SARL',
  GivenName: 'Claire',
  FamilyName: 'Dubois',
  PrimaryEmailAddr: { Address: 'compta@ateliers-dubois.example' },
  PrimaryPhone: { FreeFormNumber: '01 42 68 53 00' },
  BillAddr: {
    Id: '112',
    Line1: '12 rue des Tanneurs',
    City: 'Lyon',
    PostalCode: '69002',
    Country: 'France',
  },
  Balance: 1520.4,
  BalanceWithJobs: 2370.4,
  CurrencyRef: { value: 'EUR', name: 'Euro' },
  Active: true,
  Job: false,
  PrimaryTaxIdentifier: 'FR44 732829320',
  CustomField: [{ DefinitionId: '1', Name: 'SIRET', Type: 'StringType', StringValue: '732 829 320 00074' }],
  PreferredDeliveryMethod: 'Email',
};

export const subCustomer = {
  Id: '59',
  SyncToken: '0',
  MetaData: { CreateTime: '2026-01-06T10:00:00-08:00', LastUpdatedTime: '2026-01-06T10:00:00-08:00' },
  DisplayName: 'Chantier Croix-Rousse',
  FullyQualifiedName: 'Ateliers Dubois SARL:Chantier Croix-Rousse',
  ParentRef: { value: '58' },
  Job: true,
  Level: 1,
  Active: true,
  BalanceWithJobs: 850,
};

export const subSubCustomer = {
  ...subCustomer,
  Id: '60',
  DisplayName: 'Lot 2 menuiseries',
  ParentRef: { value: '59' },
  Level: 2,
};

export const invoice = {
  Id: '130',
  SyncToken: '2',
  domain: 'QBO',
  sparse: false,
  MetaData: { CreateTime: '2026-02-01T08:00:00-08:00', LastUpdatedTime: '2026-03-01T11:20:00-08:00' },
  CustomField: [{ DefinitionId: '1', Name: 'Bon de commande', Type: 'StringType', StringValue: 'BC-2026-17' }],
  DocNumber: 'F-2026-0130',
  TxnDate: '2026-02-01',
  CurrencyRef: { value: 'EUR', name: 'Euro' },
  LinkedTxn: [{ TxnId: '212', TxnType: 'Payment' }],
  Line: [
    {
      Id: '1',
      LineNum: 1,
      Amount: 1267,
      DetailType: 'SalesItemLineDetail',
      SalesItemLineDetail: { ItemRef: { value: '3', name: 'Pose' }, Qty: 1, UnitPrice: 1267 },
    },
    { Amount: 1267, DetailType: 'SubTotalLineDetail', SubTotalLineDetail: {} },
  ],
  TxnTaxDetail: { TotalTax: 253.4 },
  CustomerRef: { value: '58', name: 'Ateliers Dubois SARL' },
  BillEmail: { Address: 'compta@ateliers-dubois.example' },
  DueDate: '2026-03-03',
  TotalAmt: 1520.4,
  Balance: 520.4,
  EmailStatus: 'EmailSent',
  PrintStatus: 'NotSet',
  PrivateNote: 'Relancé par téléphone le 12/02.',
};

export const creditMemo = {
  Id: '130',
  SyncToken: '0',
  domain: 'QBO',
  MetaData: { CreateTime: '2026-02-10T08:00:00-08:00', LastUpdatedTime: '2026-02-10T08:00:00-08:00' },
  DocNumber: 'AV-2026-0007',
  TxnDate: '2026-02-10',
  CurrencyRef: { value: 'EUR', name: 'Euro' },
  Line: [{ Id: '1', LineNum: 1, Amount: 100, DetailType: 'SalesItemLineDetail' }],
  CustomerRef: { value: '59', name: 'Ateliers Dubois SARL:Chantier Croix-Rousse' },
  TotalAmt: 120,
  Balance: 80,
  RemainingCredit: 80,
  InvoiceRef: { value: '130' },
};

export const payment = {
  Id: '212',
  SyncToken: '0',
  domain: 'QBO',
  MetaData: { CreateTime: '2026-02-20T08:00:00-08:00', LastUpdatedTime: '2026-02-20T08:00:00-08:00' },
  TxnDate: '2026-02-20',
  CurrencyRef: { value: 'EUR', name: 'Euro' },
  CustomerRef: { value: '58', name: 'Ateliers Dubois SARL' },
  DepositToAccountRef: { value: '35' },
  PaymentRefNum: 'VIR 20260220',
  TotalAmt: 1100,
  UnappliedAmt: 0,
  Line: [
    { Amount: 1000, LinkedTxn: [{ TxnId: '130', TxnType: 'Invoice' }] },
    { Amount: 100, LinkedTxn: [{ TxnId: '131', TxnType: 'Invoice' }] },
  ],
};

/** §2.6: a deleted object is a stub with Id and MetaData only. */
export const deletedInvoiceStub = {
  Id: '65',
  domain: 'QBO',
  status: 'Deleted',
  MetaData: { LastUpdatedTime: '2026-03-04T10:15:00-08:00' },
};
