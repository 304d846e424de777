import { createHash } from 'node:crypto';
import type { SimulatedClock } from '../../../connector/time/clock';
import { textPdf } from '../../postal/simulator/proof-pdf';
import { listedDocuments, listedHashProblem, meritsRejections, sha256Hex, type FieldProblem } from './dossier-checks';
import { choosePath, PATHS, PATHS_BY_PROCEDURE, schedule, type PathName, type PathStep } from './paths';
import type { DossierRequest, PaymentRequest } from './request.schema';

/**
 * The simulated firm's books, whatever the transport: the files it opened, the documents it
 * holds, the procedure path each file walks on the firm's clock, the payments and withdrawals it
 * was told about, and every event it records. `LawFirmSimulator` (HTTP, ./server.ts) and
 * `FileDropFirm` (folders, ./file-drop-firm.ts) are two front desks of these same books: the
 * rules of ./dossier-checks.ts and the paths of ./paths.ts are applied here, once.
 */

export type SimulatedFileStatus = 'received' | 'accepted' | 'rejected';

export interface SimulatedDocument {
  name: string;
  kind: string;
  mediaType: string;
  sha256: string;
  size: number;
  /** `creditor`: sent to the firm; `firm`: attached by the firm to an event. */
  from: 'creditor' | 'firm';
  receivedAt: string;
}

export interface SimulatedPayment extends PaymentRequest {
  fileId: string;
  idempotencyKey: string;
  reportedAt: string;
}

export interface SimulatedWithdrawal {
  fileId: string;
  reason: string;
  idempotencyKey: string;
  at: string;
}

export interface SimulatedFile {
  fileId: string;
  dossierId: string;
  caseId: string;
  idempotencyKey: string;
  receivedAt: string;
  status: SimulatedFileStatus;
  /** The type of the file's last event. */
  state: string;
  procedure: string;
  path: PathName | undefined;
  reasons: string[];
  dossier: DossierRequest;
  documents: SimulatedDocument[];
  missingDocuments: string[];
  payments: SimulatedPayment[];
  withdrawal: SimulatedWithdrawal | undefined;
  /** Recovered by the firm (minor units), direct payments not included. */
  recovered: number;
}

/** An event as the contract's `PartnerEvent`. */
export interface SimulatedEvent {
  id: string;
  fileId: string;
  dossierId: string;
  type: string;
  occurredAt: string;
  label?: string;
  amount?: { amount: number; currency: string };
  documents?: { name: string; sha256: string }[];
  note?: string;
}

/** A document as the firm receives it, whatever carried it (base64 in JSON, a file in a folder): bytes already read. */
export interface ReceivedDocument {
  name: string;
  kind: string;
  mediaType: string;
  sha256: string;
  content: Buffer;
}

/** Why the firm refuses a request on a file, as the HTTP contract words it (status, code, message, details). */
export interface Refusal {
  status: number;
  code: string;
  message: string;
  details?: FieldProblem[];
}

/** What a request on a file did: done now, already done before (a replay: nothing new), or refused. */
export type FirmOutcome = { kind: 'done' } | { kind: 'replayed' } | { kind: 'refused'; refusal: Refusal };

export interface StoredDocument extends SimulatedDocument {
  content: Buffer;
}

interface PlannedStep {
  atMs: number;
  index: number;
  step: PathStep;
}

export interface StoredFile {
  n: number;
  id: string;
  /** Who handed the file over (an API key over HTTP; the folder pair for the file drop): each sees only its own files. */
  account: string;
  idempotencyKey: string;
  dossier: DossierRequest;
  receivedAtMs: number;
  status: SimulatedFileStatus;
  reasons: string[];
  path: PathName | undefined;
  plan: PlannedStep[];
  documents: Map<string, StoredDocument>;
  payments: SimulatedPayment[];
  withdrawal: SimulatedWithdrawal | undefined;
  recovered: number;
  directlyPaid: number;
  eventCount: number;
  last: { type: string; atMs: number };
}

/** States after which a file takes no more instructions. */
export const TERMINAL_STATES: ReadonlySet<string> = new Set([
  'rejected',
  'recovered',
  'irrecoverable',
  'withdrawn',
  'closed',
]);

