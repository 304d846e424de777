import { textPdf } from '../../../postal/simulator/proof-pdf';
import type { Table } from './table';
import { dayToString } from './time';

/**
 * The invoice PDFs Odoo keeps as `ir.attachment` once an invoice was printed or sent
 * (`INV_2024_00012.pdf`, res_model account.move). Seeded for every posted customer invoice whose
 * id is even: derived from ids only, never from the seed's random generator, so adding them
 * changes no other generated value.
 */

/** Adds the attachment rows; call after the moves are seeded and before the tables are reindexed. */
export function seedInvoicePdfs(moves: Table, attachments: Table, uid: number): void {
  const wanted: number[] = [];
  for (let row = 0; row < moves.length; row++) {
    if (!moves.isAlive(row) || moves.idOf(row) % 2 !== 0) continue;
    if (moves.get(row, 'move_type') !== 'out_invoice' || moves.get(row, 'state') !== 'posted') continue;
    wanted.push(row);
  }
  attachments.reserveCapacity(attachments.length + wanted.length);
  const col = (name: string) => attachments.columns.get(name)!;
  for (const moveRow of wanted) {
    const row = attachments.allocate();
    // Printed when posted: the invoice's creation second (write_date may have moved since).
    const at = moves.get(moveRow, 'create_date') as number;
    col('name').set(row, `${String(moves.get(moveRow, 'name')).replace(/\//g, '_')}.pdf`);
    col('res_model').set(row, 'account.move');
    col('res_id').set(row, moves.idOf(moveRow));
    col('mimetype').set(row, 'application/pdf');
    for (const f of ['create_date', 'write_date']) col(f).set(row, at);
    for (const f of ['create_uid', 'write_uid']) col(f).set(row, uid);
    attachments.activate(row, false);
  }
}

/**
 * `ir.attachment.datas` (base64, computed as in Odoo): the bytes written through `datas`, or for a
 * seeded invoice PDF, rendered on read from fields an invoice keeps once posted (number, date,
 * total, customer), so 100,000 seeded PDFs cost no memory and the same invoice always gives the
 * same bytes. `null` (read as `false`) when the invoice is gone.
 */
export function attachmentDatas(
  attachments: Table,
  moves: Table,
  displayName: (model: string, id: number) => string,
): (row: number) => string | null {
  return (row) => {
    const stored = attachments.get(row, 'db_datas');
    if (typeof stored === 'string') return stored;
    if (attachments.get(row, 'res_model') !== 'account.move') return null;
    const moveRow = moves.rowOf(attachments.get(row, 'res_id') as number);
    if (moveRow < 0) return null;
    const number = String(moves.get(moveRow, 'name'));
    const day = moves.get(moveRow, 'invoice_date');
    const currency = displayName('res.currency', moves.get(moveRow, 'currency_id') as number);
    const lines = [
      displayName('res.company', moves.get(moveRow, 'company_id') as number),
      `Facture ${number}`,
      `Date : ${typeof day === 'number' ? dayToString(day) : ''}`,
      `Client : ${displayName('res.partner', moves.get(moveRow, 'commercial_partner_id') as number)}`,
      `Total : ${(moves.get(moveRow, 'amount_total') as number).toFixed(2)} ${currency}`,
    ];
    return textPdf(`Facture ${number}`, lines).toString('base64');
  };
}
