import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SimulatedClock } from '../../../connector/time/clock';
import { writeFileAtomically } from '../file-drop/atomic-fs';
import {
  readOutboundDossiers,
  readOutboundInstructions,
  writeStatusFile,
  type InvalidOutbound,
  type OutboundInstruction,
} from '../file-drop/firm-side';
import {
  ARCHIVE_DIR,
  classifyOutboundName,
  MANIFEST_FILE,
  REJECTED_DIR,
  type InstructionKind,
} from '../file-drop/layout';
import { decodeManifest } from '../file-drop/manifest';
import { buildStatusFileXml, type StatusItem } from '../file-drop/status-file';
import { parseXml } from '../file-drop/xml-codec';
import { dossierContentProblems, type FieldProblem } from './dossier-checks';
import {
  hash,
  iso,
  PathControls,
  SimulatedFirm,
  type FirmOutcome,
  type SimulatedEvent,
  type SimulatedFile,
  type SimulatedPayment,
  type SimulatedWithdrawal,
  type StoredFile,
} from './firm';
import { DossierRequestSchema, fieldPath } from './request.schema';

/**
 * The simulated law firm on the file-drop protocol (adapters/lawfirm/README.md, "File drop"):
 * the same books as the HTTP simulator (./firm.ts: dossier checks, procedure paths, payments,
 * withdrawals, on its own clock), reached through two folders instead of an API. Each `scan()`
 * reads the dossier and instruction folders that appeared in `outbound/` (checked against the
 * XSD, sizes and hashes by the firm-side reader), acts on them, records the steps due on its
 * clock, and writes what happened into `inbound/` as status files (checked against the XSD,
 * renamed into view in one step): acknowledgements for dossier folders, events for the rest.
 * `start()` scans every `pollIntervalMs` real ms; tests call `scan()` themselves.
 */

export interface FileDropFirmOptions {
  /** The folder the connector writes dossiers and instructions into; created if absent (the firm plays the share's owner). */
  outbound: string;
  /** The folder the firm writes status files into; created if absent. */
  inbound: string;
  /** Makes ids, the path each dossier takes and each delay reproducible. Default 1. */
  seed?: number;
  /** Simulated start instant (ISO 8601). Default 2026-04-01T08:00:00Z. */
  startAt?: string;
  /** Simulated milliseconds per real millisecond; 0 (default) moves only through `clock.advance`. */
  speed?: number;
  /** With `speed`: the firm's time stops here (no event falls due after it), as a rehearsal's clock does. */
  stopAt?: string;
  /** Procedures the firm runs; a dossier asking for another is rejected. Default all. */
  procedures?: string[];
  /** Real milliseconds between two scans once started. Default 250. */
  pollIntervalMs?: number;
  /** Told when a scan started by the timer fails (the next one tries again). */
  onScanError?: (error: unknown) => void;
}

/**
 * How an injected bad status file is bad. Each is written as an extra file just before the
 * batch it copies, which follows whole under the next name: nothing is lost, and the connector
 * must move the bad one to `rejected/` without holding up the good one.
 * - `truncated`: the batch's XML cut in the middle, as a tool that died while writing leaves it;
 * - `garbage`: bytes that are not UTF-8 text;
 * - `invalid`: well-formed XML that fails status-file.xsd (an element renamed);
 * - `foreign`: valid XML whose items name a file the connector never handed over.
 */
export type StatusFileDamage = 'truncated' | 'garbage' | 'invalid' | 'foreign';
export const STATUS_FILE_DAMAGES: readonly StatusFileDamage[] = ['truncated', 'garbage', 'invalid', 'foreign'];

export class FileDropFirmControls extends PathControls {
  /** Damage of the next status files, in order (each one an extra file before the real one). */
  readonly damage: StatusFileDamage[] = [];
  /** Items still to be written a second time, in a status file of their own right after theirs. */
  duplicates = 0;
  /** While true, each status file lists its items newest first. */
  outOfOrder = false;

  /** The next `count` batches are each preceded by a bad status file, bad the way `how` says. */
  damageNext(count = 1, how: StatusFileDamage = 'truncated'): void {
    for (let i = 0; i < count; i++) this.damage.push(how);
  }

  /** The next `count` items (acknowledgements or events) are written twice, with the same id, in two files. */
  duplicateNextEvents(count: number): void {
    this.duplicates += count;
  }

  /** Status files list their items newest first, until called with false. */
  deliverOutOfOrder(on = true): void {
    this.outOfOrder = on;
  }
}

