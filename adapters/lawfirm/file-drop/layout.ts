import { createHash } from 'node:crypto';

/**
 * The folder layout both sides agree on (adapters/lawfirm/README.md, "File drop"). Names are
 * pure functions of ids and idempotency keys, so a retried write lands on the same name and is
 * recognised as a replay.
 */

/** The dossier itself, at the root of its folder. */
export const MANIFEST_FILE = 'manifest.xml';
/** An instruction (add documents, direct payment, withdrawal), at the root of its folder. */
export const INSTRUCTION_FILE = 'instruction.xml';
/** Inside the inbound folder: status files applied (`archive/`) and refused (`rejected/`). */
export const ARCHIVE_DIR = 'archive';
export const REJECTED_DIR = 'rejected';
/** Prefix of a folder or file being written: every reader skips names starting with ".". */
export const TEMPORARY_PREFIX = '.tmp-';

export type InstructionKind = 'add-documents' | 'payment' | 'withdrawal';
export const INSTRUCTION_KINDS: readonly InstructionKind[] = ['add-documents', 'payment', 'withdrawal'];

/** Longest file name we write for a document (the XSD's FileName type). */
const MAX_FILE_NAME = 128;
const RESERVED_FILE_NAMES = new Set([MANIFEST_FILE, INSTRUCTION_FILE]);

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** 12 hex digits (48 bits) of the key's SHA-256: tells keys apart in a name; the manifest holds the full key. */
export function keyHash(idempotencyKey: string): string {
  return sha256Hex(idempotencyKey).slice(0, 12);
}

/** Any character outside `[A-Za-z0-9._-]` becomes `_`, and so does a leading `.` or `-`: the result is one path segment, never hidden. */
export function safeSegment(value: string): string {
  const replaced = value.replace(/[^A-Za-z0-9._-]/g, '_');
  return /^[.-]/.test(replaced) ? `_${replaced.slice(1)}` : replaced;
}

/** `<dossierId>--<key hash>`: the dossier folder, which is also the file's id on both sides. */
export function dossierFolderName(dossierId: string, idempotencyKey: string): string {
  return `${safeSegment(dossierId)}--${keyHash(idempotencyKey)}`;
}

export function instructionFolderName(fileId: string, kind: InstructionKind, idempotencyKey: string): string {
  return `${fileId}--${kind}--${keyHash(idempotencyKey)}`;
}

const DOSSIER_FOLDER = /^([A-Za-z0-9_][A-Za-z0-9._-]{0,214})--([0-9a-f]{12})$/;
const INSTRUCTION_FOLDER =
  /^([A-Za-z0-9_][A-Za-z0-9._-]{0,214}--[0-9a-f]{12})--(add-documents|payment|withdrawal)--([0-9a-f]{12})$/;

export type OutboundName =
  | { kind: 'dossier'; fileId: string; idSegment: string }
  | { kind: 'instruction'; fileId: string; instruction: InstructionKind }
  | { kind: 'other' };

/** What a name in the outbound folder is. Instruction names are tried first: they also end in `--<hash>`. */
export function classifyOutboundName(name: string): OutboundName {
  const instruction = INSTRUCTION_FOLDER.exec(name);
  if (instruction)
    return { kind: 'instruction', fileId: instruction[1]!, instruction: instruction[2] as InstructionKind };
  const dossier = DOSSIER_FOLDER.exec(name);
  if (dossier) return { kind: 'dossier', fileId: name, idSegment: dossier[1]! };
  return { kind: 'other' };
}

export function isFileId(value: string): boolean {
  return DOSSIER_FOLDER.test(value);
}

/**
 * Why a document name cannot be used at all, or undefined. A name that climbs out of a folder
 * (a `..` segment, an absolute or drive path) or hides control characters is a bug or an attack
 * upstream: it is refused, not quietly rewritten. Anything else (an Odoo number with slashes,
 * spaces, accents) is made safe by `documentFileName`.
 */
export function unsafeDocumentName(name: string): string | undefined {
  if (name.length === 0) return 'is empty';
  if (name.length > 255) return 'is longer than 255 characters';
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'contains a control character';
  if (/^[/\\]/.test(name) || /^[A-Za-z]:/.test(name)) return 'is an absolute path';
  if (name.split(/[/\\]/).some((segment) => segment === '..' || segment === '.'))
    return 'contains a ".." or "." path segment';
  return undefined;
}

/**
 * The file a document is written to inside its folder: one safe segment, at most 128
 * characters (a long name keeps its start and extension around a hash of the whole name),
 * never the manifest's or the instruction's own name. Case-insensitive collisions are the
 * caller's to detect (a firm may read the folder on Windows).
 */
export function documentFileName(name: string): string {
  let file = safeSegment(name);
  if (file.length > MAX_FILE_NAME) {
    const ext = /\.[A-Za-z0-9]{1,10}$/.exec(file)?.[0] ?? '';
    file = `${file.slice(0, MAX_FILE_NAME - ext.length - 13)}-${sha256Hex(name).slice(0, 12)}${ext}`;
  }
  if (RESERVED_FILE_NAMES.has(file.toLowerCase())) file = `document-${file}`;
  return file;
}

/** Names in the inbound folder that are status files to read: `*.xml`, not hidden. `.tmp`, `.part` and the like are files still being written. */
export function isStatusFileName(name: string): boolean {
  return !name.startsWith('.') && name.toLowerCase().endsWith('.xml');
}
