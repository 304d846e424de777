import { textPdf } from '../../postal/simulator/proof-pdf';
import { CURRENCIES, type Company } from './data';
import { renderInvoice } from './render';

/**
 * An invoice as QuickBooks prints it (`GET /invoice/{id}/pdf`, UNVERIFIED: not in the reference;
 * the path public clients use): a one-page PDF made like the Odoo simulator's invoice PDFs
 * (adapters/odoo/simulator/model/invoice-pdf.ts, the hand-written `textPdf`), from the invoice as
 * the API renders it, so the PDF and a read of the invoice always agree. Rendered on request and
 * never stored: QuickBooks renders any invoice, and 100,000 invoices cost no memory. The same
 * invoice state gives the same bytes (no date of printing inside). The private note is left out:
 * it is internal, never printed (erp-apis.md §2.3). Layout and wording are the simulator's own.
 */
export function invoicePdf(c: Company, row: number): Buffer {
  const invoice = renderInvoice(c, row) as {
    DocNumber: string;
    TxnDate: string;
    DueDate: string;
    CustomerRef: { name: string };
    CurrencyRef: { value: string };
    Line: { Description?: string; Amount: number; DetailType: string }[];
    TotalAmt: number;
    Balance: number;
  };
  const currency = invoice.CurrencyRef.value;
  const decimals = CURRENCIES[currency]!.decimals;
  const money = (amount: number): string => `${amount.toFixed(decimals)} ${currency}`;
  const lines = [
    c.name,
    `Invoice ${invoice.DocNumber}`,
    `Date: ${invoice.TxnDate}`,
    `Due date: ${invoice.DueDate}`,
    `Bill to: ${invoice.CustomerRef.name}`,
    ...invoice.Line.filter((l) => l.DetailType === 'SalesItemLineDetail').map(
      (l) => `${l.Description ?? ''}: ${money(l.Amount)}`,
    ),
    `Total: ${money(invoice.TotalAmt)}`,
    `Balance due: ${money(invoice.Balance)}`,
  ];
  return textPdf(`Invoice ${invoice.DocNumber}`, lines);
}
