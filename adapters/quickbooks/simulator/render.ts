import { floor, round } from '../../odoo/simulator/model/numbers';
import { INVOICE_DELETED } from './columns';
import { CURRENCIES, type Company, type CreditMemoRecord, type CustomerRecord, type PaymentRecord } from './data';
import { dayToString, timestampText } from './time';

/**
 * Entities as QBO's JSON writes them (erp-apis.md §2.3): `Id` and `SyncToken` strings, amounts JSON
 * numbers in the currency's units, references `{value, name}`, dates "YYYY-MM-DD", timestamps with an
 * offset, the `domain` and `sparse` attributes, and only the fields that have a value ("Only properties
 * that have values are returned", §2.2).
 */

export type Json = Record<string, unknown>;

function amount(minor: number, decimals: number): number {
  return decimals === 0 ? minor : minor / 10 ** decimals;
}

/** ExchangeRate as sent: six decimals [UNVERIFIED precision]. */
function exchangeRate(rate: number): number {
  return round(rate * 1e6) / 1e6;
}

function metaData(c: Company, created: number, updated: number): Json {
  return {
    CreateTime: timestampText(created, c.offsetMinutes),
    LastUpdatedTime: timestampText(updated, c.offsetMinutes),
  };
}

function currencyRef(code: string): Json {
  return { value: code, name: CURRENCIES[code]!.name };
}

function customerRef(c: Company, customer: CustomerRecord): Json {
  const parent = customer.parent === undefined ? undefined : c.customers[customer.parent];
  return { value: String(customer.id), name: fullyQualifiedName(parent, customer) };
}

function fullyQualifiedName(parent: CustomerRecord | undefined, customer: CustomerRecord): string {
  return parent ? `${parent.displayName}:${customer.displayName}` : customer.displayName;
}

/** Home-currency figures, written only for a foreign-currency document [UNVERIFIED: QBO may write them always in a multi-currency company]. */
function homeAmounts(c: Company, currency: string, rate: number, fields: Record<string, number>): Json {
  if (rate !== rate || currency === c.homeCurrency) return {};
  const r = exchangeRate(rate);
  const from = CURRENCIES[currency]!.decimals;
  const to = CURRENCIES[c.homeCurrency]!.decimals;
  const out: Json = { ExchangeRate: r };
  for (const [name, minor] of Object.entries(fields))
    out[name] = amount(round((minor / 10 ** from) * r * 10 ** to), to);
  return out;
}

const ITEMS: Record<string, readonly string[]> = {
  FR: ['Prestation de conseil', 'Maintenance annuelle', 'Formation'],
  US: ['Consulting', 'Hours', 'Supplies'],
};

export function renderInvoice(c: Company, row: number): Json {
  const inv = c.invoices;
  const customer = c.customers[inv.customer[row]!]!;
  const currency = CURRENCIES[customer.currency]!;
  const total = inv.total[row]!;
  const balance = inv.balance[row]!;
  const lineCount = inv.lines[row]!;
  const items = ITEMS[c.country] ?? ITEMS.US!;
  const lines: Json[] = [];
  let left = total;
  for (let i = 0; i < lineCount; i++) {
    const part = i === lineCount - 1 ? left : floor(total / lineCount);
    left -= part;
    const value = amount(part, currency.decimals);
    lines.push({
      Id: String(i + 1),
      LineNum: i + 1,
      Description: items[i]!,
      Amount: value,
      DetailType: 'SalesItemLineDetail',
      SalesItemLineDetail: { ItemRef: { value: String(i + 1), name: items[i]! }, UnitPrice: value, Qty: 1 },
    });
  }
  lines.push({ Amount: amount(total, currency.decimals), DetailType: 'SubTotalLineDetail', SubTotalLineDetail: {} });
  const note = inv.privateNote.get(row);
  const fieldValue = inv.customFieldValue.get(row);
  const docNumber = inv.docNumber.get(row) ?? `${c.docPrefix}${inv.id[row]}`;
  const payments = inv.payments.get(row);
  return {
    domain: 'QBO',
    sparse: false,
    Id: String(inv.id[row]),
    SyncToken: String(inv.syncToken[row]),
    MetaData: metaData(c, inv.created[row]!, inv.updated[row]!),
    // A legacy custom field comes back named and typed even when empty [UNVERIFIED: Intuit's sample invoices show it so].
    CustomField: [
      {
        DefinitionId: c.invoiceField.DefinitionId,
        Name: c.invoiceField.Name,
        Type: 'StringType',
        ...(fieldValue === undefined ? {} : { StringValue: fieldValue }),
      },
    ],
    DocNumber: docNumber,
    TxnDate: dayToString(inv.txnDay[row]!),
    CurrencyRef: currencyRef(currency.code),
    ...(note === undefined ? {} : { PrivateNote: note }),
    ...(payments ? { LinkedTxn: payments.map((id) => ({ TxnId: String(id), TxnType: 'Payment' })) } : {}),
    Line: lines,
    CustomerRef: customerRef(c, customer),
    ...(customer.billAddr ? { BillAddr: customer.billAddr } : {}),
    DueDate: dayToString(inv.dueDay[row]!),
    TotalAmt: amount(total, currency.decimals),
    ...(customer.email ? { BillEmail: { Address: customer.email } } : {}),
    EmailStatus: inv.emailed[row] ? 'EmailSent' : 'NotSet',
    Balance: amount(balance, currency.decimals),
    ...homeAmounts(c, currency.code, inv.rate[row]!, { HomeTotalAmt: total, HomeBalance: balance }),
  };
}

