import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely, SqliteDialect, sql, type DatabaseConnection, type Dialect, type Driver } from 'kysely';
import { ConnectionError, RequestError } from 'tedious';
import { Sage100ConnectionSchema, type Sage100Connection } from '../../../adapters/sage-100-fr/config.schema';
import type { SageDatabase } from '../../../adapters/sage-100-fr/database';
import { createSage100Adapter } from '../../../adapters/sage-100-fr/index';
import { createSage100Fixture, loadSage100Seed } from '../../../adapters/sage-100-fr/schema/fixture';
import type { Sage100Database } from '../../../adapters/sage-100-fr/schema/layout';
import { generateSage100Seed, type Sage100Seed } from '../../../adapters/sage-100-fr/schema/seed';
import { SAGE_NO_DATE } from '../../../adapters/sage-100-fr/values';
import type { ErpAdapter } from '../../../connector/ports/erp';
import { sqliteDriver } from '../../../connector/store/sqlite-driver';
import { fixedClock } from '../../../connector/time/clock';
import { memoryLogger } from '../../helpers/logger';

/**
 * A Sage 100 fixture file that tests change as Sage would (lettering, reversals, deletions,
 * partial payments), read by adapters through a driver that can fail like SQL Server does: a
 * dropped connection (tedious ConnectionError ESOCKET), Azure SQL's throttling (RequestError
 * 40501, "Retry the request after N seconds"), a refused login (ConnectionError ELOGIN).
 */

/** When the generated data was last changed (the seed's `until`). */
export const SEED_UNTIL = '2026-03-31T18:00:00.000';

export interface FixtureSource {
  file: string;
  /** The writable fixture (the adapters open it read-only). */
  db: Kysely<Sage100Database>;
  config(overrides?: Partial<Sage100Connection>): Sage100Connection;
  adapter(options?: {
    pageSize?: number;
    badCredentials?: boolean;
    overrides?: Partial<Sage100Connection>;
  }): ErpAdapter;
  /** Sage's clock: the datetime text of now, and moving it on. */
  now(): string;
  advance(seconds: number): void;
  failNext(count: number, status: number, retryAfterSeconds?: number): void;
  /** EC_No of open invoice lines alone in their piece, not yet handed out. */
  take(n: number): Promise<OpenLine[]>;
  /** Letters an invoice line with a new credit line (a payment, or a reversal), at `at`. */
  letter(line: OpenLine, how: 'payment' | 'reversal', at?: string): Promise<void>;
  /** A one-cent partial payment on an invoice line, its settlement and document kept in step. */
  payCent(line: OpenLine, at: string): Promise<void>;
  /** Inserts a line; returns its EC_No. */
  insertLine(
    values: Partial<Sage100Seed['F_ECRITUREC'][number]> & { CT_Num: string; EC_Sens: number },
  ): Promise<number>;
  /** The EC_No of every open receivable, computed here from the rows (not by the adapter's code). */
  openLineNumbers(): Promise<number[]>;
  stop(): Promise<void>;
}

export interface OpenLine {
  EC_No: number;
  CT_Num: string;
  EC_RefPiece: string;
  EC_Montant: string;
}

