import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { AdapterError } from '../../../connector/ports/adapter-error';
import type { Clock } from '../../../connector/time/clock';
import type {
  DirectPayment,
  EventPage,
  FileStatus,
  LawFirmPartner,
  PartnerDocument,
  PartnerEvent,
  SubmitRequest,
  SubmitResult,
} from '../../../connector/ports/lawfirm';
import { exists, replaceFileAtomically, syncDirectory, writeFolderAtomically, type FileDropHooks } from './atomic-fs';
import { badCursor, conflict, invalidOutput, ioError, isErrno, unknownFile } from './errors';
import {
  ARCHIVE_DIR,
  classifyOutboundName,
  dossierFolderName,
  instructionFolderName,
  isFileId,
  isStatusFileName,
  MANIFEST_FILE,
  INSTRUCTION_FILE,
  REJECTED_DIR,
  safeSegment,
  sha256Hex,
  TEMPORARY_PREFIX,
  type InstructionKind,
} from './layout';
import {
  assertOwnXml,
  attachDocuments,
  buildInstructionXml,
  buildManifestXml,
  decodeManifest,
  listDocuments,
  type AttachedFile,
  type Instruction,
  type ListedDocument,
} from './manifest';
import { decodeStatusFile, toPartnerEvent, type StatusItem } from './status-file';
import { parseXml } from './xml-codec';
import { checkXml, describeProblem, type XmlProblem } from './xsd';

export interface FileDropOptions {
  /**
   * The folder the firm reads: dossier and instruction folders appear in it whole. It must
   * exist (it is usually a mounted share: creating it would hide a failed mount).
   */
  outbound: string;
  /** The folder the firm writes status files into; `archive/` and `rejected/` are created inside it. It must exist. */
  inbound: string;
  clock: Clock;
  /** Largest status file read, bytes (default 1 MiB); a larger one is moved to `rejected/`. */
  maxStatusFileBytes?: number;
  /** Status files read per `events` page (default 100). */
  maxFilesPerPage?: number;
  hooks?: FileDropHooks;
}

export const FILE_DROP_DEFAULTS = { maxStatusFileBytes: 1_048_576, maxFilesPerPage: 100 } as const;

/** A file whose latest state is one of these may be handed over again under a new key (as over HTTP: "neither rejected nor closed"). */
const REOPENABLE_STATES = new Set(['rejected', 'closed']);

const CURSOR_PREFIX = 'fd1:';

interface OwnManifest {
  fileId: string;
  dossierId: string;
  idempotencyKey: string;
  sha256: string;
  documents: ListedDocument[];
}

type StatusFileRead =
  | { kind: 'gone' }
  | { kind: 'bad'; bytes: Buffer; problems: XmlProblem[] }
  | { kind: 'ok'; sha256: string; items: StatusItem[] };

/**
 * The law-firm partner for firms without an API: dossiers go out as folders (an XML manifest and
 * its PDFs), status comes back as XML files. See adapters/lawfirm/README.md, "File drop".
 *
 * Reading status is two-phase through the `events` cursor: `events(cursor)` first archives the
 * status files of the page that `cursor` covers — the caller passes a cursor only once it has
 * applied and saved that page — then reads the next page. A crash between applying a page and
 * saving its cursor leaves the files in place: they are read again with the same event ids,
 * which the connector applies once per id (store.applyProcedureEvent).
 */
export class FileDropPartner implements LawFirmPartner {
  private readonly outbound: string;
  private readonly inbound: string;
  private readonly clock: Clock;
  private readonly maxStatusFileBytes: number;
  private readonly maxFilesPerPage: number;
  private readonly hooks: FileDropHooks;
  /** fileId → dossier id: a dossier folder never changes once published. */
  private readonly dossierIds = new Map<string, string>();
  /** Archived status file → its items: an archived file never changes (a re-delivery has the same bytes). */
  private readonly archivedItems = new Map<string, StatusItem[]>();

  constructor(options: FileDropOptions) {
    this.outbound = options.outbound;
    this.inbound = options.inbound;
    this.clock = options.clock;
    this.maxStatusFileBytes = options.maxStatusFileBytes ?? FILE_DROP_DEFAULTS.maxStatusFileBytes;
    this.maxFilesPerPage = options.maxFilesPerPage ?? FILE_DROP_DEFAULTS.maxFilesPerPage;
    this.hooks = options.hooks ?? {};
  }

