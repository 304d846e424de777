import { z } from 'zod';
import { AdapterError } from '../../connector/ports/adapter-error';

/**
 * What the Sage Active reader asks for, as pure functions (shared reference sage.md §2.2 paging and
 * filters, §2.4 incremental sync).
 *
 * - A record's change instant is its `modificationDate`, or its `creationDate` while
 *   `modificationDate` is still null (§2.4: "null until the first update"). No field holds that
 *   instant and Sage sorts on one field at a time, so a stream is read in two phases, each a keyset
 *   on one field: `created` (never modified: `modificationDate: {eq: null}`, by `creationDate`),
 *   then `modified` (by `modificationDate`). A record modified during a run leaves `created` and
 *   turns up in `modified` at a later instant, so nothing falls between the two.
 * - A position is `(time, id)`: every record of the phase before it, in the order (instant, id),
 *   has been read. Sage cannot sort nor compare on `id` (its filters offer eq/in only), so a page
 *   ends before the group of records sharing its last instant, which the next page reads whole; a
 *   group larger than a page is read whole at every page, sorted by id here, and resumed after the
 *   last id sent ("tie" pages).
 * - Instants come in three shapes (§2.2 [CONFLICT]): with milliseconds, with seconds only, or the
 *   date alone. A date alone stands for the whole day: the group of one instant is then one day.
 * - Every run walks back `OVERLAP_MS` from its saved position: a change committed after our read
 *   but stamped before it (a long transaction) would otherwise be missed. Records read again come
 *   back with the same version and count as unchanged.
 * - The first read of the receivables reads the open ones only (§2.3: status Closed, Posted or
 *   PartiallyCollected); what was settled before the connector came is none of its business.
 */

export type Phase = 'created' | 'modified';
export const PHASES: readonly Phase[] = ['created', 'modified'];

/** How far each run walks back from its saved position (UNVERIFIED: our choice; Sage says nothing of commit delays). */
export const OVERLAP_MS = 120_000;
/** §2.2: "maximum 500 per request"; the sweep and reads by id use the most. */
export const MAX_PAGE = 500;
/**
 * §2.3: the statuses of an issued invoice not yet collected. `Closed` is kept with them because the
 * mapping takes a Closed invoice as issued (to-canonical.ts, ISSUED): the sweep must list what the
 * incremental read keeps open, or every reconciliation would re-read those invoices.
 */
export const OPEN_STATUSES = ['Closed', 'Posted', 'PartiallyCollected'] as const;
/** §2.3: the sales invoice types that are receivables (NORMAL invoices, CREDIT_NOTE credit notes). */
export const RECEIVABLE_TYPES = ['NORMAL', 'CREDIT_NOTE'] as const;

/** A place in one phase's order: after the record `(time, id)`; `id` "" is before every record at `time`. */
export interface Position {
  /** A DateTime as Sage wrote it (any of the three shapes), or one we formatted in the same shape. */
  time: string;
  id: string;
}

/** Which data a connection's receivables come from: sales invoices, or accounting entry lines (books only). */
export type Route = 'sales' | 'accounting';

/** A stream's saved cursor: one position per phase, and whether the first read (open records only) is under way. */
export interface StreamCursor {
  route?: Route | undefined;
  created?: Position | undefined;
  modified?: Position | undefined;
  openOnly?: true | undefined;
}

/** Where the next page of a run starts (ReadPage.resume). */
export interface Resume {
  phase: Phase;
  /** Undefined: the phase starts from its saved position (walked back), or from the beginning. */
  from?: Position | undefined;
  openOnly?: true | undefined;
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{1,7})?(Z|[+-]\d{2}:\d{2})$/;
const DAY_MS = 86_400_000;

