import { createHash } from 'node:crypto';

/**
 * What we write into a QuickBooks invoice: its `PrivateNote` (internal, not printed), updated
 * with a sparse update (erp-apis.md §2.3 "Write-back recommendation", §2.4). Pure: the adapter
 * reads the note, asks here for the new one, writes it with the invoice's SyncToken.
 *
 * The note is shared with the people who use QuickBooks, so:
 * - each of our entries is one line, marked `[Recouvra <date> #<key hash>-<check>] <text>`; the
 *   check digits cover the date, key and text, so a line a person edited is theirs from then on;
 * - text a person wrote is never changed or moved: our lines are only appended at the end, and
 *   removed (summarised) with the line break that precedes them, which restores the bytes around them;
 * - the whole stays within `PRIVATE_NOTE_MAX_LENGTH` by replacing the OLDEST of our entries with
 *   one summary line, never by cutting an entry.
 */

/**
 * [UNVERIFIED] "I believe the max length is 4000 characters" (§2.3). Counted in UTF-16 code
 * units (`String.length`), which is never less than the count of characters; whether QBO counts
 * bytes instead is not known either.
 */
export const PRIVATE_NOTE_MAX_LENGTH = 4000;

export interface NoteEntry {
  /** The write's idempotency key (the outbox row's): the same key is never written twice. */
  key: string;
  /** The business day of the event, YYYY-MM-DD (from the injected clock). */
  date: string;
  /** Plain text (a stage change, a procedure event); line breaks become spaces. */
  text: string;
}

export type PrivateNoteResult =
  /** The note to write; `summarised` of our older entries were folded into the summary line. */
  | { status: 'appended'; note: string; summarised: number }
  /** An entry with this key is in the note already: nothing to write. */
  | { status: 'already_present'; note: string }
  /** Nothing written: the reason is for the adapter to report (WriteBackResult `skipped`). */
  | { status: 'skipped'; reason: string };

type Segment =
  | { kind: 'human'; text: string }
  /** `sep` is the line break before our line ("" at the very start of the note). */
  | { kind: 'entry'; sep: string; date: string; hash: string; line: string }
  | { kind: 'summary'; sep: string; from: string; to: string; count: number; line: string };

type Ours = Exclude<Segment, { kind: 'human' }>;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A line of ours, with the line break before it (CRLF too, in case QBO stores those: unverified). */
const OUR_LINE = /(^|\r?\n)(\[Recouvra [^\]\r\n]*\][^\r\n]*)/g;
const ENTRY = /^\[Recouvra (\d{4}-\d{2}-\d{2}) #([0-9a-f]{20})-([0-9a-f]{6})\] (.*)$/;
const SUMMARY = /^\[Recouvra (\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2}) ×(\d+)\] /;

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** The key as it appears in the note: enough to recognise it, nothing that reveals it. */
export function noteKeyHash(key: string): string {
  return sha(key).slice(0, 20);
}

function entryLine(date: string, hash: string, text: string): string {
  return `[Recouvra ${date} #${hash}-${sha(`${date}|${hash}|${text}`).slice(0, 6)}] ${text}`;
}

function summaryLine(from: string, to: string, count: number): string {
  const words = count === 1 ? 'entrée Recouvra antérieure résumée' : 'entrées Recouvra antérieures résumées';
  return `[Recouvra ${from}..${to} ×${count}] ${count} ${words} (${from} → ${to})`;
}

/** The note cut into the text people wrote and our lines (only lines whose check holds are ours). */
function parse(note: string): Segment[] {
  const segments: Segment[] = [];
  let at = 0;
  const human = (end: number) => {
    if (end > at) segments.push({ kind: 'human', text: note.slice(at, end) });
  };
  for (const m of note.matchAll(OUR_LINE)) {
    const sep = m[1]!;
    const line = m[2]!;
    const ours = recognise(sep, line);
    if (!ours) continue;
    human(m.index);
    segments.push(ours);
    at = m.index + m[0].length;
  }
  human(note.length);
  return segments;
}

function recognise(sep: string, line: string): Ours | undefined {
  const e = ENTRY.exec(line);
  if (e) {
    const [, date, hash, , text] = e as unknown as [string, string, string, string, string];
    return entryLine(date, hash, text) === line ? { kind: 'entry', sep, date, hash, line } : undefined;
  }
  const s = SUMMARY.exec(line);
  if (s) {
    const [, from, to, count] = s as unknown as [string, string, string, string];
    const n = Number(count);
    return Number.isSafeInteger(n) && n > 0 && summaryLine(from, to, n) === line
      ? { kind: 'summary', sep, from, to, count: n, line }
      : undefined;
  }
  return undefined;
}