  async submit(request: SubmitRequest): Promise<SubmitResult> {
    const { dossier, idempotencyKey } = request;
    const what = `dossier ${dossier.id}`;
    const attached = attachDocuments(request.documents, what);
    const xml = buildManifestXml(dossier, idempotencyKey, listDocuments(dossier.documents, attached));
    await assertOwnXml(what, xml, 'dossier');
    const fileId = dossierFolderName(dossier.id, idempotencyKey);
    const sha256 = sha256Hex(xml);
    return this.io(`handing ${what} over`, this.outbound, async () => {
      if (await this.checkEarlierSubmission(dossier.id, fileId, sha256)) return this.replayed(fileId);
      const files = [
        ...attached.map((a) => ({ name: a.listed.file, content: a.content })),
        { name: MANIFEST_FILE, content: xml },
      ];
      const outcome = await writeFolderAtomically(this.outbound, fileId, files, this.hooks);
      if (outcome === 'exists') {
        // Another writer published the same name meanwhile: a replay if it wrote the same bytes.
        await this.checkEarlierSubmission(dossier.id, fileId, sha256);
        return this.replayed(fileId);
      }
      this.dossierIds.set(fileId, dossier.id);
      return { fileId, status: 'received', reasons: [], replayed: false };
    });
  }

  async addDocuments(fileId: string, documents: PartnerDocument[], idempotencyKey: string): Promise<void> {
    const manifest = await this.ownManifest(fileId);
    if (documents.length === 0) throw invalidOutput(`documents for ${fileId}`, 'no document given');
    const attached = attachDocuments(documents, `documents for ${fileId}`);
    for (const a of attached) {
      const earlier = manifest.documents.find((d) => d.name === a.listed.name);
      if (earlier && earlier.sha256 !== a.listed.sha256) {
        throw conflict(
          `document "${a.listed.name}" of ${fileId} was listed with sha256 ${earlier.sha256}; documents are never replaced: give the new one another name`,
        );
      }
    }
    const instruction: Instruction = {
      root: 'addDocuments',
      fileId,
      dossierId: manifest.dossierId,
      idempotencyKey,
      documents: attached.map((a) => a.listed),
    };
    await this.publishInstruction(instruction, 'add-documents', attached);
  }

  async reportPayment(fileId: string, payment: DirectPayment, idempotencyKey: string): Promise<void> {
    const manifest = await this.ownManifest(fileId);
    await this.publishInstruction(
      { root: 'directPayment', fileId, dossierId: manifest.dossierId, idempotencyKey, payment },
      'payment',
      [],
    );
  }

  async withdraw(fileId: string, reason: string, idempotencyKey: string): Promise<void> {
    const manifest = await this.ownManifest(fileId);
    await this.publishInstruction(
      { root: 'withdrawal', fileId, dossierId: manifest.dossierId, idempotencyKey, reason },
      'withdrawal',
      [],
    );
  }

  async status(fileId: string): Promise<{ fileId: string; dossierId: string; state: string; updatedAt: string }> {
    const manifest = await this.ownManifest(fileId);
    const latest = latestItem((await this.archived()).filter((item) => item.fileId === fileId));
    if (latest === undefined) {
      const written = await this.io('reading the dossier folder', this.outbound, () =>
        stat(join(this.outbound, fileId, MANIFEST_FILE)),
      );
      return { fileId, dossierId: manifest.dossierId, state: 'received', updatedAt: written.mtime.toISOString() };
    }
    return { fileId, dossierId: manifest.dossierId, state: toPartnerEvent(latest).type, updatedAt: latest.occurredAt };
  }

  /**
   * Events of the status files waiting in the inbound folder, in file-name order then file order.
   * `cursor` (the `next` of the previous page) is acknowledged first: its files go to `archive/`.
   * Bad files go to `rejected/` with a `<name>.reason.txt` beside them, and never hold up the others.
   */
  async events(cursor?: string): Promise<EventPage> {
    if (cursor !== undefined && cursor !== '') await this.acknowledge(cursor);
    return this.io('reading status files', this.inbound, async () => {
      const events: PartnerEvent[] = [];
      const taken: [string, string][] = [];
      for (const name of await this.pendingStatusFiles()) {
        if (taken.length >= this.maxFilesPerPage) break;
        const read = await this.readStatusFile(name);
        if (read.kind === 'gone') continue;
        if (read.kind === 'bad') {
          await this.reject(name, read.bytes, read.problems);
          continue;
        }
        events.push(...read.items.map(toPartnerEvent));
        taken.push([name, read.sha256]);
      }
      return { events, next: CURSOR_PREFIX + Buffer.from(JSON.stringify(taken)).toString('base64url') };
    });
  }

