import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { cachedSage100Fixture } from './sage-100-fixture';

/**
 * Sage 100 France: reading ~100,000 open customer lines from a fixture database (SQLite, Sage
 * 100's layout, written as `recouvra simulate sage-100-fr` does) against a bare SELECT of the
 * same rows and columns (one statement, no paging, no mapping).
 *
 * - `ratio`: the adapter's whole first read of the receivables stream (keyset pages, the open
 *   lines of each page's pieces outside the page, the sales documents, decoding, mapping to
 *   canonical records) over the bare SELECT. Target ≤ 1.5.
 * - `syncRatio` (reported, no target): a full `sync` of both streams into a SQLite store file,
 *   which adds the customers and the store's writes to disk, over the same bare SELECT.
 * - `peakRssMb`: the largest peak RSS of the processes that run the adapter, its read's rounds
 *   and the full sync (target ≤ 300 MB); each is reported too, and the bare SELECT's beside them.
 *
 * Each measurement runs in a process of its own (sage-100-measure.ts), so that each peak RSS is
 * that work's own: the bare SELECT holds every row at once, the read one page at a time. The
 * fixture is generated once, in a child process, and cached in .bench/ (sage-100-fixture.ts).
 * Rounds alternate a bare SELECT and a read, each in a fresh process, so that both see the same
 * page cache and machine load; the median of each is kept.
 *
 * The fixture has the indexes its reads need (adapters/sage-100-fr/schema/fixture.ts): on
 * F_ECRITUREC (cbModification, cbMarq), EC_RefPiece and EC_No, on F_COMPTET CT_Num and
 * (cbModification, cbMarq), on F_CONTACTT (CT_Num, CT_No), on F_DOCENTETE DO_Piece, and a unique
 * cbMarq on every table. Which indexes a real Sage 100 database has is not verified (sage.md §4.2
 * names only the keys: EC_No, CT_Num, cbMarq), so none was added for this benchmark. Both the
 * adapter and the bare SELECT open the file memory-mapped (fixture-dialect.ts, openFixtureFile),
 * in place of SQLite's 2 MB page cache: the pages of the file they touch count in their RSS.
 *
 * A fixture on local SQLite is not a SQL Server across a LAN: the ratios say what the adapter
 * costs over the rows, not how long a real Sage 100 takes. Env: BENCH_SAGE100_LINES (default
 * 100,000 open lines), BENCH_SAGE100_ROUNDS (5, the median kept), BENCH_SAGE100_PAGE (500).
 */

const LINES = Number(process.env.BENCH_SAGE100_LINES ?? 100_000);
const ROUNDS = Math.max(1, Number(process.env.BENCH_SAGE100_ROUNDS ?? 5));
const PAGE = Number(process.env.BENCH_SAGE100_PAGE ?? 500);
/** The seed's generated customers hold about 1.7 open lines each (schema/seed.ts). */
const CUSTOMERS = Math.min(99_999, Math.ceil(LINES / 1.7));
const TARGETS = { ratio: 1.5, peakRssMb: 300 };
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (n: number, digits = 2): number => Number(n.toFixed(digits));

/** What sage-100-measure.js prints: its time and peak RSS, and what it counted. */
interface Measured {
  ms: number;
  peakRssMb: number;
  rows?: number;
  pages?: number;
  receivables?: number;
  quarantined?: number;
  new?: number;
  debtors?: number;
  error?: string | null;
}

function measure(what: 'bare' | 'read' | 'sync', file: string): Measured {
  const out = execFileSync(process.execPath, [join(__dirname, 'sage-100-measure.js'), what, file, String(PAGE)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out.trim().split('\n').pop()!) as Measured;
}

/** Reads the file through once, so that the first round does not pay for the disk. */
async function warmPageCache(file: string): Promise<void> {
  for await (const _ of createReadStream(file, { highWaterMark: 1 << 20 })) {
    // Read only.
  }
}

async function main(): Promise<void> {
  const { path: file, generation } = cachedSage100Fixture(CUSTOMERS, 1);
  await warmPageCache(file);

  const bares: Measured[] = [];
  const reads: Measured[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    process.stderr.write(`sage-100: round ${i + 1} of ${ROUNDS} (bare SELECT, adapter read) …\n`);
    bares.push(measure('bare', file));
    reads.push(measure('read', file));
  }
  process.stderr.write('sage-100: full sync into a store …\n');
  const sync = measure('sync', file);

  const bareMs = median(bares.map((b) => b.ms));
  const readMs = median(reads.map((r) => r.ms));
  const read = reads[0]!;
  const ratio = readMs / bareMs;
  const readPeakRssMb = Math.max(...reads.map((r) => r.peakRssMb));
  const peakRssMb = Math.max(readPeakRssMb, sync.peakRssMb);
  process.stdout.write(
    `${JSON.stringify({
      benchmark: 'sage-100-fr-read-from-fixture',
      node: process.version,
      openLines: bares[0]!.rows,
      fixture: generation,
      pageSize: PAGE,
      rounds: ROUNDS,
      bareSelectMs: round(bareMs),
      adapterReadMs: round(readMs),
      bareSelectRoundsMs: bares.map((b) => Math.round(b.ms)),
      adapterReadRoundsMs: reads.map((r) => Math.round(r.ms)),
      pages: read.pages,
      receivables: read.receivables,
      quarantined: read.quarantined,
      ratio: round(ratio),
      syncMs: Math.round(sync.ms),
      syncRatio: round(sync.ms / bareMs),
      sync: {
        new: sync.new,
        quarantined: sync.quarantined,
        debtors: sync.debtors,
        error: sync.error ?? null,
        peakRssMb: sync.peakRssMb,
      },
      bareSelectPeakRssMb: Math.max(...bares.map((b) => b.peakRssMb)),
      readPeakRssMb,
      peakRssMb,
      targets: TARGETS,
      pass: { ratio: ratio <= TARGETS.ratio, peakRssMb: peakRssMb <= TARGETS.peakRssMb },
    })}\n`,
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