export function renderCreditMemo(c: Company, m: CreditMemoRecord): Json {
  const customer = c.customers[m.customer]!;
  const currency = CURRENCIES[customer.currency]!;
  return {
    domain: 'QBO',
    sparse: false,
    Id: String(m.id),
    SyncToken: String(m.syncToken),
    MetaData: metaData(c, m.created, m.updated),
    DocNumber: m.docNumber,
    TxnDate: dayToString(m.day),
    CurrencyRef: currencyRef(currency.code),
    Line: [
      {
        Id: '1',
        LineNum: 1,
        Amount: amount(m.total, currency.decimals),
        DetailType: 'SalesItemLineDetail',
        SalesItemLineDetail: { ItemRef: { value: '1', name: (ITEMS[c.country] ?? ITEMS.US!)[0]! } },
      },
      { Amount: amount(m.total, currency.decimals), DetailType: 'SubTotalLineDetail', SubTotalLineDetail: {} },
    ],
    CustomerRef: customerRef(c, customer),
    TotalAmt: amount(m.total, currency.decimals),
    // erp-apis.md §2.3: CreditMemo adds RemainingCredit; Balance mirrors it [UNVERIFIED].
    RemainingCredit: amount(m.remaining, currency.decimals),
    Balance: amount(m.remaining, currency.decimals),
    ...homeAmounts(c, currency.code, m.rate, { HomeTotalAmt: m.total }),
  };
}

export function renderPayment(c: Company, p: PaymentRecord): Json {
  const customer = c.customers[p.customer]!;
  const currency = CURRENCIES[customer.currency]!;
  return {
    domain: 'QBO',
    sparse: false,
    Id: String(p.id),
    SyncToken: String(p.syncToken),
    MetaData: metaData(c, p.created, p.updated),
    TxnDate: dayToString(p.day),
    CurrencyRef: currencyRef(currency.code),
    // erp-apis.md §2.3: how a payment is applied — Line[] {Amount, LinkedTxn[{TxnId, TxnType: "Invoice"}]}.
    Line: p.lines.map((l) => ({
      Amount: amount(l.amount, currency.decimals),
      LinkedTxn: [{ TxnId: String(l.invoiceId), TxnType: 'Invoice' }],
    })),
    CustomerRef: customerRef(c, customer),
    TotalAmt: amount(p.amount, currency.decimals),
    UnappliedAmt: amount(p.unapplied, currency.decimals),
    ...homeAmounts(c, currency.code, p.rate, {}),
  };
}

export function renderCustomer(c: Company, index: number): Json {
  const k = c.customers[index]!;
  const balances = c.balances();
  const currency = CURRENCIES[k.currency]!;
  const parent = k.parent === undefined ? undefined : c.customers[k.parent]!;
  return {
    domain: 'QBO',
    sparse: false,
    Id: String(k.id),
    SyncToken: String(k.syncToken),
    MetaData: metaData(c, k.created, k.updated),
    ...(c.customerField && k.siret
      ? {
          CustomField: [
            {
              DefinitionId: c.customerField.DefinitionId,
              Name: c.customerField.Name,
              Type: 'StringType',
              StringValue: k.siret,
            },
          ],
        }
      : {}),
    ...(k.givenName ? { GivenName: k.givenName } : {}),
    ...(k.familyName ? { FamilyName: k.familyName } : {}),
    FullyQualifiedName: fullyQualifiedName(parent, k),
    ...(k.companyName ? { CompanyName: k.companyName } : {}),
    DisplayName: k.displayName,
    PrintOnCheckName: k.companyName ?? k.displayName,
    Active: k.active,
    ...(k.phone ? { PrimaryPhone: { FreeFormNumber: k.phone } } : {}),
    ...(k.email ? { PrimaryEmailAddr: { Address: k.email } } : {}),
    ...(k.taxId ? { PrimaryTaxIdentifier: k.taxId } : {}),
    ...(k.billAddr ? { BillAddr: k.billAddr } : {}),
    Job: parent !== undefined,
    ...(parent ? { ParentRef: { value: String(parent.id) }, Level: 1 } : {}),
    Balance: amount(balances.own[index]!, currency.decimals),
    BalanceWithJobs: amount(balances.withJobs[index]!, currency.decimals),
    CurrencyRef: currencyRef(currency.code),
  };
}

/** CompanyInfo for a `check()` [UNVERIFIED field set beyond the names of the XSD]. */
export function renderCompanyInfo(c: Company): Json {
  return {
    domain: 'QBO',
    sparse: false,
    Id: '1',
    SyncToken: '0',
    MetaData: metaData(c, c.created, c.created),
    CompanyName: c.name,
    LegalName: c.legalName,
    CompanyAddr: c.address,
    Country: c.country,
    SupportedLanguages: c.country === 'FR' ? 'fr' : 'en',
    NameValue: [
      { Name: 'HomeCurrency', Value: c.homeCurrency },
      { Name: 'MultiCurrencyEnabled', Value: String(c.multiCurrency) },
    ],
  };
}

/** erp-apis.md §2.6: a deleted object in CDC is `Id` and `MetaData.LastUpdatedTime` with `status: "Deleted"`. */
export function deletedStub(c: Company, id: number, updated: number): Json {
  return {
    domain: 'QBO',
    status: 'Deleted',
    Id: String(id),
    MetaData: { LastUpdatedTime: timestampText(updated, c.offsetMinutes) },
  };
}

export function invoiceIsDeleted(c: Company, row: number): boolean {
  return c.invoices.state[row] === INVOICE_DELETED;
}
