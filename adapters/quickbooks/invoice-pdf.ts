import { AdapterError } from '../../connector/ports/adapter-error';
import type { InvoicePdf } from '../../connector/ports/erp';
import type { Logger } from '../../connector/log/logger';
import { parseQboId, type QboMappingContext } from '../../mappings/quickbooks/to-canonical';
import type { QboClient } from './client';

/**
 * An invoice as QuickBooks Online prints it, for the dossier handed to the law firm. QuickBooks
 * keeps no file: it renders any invoice as a PDF when asked, so every invoice of this company has
 * one. What is not an invoice of this connection (a credit memo, another connection's id) and an
 * invoice QuickBooks no longer has (610 Object Not Found: deleted) have none, as in the Odoo
 * adapter (ErpAdapter.invoicePdf); every other failure rejects, so the hand-off is tried again
 * rather than sent without a document the ledger has.
 */

export interface InvoicePdfDeps {
  client: QboClient;
  context: QboMappingContext;
  logger: Logger;
}

export async function invoicePdf(deps: InvoicePdfDeps, receivableId: string): Promise<InvoicePdf | undefined> {
  const ref = parseQboId(deps.context, receivableId);
  if (ref?.entity !== 'Invoice') return undefined;
  let content: Buffer;
  try {
    // UNVERIFIED: not in the reference (erp-apis.md §2); the path public clients use, with
    // `Accept: application/pdf` (node-quickbooks `getInvoicePdf`, rangka/quickbooks `downloadPdf`).
    content = await deps.client.getPdf(`invoice/${encodeURIComponent(ref.id)}/pdf`);
  } catch (e) {
    if (!(e instanceof AdapterError)) throw e;
    // Deleted in QuickBooks (or never there): the ledger holds no PDF of it (erp-apis.md §2.4: 610).
    if (e.code === 'QBO_OBJECT_NOT_FOUND') return undefined;
    // The firm takes no document that large (client.ts MAX_PDF_BYTES): trying again cannot help,
    // so the dossier goes without the file and lists the invoice, as when the ledger has none.
    if (e.code === 'QBO_PDF_TOO_LARGE') {
      deps.logger.warn('QuickBooks invoice PDF too large for the dossier: the invoice is listed without it', {
        connection: deps.context.connection,
        invoice: ref.id,
        detail: e.userMessage,
      });
      return undefined;
    }
    throw e;
  }
  // The name QuickBooks gives its download is not known (UNVERIFIED); the dossier names the file itself.
  return { name: `invoice-${ref.id}.pdf`, content };
}
