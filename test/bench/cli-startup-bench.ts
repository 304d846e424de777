import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

/**
 * How long the built CLI takes, from `node` started to the process gone, for two commands a
 * person types often: `recouvra --help`, and `recouvra cases list` on a configuration with one
 * Odoo connection and a fresh (migrated, empty) SQLite store — start-up and nothing else. Each
 * is run once to warm the file cache, then BENCH_CLI_RUNS times (default 10), one after the
 * other; min and median wall-clock ms. Target: a median at most 400 ms for each.
 */

const RUNS = Math.max(3, Number(process.env.BENCH_CLI_RUNS ?? 10));
const TARGET_MS = 400;
// From dist/test/bench to the built CLI.
const CLI = join(__dirname, '..', '..', 'connector', 'app', 'cli', 'main.js');

function timed(args: string[], env: NodeJS.ProcessEnv): number {
  const started = performance.now();
  const r = spawnSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`recouvra ${args.join(' ')} exited with ${r.status}: ${r.stderr}`);
  return ms;
}

function figures(args: string[], env: NodeJS.ProcessEnv): { minMs: number; medianMs: number; runsMs: number[] } {
  timed(args, env);
  const runs = Array.from({ length: RUNS }, () => Math.round(timed(args, env)));
  const sorted = [...runs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
  return { minMs: sorted[0]!, medianMs: median, runsMs: runs };
}

function main(): void {
  const dir = mkdtempSync(join(tmpdir(), 'recouvra-cli-startup-'));
  try {
    const config = join(dir, 'recouvra.yaml');
    writeFileSync(
      config,
      [
        'version: 1',
        'store:',
        '  driver: sqlite',
        '  sqlite:',
        `    path: ${join(dir, 'recouvra.sqlite')}`,
        'connections:',
        '  - id: odoo1',
        '    type: odoo',
        '    url: http://127.0.0.1:9',
        '    database: bench',
        '    login: recouvra',
        '    apiKey: ${ODOO_API_KEY}',
        '',
      ].join('\n'),
    );
    const env = { ...process.env, ODOO_API_KEY: 'cli-startup-bench-key' };
    timed(['store', 'migrate', '--config', config], env);
    process.stderr.write(`cli-startup bench: recouvra --help, ${RUNS} runs …\n`);
    const help = figures(['--help'], env);
    process.stderr.write(`cli-startup bench: recouvra cases list, ${RUNS} runs …\n`);
    const casesList = figures(['cases', 'list', '--config', config], env);
    const result = {
      benchmark: 'cli-startup',
      node: process.version,
      runs: RUNS,
      help,
      casesList,
      targets: { medianMs: TARGET_MS },
      pass: { help: help.medianMs <= TARGET_MS, casesList: casesList.medianMs <= TARGET_MS },
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
