import { z } from 'zod';
import { AdapterError } from '../../connector/ports/adapter-error';
import type { StreamName } from '../../connector/ports/erp';
import { QBO_ENTITIES, type QboEntity } from '../../mappings/quickbooks/qbo-wire.schema';

/**
 * What the QuickBooks Online adapter asks for, as pure functions (erp-apis.md §2.2 query language,
 * §2.6 change data capture).
 *
 * - A stream reads one or more entities, each with its own position: `debtors` Customer,
 *   `receivables` Invoice then CreditMemo, `payments` Payment.
 * - The query read walks `MetaData.LastUpdatedTime >= t ORDERBY MetaData.LastUpdatedTime, Id`
 *   with STARTPOSITION: QBO has no OR (§2.2), so the keyset `(time, Id)` cannot be one WHERE. A
 *   position is `(time, Id)` plus `skip`, where that record stood among the records at or after
 *   `time` when it was read; the next page starts AT that record (the anchor) and checks it is
 *   still there. Records only leave a run of equal times (a change moves them later, a deletion
 *   drops them), so a missing anchor means the run shrank: the page steps back and drops what it
 *   had already read, so nothing is lost or sent twice within a run.
 * - Every run walks back `OVERLAP_MS` from the saved position: a record changed in the same
 *   second as our read, after it, carries a time the cursor already covers (unverified whether
 *   QBO stamps LastUpdatedTime at the start or the end of a save). Re-read records come back with
 *   the same SyncToken and count as unchanged.
 * - While the oldest position of a stream is less than 30 days old, the run reads changes through
 *   CDC (§2.6: "the last 30 days only"); see `cdcPlan` for the 1000-object cap.
 */

/** The entities of each stream, in the order they are read. */
export const STREAM_ENTITIES: Readonly<Record<StreamName, readonly QboEntity[]>> = {
  debtors: ['Customer'],
  receivables: ['Invoice', 'CreditMemo'],
  payments: ['Payment'],
};

/** §2.6: CDC covers the last 30 days only. */
export const CDC_WINDOW_MS = 30 * 86_400_000;
/**
 * §2.6: "a response holds at most 1000 objects", shared by every entity asked: an answer that
 * holds that many may have left changes out.
 */
export const CDC_MAX_OBJECTS = 1000;
/**
 * CDC is asked only for a window that starts an hour inside the 30 days: the server counts them by
 * its own clock, ours may differ, and a run takes time (unverified margin, our choice).
 */
export const CDC_MARGIN_MS = 3_600_000;
/** How far each run walks back from its saved position (unverified: our choice, see above). */
export const OVERLAP_MS = 60_000;
/**
 * Ids per `Id IN (...)` query. The query is POSTed (§2.2), so the list's length does not weigh on
 * the address; 1000 is MAXRESULTS's most (§2.2), what one answer can hold. How long an IN list QBO
 * takes is undocumented [UNVERIFIED]. A company's customers read by id cost one query per 1000:
 * an adapter created for one run (`recouvra sync`) reads those of its changed invoices so.
 */
export const ID_BATCH = 1000;

/** Where an entity's read stands: after the record `(time, id)`; `skip` is where that record stood. */
export type QboPosition = {
  /** A LastUpdatedTime as QBO writes it ("2020-04-06T08:39:26-07:00", §2.3), or one we formatted. */
  time: string;
  /** The record's Id; "" for a position before every record at `time`. */
  id: string;
  /**
   * 1-based place of `(time, id)` among the records with LastUpdatedTime >= time, in the read's
   * order, when it was read; 0 when the position is not a record (walked back, or a response time).
   */
  skip: number;
  /** The first read of open invoices only, not finished yet: the next run goes on with it. */
  openOnly?: true | undefined;
};

/** A stream's saved cursor: one position per entity of the stream. */
export type QboStreamCursor = Partial<Record<QboEntity, QboPosition>>;

/** Where the next page of a query read starts (ReadPage.resume). */
export type QboResume = {
  mode: 'query';
  entity: QboEntity;
  /** Undefined: this entity starts from its saved position (or from the beginning). */
  pos?: QboPosition | undefined;
  openOnly?: boolean | undefined;
};

const TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** A QBO timestamp ("2020-04-06T08:39:26-07:00", §2.3; fractions allowed) as epoch ms, or undefined. */
export function qboInstant(text: string): number | undefined {
  const m = TIME.exec(text);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}${(m[2] ?? '').slice(0, 4)}${m[3]}`);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Epoch ms in QBO's form, in UTC ("+00:00": §2.2's samples carry an offset); milliseconds only when some. */
export function qboTimeText(ms: number): string {
  const iso = new Date(ms).toISOString();
  const fraction = iso.slice(19, 23);
  return `${iso.slice(0, 19)}${fraction === '.000' ? '' : fraction}+00:00`;
}

const IdSchema = z.string().regex(/^[A-Za-z0-9_.-]{0,64}$/);

const PositionSchema = z.strictObject({
  time: z.string().refine((t) => qboInstant(t) !== undefined, { error: 'not a QuickBooks timestamp' }),
  id: IdSchema,
  skip: z.number().int().nonnegative(),
  openOnly: z.literal(true).optional(),
});
const CursorSchema = z.strictObject(
  Object.fromEntries(QBO_ENTITIES.map((e) => [e, PositionSchema.optional()])) as Record<
    QboEntity,
    z.ZodOptional<typeof PositionSchema>
  >,
);
const ResumeSchema = z.strictObject({
  mode: z.literal('query'),
  entity: z.enum(QBO_ENTITIES),
  pos: PositionSchema.optional(),
  openOnly: z.boolean().optional(),
});

function badCursor(what: string, value: unknown): AdapterError {
  return new AdapterError({
    code: 'QBO_BAD_CURSOR',
    kind: 'config',
    userMessage: `the ${what} is not a QuickBooks position: ${JSON.stringify(value)}; read everything again with \`recouvra sync --once --from-scratch\``,
  });
}

export function parseStreamCursor(value: Record<string, unknown> | undefined, what: string): QboStreamCursor {
  if (value === undefined) return {};
  const parsed = CursorSchema.safeParse(value);
  if (!parsed.success) throw badCursor(what, value);
  return parsed.data;
}

export function parseResume(value: Record<string, unknown>, what: string): QboResume {
  const parsed = ResumeSchema.safeParse(value);
  if (!parsed.success) throw badCursor(what, value);
  return parsed.data;
}

/**
 * Orders two Ids as the server sorts them: Ids are digit strings in every sample (§2.3) and the
 * simulator sorts them as numbers; anything else by its characters [UNVERIFIED: QBO's own order].
 * "" comes before every Id.
 */
export function compareIds(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '') return -1;
  if (b === '') return 1;
  const digits = /^\d+$/;
  if (digits.test(a) && digits.test(b)) {
    const x = a.replace(/^0+(?=\d)/, '');
    const y = b.replace(/^0+(?=\d)/, '');
    if (x.length !== y.length) return x.length - y.length;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders two `(time, id)` keys. */
export function compareKeys(a: { time: string; id: string }, b: { time: string; id: string }): number {
  const ta = qboInstant(a.time) ?? 0;
  const tb = qboInstant(b.time) ?? 0;
  if (ta !== tb) return ta - tb;
  return compareIds(a.id, b.id);
}

/**
 * Orders two saved cursors of one stream (the conformance suite's check that cursors never move
 * back): 0 when every position is equal, positive when at least one moved on and none moved back,
 * negative when one moved back.
 */
export function compareStreamCursors(a: QboStreamCursor, b: QboStreamCursor): number {
  let sign = 0;
  for (const e of QBO_ENTITIES) {
    const x = a[e];
    const y = b[e];
    const c = x && y ? compareKeys(x, y) : x ? 1 : y ? -1 : 0;
    if (c < 0) return -1;
    if (c > 0) sign = 1;
  }
  return sign;
}

/** The later of two positions of one entity; never behind `saved`. */
export function laterPosition(saved: QboPosition | undefined, next: QboPosition): QboPosition {
  if (!saved || compareKeys(saved, next) <= 0) return next;
  const { openOnly: _dropped, ...key } = saved;
  return next.openOnly ? { ...key, openOnly: true } : key;
}

/**
 * Where a run of one entity starts from its saved position: `OVERLAP_MS` earlier, before every
 * record at that time, so nothing changed in the last moments before the cursor is missed.
 */
export function runStart(saved: QboPosition): QboPosition {
  const at = qboInstant(saved.time) ?? 0;
  return { time: qboTimeText(at - OVERLAP_MS), id: '', skip: 0, ...(saved.openOnly ? { openOnly: true } : {}) };
}

/** The filter of a read: inactive customers too (they still owe), open invoices only on a first read. */
function conditions(entity: QboEntity, openOnly: boolean): string[] {
  // Customer queries answer active customers only unless Active is named (unverified: Intuit's Customer reference).
  if (entity === 'Customer') return ['Active IN (true, false)'];
  // §2.2: open invoices are `Balance > '0'`. Credit memos are read whole: filtering on
  // RemainingCredit is not documented, and a spent one maps to an open amount of 0 that the engine keeps nothing of.
  if (entity === 'Invoice' && openOnly) return ["Balance > '0'"];
  return [];
}

function where(parts: string[]): string {
  return parts.length ? ` WHERE ${parts.join(' AND ')}` : '';
}

/** §2.2: one page of a query read from `pos` (undefined: from the beginning). */
export function pageQuery(
  entity: QboEntity,
  pos: QboPosition | undefined,
  openOnly: boolean,
  startPosition: number,
  maxResults: number,
): string {
  const parts = conditions(entity, openOnly);
  if (pos) parts.push(`MetaData.LastUpdatedTime >= '${pos.time}'`);
  return `SELECT * FROM ${entity}${where(parts)} ORDERBY MetaData.LastUpdatedTime, Id STARTPOSITION ${startPosition} MAXRESULTS ${maxResults}`;
}

/** §2.2: how many records a query read from `pos` covers (`count(*)` answers `totalCount`). */
export function countQuery(entity: QboEntity, pos: QboPosition | undefined, openOnly: boolean): string {
  const parts = conditions(entity, openOnly);
  if (pos) parts.push(`MetaData.LastUpdatedTime >= '${pos.time}'`);
  return `SELECT count(*) FROM ${entity}${where(parts)}`;
}

/** §2.2: records by Id (`IN`), inactive customers included; POSTed (see ID_BATCH). Ids are checked by the mapping's pattern before. */
export function byIdsQuery(entity: QboEntity, ids: readonly string[]): string {
  const parts = [`Id IN (${ids.map((id) => `'${id}'`).join(', ')})`, ...conditions(entity, false)];
  return `SELECT * FROM ${entity}${where(parts)} STARTPOSITION 1 MAXRESULTS ${ids.length}`;
}

/**
 * §2.2: a page of every open receivable of one entity, by Id (`SELECT *`: QBO has no projection).
 * Credit memos are listed whole and filtered on RemainingCredit here (see `conditions`).
 */
export function openListQuery(entity: 'Invoice' | 'CreditMemo', startPosition: number, maxResults: number): string {
  const filter = entity === 'Invoice' ? ` WHERE Balance > '0'` : '';
  return `SELECT * FROM ${entity}${filter} ORDERBY Id STARTPOSITION ${startPosition} MAXRESULTS ${maxResults}`;
}

/** A record's place in the read order, or undefined when it lacks an Id or a LastUpdatedTime. */
export function keyOf(raw: unknown): { time: string; id: string } | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  const meta = r['MetaData'];
  const time =
    typeof meta === 'object' && meta !== null ? (meta as Record<string, unknown>)['LastUpdatedTime'] : undefined;
  if (typeof r['Id'] !== 'string' || typeof time !== 'string' || qboInstant(time) === undefined) return undefined;
  return { time, id: r['Id'] };
}