/** A Sage DateTime in any of its three shapes (§2.2) as epoch ms, or undefined. Fractions beyond the millisecond are cut. */
export function instantOf(text: string): number | undefined {
  if (DATE_ONLY.test(text)) {
    const ms = Date.parse(`${text}T00:00:00Z`);
    return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text ? undefined : ms;
  }
  const m = DATE_TIME.exec(text);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}${(m[2] ?? '').slice(0, 4)}${m[3]}`);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The span one written instant stands for: a whole day for a date alone, else one millisecond. */
export function unitOf(text: string): number {
  return DATE_ONLY.test(text) ? DAY_MS : 1;
}

/** Epoch ms in the shape of `like`: the date alone when `like` is one, else RFC 3339 with milliseconds (Sage accepts both, §2.2). */
export function timeText(ms: number, like: string): string {
  const iso = new Date(ms).toISOString();
  return DATE_ONLY.test(like) ? iso.slice(0, 10) : iso;
}

/** Orders two positions by instant, then id ("" first). Ids compare as strings: Sage's UUIDs in lower case. */
export function compareKeys(a: Position, b: Position): number {
  const ta = instantOf(a.time) ?? 0;
  const tb = instantOf(b.time) ?? 0;
  if (ta !== tb) return ta - tb;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Rows sorted as `compareKeys` orders their keys, each instant parsed once rather than at every
 * comparison (a page of 500 rows costs about 9,000 comparisons).
 */
function sortedByKey<T extends { key: Position }>(rows: readonly T[]): T[] {
  return rows
    .map((row) => ({ row, at: instantOf(row.key.time) ?? 0 }))
    .sort((a, b) => a.at - b.at || (a.row.key.id < b.row.key.id ? -1 : a.row.key.id > b.row.key.id ? 1 : 0))
    .map((d) => d.row);
}

/** The later of two positions of one phase: a cursor never moves back. */
export function laterPosition(saved: Position | undefined, next: Position | undefined): Position | undefined {
  if (!next) return saved;
  if (!saved) return next;
  return compareKeys(saved, next) <= 0 ? next : saved;
}

/**
 * Where a run of one phase starts: `OVERLAP_MS` before its saved position, before every record at
 * that instant; floored to the day when Sage writes dates alone, so that the day's records, which
 * all carry the day, are not taken for records before the start.
 */
export function runStart(saved: Position): Position {
  const at = (instantOf(saved.time) ?? 0) - OVERLAP_MS;
  const unit = unitOf(saved.time);
  return { time: timeText(Math.floor(at / unit) * unit, saved.time), id: '' };
}

/** The position just after every record at the instant of `time`. */
export function afterInstant(time: string): Position {
  return { time: timeText((instantOf(time) ?? 0) + unitOf(time), time), id: '' };
}

/**
 * Orders two saved cursors of one stream: 0 when every position is equal, positive when one moved
 * on and none moved back, negative when one moved back. Cursors of different routes are not
 * comparable: the later route's read starts over, which counts as moving on.
 */
export function compareStreamCursors(a: StreamCursor, b: StreamCursor): number {
  if ((a.route ?? 'sales') !== (b.route ?? 'sales')) return 1;
  let sign = 0;
  for (const p of PHASES) {
    const x = a[p];
    const y = b[p];
    const c = x && y ? compareKeys(x, y) : x ? 1 : y ? -1 : 0;
    if (c < 0) return -1;
    if (c > 0) sign = 1;
  }
  if (sign === 0 && a.openOnly !== b.openOnly) return a.openOnly ? -1 : 1;
  return sign;
}

const TimeSchema = z.string().refine((t) => instantOf(t) !== undefined, { error: 'not a Sage DateTime' });
const IdSchema = z.string().regex(/^[A-Za-z0-9-]{0,64}$/);
const PositionSchema = z.strictObject({ time: TimeSchema, id: IdSchema });
const CursorSchema = z.strictObject({
  route: z.enum(['sales', 'accounting']).optional(),
  created: PositionSchema.optional(),
  modified: PositionSchema.optional(),
  openOnly: z.literal(true).optional(),
});
const ResumeSchema = z.strictObject({
  phase: z.enum(['created', 'modified']),
  from: PositionSchema.optional(),
  openOnly: z.literal(true).optional(),
});

function badCursor(what: string, value: unknown): AdapterError {
  return new AdapterError({
    code: 'SAGE_BAD_CURSOR',
    kind: 'config',
    userMessage: `the ${what} is not a Sage Active position: ${JSON.stringify(value)}; read everything again with \`recouvra sync --once --from-scratch\``,
  });
}

export function parseStreamCursor(value: Record<string, unknown> | undefined, what: string): StreamCursor {
  if (value === undefined) return {};
  const parsed = CursorSchema.safeParse(value);
  if (!parsed.success) throw badCursor(what, value);
  return parsed.data;
}