/** Paths forced by a test, shared by both front desks' controls. */
export class PathControls {
  /** Path forced for a dossier id (files opened from now on). */
  readonly paths = new Map<string, PathName>();
  /** Path forced for every file opened from now on, unless `paths` names its dossier. */
  defaultPath: PathName | undefined;

  /** Forces the path of one dossier, or of every file opened from now on. */
  usePath(path: PathName, dossierId?: string): void {
    if (dossierId === undefined) this.defaultPath = path;
    else this.paths.set(dossierId, path);
  }

  /** The path forced for this dossier, if any. */
  forcedPath(dossierId: string): PathName | undefined {
    return this.paths.get(dossierId) ?? this.defaultPath;
  }
}

export interface SimulatedFirmOptions {
  seed: number;
  clock: SimulatedClock;
  /** Procedures the firm runs; a dossier asking for another is rejected. Default all of PATHS_BY_PROCEDURE. */
  procedures?: readonly string[];
  /** A path a test forced on a dossier, instead of the seeded draw. */
  forcedPath?: (dossierId: string) => PathName | undefined;
  /** Told every event the moment it is recorded, in record order. */
  onEvent?: (event: SimulatedEvent, file: StoredFile) => void;
}

export class SimulatedFirm {
  readonly seed: number;
  readonly clock: SimulatedClock;
  readonly procedures: ReadonlySet<string>;
  private readonly files = new Map<string, StoredFile>();

  constructor(private readonly options: SimulatedFirmOptions) {
    this.seed = options.seed;
    this.clock = options.clock;
    this.procedures = new Set(options.procedures ?? Object.keys(PATHS_BY_PROCEDURE));
  }

  /** The file of `account` for this dossier id that is still open, if any (a dossier has one open file at a time). */
  openFileOf(account: string, dossierId: string): StoredFile | undefined {
    return [...this.files.values()].find(
      (f) => f.account === account && f.dossier.id === dossierId && !this.isClosed(f),
    );
  }

  /**
   * Opens a file for a dossier that can be worked (the front desk checked its form): the firm
   * rejects it on its merits (event `rejected`, reasons in French), or receives it (event
   * `submitted`) and starts its path once every listed document is there.
   */
  open(input: {
    account: string;
    idempotencyKey: string;
    dossier: DossierRequest;
    documents: readonly ReceivedDocument[];
    fileId?: string;
  }): StoredFile {
    const { dossier } = input;
    const now = this.clock.now().getTime();
    const n = this.files.size + 1;
    const reasons = meritsRejections(dossier, this.procedures);
    const file: StoredFile = {
      n,
      id: input.fileId ?? `fil_${hash(`${this.seed}:file:${n}`).slice(0, 16)}`,
      account: input.account,
      idempotencyKey: input.idempotencyKey,
      dossier,
      receivedAtMs: now,
      status: reasons.length > 0 ? 'rejected' : 'received',
      reasons,
      path: undefined,
      plan: [],
      documents: new Map(),
      payments: [],
      withdrawal: undefined,
      recovered: 0,
      directlyPaid: 0,
      eventCount: 0,
      last: { type: 'submitted', atMs: now },
    };
    this.files.set(file.id, file);
    this.store(file, input.documents, now);
    if (reasons.length > 0) {
      this.record(file, 'rejected', 'Dossier refusé par le cabinet', now, { note: reasons.join(' ; ') });
    } else {
      this.record(file, 'submitted', 'Dossier reçu par le cabinet', now);
      this.startWhenComplete(file, now);
    }
    return file;
  }

  /** The file's state refuses instructions: `409 file_closed`. */
  closedRefusal(file: StoredFile): Refusal | undefined {
    return this.isClosed(file)
      ? { status: 409, code: 'file_closed', message: `file ${file.id} is closed (${file.last.type})` }
      : undefined;
  }

  /**
   * Documents that came later (the bordereau completed). Refused when the file is closed, when
   * the dossier lists a name with another hash, or when the file already holds another document
   * under a name; otherwise kept, and the path starts if the file is now complete.
   */
  addDocuments(file: StoredFile, documents: readonly ReceivedDocument[]): FirmOutcome {
    const closed = this.closedRefusal(file);
    if (closed) return refused(closed);
    const listed = listedDocuments(file.dossier);
    const contradicted = documents.flatMap((d, i) => listedHashProblem(d, listed, `documents[${i}]`) ?? []);
    if (contradicted.length > 0)
      return refused({
        status: 422,
        code: 'document_invalid',
        message: 'a document cannot be read as sent',
        details: contradicted,
      });
    const clashes = documents.filter((d) => {
      const held = file.documents.get(d.name);
      return held !== undefined && held.sha256 !== d.sha256;
    });
    if (clashes.length > 0)
      return refused({
        status: 409,
        code: 'document_conflict',
        message: 'the file already has other documents under these names',
        details: clashes.map((d) => ({ field: 'documents', message: d.name })),
      });
    const now = this.clock.now().getTime();
    this.store(file, documents, now);
    this.startWhenComplete(file, now);
    return { kind: 'done' };
  }

