import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { cachedPortfolio } from './portfolio';

/**
 * `npm run bench [-- <name>…]`: runs the named benchmarks (evaluate, kpis, odoo-sync, odoo-small, quickbooks, sage-active, sage-100, daemon, lawfirm, cli-startup; default
 * all, or BENCH=name,name) and prints JSON: one benchmark's document, or an array of them. Each
 * measurement runs in its own process so that peak RSS is the measured work's own. Sizes can
 * be lowered for a quick look: BENCH_RECEIVABLES / BENCH_DEBTORS (evaluate, and the daemon's
 * portfolio at rest), BENCH_ODOO_OPEN / BENCH_ODOO_ROUNDS (odoo-sync, see odoo-sync-bench.ts),
 * BENCH_ODOO_SMALL_* (odoo-small, see odoo-small-bench.ts), BENCH_QBO_INVOICES / BENCH_QBO_RATE_SCALE
 * (quickbooks, see quickbooks-bench.ts), BENCH_SAGE_INVOICES (sage-active, see sage-active-bench.ts),
 * BENCH_SAGE100_* (sage-100, see sage-100-bench.ts), BENCH_DAEMON_* (daemon, see daemon-bench.ts),
 * BENCH_CLI_RUNS (cli-startup, see cli-startup-bench.ts), BENCH_KPI_RECEIVABLES / BENCH_KPI_CASES (kpis).
 */
const RECEIVABLES = Number(process.env.BENCH_RECEIVABLES ?? 1_000_000);
const DEBTORS = Number(process.env.BENCH_DEBTORS ?? 200_000);
const TARGETS = { ratio: 3, peakRssMb: 400 };

function node(script: string, args: string[], nodeArgs: string[] = []): Record<string, unknown> {
  const out = execFileSync(process.execPath, [...nodeArgs, join(__dirname, script), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as Record<string, unknown>;
}

function evaluateBench(): Record<string, unknown> {
  const { path: db, generation } = cachedPortfolio(RECEIVABLES, DEBTORS);
  process.stderr.write('measuring scan and evaluation …\n');
  const evaluation = node('evaluate-bench.js', [db, '2026-03-15']);
  return {
    benchmark: 'policy-evaluation-from-sqlite',
    node: process.version,
    receivables: RECEIVABLES,
    debtors: DEBTORS,
    generation,
    ...evaluation,
    targets: TARGETS,
    pass: {
      ratio: (evaluation.ratio as number) <= TARGETS.ratio,
      peakRssMb: (evaluation.peakRssMb as number) <= TARGETS.peakRssMb,
    },
  };
}

// --expose-gc: the benchmark collects between its phases so that each phase's peak RSS is its own.
const odooSyncBench = (): Record<string, unknown> => node('odoo-sync-bench.js', [], ['--expose-gc']);

// A small portfolio: the per-sync fixed cost against a bare fetch of the same records.
const odooSmallBench = (): Record<string, unknown> => node('odoo-small-bench.js', []);

// QuickBooks Online: the full sync against the rate limit's bound, then an incremental one through CDC.
const quickbooksBench = (): Record<string, unknown> => node('quickbooks-bench.js', []);

// Sage Active: the full sync against a bare fetch of the same pages, the sweep-and-diff, the deletions it closes.
const sageActiveBench = (): Record<string, unknown> => node('sage-active-bench.js', []);

// Sage 100 France: reading 100,000 open lines from its fixture database against a bare SELECT of them.
const sage100Bench = (): Record<string, unknown> => node('sage-100-bench.js', []);

// The daemon benchmark forks its own processes (SMTP sink, one per queue driver, the daemon at rest).
const daemonBench = (): Record<string, unknown> => node('daemon-bench.js', []);

// From the firm's webhook to the note in Odoo (the daemon in this child, the Odoo simulator in its own).
const lawfirmBench = (): Record<string, unknown> => node('lawfirm-bench.js', []);

// The built CLI's start-up: `--help` and `cases list`, each in processes of their own.
const cliStartupBench = (): Record<string, unknown> => node('cli-startup-bench.js', []);

// The dashboard's overview (GET /api/kpis) on ~100,000 cases.
const KPI_RECEIVABLES = Number(process.env.BENCH_KPI_RECEIVABLES ?? 300_000);
const KPI_CASES = Number(process.env.BENCH_KPI_CASES ?? 100_000);
function kpiBench(): Record<string, unknown> {
  const { path: db, generation } = cachedPortfolio(KPI_RECEIVABLES, KPI_CASES);
  process.stderr.write('kpis: measuring GET /api/kpis …\n');
  return {
    benchmark: 'dashboard-overview',
    node: process.version,
    receivables: KPI_RECEIVABLES,
    generation,
    ...node('kpi-bench.js', [db, '2026-03-15']),
  };
}

const BENCHMARKS: Record<string, () => Record<string, unknown>> = {
  evaluate: evaluateBench,
  kpis: kpiBench,
  'odoo-sync': odooSyncBench,
  'odoo-small': odooSmallBench,
  quickbooks: quickbooksBench,
  'sage-active': sageActiveBench,
  'sage-100': sage100Bench,
  daemon: daemonBench,
  lawfirm: lawfirmBench,
  'cli-startup': cliStartupBench,
};

function selected(): string[] {
  const asked = [...process.argv.slice(2), ...(process.env.BENCH ?? '').split(',')]
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (asked.length === 0 || asked.includes('all')) return Object.keys(BENCHMARKS);
  const unknown = asked.filter((name) => !(name in BENCHMARKS));
  if (unknown.length)
    throw new Error(
      `unknown benchmark ${unknown.join(', ')}: choose among ${Object.keys(BENCHMARKS).join(', ')} or all`,
    );
  return [...new Set(asked)];
}

function main(): void {
  const results = selected().map((name) => BENCHMARKS[name]!());
  process.stdout.write(`${JSON.stringify(results.length === 1 ? results[0] : results, null, 2)}\n`);
}

main();
