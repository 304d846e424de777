import { AdapterError } from '../../connector/ports/adapter-error';

/**
 * What a failed query to the Sage 100 database means, as an AdapterError. tedious (the SQL Server
 * driver) fails with a ConnectionError (a `code`: ELOGIN, ESOCKET, ETIMEOUT…) or a RequestError
 * carrying the server's error `number`; the fixture's SQLite fails with a `code` SQLITE_*. The
 * errors are recognised by those fields, not by class, so that this module needs neither driver.
 * Messages name the connection, the server and the login, never the password.
 */

export interface ErrorContext {
  connection: string;
  /** `host/database` or `fixture <file>`. */
  target: string;
  /** The SQL login, when there is one. */
  user?: string;
  /** What was being done: "reading the open items". */
  doing: string;
}

/**
 * SQL Server error numbers (https://learn.microsoft.com/en-us/sql/relational-databases/errors-events/database-engine-events-and-errors).
 * 40501 is Azure SQL's throttling ("The service is currently busy. Retry the request after 10
 * seconds", https://learn.microsoft.com/en-us/azure/azure-sql/database/troubleshoot-common-errors-issues):
 * only a Sage 100 hosted on Azure SQL (Sage Partner Cloud, sage.md §4.1) can meet it, UNVERIFIED there.
 */
const SQL = {
  invalidObject: 208,
  invalidColumn: 207,
  permissionDenied: 229,
  deadlockVictim: 1205,
  lockTimeout: 1222,
  serviceBusy: 40501,
  databaseUnavailable: 40613,
  serviceError: 40197,
} as const;

/** Transport failures: the server could not be reached or the connection dropped. */
const UNREACHABLE_CODES = new Set(['ESOCKET', 'ETIMEOUT', 'ECLOSE', 'ECONNCLOSED', 'EINSTLOOKUP', 'ECANCEL']);

/** Azure's throttling message says when to come back; without it, ten seconds (the text's usual value). */
const RETRY_AFTER = /retry the request after (\d+) seconds/i;
const DEFAULT_THROTTLE_MS = 10_000;

interface DriverError {
  code?: unknown;
  number?: unknown;
  isTransient?: unknown;
  message?: unknown;
}

export function classifySageError(e: unknown, ctx: ErrorContext): AdapterError {
  if (e instanceof AdapterError) return e;
  const err: DriverError = typeof e === 'object' && e !== null ? e : {};
  const code = typeof err.code === 'string' ? err.code : undefined;
  const number = typeof err.number === 'number' ? err.number : undefined;
  const message = typeof err.message === 'string' ? err.message : String(e);
  const detail =
    `${ctx.doing} on ${ctx.target}: ${code ?? ''}${number === undefined ? '' : ` #${number}`} ${message}`.trim();
  const make = (init: Omit<ConstructorParameters<typeof AdapterError>[0], 'detail' | 'cause'>) =>
    new AdapterError({ ...init, detail, cause: e });
  const where = `connection ${ctx.connection} (${ctx.target})`;

  if (code === 'ELOGIN') {
    if (err.isTransient === true)
      return make({
        code: 'SAGE100_UNREACHABLE',
        kind: 'transient',
        userMessage: `${where}: SQL Server cannot take the login now (${message}); the sync is retried`,
      });
    if (/cannot open database/i.test(message))
      return make({
        code: 'SAGE100_DATABASE_REFUSED',
        kind: 'config',
        userMessage: `${where}: the login ${ctx.user ?? ''} cannot open the database: check \`database\` (the company's database name) and that the login is a user of it`,
      });
    return make({
      code: 'SAGE100_LOGIN_FAILED',
      kind: 'config',
      userMessage: `${where}: SQL Server refused the login ${ctx.user ?? ''}: check \`user\` and \`password\` (its environment variable), and that the server accepts SQL Server authentication`,
    });
  }
  if (number === SQL.serviceBusy) {
    const seconds = RETRY_AFTER.exec(message);
    return make({
      code: 'SAGE100_THROTTLED',
      kind: 'rate_limit',
      retryAfterMs: seconds ? Number(seconds[1]) * 1000 : DEFAULT_THROTTLE_MS,
      userMessage: `${where}: the database server is busy and asked to come back later`,
    });
  }
  if (
    (code !== undefined && UNREACHABLE_CODES.has(code)) ||
    number === SQL.deadlockVictim ||
    number === SQL.lockTimeout ||
    number === SQL.databaseUnavailable ||
    number === SQL.serviceError
  )
    return make({
      code: 'SAGE100_UNREACHABLE',
      kind: 'transient',
      userMessage: `${where}: the database did not answer ${ctx.doing} (${message}); the sync is retried. If it lasts: is SQL Server running there, with TCP/IP enabled (SQL Server Configuration Manager) and the port open in the firewall?`,
    });
  if (number === SQL.permissionDenied)
    return make({
      code: 'SAGE100_PERMISSION_DENIED',
      kind: 'config',
      userMessage: `${where}: the login ${ctx.user ?? ''} may not read a table it needs (${message}): grant it SELECT (run \`recouvra connections check\` for the list)`,
    });
  if (number === SQL.invalidObject)
    return make({
      code: 'SAGE100_TABLE_MISSING',
      kind: 'config',
      userMessage: `${where}: a Sage 100 table is missing (${message}): check \`database\` and \`schema\` (default dbo)`,
    });
  if (number === SQL.invalidColumn)
    return make({
      code: 'SAGE100_UNEXPECTED_LAYOUT',
      kind: 'system',
      userMessage: `${where}: the database lacks a column the Sage 100 read model reads (${message}): this Sage version's layout is not supported yet; report it with the log`,
    });
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED')
    return make({
      code: 'SAGE100_UNREACHABLE',
      kind: 'transient',
      userMessage: `${where}: the fixture file is locked by another writer; the sync is retried`,
    });
  if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_NOTADB')
    return make({
      code: 'SAGE100_FIXTURE_UNREADABLE',
      kind: 'config',
      userMessage: `${where}: the fixture file cannot be opened as a database: write one with \`recouvra simulate sage-100-fr --file <path>\``,
    });
  return make({
    code: 'SAGE100_QUERY_FAILED',
    kind: 'system',
    userMessage: `${where}: the database refused ${ctx.doing} (${message}); report it with the log`,
  });
}

/** True for a missing table: F_DOCENTETE is absent when Gestion commerciale is not installed [INFERRED]. */
export function isMissingTable(e: unknown): boolean {
  const err: DriverError = typeof e === 'object' && e !== null ? e : {};
  if (err.number === SQL.invalidObject) return true;
  return err.code === 'SQLITE_ERROR' && typeof err.message === 'string' && /no such table/i.test(err.message);
}
