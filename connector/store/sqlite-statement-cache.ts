import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/** How many prepared statements a connection keeps; the least recently used one goes first. */
export const STATEMENT_CACHE_SIZE = 100;

/**
 * The connection as Kysely's SQLite driver sees it, with its prepared statements kept and reused.
 *
 * Kysely's driver prepares every statement it runs. A sync page's upsert of 500 receivables is
 * one statement with about 11,000 parameters, and SQLite takes about 5 ms to compile it, page
 * after page, for the same text. Kept, it is compiled once per connection. A statement that is
 * still being iterated (a stream's) is not handed out again: a second one is prepared beside it.
 * SQLite recompiles a kept statement by itself when the schema changes.
 */
export class StatementCache implements SqliteDatabase {
  readonly #database: BetterSqlite3.Database;
  readonly #statements = new Map<string, BetterSqlite3.Statement>();
  readonly #size: number;

  constructor(database: BetterSqlite3.Database, size = STATEMENT_CACHE_SIZE) {
    this.#database = database;
    this.#size = size;
  }

  prepare(sql: string): BetterSqlite3.Statement {
    const kept = this.#statements.get(sql);
    if (kept !== undefined && !kept.busy) {
      // Map keeps insertion order: moved to the end, it is now the most recently used.
      this.#statements.delete(sql);
      this.#statements.set(sql, kept);
      return kept;
    }
    const statement = this.#database.prepare(sql);
    if (kept === undefined) {
      this.#statements.set(sql, statement);
      if (this.#statements.size > this.#size) {
        const oldest = this.#statements.keys().next().value as string;
        this.#statements.delete(oldest);
      }
    }
    return statement;
  }

  /** How many statements are kept (for tests). */
  get size(): number {
    return this.#statements.size;
  }

  close(): void {
    this.#statements.clear();
    this.#database.close();
  }
}
