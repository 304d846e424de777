import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Sage100ConnectionSchema } from '../../adapters/sage-100-fr/config.schema';
import { openFixtureFile } from '../../adapters/sage-100-fr/fixture-dialect';
import { createSage100Adapter } from '../../adapters/sage-100-fr/index';
import type { ReadPage } from '../../connector/ports/erp';
import { sqliteDriver } from '../../connector/store/sqlite-driver';
import { openSqliteStore } from '../../connector/store/sqlite';
import { syncConnection } from '../../connector/sync/sync-connection';
import { systemClock } from '../../connector/time/clock';
import { quietLogger } from './quiet-logger';

/**
 * One measurement of the Sage 100 benchmark (sage-100-bench.ts), alone in its process so that
 * the peak RSS it prints is its own. Prints one line of JSON.
 * Usage: node sage-100-measure.js <bare|read|sync> <fixture file> <page size>
 *
 * - bare: the open lines in one statement, every row in memory at once (`.all()`), no paging,
 *   no decoding, no mapping: the baseline.
 * - read: the adapter's whole first read of the receivables stream, page after page, as a sync
 *   asks for it.
 * - sync: a full `sync` of both streams into a SQLite store file in a temporary directory, as the
 *   daemon keeps its store (the store's writes added). A store in memory would put every row it
 *   holds in this process's RSS, which says nothing of what the sync itself holds.
 */

/**
 * The same rows and columns as the adapter's open-items page (queries.ts, openItemsPage: the
 * item columns with the signed amount, the customer-lines filter), in one statement.
 */
export const BARE_SELECT = `select e.EC_No, e.cbMarq, e.cbModification, e.JO_Num, e.EC_Date, e.EC_Piece, e.EC_RefPiece, e.CG_Num,
  e.CT_Num, e.EC_Intitule, e.EC_Echeance, e.EC_Sens, e.EC_Montant,
  case e.EC_Sens when 0 then e.EC_Montant when 1 then -e.EC_Montant end as EC_MontantSigne,
  e.EC_Lettrage, e.EC_StatusRegle, e.EC_MontantRegle, e.EC_DateRegle, e.EC_Reference, e.N_Devise, e.EC_Devise
  from F_ECRITUREC e join F_COMPTET c on c.CT_Num = e.CT_Num
  where e.CT_Num <> '' and c.CT_Type = 0 and e.EC_Lettrage = '' and e.CG_Num like '411%'
  order by e.cbModification, e.cbMarq`;

const peakRssMb = (): number => Math.round(process.resourceUsage().maxRSS / 1024);

function bare(file: string): Record<string, unknown> {
  // Opened as the adapter's fixture connection is (memory-mapped), so that both measure the same engine.
  const db = openFixtureFile(file);
  const t = performance.now();
  const rows = db.prepare(BARE_SELECT).all().length;
  const ms = performance.now() - t;
  db.close();
  return { ms, rows };
}

function adapterFor(file: string, pageSize: number) {
  const config = Sage100ConnectionSchema.parse({ id: 'bench', type: 'sage-100-fr', fixture: file, pageSize });
  const { logger } = quietLogger();
  return { adapter: createSage100Adapter(config, { clock: systemClock, logger }), logger };
}

async function read(file: string, pageSize: number): Promise<Record<string, unknown>> {
  // The driver's module is loaded before the clock starts, as the bare SELECT's is.
  sqliteDriver();
  const { adapter } = adapterFor(file, pageSize);
  const t = performance.now();
  let resume: Record<string, unknown> | undefined;
  let pages = 0;
  let rows = 0;
  let receivables = 0;
  let quarantined = 0;
  do {
    const page: ReadPage = await adapter.read('receivables', { saved: undefined, resume });
    pages++;
    rows += page.read;
    receivables += page.receivables.length;
    quarantined += page.quarantined.length;
    resume = page.resume;
  } while (resume);
  const ms = performance.now() - t;
  await adapter.close();
  return { ms, pages, rows, receivables, quarantined };
}

async function sync(file: string, pageSize: number): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'recouvra-bench-sage100-'));
  try {
    return await syncInto(join(dir, 'store.sqlite'), file, pageSize);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function syncInto(storeFile: string, file: string, pageSize: number): Promise<Record<string, unknown>> {
  const store = await openSqliteStore(storeFile);
  await store.migrate();
  const { adapter, logger } = adapterFor(file, pageSize);
  const t = performance.now();
  const summary = await syncConnection({
    store,
    adapter,
    connection: 'bench',
    clock: systemClock,
    logger,
    mode: 'incremental',
  });
  const ms = performance.now() - t;
  await adapter.close();
  await store.close();
  return {
    ms,
    new: summary.new,
    quarantined: summary.quarantined,
    debtors: summary.debtors,
    error: summary.error ?? null,
  };
}

async function main(what: string, file: string, pageSize: number): Promise<void> {
  const result =
    what === 'bare'
      ? bare(file)
      : what === 'read'
        ? await read(file, pageSize)
        : what === 'sync'
          ? await sync(file, pageSize)
          : undefined;
  if (result === undefined) throw new Error(`sage-100-measure: unknown measurement "${what}" (bare, read or sync)`);
  process.stdout.write(`${JSON.stringify({ ...result, peakRssMb: peakRssMb() })}\n`);
}

if (require.main === module) {
  main(process.argv[2] ?? '', process.argv[3]!, Number(process.argv[4] ?? 500)).catch((e: unknown) => {
    process.stderr.write(`${(e as Error).stack}\n`);
    process.exit(1);
  });
}