export async function startFixtureSource(options: {
  connection: string;
  seed: number;
  customers: number;
}): Promise<FixtureSource> {
  const dir = mkdtempSync(join(tmpdir(), 'recouvra-sage100-'));
  const file = join(dir, 'sage100.sqlite');
  const Database = sqliteDriver();
  const db = new Kysely<Sage100Database>({ dialect: new SqliteDialect({ database: new Database(file) }) });
  await createSage100Fixture(db, 'sqlite');
  const seed = generateSage100Seed({ seed: options.seed, customers: options.customers, until: SEED_UNTIL });
  // The named case whose remaining amounts disagree is quarantined by design (its own tests): here
  // its settlement is put in step, so that the scenarios count only what they change.
  const disagreeing = seed.F_ECRITUREC.find((l) => l.EC_RefPiece === 'FA00002' && l.EC_Sens === 0)!;
  disagreeing.EC_MontantRegle = '400.000000';
  await loadSage100Seed(db, seed);

  let now = Date.parse(`${SEED_UNTIL}Z`) + 3_600_000;
  const nowText = () => new Date(now).toISOString().slice(0, 23);
  const faults: (() => Error)[] = [];
  const used = new Set<number>();
  let letters = 0;
  const { logger } = memoryLogger('error');

  const nextKeys = async (): Promise<{ ecNo: number; marq: number }> => {
    const r = await db
      .selectFrom('F_ECRITUREC')
      .select([sql<number>`max(EC_No)`.as('n'), sql<number>`max(cbMarq)`.as('m')])
      .executeTakeFirstOrThrow();
    return { ecNo: r.n + 1, marq: r.m + 1 };
  };

  const insertLine: FixtureSource['insertLine'] = async (values) => {
    const { ecNo, marq } = await nextKeys();
    const at = values.cbModification ?? nowText();
    await db
      .insertInto('F_ECRITUREC')
      .values({
        EC_No: ecNo,
        JO_Num: 'BQ',
        JM_Date: `${String(at).slice(0, 8)}01T00:00:00.000`,
        EC_Jour: Number(String(at).slice(8, 10)),
        EC_Date: `${String(at).slice(0, 10)}T00:00:00.000`,
        EC_Piece: values.EC_RefPiece ?? '',
        EC_RefPiece: '',
        CG_Num: '4110000',
        EC_Intitule: '',
        EC_Echeance: SAGE_NO_DATE,
        EC_Montant: '0.000000',
        EC_Lettre: 0,
        EC_Lettrage: '',
        EC_LettreQ: 0,
        EC_LettrageQ: '',
        EC_StatusRegle: 0,
        EC_MontantRegle: '0.000000',
        EC_DateRegle: SAGE_NO_DATE,
        EC_Rappel: 0,
        EC_DateRelance: SAGE_NO_DATE,
        EC_Reference: '',
        N_Reglement: 1,
        N_Devise: 0,
        EC_Devise: '0.000000',
        cbCreation: at,
        ...values,
        cbMarq: marq,
        cbModification: at,
      })
      .execute();
    return ecNo;
  };

  const openRows = () =>
    db
      .selectFrom('F_ECRITUREC')
      .innerJoin('F_COMPTET', 'F_COMPTET.CT_Num', 'F_ECRITUREC.CT_Num')
      .where('F_COMPTET.CT_Type', '=', 0)
      .where('F_ECRITUREC.EC_Lettrage', '=', '')
      .where('F_ECRITUREC.CG_Num', 'like', '411%')
      .select([
        'F_ECRITUREC.EC_No',
        'F_ECRITUREC.CT_Num',
        'F_ECRITUREC.EC_RefPiece',
        'F_ECRITUREC.EC_Sens',
        'F_ECRITUREC.EC_Montant',
        'F_ECRITUREC.EC_MontantRegle',
      ])
      .orderBy('F_ECRITUREC.cbMarq')
      .execute();

  const source: FixtureSource = {
    file,
    db,
    config: (overrides = {}) =>
      Sage100ConnectionSchema.parse({ id: options.connection, type: 'sage-100-fr', fixture: file, ...overrides }),
    adapter: ({ pageSize, badCredentials, overrides } = {}) =>
      createSage100Adapter(
        source.config({ ...(pageSize === undefined ? {} : { pageSize }), ...overrides }),
        { clock: fixedClock(new Date('2026-04-01T10:00:00Z')), logger },
        { open: (config) => faultyFixture(config, faults, badCredentials === true) },
      ),
    now: nowText,
    advance: (seconds) => {
      now += seconds * 1000;
    },
    failNext: (count, status, retryAfterSeconds) => {
      for (let i = 0; i < count; i++)
        faults.push(() => {
          if (status === 429) {
            const e = new RequestError(
              `The service is currently busy. Retry the request after ${retryAfterSeconds ?? 10} seconds. Incident ID: 0. Code: 40501.`,
              'EREQUEST',
            );
            e.number = 40501;
            return e;
          }
          return new ConnectionError('Connection lost - read ECONNRESET', 'ESOCKET');
        });
    },
    take: async (n) => {
      const rows = await openRows();
      const perPiece = new Map<string, number>();
      for (const r of rows)
        perPiece.set(`${r.CT_Num}|${r.EC_RefPiece}`, (perPiece.get(`${r.CT_Num}|${r.EC_RefPiece}`) ?? 0) + 1);
      const picked = rows
        .filter(
          (r) =>
            r.EC_Sens === 0 &&
            r.EC_RefPiece !== '' &&
            perPiece.get(`${r.CT_Num}|${r.EC_RefPiece}`) === 1 &&
            Number(r.EC_MontantRegle) === 0 &&
            !used.has(r.EC_No),
        )
        .slice(-n);
      for (const r of picked) used.add(r.EC_No);
      return picked.map((r) => ({
        EC_No: r.EC_No,
        CT_Num: r.CT_Num,
        EC_RefPiece: r.EC_RefPiece,
        EC_Montant: String(r.EC_Montant),
      }));
    },
    letter: async (line, how, at = nowText()) => {
      letters++;
      const code = `Z${String.fromCharCode(65 + (Math.floor(letters / 26) % 26))}${String.fromCharCode(65 + (letters % 26))}`;
      // Sage writes both lines in one saving of the entry; the fixture writes them one after the
      // other with the same stamp, which is what a reader can tell of it.
      await insertLine({
        CT_Num: line.CT_Num,
        EC_RefPiece: line.EC_RefPiece,
        JO_Num: how === 'payment' ? 'BQ' : 'VTE',
        EC_Intitule: how === 'payment' ? 'Règlement' : 'Extourne',
        EC_Sens: 1,
        EC_Montant: line.EC_Montant,
        EC_Lettre: 1,
        EC_Lettrage: code,
        cbModification: at,
      });
      await db
        .updateTable('F_ECRITUREC')
        .set({ EC_Lettre: 1, EC_Lettrage: code, cbModification: at })
        .where('EC_No', '=', line.EC_No)
        .execute();
      if (how === 'payment')
        await db
          .updateTable('F_DOCENTETE')
          .set({ DO_MontantRegle: sql`DO_TotalTTC`, cbModification: at })
          .where('DO_Piece', '=', line.EC_RefPiece)
          .execute();
    },
    payCent: async (line, at) => {
      await insertLine({
        CT_Num: line.CT_Num,
        EC_RefPiece: line.EC_RefPiece,
        EC_Intitule: 'Règlement partiel',
        EC_Sens: 1,
        EC_Montant: '0.010000',
        cbModification: at,
      });
      await db
        .updateTable('F_ECRITUREC')
        .set({ EC_MontantRegle: '0.010000', EC_StatusRegle: 1, cbModification: at })
        .where('EC_No', '=', line.EC_No)
        .execute();
      await db
        .updateTable('F_DOCENTETE')
        .set({ DO_MontantRegle: '0.010000', cbModification: at })
        .where('DO_Piece', '=', line.EC_RefPiece)
        .execute();
    },
    insertLine,
    openLineNumbers: async () => {
      const rows = await openRows();
      const withInvoice = new Set(rows.filter((r) => r.EC_Sens === 0).map((r) => `${r.CT_Num}|${r.EC_RefPiece}`));
      return rows
        .filter((r) => {
          const piece = r.EC_RefPiece === '' ? undefined : `${r.CT_Num}|${r.EC_RefPiece}`;
          if (r.EC_Sens === 1) return piece === undefined || !withInvoice.has(piece);
          return Number(r.EC_Montant) > Number(r.EC_MontantRegle);
        })
        .map((r) => r.EC_No);
    },
    stop: async () => {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return source;
}

/**
 * The fixture file opened read-only, behind a driver that throws the queued faults (one per
 * query) and, with `badCredentials`, refuses every connection as SQL Server refuses a login.
 */
function faultyFixture(config: Sage100Connection, faults: (() => Error)[], badCredentials: boolean): SageDatabase {
  const Database = sqliteDriver();
  const inner = new SqliteDialect({ database: async () => new Database(config.fixture, { readonly: true }) });
  const dialect: Dialect = {
    createAdapter: () => inner.createAdapter(),
    createIntrospector: (db) => inner.createIntrospector(db),
    createQueryCompiler: () => inner.createQueryCompiler(),
    createDriver: (): Driver => {
      const driver = inner.createDriver();
      return {
        init: () => driver.init(),
        acquireConnection: async (): Promise<DatabaseConnection> => {
          if (badCredentials) throw new ConnectionError("Login failed for user 'recouvra_ro'.", 'ELOGIN');
          const connection = await driver.acquireConnection();
          return {
            executeQuery: (query) => {
              const fault = faults.shift();
              return fault ? Promise.reject(fault()) : connection.executeQuery(query);
            },
            streamQuery: (query, chunkSize) => connection.streamQuery(query, chunkSize),
            // Kysely releases the connection it acquired: the wrapper hands back the inner one.
            [INNER]: connection,
          } as DatabaseConnection;
        },
        beginTransaction: (c, s) => driver.beginTransaction(inner_(c), s),
        commitTransaction: (c) => driver.commitTransaction(inner_(c)),
        rollbackTransaction: (c) => driver.rollbackTransaction(inner_(c)),
        releaseConnection: (c) => driver.releaseConnection(inner_(c)),
        destroy: () => driver.destroy(),
      };
    },
  };
  const db = new Kysely<Sage100Database>({ dialect });
  return { db, engine: 'sqlite', target: `fixture ${config.fixture}`, user: 'recouvra_ro', close: () => db.destroy() };
}

const INNER = Symbol('inner connection');
function inner_(c: DatabaseConnection): DatabaseConnection {
  return (c as DatabaseConnection & { [INNER]?: DatabaseConnection })[INNER] ?? c;
}