/** A status file the firm wrote, as it wrote it. */
export interface WrittenStatusFile {
  name: string;
  /** On the firm's clock. */
  writtenAt: string;
  /** The items of a good file; for a damaged one, the items it was made from. */
  items: StatusItem[];
  /** Set on an injected bad file. */
  damage?: StatusFileDamage;
  /** Set on the second file of duplicated items. */
  duplicate?: true;
}

/** An instruction folder the firm read, and what came of it. */
export interface ReceivedInstruction {
  folder: string;
  kind: InstructionKind;
  fileId: string;
  dossierId: string | undefined;
  receivedAt: string;
  outcome: 'done' | 'replayed' | 'refused';
  reasons: string[];
}

/** A folder the firm refused: a dossier (answered by a `rejected` acknowledgement when the connector can tell whose it is) or an instruction. */
export interface RefusedFolder {
  folder: string;
  kind: 'dossier' | InstructionKind;
  fileId: string;
  dossierId: string | undefined;
  reasons: string[];
  at: string;
  /** Whether a status file tells the connector (an acknowledgement or an `instruction_refused` event). */
  answered: boolean;
}

export interface ScanResult {
  /** Dossier folders read for the first time. */
  dossiers: string[];
  /** Instruction folders read for the first time. */
  instructions: string[];
  /** Status files written, bad ones included. */
  written: string[];
}

/** The firm's own word for an instruction it cannot carry out: no known state, so the connector shows it to a person. */
export const INSTRUCTION_REFUSED = 'instruction_refused';
/** Every file of the file drop belongs to one creditor: the one writing into these folders. */
const ACCOUNT = 'file-drop';
/** A folder name the connector never writes: the `fileId` of `foreign` damage. */
const FOREIGN_FILE_ID = 'zz-never-handed-over--000000000000';
/** The XSD's limit on a text element. */
const MAX_TEXT = 4_000;

export class FileDropFirm {
  readonly controls = new FileDropFirmControls();
  readonly clock: SimulatedClock;
  readonly outbound: string;
  readonly inbound: string;
  private readonly firm: SimulatedFirm;
  private readonly seed: number;
  /** Folder names already read (dossiers and instructions): a folder is taken once. */
  private readonly seen = new Set<string>();
  /** Dossier folder → the dossier id its manifest gives, for every folder whose manifest the connector can also read. */
  private readonly dossierOfFolder = new Map<string, string>();
  private readonly recorded: SimulatedEvent[] = [];
  private readonly pending: StatusItem[] = [];
  private readonly written: WrittenStatusFile[] = [];
  private readonly received: ReceivedInstruction[] = [];
  private readonly refusals: RefusedFolder[] = [];
  private counter = 0;
  private pump: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private ready: Promise<void> | undefined;

  constructor(private readonly options: FileDropFirmOptions) {
    this.outbound = options.outbound;
    this.inbound = options.inbound;
    this.seed = options.seed ?? 1;
    this.clock = new SimulatedClock(
      Date.parse(options.startAt ?? '2026-04-01T08:00:00Z'),
      options.speed ?? 0,
      options.stopAt === undefined ? undefined : Date.parse(options.stopAt),
    );
    const controls = this.controls;
    this.firm = new SimulatedFirm({
      seed: this.seed,
      clock: this.clock,
      ...(options.procedures === undefined ? {} : { procedures: options.procedures }),
      forcedPath: (dossierId) => controls.forcedPath(dossierId),
      onEvent: (event, file) => {
        this.recorded.push(event);
        this.pending.push(statusItemOf(event, file));
      },
    });
  }

  /**
   * Creates the folders if needed and scans every `pollIntervalMs` real ms until `stop()`. Like
   * a listening server, a started firm keeps the process alive: call `stop()`.
   */
  async start(): Promise<this> {
    await this.prepare();
    this.timer = setInterval(() => {
      void this.scan().catch((error: unknown) => this.options.onScanError?.(error));
    }, this.options.pollIntervalMs ?? 250);
    return this;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.pump.catch(() => undefined);
  }

  /**
   * Reads the new folders of `outbound` (dossiers first, then instructions in name order), acts
   * on them, records the steps due on the firm's clock, and writes everything recorded since the
   * last scan into `inbound` as status files. Scans run one after the other.
   */
  scan(): Promise<ScanResult> {
    const run = this.pump.then(() => this.scanNow());
    this.pump = run.catch(() => undefined);
    return run;
  }

  /** Every file opened, oldest first, as it is now on the firm's clock (status files of the latest steps may still be unwritten until the next scan). */
  listFiles(): SimulatedFile[] {
    this.firm.materialize();
    return this.firm.all().map((f) => this.firm.inspect(f));
  }

