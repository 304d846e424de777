import type { CaseJournalEntry } from '../model/journal.schema';

export type DeliveryChannel = 'sms' | 'letter' | 'registered_letter';

/** A message a provider accepted, to follow until its status is final. */
export interface NewDelivery {
  channel: DeliveryChannel;
  providerId: string;
  /** The provider's status at acceptance. */
  status: string;
  /** First check (ISO 8601). */
  nextCheckAt: string;
}

export interface Delivery extends NewDelivery {
  actionId: string;
  caseId: string;
  /** Provider events already journalled (letters report a list; an SMS only its latest status). */
  eventsSeen: number;
  /** Proof kinds already stored as documents. */
  proofs: string[];
  /** Checks recorded so far: also the version a check's record is guarded by. */
  checks: number;
  final: boolean;
  lastError: string | null;
  /** When the provider accepted it (the action's completion). */
  sentAt: string;
  updatedAt: string;
}

/** Evidence kept for the dossier. */
export interface NewDocument {
  /** Deterministic, e.g. `proof:<action id>:acknowledgement_of_receipt`: the same proof is stored once. */
  id: string;
  caseId: string;
  actionId: string | null;
  kind: string;
  mediaType: string;
  content: Buffer;
  /** When the proven event happened, as the provider says. */
  provenAt: string | null;
  createdAt: string;
}

export interface StoredDocument extends Omit<NewDocument, 'content'> {
  sha256: string;
  size: number;
}

/** The result of one check of a delivery, recorded with its journal lines and documents at once. */
export interface DeliveryCheckInput {
  actionId: string;
  /** The `checks` value the check started from: nothing is written if another check was recorded since. */
  expectedChecks: number;
  status: string;
  eventsSeen: number;
  proofs: string[];
  final: boolean;
  nextCheckAt: string;
  lastError: string | null;
  at: string;
  journal?: Omit<CaseJournalEntry, 'seq'>[];
  documents?: NewDocument[];
}

/** Messages a provider accepted, followed until their status is final, and the documents kept as evidence. */
export interface DeliveryStore {
  /**
   * Takes the next delivery that is not final and whose next check has come, pushing its next
   * check to `leaseUntil` so that no other worker takes it meanwhile (same guarantees as `claimAction`).
   */
  claimDelivery(input: { now: string; leaseUntil: string }): Promise<Delivery | undefined>;

  getDelivery(actionId: string): Promise<Delivery | undefined>;

  listDeliveries(filter?: { caseId?: string; final?: boolean }): Promise<Delivery[]>;

  /**
   * Records a check: the delivery's new state, its journal lines and its documents (a document
   * whose id is taken is kept as it was), atomically. Returns false, writing nothing, when the
   * delivery's `checks` is no longer `expectedChecks` (another worker recorded a check first).
   */
  recordDeliveryCheck(input: DeliveryCheckInput): Promise<boolean>;

  /** Document metadata of a case, oldest first. */
  listDocuments(caseId: string): Promise<StoredDocument[]>;

  /** A document with its bytes. */
  getDocument(id: string): Promise<(StoredDocument & { content: Buffer }) | undefined>;

  /**
   * Stores a document once and returns what the store holds under its id: the bytes given when the
   * id is new, the bytes first kept otherwise (a letter re-rendered on a retry is not the one sent).
   */
  keepDocument(document: NewDocument): Promise<StoredDocument & { content: Buffer }>;
}
