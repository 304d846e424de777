import { sql } from 'kysely';
import { AdapterError } from '../../connector/ports/adapter-error';
import type {
  AdapterDefinition,
  AdapterDeps,
  CheckResult,
  ErpAdapter,
  ReadPosition,
  StreamName,
} from '../../connector/ports/erp';
import { SAGE_100_WRITE_BACK, Sage100ConnectionSchema, type Sage100Connection } from './config.schema';
import { openSage100Database, type SageDatabase } from './database';
import { isMissingTable } from './errors';
import { permissionsCheck, readPermissions } from './queries';
import { Sage100Reader } from './reader';

/**
 * The Sage 100 France adapter, read only (shared/reference/sage.md §4): customers and their
 * contacts, and the open customer items of the accounting lines, enriched from Gestion
 * commerciale's documents when present (reader.ts), from the company's SQL Server database
 * through a read-only login — or, for the demo and the tests, from a fixture file. It writes
 * nothing: writing to Sage's tables bypasses Sage's own checks and sessions (§4.4), so
 * `writeBackKinds` is empty and the core records no ledger row for it.
 */

export interface Sage100AdapterOptions {
  /** The database to read instead of the one the configuration names (tests inject faults so). */
  open?: (config: Sage100Connection) => SageDatabase;
}

export function createSage100Adapter(
  config: Sage100Connection,
  _deps: AdapterDeps,
  options: Sage100AdapterOptions = {},
): ErpAdapter {
  const database = (options.open ?? openSage100Database)(config);
  const reader = new Sage100Reader(database, config);
  return {
    writeBackKinds: SAGE_100_WRITE_BACK,
    check: () => check(reader, database, config),
    // Customers first: a page of items then names debtors already saved.
    streams: (): StreamName[] => ['debtors', 'receivables'],
    read: (stream: StreamName, position: ReadPosition) => reader.read(stream, position),
    listOpenReceivableIds: (onProgress) => reader.openReceivableIds(onProgress),
    readByIds: (ids) => reader.receivablesByIds(ids),
    writeBack: () =>
      Promise.reject(
        new AdapterError({
          code: 'SAGE100_READ_ONLY',
          kind: 'config',
          userMessage: `connection ${config.id}: Sage 100 is read only for Recouvra: nothing is written into its ledger`,
        }),
      ),
    close: () => database.close(),
  };
}

/**
 * The database answers, with the login's own rights read, never tried: on SQL Server,
 * HAS_PERMS_BY_NAME for SELECT (needed) and INSERT/UPDATE/DELETE/ALTER (refused) on each table
 * read (queries.ts, permissionsCheck). A login that may write is a problem even though the
 * adapter writes nothing: Sage 100 is read only for the connector, and a read-only login proves it.
 */
async function check(reader: Sage100Reader, database: SageDatabase, config: Sage100Connection): Promise<CheckResult> {
  const { db, engine } = database;
  let version: string;
  try {
    version = await reader.run('reading the server version', async () => {
      const query =
        engine === 'mssql'
          ? sql<{ v: string }>`select @@VERSION as v`
          : engine === 'sqlite'
            ? sql<{ v: string }>`select sqlite_version() as v`
            : sql<{ v: string }>`select version() as v`;
      return (await query.execute(db)).rows[0]?.v ?? '';
    });
  } catch (e) {
    if (!(e instanceof AdapterError)) throw e;
    return { ok: false, capabilities: {}, problems: [`${e.code}: ${e.userMessage}`] };
  }
  const problems: string[] = [];
  const capabilities: Record<string, boolean> = { fixture: engine !== 'mssql' };
  if (engine === 'mssql') {
    const row = await reader.run('reading the login’s permissions', () =>
      permissionsCheck(db, config.schema).executeTakeFirstOrThrow(),
    );
    const report = readPermissions(row);
    const login = `the login ${config.user ?? ''}`;
    for (const table of report.missingReads)
      problems.push(
        `${login} cannot read ${config.schema}.${table}: grant it (GRANT SELECT ON ${config.schema}.${table} TO [${config.user ?? ''}])`,
      );
    for (const w of report.writeRights)
      problems.push(
        `${login} ${w.answer === 1 ? 'holds' : 'may hold (the server did not say)'} ${w.permission} on ${config.schema}.${w.table}: Sage 100 is read only for Recouvra; use a login with SELECT only (db_datareader, or GRANT SELECT on the tables read)`,
      );
    capabilities['readOnlyLogin'] = report.writeRights.length === 0;
  } else {
    // The fixture file is opened read-only by the driver (fixture-dialect.ts): there is no login to check.
    capabilities['readOnlyLogin'] = true;
  }
  // Gestion commerciale is optional (§4.2): without it, F_DOCENTETE is missing or empty [INFERRED].
  try {
    await reader.run('looking for Gestion commerciale (F_DOCENTETE)', () =>
      db
        .selectFrom('F_DOCENTETE')
        .select('DO_Piece')
        .$call((q) => (engine === 'mssql' ? q.top(1) : q.limit(1)))
        .execute(),
    );
    capabilities['commercialDocuments'] = true;
  } catch (e) {
    if (!(e instanceof AdapterError && isMissingTable(e.cause))) throw e;
    capabilities['commercialDocuments'] = false;
  }
  const firstLine = version.split('\n')[0]!.trim();
  return {
    ok: problems.length === 0,
    serverVersion:
      engine === 'mssql'
        ? `Sage 100 France on ${firstLine} (${database.target})`
        : `Sage 100 France FIXTURE on ${engine === 'sqlite' ? 'SQLite' : 'PostgreSQL'} ${firstLine} (${database.target}), not a real Sage 100`,
    capabilities,
    problems,
  };
}

export const sage100Adapter: AdapterDefinition<Sage100Connection> = {
  type: 'sage-100-fr',
  displayName: 'Sage 100 France (read only)',
  configSchema: Sage100ConnectionSchema,
  writeBackKinds: () => SAGE_100_WRITE_BACK,
  create: (config, deps) => createSage100Adapter(config, deps),
};
