import { makeColumn, NumberColumn, type Column } from './columns';
import type { FieldDef, ModelDef, Raw } from './types';

/**
 * Rows of (write_date, id), kept sorted so that `order: 'write_date asc, id asc'` pages are read in
 * place instead of sorting 200,000 rows per page (erp-apis.md §1.6: the keyset cursor). Ids grow with
 * rows, so ordering ties by row is ordering them by id.
 */
export class SortedIndex {
  private rows = new Int32Array(64);
  size = 0;

  constructor(private readonly keyOf: (row: number) => number) {}

  /** The key with NULL first, as PostgreSQL puts NULLs first in descending order and we read both ways. */
  key(row: number): number {
    const k = this.keyOf(row);
    return k !== k ? -Infinity : k;
  }

  at(position: number): number {
    return this.rows[position]!;
  }

  /** First position whose (key, row) is not below (key, row). */
  private seek(key: number, row: number): number {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const r = this.rows[mid]!;
      const k = this.key(r);
      if (k < key || (k === key && r < row)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  insert(row: number): void {
    if (this.size === this.rows.length) {
      const next = new Int32Array(this.rows.length * 2);
      next.set(this.rows);
      this.rows = next;
    }
    const pos = this.seek(this.key(row), row);
    this.rows.copyWithin(pos + 1, pos, this.size);
    this.rows[pos] = row;
    this.size++;
  }

  /** Must be called while the row still holds the key it was indexed under. */
  remove(row: number): void {
    const pos = this.seek(this.key(row), row);
    if (this.rows[pos] !== row) throw new Error(`index out of sync for row ${row}`);
    this.rows.copyWithin(pos, pos + 1, this.size);
    this.size--;
  }

  /** First position with key > bound (or >= when inclusive). */
  lowerBound(bound: number, inclusive: boolean): number {
    return this.seek(bound, inclusive ? -Infinity : Infinity);
  }

  /** Position after the last key < bound (or <= when inclusive). */
  upperBound(bound: number, inclusive: boolean): number {
    return this.seek(bound, inclusive ? Infinity : -Infinity);
  }

  /** Replaces the content with `rows`, sorting them once (used after seeding). */
  rebuild(rows: Int32Array): void {
    const n = rows.length;
    // One numeric sort on a composite key when it fits in a double's 53 bits; epoch seconds need 31.
    if (n < 1 << 21) {
      const composite = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const r = rows[i]!;
        const k = this.key(r);
        composite[i] = (k === -Infinity ? 0 : k) * 2097152 + r;
      }
      composite.sort();
      this.rows = new Int32Array(Math.max(64, n));
      for (let i = 0; i < n; i++) this.rows[i] = composite[i]! % 2097152;
    } else {
      const sorted = Array.from(rows).sort((a, b) => this.key(a) - this.key(b) || a - b);
      this.rows = Int32Array.from(sorted);
    }
    this.size = n;
  }
}

export type Getter = (row: number) => Raw;

/**
 * One model's records in columns. Ids are `firstId + row`, so lookups need no map and a seeded id
 * offset (past 2^31-1, erp-apis.md §1.3) costs nothing; deleted rows stay as dead slots.
 */
export class Table {
  readonly fields = new Map<string, FieldDef>();
  readonly columns = new Map<string, Column>();
  readonly computed = new Map<string, Getter>();
  readonly writeIndex: SortedIndex;
  private alive = new Uint8Array(0);
  length = 0;
  liveCount = 0;

  constructor(
    readonly def: ModelDef,
    readonly firstId: number,
  ) {
    for (const field of def.fields) this.addField(field);
    const writeDate = this.columns.get('write_date') as NumberColumn;
    this.writeIndex = new SortedIndex((row) => writeDate.data[row]!);
  }

  get name(): string {
    return this.def.name;
  }

  addField(field: FieldDef): void {
    this.fields.set(field.name, field);
    if (field.computed || field.name === 'id') return;
    const column = makeColumn(field);
    column.grow(this.alive.length);
    this.columns.set(field.name, column);
  }

  /** Drops a field and its column, as uninstalling the module that added it does. */
  removeField(name: string): void {
    this.fields.delete(name);
    this.columns.delete(name);
  }

  /** Grows every column once ahead of a bulk load. */
  reserveCapacity(rows: number): void {
    if (rows <= this.alive.length) return;
    const capacity = Math.max(rows, this.alive.length * 2, 16);
    const next = new Uint8Array(capacity);
    next.set(this.alive);
    this.alive = next;
    for (const column of this.columns.values()) column.grow(capacity);
  }

  idOf(row: number): number {
    return this.firstId + row;
  }

  /** Row of a live record, or -1. */
  rowOf(id: number): number {
    const row = id - this.firstId;
    return row >= 0 && row < this.length && row % 1 === 0 && this.alive[row] === 1 ? row : -1;
  }

  isAlive(row: number): boolean {
    return this.alive[row] === 1;
  }

  /** Allocates the next id without making the record visible (PostgreSQL sequences are not transactional). */
  allocate(): number {
    this.reserveCapacity(this.length + 1);
    return this.length++;
  }

  /** Allocates rows up to `id` so that a seeded record can take that exact id. */
  allocateId(id: number): number {
    const row = id - this.firstId;
    if (row < this.length) throw new Error(`${this.name} id ${id} already allocated`);
    this.reserveCapacity(row + 1);
    this.length = row + 1;
    return row;
  }

  /** Makes an allocated row visible; the write_date column must already be set. */
  activate(row: number, indexed = true): void {
    this.alive[row] = 1;
    this.liveCount++;
    if (indexed) this.writeIndex.insert(row);
  }

  remove(row: number): void {
    if (this.alive[row] !== 1) return;
    this.writeIndex.remove(row);
    this.alive[row] = 0;
    this.liveCount--;
  }

  /** Rebuilds the write_date index after rows were activated with `indexed = false`. */
  reindex(): void {
    const rows = new Int32Array(this.liveCount);
    let n = 0;
    for (let r = 0; r < this.length; r++) if (this.alive[r] === 1) rows[n++] = r;
    this.writeIndex.rebuild(rows);
  }

  get(row: number, field: string): Raw {
    if (field === 'id') return this.firstId + row;
    const column = this.columns.get(field);
    if (column) return column.get(row);
    const getter = this.computed.get(field);
    return getter ? getter(row) : null;
  }

  set(row: number, field: string, value: Raw): void {
    const column = this.columns.get(field);
    if (!column) return;
    if (field === 'write_date' && this.alive[row] === 1) {
      this.writeIndex.remove(row);
      column.set(row, value);
      this.writeIndex.insert(row);
      return;
    }
    column.set(row, value);
  }

  /** A fast reader of one field, for compiled domains and sort keys. */
  reader(field: string): Getter {
    if (field === 'id') {
      const first = this.firstId;
      return (row) => first + row;
    }
    const column = this.columns.get(field);
    if (column) return (row) => column.get(row);
    const getter = this.computed.get(field);
    return getter ?? (() => null);
  }
}
