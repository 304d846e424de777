import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Sage100ConnectionSchema } from '../../adapters/sage-100-fr/config.schema';
import { writeFixtureFile } from '../../adapters/sage-100-fr/fixture-dialect';
import { createSage100Adapter } from '../../adapters/sage-100-fr/index';
import { generateSage100Seed } from '../../adapters/sage-100-fr/schema/seed';
import type { ReadPage } from '../../connector/ports/erp';
import { sqliteDriver } from '../../connector/store/sqlite-driver';
import { openSqliteStore } from '../../connector/store/sqlite';
import { syncConnection } from '../../connector/sync/sync-connection';
import { systemClock } from '../../connector/time/clock';
import { quietLogger } from './quiet-logger';

/**
 * Sage 100 France: reading ~100,000 open customer lines from a fixture database (SQLite, Sage
 * 100's layout, written as `recouvra simulate sage-100-fr` does) against a bare SELECT of the
 * same rows and columns (one statement, no paging, no mapping).
 *
 * - `ratio`: the adapter's whole first read of the receivables stream (keyset pages, the open
 *   lines of each page's pieces, the sales documents, decoding, mapping to canonical records)
 *   over the bare SELECT. Target ≤ 1.5.
 * - `syncRatio` (reported, no target): a full `sync` of both streams into a SQLite store in
 *   memory, which adds the store's writes, over the same bare SELECT.
 * - peak RSS of this process (target ≤ 300 MB).
 *
 * A fixture on local SQLite is not a SQL Server across a LAN: the ratios say what the adapter
 * costs over the rows, not how long a real Sage 100 takes. Env: BENCH_SAGE100_LINES (default
 * 100,000 open lines), BENCH_SAGE100_ROUNDS (3, the median kept), BENCH_SAGE100_PAGE (500).
 */

const LINES = Number(process.env.BENCH_SAGE100_LINES ?? 100_000);
const ROUNDS = Math.max(1, Number(process.env.BENCH_SAGE100_ROUNDS ?? 3));
const PAGE = Number(process.env.BENCH_SAGE100_PAGE ?? 500);
const TARGETS = { ratio: 1.5, peakRssMb: 300 };
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (n: number, digits = 2): number => Number(n.toFixed(digits));

/** The same rows and columns as the adapter's open-items read, in one statement. */
const BARE = `select e.EC_No, e.cbMarq, e.cbModification, e.JO_Num, e.EC_Date, e.EC_Piece, e.EC_RefPiece, e.CG_Num,
  e.CT_Num, e.EC_Intitule, e.EC_Echeance, e.EC_Sens, e.EC_Montant, e.EC_Lettrage, e.EC_StatusRegle, e.EC_MontantRegle,
  e.EC_DateRegle, e.EC_Reference, e.N_Devise, e.EC_Devise
  from F_ECRITUREC e join F_COMPTET c on c.CT_Num = e.CT_Num
  where e.CT_Num <> '' and c.CT_Type = 0 and e.EC_Lettrage = '' and e.CG_Num like '411%'
  order by e.cbModification, e.cbMarq`;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'recouvra-bench-sage100-'));
  const file = join(dir, 'sage100.sqlite');
  try {
    const t0 = performance.now();
    const seed = generateSage100Seed({ seed: 1, customers: Math.min(99_999, Math.ceil(LINES / 1.7)) });
    await writeFixtureFile(file, seed);
    const generationMs = performance.now() - t0;

    const Database = sqliteDriver();
    const bareRun = (): { ms: number; rows: number } => {
      const db = new Database(file, { readonly: true });
      const t = performance.now();
      const rows = db.prepare(BARE).all().length;
      const ms = performance.now() - t;
      db.close();
      return { ms, rows };
    };
    const config = Sage100ConnectionSchema.parse({ id: 'bench', type: 'sage-100-fr', fixture: file, pageSize: PAGE });
    const { logger } = quietLogger();
    const readRun = async (): Promise<{ ms: number; receivables: number; quarantined: number }> => {
      const adapter = createSage100Adapter(config, { clock: systemClock, logger });
      const t = performance.now();
      let resume: Record<string, unknown> | undefined;
      let receivables = 0;
      let quarantined = 0;
      do {
        const page: ReadPage = await adapter.read('receivables', { saved: undefined, resume });
        receivables += page.receivables.length;
        quarantined += page.quarantined.length;
        resume = page.resume;
      } while (resume);
      const ms = performance.now() - t;
      await adapter.close();
      return { ms, receivables, quarantined };
    };

    const bares: number[] = [];
    const reads: number[] = [];
    let rows = 0;
    let read = { ms: 0, receivables: 0, quarantined: 0 };
    // Pair by pair, alternating, so that both see the same cache and machine load.
    for (let i = 0; i < ROUNDS; i++) {
      const b = bareRun();
      rows = b.rows;
      bares.push(b.ms);
      read = await readRun();
      reads.push(read.ms);
    }
    const bareMs = median(bares);
    const readMs = median(reads);

    const store = await openSqliteStore(':memory:');
    await store.migrate();
    const adapter = createSage100Adapter(config, { clock: systemClock, logger });
    const t = performance.now();
    const summary = await syncConnection({
      store,
      adapter,
      connection: 'bench',
      clock: systemClock,
      logger,
      mode: 'incremental',
    });
    const syncMs = performance.now() - t;
    await adapter.close();
    await store.close();

    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    const ratio = readMs / bareMs;
    process.stdout.write(
      `${JSON.stringify({
        benchmark: 'sage-100-fr-read-from-fixture',
        node: process.version,
        openLines: rows,
        generationMs: Math.round(generationMs),
        pageSize: PAGE,
        rounds: ROUNDS,
        bareSelectMs: round(bareMs),
        adapterReadMs: round(readMs),
        receivables: read.receivables,
        quarantined: read.quarantined,
        ratio: round(ratio),
        syncMs: Math.round(syncMs),
        syncRatio: round(syncMs / bareMs),
        sync: {
          new: summary.new,
          quarantined: summary.quarantined,
          debtors: summary.debtors,
          error: summary.error ?? null,
        },
        peakRssMb: Math.round(peakRssMb),
        targets: TARGETS,
        pass: { ratio: ratio <= TARGETS.ratio, peakRssMb: peakRssMb <= TARGETS.peakRssMb },
      })}\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
