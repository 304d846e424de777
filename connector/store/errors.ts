/** Driver errors become StoreErrors that name the table and the record, never the whole row. */
/** A store failure, naming the table and, where it is known, the record. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  readonly table: string | undefined;
  readonly recordId: string | undefined;

  constructor(message: string, details: { table?: string; recordId?: string; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.table = details.table;
    this.recordId = details.recordId;
  }
}

export async function attempt<T>(
  verb: 'read' | 'write',
  table: string,
  ids: string | readonly string[] | undefined,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw wrapError(verb, table, ids, error);
  }
}

/** PostgreSQL error codes whose `detail` names only key columns, never the rest of the row. */
export const KEY_ONLY_DETAIL_CODES = new Set(['23505', '23503']);

export function wrapError(
  verb: 'read' | 'write',
  table: string,
  ids: string | readonly string[] | undefined,
  error: unknown,
): StoreError {
  if (error instanceof StoreError) return error;
  const recordId = typeof ids === 'string' ? ids : undefined;
  let which = '';
  if (typeof ids === 'string') which = ` "${ids}"`;
  else if (ids !== undefined && ids.length > 0)
    which = ` (one of ${ids.length}: "${ids[0]}" … "${ids[ids.length - 1]}")`;
  let message = `cannot ${verb} ${table}${which}: ${messageOf(error)}`;
  // A CHECK violation's detail on PostgreSQL prints the whole failing row (names, addresses):
  // it stays in `cause` and out of the message, which may reach a log.
  const pg = error as { code?: unknown; detail?: unknown };
  if (typeof pg.code === 'string' && KEY_ONLY_DETAIL_CODES.has(pg.code) && typeof pg.detail === 'string')
    message += ` (${pg.detail})`;
  return new StoreError(message, { table, ...(recordId === undefined ? {} : { recordId }), cause: error });
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Connection-level failures: the server is down, restarting or cut off — the same write may succeed in a moment. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);
const UNAVAILABLE_TEXT =
  /Connection terminated|connect ECONNREFUSED|terminating connection|the database system is (?:starting up|shutting down|in recovery mode)|Client has encountered a connection error|timeout exceeded when trying to connect/i;

/**
 * True when a store call failed because the database could not be reached (PostgreSQL stopped or
 * restarting), not because of what was asked: the caller may wait and try the same call again.
 */
export function isStoreUnavailable(error: unknown): boolean {
  for (
    let e: unknown = error, depth = 0;
    e !== undefined && e !== null && depth < 5;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string' && UNAVAILABLE_TEXT.test(message)) return true;
  }
  return false;
}