  /**
   * Moves the status files a page covered to `archive/`: call it (or pass the cursor to `events`)
   * only once the page's events are applied. Idempotent: a file already archived is skipped, and
   * a file whose bytes changed since it was read stays, to be read again.
   */
  async acknowledge(cursor: string): Promise<void> {
    const files = decodeCursor(cursor);
    if (files.length === 0) return;
    const archive = join(this.inbound, ARCHIVE_DIR);
    await this.io('archiving status files', archive, async () => {
      await mkdir(archive, { recursive: true });
      let moved = false;
      for (const [name, sha256] of files) {
        const from = join(this.inbound, name);
        const bytes = await readFile(from).catch((error: unknown) => {
          if (isErrno(error, 'ENOENT')) return undefined;
          throw error;
        });
        if (bytes === undefined || sha256Hex(bytes) !== sha256) continue;
        await rename(from, join(archive, name));
        this.archivedItems.delete(name);
        moved = true;
      }
      if (moved) {
        await syncDirectory(archive);
        await syncDirectory(this.inbound);
      }
    });
  }

  /**
   * Removes the temporary folders a crash left in the outbound folder (names starting with
   * `.tmp-`), older than `maxAgeMs` by their modification time. Folder times come from the
   * file system's clock, so this compares with the real time, not the injected clock.
   */
  async removeStaleTemporaries(maxAgeMs: number): Promise<string[]> {
    return this.io('cleaning the outbound folder', this.outbound, async () => {
      const removed: string[] = [];
      for (const name of await readdir(this.outbound)) {
        if (!name.startsWith(TEMPORARY_PREFIX)) continue;
        const path = join(this.outbound, name);
        const info = await stat(path).catch(() => undefined);
        if (info && Date.now() - info.mtimeMs > maxAgeMs) {
          await rm(path, { recursive: true, force: true });
          removed.push(name);
        }
      }
      return removed;
    });
  }

  // ---- outbound ----

  /**
   * True when this exact submission is already in the outbound folder (a replay). Throws a
   * conflict when the name holds another body or another dossier, or when the dossier was
   * handed over under another key and that file is still open.
   */
  private async checkEarlierSubmission(dossierId: string, fileId: string, sha256: string): Promise<boolean> {
    const same = await this.readOwnManifest(fileId);
    if (same !== undefined) {
      if (same.dossierId !== dossierId)
        throw conflict(
          `the outbound folder ${fileId} already holds dossier ${same.dossierId}, whose id is written the same way as ${dossierId} in a folder name`,
        );
      if (same.sha256 !== sha256)
        throw conflict(
          `dossier ${dossierId} was already handed over with idempotency key "${same.idempotencyKey}" (folder ${fileId}) and another content; the same key must carry the same dossier`,
        );
      return true;
    }
    const idSegment = safeSegment(dossierId);
    for (const name of await readdir(this.outbound)) {
      const kind = classifyOutboundName(name);
      if (kind.kind !== 'dossier' || kind.idSegment !== idSegment) continue;
      const other = await this.readOwnManifest(name);
      if (other === undefined || other.dossierId !== dossierId) continue;
      const latest = latestItem((await this.archived()).filter((item) => item.fileId === name));
      const state = latest === undefined ? 'received' : toPartnerEvent(latest).type;
      if (!REOPENABLE_STATES.has(state)) {
        throw conflict(
          `dossier ${dossierId} was already handed over as ${name} (key "${other.idempotencyKey}", state ${state}); a dossier has one open file at a time`,
        );
      }
    }
    return false;
  }

  private async replayed(fileId: string): Promise<SubmitResult> {
    const acks = (await this.archived()).filter((item) => item.fileId === fileId && item.kind === 'acknowledgement');
    const ack = latestItem(acks);
    if (ack === undefined || ack.kind !== 'acknowledgement')
      return { fileId, status: 'received', reasons: [], replayed: true };
    const status: FileStatus = ack.decision;
    return { fileId, status, reasons: ack.reasons, replayed: true };
  }

  private async ownManifest(fileId: string): Promise<OwnManifest> {
    const manifest = await this.io('reading the dossier folder', this.outbound, () => this.readOwnManifest(fileId));
    if (manifest === undefined) throw unknownFile(fileId, this.outbound);
    return manifest;
  }

