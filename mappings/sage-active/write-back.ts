import { createHash } from 'node:crypto';
import type { SageActiveMappingContext } from './to-canonical';

/**
 * The texts we write into Sage Active (shared reference sage.md §2.5). Pure: the writer reads the
 * ledger, asks here what to write, and writes it.
 *
 * - Per invoice, one small text file per event attached to the invoice's accounting entry (option
 *   C: `uploadFileToEntity`, the only per-invoice place that leaves the posted document as it is).
 *   A file cannot be updated, so its name is what makes the write idempotent: it derives from the
 *   write's key alone, never from the date or the text, and a retried write finds it by that name.
 * - Per customer, a delimited block in the customer's `comments` (option B), a master-data field
 *   people also type into: only the lines between our two markers are ours; the text before and
 *   after the block is never changed, moved or counted as ours.
 * - The same block in an invoice's `remarks` (option A), where Sage accepts a change to the invoice.
 *
 * Lengths are counted in UTF-16 code units (`String.length`): Sage Active is a .NET server (Hot
 * Chocolate, §2.2), whose string lengths count the same units [INFERRED: no Sage page says how its
 * maximum lengths are counted].
 */

/** §2.3: a customer's `comments`, 2,000 characters at most. */
export const CUSTOMER_COMMENTS_MAX = 2_000;
/** §2.3: an invoice's `remarks` ("Internal notes"), 1,000 characters at most. */
export const INVOICE_REMARKS_MAX = 1_000;
/** §2.5: `uploadFileToEntity`'s `fileName` 100 characters at most, `comment` 255. */
export const FILE_NAME_MAX = 100;
export const FILE_COMMENT_MAX = 255;
/** §2.5: `txt` is an allowed file type (the others the simulator takes are UNVERIFIED). */
export const FILE_EXTENSION = 'txt';

/** The markers of our block, each on a line of its own (§2.5 suggests `[RECOUVREMENT] …`). */
export const BLOCK_START = '[RECOUVREMENT]';
export const BLOCK_END = '[/RECOUVREMENT]';
/**
 * The longest text of one line of the block: a procedure event's text can be long, and the block
 * must keep room for a few events within the customer's 2,000 characters.
 */
export const LINE_TEXT_MAX = 200;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Our line ends with the reference of its key: `[réf. <12 hex>]`. */
const LINE_KEY = /\[réf\. ([0-9a-f]{12})\]\s*$/;

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

/** The key as the block shows it: enough to recognise a retried write, nothing that reveals the key. */
export function blockKeyRef(key: string): string {
  return sha(key).slice(0, 12);
}

/** The Sage invoice id of one of this connection's canonical receivable ids (sageIds.invoice), or undefined. */
export function sageInvoiceIdOf(ctx: SageActiveMappingContext, canonical: string): string | undefined {
  const prefix = `${ctx.connection}:${ctx.organizationId}:SalesInvoice:`;
  if (!canonical.startsWith(prefix)) return undefined;
  const id = canonical.slice(prefix.length);
  // Sage ids are UUIDs (sage.md §2.3); anything else is not one of ours.
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id) ? id.toLowerCase() : undefined;
}

// ---------------------------------------------------------------------------------------------
// The file on the accounting entry (option C)
// ---------------------------------------------------------------------------------------------

/**
 * The file's name: `recouvra-<24 hex of the key's SHA-256>.txt` (37 characters, within §2.5's 100).
 * The same key always gives the same name, so a retry finds the file an earlier attempt uploaded.
 */
export function entryFileName(key: string): string {
  return `recouvra-${sha(key).slice(0, 24)}.${FILE_EXTENSION}`;
}

export interface EntryFileInput {
  key: string;
  /** The business day of the event, YYYY-MM-DD. */
  date: string;
  /** The invoice's number (`operationalNumber`), when it has one. */
  invoiceNumber: string | undefined;
  stage?: string | undefined;
  procedureState?: string | undefined;
  text: string;
}

/** The file's content, French like every text written into the ledger (DESIGN.md). */
export function entryFileText(input: EntryFileInput): string {
  const lines = [
    'Recouvra — suivi du recouvrement',
    ...(input.invoiceNumber ? [`Facture : ${input.invoiceNumber}`] : []),
    `Date : ${input.date}`,
    ...(input.stage ? [`Étape : ${input.stage}`] : []),
    ...(input.procedureState ? [`Procédure : ${input.procedureState}`] : []),
    '',
    input.text.trim(),
    '',
    `Référence : ${blockKeyRef(input.key)}`,
    '',
  ];
  return lines.join('\n');
}

/** The file's `comment`, the line Sage shows with it: the event's text on one line, within 255 characters. */
export function entryFileComment(date: string, text: string): string {
  return cut(`Recouvra ${date} : ${oneLine(text)}`, FILE_COMMENT_MAX);
}

// ---------------------------------------------------------------------------------------------
// The block in `comments` / `remarks` (options B and A)
// ---------------------------------------------------------------------------------------------

export interface BlockEntry {
  /** The write's idempotency key: a line for it is written once. */
  key: string;
  /** The business day of the event, YYYY-MM-DD. */
  date: string;
  /** Plain text; line breaks become spaces, and it is cut to LINE_TEXT_MAX. */
  text: string;
  /** Invoice numbers the line concerns, shown after the text (a customer's block covers several invoices). */
  invoices?: readonly string[];
}