export function parseResume(value: Record<string, unknown>, what: string): Resume {
  const parsed = ResumeSchema.safeParse(value);
  if (!parsed.success) throw badCursor(what, value);
  return parsed.data;
}

/** A cursor without its empty fields, as saved (JSON has no undefined). */
export function cursorValue(c: StreamCursor | Resume): Record<string, unknown> {
  return Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined));
}

/**
 * The `where` of one page of a phase from `from` (undefined: from the beginning), up to `before`
 * (exclusive) when reading the group of one instant. The filters on `modificationDate` being null or
 * not are Hot Chocolate's `eq: null` and `neq: null` [UNVERIFIED on Sage: §2.4, no example filters on
 * modificationDate].
 */
export function phaseWhere(
  phase: Phase,
  from: Position | undefined,
  extra: Record<string, unknown>,
  before?: string,
  /** The source is read on creationDate alone (it cannot be sorted on modificationDate): the created phase holds every record. */
  createdOnly = false,
): Record<string, unknown> {
  const field = phase === 'created' ? 'creationDate' : 'modificationDate';
  const range: Record<string, string> = {};
  if (from) range['gte'] = from.time;
  if (before !== undefined) range['lt'] = before;
  const where: Record<string, unknown> = { ...extra };
  if (phase === 'created' && !createdOnly) where['modificationDate'] = { eq: null };
  // Without a lower bound, the modified phase still excludes the records never modified (the created phase's).
  if (Object.keys(range).length) where[field] = range;
  else if (phase === 'modified') where[field] = { neq: null };
  return where;
}

/** The sort of a phase: on its field, ascending (§2.2: `order: [{field: ASC}]`). */
export function phaseOrder(phase: Phase): Record<string, 'ASC'>[] {
  return [{ [phase === 'created' ? 'creationDate' : 'modificationDate']: 'ASC' }];
}

/** A record's key in a phase: its id and the phase's field, or undefined when one is missing or unreadable. */
export function keyOf(raw: unknown, phase: Phase): Position | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  const time = r[phase === 'created' ? 'creationDate' : 'modificationDate'];
  if (typeof r['id'] !== 'string' || typeof time !== 'string' || instantOf(time) === undefined) return undefined;
  return { time, id: r['id'] };
}

/**
 * What to do with one fetched page of a phase, read from `from` with `limit` rows asked:
 * - `emit`: the records to send, in (instant, id) order, with the position after them;
 * - `tie`: the page is all one instant (at or after `from`) and more may share it: read that group
 *   whole and go on with `tiePage`.
 */
export type PagePlan =
  | { kind: 'emit'; rows: { raw: unknown; key: Position }[]; next: Position | undefined; done: boolean }
  | { kind: 'tie'; time: string };

export function planPage(
  rows: readonly { raw: unknown; key: Position }[],
  from: Position | undefined,
  hasNextPage: boolean,
): PagePlan {
  const fresh = rows.filter((r) => !from || compareKeys(r.key, from) > 0);
  if (!hasNextPage) {
    const sorted = sortedByKey(fresh);
    return { kind: 'emit', rows: sorted, next: laterPosition(from, sorted[sorted.length - 1]?.key), done: true };
  }
  const last = rows[rows.length - 1]!.key;
  const lastAt = instantOf(last.time)!;
  // The records of the page's last instant may go on in the next page, in an order we cannot resume.
  const complete = sortedByKey(fresh.filter((r) => instantOf(r.key.time)! < lastAt));
  if (complete.length === 0) return { kind: 'tie', time: last.time };
  return { kind: 'emit', rows: complete, next: { time: last.time, id: '' }, done: false };
}

/**
 * One page of the group of records at one instant, read whole (`group`): the first `limit` after
 * `from` by id, and the position after them, which moves past the instant once the group is done.
 */
export function tiePage(
  group: readonly { raw: unknown; key: Position }[],
  time: string,
  from: Position | undefined,
  limit: number,
): { rows: { raw: unknown; key: Position }[]; next: Position } {
  const at = instantOf(time)!;
  const after = from && instantOf(from.time) === at ? from.id : '';
  const left = sortedByKey(group.filter((r) => r.key.id > after));
  const rows = left.slice(0, limit);
  const next = left.length > limit ? { time, id: rows[rows.length - 1]!.key.id } : afterInstant(time);
  return { rows, next };
}
