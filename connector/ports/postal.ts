/**
 * What the connector needs from a hybrid-mail provider (the PDF goes in, a printed letter comes
 * out at the debtor's door). The project owns this contract (README.md); `HttpPostalProvider`
 * speaks it over HTTP, and a bridge to a real provider implements the same interface or serves
 * the same HTTP contract.
 */

/** `registered_letter` is the lettre recommandée avec accusé de réception (LRAR). */
export type LetterKind = 'letter' | 'registered_letter';

export interface PostalAddress {
  /** First line of the block: the person or company. */
  name: string;
  /** Lines between the name and the postcode line (recipient details, street, lieu-dit, BP). */
  addressLines: string[];
  postalCode: string;
  city: string;
  /** ISO 3166-1 alpha-2, e.g. FR. */
  country: string;
}

export interface LetterSendRequest {
  kind: LetterKind;
  recipient: PostalAddress;
  sender: PostalAddress;
  /** The letter, ready to print, as one PDF. */
  pdf: Buffer;
  /** The outbox row's key: the same key always designates the same letter, so resending it never posts twice. */
  idempotencyKey: string;
}

export type LetterStatus = 'accepted' | 'printed' | 'posted' | 'delivered' | 'returned' | 'failed';

export interface LetterSendResult {
  providerId: string;
  /** The postal tracking number, when the provider has one (registered letters). */
  trackingNumber?: string;
  status: LetterStatus;
}

export interface LetterEvent {
  /** ISO 8601, UTC. */
  at: string;
  status: LetterStatus;
  /** What happened in the postal service's words, e.g. "Destinataire inconnu à l'adresse". */
  detail: string;
}

export interface LetterStatusResult {
  status: LetterStatus;
  /** Oldest first. */
  events: LetterEvent[];
  trackingNumber: string | undefined;
}

/**
 * Evidence for the dossier. For a registered letter: the deposit proof once posted, then the
 * signed acknowledgement of receipt once delivered — whose date is in practice the date of the
 * mise en demeure (french-recovery-law.md §3, "Starting date", [M]).
 */
export interface LetterProof {
  kind: 'acknowledgement_of_receipt' | 'deposit_proof';
  pdf: Buffer;
  /** When the proven event happened (ISO 8601, UTC): posting, or delivery. */
  at: string;
}

export interface PostalProvider {
  send(request: LetterSendRequest): Promise<LetterSendResult>;
  status(providerId: string): Promise<LetterStatusResult>;
  /** The best proof available now; undefined while there is none (plain letters never have one). */
  proof(providerId: string): Promise<LetterProof | undefined>;
}