export type BlockResult =
  /** The field's new value; `dropped` of our oldest lines were removed to keep within the limit. */
  | { status: 'merged'; value: string; dropped: number }
  /** A line for this key is in the block already: nothing to write. */
  | { status: 'already_present' }
  /** Nothing to write: the reason is the writer's to report (a `skipped` item). */
  | { status: 'skipped'; reason: string };

interface Parsed {
  /** The text before the block, byte for byte (ends with the line break before the start marker). */
  before: string;
  /** Our lines, oldest first. */
  lines: string[];
  /** The text after the block, byte for byte (starts right after the end marker). */
  after: string;
  found: boolean;
}

/**
 * The field's value with a line for `entry` in our block, the block created at the end of the
 * field when there is none. Idempotent by key. The block keeps within `maxLength` by dropping its
 * oldest lines, never by touching the text around it; when that text leaves no room for the block
 * and the new line, nothing is written. `field` names the field in the reasons ("customer comments").
 */
export function mergeBlock(
  current: string | null | undefined,
  entry: BlockEntry,
  maxLength: number,
  field: string,
): BlockResult {
  const value = current ?? '';
  if (entry.key === '') return { status: 'skipped', reason: 'the write-back has no key' };
  if (!DATE.test(entry.date)) return { status: 'skipped', reason: `"${entry.date}" is not a date written YYYY-MM-DD` };
  const text = oneLine(entry.text);
  if (text === '') return { status: 'skipped', reason: 'the entry has no text' };
  const parsed = parse(value);
  if (parsed === 'unclosed')
    return {
      status: 'skipped',
      reason: `the ${field} hold the marker ${BLOCK_START} without ${BLOCK_END} after it: someone edited the Recouvra block; put the end marker back on its own line, or delete the start marker`,
    };
  const ref = blockKeyRef(entry.key);
  if (parsed.lines.some((l) => LINE_KEY.exec(l)?.[1] === ref)) return { status: 'already_present' };
  const eol = value.includes('\r\n') ? '\r\n' : '\n';
  const invoices = entry.invoices && entry.invoices.length > 0 ? ` (${entry.invoices.join(', ')})` : '';
  const suffix = `${invoices} [réf. ${ref}]`;
  const line = `${entry.date} ${cut(text, LINE_TEXT_MAX)}${suffix}`;
  // Text of the person's before a block we add at the end: it keeps its last line to itself.
  const before =
    parsed.found || parsed.before === '' || parsed.before.endsWith('\n') ? parsed.before : parsed.before + eol;
  const own = parsed.before.length + parsed.after.length;
  const render = (lines: readonly string[]): string =>
    `${before}${BLOCK_START}${eol}${lines.join(eol)}${eol}${BLOCK_END}${parsed.after}`;
  const kept = [...parsed.lines];
  let dropped = 0;
  for (;;) {
    const next = render([...kept, line]);
    if (next.length <= maxLength) return { status: 'merged', value: next, dropped };
    if (kept.length === 0) break;
    kept.shift();
    dropped++;
  }
  const needed = render([line]).length - own;
  return {
    status: 'skipped',
    reason: `the ${field} hold ${own} characters of their own text: no room left for a Recouvra block of ${needed} characters within ${maxLength}`,
  };
}

/** The field without our block: what people wrote, byte for byte (the line break we add before a new block aside). */
export function textOutsideBlock(current: string | null | undefined): string {
  const parsed = parse(current ?? '');
  return parsed === 'unclosed' ? (current ?? '') : parsed.before + parsed.after;
}

/** The lines of our block, oldest first (none when the field has no block). */
export function blockLines(current: string | null | undefined): string[] {
  const parsed = parse(current ?? '');
  return parsed === 'unclosed' ? [] : parsed.lines;
}

/**
 * The first line that is exactly the start marker, and the first line after it that is exactly
 * the end marker. A marker inside a line is text, so an event's text can never open or close a
 * block; a start marker with no end after it is `unclosed`: where our lines stop is then unknown.
 */
function parse(value: string): Parsed | 'unclosed' {
  const start = markerLine(value, BLOCK_START, 0);
  if (start === undefined) return { before: value, lines: [], after: '', found: false };
  const end = markerLine(value, BLOCK_END, start.next);
  if (end === undefined) return 'unclosed';
  const inside = value.slice(start.next, end.at);
  const lines = inside
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.trim() !== '');
  return { before: value.slice(0, start.at), lines, after: value.slice(end.at + BLOCK_END.length), found: true };
}

/**
 * Where a line holding only `marker` (a trailing CR aside) starts, from `from`, and where the line
 * after it starts (`next`: past its line break, or the end of the value).
 */
function markerLine(value: string, marker: string, from: number): { at: number; next: number } | undefined {
  let at = from;
  while (at <= value.length) {
    const eol = value.indexOf('\n', at);
    const lineEnd = eol < 0 ? value.length : eol;
    const line = value.slice(at, lineEnd).replace(/\r$/, '');
    if (line === marker) return { at, next: eol < 0 ? value.length : eol + 1 };
    if (eol < 0) return undefined;
    at = eol + 1;
  }
  return undefined;
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  // Never half of a surrogate pair: an emoji cut in two is not valid text.
  const end = /[\uD800-\uDBFF]/.test(text[max - 2] ?? '') ? max - 2 : max - 1;
  return `${text.slice(0, end)}…`;
}
