import { AdapterError } from '../../connector/ports/adapter-error';

/**
 * What the Odoo adapter asks for, as pure functions (erp-apis.md §1.5, §1.6).
 *
 * - Incremental reads walk `account.move` by the keyset `(write_date, id)` with an explicit
 *   order. They do NOT filter on state or payment_state: an invoice that was paid or
 *   cancelled since the last read must be seen, so that its case is updated.
 * - Each run starts `overlapSeconds` before the saved cursor: `write_date` is the start time
 *   of the writing transaction, so a transaction that commits after our read carries a date
 *   older than our cursor (§1.6 pitfall 1). Records re-read in the window are recognised by
 *   their unchanged `write_date` and not counted as changes.
 * - The full reconciliation lists the ids of every open receivable; anything the store holds
 *   as open that Odoo no longer lists is read by id to learn whether it was paid, cancelled,
 *   reversed or deleted (§1.6 pitfall 4: deletions are invisible to write_date polling).
 */

export type OdooDomain = unknown[];

/** Which connection and model a plan is for, named by its errors. */
export interface PlanContext {
  connection: string;
  model: string;
}

/** A position in the `(write_date, id)` order; write_date is Odoo's UTC `YYYY-MM-DD HH:MM:SS`. */
export interface OdooCursor {
  writeDate: string;
  id: number;
}

export const CUSTOMER_MOVE_TYPES = ['out_invoice', 'out_refund'] as const;

/**
 * Customer invoices and credit notes still open: posted, with something left to pay. Settled-ness
 * comes from `amount_residual`, not from `payment_state`: on Enterprise a partly paid invoice may be
 * `in_payment` with money still owed, and Community 18 never says `in_payment` (it goes to `paid`).
 * `invoicing_legacy` moves predate the accounting app: Odoo does not track what is left on them.
 * (OCA credit-control's base domain, §1.5, filtered on payment_state; this one on the residual.)
 */
export const OPEN_RECEIVABLES_DOMAIN: OdooDomain = [
  ['move_type', 'in', [...CUSTOMER_MOVE_TYPES]],
  ['state', '=', 'posted'],
  ['amount_residual', '!=', 0],
  ['payment_state', '!=', 'invoicing_legacy'],
];

export const KEYSET_ORDER = 'write_date asc, id asc';

const ODOO_DATETIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/** A cursor's `write_date` in epoch ms; a value of any other shape is a damaged cursor (`ODOO_BAD_CURSOR`). */
export function parseOdooDatetime(value: string, where?: PlanContext): number {
  const m = ODOO_DATETIME.exec(value);
  if (!m)
    throw new AdapterError({
      code: 'ODOO_BAD_CURSOR',
      kind: 'config',
      userMessage: `${where ? `connection ${where.connection}, ${where.model}: ` : ''}the cursor's write_date "${value}" is not an Odoo datetime (YYYY-MM-DD HH:MM:SS, UTC); read everything again with \`recouvra sync --once --from-scratch\``,
    });
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

export function formatOdooDatetime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** The cursor a run starts from: the saved one moved back by the overlap window. */
export function startOfRun(
  saved: OdooCursor | undefined,
  overlapSeconds: number,
  where?: PlanContext,
): OdooCursor | undefined {
  if (!saved) return undefined;
  return { writeDate: formatOdooDatetime(parseOdooDatetime(saved.writeDate, where) - overlapSeconds * 1000), id: 0 };
}

/** Customer invoices and credit notes of any state: a paid or cancelled one must be seen too. */
export const CUSTOMER_MOVES_DOMAIN: OdooDomain = [['move_type', 'in', [...CUSTOMER_MOVE_TYPES]]];

/** `filter` AND strictly after `cursor` in `(write_date, id)` order: `write_date > ts OR (write_date = ts AND id > last)`. */
export function afterCursorDomain(
  cursor: OdooCursor | undefined,
  filter: OdooDomain = CUSTOMER_MOVES_DOMAIN,
): OdooDomain {
  if (!cursor) return [...filter];
  return [
    ...filter,
    '|',
    ['write_date', '>', cursor.writeDate],
    '&',
    ['write_date', '=', cursor.writeDate],
    ['id', '>', cursor.id],
  ];
}

/**
 * The cursor after a page: its last record's position; never moves backwards. A page that ends
 * before where it started breaks the order every later run relies on: it stops the read, nothing
 * of it saved, with a permanent error (the same question would get the same answer).
 */
export function cursorAfterPage(
  previous: OdooCursor | undefined,
  page: readonly { id: number; write_date: string }[],
  where?: PlanContext,
): OdooCursor | undefined {
  const last = page[page.length - 1];
  if (!last) return previous;
  const next = { writeDate: last.write_date, id: last.id };
  if (previous && compareCursors(next, previous) < 0) {
    throw new AdapterError({
      code: 'ODOO_RECORDS_OUT_OF_ORDER',
      kind: 'system',
      userMessage: `${where ? `connection ${where.connection}: ${where.model}` : 'Odoo'} returned records out of order: (${next.writeDate}, ${next.id}) comes before the cursor (${previous.writeDate}, ${previous.id}), although the read asked for the order "${KEYSET_ORDER}" strictly after it. Nothing of this page was saved; something on the server changes the order or the filter of search_read (a custom module, a proxy rewriting answers)`,
      detail: `${page.length} record(s); first (${page[0]!.write_date}, ${page[0]!.id}), last (${next.writeDate}, ${next.id})`,
    });
  }
  return next;
}

export function compareCursors(a: OdooCursor, b: OdooCursor): number {
  if (a.writeDate !== b.writeDate) return a.writeDate < b.writeDate ? -1 : 1;
  return a.id - b.id;
}
