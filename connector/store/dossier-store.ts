import type { Action } from '../model/action.schema';
import type { Case } from '../model/case.schema';
import type { CaseJournalEntry } from '../model/journal.schema';
import type { ProcedureState } from '../model/procedure-event.schema';
import type { NewDocument } from './delivery-store';

/** A dossier handed to a law firm, and where its procedure stands. */
export interface StoredDossier {
  id: string;
  caseId: string;
  /** The outbox row that submitted it. */
  actionId: string | null;
  /** The partner's id in the configuration. */
  partner: string;
  /** The firm's reference for the file, once it has one. */
  fileId: string | null;
  /**
   * `prepared`: stored, being sent, the firm's answer not known yet (a submission in doubt after a
   * crash or a lost answer: the next attempt sends the same bytes). The others follow the firm.
   */
  status: 'prepared' | 'submitted' | 'accepted' | 'rejected' | 'withdrawn' | 'closed';
  /** The state of the latest event by occurrence (`submitted` before any). */
  state: ProcedureState;
  stateAt: string;
  /** Events applied so far. */
  events: number;
  /** The dossier as sent. */
  content: Record<string, unknown>;
  /** SHA-256 of the JSON sent (absent on dossiers recorded before it was kept). */
  contentSha256?: string;
  /** Its documents as sent, each held by a stored document (absent on dossiers recorded before). */
  parts?: DossierPart[];
  /** When it was first stored (prepared), then when the firm received it. */
  submittedAt: string;
  updatedAt: string;
}

/** A document of a dossier as sent: its bytes are the stored document `documentId`. */
export interface DossierPart {
  name: string;
  kind: string;
  mediaType: string;
  sha256: string;
  documentId: string;
}

/** A dossier stored before it is first sent, with the documents it carries that the store does not hold yet. */
export interface PrepareDossierInput {
  dossier: StoredDossier & { status: 'prepared'; contentSha256: string; parts: DossierPart[] };
  documents: NewDocument[];
  journal: Omit<CaseJournalEntry, 'seq'>[];
}

/** The firm's answer to a submission (or an event naming the file first): the file id, once. */
export interface RecordSubmissionInput {
  id: string;
  fileId: string;
  at: string;
  /** Written only when this call sets the file id. */
  journal: Omit<CaseJournalEntry, 'seq'>[];
}

export interface StoredProcedureEvent {
  /** `<partner>:<the firm's event id>`. */
  id: string;
  dossierId: string;
  caseId: string;
  /** Order of application within the dossier, from 1. */
  seq: number;
  state: ProcedureState;
  sourceState: string;
  occurredAt: string;
  receivedAt: string;
  data: Record<string, unknown>;
}

/** One procedure event with everything it changes, applied at once and only once. */
export interface ApplyProcedureEventInput {
  event: Omit<StoredProcedureEvent, 'seq'>;
  /** The dossier's status after the event, when it changes (accepted, rejected, withdrawn, closed). */
  status?: StoredDossier['status'];
  /** The case's stage after the event, when it changes. */
  caseStage?: Case['stage'];
  journal: Omit<CaseJournalEntry, 'seq'>[];
  /** Outbox rows the event brings (the note in the ledger, an activity for the controller). */
  actions: Action[];
  at: string;
}

/** Where a partner's dossiers stand, for the health screen (GET /lawfirm). */
export interface PartnerDossierCounts {
  /** The partner's dossiers by status; a status no dossier has is absent. */
  byStatus: Partial<Record<StoredDossier['status'], number>>;
  /** When the last event applied to one of its dossiers was received (ISO 8601), by either path; null before any. */
  lastEventAt: string | null;
  /**
   * Outbox rows of kind `dossier` (submissions, payment reports, withdrawals), of whatever partner:
   * `pending` not performed yet (in progress included), `failed` given up after their retry budget.
   */
  outbox: { pending: number; failed: number };
}

/** Dossiers handed to law firms and the procedure events the firms send back. */
export interface DossierStore {
  /** Records a dossier handed to a firm with its journal lines; false, writing nothing, when its id is already recorded. */
  recordDossier(dossier: StoredDossier, journal: Omit<CaseJournalEntry, 'seq'>[]): Promise<boolean>;

  /**
   * Stores a dossier before its first sending, with its documents, once: when its id is already
   * stored nothing is written and the stored one is returned (a retry sends what was stored).
   */
  prepareDossier(input: PrepareDossierInput): Promise<{ dossier: StoredDossier; created: boolean }>;

  /**
   * Sets a dossier's file id, and moves a `prepared` one to `submitted`; false when the file id
   * was already set (the journal is then not written). An event may have moved the status on first.
   */
  recordSubmission(input: RecordSubmissionInput): Promise<boolean>;

  /** A prepared dossier the firm refused for good (no file opened): `rejected`, so it no longer counts as open. */
  refusePreparedDossier(input: { id: string; at: string; journal: Omit<CaseJournalEntry, 'seq'>[] }): Promise<boolean>;

  getDossier(id: string): Promise<StoredDossier | undefined>;

  /** The dossier an outbox row stored (its `actionId`), on an index; undefined when it stored none. */
  findDossierOfAction(actionId: string): Promise<StoredDossier | undefined>;

  findDossierByFile(partner: string, fileId: string): Promise<StoredDossier | undefined>;

  listDossiers(filter?: { caseId?: string; open?: boolean }): Promise<StoredDossier[]>;

  /** Counts, not rows: the partner's dossiers by status, its last event, and the outbox's dossier rows. */
  countPartnerDossiers(partner: string): Promise<PartnerDossierCounts>;

  /**
   * Applies one procedure event: stores it with the next seq of its dossier, moves the dossier's
   * state when the event is the latest by occurrence, sets its status and the case's stage when
   * given, appends the journal lines and inserts the outbox rows — atomically. Returns the stored
   * event, or undefined, writing nothing, when an event with that id was already applied.
   */
  applyProcedureEvent(input: ApplyProcedureEventInput): Promise<StoredProcedureEvent | undefined>;

  listProcedureEvents(dossierId: string): Promise<StoredProcedureEvent[]>;

  /** The procedure event with this id (`<partner>:<event id>`, the one an outbox row's subject names). */
  getProcedureEvent(id: string): Promise<StoredProcedureEvent | undefined>;
}
