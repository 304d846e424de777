import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../connector/paths';

/**
 * `npm run bench`: prints one JSON document with every figure. Each measurement runs in its
 * own process so that peak RSS is the measured work's own. Sizes can be lowered with
 * BENCH_RECEIVABLES / BENCH_DEBTORS for a quick look.
 */
const RECEIVABLES = Number(process.env.BENCH_RECEIVABLES ?? 1_000_000);
const DEBTORS = Number(process.env.BENCH_DEBTORS ?? 200_000);
const TARGETS = { ratio: 3, peakRssMb: 400 };

function node(script: string, args: string[]): Record<string, unknown> {
  const out = execFileSync(process.execPath, [join(__dirname, script), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop()!) as Record<string, unknown>;
}

function main(): void {
  const dir = join(packageRoot(), '.bench');
  mkdirSync(dir, { recursive: true });
  const db = join(dir, `portfolio-${RECEIVABLES}-${DEBTORS}-v1.sqlite`);
  let generation: Record<string, unknown> = { cached: true };
  if (!existsSync(db)) {
    process.stderr.write(`generating ${RECEIVABLES} receivables across ${DEBTORS} debtors into ${db} …\n`);
    const tmp = `${db}.tmp`;
    for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true });
    generation = { cached: false, ...node('generate.js', [tmp, String(RECEIVABLES), String(DEBTORS)]) };
    renameSync(tmp, db);
    for (const f of [`${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true });
  }
  process.stderr.write('measuring scan and evaluation …\n');
  const evaluation = node('evaluate-bench.js', [db, '2026-03-15']);
  const result = {
    benchmark: 'policy-evaluation-from-sqlite',
    node: process.version,
    receivables: RECEIVABLES,
    debtors: DEBTORS,
    generation,
    ...evaluation,
    targets: TARGETS,
    pass: { ratio: (evaluation.ratio as number) <= TARGETS.ratio, peakRssMb: (evaluation.peakRssMb as number) <= TARGETS.peakRssMb },
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

main();
