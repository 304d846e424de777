/**
 * The invoices of one company as columns: a typed array per field, so 100,000 invoices cost a few
 * megabytes instead of the hundreds an object per invoice (with its lines) would. Rare fields (a
 * private note, a custom field's value, the payments linked to an invoice) live in maps by row.
 */

export const INVOICE_OPEN = 0;
export const INVOICE_VOIDED = 1;
export const INVOICE_DELETED = 2;

function grow<T extends Float64Array | Int32Array | Uint8Array>(old: T, capacity: number, make: (n: number) => T): T {
  if (capacity <= old.length) return old;
  const next = make(Math.max(capacity, old.length * 2, 16));
  next.set(old);
  return next;
}

export class InvoiceColumns {
  length = 0;
  id = new Int32Array(0);
  syncToken = new Int32Array(0);
  /** The customer's index in its company's customer list. */
  customer = new Int32Array(0);
  txnDay = new Int32Array(0);
  dueDay = new Int32Array(0);
  /** Minor units of the invoice's currency. */
  total = new Float64Array(0);
  balance = new Float64Array(0);
  /** Home-currency units per unit of the invoice's currency; NaN when the invoice is in the home currency. */
  rate = new Float64Array(0);
  /** Epoch seconds. */
  created = new Float64Array(0);
  updated = new Float64Array(0);
  state = new Uint8Array(0);
  /** How many sales lines the total is split over (1 to 3). */
  lines = new Uint8Array(0);
  emailed = new Uint8Array(0);
  readonly privateNote = new Map<number, string>();
  readonly customFieldValue = new Map<number, string>();
  readonly docNumber = new Map<number, string>();
  /** Payment ids linked to the invoice, oldest first. */
  readonly payments = new Map<number, number[]>();

  /** Appends a row (every column zero) and returns its index. */
  add(): number {
    const row = this.length++;
    if (row >= this.id.length) {
      const n = row + 1;
      this.id = grow(this.id, n, (k) => new Int32Array(k));
      this.syncToken = grow(this.syncToken, n, (k) => new Int32Array(k));
      this.customer = grow(this.customer, n, (k) => new Int32Array(k));
      this.txnDay = grow(this.txnDay, n, (k) => new Int32Array(k));
      this.dueDay = grow(this.dueDay, n, (k) => new Int32Array(k));
      this.total = grow(this.total, n, (k) => new Float64Array(k));
      this.balance = grow(this.balance, n, (k) => new Float64Array(k));
      this.rate = grow(this.rate, n, (k) => new Float64Array(k));
      this.created = grow(this.created, n, (k) => new Float64Array(k));
      this.updated = grow(this.updated, n, (k) => new Float64Array(k));
      this.state = grow(this.state, n, (k) => new Uint8Array(k));
      this.lines = grow(this.lines, n, (k) => new Uint8Array(k));
      this.emailed = grow(this.emailed, n, (k) => new Uint8Array(k));
    }
    return row;
  }
}