/**
 * The position after a fetched page, read from STARTPOSITION `start` of the records at or after
 * `from.time` (from the beginning when `from` is undefined).
 */
export function positionAfterPage(
  from: QboPosition | undefined,
  start: number,
  keys: readonly { time: string; id: string }[],
  openOnly: boolean,
): QboPosition | undefined {
  const last = keys[keys.length - 1];
  if (!last) return from;
  const at = qboInstant(last.time);
  let skip: number;
  if (from && qboInstant(from.time) === at) skip = start + keys.length - 1;
  else {
    // Records at the last record's time before this page would have come before the page's first record.
    skip = 0;
    for (let i = keys.length - 1; i >= 0 && qboInstant(keys[i]!.time) === at; i--) skip++;
    if (skip === keys.length && !from) skip = start + keys.length - 1;
  }
  return { time: last.time, id: last.id, skip, ...(openOnly ? { openOnly: true } : {}) };
}

/**
 * Whether a stream's run reads changes through CDC, and from when: only when every entity of the
 * stream has a position (a first read, finished) and the oldest, walked back by the overlap, is
 * inside the 30 days (§2.6) by the injected clock, with the margin.
 */
export function cdcPlan(
  entities: readonly QboEntity[],
  cursor: QboStreamCursor,
  nowMs: number,
): { changedSince: string } | undefined {
  let oldest = Number.POSITIVE_INFINITY;
  for (const e of entities) {
    const pos = cursor[e];
    if (!pos || pos.openOnly) return undefined;
    oldest = Math.min(oldest, qboInstant(pos.time) ?? Number.NEGATIVE_INFINITY);
  }
  const since = oldest - OVERLAP_MS;
  if (!(nowMs - since < CDC_WINDOW_MS - CDC_MARGIN_MS)) return undefined;
  return { changedSince: qboTimeText(since) };
}

/** §2.6: the CDC request's parameters. */
export function cdcParams(entities: readonly QboEntity[], changedSince: string): Record<string, string> {
  return { entities: entities.join(','), changedSince };
}
