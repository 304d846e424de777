import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { buildApi } from '../../connector/app/http/api';
import type { PortfolioOverview } from '../../connector/kpis/overview';
import type { KyselyStore } from '../../connector/store/kysely-store';
import { openSqliteStore } from '../../connector/store/sqlite';
import { fixedClock } from '../../connector/time/clock';
import { quietLogger } from './quiet-logger';

/**
 * The dashboard's overview on a portfolio of ~100,000 cases (generate.ts, one case per debtor),
 * copied, with 5 cases in 16 moved to the stages past `open` (reminding twice as often as the
 * others), whose open invoices the overview reads through their cases:
 * GET /api/kpis answered by the API in this process (fastify's inject: routing, validation, the
 * three aggregate reads, the formulas, the JSON), as of `asOf`. The first answer is a warm-up (the
 * page cache, the statement cache); then ROUNDS answers, median and worst against the target
 * (≤ 300 ms). Prints JSON. Usage: node kpi-bench.js <portfolio.sqlite> <asOf>
 */
const ROUNDS = 7;
const TARGETS = { overviewMs: 300 };
const TOKEN = 'bench-token-0123456789abcdef0123456789';

async function main(portfolio: string, asOf: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'recouvra-kpi-bench-'));
  try {
    const path = join(dir, 'portfolio.sqlite');
    copyFileSync(portfolio, path);
    await measure(path, asOf);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measure(path: string, asOf: string): Promise<void> {
  const store = await openSqliteStore(path);
  await store.migrate();
  // Case ids are case_ and hex digits of a hash: their first digit spreads the stages evenly.
  await sql`update cases set stage = case substr(id, 6, 1)
      when '0' then 'reminding' when '1' then 'reminding' when '2' then 'formal_notice'
      when '3' then 'awaiting_approval' when '4' then 'in_procedure' else stage end`.execute(
    (store as KyselyStore).kysely,
  );
  const { logger } = quietLogger();
  const app = buildApi({
    store,
    config: { token: TOKEN, host: '127.0.0.1', port: 0 },
    clock: fixedClock(`${asOf}T10:00:00Z`),
    logger,
  });
  await app.ready();
  const ask = async (): Promise<{ ms: number; body: PortfolioOverview; bytes: number }> => {
    const t = performance.now();
    const res = await app.inject({
      method: 'GET',
      url: `/api/kpis?asOf=${asOf}`,
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const ms = performance.now() - t;
    if (res.statusCode !== 200) throw new Error(`GET /api/kpis answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
    return { ms, body: res.json<PortfolioOverview>(), bytes: res.body.length };
  };
  const warm = await ask();
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) times.push((await ask()).ms);
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  const cases = warm.body.currencies.reduce((a, c) => a + c.stages.reduce((b, s) => b + s.cases, 0), 0);
  const worked = warm.body.currencies.reduce(
    (a, c) => a + c.stages.filter((s) => s.stage !== 'open').reduce((b, s) => b + s.cases, 0),
    0,
  );
  const items = warm.body.currencies.reduce((a, c) => a + c.aging.reduce((b, s) => b + s.items, 0), 0);
  await app.close();
  await store.close();
  const round = (n: number): number => Math.round(n * 10) / 10;
  process.stdout.write(
    `${JSON.stringify({
      asOf,
      cases,
      casesPastOpen: worked,
      openInvoices: items,
      currencies: warm.body.currencies.map((c) => c.currency),
      firstAnswerMs: round(warm.ms),
      overviewMedianMs: round(median),
      overviewWorstMs: round(times.at(-1)!),
      answerBytes: warm.bytes,
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      targets: TARGETS,
      pass: { overviewMs: median <= TARGETS.overviewMs },
    })}\n`,
  );
}

main(process.argv[2] ?? '', process.argv[3] ?? '2026-03-15').catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