  file(fileId: string): SimulatedFile | undefined {
    this.firm.materialize();
    const f = this.firm.get(fileId);
    return f ? this.firm.inspect(f) : undefined;
  }

  /** The bytes of a document of a file, sent by the creditor or made by the firm (the file drop carries only their names and hashes back). */
  documentContent(fileId: string, name: string): Buffer | undefined {
    this.firm.materialize();
    return this.firm.get(fileId)?.documents.get(name)?.content;
  }

  /** Every direct payment taken, oldest first. */
  payments(): SimulatedPayment[] {
    return this.firm.payments();
  }

  /** Every withdrawal taken, oldest first. */
  withdrawals(): SimulatedWithdrawal[] {
    return this.firm.withdrawals();
  }

  /** Every instruction folder read, in the order read, with what came of it. */
  instructions(): ReceivedInstruction[] {
    return [...this.received];
  }

  /** Every folder refused, dossiers and instructions, in the order read. */
  refused(): RefusedFolder[] {
    return [...this.refusals];
  }

  /** Every event the firm recorded, in record order (acknowledgements as the events `accepted` / `rejected`). */
  events(): SimulatedEvent[] {
    return [...this.recorded];
  }

  /** Every status file written, in order, injected bad ones included. */
  statusFiles(): WrittenStatusFile[] {
    return [...this.written];
  }

  private prepare(): Promise<void> {
    this.ready ??= (async () => {
      await mkdir(this.outbound, { recursive: true });
      await mkdir(this.inbound, { recursive: true });
    })();
    return this.ready;
  }

  private async scanNow(): Promise<ScanResult> {
    await this.prepare();
    const names = await folders(this.outbound);
    const fresh = names.filter((n) => !this.seen.has(n));
    const dossiers = fresh.filter((n) => classifyOutboundName(n).kind === 'dossier');
    const instructions = fresh.filter((n) => classifyOutboundName(n).kind === 'instruction');
    // The firm-side readers read every folder; they run only when there is something new.
    if (dossiers.length > 0) await this.takeDossiers(new Set(dossiers));
    if (instructions.length > 0) await this.takeInstructions(new Set(instructions));
    this.firm.materialize();
    const written = await this.flush();
    return { dossiers, instructions, written };
  }

  private async takeDossiers(fresh: ReadonlySet<string>): Promise<void> {
    const { dossiers, invalid } = await readOutboundDossiers(this.outbound);
    for (const folder of invalid.filter((i) => fresh.has(i.name))) await this.refuseDossierFolder(folder);
    for (const found of dossiers) {
      if (!fresh.has(found.fileId)) continue;
      this.seen.add(found.fileId);
      this.dossierOfFolder.set(found.fileId, found.dossier.id);
      const parsed = DossierRequestSchema.safeParse(found.dossier);
      const problems: FieldProblem[] = parsed.success
        ? dossierContentProblems(parsed.data)
        : parsed.error.issues.map((i) => ({ field: `dossier.${fieldPath(i.path)}`, message: i.message }));
      if (!parsed.success || problems.length > 0) {
        this.rejectFolder(
          found.fileId,
          found.dossier.id,
          problems.map((p) => `${p.field}: ${p.message}`),
        );
        continue;
      }
      const open = this.firm.openFileOf(ACCOUNT, found.dossier.id);
      if (open) {
        this.rejectFolder(found.fileId, found.dossier.id, [
          `dossier ${found.dossier.id} already has an open file (${open.id}); a dossier has one open file at a time`,
        ]);
        continue;
      }
      // Merits rejections are the firm's: `open` records them (acknowledgement `rejected`, reasons in French).
      this.firm.open({
        account: ACCOUNT,
        idempotencyKey: found.idempotencyKey,
        dossier: parsed.data,
        documents: found.documents,
        fileId: found.fileId,
      });
    }
  }

  /** A folder the reader refused (XSD, sizes, hashes): acknowledged `rejected` when its manifest still tells whose it is. */
  private async refuseDossierFolder(folder: InvalidOutbound): Promise<void> {
    this.seen.add(folder.name);
    const dossierId = await this.readableDossierId(folder.name);
    if (dossierId === undefined) {
      this.refusals.push({
        folder: folder.name,
        kind: 'dossier',
        fileId: folder.name,
        dossierId: undefined,
        reasons: folder.problems,
        at: iso(this.now()),
        answered: false,
      });
      return;
    }
    this.dossierOfFolder.set(folder.name, dossierId);
    this.rejectFolder(folder.name, dossierId, folder.problems);
  }

