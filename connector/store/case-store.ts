import type { Action } from '../model/action.schema';
import type { Case } from '../model/case.schema';
import type { Debtor } from '../model/debtor.schema';
import type { CaseJournalEntry } from '../model/journal.schema';
import type { Receivable } from '../model/receivable.schema';
import type { NewDocument } from './delivery-store';
import type { ReceivableAnnotations } from './sync-store';

/**
 * A change to one case made by a person (approval, rejection, pause, an item disputed…): the
 * case's new state, the outbox rows and item annotations it brings, and its journal lines.
 */
export interface CaseChangeInput {
  /** The case as the caller read it: the change is applied only if the stored case still equals it. */
  expected?: Case;
  /** The case as it must be after the change. */
  caseAfter: Case;
  /** Outbox rows of this case. */
  actions?: Action[];
  /** Items of this case whose annotations change. */
  annotations?: { receivableId: string; set: ReceivableAnnotations }[];
  /** Lines of this case's journal. */
  journal: Omit<CaseJournalEntry, 'seq'>[];
  /** Documents of this case the change brings (a receipt the controller enters); an id already stored keeps what it holds. */
  documents?: NewDocument[];
}

export interface CaseFilter {
  stage?: Case['stage'];
  debtorId?: string;
  limit?: number;
  /** Keyset paging: ids strictly greater than this one. */
  afterId?: string;
}

/** The data the policy engine needs for one case, as the store streams it. */
export interface CaseSnapshot {
  case: Case;
  debtor: Debtor;
  /** Invoices and credit notes of the case with an open amount > 0, ordered by due date then id. */
  items: Receivable[];
}

/** Cases and their journal, which is only ever appended to. */
/** A guarded move of several cases at once: only those whose stage is one of `from` change. */
export interface MoveCasesInput {
  ids: readonly string[];
  from: readonly Case['stage'][];
  set: Pick<Case, 'stage'> & Partial<Pick<Case, 'lastStep' | 'pendingApproval'>>;
  at: string;
}

export interface CaseStore {
  getCase(id: string): Promise<Case | undefined>;

  listCases(filter?: CaseFilter): Promise<Case[]>;

  saveCase(c: Case): Promise<void>;

  /**
   * Writes the case's new state, its outbox rows, its items' annotations and its journal lines
   * in one transaction. Returns `false`, writing nothing, when the case does not exist or, with
   * `expected`, when it no longer equals it (someone else changed it first). An annotation of a
   * receivable that is not an item of the case, or a row or document of another case, is a StoreError.
   */
  applyCaseChange(input: CaseChangeInput): Promise<boolean>;

  /** Appends to the case journal and returns the entry with its `seq`. The journal is never updated or deleted. */
  appendJournal(entry: Omit<CaseJournalEntry, 'seq'>): Promise<CaseJournalEntry>;

  /** In seq order, after `afterSeq` when given, at most `limit` entries when given. */
  readJournal(caseId: string, afterSeq?: number, limit?: number): Promise<CaseJournalEntry[]>;

  /** Streams every case with its debtor and open items, ordered by case id, without loading all in memory. */
  streamCaseSnapshots(options?: { batchSize?: number }): AsyncIterable<CaseSnapshot>;

  /** Inserts the cases whose id is not stored yet; a stored case keeps its stage and history. */
  insertMissingCases(cases: readonly Case[]): Promise<void>;

  /** Moves the cases `input` names whose stage is still one of `from`; returns the ids moved. */
  moveCases(input: MoveCasesInput): Promise<string[]>;

  /** Appends several entries, numbered per case, in one unit of work; returns them with their `seq`. */
  appendJournalEntries(entries: readonly Omit<CaseJournalEntry, 'seq'>[]): Promise<CaseJournalEntry[]>;
}
