import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { writeFixtureFile } from '../../adapters/sage-100-fr/fixture-dialect';
import { generateSage100Seed } from '../../adapters/sage-100-fr/schema/seed';
import { packageRoot } from '../../connector/paths';

/**
 * The Sage 100 benchmark's fixture database (Sage 100's layout on SQLite, written as `recouvra
 * simulate sage-100-fr` does), cached in .bench/ across runs like the portfolio (portfolio.ts):
 * generated in a child process the first time, so that the generation's memory is not that of
 * the processes that measure. The file's name carries the parameters and a digest of the code
 * that decides its content (the generator, the layout, the fixture's tables and indexes), so that
 * a changed generator writes a new file instead of a stale one being measured.
 *
 * As a script, it writes one file: node sage-100-fixture.js <path> <customers> <seed>
 */
export function cachedSage100Fixture(
  customers: number,
  seed: number,
): { path: string; generation: Record<string, unknown> } {
  const dir = join(packageRoot(), '.bench');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `sage100-${customers}-s${seed}-${generatorDigest()}.sqlite`);
  if (existsSync(path)) return { path, generation: { cached: true } };
  process.stderr.write(`generating the Sage 100 fixture (${customers} customers) into ${path} …\n`);
  const tmp = `${path}.tmp`;
  for (const f of [tmp, `${tmp}-journal`]) rmSync(f, { force: true });
  const out = execFileSync(process.execPath, [__filename, tmp, String(customers), String(seed)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  renameSync(tmp, path);
  return {
    path,
    generation: { cached: false, ...(JSON.parse(out.trim().split('\n').pop()!) as Record<string, unknown>) },
  };
}

/** The modules whose code decides what the fixture file holds. */
const GENERATOR_MODULES = [
  '../../adapters/sage-100-fr/schema/seed',
  '../../adapters/sage-100-fr/schema/layout',
  '../../adapters/sage-100-fr/schema/fixture',
  '../../adapters/sage-100-fr/fixture-dialect',
  '../../adapters/sage-100-fr/values',
];

function generatorDigest(): string {
  const hash = createHash('sha256');
  for (const m of GENERATOR_MODULES) hash.update(readFileSync(require.resolve(m)));
  return hash.digest('hex').slice(0, 12);
}

async function main(path: string, customers: number, seed: number): Promise<void> {
  const t = performance.now();
  await writeFixtureFile(path, generateSage100Seed({ seed, customers }));
  process.stdout.write(
    `${JSON.stringify({ ms: Math.round(performance.now() - t), peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`,
  );
}

if (require.main === module) {
  main(process.argv[2]!, Number(process.argv[3]), Number(process.argv[4])).catch((e: unknown) => {
    process.stderr.write(`${(e as Error).stack}\n`);
    process.exit(1);
  });
}
