import { Kysely, MssqlDialect } from 'kysely';
import * as Tedious from 'tedious';
import type { Sage100Connection } from './config.schema';
import { fixtureDialect } from './fixture-dialect';
import type { SageEngine } from './queries';
import type { Sage100Database } from './schema/layout';

/**
 * The database a connection reads: its Kysely instance, the engine (which decides only how a row
 * limit is written: queries.ts), what to call it in messages, and the login.
 */
export interface SageDatabase {
  db: Kysely<Sage100Database>;
  engine: SageEngine;
  /** `host/database` or `fixture <file>`: names the database in messages, never a secret. */
  target: string;
  user?: string;
  close(): Promise<void>;
}

export function openSage100Database(config: Sage100Connection): SageDatabase {
  if (config.fixture !== undefined) {
    const db = new Kysely<Sage100Database>({ dialect: fixtureDialect(config.fixture) });
    return { db, engine: 'sqlite', target: `fixture ${config.fixture}`, close: () => db.destroy() };
  }
  const dialect = new MssqlDialect({
    // One connection: a sync reads one page at a time (plus the next one, prefetched), and a
    // daemon beside the ERP should hold as little of the customer's SQL Server as it can.
    tarn: { Pool: OneConnectionPool as unknown as MssqlPool, options: { min: 0, max: 1 } },
    tedious: {
      ...Tedious,
      connectionFactory: () =>
        new Tedious.Connection({
          server: config.host!,
          authentication: { type: 'default', options: { userName: config.user!, password: config.password! } },
          options: {
            database: config.database!,
            ...(config.instanceName === undefined ? { port: config.port } : { instanceName: config.instanceName }),
            encrypt: config.encrypt,
            trustServerCertificate: config.trustServerCertificate,
            connectTimeout: config.connectTimeoutMs,
            requestTimeout: config.requestTimeoutMs,
            // Datetimes are read as the wall-clock value stored (values.ts, sageDateTime). UNVERIFIED on a real server.
            useUTC: true,
            // Reads go to a readable secondary where an availability group has one.
            readOnlyIntent: true,
            appName: 'recouvra',
            // Retries belong to the job queue (connector/ports/adapter-error.ts), not to the driver.
            maxRetriesOnTransientErrors: 0,
          },
        }),
    },
  });
  const db = new Kysely<Sage100Database>({ dialect }).withSchema(config.schema);
  return {
    db,
    engine: 'mssql',
    target: `${config.host}${config.instanceName ? `\\${config.instanceName}` : `:${config.port}`}/${config.database}`,
    ...(config.user === undefined ? {} : { user: config.user }),
    close: () => db.destroy(),
  };
}

type MssqlPool = ConstructorParameters<typeof MssqlDialect>[0]['tarn']['Pool'];

interface PoolOptions<R> {
  create(): Promise<R>;
  destroy(resource: R): Promise<unknown>;
  validate?(resource: R): boolean | Promise<boolean>;
}

/**
 * The pool Kysely's MssqlDialect asks for (tarn's interface: acquire().promise, release,
 * destroy), for one connection: tarn itself is not a dependency of the project. Callers wait in
 * turn; a connection that fails validation (a dropped socket) is destroyed and made again.
 */
class OneConnectionPool<R> {
  private resource: R | undefined;
  private busy = false;
  private readonly waiting: { resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];

  constructor(private readonly options: PoolOptions<R>) {}

  acquire(): { promise: Promise<R> } {
    const promise = new Promise<R>((resolve, reject) => this.waiting.push({ resolve, reject }));
    void this.next();
    return { promise };
  }

  release(resource: R): void {
    if (resource === this.resource) this.busy = false;
    void this.next();
  }

  async destroy(): Promise<void> {
    for (const w of this.waiting.splice(0)) w.reject(new Error('the Sage 100 connection is closed'));
    const r = this.resource;
    this.resource = undefined;
    if (r !== undefined) await this.options.destroy(r);
  }

  private async next(): Promise<void> {
    if (this.busy || this.waiting.length === 0) return;
    this.busy = true;
    const waiter = this.waiting.shift()!;
    try {
      if (this.resource !== undefined && !(await (this.options.validate?.(this.resource) ?? true))) {
        const stale = this.resource;
        this.resource = undefined;
        await this.options.destroy(stale).catch(() => undefined);
      }
      this.resource ??= await this.options.create();
      waiter.resolve(this.resource);
    } catch (e) {
      this.busy = false;
      waiter.reject(e);
      void this.next();
    }
  }
}
