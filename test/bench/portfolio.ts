import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../connector/paths';
import { latestMigrationName } from '../../connector/store/migrations';

/**
 * The generated portfolio (generate.ts) of a given size, cached in .bench/ across runs and
 * benchmarks, under the name of the schema's newest migration: generated in a child process the first time, so that its memory is not the
 * caller's. Callers that write to the store work on a copy.
 */
export function cachedPortfolio(
  receivables: number,
  debtors: number,
): { path: string; generation: Record<string, unknown> } {
  const dir = join(packageRoot(), '.bench');
  mkdirSync(dir, { recursive: true });
  // Named after the schema it was generated at: a portfolio made before a migration is not reused.
  const path = join(dir, `portfolio-${receivables}-${debtors}-${latestMigrationName()}.sqlite`);
  if (existsSync(path)) return { path, generation: { cached: true } };
  process.stderr.write(`generating ${receivables} receivables across ${debtors} debtors into ${path} …\n`);
  const tmp = `${path}.tmp`;
  for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true });
  const out = execFileSync(
    process.execPath,
    [join(__dirname, 'generate.js'), tmp, String(receivables), String(debtors)],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  renameSync(tmp, path);
  for (const f of [`${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true });
  return {
    path,
    generation: { cached: false, ...(JSON.parse(out.trim().split('\n').pop()!) as Record<string, unknown>) },
  };
}