  /** A dossier folder the firm cannot work: no file is opened, the acknowledgement says why. */
  private rejectFolder(fileId: string, dossierId: string, reasons: string[]): void {
    const at = this.now();
    const said = reasons.length > 0 ? reasons : ['the dossier cannot be worked as sent'];
    this.refusals.push({
      folder: fileId,
      kind: 'dossier',
      fileId,
      dossierId,
      reasons: said,
      at: iso(at),
      answered: true,
    });
    this.pending.push({
      kind: 'acknowledgement',
      id: `ack_${hash(`${this.seed}:${fileId}:rejected`).slice(0, 20)}`,
      fileId,
      dossierId,
      occurredAt: iso(at),
      decision: 'rejected',
      reasons: said.map(clip),
    });
  }

  /** The dossier id of a folder the reader refused, read the way the connector reads its own manifest; undefined when that fails too. */
  private async readableDossierId(folder: string): Promise<string | undefined> {
    try {
      const parsed = await parseXml(await readFile(join(this.outbound, folder, MANIFEST_FILE), 'utf8'));
      return parsed.ok ? decodeManifest(parsed.root).dossier.id : undefined;
    } catch {
      return undefined;
    }
  }

  private async takeInstructions(fresh: ReadonlySet<string>): Promise<void> {
    const { instructions, invalid } = await readOutboundInstructions(this.outbound);
    const byName = new Map<string, OutboundInstruction | InvalidOutbound>([
      ...instructions.map((i) => [i.name, i] as const),
      ...invalid.map((i) => [i.name, i] as const),
    ]);
    for (const name of [...byName.keys()].sort(byCodeUnits)) {
      if (!fresh.has(name)) continue;
      this.seen.add(name);
      const read = byName.get(name)!;
      const kind = classifyOutboundName(name);
      if (kind.kind !== 'instruction') continue;
      if (!('kind' in read)) {
        this.refuseInstruction(name, kind.instruction, kind.fileId, undefined, read.problems);
        continue;
      }
      const file = this.firm.get(read.fileId);
      if (!file) {
        this.refuseInstruction(name, read.kind, read.fileId, read.dossierId, [
          `no file ${read.fileId} at the firm: its dossier folder was refused or never read`,
        ]);
        continue;
      }
      if (file.dossier.id !== read.dossierId) {
        this.refuseInstruction(name, read.kind, read.fileId, read.dossierId, [
          `file ${read.fileId} holds dossier ${file.dossier.id}, not ${read.dossierId}`,
        ]);
        continue;
      }
      const outcome = this.carryOut(file, read);
      if (outcome.kind === 'refused') {
        const { message, details } = outcome.refusal;
        this.refuseInstruction(name, read.kind, read.fileId, read.dossierId, [
          message,
          ...(details ?? []).map((d) => `${d.field}: ${d.message}`),
        ]);
        continue;
      }
      this.received.push({
        folder: name,
        kind: read.kind,
        fileId: read.fileId,
        dossierId: read.dossierId,
        receivedAt: iso(this.now()),
        outcome: outcome.kind,
        reasons: [],
      });
    }
  }

  private carryOut(file: StoredFile, instruction: OutboundInstruction): FirmOutcome {
    switch (instruction.kind) {
      case 'add-documents':
        return this.firm.addDocuments(file, instruction.documents);
      case 'payment':
        return this.firm.reportPayment(file, instruction.payment, instruction.idempotencyKey);
      case 'withdrawal':
        return this.firm.withdraw(file, instruction.reason, instruction.idempotencyKey);
    }
  }

  /**
   * The file drop has no answer to an instruction but a status file: the firm writes the event
   * `instruction_refused` (its own word, which the connector shows to a person), when the file
   * it names is a dossier folder the connector can read; otherwise the refusal is only kept here.
   */
  private refuseInstruction(
    folder: string,
    kind: InstructionKind,
    fileId: string,
    dossierId: string | undefined,
    reasons: string[],
  ): void {
    const at = this.now();
    const known = this.dossierOfFolder.get(fileId);
    const answered = known !== undefined && (dossierId === undefined || dossierId === known);
    this.received.push({ folder, kind, fileId, dossierId, receivedAt: iso(at), outcome: 'refused', reasons });
    this.refusals.push({ folder, kind, fileId, dossierId, reasons, at: iso(at), answered });
    if (!answered) return;
    const event: SimulatedEvent = {
      id: `evt_${hash(`${this.seed}:${folder}:refused`).slice(0, 20)}`,
      fileId,
      dossierId: known,
      type: INSTRUCTION_REFUSED,
      occurredAt: iso(at),
      label: `Instruction refusée par le cabinet (${kind})`,
      note: clip(`${folder} : ${reasons.join(' ; ')}`),
    };
    this.recorded.push(event);
    this.pending.push({ kind: 'event', ...event });
  }

