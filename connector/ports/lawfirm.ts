import type { PartnerEvent } from '../model/procedure-event.schema';
import { AdapterError } from './adapter-error';

export type { PartnerEvent };

/**
 * What the connector needs from a law-firm partner (an avocat or a commissaire de justice who
 * takes over the files the connector escalates). The project owns this contract: over HTTP it is
 * `adapters/lawfirm/openapi.yaml`; for firms without an API, the file-drop transport carries the
 * same dossiers and status events as files. Both implement this interface, so the rest of the
 * connector does not know which one a firm uses.
 */

/** A document handed over with a dossier (the invoice PDF, the formal notice, a proof of delivery). */
export interface PartnerDocument {
  /** Unique within the dossier, e.g. `invoice-FAC-2025-0101.pdf`. */
  name: string;
  kind: 'invoice' | 'formal_notice' | 'proof_of_delivery' | 'contract' | 'correspondence' | 'other';
  mediaType: string;
  content: Buffer;
  /** Hex SHA-256 of `content`: the firm checks it, the dossier lists it. */
  sha256: string;
}

export interface SubmitRequest {
  /** The dossier as built by connector/dossier (the canonical `Dossier`, JSON-ready). */
  dossier: Record<string, unknown> & { id: string; caseId: string };
  documents: PartnerDocument[];
  /** The outbox row's key: the same key (with the same dossier id) never opens two files. */
  idempotencyKey: string;
}

export type FileStatus = 'received' | 'accepted' | 'rejected';

export interface SubmitResult {
  /** The firm's own reference for the file. */
  fileId: string;
  status: FileStatus;
  /** Why the firm rejected the file, when it did at once. */
  reasons: string[];
  /** True when the firm already had this submission (same idempotency key): nothing new was opened. */
  replayed: boolean;
}

/** A payment the creditor received directly while the firm works the file (the firm must know). */
export interface DirectPayment {
  /** Stable id of the payment on our side (deduplication at the firm). */
  id: string;
  /** Minor units. */
  amount: number;
  currency: string;
  receivedOn: string;
  /** True when nothing is left to claim: the firm is asked to close the file. */
  settlesInFull: boolean;
}

export interface EventPage {
  events: PartnerEvent[];
  /** Opaque cursor: pass it to the next `events` call. */
  next: string;
}

export interface LawFirmPartner {
  submit(request: SubmitRequest): Promise<SubmitResult>;
  addDocuments(fileId: string, documents: PartnerDocument[], idempotencyKey: string): Promise<void>;
  reportPayment(fileId: string, payment: DirectPayment, idempotencyKey: string): Promise<void>;
  withdraw(fileId: string, reason: string, idempotencyKey: string): Promise<void>;
  status(fileId: string): Promise<{ fileId: string; dossierId: string; state: string; updatedAt: string }>;
  /** Events of every file of ours, oldest first, after `cursor` (from the start when absent). */
  events(cursor?: string): Promise<EventPage>;
}

/**
 * `409 dossier_already_submitted`: the firm has an open file for this dossier id, which it names.
 * The dossier performer reads that file's status to tell a hand-off of ours that was answered but
 * never recorded from a dossier id the firm gave to something else.
 */
export class DossierAlreadySubmittedError extends AdapterError {
  constructor(
    init: ConstructorParameters<typeof AdapterError>[0],
    /** The open file, as the error's `details` name it (undefined when they do not). */
    readonly openFileId: string | undefined,
  ) {
    super(init);
  }
}

/** Why a pushed batch was refused as not coming from the firm (401). */
export type WebhookRefusalReason = 'missing_signature' | 'malformed_signature' | 'bad_signature' | 'stale' | 'future';

/**
 * Events the firm pushes (a webhook), checked before anything is applied: first that they come
 * from the firm, over the exact bytes received (`authenticate`, a 401 when not), then that the
 * body is a batch of events (`parse`, a 400 naming what is wrong). A firm that only publishes a
 * feed or status files has no verifier.
 */
export interface WebhookVerifier {
  authenticate(input: {
    headers: Readonly<Record<string, string | readonly string[] | undefined>>;
    rawBody: Buffer;
    now: Date;
  }): { ok: true } | { ok: false; reason: WebhookRefusalReason; message: string };
  parse(rawBody: Buffer): { ok: true; events: PartnerEvent[] } | { ok: false; problem: string };
}
