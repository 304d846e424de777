import type { FieldDef, Raw } from './types';

/**
 * Column storage: one typed array per field keeps 200,000 invoices in a few tens of megabytes, where an
 * object per record would cost several times that. Every column speaks the `Raw` form (see types.ts).
 */
export interface Column {
  readonly field: FieldDef;
  grow(capacity: number): void;
  get(row: number): Raw;
  set(row: number, value: Raw): void;
}

function grown<T extends Float64Array | Int32Array | Uint8Array>(
  old: T,
  capacity: number,
  fill: number,
  make: (n: number) => T,
): T {
  if (capacity <= old.length) return old;
  const next = make(Math.max(capacity, old.length * 2, 16));
  next.set(old);
  if (fill !== 0) next.fill(fill, old.length);
  return next;
}

/** Numbers with NaN as NULL: floats, integers, many2one ids (ids may pass 2^31), epoch seconds. */
export class NumberColumn implements Column {
  data = new Float64Array(0);
  constructor(readonly field: FieldDef) {}
  grow(capacity: number): void {
    this.data = grown(this.data, capacity, NaN, (n) => new Float64Array(n));
  }
  get(row: number): number | null {
    const v = this.data[row]!;
    return v !== v ? null : v;
  }
  set(row: number, value: Raw): void {
    this.data[row] = typeof value === 'number' ? value : NaN;
  }
}

const NO_DAY = -0x80000000;

/** Day numbers; Int32 with a sentinel for NULL. */
export class DateColumn implements Column {
  data = new Int32Array(0);
  constructor(readonly field: FieldDef) {}
  grow(capacity: number): void {
    this.data = grown(this.data, capacity, NO_DAY, (n) => new Int32Array(n));
  }
  get(row: number): number | null {
    const v = this.data[row]!;
    return v === NO_DAY ? null : v;
  }
  set(row: number, value: Raw): void {
    this.data[row] = typeof value === 'number' ? value : NO_DAY;
  }
}

const NO_CHOICE = 255;

/** Selection keys as one byte each. */
export class SelectionColumn implements Column {
  data = new Uint8Array(0);
  private readonly codes = new Map<string, number>();
  private readonly keys: string[] = [];
  constructor(readonly field: FieldDef) {
    for (const [key] of field.selection ?? []) this.code(key);
  }
  private code(key: string): number {
    let c = this.codes.get(key);
    if (c === undefined) {
      c = this.keys.length;
      this.keys.push(key);
      this.codes.set(key, c);
    }
    return c;
  }
  grow(capacity: number): void {
    this.data = grown(this.data, capacity, NO_CHOICE, (n) => new Uint8Array(n));
  }
  get(row: number): string | null {
    const c = this.data[row]!;
    return c === NO_CHOICE ? null : this.keys[c]!;
  }
  set(row: number, value: Raw): void {
    this.data[row] = typeof value === 'string' ? this.code(value) : NO_CHOICE;
  }
}

export class BooleanColumn implements Column {
  data = new Uint8Array(0);
  constructor(readonly field: FieldDef) {}
  grow(capacity: number): void {
    this.data = grown(this.data, capacity, 0, (n) => new Uint8Array(n));
  }
  get(row: number): boolean {
    return this.data[row] === 1;
  }
  set(row: number, value: Raw): void {
    this.data[row] = value === true ? 1 : 0;
  }
}

/** Strings (NULL as null) and x2many id lists. */
export class ValueColumn implements Column {
  data: Raw[] = [];
  constructor(
    readonly field: FieldDef,
    private readonly empty: Raw,
  ) {}
  grow(capacity: number): void {
    while (this.data.length < capacity) this.data.push(this.empty);
  }
  get(row: number): Raw {
    return this.data[row] ?? this.empty;
  }
  set(row: number, value: Raw): void {
    this.data[row] = value;
  }
}

export function makeColumn(field: FieldDef): Column {
  switch (field.type) {
    case 'integer':
    case 'float':
    case 'monetary':
    case 'many2one':
    case 'datetime':
      return new NumberColumn(field);
    case 'date':
      return new DateColumn(field);
    case 'selection':
      return new SelectionColumn(field);
    case 'boolean':
      return new BooleanColumn(field);
    case 'one2many':
    case 'many2many':
      return new ValueColumn(field, []);
    default:
      return new ValueColumn(field, null);
  }
}