  /** Writes what was recorded since the last flush: bad copies first when injected, then the batch, then its duplicates. */
  private async flush(): Promise<string[]> {
    if (this.pending.length === 0) return [];
    const items = this.pending.splice(0);
    if (this.controls.outOfOrder) items.sort((a, b) => Date.parse(b.occurredAt) - Date.parse(a.occurredAt));
    const names: string[] = [];
    const damage = this.controls.damage.shift();
    if (damage) names.push(await this.writeDamaged(items, damage));
    names.push(await this.write(items));
    const twice: StatusItem[] = [];
    for (const item of items) {
      if (this.controls.duplicates <= 0) break;
      this.controls.duplicates -= 1;
      twice.push(item);
    }
    if (twice.length > 0) names.push(await this.write(twice, { duplicate: true }));
    return names;
  }

  private async write(items: StatusItem[], mark: { duplicate?: true } = {}): Promise<string> {
    const at = this.clock.now();
    const name = await this.nextName(at);
    await writeStatusFile(this.inbound, items, { name });
    this.written.push({ name, writtenAt: at.toISOString(), items, ...mark });
    return name;
  }

  private async writeDamaged(items: StatusItem[], damage: StatusFileDamage): Promise<string> {
    const at = this.clock.now();
    const name = await this.nextName(at);
    if (damage === 'foreign') {
      const foreign = items.map((item) => ({ ...item, id: `${item.id}-foreign`, fileId: FOREIGN_FILE_ID }));
      await writeStatusFile(this.inbound, foreign, { name });
    } else {
      await writeFileAtomically(this.inbound, name, damagedBytes(buildStatusFileXml(items), damage));
    }
    this.written.push({ name, writtenAt: at.toISOString(), items, damage });
    return name;
  }

  /** `<instant>-<n>.xml`: sorts in the order written; a name already in inbound, its archive or its rejected folder (a firm restarted) is skipped. */
  private async nextName(at: Date): Promise<string> {
    const stamp = at.toISOString().replace(/[-:.]/g, '');
    for (;;) {
      this.counter += 1;
      const name = `${stamp}-${String(this.counter).padStart(6, '0')}.xml`;
      const taken = await Promise.all(
        [this.inbound, join(this.inbound, ARCHIVE_DIR), join(this.inbound, REJECTED_DIR)].map((dir) =>
          present(join(dir, name)),
        ),
      );
      if (!taken.some(Boolean)) return name;
    }
  }

  private now(): number {
    return this.clock.now().getTime();
  }
}

/** A recorded event as the file drop says it: the firm's decision on a dossier folder is an acknowledgement. */
function statusItemOf(event: SimulatedEvent, file: StoredFile): StatusItem {
  if (event.type === 'accepted') {
    return {
      kind: 'acknowledgement',
      id: event.id,
      fileId: event.fileId,
      dossierId: event.dossierId,
      occurredAt: event.occurredAt,
      decision: 'accepted',
      reasons: [],
    };
  }
  if (event.type === 'rejected') {
    const reasons = file.reasons.length > 0 ? file.reasons : [event.label ?? 'Dossier refusé par le cabinet'];
    return {
      kind: 'acknowledgement',
      id: event.id,
      fileId: event.fileId,
      dossierId: event.dossierId,
      occurredAt: event.occurredAt,
      decision: 'rejected',
      reasons: reasons.map(clip),
    };
  }
  return { kind: 'event', ...event };
}

function damagedBytes(xml: string, damage: Exclude<StatusFileDamage, 'foreign'>): Buffer {
  switch (damage) {
    case 'truncated':
      return Buffer.from(xml.slice(0, Math.floor(xml.length / 2)), 'utf8');
    case 'garbage':
      // 0xC3 0x28 is not a UTF-8 sequence.
      return Buffer.concat([Buffer.from([0xc3, 0x28]), Buffer.from(' not a status file\n', 'utf8')]);
    case 'invalid':
      // Well-formed, but `occurredAt` renamed: the XSD refuses it.
      return Buffer.from(xml.replace(/<occurredAt>([^<]*)<\/occurredAt>/, '<occurred>$1</occurred>'), 'utf8');
  }
}

function clip(text: string): string {
  return text.length <= MAX_TEXT ? text : `${text.slice(0, MAX_TEXT - 1)}…`;
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Folder names in `dir`, hidden ones (being written) left out. */
async function folders(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort(byCodeUnits);
}

async function present(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