function render(segments: readonly Segment[]): string {
  return segments.map((s) => (s.kind === 'human' ? s.text : s.sep + s.line)).join('');
}

/**
 * Folds the first `k` of our lines into one summary line, put where the first of them was; the
 * others go with the line break before them, so the text around them is left as it was.
 */
function summarise(segments: readonly Segment[], k: number): Segment[] {
  if (k === 0) return [...segments];
  const ours = segments.filter((s): s is Ours => s.kind !== 'human').slice(0, k);
  const first = ours[0]!;
  if (k === 1 && first.kind === 'summary') return [...segments];
  let from = first.kind === 'entry' ? first.date : first.from;
  let to = first.kind === 'entry' ? first.date : first.to;
  let count = 0;
  for (const o of ours) {
    const [a, b] = o.kind === 'entry' ? [o.date, o.date] : [o.from, o.to];
    if (a < from) from = a;
    if (b > to) to = b;
    count += o.kind === 'entry' ? 1 : o.count;
  }
  const folded = new Set<Segment>(ours);
  const out: Segment[] = [];
  for (const s of segments) {
    if (s === first) out.push({ kind: 'summary', sep: first.sep, from, to, count, line: summaryLine(from, to, count) });
    else if (!folded.has(s)) out.push(s);
  }
  return out;
}

/**
 * The invoice's new PrivateNote with `entry` appended, or why nothing is written. Idempotent by
 * key: an entry whose key is present returns the note unchanged. A summarised entry's key is no
 * longer in the note; it never matters for the retry of a write that may have been applied,
 * because the entry just appended is the newest and summarising starts from the oldest.
 */
export function appendToPrivateNote(
  current: string | undefined,
  entry: NoteEntry,
  maxLength: number = PRIVATE_NOTE_MAX_LENGTH,
): PrivateNoteResult {
  const note = current ?? '';
  if (entry.key === '') return { status: 'skipped', reason: 'the write-back has no key' };
  if (!DATE.test(entry.date)) return { status: 'skipped', reason: `"${entry.date}" is not a date written YYYY-MM-DD` };
  const text = entry.text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
  if (text === '') return { status: 'skipped', reason: 'the entry has no text' };
  const hash = noteKeyHash(entry.key);
  const segments = parse(note);
  if (segments.some((s) => s.kind === 'entry' && s.hash === hash)) return { status: 'already_present', note };
  const line = entryLine(entry.date, hash, text);
  const ours = segments.filter((s) => s.kind !== 'human').length;
  for (let k = 0; k <= ours; k++) {
    const kept = render(summarise(segments, k));
    const next = kept === '' ? line : `${kept}\n${line}`;
    if (next.length <= maxLength) return { status: 'appended', note: next, summarised: k };
  }
  const human = humanText(note).length;
  return {
    status: 'skipped',
    reason:
      human + line.length + 1 > maxLength
        ? `the invoice's private note holds ${human} characters of its own text: no room left for a Recouvra entry of ${line.length} characters within ${maxLength}`
        : `the invoice's private note holds ${human} characters of its own text and the summary of earlier Recouvra entries: no room left for an entry of ${line.length} characters within ${maxLength}`,
  };
}

/** The note without our lines: what people wrote, byte for byte. */
export function humanText(note: string | undefined): string {
  return parse(note ?? '')
    .map((s) => (s.kind === 'human' ? s.text : ''))
    .join('');
}

/** Whether the note holds our entry for this key. */
export function hasNoteEntry(note: string | undefined, key: string): boolean {
  const hash = noteKeyHash(key);
  return parse(note ?? '').some((s) => s.kind === 'entry' && s.hash === hash);
}

/**
 * Echo detection: every write bumps SyncToken and LastUpdatedTime, so our own write comes back
 * through CDC and webhooks (§2.3). True when the note changed only by our lines (added,
 * summarised), false when a person (or QuickBooks itself, e.g. "Voided") changed its text.
 */
export function onlyOurEntriesChanged(previous: string | undefined, current: string | undefined): boolean {
  return humanText(previous) === humanText(current);
}