  /** The manifest we wrote in `outbound/<fileId>/`, or undefined when there is no such dossier folder. */
  private async readOwnManifest(fileId: string): Promise<OwnManifest | undefined> {
    if (!isFileId(fileId) || classifyOutboundName(fileId).kind !== 'dossier') return undefined;
    let bytes: Buffer;
    try {
      bytes = await readFile(join(this.outbound, fileId, MANIFEST_FILE));
    } catch (error) {
      if (isErrno(error, 'ENOENT', 'ENOTDIR')) return undefined;
      throw error;
    }
    const parsed = await parseXml(bytes.toString('utf8'));
    let decoded;
    try {
      if (!parsed.ok) throw new Error(parsed.message);
      decoded = decodeManifest(parsed.root);
    } catch (error) {
      throw new AdapterError({
        code: 'FILE_DROP_DAMAGED_FOLDER',
        kind: 'system',
        userMessage: `the manifest of ${fileId} in the outbound folder cannot be read back (was it edited?): ${error instanceof Error ? error.message : String(error)}`,
      });
    }
    this.dossierIds.set(fileId, decoded.dossier.id);
    return {
      fileId,
      dossierId: decoded.dossier.id,
      idempotencyKey: decoded.idempotencyKey,
      sha256: sha256Hex(bytes),
      documents: decoded.documents,
    };
  }

  private async publishInstruction(
    instruction: Instruction,
    kind: InstructionKind,
    attached: readonly AttachedFile[],
  ): Promise<void> {
    const what = `the ${kind} instruction for ${instruction.fileId}`;
    const xml = buildInstructionXml(instruction);
    await assertOwnXml(what, xml, instruction.root);
    const name = instructionFolderName(instruction.fileId, kind, instruction.idempotencyKey);
    const sha256 = sha256Hex(xml);
    await this.io(`writing ${what}`, this.outbound, async () => {
      if (await this.sameInstruction(name, sha256, instruction.idempotencyKey)) return;
      const files = [
        ...attached.map((a) => ({ name: a.listed.file, content: a.content })),
        { name: INSTRUCTION_FILE, content: xml },
      ];
      if ((await writeFolderAtomically(this.outbound, name, files, this.hooks)) === 'exists')
        await this.sameInstruction(name, sha256, instruction.idempotencyKey);
    });
  }

  /** True when `name` already holds this instruction; a conflict when it holds another. */
  private async sameInstruction(name: string, sha256: string, idempotencyKey: string): Promise<boolean> {
    const earlier = await readFile(join(this.outbound, name, INSTRUCTION_FILE)).catch((error: unknown) => {
      if (isErrno(error, 'ENOENT')) return undefined;
      throw error;
    });
    if (earlier === undefined) return false;
    if (sha256Hex(earlier) !== sha256)
      throw conflict(
        `idempotency key "${idempotencyKey}" was already used for another instruction (${name}); the same key must carry the same content`,
      );
    return true;
  }

  // ---- inbound ----

