/**
 * The metered calls made to each ERP connection, added up per calendar month (`YYYY-MM`), so that
 * what is left of a provider's monthly allowance (QuickBooks Online: erp-apis.md §2.9) is known
 * after a restart and across workers. Writers add what they counted since their last write, in
 * batches (connector/app/erp-read-meter.ts): never one write per call.
 */
export interface ErpCallTally {
  connection: string;
  /** The calendar month the calls were made in, `YYYY-MM`. */
  period: string;
  /** Metered read calls to add (queries, change feeds, reads by id, documents). */
  reads: number;
}

export interface ErpCallStore {
  /** Adds each tally to its connection's and month's total, atomically; tallies of 0 write nothing. */
  addCalls(tallies: readonly ErpCallTally[], at: string): Promise<void>;

  /** The reads of every connection that made some in `period` (`YYYY-MM`). */
  readsIn(period: string): Promise<Map<string, number>>;
}
