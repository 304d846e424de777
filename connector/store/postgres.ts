import { Kysely, PostgresDialect } from 'kysely';
import { Pool, types, type CustomTypesConfig } from 'pg';
import { KyselyStore } from './kysely-store';
import { StoreError } from './errors';
import type { Database } from './schema';
import type { Store } from './store';

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database`; the password never appears in an error. */
  url: string;
  /**
   * Schema holding the store's tables, created if missing and used through search_path
   * (default: the server's search_path, normally `public`). Lower-case letters, digits and `_`.
   */
  schema?: string;
  /** Connections in the pool (default 10). */
  poolSize?: number;
}

const DEFAULT_POOL_SIZE = 10;
/** How long to wait for a connection from the server or the pool before failing (ms). */
const CONNECT_TIMEOUT_MS = 10_000;
/** An unquoted PostgreSQL identifier, which can go into search_path without escaping. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
/** SQLSTATEs of a concurrent `create schema if not exists` that lost the race. */
const SCHEMA_ALREADY_CREATED = new Set(['23505', '42P06']);

/**
 * Opens the PostgreSQL store. Call `migrate()` before use.
 *
 * Streams read in keyset pages: pg-cursor is not a dependency, and pages leave no connection
 * held while the consumer works on a snapshot.
 */
export async function openPostgresStore(opts: PostgresStoreOptions): Promise<Store> {
  const { schema } = opts;
  const where = describeUrl(opts.url);
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new StoreError(
      `PostgreSQL schema "${schema}" is not a plain identifier (lower-case letters, digits and _, at most 63, not starting with a digit)`,
    );
  }
  const poolSize = opts.poolSize ?? DEFAULT_POOL_SIZE;
  if (!Number.isSafeInteger(poolSize) || poolSize < 1)
    throw new StoreError(`PostgreSQL poolSize must be a positive integer, got ${poolSize}`);

  const pool = new Pool({
    connectionString: opts.url,
    max: poolSize,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    types: int8AsNumber,
    // Set at connection start-up, so every pooled connection sees the schema without an
    // extra round trip and no query can run before it is set.
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  // A pooled idle connection that the server drops emits 'error' on the pool, which would
  // crash the process if nobody listened; the pool discards that connection, and the next
  // query opens a new one or reports the failure to its caller.
  pool.on('error', () => undefined);
  // A connection checked out of the pool (a transaction between two statements) that the server
  // drops — PostgreSQL restarting, a failover — emits 'error' on its client, where the pool does
  // not listen: unheard, it would end the daemon. The next statement on it fails with its own error,
  // which reaches the caller (its transaction is rolled back), and the pool does not reuse it.
  pool.on('connect', (client) => client.on('error', () => undefined));

  try {
    const client = await pool.connect();
    try {
      if (schema !== undefined) await client.query(`create schema if not exists ${schema}`);
    } catch (error) {
      if (!SCHEMA_ALREADY_CREATED.has(String((error as { code?: unknown }).code))) throw error;
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new StoreError(
      `cannot open the PostgreSQL store at ${where}${schema === undefined ? '' : ` (schema ${schema})`}: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }

  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return new KyselyStore(db, {
    driver: 'postgres',
    location: postgresLocation(opts),
    ...(schema === undefined ? {} : { schema }),
  });
}

/** How messages name the PostgreSQL store: host, port, database and schema, never the password. */
export function postgresLocation(opts: Pick<PostgresStoreOptions, 'url' | 'schema'>): string {
  return `the PostgreSQL store ${describeUrl(opts.url)}${opts.schema === undefined ? '' : ` (schema ${opts.schema})`}`;
}

/**
 * Money and counts come back as int8, which pg returns as strings to stay exact. The store's
 * amounts are safe integers by construction (the model refuses others), so they are read as
 * numbers, and a value that is not safe fails loudly instead of being rounded. Scoped to this
 * pool: the process-wide parsers of pg stay as they are for any other user of the library.
 */
const int8AsNumber: CustomTypesConfig = {
  getTypeParser: (oid, format) => {
    if (oid === types.builtins.INT8 && format !== 'binary') return parseSafeInt8;
    return types.getTypeParser(oid, format) as unknown;
  },
};

function parseSafeInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value))
    throw new RangeError(`int8 value ${text} is beyond ±2^53 and cannot be read as an exact number`);
  return value;
}

/** host:port/database, for messages: never the user's password. */
function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return '(a connection URL that does not parse)';
  }
}