  /**
   * A payment the creditor received directly: applied once per payment id (the same figures
   * again are a replay, other figures a conflict); `settlesInFull` closes the file at once.
   */
  reportPayment(file: StoredFile, payment: PaymentRequest, idempotencyKey: string): FirmOutcome {
    const same = file.payments.find((p) => p.id === payment.id);
    if (same) {
      const identical =
        same.amount === payment.amount &&
        same.currency === payment.currency &&
        same.receivedOn === payment.receivedOn &&
        same.settlesInFull === payment.settlesInFull;
      if (!identical)
        return refused({
          status: 409,
          code: 'payment_conflict',
          message: `payment ${payment.id} was reported with other figures`,
        });
      return { kind: 'replayed' };
    }
    const closed = this.closedRefusal(file);
    if (closed) return refused(closed);
    if (payment.currency !== file.dossier.claim.currency) {
      return refused({
        status: 422,
        code: 'payment_invalid',
        message: 'the payment is not in the currency of the claim',
        details: [{ field: 'currency', message: `the claim is in ${file.dossier.claim.currency}` }],
      });
    }
    const now = this.clock.now().getTime();
    file.payments.push({ ...payment, fileId: file.id, idempotencyKey, reportedAt: iso(now) });
    file.directlyPaid += payment.amount;
    if (payment.settlesInFull) {
      file.plan = [];
      this.record(file, 'closed', 'Dossier clôturé : le débiteur a réglé directement le créancier', now, {
        note: `Paiement direct ${payment.id} du ${payment.receivedOn}`,
      });
    }
    return { kind: 'done' };
  }

  /** The creditor withdraws the file: its path stops (event `withdrawn`); a second withdrawal is a replay. */
  withdraw(file: StoredFile, reason: string, idempotencyKey: string): FirmOutcome {
    if (file.withdrawal) return { kind: 'replayed' };
    const closed = this.closedRefusal(file);
    if (closed) return refused(closed);
    const now = this.clock.now().getTime();
    file.plan = [];
    file.withdrawal = { fileId: file.id, reason, idempotencyKey, at: iso(now) };
    this.record(file, 'withdrawn', 'Dossier retiré à la demande du créancier', now, { note: reason });
    return { kind: 'done' };
  }

  get(fileId: string): StoredFile | undefined {
    return this.files.get(fileId);
  }

  /** Every file opened, oldest first. */
  all(): StoredFile[] {
    return [...this.files.values()];
  }

  /** Every direct payment reported, oldest first. */
  payments(): SimulatedPayment[] {
    return this.all().flatMap((f) => f.payments);
  }

  /** Every withdrawal, oldest first. */
  withdrawals(): SimulatedWithdrawal[] {
    return this.all()
      .flatMap((f) => (f.withdrawal ? [f.withdrawal] : []))
      .sort((a, b) => a.at.localeCompare(b.at));
  }

  isClosed(file: StoredFile): boolean {
    return TERMINAL_STATES.has(file.last.type);
  }

  /** Names the dossier lists that the file does not hold yet (or holds with another hash). */
  missing(file: StoredFile): string[] {
    return listedDocuments(file.dossier)
      .filter((d) => {
        const held = file.documents.get(d.name);
        return !held || (d.sha256 !== null && held.sha256 !== d.sha256);
      })
      .map((d) => d.name);
  }

  /** Records, in time order, every planned step that is due on the firm's clock. */
  materialize(nowMs = this.clock.now().getTime()): void {
    for (;;) {
      let next: StoredFile | undefined;
      for (const f of this.files.values()) {
        const head = f.plan[0];
        if (!head || head.atMs > nowMs) continue;
        const best = next?.plan[0];
        if (!best || head.atMs < best.atMs || (head.atMs === best.atMs && f.n < next!.n)) next = f;
      }
      if (!next) return;
      this.apply(next, next.plan.shift()!);
    }
  }