  private async pendingStatusFiles(): Promise<string[]> {
    const entries = await readdir(this.inbound, { withFileTypes: true });
    // Code-unit order, not locale order: the same on every machine.
    return entries
      .filter((e) => e.isFile() && isStatusFileName(e.name))
      .map((e) => e.name)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  private async readStatusFile(name: string): Promise<StatusFileRead> {
    let bytes: Buffer;
    try {
      bytes = await readFile(join(this.inbound, name));
    } catch (error) {
      // Another reader archived or rejected it meanwhile.
      if (isErrno(error, 'ENOENT')) return { kind: 'gone' };
      if (isErrno(error, 'EACCES', 'EPERM'))
        return {
          kind: 'bad',
          bytes: Buffer.alloc(0),
          problems: [{ message: `the connector may not read it (${(error as NodeJS.ErrnoException).code})` }],
        };
      throw error;
    }
    const bad = (problems: XmlProblem[]): StatusFileRead => ({ kind: 'bad', bytes, problems });
    if (bytes.length > this.maxStatusFileBytes)
      return bad([
        { message: `it is ${bytes.length} bytes, more than the ${this.maxStatusFileBytes} a status file may have` },
      ]);
    let xml: string;
    try {
      xml = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    } catch {
      return bad([{ message: 'it is not UTF-8 text' }]);
    }
    const checked = await checkXml(xml, 'status-file', ['statusFile']);
    if (!checked.ok) return bad(checked.problems);
    const items = decodeStatusFile(checked.root);
    const problems: XmlProblem[] = [];
    for (const [i, item] of items.entries()) {
      const which = `<${item.kind}> ${i + 1} (id ${JSON.stringify(item.id)})`;
      const dossierId = await this.dossierIdOf(item.fileId);
      if (dossierId === undefined)
        problems.push({
          message: `${which} names file ${JSON.stringify(item.fileId)}, which is not a dossier we handed over (no such folder in the outbound folder)`,
        });
      else if (dossierId !== item.dossierId)
        problems.push({
          message: `${which} names file ${item.fileId} with dossier ${JSON.stringify(item.dossierId)}, but that file holds dossier ${JSON.stringify(dossierId)}`,
        });
    }
    const sha256 = sha256Hex(bytes);
    const archived = await readFile(join(this.inbound, ARCHIVE_DIR, name)).catch((error: unknown) => {
      if (isErrno(error, 'ENOENT')) return undefined;
      throw error;
    });
    if (archived !== undefined && sha256Hex(archived) !== sha256) {
      problems.push({
        message: `a status file named ${name} was already applied (${ARCHIVE_DIR}/${name}) with other content; new events need a new file name`,
      });
    }
    return problems.length > 0 ? bad(problems) : { kind: 'ok', sha256, items };
  }

  private async dossierIdOf(fileId: string): Promise<string | undefined> {
    const known = this.dossierIds.get(fileId);
    if (known !== undefined) return known;
    try {
      return (await this.readOwnManifest(fileId))?.dossierId;
    } catch (error) {
      if (error instanceof AdapterError) return undefined;
      throw error;
    }
  }

  /** Moves a bad status file to `rejected/`, its reason first (a crash in between only means rejecting it again). */
  private async reject(name: string, bytes: Buffer, problems: readonly XmlProblem[]): Promise<void> {
    const dir = join(this.inbound, REJECTED_DIR);
    await mkdir(dir, { recursive: true });
    const sha256 = sha256Hex(bytes);
    let target = name;
    if (await exists(join(dir, target)))
      target = `${basename(name, extname(name))}.${sha256.slice(0, 12)}${extname(name)}`;
    const reason = [
      `status file: ${name}`,
      `rejected at: ${this.clock.now().toISOString()}`,
      `sha256: ${sha256}`,
      ...problems.map((p) => `problem: ${name}: ${describeProblem(p)}`),
      '',
      'Nothing in this file was applied. Fix it and drop it again under a new name.',
      '',
    ].join('\n');
    await replaceFileAtomically(dir, `${target}.reason.txt`, reason);
    try {
      await rename(join(this.inbound, name), join(dir, target));
    } catch (error) {
      if (!isErrno(error, 'ENOENT')) throw error;
    }
  }

  /** Every item of the archived status files, in file-name order then file order. */
  private async archived(): Promise<StatusItem[]> {
    const dir = join(this.inbound, ARCHIVE_DIR);
    let names: string[];
    try {
      names = (await readdir(dir)).filter(isStatusFileName).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return [];
      throw error;
    }
    const items: StatusItem[] = [];
    for (const name of names) {
      let cached = this.archivedItems.get(name);
      if (cached === undefined) {
        const parsed = await parseXml(await readFile(join(dir, name), 'utf8'));
        if (!parsed.ok) {
          throw new AdapterError({
            code: 'FILE_DROP_DAMAGED_FOLDER',
            kind: 'system',
            userMessage: `archived status file ${ARCHIVE_DIR}/${name} cannot be read back (was it edited?): ${parsed.message}`,
          });
        }
        cached = decodeStatusFile(parsed.root);
        this.archivedItems.set(name, cached);
      }
      items.push(...cached);
    }
    return items;
  }

  /** File-system failures become typed errors; our own typed errors and bugs pass through. */
  private async io<T>(what: string, path: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof AdapterError || typeof (error as NodeJS.ErrnoException | undefined)?.code !== 'string')
        throw error;
      throw ioError(what, path, error);
    }
  }
}

/** The item that happened last; on equal instants, the one read last. */
function latestItem(items: readonly StatusItem[]): StatusItem | undefined {
  let latest: StatusItem | undefined;
  for (const item of items)
    if (latest === undefined || Date.parse(item.occurredAt) >= Date.parse(latest.occurredAt)) latest = item;
  return latest;
}

function decodeCursor(cursor: string): [string, string][] {
  if (!cursor.startsWith(CURSOR_PREFIX)) throw badCursor(cursor);
  let files: unknown;
  try {
    files = JSON.parse(Buffer.from(cursor.slice(CURSOR_PREFIX.length), 'base64url').toString('utf8'));
  } catch {
    throw badCursor(cursor);
  }
  const valid =
    Array.isArray(files) &&
    files.every(
      (f: unknown) =>
        Array.isArray(f) &&
        f.length === 2 &&
        typeof f[0] === 'string' &&
        typeof f[1] === 'string' &&
        /^[0-9a-f]{64}$/.test(f[1]) &&
        isStatusFileName(f[0]) &&
        basename(f[0]) === f[0] &&
        !/[/\\]/.test(f[0]),
    );
  if (!valid) throw badCursor(cursor);
  return files as [string, string][];
}