  inspect(f: StoredFile): SimulatedFile {
    return {
      fileId: f.id,
      dossierId: f.dossier.id,
      caseId: f.dossier.caseId,
      idempotencyKey: f.idempotencyKey,
      receivedAt: iso(f.receivedAtMs),
      status: f.status,
      state: f.last.type,
      procedure: f.dossier.recommendedProcedure,
      path: f.path,
      reasons: [...f.reasons],
      dossier: f.dossier,
      documents: [...f.documents.values()].map(({ content: _content, ...d }) => d),
      missingDocuments: this.missing(f),
      payments: [...f.payments],
      withdrawal: f.withdrawal,
      recovered: f.recovered,
    };
  }

  private store(file: StoredFile, documents: readonly ReceivedDocument[], atMs: number): void {
    for (const d of documents) {
      file.documents.set(d.name, {
        name: d.name,
        kind: d.kind,
        mediaType: d.mediaType,
        sha256: d.sha256,
        size: d.content.length,
        from: 'creditor',
        receivedAt: iso(atMs),
        content: d.content,
      });
    }
  }

  /** The firm starts a file once every document the dossier lists is there (the bordereau de pièces is complete). */
  private startWhenComplete(file: StoredFile, nowMs: number): void {
    if (file.status !== 'received' || file.path !== undefined || this.missing(file).length > 0) return;
    const path =
      this.options.forcedPath?.(file.dossier.id) ??
      choosePath(file.dossier.recommendedProcedure, this.seed, file.dossier.id);
    if (!path) return;
    file.path = path;
    const steps = PATHS[path].steps;
    const times = schedule(PATHS[path], nowMs, this.seed, file.dossier.id);
    file.plan = steps.map((step, index) => ({ step, index, atMs: times[index]! }));
  }

  private apply(file: StoredFile, planned: PlannedStep): void {
    const { step, atMs } = planned;
    if (step.type === 'accepted') file.status = 'accepted';
    const currency = file.dossier.claim.currency;
    let amount: { amount: number; currency: string } | undefined;
    if (step.recovers !== undefined) {
      const owed = Math.max(0, file.dossier.claim.total - file.directlyPaid - file.recovered);
      const value = step.recovers === 'rest' ? owed : Math.round(owed * step.recovers);
      if (value > 0) {
        amount = { amount: value, currency };
        file.recovered += value;
      }
    }
    let documents: { name: string; sha256: string }[] | undefined;
    if (step.document) {
      const date = iso(atMs).slice(0, 10);
      const content = textPdf(step.document.title, [
        step.document.title,
        `Dossier cabinet ${file.id} - dossier creancier ${file.dossier.id}`,
        `Debiteur : ${file.dossier.debtor.name}`,
        `Date : ${date}`,
        step.label,
        'Document genere par le simulateur Recouvra : sans valeur juridique.',
      ]);
      const name = `${step.document.slug}-${file.id}.pdf`;
      const sha256 = sha256Hex(content);
      file.documents.set(name, {
        name,
        kind: step.document.kind,
        mediaType: 'application/pdf',
        sha256,
        size: content.length,
        from: 'firm',
        receivedAt: iso(atMs),
        content,
      });
      documents = [{ name, sha256 }];
    }
    this.record(file, step.type, step.label, atMs, {
      ...(step.note === undefined ? {} : { note: step.note }),
      ...(amount ? { amount } : {}),
      ...(documents ? { documents } : {}),
    });
  }

  private record(
    file: StoredFile,
    type: string,
    label: string,
    atMs: number,
    extra: Pick<SimulatedEvent, 'note' | 'amount' | 'documents'> = {},
  ): SimulatedEvent {
    file.eventCount += 1;
    const event: SimulatedEvent = {
      id: `evt_${hash(`${this.seed}:${file.id}:${file.eventCount}`).slice(0, 20)}`,
      fileId: file.id,
      dossierId: file.dossier.id,
      type,
      occurredAt: iso(atMs),
      label,
      ...extra,
    };
    file.last = { type, atMs };
    this.options.onEvent?.(event, file);
    return event;
  }
}

function refused(refusal: Refusal): FirmOutcome {
  return { kind: 'refused', refusal };
}

export function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
